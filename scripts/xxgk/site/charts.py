"""Bar charts as SVG, drawn at build time: no JavaScript, no external fonts.

A chart says no more than the table. Each bar is a part, the total the parts
belong to, or what the total leaves unallocated; each part has the state of
its cell:

* printed: a solid bar; derived and corrected: the same bar hatched and
  outlined (legend below the chart);
* missing: no bar at all, a labelled gap (缺失);
* a row the report does not print is not drawn (the caller leaves it out);
* unallocated: the total minus the known parts, hatched grey, labelled 未分配.

Charts of one unit on one page share one scale (``page_scales``). The SVG has
no viewBox: its user unit is the CSS pixel, so labels keep their size on a
phone; horizontal positions are percentages of the chart's width.

Every string from data goes through ``escape.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..model import fmt
from .escape import text as escape
from .material import NO_INDEX

_PREFIX = re.compile(r"^(?:\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、]|其中[:：]))+")
_REMARK = re.compile(r"（[^（）]*）$")
_ID = re.compile(r"[^A-Za-z0-9_-]")

# Geometry in CSS pixels (font sizes are repeated in charts.css).
ROW_H, LABEL_Y, LANE_Y, LANE_H, TOP = 44, 15, 21, 16, 2
LABEL_CHARS = 18

STATE_ZH = {"printed": "原文", "derived": "推算", "corrected": "校正", "missing": "缺失"}
MARKED = ("derived", "corrected")
LEGEND = {
    "printed": "原文数值",
    "derived": "推算：按表内规则或正文得出",
    "corrected": "校正：原文字符误识后更正",
    "total": "总数（只画轮廓）",
    "unallocated": "未分配：总数减去已知各项",
    "missing": "缺失：原文空缺或无法辨认，不画条",
}
UNALLOCATED = "未分配（总数减已知各项）"
# Colour-blind-safe category colours (Okabe–Ito), for stacked bars.
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999999", "#f0e442"]


def plain_label(label: str) -> str:
    """A label without its numbering (（一）, 1., 其中：)."""
    return _PREFIX.sub("", label).strip()


def short_label(label: str, width: int = LABEL_CHARS) -> str:
    """A label without its numbering, and without a closing remark in brackets when too long, cut to fit
    one line of a phone."""
    s = plain_label(label)
    if len(s) > width:
        s = _REMARK.sub("", s) or s
    return s if len(s) <= width else s[: width - 1] + "…"


def safe_id(value: str) -> str:
    return _ID.sub("-", value)


@dataclass
class Bar:
    """One bar: a part of a breakdown, its total, or what the total leaves unallocated."""

    label: str
    value: Decimal | None  # None: missing
    state: str = "printed"  # printed, corrected, derived, missing
    role: str = "part"  # part, total, unallocated
    key: str = ""  # the table row, for readers of the HTML (tests)
    note: str = ""  # said in the description (an unallocated bar: what the rule allows)


@dataclass
class Chart:
    """A horizontal bar chart of one breakdown."""

    id: str
    title: str
    unit: str
    bars: list[Bar]
    caption: str = ""

    def values(self) -> list[Decimal]:
        return [b.value for b in self.bars if b.value is not None]


@dataclass
class Segment:
    value: Decimal | None
    state: str = "printed"


@dataclass
class StackRow:
    label: str
    total: Decimal | None  # the printed total of the row (None: missing)
    total_state: str  # printed, corrected, derived, missing; absent when the column prints no total row
    segments: list[Segment | None]  # one per category; None: the category is not printed in this column
    key: str = ""  # the table column

    def known(self) -> Decimal:
        return sum((s.value for s in self.segments if s is not None and s.value is not None), Decimal(0))

    def unallocated(self) -> Decimal:
        rest = self.total - self.known() if self.total is not None else Decimal(0)
        return rest if rest > 0 else Decimal(0)


@dataclass
class StackedChart:
    """Stacked horizontal bars: one bar per row (an applicant type), one segment per category (an outcome)."""

    id: str
    title: str
    unit: str
    categories: list[str]
    rows: list[StackRow]
    row_header: str = "项目"
    caption: str = ""

    def values(self) -> list[Decimal]:
        out = []
        for r in self.rows:
            out.append(r.known() + r.unallocated())
            if r.total is not None:
                out.append(r.total)
        return out


def page_scales(charts: list) -> dict[str, Decimal]:
    """One scale per unit on a page: the largest value any chart of that unit draws."""
    peaks: dict[str, Decimal] = {}
    for c in charts:
        for value in c.values():
            peaks[c.unit] = max(peaks.get(c.unit, Decimal(0)), value)
    return {u: p if p > 0 else Decimal(1) for u, p in peaks.items()}


def _pct(value: Decimal, peak: Decimal) -> float:
    return max(0.0, float(value / peak) * 100) if peak else 0.0


def _show(value: Decimal | None, unit: str) -> str:
    return "缺失" if value is None else fmt(value) + unit


def _patterns(cid: str) -> str:
    """Hatches for derived, corrected and unallocated bars, and white marks over coloured segments."""
    def hatch(name, colour, angle, width=2):
        return (f'<pattern id="{cid}-{name}" patternUnits="userSpaceOnUse" width="6" height="6" '
                f'patternTransform="rotate({angle})"><line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" '
                f'stroke-width="{width}"/></pattern>')
    return ("<defs>" + hatch("derived", "#0b6e99", 45) + hatch("corrected", "#8a5a00", -45)
            + hatch("unallocated", "#777", 45, 1.5) + hatch("mark", "#fff", 45, 2) + "</defs>")


def _svg_open(cid: str, title: str, desc: str, rows: int, cls: str) -> str:
    height = TOP + ROW_H * rows
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" width="100%" height="{height}" role="img" '
            f'aria-labelledby="{cid}-t {cid}-d" focusable="false">'
            f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(desc)}</desc>'
            + _patterns(cid) + f'<line class="axis" x1="0.5" x2="0.5" y1="{TOP + LANE_Y - 3}" y2="{height - 4}"/>')


def _texts(y: int, label: str, value: str, value_cls: str = "value") -> str:
    return (f'<text class="label" x="0" y="{y + LABEL_Y}">{escape(label)}</text>'
            f'<text class="{value_cls}" x="100%" y="{y + LABEL_Y}" text-anchor="end">{escape(value)}</text>')


def _rect(cls: str, x: float, y: int, w: float, fill: str = "") -> str:
    fill_attr = f' fill="{fill}"' if fill else ""
    return f'<rect class="{cls}" x="{x:.4f}%" y="{y + LANE_Y}" width="{w:.4f}%" height="{LANE_H}"{fill_attr}/>'


def _bar_shapes(cid: str, b: Bar, y: int, peak: Decimal) -> str:
    if b.value is None:  # a labelled gap, never a bar
        return f'<text class="gap" x="6" y="{y + LANE_Y + LANE_H - 3}">缺失：原文空缺或无法辨认</text>'
    w = _pct(b.value, peak)
    if w == 0:
        return ""
    if b.role == "total":
        out = _rect("bar bar-total", 0, y, w)
        if b.state in MARKED:
            out += _rect(f"bar-mark mark-{b.state}", 0, y, w, f"url(#{cid}-{b.state})")
        return out
    if b.role == "unallocated":
        return _rect("bar bar-unallocated", 0, y, w) + _rect("bar-mark", 0, y, w, f"url(#{cid}-unallocated)")
    if b.state in MARKED:
        return _rect(f"bar bar-{b.state}", 0, y, w) + _rect(f"bar-mark mark-{b.state}", 0, y, w, f"url(#{cid}-{b.state})")
    return _rect("bar bar-printed", 0, y, w)


def _describe(b: Bar, unit: str) -> str:
    label = f"总数（{plain_label(b.label)}）" if b.role == "total" else plain_label(b.label)
    s = f"{label}：{_show(b.value, unit)}"
    if b.value is not None and b.state in MARKED:
        s += f"（{STATE_ZH[b.state]}）"
    if b.note:
        s += f"，{b.note}"
    return s


def _legend(keys: list[str], categories: list[tuple[str, str]] = ()) -> str:
    items = [f'<li><span class="swatch" style="background:{colour}" aria-hidden="true"></span>{escape(name)}</li>'
             for name, colour in categories]
    items += [f'<li><span class="swatch swatch-{k}" aria-hidden="true"></span>{LEGEND[k]}</li>' for k in keys]
    return f'<ul class="xxgk-legend">{"".join(items)}</ul>'


def _legend_keys(states: set[str], roles: set[str], with_printed: bool = True) -> list[str]:
    keys = ["printed"] if with_printed and "printed" in states else []
    keys += [k for k in MARKED if k in states]
    keys += [k for k in ("total", "unallocated") if k in roles]
    keys += ["missing"] if "missing" in states else []
    return keys


def _figure(cid: str, svg: str, title: str, caption: str, legend: str, table: str, kind: str = "bars") -> str:
    cap = f"<strong>图：{escape(title)}</strong><br>{caption}"
    return (f'<figure class="xxgk-chart xxgk-chart-{kind}" id="{cid}" {NO_INDEX}><figcaption>{cap}</figcaption>{svg}{legend}'
            f'<details class="note"><summary>图表数据</summary>{table}</details></figure>\n\n')


def _scale_note(unit: str, peak: Decimal) -> str:
    return f"本页所有以“{escape(unit)}”计的图表用同一比例尺，条的全长为 {escape(fmt(peak))}{escape(unit)}。"


def bar_chart(chart: Chart, peak: Decimal) -> str:
    """A figure: the SVG, its caption and legend, and the chart's data as a table."""
    cid = escape(safe_id(chart.id))
    unit = chart.unit
    desc = "；".join(_describe(b, unit) for b in chart.bars) + "。"
    parts = [_svg_open(cid, chart.title, desc, len(chart.bars), "xxgk-bars")]
    for i, b in enumerate(chart.bars):
        y = TOP + i * ROW_H
        label = ("总数：" + short_label(b.label, LABEL_CHARS - 3)) if b.role == "total" else short_label(b.label)
        value = "缺失" if b.value is None else fmt(b.value)
        state = "missing" if b.value is None else b.state
        parts.append(f'<g class="row role-{b.role} state-{state}" data-row="{escape(b.key)}" data-role="{b.role}" '
                     f'data-state="{state}">' + _texts(y, label, value, "value missing" if b.value is None else "value")
                     + _bar_shapes(cid, b, y, peak) + "</g>")
    parts.append("</svg>")
    states = {("missing" if b.value is None else b.state) for b in chart.bars if b.role == "part"}
    states |= {"missing" if b.value is None else b.state for b in chart.bars if b.role == "total"} - {"printed"}
    roles = {b.role for b in chart.bars if b.value is not None and b.value > 0}
    rows = "".join(
        f'<tr><td class="label" data-label="项目">{escape(("总数：" if b.role == "total" else "") + b.label)}</td>'
        f'<td class="num" data-label="{escape(unit)}">{escape(_show(b.value, ""))}</td>'
        f'<td data-label="状态">{escape(_state_text(b))}</td></tr>' for b in chart.bars)
    table = (f'<table class="cards xxgk-chart-data"><thead><tr><th>项目</th><th>{escape(unit)}</th><th>状态</th></tr></thead>'
             f"<tbody>{rows}</tbody></table>")
    caption = escape(chart.caption) + _scale_note(unit, peak)
    return _figure(cid, "".join(parts), chart.title, caption, _legend(_legend_keys(states, roles)), table)


