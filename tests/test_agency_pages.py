"""Agency, region and coverage pages, coverage.csv and the home page, checked against data/.

Built from a copy of the test data (data/, or XXGK_TEST_DATA) with a small series added on purpose:
山东省人力资源和社会保障厅 gets a 2016 report (the 2018 one with 收到申请数 unreadable) and a 2020 report
in the 2021 format (淮安's table under its name), so its series crosses a change of format and has
years without a report; a draft, a not-published year and an agency with hostile text are added too.
"""

import csv
import re
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import build_site, site_data
from xxgk import model
from xxgk.site import series_chart
from xxgk.site.pages.agency import SERIES, province_code
from xxgk.site.view import concept_value

HRSS = "370000-hrss"
HOSTILE = "110000-hostile"
HOSTILE_NAME = "<script>window.__pwned=1</script>**机构**"
DRAFT = f"{HOSTILE}-2020"


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def add_report(reports: Path, base: str, year: int, published: str) -> None:
    """A copy of a report under 山东人社's name for another year (the values stay consistent: they are a real table's)."""
    dst = reports / f"{HRSS}-{year}"
    if dst.exists():
        return
    shutil.copytree(reports / base, dst)
    meta = read_csv(dst / "report.csv")
    meta[0].update(agency_id=HRSS, agency="山东省人力资源和社会保障厅", region_code="370000", region="山东省", year=str(year),
                   published=published, title=f"山东省人力资源和社会保障厅{year}年政府信息公开工作年度报告")
    write_csv(dst / "report.csv", meta)


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """(data folder, built site)."""
    tmp = tmp_path_factory.mktemp("agency")
    data = tmp / "data"
    shutil.copytree(site_data(), data, ignore=shutil.ignore_patterns("drafts"))
    reports = data / "reports"
    add_report(reports, f"{HRSS}-2018", 2016, "2017-03-28")
    stats = read_csv(reports / f"{HRSS}-2016" / "statistics.csv")
    for r in stats:  # a printed-blank cell: the series shows 缺失 for 2016
        if r["row"] == "requests_received":
            r.update(value="", state="missing", source_value="", note="测试：这一格为空。")
    write_csv(reports / f"{HRSS}-2016" / "statistics.csv", stats)
    add_report(reports, "320800-gov-2024", 2020, "2021-03-28")
    draft = data / "drafts" / DRAFT
    draft.mkdir(parents=True)
    (draft / "datapackage.yaml").write_text("title: 草稿\n", encoding="utf-8")
    agencies = read_csv(data / "agencies" / "agencies.csv")
    agencies.append({**{k: "" for k in agencies[0]}, "agency_id": HOSTILE, "name": HOSTILE_NAME, "region_code": "110000",
                     "region": "北京市<em>区</em>", "province": "北京市# <em>省</em>", "level": "department", "predecessor": HRSS,
                     "relation": "[链接](http://example.com) `代码` # 标题 <img src=x onerror=alert(1)>"})
    write_csv(data / "agencies" / "agencies.csv", agencies)
    pubs = read_csv(data / "agencies" / "publications.csv")
    pubs.append({"agency_id": HRSS, "year": "2017", "status": "not-published", "url": "", "note": "测试：这一年没有发布"})
    pubs.append({"agency_id": HOSTILE, "year": "2019", "status": "published", "url": "https://example.org/2019/report.html",
                 "note": "<b>注</b>"})
    write_csv(data / "agencies" / "publications.csv", pubs)
    return data, build_site(data, tmp / "out")


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def views(data: Path) -> list[dict]:
    """Every curated report with its concepts' (value, state), read with the model, not with the pages."""
    templates = {f.name: model.load_template(f) for f in model.template_folders(data / "templates")}
    crosswalk = model.load_crosswalk(data / "crosswalk")
    out = []
    for folder in model.report_folders(data / "reports"):
        r = model.load_report(folder)
        t = templates.get(r.meta["template"]) if r.meta["template"] else None
        out.append({"id": r.id, "agency_id": r.meta["agency_id"], "year": r.meta["year"], "template": r.meta["template"],
                    "region_code": r.meta["region_code"], "title": r.meta["title"],
                    "concepts": {c: concept_value(crosswalk, t, r.numbers(), c) for c in SERIES}})
    return out


def shows(cell, value, state) -> bool:
    """A value cell shows the number (and perhaps a 推算/校正 badge), 缺失, or — (不适用)."""
    shown = cell.get_text(" ", strip=True)
    first = shown.split()[0] if shown else ""
    if state == "value":
        return first == model.fmt(value) and (shown == first or shown.split()[1] in ("推算", "校正"))
    return shown == {"missing": "缺失", "not-applicable": "—"}[state]


