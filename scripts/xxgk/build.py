"""`xxgk build`: generate the site's pages from data/ into docs/.

Plain Python writing Markdown with HTML blocks; MkDocs then renders them
(`mkdocs build --strict`). Generated folders are written into a scratch
folder first and moved into docs/ only when every page is written, so a
failure never leaves a half-written site.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from . import downloads, model, paths
from .charts import bar_chart
from .findings import ERROR, SOURCE, render_text
from .model import Report, Template, fmt, parse_cell_ref
from .rules import BROKEN, HOLDS, evaluate
from .site import SiteConfig, front_matter, h, md_text, rel, site_config

GENERATED = ["index.md", "contributing.md", "compare.md", "reports", "codebook", "downloads"]
STATE_ZH = {"printed": "原文", "corrected": "校正", "derived": "推算", "missing": "缺失"}
KIND_ZH = {"label-wrap": "标签换行", "glyph": "误识字", "fragment": "拆碎的字", "debris": "删除杂散内容", "layout": "排版规则",
           "derived-rule": "按规则推算", "derived-prose": "取自正文", "unreadable": "无法读出"}
NUMERALS = "零一二三四五六七八九十"
DUCKDB_EXAMPLE = f'''import duckdb

# 各机关每年收到的申请数（all-statistics.parquet 下载到当前目录）
print(duckdb.sql("""
{downloads.EXAMPLE_SQL}
"""))'''
# A sub-section heading printed at the start of its paragraph: （一）主动公开情况。
LEAD_IN = re.compile(r"^（[一二三四五六七八九十]+）[^。（]{1,30}。")


def numeral(n: int) -> str:
    return NUMERALS[n] if 0 <= n <= 10 else str(n)


class Pages:
    """Collects generated files under a scratch docs folder."""

    def __init__(self, root: Path, config: SiteConfig):
        self.root = root
        self.config = config
        self.count = 0

    def write(self, doc_path: str, text: str) -> None:
        path = self.root / doc_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.count += 1


class ReportView:
    """One report with everything its pages need, computed once."""

    def __init__(self, report: Report, template: Template, findings: list, config: SiteConfig):
        self.config = config
        self.r = report
        self.t = template
        self.id = report.id
        self.meta = report.meta
        self.stats = report.values()
        self.values = {c: row["value"] for c, row in self.stats.items()}
        self.results = evaluate(template, self.values)
        self.source_findings = [f for f in findings if f.severity == SOURCE]
        self.base = f"reports/{self.id}/"
        self.sections = self._stat_sections()
        self.prose_sections = [p for p in report.prose if p["kind"] == "section"]

    # --- paths
    def doc(self, name: str) -> str:
        return f"{self.base}{name}.md" if name != "index" else f"{self.base}index.md"

    def data_path(self, resource: str) -> str:
        return paths.rel(self.r.resource_path(resource))

    def _stat_sections(self) -> list[dict]:
        """Pages of the statistics tables: one per section of the template, with its tables."""
        out = []
        for sec in self.t.sections:
            tables = self.t.section_tables(sec["key"])
            if tables:
                out.append({"n": sec["key"], "title": sec["label"], "tables": tables, "page": f"stats-{sec['key']}"})
        return out

    def section_of_row(self, table: str, row: str) -> dict | None:
        for s in self.sections:
            if any(t["key"] == table and any(r["key"] == row for r in rows) for t, rows in s["tables"]):
                return s
        return None

    def counts(self) -> dict:
        states = defaultdict(int)
        for row in self.r.statistics:
            states[row["state"]] += 1
        status = defaultdict(int)
        for res in self.results:
            status[res.status] += 1
        return {"states": states, "rules": status, "cells": len(self.r.statistics),
                "ledger": len(self.r.corrections), "source_findings": len(self.source_findings)}

    def headline(self, name: str) -> Decimal | None:
        ref = (self.t.descriptor.get("x-headline") or {}).get(name)
        return self.values.get(parse_cell_ref(ref)) if ref else None


# --- pieces ---------------------------------------------------------------------------

def local_nav(v: ReportView, current: str) -> str:
    def link(name, label):
        cur = ' aria-current="page"' if name == current else ""
        return f'<a href="{rel(v.doc(current), v.doc(name))}"{cur}>{h(label)}</a>'

    parts = [f'<nav class="xxgk-local" aria-label="本报告的页面" data-search-exclude>', link("index", "报告概览"), "<br>",
             '<span class="group">正文</span>']
    parts += [link(f"text-{p['section']}", p["text"]) for p in v.prose_sections]
    parts += ["<br>", '<span class="group">统计表</span>']
    parts += [link(s["page"], s["title"]) for s in v.sections]
    parts += ["<br>", link("corrections", "勘误记录"), " · ", link("source", "原始文件（带行号）"), "</nav>"]
    return " ".join(parts) + "\n\n"


def source_link(v: ReportView, from_page: str, line: int | None, label: str | None = None) -> str:
    if not line:
        return ""
    return f'<a href="{rel(v.doc(from_page), v.doc("source"), f"L{line}")}">{h(label or f"原文第 {line} 行")}</a>'


def value_cell(row: dict | None) -> str:
    if row is None or row["value"] is None:
        return '<td class="num"><span class="missing">缺失</span></td>'
    state = row["state"]
    mark = f'<span class="state state-{state}">{STATE_ZH[state]}</span>' if state in ("corrected", "derived") else ""
    return f'<td class="num" data-sort="{h(fmt(row["value"]))}">{h(fmt(row["value"]))}{mark}</td>'


def note_cell(v: ReportView, page: str, cells: list[dict], fix_url: str = "", cols: list[dict] | None = None) -> str:
    """Notes and source links of one table row. Cells printed on the same source line share one link;
    a cell with a note, or not printed as read, gets its own <details> (keyboard and touch, not hover)."""
    bits = []
    matrix = cols is not None and len(cols) > 1
    lines = sorted({row["source_line"] for row in cells if row and row["source_line"]})
    if matrix and lines:
        bits.append(" ".join(source_link(v, page, n) for n in lines))
    for i, row in enumerate(cells):
        if row is None:
            continue
        src = row["source_value"]
        src_txt = f"原文：“{src}”" if src else "原文此格为空"
        link = source_link(v, page, row["source_line"], f"第 {row['source_line']} 行，{src_txt}") if row["source_line"] else ""
        if row["note"] or row["state"] != "printed":
            body = f"<p>{h(row['note'])}</p>" if row["note"] else ""
            summary = {"printed": "说明", "corrected": "校正依据", "derived": "推算依据", "missing": "缺失原因"}[row["state"]]
            if matrix:
                summary = f"{cols[i]['label']}：{summary}"
            bits.append(f'<details class="note"><summary>{h(summary)}</summary>{body}<p>{link}</p></details>')
        elif link and not matrix:
            bits.append(link)
    if fix_url:
        bits.append(f' <a class="fix" href="{h(fix_url)}" rel="nofollow" title="报告这一行的问题">纠错</a>')
    return f'<td class="src">{"".join(bits)}</td>'


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
            rows[level].append(f'<th class="num group" colspan="{leaves(c)}" scope="colgroup">{h(c["label"])}</th>')
            for k in kids:
                place(k, level + 1)
        else:
            rows[level].append(f'<th class="num" rowspan="{levels - level}" scope="col" id="col-{h(table)}-{h(c["key"])}">'
                               f'{h(c["label"])}</th>')

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
        label = f'<th class="label" scope="row">{h(r["label"])}</th>'
        if r["kind"] == "heading":
            body.append(f'<tr id="row-{h(r["key"])}" class="{cls}">{label}<td></td>' + "<td></td>" * len(cols) + "<td></td></tr>")
            continue
        rows = [v.stats.get((table, r["key"], c["key"])) for c in cols]
        body.append(f'<tr id="row-{h(r["key"])}" class="{cls}">{label}<td class="unit">{h(r["unit"])}</td>'
                    + "".join(value_cell(x) for x in rows)
                    + note_cell(v, page, rows, v.config.report_url(v.id, f"统计表{section['title']}", r["key"]), cols) + "</tr>")
    caption = f"<caption>{h(table_def['label'])}</caption>" if len(section["tables"]) > 1 or matrix else ""
    return (f'<div class="xxgk-scroll"><table class="xxgk-stats{matrix}" data-table="{h(table)}">{caption}'
            f'<thead>{header_rows(v, table)}</thead><tbody>{"".join(body)}</tbody></table></div>\n\n')


def _figure(chart_id: str, title: str, unit: str, items: list) -> str:
    rows = "".join(f"<tr><td>{h(lbl)}</td><td class=\"num\">{h(fmt(val)) if val is not None else '缺失'}</td></tr>"
                   for lbl, val in items)
    return (f'<figure class="xxgk-chart" id="{chart_id}" data-search-exclude>{bar_chart(chart_id, title, unit, items)}'
            f'<figcaption>图：{h(title)}。虚线框表示缺失值。</figcaption>'
            f'<details class="note"><summary>图表数据</summary><table><thead><tr><th>项目</th><th>{h(unit)}</th></tr></thead>'
            f'<tbody>{rows}</tbody></table></details></figure>\n\n')


def charts_for(v: ReportView, section: dict) -> str:
    """Bar charts of every breakdown: a row's item children sharing one unit, in the total column;
    and, for a matrix, each applicant type's outcomes."""
    out = []
    totals = {ref for rule in v.t.rules for ref in rule["total"].split()}
    for table_def, trows in section["tables"]:
        table = table_def["key"]
        cols = v.t.value_columns(table)
        col = cols[-1]["key"]  # the total column of a matrix, the only column otherwise
        for parent in trows:
            kids = [r for r in trows if r["parent"] == parent["key"]]
            items_ = [k for k in kids if k["kind"] == "item"]
            if len(items_) >= 2 and len({k["unit"] for k in items_}) == 1 and len(items_) == len(kids) and not (
                    parent["kind"] == "heading" and any(r["parent"] == k["key"] for k in items_ for r in trows)):
                unit = items_[0]["unit"]
                items = [(k["label"], v.values.get((table, k["key"], col))) for k in items_]
                out.append(_figure(f"chart-{parent['key']}", f"{parent['label']}（{unit}）", unit, items))
            if len(cols) > 1 and parent["kind"] == "heading" and len(kids) >= 2:
                cats = [k for k in kids if k["key"] not in totals]
                units = {r["unit"] for r in trows if r["kind"] == "item" and (r in cats or r["parent"] in {c["key"] for c in cats})}
                if len(units) != 1:
                    continue
                unit = units.pop()
                for c in cols:
                    items = []
                    for k in cats:
                        leaves_ = [k] if k["kind"] == "item" else [r for r in trows if r["parent"] == k["key"]]
                        vals = [v.values.get((table, x["key"], c["key"])) for x in leaves_]
                        items.append((k["label"], None if None in vals else sum(vals, Decimal(0))))
                    if all(val in (None, 0) for _, val in items):
                        continue
                    out.append(_figure(f"chart-{parent['key']}-{c['key']}", f"{parent['label']}：{c['label']}（{unit}）", unit, items))
    return "".join(out)


