"""`xxgk import`: draft a report package from its PDF or OCR text, repaired by the template's arithmetic.

Load inputs: the source (a PDF through pdfplumber, or a text file as it is) and
the template. Process data: split the prose from the tables, repair OCR damage
(each repair recorded for the ledger), match printed rows to the template by
their labels and order, read the values, and let the rules and the prose fill
or repair what they can; what they cannot stays missing and goes to the review
list. Save outputs: a package in the usual shape that `xxgk validate` accepts,
and review.md for a person.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from .. import model, ocrfix, paths
from ..model import Template, cell_ref, fmt
from ..prose import LAYOUT_SIGNATURES, LocalEdit, rebuild
from ..rules import BROKEN, evaluate, expand
from ..text import LAYOUT_RULES, fix_enclosed_numerals, label_norm

UNITS = ["人次", "万元", "条", "件", "次", "篇", "个", "人"]
UNIT_FIXES = {"万亓": "万元", "人次": "人次"}
NOISE = re.compile(r"^[/,，~`'.·|\-—]+$")
SECTION = re.compile(r"^\s*([一二三四五六七八九十]+)\s*、")
SUBSECTION = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]+)\s*[）)]")
FOOTER = re.compile(r"^\s*[-－—]?\s*\d{1,3}\s*[-－—]?\s*$|^\s*第\s*\d+\s*页")
STAMP_DATE = re.compile(r"^\s*[(（]?\s*20\d\d\s*[+\-./年]\s*\d{1,2}\s*['’]?\s*月\s*\d{0,2}\s*$")
NUMERAL = "一二三四五六七八九十"
FIGURE = re.compile(r"(近|约|超过|逾)?(\d+(?:\.\d+)?)(万|亿)?(余|多|\+)?(件|条|场|个|人次|人|次|篇|%|元|期)")
CLAUSE_END = "，。；：、（）《》“”"


class ImportError_(model.UserError):
    """The source cannot be imported; the message says what to do."""


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


# --- reading the source -------------------------------------------------------------

@dataclass
class Source:
    path: Path
    kind: str  # ocr-text | pdf-text
    text: str
    tables: list = field(default_factory=list)  # pdfplumber tables, for a PDF
    lines_x: list = field(default_factory=list)  # left edge of each text line, for a PDF

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def read_source(path: Path, ocr: bool = False) -> Source:
    if not path.is_file():
        raise ImportError_(f"找不到文件 {path}")
    if path.suffix.lower() == ".pdf":
        from ..pdftext import NoTextLayer, extract_tables, extract_text

        try:
            text = extract_text(path)
        except NoTextLayer:
            raise ImportError_(
                f"{path.name} 没有文字层（是扫描件），需要先做 OCR。可以用 Debian 的 tesseract-ocr 与 tesseract-ocr-chi-sim："
                f"先用 pdftoppm -r 300 -png {path.name} page 把每页转成图片，再逐页运行 tesseract page-1.png page-1 -l chi_sim，"
                "把得到的文字合成一个 .txt 文件后，用 xxgk import 导入这个 .txt 文件。") from None
        return Source(path, "pdf-text", text, extract_tables(path), _line_lefts(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ImportError_(f"{path.name} 不是 UTF-8 文本；请先转成 UTF-8（例如 iconv -f GB18030 -t UTF-8）") from None
    return Source(path, "ocr-text", text)


def _line_lefts(path: Path) -> list[float]:
    """x0 of each text line, in the same order as extract_text's lines (for paragraph indents)."""
    import pdfplumber

    out = []
    with pdfplumber.open(str(path)) as doc:
        for page in doc.pages:
            lines = page.extract_text_lines() or []
            out += [ln["x0"] for ln in lines]
    return out


# --- format A: rows of label, unit, value in OCR text ------------------------------------

@dataclass
class SourceRow:
    line: int
    label: str
    unit: str
    tokens: list[str]


def _split_unit(text: str) -> tuple[str, str, list[str]] | None:
    tokens = text.split()
    for i in range(len(tokens) - 1, -1, -1):
        for width in (2, 1):
            joined = "".join(tokens[i:i + width])
            unit = UNIT_FIXES.get(joined, joined)
            if unit in UNITS and i > 0:
                return " ".join(tokens[:i]), unit, tokens[i + width:]
    return None


