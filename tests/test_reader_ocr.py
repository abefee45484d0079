"""The scanned-PDF reader: a real scan of the 淮安 2024 report read back, line grouping, hostile files.

The round trip renders every page of the 淮安 PDF (which has a text layer) to a
150 dpi JPEG and writes an image-only PDF (``pdf_ocr.image_only_pdf``): a real
scan whose true content is known. OCR of it must give, for every row of the
curated statistics tables, the row's printed numbers in order on one text line.
Run the slow part with ``pytest -s -m slow tests/test_reader_ocr.py`` to see the
seconds per page.
"""

import csv
import hashlib
import re
import struct
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from xxgk.importer import readers
from xxgk.importer.document import Word
from xxgk.importer.readers import SourceError, pdf_ocr

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/work/shared/sources/huaian-2024-szfgs2024.pdf")
STATISTICS = ROOT / "data" / "reports" / "320800-gov-2024" / "statistics.csv"
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def printed_rows() -> dict[tuple[str, str], list[str]]:
    """Curated printed values of each table row, in column order (the file's order)."""
    rows: dict[tuple[str, str], list[str]] = {}
    with STATISTICS.open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            value = (r.get("source_value") or "").strip()
            if value:  # cells the report does not print (state absent) have none
                rows.setdefault((r["table"], r["row"]), []).append(value)
    return rows


def on_one_line(values: list[str], lines: list[str]) -> bool:
    """values appear, in order, as consecutive numeric tokens of one line."""
    n = len(values)
    for line in lines:
        tokens = line.split()
        for i in range(len(tokens) - n + 1):
            if tokens[i:i + n] == values and all(NUMBER.match(t) for t in tokens[i:i + n]):
                return True
    return False


# --- the round trip: a real scan of the 淮安 report ----------------------------------------------

@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Path:
    if not SOURCE.is_file():
        pytest.skip(f"{SOURCE} is absent: the shared sources are not on this machine")
    return pdf_ocr.image_only_pdf(SOURCE, tmp_path_factory.mktemp("scan") / "huaian-scan.pdf", dpi=150)


@pytest.fixture(scope="module")
def scanned(scan):
    return readers.read(scan)


def test_image_only_pdf_has_no_text_layer(scan):
    with pdfplumber.open(scan) as doc, pdfplumber.open(SOURCE) as original:
        assert len(doc.pages) == len(original.pages) == 6
        assert all(not page.chars and not (page.extract_text() or "").strip() for page in doc.pages)
        assert all(len(page.images) == 1 for page in doc.pages)
        for page, orig in zip(doc.pages, original.pages):  # same size, to the pixel
            assert abs(page.width - orig.width) < 1 and abs(page.height - orig.height) < 1
    assert readers.sniff(scan, scan.read_bytes()) == "pdf-scan"


@pytest.mark.slow
def test_round_trip_every_table_row_on_one_line(scanned):
    doc = scanned
    seconds = doc.seconds / doc.pages
    print(f"\nOCR of the 淮安 scan: {doc.pages} pages, {doc.seconds:.1f} s, {seconds:.2f} s per page "
          f"(scale {pdf_ocr.SCALE:g}); {len(doc.words)} boxes; notes: {doc.notes}")
    assert doc.kind == "pdf-scan" and doc.pages == 6
    assert "rapidocr-onnxruntime 1.4" in doc.method and f"scale {pdf_ocr.SCALE:g}" in doc.method
    rows = printed_rows()
    assert len(rows) >= 30 and len(rows[("appeals", "review")]) == 5
    missing = {key: " ".join(values) for key, values in rows.items() if not on_one_line(values, doc.lines)}
    assert not missing, f"{len(rows) - len(missing)}/{len(rows)} rows on one OCR line; not found: {missing}"
    # table 四 is printed as one line of 15 numbers
    appeals = [v for key, values in rows.items() if key[0] == "appeals" for v in values]
    assert len(appeals) == 15 and on_one_line(appeals, doc.lines)


