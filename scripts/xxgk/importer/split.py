"""Split run-together digits of a flattened table by the table's arithmetic.

A web page saved as plain text loses its cell boundaries: the row
``一、本年新收政府信息公开申请数量801000081`` holds the seven numbers
80, 1, 0, 0, 0, 0, 81. This module finds every way of reading such digit runs
that is consistent with the table's rules (each row's 总计 is the sum of its
parts, column sums, carry-over identities) and with figures quoted in the
prose, and reports

* cells on which every consistent reading agrees: *determined*;
* cells on which consistent readings differ: left missing, flagged, with the
  candidate values (never a guess);
* rows for which no reading exists at all: *impossible*.

The module is pure: no file I/O, no template loading in the core.
:func:`constraints_from_template` (and the small ``*_from_template`` helpers)
turn a loaded template's rules into constraint objects for the importer.

Input
-----
``rows`` maps a row key to the chunks of digits printed for it, in order. A
chunk is a string as printed; chunks are already separated where the source
kept a separator (``"230 000023"`` is ``["230", "000023"]``; whitespace inside
a chunk also separates). A key may also be a tuple of row keys: several rows
printed as one run (table 四's fifteen numbers are often one run). Every row
must have ``len(columns)`` values, in column order; a run of *m* rows has
``m * len(columns)`` values, row by row.

A row printed with no digits at all (``None`` or ``[]``) is reported as
impossible and its cells are unknown (any value >= 0). A row *not in*
``rows`` is absent from the report's layout, as in ``xxgk.rules``: its cells
are left out of sums, a rule with a whole side absent does not apply, and an
absent group row that is the single total of an ``equal`` rule stands for the
sum of its present parts (the 2021 layout prints （六）其他处理 as three rows,
the 2019 trial as one). With ``unlisted="unknown"`` rows not in ``rows`` are
unknown instead (weaker, never wrong).

Constraints are linear relations over cells ``(row, column)``::

    sum(total) <kind> sum(parts) + constant      kind: equal | at_most | at_least

the same reading as ``xxgk.rules`` (``at_most``: total <= parts). A figure from
the prose is a constraint with no parts: ``fact([("new", "total")], "equal", 80)``
for 共收到申请80件, ``fact(cells, "at_least", 120)`` for 120余件.

How a number may be formed
--------------------------
ASCII digits only, plus at most one ``.`` inside a number of a ``decimal`` row
(not first, not last); no leading zero except the number 0 itself (``"081"`` is
not a number, ``"0"`` and ``"0.5"`` are); at most ``max_digits`` digits before
the point and ``max_decimals`` after it; every chunk is consumed exactly, in
order, and a value never spans two chunks. A row printed with exactly one chunk
per value is not split at all: its chunks pass through unchanged (status
``given``), whatever they look like.

Algorithm
---------
1. **Units.** Each input key (a row, or a run of rows) is a unit whose cells
   are its values in order. Given rows become constants; cells of rows that
   are impossible or unreadable are *free* unknowns (any value >= 0); absent
   rows are dropped from the constraints (or replaced by their parts, see
   above).
2. **Compile constraints** to ``f = sum(total) - sum(parts) - constant`` with
   ``f == 0``, ``f <= 0`` or ``f >= 0``. Constants are folded in; a free cell
   makes ``f`` unbounded on its side. A constraint that touches no unit cannot
   inform a split: if it is broken it is *set aside* (listed in ``set_aside``,
   with a note: the source contradicts itself, keep what is printed).
   A constraint that touches exactly one unit is *local* to it.
3. **Per-unit enumeration.** Depth-first. The last value is chosen first
   (a suffix of the last chunk: in these tables usually the row's 总计, so the
   row's sum rule then bounds everything read after it), then the others left
   to right, each step choosing where the next number ends. Pruned by
   (a) counting: the remaining characters must be able to hold the remaining
   values (each value has at least one character and at most the longest
   token), and every chunk must get at least one value; (b) the unit's local
   constraints, checked as intervals after every step: assigned cells count
   exactly, unassigned cells lie in ``[0, 10**d)`` where ``d`` is the most
   digits one remaining value can still have. If no split satisfies the local
   constraints but splits exist, the local constraints that no split can
   satisfy are set aside (the source breaks them whatever the split: a source
   finding, not a split question) and the unit is enumerated again. More than
   ``unit_cap`` splits: the unit is left unresolved (its cells unknown,
   flagged).
4. **Interval filtering** (bounds consistency): for each remaining constraint
   and each unit, the contribution of a candidate plus the [min, max] range of
   every other unit's contributions must be able to satisfy the constraint;
   candidates that cannot are removed, to a fixed point.
5. **Components.** Units linked by constraints are solved together; separate
   components are independent (their counts multiply).
6. **Backtracking** over the units of a component, fewest candidates first.
   For each constraint the partial value of ``f`` over assigned units is kept,
   and the [min, max] of the not yet assigned units' contributions is
   precomputed per depth, so a branch dies as soon as a constraint can no
   longer be met. Solutions are counted up to ``cap``; every candidate seen
   in a solution is *supported*. When the count reaches the cap, each
   candidate not yet seen is tested on its own (that unit first, stop at the
   first solution), so the candidate lists stay exact. A global node budget
   (``max_nodes``) bounds the work; if it runs out, unproven candidates are
   kept, so the candidate lists are a superset and ``complete`` is False
   (a cell reported as determined is still right: all candidates agree).
7. **Fallback.** A component with no solution at all means its rules
   contradict each other whatever the split (a source contradiction): its
   linking constraints are set aside and its units fall back to the readings
   allowed by their own local constraints, with a note. Whenever anything is
   set aside the table is ``consistent=False``; ``solutions`` always counts
   the readings that satisfy every constraint still in use.
8. **Result.** Per cell: the value if every supported candidate agrees,
   otherwise the ordered (ascending) distinct candidate values and a Chinese
   reason. Per row: the distinct candidate readings (``77 | 13 | 2470``),
   ordered by the lengths of their numbers (first number shortest first, then
   the second...), at most ``readings_cap`` with a count of the rest.

Cost: a 2021 table 三 (25 rows × 7 columns, every row run together) takes a
few milliseconds; random dense tables of that shape well under half a second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Iterable, Mapping, Sequence

Cell = tuple[str, str]  # (row, column)
RowKey = str | tuple[str, ...]

EQUAL, AT_MOST, AT_LEAST = "equal", "at_most", "at_least"
KINDS = (EQUAL, AT_MOST, AT_LEAST)
INTEGER, DECIMAL = "integer", "decimal"
SYMBOL = {EQUAL: "=", AT_MOST: "≤", AT_LEAST: "≥"}

# Cell statuses.
GIVEN = "given"  # printed on its own, passed through unchanged
DERIVED = "derived"  # split from a run; every consistent reading agrees
AMBIGUOUS = "ambiguous"  # consistent readings disagree: left missing, candidates listed
IMPOSSIBLE = "impossible"  # the row's digits cannot be read as its values at all
UNREADABLE = "unreadable"  # a chunk printed on its own that is not a number
# Row statuses: GIVEN, SPLIT (every cell derived), AMBIGUOUS, IMPOSSIBLE, UNREADABLE.
SPLIT = "split"

_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class Constraint:
    """``sum(total) <kind> sum(parts) + constant`` over cells ``(row, column)``."""

    total: tuple[Cell, ...]
    kind: str
    parts: tuple[Cell, ...] = ()
    constant: int | Decimal = 0
    label: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown constraint kind {self.kind!r}")
        object.__setattr__(self, "total", tuple(tuple(c) for c in self.total))
        object.__setattr__(self, "parts", tuple(tuple(c) for c in self.parts))
        if isinstance(self.constant, float):
            object.__setattr__(self, "constant", Decimal(str(self.constant)))

    def cells(self) -> tuple[Cell, ...]:
        return self.total + self.parts

    def describe(self) -> str:
        def side(cells):
            return " + ".join(f"{r}:{c}" for r, c in cells)

        right = side(self.parts)
        if self.constant or not right:
            right = f"{right} + {self.constant}" if right else str(self.constant)
        return self.label or f"{side(self.total)} {SYMBOL[self.kind]} {right}"


def fact(cells: Iterable[Cell], kind: str, value, label: str = "") -> Constraint:
    """A figure quoted in the prose: ``sum(cells) <kind> value``."""
    value = value if isinstance(value, (int, Decimal)) else Decimal(str(value))
    return Constraint(tuple(cells), kind, (), value, label)


@dataclass
class CellResult:
    cell: Cell
    status: str
    value: Decimal | None  # None unless given or derived
    text: str | None  # the digits as printed for this value, when known
    candidates: tuple[Decimal, ...]  # distinct candidate values, ascending ((value,) when determined)
    reason: str = ""  # Chinese, for flagged cells

    @property
    def determined(self) -> bool:
        return self.value is not None

    @property
    def flagged(self) -> bool:
        return self.status in (AMBIGUOUS, IMPOSSIBLE, UNREADABLE)


@dataclass
class RowResult:
    row: str
    run: tuple[str, ...]  # the rows printed together with this one (itself alone, usually)
    chunks: tuple[str, ...]  # as printed, for the whole run
    status: str
    readings: list[str]  # distinct candidate readings of this row, e.g. "77 | 13 | 2470"
    more: int = 0  # consistent readings not listed in ``readings``
    note: str = ""  # Chinese


@dataclass
class SplitResult:
    columns: tuple[str, ...]
    solutions: int  # readings of the whole table satisfying every constraint in use (at most ``cap``)
    capped: bool  # counting stopped at the cap: there are at least ``solutions``
    complete: bool  # False: the search budget ran out, candidate lists may be too long
    consistent: bool  # False: some constraints could not hold whatever the split (see set_aside)
    cells: dict[Cell, CellResult]
    rows: dict[str, RowResult]
    notes: list[str] = field(default_factory=list)  # Chinese, about the whole table
    set_aside: list[str] = field(default_factory=list)  # constraints not used: the source breaks them

    def values(self) -> dict[Cell, Decimal | None]:
        return {c: r.value for c, r in self.cells.items()}

    def flagged(self) -> list[CellResult]:
        return [r for r in self.cells.values() if r.flagged]

    def row_values(self, row: str) -> list[Decimal | None]:
        return [self.cells[(row, c)].value for c in self.columns]

    @property
    def unique(self) -> bool:
        return self.consistent and not self.flagged()

    def summary(self) -> str:
        count = f"{self.solutions}+" if self.capped else str(self.solutions)
        lines = [f"符合全部规则的读法：{count} 种" + ("" if self.complete else "（搜索未完成）")]
        lines += self.notes
        if self.set_aside:
            lines.append("未使用的规则（原文不成立）：" + "，".join(self.set_aside))
        for row in self.rows.values():
            if row.status in (GIVEN, SPLIT):
                continue
            more = f"（另有 {row.more} 种）" if row.more else ""
            lines.append(f"{row.row}: {row.status}: " + "；".join(row.readings) + more + (f" {row.note}" if row.note else ""))
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Numbers


def _parse(tok: str, kind: str, max_digits: int, max_decimals: int):
    """The value of a token, or None when the token is not a number of that kind."""
    if kind == DECIMAL and "." in tok:
        ip, _, fp = tok.partition(".")
        if not ip or not fp or "." in fp or len(fp) > max_decimals or not _DIGITS.issuperset(fp):
            return None
    else:
        ip = tok
    if not ip or len(ip) > max_digits or not _DIGITS.issuperset(ip) or (ip[0] == "0" and len(ip) > 1):
        return None
    return Decimal(tok) if kind == DECIMAL and "." in tok else int(tok)


def _parse_given(tok: str, kind: str):
    """A chunk printed on its own: any plain number, kept as printed."""
    t = tok.strip()
    if not t or not _DIGITS.issuperset(t.replace(".", "", 1)) or t.startswith(".") or t.endswith("."):
        return None
    try:
        return Decimal(t) if "." in t else int(t)
    except InvalidOperation:  # pragma: no cover - guarded above
        return None


# ---------------------------------------------------------------------------
# Internal structures


@dataclass
class _Con:
    index: int
    source: Constraint
    kind: str
    const: int | Decimal  # f = sum(coef * cell) + const
    neg_inf: bool = False  # a free cell can push f towards -inf
    pos_inf: bool = False  # ... towards +inf
    units: dict = field(default_factory=dict)  # unit index -> list[(slot, coef)]
    active: bool = True


@dataclass
class _Unit:
    index: int
    key: RowKey
    rows: tuple[str, ...]
    cells: list[Cell]
    kinds: list[str]
    chunks: list[str]
    status: str = ""  # GIVEN / IMPOSSIBLE / UNREADABLE / "" (to split)
    given: list = field(default_factory=list)  # for GIVEN: parsed values (None: unreadable)
    local: list[int] = field(default_factory=list)
    cands: list[tuple] = field(default_factory=list)
    toks: list[tuple] = field(default_factory=list)
    local_cands: list[int] = field(default_factory=list)  # candidate indices allowed by local rules
    supported: list[int] | None = None
    dropped: list[str] = field(default_factory=list)  # labels of local rules no split satisfies
    reason: str = ""
    too_many: bool = False

    @property
    def splittable(self) -> bool:
        return self.status == "" and not self.too_many and bool(self.cands)

    def digits(self) -> str:
        return " ".join(self.chunks)


def _feasible(kind, lo, hi, neg_inf, pos_inf) -> bool:
    """Can f, known to lie in [lo, hi] (widened by the infinity flags), satisfy its kind?"""
    if kind == EQUAL:
        return (neg_inf or lo <= 0) and (pos_inf or hi >= 0)
    if kind == AT_MOST:
        return neg_inf or lo <= 0
    return pos_inf or hi >= 0


class _Budget:
    def __init__(self, nodes: int):
        self.left = nodes
        self.exhausted = False

    def spend(self) -> bool:
        self.left -= 1
        if self.left < 0:
            self.exhausted = True
            return False
        return True


class _Stop(Exception):
    pass


# ---------------------------------------------------------------------------
# Per-unit enumeration


def _enumerate(unit: _Unit, cons: list[_Con], local: list[int], max_digits: int, max_decimals: int,
               limit: int) -> tuple[list[tuple], list[tuple], bool]:
    """All readings of a unit's chunks satisfying its local constraints; (values, tokens, over_limit).

    The last value is chosen first (it is a suffix of the last chunk, and in these
    tables it is usually the row's 总计, so the sum rule then prunes the other values
    as they are read from the left); the others are then read left to right.
    Readings come out sorted by the lengths of their numbers, first number first.
    """
    kinds = unit.kinds
    n = len(kinds)
    maxtok = max(max_digits + (1 + max_decimals if k == DECIMAL else 0) for k in kinds)
    cache: dict = {}

    def parse(tok: str, kind: str):
        key = (tok, kind)
        if key not in cache:
            cache[key] = _parse(tok, kind, max_digits, max_decimals)
        return cache[key]

    # Local constraints as coefficient lists over slots, with the sums of positive and
    # negative coefficients among the forward slots after each position (the last slot
    # is assigned before the forward pass, so it never counts as unassigned).
    checks = []
    for k in local:
        c = cons[k]
        coef = [0] * n
        for slot, cf in c.units[unit.index]:
            coef[slot] += cf
        pos_after = [0] * n
        neg_after = [0] * n
        for i in range(n - 2, -1, -1):
            pos_after[i] = pos_after[i + 1] + max(coef[i], 0)
            neg_after[i] = neg_after[i + 1] + max(-coef[i], 0)
        checks.append((c, coef, pos_after, neg_after))
    vals: list = [None] * n
    toks: list = [None] * n
    partial = [c.const for c, *_ in checks]
    out: list[tuple[tuple, tuple]] = []
    over = False

    def forward(chunks: list[str]):
        """Slots 0..n-2 over ``chunks``, left to right."""
        m = len(chunks)
        lens = [len(c) for c in chunks]
        suffix_chars = [0] * (m + 1)
        suffix_min = [0] * (m + 1)  # values needed at least for chunks j..m-1
        for j in range(m - 1, -1, -1):
            suffix_chars[j] = suffix_chars[j + 1] + lens[j]
            suffix_min[j] = suffix_min[j + 1] + -(-lens[j] // maxtok)
        last = n - 1

        def rec(i: int, j: int, o: int):
            nonlocal over
            if i == last:
                if j == m:
                    out.append((tuple(vals), tuple(toks)))
                    if len(out) > limit:
                        over = True
                return
            if j == m:
                return
            chunk = chunks[j]
            end = min(lens[j], o + maxtok)
            r = last - i - 1  # forward values still to place after this one
            for e in range(o + 1, end + 1):
                if e == lens[j]:
                    nj, no = j + 1, 0
                    rest_chars, rest_min = suffix_chars[j + 1], suffix_min[j + 1]
                else:
                    nj, no = j, e
                    rest_chars = lens[j] - e + suffix_chars[j + 1]
                    rest_min = -(-(lens[j] - e) // maxtok) + suffix_min[j + 1]
                if r > rest_chars or r < rest_min:
                    continue
                v = parse(chunk[o:e], kinds[i])
                if v is None:
                    continue
                if checks:
                    # any one remaining value is below 10 ** (its most possible digits)
                    hi = 10 ** min(max_digits, rest_chars - r + 1) if r else 0
                    ok = True
                    for idx, (c, coef, pos_after, neg_after) in enumerate(checks):
                        p = partial[idx] + coef[i] * v
                        if not _feasible(c.kind, p - neg_after[i + 1] * hi, p + pos_after[i + 1] * hi,
                                         c.neg_inf, c.pos_inf):
                            ok = False
                            break
                    if not ok:
                        continue
                    for idx, (c, coef, _, _) in enumerate(checks):
                        partial[idx] += coef[i] * v
                vals[i], toks[i] = v, chunk[o:e]
                rec(i + 1, nj, no)
                for idx, (c, coef, _, _) in enumerate(checks):
                    partial[idx] -= coef[i] * v
                if over:
                    return

        rec(0, 0, 0)

    chunks = unit.chunks
    tail = chunks[-1]
    for length in range(1, min(len(tail), maxtok) + 1):
        rest = chunks[:-1] + ([tail[:-length]] if length < len(tail) else [])
        left_chars = sum(len(c) for c in rest)
        if n - 1 > left_chars or (n == 1) != (not rest):
            continue
        if n > 1 and n - 1 < sum(-(-len(c) // maxtok) for c in rest):
            continue
        v = parse(tail[-length:], kinds[-1])
        if v is None:
            continue
        vals[-1], toks[-1] = v, tail[-length:]
        for idx, (c, coef, _, _) in enumerate(checks):
            partial[idx] += coef[-1] * v
        forward(rest)
        for idx, (c, coef, _, _) in enumerate(checks):
            partial[idx] -= coef[-1] * v
        if over:
            break
    out.sort(key=lambda vt: tuple(len(t) for t in vt[1]))
    return [v for v, _ in out], [t for _, t in out], over


# ---------------------------------------------------------------------------
# Cross-unit search


class _Component:
    def __init__(self, units: list[_Unit], cons: list[_Con]):
        self.units = units
        self.cons = cons  # the active non-local constraints linking these units
        self._contrib = None

    def contributions(self):
        """contrib[u][k] = list over the unit's candidates of its term in constraint k."""
        if self._contrib is not None:
            return self._contrib
        contrib = {}
        for u in self.units:
            per = {}
            for c in self.cons:
                terms = c.units.get(u.index)
                if not terms:
                    continue
                per[c.index] = [sum(cf * cand[slot] for slot, cf in terms) for cand in u.cands]
            contrib[u.index] = per
        self._contrib = contrib
        return contrib


