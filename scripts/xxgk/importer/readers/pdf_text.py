"""A PDF with a text layer: its text as pdfplumber reads it, and every word with its box."""

from __future__ import annotations

from pathlib import Path

from ..document import Document, Word

KIND = "pdf-text"
METHOD = "pdfplumber {version}: page.extract_text() with default settings; pages joined by a newline"


def method() -> str:
    import pdfplumber

    return METHOD.format(version=pdfplumber.__version__)


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    from . import SourceError

    try:
        return pdfplumber.open(str(path))
    except PDFPasswordIncorrect:
        raise SourceError(f"{path.name} 是加密的 PDF，需要密码才能读取；请找一份未加密的副本") from None
    except Exception as exc:  # pdfminer raises many kinds for a damaged file; pdfplumber wraps the password error
        if any(isinstance(a, PDFPasswordIncorrect) for a in getattr(exc, "args", ())):
            raise SourceError(f"{path.name} 是加密的 PDF，需要密码才能读取；请找一份未加密的副本") from None
        raise SourceError(f"{path.name} 不是可以读取的 PDF（{type(exc).__name__}）") from None


def has_text_layer(path: Path) -> bool:
    with _open(path) as doc:
        try:
            return any((page.extract_text() or "").strip() for page in doc.pages[:50])
        except Exception as exc:
            from . import SourceError

            raise SourceError(f"{path.name} 的页面无法解析（{type(exc).__name__}），文件可能已损坏") from None


def read(path: Path, data: bytes) -> Document:
    """Text exactly as the curated packages store it (line numbers refer to it), and the words of each line."""
    pages_text, words = [], []
    line_base = 0
    with _open(path) as doc:
        n_pages = len(doc.pages)
        for pno, page in enumerate(doc.pages, 1):
            text = page.extract_text() or ""
            pages_text.append(text)
            # extract_text() writes one line per text line of extract_text_lines(), in the same order
            lines = page.extract_text_lines(return_chars=False) or []
            own = text.split("\n") if text else []
            for w in page.extract_words(keep_blank_chars=False, use_text_flow=False):
                words.append(Word(w["text"], pno, float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"])))
            _assign_lines(words, lines, own, line_base, pno)
            line_base += len(own) if text else 1
    text = "\n".join(pages_text) + "\n"
    return Document(path=path, kind=KIND, text=text, method=method(), words=words, pages=n_pages)


def _assign_lines(words: list[Word], lines: list[dict], own: list[str], base: int, page: int) -> None:
    """Give each word of this page the number of the text line whose vertical band holds it."""
    if len(lines) != len(own):
        return
    bands = [(ln["top"], ln["bottom"], base + i + 1) for i, ln in enumerate(lines)]
    for w in words:
        if w.page != page or w.line is not None:
            continue
        mid = (w.top + w.bottom) / 2
        hit = [n for top, bottom, n in bands if top - 0.5 <= mid <= bottom + 0.5]
        if hit:
            w.line = hit[0]
