"""Plain text: OCR output, a pdftotext dump, or a web page saved as text (tables run together).

The file itself is the source text. It is decoded as UTF-8, or as GB18030
(the superset of GBK that Chinese Windows writes) when it is not UTF-8.
"""

from __future__ import annotations

from pathlib import Path

from ..document import Document

KIND = "text"


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        from . import SourceError

        raise SourceError(f"文本既不是 UTF-8 也不是 GB18030（第 {exc.start} 个字节）") from None


def read(path: Path, data: bytes) -> Document:
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    method = "the file itself" + ("" if encoding == "utf-8" else f", decoded from {encoding}")
    return Document(path=path, kind=KIND, text=text, method=method)
