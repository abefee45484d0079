"""Text normalisation shared by validation, the site and the importer.

Two kinds of function live here:

* ``label_norm`` builds the matching key of a printed label. It is used for
  matching only; the printed label itself is never rewritten.
* The prose layout rules (``LAYOUT_RULES``) turn OCR line soup into clean
  Chinese text. They are the only changes applied to prose without a ledger
  entry of their own, and each is listed in the corrections ledger as a
  global entry with its count, so a reader can audit them.
"""

from __future__ import annotations

import re
import unicodedata

# Enclosed numerals that OCR emits for "20" and "19". NFKC would turn them
# into "20." (with a full stop), so they are mapped before any normalisation.
ENCLOSED_NUMERALS = {"\u249b": "20", "\u249a": "19"}

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Full-width punctuation and brackets that sit between Chinese characters.
CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2014\u2026\u00b7《》〈〉"
KANGXI = r"\u2f00-\u2fd5"

_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(]\s*[一二三四五六七八九十]+\s*[）)]|\d+\s*[.．、,，~]|其中\s*[:：])"
)
_DROP = re.compile(r"[\s\u3000]|[^\w]", re.UNICODE)


def fix_enclosed_numerals(text: str) -> str:
    for glyph, digits in ENCLOSED_NUMERALS.items():
        text = text.replace(glyph, digits)
    return text


def label_norm(label: str) -> str:
    """The matching key of a printed label.

    Maps enclosed numerals, applies NFKC, strips the leading numbering
    ("一、", "（二）", "3.", "其中：") and every space and punctuation mark.
    """
    text = unicodedata.normalize("NFKC", fix_enclosed_numerals(label))
    while True:
        stripped = _NUMBERING.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return _DROP.sub("", text)


# --- prose layout rules -------------------------------------------------------
# Each rule: (id, Chinese description, compiled pattern, replacement).
# Applied in order to the joined source lines of one paragraph.

_ASCII_TO_FULLWIDTH = {",": "，", "(": "（", ")": "）", ":": "：", ";": "；"}

LAYOUT_RULES = [
    (
        "enclosed-numeral",
        "OCR 把“20”识别为带圈数字“⒛”（U+249B），还原为“20”",
        re.compile("\u249b"),
        "20",
    ),
    (
        "ascii-punctuation",
        "中文句中的半角标点（, ( ) : ;）改为全角（，（）：；）",
        re.compile(r"[,():;]"),
        lambda m: _ASCII_TO_FULLWIDTH[m.group(0)],
    ),
    (
        "ascii-punctuation-cjk",
        "紧挨汉字的半角标点（, ( ) : ;）改为全角（，（）：；）；网址、英文与数字中的不改",
        re.compile(f"(?<=[{CJK}{CJK_PUNCT}])[,():;]|[,():;](?=[{CJK}{CJK_PUNCT}])"),
        lambda m: _ASCII_TO_FULLWIDTH[m.group(0)],
    ),
    (
        "whitespace",
        "删除扫描换行和 OCR 在汉字、标点之间插入的空格（英文字母、数字之间的空格保留）",
        re.compile(r"\s+"),
        lambda m: " " if _keeps_space(m) else "",
    ),
]


def _keeps_space(match: re.Match) -> bool:
    text = match.string
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return bool(before and after and before.isascii() and after.isascii()
                and before.isalnum() and after.isalnum())


def apply_layout(text: str, rules: set[str] | None = None) -> tuple[str, dict[str, int]]:
    """Apply the layout rules (all, or those named); return the text and how often each rule fired.

    A whitespace run that is removed counts once; kept single spaces do not count.
    """
    counts: dict[str, int] = {}
    for rule_id, _desc, pattern, repl in LAYOUT_RULES:
        if rules is not None and rule_id not in rules:
            continue
        n = 0

        def sub(m, repl=repl):
            nonlocal n
            out = repl(m) if callable(repl) else repl
            if out != m.group(0):
                n += 1
            return out

        text = pattern.sub(sub, text)
        counts[rule_id] = n
    return text, counts


# --- OCR residue --------------------------------------------------------------

RESIDUE_PATTERNS = [
    ("带圈数字", re.compile("[\u2488-\u249b]")),
    ("康熙部首字符", re.compile(f"[{KANGXI}]")),
    ("拆碎的“息”字", re.compile(r"信\s*[`'.·J]?\s*[急惑憝]")),
    ("反引号等杂散符号", re.compile(r"[`~|丨]")),
    ("汉字间的半角标点", re.compile(f"(?<=[{CJK}])\\s*[,.:;()'\"!?]\\s*(?=[{CJK}])")),
    ("汉字间孤立的拉丁字母", re.compile(f"(?<=[{CJK}])[A-Za-z](?=[{CJK}])")),
]


def find_residue(text: str) -> list[tuple[str, int, str]]:
    """Return (kind, offset, snippet) for each OCR residue found in curated text."""
    hits = []
    for kind, pattern in RESIDUE_PATTERNS:
        for m in pattern.finditer(text):
            start = max(0, m.start() - 4)
            hits.append((kind, m.start(), text[start:m.end() + 4]))
    return sorted(hits, key=lambda h: h[1])
