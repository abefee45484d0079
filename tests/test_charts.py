"""Charts that say no more than the table: missing parts are gaps, unallocated remainders are shown,
derived and corrected bars are marked, one scale per page, absent rows are never drawn.

The built site (the `site` fixture) for the two real reports; views built in memory, with statistics
changed on purpose, for the other layouts and templates (Fujian's two columns, the 2019 trial layout).
"""

from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import site_data

SEED = "370000-hrss-2018"
HUAIAN = "320800-gov-2024"


def soup(site: Path, url_path: str) -> BeautifulSoup:
    return BeautifulSoup((site / url_path / "index.html").read_text(encoding="utf-8"), "html.parser")


def bars(figure) -> dict:
    """data-row -> (state, role, value text, width in % of the rect drawn, or None)"""
    out = {}
    for g in figure.select("svg g.row"):
        rect = g.select_one("rect.bar")
        width = float(rect["width"].rstrip("%")) if rect else None
        out[g.get("data-row") or g["data-role"]] = (g["data-state"], g["data-role"], g.select_one("text.value").get_text(), width)
    return out


# --- the real reports, as built -----------------------------------------------------------------------


def test_missing_channels_are_gaps_and_the_rest_is_unallocated(site):
    fig = soup(site, f"reports/{SEED}/stats-1/").select_one("#chart-proactive_channels")
    got = bars(fig)
    for key in ("channel_gazette", "channel_website"):  # missing in the data: no bar, a labelled gap
        state, _, value, width = got[key]
        assert (state, value, width) == ("missing", "缺失", None)
        assert fig.select_one(f'g[data-row="{key}"] rect') is None
        assert "缺失" in fig.select_one(f'g[data-row="{key}"] text.gap').get_text()
    assert got["proactive_items"][:3] == ("printed", "total", "5560")
    unallocated = got["unallocated"]
    assert unallocated[2] == "4232"  # 5560 − 330 − 998 − 0
    assert unallocated[3] > 4 * got["channel_wechat"][3]  # 微信 (998) does not look like the biggest channel
    desc = fig.select_one("svg desc").get_text()
    assert "政府网站公开政府信息数：缺失" in desc and "未分配（总数减已知各项）：4232条" in desc
    assert {s["class"][1] for s in fig.select("ul.xxgk-legend .swatch")} >= {"swatch-missing", "swatch-unallocated"}


def test_refusal_reasons_show_the_twelve_unallocated(site):
    fig = soup(site, f"reports/{SEED}/stats-3/").select_one("#chart-answer_refused")
    got = bars(fig)
    assert [k for k, b in got.items() if b[0] == "missing"] == ["refused_state_secret", "refused_privacy", "refused_security"]
    assert got["unallocated"][2] == "12" and got["answer_refused"][2] == "28"
    assert got["refused_not_gov_info"][3] == pytest.approx(16 / 28 * got["answer_refused"][3])


def test_derived_bars_are_marked_and_said(site):
    page = soup(site, f"reports/{SEED}/stats-3/")
    fig = page.select_one("#chart-requests_received")
    letter = fig.select_one('g[data-row="received_letter"]')
    assert letter["data-state"] == "derived"
    assert "bar-derived" in letter.select_one("rect.bar")["class"]
    assert letter.select_one("rect.bar-mark")["fill"].endswith("-derived)")
    assert fig.select_one('g[data-row="received_in_person"] rect.bar')["class"] == ["bar", "bar-printed"]
    assert "信函申请数：15件（推算）" in fig.select_one("svg desc").get_text()
    assert fig.select_one("ul.xxgk-legend .swatch-derived") is not None
    row = next(tr for tr in fig.select("table.xxgk-chart-data tbody tr") if "信函申请数" in tr.get_text())
    assert row.select("td")[-1].get_text() == "推算"


def test_one_scale_per_page(site):
    """Every bar of one unit on a page has the same length per unit of value: 32 is a quarter of 128."""
    for report, section in [(SEED, 3), (HUAIAN, 3), (SEED, 1)]:
        page = soup(site, f"reports/{report}/stats-{section}/")
        drawn = []  # (value, width in %)
        for g in page.select("figure.xxgk-chart-bars g.row"):
            rect = g.select_one("rect.bar")
            value = g.select_one("text.value").get_text()
            if rect is not None and value not in ("0", "缺失"):
                drawn.append((float(value), float(rect["width"].rstrip("%"))))
        assert len(drawn) >= 3
        peak = max(drawn)
        for value, width in drawn:
            assert width == pytest.approx(value / peak[0] * peak[1], abs=0.001), (report, section, value)
    answered = bars(soup(site, f"reports/{SEED}/stats-3/").select_one("#chart-requests_answered"))
    assert answered["answer_already_public"][3] == pytest.approx(32 / 128 * 100, abs=0.01)


