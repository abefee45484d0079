"""The report page, its evidence, the comparison and the citation as only a browser shows them.

Headless Chromium (Playwright) against the built site on 127.0.0.1, at 1280 and 390 px where the layout
matters; screenshots go to test-artifacts/screenshots/ (report-*.png).
"""

import re

import pytest

from conftest import SHOTS, needs_sources, shoot  # noqa: F401  (fixtures base_url, browser, page come from conftest)

pytestmark = pytest.mark.browser
SEED = "370000-hrss-2018"
HUAIAN = "320800-gov-2024"


def shoot_around(page, locator, name: str, pad: int = 90) -> None:
    """A screenshot of the part of the viewport around an element (a tooltip, an open note)."""
    box = locator.bounding_box()
    view = page.viewport_size
    x, y = max(0, box["x"] - pad * 3), max(0, box["y"] - pad)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), clip={"x": x, "y": y, "width": min(view["width"] - x, box["width"] + pad * 6),
                                                           "height": min(view["height"] - y, box["height"] + pad * 2)})


def in_view(locator, height: int) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize("report", [SEED, HUAIAN])
def test_first_screen_has_figures_downloads_and_citation(page, base_url, report):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base_url + f"reports/{report}/")
    page.wait_for_load_state("networkidle")
    assert in_view(page.locator(".xxgk-card .kf").first, 800)
    assert in_view(page.locator(".xxgk-card .kf").last, 800)
    assert in_view(page.locator(f'.xxgk-get a[href$="{report}.zip"]'), 800)
    assert in_view(page.locator(".xxgk-get button.xxgk-copy"), 800)
    assert in_view(page.locator("details#rules > summary"), 800 * 2)  # the rules are one line, right below
    shoot(page, f"report-top-{report}-1280")


@pytest.mark.parametrize("report", [SEED, HUAIAN])
def test_phone_shows_the_card_and_wraps_every_citation(page, base_url, report):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(base_url + f"reports/{report}/")
    page.wait_for_load_state("networkidle")
    assert in_view(page.locator(".xxgk-card .kf").first, 800)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for cite in page.locator(".xxgk-cite").all():
        cite.scroll_into_view_if_needed()
        width, client = cite.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert width <= client, cite.get_attribute("id")  # wrapped, not cut off or scrolled sideways
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, f"report-{report}-390")


def test_copy_puts_the_readers_date_and_data_version_on_the_clipboard(page, base_url):
    from conftest import site_data
    from xxgk.site.version import report_version

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page.clock.set_fixed_time("2031-02-03T10:00:00")  # not the build date: the reader's
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base_url + f"reports/{SEED}/")
    page.wait_for_load_state("networkidle")
    page.locator(".xxgk-get button.xxgk-copy").click()
    page.locator('.xxgk-copied[data-for="cite-top"]').filter(has_text="已复制").wait_for(timeout=5000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "[2031-02-03]" in copied
    assert report_version(site_data() / "reports" / SEED) in copied and f"/reports/{SEED}/" in copied
    assert page.locator("#cite-bibtex .xxgk-today").inner_text() == "2031-02-03"
    page.locator("#cite-bibtex ~ button.xxgk-copy").click()
    page.locator('.xxgk-copied[data-for="cite-bibtex"]').filter(has_text="已复制").wait_for(timeout=5000)
    bib = page.evaluate("navigator.clipboard.readText()")
    assert bib.startswith("@misc{") and "urldate = {2031-02-03}" in bib and "\n  version = {" in bib
    shoot(page, "report-copied-1280")


def test_rules_open_from_their_one_line(page, base_url):
    page.goto(base_url + f"reports/{HUAIAN}/")
    table = page.locator("details#rules table")
    assert not table.is_visible()
    assert re.search(r"42/42 成立", page.locator("details#rules > summary").inner_text())
    page.locator("details#rules > summary").click()
    assert table.is_visible()
    assert page.locator("details#rules tbody tr").count() == 42


@pytest.mark.parametrize("width", [1280, 390])
def test_badge_explains_itself_on_focus_and_tap(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url + f"reports/{SEED}/stats-3/")
    page.wait_for_load_state("networkidle")
    badge = page.get_by_role("button", name=re.compile(r"^推算：按表内算术规则")).first
    assert badge.inner_text() == "推算"
    before = badge.evaluate("el => getComputedStyle(el, '::after').content")
    assert before in ("none", "normal", "")  # nothing shown until asked
    badge.focus()  # the keyboard
    tip = badge.evaluate("el => getComputedStyle(el, '::after').content")
    assert "按表内算术规则或正文推算得出" in tip
    page.locator("h1").click()
    assert badge.evaluate("el => getComputedStyle(el, '::after').content") in ("none", "normal", "")
    badge.click()  # a tap focuses the button too
    assert "按表内算术规则或正文推算得出" in badge.evaluate("el => getComputedStyle(el, '::after').content")
    shoot_around(page, badge, f"report-badge-tip-{width}")
    missing = page.get_by_role("button", name=re.compile(r"^缺失：原文此格为空或无法辨认")).first
    assert missing.inner_text() == "缺失"


@needs_sources("000_b6e4372336266b61.txt")
def test_evidence_is_one_click_from_the_value(page, base_url):
    stats = base_url + f"reports/{SEED}/stats-3/"
    page.goto(stats)
    note = page.locator("#row-received_letter details.note")
    note.locator("summary").click()
    shoot_around(page, note, "report-evidence-1280", pad=40)
    for label, url_end, check in [("规则 H1", "codebook/national-2014/#rule-H1", "#rule-H1"),
                                  ("正文：“信函申请15件”", "text-1/#p007", "#p007"),
                                  ("勘误记录 c027", "corrections/#c027", "#c027"),
                                  ("原文第 336 行（此格为空）", "source/#L336", "#L336")]:
        page.goto(stats)
        page.locator("#row-received_letter details.note summary").click()
        page.locator("#row-received_letter details.note a", has_text=label).click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(url_end), (label, page.url)
        assert in_view(page.locator(check), 900)


@needs_sources("huaian-2024-szfgs2024.pdf")
def test_pdf_value_shows_its_printed_cell(page, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + f"reports/{HUAIAN}/stats-3/")
    page.locator("#row-new details.crops > summary").click()
    imgs = page.locator("#row-new details.crops img")
    assert imgs.count() == 7
    for i in range(7):
        img = imgs.nth(i)
        img.scroll_into_view_if_needed()
        page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=img.element_handle(), timeout=5000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#row-new").screenshot(path=str(SHOTS / "report-crops-1280.png"))


@pytest.mark.parametrize("width", [1280, 390])
def test_fix_is_an_icon_with_a_name_and_a_touch_size(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url + f"reports/{SEED}/stats-3/")
    fixes = page.get_by_role("link", name="纠错：报告这一行的问题")
    assert fixes.count() == page.locator("table.xxgk-stats tbody tr.item").count()
    first = fixes.first
    first.scroll_into_view_if_needed()
    box = first.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    assert first.inner_text().strip() == ""


@pytest.mark.parametrize("width", [1280, 390])
def test_compare_values_come_first_and_link_to_their_cells(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url + "compare/")
    page.wait_for_load_state("networkidle")
    values = page.locator("table#values")
    assert values.bounding_box()["y"] < page.locator("table.xxgk-crosswalk").bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"report-compare-{width}")
    page.locator('table#values tr[data-concept="requests_received"] a', has_text="3119").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"reports/{HUAIAN}/stats-3/#row-new")
