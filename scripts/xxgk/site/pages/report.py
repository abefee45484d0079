"""The overview page of one report: metadata, data quality, downloads, citation."""

from __future__ import annotations

import datetime as dt

from ...rules import BROKEN, HOLDS, NOT_APPLICABLE, UNKNOWN
from .. import urls
from ..escape import link, text
from ..material import NO_INDEX, Page
from ..view import ReportView
from .common import local_nav, prose_html, report_page

SOURCE_KIND_ZH = {"ocr-text": "扫描件的 OCR 文本", "pdf-text": "带文字层的 PDF", "pdf-scan": "扫描 PDF", "html": "网页",
                  "text": "纯文本"}


def source_row(v: ReportView, page: str) -> str:
    src = v.r.source
    parts = [text(SOURCE_KIND_ZH.get(src.get("kind"), src.get("kind", "")))]
    parts.append(f'<a href="{urls.rel(v.doc(page), v.doc("source"))}">带行号查看</a>')
    if v.source_file() is not None:
        name = "source" + {"pdf": ".pdf", "html": ".html", "txt": ".txt"}.get(src.get("format"), "")
        parts.append(f'<a href="{urls.rel(v.doc(page), urls.report_download(v.id, name))}">下载原样文件</a>')
    else:
        parts.append('<span class="missing">本次构建没有原始文件</span>')
    if src.get("path"):
        parts.append(link(src["path"], "发布网址", rel="nofollow"))
    if src.get("archive"):
        parts.append(link(src["archive"], "存档副本", rel="nofollow"))
    return " · ".join(parts)


def citations(v: ReportView) -> str:
    meta = v.meta
    pub = meta["published"]
    url = urls.absolute(v.config.site_url, v.doc())
    year = pub.year if pub else meta["year"] + 1
    today = dt.date.today().isoformat()
    gbt_report = f"{meta['agency']}. {meta['title']}[R]. {year}."
    gbt_data = f"政府信息公开年报开放数据. {meta['title']}：整理数据[DS/OL]. ({today})[{today}]. {url}."
    bib = (f"@techreport{{{v.id.replace('-', '_')},\n  author = {{{{{meta['agency']}}}}},\n  title = {{{meta['title']}}},\n"
           f"  institution = {{{meta['agency']}}},\n  year = {{{year}}},\n"
           + (f"  date = {{{pub.isoformat()}}},\n" if pub else "")
           + f"  note = {{整理数据：政府信息公开年报开放数据，{url}}},\n  url = {{{url}}}\n}}")
    return (f"## 引用\n\n<div {NO_INDEX}>"
            "<p>GB/T 7714—2015，引用报告：</p>"
            f'<pre class="cite"><code>{text(gbt_report)}</code></pre>'
            "<p>GB/T 7714—2015，引用本站整理的数据：</p>"
            f'<pre class="cite"><code>{text(gbt_data)}</code></pre>'
            "<p>BibTeX：</p>"
            f'<pre class="cite"><code>{text(bib)}</code></pre></div>\n\n')


