"""Rebuild a report's clean prose from its source text and its ledger.

The curated prose is not free text: each paragraph must equal its source
lines with the ledger's local corrections applied, followed by the global
layout rules of ``xxgk.text``. ``xxgk validate`` rebuilds every paragraph this
way, so any change that the ledger does not explain is caught.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import LAYOUT_RULES, apply_layout

# How each layout rule appears as a global ledger entry (target "*"):
# (source_text, published_text). The entry's count must equal how often
# the rule fired over all paragraphs.
LAYOUT_SIGNATURES = {
    "enclosed-numeral": ("⒛", "20"),
    "ascii-punctuation": (",():;", "，（）：；"),
    "ascii-punctuation-cjk": ("汉字旁的 ,():;", "，（）：；"),
    "whitespace": ("（空格与换行）", ""),
}
assert set(LAYOUT_SIGNATURES) == {r[0] for r in LAYOUT_RULES}


@dataclass
class LocalEdit:
    entry_id: str
    line: int
    source_text: str
    published_text: str


class EditError(Exception):
    """A local ledger edit whose source text is not on its line."""

    def __init__(self, edit: LocalEdit, line_text: str):
        super().__init__(edit.entry_id)
        self.edit = edit
        self.line_text = line_text


def parse_range(spec: str) -> tuple[int, int]:
    first, _, last = spec.partition("-")
    return int(first), int(last or first)


def rebuild(lines: list[str], first: int, last: int, edits: list[LocalEdit],
            rules: set[str] | None = None) -> tuple[str, dict[str, int]]:
    """Rebuild one paragraph from source lines first..last (1-based, inclusive), with the layout rules named
    (all when None). A package uses the rules its ledger lists as global entries: a clean web page needs
    none of the OCR ones."""
    by_line: dict[int, list[LocalEdit]] = {}
    for e in edits:
        by_line.setdefault(e.line, []).append(e)
    out = []
    for n in range(first, last + 1):
        text = lines[n - 1] if n - 1 < len(lines) else ""
        for e in by_line.get(n, []):
            if e.source_text not in text:
                raise EditError(e, text)
            text = text.replace(e.source_text, e.published_text, 1)
        out.append(text)
    return apply_layout("\n".join(out), rules)