# --- agency pages ------------------------------------------------------------------------------------------

def test_every_curated_report_shows_every_value_on_its_agency_page(series):
    data, site = series
    vs = views(data)
    crosswalk = {c["concept"] for c in read_csv(data / "crosswalk" / "concepts.csv")}
    shown = 0
    for v in vs:
        page = soup(site, f"agencies/{v['agency_id']}/")
        for concept in SERIES:
            if concept not in crosswalk:
                continue
            table = page.select_one(f"#series-{concept}-table")
            row = table.select_one(f'tr[data-year="{v["year"]}"]')
            value, state = v["concepts"][concept]
            assert row["data-state"] == state, (v["id"], concept)
            assert shows(row.select_one("td.num"), value, state), (v["id"], concept, row.select_one("td.num"))
            assert row.select_one("th a")["href"] == f"../../reports/{v['id']}/"
            shown += 1
    states = Counter(v["concepts"][c][1] for v in vs for c in SERIES)
    assert shown >= len(vs) * 5 and states["value"] and states["missing"] and states["not-applicable"]


def test_series_breaks_where_a_year_is_not_covered(series):
    data, site = series
    years = sorted(v["year"] for v in views(data) if v["agency_id"] == HRSS)
    assert years == [2016, 2018, 2020]
    page = soup(site, f"agencies/{HRSS}/")
    table = page.select_one("#series-requests_received-table")
    rows = table.select("tr[data-year]")
    assert [int(r["data-year"]) for r in rows] == list(range(2016, 2021))
    states = {int(r["data-year"]): r["data-state"] for r in rows}
    assert states == {2016: "missing", 2017: "not-covered", 2018: "value", 2019: "not-covered", 2020: "value"}
    assert "未收录" in rows[1].get_text() and "未发布" in rows[1].get_text()  # publications.csv: not published
    assert "不详" in rows[3].get_text()
    svg = page.select_one("#series-requests_received svg")
    assert len(svg.select("rect.gap")) == 2  # 2017, 2019
    assert svg.select("line.line") == []  # no two neighbouring years both have a value: nothing is joined
    assert len(svg.select("circle.point")) == 2 and len(svg.select("circle.missing")) == 1
    assert "2016 年：缺失" in svg.find("desc").get_text() and "2017 年：未收录" in svg.find("desc").get_text()


def test_caveats_where_the_series_crosses_a_change_of_format(series):
    data, site = series
    concepts = {c["concept"]: c for c in read_csv(data / "crosswalk" / "concepts.csv")}
    page = soup(site, f"agencies/{HRSS}/")
    table = page.select_one("#series-requests_received-table")
    changes = [tr.get_text() for tr in table.select("tr.change")]
    assert len(changes) == 2 and "2014" in changes[0] and "2021" in changes[1]
    assert table.select("tr")[table.select("tr").index(table.select("tr.change")[1]) + 1]["data-year"] == "2020"
    assert len(page.select("#series-requests_received svg line.change")) == 1
    for concept in SERIES:
        caveat = page.select_one(f"#{concept} ~ div.xxgk-caveat")
        assert caveat is not None and caveat["data-comparability"] == concepts[concept]["comparability"], concept
        assert concepts[concept]["caveat"] in caveat.get_text()
    # one format only: no caveat
    single = [a for a, n in Counter(v["agency_id"] for v in views(data)).items() if n == 1]
    for agency_id in single:
        assert soup(site, f"agencies/{agency_id}/").select("div.xxgk-caveat") == []


def test_successor_and_predecessor_link_each_other_without_merging(series):
    data, site = series
    agencies = read_csv(data / "agencies" / "agencies.csv")
    pairs = [(a["agency_id"], a["predecessor"]) for a in agencies if a["predecessor"] and a["agency_id"] != HOSTILE]
    assert pairs, "the register names no predecessor"
    reports = {v["id"]: v["agency_id"] for v in views(data)}
    for successor, predecessor in pairs:
        s, p = soup(site, f"agencies/{successor}/"), soup(site, f"agencies/{predecessor}/")
        assert s.select_one("p.predecessor a.succession")["href"] == f"../{predecessor}/"
        assert f"../{successor}/" in [a["href"] for a in p.select("p.successor a.succession")]
        for page, own in ((s, successor), (p, predecessor)):  # each page lists its own reports only
            linked = {m.group(1) for a in page.select("article a[href]") if (m := re.fullmatch(r"(?:\.\./)+reports/([^/]+)/", a["href"]))}
            assert linked == {r for r, agency_id in reports.items() if agency_id == own}, own