def _prefilter(comp: _Component, alive: dict[int, list[int]]) -> bool:
    """Bounds consistency on candidate lists; False when a unit loses every candidate."""
    units, cons, contrib = comp.units, comp.cons, comp.contributions()
    changed = True
    while changed:
        changed = False
        rng = {}
        for u in units:
            for k, vec in contrib[u.index].items():
                vs = [vec[s] for s in alive[u.index]]
                rng[(u.index, k)] = (min(vs), max(vs)) if vs else (0, 0)
        for c in cons:
            members = [ui for ui in c.units if ui in alive]
            lo_all = c.const + sum(rng[(ui, c.index)][0] for ui in members)
            hi_all = c.const + sum(rng[(ui, c.index)][1] for ui in members)
            for ui in members:
                mn, mx = rng[(ui, c.index)]
                lo_rest, hi_rest = lo_all - mn, hi_all - mx
                vec = contrib[ui][c.index]
                keep = [s for s in alive[ui]
                        if _feasible(c.kind, lo_rest + vec[s], hi_rest + vec[s], c.neg_inf, c.pos_inf)]
                if len(keep) != len(alive[ui]):
                    alive[ui] = keep
                    changed = True
                    if not keep:
                        return False
            if changed:
                break
    return True


def _search(comp: _Component, alive: dict[int, list[int]], cap: int, budget: _Budget,
            first: tuple[int, int] | None = None, stop_at_first: bool = False):
    """Backtracking over the component's units; returns (count, supported sets, hit_cap)."""
    contrib = comp.contributions()
    units = sorted(comp.units, key=lambda u: (len(alive[u.index]), u.index))
    if first is not None:
        units = [u for u in units if u.index == first[0]] + [u for u in units if u.index != first[0]]
    order = [u.index for u in units]
    choices = [([first[1]] if first is not None and d == 0 else alive[ui]) for d, ui in enumerate(order)]
    depth_of = {ui: d for d, ui in enumerate(order)}
    # rest[k][d]: [min, max] of the contributions of units at depth > d
    rest_lo, rest_hi, touched = {}, {}, [[] for _ in order]
    for c in comp.cons:
        members = sorted(depth_of[ui] for ui in c.units if ui in depth_of)
        member_set = set(members)
        lo = [0] * (len(order) + 1)
        hi = [0] * (len(order) + 1)
        for d in range(len(order) - 1, -1, -1):
            lo[d], hi[d] = lo[d + 1], hi[d + 1]
            if d + 1 < len(order) and (d + 1) in member_set:
                vec = contrib[order[d + 1]][c.index]
                vs = [vec[s] for s in choices[d + 1]]
                lo[d] += min(vs)
                hi[d] += max(vs)
        rest_lo[c.index], rest_hi[c.index] = lo, hi
        for d in members:
            touched[d].append((c, contrib[order[d]][c.index]))
    partial = {c.index: c.const for c in comp.cons}
    pick = [0] * len(order)
    supported = {ui: set() for ui in order}
    count = 0
    hit_cap = False

    def rec(d: int):
        nonlocal count, hit_cap
        if d == len(order):
            count += 1
            for dd, ui in enumerate(order):
                supported[ui].add(pick[dd])
            if count >= cap or stop_at_first:
                hit_cap = count >= cap
                raise _Stop
            return
        for s in choices[d]:
            if not budget.spend():
                raise _Stop
            ok = True
            applied = []
            for c, vec in touched[d]:
                k = c.index
                p = partial[k] + vec[s]
                partial[k] = p
                applied.append((k, vec[s]))
                if not _feasible(c.kind, p + rest_lo[k][d], p + rest_hi[k][d], c.neg_inf, c.pos_inf):
                    ok = False
                    break
            if ok:
                pick[d] = s
                try:
                    rec(d + 1)
                finally:
                    for k, v in applied:
                        partial[k] -= v
            else:
                for k, v in applied:
                    partial[k] -= v

    try:
        rec(0)
    except _Stop:
        pass
    return count, supported, hit_cap


