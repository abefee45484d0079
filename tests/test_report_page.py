"""The report page as a reader gets it: key figures first, evidence one click away, comparison and citation
as tools, no stub pages, and a data guide whose examples run against the real downloads.

Built HTML is read with BeautifulSoup (the session `site` fixture); page functions that need other data
(a report of another year, no source in the cache, a format without a figure) are called on views loaded
from a copy of the test data.
"""

import csv
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, needs_sources, site_data

SEED = "370000-hrss-2018"
HUAIAN = "320800-gov-2024"


def soup(site: Path, url_path: str) -> BeautifulSoup:
    path = site / url_path / "index.html" if not url_path.endswith(".html") else site / url_path
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def target_of(site: Path, page_url: str, href: str) -> tuple[Path, str]:
    """The HTML file and fragment a relative link on a page points to."""
    parts = urlsplit(href)
    path = (site / page_url / unquote(parts.path)).resolve()
    if path.is_dir():
        path = path / "index.html"
    return path, unquote(parts.fragment)


def assert_target(site: Path, page_url: str, href: str) -> BeautifulSoup:
    path, fragment = target_of(site, page_url, href)
    assert path.is_file(), (page_url, href)
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    if fragment:
        assert page.find(id=fragment) is not None, (page_url, href)
    return page


def load(data: Path, crosswalk=None) -> dict:
    """Views of every report under data/reports, as the build makes them (no validation)."""
    from xxgk import model
    from xxgk.site.config import site_config
    from xxgk.site.view import load_views

    templates = {f.name: model.load_template(f) for f in model.template_folders(data / "templates")}
    cw = crosswalk if crosswalk is not None else model.load_crosswalk(data / "crosswalk")
    return {v.id: v for v in load_views(data / "reports", templates, {}, site_config(), cw)}


def body_soup(page) -> BeautifulSoup:
    return BeautifulSoup(page.body, "html.parser")


# --- 4. the report page leads with what readers want ------------------------------------------------------

def expected_figure(report: str, concept: str):
    """A crosswalk figure summed from the report's CSV (independently of the site code): (value, states)."""
    data = site_data()
    meta = read_csv(data / "reports" / report / "report.csv")[0]
    cells = next((r["cells"].split() for r in read_csv(data / "crosswalk" / "cells.csv")
                  if r["concept"] == concept and r["template"] == meta["template"]), [])
    stats = {f"{r['table']}/{r['row']}/{r['column']}": r for r in read_csv(data / "reports" / report / "statistics.csv")}
    rows = [stats[c] for c in cells if stats[c]["state"] != "absent"]
    if not rows:
        return None, {"not-applicable"}
    if any(r["value"] == "" for r in rows):
        return None, {"missing"}
    return sum(Decimal(r["value"]) for r in rows), {r["state"] for r in rows}


@pytest.mark.parametrize("report", [SEED, HUAIAN])
def test_key_figures_card_comes_first_with_values_and_states(site, report):
    from xxgk.site.pages.report import KEY_FIGURES

    page = soup(site, f"reports/{report}/")
    article = page.select_one("article")
    card = article.select_one(".xxgk-card")
    quality = article.find(id="quality")
    assert card is not None and quality is not None
    assert card.sourceline < quality.sourceline  # the card before the data quality, the metadata and the files
    shown = {kf["data-concept"]: kf for kf in card.select(".kf")}
    concepts = {c["concept"] for c in read_csv(site_data() / "crosswalk" / "concepts.csv")}
    assert list(shown) == [c for c in KEY_FIGURES if c in concepts]
    for concept, kf in shown.items():
        value, states = expected_figure(report, concept)
        dd = kf.dd.get_text(" ", strip=True)
        if value is not None:
            number = kf.select_one(".value a")
            assert number.get_text() == str(value), (concept, dd)
            assert_target(site, f"reports/{report}/", number["href"])  # the number opens its table row
            badge = {"derived": "推算", "corrected": "校正"}
            marked = [badge[s] for s in ("derived", "corrected") if s in states][:1]
            assert [b.get_text() for b in kf.select("button.tip")] == marked, concept
        assert_target(site, f"reports/{report}/", kf.dt.a["href"])  # the name opens its definition across formats
    if report == SEED:
        assert shown["requests_received"].select_one(".value").get_text() == "128"
        assert shown["reviews"]["data-state"] == "derived"  # taken from the prose


