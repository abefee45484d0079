"""Agency page, coverage grid and home page in a real headless Chromium, at 1280 and 390 px.

Screenshots go to test-artifacts/screenshots/ (agency-*, coverage-*, home-overview-*).
"""

from collections import Counter

import pytest

from conftest import shoot, site_data  # noqa: F401  (fixtures base_url, browser, page come from conftest)
from xxgk import model

pytestmark = pytest.mark.browser
WIDTHS = [1280, 390]


def longest_series() -> str:
    """The agency with the most curated reports in the test data."""
    ids = Counter(model.load_report(f).meta["agency_id"] for f in model.report_folders(site_data() / "reports"))
    return min(ids, key=lambda a: (-ids[a], a))


def no_sideways_page_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_agency_page_chart_and_table(page, base_url, width):
    agency = longest_series()
    page.set_viewport_size({"width": width, "height": 900})
    assert page.goto(base_url + f"agencies/{agency}/").status == 200
    page.wait_for_load_state("networkidle")
    no_sideways_page_scroll(page, width)
    figure = page.locator("figure.xxgk-series").first
    table = figure.locator("table.xxgk-series-data")
    assert table.locator("tr[data-year]").count() >= 1
    svg = figure.locator("svg")
    if svg.count():
        chart, data = svg.bounding_box(), table.bounding_box()
        assert chart["width"] > 0.6 * min(width, 900) * (0.55 if width > 1000 else 1)  # legible, not a thumbnail
        if width >= 1280:
            assert data["x"] > chart["x"] + chart["width"] - 1  # the table beside the chart
        else:
            assert data["y"] >= chart["y"] + chart["height"] - 1  # stacked on a phone
            assert chart["x"] >= 0 and chart["x"] + chart["width"] <= width
    shoot(page, f"agency-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_coverage_grid(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    assert page.goto(base_url + "coverage/").status == 200
    page.wait_for_load_state("networkidle")
    no_sideways_page_scroll(page, width)  # the grid scrolls inside its own box
    first = page.locator("table.xxgk-coverage tbody th[scope=row]").first
    box = first.bounding_box()
    assert box["x"] >= 0 and box["width"] > 40
    shoot(page, f"coverage-{width}")
    if width == 390:  # the agency column stays put while the years scroll
        scroller = page.locator("div.xxgk-scroll").filter(has=page.locator("table.xxgk-coverage"))
        scroller.evaluate("el => el.scrollLeft = el.scrollWidth")
        assert abs(first.bounding_box()["x"] - box["x"]) < 2
    cell = page.locator('table.xxgk-coverage td[data-status="curated"] a').first
    cell.click()
    page.wait_for_load_state("networkidle")
    assert "/reports/" in page.url and page.locator("h1").first.inner_text().strip()


@pytest.mark.parametrize("width", WIDTHS)
def test_home_page_shows_the_collection(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url)
    page.wait_for_load_state("networkidle")
    no_sideways_page_scroll(page, width)
    figures = page.locator("ul.xxgk-figures li")
    assert figures.count() >= 4
    first, second = figures.nth(0).bounding_box(), figures.nth(1).bounding_box()
    if width >= 1280:
        assert abs(first["y"] - second["y"]) < 2  # the figures sit side by side
    assert page.locator(".xxgk-coverage-bar span").count() >= 1
    shoot(page, f"home-overview-{width}")
    page.locator("ol.xxgk-followed a").first.click()
    page.wait_for_load_state("networkidle")
    assert "/agencies/" in page.url
