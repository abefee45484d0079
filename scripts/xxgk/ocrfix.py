"""Repairs of OCR damage, each returned with a record for the corrections ledger.

Every function takes text and returns (text, [Fix]). A Fix says what was
replaced, by what, and why; the importer turns them into ledger entries.
Printed labels are never rewritten: these repairs apply to prose and values.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .text import CJK, ENCLOSED_NUMERALS, KANGXI


@dataclass
class Fix:
    source: str
    published: str
    kind: str  # glyph | fragment | layout | debris
    reason: str


# Letters and characters that OCR reads for digits. Applied in a numeric context only.
DIGIT_CONFUSIONS = {"乙": "2", "Z": "2", "z": "2", "o": "0", "O": "0", "〇": "0", "○": "0", "D": "0",
                    "l": "1", "I": "1", "|": "1", "丨": "1", "S": "5", "B": "8"}
_CONF = "".join(re.escape(c) for c in DIGIT_CONFUSIONS)


def _sub(pattern: re.Pattern, text: str, repl, kind: str, reason: str) -> tuple[str, list[Fix]]:
    fixes = []

    def sub(m):
        out = repl(m) if callable(repl) else m.expand(repl)
        if out != m.group(0):
            fixes.append(Fix(m.group(0), out, kind, reason))
        return out

    return pattern.sub(sub, text), fixes


def enclosed_numerals(text: str) -> tuple[str, list[Fix]]:
    """⒛ (U+249B) for "20" and ⒚ for "19", mapped before any Unicode normalisation."""
    fixes = []
    for glyph, digits in ENCLOSED_NUMERALS.items():
        n = text.count(glyph)
        if n:
            text = text.replace(glyph, digits)
            fixes += [Fix(glyph, digits, "glyph", f"带圈数字“{glyph}”是“{digits}”的误识")] * n
    return text, fixes


def kangxi_radicals(text: str) -> tuple[str, list[Fix]]:
    """Kangxi radicals (U+2F00–U+2FD5) that PDFs use for ordinary characters: NFKC of those characters only."""
    return _sub(re.compile(f"[{KANGXI}]"), text, lambda m: unicodedata.normalize("NFKC", m.group(0)), "glyph",
                "康熙部首字符换成通用汉字")


_SPLIT_XI = re.compile(r"信\s*[`'.·．J]?\s*[急惑憝](?=\s*[公发不]|\s*$|\s*\n)")
_STRAY_BEFORE = re.compile(f"(?<=[{CJK}])\\s*J(?=总|息)")


def split_characters(text: str) -> tuple[str, list[Fix]]:
    """A character split into pieces with stray punctuation: 信`急 / 信 .惑 for 信息, J总 for 总."""
    text, a = _sub(_SPLIT_XI, text, "信息", "fragment", "OCR 把“息”字拆成了碎片")
    text, b = _sub(re.compile(r"^[`'.·]\s*[急惑憝]$", re.M), text, "息", "fragment", "OCR 把“息”字拆成了碎片（单独一行）")
    text, c = _sub(_STRAY_BEFORE, text, "", "fragment", "字旁多出碎片“J”")
    return text, a + b + c


def document_numbers(text: str) -> tuple[str, list[Fix]]:
    """The bracket of a document number read as 匚 or E: 鲁政办发 匚2018〕 → 〔2018〕."""
    return _sub(re.compile(r"[匚E](?=\s*(?:20|⒛)\s*\d\s*\d?\s*〕)"), text, "〔", "glyph", "文号括号“〔”被误识")


def numeric_tokens(text: str) -> tuple[str, list[Fix]]:
    """Digits read as letters inside a number: zO17年 → 2017年. Needs a digit in the token, and a
    unit or 年 after it, so that words are never touched."""
    pattern = re.compile(f"(?<![A-Za-z])(?=[{_CONF}0-9]*[0-9])[{_CONF}0-9]{{2,}}(?=\\s*[年月日件条个人次%])")

    def repl(m):
        return "".join(DIGIT_CONFUSIONS.get(ch, ch) for ch in m.group(0))

    return _sub(pattern, text, repl, "glyph", "数字中的字母是数字的误识（数字位置）")


def quantity_words(text: str) -> tuple[str, list[Fix]]:
    """余 read as its look-alike 佘 after a number: 196万佘个 → 196万余个."""
    return _sub(re.compile(r"(?<=[0-9万千百十])佘"), text, "余", "glyph", "“余”被识别为形近字“佘”")


def split_numbers(text: str) -> tuple[str, list[Fix]]:
    """A year split by a space inside a document number: 〔20 18〕 → 〔2018〕."""
    return _sub(re.compile(r"(?<=〔)(20)\s+(\d{2})(?=\s*〕)"), text, r"\1\2", "glyph", "年份被空格隔开")


PROSE_FIXES = [enclosed_numerals, kangxi_radicals, split_characters, document_numbers, split_numbers, numeric_tokens,
               quantity_words]


def fix_prose(text: str) -> tuple[str, list[Fix]]:
    fixes: list[Fix] = []
    for fn in PROSE_FIXES:
        text, f = fn(text)
        fixes += f
    return text, fixes


def read_number(token: str) -> tuple[str | None, str]:
    """Read a table value token.

    Returns (digits or None, how): "printed" for a clean number, "confusion" when a
    lone confusable glyph stands for a digit (l → 1), "unreadable" otherwise. A
    number mixing digits with confusable or unknown glyphs is not read: it is
    left to the rules or to a person.
    """
    token = token.strip()
    if re.fullmatch(r"\d+(\.\d+)?", token):
        return token, "printed"
    if len(token) == 1 and token in DIGIT_CONFUSIONS:
        return DIGIT_CONFUSIONS[token], "confusion"
    return None, "unreadable"


def confusable_readings(token: str) -> list[str]:
    """Every digit string the token could be under the confusion table (for the review list)."""
    out = "".join(DIGIT_CONFUSIONS.get(ch, ch) for ch in token if not ch.isspace())
    return [out] if re.fullmatch(r"\d+", out) else []
