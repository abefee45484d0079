"""Pieces shared by the pages of one report: its local navigation, source links, paragraphs, values, notes."""

from __future__ import annotations

import re
import weakref

from ...model import cell_ref, fmt, parse_cell_ref
from ...prose import parse_range
from .. import crops, urls
from ..escape import text, url
from ..material import NO_INDEX, Page
from ..view import NOT_APPLICABLE, NOT_APPLICABLE_NOTE, STATE_ZH, ReportView

# A sub-section heading printed at the start of its paragraph: （一）主动公开情况。
LEAD_IN = re.compile(r"^（[一二三四五六七八九十]+）[^。（]{1,30}。")
# A section number printed before its title: 三、收到和处理政府信息公开申请情况
SECTION_NO = re.compile(r"^([一二三四五六七八九十]+)、")
# What a badge means, said to every reader (keyboard, touch, screen reader), not in a hover-only title.
STATE_TIP = {
    "derived": "按表内算术规则或正文推算得出，依据见本行的“推算依据”",
    "corrected": "原文字符误识，已校正，依据见本行的“校正依据”",
    "missing": "原文此格为空或无法辨认；缺失不等于 0",
    "absent": "本报告的统计表没有印这一行",
    "not-applicable": NOT_APPLICABLE_NOTE,
}
# Rule ids named in a note or a ledger entry (H1, H5a, R3 …), kept when the template has such a rule.
RULE_ID = re.compile(r"(?<![A-Za-z0-9])([A-Z][0-9]+[a-z]?)(?![A-Za-z0-9])")
PROSE_LINE = re.compile(r"正文第\s*(\d+)\s*行")
FIX_LABEL = "纠错：报告这一行的问题"

_evidence: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def report_page(v: ReportView, page: str, title: str, body: str, data_resource: str, issue_page: str,
                description: str = "", **extra) -> Page:
    """A page of one report, with its edit and report links."""
    return Page(path=v.doc(page), title=title, body=body, description=description or f"{v.r.title}：{issue_page}",
                edit_url=v.config.edit_url(v.data_path(data_resource)),
                report_url=v.config.report_url(v.id, issue_page), mail_url=v.config.mail_url(v.id, issue_page), **extra)


# --- sections and where a paragraph lives

def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (section numbers)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def section_no(title: str, key) -> str:
    """The section number as printed (三 of 三、……), else the key written as a Chinese numeral."""
    m = SECTION_NO.match(title or "")
    if m:
        return m.group(1)
    try:
        return numeral(int(key))
    except (TypeError, ValueError):
        return str(key)


def text_sections(v: ReportView) -> list[dict]:
    """The numbered prose sections that have a page: those with something besides their heading.
    (In the 2019/2021 formats, sections 二–四 are usually a heading over a table and nothing else.)"""
    numbered = [p["section"] for p in v.prose_sections]
    with_body = set()
    for p in v.r.prose:
        if p["kind"] == "section":
            continue
        if p["section"] in numbered:
            with_body.add(p["section"])
        elif p["section"] == "closing" and numbered:
            with_body.add(numbered[-1])
    return [p for p in v.prose_sections if p["section"] in with_body]


def paragraph_page(v: ReportView, pid: str) -> str | None:
    """The page (index, text-<n>) that shows a paragraph (its id is the anchor), or None."""
    p = next((x for x in v.r.prose if x["id"] == pid), None)
    if p is None:
        return None
    if p["section"] == "preamble":
        return "index"
    pages = [s["section"] for s in text_sections(v)]
    sec = (pages[-1] if pages else None) if p["section"] == "closing" else p["section"]
    if sec in pages:
        return f"text-{sec}"
    return "index" if p["kind"] == "section" else None  # a heading alone is listed in the overview's outline