def overview(v: ReportView) -> Page:
    m = v.meta
    page = "index"
    c = v.counts()
    dl = urls.report_download(v.id)
    rows = [
        ("机构", f"{text(m['agency'])}（编号 <code>{text(m['agency_id'])}</code>）"),
        ("地区", f"{text(m['region'])}（行政区划代码 {text(m['region_code'])}）"),
        ("报告年度", f"{text(m['year'])} 年（统计期间 {text(m['year'])}-01-01 至 {text(m['year'])}-12-31）"),
        ("发布日期", text(m["published"].isoformat()) if m["published"] else '<span class="missing">不详</span>'),
        ("统计表模板", f'<a href="{urls.rel(v.doc(page), urls.codebook(v.t.id))}">{text(v.t.title)}</a>' if v.t
         else "本报告没有统计表"),
        ("原始文件", source_row(v, page)),
        ("数据许可", " ".join(text(x.get("title") or x.get("name")) for x in v.r.descriptor.get("licenses", []))),
        ("整理者", "、".join(text(x.get("title")) for x in v.r.descriptor.get("contributors", []))),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{val}</td></tr>" for k, val in rows)
    st = c["states"]
    if v.t is not None:
        applicable = [r for r in v.results if r.status != NOT_APPLICABLE]
        quality = (
            f"统计表共 {c['cells']} 个数值：原文 {st['printed']} 个，校正 {st['corrected']} 个，推算 {st['derived']} 个，"
            f"<span class=\"missing\">缺失 {st['missing']} 个</span>"
            + (f"；另有 {st['absent']} 行本报告的表格没有印（未列出）" if st["absent"] else "")
            + f"。表内算术规则 {len(applicable)} 条：成立 {c['rules'][HOLDS]} 条，不成立 {c['rules'][BROKEN]} 条，"
            f"因缺失无法检查 {c['rules'][UNKNOWN]} 条。勘误记录 {c['ledger']} 条。")
    else:
        quality = f"本报告没有统计表。勘误记录 {c['ledger']} 条。"
    rule_rows = []
    for res in v.results:
        if res.status == NOT_APPLICABLE:
            continue
        status = {HOLDS: "✓ 成立", BROKEN: "✗ 不成立", UNKNOWN: "？无法检查"}[res.status]
        miss = "缺失：" + "、".join(text(v.t.row(c_[0], c_[1])["label"]) for c_ in res.missing) if res.missing else ""
        rule_rows.append(f"<tr><td>{text(res.id)}</td><td>{text(res.rule['label'])}</td><td>{status}</td>"
                         f"<td>{text(res.explain(v.numbers))}</td><td>{miss}</td></tr>")
    if v.source_findings:
        source_block = "<ul>" + "".join(f"<li><strong>{text(f.title)}</strong>：{text(f.message)}</li>"
                                        for f in v.source_findings) + "</ul>"
    else:
        source_block = f"<p {NO_INDEX}>未发现原报告自相矛盾之处（统计表内的算术规则与正文中重复的数字均已核对；缺失的值无法核对）。</p>"
    notices = "".join(f"<p class=\"xxgk-notice\">{text(f.title)}。</p>" for f in v.notices)
    files = [(res.get("title") or res["name"], res["path"]) for res in v.r.descriptor["resources"]]
    dl_items = []
    for title, path in files:
        links = [f'<a href="{urls.rel(v.doc(page), dl + path)}">{text(path)}</a>']
        if path.endswith(".csv"):
            links.append(f'<a href="{urls.rel(v.doc(page), dl + path.replace(".csv", ".excel.csv"))}">Excel 版（UTF-8 BOM）</a>')
        dl_items.append(f"<li>{text(title)}：{' · '.join(links)}</li>")
    dl_items.append(f'<li>数据包描述：<a href="{urls.rel(v.doc(page), dl + "datapackage.json")}">datapackage.json</a></li>')
    dl_items.append(f'<li>整个数据包：<a href="{urls.rel(v.doc(page), dl + v.id + ".zip")}">{text(v.id)}.zip</a></li>')
    preamble = "".join(prose_html(v, page, p) for p in v.r.prose if p["section"] == "preamble")
    rules_table = ("### 表内算术规则\n\n"
                   f'<div class="xxgk-scroll" {NO_INDEX}><table><thead><tr><th>规则</th><th>内容</th><th>结果</th>'
                   f'<th>按表中数值</th><th>缺失的格</th></tr></thead><tbody>{"".join(rule_rows)}</tbody></table></div>\n\n'
                   if rule_rows else "")
    body = (
        f"# {text(v.r.title)}\n\n"
        + local_nav(v, page)
        + f'<table class="xxgk-meta" {NO_INDEX}><tbody>{table}</tbody></table>\n\n'
        + (f"## 引言\n\n{preamble}" if preamble else "")
        + "## 数据质量\n\n"
        + f"<p {NO_INDEX}>{quality}</p>\n\n" + notices
        + f'<p {NO_INDEX}>每一处与原文不同的地方都记在<a href="{urls.rel(v.doc(page), v.doc("corrections"))}">勘误记录</a>里，写明理由与依据。</p>\n\n'
        + "### 原文问题\n\n" + source_block + "\n\n"
        + rules_table
        + "## 下载\n\n" + f'<ul {NO_INDEX}>{"".join(dl_items)}</ul>\n\n'
        + citations(v)
    )
    return report_page(v, page, v.r.title, body, "report", "报告概览",
                       description=f"{m['agency']}{m['year']}年政府信息公开工作年度报告的整理数据：统计表、正文、勘误记录与原始文件。")