# ---------------------------------------------------------------------------
# Public API


def split_table(
    rows: Mapping[RowKey, Sequence[str]],
    columns: Sequence[str],
    constraints: Iterable[Constraint] = (),
    *,
    kinds: Mapping[str, str] | None = None,
    max_digits: int = 9,
    max_decimals: int = 6,
    cap: int = 1000,
    readings_cap: int = 10,
    unit_cap: int = 20000,
    max_nodes: int = 2_000_000,
    unlisted: str = "absent",
) -> SplitResult:
    """Read the digit runs of one table's rows as that table's values.

    ``rows``: row key (or a tuple of row keys printed as one run) -> chunks as
    printed. ``columns``: the table's value columns, in order. ``constraints``:
    the table's rules and the prose's figures over cells ``(row, column)``.
    ``kinds``: row key -> ``"integer"`` (default) or ``"decimal"``.

    ``max_digits`` / ``max_decimals``: the longest number read from a run
    (digits before / after the point). ``cap``: stop counting whole-table
    readings there. ``readings_cap``: readings listed per row. ``unit_cap``:
    most readings enumerated for one row (or run) before giving up on it.
    ``max_nodes``: search budget. ``unlisted``: what a row not in ``rows`` is,
    ``"absent"`` (not in this layout) or ``"unknown"``. See the module docstring.
    """
    columns = tuple(columns)
    if not columns:
        raise ValueError("a table needs at least one value column")
    kinds = dict(kinds or {})
    constraints = list(constraints)
    if unlisted not in ("absent", "unknown"):
        raise ValueError("unlisted must be 'absent' or 'unknown'")
    notes: list[str] = []
    set_aside: list[str] = []

    # 1. Units
    units: list[_Unit] = []
    owner: dict[Cell, tuple[int, int]] = {}  # cell -> (unit, slot)
    for key, chunks in rows.items():
        run = tuple(key) if isinstance(key, tuple) else (key,)
        cells = [(r, c) for r in run for c in columns]
        for cell in cells:
            if cell in owner:
                raise ValueError(f"row {cell[0]!r} appears twice")
        u = _Unit(len(units), key, run, cells, [kinds.get(r, INTEGER) for r in run for _ in columns],
                  [part for ch in (chunks or ()) for part in str(ch).split()])
        for slot, cell in enumerate(cells):
            owner[cell] = (u.index, slot)
        n = len(cells)
        digits = "".join(u.chunks)
        if len(u.chunks) == n:
            u.status = GIVEN
            u.given = [_parse_given(ch, k) for ch, k in zip(u.chunks, u.kinds)]
        elif not u.chunks:
            u.status, u.reason = IMPOSSIBLE, f"没有读到数字（应有 {n} 个数）"
        elif len(u.chunks) > n:
            u.status, u.reason = IMPOSSIBLE, f"印出 {len(u.chunks)} 个数，多于应有的 {n} 个"
        elif not set(digits) <= _DIGITS | {"."}:
            u.status, u.reason = IMPOSSIBLE, f"“{u.digits()}”含有数字以外的字符"
        elif len(digits) < n:
            u.status, u.reason = IMPOSSIBLE, f"“{u.digits()}”只有 {len(digits)} 个字符，少于应有的 {n} 个数"
        units.append(u)

    def value_of(cell):
        """('given', v) | ('unit', (ui, slot)) | ('free', None) | ('absent', None)"""
        where = owner.get(cell)
        if where is None:
            return ("absent", None) if unlisted == "absent" else ("free", None)
        u = units[where[0]]
        if u.status == GIVEN:
            v = u.given[where[1]]
            return ("given", v) if v is not None else ("free", None)
        if u.status == "" and not u.too_many:
            return "unit", where
        return "free", None

    # An absent cell that is the single total of an 'equal' rule stands for the sum
    # of that rule's present parts (a group row printed as its parts), as in xxgk.rules.
    virtual: dict[Cell, list[tuple[Cell, int]]] = {}
    changed = True
    while changed:
        changed = False
        for con in constraints:
            if con.kind != EQUAL or len(con.total) != 1 or con.constant:
                continue
            c0 = con.total[0]
            if c0 in virtual or value_of(c0)[0] != "absent":
                continue
            terms = []
            for p in con.parts:
                if value_of(p)[0] != "absent":
                    terms.append((p, 1))
                elif p in virtual:
                    terms += virtual[p]
            if terms:
                virtual[c0] = terms
                changed = True

    # 2. Compile constraints (units still to split are 'unit' cells)
    def compile_all() -> list[_Con]:
        out = []
        for i, con in enumerate(constraints):
            c = _Con(i, con, con.kind, -con.constant)
            coef: dict[Cell, int] = {}
            present = []
            for side, sign in ((con.total, 1), (con.parts, -1)):
                seen = False
                for cell in side:
                    if value_of(cell)[0] != "absent":
                        coef[cell] = coef.get(cell, 0) + sign
                        seen = True
                    elif cell in virtual:
                        for p, cf in virtual[cell]:
                            coef[p] = coef.get(p, 0) + sign * cf
                        seen = True
                present.append(seen or not side)
            if not all(present) or (not con.total and not con.parts):
                c.active = False  # a whole side is not printed in this layout: does not apply
                out.append(c)
                continue
            for cell, cf in coef.items():
                if cf == 0:
                    continue
                what, v = value_of(cell)
                if what == "given":
                    c.const += cf * v
                elif what == "free":
                    if cf > 0:
                        c.pos_inf = True
                    else:
                        c.neg_inf = True
                else:
                    ui, slot = v
                    c.units.setdefault(ui, []).append((slot, cf))
            out.append(c)
        return out

    cons = compile_all()
    for c in cons:
        if c.active and not c.units:
            c.active = False
            if not _feasible(c.kind, c.const, c.const, c.neg_inf, c.pos_inf):
                set_aside.append(c.source.describe())
                notes.append(f"规则 {c.source.describe()} 不成立，与拆分无关（原文如此）")

    # 3. Per-unit enumeration
    for u in units:
        if u.status != "":
            continue
        local = [c.index for c in cons if c.active and set(c.units) == {u.index}]
        vals, toks, over = _enumerate(u, cons, local, max_digits, max_decimals, unit_cap)
        if not vals and not over and local:
            fvals, ftoks, fover = _enumerate(u, cons, [], max_digits, max_decimals, unit_cap)
            if not fvals and not fover:
                u.status = IMPOSSIBLE
                u.reason = f"“{u.digits()}”无法拆成 {len(u.cells)} 个数"
                continue
            # local rules that no split can satisfy, each on its own: the source breaks them
            broken = []
            for k in local:
                v1, _, o1 = _enumerate(u, cons, [k], max_digits, max_decimals, unit_cap)
                if not v1 and not o1:
                    broken.append(k)
            keep = [k for k in local if k not in broken]
            vals, toks, over = _enumerate(u, cons, keep, max_digits, max_decimals, unit_cap) if keep else (fvals, ftoks, fover)
            if not vals and not over:  # jointly unsatisfiable: drop them all
                broken, keep = local, []
                vals, toks, over = fvals, ftoks, fover
            for k in broken:
                cons[k].active = False
                u.dropped.append(cons[k].source.describe())
                set_aside.append(cons[k].source.describe())
            local = keep
        elif not vals and not over:
            u.status = IMPOSSIBLE
            u.reason = f"“{u.digits()}”无法拆成 {len(u.cells)} 个数"
            continue
        if over:
            u.too_many = True
            u.reason = f"“{u.digits()}”可能的拆分超过 {unit_cap} 种，未能确定"
            continue
        u.local = local
        u.cands, u.toks = vals, toks
        u.local_cands = list(range(len(vals)))

    # Units found impossible or with too many splits are unknowns now: recompile.
    active_before = {c.index: c.active for c in cons}
    cons = compile_all()
    for c in cons:
        c.active = c.active and active_before[c.index] and bool(c.units)
    # A constraint that linked such a unit to one other unit is local to that other
    # unit now, but was not enforced while it was enumerated: filter its readings.
    splittable = [u for u in units if u.splittable]
    for u in splittable:
        for c in cons:
            if c.active and set(c.units) == {u.index} and c.index not in u.local:
                keep = []
                for s in u.local_cands:
                    f = c.const + sum(cf * u.cands[s][slot] for slot, cf in c.units[u.index])
                    if _feasible(c.kind, f, f, c.neg_inf, c.pos_inf):
                        keep.append(s)
                if keep:
                    u.local_cands = keep
                    u.local.append(c.index)
                else:
                    c.active = False
                    u.dropped.append(c.source.describe())
                    set_aside.append(c.source.describe())

    # 4-6. Link, filter, search
    linking = [c for c in cons if c.active and len(c.units) > 1]
    parent = {u.index: u.index for u in splittable}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c in linking:
        ids = list(c.units)
        for other in ids[1:]:
            parent[find(other)] = find(ids[0])
    groups: dict[int, list[_Unit]] = {}
    for u in splittable:
        groups.setdefault(find(u.index), []).append(u)

    budget = _Budget(max_nodes)
    total = 1
    capped = False
    complete = True
    consistent = True
    for members in groups.values():
        ids = {u.index for u in members}
        ccons = [c for c in linking if set(c.units) <= ids]
        alive = {u.index: list(u.local_cands) for u in members}
        comp = _Component(members, ccons)
        ok = _prefilter(comp, alive) if ccons else True
        count, hit = 0, False
        if ok and not ccons:  # a unit on its own: every reading its own rules allow
            (u,) = members
            count, hit = min(len(alive[u.index]), cap), len(alive[u.index]) >= cap
            supported = {u.index: set(alive[u.index])}
        elif ok:
            count, supported, hit = _search(comp, alive, cap, budget)
            if count and (hit or budget.exhausted):
                # make the candidate lists exact: test each unseen candidate on its own
                for u in members:
                    for s in alive[u.index]:
                        if s in supported[u.index]:
                            continue
                        if budget.exhausted:
                            supported[u.index].add(s)  # unproven, kept: a superset
                            continue
                        c2, sup2, _ = _search(comp, alive, cap, budget, first=(u.index, s), stop_at_first=True)
                        if c2:
                            for ui, ss in sup2.items():
                                supported[ui] |= ss
                        elif budget.exhausted:
                            supported[u.index].add(s)
            if budget.exhausted:
                complete = False
        if not ok or count == 0:
            if not budget.exhausted or not ok:
                consistent = False
                labels = sorted({c.source.describe() for c in ccons})
                set_aside.extend(labels)
                total *= math.prod(len(u.local_cands) for u in members)
                capped = capped or total >= cap
                rows_txt = "、".join(r for u in members for r in u.rows)
                notes.append(f"没有同时满足全部规则的拆分（涉及行：{rows_txt}；规则：{'，'.join(labels[:6])}"
                             + ("等" if len(labels) > 6 else "") + "），这些行只按本行规则拆分")
                for u in members:
                    u.supported = list(u.local_cands)
                    u.reason = "整表规则互相矛盾，只按本行规则拆分"
            else:  # the budget ran out before any solution: nothing proven, nothing ruled out
                total = 0
                for u in members:
                    u.supported = list(alive[u.index])
            continue
        for u in members:
            u.supported = sorted(supported[u.index])
        total *= count
        capped = capped or hit
    if budget.exhausted:
        notes.append(f"搜索步数超过上限（{max_nodes}），候选值可能偏多")
    consistent = consistent and not set_aside
    if total >= cap:
        capped = capped or total > cap
        total = min(total, cap)

    # 8. Results
    cells_out: dict[Cell, CellResult] = {}
    rows_out: dict[str, RowResult] = {}
    for u in units:
        n_cols = len(columns)
        if u.status == GIVEN:
            for slot, cell in enumerate(u.cells):
                v = u.given[slot]
                if v is None:
                    cells_out[cell] = CellResult(cell, UNREADABLE, None, u.chunks[slot], (),
                                                 f"“{u.chunks[slot]}”不是数字")
                else:
                    cells_out[cell] = CellResult(cell, GIVEN, Decimal(v), u.chunks[slot], (Decimal(v),))
            for ri, r in enumerate(u.rows):
                part = u.chunks[ri * n_cols:(ri + 1) * n_cols]
                bad = any(u.given[ri * n_cols + t] is None for t in range(n_cols))
                rows_out[r] = RowResult(r, u.rows, tuple(u.chunks), UNREADABLE if bad else GIVEN,
                                        [" | ".join(part)])
            continue
        if u.status == IMPOSSIBLE or u.too_many:
            status = IMPOSSIBLE if u.status == IMPOSSIBLE else AMBIGUOUS
            for cell in u.cells:
                cells_out[cell] = CellResult(cell, status, None, None, (), u.reason)
            for r in u.rows:
                rows_out[r] = RowResult(r, u.rows, tuple(u.chunks), status, [], 0, u.reason)
            continue
        sup = u.supported if u.supported is not None else list(u.local_cands)
        dropped = f"任何拆分都不满足规则 {'，'.join(u.dropped)}（原文问题），拆分时未用这些规则" if u.dropped else ""
        for slot, cell in enumerate(u.cells):
            vals = sorted({Decimal(u.cands[s][slot]) for s in sup})
            texts = {u.toks[s][slot] for s in sup}
            if len(vals) == 1:
                cells_out[cell] = CellResult(cell, DERIVED, vals[0], texts.pop() if len(texts) == 1 else None,
                                             tuple(vals), u.reason)
            else:
                shown = "、".join(str(v) for v in vals[:10]) + (f" 等 {len(vals)} 个值" if len(vals) > 10 else "")
                reason = f"“{u.digits()}”有 {len(sup)} 种拆分都符合规则，本格可能是 {shown}"
                if u.reason:
                    reason = u.reason + "；" + reason
                cells_out[cell] = CellResult(cell, AMBIGUOUS, None, None, tuple(vals), reason)
        for ri, r in enumerate(u.rows):
            seen, readings = set(), []
            for s in sup:
                t = u.toks[s][ri * n_cols:(ri + 1) * n_cols]
                if t not in seen:
                    seen.add(t)
                    readings.append(" | ".join(t))
            status = SPLIT if len(readings) == 1 else AMBIGUOUS
            note = "；".join(x for x in (dropped, u.reason) if x)
            rows_out[r] = RowResult(r, u.rows, tuple(u.chunks), status, readings[:readings_cap],
                                    max(0, len(readings) - readings_cap), note)
    # cells of constraint rows that were not printed at all are not part of the result
    return SplitResult(columns, total, capped, complete, consistent, cells_out, rows_out, notes, set_aside)


