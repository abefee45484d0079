"""`xxgk import --batch`: many sources on a Dask cluster; every outcome recorded, failures isolated, resumable."""

import csv

import pytest

from conftest import needs_sources, run_xxgk, source_file
from xxgk.importer import batch

OCR_TEXT = "000_b6e4372336266b61.txt"  # the 山东 2018 report's OCR text: a fast, real import
FIELDS = ",".join(batch.MANIFEST_FIELDS)
TEXT = source_file(OCR_TEXT)  # found before a test points XXGK_SOURCES at its own cache


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """Sources and extracted texts go to the test's own caches, never the repository's."""
    monkeypatch.setenv("XXGK_SOURCES", str(tmp_path / "cache"))
    monkeypatch.setenv("XXGK_CACHE", str(tmp_path / "derived"))
    return tmp_path


def manifest(folder, rows):
    path = folder / "manifest.csv"
    path.write_text(FIELDS + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def results(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def three_items(folder):
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nnot a PDF at all\n")
    return manifest(folder, [
        f"{TEXT},370000-hrss-2018,national-2014,山东省人力资源和社会保障厅,370000,山东省,",
        "broken.pdf,320800-gov-2023,,淮安市人民政府,320800,江苏省淮安市,",  # relative to the manifest
        "nowhere/missing.pdf,320800-gov-2022,,淮安市人民政府,320800,江苏省淮安市,",
    ])


@needs_sources(OCR_TEXT)
def test_one_draft_two_recorded_errors_then_a_rerun_skips_the_done_item(isolated):
    drafts = isolated / "drafts"
    path = three_items(isolated)
    first = batch.run_batch(path, drafts, workers=2, progress=False)  # a real LocalCluster: two worker processes
    assert first.workers == 2
    assert sorted(p.name for p in drafts.iterdir() if p.is_dir()) == ["370000-hrss-2018"]
    rec = results(drafts / "manifest.results.csv")
    assert [rec[i]["outcome"] for i in ("370000-hrss-2018", "320800-gov-2023", "320800-gov-2022")] == \
        ["draft", "error", "error"]
    assert rec["320800-gov-2023"]["error_type"] == rec["320800-gov-2022"]["error_type"] == "ImportError_"
    assert "broken.pdf" in rec["320800-gov-2023"]["message"] and "missing.pdf" in rec["320800-gov-2022"]["message"]
    assert rec["370000-hrss-2018"]["template"] == "national-2014"
    done_at = (drafts / "370000-hrss-2018" / "statistics.csv").stat().st_mtime_ns

    second = batch.run_batch(path, drafts, workers=1, progress=False)
    outcomes = {r["id"]: r["outcome"] for r in second.rows}
    assert outcomes == {"370000-hrss-2018": "skipped", "320800-gov-2023": "error", "320800-gov-2022": "error"}
    assert (drafts / "370000-hrss-2018" / "statistics.csv").stat().st_mtime_ns == done_at
    rec2 = results(drafts / "manifest.results.csv")
    assert list(rec2) == ["370000-hrss-2018", "320800-gov-2023", "320800-gov-2022"]  # one row per item, in order
    assert rec2["370000-hrss-2018"] == rec["370000-hrss-2018"]  # the done item's record is kept as it was


@needs_sources(OCR_TEXT)
def test_an_internal_error_is_recorded_and_the_others_go_on(isolated, monkeypatch):
    import xxgk.importer as importer

    real = importer.import_report

    def faulty(source, report_id, *args, **kwargs):
        if report_id == "370000-hrss-2017":
            raise KeyError("simulated bug")
        return real(source, report_id, *args, **kwargs)

    monkeypatch.setattr(importer, "import_report", faulty)  # threads in this process see the replacement
    text = TEXT
    path = manifest(isolated, [f"{text},370000-hrss-2017,national-2014,山东省人力资源和社会保障厅,370000,山东省,",
                               f"{text},370000-hrss-2018,national-2014,山东省人力资源和社会保障厅,370000,山东省,",
                               f"{text},370000-hrss-2019,national-2014,山东省人力资源和社会保障厅,370000,山东省,"])
    result = batch.run_batch(path, isolated / "drafts", workers=2, processes=False, progress=False)
    outcomes = {r["id"]: (r["outcome"], r.get("error_type", "")) for r in result.rows}
    assert outcomes["370000-hrss-2017"] == ("internal", "KeyError")
    assert outcomes["370000-hrss-2018"][0] == outcomes["370000-hrss-2019"][0] == "draft"
    rec = results(isolated / "drafts" / "manifest.results.csv")
    assert rec["370000-hrss-2017"]["outcome"] == "internal" and "simulated bug" in rec["370000-hrss-2017"]["message"]
    assert "内部错误" in batch.summary(result)


@needs_sources(OCR_TEXT)
def test_the_command_prints_a_summary_and_fails_when_an_item_failed(isolated):
    path = three_items(isolated)
    out = isolated / "drafts"
    got = run_xxgk("import", "--batch", path, "--out", out, "--workers", "1")
    assert got.returncode == 1, got.stderr
    assert "| 已生成草稿 | 1 |" in got.stdout and "| 错误（原始文件或参数的问题） | 2 |" in got.stdout
    assert "[3/3]" in got.stderr  # the progress, one line per item off a terminal
    assert "Traceback" not in got.stderr
    valid = run_xxgk("validate", out / "370000-hrss-2018")
    assert valid.returncode == 0, valid.stdout


@pytest.mark.parametrize("body, says", [
    ("id,agency\n370000-hrss-2018,x\n", "缺少列 source"),
    (FIELDS + ",extra\n", "不认识的列 extra"),
    (FIELDS + "\na.pdf,370000-hrss-2018,,,,,\nb.pdf,370000-hrss-2018,,,,,\n", "重复"),
    (FIELDS + "\n,370000-hrss-2018,,,,,\n", "缺少 source"),
    (FIELDS + "\n", "没有任何条目"),
])
def test_an_unusable_manifest_stops_before_anything_runs(tmp_path, body, says):
    path = tmp_path / "m.csv"
    path.write_text(body, encoding="utf-8")
    got = run_xxgk("import", "--batch", path, "--out", tmp_path / "drafts")
    assert got.returncode == 2 and says in got.stderr and "Traceback" not in got.stderr
    assert not (tmp_path / "drafts").exists()


@needs_sources(OCR_TEXT)
def test_an_existing_cluster_is_used_when_given_its_address(isolated):
    from dask.distributed import LocalCluster

    path = manifest(isolated, [f"{TEXT},370000-hrss-2018,national-2014,山东省人力资源和社会保障厅,370000,山东省,"])
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        result = batch.run_batch(path, isolated / "drafts", scheduler=cluster.scheduler_address, progress=False)
    assert [r["outcome"] for r in result.rows] == ["draft"] and result.workers == 1


def test_a_scheduler_that_is_not_an_address_is_a_clear_error(tmp_path):
    path = manifest(tmp_path, ["a.pdf,370000-hrss-2018,,,,,"])
    got = run_xxgk("import", "--batch", path, "--out", tmp_path / "drafts", "--scheduler", "nonsense")
    assert got.returncode == 2 and "Dask" in got.stderr and "Traceback" not in got.stderr
    assert not (tmp_path / "drafts").exists()  # nothing written before the cluster is there