def prose_html(v: ReportView, page: str, p: dict) -> str:
    """A paragraph with the figures that repeat the table linked to their rows."""
    text = p["text"]
    spans = []
    for fig in v.r.figures:
        if fig["paragraph"] != p["id"]:
            continue
        start = text.find(fig["sentence"])
        if start < 0:
            continue
        q = text.find(fig["quote"], start)
        if q < 0 or any(a < q + len(fig["quote"]) and q < b for a, b, _ in spans):
            continue
        cells = (fig["cells"] or "").split()
        if cells:
            table, row, _ = parse_cell_ref(cells[0])
            sec = v.section_of_row(table, row)
            labels = "、".join(v.t.row(*parse_cell_ref(c)[:2])["label"] for c in cells)
            href = rel(v.doc(page), v.doc(sec["page"]), f"row-{row}")
            spans.append((q, q + len(fig["quote"]),
                          f'<a class="figure" href="{href}" title="统计表：{h(labels)}">{h(fig["quote"])}</a>'))
    lead = LEAD_IN.match(text) if p["kind"] == "paragraph" and p["subsection"] else None
    if lead and not any(a < lead.end() for a, _, _ in spans):
        spans.append((0, lead.end(), f'<strong class="lead">{h(lead.group(0))}</strong>'))
    spans.sort()
    out, pos = [], 0
    for a, b, html in spans:
        out += [h(text[pos:a]), html]
        pos = b
    out.append(h(text[pos:]))
    return f'<p id="{h(p["id"])}">{"".join(out)}</p>\n\n'


