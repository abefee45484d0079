"""xxgk validate on the real data and as a command: formats, exit codes, discovery, limits.

The checks themselves, one broken package per finding code, are in test_checks.py.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from broken import CASES, FIXTURE, make
from conftest import HUAIAN, ROOT, SEED, needs_sources, run_xxgk
from xxgk.validate import validate, validate_package

CASE = {c.name: c for c in CASES}


def case_dir(name, tmp_path):
    """A broken case as a data root, and the env that points xxgk at its source cache."""
    folder = make(CASE[name], tmp_path / name)
    return folder, {"XXGK_SOURCES": str(tmp_path / name / "sources"), "XXGK_CACHE": str(tmp_path / "derived")}


def test_real_data_is_valid():
    findings, checked = validate([])
    assert [f for f in findings if f.severity == "error"] == []
    assert "data/reports/370000-hrss-2018" in checked
    assert "data/templates/national-2014" in checked
    assert "data/crosswalk" in checked


@pytest.mark.parametrize("case,code", [("rule-violation", 1), ("bom", 1), ("source-figure-mismatch", 0),
                                       ("source-rule-violation", 0), ("source-absent", 0), ("undeclared-file", 0)])
def test_exit_code_errors_fail_source_findings_and_notices_do_not(case, code, tmp_path):
    folder, env = case_dir(case, tmp_path)
    result = run_xxgk("validate", folder, env=env)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "github", "markdown"])
def test_formats(fmt, tmp_path):
    folder, env = case_dir("rule-violation", tmp_path)
    result = run_xxgk("validate", "--format", fmt, folder, env=env)
    assert result.returncode == 1
    out = result.stdout
    if fmt == "json":
        doc = json.loads(out)
        assert doc["valid"] is False and doc["omitted"] == {}
        (f,) = doc["findings"]
        assert (f["code"], f["line"], f["field"], f["severity"]) == ("rule-violation", 4, "value", "error")
        assert f["file"].endswith("110000-mini-2018/statistics.csv")
        assert f["expected"] == "两边相等" and f["found"] == "5 对 6"
    elif fmt == "github":
        first = out.splitlines()[0]
        assert first.startswith("::error file=") and ",line=4," in first
        assert "title=rule-violation%3A" in first and "规则 H1" in first
    elif fmt == "markdown":
        assert "| `rule-violation` |" in out and "**1 个错误**" in out
    else:
        assert "statistics.csv，第 4 行，字段 value" in out and "rule-violation" in out


def test_notices_are_annotations_too(tmp_path):
    folder, env = case_dir("source-absent", tmp_path)
    result = run_xxgk("validate", "--format", "github", folder, env=env)
    assert result.returncode == 0
    assert result.stdout.startswith("::notice file=") and "source-absent" in result.stdout


def test_bad_paths_never_traceback(tmp_path):
    (tmp_path / "datapackage.yaml").write_text("resources: [\n", encoding="utf-8")
    result = run_xxgk("validate", tmp_path)
    assert result.returncode == 1 and "descriptor-error" in result.stdout
    assert "Traceback" not in result.stderr
    result = run_xxgk("validate", tmp_path / "nowhere")
    assert result.returncode == 1 and "package-missing" in result.stdout


@pytest.mark.parametrize("contents", [{}, {"statistics.csv": "table,row,column,value\n"}], ids=["empty", "files-no-descriptor"])
def test_an_empty_report_folder_is_a_finding_not_a_silent_drop(data_copy, contents):
    folder = data_copy / "reports" / "110000-forgotten-2020"
    folder.mkdir()
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")
    findings, checked = validate([str(data_copy)])
    assert [(f.code, Path(f.file).name) for f in findings if f.severity == "error"] == [("package-missing", "110000-forgotten-2020")]


def test_a_template_without_rows_is_checked_as_a_template(data_copy):
    """The kind comes from the profile ($schema), not from the resources a package happens to have."""
    desc = data_copy / "templates" / "national-2014" / "datapackage.yaml"
    text = desc.read_text(encoding="utf-8")
    desc.write_text(text.replace("  - name: rows\n    path: rows.csv\n", "  - name: rowz\n    path: rows.csv\n"), encoding="utf-8")
    codes = {f.code for f in validate_package(data_copy / "templates" / "national-2014")}
    assert {"resource-missing", "resource-not-allowed"} <= codes


def test_generated_downloads_are_not_validated_as_data(tmp_path, site):
    """`xxgk validate .` skips build output; the published datapackage.json files validate on their own."""
    findings, checked = validate([str(ROOT)])
    assert not any("/site/" in c or c.startswith(("build/", "site/")) for c in checked)
    descriptor = site / "downloads" / SEED.name / "datapackage.json"
    pkg = tmp_path / SEED.name
    shutil.copytree(descriptor.parent, pkg)
    (pkg / f"{SEED.name}.zip").unlink()
    for extra in pkg.glob("*.excel.csv"):
        extra.unlink()
    (pkg / "statistics-labelled.csv").unlink()
    for src in pkg.glob("source.*"):
        src.unlink()
    assert [f for f in validate_package(pkg) if f.severity == "error"] == []


def test_statistics_has_one_row_per_template_cell():
    with open(ROOT / "data/templates/national-2014/rows.csv", encoding="utf-8") as fh:
        items = [r["key"] for r in csv.DictReader(fh) if r["kind"] == "item"]
    with open(SEED / "statistics.csv", encoding="utf-8") as fh:
        rows = [r["row"] for r in csv.DictReader(fh)]
    assert rows == items


def test_seed_changed_value_without_ledger_is_an_error(seed_copy):
    path = seed_copy / "statistics.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("stats,trainees,value,100,printed,432,line=433&chars=14-17,100,", "stats,trainees,value,101,printed,432,line=433&chars=14-17,100,"),
                    encoding="utf-8")
    found = [(f.code, f.line, f.field) for f in validate_package(seed_copy)]
    assert ("printed-value-mismatch", 65, "value") in found


def test_seed_derived_value_breaking_rule_is_an_error(seed_copy):
    stats = seed_copy / "statistics.csv"
    stats.write_text(stats.read_text(encoding="utf-8").replace(
        "stats,received_letter,value,15,derived", "stats,received_letter,value,16,derived"), encoding="utf-8")
    led = seed_copy / "corrections.csv"
    led.write_text(led.read_text(encoding="utf-8").replace(
        "stats/received_letter/value,336,,15,", "stats/received_letter/value,336,,16,"), encoding="utf-8")
    found = {(f.code, f.line, f.field) for f in validate_package(seed_copy)}
    assert ("rule-violation", 22, "value") in found
    assert ("figure-mismatch", 12, "value") in found  # prose says 信函申请15件


def test_without_the_source_cache_every_source_check_says_so(seed_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_SOURCES", str(tmp_path / "empty"))
    monkeypatch.setenv("XXGK_CACHE", str(tmp_path / "derived"))
    found = validate_package(seed_copy)
    assert [(f.code, f.severity) for f in found] == [("source-absent", "notice")]
    assert "正文复原" in found[0].message


def test_a_million_findings_are_capped(tmp_path, monkeypatch):
    """A statistics.csv of 200,000 unknown cells: a few hundred findings printed, and a count of the rest."""
    root = tmp_path / "data"
    shutil.copytree(FIXTURE, root)
    monkeypatch.setenv("XXGK_SOURCES", str(root / "sources"))
    stats = root / "reports/110000-mini-2018/statistics.csv"
    with stats.open("a", encoding="utf-8") as fh:
        for i in range(200_000):
            fh.write(f"stats,r{i},value,1,printed,1,,1,\n")
    result = run_xxgk("validate", root / "reports/110000-mini-2018", env={"XXGK_SOURCES": str(root / "sources")})
    assert result.returncode == 1
    assert len(result.stdout) < 300_000
    assert "没有逐条列出" in result.stdout


def test_descriptor_alias_bomb_is_refused_quickly(tmp_path):
    lol = "\n".join([f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 12)])
    folder = tmp_path / "110000-bomb-2018"
    folder.mkdir()
    (folder / "datapackage.yaml").write_text("$schema: x\nl0: &l0 [lol]\n" + lol + "\nresources: []\n", encoding="utf-8")
    start = time.perf_counter()
    result = run_xxgk("validate", folder)
    assert time.perf_counter() - start < 30 and result.returncode == 1
    assert "yaml-alias" in result.stdout and "Traceback" not in result.stderr


def test_every_finding_code_is_documented():
    from xxgk.findings import CODES

    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert [c for c in CODES if f"`{c}`" not in guide] == []


def test_a_bug_is_an_internal_error_not_a_finding(tmp_path, monkeypatch):
    """A programming error surfaces as an internal error (exit 3), never as a finding blaming the data."""
    code = ("import sys; from xxgk import checks; from xxgk.checks import content;"
            "content.printed_number = None;"  # the statistics check now raises TypeError on the first printed value
            "from xxgk.cli import main; sys.exit(main(['validate', sys.argv[1]]))")
    result = subprocess.run([sys.executable, "-c", code, str(SEED)], capture_output=True, text=True,
                            env=dict(os.environ, XXGK_NO_CACHE="1"))  # stored findings would hide the bug
    assert result.returncode == 3, result.stdout + result.stderr
    assert "内部错误" in result.stderr and "table-error" not in result.stdout


@needs_sources("000_b6e4372336266b61.txt", "huaian-2024-szfgs2024.pdf")
def test_stored_findings_are_reused_only_for_the_same_content(data_copy, tmp_path, monkeypatch):
    """The validation cache: a second run returns the same findings without checking; a change to the package,
    to its template or to the cached source is checked again."""
    from xxgk import vcache
    from xxgk import validate as validate_module

    monkeypatch.setenv("XXGK_CACHE", str(tmp_path / "derived"))
    checked = []
    real = validate_module.validate_package
    monkeypatch.setattr(validate_module, "validate_package", lambda folder: checked.append(Path(folder).name) or real(folder))
    seed = data_copy / "reports" / SEED.name
    first = validate_module.validate_package_cached(seed)
    assert validate_module.validate_package_cached(seed) == first and checked == [SEED.name]
    assert any((tmp_path / "derived" / "validation").rglob("*.json"))

    stats = seed / "statistics.csv"
    stats.write_text(stats.read_text(encoding="utf-8").replace(
        "stats,trainees,value,100,printed,", "stats,trainees,value,101,printed,"), encoding="utf-8")
    assert ("printed-value-mismatch", "value") in {(f.code, f.field) for f in validate_module.validate_package_cached(seed)}
    assert len(checked) == 2

    template_rules = data_copy / "templates" / "national-2014" / "rules.csv"
    template_rules.write_text(template_rules.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    validate_module.validate_package_cached(seed)
    assert len(checked) == 3  # the template changed: checked again

    monkeypatch.setenv("XXGK_SOURCES", str(tmp_path / "empty"))
    assert "source-absent" in {f.code for f in validate_module.validate_package_cached(seed)}
    assert len(checked) == 4
    monkeypatch.setenv("XXGK_NO_CACHE", "1")
    validate_module.validate_package_cached(seed)
    assert len(checked) == 5 and not vcache.enabled()


def test_a_missing_part_makes_its_unprinted_group_unknown_not_zero(data_copy):
    """淮安 2024 prints （六）其他处理 only as its three parts. One part unreadable: the group is unknown, so the
    rule that adds the groups (R2) holds as "at least" instead of failing on a group taken as zero."""
    path = data_copy / "reports" / HUAIAN.name / "statistics.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    for r in rows:
        if (r["table"], r["row"], r["column"]) == ("requests", "other_no_amendment", "natural"):
            r.update(value="", state="missing", note="测试：读不出。")
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    from xxgk import model
    from xxgk.rules import evaluate

    report = model.load_report(data_copy / "reports" / HUAIAN.name)
    template = model.load_template(data_copy / "templates" / "national-2021")
    r2 = {res.scope: res.status for res in evaluate(template, report.numbers()) if res.rule["id"] == "R2"}
    assert r2["natural"] == "unknown" and r2["commercial"] == "holds"  # shown as such in the report's rules
    found = {(f.code, f.field) for f in validate_package(data_copy / "reports" / HUAIAN.name)}
    assert ("rule-violation", "value") not in found
    assert ("ledger-missing", "value") in found  # a printed value published as missing still needs its reason