def table_region_a(lines: list[str]) -> int:
    """First line of the attached statistics table (0-based): the line 附件, or the table's title."""
    for i, line in enumerate(lines):
        s = line.strip()
        if s == "附件" or (s.endswith("统计表") and not s.startswith("附件")):
            return i
    return len(lines)


def parse_rows_a(lines: list[str], start: int) -> list[SourceRow]:
    rows: list[SourceRow] = []
    for i in range(start, len(lines)):
        s = lines[i].strip()
        if not s or s.startswith(("(注", "（注")):
            continue
        split = _split_unit(s)
        if split:
            label, unit, values = split
            rows.append(SourceRow(i + 1, label, unit, values))
        elif rows and len(s) <= 3 and not re.search(r"[\u4e00-\u9fff]", s.replace("乙", "")):
            rows[-1].tokens.append(s)  # a value fragment on its own line
        else:
            rows.append(SourceRow(i + 1, s, "", []))
    return rows


def _similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) / 100


def align(rows: list[SourceRow], trows: list[dict]) -> dict[int, tuple[dict, str]]:
    """Match source rows to template rows in order (dynamic programming on label similarity),
    then pair leftover rows with a unit to leftover template items by position between anchors."""
    n, m = len(rows), len(trows)
    norms = [label_norm(fix_enclosed_numerals(r.label)) for r in rows]

    def score(i, j):
        t = trows[j]
        s = _similarity(norms[i], t["label_norm"])
        if rows[i].unit and t["kind"] == "item":
            s += 0.15 if rows[i].unit == t["unit"] else -0.2
        elif rows[i].unit and t["kind"] == "heading":
            s -= 0.3
        return s if s >= 0.5 else 0.0

    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            sc = score(i, j)
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + sc if sc else 0.0)
    matched: dict[int, tuple[dict, str]] = {}
    i = j = 0
    while i < n and j < m:
        sc = score(i, j)
        if sc and best[i][j] == best[i + 1][j + 1] + sc:
            matched[i] = (trows[j], "label")
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    # positional pairing between anchors
    anchors = [(-1, -1)] + sorted((i, trows.index(t)) for i, (t, _) in matched.items()) + [(n, m)]
    for (i0, j0), (i1, j1) in zip(anchors, anchors[1:]):
        free_s = [i for i in range(i0 + 1, i1) if rows[i].unit]
        free_t = [j for j in range(j0 + 1, j1) if trows[j]["kind"] == "item"]
        if free_s and len(free_s) == len(free_t):
            for i, j in zip(free_s, free_t):
                if rows[i].unit == trows[j]["unit"]:
                    matched[i] = (trows[j], "position")
    return matched


# --- cells ------------------------------------------------------------------------------

@dataclass
class Cell:
    value: Decimal | None = None
    state: str = "missing"
    line: int | None = None
    source: str = ""
    note: str = ""
    flag: str = ""  # why a person should look
    ledger: tuple | None = None  # (kind, reason, evidence)


def read_cells_a(source: Source, template: Template) -> tuple[dict, list[str]]:
    lines = source.lines
    table = template.tables[0]["key"]
    col = template.value_columns(table)[0]["key"]
    rows = parse_rows_a(lines, table_region_a(lines))
    matched = align(rows, template.table_rows(table))
    cells = {c: Cell() for c in template.cells()}
    review = []
    for i, (trow, how) in sorted(matched.items()):
        if trow["kind"] != "item":
            continue
        r = rows[i]
        key = (table, trow["key"], col)
        cell = cells[key]
        cell.line, cell.source = r.line, " ".join(r.tokens)
        numbers = [t for t in r.tokens if not NOISE.match(t)]
        noise = [t for t in r.tokens if NOISE.match(t)]
        if not r.tokens:
            cell.flag = "原文此格为空"
        elif len(numbers) == 1:
            cell.source = numbers[0]
            value, read = ocrfix.read_number(numbers[0])
            if read == "printed":
                cell.value, cell.state = Decimal(value), "printed"
                if noise:
                    cell.note = f"同一格旁有杂散符号“{' '.join(noise)}”，不计入数值。"
            elif read == "confusion":
                cell.value, cell.state = Decimal(value), "corrected"
                cell.note = f"原文为“{numbers[0]}”，是数字“{value}”的 OCR 误识（数字位置）。"
                cell.ledger = ("glyph", cell.note, f"OCR 易混字：{numbers[0]} → {value}")
            else:
                cell.flag = f"原文“{numbers[0]}”无法读出" + _candidates(numbers[0])
        else:
            cell.flag = f"原文“{cell.source}”分散或损坏，无法读出" + _candidates("".join(numbers))
        if how == "position":
            cell.note = (cell.note + " " if cell.note else "") + f"原文第 {r.line} 行的标签损坏，按行序对应到此行。"
    for t in template.table_rows(table):
        if t["kind"] == "item" and cells[(table, t["key"], col)].line is None:
            cells[(table, t["key"], col)].flag = "原文中找不到这一行"
    return cells, review


