"""The ledger of one report: every difference from the source, with its reason and evidence."""

from __future__ import annotations

from ...model import parse_cell_ref
from .. import urls
from ..escape import text
from ..material import NO_INDEX, Page
from ..view import ReportView
from .common import local_nav, paragraph_page, report_page, source_link

KIND_ZH = {"label-wrap": "标签换行", "glyph": "误识字", "fragment": "拆碎的字", "debris": "删除杂散内容", "layout": "排版规则",
           "derived-rule": "按规则推算", "derived-prose": "取自正文", "unreadable": "无法读出"}


def _where(v: ReportView, page: str, e: dict) -> str:
    paras = {p["id"]: p for p in v.r.prose}
    if e["resource"] == "statistics" and e["target"].count("/") == 1:  # a label printed over several lines
        table, key = e["target"].split("/")
        if key.startswith("@"):
            sec = next(s_ for s_ in v.sections if any(t["key"] == table for t, _ in s_["tables"]))
            return (f'<a href="{urls.rel(v.doc(page), v.doc(sec["page"]), f"col-{table}-{key[1:]}")}">'
                    f'表头：{text(v.t.column(table, key[1:])["label"])}</a>')
        sec = v.section_of_row(table, key)
        return f'<a href="{urls.rel(v.doc(page), v.doc(sec["page"]), f"row-{key}")}">行标签：{text(v.t.row(table, key)["label"])}</a>'
    if e["resource"] == "statistics":
        table, row, _ = parse_cell_ref(e["target"])
        sec = v.section_of_row(table, row)
        return f'<a href="{urls.rel(v.doc(page), v.doc(sec["page"]), f"row-{row}")}">统计表：{text(v.t.row(table, row)["label"])}</a>'
    if e["target"] == "*":
        return "全部正文" if e["source_line"] is None else "正文之外"
    p = paras[e["target"]]
    target_page = paragraph_page(v, p["id"])
    if target_page is None:
        return f"正文 {text(p['id'])}"
    return f'<a href="{urls.rel(v.doc(page), v.doc(target_page), p["id"])}">正文 {text(p["id"])}</a>'


def corrections_page(v: ReportView) -> Page:
    page = "corrections"
    rows = []
    for e in v.r.corrections:
        line = source_link(v, page, e["source_line"]) if e["source_line"] else ""
        src = text(e["source_text"]) if e["source_text"] else "<em>（空）</em>"
        pub = text(e["published_text"]) if e["published_text"] else "<em>（删除或缺失）</em>"
        rows.append(f'<tr id="{text(e["id"])}"><td data-label="编号">{text(e["id"])}</td><td data-label="位置">{_where(v, page, e)}<br>{line}</td>'
                    f'<td data-label="原文 → 发布"><span class="diff-old">{src}</span> → <span class="diff-new">{pub}</span></td>'
                    f"<td data-label=\"类别\">{text(KIND_ZH.get(e['kind'], e['kind']))}</td><td data-label=\"理由\">{text(e['reason'])}</td>"
                    f"<td data-label=\"依据\">{text(e['evidence'])}</td>"
                    f'<td class="num" data-label="次数">{text(e["count"])}</td></tr>')
    body = ("# 勘误记录\n\n" + f'<p class="xxgk-sub" {NO_INDEX}>{text(v.r.title)}</p>\n\n' + local_nav(v, page)
            + "<p>本站发布的数据与原始文件不同的每一处都在这里：原文 → 发布文本，连同理由与依据。"
            + "正文的每一段都可由“原始文件 + 本表”重新得出，<code>xxgk validate</code> 会逐段核对。</p>\n\n"
            + '<div class="xxgk-scroll"><table class="sortable cards"><thead><tr><th>编号</th><th>位置</th><th>原文 → 发布</th>'
            + '<th>类别</th><th>理由</th><th>依据</th><th>次数</th></tr></thead>'
            + f'<tbody>{"".join(rows)}</tbody></table></div>\n\n')
    # Out of the search index: at thousands of reports the ledgers would make it too big for a phone.
    return report_page(v, page, f"勘误记录｜{v.r.title}", body, "corrections", "勘误记录", searchable=False)
