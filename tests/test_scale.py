"""Page HTML must not grow with the number of reports (the global navigation stays the same)."""

import statistics

import pytest

from conftest import build_site
from xxgk.bench import generate

pytestmark = pytest.mark.slow


def report_pages(site):
    return [p for p in (site / "reports").rglob("index.html") if p.parent.name != "reports"]


def test_page_html_does_not_grow_with_reports(tmp_path):
    # the generator alternates between the curated reports: 2 = one of each template
    few = report_pages(build_site(generate(2, tmp_path / "few"), tmp_path / "few"))
    many = report_pages(build_site(generate(20, tmp_path / "many"), tmp_path / "many"))
    assert len(many) == 10 * len(few)  # every generated report has all its pages
    small = statistics.median(p.stat().st_size for p in few)
    large = statistics.median(p.stat().st_size for p in many)
    assert large <= 1.2 * small, (small, large)