# ---------------------------------------------------------------------------
# Templates


def _flag(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1", "yes"))


class _TemplateView:
    """A template whose columns and rows are read the same way whether or not the
    loader typed the CSV fields (``order`` as a number, ``group`` as a boolean)."""

    def __init__(self, template):
        self._template = template

    def __getattr__(self, name):
        return getattr(self._template, name)

    def value_columns(self, table: str) -> list[dict]:
        cols = [c for c in self._template.columns if c["table"] == table and not _flag(c.get("group"))]
        return sorted(cols, key=lambda c: int(c["order"]))

    def item_rows(self, table: str) -> list[dict]:
        rows = [r for r in self._template.rows if r["table"] == table and r.get("kind") == "item"]
        return sorted(rows, key=lambda r: int(r["order"]))


def constraints_from_template(template, table_key: str, *, include_soft: bool = False) -> list[Constraint]:
    """The template's rules for one table as constraints over ``(row, column)``.

    Each rule is expanded to its concrete cells by :func:`xxgk.rules.expand`
    (one constraint per row or column for ``for_each`` rules), labelled like
    ``RuleResult.id`` (``R1[new]``). Only ``strict`` rules by default: a
    ``soft`` rule ("usually holds") must not rule out a reading. Rules relating
    several reports (carry-over series) are not about one table and are skipped.
    """
    from ..rules import expand

    view = _TemplateView(template)
    out = []
    for rule in template.rules:
        if rule["table"] != table_key or rule["kind"] not in KINDS:
            continue
        if (rule.get("severity") or "strict") != "strict" and not include_soft:
            continue
        for scope, total, parts in expand(view, rule):
            label = rule["id"] + (f"[{scope}]" if scope else "")
            out.append(Constraint(tuple((r, c) for _, r, c in total), rule["kind"],
                                  tuple((r, c) for _, r, c in parts), 0, label))
    return out


def columns_from_template(template, table_key: str) -> list[str]:
    """The table's value columns, in order."""
    return [c["key"] for c in _TemplateView(template).value_columns(table_key)]


def rows_from_template(template, table_key: str) -> list[str]:
    """The table's item rows (rows that hold values), in order."""
    return [r["key"] for r in _TemplateView(template).item_rows(table_key)]


def kinds_from_template(template, table_key: str) -> dict[str, str]:
    """Row key -> ``"decimal"`` or ``"integer"``, from the rows' value types."""
    return {r["key"]: (DECIMAL if r.get("value_type") == "decimal" else INTEGER)
            for r in _TemplateView(template).item_rows(table_key)}


def split_template_table(template, table_key: str, rows: Mapping[RowKey, Sequence[str]],
                         facts: Iterable[Constraint] = (), **options) -> SplitResult:
    """:func:`split_table` with the template's columns, value kinds and strict rules, plus prose facts."""
    return split_table(rows, columns_from_template(template, table_key),
                       constraints_from_template(template, table_key) + list(facts),
                       kinds=kinds_from_template(template, table_key), **options)