def test_not_applicable_and_missing_figures_say_so(tmp_path):
    """A format without the figure shows "—" and why, never 缺失 or 0; a missing one says 缺失."""
    from xxgk import model
    from xxgk.site.pages.report import key_figures

    data = site_data()
    cw = model.load_crosswalk(data / "crosswalk")
    cells = [dict(r) for r in cw.cells if not (r["concept"] == "lawsuits" and r["template"] == "national-2014")]
    for r in cells:  # reviews read from a cell the seed report cannot read
        if r["concept"] == "reviews" and r["template"] == "national-2014":
            r["cells"] = "stats/refused_state_secret/value"
    v = load(data, model.Crosswalk(cw.concepts, cells))[SEED]
    html = BeautifulSoup(key_figures(v, "index"), "html.parser")
    na = html.select_one('.kf[data-concept="lawsuits"]')
    assert na["data-state"] == "not-applicable"
    assert na.select_one("button.tip").get_text() == "—"
    assert "这种统计表格式没有这一项" in na.dd.get_text()
    assert "缺失" not in na.dd.get_text() and not re.search(r"\d", na.dd.get_text())
    missing = html.select_one('.kf[data-concept="reviews"]')
    assert missing["data-state"] == "missing"
    assert missing.select_one("button.tip").get_text() == "缺失"
    assert missing.select_one('a[href="stats-3/#row-refused_state_secret"]') is not None


@pytest.mark.parametrize("report", [SEED, HUAIAN])
def test_rules_fold_into_one_line(site, report):
    page = soup(site, f"reports/{report}/")
    fold = page.select_one("details#rules")
    assert fold is not None and fold.get("open") is None
    summary = fold.summary.get_text(" ", strip=True)
    m = re.search(r"(\d+)/(\d+) 成立", summary)
    assert m, summary
    rows = fold.select("tbody tr")
    assert len(rows) == int(m.group(2))
    assert sum(tr.select("td")[2].get_text() == "✓ 成立" for tr in rows) == int(m.group(1))
    for a in fold.select("tbody a"):
        assert "#rule-" in a["href"]
        assert_target(site, f"reports/{report}/", a["href"])
    if report == HUAIAN:
        assert "42/42 成立" in summary


@pytest.mark.parametrize("report", [SEED, HUAIAN])
def test_downloads_and_citation_sit_in_the_first_block(site, report):
    from conftest import site_data
    from xxgk.site.version import report_version

    page = soup(site, f"reports/{report}/")
    get = page.select_one(".xxgk-top .xxgk-get")
    assert get is not None
    hrefs = [a["href"] for a in get.select("ul.files a")]
    assert any(h.endswith(f"{report}.zip") for h in hrefs)
    for href in hrefs:
        if not href.startswith("#"):
            assert (site / "reports" / report / unquote(href)).resolve().is_file(), href
    cite = get.select_one(".xxgk-cite")
    button = get.select_one("button.xxgk-copy")
    assert button["data-copy"] == cite["id"]
    text = cite.get_text()
    assert report_version(site_data() / "reports" / report) in text
    assert cite.select_one(".xxgk-today") is not None  # the reader's date, filled in by report.js
    assert not re.search(r"\d{4}-\d{2}-\d{2}\]", text)  # no access date frozen at build time
    for block in page.select(".xxgk-cite"):
        copy = page.select_one(f'button.xxgk-copy[data-copy="{block["id"]}"]')
        assert copy is not None and copy["aria-label"].startswith("复制")
    bib = page.select_one("#cite-bibtex").get_text()
    assert "urldate = {引用日期}" in bib and f"version = {{{report_version(site_data() / 'reports' / report)}}}" in bib