def citations(v: ReportView, config: SiteConfig) -> str:
    meta = v.meta
    today = dt.date.today().isoformat()
    pub = meta["published"]
    url = f"{config.site_url.rstrip('/')}/reports/{v.id}/"
    year = pub.year if pub else meta["year"] + 1
    gbt_report = f"{meta['agency']}. {meta['title']}[R]. {year}."
    gbt_data = (f"政府信息公开年报开放数据. {meta['title']}：整理数据[DS/OL]. ({today})[{today}]. {url}.")
    bib = (f"@techreport{{{v.id.replace('-', '_')},\n  author = {{{{{meta['agency']}}}}},\n  title = {{{meta['title']}}},\n"
           f"  institution = {{{meta['agency']}}},\n  year = {{{year}}},\n"
           + (f"  date = {{{pub.isoformat()}}},\n" if pub else "")
           + f"  note = {{整理数据：政府信息公开年报开放数据，{url}}},\n  url = {{{url}}}\n}}")
    return "<div data-search-exclude markdown=\"1\">\n\n" + (
        "## 引用\n\n"
        "GB/T 7714—2015，引用报告：\n\n"
        f'<pre class="cite"><code>{h(gbt_report)}</code></pre>\n\n'
        "GB/T 7714—2015，引用本站整理的数据：\n\n"
        f'<pre class="cite"><code>{h(gbt_data)}</code></pre>\n\n'
        "BibTeX：\n\n"
        f'<pre class="cite"><code>{h(bib)}</code></pre>\n\n') + "</div>\n\n"


# --- pages ------------------------------------------------------------------------------

def page_meta(v: ReportView, config: SiteConfig, title: str, data_resource: str, page: str, **extra) -> str:  # noqa: D103
    return front_matter(title=title, edit_url=config.edit_url(v.data_path(data_resource)),
                        report_url=config.report_url(v.id, page), **extra)


def index_meta(config: SiteConfig, title: str, data_file: str = "data/README.md", **extra) -> str:
    """Front matter of a page about all the data: it edits data/README.md (or the file it is made from)."""
    return front_matter(title=title, edit_url=config.edit_url(data_file), report_url=config.report_url("", title), **extra)


