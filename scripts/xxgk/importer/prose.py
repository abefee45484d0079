"""The report's prose: sections, sub-sections and paragraphs with their source lines; the figures it quotes.

Works on the lines of any document. What differs by source kind is data
about the kind, not code paths: a web page gives one block per line; a PDF
marks a new paragraph by indentation (the first word's position); OCR text by
a short line ending in 。. Lines that belong to a printed table are left out.
Each repair of OCR damage is returned for the ledger, and the layout rules a
package uses (xxgk.text) are chosen by the source kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .. import ocrfix
from ..model import Template, cell_ref
from ..prose import LocalEdit, rebuild
from ..text import LAYOUT_RULES, fix_enclosed_numerals, label_norm
from .document import Document

SECTION = re.compile(r"^\s*([一二三四五六七八九十]+)\s*、")
SUBSECTION = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]+)\s*[）)]")
FOOTER = re.compile(r"^\s*[-－—]?\s*\d{1,3}\s*[-－—]?\s*$|^\s*第\s*\d+\s*页")
STAMP_DATE = re.compile(r"^\s*[(（]?\s*20\d\d\s*[+\-./年]\s*\d{1,2}\s*['’]?\s*月\s*\d{0,2}\s*$")
NUMERAL = "一二三四五六七八九十"
FIGURE = re.compile(r"(近|约|超过|逾)?(\d+(?:\.\d+)?)(万|亿)?(余|多|\+)?(人次|场次|批次|分钟|万元|件|条|场|个|人|次|篇|%|元|期|起|项|通|家|份|宗|套|名)")
CLAUSE_END = "，。；：、（）《》“”"

# The layout rules (xxgk.text.LAYOUT_RULES) each kind of source needs: OCR text needs all of them; a clean web page
# loses the spaces it inserts between Chinese characters and gets full-width punctuation next to Chinese characters
# (never inside a URL or between Latin letters and digits).
LAYOUT_BY_KIND = {"html": {"whitespace", "ascii-punctuation-cjk"}, "pdf-text": {"whitespace", "ascii-punctuation", "enclosed-numeral"},
                  "pdf-scan": None, "ocr-text": None, "text": None}
OCR_FIXES = ("pdf-scan", "ocr-text", "text")
OCR_RULES = {"enclosed-numeral", "ascii-punctuation", "whitespace"}  # the rules OCR text needs


def cn_number(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + NUMERAL.index(s[1]) + 1
    if s.endswith("十"):
        return (NUMERAL.index(s[0]) + 1) * 10
    if "十" in s:
        a, b = s.split("十")
        return (NUMERAL.index(a) + 1) * 10 + NUMERAL.index(b) + 1
    return NUMERAL.index(s) + 1


@dataclass
class ProseDraft:
    rows: list[list]  # prose.csv rows: id, section, subsection, kind, text, source_lines
    edits: list[tuple]  # (paragraph, line, source, published, kind, reason, evidence)
    layout_counts: dict
    rules: set[str]  # the layout rules used (their global ledger entries are written)
    notes: list[str] = field(default_factory=list)


def _lefts(doc: Document) -> dict[int, float]:
    """Left edge of each line of a PDF or scan (its first word), for paragraph indents."""
    out: dict[int, float] = {}
    for w in doc.words:
        if w.line is not None:
            out[w.line] = min(out.get(w.line, w.x0), w.x0)
    return out


def split_prose(doc: Document, exclude: set[int], agency: str = "", stop: int | None = None) -> ProseDraft:
    lines = doc.lines
    stop = min(stop or len(lines), len(lines))
    per_line = doc.kind == "html"
    rules = LAYOUT_BY_KIND.get(doc.kind)
    rules = set(OCR_RULES) if rules is None else set(rules)
    left_of = _lefts(doc)
    margin = min(left_of.values()) if left_of else 0
    widths = sorted(len(x.strip()) for x in lines[:stop] if len(x.strip()) > 8)
    full = widths[len(widths) * 3 // 4] if widths else 30
    blocks: list[dict] = []
    edits: list[tuple] = []
    notes = []
    section, subsection, started, para_end = "preamble", None, False, True
    if any(len(x) > 3000 for x in lines[:stop]):
        notes.append("原文把整篇报告放在很长的一行里（网页另存为文本时常见），正文无法按段落拆开；有网页原件时请用网页导入")
    for n in range(1, stop + 1):
        raw = lines[n - 1]
        s = fix_enclosed_numerals(raw).strip()
        if not s:
            continue
        heading = SECTION.match(s) and len(s) <= 40 and "。" not in s and len(re.findall(r"\d+", s)) < 3
        if n in exclude and not heading:
            para_end = True
            continue
        if (doc.kind != "html" and FOOTER.match(s)) or (doc.kind in OCR_FIXES and (
                STAMP_DATE.match(s) or (len(s) >= 4 and agency.startswith(s) and s != agency))):
            edits.append(("?", n, raw.strip(), "", "debris", "页码、页脚或公章文字混入正文，删除。", "版面杂散内容"))
            continue
        title = "".join((doc.title or "").split())
        if not started and len(s) <= 40 and (s == agency or ("年" in s and ("报告" in s or "政府信息公" in s))
                                             or (len(s) >= 4 and "".join(s.split()) in title)):
            continue  # the title lines (a title may run over two lines)
        started = True
        m_sec = SECTION.match(s)
        m_sub = SUBSECTION.match(s)
        current = int(section) if section.isdigit() else 0
        if (m_sec and len(s) <= 40 and "。" not in s and cn_number(m_sec.group(1)) > current
                and len(re.findall(r"\d+", s)) < 3):  # in order, and not a table row
            section = str(cn_number(m_sec.group(1)))
            subsection = None
            blocks.append({"kind": "section", "section": section, "subsection": None, "first": n, "last": n})
            para_end = True
            continue
        if s.startswith("附件"):
            blocks.append({"kind": "closing", "section": "closing", "subsection": None, "first": n, "last": n})
            para_end = True
            continue
        if m_sub and section != "preamble":
            subsection = cn_number(m_sub.group(1))
            if "。" not in s and len(s) <= 40:
                blocks.append({"kind": "subsection", "section": section, "subsection": subsection, "first": n, "last": n})
                para_end = True
                continue
            para_end = True
        indented = bool(left_of) and left_of.get(n, margin) > margin + 8
        if per_line or para_end or indented or not blocks or blocks[-1]["kind"] != "paragraph":
            blocks.append({"kind": "paragraph", "section": section, "subsection": subsection, "first": n, "last": n})
        else:
            blocks[-1]["last"] = n
        para_end = not left_of and s.endswith("。") and len(s) < 0.85 * full
    rows, totals = [], {r[0]: 0 for r in LAYOUT_RULES}
    local: list[tuple] = []
    for i, b in enumerate(blocks, 1):
        pid = f"p{i:03d}"
        b["id"] = pid
        for e in edits:
            if b["first"] <= e[1] <= b["last"]:
                local.append((pid,) + e[1:])
        for n in range(b["first"], b["last"] + 1):
            if any(x[1] == n and x[0] == pid for x in local):
                continue
            raw = lines[n - 1]
            fixed, fixes = _fix(raw.replace("⒛", "20"), doc.kind)
            if fixed == raw.replace("⒛", "20"):
                continue
            a = 0
            while a < min(len(raw), len(fixed)) and raw[a] == fixed[a]:
                a += 1
            z = 0
            while z < min(len(raw), len(fixed)) - a and raw[len(raw) - 1 - z] == fixed[len(fixed) - 1 - z]:
                z += 1
            src, pub = raw[a:len(raw) - z], fixed[a:len(fixed) - z]
            kinds = {f.kind for f in fixes}
            local.append((pid, n, src, pub, "fragment" if kinds == {"fragment"} else "glyph",
                          "；".join(dict.fromkeys(f.reason for f in fixes)), "OCR 易混字与碎片规则"))
    for b in blocks:
        mine = [LocalEdit(x[0], x[1], x[2], x[3]) for x in local if x[0] == b["id"]]
        text, counts = rebuild(lines, b["first"], b["last"], mine, rules)
        for k2, v in counts.items():
            totals[k2] += v
        if not text:
            continue
        rng = f"{b['first']}-{b['last']}" if b["last"] > b["first"] else str(b["first"])
        rows.append([b["id"], b["section"], b["subsection"] or "", b["kind"], text, rng])
    kept = {r[0] for r in rows}
    return ProseDraft(rows, [e for e in local if e[0] in kept], totals, rules, notes)


def _fix(text: str, kind: str):
    if kind in OCR_FIXES:
        return ocrfix.fix_prose(text)
    if kind == "pdf-text":
        return ocrfix.kangxi_radicals(text)
    return text, []


# --- figures quoted in the prose --------------------------------------------------------------------------

@dataclass
class Figure:
    paragraph: str
    sentence: str
    quote: str
    value: Decimal
    multiplier: str
    unit: str
    qualifier: str
    clause: str
    cells: list = field(default_factory=list)
    relation: str = ""


def find_figures(paragraphs: list[dict]) -> list[Figure]:
    out = []
    for p in paragraphs:
        if p["kind"] != "paragraph":
            continue
        text = p["text"]
        for m in FIGURE.finditer(text):
            if m.end() < len(text) and text[m.end()] in "年月日":
                continue
            start = max(text.rfind(ch, 0, m.start()) for ch in CLAUSE_END) + 1
            end = min([i for i in (text.find(ch, m.end()) for ch in "，。；") if i >= 0] or [len(text)])
            # the clause that names what is counted: before the figure (共收到申请70件) and after it (收到70件申请)
            after = text[m.end():end]
            out.append(Figure(p["id"], text[start:end], m.group(0), Decimal(m.group(2)), m.group(3) or "",
                              m.group(5), m.group(1) or m.group(4) or "", text[start:m.start()] + " " + after))
    return out


def _core(norm: str) -> str:
    return re.sub(r"(数量|数)$", "", norm)


def quoted_column(template: Template, table: str) -> str:
    """The column a prose figure repeats: a table's total column when it has one, else its first column."""
    cols = template.value_columns(table)
    return next((c["key"] for c in cols if c["key"] == "total"), cols[0]["key"])