def _state_text(b: Bar) -> str:
    if b.role == "unallocated":
        return "未分配" + (f"：{b.note}" if b.note else "")
    state = "缺失" if b.value is None else STATE_ZH.get(b.state, b.state)
    return ("总数，" if b.role == "total" else "") + state


def stacked_chart(chart: StackedChart, peak: Decimal) -> str:
    """A figure of stacked bars on the page's scale, with its legend and data table."""
    cid = escape(safe_id(chart.id))
    unit = chart.unit
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(chart.categories))]
    parts = [None]  # the <svg> opening, written once the description is known
    described, states = [], set()
    unallocated_seen = False
    for i, r in enumerate(chart.rows):
        y = TOP + i * ROW_H
        value = "未列出" if r.total_state == "absent" else "缺失" if r.total is None else fmt(r.total)
        shapes, x, bits = [], 0.0, []
        for k, seg in enumerate(r.segments):
            if seg is None:
                continue
            name = chart.categories[k]
            if seg.value is None:
                states.add("missing")
                bits.append(f"{name}：缺失")
                continue
            bits.append(f"{name} {fmt(seg.value)}{unit}" + (f"（{STATE_ZH[seg.state]}）" if seg.state in MARKED else ""))
            w = _pct(seg.value, peak)
            if w > 0:
                shapes.append(_rect(f"seg seg-{k}", x, y, w, colours[k]))
                if seg.state in MARKED:
                    states.add(seg.state)
                    shapes.append(_rect(f"bar-mark mark-{seg.state}", x, y, w, f"url(#{cid}-mark)"))
            x += w
        rest = r.unallocated()
        if rest > 0:
            unallocated_seen = True
            bits.append(f"{UNALLOCATED} {fmt(rest)}{unit}")
            w = _pct(rest, peak)
            shapes.append(_rect("bar bar-unallocated", x, y, w) + _rect("bar-mark", x, y, w, f"url(#{cid}-unallocated)"))
        if not any(s is not None for s in r.segments) and r.total is None:
            shapes.append(f'<text class="gap" x="6" y="{y + LANE_Y + LANE_H - 3}">缺失：原文空缺或无法辨认</text>')
        total_txt = ("未列出" if r.total_state == "absent" else _show(r.total, unit)
                     + (f"（{STATE_ZH[r.total_state]}）" if r.total_state in MARKED else ""))
        described.append(f"{r.label}：" + "、".join(bits) + f"；合计 {total_txt}")
        row_state = r.total_state  # printed, corrected, derived, missing, or absent (no total row printed)
        parts.append(f'<g class="row role-stack state-{row_state}" data-column="{escape(r.key)}" data-role="stack" '
                     f'data-state="{row_state}">' + _texts(y, short_label(r.label), value,
                                                            "value missing" if r.total is None else "value")
                     + "".join(shapes) + "</g>")
    parts[0] = _svg_open(cid, chart.title, "。".join(described) + "。", len(chart.rows), "xxgk-bars xxgk-stacked")
    parts.append("</svg>")
    head = "".join(f"<th>{escape(c)}</th>" for c in chart.categories)
    body = []
    for r in chart.rows:
        cells = []
        for k, seg in enumerate(r.segments):
            label = escape(chart.categories[k])
            if seg is None:
                cells.append(f'<td class="num" data-label="{label}">未列出</td>')
            else:
                mark = f"（{STATE_ZH[seg.state]}）" if seg.value is not None and seg.state in MARKED else ""
                cells.append(f'<td class="num" data-label="{label}">{escape(_show(seg.value, ""))}{mark}</td>')
        total_mark = f"（{STATE_ZH[r.total_state]}）" if r.total is not None and r.total_state in MARKED else ""
        body.append(f'<tr><th class="label" scope="row" data-label="{escape(chart.row_header)}">{escape(r.label)}</th>'
                    + "".join(cells) + f'<td class="num" data-label="合计">{"未列出" if r.total_state == "absent" else escape(_show(r.total, ""))}'
                    f'{total_mark}</td></tr>')
    table = (f'<table class="cards xxgk-chart-data"><thead><tr><th>{escape(chart.row_header)}</th>{head}<th>合计</th></tr>'
             f'</thead><tbody>{"".join(body)}</tbody></table>')
    roles = {"unallocated"} if unallocated_seen else set()
    legend = _legend(_legend_keys(states, roles, with_printed=False), list(zip(chart.categories, colours)))
    caption = escape(chart.caption) + _scale_note(unit, peak)
    return _figure(cid, "".join(parts), chart.title, caption, legend, table, "stacked")


def render(charts: list) -> str:
    """Every chart of a page, on the page's scales."""
    scales = page_scales(charts)
    out = []
    for c in charts:
        peak = scales.get(c.unit, Decimal(1))
        out.append(stacked_chart(c, peak) if isinstance(c, StackedChart) else bar_chart(c, peak))
    return "".join(out)
