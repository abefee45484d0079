"""Crops of printed cells: for a PDF or scanned source, the piece of the page where a value was printed.

A statistics row's ``locator`` names the page and the box (``page=4&bbox=x0,top,x1,bottom``, PDF
points from the page's top-left corner) where the importer read the value. At build time, and only
when the source cache holds the PDF (:func:`xxgk.sources.find`), each box is rendered with pypdfium2
into a small greyscale PNG among the report's downloads: ``downloads/<report>/crops/<table>-<row>-<column>.png``.
The name depends on the cell only and the pixels on the PDF only, so a rebuild writes the same bytes.

Pages ask :func:`crop_for` what to show: the image (with its size in CSS pixels), or, when the source
is not in the cache, that it cannot be shown. Both sides use the same function, so a page never
links to a crop the build did not write.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from pathlib import Path

SCALE = 3  # render scale: 216 dpi, sharp on high-density screens
CSS_PX = 2  # CSS pixels per PDF point on the page
PAD = (8.0, 5.0)  # points around the printed characters, so the crop shows the cell and not only the glyphs
FOLDER = "crops"
KEY = re.compile(r"[a-z0-9][a-z0-9_]*")  # table, row and column keys (statistics.schema.json)

_pages: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Crop:
    name: str  # path under the report's downloads folder
    page: int  # 1-based
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in points, padded and clamped to the page
    available: bool  # the source is in the cache: the PNG is written

    @property
    def width(self) -> int:  # CSS pixels
        return round((self.box[2] - self.box[0]) * CSS_PX)

    @property
    def height(self) -> int:
        return round((self.box[3] - self.box[1]) * CSS_PX)


def parse(locator: str | None) -> tuple[int, tuple[float, float, float, float]] | None:
    """(page, bbox) of a locator, or None when it names no page box (a text or web-page locator)."""
    parts = dict(p.split("=", 1) for p in (locator or "").split("&") if "=" in p)
    try:
        page = int(parts["page"])
        box = tuple(float(x) for x in parts["bbox"].split(","))
    except (KeyError, ValueError):
        return None
    if page < 1 or len(box) != 4 or box[2] <= box[0] or box[3] <= box[1]:
        return None
    return page, box


def is_pdf(v) -> bool:
    return (v.r.source or {}).get("format") == "pdf"


def _page_sizes(v) -> list[tuple[float, float]] | None:
    """Width and height in points of each page of the report's PDF; None when the cache lacks it."""
    if v not in _pages:
        path = v.source_file()
        sizes = None
        if path is not None:
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(str(path))
            try:
                sizes = [pdf[i].get_size() for i in range(len(pdf))]
            finally:
                pdf.close()
        _pages[v] = sizes
    return _pages[v]


def crop_for(v, row: dict) -> Crop | None:
    """What the page shows for a cell's printed place: a Crop, or None (no page box, or not a PDF source)."""
    if not is_pdf(v) or row is None or row["state"] == "absent":
        return None
    found = parse(row.get("locator"))
    if found is None:
        return None
    keys = (row["table"], row["row"], row["column"])
    if not all(KEY.fullmatch(k or "") for k in keys):  # the file name comes from data: keys as the schema allows only
        return None
    page, (x0, top, x1, bottom) = found
    name = f"{FOLDER}/{'-'.join(keys)}.png"
    sizes = _page_sizes(v)
    if sizes is None:
        return Crop(name, page, (x0, top, x1, bottom), available=False)
    if page > len(sizes):
        return None
    w, h = sizes[page - 1]
    box = (max(0.0, x0 - PAD[0]), max(0.0, top - PAD[1]), min(w, x1 + PAD[0]), min(h, bottom + PAD[1]))
    if box[2] <= box[0] or box[3] <= box[1]:
        return None
    return Crop(name, page, box, available=True)


def write_crops(v, out: Path) -> list[Path]:
    """Render every cell's crop of one report into out (its downloads folder). Nothing without the PDF."""
    crops = [c for c in (crop_for(v, row) for row in v.r.statistics) if c is not None and c.available]
    if not crops:
        return []
    import pypdfium2 as pdfium

    written = []
    pdf = pdfium.PdfDocument(str(v.source_file()))
    try:
        for page in sorted({c.page for c in crops}):
            image = pdf[page - 1].render(scale=SCALE).to_pil().convert("L")
            for c in (c for c in crops if c.page == page):
                x0, top, x1, bottom = (round(x * SCALE) for x in c.box)
                path = out / c.name
                path.parent.mkdir(parents=True, exist_ok=True)
                image.crop((x0, top, x1, bottom)).save(path, format="PNG", optimize=True)
                written.append(path)
    finally:
        pdf.close()
    return written