def test_matrix_has_one_chart_by_applicant_type(site):
    page = soup(site, f"reports/{HUAIAN}/stats-3/")
    stacked = page.select("figure.xxgk-chart-stacked")
    assert len(stacked) == 1 and stacked[0]["id"] == "chart-results-by-applicants"
    columns = [g["data-column"] for g in stacked[0].select("svg g.row")]
    assert columns == ["total", "natural", "commercial", "research", "social", "legal_services", "other"]
    assert len(page.select("figure.xxgk-chart")) <= 6  # was 24 charts, one per column and group
    widths = {}
    for g in stacked[0].select("svg g.row"):
        widths[g["data-column"]] = sum(float(r["width"].rstrip("%")) for r in g.select("rect.seg"))
    assert widths["total"] == pytest.approx(100, abs=0.01)
    assert widths["natural"] == pytest.approx(2932 / 3050 * 100, abs=0.01)
    assert widths["other"] == pytest.approx(4 / 3050 * 100, abs=0.01)  # a "1" no longer fills a bar
    assert "自然人：予以公开 1288件" in stacked[0].select_one("svg desc").get_text()
    refused = bars(page.select_one("#chart-refused"))  # the same scale as the chart by applicant type
    assert refused["refused_query"][3] == pytest.approx(105 / 3050 * 100, abs=0.001)


def test_absent_row_is_not_drawn(site):
    """（六）其他处理 is printed as its three rows in 2024: the chart draws those, never the absent row."""
    page = soup(site, f"reports/{HUAIAN}/stats-3/")
    drawn = {g.get("data-row") for g in page.select("figure.xxgk-chart-bars g.row")}
    assert "other" not in drawn
    assert {"other_no_amendment", "other_no_fee", "other_other"} <= drawn


def test_charts_have_no_viewbox(site):
    """A viewBox scales the text with the chart: 13 px labels become 7 px on a phone."""
    for report, section in [(SEED, 1), (SEED, 3), (HUAIAN, 3)]:
        svgs = soup(site, f"reports/{report}/stats-{section}/").select("figure.xxgk-chart svg")
        assert svgs and all(not s.has_attr("viewBox") and not s.has_attr("viewbox") for s in svgs)


def test_statistics_tables_become_cards(site):
    page = soup(site, f"reports/{HUAIAN}/stats-3/")
    table = page.select_one('table[data-table="requests"]')
    assert "cards" in table["class"]
    tr = table.select_one("#row-new")
    assert [td["data-label"] for td in tr.select("td.num")] == [
        "自然人", "法人或其他组织：商业企业", "法人或其他组织：科研机构", "法人或其他组织：社会公益组织",
        "法人或其他组织：法律服务机构", "法人或其他组织：其他", "总计"]
    assert tr.select_one("th.label")["data-label"] == "指标" and tr.select_one("td.src")["data-label"] == "说明与原文"
    for path in [f"reports/{SEED}/corrections/", "codebook/national-2021/"]:
        for t in soup(site, path).select("article table"):
            assert "cards" in t["class"], path
            assert all(c.has_attr("data-label") for c in t.select("tbody td")), path


# --- other layouts and templates, in memory -----------------------------------------------------------


def _view(report_id: str, template_id: str | None = None, stats: list[dict] | None = None, template=None):
    from xxgk import model
    from xxgk.site.config import site_config
    from xxgk.site.view import ReportView

    data = site_data()
    report = model.load_report(data / "reports" / report_id)
    if stats is not None:
        report.statistics = stats
    template = template or model.load_template(data / "templates" / (template_id or report.meta["template"]))
    return ReportView(report, template, [], site_config())


def _cell(table, row, column, value, state="printed"):
    return {"table": table, "row": row, "column": column, "value": None if value is None else Decimal(str(value)),
            "state": state, "source_line": None, "locator": None, "source_value": None, "note": None, "_line": 0}


def _stats(report_id: str) -> list[dict]:
    from xxgk import model

    return [dict(r) for r in model.load_report(site_data() / "reports" / report_id).statistics]


def _charts(v, section: int) -> BeautifulSoup:
    from xxgk.site.pages.statistics import charts_for

    return BeautifulSoup(charts_for(v, next(s for s in v.sections if s["n"] == section)), "html.parser")


def _set(stats, row, column, value, state="printed"):
    for r in stats:
        if (r["row"], r["column"]) == (row, column):
            r["value"] = None if value is None else Decimal(str(value))
            r["state"] = state
            return
    raise KeyError((row, column))


