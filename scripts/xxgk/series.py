"""Checks across consecutive reports of one agency, from the templates' series rules.

Two kinds of rule (rules.csv, kinds ``carry`` and ``running_total``):

* ``carry`` (for_each column): the total rows of year t equal the part rows of
  year t+1, column by column: 四、结转下年度继续办理 of t is 二、上年结转 of t+1.
  It applies across a change of template when the next year's template has the
  same table, row and column keys (the 2019 trial and the 2021 format do).
* ``running_total`` (for_each row): the total column of year t equals the total
  column of year t−1 plus the part column of year t: Fujian's 历年累计.

A break is a source finding (the reports contradict each other), raised on the
later report's cell, naming both reports and both cells. Only reports that
passed their own checks take part; missing and absent values are not compared.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from . import model, paths
from .checks import check
from .findings import ERROR, Finding
from .model import fmt
from .rules import ABSENT, expand


@check("series-mismatch", "agency-error", "unknown-cell", stage="series", kinds=("report",))
def _declared(ctx):  # the series check runs over many packages; this registers its codes
    return []


def _value(numbers: dict, cell):
    v = numbers.get(cell, ABSENT)
    return None if v is ABSENT else v


def check_series(folders: list[Path], findings: list[Finding]) -> list[Finding]:
    failed = {f.file.split("/")[-2] for f in findings if f.severity == ERROR and "/" in f.file}
    reports = []
    loaded: dict[Path, model.Report] = {}
    for folder in folders:
        if folder.name in failed or folder.parent.name not in ("reports", "drafts") or not paths.find_descriptor(folder):
            continue
        try:
            loaded[folder] = rep = model.load_report(folder)
        except (OSError, KeyError, ValueError):
            continue  # its own checks reported why
        if folder.parent.name != "reports":
            continue
        if not rep.meta_rows or not rep.meta.get("template"):
            continue
        tpl = model.template_by_id(rep.meta["template"], str(model.templates_dir_for(folder, rep.meta["template"])))
        if tpl is not None:
            reports.append((rep, tpl))
    by_agency = defaultdict(dict)
    for rep, tpl in reports:
        by_agency[rep.meta["agency_id"]][rep.meta["year"]] = (rep, tpl)
    out: list[Finding] = _registered(loaded, failed)
    for years in by_agency.values():
        for year, (rep, tpl) in sorted(years.items()):
            out += _quoted_years(rep, years)
            prev = years.get(year - 1)
            nxt = years.get(year + 1)
            for rule in tpl.rules:
                if rule["kind"] == "carry" and nxt:
                    out += _carry(rule, rep, tpl, *nxt)
                elif rule["kind"] == "running_total" and prev:
                    out += _running(rule, rep, tpl, *prev)
    return out


def _stat_line(rep: model.Report, cell) -> int | None:
    row = rep.values().get(cell)
    return row["_line"] if row else None


def _carry(rule: dict, rep, tpl, nrep, ntpl) -> list[Finding]:
    out = []
    a, b = rep.numbers(), nrep.numbers()
    ncells = set(ntpl.cells())
    for scope, total, parts in expand(tpl, rule):
        if not all(c in ncells for c in parts):
            continue
        left = [_value(a, c) for c in total]
        right = [_value(b, c) for c in parts]
        if None in left or None in right:
            continue
        lt, rt = sum(left, Decimal(0)), sum(right, Decimal(0))
        if lt != rt:
            refs = " + ".join("/".join(c) for c in total), " + ".join("/".join(c) for c in parts)
            out.append(Finding(
                "series-mismatch", paths.rel(nrep.resource_path("statistics")),
                f"规则 {rule['id']}（{rule['label']}）：{rep.id} 的 {refs[0]} 是 {fmt(lt)}，"
                f"{nrep.id} 的 {refs[1]} 是 {fmt(rt)}", line=_stat_line(nrep, parts[0]), field="value",
                expected=fmt(lt), found=fmt(rt),
                extra={"rule": rule["id"], "scope": scope, "reports": [rep.id, nrep.id], "cells": list(refs)}))
    return out


def _running(rule: dict, rep, tpl, prep, ptpl) -> list[Finding]:
    out = []
    a, p = rep.numbers(), prep.numbers()
    pcells = set(ptpl.cells())
    for scope, total, parts in expand(tpl, rule):
        if not all(c in pcells for c in total):
            continue
        now = [_value(a, c) for c in total]
        before = [_value(p, c) for c in total]
        add = [_value(a, c) for c in parts]
        if None in now or None in before or None in add:
            continue
        expected = sum(before, Decimal(0)) + sum(add, Decimal(0))
        got = sum(now, Decimal(0))
        if got != expected:
            out.append(Finding(
                "series-mismatch", paths.rel(rep.resource_path("statistics")),
                f"规则 {rule['id']}（{rule['label']}）：{rep.id} 的 {'/'.join(total[0])} 是 {fmt(got)}，"
                f"而 {prep.id} 的同一格 {fmt(sum(before, Decimal(0)))} 加上本年 {fmt(sum(add, Decimal(0)))} 是 {fmt(expected)}",
                line=_stat_line(rep, total[0]), field="value", expected=fmt(expected), found=fmt(got),
                extra={"rule": rule["id"], "scope": scope, "reports": [prep.id, rep.id]}))
    return out


def _registered(loaded: dict, failed: set) -> list[Finding]:
    """Every report's agency is in the agency register of its data folder (when the folder has one)."""
    out = []
    registers: dict[Path, dict | None] = {}
    for folder, rep in loaded.items():
        register = folder.parent.parent / "agencies"
        if register not in registers:
            try:
                usable = paths.find_descriptor(register) and register.name not in failed  # its own errors were said
                registers[register] = model.load_agencies(register).by_id() if usable else None
            except (OSError, KeyError, ValueError):
                registers[register] = None
        by_id = registers[register]
        if by_id is None:
            continue
        if not rep.meta_rows:
            continue
        agency = by_id.get(rep.meta["agency_id"])
        f = paths.rel(rep.resource_path("report"))
        if agency is None:
            out.append(Finding("agency-error", f, f"机构 {rep.meta['agency_id']} 不在机构名录 data/agencies/agencies.csv 中："
                               "新机构先登记（名称、地区、前身）", line=rep.meta["_line"], field="agency_id",
                               expected="agencies.csv 中的机构编号", found=rep.meta["agency_id"]))
        elif agency["region_code"] != rep.meta["region_code"]:
            out.append(Finding("agency-error", f, "报告的行政区划代码与机构名录不同", line=rep.meta["_line"], field="region_code",
                               expected=agency["region_code"], found=rep.meta["region_code"]))
    return out


