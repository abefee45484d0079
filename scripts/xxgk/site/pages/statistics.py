"""One page per section of a report's statistics tables: the table, notes, source links and charts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ...rules import ABSENT
from ..charts import bar_chart
from ..escape import text
from ..material import NO_INDEX, Page
from ..view import ReportView
from .common import local_nav, note_cell, report_page, value_cell


def header_rows(v: ReportView, table: str) -> str:
    """Header rows of a table: grouped column headers (colspan) over the value columns."""
    cols = [c for c in v.t.columns if c["table"] == table]
    by_parent = defaultdict(list)
    for c in sorted(cols, key=lambda c: c["order"]):
        by_parent[c["parent"] or ""].append(c)

    def depth(c):
        kids = by_parent.get(c["key"], [])
        return 1 + (max(map(depth, kids)) if kids else 0)

    def leaves(c):
        kids = by_parent.get(c["key"], [])
        return sum(map(leaves, kids)) if kids else 1

    tops = by_parent[""]
    levels = max(map(depth, tops))
    rows = [[] for _ in range(levels)]

    def place(c, level):
        kids = by_parent.get(c["key"], [])
        if kids:
            rows[level].append(f'<th class="num group" colspan="{leaves(c)}" scope="colgroup">{text(c["label"])}</th>')
            for k in kids:
                place(k, level + 1)
        else:
            rows[level].append(f'<th class="num" rowspan="{levels - level}" scope="col" id="col-{text(table)}-{text(c["key"])}">'
                               f'{text(c["label"])}</th>')

    for c in tops:
        place(c, 0)
    first = f'<th rowspan="{levels}" scope="col">指标</th><th rowspan="{levels}" scope="col">单位</th>'
    last = f'<th rowspan="{levels}" scope="col">说明与原文</th>'
    rows[0] = [first] + rows[0] + [last]
    return "".join(f"<tr>{''.join(r)}</tr>" for r in rows)


def stats_table(v: ReportView, section: dict, table_def: dict, trows: list[dict]) -> str:
    table = table_def["key"]
    cols = v.t.value_columns(table)
    page = section["page"]
    matrix = " matrix" if len(cols) > 1 else ""
    body = []
    for r in trows:
        cls = f'lvl-{r["level"]} {"heading" if r["kind"] == "heading" else "item"}'
        label = f'<th class="label" scope="row">{text(r["label"])}</th>'
        if r["kind"] == "heading":
            body.append(f'<tr id="row-{text(r["key"])}" class="{cls}">{label}<td></td>' + "<td></td>" * len(cols) + "<td></td></tr>")
            continue
        rows = [v.stats.get((table, r["key"], c["key"])) for c in cols]
        if all(x is not None and x["state"] == "absent" for x in rows):
            cls += " absent"
        body.append(f'<tr id="row-{text(r["key"])}" class="{cls}">{label}<td class="unit">{text(r["unit"])}</td>'
                    + "".join(value_cell(x) for x in rows)
                    + note_cell(v, page, rows, v.config.report_url(v.id, f"统计表{section['title']}", r["key"]), cols) + "</tr>")
    caption = f"<caption>{text(table_def['label'])}</caption>" if len(section["tables"]) > 1 or matrix else ""
    return (f'<div class="xxgk-scroll"><table class="xxgk-stats{matrix}" data-table="{text(table)}">{caption}'
            f'<thead>{header_rows(v, table)}</thead><tbody>{"".join(body)}</tbody></table></div>\n\n')


def _figure(chart_id: str, title: str, unit: str, items: list) -> str:
    rows = "".join(f'<tr><td>{text(lbl)}</td><td class="num">{text(val) if val is not None else "缺失"}</td></tr>'
                   for lbl, val in items)
    return (f'<figure class="xxgk-chart" id="{text(chart_id)}" {NO_INDEX}>{bar_chart(chart_id, title, unit, items)}'
            f'<figcaption>图：{text(title)}。虚线框表示缺失值。</figcaption>'
            f'<details class="note"><summary>图表数据</summary><table><thead><tr><th>项目</th><th>{text(unit)}</th></tr></thead>'
            f'<tbody>{rows}</tbody></table></details></figure>\n\n')


def charts_for(v: ReportView, section: dict) -> str:
    """Bar charts of every breakdown: a row's item children sharing one unit, in the total column;
    and, for a matrix, each applicant type's outcomes."""
    out = []
    totals = {ref for rule in v.t.rules for ref in rule["total"].split()}

    def val(c):
        x = v.numbers.get(c, ABSENT)
        return None if x is ABSENT else x

    for table_def, trows in section["tables"]:
        table = table_def["key"]
        cols = v.t.value_columns(table)
        col = cols[-1]["key"]  # the total column of a matrix, the only column otherwise
        printed = [r for r in trows if r["kind"] == "heading"
                   or v.numbers.get((table, r["key"], col), ABSENT) is not ABSENT]
        for parent in printed:
            kids = [r for r in printed if r["parent"] == parent["key"]]
            items_ = [k for k in kids if k["kind"] == "item"]
            if len(items_) >= 2 and len({k["unit"] for k in items_}) == 1 and len(items_) == len(kids) and not (
                    parent["kind"] == "heading" and any(r["parent"] == k["key"] for k in items_ for r in printed)):
                unit = items_[0]["unit"]
                items = [(k["label"], val((table, k["key"], col))) for k in items_]
                out.append(_figure(f"chart-{parent['key']}", f"{parent['label']}（{unit}）", unit, items))
            if len(cols) > 1 and parent["kind"] == "heading" and len(kids) >= 2:
                cats = [k for k in kids if k["key"] not in totals]
                units = {r["unit"] for r in printed if r["kind"] == "item" and (r in cats or r["parent"] in {c["key"] for c in cats})}
                if len(units) != 1:
                    continue
                unit = units.pop()
                for c in cols:
                    items = []
                    for k in cats:
                        leaves_ = [k] if k["kind"] == "item" else [r for r in printed if r["parent"] == k["key"]]
                        vals = [val((table, x["key"], c["key"])) for x in leaves_]
                        items.append((k["label"], None if None in vals else sum(vals, Decimal(0))))
                    if all(x in (None, 0) for _, x in items):
                        continue
                    out.append(_figure(f"chart-{parent['key']}-{c['key']}", f"{parent['label']}：{c['label']}（{unit}）", unit, items))
    return "".join(out)