def _candidates(token: str) -> str:
    readings = ocrfix.confusable_readings(token)
    return f"（按易混字可读作 {'、'.join(readings)}，但无法确认）" if readings else ""


def read_cells_b(source: Source, template: Template) -> dict:
    """A PDF's tables: rows matched by label; a row of numbers without a label fills a whole template table."""
    cells = {c: Cell() for c in template.cells()}
    by_norm = {}
    for r in template.rows:
        by_norm.setdefault(r["label_norm"], []).append(r)
    lines = source.lines
    number = re.compile(r"^\d+(\.\d+)?$")

    def line_of(tokens: list[str], label: str = "") -> int | None:
        want = " ".join(tokens)
        for n, text in enumerate(lines, 1):
            if want in text and (not label or label_norm(label)[:2] in label_norm(text) or len(tokens) > 3):
                return n
        return None

    for table in source.tables:
        for raw in table:
            vals = [c.strip() for c in raw if c and number.match(c.strip())]
            labels = [c for c in raw if c and not number.match(c.strip())]
            if not vals:
                continue
            if labels:
                norm = label_norm(labels[-1])
                rows = by_norm.get(norm) or _fuzzy_rows(template, norm)
                if len(rows) != 1:
                    continue
                row = rows[0]
                cols = template.value_columns(row["table"])
                if len(cols) != len(vals):
                    continue
                ln = line_of(vals, labels[-1])
                for col, v in zip(cols, vals):
                    c = cells[(row["table"], row["key"], col["key"])]
                    c.value, c.state, c.line, c.source = Decimal(v), "printed", ln, v
            else:  # a table printed as one line of numbers (table 四): fill the template table of that size
                for t in template.tables:
                    tcells = [c for c in template.cells() if c[0] == t["key"]]
                    if len(tcells) == len(vals) and all(cells[c].value is None for c in tcells):
                        ln = line_of(vals)
                        for c, v in zip(tcells, vals):
                            cells[c].value, cells[c].state, cells[c].line, cells[c].source = Decimal(v), "printed", ln, v
                        break
    for c, cell in cells.items():
        if cell.value is None:
            cell.flag = "PDF 的表格中找不到这一格"
    return cells


def read_cells_b_text(source: Source, template: Template) -> dict:
    """Format B from text (pdftotext or OCR of a PDF): a line ending in as many numbers as a table has
    columns is a row; its label is the text on the line, or, when that is not enough, the label
    fragments printed on the lines just above and below (wrapped labels)."""
    from rapidfuzz import fuzz

    cells = {c: Cell() for c in template.cells()}
    lines = source.lines
    tail = re.compile(r"((?:\s+|^)\d+(?:\.\d+)?)+\s*$")
    width = {t["key"]: len(template.value_columns(t["key"])) for t in template.tables}
    filled = set()

    def text_only(n):
        if 1 <= n <= len(lines):
            t = lines[n - 1].strip()
            if t and not tail.search(t):
                return t
        return ""

    for n, line in enumerate(lines, 1):
        m = tail.search(line)
        if not m:
            continue
        nums = m.group(0).split()
        label = line[:m.start()].strip()
        fitting = [t for t, w in width.items() if w == len(nums)]
        if not fitting:
            # one line holding a whole table (table 四: 15 numbers)
            for t in template.tables:
                tcells = [c for c in template.cells() if c[0] == t["key"]]
                if len(tcells) == len(nums) and not filled & set(tcells):
                    for c, v in zip(tcells, nums):
                        cells[c].value, cells[c].state, cells[c].line, cells[c].source = Decimal(v), "printed", n, v
                    filled |= set(tcells)
            continue
        best = None
        around = [label] + ["".join(text_only(k) for k in range(n - back, n)) + label + text_only(n + 1) for back in (1, 2, 3)]
        for candidate in around:
            norm = label_norm(fix_enclosed_numerals(candidate))
            if not norm:
                continue
            scored = sorted(((fuzz.partial_ratio(r["label_norm"], norm) if len(r["label_norm"]) <= len(norm)
                              else fuzz.ratio(r["label_norm"], norm), len(r["label_norm"]), r)
                             for r in template.rows if r["kind"] == "item" and r["table"] in fitting
                             and not any((r["table"], r["key"], c["key"]) in filled for c in template.value_columns(r["table"]))),
                            key=lambda x: (-x[0], -x[1]))
            if scored and scored[0][0] >= 90 and (len(scored) == 1 or scored[1][0] < scored[0][0] or scored[1][1] < scored[0][1]):
                best = scored[0][2]
                break
        if best is None:
            continue
        for col, v in zip(template.value_columns(best["table"]), nums):
            c = (best["table"], best["key"], col["key"])
            cells[c].value, cells[c].state, cells[c].line, cells[c].source = Decimal(v), "printed", n, v
            filled.add(c)
    for c, cell in cells.items():
        if cell.value is None:
            cell.flag = "文本中找不到这一格"
    return cells