def test_report_js_is_loaded_on_every_page():
    import yaml

    from xxgk.site.config import _Loader

    cfg = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    assert "assets/report.js" in cfg["extra_javascript"]
    assert (ROOT / "docs" / "assets" / "report.js").is_file()


def test_local_navigation_names_sections_by_kind_and_number(site):
    nav = [a.get_text() for a in soup(site, f"reports/{SEED}/").select("nav.xxgk-local a")]
    assert nav == ["报告概览", "正文一", "正文二", "正文三"] + [f"统计表{n}" for n in "一二三四五六七八九"] + ["勘误记录", "原始文件"]
    huaian = soup(site, f"reports/{HUAIAN}/stats-3/").select("nav.xxgk-local a")
    assert [a.get_text() for a in huaian] == ["报告概览", "正文一", "正文五", "正文六", "统计表二", "统计表三", "统计表四",
                                              "勘误记录", "原始文件"]
    three = next(a for a in huaian if a.get_text() == "统计表三")
    assert three["aria-current"] == "page"
    assert three["aria-label"] == "统计表三、收到和处理政府信息公开申请情况"  # the whole title for a screen reader


def test_no_stub_pages_and_no_links_to_one(site):
    """Every report page has more than a heading and navigation; a prose heading over a table alone
    (sections 二–四 of the 2021 format) has no page: the overview lists it and links its table."""
    pages = sorted((site / "reports").glob("*/*/index.html")) + sorted((site / "reports").glob("*/index.html"))
    assert len(pages) > 20
    for html in pages:
        article = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select_one("article")
        for el in article.select("h1, nav.xxgk-local, .xxgk-sub, .md-content__button, .xxgk-report-link, .headerlink"):
            el.decompose()
        rest = [p for p in article.select("p, table, pre, ul, dl") if "本部分的统计表见" not in p.get_text()]
        # a page holds at least one printed paragraph or table, however short (平潭 2019 六、: “无其他需要报告的事项”)
        assert sum(len(p.get_text(strip=True)) for p in rest) > 0, html
    assert not (site / "reports" / HUAIAN / "text-2").exists()
    prose = read_csv(site_data() / "reports" / HUAIAN / "prose.csv")
    overview = soup(site, f"reports/{HUAIAN}/")
    for p in prose:
        if p["kind"] == "section" and p["section"] in ("2", "3", "4"):
            item = overview.find(id=p["id"])
            assert item is not None and item.get_text().startswith(p["text"])
            assert item.select_one(f'a[href="stats-{p["section"]}/"]') is not None
    for html in (site / "reports" / HUAIAN).rglob("*.html"):
        hrefs = [a["href"] for a in BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select("a[href]")]
        assert not [h for h in hrefs if re.search(r"text-[234]/", h)], html


# --- 5. evidence one click away ---------------------------------------------------------------------------

def note_links(site: Path, report: str, row: str) -> dict:
    for n in range(1, 10):
        path = site / "reports" / report / f"stats-{n}" / "index.html"
        if not path.is_file():
            continue
        tr = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find(id=f"row-{row}")
        if tr is not None:
            return {"page": f"reports/{report}/stats-{n}/", "links": [a["href"] for a in tr.select("td.src details a")],
                    "row": tr}
    raise AssertionError(row)


@needs_sources("000_b6e4372336266b61.txt")
def test_derived_value_links_its_rule_paragraph_ledger_entry_and_line(site):
    found = note_links(site, SEED, "received_letter")
    links = found["links"]
    assert "../../../codebook/national-2014/#rule-H1" in links
    assert "../text-1/#p007" in links  # the paragraph that says 信函申请15件 (figures.csv)
    assert "../corrections/#c027" in links
    assert "../source/#L336" in links
    for href in links:
        assert_target(site, found["page"], href)
    paragraph = assert_target(site, found["page"], "../text-1/#p007").find(id="p007").get_text()
    assert "信函申请15件" in paragraph


