"""Comparison as a tool: each report's value of every comparable figure, with the change against the same
agency's previous report; then what can be compared across the templates, figure by figure, and why."""

from __future__ import annotations

from collections import defaultdict

from ...model import Template, fmt
from .. import urls
from ..config import SiteConfig
from ..escape import text
from ..material import Page
from ..view import STATE_ZH, ReportView
from .common import badge, concept_state, stats_link, value_html
from .indexes import collection_page

COMPARABILITY_ZH = {"same": "口径相同", "similar": "大体可比（见说明）", "different": "口径不同，不宜直接比较", "none": "只有一种格式有"}
STATE_MARKS = ("corrected", "derived")


def value_td(doc: str, v: ReportView, concept: str, label: str) -> str:
    """A report's figure, linked to its cell on the report's statistics page, with its state mark."""
    value, state, cells = concept_state(v, concept)
    if value is None:
        shown = value_html(None, state)
        if state == "missing" and cells:
            shown += " " + stats_link(v, doc, cells[0], "查看")
    else:
        shown = stats_link(v, doc, cells[0], text(fmt(value)))
        if state in STATE_MARKS:
            shown += badge(state, STATE_ZH[state], f"state state-{state}")
    sort = text(fmt(value)) if value is not None else "-1"
    return f'<td class="num" data-label="{text(label)}" data-sort="{sort}">{shown}</td>'


def change_td(prev: ReportView, v: ReportView, concept: dict, label: str) -> str:
    """The change from the same agency's previous report: a number only between comparable cells."""
    a, a_state, _ = concept_state(prev, concept["concept"])
    b, b_state, _ = concept_state(v, concept["concept"])
    same_format = prev.t is not None and v.t is not None and prev.t.id == v.t.id
    note = ""
    if "not-applicable" in (a_state, b_state):
        shown = value_html(None, "not-applicable")
    elif not same_format and concept["comparability"] != "same":
        shown = '<span class="fmt-diff">格式不同，不计算</span>'
    elif a is None or b is None:
        shown = '<span class="missing">缺失，无法计算</span>'
    else:
        d = b - a
        shown = ("+" if d > 0 else "−" if d < 0 else "") + text(fmt(abs(d)))
        if a:
            shown += f'<small>（{"+" if d > 0 else "−" if d < 0 else ""}{abs(d) / a * 100:.0f}%）</small>'
        if not same_format:
            note = '<small class="fmt-diff">格式不同，口径相同</small>'
    return f'<td class="num change" data-label="{text(label)}">{shown}{note}</td>'


def values_table(doc: str, views: list[ReportView], crosswalk) -> str:
    """Figures as rows; each agency's reports by year as columns, each followed by its change."""
    by_agency = defaultdict(list)
    for v in views:
        by_agency[v.meta["agency_id"]].append(v)
    columns = []  # (kind, view, previous view, header html, plain label)
    for agency_id in sorted(by_agency):
        prev = None
        for v in sorted(by_agency[agency_id], key=lambda x: x.meta["year"]):
            name = f"{v.meta['agency']} {v.meta['year']}"
            columns.append(("value", v, None, f'<a href="{urls.rel(doc, v.doc())}">{text(v.meta["agency"])}</a><br>'
                                              f'{text(v.meta["year"])}', name))
            if prev is not None:
                label = f"{v.meta['agency']} {v.meta['year']} 较 {prev.meta['year']}"
                columns.append(("change", v, prev, f"变化<br><small>{text(prev.meta['year'])}→{text(v.meta['year'])}</small>", label))
            prev = v
    head = "".join(f'<th class="num" scope="col">{h}</th>' for _, _, _, h, _ in columns)
    rows = []
    for c in crosswalk.concepts:
        if c["comparability"] == "none":
            continue
        tds = "".join(value_td(doc, v, c["concept"], label) if kind == "value" else change_td(prev, v, c, label)
                      for kind, v, prev, _, label in columns)
        rows.append(f'<tr data-concept="{text(c["concept"])}"><th class="label" scope="row" data-label="指标">'
                    f'<a href="#{text(c["concept"])}">{text(c["label"])}</a></th>'
                    f'<td data-label="可比性">{text(COMPARABILITY_ZH[c["comparability"]])}</td>{tds}</tr>')
    return (f'<div class="xxgk-scroll"><table class="xxgk-stats xxgk-compare cards" id="values"><thead><tr>'
            f'<th scope="col">指标</th><th scope="col">可比性</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>\n\n')


def compare_page(views: list[ReportView], templates: dict[str, Template], crosswalk, config: SiteConfig) -> Page:
    doc = urls.COMPARE
    tids = list(templates)

    def cells_label(t: Template, cells) -> str:
        parts = []
        for table, row, col in cells:
            r, c = t.row(table, row), t.column(table, col)
            parts.append(text(r["label"]) + (f"（{text(c['label'])}）" if len(t.value_columns(table)) > 1 else ""))
        return " + ".join(parts) if parts else value_html(None, "not-applicable")

    head = "".join(f'<th scope="col">{text(templates[t].title)}</th>' for t in tids)
    rows = []
    for c in crosswalk.concepts:
        cols = "".join(f'<td data-label="{text(templates[t].title)}">{cells_label(templates[t], crosswalk.cells_for(c["concept"], t))}</td>'
                       for t in tids)
        rows.append(f'<tr id="{text(c["concept"])}"><th class="label" scope="row" data-label="指标"><strong>{text(c["label"])}</strong><br>'
                    f'<small>{text(c["label_en"])}</small></th>'
                    f'<td data-label="可比性">{text(COMPARABILITY_ZH[c["comparability"]])}</td>{cols}'
                    f'<td data-label="说明">{text(c["caveat"])}</td></tr>')
    legend = ("<p>每格是该报告统计表中对应单元格之和，点击数字跳到报告统计表的那一行。"
              f"{badge('derived', '推算', 'state state-derived')}：其中有按表内规则或正文推算的数；"
              f"{badge('missing', '缺失', 'missing')}：其中有读不出的单元格；"
              f"{badge('not-applicable', '—', 'na')}：该报告的格式没有这一项（不适用），不是 0。"
              "“变化”与同一机关的上一份报告相比；两份报告格式不同且口径不完全相同时不计算，只注明“格式不同”。</p>\n\n")
    values = values_table(doc, views, crosswalk) if views else "<p>还没有报告。</p>\n\n"
    body = ("# 跨格式比较\n\n"
            + "## 各报告的数值 { #report-values }\n\n" + legend + values
            + "## 逐项对应 { #crosswalk }\n\n"
            + "<p>2019 年起，政府信息公开年度报告改用新的全国统一格式（国办公开办函〔2019〕60号，2021 年修订）。"
            + "新旧格式的统计表不同：有的数字口径相同，有的大体可比，有的无法比较。下表逐项说明，"
            + "对应关系本身也是数据（<code>data/crosswalk/</code>），可下载、可纠错。</p>\n\n"
            + f'<div class="xxgk-scroll"><table class="xxgk-crosswalk cards"><thead><tr><th scope="col">指标</th><th scope="col">可比性</th>'
            + f'{head}<th scope="col">说明</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>\n')
    return collection_page(config, doc, "跨格式比较", body, "data/crosswalk/cells.csv", hide=["navigation"],
                           description="各报告可比指标的数值与变化，以及新旧统计表格式之间哪些数字可以比较。")
