"""A scanned PDF (no text layer): pages rendered with pypdfium2 and read with RapidOCR.

Each page is rendered at ``SCALE`` pixels per PDF point and read with the PP-OCR
models bundled in rapidocr-onnxruntime (nothing is downloaded). Every OCR box
becomes a :class:`Word` in PDF points from the page's top-left corner. Boxes are
grouped into text lines by the vertical overlap of their boxes, left to right,
and a line's text is its boxes' texts joined by one space; pages are joined by a
newline as in :mod:`.pdf_text`, so the same table reconstruction works on both
kinds of PDF. The text is kept as OCR read it: repairing OCR damage (O for 0 and
the like) is the importer's job, not the reader's.

RapidOCR's own pipeline loses isolated one-digit table cells (a lone ``0`` or
``1``: the detector scores them low and draws their boxes too tight, and a narrow
crop is turned 90° as if it were vertical text). This reader therefore runs the
detector with lower thresholds and recognises each box itself: the crop is
widened by ``PAD`` of its height and read upright; a box at least 1.5 times as
tall as wide is also read turned 90° (vertical text) and the reading with the
higher score kept. Pages are assumed upright (no 180° classifier). Tuned on a
150 dpi scan of the 淮安 2024 report: see tests/test_reader_ocr.py.

:func:`image_only_pdf` makes a real scan of a PDF (images only, no text layer),
for tests and for trying the reader on a document whose true text is known.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..document import Document, Word

KIND = "pdf-scan"
VERSION = 1  # of the method; bump it when SCALE, DETECTOR, PAD or the line grouping change
SCALE = 3.0  # render scale, pixels per PDF point (216 dpi); chosen by measurement, see the module docstring
MAX_SIDE = 4000  # pixels; a larger page is rendered at a smaller scale (noted)
DETECTOR = {"det_thresh": 0.1, "det_box_thresh": 0.2}  # RapidOCR defaults 0.3 and 0.5 drop lone digits
PAD = 0.25  # each crop widened by this fraction of its height on each side (half of it above and below)
LOW_CONFIDENCE = 0.8  # boxes read with less confidence are counted in the notes

_engine = None


def _threads() -> int:
    """OCR threads: XXGK_OCR_THREADS when set (a batch on Dask gives each worker its share), else the cores
    this process may use, at most 4."""
    env = os.environ.get("XXGK_OCR_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
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

        # one inference at a time, on every core we may use; onnxruntime's default may oversubscribe
        _engine = RapidOCR(intra_op_num_threads=_threads(), inter_op_num_threads=1, **DETECTOR)
    return _engine


def method() -> str:
    from importlib.metadata import version

    return (f"pdf-scan reader v{VERSION}: pages rendered by pypdfium2 {version('pypdfium2')} at scale {SCALE:g} "
            f"({SCALE * 72:.0f} dpi), read by rapidocr-onnxruntime {version('rapidocr-onnxruntime')} with its "
            f"bundled PP-OCR models (detection thresh {DETECTOR['det_thresh']}, box_thresh "
            f"{DETECTOR['det_box_thresh']}; crops widened by {PAD:g} of their height; no angle classifier); "
            f"boxes grouped into lines by vertical overlap, left to right, joined by one space; "
            f"pages joined by a newline")


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


def ocr_page(image, scale: float, page: int, width: float, height: float) -> list[Word]:
    """OCR one rendered page (a BGR array); each box becomes a Word in PDF points from the page's top-left."""
    import numpy as np

    eng = engine()
    boxes, _ = eng.text_det(image)
    boxes = [] if boxes is None else list(boxes)
    if not boxes:
        return []
    crops = [_crop(image, b) for b in boxes]
    results = list(eng.text_rec(crops)[0])
    tall = [i for i, b in enumerate(boxes) if _height(b) >= 1.5 * _width(b)]
    if tall:  # vertical text, or one narrow glyph: keep whichever reading the recogniser trusts more
        turned = eng.text_rec([np.rot90(crops[i]) for i in tall])[0]
        for i, res in zip(tall, turned):
            if res[1] > results[i][1]:
                results[i] = res
    return [to_word(b, res[0], float(res[1]), scale, page, width, height) for b, res in zip(boxes, results)]


