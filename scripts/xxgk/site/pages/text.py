"""One page per numbered prose section of a report that has more than its heading."""

from __future__ import annotations

from ...text import label_norm
from .. import urls
from ..escape import text
from ..material import NO_INDEX, Page
from ..view import ReportView
from .common import local_nav, prose_html, report_page, text_sections


def text_pages(v: ReportView) -> list[Page]:
    out = []
    numbered = [p["section"] for p in v.prose_sections]
    stats_by_label = {label_norm(s["title"]): s for s in v.sections}
    for sec in [p["section"] for p in text_sections(v)]:  # a heading alone (over a table) gets no page
        page = f"text-{sec}"
        head = next(p for p in v.r.prose if p["section"] == sec and p["kind"] == "section")
        body = []
        for p in v.r.prose:
            in_section = p["section"] == sec or (p["section"] == "closing" and sec == numbered[-1])
            if not in_section or p is head:
                continue
            if p["kind"] == "subsection":
                body.append(f"## {text(p['text'])} {{ #{text(p['id'])} }}\n\n")
            elif p["kind"] == "closing":
                body.append(f'<p id="{text(p["id"])}" class="closing"><em>{text(p["text"])}</em></p>\n\n')
            else:
                body.append(prose_html(v, page, p))
        tables = stats_by_label.get(label_norm(head["text"]))
        if tables:
            body.append(f'<p {NO_INDEX}>本部分的统计表见<a href="{urls.rel(v.doc(page), v.doc(tables["page"]))}">'
                        f'统计表：{text(tables["title"])}</a>。</p>\n\n')
        in_sec = {p["id"] for p in v.r.prose if p["section"] == sec}
        hint = any(f["cells"] and f["paragraph"] in in_sec for f in v.r.figures)
        md = (f"# {text(head['text'])} {{ #{text(head['id'])} }}\n\n"
              + f'<p class="xxgk-sub" {NO_INDEX}>{text(v.r.title)}</p>\n\n' + local_nav(v, page) + "".join(body)
              + (f'<p class="xxgk-hint" {NO_INDEX}>带下划线的数字在统计表中也出现，点击可跳到对应的行。</p>\n\n' if hint else ""))
        out.append(report_page(v, page, f"{head['text']}｜{v.r.title}", md, "prose", f"正文{head['text']}"))
    return out
