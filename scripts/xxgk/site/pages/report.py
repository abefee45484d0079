"""The overview page of one report: what readers want first (the key figures, the files, how to cite),
then the data quality, the report's parts, its metadata, every download and every citation format."""

from __future__ import annotations

from ... import downloads
from ...model import fmt
from ...rules import BROKEN, HOLDS, NOT_APPLICABLE, UNKNOWN
from ...text import label_norm
from .. import catalogue, urls
from ..escape import link, text
from ..material import NO_INDEX, Page
from ..view import NOT_APPLICABLE_NOTE, STATE_ZH, ReportView
from .common import (badge, concept_state, local_nav, prose_html, report_page, section_no, stats_link, text_sections,
                     value_html)

SOURCE_KIND_ZH = {"ocr-text": "扫描件的 OCR 文本", "pdf-text": "带文字层的 PDF", "pdf-scan": "扫描 PDF", "html": "网页",
                  "text": "纯文本"}
SITE_NAME = "政府信息公开年报开放数据"
# The figures of the card, from the crosswalk (so they mean the same in every format); those the crosswalk lacks are skipped.
KEY_FIGURES = ("requests_received", "disclosed", "partly_disclosed", "refused", "reviews", "lawsuits")
TODAY = '<span class="xxgk-today">引用日期</span>'  # filled with the reader's date by report.js


def source_name(v: ReportView) -> str | None:
    """The published source document's file name under the report's downloads, or None without it."""
    if v.source_file() is None:
        return None
    # A government web page is published as text (.html.txt): served as text/plain it cannot run scripts on our origin.
    return "source" + {"pdf": ".pdf", "html": ".html.txt", "txt": ".txt"}.get(v.r.source.get("format"), "")


def source_row(v: ReportView, page: str) -> str:
    src = v.r.source
    parts = [text(SOURCE_KIND_ZH.get(src.get("kind"), src.get("kind", "")))]
    parts.append(f'<a href="{urls.rel(v.doc(page), v.doc("source"))}">带行号查看</a>')
    name = source_name(v)
    if name:
        parts.append(f'<a href="{urls.rel(v.doc(page), urls.report_download(v.id, name))}">下载原样文件</a>')
    else:
        parts.append('<span class="missing">本次构建没有原始文件</span>')
    if src.get("path"):
        parts.append(link(src["path"], "发布网址", rel="nofollow"))
    if src.get("archive"):
        parts.append(link(src["archive"], "存档副本", rel="nofollow"))
    return " · ".join(parts)


# --- key figures

def key_figures(v: ReportView, page: str) -> str:
    """The card: each figure with its state; 不适用 is a dash with its reason, never 缺失 or 0."""
    if v.t is None:
        return "<p>本报告没有统计表，没有可列出的数字；内容见正文。</p>"
    concepts = {c["concept"]: c for c in (v.crosswalk.concepts if v.crosswalk else [])}
    items = []
    for name in KEY_FIGURES:
        c = concepts.get(name)
        if c is None:
            continue
        value, state, cells = concept_state(v, name)
        label = f'<a href="{urls.rel(v.doc(page), urls.COMPARE, text(name))}">{text(c["label"])}</a>'
        if state == "not-applicable":
            shown = value_html(None, state) + f'<small class="why">{NOT_APPLICABLE_NOTE}</small>'
        elif state == "missing":
            shown = value_html(None, state) + f'<small class="why">{stats_link(v, v.doc(page), cells[0], "查看该行")}</small>'
        else:
            unit = v.t.row(cells[0][0], cells[0][1])["unit"]
            shown = (f'<span class="value">{stats_link(v, v.doc(page), cells[0], text(fmt(value)))}</span> {text(unit)}'
                     + (badge(state, STATE_ZH[state], f"state state-{state}") if state != "printed" else "")
                     + (f'<small class="why">{len(cells)} 格之和</small>' if len(cells) > 1 else ""))
        items.append(f'<div class="kf" data-concept="{text(name)}" data-state="{text(state)}"><dt>{label}</dt><dd>{shown}</dd></div>')
    return f'<dl class="xxgk-keyfigs">{"".join(items)}</dl>'


# --- data quality

