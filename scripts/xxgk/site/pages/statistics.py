"""One page per section of a report's statistics tables: the table, notes, source links and charts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ...rules import expand
from ..charts import UNALLOCATED, Bar, Chart, Segment, StackedChart, StackRow, render, short_label
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
            unit = f"（{c['unit']}）" if c.get("unit") else ""  # a column that counts in its own unit
            rows[level].append(f'<th class="num" rowspan="{levels - level}" scope="col" id="col-{text(table)}-{text(c["key"])}">'
                               f'{text(c["label"] + unit)}</th>')

    for c in tops:
        place(c, 0)
    first = f'<th rowspan="{levels}" scope="col">指标</th><th rowspan="{levels}" scope="col">单位</th>'
    last = f'<th rowspan="{levels}" scope="col">说明与原文</th>'
    rows[0] = [first] + rows[0] + [last]
    return "".join(f"<tr>{''.join(r)}</tr>" for r in rows)


def column_label(v: ReportView, table: str, col: dict) -> str:
    """A value column's label, with its group when the group is not the table's top one (法人或其他组织：其他)."""
    parent = v.t.column(table, col["parent"]) if col["parent"] else None
    if parent is not None and parent["parent"]:
        return f"{parent['label']}：{col['label']}"
    return col["label"]


def _labelled(cell: str, label: str) -> str:
    """A cell written by pages.common, with the column label the phone's cards show (tables.css)."""
    return cell.replace("<td", f'<td data-label="{text(label)}"', 1)


def stats_table(v: ReportView, section: dict, table_def: dict, trows: list[dict]) -> str:
    table = table_def["key"]
    cols = v.t.value_columns(table)
    labels = [column_label(v, table, c) + (f"（{c['unit']}）" if c.get("unit") else "") for c in cols]
    page = section["page"]
    matrix = " matrix" if len(cols) > 1 else ""
    body = []
    for r in trows:
        cls = f'lvl-{r["level"]} {"heading" if r["kind"] == "heading" else "item"}'
        label = f'<th class="label" scope="row" data-label="指标">{text(r["label"])}</th>'
        if r["kind"] == "heading":
            body.append(f'<tr id="row-{text(r["key"])}" class="{cls}">{label}<td></td>' + "<td></td>" * len(cols) + "<td></td></tr>")
            continue
        rows = [v.stats.get((table, r["key"], c["key"])) for c in cols]
        if all(x is not None and x["state"] == "absent" for x in rows):
            cls += " absent"
        note = note_cell(v, page, rows, v.config.report_url(v.id, f"统计表{section['title']}", r["key"]), cols)
        unit = "、".join(dict.fromkeys(u for u in (v.t.unit(table, r["key"], c["key"]) for c in cols) if u))
        body.append(f'<tr id="row-{text(r["key"])}" class="{cls}">{label}<td class="unit" data-label="单位">{text(unit)}</td>'
                    + "".join(_labelled(value_cell(x), lab) for x, lab in zip(rows, labels))
                    + _labelled(note, "说明与原文") + "</tr>")
    caption = f"<caption>{text(table_def['label'])}</caption>" if len(section["tables"]) > 1 or matrix else ""
    return (f'<div class="xxgk-scroll"><table class="xxgk-stats cards{matrix}" data-table="{text(table)}">{caption}'
            f'<thead>{header_rows(v, table)}</thead><tbody>{"".join(body)}</tbody></table></div>\n\n')


# --- Charts: what to draw is chosen here, from the template's rows and rules; charts.py draws it.

DRAWN = ("printed", "corrected", "derived", "missing")  # absent rows (未列出), and anything else, are never drawn


def _cell(v: ReportView, table: str, row: str, col: str) -> dict | None:
    """A cell a chart may draw, or None when the report does not print it."""
    x = v.stats.get((table, row, col))
    return x if x is not None and x["state"] in DRAWN else None


def _children(trows: list[dict]) -> dict:
    kids_of = defaultdict(list)
    for r in trows:
        kids_of[r["parent"] or ""].append(r)
    return kids_of


def _column_rule(v: ReportView, table: str) -> dict | None:
    """The rule "each row: total column = sum of the other columns" (a matrix by applicant type)."""
    for rule in v.t.rules:
        if (rule["table"] == table and rule["for_each"] == "row" and rule["kind"] == "equal"
                and len(rule["total"].split()) == 1 and v.t.column(table, rule["total"]) is not None):
            return rule
    return None


