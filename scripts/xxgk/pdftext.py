"""Text of a PDF with a text layer, as the project stores it beside the PDF.

pdfplumber's page.extract_text() with its default settings, pages joined by a
newline, and a final newline. Line numbers in statistics.csv, prose.csv and
corrections.csv refer to this text.
"""

from __future__ import annotations

from pathlib import Path

METHOD = "pdfplumber {version}: page.extract_text() with default settings; pages joined by a newline"


class NoTextLayer(Exception):
    """The PDF has no text layer (a scan): it needs OCR first."""


def method() -> str:
    import pdfplumber

    return METHOD.format(version=pdfplumber.__version__)


def extract_text(pdf: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        pages = [page.extract_text() or "" for page in doc.pages]
    if not any(p.strip() for p in pages):
        raise NoTextLayer(str(pdf))
    return "\n".join(pages) + "\n"


def extract_tables(pdf: Path) -> list[list[list[str | None]]]:
    """Every table pdfplumber finds, page by page, as rows of cells."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        return [t for page in doc.pages for t in page.extract_tables()]