def rules_fold(v: ReportView) -> str:
    """Every rule result in a table, folded into one line: 表内算术规则 42/42 成立 ▸."""
    results = [r for r in v.results if r.status != NOT_APPLICABLE]
    if not results:
        return ""
    n = {s: sum(1 for r in results if r.status == s) for s in (HOLDS, BROKEN, UNKNOWN)}
    line = f"<strong>{n[HOLDS]}/{len(results)} 成立</strong>" + (f"，{n[BROKEN]} 条不成立" if n[BROKEN] else "") \
        + (f"，{n[UNKNOWN]} 条因缺失无法检查" if n[UNKNOWN] else "")
    rows = []
    for res in results:
        status = {HOLDS: "✓ 成立", BROKEN: "✗ 不成立", UNKNOWN: "？无法检查"}[res.status]
        rule = res.rule["id"]
        rid = f'<a href="{urls.rel(v.doc(), urls.codebook(v.t.id), f"rule-{text(rule)}")}">{text(res.id)}</a>'
        miss = "、".join(text(v.t.row(c[0], c[1])["label"]) for c in res.missing)
        rows.append(f'<tr class="{text(res.status)}"><td>{rid}</td><td>{text(res.rule["label"])}</td><td>{status}</td>'
                    f"<td>{text(res.explain(v.numbers))}</td><td>{miss}</td></tr>")
    return (f'<details class="xxgk-fold" id="rules" {NO_INDEX}><summary>表内算术规则 {line}<span class="chev" aria-hidden="true">▸</span></summary>'
            '<div class="xxgk-scroll"><table class="xxgk-rules"><thead><tr><th>规则</th><th>内容</th><th>结果</th>'
            f'<th>按表中数值</th><th>缺失的格</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div></details>\n\n')


def quality_line(v: ReportView) -> str:
    """The data quality in one line for the card: rules, missing values, ledger."""
    c = v.counts()
    parts = []
    results = [r for r in v.results if r.status != NOT_APPLICABLE]
    if results:
        parts.append(f"算术规则 {c['rules'][HOLDS]}/{len(results)} 成立")
    if v.t is not None:
        parts.append(f"缺失 {c['states']['missing']} 个数值")
    parts.append(f"勘误 {c['ledger']} 条")
    return f'<p class="xxgk-quality">数据质量：{" · ".join(parts)}（<a href="#quality">详情</a>）</p>'


def quality(v: ReportView) -> str:
    page = "index"
    c = v.counts()
    st = c["states"]
    if v.t is not None:
        counts = (f"统计表共 {c['cells']} 个数值：原文 {st['printed']} 个，校正 {st['corrected']} 个，推算 {st['derived']} 个，"
                  f"<span class=\"missing\">缺失 {st['missing']} 个</span>"
                  + (f"；另有 {st['absent']} 格本报告的表格没有印（未列出）" if st["absent"] else "") + "。")
    else:
        counts = "本报告没有统计表。"
    if v.source_findings:
        findings = "<ul>" + "".join(f"<li><strong>{text(f.title)}</strong>：{text(f.message)}</li>" for f in v.source_findings) + "</ul>"
    else:
        findings = f"<p {NO_INDEX}>未发现原报告自相矛盾之处（统计表内的算术规则与正文中重复的数字均已核对；缺失的值无法核对）。</p>"
    notices = "".join(f"<p class=\"xxgk-notice\">{text(f.title)}。</p>" for f in v.notices)
    ledger = urls.rel(v.doc(page), v.doc("corrections"))
    return ("## 数据质量 { #quality }\n\n"
            + f"<p {NO_INDEX}>{counts}每一处与原文不同的地方都记在<a href=\"{ledger}\">勘误记录</a>里"
            + f"（{c['ledger']} 条），写明理由与依据。</p>\n\n" + rules_fold(v) + notices
            + "### 原文问题\n\n" + findings + "\n\n")


# --- files and citation

def download_links(v: ReportView, page: str) -> list[tuple[str, str]]:
    """The files most readers want, in order: (label, href)."""
    dl = urls.report_download(v.id)
    out = [("整个数据包（zip）", urls.rel(v.doc(page), dl + v.id + ".zip"))]
    if v.t is not None:
        name = "statistics-labelled"
        out += [("统计表 CSV（带标签）", urls.rel(v.doc(page), f"{dl}{name}.csv")),
                ("Excel 版", urls.rel(v.doc(page), f"{dl}{name}.excel.csv"))]
    src = source_name(v)
    if src:
        out.append(("原始文件", urls.rel(v.doc(page), dl + src)))
    return out