def _total_of(v: ReportView, table: str, col: str, kids: list[str], kids_of: dict):
    """The rule that makes these rows the parts of one total row in this column: (rule, total row key).
    A part the report does not print may be stood in for by its printed rows (信函、传真 by 信函 and 传真)."""
    def below(key):
        return {k["key"] for k in kids_of[key]} | {d for k in kids_of[key] for d in below(k["key"])}

    kids = set(kids)
    for rule in v.t.rules:
        if rule["table"] != table or rule["kind"] not in ("equal", "at_most", "at_least") or rule["for_each"] == "row":
            continue
        for _, total, parts in expand(v.t, rule):
            if len(total) != 1 or total[0][2] != col or any(p[2] != col for p in parts):
                continue
            covered = set()
            for p in {p[1] for p in parts}:
                if p in kids:
                    covered.add(p)
                elif _cell(v, table, p, col) is not None:
                    break  # a printed part the chart does not show
                else:
                    covered |= below(p) & kids
            else:
                if covered == kids:
                    return rule, total[0][1]
    return None


def _unallocated_note(rule: dict, any_missing: bool) -> str:
    kind = rule["kind"]
    if kind == "equal":
        said = "缺失的各项合计应为此数" if any_missing else "各项之和小于总数（原文如此）"
    elif kind == "at_most":
        said = "缺失的各项合计不少于此数" if any_missing else "各项之和小于总数，与规则不符（原文如此）"
    else:
        said = "为缺失的各项与表中未分项部分之和" if any_missing else "为表中未分项的部分"
    return f"{said}（规则 {rule['id']}：{rule['label']}）"


def _bar(v: ReportView, table: str, row: dict, col: str, role: str = "part") -> Bar:
    x = _cell(v, table, row["key"], col)
    return Bar(row["label"], x["value"], x["state"], role, row["key"])


def _breakdowns(v: ReportView, table: str, trows: list[dict], col: dict, titled_col: bool) -> list[Chart]:
    """A chart for every row (or heading) whose printed child rows are items of one unit: the parts, the
    total they make up when a rule says so, and what that total leaves unallocated."""
    kids_of = _children(trows)

    def shown(r):
        if r["kind"] == "heading":
            return any(shown(k) for k in kids_of[r["key"]])
        return _cell(v, table, r["key"], col["key"]) is not None

    def parts(r):
        """A row as the parts of a chart: itself when printed, else its printed rows (a group printed as its parts)."""
        if r["kind"] == "item" and _cell(v, table, r["key"], col["key"]) is not None:
            return [r]
        return [p for k in kids_of[r["key"]] for p in parts(k)] if r["kind"] == "item" else [r] if shown(r) else []

    out, drawn = [], set()
    for parent in trows:
        kids = [p for k in kids_of[parent["key"]] for p in parts(k)]
        units = {v.t.unit(table, k["key"], col["key"]) for k in kids}
        if len(kids) < 2 or any(k["kind"] != "item" for k in kids) or len(units) != 1:
            continue
        if parent["kind"] == "heading" and any(shown(g) for k in kids for g in kids_of[k["key"]]):
            continue  # a heading over totals with breakdowns of their own: each of those gets its chart
        if _cell(v, table, parent["key"], col["key"]) is None and {k["key"] for k in kids} <= drawn:
            continue  # a group printed as its parts, already drawn in the chart above it
        drawn |= {k["key"] for k in kids}
        unit = units.pop()
        bars = [_bar(v, table, k, col["key"]) for k in kids]
        found = _total_of(v, table, col["key"], [k["key"] for k in kids], kids_of)
        if found:
            rule, total_key = found
            total_row = v.t.row(table, total_key)
            if _cell(v, table, total_key, col["key"]) is not None and v.t.unit(table, total_key, col["key"]) == unit:
                total = _bar(v, table, total_row, col["key"], "total")
                known = sum((b.value for b in bars if b.value is not None), Decimal(0))
                missing = any(b.value is None for b in bars)
                bars.insert(0, total)
                if total.value is not None and total.value - known > 0:
                    bars.append(Bar(UNALLOCATED, total.value - known, "printed", "unallocated", "",
                                    _unallocated_note(rule, missing)))
        title = f"{parent['label']}：{column_label(v, table, col)}（{unit}）" if titled_col else f"{parent['label']}（{unit}）"
        out.append(Chart(f"chart-{parent['key']}", title, unit, bars))
    return out


