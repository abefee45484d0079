"""Pieces shared by the pages of one report: its local navigation, source links, paragraphs, values."""

from __future__ import annotations

import re

from ...model import fmt, parse_cell_ref
from .. import urls
from ..escape import text, url
from ..material import NO_INDEX, Page
from ..view import NOT_APPLICABLE, NOT_APPLICABLE_NOTE, STATE_ZH, ReportView

# A sub-section heading printed at the start of its paragraph: （一）主动公开情况。
LEAD_IN = re.compile(r"^（[一二三四五六七八九十]+）[^。（]{1,30}。")


def report_page(v: ReportView, page: str, title: str, body: str, data_resource: str, issue_page: str,
                description: str = "", **extra) -> Page:
    """A page of one report, with its edit and report links."""
    return Page(path=v.doc(page), title=title, body=body, description=description or f"{v.r.title}：{issue_page}",
                edit_url=v.config.edit_url(v.data_path(data_resource)),
                report_url=v.config.report_url(v.id, issue_page), mail_url=v.config.mail_url(v.id, issue_page), **extra)


def local_nav(v: ReportView, current: str) -> str:
    def link(name, label):
        cur = ' aria-current="page"' if name == current else ""
        return f'<a href="{urls.rel(v.doc(current), v.doc(name))}"{cur}>{label}</a>'

    parts = [f'<nav class="xxgk-local" aria-label="本报告的页面" {NO_INDEX}>', link("index", "报告概览")]
    if v.prose_sections:
        parts += ["<br>", '<span class="group">正文</span>']
        parts += [link(f"text-{p['section']}", text(p["text"])) for p in v.prose_sections]
    if v.sections:
        parts += ["<br>", '<span class="group">统计表</span>']
        parts += [link(s["page"], text(s["title"])) for s in v.sections]
    parts += ["<br>", link("corrections", "勘误记录"), " · ", link("source", "原始文件（带行号）"), "</nav>"]
    return " ".join(parts) + "\n\n"


def source_link(v: ReportView, from_page: str, line: int | None, label: str | None = None) -> str:
    """A link to a line of the source page (the page says so when the source is not in the cache)."""
    if not line:
        return ""
    return f'<a href="{urls.rel(v.doc(from_page), v.doc("source"), f"L{line}")}">{text(label or f"原文第 {line} 行")}</a>'


def value_html(value, state: str) -> str:
    """A value with its state badge: 缺失, 未列出 and 不适用 are words, never a number or an empty cell."""
    if state == "not-applicable":
        return f'<span class="na" title="{NOT_APPLICABLE_NOTE}">—<span class="sr-only">{NOT_APPLICABLE}</span></span>'
    if state == "absent":
        return '<span class="absent" title="本报告的统计表没有印这一行">未列出</span>'
    if value is None:
        return '<span class="missing">缺失</span>'
    mark = f'<span class="state state-{state}">{STATE_ZH[state]}</span>' if state in ("corrected", "derived") else ""
    return f"{text(fmt(value))}{mark}"


def prose_html(v: ReportView, page: str, p: dict) -> str:
    """A paragraph, with the figures that repeat the table linked to their rows."""
    body = p["text"]
    spans = []
    for fig in v.r.figures:
        if fig["paragraph"] != p["id"]:
            continue
        start = body.find(fig["sentence"])
        if start < 0:
            continue
        q = body.find(fig["quote"], start)
        if q < 0 or any(a < q + len(fig["quote"]) and q < b for a, b, _ in spans):
            continue
        cells = (fig["cells"] or "").split()
        if cells and v.t is not None:
            table, row, _ = parse_cell_ref(cells[0])
            sec = v.section_of_row(table, row)
            if sec is None:
                continue
            labels = "、".join(v.t.row(*parse_cell_ref(c)[:2])["label"] for c in cells)
            href = urls.rel(v.doc(page), v.doc(sec["page"]), f"row-{row}")
            spans.append((q, q + len(fig["quote"]),
                          f'<a class="figure" href="{href}" title="统计表：{text(labels)}">{text(fig["quote"])}</a>'))
    lead = LEAD_IN.match(body) if p["kind"] == "paragraph" and p["subsection"] else None
    if lead and not any(a < lead.end() for a, _, _ in spans):
        spans.append((0, lead.end(), f'<strong class="lead">{text(lead.group(0))}</strong>'))
    spans.sort()
    out, pos = [], 0
    for a, b, html in spans:
        out += [text(body[pos:a]), html]
        pos = b
    out.append(text(body[pos:]))
    return f'<p id="{text(p["id"])}">{"".join(out)}</p>\n\n'


def value_cell(row: dict | None) -> str:
    if row is None:
        return '<td class="num"></td>'
    sort = text(row["value"]) if row["value"] is not None else "-1"
    return f'<td class="num" data-sort="{sort}">{value_html(row["value"], row["state"])}</td>'


def note_cell(v: ReportView, page: str, cells: list[dict | None], fix_url: str = "", cols: list[dict] | None = None) -> str:
    """Notes and source links of one table row. Cells printed on the same source line share one link;
    a cell with a note, or not printed as read, gets its own <details> (keyboard and touch, not hover)."""
    bits = []
    matrix = cols is not None and len(cols) > 1
    lines = sorted({row["source_line"] for row in cells if row and row["source_line"]})
    if matrix and lines:
        bits.append(" ".join(source_link(v, page, n) for n in lines))
    for i, row in enumerate(cells):
        if row is None or row["state"] == "absent":
            continue
        src = row["source_value"]
        src_txt = f"原文：“{src}”" if src else "原文此格为空"
        link = source_link(v, page, row["source_line"], f"第 {row['source_line']} 行，{src_txt}") if row["source_line"] else ""
        if row["note"] or row["state"] != "printed":
            body = f"<p>{text(row['note'])}</p>" if row["note"] else ""
            summary = {"printed": "说明", "corrected": "校正依据", "derived": "推算依据", "missing": "缺失原因"}[row["state"]]
            if matrix:
                summary = f"{cols[i]['label']}：{summary}"
            bits.append(f'<details class="note"><summary>{text(summary)}</summary>{body}<p>{link}</p></details>')
        elif link and not matrix:
            bits.append(link)
    if fix_url:
        bits.append(f' <a class="fix" href="{url(fix_url)}" rel="nofollow" title="报告这一行的问题">纠错</a>')
    return f'<td class="src">{"".join(bits)}</td>'
