"""Page HTML must not grow with the number of reports (the global navigation stays the same)."""

import statistics

import pytest

from conftest import build_site
from xxgk.bench import generate

pytestmark = pytest.mark.slow


def median_report_page(site):
    sizes = [p.stat().st_size for p in (site / "reports").rglob("index.html") if p.parent.name != "reports"]
    return statistics.median(sizes), len(sizes)


def test_page_html_does_not_grow_with_reports(tmp_path):
    one, n_one = median_report_page(build_site(generate(1, tmp_path / "one"), tmp_path / "one"))
    many, n_many = median_report_page(build_site(generate(20, tmp_path / "many"), tmp_path / "many"))
    assert n_many == 20 * n_one
    assert many <= 1.2 * one, (one, many)
