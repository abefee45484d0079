"""Evaluate a template's arithmetic rules on a report's values.

A rule compares the sum of its total cells with the sum of its part cells.
Missing values are unknown but never negative, so a rule can still be found
broken (known parts already exceed the total) or holding (an "at most" whose
known parts already reach the total) with cells missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Cell, Template, fmt

HOLDS, BROKEN, UNKNOWN = "holds", "broken", "unknown"
SYMBOL = {"equal": "=", "at_most": "≤", "at_least": "≥"}


@dataclass
class RuleResult:
    rule: dict
    scope: str  # "" or the row/column key a for_each rule was applied to
    total: list[Cell]
    parts: list[Cell]
    status: str
    left: Decimal | None  # sum of known totals
    right: Decimal | None  # sum of known parts
    missing: list[Cell]

    @property
    def id(self) -> str:
        return self.rule["id"] + (f"[{self.scope}]" if self.scope else "")

    def cells(self) -> list[Cell]:
        return self.total + self.parts

    def explain(self, values: dict[Cell, Decimal | None]) -> str:
        def side(cells):
            return " + ".join(fmt(values.get(c)) if values.get(c) is not None else "缺失" for c in cells)

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


def rule_cells(template: Template, rule: dict) -> list[Cell]:
    return [c for _, t, p in expand(template, rule) for c in t + p]


def _status(kind: str, lt: Decimal, l_missing: bool, rt: Decimal, r_missing: bool) -> str:
    # lt, rt: sums of the known cells; a side with missing cells is at least its sum.
    if not l_missing and not r_missing:
        ok = {"equal": lt == rt, "at_most": lt <= rt, "at_least": lt >= rt}[kind]
        return HOLDS if ok else BROKEN
    # A side with missing cells is at least the sum of its known cells.
    if kind in ("equal", "at_most") and not r_missing and lt > rt:
        return BROKEN  # the left side already exceeds the complete right side
    if kind in ("equal", "at_least") and not l_missing and rt > lt:
        return BROKEN  # known parts already exceed the complete total
    if kind == "at_most" and not l_missing and lt <= rt:
        return HOLDS  # the right side can only grow
    if kind == "at_least" and not r_missing and lt >= rt:
        return HOLDS
    return UNKNOWN


def evaluate(template: Template, values: dict[Cell, Decimal | None]) -> list[RuleResult]:
    results = []
    for rule in template.rules:
        for scope, total, parts in expand(template, rule):
            lk = [values.get(c) for c in total]
            rk = [values.get(c) for c in parts]
            lt = sum((v for v in lk if v is not None), Decimal(0))
            rt = sum((v for v in rk if v is not None), Decimal(0))
            missing = [c for c in total + parts if values.get(c) is None]
            status = _status(rule["kind"], lt, None in lk, rt, None in rk)
            results.append(RuleResult(rule, scope, total, parts, status, lt, rt, missing))
    return results