def _bgr(array):
    """A rendered bitmap as a contiguous BGR array, as OpenCV and RapidOCR expect (pdfium renders BGR or BGRA)."""
    import numpy as np

    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    return np.ascontiguousarray(array[:, :, :3])


def _width(points) -> float:
    return float(((points[1][0] - points[0][0]) ** 2 + (points[1][1] - points[0][1]) ** 2) ** 0.5)


def _height(points) -> float:
    return float(((points[3][0] - points[0][0]) ** 2 + (points[3][1] - points[0][1]) ** 2) ** 0.5)


def _crop(image, points):
    """The box's pixels, upright, widened by PAD of its height on each side and PAD/2 above and below."""
    import cv2
    import numpy as np

    p = np.asarray(points, dtype=np.float32)
    across, down = p[1] - p[0], p[3] - p[0]
    w, h = float(np.linalg.norm(across)), float(np.linalg.norm(down))
    if w < 1 or h < 1:
        return np.full((2, 2, 3), 255, dtype=np.uint8)
    dx, dy = across / w * PAD * h, down / h * PAD * h / 2
    p = np.float32([p[0] - dx - dy, p[1] + dx - dy, p[2] + dx + dy, p[3] - dx + dy])
    cw, ch = int(round(w + 2 * PAD * h)), int(round(h + PAD * h))
    m = cv2.getPerspectiveTransform(p, np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]]))
    return cv2.warpPerspective(image, m, (cw, ch), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)


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
    """Every page rendered and OCRed; the text is the pages' lines, and each word knows its line."""
    from . import SourceError

    doc = _open(path, data)
    pages_text, words, notes, seconds = [], [], [], []
    line_base = 0
    try:
        n_pages = len(doc)
        for pno in range(1, n_pages + 1):
            start = time.perf_counter()
            try:
                page = doc[pno - 1]
                width, height = page.get_size()
                scale = min(SCALE, MAX_SIDE / max(width, height, 1.0))
                image = _bgr(page.render(scale=scale).to_numpy())
            except Exception as exc:  # pypdfium2 raises PdfiumError, or others on a broken page
                raise SourceError(f"{path.name} 第 {pno} 页无法渲染（{type(exc).__name__}），文件可能已损坏") from None
            if scale < SCALE:
                notes.append(f"第 {pno} 页很大（{width:.0f}×{height:.0f} 点），按 {scale:.2f} 倍而非 {SCALE:g} 倍渲染")
            page_words = [w for w in ocr_page(image, scale, pno, width, height) if w.text]
            lines = group_lines(page_words)
            for n, line in enumerate(lines, line_base + 1):
                for w in line:
                    w.line = n
                    words.append(w)
            pages_text.append("\n".join(" ".join(w.text for w in line) for line in lines))
            line_base += len(lines) if lines else 1
            if not page_words:
                notes.append(f"第 {pno} 页 OCR 没有识别出文字（空白页，或图像无法识别）")
            seconds.append(time.perf_counter() - start)
    finally:
        doc.close()
    low = [w for w in words if w.confidence is not None and w.confidence < LOW_CONFIDENCE]
    if low:
        pages_low = "、".join(str(p) for p in sorted({w.page for w in low}))
        notes.append(f"{len(low)} 个 OCR 文字框（共 {len(words)} 个）置信度低于 {LOW_CONFIDENCE}，在第 {pages_low} 页，请核对")
    if seconds:
        notes.append(f"OCR 共 {len(seconds)} 页，用时 {sum(seconds):.1f} 秒，平均每页 {sum(seconds) / len(seconds):.1f} 秒")
    text = "\n".join(pages_text) + "\n"
    return Document(path=path, kind=KIND, text=text, method=method(), words=words, pages=n_pages, notes=notes)


def image_only_pdf(src: Path, dst: Path, dpi: int = 150, quality: int = 75) -> Path:
    """Write dst: every page of the PDF src as a JPEG image at dpi, and nothing else (a scan, no text layer).

    Page sizes are kept to the nearest pixel, so positions on the scan compare with the original's.
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