def _quoted_years(rep: model.Report, years: dict) -> list[Finding]:
    """Figures of the prose about another year (上年…) against that year's report of the same agency."""
    out = []
    ff = paths.rel(rep.resource_path("figures"))
    for fig in rep.figures:
        other_year = fig.get("year")
        if not other_year or other_year == rep.meta["year"] or not fig["cells"]:
            continue
        other = years.get(other_year)
        if other is None:
            continue  # that year's report is not curated: nothing to check against
        orep, otpl = other
        values = orep.numbers()
        cells = [model.parse_cell_ref(x) for x in fig["cells"].split()]
        unknown = [c for c in cells if c not in set(otpl.cells())]
        if unknown:
            out.append(Finding("unknown-cell", ff, f"{'/'.join(unknown[0])} 不是 {orep.id} 所用模板 {otpl.id} 的单元格",
                               line=fig["_line"], field="cells", found=fig["cells"]))
            continue
        vals = [_value(values, c) for c in cells]
        if None in vals:
            continue
        from .checks.content import figure_agrees

        total = sum(vals, Decimal(0))
        if not figure_agrees(fig, total):
            out.append(Finding("series-mismatch", ff, f"{rep.id} 的正文说 {other_year} 年“{fig['quote']}”，"
                               f"而 {orep.id} 的统计表 {fig['cells']} 是 {fmt(total)}", line=fig["_line"], field="value",
                               expected=fmt(total), found=fig["quote"], extra={"reports": [orep.id, rep.id]}))
    return out