def local_nav(v: ReportView, current: str) -> str:
    """The report's pages on one line: 报告概览 · 正文一 … · 统计表三 … · 勘误记录 · 原始文件."""
    def link(name, label, full=""):
        cur = ' aria-current="page"' if name == current else ""
        named = ""
        if full:  # the whole title for the mouse and the screen reader: 正文三、存在的主要问题……
            m = SECTION_NO.match(full)
            spoken = label + (full[len(m.group(1)):] if m else f"：{full}")
            named = f' title="{text(full)}" aria-label="{text(spoken)}"'
        return f'<a href="{urls.rel(v.doc(current), v.doc(name))}"{cur}{named}>{text(label)}</a>'

    parts = [link("index", "报告概览")]
    parts += [link(f"text-{p['section']}", f"正文{section_no(p['text'], p['section'])}", p["text"]) for p in text_sections(v)]
    parts += [link(s["page"], f"统计表{section_no(s['title'], s['n'])}", s["title"]) for s in v.sections]
    parts += [link("corrections", "勘误记录"), link("source", "原始文件")]
    return f'<nav class="xxgk-local" aria-label="本报告的页面" {NO_INDEX}>' + " ".join(parts) + "</nav>\n\n"


def source_link(v: ReportView, from_page: str, line: int | None, label: str | None = None) -> str:
    """A link to a line of the source page; to the page itself when the source is not in this build's cache
    (the page then has no lines, and says why)."""
    if not line:
        return ""
    anchor = f"L{line}" if v.lines is not None else ""
    return f'<a href="{urls.rel(v.doc(from_page), v.doc("source"), anchor)}">{text(label or f"原文第 {line} 行")}</a>'


def stats_link(v: ReportView, from_doc: str, cell, label_html: str) -> str:
    """label_html linked from a page (its doc path) to the row of a cell on the report's statistics page
    (the label alone when no page shows it)."""
    sec = v.section_of_row(cell[0], cell[1])
    if sec is None:
        return label_html
    return f'<a href="{urls.rel(from_doc, v.doc(sec["page"]), f"row-{cell[1]}")}">{label_html}</a>'


# --- values

def badge(state: str, label: str, cls: str) -> str:
    """A state word that explains itself: a button (keyboard and touch) whose name carries the explanation.
    The dash of 不适用 is named by its word."""
    tip = STATE_TIP[state]
    name = NOT_APPLICABLE if state == "not-applicable" else label
    return (f'<button type="button" class="tip {cls}" data-tip="{text(tip)}" aria-label="{text(name)}：{text(tip)}">'
            f"{text(label)}</button>")


def value_html(value, state: str) -> str:
    """A value with its state badge: 缺失, 未列出 and 不适用 are words, never a number or an empty cell."""
    if state == "not-applicable":
        return badge("not-applicable", "—", "na")
    if state == "absent":
        return badge("absent", STATE_ZH["absent"], "absent")
    if value is None:
        return badge("missing", STATE_ZH["missing"], "missing")
    mark = badge(state, STATE_ZH[state], f"state state-{state}") if state in ("corrected", "derived") else ""
    return f"{text(fmt(value))}{mark}"


def concept_state(v: ReportView, concept: str) -> tuple:
    """A crosswalk figure of a report: (value, state, cells) (see ReportView.concept_state)."""
    return v.concept_state(concept)


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


# --- evidence: the rule, the prose paragraph, the ledger entry, the source line, the printed cell

def _index(v: ReportView) -> dict:
    """Per report, once: ledger entries and prose figures by cell, paragraphs by source line, rule ids."""
    if v not in _evidence:
        entries, figures = {}, {}
        for e in v.r.corrections:
            if e["resource"] == "statistics" and e["target"].count("/") == 2:
                entries.setdefault(e["target"], []).append(e)
        for f in v.r.figures:
            for ref in (f["cells"] or "").split():
                figures.setdefault(ref, []).append(f)
        ranges = []
        for p in v.r.prose:
            try:
                ranges.append((parse_range(p["source_lines"]), p))
            except ValueError:
                continue
        rules = [r["id"] for r in v.t.rules] if v.t is not None else []
        _evidence[v] = {"entries": entries, "figures": figures, "ranges": ranges, "rules": rules}
    return _evidence[v]