@pytest.mark.slow
def test_round_trip_text_and_words_agree(scanned):
    doc = scanned
    assert doc.text.endswith("\n") and not doc.text.endswith("\n\n")
    lines = doc.lines
    assert "2024年，市政府严格落实《政府信息公开信息处理费管理" in doc.text
    assert any("三、收到和处理政府信息公开申请情况" in line for line in lines)
    with pdfplumber.open(doc.path) as pdf:
        sizes = [(p.width, p.height) for p in pdf.pages]
    pages_seen = set()
    previous = (0, 0)
    for w in doc.words:
        width, height = sizes[w.page - 1]
        assert 0 <= w.x0 < w.x1 <= width and 0 <= w.top < w.bottom <= height, w
        assert 0 <= w.confidence <= 1 and w.text
        assert w.line is not None and w.text in lines[w.line - 1]
        assert (w.page, w.line) >= previous  # words in reading order, pages in order
        previous = (w.page, w.line)
        pages_seen.add(w.page)
    assert pages_seen == set(range(1, 7))
    # every line of the text is made of words (no page is empty here)
    assert {w.line for w in doc.words} == set(range(1, len(lines)))


@pytest.mark.slow
def test_round_trip_boxes_where_the_original_prints_them(scanned):
    """Numbers printed once in the original: the OCR box's centre is within 10 pt of pdfplumber's."""
    def centre(page, x0, top, x1, bottom):
        return page, (x0 + x1) / 2, (top + bottom) / 2

    with pdfplumber.open(SOURCE) as pdf:
        original = [(w["text"], centre(pno, w["x0"], w["top"], w["x1"], w["bottom"]))
                    for pno, page in enumerate(pdf.pages, 1) for w in page.extract_words()
                    if NUMBER.match(w["text"]) and len(w["text"]) >= 2]
    ocr = [(w.text, centre(w.page, *w.bbox)) for w in scanned.words if NUMBER.match(w.text)]
    once_o = {t for t, n in Counter(t for t, _ in original).items() if n == 1}
    once_s = {t for t, n in Counter(t for t, _ in ocr).items() if n == 1}
    where = dict(ocr)
    compared, worst = 0, 0.0
    for text, (page, x, y) in original:
        if text in once_o and text in once_s:
            opage, ox, oy = where[text]
            assert opage == page and abs(ox - x) <= 10 and abs(oy - y) <= 10, (text, (page, x, y), where[text])
            compared, worst = compared + 1, max(worst, abs(ox - x), abs(oy - y))
    print(f"\n{compared} numbers printed once: OCR box centres at most {worst:.1f} pt from pdfplumber's")
    assert compared >= 15, f"only {compared} numbers to compare"
    for text in ("3985758", "447228", "96171.6", "3001", "2932", "1288", "1362"):
        assert text in once_o and text in once_s, text


# --- units: coordinates and line grouping ---------------------------------------------------------

def box(text, x0, top, x1, bottom, page=1):
    return Word(text, page, x0, top, x1, bottom, confidence=1.0)


def test_pixel_box_to_points_from_top_left():
    # a slightly rotated quadrilateral at scale 3: min/max of x and y, divided by the scale
    w = pdf_ocr.to_word([[30, 60], [330, 63], [329, 93], [29, 90]], " 行政处罚 ", 0.93, 3.0, 2, 595.2, 842.4)
    assert (w.text, w.page, w.confidence, w.line) == ("行政处罚", 2, 0.93, None)
    assert w.bbox == pytest.approx((29 / 3, 20.0, 110.0, 31.0))
    # a box running off the page is kept on it
    w = pdf_ocr.to_word([[-6, -3], [1800, -3], [1800, 2600], [-6, 2600]], "x", 0.5, 3.0, 1, 595.2, 842.4)
    assert w.bbox == (0.0, 0.0, 595.2, 842.4)


def test_boxes_slightly_offset_join_one_line_the_next_row_does_not():
    label = box("行政处罚", 78, 126.0, 120, 140.0)
    number = box("3985758", 248, 127.5, 290, 139.0)  # a smaller box, 1.5 pt lower
    total = box("12", 300, 124.0, 310, 138.5)  # 2 pt higher
    below = box("行政强制", 78, 141.0, 120, 155.0)  # the next row, touching
    lines = pdf_ocr.group_lines([below, number, total, label])
    assert [[w.text for w in line] for line in lines] == [["行政处罚", "3985758", "12"], ["行政强制"]]


