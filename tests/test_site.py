"""The built site as a reader gets it: parsed HTML, links, downloads, nothing lost or injected."""

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, SEED, build_site, needs_sources, site_data

REPORT = SEED.name
SEED = site_data() / "reports" / REPORT  # the seed as the site was built from it
SITE_PATH = urlsplit(next(line.split(":", 1)[1].strip() for line in (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
                          if line.startswith("site_url:"))).path


def soup(site: Path, url_path: str) -> BeautifulSoup:
    path = site / url_path
    if url_path.endswith("/") or not url_path:
        path = path / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def stat_sections():
    rows = read_csv(ROOT / "data/templates/national-2014/rows.csv")
    return sorted({int(r["section"]) for r in rows})


def test_every_page_exists(site):
    base = f"reports/{REPORT}/"
    pages = ["", "reports/", base, f"{base}corrections/", f"{base}source/", "codebook/", "codebook/national-2014/",
             "downloads/", "about/", "guide/"]
    pages += [f"{base}text-{n}/" for n in (1, 2, 3)]
    pages += [f"{base}stats-{n}/" for n in stat_sections()]
    for p in pages:
        assert (site / p / "index.html").is_file(), p
    assert soup(site, base).h1.get_text(strip=True) == "山东省人力资源和社会保障厅2018年政府信息公开工作年度报告"


def test_every_statistics_row_appears_with_its_value_or_missing(site):
    shown = {}
    for n in stat_sections():
        page = soup(site, f"reports/{REPORT}/stats-{n}/")
        for tr in page.select("table.xxgk-stats tbody tr.item"):
            shown[tr["id"].removeprefix("row-")] = tr.select_one("td.num").get_text(" ", strip=True)
    stats = read_csv(SEED / "statistics.csv")
    assert sorted(shown) == sorted(r["row"] for r in stats)
    for r in stats:
        text = shown[r["row"]]
        if r["value"]:
            assert text.split()[0] == r["value"], r["row"]
            if r["state"] in ("derived", "corrected"):
                assert text.split()[1] == {"derived": "推算", "corrected": "校正"}[r["state"]]
        else:
            assert text == "缺失", r["row"]


@needs_sources("000_b6e4372336266b61.txt")
def test_notes_are_reachable_without_hover(site):
    """Derived and corrected values carry their note in a <details> (keyboard and touch), not a title tooltip."""
    page = soup(site, f"reports/{REPORT}/stats-3/")
    row = page.select_one("#row-received_letter")
    details = row.select_one("details.note")
    assert details.summary.get_text(strip=True) == "推算依据"
    assert "128 − 19 − 0 − 94 − 0 = 15" in details.get_text()
    assert details.select_one('a[href="../source/#L336"]') is not None


def test_every_prose_paragraph_appears(site):
    texts = set()
    for n in (1, 2, 3):
        page = soup(site, f"reports/{REPORT}/text-{n}/")
        texts |= {el.get_text("", strip=True) for el in page.select("article h1, article h2, article p")}
    texts |= {el.get_text("", strip=True) for el in soup(site, f"reports/{REPORT}/").select("article p")}
    for p in read_csv(SEED / "prose.csv"):
        assert p["text"] in texts, p["id"]


def test_prose_figures_link_to_their_table_row(site):
    page = soup(site, f"reports/{REPORT}/text-1/")
    link = next(a for a in page.select("a.figure") if a.get_text() == "15件" and "received_letter" in a["href"])
    assert link["href"] == "../stats-3/#row-received_letter"


def test_every_ledger_entry_appears(site):
    page = soup(site, f"reports/{REPORT}/corrections/")
    ids = [tr["id"] for tr in page.select("table tbody tr")]
    assert ids == [e["id"] for e in read_csv(SEED / "corrections.csv")]


def test_charts_are_svg_with_text_and_data(site):
    page = soup(site, f"reports/{REPORT}/stats-3/")
    ids = {f["id"] for f in page.select("figure.xxgk-chart")}
    assert {"chart-requests_received", "chart-requests_answered"} <= ids
    chart = page.select_one("#chart-requests_received svg")
    assert chart["role"] == "img"
    assert "信函申请数：15件" in chart.desc.get_text()
    assert "当面申请数" in [t.get_text() for t in chart.select("text")]
    assert soup(site, f"reports/{REPORT}/stats-1/").select_one("#chart-proactive_channels") is not None


@needs_sources("000_b6e4372336266b61.txt")
def test_downloads_equal_their_sources(site):
    from conftest import source_file

    dl = site / "downloads" / REPORT
    source = source_file("000_b6e4372336266b61.txt")
    assert (dl / "source.txt").read_bytes() == source.read_bytes()  # the source document, from the cache, verified
    for src in SEED.iterdir():
        if src.name == "datapackage.yaml":
            continue  # published as a self-contained datapackage.json
        assert (dl / src.name).read_bytes() == src.read_bytes(), src.name
        if src.suffix == ".csv":
            excel = (dl / src.name.replace(".csv", ".excel.csv")).read_bytes()
            assert excel.startswith(b"\xef\xbb\xbf")
            assert excel[3:].decode("utf-8").replace("\r\n", "\n") == src.read_text(encoding="utf-8")
    desc = json.loads((dl / "datapackage.json").read_text(encoding="utf-8"))
    assert all(isinstance(r.get("schema", {}), dict) for r in desc["resources"])
    with zipfile.ZipFile(dl / f"{REPORT}.zip") as zf:
        names = set(zf.namelist())
        assert {f"{REPORT}/{p.name}" for p in SEED.iterdir() if p.name != "datapackage.yaml"} <= names
        assert {f"{REPORT}/datapackage.json", f"{REPORT}/source.txt", f"{REPORT}/statistics-labelled.csv"} <= names
        assert zf.read(f"{REPORT}/statistics.csv") == (SEED / "statistics.csv").read_bytes()


def test_downloaded_package_validates_with_frictionless(site, tmp_path):
    from frictionless import Package

    with zipfile.ZipFile(site / "downloads" / REPORT / f"{REPORT}.zip") as zf:
        zf.extractall(tmp_path)
    report = Package(str(tmp_path / REPORT / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "note"])


def test_long_table_holds_every_value(site):
    rows = read_csv(site / "downloads" / "all-statistics.csv")
    reports = sorted(p for p in (site_data() / "reports").iterdir() if p.is_dir())
    assert len(reports) >= 2
    for rep in reports:
        stats = read_csv(rep / "statistics.csv")
        mine = [r for r in rows if r["report_id"] == rep.name]
        assert [(r["table"], r["row"], r["column"], r["value"], r["state"]) for r in mine] == [
            (r["table"], r["row"], r["column"], r["value"], r["state"]) for r in stats]
    huaian = {(r["table"], r["row"], r["column"]): r for r in rows if r["report_id"] == "320800-gov-2024"}
    assert huaian[("requests", "new", "natural")]["column_label"] == "自然人"
    assert huaian[("art20_8", "fees", "amount")]["value"] == "96171.6" and huaian[("art20_8", "fees", "amount")]["unit"] == "万元"
    by_row = {r["row"]: r for r in rows if r["report_id"] == REPORT}
    assert by_row["received_letter"]["value"] == "15" and by_row["received_letter"]["state"] == "derived"
    assert by_row["channel_website"]["value"] == "" and by_row["channel_website"]["state"] == "missing"
    assert by_row["requests_received"]["row_label"] == "（一）收到申请数"
    assert set(rows[0]) >= {"report_id", "agency", "year", "template", "table", "row", "column", "row_label", "unit",
                            "value", "state"}


def _targets(site: Path):
    for html in site.rglob("*.html"):
        page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for el in page.find_all(tag):
                if tag == "link" and "canonical" in (el.get("rel") or []):
                    continue  # the page's own public address, not a request
                if el.get(attr):
                    yield html, tag, el[attr]


def test_every_internal_link_resolves(site):
    ids_cache = {}
    broken = []
    for html, tag, href in _targets(site):
        parts = urlsplit(href)
        if parts.scheme or href.startswith("//"):
            assert tag == "a", f"{html}: <{tag}> loads {href} from another host"
            continue
        if href.startswith("#") or not (parts.path or parts.fragment):
            target = html
        elif parts.path.startswith("/"):
            # 404.html links from the site's root path (site_url), as MkDocs writes it
            assert parts.path.startswith(SITE_PATH), (html, href)
            target = site / unquote(parts.path[len(SITE_PATH):])
            if target.is_dir():
                target = target / "index.html"
        else:
            target = (html.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
        if not target.exists():
            broken.append((str(html.relative_to(site)), href))
            continue
        if parts.fragment and target.suffix == ".html":
            if target not in ids_cache:
                page = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
                ids_cache[target] = {el["id"] for el in page.find_all(id=True)}
            if unquote(parts.fragment) not in ids_cache[target]:
                broken.append((str(html.relative_to(site)), href))
    assert broken == []


def test_no_resource_from_another_host(site):
    for html, tag, href in _targets(site):
        if tag != "a":
            assert not urlsplit(href).scheme and not href.startswith("//"), (html, href)
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
        assert 'data-md-component="source"' not in text  # would ask api.github.com for stars


def test_site_url_and_repo_configured_once():
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert text.count("site_url:") == 1 and text.count("repo_url:") == 1
    for path in (ROOT / "scripts").rglob("*.py"):
        assert "github.com/xxgk-data" not in path.read_text(encoding="utf-8"), path


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The seed report with HTML and Markdown control characters in its free-text fields."""
    tmp = tmp_path_factory.mktemp("hostile")
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    rep = data / "reports" / REPORT
    path = rep / "statistics.csv"
    rows = read_csv(path)
    for r in rows:
        if r["row"] == "trainees":
            r["note"] = "<script>window.__pwned=1</script> **粗体** [链接](http://example.com) `代码` # 标题"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    meta = (rep / "report.csv").read_text(encoding="utf-8")
    (rep / "report.csv").write_text(meta.replace(
        "山东省人力资源和社会保障厅2018年政府信息公开工作年度报告\n", "山东省人力资源和社会保障厅2018年<script>x()</script>*年度*_报告_\n"),
        encoding="utf-8")
    return build_site(data, tmp / "out")


def test_hostile_text_is_shown_not_run(hostile_site):
    page = soup(hostile_site, f"reports/{REPORT}/stats-9/")
    note = page.select_one("#row-trainees details.note").get_text()
    assert "<script>window.__pwned=1</script> **粗体** [链接](http://example.com) `代码` # 标题" in note
    assert not any("__pwned" in (s.string or "") for s in page.find_all("script"))
    report = soup(hostile_site, f"reports/{REPORT}/")
    assert report.h1.get_text() == "山东省人力资源和社会保障厅2018年<script>x()</script>*年度*_报告_"
    assert not report.h1.find("script") and not report.h1.find("em")


def _config():
    import yaml

    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def test_every_generated_page_has_edit_and_report_links(site):
    from urllib.parse import parse_qs

    repo = _config()["repo_url"].rstrip("/")
    generated = [p for p in site.rglob("index.html") if p.parent != site / "search"
                 and p.relative_to(site).parts[:1] in (("reports",), ("codebook",), ("downloads",), ("compare",))]
    generated.append(site / "index.html")
    assert len(generated) > 20
    for html in generated:
        page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        edit = page.select_one('a[rel="edit"]')
        assert edit is not None, html
        prefix = f"{repo}/edit/main/"
        assert edit["href"].startswith(prefix), (html, edit["href"])
        target = edit["href"][len(prefix):]
        assert target.startswith("data/") and (site_data() / target[len("data/"):]).is_file(), (html, target)
        report = page.select_one("a.xxgk-report-link")
        assert report is not None, html
        url = urlsplit(report["href"])
        assert f"{url.scheme}://{url.netloc}{url.path}" == f"{repo}/issues/new"
        query = parse_qs(url.query)
        assert query["template"] == ["correction.yml"]
        rel_parts = html.relative_to(site).parts
        if rel_parts[0] == "reports" and len(rel_parts) > 2:
            assert query["report"] == [rel_parts[1]], html
    stats = soup(site, f"reports/{REPORT}/stats-3/")
    fix = stats.select_one("#row-received_letter a.fix")
    query = parse_qs(urlsplit(fix["href"]).query)
    assert query["report"] == [REPORT] and query["row"] == ["received_letter"]
    assert query["section"] == ["统计表三、依申请公开情况"]
    assert soup(site, f"reports/{REPORT}/stats-3/").select_one('a[rel="edit"]')["href"].endswith(
        f"data/reports/{REPORT}/statistics.csv")


def test_issue_form_fields_match_the_report_links():
    import yaml

    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/correction.yml").read_text(encoding="utf-8"))
    ids = {item.get("id") for item in form["body"]}
    assert {"report", "section", "row"} <= ids


def test_site_links_to_the_contributor_guide(site):
    home = soup(site, "")
    assert home.select_one('a[href="contributing/"]') is not None
    guide = soup(site, "contributing/")
    assert "勘误规则" in guide.get_text() and "The ledger rule" in guide.get_text()


def test_matrix_table_renders_every_value(site):
    stats = read_csv(ROOT / "data/reports/320800-gov-2024/statistics.csv")
    page = soup(site, "reports/320800-gov-2024/stats-3/")
    table = page.select_one('table[data-table="requests"]')
    header = [th.get_text(strip=True) for th in table.select("thead th")]
    assert header[:3] == ["指标", "单位", "申请人情况"] and "法人或其他组织" in header and "商业企业" in header
    shown = {}
    for tr in table.select("tbody tr.item"):
        shown[tr["id"].removeprefix("row-")] = [td.get_text(" ", strip=True) for td in tr.select("td.num")]
    expected = {}
    for r in stats:
        if r["table"] == "requests":
            expected.setdefault(r["row"], []).append(r["value"] or {"absent": "未列出", "missing": "缺失"}[r["state"]])
    assert shown == expected
    assert "absent" in table.select_one("#row-other")["class"]  # （六）其他处理 is printed as its three rows here
    assert all(len(v) == 7 for v in shown.values())
    assert page.select_one("#chart-results-by-applicants svg") is not None  # outcomes by applicant type, one chart
    money = soup(site, "reports/320800-gov-2024/stats-2/")
    fees = money.select_one("#row-fees")
    assert fees.select_one("td.unit").get_text() == "万元" and fees.select_one("td.num").get_text(" ", strip=True) == "96171.6"


def test_compare_page_lists_every_concept(site):
    concepts = read_csv(ROOT / "data/crosswalk/concepts.csv")
    page = soup(site, "compare/")
    ids = {tr.get("id") for tr in page.select("table tbody tr")}
    assert {c["concept"] for c in concepts} <= ids
    text = page.get_text()
    assert "3119" in text and "128" in text  # requests received: 淮安 2024 and 山东人社 2018


def test_parquet_equals_the_csv_and_the_documented_query_runs(site):
    import duckdb

    from xxgk import model
    from xxgk.downloads import example_sql

    dl = site / "downloads"
    con = duckdb.connect()
    rows = con.execute(f"SELECT * FROM read_parquet('{(dl / 'all-statistics.parquet').as_posix()}')").fetchall()
    names = [d[0] for d in con.description]
    csv_rows = read_csv(dl / "all-statistics.csv")
    assert names == list(csv_rows[0])
    assert len(rows) == len(csv_rows)
    for parquet_row, csv_row in zip(rows, csv_rows):
        as_text = {}
        for name, value in zip(names, parquet_row):
            if value is None:
                as_text[name] = ""
            elif name == "value":
                as_text[name] = format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
            else:
                as_text[name] = str(value)
        assert as_text == csv_row
    sql = example_sql(model.load_crosswalk(site_data() / "crosswalk"))
    assert "fujian-pre-2019" in sql  # every format the crosswalk maps
    result = con.execute(sql.replace("'all-statistics.parquet'", f"'{(dl / 'all-statistics.parquet').as_posix()}'")).fetchall()
    assert ("淮安市人民政府", 2024, 3119) in [(a, y, int(v)) for a, y, v in result]
    assert ("山东省人力资源和社会保障厅", 2018, 128) in [(a, y, int(v)) for a, y, v in result]
    assert "requests_received" in soup(site, "downloads/").select_one("code.language-python").get_text()


def test_home_says_not_applicable_where_the_format_has_no_such_figure(site):
    """主动公开 has no row in the 2021 format: the home table says 不适用 (not 缺失, not 0) for a 2021 report."""
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.find("table", id="reports")
    heads = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    col = next(i for i, h in enumerate(heads) if h.startswith("主动公开"))
    rows = {tr.find("a")["href"].split("/")[1]: tr.find_all("td") for tr in table.find("tbody").find_all("tr")}
    cell = rows["320800-gov-2024"][col]
    assert cell.find("button")["aria-label"].startswith("不适用"), cell
    assert "缺失" not in cell.get_text() and cell.get_text(strip=True) != "0"
    other = rows[SEED.name][col]  # a 2014-format report prints it
    assert other.get_text(strip=True).isdigit() or "缺失" in str(other)


def test_report_page_states_each_files_size_and_rows(site):
    """Every download of a report is listed on its overview page with its size, and a CSV with its row count,
    read from the published file itself."""
    import re

    from xxgk.downloads import csv_rows, file_size

    soup = BeautifulSoup((site / "reports" / REPORT / "index.html").read_text(encoding="utf-8"), "html.parser")
    listed = soup.find(id="files").find_next("ul")
    seen = 0
    for a in listed.find_all("a"):
        info = a.next_sibling  # the link's own size, right after it
        path = (site / "reports" / REPORT / unquote(a["href"])).resolve()
        assert path.is_file(), a["href"]
        want = file_size(path) + (f"，{csv_rows(path)} 行" if path.suffix == ".csv" else "")
        assert getattr(info, "name", None) == "span" and "info" in info.get("class", []), a["href"]
        assert info.get_text() == f"（{want}）", a["href"]
        seen += 1
    assert seen >= 10 and re.search(r"数据版本 [0-9a-f]{12}", listed.find_next("p").get_text())