def _paragraph_at(v: ReportView, line: int) -> dict | None:
    return next((p for (a, b), p in _index(v)["ranges"] if a <= line <= b and p["kind"] != "section"), None)


def evidence(v: ReportView, row: dict) -> dict:
    """What backs a value: the rules its note or ledger entry names, the prose paragraphs that state it
    (from figures.csv, or the line the ledger's evidence cites), and its ledger entries."""
    idx = _index(v)
    ref = cell_ref((row["table"], row["row"], row["column"]))
    entries = idx["entries"].get(ref, [])
    said = " ".join([row["note"] or ""] + [f"{e['reason'] or ''} {e['evidence'] or ''}" for e in entries])
    rules = []
    for rid in RULE_ID.findall(said):
        if rid in idx["rules"] and rid not in rules:
            rules.append(rid)
    paragraphs = []  # (paragraph id, quoted sentence or "")
    for f in idx["figures"].get(ref, []):
        if f["paragraph"] not in [p for p, _ in paragraphs]:
            paragraphs.append((f["paragraph"], f["sentence"]))
    for e in entries:
        for n in PROSE_LINE.findall(e["evidence"] or ""):
            p = _paragraph_at(v, int(n))
            if p is not None and p["id"] not in [x for x, _ in paragraphs]:
                paragraphs.append((p["id"], ""))
    return {"rules": rules, "paragraphs": paragraphs, "entries": entries}


def evidence_links(v: ReportView, page: str, row: dict) -> str:
    """One line of links: 规则 H1 · 正文“……” · 勘误记录 c027 · 原文第 336 行."""
    ev = evidence(v, row)
    links = []
    for rid in ev["rules"]:
        href = urls.rel(v.doc(page), urls.codebook(v.t.id), f"rule-{text(rid)}")
        links.append(f'<a href="{href}">规则 {text(rid)}</a>')
    for pid, sentence in ev["paragraphs"]:
        target = paragraph_page(v, pid)
        if target is None:
            continue
        label = f"正文：“{sentence}”" if sentence else "正文中的依据"
        links.append(f'<a href="{urls.rel(v.doc(page), v.doc(target), text(pid))}">{text(label)}</a>')
    for e in ev["entries"]:
        links.append(f'<a href="{urls.rel(v.doc(page), v.doc("corrections"), text(e["id"]))}">勘误记录 {text(e["id"])}</a>')
    if row["source_line"]:
        src = row["source_value"]
        links.append(source_link(v, page, row["source_line"],
                                 f"原文第 {row['source_line']} 行" + (f"：“{src}”" if src else "（此格为空）")))
    return f'<p class="evidence">{" · ".join(links)}</p>' if links else ""


def _excerpt(v: ReportView, row: dict) -> str:
    """For a text source: the line the value was read from, its characters marked."""
    parts = dict(p.split("=", 1) for p in (row.get("locator") or "").split("&") if "=" in p)
    lines = v.lines
    if lines is None or "chars" not in parts or "line" not in parts:
        return ""
    try:
        n = int(parts["line"])
        a, b = (int(x) for x in parts["chars"].split("-"))
    except ValueError:
        return ""
    if not (1 <= n <= len(lines)) or not (0 <= a < b <= len(lines[n - 1])):
        return ""
    line = lines[n - 1]
    lo, hi = max(0, a - 24), min(len(line), b + 24)
    return (f'<p class="excerpt">原文第 {n} 行：<code>{"…" if lo else ""}{text(line[lo:a])}<mark>{text(line[a:b])}</mark>'
            f'{text(line[b:hi])}{"…" if hi < len(line) else ""}</code></p>')