def test_prose_derived_value_finds_its_paragraph_through_the_ledger(site):
    """reviews_upheld is taken from the prose; no figure points at it, the ledger's evidence names the line."""
    entry = next(e for e in read_csv(site_data() / "reports" / SEED / "corrections.csv")
                 if e["target"] == "stats/reviews_upheld/value")
    line = int(re.search(r"正文第\s*(\d+)\s*行", entry["evidence"]).group(1))
    paragraph = next(p for p in read_csv(site_data() / "reports" / SEED / "prose.csv") if p["kind"] != "section"
                     and int(p["source_lines"].split("-")[0]) <= line <= int(p["source_lines"].split("-")[-1]))
    found = note_links(site, SEED, "reviews_upheld")
    assert any(h.endswith(f"#{paragraph['id']}") and "text-" in h for h in found["links"]), found["links"]
    assert f"../corrections/#{entry['id']}" in found["links"]


@pytest.mark.parametrize("report", [SEED, HUAIAN])
def test_every_note_links_its_ledger_entries_and_named_rules(site, report):
    data = site_data() / "reports" / report
    template = read_csv(data / "report.csv")[0]["template"]
    rules = {r["id"] for r in read_csv(site_data() / "templates" / template / "rules.csv")}
    entries = {}
    for e in read_csv(data / "corrections.csv"):
        entries.setdefault(e["target"], []).append(e["id"])
    checked = 0
    for r in read_csv(data / "statistics.csv"):
        if r["state"] in ("printed", "absent") and not r["note"]:
            continue
        found = note_links(site, report, r["row"])
        hrefs = " ".join(found["links"])
        for entry in entries.get(f"{r['table']}/{r['row']}/{r['column']}", []):
            assert f"corrections/#{entry}" in hrefs, (r["row"], entry)
        for rid in set(re.findall(r"(?<![A-Za-z0-9])([A-Z][0-9]+[a-z]?)(?![A-Za-z0-9])", r["note"])) & rules:
            assert f"#rule-{rid}" in hrefs, (r["row"], rid)
        checked += 1
    assert report == HUAIAN or checked >= 20


def test_badges_are_buttons_that_say_what_they_mean(site):
    from xxgk.site.pages.common import STATE_TIP

    seen = set()
    for html in [site / "reports" / SEED / f"stats-{n}" / "index.html" for n in range(1, 10)] + [
            site / "reports" / HUAIAN / "stats-3" / "index.html", site / "compare" / "index.html", site / "reports" / SEED / "index.html"]:
        for b in BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select(".tip"):
            assert b.name == "button" and b["type"] == "button", b
            assert b.get("title") is None  # not a hover-only tooltip
            word = b.get_text()
            name = "不适用" if word == "—" else word  # the dash is named by its word
            assert b["aria-label"] == f"{name}：{b['data-tip']}"
            assert b["data-tip"] in STATE_TIP.values()
            seen.add(word)
    assert {"推算", "校正", "缺失", "未列出", "—"} <= seen


def test_one_named_fix_icon_per_row(site):
    page = soup(site, f"reports/{SEED}/stats-3/")
    rows = page.select("table.xxgk-stats tbody tr.item")
    assert len(rows) >= 20
    for tr in rows:
        fixes = tr.select("a.fix")
        assert len(fixes) == 1, tr["id"]
        assert fixes[0].get_text(strip=True) == ""  # an icon, not the word 纠错 on every row
        assert fixes[0]["aria-label"] == "纠错：报告这一行的问题"
        assert "纠错" not in tr.select_one("td.src").get_text()


