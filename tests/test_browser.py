"""What only a browser shows: search, navigation, notes, charts, no third-party requests.

Drives Debian's Chromium (installed by `make test`) with Playwright, against the
built site served on 127.0.0.1. Screenshots go to test-artifacts/screenshots/.
"""

from urllib.parse import quote

import pytest

from conftest import SEED, shoot  # noqa: F401  (fixtures base_url, browser, page come from conftest)

pytestmark = pytest.mark.browser
REPORT = SEED.name


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_open_and_render(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    for path, name in [("", "home"), (f"reports/{REPORT}/", "report"), (f"reports/{REPORT}/stats-3/", "stats-3"),
                       (f"reports/{REPORT}/text-1/", "text-1"), (f"reports/{REPORT}/corrections/", "corrections"),
                       ("reports/320800-gov-2024/stats-3/", "huaian-stats-3"), ("compare/", "compare")]:
        response = page.goto(base_url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").first.inner_text().strip()
        shoot(page, f"{name}-{width}")


def test_home_table_sorts(page, base_url):
    page.goto(base_url)
    header = page.locator("table#reports th button", has_text="年度")
    header.click()
    assert page.locator("table#reports th", has_text="年度").get_attribute("aria-sort") == "ascending"
    header.click()
    assert page.locator("table#reports th", has_text="年度").get_attribute("aria-sort") == "descending"


@pytest.mark.parametrize("query,expected_page", [("信函申请", "text-1"), ("微信传播指数", "text-1")])
def test_chinese_search_finds_words_from_mid_sentence(page, base_url, query, expected_page):
    page.goto(base_url)
    page.locator(".xxgk-search input").click()
    box = page.locator(".xxgk-search input")
    box.fill(query)
    page.wait_for_selector(".xxgk-search[data-state=done]", state="attached", timeout=30000)
    # The collection prints these words in many table rows (each its own result): page through with 更多结果.
    for _ in range(20):
        hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__item a").all()]
        matches = [i for i, href in enumerate(hrefs) if f"/{REPORT}/{expected_page}/" in href]
        if matches or not page.locator(".xxgk-more button").count():
            break
        before = len(hrefs)
        page.locator(".xxgk-more button").click()
        page.wait_for_function(f"document.querySelectorAll('.md-search-result__item a').length > {before}")
    assert matches, hrefs
    page.locator(".md-search-result__item a").nth(matches[0]).click()
    page.wait_for_load_state("networkidle")
    assert f"/reports/{REPORT}/{expected_page}/" in page.url
    assert query in page.locator("article").inner_text().replace("\u200b", "")


def test_search_from_url(page, base_url):
    page.goto(base_url + "?q=" + quote("信函申请"))
    page.locator(".md-search-result__item").first.wait_for(timeout=30000)
    assert page.locator(".md-search-result__meta").inner_text().startswith("找到 ")
    assert page.locator(".xxgk-search input").input_value() == "信函申请"


def test_note_opens_by_keyboard(page, base_url):
    page.goto(base_url + f"reports/{REPORT}/stats-3/")
    summary = page.locator("#row-received_letter details.note summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("#row-received_letter details.note").get_attribute("open") is not None
    assert "128 − 19 − 0 − 94 − 0 = 15" in page.locator("#row-received_letter details.note").inner_text()


def test_figure_link_jumps_to_table_row(page, base_url):
    page.goto(base_url + f"reports/{REPORT}/text-1/")
    page.locator('a.figure[href$="#row-received_letter"]').click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("stats-3/#row-received_letter")
    assert page.locator("#row-received_letter td.num").inner_text().startswith("15")


def test_chart_text_renders_in_a_cjk_font(page, base_url):
    page.goto(base_url + f"reports/{REPORT}/stats-3/")
    label = page.locator('#chart-requests_received g[data-row="received_in_person"] text.label')
    assert label.text_content() == "当面申请数"
    box = label.bounding_box()
    assert box and box["width"] > 30  # five glyphs drawn, not collapsed
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '当面申请数')")


def test_matrix_is_cards_on_a_phone(page, base_url):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(base_url + "reports/320800-gov-2024/stats-3/")
    box = page.locator("div.xxgk-scroll").first
    widths = box.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1] + 1  # each row is a card (tables.css): nothing to scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself does not
    total = page.locator("#row-new td.num").nth(6)
    total.scroll_into_view_if_needed()
    assert total.inner_text().strip() == "3119"