def _fuzzy_rows(template: Template, norm: str) -> list[dict]:
    scored = sorted(((_similarity(norm, r["label_norm"]), r) for r in template.rows if r["kind"] == "item"),
                    key=lambda x: -x[0])
    if scored and scored[0][0] >= 0.85 and (len(scored) == 1 or scored[1][0] < scored[0][0] - 0.1):
        return [scored[0][1]]
    return []


# --- repairs by the rules and the prose --------------------------------------------------

def _instances(template: Template):
    return [(rule, total, parts) for rule in template.rules for _, total, parts in expand(template, rule)]


def derive_by_rules(template: Template, cells: dict, evidence: str = "") -> None:
    """A single unknown in an equality is derived (repeated until nothing changes)."""
    changed = True
    while changed:
        changed = False
        for rule, total, parts in _instances(template):
            if rule["kind"] != "equal" or rule["severity"] != "strict":
                continue
            unknown = [c for c in total + parts if cells[c].value is None]
            if len(unknown) != 1:
                continue
            u = unknown[0]
            lt = sum((cells[c].value for c in total if c != u), Decimal(0))
            rt = sum((cells[c].value for c in parts if c != u), Decimal(0))
            value = rt - lt if u in total else lt - rt
            if value < 0:
                continue
            cell = cells[u]
            expr = f"{rule['id']}：{rule['label']}"
            readings = ocrfix.confusable_readings(cell.source) if cell.source else []
            if cell.source and fmt(value) in readings:
                cell.state = "corrected"
                cell.note = f"原文为“{cell.source}”，按易混字读作 {fmt(value)}，正好使规则 {rule['id']} 成立。"
                cell.ledger = ("glyph", cell.note, expr)
            else:
                cell.state = "derived"
                cell.note = (f"原文{'为“' + cell.source + '”，无法读出' if cell.source else '此格为空'}。"
                             f"按规则 {rule['id']} 推算：{rule['label']}。")
                cell.ledger = ("derived-rule", cell.note, expr + (f"；{evidence}" if evidence else ""))
            cell.value, cell.flag = value, ""
            changed = True