def contributing_page(pages: Pages) -> None:
    """The contributor guide from the repository's CONTRIBUTING.md, so the site links to its own copy."""
    guide = (paths.ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    pages.write("contributing.md", front_matter(title="参与纠错", edit_url=pages.config.edit_url("CONTRIBUTING.md")) + guide)


def report_page(v: ReportView, config: SiteConfig, pages: Pages) -> None:
    m = v.meta
    page = "index"
    c = v.counts()
    tpl_link = rel(v.doc(page), f"codebook/{v.t.id}.md")
    dl = f"downloads/{v.id}/"
    rows = [
        ("机构", f"{h(m['agency'])}（编号 <code>{h(m['agency_id'])}</code>）"),
        ("地区", f"{h(m['region'])}（行政区划代码 {h(m['region_code'])}）"),
        ("报告年度", f"{m['year']} 年（统计期间 {m['year']}-01-01 至 {m['year']}-12-31）"),
        ("发布日期", h(m["published"].isoformat()) if m["published"] else '<span class="missing">不详</span>'),
        ("统计表模板", f'<a href="{tpl_link}">{h(v.t.title)}</a>'),
        ("原始文件", f'{h({"ocr-text": "扫描件的 OCR 文本", "pdf-text": "带文字层的 PDF", "pdf-scan": "扫描 PDF", "html": "网页"}[m["source_kind"]])}：'
                  f'<a href="{rel(v.doc(page), v.doc("source"))}">带行号查看</a> · '
                  f'<a href="{rel(v.doc(page), dl + v.r.source_resource["path"])}">下载原样文件</a>'
                  + (f' · <a href="{h(m["source_url"])}">发布网址</a>' if m["source_url"] else "")),
        ("数据许可", " ".join(h(x.get("title") or x.get("name")) for x in v.r.descriptor.get("licenses", []))),
        ("整理者", "、".join(h(x.get("title")) for x in v.r.descriptor.get("contributors", []))),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{val}</td></tr>" for k, val in rows)
    st = c["states"]
    quality = (
        f"统计表共 {c['cells']} 个数值：原文 {st['printed']} 个，校正 {st['corrected']} 个，推算 {st['derived']} 个，"
        f"<span class=\"missing\">缺失 {st['missing']} 个</span>。表内算术规则 {len(v.results)} 条："
        f"成立 {c['rules'][HOLDS]} 条，不成立 {c['rules'][BROKEN]} 条，因缺失无法检查 {c['rules']['unknown']} 条。"
        f"勘误记录 {c['ledger']} 条。")
    rule_rows = []
    for res in v.results:
        status = {HOLDS: "✓ 成立", BROKEN: "✗ 不成立", "unknown": "？无法检查"}[res.status]
        miss = ""
        if res.missing:
            miss = "缺失：" + "、".join(h(v.t.row(c_[0], c_[1])["label"]) for c_ in res.missing)
        rule_rows.append(f"<tr><td>{h(res.id)}</td><td>{h(res.rule['label'])}</td><td>{status}</td>"
                         f"<td>{h(res.explain(v.values))}</td><td>{miss}</td></tr>")
    if v.source_findings:
        sf = "".join(f"<li><strong>{h(f.title)}</strong>：{h(f.message)}</li>" for f in v.source_findings)
        source_block = f"<ul>{sf}</ul>"
    else:
        source_block = "<p data-search-exclude>未发现原报告自相矛盾之处（统计表内的算术规则与正文中重复的数字均已核对；缺失的值无法核对）。</p>"
    files = [(res["title"] if "title" in res else res["name"], res["path"]) for res in v.r.descriptor["resources"]]
    dl_items = []
    for title, path in files:
        links = [f'<a href="{rel(v.doc(page), dl + path)}">{h(path)}</a>']
        if path.endswith(".csv"):
            links.append(f'<a href="{rel(v.doc(page), dl + path.replace(".csv", ".excel.csv"))}">Excel 版（UTF-8 BOM）</a>')
        dl_items.append(f"<li>{h(title)}：{' · '.join(links)}</li>")
    dl_items.append(f'<li>数据包描述：<a href="{rel(v.doc(page), dl + "datapackage.json")}">datapackage.json</a></li>')
    dl_items.append(f'<li>整个数据包：<a href="{rel(v.doc(page), dl + v.id + ".zip")}">{h(v.id)}.zip</a></li>')
    preamble = "".join(prose_html(v, page, p) for p in v.r.prose if p["section"] == "preamble")
    text = (
        page_meta(v, config, v.r.title, "report", "报告概览")
        + f"# {md_text(v.r.title)}\n\n"
        + local_nav(v, page)
        + f'<table class="xxgk-meta" data-search-exclude><tbody>{table}</tbody></table>\n\n'
        + (f"## 引言\n\n{preamble}" if preamble else "")
        + "## 数据质量\n\n"
        + f"<p data-search-exclude>{quality}</p>\n\n"
        + f'<p data-search-exclude>每一处与原文不同的地方都记在<a href="{rel(v.doc(page), v.doc("corrections"))}">勘误记录</a>里，写明理由与依据。</p>\n\n'
        + "### 原文问题\n\n" + source_block + "\n\n"
        + "### 表内算术规则\n\n"
        + '<div class="xxgk-scroll" data-search-exclude><table><thead><tr><th>规则</th><th>内容</th><th>结果</th><th>按表中数值</th><th>缺失的格</th></tr></thead>'
        + f'<tbody>{"".join(rule_rows)}</tbody></table></div>\n\n'
        + "## 下载\n\n" + f'<ul data-search-exclude>{"".join(dl_items)}</ul>\n\n'
        + citations(v, config)
    )
    pages.write(v.doc(page), text)


def text_pages(v: ReportView, config: SiteConfig, pages: Pages) -> None:
    from .text import label_norm

    numbered = [p["section"] for p in v.prose_sections]
    stats_by_label = {label_norm(s["title"]): s for s in v.sections}
    for sec in numbered:
        page = f"text-{sec}"
        head = next(p for p in v.r.prose if p["section"] == sec and p["kind"] == "section")
        body = []
        for p in v.r.prose:
            in_section = p["section"] == sec or (p["section"] == "closing" and sec == numbered[-1])
            if not in_section or p is head:
                continue
            if p["kind"] == "subsection":
                body.append(f"## {md_text(p['text'])} {{ #{p['id']} }}\n\n")
            elif p["kind"] == "closing":
                body.append(f'<p id="{h(p["id"])}" class="closing"><em>{h(p["text"])}</em></p>\n\n')
            else:
                body.append(prose_html(v, page, p))
        tables = stats_by_label.get(label_norm(head["text"]))
        if tables:
            body.append(f'<p data-search-exclude>本部分的统计表见<a href="{rel(v.doc(page), v.doc(tables["page"]))}">统计表：{h(tables["title"])}</a>。</p>\n\n')
        text = (page_meta(v, config, f"{head['text']}｜{v.r.title}", "prose", f"正文{head['text']}")
                + f"# {md_text(head['text'])} {{ #{head['id']} }}\n\n"
                + f'<p class="xxgk-sub" data-search-exclude>{h(v.r.title)}</p>\n\n' + local_nav(v, page) + "".join(body)
                + (f'<p class="xxgk-hint" data-search-exclude>带下划线的数字在统计表中也出现，点击可跳到对应的行。</p>\n\n'
                   if any(f["cells"] and f["paragraph"] in {p["id"] for p in v.r.prose if p["section"] == sec}
                          for f in v.r.figures) else ""))
        pages.write(v.doc(page), text)


def stats_pages(v: ReportView, config: SiteConfig, pages: Pages) -> None:
    for s in v.sections:
        page = s["page"]
        units = sorted({r["unit"] for _, rows in s["tables"] for r in rows if r["unit"]})
        # Out of the search index (numbers and repeated labels): prose, titles and agencies stay searchable.
        text = (page_meta(v, config, f"{s['title']}｜{v.r.title}", "statistics", f"统计表{s['title']}",
                          hide=["navigation", "toc"], search={"exclude": True})
                + f"# {md_text(s['title'])}\n\n"
                + f'<p class="xxgk-sub" data-search-exclude>{h(v.r.title)} · 统计表</p>\n\n' + local_nav(v, page)
                + '<p data-search-exclude>“缺失”表示原文此格为空或无法辨认，不等于 0。'
                + '<span class="state state-derived">推算</span>：按表内规则或正文得出；'
                + '<span class="state state-corrected">校正</span>：原文字符误识后更正。点“说明”看依据。</p>\n\n'
                + '<div data-search-exclude markdown="0">\n' + "".join(stats_table(v, s, t, rows) for t, rows in s["tables"])
                + "</div>\n\n"
                + charts_for(v, s)
                + (f"<p>单位：{h('、'.join(units))}。</p>\n\n" if units else ""))
        pages.write(v.doc(page), text)


def corrections_page(v: ReportView, config: SiteConfig, pages: Pages) -> None:
    page = "corrections"
    paras = {p["id"]: p for p in v.r.prose}
    rows = []
    for e in v.r.corrections:
        if e["resource"] == "statistics" and e["target"].count("/") == 1:  # a label printed over several lines
            table, key = e["target"].split("/")
            if key.startswith("@"):
                sec = next(s_ for s_ in v.sections if any(t["key"] == table for t, _ in s_["tables"]))
                where = f'<a href="{rel(v.doc(page), v.doc(sec["page"]), f"col-{table}-{key[1:]}")}">表头：{h(v.t.column(table, key[1:])["label"])}</a>'
            else:
                sec = v.section_of_row(table, key)
                where = f'<a href="{rel(v.doc(page), v.doc(sec["page"]), f"row-{key}")}">行标签：{h(v.t.row(table, key)["label"])}</a>'
        elif e["resource"] == "statistics":
            table, row, _ = parse_cell_ref(e["target"])
            sec = v.section_of_row(table, row)
            where = f'<a href="{rel(v.doc(page), v.doc(sec["page"]), f"row-{row}")}">统计表：{h(v.t.row(table, row)["label"])}</a>'
        elif e["target"] == "*":
            where = "全部正文" if e["source_line"] is None else "正文之外"
        else:
            p = paras[e["target"]]
            target_page = f"text-{p['section']}" if p["section"] not in ("preamble", "closing") else (
                "index" if p["section"] == "preamble" else f"text-{v.prose_sections[-1]['section']}")
            where = f'<a href="{rel(v.doc(page), v.doc(target_page), p["id"])}">正文 {h(p["id"])}</a>'
        line = source_link(v, page, e["source_line"]) if e["source_line"] else ""
        src = h(e["source_text"]) if e["source_text"] else "<em>（空）</em>"
        pub = h(e["published_text"]) if e["published_text"] else "<em>（删除或缺失）</em>"
        rows.append(f'<tr id="{h(e["id"])}"><td>{h(e["id"])}</td><td>{where}<br>{line}</td>'
                    f'<td><span class="diff-old">{src}</span> → <span class="diff-new">{pub}</span></td>'
                    f"<td>{KIND_ZH.get(e['kind'], h(e['kind']))}</td><td>{h(e['reason'])}</td><td>{h(e['evidence'])}</td>"
                    f"<td class=\"num\">{e['count']}</td></tr>")
    # Out of the search index: at thousands of reports the ledgers would make it too big for a phone.
    text = (page_meta(v, config, f"勘误记录｜{v.r.title}", "corrections", "勘误记录", search={"exclude": True})
            + "# 勘误记录\n\n" + f'<p class="xxgk-sub" data-search-exclude>{h(v.r.title)}</p>\n\n' + local_nav(v, page)
            + "<p>本站发布的数据与原始文件不同的每一处都在这里：原文 → 发布文本，连同理由与依据。"
            + "正文的每一段都可由“原始文件 + 本表”重新得出，<code>xxgk validate</code> 会逐段核对。</p>\n\n"
            + '<div class="xxgk-scroll"><table class="sortable"><thead><tr><th>编号</th><th>位置</th><th>原文 → 发布</th>'
            + '<th>类别</th><th>理由</th><th>依据</th><th>次数</th></tr></thead>'
            + f'<tbody>{"".join(rows)}</tbody></table></div>\n\n')
    pages.write(v.doc(page), text)


def source_page(v: ReportView, config: SiteConfig, pages: Pages) -> None:
    page = "source"
    lines = v.r.source_lines()
    body = "".join(f'<span class="ln" id="L{n}" data-n="{n}">{h(t) or " "}</span>' for n, t in enumerate(lines, 1))
    res = v.r.source_resource
    # The source never changes: its edit button opens the ledger, where corrections go.
    text = (page_meta(v, config, f"原始文件｜{v.r.title}", "corrections", "原始文件", search={"exclude": True})
            + "# 原始文件\n\n" + f'<p class="xxgk-sub">{h(v.r.title)}</p>\n\n' + local_nav(v, page)
            + f"<p>原样保存，未作任何改动（sha256 <code>{h(str(res.get('hash', '')).split(':')[-1])}</code>）。"
            + "统计表与勘误记录中的“原文第 N 行”都指这里的行号。</p>\n\n"
            + f'<pre class="xxgk-source">{body}</pre>\n\n')
    pages.write(v.doc(page), text)


def reports_index(views: list[ReportView], pages: Pages) -> None:
    by_year = defaultdict(list)
    for v in views:
        by_year[v.meta["year"]].append(v)
    parts = [index_meta(pages.config, "全部报告"), "# 全部报告\n\n",
             f"<p>共 {len(views)} 份报告，按报告年度、地区排列。</p>\n\n"]
    for year in sorted(by_year, reverse=True):
        parts.append(f"## {year} 年度\n\n")
        by_region = defaultdict(list)
        for v in by_year[year]:
            by_region[(v.meta["region_code"], v.meta["region"])].append(v)
        for (code, region), vs in sorted(by_region.items()):
            items = "".join(f'<li><a href="{rel("reports/index.md", v.doc("index"))}">{h(v.meta["agency"])}</a></li>'
                            for v in sorted(vs, key=lambda x: x.meta["agency_id"]))
            parts.append(f"<h3>{h(region)}（{h(code)}）</h3><ul>{items}</ul>\n\n")
    pages.write("reports/index.md", "".join(parts))


def home_page(views: list[ReportView], templates: dict[str, Template], pages: Pages) -> None:
    total = defaultdict(int)
    for v in views:
        for k, n in v.counts()["states"].items():
            total[k] += n
    cells = sum(total.values())
    agencies = len({v.meta["agency_id"] for v in views})
    years = sorted({v.meta["year"] for v in views})
    ledger = sum(len(v.r.corrections) for v in views)
    rows = []
    for v in sorted(views, key=lambda x: (-x.meta["year"], x.meta["agency_id"])):
        c = v.counts()

        def num(x):
            return f'<td class="num" data-sort="{fmt(x)}">{fmt(x)}</td>' if x is not None else '<td class="num" data-sort="-1"><span class="missing">缺失</span></td>'

        rows.append(
            f'<tr><td><a href="{rel("index.md", v.doc("index"))}">{h(v.meta["agency"])}</a></td>'
            f'<td>{h(v.meta["region"])}</td><td class="num">{v.meta["year"]}</td>'
            f'<td><a href="{rel("index.md", "codebook/" + v.t.id + ".md")}">{h(v.t.id)}</a></td>'
            + num(v.headline("requests_received")) + num(v.headline("proactive_items"))
            + f'<td class="num" data-sort="{c["rules"][HOLDS]}">{c["rules"][HOLDS]}/{len(v.results)}</td>'
            + f'<td class="num">{c["states"]["missing"]}</td><td class="num">{c["source_findings"]}</td></tr>')
    text = (
        index_meta(pages.config, "首页")
        + "# 政府信息公开年报开放数据\n\n"
        + "<p>各级政府机关每年发布《政府信息公开工作年度报告》。本站把这些报告整理成可核对、可下载的开放数据："
        + "统计表的每个数值都能在原始文件中找到，或在勘误记录中说明来历；读不出的值标为“缺失”，从不猜测。</p>\n\n"
        + '<div class="grid cards xxgk-headline" markdown="0"><ul>'
        + f"<li><strong>{len(views)}</strong> 份报告</li><li><strong>{agencies}</strong> 个机关</li>"
        + f"<li><strong>{h('、'.join(map(str, years)))}</strong> 年度</li>"
        + f"<li><strong>{cells}</strong> 个统计数值，其中缺失 {total['missing']} 个、推算 {total['derived']} 个、校正 {total['corrected']} 个</li>"
        + f"<li><strong>{ledger}</strong> 条勘误记录</li></ul></div>\n\n"
        + "## 全部报告\n\n<p>点击表头可排序。“规则”为成立的表内算术规则数 / 规则总数；“原文问题”为原报告自相矛盾之处。</p>\n\n"
        + '<div class="xxgk-scroll"><table class="sortable" id="reports"><thead><tr><th>机关</th><th>地区</th><th>年度</th>'
        + "<th>模板</th><th>收到申请（件）</th><th>主动公开（条）</th><th>规则</th><th>缺失</th><th>原文问题</th></tr></thead>"
        + f'<tbody>{"".join(rows)}</tbody></table></div>\n\n'
        + f'<p><a href="{rel("index.md", "downloads/index.md")}">下载全部数据</a> · '
        + f'<a href="{rel("index.md", "guide.md")}">如何使用数据</a> · '
        + f'<a href="{rel("index.md", "contributing.md")}">参与纠错</a> · '
        + f'<a href="{rel("index.md", "about.md")}">关于本站</a></p>\n')
    pages.write("index.md", text)


def template_pages(templates: dict[str, Template], config: SiteConfig, pages: Pages) -> None:
    items = "".join(f'<li><a href="{rel("codebook/index.md", f"codebook/{t.id}.md")}">{h(t.title)}</a>（<code>{h(t.id)}</code>）</li>'
                    for t in templates.values())
    pages.write("codebook/index.md", index_meta(config, "统计表模板") + "# 统计表模板\n\n"
                + "<p>每种统计表格式（模板）都是数据：行、列、单位与表内算术规则。每一行有稳定的英文键，"
                + "标签按官方表格原样保存，另有用于匹配的规范化标签。</p>\n\n" + f"<ul>{items}</ul>\n")
    for t in templates.values():
        doc = f"codebook/{t.id}.md"
        rules_of = defaultdict(list)
        for rule in t.rules:
            for ref in rule["total"].split() + rule["parts"].split():
                rules_of[(rule["table"], ref.split(":")[0])].append(rule["id"])
        parts = [front_matter(title=t.title, edit_url=config.edit_url(paths.rel(t.folder / "rows.csv")),
                              report_url=config.report_url(t.id, "统计表模板")),
                 f"# {md_text(t.title)}\n\n", f"<p>模板编号 <code>{h(t.id)}</code>。{h(t.descriptor.get('description', ''))}</p>\n\n"]
        for table in sorted(t.tables, key=lambda x: x["order"]):
            cols = t.value_columns(table["key"])
            parts.append(f"## {md_text(table['label'])}\n\n<p>{h(table['label_en'])}。数值列："
                         + "、".join(f"{h(c['label'])}（<code>{h(c['key'])}</code>，{h(c['label_en'])}）" for c in cols) + "</p>\n\n")
            body = []
            for r in t.table_rows(table["key"]):
                rl = " ".join(f'<a href="#rule-{h(x)}">{h(x)}</a>' for x in rules_of.get((table["key"], r["key"]), []))
                body.append(f'<tr id="{h(r["key"])}" class="lvl-{r["level"]}"><td><code>{h(r["key"])}</code></td>'
                            f'<td class="label">{h(r["label"])}</td><td>{h(r["label_en"])}</td><td>{h(r["unit"])}</td>'
                            f'<td>{"分组标题" if r["kind"] == "heading" else h(r["value_type"])}</td><td>{h(r["definition"])}</td><td>{rl}</td></tr>')
            parts.append('<div class="xxgk-scroll"><table class="xxgk-stats"><thead><tr><th>键</th><th>标签（原文）</th><th>English label</th>'
                         f'<th>单位</th><th>类型</th><th>说明 / Definition</th><th>规则</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>\n\n')
        rule_rows = "".join(
            f'<tr id="rule-{h(r["id"])}"><td>{h(r["id"])}</td><td>{h(r["label"])}</td><td>{h(r["label_en"])}</td>'
            f'<td>{h({"strict": "必须成立", "soft": "通常成立"}[r["severity"]])} / {h(r["severity"])}</td></tr>' for r in t.rules)
        parts.append("## 表内算术规则 / Arithmetic rules\n\n"
                     + '<div class="xxgk-scroll"><table><thead><tr><th>编号</th><th>规则</th><th>Rule</th><th>严格程度</th></tr></thead>'
                     + f"<tbody>{rule_rows}</tbody></table></div>\n\n")
        pages.write(doc, "".join(parts))


COMPARABILITY_ZH = {"same": "口径相同", "similar": "大体可比（见说明）", "different": "口径不同，不宜直接比较", "none": "只有一种格式有"}


def compare_page(views: list[ReportView], templates: dict[str, Template], crosswalk, pages: Pages) -> None:
    """What can be compared across the templates, figure by figure, with the caveats and each report's values."""
    doc = "compare.md"
    tids = list(templates)

    def cells_label(t: Template, cells) -> str:
        parts = []
        for table, row, col in cells:
            r, c = t.row(table, row), t.column(table, col)
            cols = t.value_columns(table)
            parts.append(h(r["label"]) + (f"（{h(c['label'])}）" if len(cols) > 1 else ""))
        return " + ".join(parts) if parts else '<span class="missing">没有</span>'

    head = "".join(f"<th>{h(templates[t].title)}</th>" for t in tids)
    rows = []
    for c in crosswalk.concepts:
        cols = "".join(f"<td>{cells_label(templates[t], crosswalk.cells_for(c['concept'], t))}</td>" for t in tids)
        rows.append(f'<tr id="{h(c["concept"])}"><td><strong>{h(c["label"])}</strong><br><small>{h(c["label_en"])}</small></td>'
                    f"<td>{COMPARABILITY_ZH[c['comparability']]}</td>{cols}<td>{h(c['caveat'])}</td></tr>")
    vs = sorted(views, key=lambda x: (x.meta["agency_id"], x.meta["year"]))
    vhead = "".join(f'<th class="num"><a href="{rel(doc, v.doc("index"))}">{h(v.meta["agency"])}</a><br>{v.meta["year"]}</th>' for v in vs)
    vrows = []
    for c in crosswalk.concepts:
        if c["comparability"] == "none":
            continue
        tds = []
        for v in vs:
            cells = crosswalk.cells_for(c["concept"], v.t.id)
            vals = [v.values.get(x) for x in cells]
            if not cells:
                tds.append('<td class="num">—</td>')
            elif None in vals:
                tds.append('<td class="num"><span class="missing">缺失</span></td>')
            else:
                tds.append(f'<td class="num">{h(fmt(sum(vals, Decimal(0))))}</td>')
        vrows.append(f'<tr><td><a href="#{h(c["concept"])}">{h(c["label"])}</a></td><td>{COMPARABILITY_ZH[c["comparability"]]}</td>{"".join(tds)}</tr>')
    text = (index_meta(pages.config, "跨格式比较", "data/crosswalk/cells.csv", hide=["navigation"])
            + "# 跨格式比较\n\n"
            + "<p>2019 年起，政府信息公开年度报告改用新的全国统一格式（国办公开办函〔2019〕60号，2021 年修订）。"
            + "新旧格式的统计表不同：有的数字口径相同，有的大体可比，有的无法比较。下表逐项说明，"
            + "对应关系本身也是数据（<code>data/crosswalk/</code>），可下载、可纠错。</p>\n\n"
            + "## 逐项对应\n\n"
            + f'<div class="xxgk-scroll"><table class="xxgk-stats"><thead><tr><th>指标</th><th>可比性</th>{head}<th>说明</th></tr></thead>'
            + f'<tbody>{"".join(rows)}</tbody></table></div>\n\n'
            + "## 各报告的数值\n\n"
            + "<p>按上表把各报告的单元格相加。“缺失”表示其中有读不出的单元格；“—”表示该格式没有这一项。"
            + "不同格式、不同机关之间比较时，请先读上表的说明。</p>\n\n"
            + f'<div class="xxgk-scroll"><table class="xxgk-stats sortable"><thead><tr><th>指标</th><th>可比性</th>{vhead}</tr></thead>'
            + f'<tbody>{"".join(vrows)}</tbody></table></div>\n')
    pages.write(doc, text)


def downloads_page(views: list[ReportView], templates: dict[str, Template], pages: Pages) -> None:
    doc = "downloads/index.md"
    parts = [index_meta(pages.config, "数据下载"), "# 数据下载\n\n",
             "<p>所有文件都是 UTF-8 编码的 CSV，第一行是列名，空格表示缺失（不是 0），数值不带千位分隔符，金额以万元计。"
             "每个数据包的 <code>datapackage.json</code> 说明每一列的含义与约束（Frictionless Data 标准）。"
             "文件名以 <code>.excel.csv</code> 结尾的是带 BOM 的副本，在中文 Windows 的 Excel 中双击即可正确显示。</p>\n\n",
             "## 全部统计数值（长表）\n\n",
             "<p>每份报告的每个统计数值一行：报告编号、机关、年度、模板、表/行/列的键与标签、单位、数值、状态。</p>\n\n<ul>",
             f'<li><a href="all-statistics.csv">all-statistics.csv</a> · <a href="all-statistics.excel.csv">Excel 版</a> · '
             f'<a href="all-statistics.parquet">all-statistics.parquet</a> · '
             f'<a href="all-statistics.datapackage.json">表结构</a></li></ul>\n\n',
             "### 用 DuckDB 查询 Parquet\n\n",
             "<p>Parquet 是 DuckDB、Spark、各类云数据仓库直接读取的列式格式；数据变大、CSV 不够用时就用它。"
             "<code>value</code> 是小数类型，缺失为 NULL；<code>year</code> 是整数。"
             "两种统计表格式的行键不同，哪些数字可以跨格式比较见<a href=\"../compare/\">跨格式比较</a>。"
             "例：各机关每年收到的政府信息公开申请数（<code>pip install duckdb</code>）：</p>\n\n",
             f'<pre><code class="language-python">{h(DUCKDB_EXAMPLE)}</code></pre>\n\n',
             "## 各报告的数据包\n\n"]
    for v in sorted(views, key=lambda x: (-x.meta["year"], x.meta["agency_id"])):
        files = []
        for res in v.r.descriptor["resources"]:
            links = [f'<a href="{h(v.id)}/{h(res["path"])}">{h(res["path"])}</a>']
            if res["path"].endswith(".csv"):
                links.append(f'<a href="{h(v.id)}/{h(res["path"].replace(".csv", ".excel.csv"))}">Excel 版</a>')
            files.append(f"<li>{h(res.get('title', res['name']))}：{' · '.join(links)}</li>")
        files.append(f'<li><a href="{h(v.id)}/datapackage.json">datapackage.json</a> · <a href="{h(v.id)}/{h(v.id)}.zip">整个数据包（zip）</a></li>')
        parts.append(f'<h3 id="{h(v.id)}">{h(v.r.title)}</h3><ul>{"".join(files)}</ul>\n\n')
    parts.append("## 统计表模板\n\n")
    for t in templates.values():
        files = [f'<a href="templates/{h(t.id)}/{h(res["path"])}">{h(res["path"])}</a>' for res in t.descriptor["resources"]]
        parts.append(f'<h3 id="template-{h(t.id)}">{h(t.title)}</h3><p>{" · ".join(files)} · '
                     f'<a href="templates/{h(t.id)}/datapackage.json">datapackage.json</a> · '
                     f'<a href="templates/{h(t.id)}/{h(t.id)}.zip">zip</a></p>\n\n')
    pages.write(doc, "".join(parts))


# --- driver ------------------------------------------------------------------------------

def build(check: bool = True, docs_dir: Path | None = None, data_dir: Path | None = None) -> int:
    # Load inputs.
    from .validate import validate

    docs_dir = docs_dir or paths.DOCS
    data_dir = data_dir or paths.DATA
    templates_dir, reports_dir = data_dir / "templates", data_dir / "reports"
    findings = []
    if check:
        findings, _ = validate([str(templates_dir), str(reports_dir)])
        if any(f.severity == ERROR for f in findings):
            sys.stdout.write(render_text(findings, []))
            sys.stdout.write("数据有错误，没有生成页面。\n")
            return 1
    config = site_config()
    templates = {f.name: model.load_template(f) for f in model.template_folders(templates_dir)}
    by_folder = defaultdict(list)
    for f in findings:
        by_folder[f.file.split("/")[-2] if "/" in f.file else ""].append(f)
    views = []
    for folder in model.report_folders(reports_dir):
        report = model.load_report(folder)
        views.append(ReportView(report, templates[report.meta["template"]], by_folder.get(folder.name, []), config))

    # Process data.
    scratch = Path(tempfile.mkdtemp(prefix=".xxgk-build-", dir=docs_dir.parent))
    try:
        pages = Pages(scratch, config)
        long = []
        for v in views:
            report_page(v, config, pages)
            text_pages(v, config, pages)
            stats_pages(v, config, pages)
            corrections_page(v, config, pages)
            source_page(v, config, pages)
            downloads.write_package_downloads(v.r.folder, v.r.descriptor, v.id, scratch / "downloads" / v.id)
            long += downloads.long_rows(v.r, v.t)
        for t in templates.values():
            downloads.write_package_downloads(t.folder, t.descriptor, t.id, scratch / "downloads" / "templates" / t.id)
        downloads.write_long_table(long, scratch / "downloads")
        reports_index(views, pages)
        home_page(views, templates, pages)
        template_pages(templates, config, pages)
        downloads_page(views, templates, pages)
        contributing_page(pages)
        crosswalk = model.load_crosswalk(data_dir / "crosswalk")
        if crosswalk:
            compare_page(views, templates, crosswalk, pages)
            downloads.write_package_downloads(data_dir / "crosswalk", model.load_descriptor(paths.find_descriptor(data_dir / "crosswalk")),
                                              "crosswalk", scratch / "downloads" / "crosswalk")

        # Save outputs.
        for name in GENERATED:
            target = docs_dir / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            if (scratch / name).exists():
                shutil.move(str(scratch / name), str(target))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"生成了 {pages.count} 个页面（{len(views)} 份报告，{len(templates)} 个模板）到 {paths.rel(docs_dir)}/")
    return 0