def citation_texts(v: ReportView) -> dict[str, str]:
    """The citations as HTML (escaped), with the access date left for the reader's browser to fill in."""
    meta = v.meta
    pub = meta["published"]
    url = urls.absolute(v.config.site_url, v.doc())
    year = pub.year if pub else meta["year"] + 1
    version = v.version
    report = text(f"{meta['agency']}. {meta['title']}[R]. {year}.")
    data = (text(f"{SITE_NAME}. {meta['title']}：整理数据（数据版本 {version}）[DS/OL]. ") + f"[{TODAY}]. "
            + text(f"{url}."))
    key = v.id.replace("-", "_")
    bib = (text(f"@misc{{{key},\n  author = {{{{{SITE_NAME}}}}},\n  title = {{{meta['title']}：整理数据}},\n"
                f"  version = {{{version}}},\n  url = {{{url}}},\n  urldate = {{") + TODAY
           + text(f"}},\n  note = {{原报告：{meta['agency']}，{year}" + (f"，发布于 {pub.isoformat()}" if pub else "") + "}\n}"))
    return {"data": data, "report": report, "bibtex": bib}


def cite_block(cite_id: str, html: str, label: str, bib: bool = False) -> str:
    tag = "pre" if bib else "p"
    return (f'<div class="xxgk-citeblock"><{tag} class="xxgk-cite" id="{cite_id}">{html}</{tag}>'
            f'<button type="button" class="xxgk-copy" data-copy="{cite_id}" aria-label="复制{label}">复制</button></div>'
            f'<p class="xxgk-copied" role="status" aria-live="polite" data-for="{cite_id}"></p>')


def get_box(v: ReportView, page: str, cites: dict) -> str:
    """Downloads and citation, within the first screen."""
    files = "".join(f'<li><a href="{href}"{" class=primary" if i == 0 else ""}>{text(label)}</a></li>'
                    for i, (label, href) in enumerate(download_links(v, page)))
    return (f'<aside class="xxgk-get" aria-label="下载与引用" {NO_INDEX}>'
            f'<h2>下载</h2><ul class="files">{files}<li><a href="#files">全部文件</a></li></ul>'
            f'<h2>引用本数据</h2>{cite_block("cite-top", cites["data"], "引用（GB/T 7714）")}'
            '<p class="more"><a href="#cite">引用原报告、BibTeX</a></p></aside>')


def citations(cites: dict) -> str:
    return ("## 引用 { #cite }\n\n" + f"<div {NO_INDEX}>"
            + "<p>引用本站整理的数据（GB/T 7714—2015）：</p>" + cite_block("cite-data", cites["data"], "数据引用（GB/T 7714）")
            + "<p>引用原报告（GB/T 7714—2015）：</p>" + cite_block("cite-report", cites["report"], "报告引用（GB/T 7714）")
            + "<p>BibTeX：</p>" + cite_block("cite-bibtex", cites["bibtex"], "BibTeX", bib=True)
            + "<p class=\"xxgk-hint\">引用日期在复制时按您的设备日期填写；数据版本指本站数据所在的提交。</p></div>\n\n")


# --- the report's parts and metadata

def outline(v: ReportView, page: str) -> str:
    """Every numbered section as printed, with its prose page and its statistics section.
    A heading with nothing under it but a table is listed here (its id is the ledger's anchor)."""
    if not v.prose_sections:
        return ""
    stats_by_label = {label_norm(s["title"]): s for s in v.sections}
    with_page = {s["section"] for s in text_sections(v)}
    items = []
    for p in v.prose_sections:
        links = []
        if p["section"] in with_page:
            href = urls.rel(v.doc(page), v.doc(f"text-{p['section']}"))
            links.append(f'<a href="{href}">正文{text(section_no(p["text"], p["section"]))}</a>')
        s = stats_by_label.get(label_norm(p["text"]))
        if s:
            links.append(f'<a href="{urls.rel(v.doc(page), v.doc(s["page"]))}">统计表{text(section_no(s["title"], s["n"]))}</a>')
        anchor = "" if p["section"] in with_page else f' id="{text(p["id"])}"'
        items.append(f'<li{anchor}>{text(p["text"])}' + (f"：{' · '.join(links)}" if links else "") + "</li>")
    return f"## 报告的各部分\n\n<ul class=\"xxgk-outline\" {NO_INDEX}>{''.join(items)}</ul>\n\n"


