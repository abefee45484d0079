"""xxgk validate: the real data, and small packages broken on purpose."""

import csv
import json
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, SEED, run_xxgk
from xxgk.validate import validate, validate_package

INVALID = FIXTURES / "invalid"
PKG = "110000-mini-2018"


def findings_of(folder):
    """(code, file inside the package, line, field) of every finding."""
    out = []
    for f in validate_package(folder):
        out.append((f.code, Path(f.file).name, f.line, f.field))
    return sorted(out, key=str)


def test_real_data_is_valid():
    findings, checked = validate([])
    errors = [f for f in findings if f.severity == "error"]
    assert errors == []
    assert "data/reports/370000-hrss-2018" in checked
    assert "data/templates/national-2014" in checked


def test_valid_fixture_is_valid():
    assert findings_of(FIXTURES / "valid" / "mini" / PKG) == []


# case folder -> exact findings (code, file, line, field)
CASES = {
    "wrong-total": [("rule-violation", "statistics.csv", 4, "value")],
    "non-integer": [("type-error", "statistics.csv", 3, "value")],
    "negative-value": [("constraint-error", "statistics.csv", 3, "value")],
    "duplicate-key": [("primary-key", "statistics.csv", 4, None)],
    "unknown-row-key": [
        ("template-row-missing", "statistics.csv", None, "row"),
        ("unknown-cell", "figures.csv", 2, "cells"),
        ("unknown-cell", "statistics.csv", 3, "row"),
    ],
    "missing-column": [("missing-label", "statistics.csv", 1, "note")],
    "missing-file": [("file-missing", "datapackage.yaml", 6, "figures.path")],
    "gbk-encoding": [("encoding-error", "prose.csv", 2, None)],
    "bom": [("bom", "statistics.csv", 1, None)],
    "ragged-rows": [("extra-cell", "statistics.csv", 2, None)],
    "no-ledger-entry": [("ledger-missing", "statistics.csv", 4, "value")],
    "ocr-residue": [("ocr-residue", "prose.csv", 3, "text")],
    "figure-disagrees": [("source-figure-mismatch", "figures.csv", 2, "value")],
    "prose-not-in-ledger": [("prose-mismatch", "prose.csv", 3, "text")],
    "source-changed": [("hash-mismatch", "source.txt", None, "hash")],
    "source-contradiction": [("source-rule-violation", "statistics.csv", 2, "value")],
}


def test_every_invalid_fixture_is_covered():
    assert sorted(p.name for p in INVALID.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_package(case):
    assert findings_of(INVALID / case / PKG) == sorted(CASES[case], key=str)


@pytest.mark.parametrize("case,code", [("wrong-total", 1), ("bom", 1), ("figure-disagrees", 0), ("source-contradiction", 0)])
def test_exit_code_errors_fail_source_findings_do_not(case, code):
    result = run_xxgk("validate", INVALID / case)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_formats(fmt):
    result = run_xxgk("validate", "--format", fmt, INVALID / "wrong-total")
    assert result.returncode == 1
    out = result.stdout
    if fmt == "json":
        doc = json.loads(out)
        assert doc["valid"] is False
        (f,) = doc["findings"]
        assert (f["code"], f["line"], f["field"], f["severity"]) == ("rule-violation", 4, "value", "error")
        assert f["file"].endswith("wrong-total/110000-mini-2018/statistics.csv")
        assert f["expected"] == "两边相等" and f["found"] == "5 对 6"
    elif fmt == "github":
        first = out.splitlines()[0]
        assert first.startswith("::error file=tests/fixtures/invalid/wrong-total/110000-mini-2018/statistics.csv,line=4,")
        assert "title=rule-violation%3A" in first
        assert "规则 H1" in first
    else:
        assert "statistics.csv，第 4 行，字段 value" in out
        assert "rule-violation" in out


def test_bad_paths_never_traceback(tmp_path):
    (tmp_path / "datapackage.yaml").write_text("resources: [\n", encoding="utf-8")
    result = run_xxgk("validate", tmp_path)
    assert result.returncode == 1
    assert "descriptor-error" in result.stdout
    assert "Traceback" not in result.stderr
    result = run_xxgk("validate", tmp_path / "nowhere")
    assert result.returncode == 1 and "file-missing" in result.stdout


def test_statistics_has_one_row_per_template_cell():
    with open(ROOT / "data/templates/national-2014/rows.csv", encoding="utf-8") as fh:
        items = [r["key"] for r in csv.DictReader(fh) if r["kind"] == "item"]
    with open(SEED / "statistics.csv", encoding="utf-8") as fh:
        rows = [r["row"] for r in csv.DictReader(fh)]
    assert rows == items


def test_one_byte_change_to_source_is_caught(seed_copy):
    src = seed_copy / "source.txt"
    data = bytearray(src.read_bytes())
    data[100] ^= 0x01
    src.write_bytes(bytes(data))
    codes = [(f.code, f.field) for f in validate_package(seed_copy)]
    assert ("hash-mismatch", "hash") in codes


def test_seed_changed_value_without_ledger_is_an_error(seed_copy):
    path = seed_copy / "statistics.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("stats,trainees,value,100,printed,432,100,", "stats,trainees,value,101,printed,432,100,")
    path.write_text(text, encoding="utf-8")
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


def test_markdown_summary_lists_every_finding():
    result = run_xxgk("validate", "--format", "markdown", INVALID / "unknown-row-key")
    assert result.returncode == 1
    rows = [line for line in result.stdout.splitlines() if line.startswith("| `")]
    assert [r.split("|")[1].strip() for r in rows] == ["`unknown-cell`", "`template-row-missing`", "`unknown-cell`"]


def test_descriptor_error_names_the_yaml_line(seed_copy):
    desc = seed_copy / "datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace("    path: prose.csv\n    encoding: utf-8",
                                                             "    path: prose.csv\n    encoding: gbk"), encoding="utf-8")
    (finding,) = validate_package(seed_copy)
    line = next(n for n, l in enumerate(desc.read_text(encoding="utf-8").splitlines(), 1) if "encoding: gbk" in l)
    assert (finding.code, finding.line, finding.field) == ("descriptor-error", line, "resources.2.encoding")


def test_every_finding_code_is_documented():
    from xxgk.findings import CODES

    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert [c for c in CODES if f"`{c}`" not in guide] == []
