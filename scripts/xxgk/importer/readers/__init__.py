"""One reader per kind of source, chosen from the file's own bytes, never from its name.

Each reader module has ``KIND`` and ``read(path, data) -> Document``. A new kind
of source is a new module listed in ``READERS``; nothing else changes.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..document import Document
from . import html, pdf_ocr, pdf_text, text

READERS = {m.KIND: m for m in (html, pdf_text, pdf_ocr, text)}


class SourceError(Exception):
    """The file cannot be read as any kind of source; the message says why, in Chinese."""


def sniff(path: Path, data: bytes) -> str:
    """The kind of a source from its content: pdf-text, pdf-scan, html or text."""
    if not data:
        raise SourceError(f"{path.name} 是空文件（0 字节）")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data[:5] == b"%PDF-" or data[:1024].find(b"%PDF-") >= 0:
        return "pdf-text" if pdf_text.has_text_layer(path) else "pdf-scan"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head or b"<body" in data[:65536].lower():
        return "html"
    if b"\x00" in data[:65536]:
        raise SourceError(f"{path.name} 不是 PDF、网页或文本文件（含二进制内容）")
    return "text"


def read(path: Path, kind: str | None = None) -> Document:
    """Read a source with the reader its content calls for (or the one named by kind)."""
    if not path.is_file():
        raise SourceError(f"找不到文件 {path}")
    data = path.read_bytes()
    kind = kind or sniff(path, data)
    if kind not in READERS:
        raise SourceError(f"没有读取“{kind}”的模块；可用：{', '.join(READERS)}")
    start = time.perf_counter()
    doc = READERS[kind].read(path, data)
    doc.seconds = time.perf_counter() - start
    return doc