def _group_segment(v: ReportView, table: str, row: dict, col: str, kids_of: dict) -> Segment | None:
    """A category's value in one column: its own cell when printed, else the sum of its printed rows
    (missing when one of them is); None when the report prints none of it."""
    x = _cell(v, table, row["key"], col) if row["kind"] == "item" else None
    if x is not None:
        return Segment(x["value"], x["state"])
    got = [s for s in (_group_segment(v, table, k, col, kids_of) for k in kids_of[row["key"]]) if s is not None]
    if not got:
        return None
    if any(s.value is None for s in got):
        return Segment(None, "missing")
    states = {s.state for s in got}
    state = next((s for s in ("corrected", "derived") if s in states), "printed")
    return Segment(sum((s.value for s in got), Decimal(0)), state)


def _matrix(v: ReportView, table: str, trows: list[dict], col_rule: dict) -> list[StackedChart]:
    """One chart by applicant type: a bar per column (总计 first), split into the categories that a column
    rule adds up to a total row ((七)总计 = (一)…(六)); that total row gives each bar's length."""
    kids_of = _children(trows)
    keys = {r["key"] for r in trows}
    out = []
    for rule in v.t.rules:
        totals = rule["total"].split()
        if (rule["table"] != table or rule["kind"] != "equal" or rule["for_each"] != "column" or len(totals) != 1
                or totals[0] not in keys):
            continue
        total_row = v.t.row(table, totals[0])
        heading = total_row["parent"]
        cats = [r for r in kids_of[heading] if r["key"] != total_row["key"]] if heading else []
        category_of = {}
        for c in cats:
            stack = [c]
            while stack:
                r = stack.pop()
                category_of[r["key"]] = c["key"]
                stack += kids_of[r["key"]]
        if len(cats) < 2 or any(p not in category_of for p in rule["parts"].split()):
            continue
        units = {v.t.unit(table, r["key"], c) for r in trows if r["key"] in category_of and r["kind"] == "item"
                 for c in [col_rule["total"]] + col_rule["parts"].split()}
        if len(units) != 1:
            continue
        rows = []
        for c in [col_rule["total"]] + col_rule["parts"].split():
            segments = [_group_segment(v, table, cat, c, kids_of) for cat in cats]
            t = _cell(v, table, total_row["key"], c)
            if t is None and all(s is None for s in segments):
                continue  # the report prints nothing in this column
            label = column_label(v, table, v.t.column(table, c))
            rows.append(StackRow(label, t["value"] if t else None, t["state"] if t else "absent", segments, c))
        shown = [i for i in range(len(cats)) if any(r.segments[i] is not None for r in rows)]
        for r in rows:
            r.segments = [r.segments[i] for i in shown]
        values = [s.value for r in rows for s in r.segments if s is not None]
        if not rows or (None not in values and not any(values)):
            continue  # nothing but zeros: the table says it
        group = v.t.column(table, col_rule["total"])["parent"]
        group_label = v.t.column(table, group)["label"] if group else "列"
        out.append(StackedChart(f"chart-{heading}-by-{group or 'column'}",
                                f"{v.t.row(table, heading)['label']}：按{group_label}（{next(iter(units))}）",
                                next(iter(units)), [short_label(cats[i]["label"]) for i in shown], rows, group_label,
                                "每一类为其下各行之和。"))
    return out


def charts_for(v: ReportView, section: dict) -> str:
    """The section's charts on one scale per unit: every breakdown in the table's main column (the only
    one, the 总计 column of a matrix, or else the first, e.g. Fujian's 本年度) and, for a matrix by
    applicant type, one chart of its outcomes by applicant type."""
    charts = []
    for table_def, trows in section["tables"]:
        table = table_def["key"]
        cols = v.t.value_columns(table)
        col_rule = _column_rule(v, table)
        col = v.t.column(table, col_rule["total"]) if col_rule else cols[0]
        if col_rule:
            charts += _matrix(v, table, trows, col_rule)
        charts += _breakdowns(v, table, trows, col, len(cols) > 1)
    seen = set()
    for c in charts:  # ids are unique on the page
        if c.id in seen:
            c.id = f"{c.id}-{len(seen)}"
        seen.add(c.id)
    return render(charts)


def stats_pages(v: ReportView) -> list[Page]:
    out = []
    for s in v.sections:
        page = s["page"]
        units = sorted({u for t, rows in s["tables"] for r in rows for c in v.t.value_columns(t["key"])
                        if (u := v.t.unit(t["key"], r["key"], c["key"]))})
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
