"""A scanned PDF (no text layer): pages rendered with pypdfium2 and read with RapidOCR.

Each page is rendered at ``SCALE`` (pixels per PDF point) and read by RapidOCR's
bundled PP-OCR models (nothing is downloaded). Every OCR box becomes a
:class:`Word` in PDF points from the page's top-left corner. Boxes are grouped
into text lines by the vertical overlap of their boxes, left to right, and a
line's text is its boxes' texts joined by one space; the pages' lines are joined
by newlines like :mod:`.pdf_text` does, so the same table reconstruction works
on both kinds of PDF. The OCR text is kept as read: repairing OCR damage (O for
0 and the like) is the importer's job, not the reader's.

:func:`image_only_pdf` makes a real scan of a PDF (images only, no text layer),
for tests and for trying the reader on a document whose true text is known.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..document import Document, Word

KIND = "pdf-scan"
VERSION = 1  # of this reader's method; bump it when SCALE, the engine's settings or the line grouping change
SCALE = 2.0  # render scale in pixels per PDF point (2.0 = 144 dpi); chosen by measurement, see tests/test_reader_ocr.py
LOW_CONFIDENCE = 0.8  # boxes read with less confidence than this are counted in the notes
# RapidOCR settings (its defaults drop boxes scored below 0.5 and shrink pages to 2000 px)
ENGINE_SETTINGS = {
    "text_score": 0.0,  # keep every box with its confidence; the importer decides what to trust
    "max_side_len": 10000,  # never shrink the rendered page
}

_engine = None


def _threads() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 4))


def engine():
    """The process's RapidOCR instance, created on first use (loading the models takes about a second)."""
    global _engine
    if _engine is None:
        from rapidocr_onnxruntime import RapidOCR

        # one inference at a time, using every core we may use (onnxruntime's default may oversubscribe)
        _engine = RapidOCR(intra_op_num_threads=_threads(), inter_op_num_threads=1, **ENGINE_SETTINGS)
    return _engine


def method() -> str:
    from importlib.metadata import version

    return (f"pdf-scan reader v{VERSION}: pages rendered by pypdfium2 {version('pypdfium2')} at scale {SCALE:g} "
            f"({SCALE * 72:.0f} dpi), read by rapidocr-onnxruntime {version('rapidocr-onnxruntime')} "
            f"(bundled PP-OCR models); boxes grouped into lines by vertical overlap, left to right, joined by "
            f"one space; pages joined by a newline")


def _open(path: Path, data: bytes):
    import pypdfium2 as pdfium

    from . import SourceError

    if not data:
        raise SourceError(f"{path.name} 是空文件（0 字节）")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise SourceError(f"{path.name} 是加密的 PDF，需要密码才能读取；请找一份未加密的副本") from None
        raise SourceError(f"{path.name} 不是可以读取的 PDF（{exc}）") from None


def ocr_boxes(image, scale: float, page: int, width: float, height: float) -> list[Word]:
    """OCR one rendered page; each box becomes a Word in PDF points from the page's top-left corner."""
    result, _ = engine()(image)
    words = []
    for points, text, score in result or []:
        words.append(to_word(points, text, float(score), scale, page, width, height))
    return words


def to_word(points, text: str, confidence: float, scale: float, page: int, width: float, height: float) -> Word:
    """An OCR box (corner points in pixels) as a Word: its min/max x and y divided by the scale, kept on the page."""
    xs = [float(p[0]) / scale for p in points]
    ys = [float(p[1]) / scale for p in points]

    def clamp(v, hi):
        return min(max(v, 0.0), hi)

    return Word(text.strip(), page, clamp(min(xs), width), clamp(min(ys), height), clamp(max(xs), width),
                clamp(max(ys), height), confidence=confidence)


def group_lines(words: list[Word], overlap: float = 0.5, tall: float = 2.5) -> list[list[Word]]:
    """The words of one page as text lines, top to bottom, each left to right.

    A word joins the line whose vertical band it overlaps most, when that overlap is
    at least ``overlap`` of the smaller of the two heights and neither is more than
    ``tall`` times the other (a column of vertical text stays out of the rows it
    crosses). A line's band is the median top and bottom of its words, so one odd
    box does not stretch it into the next row.
    """
    lines: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        h = max(w.bottom - w.top, 0.1)
        best, best_ratio = None, 0.0
        for i, (top, bottom) in enumerate(bands):
            lh = max(bottom - top, 0.1)
            if max(h, lh) > tall * min(h, lh):
                continue
            ratio = (min(bottom, w.bottom) - max(top, w.top)) / min(h, lh)
            if ratio >= overlap and ratio > best_ratio:
                best, best_ratio = i, ratio
        if best is None:
            lines.append([w])
            bands.append((w.top, w.bottom))
        else:
            lines[best].append(w)
            bands[best] = (_median([x.top for x in lines[best]]), _median([x.bottom for x in lines[best]]))
    order = sorted(range(len(lines)), key=lambda i: ((bands[i][0] + bands[i][1]) / 2, min(w.x0 for w in lines[i])))
    return [sorted(lines[i], key=lambda w: w.x0) for i in order]


def _median(values: list[float]) -> float:
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def read(path: Path, data: bytes) -> Document:
    """Every page rendered and OCRed; the text is the pages' lines, each word knows its line."""
    doc = _open(path, data)
    pages_text, words, notes, seconds = [], [], [], []
    line_base = 0
    try:
        n_pages = len(doc)
        for pno in range(1, n_pages + 1):
            start = time.perf_counter()
            page = doc[pno - 1]
            width, height = page.get_size()
            try:
                image = page.render(scale=SCALE).to_pil()
            except Exception as exc:  # pypdfium2 raises PdfiumError, or others on a broken page
                from . import SourceError

                raise SourceError(f"{path.name} 第 {pno} 页无法渲染（{type(exc).__name__}），文件可能已损坏") from None
            page_words = [w for w in ocr_boxes(image, SCALE, pno, width, height) if w.text]
            lines = group_lines(page_words)
            for n, line in enumerate(lines, line_base + 1):
                for w in line:
                    w.line = n
                    words.append(w)
            pages_text.append("\n".join(" ".join(w.text for w in line) for line in lines))
            line_base += len(lines) if lines else 1
            if not page_words:
                notes.append(f"第 {pno} 页 OCR 没有识别出文字（空白页或图像无法识别）")
            seconds.append(time.perf_counter() - start)
    finally:
        doc.close()
    low = sum(1 for w in words if w.confidence is not None and w.confidence < LOW_CONFIDENCE)
    if low:
        pages_low = sorted({w.page for w in words if w.confidence < LOW_CONFIDENCE})
        notes.append(f"{low} 个 OCR 文字框的置信度低于 {LOW_CONFIDENCE}（第 {'、'.join(map(str, pages_low))} 页），请核对")
    if seconds:
        notes.append(f"OCR 用时：{sum(seconds):.1f} 秒，共 {len(seconds)} 页，平均每页 {sum(seconds) / len(seconds):.1f} 秒")
    text = "\n".join(pages_text) + "\n"
    return Document(path=path, kind=KIND, text=text, method=method(), words=words, pages=n_pages, notes=notes)


def image_only_pdf(src: Path, dst: Path, dpi: int = 150, quality: int = 75) -> Path:
    """Write dst: every page of the PDF src as a JPEG image at dpi, and nothing else (a scan without text layer).

    Page sizes are kept (to the nearest pixel), so positions on the scan compare with the original's.
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(Path(src))
    try:
        images = [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()
    if not images:
        raise ValueError(f"{src} has no pages")
    dst = Path(dst)
    images[0].save(dst, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=quality)
    return dst