def test_region_pages_list_their_regions_and_agencies(series):
    data, site = series
    agencies = read_csv(data / "agencies" / "agencies.csv")
    vs = views(data)
    index = soup(site, "regions/")
    for a in agencies:
        pcode, rcode = province_code(a["region_code"]), a["region_code"]
        assert index.select_one(f'a[href="{pcode}/"]') is not None
        province = soup(site, f"regions/{pcode}/")
        region = province if rcode == pcode else soup(site, f"regions/{rcode}/")
        if rcode != pcode:
            assert province.select_one(f'a[href="../{rcode}/"]') is not None
            assert region.select_one(f'a[href="../{pcode}/"]') is not None  # back to the province
        row = region.select_one(f'tr[id="{a["agency_id"]}"]')
        assert row.select_one("a")["href"] == f"../../agencies/{a['agency_id']}/"
        years = [int(x.get_text()) for x in row.select("td.years a")]
        assert years == sorted(v["year"] for v in vs if v["agency_id"] == a["agency_id"])


# --- coverage ----------------------------------------------------------------------------------------------

def expected_coverage(data: Path) -> dict[tuple[str, int], str]:
    """Status of every (agency, year) that data/ says anything about."""
    out = {}
    for p in read_csv(data / "agencies" / "publications.csv"):
        out[(p["agency_id"], int(p["year"]))] = {"published": "known"}.get(p["status"], p["status"])
    for d in (data / "drafts").iterdir():
        agency_id, year = d.name.rsplit("-", 1)
        out[(agency_id, int(year))] = "draft"
    for v in views(data):
        out[(v["agency_id"], v["year"])] = "curated"
    return out


def test_coverage_csv_and_page_agree_with_data(series):
    data, site = series
    expected = expected_coverage(data)
    agencies = {a["agency_id"] for a in read_csv(data / "agencies" / "agencies.csv")} | {a for a, _ in expected}
    years = range(min(y for _, y in expected), max(y for _, y in expected) + 1)
    rows = read_csv(site / "downloads" / "coverage.csv")
    assert len(rows) == len(agencies) * len(years)
    got = {(r["agency_id"], int(r["year"])): r for r in rows}
    assert set(got) == {(a, y) for a in agencies for y in years}
    for key, r in got.items():
        assert r["status"] == expected.get(key, "unknown"), key
        assert r["report_id"] == (f"{key[0]}-{key[1]}" if r["status"] == "curated" else "")
    assert {"curated", "draft", "known", "not-published", "unknown"} <= {r["status"] for r in rows}
    assert got[(HOSTILE, 2020)]["status"] == "draft"
    assert got[(HOSTILE, 2019)]["url"] == "https://example.org/2019/report.html"  # a javascript: URL never gets this far
    page = soup(site, "coverage/")
    for (agency_id, year), r in got.items():
        cell = page.select_one(f'tr[id="{agency_id}"] td[data-year="{year}"]')
        assert cell["data-status"] == r["status"], (agency_id, year)
        link = cell.select_one("a")
        assert (link["href"] if link else None) == (f"../reports/{r['report_id']}/" if r["report_id"] else None)
    counts = Counter(r["status"] for r in rows)
    for status, n in counts.items():
        assert page.select_one(f'ul.xxgk-coverage-legend .n[data-status="{status}"]').get_text() == str(n)
    excel = (site / "downloads" / "coverage.excel.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbf") and b"\r\n" in excel


def test_home_page_figures_equal_the_data(series):
    data, site = series
    vs = views(data)
    home = soup(site, "")
    figure = {li["data-figure"]: li.strong.get_text() for li in home.select("ul.xxgk-figures li")}
    years = {v["year"] for v in vs}
    assert figure["reports"] == str(len(vs))
    assert figure["agencies"] == str(len({v["agency_id"] for v in vs}))
    assert figure["regions"] == str(len({v["region_code"] for v in vs}))
    assert figure["years"] == str(len(years))
    assert f"{min(years)}–{max(years)}" in home.select_one('li[data-figure="years"]').get_text()
    counts = Counter(expected_coverage(data).values())
    for status in ("curated", "draft", "known", "not-published"):
        assert home.select_one(f'.xxgk-coverage-legend .n[data-status="{status}"]').get_text() == str(counts[status])
    per_agency = Counter(v["agency_id"] for v in vs)
    top = home.select("ol.xxgk-followed li")
    assert top[0]["data-agency"] == max(per_agency, key=lambda a: (per_agency[a], [-ord(c) for c in a]))
    assert [int(li.select_one(".n").get_text()) for li in top] == sorted(per_agency.values(), reverse=True)[:5]
    latest = [li["data-report"] for li in home.select("ul.xxgk-latest li")]
    assert latest[0] in {v["id"] for v in vs if v["year"] == max(years)}
    assert sorted(v["year"] for v in vs if v["id"] in latest) == sorted(v["year"] for v in vs)[-len(latest):]
    for href in ("regions/", "agencies/", "coverage/"):
        assert home.select_one(f'a[href="{href}"]') is not None
    assert len(home.select("table#reports tbody tr")) == len(vs)  # the full table stays, lower down


