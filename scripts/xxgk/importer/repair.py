"""From printed values to cells: read each value, split run-together digits, and repair by the rules and the prose.

Every cell ends in one of the states the data model knows: printed (read as
printed), corrected (a misread character, fixed, with the evidence), derived
(from a rule or the prose, saying which), missing (printed, unreadable: never
guessed, flagged for a person, with the candidate readings) or absent (the
layout does not print the row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .. import ocrfix
from ..model import Template, cell_ref, fmt
from ..rules import ABSENT, BROKEN, evaluate, expand, within_rules
from .layout import Match
from .rows import Value

NOISE = re.compile(r"^[/,，~`'.·|\-—]+$")
OCR_KINDS = ("pdf-scan", "ocr-text", "text")  # plain text is mostly OCR output: look-alike letters may be digits


@dataclass
class Cell:
    value: Decimal | None = None
    state: str = "missing"
    line: int | None = None
    locator: str = ""
    source: str = ""
    note: str = ""
    flag: str = ""  # why a person should look
    ledger: tuple | None = None  # (kind, reason, evidence)

    @property
    def known(self):
        return ABSENT if self.state == "absent" else self.value


def plain_number(text: str) -> Decimal | None:
    """A number printed plainly: digits, separators or spaces inside, one decimal point, maybe its unit after it."""
    from .rows import NUMBER_UNIT

    m = NUMBER_UNIT.match(text.strip())
    t = re.sub(r"[\s,，]", "", m.group(1) if m else text).replace("−", "-")
    if not re.fullmatch(r"-?\d+(\.\d+)?", t):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def read_values(match: Match, kind: str) -> dict:
    """Cells from the printed values of a match, read as the source kind allows."""
    template = match.template
    cells = {c: Cell() for c in template.cells()}
    for c in match.absent:
        cells[c].state = "absent"
    for c, v in match.values.items():
        if len(c) != 3 or c[0] == "run" or v is None:
            continue
        cell = cells[c]
        cell.line, cell.locator, cell.source = v.line, v.locator, v.text.strip()
        _read(cell, v, kind)
    for c, why in match.flags.items():
        if c in cells and cells[c].value is None:
            cells[c].flag = why
    return cells


def _read(cell: Cell, v: Value, kind: str) -> None:
    text = v.text.strip()
    if not text:
        cell.flag = "原文此格为空"
        return
    tokens = text.split()
    numbers = [t for t in tokens if not NOISE.match(t)]
    noise = [t for t in tokens if NOISE.match(t)]
    value = plain_number(text) if kind not in OCR_KINDS or len(tokens) == 1 else None
    if value is not None:
        cell.value, cell.state = value, "printed"
        return
    if kind not in OCR_KINDS:
        cell.flag = f"原文“{text}”不是数字，无法读出"
        return
    if len(numbers) == 1:
        cell.source = numbers[0]
        read, how = ocrfix.read_number(numbers[0])
        if how == "printed":
            cell.value, cell.state = Decimal(read), "printed"
            if noise:
                cell.note = f"同一格旁有杂散符号“{' '.join(noise)}”，不计入数值。"
        elif how == "confusion":
            cell.value, cell.state = Decimal(read), "corrected"
            cell.note = f"原文为“{numbers[0]}”，是数字“{read}”的 OCR 误识（数字位置）。"
            cell.ledger = ("glyph", cell.note, f"OCR 易混字：{numbers[0]} → {read}")
        else:
            cell.flag = f"原文“{numbers[0]}”无法读出" + _candidates(numbers[0])
    else:
        cell.flag = f"原文“{text}”分散或损坏，无法读出" + _candidates("".join(numbers))


def _candidates(token: str) -> str:
    readings = ocrfix.confusable_readings(token)
    return f"（按易混字可读作 {'、'.join(readings)}，但无法确定）" if readings else ""


# --- run-together digits ---------------------------------------------------------------------------------

def split_runs(match: Match, cells: dict, facts: list | None = None) -> list[str]:
    """Rows whose values ran together: split by the template's arithmetic (split.py), table by table.
    A run may hold several rows (a table printed as one line of numbers): its key is then a tuple of rows."""
    from .split import fact, split_template_table

    template = match.template
    runs = {k[1:]: v for k, v in match.values.items() if k[0] == "run"}
    notes = []
    for t in template.tables:
        rows = {row: vals for (table, row), vals in runs.items() if table == t["key"]}
        if not rows:
            continue
        run_rows = {r for key in rows for r in (key if isinstance(key, tuple) else (key,))}
        cols = [c["key"] for c in template.value_columns(t["key"])]
        chunks = {row: [v.text for v in vals] for row, vals in rows.items()}
        for row in template.item_rows(t["key"]):  # rows read normally take part with their printed values
            known = [cells[(t["key"], row["key"], c)].value for c in cols]
            if row["key"] not in run_rows and all(v is not None for v in known):
                chunks[row["key"]] = [fmt(v) for v in known]
        absent_rows = {r["key"] for r in template.item_rows(t["key"]) if r["key"] not in run_rows
                       and all(cells[(t["key"], r["key"], c)].state == "absent" for c in cols)}
        prose = [fact([(c[1], c[2]) for c in cells_], "equal", value) for cells_, value in (facts or [])
                 if all(c[0] == t["key"] and c[1] not in absent_rows for c in cells_)]
        unknown = [r["key"] for r in template.item_rows(t["key"]) if r["key"] not in chunks and r["key"] not in run_rows
                   and r["key"] not in absent_rows]
        result = split_template_table(template, t["key"], chunks, prose, unlisted="unknown" if unknown else "absent",
                                      readings_cap=30)
        for key, vals in rows.items():
            run_text = " ".join(v.text for v in vals)
            readings = _readings(result, key)
            if len(readings) > 1:
                rr = result.rows.get(key[0] if isinstance(key, tuple) else key)
                more = f"，另有 {rr.more} 种" if rr is not None and rr.more else ""
                label = "、".join(template.row(t["key"], r)["label"] for r in (key if isinstance(key, tuple) else (key,)))
                notes.append(f"“{label}”原文为连在一起的数字“{run_text}”，满足全部规则的拆法有：{'；'.join(readings)}{more}。"
                             "这一行的值保持缺失，请对照网页原件")
            for row in (key if isinstance(key, tuple) else (key,)):
                for col in cols:
                    c = (t["key"], row, col)
                    cr = result.cells.get((row, col))
                    cell = cells[c]
                    cell.line, cell.locator, cell.source, cell.state = vals[0].line, vals[0].locator, run_text, "missing"
                    if cr is not None and cr.value is not None and cr.status in ("derived", "given"):
                        cell.value, cell.state = cr.value, "derived"
                        cell.note = (f"原文这一行的数字连在一起（“{run_text}”，网页另存为文本时丢了单元格边界）；"
                                     f"按表内规则只有一种拆法满足，这一格为 {fmt(cell.value)}。")
                        cell.ledger = ("derived-rule", cell.note, f"唯一满足表内规则的拆分：{_reading(result, key)}")
                    else:
                        cands = list(cr.candidates) if cr is not None else []
                        shown = "、".join(fmt(x) for x in cands[:8]) + ("等" if len(cands) > 8 else "")
                        cell.flag = (f"原文“{run_text}”的数字连在一起，"
                                     + (f"有 {len(readings)}{'+' if result.capped else ''} 种拆法都满足规则（见下方“正文、规则与表格的问题”）"
                                        if len(readings) > 1 else "无法按规则拆开")
                                     + (f"，这一格可能是 {shown}" if shown else "") + "：无法确定，不猜测")
        notes += [str(n) for n in result.notes]
        if not result.consistent:
            notes.append("拆分时有规则无论怎么拆都不成立（原报告自相矛盾）：" + "；".join(result.set_aside))
    return notes


def _readings(result, key) -> list[str]:
    rr = result.rows.get(key[0] if isinstance(key, tuple) else key)
    return list(rr.readings) if rr is not None else []


def _reading(result, key) -> str:
    readings = _readings(result, key)
    return readings[0] if readings else ""


# --- repairs by the rules and the prose ------------------------------------------------------------------

def _values(cells: dict) -> dict:
    return {c: x.known for c, x in cells.items()}


def derive_by_rules(template: Template, cells: dict, evidence: str = "") -> None:
    """A single unknown in a strict equality is derived (repeated until nothing changes)."""
    instances = [(rule, total, parts) for rule in within_rules(template) if rule["kind"] == "equal"
                 and rule["severity"] == "strict" for _, total, parts in expand(template, rule)]
    changed = True
    while changed:
        changed = False
        for rule, total, parts in instances:
            tp = [c for c in total + parts if cells[c].state != "absent"]
            if not [c for c in total if cells[c].state != "absent"] or not [c for c in parts if cells[c].state != "absent"]:
                continue
            unknown = [c for c in tp if cells[c].value is None]
            if len(unknown) != 1:
                continue
            u = unknown[0]
            lt = sum((cells[c].value for c in total if c != u and cells[c].state != "absent"), Decimal(0))
            rt = sum((cells[c].value for c in parts if c != u and cells[c].state != "absent"), Decimal(0))
            value = rt - lt if u in total else lt - rt
            if value < 0:
                continue
            cell = cells[u]
            expr = f"{rule['id']}：{rule['label']}"
            readings = ocrfix.confusable_readings(cell.source) if cell.source else []
            if cell.source and fmt(value) in readings:
                cell.state = "corrected"
                cell.note = f"原文为“{cell.source}”，按易混字读作 {fmt(value)}，正好使规则 {rule['id']} 成立。"
                cell.ledger = ("glyph", cell.note, expr)
            else:
                cell.state = "derived"
                cell.note = (f"原文{'为“' + cell.source + '”，无法读出' if cell.source else '此格为空'}。"
                             f"按规则 {rule['id']} 推算：{rule['label']}。")
                cell.ledger = ("derived-rule", cell.note, expr + (f"；{evidence}" if evidence else ""))
            cell.value, cell.flag = value, ""
            changed = True


def pinpoint(template: Template, cells: dict, correct: bool = True) -> list[str]:
    """A printed value that breaks one equality along its row and another along its column: the cell the two
    share is recomputed from one of them and kept only if no rule is broken by it. What stays broken is
    flagged, not guessed."""
    notes = []
    for _ in range(len(cells) if correct else 0):
        values = _values(cells)
        broken = [r for r in evaluate(template, values) if r.status == BROKEN and r.rule["kind"] == "equal"]
        fixed = False
        for a in broken:
            for b in broken:
                common = set(a.cells()) & set(b.cells())
                if a is b or len(common) != 1:
                    continue
                (target,) = common
                if cells[target].state != "printed":
                    continue
                lt = sum((values[c] for c in a.total if c != target and values[c] is not ABSENT), Decimal(0))
                rt = sum((values[c] for c in a.parts if c != target and values[c] is not ABSENT), Decimal(0))
                value = rt - lt if target in a.total else lt - rt
                trial = dict(values)
                trial[target] = value
                after = {r.id for r in evaluate(template, trial) if r.status == BROKEN}
                before = {r.id for r in broken}
                if value >= 0 and a.id not in after and b.id not in after and after <= before:
                    cell = cells[target]
                    cell.note = (f"原文为“{cell.source}”，它使规则 {a.id} 与 {b.id} 同时不成立，两者只共有这一格；"
                                 f"按规则更正为 {fmt(value)}。")
                    cell.ledger = ("glyph", cell.note, f"规则 {a.id}、{b.id} 交于这一格")
                    cell.value, cell.state = value, "corrected"
                    cell.flag = f"按规则 {a.id}、{b.id} 更正（原文“{cell.source}”），请核对原文"
                    fixed = True
                    break
            if fixed:
                break
        if not fixed:
            break
    values = _values(cells)
    for r in evaluate(template, values):
        if r.status == BROKEN:
            notes.append(f"规则 {r.id} 不成立（{r.explain(values)}），原报告自相矛盾或有误识，无法确定是哪一格")
            for c in r.cells():
                if cells[c].state == "printed" and not cells[c].flag:
                    cells[c].flag = f"规则 {r.id} 不成立，这一格可能有误"
    return notes


def revert_broken(template: Template, cells: dict) -> None:
    """A derived or corrected value that leaves a rule broken is withdrawn: missing, for a person."""
    for r in evaluate(template, _values(cells)):
        if r.status != BROKEN:
            continue
        for c in r.cells():
            cell = cells[c]
            if cell.state in ("derived", "corrected"):
                cell.value, cell.state, cell.ledger = None, "missing", None
                cell.flag = f"推算或校正的值使规则 {r.id} 不成立，已撤回"


def ledger_rows(cells: dict) -> list[list]:
    """Corrections entries (without id) for the cells that differ from the source."""
    out = []
    for c, x in cells.items():
        if x.state in ("corrected", "derived") and x.ledger:
            kind, reason, ev = x.ledger
            out.append(["statistics", cell_ref(c), x.line or "", x.source, fmt(x.value), kind, reason, ev, 1])
        elif x.state == "missing" and x.source:
            out.append(["statistics", cell_ref(c), x.line or "", x.source, "", "unreadable", x.flag or "无法读出",
                        "无法读出；没有规则或正文能确定读数", 1])
    return out
