"""The source text of one report with a line anchor on every line (when the cache holds the source)."""

from __future__ import annotations

from ..escape import text
from ..material import Page
from ..view import ReportView
from .common import local_nav, report_page


def source_page(v: ReportView) -> Page:
    page = "source"
    entry = v.r.text_source
    lines = v.lines
    head = "# 原始文件\n\n" + f'<p class="xxgk-sub">{text(v.r.title)}</p>\n\n' + local_nav(v, page)
    digest = str(v.r.source.get("hash", "")).split(":")[-1]
    if lines is None:
        body = (head + '<div class="admonition warning"><p class="admonition-title">本次构建没有原始文件</p>'
                f"<p>原始文件（sha256 <code>{text(digest)}</code>）不在构建所用的原始文件缓存中，所以这里不能逐行显示原文。"
                "统计表与勘误记录中的“原文第 N 行”指原文的行号；取得原始文件的办法见“关于”页。</p></div>\n\n")
    else:
        rows = "".join(f'<span class="ln" id="L{n}" data-n="{n}">{text(t) or " "}</span>' for n, t in enumerate(lines, 1))
        what = "原样保存，未作任何改动" if entry is v.r.source else f"由原始文件提取的文字（{text(entry.get('method', ''))}）"
        body = (head + f"<p>{what}（原始文件 sha256 <code>{text(digest)}</code>）。"
                + "统计表与勘误记录中的“原文第 N 行”都指这里的行号。</p>\n\n"
                + f'<pre class="xxgk-source">{rows}</pre>\n\n')
    # The source never changes: its edit button opens the ledger, where corrections go.
    return report_page(v, page, f"原始文件｜{v.r.title}", body, "corrections", "原始文件", searchable=False)
