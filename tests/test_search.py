"""Search (Pagefind): what is indexed, what a result shows, recall against Material's lunr search,
sub-paths, keys, an index in parts, and what a query costs.

The design is in scripts/xxgk/site/search.py. The browser tests drive Debian's Chromium against the
built site; screenshots go to test-artifacts/screenshots/. `pytest -s` prints the recall of each engine.
"""

import csv
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import SHOTS, QuietHandler, build_site, shoot, site_data  # fixtures (site, page, browser, base_url) come from conftest

HRSS, HUAIAN = "370000-hrss-2018", "320800-gov-2024"

# Queries readers type, each with a page it must find: real row labels, words from the middle of
# sentences, an agency, a year, numbers. Rows are on statistics pages, which lunr never indexed.
RECALL = [
    ("信函申请", f"reports/{HRSS}/text-1/"),  # prose, mid-sentence
    ("信函申请", f"reports/{HRSS}/stats-3/"),  # the row 4.信函申请数
    ("微信传播指数", f"reports/{HRSS}/text-1/"),
    ("行政复议", f"reports/{HRSS}/stats-4/"),  # the row 四、行政复议数量 (2014 format)
    ("行政复议", f"reports/{HUAIAN}/stats-4/"),  # the row 行政复议 (2021 format)
    ("不予公开", f"reports/{HUAIAN}/stats-3/"),  # the row （三）不予公开
    ("淮安市人民政府", f"reports/{HUAIAN}/"),
    ("2018", f"reports/{HRSS}/"),
    ("被依法纠错数", f"reports/{HRSS}/stats-5/"),
    ("结转下年度继续办理", f"reports/{HUAIAN}/stats-3/"),
    ("行政许可", f"reports/{HUAIAN}/stats-2/"),
    ("政策解读", f"reports/{HUAIAN}/text-5/"),
    ("信息处理费", f"reports/{HUAIAN}/text-6/"),
    ("12333", f"reports/{HRSS}/text-2/"),  # a number in the prose
    ("3119", f"reports/{HUAIAN}/stats-3/"),  # a number in a table: 本年新收 总计
    ("知识共享", "about/"),  # a hand-written page
]

# Material's search as the site had it before Pagefind (mkdocs.yml, plugins).
LUNR_PLUGIN = {"search": {"lang": "zh", "separator": "[\\s\\u200b\\-，。、；：？！“”‘’（）《》〈〉【】〔〕…—·]"}}


def docs_of(site: Path) -> Path:
    return site.parent / "docs"  # conftest.build_site: out_dir/docs beside out_dir/site


def records(site: Path) -> list[dict]:
    from xxgk.site.search import read_records

    return read_records(docs_of(site))


# --- tokens ----------------------------------------------------------------------------------------------

TEXTS = ["从申请途径看，当面申请19件，信函申请15件，网站及电子邮件申请94件。",
         "微信传播指数WIC为738.71，影响力超过94%的公众号",
         "（二）被依法纠错数", "by letter or fax, H1. Total 5", "⼈民政府 ２０１８年 〔2018〕21号",
         "<script>alert(1)</script> a_b “引号” 𠀀𠀁字", "  前后 空格  "]


def test_content_reads_back_as_the_text():
    """A record's content rebuilds the text the result list shows (up to NFKC and white space)."""
    import unicodedata

    from xxgk.site.search import index_text, plain

    for t in TEXTS:
        expected = " ".join(t.split())
        assert unicodedata.normalize("NFKC", plain(index_text(t))) == unicodedata.normalize("NFKC", expected), t


