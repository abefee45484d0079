"""Bar charts as SVG, drawn at build time: no JavaScript, no external fonts."""

from __future__ import annotations

import re
from decimal import Decimal
from .escape import text as escape

from ..model import fmt

_PREFIX = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、]|其中[:：])")


def short_label(label: str, width: int = 13) -> str:
    """A label without its numbering, cut to fit the chart's label column."""
    text = _PREFIX.sub("", label).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def bar_chart(chart_id: str, title: str, unit: str, items: list[tuple[str, Decimal | None]]) -> str:
    """A horizontal bar chart. A missing value is drawn as an empty dashed bar labelled 缺失."""
    row_h, top, label_w, bar_w, value_w = 26, 8, 190, 330, 90
    width = label_w + bar_w + value_w
    height = top * 2 + row_h * len(items)
    known = [v for _, v in items if v is not None]
    peak = max(known) if known and max(known) > 0 else Decimal(1)
    desc = "；".join(f"{label}：{fmt(v) + unit if v is not None else '缺失'}" for label, v in items)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" focusable="false">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        mid = y + row_h / 2 + 5
        parts.append(f'<text x="{label_w - 8}" y="{mid:.0f}" text-anchor="end" font-size="13">{escape(short_label(label))}</text>')
        if value is None:
            parts.append(f'<rect class="bar-missing" x="{label_w}" y="{y + 5}" width="{bar_w * 0.15:.0f}" height="{row_h - 10}"/>')
            parts.append(f'<text x="{label_w + bar_w * 0.15 + 6:.0f}" y="{mid:.0f}" font-size="12">缺失</text>')
            continue
        w = float(value / peak) * bar_w if peak else 0
        parts.append(f'<rect class="bar" x="{label_w}" y="{y + 5}" width="{max(w, 1):.1f}" height="{row_h - 10}"/>')
        parts.append(f'<text x="{label_w + max(w, 1) + 6:.0f}" y="{mid:.0f}" font-size="12">{escape(fmt(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)
