"""Printed table rows from a document, whatever its kind: the same reconstruction for every reader.

A :class:`PrintedRow` is one line of a printed table: its label (and the
labels of the merged cells it sits under), the unit printed in it, and its
values as printed, each with a locator. Three sources of rows:

* tables that keep their cell boundaries (a web page): :func:`from_tables`;
* positioned words (a PDF's text layer, or the boxes of an OCR):
  :func:`from_words`, one row per text line, values ordered by position;
* plain text lines (OCR text, pdftotext output): :func:`from_lines`, tokens
  split on spaces, units as anchors.

Rows whose values ran together (a web page saved as text) are cut by the
template's own labels in ``layout.py`` and split by its arithmetic in ``split.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import fix_enclosed_numerals
from .document import Document, Table, locator

UNITS = ("人次", "万元", "条", "件", "次", "篇", "个", "人", "元", "项", "份", "场", "期")
UNIT_FIXES = {"万亓": "万元"}
# A value as printed: digits, possibly with spaces or separators inside, a decimal point, a sign, or OCR look-alikes.
NUMBER = re.compile(r"^[-−]?\d[\d\s,，]*(\.\d+)?$")
# A value printed with its unit in the same cell ("75394432.52元"): the unit is not part of the number.
NUMBER_UNIT = re.compile(r"^([-−]?\d[\d\s,，]*(?:\.\d+)?)\s*(人次|万元|条|件|次|篇|个|人|元|项|份|场|期)$")
OCR_DIGITISH = re.compile(r"^[\dOoDlI|丨乙ZzSB〇○.,，\s-]+$")
EMPTY_MARKS = {"", "-", "—", "－", "/", "／", "无"}


def is_number(text: str) -> bool:
    """A value as printed, possibly followed by its unit."""
    t = text.strip()
    return bool(NUMBER.match(t) or NUMBER_UNIT.match(t))


def is_unit(text: str) -> bool:
    t = "".join(text.split())
    return UNIT_FIXES.get(t, t) in UNITS


@dataclass
class Value:
    text: str  # characters as printed ("" for a blank cell)
    line: int | None
    locator: str
    col: int | None = None  # first grid column of the cell (web page tables)
    cols: tuple[int, int] | None = None  # grid columns the cell spans, end exclusive
    x: float | None = None  # horizontal centre in PDF points (PDF and scans)
    run: bool = False  # several values may have run together in this text


@dataclass
class PrintedRow:
    label: str
    values: list[Value]
    line: int | None
    table: int  # which printed table (web page), or 0
    context: list[str] = field(default_factory=list)  # labels of the merged cells the row sits under
    unit: str = ""
    header: bool = False  # a row of column headings (no values)
    locator: str = ""
    cells: list = field(default_factory=list)  # the distinct cells of the row (web page), for column headings

    @property
    def full_label(self) -> str:
        return "".join(self.context) + self.label


@dataclass
class PrintedTable:
    index: int
    rows: list[PrintedRow]
    header: list[list[tuple[str, int, int]]] = field(default_factory=list)  # heading rows: (text, first col, end col)


# --- web page tables ------------------------------------------------------------------------------

def from_tables(doc: Document) -> list[PrintedTable]:
    return [_table(t) for t in doc.tables]


def _table(t: Table) -> PrintedTable:
    out = PrintedTable(t.index, [])
    seen_data = False
    for r in range(t.n_rows):
        cells = t.row_cells(r)
        texts = [c.text.strip() for c in cells]
        spans = [(x, c.col, c.col + c.colspan) for c, x in zip(cells, texts)]
        line = next((c.line for c in cells if c.line and c.row == r), None) or next((c.line for c in cells if c.line), None)
        first_num = next((i for i, x in enumerate(texts) if is_number(x)), None)
        own = [i for i, c in enumerate(cells) if c.row == r]  # cells that start on this row (not carried down)
        if first_num is None:
            # no number: a heading row before the data; after it, a group heading, or a row of blank cells
            labels = [i for i in own if texts[i] and not is_unit(texts[i])]
            blanks = [i for i in own if not texts[i] or texts[i] in EMPTY_MARKS]
            if seen_data and labels and blanks and max(labels) < min(blanks):
                first_num = min(blanks)
            else:
                if not seen_data:
                    out.header.append(spans)
                if labels:
                    out.rows.append(PrintedRow(texts[labels[-1]], [], line, t.index,
                                               context=[x for i, x in enumerate(texts) if x and i not in labels and i < labels[-1]],
                                               header=not seen_data, locator=locator(table=t.index, row=r + 1), cells=spans))
                continue
        seen_data = True
        labels = [(c, x) for c, x in zip(cells[:first_num], texts[:first_num]) if x]
        unit = ""
        if labels and is_unit(labels[-1][1]) and len(labels) > 1:
            unit = labels.pop()[1]
        values = []
        for c, x in zip(cells[first_num:], texts[first_num:]):
            if is_unit(x) and not values:
                unit = x
                continue
            values.append(Value(x if x not in EMPTY_MARKS else "", c.line, locator(table=t.index, row=r + 1, col=c.col + 1),
                                col=c.col, cols=(c.col, c.col + c.colspan)))
        label = labels[-1][1] if labels else ""
        context = [x for c, x in labels[:-1]] if labels else []
        out.rows.append(PrintedRow(label, values, line, t.index, context=context, unit=unit,
                                   locator=locator(table=t.index, row=r + 1), cells=spans))
    return out


# --- positioned words (PDF text layer, OCR boxes) --------------------------------------------------

def from_words(doc: Document) -> list[PrintedTable]:
    """One row per text line that holds a number; lines of text only are kept as label rows (wrapped labels)."""
    by_line: dict[int, list] = {}
    for w in doc.words:
        if w.line is not None:
            by_line.setdefault(w.line, []).append(w)
    rows = []
    for line in sorted(by_line):
        words = sorted(by_line[line], key=lambda w: w.x0)
        label_words, values, unit = [], [], ""
        for w in words:
            t = fix_enclosed_numerals(w.text.strip())
            if is_number(t) and (label_words or values or True):
                values.append(Value(t, line, locator(line=line, page=w.page, bbox=w.bbox), x=(w.x0 + w.x1) / 2))
            elif is_unit(t) and not values:
                unit = t
            elif not values:
                label_words.append(t)
            else:  # text after the values: part of the next column's label, or a note; keep it in the label
                label_words.append(t)
        label = "".join(label_words)
        page = words[0].page
        rows.append(PrintedRow(label, values, line, 0, unit=unit, locator=locator(line=line, page=page)))
    return [PrintedTable(0, rows)]


# --- plain text lines --------------------------------------------------------------------------------

def from_lines(doc: Document, start: int = 0) -> list[PrintedTable]:
    """Rows of label, unit and values in OCR or pdftotext text: the unit is the anchor between label and values.

    A short line of digit-like fragments under a row is a value printed vertically (a scan's narrow column):
    it joins the row above.
    """
    lines = doc.lines
    rows: list[PrintedRow] = []
    for i in range(start, len(lines)):
        raw = lines[i]
        s = fix_enclosed_numerals(raw).strip()
        if not s:
            continue
        tokens = s.split()
        split = _split_unit(tokens)
        n = i + 1
        if split:
            label, unit, values = split
            vals = [_token_value(raw, n, tok) for tok in values] or [Value("", n, locator(line=n))]  # a blank cell
            rows.append(PrintedRow(label, vals, n, 0, unit=unit, locator=locator(line=n)))
        elif rows and len(s) <= 3 and not re.search(r"[\u4e00-\u9fff]", s.replace("乙", "")):
            rows[-1].values = [v for v in rows[-1].values if v.text] + [_token_value(raw, n, s)]
        else:
            label_tokens, vals = [], []
            for tok in tokens:
                if is_number(tok):  # a row may print its label on the lines around it
                    vals.append(_token_value(raw, n, tok))
                elif not vals:
                    label_tokens.append(tok)
            rows.append(PrintedRow(" ".join(label_tokens), vals, n, 0, locator=locator(line=n)))
    return [PrintedTable(0, rows)]


def _token_value(raw: str, line: int, tok: str) -> Value:
    at = raw.find(tok)
    return Value(tok, line, locator(line=line, chars=(at, at + len(tok))) if at >= 0 else locator(line=line))


def _split_unit(tokens: list[str]) -> tuple[str, str, list[str]] | None:
    """(label, unit, values) of a table line, the unit being the last unit token; a unit an OCR split in two
    ("人 次") counts as one."""
    for i in range(len(tokens) - 1, 0, -1):
        if i >= 2:
            joined = "".join(tokens[i - 1:i + 1])
            if UNIT_FIXES.get(joined, joined) in UNITS:
                return " ".join(tokens[:i - 1]), UNIT_FIXES.get(joined, joined), tokens[i + 1:]
        unit = UNIT_FIXES.get(tokens[i], tokens[i])
        if unit in UNITS:
            return " ".join(tokens[:i]), unit, tokens[i + 1:]
    return None