def test_every_query_token_is_an_indexed_word():
    """The recall guarantee: any piece of a text, as a query, cuts into words the text's content holds
    (a lone character matches as the start of one). Letters and digits are words: a piece that cuts
    one (018 of 2018) is not a query this promises anything for."""
    import re

    from xxgk.site.search import HAN, index_text, query_tokens

    word = re.compile(f"(?![{HAN}])[^\\W_]")

    def cuts_word(text, i):
        return 0 < i < len(text) and bool(word.match(text[i - 1])) and bool(word.match(text[i]))

    data = site_data()
    prose = [row["text"] for rep in (HRSS, HUAIAN) for row in csv.DictReader(
        (data / "reports" / rep / "prose.csv").open(encoding="utf-8"))]
    checked = 0
    for text in prose:
        words = set(index_text(text).lower().split())
        for size in (1, 2, 3, 4, 7):
            for start in range(0, max(1, len(text) - size), 5):
                if cuts_word(text, start) or cuts_word(text, start + size):
                    continue
                for token in query_tokens(text[start:start + size]):
                    assert token in words or (len(token) == 1 and any(w.startswith(token) for w in words)), \
                        (text[start:start + size], token)
                    checked += 1
    assert checked > 1000


@pytest.mark.browser
def test_browser_cuts_queries_as_python_does(page, base_url):
    from xxgk.site.search import index_text, plain, query_tokens

    page.goto(base_url)
    queries = TEXTS + ["行政复议", "淮安市人民政府 2024", "ＡＢＣ１２３", "「不予公开」", "１.信函", "〇"]
    got = page.evaluate("qs => qs.map(q => window.xxgkSearch.tokens(q))", queries)
    assert got == [query_tokens(q) for q in queries]
    read = page.evaluate("cs => cs.map(c => window.xxgkSearch.plain(c))", [index_text(t) for t in TEXTS])
    assert read == [plain(index_text(t)) for t in TEXTS]


# --- records ---------------------------------------------------------------------------------------------