def meta_table(v: ReportView, page: str) -> str:
    m = v.meta
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
        ("数据版本", f'<code title="本报告数据包各文件的 sha256 摘要的前 12 位">{text(v.version)}</code>'),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{val}</td></tr>" for k, val in rows)
    return f'## 报告信息\n\n<table class="xxgk-meta" {NO_INDEX}><tbody>{table}</tbody></table>\n\n'


def _file_info(folder, name: str) -> str:
    """（size, rows for a CSV） of a written download, or nothing when the downloads are not written here."""
    if folder is None or not (folder / name).is_file():
        return ""
    path = folder / name
    info = downloads.file_info(path)
    return f'<span class="info">（{text(info)}）</span>'


def all_files(v: ReportView, page: str, folder=None) -> str:
    """Every file of the report's download folder, each with its size and row count when folder (where they were
    written) is given."""
    dl = urls.report_download(v.id)

    def link(name: str, label: str) -> str:
        return f'<a href="{urls.rel(v.doc(page), dl + name)}">{text(label)}</a>{_file_info(folder, name)}'

    items = []
    for res in v.r.descriptor["resources"]:
        path = res["path"]
        links = [link(path, path)]
        if path.endswith(".csv"):
            links.append(link(path.replace(".csv", ".excel.csv"), "Excel 版（UTF-8 BOM）"))
        items.append(f"<li>{text(res.get('title') or res['name'])}：{' · '.join(links)}</li>")
    if v.t is not None:
        items.append(f'<li>统计表（带行、列标签）：{link("statistics-labelled.csv", "statistics-labelled.csv")}'
                     f' · {link("statistics-labelled.excel.csv", "Excel 版（UTF-8 BOM）")}</li>')
    items.append(f'<li>数据包描述：{link("datapackage.json", "datapackage.json")}</li>')
    items.append(f'<li>整个数据包：{link(v.id + ".zip", v.id + ".zip")}</li>')
    note = (f'<p {NO_INDEX}>数据版本 <code>{text(v.version)}</code>（本报告数据包各文件的 sha256 摘要的前 12 位）；'
            "CSV 为 UTF-8 编码，Excel 版带 BOM。</p>")
    return f'## 下载 {{ #files }}\n\n<ul {NO_INDEX}>{"".join(items)}</ul>\n\n{note}\n\n'


def overview(v: ReportView, folder=None) -> Page:
    m = v.meta
    page = "index"
    cites = citation_texts(v)
    sub = [text(m["agency"]), f"{text(m['year'])} 年度"]
    if m["published"]:
        sub.append(f"{text(m['published'].isoformat())} 发布")
    sub.append("原始文件：" + text(SOURCE_KIND_ZH.get(v.r.source.get("kind"), v.r.source.get("kind", ""))))
    preamble = "".join(prose_html(v, page, p) for p in v.r.prose if p["section"] == "preamble")
    body = (
        f"# {text(v.r.title)}\n\n"
        + f'<p class="xxgk-sub" {NO_INDEX}>{" · ".join(sub)}</p>\n\n'
        + local_nav(v, page)
        + f'<div class="xxgk-top"><section class="xxgk-card" aria-label="主要数字" {NO_INDEX}><h2>主要数字</h2>'
        + key_figures(v, page)
        + '<p class="xxgk-hint">数字取自本报告的统计表，点击数字看所在的行；点击名称看它在各种格式中的口径。</p>'
        + quality_line(v) + "</section>"
        + get_box(v, page, cites) + "</div>\n\n"
        + quality(v)
        + (f"## 引言\n\n{preamble}" if preamble else "")
        + outline(v, page)
        + meta_table(v, page)
        + all_files(v, page, folder)
        + citations(cites)
        + catalogue.report_jsonld(v)  # schema.org/Dataset for harvesters and search engines
    )
    return report_page(v, page, v.r.title, body, "report", "报告概览", hide=["navigation"],
                       description=f"{m['agency']}{m['year']}年政府信息公开工作年度报告的整理数据：统计表、正文、勘误记录与原始文件。")
