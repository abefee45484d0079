"""One figure a year as a small SVG line chart, with its data table beside it.

The table is the truth: it has a row for every year, with the value, 缺失
(printed but unreadable), — (不适用: the year's format has no such figure) or
未收录 (the collection has no report of that year). The chart draws the same
points: the line breaks at a year without a value, a grey band marks a year
without a report, and a dashed vertical line marks a change of the statistics
table's format (the segment across it is dashed too: compare with care).
No JavaScript, no fonts downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import fmt
from .escape import text
from .pages.common import value_html
from .view import NOT_APPLICABLE

# States of a point: the three of ReportView.concept, and a year without a report.
NOT_COVERED = "not-covered"
NOT_COVERED_ZH = "未收录"
STATE_WORDS = {"missing": "缺失", "not-applicable": NOT_APPLICABLE, NOT_COVERED: NOT_COVERED_ZH}

WIDTH, HEIGHT = 480, 210
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 22, 30
LABEL_ALL = 10  # up to this many years, every year and every value is labelled; beyond, the table has them
NICE = (Decimal(1), Decimal("1.5"), Decimal(2), Decimal("2.5"), Decimal(3), Decimal(4), Decimal(5), Decimal(6),
        Decimal(8), Decimal(10))


@dataclass
class Point:
    year: int
    value: Decimal | None
    state: str  # value, missing, not-applicable or not-covered
    href: str = ""  # the year's report, relative to the page
    note: str = ""  # plain text: why a year is not covered (已知未整理, 未发布, …)
    mark: str = "printed"  # how a value was obtained: printed, corrected or derived (shown as a badge)


def nice_max(peak: Decimal) -> Decimal:
    """The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ) at or above peak; 2 for a peak of 2 or less."""
    if peak <= 2:
        return Decimal(2)
    scale = Decimal(1)
    while scale * 10 < peak:
        scale *= 10
    return next(m * scale for m in NICE if m * scale >= peak)


def describe(points: list[Point]) -> str:
    return "；".join(f"{p.year} 年：{fmt(p.value) if p.state == 'value' else STATE_WORDS[p.state]}" for p in points)


def svg(chart_id: str, title: str, points: list[Point], changes: dict[int, str]) -> str:
    """The chart. points: one a year, consecutive years; changes: year a format starts → note (plain text)."""
    n = len(points)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    band = plot_w / n
    values = [p.value for p in points if p.state == "value"]
    top = nice_max(max(values)) if values else Decimal(2)
    base = TOP + plot_h

    def x(i: int) -> float:
        return LEFT + band * (i + 0.5)

    def y(value: Decimal) -> float:
        return base - float(value / top) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{chart_id}-t {chart_id}-d" focusable="false">',
             f'<title id="{chart_id}-t">{text(title)}</title>', f'<desc id="{chart_id}-d">{text(describe(points))}</desc>']
    for i, p in enumerate(points):  # years without a report: a grey band
        if p.state == NOT_COVERED:
            parts.append(f'<rect class="gap" x="{LEFT + band * i:.1f}" y="{TOP}" width="{band:.1f}" height="{plot_h}" '
                         f'fill="#8884" fill-opacity=".25"/>')
    half = top / 2
    for grid in (Decimal(0), half, top) if half == half.to_integral_value() else (Decimal(0), top):
        gy = y(grid)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#8888" '
                     f'stroke-width="{1 if grid == 0 else 0.5}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" font-size="12">{text(fmt(grid))}</text>')
    for i, p in enumerate(points):
        if i and p.year in changes:
            cx = LEFT + band * i
            parts.append(f'<line class="change" x1="{cx:.1f}" x2="{cx:.1f}" y1="{TOP - 8}" y2="{base}" stroke="currentColor" '
                         f'stroke-dasharray="4 3" stroke-width="1"/>')
    step = 1 if n <= LABEL_ALL else 2 if n <= 2 * LABEL_ALL else 5
    for i, p in enumerate(points):
        if i % step == 0 or i == n - 1:
            parts.append(f'<text class="axis" x="{x(i):.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="12">{p.year}</text>')
    for i in range(n - 1):  # the line: only between neighbouring years that both have a value
        a, b = points[i], points[i + 1]
        if a.state == "value" and b.state == "value":
            dash = ' stroke-dasharray="3 3"' if b.year in changes else ""
            parts.append(f'<line class="line" x1="{x(i):.1f}" y1="{y(a.value):.1f}" x2="{x(i + 1):.1f}" y2="{y(b.value):.1f}" '
                         f'stroke="currentColor" stroke-width="2"{dash}/>')
    for i, p in enumerate(points):
        if p.state == "value":
            parts.append(f'<circle class="point" cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="3.5" fill="currentColor"/>')
            if n <= LABEL_ALL:
                parts.append(f'<text class="value" x="{x(i):.1f}" y="{y(p.value) - 7:.1f}" text-anchor="middle" '
                             f'font-size="12">{text(fmt(p.value))}</text>')
        elif p.state == "missing":
            parts.append(f'<circle class="missing" cx="{x(i):.1f}" cy="{base:.1f}" r="4" fill="none" stroke="#a23" '
                         f'stroke-dasharray="2 2"/>')
            parts.append(f'<text class="missing" x="{x(i):.1f}" y="{base - 8:.1f}" text-anchor="middle" font-size="10" '
                         f'fill="#a23">缺失</text>')
        elif p.state == "not-applicable":
            parts.append(f'<text class="na" x="{x(i):.1f}" y="{base - 4:.1f}" text-anchor="middle" font-size="12">—</text>')
    parts.append("</svg>")
    return "".join(parts)


def table(chart_id: str, title: str, points: list[Point], changes: dict[int, str]) -> str:
    """The data table: a row for every year, and a row where a format starts."""
    rows = []
    for p in points:
        if p.year in changes:
            rows.append(f'<tr class="change"><td colspan="2">{text(changes[p.year])}</td></tr>')
        year = f'<a href="{p.href}">{p.year}</a>' if p.href else str(p.year)
        if p.state == NOT_COVERED:
            value = f'<span class="gap">{NOT_COVERED_ZH}</span>' + (f'<small>（{text(p.note)}）</small>' if p.note else "")
        else:
            value = value_html(p.value, p.mark if p.state == "value" else p.state)
        rows.append(f'<tr data-year="{p.year}" data-state="{p.state}"><th scope="row">{year}</th>'
                    f'<td class="num">{value}</td></tr>')
    return (f'<table class="xxgk-series-data" id="{chart_id}-table"><caption>{text(title)}</caption>'
            f'<thead><tr><th scope="col">年度</th><th scope="col" class="num">数值</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def figure(chart_id: str, title: str, points: list[Point], changes: dict[int, str]) -> str:
    """Chart and table side by side (stacked on a phone). A series without a single value gets no chart."""
    drawn = any(p.state in ("value", "missing") for p in points)
    chart = (svg(chart_id, title, points, changes) if drawn
             else '<p class="no-chart">各年报告的统计表格式都没有这一项，没有可画的数值。</p>')
    return (f'<figure class="xxgk-series" id="{chart_id}"><div class="chart">{chart}</div>'
            f'<div class="data">{table(chart_id, title, points, changes)}</div></figure>')