@needs_sources("huaian-2024-szfgs2024.pdf")
def test_pdf_values_show_the_crop_of_their_printed_cell(site):
    from PIL import Image

    from xxgk.site import crops

    stats = read_csv(site_data() / "reports" / HUAIAN / "statistics.csv")
    located = [r for r in stats if "bbox=" in r["locator"]]
    assert len(located) >= 200
    folder = site / "downloads" / HUAIAN / "crops"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{r['table']}-{r['row']}-{r['column']}.png" for r in located)
    page = soup(site, f"reports/{HUAIAN}/stats-3/")
    shots = page.select_one("#row-new details.crops")
    assert shots is not None and "PDF 第 4 页" in shots.summary.get_text()
    imgs = shots.select("img")
    assert [f.figcaption.get_text() for f in shots.select("figure.crop")] == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    for img in imgs:
        path = (site / "reports" / HUAIAN / "stats-3" / unquote(img["src"])).resolve()
        assert path.is_file() and img["alt"]
        with Image.open(path) as im:  # rendered at SCALE, shown at CSS_PX per point
            assert abs(im.size[0] * crops.CSS_PX / crops.SCALE - int(img["width"])) <= 2
            assert abs(im.size[1] * crops.CSS_PX / crops.SCALE - int(img["height"])) <= 2
    assert not (site / "downloads" / SEED / "crops").exists()  # an OCR text source has no page to cut from