def pinpoint(template: Template, cells: dict) -> list[str]:
    """A printed value that breaks one equality along its row and another along its column: the cell
    the two share is recomputed from one of them and kept only if no rule is broken by it. Repeated
    while it helps, so independent errors are each found; what stays broken is flagged, not guessed."""
    notes = []
    for _ in range(len(cells)):
        values = {c: x.value for c, x in cells.items()}
        broken = [r for r in evaluate(template, values) if r.status == BROKEN and r.rule["kind"] == "equal"]
        fixed = False
        for a in broken:
            for b in broken:
                common = set(a.cells()) & set(b.cells())
                if a is b or len(common) != 1:
                    continue
                (target,) = common
                if cells[target].state != "printed":
                    continue
                lt = sum((values[c] for c in a.total if c != target), Decimal(0))
                rt = sum((values[c] for c in a.parts if c != target), Decimal(0))
                value = rt - lt if target in a.total else lt - rt
                trial = dict(values)
                trial[target] = value
                after = {r.id for r in evaluate(template, trial) if r.status == BROKEN}
                before = {r.id for r in broken}
                if value >= 0 and a.id not in after and b.id not in after and after <= before:
                    cell = cells[target]
                    cell.note = (f"原文为“{cell.source}”，它使规则 {a.id} 与 {b.id} 同时不成立，两者只共有这一格；"
                                 f"按规则更正为 {fmt(value)}。")
                    cell.ledger = ("glyph", cell.note, f"规则 {a.id}、{b.id} 交于这一格")
                    cell.value, cell.state = value, "corrected"
                    cell.flag = f"按规则 {a.id}、{b.id} 更正（原文“{cell.source}”），请核对原文"
                    fixed = True
                    break
            if fixed:
                break
        if not fixed:
            break
    values = {c: x.value for c, x in cells.items()}
    for r in evaluate(template, values):
        if r.status == BROKEN:
            notes.append(f"规则 {r.id} 不成立（{r.explain(values)}），无法确定是哪一格有误")
            for c in r.cells():
                if cells[c].state == "printed" and not cells[c].flag:
                    cells[c].flag = f"规则 {r.id} 不成立，这一格可能有误"
    return notes


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
            if m.group(5) == "年" or (m.end() < len(text) and text[m.end()] in "年月日"):
                continue
            start = max(text.rfind(ch, 0, m.start()) for ch in CLAUSE_END) + 1
            end = min([i for i in (text.find(ch, m.end()) for ch in "，。；") if i >= 0] or [len(text)])
            q1 = m.group(1) or ""
            q2 = m.group(4) or ""
            out.append(Figure(p["id"], text[start:end], m.group(0), Decimal(m.group(2)), m.group(3) or "",
                              m.group(5), q1 or q2, text[start:m.start()]))
    return out


def _core(label_norm_: str) -> str:
    return re.sub(r"(数量|数)$", "", label_norm_)


def link_figures(template: Template, figures: list[Figure], cells: dict) -> None:
    """Attach each exact figure to the one template row its clause names (one value column only)."""
    from rapidfuzz import fuzz

    unit_ok = {"件": {"件"}, "条": {"条"}, "场": {"次"}, "次": {"次"}, "篇": {"篇"}, "个": {"个"}, "人": {"人"}}
    for f in figures:
        if f.qualifier or f.multiplier or not f.clause:
            continue
        scored = []
        for r in template.rows:
            if r["kind"] != "item" or r["unit"] not in unit_ok.get(f.unit, set()):
                continue
            cols = template.value_columns(r["table"])
            core = _core(r["label_norm"])
            if len(core) < 3:
                continue
            scored.append((fuzz.partial_ratio(core, label_norm(f.clause)), r, cols[-1]["key"]))
        scored.sort(key=lambda x: -x[0])
        if scored and scored[0][0] >= 85 and (len(scored) == 1 or scored[1][0] < scored[0][0] - 5):
            _, r, col = scored[0]
            f.cells = [(r["table"], r["key"], col)]


def fill_from_prose(template: Template, figures: list[Figure], cells: dict) -> None:
    """An empty cell that a prose figure states exactly is derived from the prose."""
    for f in figures:
        if len(f.cells) != 1:
            continue
        cell = cells[f.cells[0]]
        if cell.value is None and not cell.source:
            cell.value, cell.state = f.value, "derived"
            cell.note = f"原文此格为空。取自正文“{f.sentence}”。"
            cell.ledger = ("derived-prose", cell.note, f"正文：{f.sentence}")
            cell.flag = ""


def check_against_prose(figures: list[Figure], cells: dict) -> list[str]:
    out = []
    for f in figures:
        for c in f.cells:
            if cells[c].value is not None and cells[c].value != f.value:
                out.append(f"正文“{f.sentence}”与统计表 {cell_ref(c)} 的 {fmt(cells[c].value)} 不一致")
                f.cells = []
    return out


def revert_broken(template: Template, cells: dict) -> None:
    """A derived or corrected value that leaves a rule broken is withdrawn: missing, for a person."""
    values = {c: x.value for c, x in cells.items()}
    for r in evaluate(template, values):
        if r.status != BROKEN:
            continue
        for c in r.cells():
            cell = cells[c]
            if cell.state in ("derived", "corrected"):
                cell.value, cell.state, cell.ledger = None, "missing", None
                cell.flag = f"推算或校正的值使规则 {r.id} 不成立，已撤回"


# --- prose --------------------------------------------------------------------------------

