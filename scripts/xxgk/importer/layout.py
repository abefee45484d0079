"""Which template a printed table follows, in which layout, and which printed value is which cell.

Everything here is driven by the templates' data: row and column labels,
their printed variants (labels.csv), optional rows (a layout may leave them
out: they become ``absent``), group rows printed as one line or as their
parts, units and the number of value columns. Nothing here knows a template
by name.

Matching is an alignment: the printed rows, in reading order, against the
template's item rows, in template order, maximising label similarity (with
the labels of the merged cells a row sits under, and with neighbouring lines
for labels wrapped over several lines). Each template is scored by how much
of the printed tables it explains and how much of itself it finds, plus how
many of its column headings are printed; the best one is chosen, and when two
score the same the importer stops and names both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..model import Cell, Template
from ..text import fix_enclosed_numerals, label_norm
from .rows import PrintedRow, PrintedTable, Value, is_number

THRESHOLD = 0.72  # a printed row matches a template row only above this similarity
TIE = 0.02  # two templates within this score are equally good


def norm(text: str) -> str:
    return label_norm(fix_enclosed_numerals(text or ""))


@dataclass
class RowKeys:
    """What a template row (or column) may be printed as."""

    norms: list[str]
    patterns: list[re.Pattern]
    path: str  # the labels of its parents and its own, normalised
    unit: str
    units: set[str]


def row_keys(template: Template) -> dict[tuple[str, str], RowKeys]:
    out = {}
    for r in template.rows:
        chain, p = [], r
        while p is not None and p.get("parent"):
            p = template.row(r["table"], p["parent"])
            if p is not None:
                chain.insert(0, p["label_norm"])
        out[(r["table"], r["key"])] = RowKeys([r["label_norm"]], [], "".join(chain) + r["label_norm"],
                                              r["unit"] or "", {r["unit"] or ""})
    for c in template.columns:
        out[(c["table"], "@" + c["key"])] = RowKeys([c["label_norm"]], [], c["label_norm"], "", set())
    for v in template.labels:
        keys = out.get((v["table"], v["target"]))
        if keys is None:
            continue
        keys.norms.append(v["label_norm"])
        if v.get("pattern"):
            keys.patterns.append(re.compile(v["pattern"]))
        if v.get("unit"):
            keys.units.add(v["unit"])
    return out


def similarity(printed: str, keys: RowKeys) -> float:
    if not printed:
        return 0.0
    best = 0.0
    for key in keys.norms:
        if printed == key:
            return 1.0
        if len(key) >= 4 and key in printed:
            best = max(best, 0.97 - min(0.1, (len(printed) - len(key)) / 200))
            continue
        score = fuzz.ratio(printed, key) / 100
        if len(key) >= 4 and len(printed) > len(key):
            score = max(score, 0.92 * fuzz.partial_ratio(key, printed) / 100)
        best = max(best, score)
    if any(p.fullmatch(printed) for p in keys.patterns):
        best = max(best, 0.98)
    return best


@dataclass
class Match:
    template: Template
    score: float = 0.0
    why: str = ""
    values: dict = field(default_factory=dict)  # cell -> Value as printed (possibly run together)
    rows: dict = field(default_factory=dict)  # (table, row key) -> PrintedRow
    how: dict = field(default_factory=dict)  # (table, row key) -> "label" | "variant" | "flattened" | "position"
    absent: set = field(default_factory=set)  # cells of optional rows the layout does not print
    flags: dict = field(default_factory=dict)  # cell -> why a person should look
    unmatched: list = field(default_factory=list)  # printed data rows no template row explains
    notes: list = field(default_factory=list)


def _data_rows(tables: list[PrintedTable]) -> list[PrintedRow]:
    return [r for t in tables for r in t.rows if r.values and not r.header]


def _label_candidates(tables: list[PrintedTable]) -> dict[int, list[str]]:
    """For each data row: its own label, its label with its merged cells, and (for rows of text lines) its
    label joined with the text-only lines around it (a label wrapped over several lines)."""
    out = {}
    for t in tables:
        rows = t.rows
        for i, r in enumerate(rows):
            if not r.values or r.header:
                continue
            cands = [norm(r.label), norm(r.full_label)]
            if not r.table:  # lines of a PDF or of text: labels wrap onto the lines above and below
                above = [rows[k].label for k in range(max(0, i - 2), i) if not rows[k].values]
                below = rows[i + 1].label if i + 1 < len(rows) and not rows[i + 1].values else ""
                for k in range(len(above) + 1):
                    cands.append(norm("".join(above[len(above) - k:]) + r.label + below))
                    cands.append(norm("".join(above[len(above) - k:]) + r.label))
            out[id(r)] = [c for c in dict.fromkeys(cands) if c]
    return out


def _item_rows(template: Template) -> list[dict]:
    return [r for t in sorted(template.tables, key=lambda t: t["order"]) for r in template.item_rows(t["key"])]


def match(tables: list[PrintedTable], template: Template, header_text: str = "") -> Match:
    """Align the printed rows with the template's item rows; assign each printed value to a cell."""
    m = Match(template)
    keys = row_keys(template)
    data = _data_rows(tables)
    items = _item_rows(template)
    cands = _label_candidates(tables)
    ncols = {t["key"]: len(template.value_columns(t["key"])) for t in template.tables}

    def score(i: int, j: int) -> float:
        r, t = data[i], items[j]
        k = keys[(t["table"], t["key"])]
        s = max([similarity(c, k) for c in cands.get(id(r), [])] + [similarity(norm(r.full_label), RowKeys([k.path], [], "", "", set()))])
        if len(k.norms[0]) <= 3 and s < 1.0:
            s = min(s, similarity(norm(r.full_label), RowKeys([k.path], [], "", "", set())))
        if r.unit:
            s += 0.03 if r.unit in k.units else -0.1
        if len(r.values) != ncols[t["table"]]:
            s -= 0.12
        return s if s >= THRESHOLD else 0.0

    n, q = len(data), len(items)
    raw = [[score(i, j) for j in range(q)] for i in range(n)]
    # The alignment maximises the sum of these weights: near-exact matches count far more than fair ones, so two
    # middling matches never outweigh one exact match (传真申请数 is 传真申请数, not 信函、传真申请数).
    sc = [[((x - THRESHOLD) / (1 - THRESHOLD)) ** 2 + 1e-6 if x else 0.0 for x in row] for row in raw]
    best = [[0.0] * (q + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(q - 1, -1, -1):
            take = best[i + 1][j + 1] + sc[i][j] if sc[i][j] else 0.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    pairs, i, j = [], 0, 0
    while i < n and j < q:
        if sc[i][j] and best[i][j] == best[i + 1][j + 1] + sc[i][j]:
            pairs.append((i, j, raw[i][j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    pairs = pairs + _between_anchors(pairs, data, items, sc, keys) + _reordered(pairs, data, items, cands, keys, ncols)
    matched_rows = set()
    for i, j, s in pairs:
        r, t = data[i], items[j]
        m.rows[(t["table"], t["key"])] = r
        m.how[(t["table"], t["key"])] = "position" if s == POSITION else "label"
        matched_rows.add(i)
        _assign(m, template, t, r, tables)
        if s == POSITION:
            m.notes.append(f"原文第 {r.line} 行的标签“{r.label}”损坏，按行序与单位对应到“{t['label']}”")
    m.unmatched = [r for i, r in enumerate(data) if i not in matched_rows]
    _flattened(m, template)
    _absent(m, template)
    # Score: how much of the printed tables the template explains, how much of itself it finds, its headings.
    required = [t for t in items if not t.get("optional")]
    found_required = sum(1 for t in required if (t["table"], t["key"]) in m.rows)
    explained = sum(s for _, _, s in pairs) + sum(len(r.values) / max(1, len(r.values)) for r in m.rows.values()
                                                   if m.how.get(_key_of(m, r)) == "flattened")
    cov_printed = min(1.0, explained / n) if n else 0.0
    cov_template = found_required / len(required) if required else 0.0
    heads = _heading_agreement(template, header_text)
    m.score = round(0.45 * cov_printed + 0.35 * cov_template + 0.2 * heads, 4)
    m.why = (f"印出的 {n} 行数据中 {len(matched_rows)} 行对上模板的行，模板 {len(required)} 个必有行找到 {found_required} 个，"
             f"列标题对上 {heads:.0%}")
    return m


POSITION = 0.5  # the score of a pair made by position between two matched rows


def _between_anchors(pairs, data, items, sc, keys) -> list:
    """Rows whose labels are too damaged to match, between two matched rows: paired in order when the printed
    rows and the template rows in that gap are as many and carry the same units."""
    out = []
    anchors = [(-1, -1)] + [(i, j) for i, j, _ in sorted(pairs)] + [(len(data), len(items))]
    for (i0, j0), (i1, j1) in zip(anchors, anchors[1:]):
        free_p = [i for i in range(i0 + 1, i1) if data[i].unit]
        free_t = list(range(j0 + 1, j1))
        if free_p and len(free_p) == len(free_t) and all(
                data[i].unit in keys[(items[j]["table"], items[j]["key"])].units for i, j in zip(free_p, free_t)):
            out += [(i, j, POSITION) for i, j in zip(free_p, free_t)]
    return out


def _reordered(pairs, data, items, cands, keys, ncols) -> list:
    """A row a layout prints out of the template's order (a province moving a row): matched by its label alone,
    when the label is unmistakable (one template row, near-exact similarity, same number of values)."""
    used_p = {i for i, _, _ in pairs}
    used_t = {j for _, j, _ in pairs}
    out = []
    for i, r in enumerate(data):
        if i in used_p:
            continue
        scored = []
        for j, t in enumerate(items):
            if j in used_t or len(r.values) != ncols[t["table"]]:
                continue
            k = keys[(t["table"], t["key"])]
            scored.append((max(similarity(c, k) for c in cands.get(id(r)) or [""]), j))
        scored.sort(reverse=True)
        if scored and scored[0][0] >= 0.95 and (len(scored) == 1 or scored[1][0] < 0.9):
            out.append((i, scored[0][1], scored[0][0]))
            used_t.add(scored[0][1])
    return out


def _key_of(m: Match, row: PrintedRow):
    return next((k for k, v in m.rows.items() if v is row), None)


def _heading_agreement(template: Template, header_text: str) -> float:
    """Share of the template's distinctive column labels printed somewhere in the table headings."""
    labels = {c["label_norm"] for c in template.columns if not c["group"] and c["label_norm"] not in ("总计", "合计", "统计数")}
    if not labels:
        return 0.5
    text = norm(header_text)
    hits = sum(1 for lab in labels if lab in text)
    return hits / len(labels)


def _assign(m: Match, template: Template, trow: dict, printed: PrintedRow, tables: list[PrintedTable]) -> None:
    cols = template.value_columns(trow["table"])
    values = printed.values
    cells = [(trow["table"], trow["key"], c["key"]) for c in cols]
    if any(v.run for v in values):
        for cell in cells:
            m.values[cell] = None
        m.values[("run",) + cells[0][:2]] = values  # the run-together digits of the row, for split.py
        return
    if len(values) == len(cols):
        for cell, v in zip(cells, values):
            m.values[cell] = v
        return
    if len(cols) == 1 and values:  # one column, several pieces: a value damaged or printed vertically (read later)
        first = values[0]
        m.values[cells[0]] = Value(" ".join(v.text for v in values), first.line, first.locator, x=first.x)
        return
    mapped = _by_headings(template, trow["table"], printed, tables)
    if mapped:
        for cell, v in zip(cells, mapped):
            m.values[cell] = v
        return
    for cell in cells:
        m.values[cell] = None
        m.flags[cell] = f"原文这一行印了 {len(values)} 个数，模板这张表有 {len(cols)} 列，无法确定哪个数属于哪一列"


def _by_headings(template: Template, table: str, printed: PrintedRow, tables: list[PrintedTable]) -> list[Value | None] | None:
    """Values placed by the grid columns of the printed headings (web pages), when their count does not fit."""
    if not printed.table or not all(v.cols for v in printed.values):
        return None
    t = next((x for x in tables if x.index == printed.table), None)
    if t is None or not t.header:
        return None
    keys = row_keys(template)
    out = []
    for c in template.value_columns(table):
        k = keys[(table, "@" + c["key"])]
        spans = [(a, b) for row in t.header for text, a, b in row if similarity(norm(text), k) >= 0.9]
        hit = [v for v in printed.values if any(a <= v.cols[0] < b for a, b in spans)]
        out.append(hit[0] if len(hit) == 1 else None)
    return out if any(v is not None for v in out) else None


def _flattened(m: Match, template: Template) -> None:
    """A template table printed as one line of numbers under several rows of headings (table 四): an unmatched
    row whose count of values equals the table's count of cells fills it in template order."""
    for t in sorted(template.tables, key=lambda x: x["order"]):
        if any(k[0] == t["key"] for k in m.rows):
            continue
        cells = [c for c in template.cells() if c[0] == t["key"]]
        for r in list(m.unmatched):
            if len(r.values) == len(cells) and len(cells) > len(template.value_columns(t["key"])):
                for cell, v in zip(cells, r.values):
                    m.values[cell] = v
                for row in template.item_rows(t["key"]):
                    m.rows[(t["key"], row["key"])] = r
                    m.how[(t["key"], row["key"])] = "flattened"
                m.unmatched.remove(r)
                m.notes.append(f"表 {t['label']} 印成一行 {len(cells)} 个数（表头分几层），按模板的行列顺序读取")
                break


def _absent(m: Match, template: Template) -> None:
    """Optional rows a table that was found does not print are absent; other rows not found are flagged."""
    for t in template.tables:
        found = any(k[0] == t["key"] for k in m.rows)
        for row in template.item_rows(t["key"]):
            if (t["key"], row["key"]) in m.rows:
                continue
            for c in template.value_columns(t["key"]):
                cell = (t["key"], row["key"], c["key"])
                if row.get("optional") and (found or all(r.get("optional") for r in template.item_rows(t["key"]))):
                    m.absent.add(cell)
                else:
                    m.values.setdefault(cell, None)
                    m.flags[cell] = "原文中找不到这一行" if found else f"原文中找不到表“{t['label']}”"


@dataclass
class Recognition:
    chosen: Match | None
    ranking: list[Match]
    reason: str


class Ambiguous(Exception):
    def __init__(self, a: Match, b: Match):
        super().__init__(f"{a.template.id} / {b.template.id}")
        self.a, self.b = a, b


def recognise(tables: list[PrintedTable], templates: list[Template], header_text: str = "", year: int | None = None,
              forced: Template | None = None) -> Recognition:
    """The template (and layout) the printed tables follow, and why; Ambiguous when two fit equally well."""
    if not _data_rows(tables):
        return Recognition(None, [], "原文中没有统计表（没有印着数字的表格行）")
    if forced is not None:
        mt = match(tables, forced, header_text)
        return Recognition(mt, [mt], f"按 --template 指定使用 {forced.id}（{mt.why}）")
    ranking = sorted((match(tables, t, header_text) for t in templates), key=lambda x: -x.score)
    top = ranking[0]
    if top.score < 0.3:
        return Recognition(None, ranking, f"没有模板对得上这些表格（最好的是 {top.template.id}，得分 {top.score:.2f}）")
    return _choose(ranking, year)


def _choose(ranking: list[Match], year: int | None) -> Recognition:
    top = ranking[0]
    if len(ranking) > 1 and top.score - ranking[1].score < TIE:
        second = ranking[1]

        def span(t):
            return (t.descriptor.get("x-template") or {}).get("years") or [0, 9999]

        fits = [x for x in (top, second) if year is not None and span(x.template)[0] <= year <= span(x.template)[1]]
        if len(fits) == 1:
            return Recognition(fits[0], ranking, f"{top.template.id} 与 {second.template.id} 同样符合表格；"
                                                 f"报告年度 {year} 只在 {fits[0].template.id} 的适用年份内，故选它（{fits[0].why}）")
        raise Ambiguous(top, second)
    rest = f"；其次是 {ranking[1].template.id}，得分 {ranking[1].score:.2f}" if len(ranking) > 1 else ""
    return Recognition(top, ranking, f"选用 {top.template.id}，得分 {top.score:.2f}（{top.why}）{rest}")


# --- run-together text: rows cut by the template's own labels --------------------------------------------

def _label_regex(label: str) -> re.Pattern:
    return re.compile(r"\s*".join(re.escape(ch) for ch in "".join(label.split())))


NUMBERING = r"(\d{1,2}[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)"
VALUES = re.compile(r"\s*(人次|万元|条|件|次|篇|个|人|元)?\s*((?:\d[\d.]*\s*)+)")


def match_runs(text: str, line: int, template: Template, header_text: str = "") -> Match:
    """A table whose cell boundaries were lost (a web page saved as text, often all on one line): each template
    row's printed label is found in order where values follow it, and what follows up to the next label are its
    values. Numbers the source still separates are separate values; digits run together are split later by the
    template's arithmetic. A table printed as one line of numbers under its headings (table 四) is the run of
    digits right after its headings."""
    from .document import locator

    m = Match(template)
    keys = row_keys(template)
    found = []  # (label start, label end, template row, values match, numbering printed before the label text)
    pos = 0
    for t in _item_rows(template):
        best = None
        for label, prefix in _printed_forms(template, t, keys):
            for hit in _label_regex(label).finditer(text, pos):
                vm = VALUES.match(text, hit.end())
                if vm and (best is None or hit.start() < best[0]):
                    best = (hit.start(), hit.end(), t, vm, prefix)
                    break
        if best:
            found.append(best)
            pos = best[3].start(2) + 1  # the next label may begin inside these digits ("…00000002.其他法律…")
    # Rows a layout prints out of the template's order (a province moving a row): found by their label anywhere
    # within the table, where nothing else was found.
    if found:
        lo, hi = found[0][0], found[-1][3].end()
        taken = [(x[0], x[3].end()) for x in found]
        have = {x[2]["key"] for x in found}
        for t in _item_rows(template):
            if t["key"] in have:
                continue
            for label, prefix in _printed_forms(template, t, keys):
                hit = next((h for h in _label_regex(label).finditer(text, lo, hi)
                            if VALUES.match(text, h.end()) and not any(a <= h.start() < b for a, b in taken)), None)
                if hit:
                    vm = VALUES.match(text, hit.end())
                    found.append((hit.start(), hit.end(), t, vm, prefix))
                    taken.append((hit.start(), vm.end()))
                    break
        found.sort(key=lambda x: x[0])
    got_tables, prev_end = set(), 0
    for k, (a, b, t, vm, _) in enumerate(found):
        d_start = vm.start(2)
        nxt = found[k + 1][0] if k + 1 < len(found) else vm.end()
        digits = text[d_start:min(vm.end(), nxt)]
        prefix = found[k + 1][4] if k + 1 < len(found) else ""
        if prefix and "".join(digits.split()).endswith(prefix):  # the next label's numbering, printed before its text
            cut = len(digits)
            for _ in prefix:
                cut = len(digits[:cut].rstrip()) - 1
            digits = digits[:cut]
        tokens = [(mt.group(0), d_start + mt.start(), d_start + mt.end()) for mt in re.finditer(r"\d[\d.]*", digits)]
        if not tokens:
            continue
        ncols = len(template.value_columns(t["table"]))
        run = len(tokens) != ncols
        vals = [Value(tok, line, locator(line=line, chars=(s0, e0)), run=run) for tok, s0, e0 in tokens]
        if run:
            m.values[("run", t["table"], t["key"])] = vals
        else:
            for c, v in zip(template.value_columns(t["table"]), vals):
                m.values[(t["table"], t["key"], c["key"])] = v
        m.rows[(t["table"], t["key"])] = PrintedRow(t["label"], vals, line, 0, unit=vm.group(1) or "")
        m.how[(t["table"], t["key"])] = "label"
        got_tables.add(t["table"])
        prev_end = max(prev_end, tokens[-1][2])
    for tdef in sorted(template.tables, key=lambda x: x["order"]):
        if tdef["key"] in got_tables:
            continue
        cells = [c for c in template.cells() if c[0] == tdef["key"]]
        if len(cells) <= len(template.value_columns(tdef["key"])):
            continue
        heads = [r["label"] for r in template.item_rows(tdef["key"])] + [c["label"] for c in template.value_columns(tdef["key"])]
        window_end = min(len(text), prev_end + 800)
        ends = [h.end() for lab in heads for h in _label_regex(lab).finditer(text, prev_end, window_end)]
        if not ends:
            continue
        vm = re.compile(r"\s*((?:\d+\s*)+)").match(text, max(ends))
        if not vm:
            continue
        tokens = [(mt.group(0), vm.start(1) + mt.start(), vm.start(1) + mt.end()) for mt in re.finditer(r"\d+", vm.group(1))]
        rows = tuple(r["key"] for r in template.item_rows(tdef["key"]))
        if len(tokens) == len(cells):
            for c, (tok, s0, e0) in zip(cells, tokens):
                m.values[c] = Value(tok, line, locator(line=line, chars=(s0, e0)))
        elif sum(len(x[0]) for x in tokens) >= len(cells):
            m.values[("run", tdef["key"], rows)] = [Value(tok, line, locator(line=line, chars=(s0, e0)), run=True)
                                                    for tok, s0, e0 in tokens]
        else:
            continue
        for r in rows:
            m.rows[(tdef["key"], r)] = PrintedRow("", [], line, 0)
            m.how[(tdef["key"], r)] = "flattened"
        got_tables.add(tdef["key"])
        m.notes.append(f"表“{tdef['label']}”印成一行数字（表头分几层），按模板的行列顺序读取")
    for c in template.cells():
        m.values.setdefault(c, None)
    _absent(m, template)
    items = _item_rows(template)
    required = [t for t in items if not t.get("optional")]
    found_required = sum(1 for t in required if (t["table"], t["key"]) in m.rows)
    cov = found_required / len(required) if required else 0.0
    heads = _heading_agreement(template, header_text or text)
    m.score = round(0.8 * cov + 0.2 * heads, 4)
    m.why = f"文本中按顺序找到模板 {len(required)} 个必有行中的 {found_required} 个（单元格边界已丢失），列标题对上 {heads:.0%}"
    return m


def recognise_runs(text: str, line: int, templates: list[Template], year: int | None = None,
                   forced: Template | None = None) -> Recognition:
    if forced is not None:
        mt = match_runs(text, line, forced)
        return Recognition(mt, [mt], f"按 --template 指定使用 {forced.id}（{mt.why}）")
    ranking = sorted((match_runs(text, line, t) for t in templates), key=lambda x: -x.score)
    top = ranking[0]
    if top.score < 0.3:
        return Recognition(None, ranking, f"文本中找不到统计表（最好的是 {top.template.id}，得分 {top.score:.2f}）")
    return _choose(ranking, year)


def _printed_forms(template: Template, trow: dict, keys) -> list[tuple[str, str]]:
    """The ways a row's label may be printed, each with the numbering a stripped form leaves out."""
    forms = [trow["label"], *[v["label"] for v in template.labels if v["table"] == trow["table"] and v["target"] == trow["key"]]]
    out = []
    for f in forms:
        compact = "".join(f.split())
        out.append((compact, ""))
        m = re.match(r"^(其中[:：])?\s*" + NUMBERING, compact)
        if m and len(compact) - m.end() >= 4:
            out.append((compact[m.end():], compact[:m.end()].removeprefix("其中：").removeprefix("其中:")))
    return list(dict.fromkeys(out))


__all__ = ["match", "recognise", "match_runs", "recognise_runs", "Match", "Recognition", "Ambiguous", "is_number", "Cell"]