UNIT_OK = {"件": {"件"}, "起": {"件"}, "份": {"件"}, "宗": {"件"}, "条": {"条"}, "场": {"次"}, "场次": {"次"}, "次": {"次"}, "篇": {"篇"}, "个": {"个"},
           "人": {"人"}, "人次": {"人次"}, "万元": {"万元"}, "元": {"元"}, "项": {"项", "件"}}


def link_figures(template: Template, figures: list[Figure], cells: dict | None = None, crosswalk=None) -> None:
    """Attach each exact figure to what its clause names: one template row (in the column the clause names), or a
    crosswalk concept whose cells add up to it (行政诉讼 = 未经复议直接起诉 + 复议后起诉). Rows this report does not print
    are not linked; an absent group row is linked through its printed parts."""
    from rapidfuzz import fuzz

    cells = cells or {}

    def printed(c):
        return c not in cells or cells[c].state != "absent"

    for f in figures:
        if f.qualifier or f.multiplier or not f.clause.strip():
            continue
        clause = label_norm(f.clause)
        scored = []
        for r in template.rows:
            if r["kind"] != "item" or r["unit"] not in UNIT_OK.get(f.unit, set()):
                continue
            for name in [r["label_norm"], *[v["label_norm"] for v in template.labels
                                             if v["table"] == r["table"] and v["target"] == r["key"]]]:
                core = _core(name)
                if len(core) >= 2:
                    scored.append((fuzz.partial_ratio(core, clause), len(core), "row", r))
        if crosswalk is not None:
            for c in crosswalk.concepts:
                refs = crosswalk.cells_for(c["concept"], template.id)
                rows = [template.row(t, r) for t, r, _ in refs]
                if len(refs) < 2 or any(x is None or x["unit"] not in UNIT_OK.get(f.unit, set()) for x in rows):
                    continue
                core = _core(label_norm(re.sub(r"[（(].*?[）)]", "", c["label"])))
                if len(core) >= 2:
                    scored.append((fuzz.partial_ratio(core, clause), len(core), "concept", refs))
        # a row named by the clause comes first; a concept (a sum of cells) only when no row is named
        scored.sort(key=lambda x: (-(x[0] >= 90), x[2] != "row", -x[0], -x[1]))
        rivals = [x for x in scored[1:] if x[0] == scored[0][0] and x[1] == scored[0][1] and x[2] == scored[0][2]
                  and x[3] is not scored[0][3]] if scored else []
        if not scored or scored[0][0] < 90 or rivals:
            continue
        _, _, kind, what = scored[0]
        if kind == "concept":
            refs = [c for c in what if printed(c)]
            if refs:
                f.cells, f.relation = refs, "sum" if len(refs) > 1 else ""
            continue
        cell = (what["table"], what["key"], named_column(template, what["table"], f.clause))
        if printed(cell):
            f.cells = [cell]
            continue
        parts = _printed_parts(template, cell, printed)
        if parts:
            f.cells, f.relation = parts, "sum"