def crop_html(v: ReportView, page: str, row: dict, label: str = "", caption: str = "") -> str:
    """The printed cell cut from its PDF page, or why it cannot be shown; empty for other sources."""
    c = crops.crop_for(v, row)
    if c is None:
        return ""
    if not c.available:
        return f'<p class="crop-missing">本次构建没有原始文件，无法显示原文截图（PDF 第 {c.page} 页）。</p>'
    src = urls.rel(v.doc(page), urls.report_download(v.id, c.name))
    return (f'<figure class="crop" data-page="{c.page}"><img src="{text(src)}" width="{c.width}" height="{c.height}" loading="lazy" '
            f'alt="原文 PDF 第 {c.page} 页上印{text(label)}这一格的位置">'
            + (f"<figcaption>{text(caption)}</figcaption>" if caption else "") + "</figure>")


def column_label(v: ReportView, col: dict) -> str:
    """A value column's label, with its group when that is not the table's top one (法人或其他组织：其他)."""
    parent = v.t.column(col["table"], col["parent"]) if col.get("parent") else None
    return f"{parent['label']}：{col['label']}" if parent is not None and parent.get("parent") else col["label"]


def fix_link(fix_url: str) -> str:
    """The row's correction form: one icon with a name, not a word repeated on every row."""
    return (f'<a class="fix" href="{url(fix_url)}" rel="nofollow" aria-label="{FIX_LABEL}" title="{FIX_LABEL}">'
            '<span class="fix-icon" aria-hidden="true"></span></a>')


def note_cell(v: ReportView, page: str, cells: list[dict | None], fix_url: str = "", cols: list[dict] | None = None) -> str:
    """Notes and evidence of one table row. Cells printed on the same source line share one link; a cell
    with a note, or not printed as read, gets its own <details> (keyboard and touch, not hover) with its
    evidence; the printed cells of a PDF source show their crops in one <details> for the row."""
    bits = []
    matrix = cols is not None and len(cols) > 1
    lines = sorted({row["source_line"] for row in cells if row and row["source_line"]})
    if matrix and lines:
        bits.append(" ".join(source_link(v, page, n) for n in lines))
    shots = []
    for i, row in enumerate(cells):
        if row is None or row["state"] == "absent":
            continue
        label = column_label(v, cols[i]) if matrix else ""
        crop = crop_html(v, page, row, label, cols[i]["label"] if matrix else "")
        if row["note"] or row["state"] != "printed":
            body = f"<p>{text(row['note'])}</p>" if row["note"] else ""
            summary = {"printed": "说明", "corrected": "校正依据", "derived": "推算依据", "missing": "缺失原因"}[row["state"]]
            if matrix:
                summary = f"{label}：{summary}"
            shot = f'<div class="crops-grid">{crop}</div>' if crop else ""
            bits.append(f'<details class="note"><summary>{text(summary)}</summary>{body}{evidence_links(v, page, row)}'
                        f"{_excerpt(v, row)}{shot}</details>")
        else:
            if crop and "crop-missing" not in crop:
                shots.append(crop)
            elif crop and not shots:
                shots.append(f'<p class="crop-missing">本次构建没有原始文件，无法显示原文截图。</p>')
            if row["source_line"] and not matrix:
                src = row["source_value"]
                bits.append(source_link(v, page, row["source_line"],
                                        f"第 {row['source_line']} 行，" + (f"原文：“{src}”" if src else "原文此格为空")))
    if shots:
        pages = sorted({int(p) for p in re.findall(r'data-page="(\d+)"', "".join(shots))})
        where = f"（PDF 第 {'、'.join(map(str, pages))} 页）" if pages else ""
        bits.append(f'<details class="note crops"><summary>原文截图{where}</summary><div class="crops-grid">{"".join(shots)}</div></details>')
    if fix_url:
        bits.insert(0, fix_link(fix_url))  # first, floated to the cell's right edge
    return f'<td class="src">{"".join(bits)}</td>'