def test_every_printed_row_is_one_record_linking_to_its_row(site):
    """One record per row the report prints, titled 机关 · 年度 · 行名, at the row's anchor on its page."""
    from xxgk import model

    data = site_data()
    rows = [r for r in records(site) if r["type"] == "row"]
    for rep in (HRSS, HUAIAN):
        report = model.load_report(data / "reports" / rep)
        printed = {r["row"] for r in report.statistics if r["state"] != "absent"}
        mine = [r for r in rows if r["report"] == rep]
        anchors = {urlsplit(r["url"]).fragment.removeprefix("row-") for r in mine}
        assert printed <= anchors, printed - anchors
        assert len(anchors) == len(mine)  # one record per row
        head = f"{report.meta['agency']} · {report.meta['year']}年 · "
        assert all(r["title"].startswith(head) for r in mine)
        assert len({r["title"] for r in mine}) == len(mine), "two rows of one report share a title"
        for r in mine:
            url = urlsplit(r["url"])
            html = BeautifulSoup((site / url.path.lstrip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")
            assert html.find(id=url.fragment) is not None, r["url"]


def test_a_repeated_label_is_shown_after_its_parent(site):
    by_url = {r["url"]: r for r in records(site)}
    letter = by_url[f"/reports/{HRSS}/stats-3/#row-received_letter"]
    assert letter["title"] == "山东省人力资源和社会保障厅 · 2018年 · 4.信函申请数"
    assert letter["value"] == "15 件（推算）" and letter["where"] == "统计表 · 三、依申请公开情况"
    review = by_url[f"/reports/{HRSS}/stats-4/#row-reviews_corrected"]
    lawsuit = by_url[f"/reports/{HRSS}/stats-5/#row-lawsuits_corrected"]
    assert review["title"].endswith("四、行政复议数量 › （二）被依法纠错数")
    assert lawsuit["title"].endswith("五、行政诉讼数量 › （二）被依法纠错数")
    new = by_url[f"/reports/{HUAIAN}/stats-3/#row-new"]
    assert new["value"].startswith("自然人 ") and "总计 3119" in new["value"] and new["value"].endswith("（件）")
    refused = by_url[f"/reports/{HUAIAN}/stats-3/#row-refused"]
    assert refused["title"].endswith("（三）不予公开") and refused["value"] == ""  # a heading row


def test_pages_are_indexed_from_html_without_what_search_leaves_out(site):
    from xxgk.site.search import page_records

    reports = {r["url"]: r for r in records(site) if r["type"] == "report"}
    pages = page_records(site, docs_of(site), reports)
    paths = {urlsplit(p["url"]).path for p in pages}
    assert f"/reports/{HRSS}/text-1/" in paths and "/about/" in paths
    for kind in ("stats-3", "corrections", "source"):  # front matter: search exclude
        assert f"/reports/{HRSS}/{kind}/" not in paths
    text1 = [p for p in pages if urlsplit(p["url"]).path == f"/reports/{HRSS}/text-1/"]
    assert all(p["title"].startswith("山东省人力资源和社会保障厅 · 2018年 · 一、基本工作情况") for p in text1)
    assert any(urlsplit(p["url"]).fragment == "p006" and "信函申请15件" in p["text"] for p in text1)
    joined = " ".join(p["text"] for p in pages)
    assert "带下划线的数字在统计表中也出现" not in joined  # a block marked NO_INDEX
    assert "纠错" not in " ".join(p["text"] for p in text1)  # the page's edit and report buttons


def test_the_bundle_is_pagefinds_and_nothing_else(site):
    bundle = site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == {"und"}
    # the site is built in parts (xxgk site): one index per report year, listed for the browser to merge
    from conftest import site_data
    from xxgk.site.parts import TOP, part_names

    years = [p for p in part_names(site_data()) if p != TOP]  # one per report year and province
    # and the agency pages in a bundle of their own (by region past AGENCY_RECORDS_MAX records)
    assert json.loads((bundle / "parts.json").read_text(encoding="utf-8")) == sorted(["agencies"] + years)
    assert (site / "pagefind-parts" / "agencies" / "pagefind-entry.json").is_file()
    for year in years:
        assert (site / "pagefind-parts" / year / "pagefind-entry.json").is_file()
        assert not (site / "pagefind-parts" / year / "pagefind.js").exists()  # the main bundle's engine serves all
    assert (bundle / "pagefind.js").is_file() and list(bundle.glob("wasm.*.pagefind"))
    assert not list(bundle.glob("pagefind-*ui*")) and not (bundle / "pagefind-highlight.js").exists()
    assert not (site / "search").exists()  # no lunr index any more
    assert not (site / ".search-records.jsonl").exists()  # MkDocs does not publish the records file


def test_search_index_command_fails_cleanly(tmp_path):
    from conftest import run_xxgk

    result = run_xxgk("search-index", tmp_path / "nowhere")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "mkdocs build" in result.stderr


# --- in the browser --------------------------------------------------------------------------------------

def run_query(pg, query: str) -> list[str]:
    """Type a query into the site's search box; every result's URL (all of them, through 显示更多)."""
    box = pg.locator(".xxgk-search")
    box.evaluate("el => { el.dataset.state = ''; }")
    pg.locator(".xxgk-search input").fill(query)
    pg.wait_for_selector(".xxgk-search[data-state=done], .xxgk-search[data-state=error]", state="attached", timeout=30_000)
    assert box.get_attribute("data-state") == "done", pg.locator(".md-search-result__meta").inner_text()
    return show_all(pg)


def show_all(pg) -> list[str]:
    """Click 显示更多 until every result is listed; their URLs."""
    while pg.locator(".xxgk-search .xxgk-more button").count():
        pg.locator(".xxgk-search .xxgk-more button").click()
        pg.wait_for_selector(".xxgk-search[data-state=done]", state="attached")
    return pg.eval_on_selector_all(".xxgk-search a.md-search-result__link", "as => as.map(a => a.href)")


def lunr_query(pg, query: str) -> list[str]:
    """The same with Material's own search box and lunr index; every result's URL."""
    pg.locator("label.md-search__icon, .md-search__input").first.click()
    box = pg.locator("input.md-search__input")
    box.fill(query)
    box.press("End")
    pg.wait_for_function("() => { const m = document.querySelector('.md-search-result__meta');"
                         " return m && /结果/.test(m.textContent); }", timeout=30_000)
    count = -1
    while count != pg.locator(".md-search-result__item").count():  # Material renders more as one scrolls
        count = pg.locator(".md-search-result__item").count()
        pg.locator(".md-search__scrollwrap").evaluate("el => { el.scrollTop = el.scrollHeight; }")
        pg.wait_for_timeout(300)
    return pg.eval_on_selector_all(".md-search-result__list a", "as => as.map(a => a.href)")


def default_pagefind_query(pg, query: str) -> list[str]:
    """Pagefind as it comes: the built HTML indexed in Chinese (jieba), the query cut by the browser."""
    return pg.evaluate("""async q => { const pf = await import('/pagefind-html/pagefind.js'); await pf.init();
        const found = await pf.search(q); const data = await Promise.all(found.results.map(r => r.data()));
        return data.flatMap(d => [d.url, ...(d.sub_results || []).map(s => s.url)]); }""", query)


def found(hrefs: list[str], expected: str) -> bool:
    return any(urlsplit(h).path.endswith("/" + expected) or (expected == "" and urlsplit(h).path == "/") for h in hrefs)


@pytest.fixture(scope="module")
def other_builds(site, tmp_path_factory):
    """The same pages built with Material's lunr search, as the site had it; and Pagefind's default
    index of the built HTML, for comparison."""
    from xxgk.site.material import config_for

    tmp = tmp_path_factory.mktemp("engines")
    config = config_for(docs_of(site), tmp)
    cfg = yaml.safe_load(config.read_text(encoding="utf-8"))
    cfg["plugins"] = [LUNR_PLUGIN]
    config.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    lunr = tmp / "lunr"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(lunr)],
                            capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert result.returncode == 0, result.stderr
    assert (lunr / "search" / "search_index.json").is_file()
    plain = tmp / "plain"
    shutil.copytree(site, plain)
    from pagefind.service import get_executable

    result = subprocess.run([str(get_executable()), "--site", str(plain), "--output-subdir", "pagefind-html", "--quiet"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return {"lunr": lunr, "default": plain}


def served_page(browser, directory: Path, prefix: str = "/"):
    """A page of the shared browser against a folder served under a path prefix; records every request."""
    handler = functools.partial(Prefixed, prefix, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    pg = browser.new_page()
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    return pg, base, server


class Prefixed(QuietHandler):
    """Serves a folder under a path prefix only, as a site published at https://host/reports/ is."""

    def __init__(self, prefix, *args, **kwargs):
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return "/nonexistent"
        return super().translate_path("/" + path[len(self.prefix):])


@pytest.mark.browser
def test_pagefind_finds_everything_lunr_found(page, base_url, browser, other_builds):
    ours = {}
    for query, expected in RECALL:
        if query not in ours:
            page.goto(base_url)
            ours[query] = run_query(page, query)
    lunr_page, lunr_base, lunr_server = served_page(browser, other_builds["lunr"])
    default_page, default_base, default_server = served_page(browser, other_builds["default"])
    try:
        theirs, default = {}, {}
        for query, _ in RECALL:
            if query not in theirs:
                lunr_page.goto(lunr_base)
                theirs[query] = lunr_query(lunr_page, query)
                default_page.goto(default_base)
                default[query] = default_pagefind_query(default_page, query)
    finally:
        lunr_server.shutdown()
        default_server.shutdown()
        lunr_page.close()
        default_page.close()
    rows = [(q, e, found(ours[q], e), found(theirs[q], e), found(default[q], e)) for q, e in RECALL]
    n = len(rows)
    print(f"\nrecall on {n} queries: Pagefind (this site) {sum(r[2] for r in rows)}/{n}, "
          f"Material lunr {sum(r[3] for r in rows)}/{n}, Pagefind default (HTML, jieba) {sum(r[4] for r in rows)}/{n}")
    for q, e, a, b, c in rows:
        print(f"  {q:<10} {e:<36} pagefind {'✓' if a else '✗'}  lunr {'✓' if b else '✗'}  default {'✓' if c else '✗'}")
    missed = [(q, e) for q, e, a, b, _ in rows if b and not a]
    assert not missed, f"lunr found these, Pagefind did not: {missed}"
    assert all(r[2] for r in rows), [(q, e) for q, e, a, _, _ in rows if not a]
    assert sum(r[2] for r in rows) > sum(r[3] for r in rows)  # the rows lunr never indexed


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_a_row_result_shows_agency_year_label_and_value(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url)
    if width < 1000:
        page.locator("label.md-header__button[for=__search]").click()
    hrefs = run_query(page, "信函申请")
    row = f"reports/{HRSS}/stats-3/#row-received_letter"
    assert any(h.endswith(row) for h in hrefs), hrefs
    item = page.locator(".md-search-result__item", has=page.locator(f'a[href$="{row}"]'))
    assert item.locator("h1").inner_text() == "山东省人力资源和社会保障厅 · 2018年 · 4.信函申请数"
    assert item.locator(".xxgk-search-value").inner_text() == "15 件（推算）"
    prose = page.locator(".md-search-result__item", has=page.locator(f'a[href$="reports/{HRSS}/text-1/#p006"]'))
    assert prose.locator("mark").first.inner_text() == "信函申请"  # the excerpt marks the query
    assert "信函申请15件" in prose.locator(".md-search-result__teaser").inner_text()
    page.wait_for_timeout(400)  # Material widens the box in a transition
    SHOTS.mkdir(parents=True, exist_ok=True)  # the viewport: a full-page shot resizes it and replays the transition
    page.screenshot(path=str(SHOTS / f"search-results-{width}.png"))
    item.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(row)
    assert page.locator("#row-received_letter").evaluate("el => el.matches(':target')")
    shoot(page, f"search-landed-on-row-{width}")


@pytest.mark.browser
def test_search_from_url_opens_with_the_query(page, base_url):
    page.goto(base_url + "?q=" + quote("不予公开"))
    page.wait_for_selector(".xxgk-search[data-state=done]", state="attached", timeout=30_000)
    assert page.locator("#__search").is_checked()
    assert page.locator(".xxgk-search input").input_value() == "不予公开"
    assert page.locator(".md-search-result__meta").inner_text().startswith("找到 ")


@pytest.mark.browser
def test_search_by_keyboard(page, base_url):
    page.goto(base_url + f"reports/{HRSS}/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q" and page.locator("#__search").is_checked()
    page.keyboard.type("12333")
    page.wait_for_selector(".xxgk-search[data-state=done]", state="attached", timeout=30_000)
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.href")
    assert first and page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    page.keyboard.press("s")
    assert page.locator("#__search").is_checked()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.href") == first
    with page.expect_navigation():  # Enter starts the navigation; wait for it, not for the page already loaded
        page.keyboard.press("Enter")
    assert page.url == first


@pytest.mark.browser
def test_hostile_data_in_results_is_text(browser, tmp_path_factory):
    """An agency name and a row label that carry HTML reach the result list as text, and run nothing."""
    tmp = tmp_path_factory.mktemp("hostile-search")
    data = tmp / "data"
    shutil.copytree(site_data(), data)
    evil = "山东省人力资源<img src=x onerror=window.__pwned=1>和社会保障厅"
    for path in (data / "reports" / HRSS / "report.csv", data / "agencies" / "agencies.csv"):
        lines = path.read_text(encoding="utf-8").split("\n")
        lines = [lines[0]] + [line.replace("山东省人力资源和社会保障厅,", evil + ",", 1) for line in lines[1:]]
        path.write_text("\n".join(lines), encoding="utf-8")
    rows = data / "templates" / "national-2014" / "rows.csv"
    rows.write_text(rows.read_text(encoding="utf-8").replace(
        "4.信函申请数,信函申请数,", "4.信函<i>申请</i>数,信函i申请i数,", 1), encoding="utf-8")
    site = build_site(data, tmp / "out")
    pg, base, server = served_page(browser, site)
    try:
        pg.goto(base)
        hrefs = run_query(pg, "社会保障厅")
        assert hrefs
        titles = pg.eval_on_selector_all(".xxgk-search h1", "hs => hs.map(h => h.textContent)")
        assert any(t.startswith(evil + " · 2018年") for t in titles), titles
        assert f"{evil} · 2018年 · 4.信函<i>申请</i>数" in titles
        assert pg.locator(".xxgk-search img, .xxgk-search i").count() == 0
        assert pg.evaluate("window.__pwned") is None
    finally:
        server.shutdown()
        pg.close()


@pytest.mark.browser
def test_search_works_under_a_sub_path(site, browser):
    """Served at /reports/ (the path of site_url), search loads its index and opens results there."""
    prefix = urlsplit(yaml.safe_load((Path(__file__).parents[1] / "mkdocs.yml").read_text(encoding="utf-8"))
                      ["site_url"]).path
    assert prefix == "/reports/"
    pg, base, server = served_page(browser, site, prefix)
    try:
        pg.goto(base + f"reports/{HUAIAN}/?q=" + quote("行政复议"))
        pg.wait_for_selector(".xxgk-search[data-state=done]", state="attached", timeout=30_000)
        show_all(pg)
        row = pg.locator(f'.xxgk-search a[href$="reports/{HUAIAN}/stats-4/#row-review"]')
        assert row.count() == 1
        with pg.expect_response(lambda r: r.url.split("#")[0].endswith(f"reports/{HUAIAN}/stats-4/")) as response:
            row.click()
        assert response.value.status == 200
        assert urlsplit(pg.url).path == f"{prefix}reports/{HUAIAN}/stats-4/"
        assert pg.locator("#row-review").count() == 1
        hosts = {urlsplit(u).netloc for u in pg.requests if not u.startswith("data:")}
        assert hosts == {urlsplit(base).netloc}
        outside = [u for u in pg.requests if not u.startswith("data:") and not urlsplit(u).path.startswith(prefix)]
        assert outside == []
    finally:
        server.shutdown()
        pg.close()


@pytest.mark.browser
def test_an_index_in_parts_is_merged_in_the_browser(site, browser, tmp_path):
    """Each part (here: one report each) indexed on its own; the browser searches them together."""
    from xxgk.site.search import index_site

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    shutil.rmtree(copy / "pagefind-parts")  # the site's own parts (one per year): this test makes its own
    main = index_site(copy, docs_of(site), reports=f"{HUAIAN[:6]}-*")
    part = index_site(copy, docs_of(site), part="y2018", reports="*-2018")
    assert main.rows and part.rows and part.pages and part.bundle == "pagefind-parts/y2018"
    assert json.loads((copy / "pagefind" / "parts.json").read_text(encoding="utf-8")) == ["y2018"]
    pg, base, server = served_page(browser, copy)
    try:
        pg.goto(base)
        assert found(run_query(pg, "信函申请"), f"reports/{HRSS}/stats-3/")  # in the part
        assert found(run_query(pg, "淮安市人民政府"), f"reports/{HUAIAN}/")  # in the main index
        assert any("/pagefind-parts/y2018/" in u for u in pg.requests)
    finally:
        server.shutdown()
        pg.close()


@pytest.mark.browser
def test_measure_counts_what_a_query_fetches(site):
    """search.measure, as the benchmark calls it (in its own process: it starts its own browser)."""
    code = ("import json, sys; from pathlib import Path; from xxgk.site.search import measure; "
            "print(json.dumps(measure(Path(sys.argv[1]))))")
    result = subprocess.run([sys.executable, "-c", code, str(site)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"\nindex on disk {got['index_bytes']} B; first query {got['first_query_bytes']} B in "
          f"{got['first_query_files']} files (engine {got['engine_bytes']} B); per query {got['query_bytes']}")
    assert 0 < got["engine_bytes"] < got["first_query_bytes"] <= got["index_bytes"]
    assert all(n > 0 for n in got["results"].values())
    later = list(got["query_bytes"].values())[1:]
    assert all(n < got["first_query_bytes"] for n in later)  # the engine and metadata load once