def test_grouping_orders_left_to_right_and_keeps_tall_boxes_apart():
    row1 = [box("b", 200, 100, 220, 112), box("a", 80, 101, 120, 113)]
    row2 = [box("c", 80, 130, 120, 142)]
    vertical = box("三本年度", 60, 95, 72, 150)  # a column of vertical text across both rows
    lines = pdf_ocr.group_lines(row2 + [vertical] + row1)
    assert [[w.text for w in line] for line in lines] == [["a", "b"], ["三本年度"], ["c"]]
    assert pdf_ocr.group_lines([]) == []


def test_line_between_two_label_lines_stands_alone():
    # a table row whose label wraps onto two lines, its numbers printed between them
    first = box("（二）部分公开（区分处理的，只计这一情", 104, 532, 246, 543)
    numbers = [box("447", 262, 542.5, 275, 552), box("454", 498, 542, 512, 552)]
    second = box("形，不计其他情形）", 100, 548.5, 166, 559)
    lines = pdf_ocr.group_lines([second, *numbers, first])
    assert [" ".join(w.text for w in line) for line in lines] == [first.text, "447 454", second.text]


# --- hostile files --------------------------------------------------------------------------------

def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="空文件"):
        pdf_ocr.read(path, b"")
    with pytest.raises(SourceError, match="空文件"):
        readers.read(path)


@pytest.mark.parametrize("data", [b"just some words, not a PDF\n", b"%PDF-1.4\n\x00\x01 broken beyond repair",
                                  b"\x89PNG\r\n\x1a\n" + bytes(64)])
def test_not_a_pdf(tmp_path, data):
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    with pytest.raises(SourceError, match="不是可以读取的 PDF"):
        pdf_ocr.read(path, data)
    with pytest.raises(SourceError, match="不是可以读取的 PDF"):
        readers.read(path, kind="pdf-scan")


PDF_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    s, j = list(range(256)), 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user: bytes = b"secret", owner: bytes = b"owner") -> bytes:
    """A one-page PDF encrypted with the standard security handler (40-bit RC4, revision 2; PDF 1.7 §7.6.3).

    No PDF library that can encrypt is installed, so it is written by hand. The page
    has no content, so only /O and /U need computing (algorithms 3 and 4).
    """
    file_id, p = b"0123456789abcdef", -4
    o = rc4(hashlib.md5((owner + PDF_PAD)[:32]).digest()[:5], (user + PDF_PAD)[:32])
    key = hashlib.md5((user + PDF_PAD)[:32] + o + struct.pack("<i", p) + file_id).digest()[:5]
    u = rc4(key, PDF_PAD)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
            b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (o.hex().encode(), u.hex().encode(), p)]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, file_id.hex().encode(), file_id.hex().encode(), xref)
    return bytes(out)


def test_encrypted_pdf(tmp_path):
    import pypdfium2 as pdfium

    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf())
    assert len(pdfium.PdfDocument(str(path), password="secret")) == 1  # a real encrypted PDF
    with pytest.raises(SourceError, match="加密"):
        pdf_ocr.read(path, path.read_bytes())
    with pytest.raises(SourceError, match="加密"):
        readers.read(path, kind="pdf-scan")
    with pytest.raises(SourceError):  # sniffing already refuses it (through the pdf-text reader's opener)
        readers.read(path)


# --- a page without text --------------------------------------------------------------------------

def test_blank_page_is_a_note_not_an_error(tmp_path):
    from PIL import Image

    path = tmp_path / "blank.pdf"
    Image.new("RGB", (300, 400), "white").save(path, "PDF", resolution=72)
    doc = readers.read(path)
    assert doc.kind == "pdf-scan" and doc.pages == 1
    assert doc.text == "\n" and doc.words == []
    assert any("第 1 页" in note and "没有识别出文字" in note for note in doc.notes)


def test_engine_is_created_once():
    assert pdf_ocr.engine() is pdf_ocr.engine()
