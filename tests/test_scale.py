"""At N = 50 generated reports: everything validates, page HTML does not grow with N, and every
report has all its pages and downloads."""

import statistics
from collections import defaultdict

import pytest

from conftest import build_site
from xxgk.bench import generate
from xxgk.validate import validate

pytestmark = pytest.mark.slow


def pages_by_template(site, data):
    """Median report-page size per template (a report page: reports/<id>/**/index.html)."""
    template_of = {}
    for rep in (data / "reports").iterdir():
        line = (rep / "report.csv").read_text(encoding="utf-8").splitlines()[1]
        template_of[rep.name] = next(x for x in line.split(",") if x.startswith("national-"))
    sizes, counts = defaultdict(list), defaultdict(int)
    for p in (site / "reports").rglob("index.html"):
        parts = p.relative_to(site / "reports").parts
        if len(parts) >= 2:
            sizes[template_of[parts[0]]].append(p.stat().st_size)
            counts[parts[0]] += 1
    return {t: statistics.median(v) for t, v in sizes.items()}, counts, template_of


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    base = tmp_path_factory.mktemp("scale")
    out = {}
    for n in (2, 50):  # 2 = one report of each template (the generator alternates)
        data = generate(n, base / f"n{n}")
        out[n] = (data, build_site(data, base / f"n{n}"))
    return out


def test_generated_reports_validate_clean(generated):
    data, _ = generated[50]
    findings, checked = validate([str(data)])
    assert len([c for c in checked if "/reports/" in c]) == 50
    assert findings == []


def test_page_html_does_not_grow_with_n(generated):
    small, _, _ = pages_by_template(generated[2][1], generated[2][0])
    large, _, _ = pages_by_template(generated[50][1], generated[50][0])
    assert set(small) == set(large) == {"national-2014", "national-2021"}
    for template in small:
        assert large[template] <= 1.2 * small[template], (template, small[template], large[template])


def test_every_generated_report_has_its_pages_and_downloads(generated):
    data, site = generated[50]
    _, counts, template_of = pages_by_template(site, data)
    _, counts_small, template_small = pages_by_template(generated[2][1], generated[2][0])
    expected = {template_small[r]: n for r, n in counts_small.items()}
    assert len(counts) == 50
    for report, n in counts.items():
        assert n == expected[template_of[report]], report
        dl = site / "downloads" / report
        for name in ("report.csv", "statistics.csv", "prose.csv", "figures.csv", "corrections.csv",
                     "statistics.excel.csv", "datapackage.json", f"{report}.zip"):
            assert (dl / name).is_file(), (report, name)
