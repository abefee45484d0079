"""A contributor's pull request, acted out in a temporary git repository holding a copy of the data."""

import json
import shutil
import subprocess

import pytest

from conftest import ROOT, run_xxgk

STATS = "data/reports/370000-hrss-2018/statistics.csv"
LEDGER = "data/reports/370000-hrss-2018/corrections.csv"


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    return repo


def edit(repo, path, old, new):
    p = repo / path
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def commit(repo, message):
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", message)


def xxgk(repo, *args):
    from conftest import source_cache

    cache = source_cache()
    return run_xxgk(*args, env={"XXGK_ROOT": str(repo), "XXGK_SOURCES": str(cache) if cache else str(repo / "sources"),
                                "XXGK_CACHE": str(repo.parent / "derived")})


def line_of(repo, path, needle):
    return next(n for n, line in enumerate((repo / path).read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_value_changed_with_ledger_entry_validates_and_diff_shows_that_cell(repo):
    edit(repo, STATS, "stats,trainees,value,100,printed,432,line=433&chars=14-17,100,",
         "stats,trainees,value,101,corrected,432,line=433&chars=14-17,100,原文“100”为误识，应为 101（测试）")
    with (repo / LEDGER).open("a", encoding="utf-8") as fh:
        fh.write("c900,statistics,stats/trainees/value,432,100,101,glyph,原文数字误识（测试）,扫描件上为 101（测试）,1\n")
    commit(repo, "fix trainees")
    result = xxgk(repo, "validate")
    assert result.returncode == 0, result.stdout
    diff = json.loads(xxgk(repo, "diff", "HEAD~1", "HEAD", "--format", "json").stdout)
    stats = [c for c in diff["changes"] if c["kind"] == "statistics"]
    assert [(c["key"], c["old"], c["new"], c["state_old"], c["state_new"], c["explained"]) for c in stats] == [
        ("stats/trainees/value", "100", "101", "printed", "corrected", True)]
    assert [c["key"] for c in diff["changes"] if c["kind"] == "ledger"] == ["c900"]
    md = xxgk(repo, "diff", "HEAD~1", "HEAD").stdout
    assert "| 统计数值 | `stats/trainees/value` | （三）接受培训人员数 | 100 → 101 | printed → corrected | ✅ 有 |" in md


def test_broken_total_is_annotated_on_its_line(repo):
    edit(repo, STATS, "stats,requests_received,value,128,printed,328,line=328&chars=12-15,128,",
         "stats,requests_received,value,129,corrected,328,line=328&chars=12-15,128,")
    with (repo / LEDGER).open("a", encoding="utf-8") as fh:
        fh.write("c900,statistics,stats/requests_received/value,328,128,129,glyph,原文数字误识（测试）,扫描件（测试）,1\n")
    result = xxgk(repo, "validate", "--format", "github")
    assert result.returncode == 1
    line = line_of(repo, STATS, "stats,requests_received,")
    annotations = [a for a in result.stdout.splitlines() if a.startswith("::error ")]
    rule = [a for a in annotations if "title=rule-violation" in a]
    assert len(rule) == 1, result.stdout
    assert rule[0].startswith(f"::error file=data/reports/370000-hrss-2018/statistics.csv,line={line},title=rule-violation%3A")
    assert "规则 H1" in rule[0]
    # the prose repeats the total (收到并答复…128件): a second witness against the change
    assert any("title=figure-mismatch" in a and "figures.csv" in a for a in annotations)


def test_value_changed_without_ledger_entry_is_a_clear_error(repo):
    edit(repo, STATS, "stats,trainees,value,100,printed,432,line=433&chars=14-17,100,", "stats,trainees,value,101,corrected,432,line=433&chars=14-17,100,")
    result = xxgk(repo, "validate", "--format", "json")
    assert result.returncode == 1
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert (finding["code"], finding["file"], finding["line"], finding["field"]) == (
        "ledger-missing", STATS, line_of(repo, STATS, "stats,trainees,"), "value")
    assert "corrections.csv" in finding["message"]
    diff = json.loads(xxgk(repo, "diff", "HEAD", "--format", "json").stdout)
    assert [(c["key"], c["explained"]) for c in diff["changes"]] == [("stats/trainees/value", False)]


def test_new_report_scaffold(repo, tmp_path):
    source = tmp_path / "report.txt"
    source.write_text("山东省财政厅2018年政府信息公开工作年度报告\n", encoding="utf-8")
    args = ["new", "--agency", "山东省财政厅", "--agency-id", "370000-czt", "--region-code", "370000", "--region", "山东省",
            "--year", "2018", "--template", "national-2014", "--source", source]
    result = xxgk(repo, *args)
    assert result.returncode == 0, result.stderr
    folder = repo / "data/reports/370000-czt-2018"
    result = xxgk(repo, "validate", folder, "--format", "json")
    found = json.loads(result.stdout)["findings"]
    assert sorted((f["code"], f["file"].split("/")[-1], f["field"]) for f in found) == [
        ("incomplete", "prose.csv", "text"), ("incomplete", "statistics.csv", "value")]
    assert not (folder / "report.txt").exists() and not list(folder.glob("source*"))  # the source goes to the cache
    rows = (folder / "statistics.csv").read_text(encoding="utf-8").splitlines()
    template_items = [r for r in (ROOT / "data/templates/national-2014/rows.csv").read_text(encoding="utf-8").splitlines()
                      if ",item," in r]
    assert len(rows) - 1 == len(template_items)
    assert all(r.endswith(",,missing,,,,") for r in rows[1:])
    before = (folder / "statistics.csv").read_bytes()
    again = xxgk(repo, *args)
    assert again.returncode == 2 and "已存在" in again.stderr and "Traceback" not in again.stderr
    assert (folder / "statistics.csv").read_bytes() == before  # never overwritten
    for bad, message in ((["--template", "national-1999"], "模板“national-1999”不存在"),
                         (["--template", "../templates/national-2014"], "只接受模板编号"),
                         (["--year", "2207"], "不可能"), (["--year", "1999"], "不可能"),
                         (["--published", "2019-02-30"], "不是有效日期"), (["--published", "2017-03-01"], "早于报告年度")):
        out = xxgk(repo, *[a for a in args], *bad, "--agency-id", "370000-czt2")
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr, (bad, out.stderr)


def test_diff_of_an_oversized_cell_is_an_error_not_a_crash(repo):
    from xxgk.model import CELL_CHARS

    p = repo / STATS
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + "x" * (CELL_CHARS + 10) + "\n"
    p.write_text("".join(lines), encoding="utf-8")
    result = xxgk(repo, "diff", "HEAD")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "第 3 行" in result.stdout + result.stderr