def test_a_register_url_that_is_not_http_stops_the_build(series, tmp_path):
    """Only http(s) reaches a page: the register is validated before anything is built."""
    from xxgk.validate import validate

    data = tmp_path / "data"
    shutil.copytree(series[0], data)
    pubs = read_csv(data / "agencies" / "publications.csv")
    pubs[-1]["url"] = "javascript:alert(1)"
    write_csv(data / "agencies" / "publications.csv", pubs)
    findings, _ = validate([str(data / "agencies")])
    assert [(f.code, f.field) for f in findings if f.severity == "error"] == [("constraint-error", "url")]
    assert build_site_fails(data, tmp_path / "out")


def build_site_fails(data: Path, out: Path) -> bool:
    from xxgk.site.parts import build_site as build_in_parts

    return build_in_parts(data_dir=data, target=out / "site", parts_dir=out / "parts") is None and not (out / "site").exists()


def test_hostile_register_text_is_shown_not_run(series):
    _, site = series
    for path in (f"agencies/{HOSTILE}/", "coverage/", "agencies/", "regions/110000/", f"agencies/{HRSS}/"):
        page = soup(site, path)
        assert not any("__pwned" in (s.string or "") for s in page.find_all("script")), path
        assert page.find("img", src="x") is None and page.find("a", href="http://example.com") is None, path
        assert page.find("a", href=re.compile("^javascript")) is None, path
    province = soup(site, "regions/110000/")
    assert province.h1.get_text() == "北京市# <em>省</em>" and province.select("article em") == []
    page = soup(site, f"agencies/{HOSTILE}/")
    assert page.h1.get_text() == HOSTILE_NAME and page.select("article em") == []
    assert "[链接](http://example.com) `代码` # 标题 <img src=x onerror=alert(1)>" in page.select_one("p.predecessor").get_text()
    successor = soup(site, f"agencies/{HRSS}/").select_one("p.successor a.succession")
    assert successor.get_text() == HOSTILE_NAME and not successor.find("strong")


# --- the chart on its own ----------------------------------------------------------------------------------

def test_series_chart_scale_and_states():
    assert [series_chart.nice_max(Decimal(x)) for x in ("0", "2", "3", "218", "3119", "10000")] == \
        [2, 2, 3, 250, 4000, 10000]
    P = series_chart.Point
    points = [P(2019, Decimal(5), "value"), P(2020, Decimal(7), "value"), P(2021, None, "not-covered", note="不详"),
              P(2022, Decimal(3), "value"), P(2023, None, "not-applicable")]
    svg = BeautifulSoup(series_chart.svg("c", "<b>标题</b>", points, {2019: "甲", 2022: "乙"}), "html.parser")
    assert len(svg.select("line.line")) == 1 and len(svg.select("rect.gap")) == 1 and len(svg.select("line.change")) == 1
    assert svg.find("title").get_text() == "<b>标题</b>" and svg.find("b") is None
    table = BeautifulSoup(series_chart.table("c", "t", points, {2019: "甲", 2022: "乙"}), "html.parser")
    assert [tr.get_text() for tr in table.select("tr.change")] == ["甲", "乙"]
    assert [td.get_text() for td in table.select("td.num")] == ["5", "7", "未收录（不详）", "3", "—"]
    assert "不适用" in str(table.select("td.num")[-1]) or "没有这一项" in str(table.select("td.num")[-1])
    axis = BeautifulSoup(series_chart.svg("d", "t", [P(2011, Decimal(0), "value"), P(2012, Decimal(21), "value")], {}),
                         "html.parser")
    assert [t.get_text() for t in axis.select("text.axis")][:2] == ["0", "25"]  # no 12.5 line for whole numbers
    empty = series_chart.figure("e", "t", [P(2019, None, "not-applicable")], {})
    assert "<svg" not in empty and "—" in empty
