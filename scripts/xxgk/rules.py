"""Evaluate a template's arithmetic rules on a report's values.

A rule compares the sum of its total cells with the sum of its part cells.
Each cell of a report is one of:

* a number (printed, corrected or derived);
* ``None``: missing, printed but unreadable. Unknown, but never negative, so a
  rule can still be found broken (known parts already exceed the total) or
  holding (an "at most" whose known parts already reach the total);
* ``ABSENT``: the report's layout does not print this row at all (an optional
  row of the template). An absent cell is not a number and not unknown: it is
  left out of the sums. A rule with every total, or every part, absent does not
  apply to the report (``NOT_APPLICABLE``).

One more step makes the two layouts of a group comparable. When a group is
printed as one row (the 2019 trial's （六）其他处理) its parts are absent; when it
is printed as its parts, the group row is absent. For checking, an absent cell
that is the single total of an ``equal`` rule whose parts are all known takes
their sum (a *virtual* value, never stored or published), so rules written on
the group row check either layout.

Rules of the kinds in ``SERIES_KINDS`` relate consecutive reports of one agency
(``xxgk.series``); they are skipped here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Cell, Template, fmt

HOLDS, BROKEN, UNKNOWN, NOT_APPLICABLE = "holds", "broken", "unknown", "not-applicable"
SYMBOL = {"equal": "=", "at_most": "≤", "at_least": "≥"}
WITHIN_KINDS = ("equal", "at_most", "at_least")
SERIES_KINDS = ("carry", "running_total")


class _Absent:
    """The value of a cell the report's layout does not print."""

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT = _Absent()


@dataclass
class RuleResult:
    rule: dict
    scope: str  # "" or the row/column key a for_each rule was applied to
    total: list[Cell]  # the cells the rule names on its total side (absent ones included)
    parts: list[Cell]
    status: str
    left: Decimal | None  # sum of known totals
    right: Decimal | None  # sum of known parts
    missing: list[Cell]  # cells that are missing (unknown)
    absent: list[Cell]  # cells the layout does not print (left out)
    virtual: dict  # cell -> value summed from its parts for this check

    @property
    def id(self) -> str:
        return self.rule["id"] + (f"[{self.scope}]" if self.scope else "")

    def cells(self) -> list[Cell]:
        return self.total + self.parts

    def explain(self, values: dict) -> str:
        def show(c):
            v = values.get(c)
            if v is ABSENT:
                return f"（{fmt(self.virtual[c])}）" if c in self.virtual else None
            return fmt(v) if v is not None else "缺失"

        def side(cells):
            shown = [s for s in map(show, cells) if s is not None]
            return " + ".join(shown) if shown else "（未列出）"

        return f"{side(self.total)} {SYMBOL[self.rule['kind']]} {side(self.parts)}"


def _refs(spec: str) -> list[str]:
    return spec.split()


def expand(template: Template, rule: dict) -> list[tuple[str, list[Cell], list[Cell]]]:
    """The concrete cells of a rule: one instance, or one per column / row."""
    table = rule["table"]
    cols = [c["key"] for c in template.value_columns(table)]
    total, parts = _refs(rule["total"]), _refs(rule["parts"])
    mode = rule.get("for_each")
    if mode == "column":
        return [(col, [(table, r, col) for r in total], [(table, r, col) for r in parts]) for col in cols]
    if mode == "row":
        return [
            (row["key"], [(table, row["key"], c) for c in total], [(table, row["key"], c) for c in parts])
            for row in template.item_rows(table)
        ]

    def cell(ref: str) -> Cell:
        row, _, col = ref.partition(":")
        return (table, row, col or cols[0])

    return [("", [cell(r) for r in total], [cell(r) for r in parts])]


def within_rules(template: Template) -> list[dict]:
    return [r for r in template.rules if r["kind"] in WITHIN_KINDS]


def rule_cells(template: Template, rule: dict) -> list[Cell]:
    return [c for _, t, p in expand(template, rule) for c in t + p]


def _status(kind: str, lt: Decimal, l_missing: bool, rt: Decimal, r_missing: bool) -> str:
    # lt, rt: sums of the known cells; a side with missing cells is at least its sum.
    if not l_missing and not r_missing:
        ok = {"equal": lt == rt, "at_most": lt <= rt, "at_least": lt >= rt}[kind]
        return HOLDS if ok else BROKEN
    if kind in ("equal", "at_most") and not r_missing and lt > rt:
        return BROKEN  # the left side already exceeds the complete right side
    if kind in ("equal", "at_least") and not l_missing and rt > lt:
        return BROKEN  # known parts already exceed the complete total
    if kind == "at_most" and not l_missing and lt <= rt:
        return HOLDS  # the right side can only grow
    if kind == "at_least" and not r_missing and lt >= rt:
        return HOLDS
    return UNKNOWN


def virtual_values(template: Template, values: dict) -> dict:
    """Absent group rows worth the sum of their known parts (see the module docstring)."""
    instances = [(t, p) for rule in within_rules(template) if rule["kind"] == "equal"
                 for _, t, p in expand(template, rule) if len(t) == 1]
    out: dict = {}
    changed = True
    while changed:
        changed = False
        for total, parts in instances:
            c = total[0]
            if c in out or values.get(c, ABSENT) is not ABSENT:
                continue
            got = [out.get(p, values.get(p, ABSENT)) for p in parts]
            known = [v for v in got if v is not ABSENT]
            if known:
                # a part that cannot be read makes the group unknown (None), not absent: the rules that use
                # the group then hold "at least" instead of failing on a group taken as zero
                out[c] = sum(known, Decimal(0)) if all(v is not None for v in known) else None
                changed = True
    return out


def evaluate(template: Template, values: dict) -> list[RuleResult]:
    """Every within-report rule instance with its status. A cell not in values counts as absent."""
    virtual = virtual_values(template, values)

    def get(c):
        return virtual[c] if c in virtual else values.get(c, ABSENT)

    results = []
    for rule in within_rules(template):
        for scope, total, parts in expand(template, rule):
            absent = [c for c in total + parts if values.get(c, ABSENT) is ABSENT]
            missing = [c for c in total + parts if values.get(c, ABSENT) is None]
            if all(c in absent for c in total) or all(c in absent for c in parts):
                # the report prints neither side of the rule (a virtual value only stands in for a group
                # in the other rules, so a rule never checks a value against the sum it was made from)
                results.append(RuleResult(rule, scope, total, parts, NOT_APPLICABLE, None, None, missing, absent, {}))
                continue
            lk = [get(c) for c in total if get(c) is not ABSENT]
            rk = [get(c) for c in parts if get(c) is not ABSENT]
            used = {c: virtual[c] for c in total + parts if c in virtual}
            if not lk or not rk:
                results.append(RuleResult(rule, scope, total, parts, NOT_APPLICABLE, None, None, missing, absent, used))
                continue
            lt = sum((v for v in lk if v is not None), Decimal(0))
            rt = sum((v for v in rk if v is not None), Decimal(0))
            status = _status(rule["kind"], lt, None in lk, rt, None in rk)
            results.append(RuleResult(rule, scope, total, parts, status, lt, rt, missing, absent, used))
    return results