def test_fujian_two_columns_chart_the_year():
    """Fujian's table: 本年度 and 历年累计; charts draw the year's column, on the rows this layout prints."""
    year = {"proactive": 120, "proactive_website": 100, "proactive_gazette": None, "requests_received": 8,
            "received_in_person": 2, "received_online": 5, "received_fax_letter": 1, "received_other": 0,
            "replies": 8, "reply_disclosed": 6, "reply_partly": 1, "reply_refused": 0, "reply_other": 1}
    absent = {"received_email", "received_fax", "received_letter"}  # not printed in this year's layout
    stats = []
    for key, value in year.items():
        state = "missing" if value is None else "printed"
        stats += [_cell("stats", key, "year", value, state), _cell("stats", key, "cumulative", None if value is None else value * 10, state)]
    for key in absent:
        stats += [_cell("stats", key, "year", None, "absent"), _cell("stats", key, "cumulative", None, "absent")]
    v = _view(SEED, "fujian-pre-2019", stats)
    received = _charts(v, 3).select_one("#chart-requests_received")
    assert "本年度" in received.figcaption.get_text()
    got = bars(received)
    assert list(got) == ["requests_received", "received_in_person", "received_online", "received_fax_letter", "received_other"]
    assert [b[2] for b in got.values()] == ["8", "2", "5", "1", "0"]  # the year, not the running total
    assert _charts(v, 3).select_one("#chart-received_fax_letter") is None  # its rows are not printed
    proactive = bars(_charts(v, 2).select_one("#chart-proactive"))
    assert proactive["proactive_gazette"][0] == "missing" and proactive["unallocated"][2] == "20"


def test_absent_or_unlisted_rows_are_never_drawn_as_zero():
    stats = _stats(SEED)
    _set(stats, "channel_other", "value", None, "absent")
    stats = [r for r in stats if r["row"] != "channel_weibo"]  # a figure this report does not have at all
    fig = _charts(_view(SEED, stats=stats), 1).select_one("#chart-proactive_channels")
    drawn = set(bars(fig))
    assert "channel_other" not in drawn and "channel_weibo" not in drawn
    assert "其他方式" not in fig.get_text() and "政务微博" not in fig.svg.get_text()


def test_trial_layout_and_2019_template_draw_other_handling_as_one_row():
    """The 2019 trial layout prints （六）其他处理 as one row: that row is the category, its sub-rows are not drawn."""
    stats = _stats(HUAIAN)
    subrows = {"other_no_amendment", "other_no_fee", "other_other"}
    for col in ("natural", "commercial", "research", "social", "legal_services", "other", "total"):
        total = sum((r["value"] for r in stats if r["row"] in subrows and r["column"] == col), Decimal(0))
        _set(stats, "other", col, total)
        for key in subrows:
            _set(stats, key, col, None, "absent")
    for template in ("national-2021", "national-2019"):
        page = _charts(_view(HUAIAN, template, [r for r in stats if template == "national-2021" or r["row"] not in subrows]), 3)
        stacked = page.select_one("#chart-results-by-applicants")
        assert stacked is not None, template
        assert "其他处理 187件" in stacked.select_one("svg desc").get_text()
        assert page.select_one("#chart-other") is None
        assert not subrows & {g.get("data-row") for g in page.select("g.row")}


def test_matrix_missing_cell_leaves_an_unallocated_segment_and_derived_is_marked():
    stats = _stats(HUAIAN)
    _set(stats, "disclosed", "natural", None, "missing")
    _set(stats, "partly", "commercial", 7, "derived")
    fig = _charts(_view(HUAIAN, stats=stats), 3).select_one("#chart-results-by-applicants")
    natural = fig.select_one('g[data-column="natural"]')
    assert "seg-0" not in " ".join(" ".join(r["class"]) for r in natural.select("rect"))  # 予以公开: not drawn
    unallocated = natural.select_one("rect.bar-unallocated")
    assert float(unallocated["width"].rstrip("%")) == pytest.approx(1288 / 3050 * 100, abs=0.01)
    desc = fig.select_one("svg desc").get_text()
    assert "自然人：予以公开：缺失" in desc and "未分配（总数减已知各项） 1288件" in desc
    assert "部分公开 7件（推算）" in desc
    assert fig.select_one('g[data-column="commercial"] rect.mark-derived') is not None
    assert fig.select_one("ul.xxgk-legend .swatch-derived") is not None


def test_labels_from_data_are_escaped():
    from xxgk import model

    template = model.load_template(site_data() / "templates" / "national-2014")
    for r in template.rows:
        if r["key"] == "channel_weibo":
            r["label"] = '<img src=x onerror="alert(1)">微博'
        if r["key"] == "proactive_channels":
            r["label"] = "</title><script>alert(1)</script>"
    html = _charts(_view(SEED, template=template), 1)
    assert html.find("img") is None and html.find("script") is None
    assert '<img src=x onerror="alert(1)">微博' in html.select_one("svg desc").get_text()