@needs_sources("huaian-2024-szfgs2024.pdf")
def test_crops_are_deterministic_and_only_with_the_source(tmp_path, monkeypatch):
    from xxgk.site import crops

    v = load(site_data())[HUAIAN]
    a = crops.write_crops(v, tmp_path / "a")
    b = crops.write_crops(v, tmp_path / "b")
    assert len(a) == len(b) >= 200
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b))
    total = sum(p.stat().st_size for p in a)
    assert total / len(a) < 3000  # small: about a kilobyte each

    monkeypatch.setenv("XXGK_SOURCES", str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    v = load(site_data())[HUAIAN]
    assert v.source_file() is None
    assert crops.write_crops(v, tmp_path / "c") == []
    from xxgk.site.pages.statistics import stats_pages

    page = next(p for p in stats_pages(v) if p.path.endswith("stats-3.md"))
    row = body_soup(page).find(id="row-new")
    assert row.select_one("img") is None
    assert "本次构建没有原始文件" in row.select_one("details.crops").get_text()


@needs_sources("000_b6e4372336266b61.txt")
def test_text_source_notes_show_the_line_with_the_characters_marked(site):
    row = note_links(site, SEED, "trainings_held")["row"]
    excerpt = row.select_one("details.note p.excerpt")
    assert excerpt is not None and excerpt.mark.get_text() == "l"  # the OCR read a letter l for the digit 1


# --- 7. comparison and citation as tools ------------------------------------------------------------------

def test_compare_page_puts_values_first_and_links_each_to_its_cell(site):
    page = soup(site, "compare/")
    values = page.select_one("table#values")
    crosswalk = page.select_one("table.xxgk-crosswalk")
    assert values is not None and crosswalk is not None and values.sourceline < crosswalk.sourceline
    assert "cards" in values["class"]
    heads = [th.get_text(" ", strip=True) for th in values.select("thead th")]
    for tr in values.select("tbody tr"):
        cells = tr.find_all(["th", "td"])
        assert [c["data-label"] for c in cells[:2]] == ["指标", "可比性"]
        assert all(c.get("data-label") for c in cells), tr["data-concept"]
        assert len(cells) == len(heads)
    received = values.select_one('tr[data-concept="requests_received"]')
    links = {a.get_text(): a["href"] for a in received.select("td a")}
    assert links["128"] == f"../reports/{SEED}/stats-3/#row-requests_received"
    assert links["3119"] == f"../reports/{HUAIAN}/stats-3/#row-new"
    for a in values.select("td a"):
        assert_target(site, "compare/", a["href"])
    carried = values.select_one('tr[data-concept="requests_carried_over"]')
    assert "—" in [b.get_text() for b in carried.select("button.tip.na")]  # the 2014 format has no such row


@pytest.fixture(scope="module")
def series_data(tmp_path_factory):
    """The seed agency with three reports: 2017 (same format, 100 requests), 2018, and 2020 in the 2021 format."""
    data = tmp_path_factory.mktemp("series") / "data"
    src = site_data()
    for name in ("templates", "schemas", "crosswalk", "agencies"):
        shutil.copytree(src / name, data / name)
    reports = data / "reports"
    shutil.copytree(src / "reports" / SEED, reports / SEED)
    y17 = reports / "370000-hrss-2017"
    shutil.copytree(src / "reports" / SEED, y17)
    (y17 / "report.csv").write_text((y17 / "report.csv").read_text(encoding="utf-8").replace(",2018,", ",2017,"), encoding="utf-8")
    stats = (y17 / "statistics.csv").read_text(encoding="utf-8").replace(
        "stats,requests_received,value,128,", "stats,requests_received,value,100,")
    (y17 / "statistics.csv").write_text(stats, encoding="utf-8")
    y20 = reports / "370000-hrss-2020"
    shutil.copytree(src / "reports" / HUAIAN, y20)
    (y20 / "report.csv").write_text(
        "agency_id,agency,region_code,region,year,published,template,title\n"
        "370000-hrss,山东省人力资源和社会保障厅,370000,山东省,2020,,national-2021,山东省人力资源和社会保障厅2020年政府信息公开工作年度报告\n",
        encoding="utf-8")
    return data


def test_change_column_compares_an_agency_with_its_previous_report(series_data):
    from xxgk import model
    from xxgk.site.config import site_config
    from xxgk.site.pages.compare import compare_page

    views = load(series_data)
    templates = {f.name: model.load_template(f) for f in model.template_folders(series_data / "templates")}
    page = compare_page(list(views.values()), templates, model.load_crosswalk(series_data / "crosswalk"), site_config())
    table = body_soup(page).select_one("table#values")
    heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    assert heads[2:] == ["山东省人力资源和社会保障厅 2017", "山东省人力资源和社会保障厅 2018", "变化 2017→2018",
                         "山东省人力资源和社会保障厅 2020", "变化 2018→2020"]

    def row(concept):
        return [td.get_text(" ", strip=True) for td in table.select_one(f'tr[data-concept="{concept}"]').select("td")[1:]]

    assert row("requests_received")[:3] == ["100", "128", "+28 （+28%）"]
    assert row("requests_received")[4] == "格式不同，不计算"  # 2014 → 2021: 'similar', not computed
    partly = row("partly_disclosed")  # 'same' across formats: computed, and said so
    assert partly[4].startswith("+454") and "格式不同，口径相同" in partly[4]
    assert row("requests_carried_over")[4] == "—"  # the 2014 format has no such row
    assert row("refused_state_secret")[2] == "缺失，无法计算"
    labels = [td["data-label"] for td in table.select_one('tr[data-concept="requests_received"]').select("td")]
    assert "山东省人力资源和社会保障厅 2018 较 2017" in labels


# --- 6. the data guide's examples run against the real downloads -----------------------------------------

def test_guide_examples_run_against_the_downloads(site, tmp_path):
    blocks = [code.get_text() for code in soup(site, "guide/").select("code.language-python")]
    assert len(blocks) >= 1
    outputs = []
    for code in blocks:
        script = tmp_path / "example.py"
        script.write_text(code, encoding="utf-8")
        result = subprocess.run([sys.executable, str(script)], cwd=site / "downloads", capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    received = outputs[0].splitlines()
    reports = {r["report_id"] for r in read_csv(site / "downloads" / "all-concepts.csv")}
    assert len(received) == len(reports)  # every report, whatever its format (2021 ones included)
    assert "淮安市人民政府 2024 3119" in received and "山东省人力资源和社会保障厅 2018 128" in received