@dataclass
class ProseDraft:
    rows: list[list]
    edits: list[tuple]  # (target, line, source, published, kind, reason, evidence)
    layout_counts: dict


def split_prose(source: Source, template: Template, agency: str) -> ProseDraft:
    lines = source.lines
    stop = table_region_a(lines) if source.kind == "ocr-text" else len(lines)
    table_sections = {s["key"] for s in template.sections} if source.kind == "pdf-text" else set()
    blocks: list[dict] = []  # {kind, section, subsection, first, last}
    edits: list[tuple] = []
    section, subsection, skipping, started = "preamble", None, False, False
    lefts = source.lines_x if len(source.lines_x) == len([x for x in lines if x.strip()]) else []
    left_of = {}
    k = 0
    for n, text in enumerate(lines, 1):
        if text.strip():
            if lefts:
                left_of[n] = lefts[k]
            k += 1
    margin = min(left_of.values()) if left_of else 0
    widths = sorted(len(x.strip()) for x in lines[:stop] if len(x.strip()) > 8)
    full = widths[len(widths) * 3 // 4] if widths else 30
    para_end = True
    for n in range(1, stop + 1):
        raw = lines[n - 1]
        s = fix_enclosed_numerals(raw).strip()
        if not s:
            continue
        if FOOTER.match(s) or STAMP_DATE.match(s) or (len(s) >= 4 and agency.startswith(s) and s != agency):
            edits.append(("?", n, raw.strip(), "", "debris", "页码、页脚或公章文字混入正文，删除。", "版面杂散内容"))
            continue
        if not started and len(s) <= 30 and (s == agency or ("年" in s and ("报告" in s or "政府信息公" in s))):
            continue  # the title lines
        started = True
        m_sec = SECTION.match(s)
        m_sub = SUBSECTION.match(s)
        current = int(section) if section.isdigit() else 0
        if (m_sec and len(s) <= 40 and "。" not in s and cn_number(m_sec.group(1)) > current
                and len(re.findall(r"\d+", s)) < 3):  # in order, and not a table row
            section = str(cn_number(m_sec.group(1)))
            subsection = None
            skipping = int(section) in table_sections
            blocks.append({"kind": "section", "section": section, "subsection": None, "first": n, "last": n})
            para_end = True
            continue
        if skipping:
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
        if para_end or indented or not blocks or blocks[-1]["kind"] != "paragraph":
            blocks.append({"kind": "paragraph", "section": section, "subsection": subsection, "first": n, "last": n})
        else:
            blocks[-1]["last"] = n
        para_end = not left_of and s.endswith("。") and len(s) < 0.85 * full
    # debris inside a paragraph belongs to it; debris outside any block is dropped silently
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
            fixed, fixes = ocrfix.fix_prose(raw.replace("⒛", "20"))
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
        text, counts = rebuild(lines, b["first"], b["last"], mine)
        for k2, v in counts.items():
            totals[k2] += v
        if not text:
            continue
        rng = f"{b['first']}-{b['last']}" if b["last"] > b["first"] else str(b["first"])
        rows.append([b["id"], b["section"], b["subsection"] or "", b["kind"], text, rng])
    return ProseDraft(rows, local, totals)


# --- the package ---------------------------------------------------------------------------

_csv_text, _header = model.csv_text, model.schema_header


@dataclass
class Draft:
    folder: Path
    cells: dict
    prose: list
    review: list[str]


def import_report(source_path: Path, template_id: str, report_id: str, out_dir: Path, agency: str = "",
                  region_code: str = "", region: str = "", title: str = "") -> Draft:
    # Load inputs.
    template = model.template_by_id(template_id)
    if template is None:
        raise ImportError_(f"模板“{template_id}”不存在；可用的模板：{', '.join(p.name for p in model.template_folders())}")
    m = re.fullmatch(r"([0-9]{6})-([a-z0-9-]+)-(\d{4})", report_id)
    if not m:
        raise ImportError_(f"报告编号“{report_id}”应为“行政区划代码-机构简称-年度”，例如 370000-hrss-2018")
    region_code = region_code or m.group(1)
    year = int(m.group(3))
    source = read_source(source_path)

    # Process data.
    prose = split_prose(source, template, agency)
    paragraphs = [dict(zip(["id", "section", "subsection", "kind", "text", "source_lines"], r)) for r in prose.rows]
    figures = find_figures(paragraphs)
    matrix = any(len(template.value_columns(t["key"])) > 1 for t in template.tables)
    if matrix and source.kind == "pdf-text":
        cells = read_cells_b(source, template)
    elif matrix:
        cells = read_cells_b_text(source, template)
    else:
        cells, _ = read_cells_a(source, template)
    link_figures(template, figures, cells)
    review = check_against_prose(figures, cells)
    fill_from_prose(template, figures, cells)
    derive_by_rules(template, cells)
    review += pinpoint(template, cells)
    derive_by_rules(template, cells)
    revert_broken(template, cells)
    for c, cell in cells.items():
        if cell.value is None and not cell.flag:
            cell.flag = "缺失"

    # Save outputs.
    folder = out_dir / report_id
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    src_name = "source.pdf" if source.kind == "pdf-text" else "source.txt"
    shutil.copyfile(source_path, folder / src_name)
    if source.kind == "pdf-text":
        (folder / "source.txt").write_text(source.text, encoding="utf-8")
    title = title or f"{agency or '（机构）'}{year}年政府信息公开工作年度报告"
    files = {
        "report.csv": _csv_text(_header("report"), [[f"{m.group(1)}-{m.group(2)}", agency or "（待填写）", region_code,
                                                     region or "（待填写）", year, "", template_id, title, source.kind, ""]]),
        "statistics.csv": _csv_text(_header("statistics"), [
            [*c, fmt(x.value), x.state, x.line or "", x.source, x.note.strip()] for c, x in cells.items()]),
        "prose.csv": _csv_text(_header("prose"), prose.rows),
    }
    fig_rows = []
    for i, f in enumerate(figures, 1):
        fig_rows.append([f"f{i:03d}", f.paragraph, f.sentence, f.quote, fmt(f.value), f.multiplier, f.unit, f.qualifier,
                         " ".join(cell_ref(c) for c in f.cells), "", ""])
    files["figures.csv"] = _csv_text(_header("figures"), fig_rows)
    ledger = []
    for rid, (s, p) in LAYOUT_SIGNATURES.items():
        if prose.layout_counts.get(rid):
            desc = next(r[1] for r in LAYOUT_RULES if r[0] == rid)
            ledger.append(["prose", "*", "", s, p, "glyph" if rid == "enclosed-numeral" else "layout", desc,
                           "排版规则（xxgk.text.LAYOUT_RULES）", prose.layout_counts[rid]])
    for pid, n, s, p, kind, reason, ev in prose.edits:
        ledger.append(["prose", pid, n, s, p, kind, reason, ev, 1])
    for c, x in cells.items():
        if x.state in ("corrected", "derived") and x.ledger:
            kind, reason, ev = x.ledger
            ledger.append(["statistics", cell_ref(c), x.line or "", x.source, fmt(x.value), kind, reason, ev, 1])
        elif x.state == "missing" and x.source:
            ledger.append(["statistics", cell_ref(c), x.line or "", x.source, "", "unreadable", x.flag or "无法读出",
                           "无法读出；没有规则或正文能确定读数", 1])
    files["corrections.csv"] = _csv_text(_header("corrections"), [[f"c{i:03d}", *e] for i, e in enumerate(ledger, 1)])
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    resources = [{"name": n, "path": f"{n}.csv", "encoding": "utf-8", "schema": "../../schemas/" + f"{n}.schema.json"}
                 for n in ("report", "statistics", "prose", "figures", "corrections")]
    data = (folder / src_name).read_bytes()
    resources.append({"name": "source", "path": src_name, "format": src_name.split(".")[1], "bytes": len(data),
                      "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                      **({"encoding": "utf-8"} if src_name.endswith(".txt") else {})})
    if source.kind == "pdf-text":
        from ..pdftext import method

        tdata = (folder / "source.txt").read_bytes()
        resources.append({"name": "source_text", "path": "source.txt", "format": "txt", "encoding": "utf-8",
                          "description": f"Extracted from source.pdf with {method()}.", "bytes": len(tdata),
                          "hash": "sha256:" + hashlib.sha256(tdata).hexdigest()})
    descriptor = {"title": title, "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
                  "contributors": [{"title": "xxgk import (draft, to be reviewed)", "role": "curator"}],
                  "resources": resources}
    (folder / "datapackage.yaml").write_text("# Draft written by xxgk import: see review.md\n"
                                             + yaml.safe_dump(descriptor, allow_unicode=True, sort_keys=False), encoding="utf-8")
    flagged = [f"- `{cell_ref(c)}`（{template.row(c[0], c[1])['label']}）：{x.flag}"
               + (f"；原文第 {x.line} 行“{x.source}”" if x.line else "") for c, x in cells.items() if x.flag]
    lines = [f"# 待人工核对：{report_id}", "", f"- 统计单元格 {len(cells)} 个：原文 {sum(x.state == 'printed' for x in cells.values())}，"
             f"校正 {sum(x.state == 'corrected' for x in cells.values())}，推算 {sum(x.state == 'derived' for x in cells.values())}，"
             f"缺失 {sum(x.state == 'missing' for x in cells.values())}", f"- 正文 {len(prose.rows)} 段", "", "## 需要核对的单元格", ""]
    lines += flagged or ["（无）"]
    if review:
        lines += ["", "## 正文与统计表、规则的问题", ""] + [f"- {r}" for r in review]
    (folder / "review.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Draft(folder, cells, prose.rows, flagged + review)


# --- evaluation ----------------------------------------------------------------------------

def evaluate_against_curated(work: Path) -> list[dict]:
    """Import every curated report's source again and compare, per report and table, with data/."""
    import time

    (work / "data").mkdir(parents=True, exist_ok=True)
    for name in ("schemas", "templates"):
        if not (work / "data" / name).exists():
            shutil.copytree(paths.DATA / name, work / "data" / name)
    results = []
    for folder in model.report_folders():
        rep = model.load_report(folder)
        meta = rep.meta
        start = time.perf_counter()
        draft = import_report(rep.source_path, meta["template"], rep.id, work / "data" / "reports", agency=meta["agency"],
                              region_code=meta["region_code"], region=meta["region"], title=meta["title"])
        seconds = time.perf_counter() - start
        curated = rep.values()
        by_table: dict[str, dict] = {}
        for c, row in curated.items():
            t = by_table.setdefault(c[0], {"cells": 0, "right": 0, "wrong": 0, "flagged": 0, "unflagged": 0})
            t["cells"] += 1
            got = draft.cells.get(c)
            if got is None or got.value is None:
                t["flagged" if got is not None and got.flag else "unflagged"] += 1
            elif row["value"] is not None and got.value == row["value"]:
                t["right"] += 1
            else:
                t["wrong"] += 1
        imported = {r[4] for r in draft.prose}
        paras = [p for p in rep.prose if p["kind"] in ("paragraph", "closing", "section", "subsection")]
        same = sum(1 for p in paras if p["text"] in imported)
        strict = [c for c, row in curated.items() if row["state"] in ("printed", "corrected")]
        missing = [c for c, row in curated.items() if row["state"] == "missing"]
        results.append({
            "report": rep.id, "seconds": seconds, "tables": by_table, "prose_paragraphs": len(paras), "prose_same": same,
            "printed_or_corrected_right": sum(1 for c in strict if draft.cells[c].value == curated[c]["value"]),
            "printed_or_corrected": len(strict),
            "curated_missing": len(missing),
            "curated_missing_flagged": sum(1 for c in missing if draft.cells[c].value is None and draft.cells[c].flag),
            "review_items": len(draft.review),
        })
    return results


def render_evaluation(results: list[dict]) -> str:
    out = ["| report | table | cells | right | wrong | missing, flagged | missing, not flagged |", "|---|---|---:|---:|---:|---:|---:|"]
    for r in results:
        for table, t in r["tables"].items():
            n = t["cells"]
            out.append(f"| {r['report']} | {table} | {n} | {t['right'] / n:.1%} | {t['wrong'] / n:.1%} | "
                       f"{t['flagged'] / n:.1%} | {t['unflagged'] / n:.1%} |")
    out += ["", "| report | prose paragraphs matching | printed/corrected cells right | curated-missing cells flagged | review items | seconds |",
            "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        out.append(f"| {r['report']} | {r['prose_same']}/{r['prose_paragraphs']} ({r['prose_same'] / max(1, r['prose_paragraphs']):.0%}) | "
                   f"{r['printed_or_corrected_right']}/{r['printed_or_corrected']} | {r['curated_missing_flagged']}/{r['curated_missing']} | "
                   f"{r['review_items']} | {r['seconds']:.2f} |")
    return "\n".join(out) + "\n"
