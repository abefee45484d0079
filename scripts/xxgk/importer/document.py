"""What every reader produces: the text of a source, its tables and its positioned words.

A reader turns one source file (a web page, a PDF with a text layer, a scanned
PDF, a text file) into a :class:`Document`. Everything after the reader works
on documents only, so a new kind of source is a new reader and nothing else.

Line numbers are 1-based and refer to ``Document.text``: that text is what the
package stores as its source text and what the site shows with line anchors.
Every value the importer reads carries a *locator* saying where it was printed
(see :func:`locator`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def locator(**parts) -> str:
    """A locator string, like a URL query: ``page=3&bbox=72.0,200.5,110.0,214.2``.

    Keys, in this order when present:

    * ``line`` and ``chars``: line of the source text and a 0-based, end-exclusive
      character span in that line (``chars=5-9``), for any source;
    * ``page`` and ``bbox``: 1-based page and the box ``x0,top,x1,bottom`` in PDF
      points from the page's top-left corner, for a PDF or a scan;
    * ``table``, ``row``, ``col``: 1-based table of the page and the row and
      column of the cell in the table's grid (spans expanded), for a web page.
    """
    order = ("line", "chars", "page", "bbox", "table", "row", "col")
    out = []
    for key in order:
        value = parts.get(key)
        if value is None:
            continue
        if key == "chars":
            value = f"{value[0]}-{value[1]}"
        elif key == "bbox":
            value = ",".join(f"{v:.1f}" for v in value)
        out.append(f"{key}={value}")
    return "&".join(out)


def parse_locator(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split("&") if "=" in part) if text else {}


@dataclass
class Cell:
    """One printed cell of a table, once, however many grid positions it spans."""

    text: str  # as printed, whitespace collapsed to single spaces
    row: int  # 0-based grid row of its top-left corner
    col: int  # 0-based grid column of its top-left corner
    rowspan: int = 1
    colspan: int = 1
    line: int | None = None  # line of Document.text that holds this cell's text
    header: bool = False  # printed as a header cell (<th>), when the source says so

    @property
    def cols(self) -> range:
        return range(self.col, self.col + self.colspan)

    @property
    def rows(self) -> range:
        return range(self.row, self.row + self.rowspan)


@dataclass
class Table:
    """A table as printed: distinct cells with their grid positions."""

    index: int  # 1-based, in reading order within the document
    cells: list[Cell]
    page: int | None = None

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def grid(self) -> list[list[Cell | None]]:
        """Rows of grid positions; a spanning cell is the same object at each of its positions."""
        out: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in c.rows:
                for k in c.cols:
                    out[r][k] = c
        return out

    def row_cells(self, r: int) -> list[Cell]:
        """The distinct cells that cover grid row r, left to right."""
        seen, out = set(), []
        for c in self.grid()[r]:
            if c is not None and id(c) not in seen:
                seen.add(id(c))
                out.append(c)
        return out


@dataclass
class Word:
    """A piece of text at a position on a page: a word of a PDF's text layer, or a box of OCR."""

    text: str
    page: int  # 1-based
    x0: float  # PDF points, from the page's top-left corner
    top: float
    x1: float
    bottom: float
    line: int | None = None  # line of Document.text that holds this word
    confidence: float | None = None  # OCR only, 0..1

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass
class Document:
    """A source, read."""

    path: Path
    kind: str  # html | pdf-text | pdf-scan | text
    text: str  # the source text; line numbers refer to it
    method: str  # how text was obtained, recorded in the package (e.g. "pdfplumber 0.11.10: ...")
    tables: list[Table] = field(default_factory=list)  # tables whose cell boundaries the source keeps
    words: list[Word] = field(default_factory=list)  # positioned text, for PDFs and scans
    pages: int = 0
    title: str = ""  # the document's own title, when it has one
    published: str = ""  # publication date found in the source (YYYY-MM-DD), when any
    url: str = ""  # where the source says it was published, when it does
    seconds: float = 0.0  # time taken to read it
    notes: list[str] = field(default_factory=list)  # what the reader noticed (e.g. pages without text)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")
