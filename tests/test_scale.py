"""At N = 50 generated reports (all four templates, in turn): everything validates clean, a template's pages do
not grow with N, and every report has all its pages and downloads. The comparison run has one report of
every model report (4 templates × MODELS_PER_TEMPLATE), so each page is compared with its own kind."""

import statistics
from collections import defaultdict

import pytest

from conftest import build_site, source_cache
from xxgk.bench import MODELS_PER_TEMPLATE, TEMPLATE_ORDER, generate, generated_reports
from xxgk.validate import validate

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(source_cache() is None, reason="the benchmark's model reports need their sources (XXGK_SOURCES)")]

LARGE = 50
SMALL = len(TEMPLATE_ORDER) * MODELS_PER_TEMPLATE  # every model once
DOWNLOADS = ("report.csv", "statistics.csv", "prose.csv", "figures.csv", "corrections.csv", "report.excel.csv",
             "statistics.excel.csv", "statistics-labelled.csv", "datapackage.json")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    base = tmp_path_factory.mktemp("scale")
    cache = base / "sources"  # the bench's own source cache, shared by both runs (content-addressed)
    runs = {n: (generate(n, base / f"n{n}", cache=cache), base / f"n{n}") for n in (SMALL, LARGE)}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XXGK_SOURCES", str(cache))
        mp.setenv("XXGK_CACHE", str(base / "derived"))
        out = {}
        for n, (data, folder) in runs.items():
            findings, checked = validate([str(data)])
            out[n] = {"data": data, "findings": findings, "checked": checked, "site": build_site(data, folder),
                      "reports": generated_reports(folder)}
        yield out


def report_pages(run) -> dict[str, list[int]]:
    """Sizes of each report's pages (reports/<id>/**/index.html)."""
    return {g["report"]: [p.stat().st_size for p in (run["site"] / "reports" / g["report"]).rglob("index.html")]
            for g in run["reports"]}


def by_kind(run) -> dict[tuple[str, str], list[int]]:
    """Report-page sizes by (template, model report)."""
    pages, out = report_pages(run), defaultdict(list)
    for g in run["reports"]:
        out[(g["template"], g["model"])] += pages[g["report"]]
    return out


def test_generated_reports_validate_clean(generated):
    run = generated[LARGE]
    assert len([c for c in run["checked"] if "/reports/" in c]) == LARGE
    assert run["findings"] == []
    assert {g["template"] for g in run["reports"]} == set(TEMPLATE_ORDER)
    # the generated reports come from curated reports of every template, several source kinds among them
    assert len({g["source_kind"] for g in run["reports"]}) >= 2


def test_a_templates_pages_do_not_grow_with_n(generated):
    small, large = by_kind(generated[SMALL]), by_kind(generated[LARGE])
    assert set(small) == set(large)
    assert {t for t, _ in small} == set(TEMPLATE_ORDER)
    for kind in small:
        assert statistics.median(large[kind]) <= 1.1 * statistics.median(small[kind]), kind
    for template in TEMPLATE_ORDER:
        s = statistics.median([x for (t, _), v in small.items() if t == template for x in v])
        l_ = statistics.median([x for (t, _), v in large.items() if t == template for x in v])
        assert l_ <= 1.2 * s, (template, s, l_)


def test_every_generated_report_has_its_pages_and_downloads(generated):
    small, large = generated[SMALL], generated[LARGE]
    expected = {(g["template"], g["model"]): len(report_pages(small)[g["report"]]) for g in small["reports"]}
    pages = report_pages(large)
    assert len(pages) == LARGE
    for g in large["reports"]:
        report = g["report"]
        assert len(pages[report]) == expected[(g["template"], g["model"])] > 0, report
        dl = large["site"] / "downloads" / report
        for name in (*DOWNLOADS, f"{report}.zip"):
            assert (dl / name).is_file(), (report, name)
        # the source document, from the bench's cache, under its format's name
        assert [p.name for p in dl.glob("source.*")], (report, "source")