def stats_pages(v: ReportView) -> list[Page]:
    out = []
    for s in v.sections:
        page = s["page"]
        units = sorted({r["unit"] for _, rows in s["tables"] for r in rows if r["unit"]})
        body = (f"# {text(s['title'])}\n\n"
                + f'<p class="xxgk-sub" {NO_INDEX}>{text(v.r.title)} · 统计表</p>\n\n' + local_nav(v, page)
                + f'<p {NO_INDEX}>“缺失”表示原文此格为空或无法辨认，不等于 0；“未列出”表示本报告的表格没有这一行。'
                + '<span class="state state-derived">推算</span>：按表内规则或正文得出；'
                + '<span class="state state-corrected">校正</span>：原文字符误识后更正。点“说明”看依据。</p>\n\n'
                + f'<div {NO_INDEX}>\n' + "".join(stats_table(v, s, t, rows) for t, rows in s["tables"]) + "</div>\n\n"
                + charts_for(v, s)
                + (f"<p>单位：{text('、'.join(units))}。</p>\n\n" if units else ""))
        # Out of the search index (numbers and repeated labels): prose, titles and agencies stay searchable.
        out.append(report_page(v, page, f"{s['title']}｜{v.r.title}", body, "statistics", f"统计表{s['title']}",
                               hide=["navigation", "toc"], searchable=False))
    return out