def _printed_parts(template: Template, cell, printed) -> list:
    """The printed cells an absent group cell is the sum of (by an equal rule whose only total it is)."""
    from ..rules import expand, within_rules

    for rule in within_rules(template):
        if rule["kind"] != "equal":
            continue
        for _, total, parts in expand(template, rule):
            if total == [cell] and all(printed(p) for p in parts):
                return parts
    return []


def named_column(template: Template, table: str, clause: str) -> str:
    """The column a clause names (现行有效…393件 names 现行有效件数), else the column prose usually quotes."""
    from rapidfuzz import fuzz

    cols = template.value_columns(table)
    if len(cols) > 1:
        norm = label_norm(clause)
        scored = sorted(((fuzz.partial_ratio(re.sub(r"(件数|数量|数)$", "", c["label_norm"]), norm), c["key"]) for c in cols
                         if len(c["label_norm"]) >= 4), reverse=True)
        if scored and scored[0][0] >= 80 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            return scored[0][1]
    return quoted_column(template, table)


def check_against_prose(figures: list[Figure], cells: dict) -> list[str]:
    """Figures that disagree with the values read: said for a person. The link stays, so that once the link is
    confirmed the validator reports the contradiction as a source finding; a wrong link is for a person to remove."""
    from ..model import fmt

    out = []
    for f in figures:
        vals = [cells[c].value for c in f.cells if c in cells]
        if not f.cells or None in vals or len(vals) != len(f.cells):
            continue
        total = sum(vals, Decimal(0))
        if total == f.value:
            continue
        where = " + ".join(cell_ref(c) for c in f.cells)
        if any(cells[c].state != "printed" for c in f.cells):
            # the table side is our own reading (derived or corrected): the link cannot stand as a finding
            out.append(f"正文“{f.sentence}”（{f.quote}）与统计表 {where} 推算或校正的值 {fmt(total)} 不一致，已取消这一对应，请核对")
            f.cells, f.relation = [], ""
        else:
            out.append(f"正文“{f.sentence}”（{f.quote}）与统计表 {where} 的 {fmt(total)} 不一致："
                       "若对应无误，这是原报告自相矛盾（照原文发布，校验会列为原文问题）；若对应错了，删去 figures.csv 中它的 cells")
    return out


def fill_from_prose(figures: list[Figure], cells: dict) -> None:
    """An empty cell that a prose figure states exactly is derived from the prose."""
    for f in figures:
        if len(f.cells) != 1 or f.cells[0] not in cells or f.relation:
            continue
        cell = cells[f.cells[0]]
        if cell.value is None and not cell.source and cell.state != "absent":
            cell.value, cell.state = f.value, "derived"
            cell.note = f"原文此格为空。取自正文“{f.sentence}”。"
            cell.ledger = ("derived-prose", cell.note, f"正文：{f.sentence}")
            cell.flag = ""
