"""Stage 2 for reports: metadata, statistics, the ledger of statistics, rules and figures."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .. import paths
from ..findings import Finding
from ..model import cell_ref, fmt, parse_cell_ref
from ..rules import BROKEN, evaluate
from ..text import label_norm
from . import Context, check

STATES_WITH_VALUE = ("printed", "corrected", "derived")


def _stat_file(ctx: Context) -> str:
    return ctx.resource_file("statistics")


@check("report-metadata", "unknown-template", "incomplete")
def metadata(ctx: Context):
    rep = ctx.report
    meta_f = ctx.resource_file("report")
    if len(rep.meta_rows) != 1:
        yield Finding("report-metadata", meta_f, "report.csv 必须正好有一行数据", line=2,
                      expected="1 行", found=f"{len(rep.meta_rows)} 行")
        return
    meta = rep.meta
    expected_id = f"{meta['agency_id']}-{meta['year']}"
    if ctx.folder.name != expected_id:
        yield Finding("report-metadata", meta_f, f"文件夹名就是报告编号，应为“机构编号-年度”：{expected_id}",
                      line=meta["_line"], field="agency_id", expected=expected_id, found=ctx.folder.name)
    if meta["published"] and meta["published"].year < meta["year"]:
        yield Finding("report-metadata", meta_f, "发布日期早于报告年度：年报在年度结束后发布",
                      line=meta["_line"], field="published", expected=f"{meta['year']} 年或之后", found=str(meta["published"]))
    if meta["template"] and ctx.template is None:
        yield Finding("unknown-template", meta_f, f"模板 {meta['template']} 不在 data/templates/ 中",
                      line=meta["_line"], field="template", found=meta["template"])
    if not meta["template"] and len(rep.statistics):
        yield Finding("report-metadata", meta_f, "没有统计表的报告不填模板；有统计表就必须写明模板",
                      line=meta["_line"], field="template", expected="模板编号", found="（空）")
    if not len(rep.prose):
        yield Finding("incomplete", ctx.resource_file("prose"),
                      "正文还没有录入：按阅读顺序把报告的标题和段落填进 prose.csv（source_lines 写原文行号）",
                      field="text", expected="至少一段正文", found="0 行")
    shown = [r for r in rep.statistics if r["state"] != "absent"]
    if shown and all(r["state"] == "missing" for r in shown):
        yield Finding("incomplete", _stat_file(ctx),
                      f"统计表的 {len(shown)} 个数值全部缺失：照原文填写 value、state、source_line 与 source_value",
                      field="value", expected="照原文填写的数值", found="全部缺失")


UNIT_SUFFIX = re.compile(r"(人次|万元|条|件|次|篇|个|人|元|项|份|场|期)$")


def printed_number(src: str) -> Decimal | None:
    """The number a printed value shows: full-width digits read as digits, spaces and thousands separators ignored,
    and a unit printed in the same cell ("75394432.52元") left out."""
    text = re.sub(r"[\s,，]", "", unicodedata.normalize("NFKC", src or "")).replace("−", "-")
    text = UNIT_SUFFIX.sub("", text)
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


@check("unknown-cell", "state-mismatch", "absent-not-optional", "value-not-integer", "value-negative",
       "printed-value-mismatch", "source-line-mismatch", "template-row-missing", "ledger-missing", "ledger-mismatch",
       "ledger-orphan")
def statistics(ctx: Context):
    rep, template = ctx.report, ctx.template
    if template is None:
        return
    f = _stat_file(ctx)
    led_f = ctx.resource_file("corrections")
    cells = template.cells()
    known = set(cells)
    seen = set()
    ledger: dict[str, list[dict]] = {}
    for e in rep.corrections:
        if e["resource"] == "statistics":
            ledger.setdefault(e["target"], []).append(e)
    lines = ctx.lines
    for r in rep.statistics:
        cell = (r["table"], r["row"], r["column"])
        seen.add(cell)
        if cell not in known:
            row_def = template.row(r["table"], r["row"])
            field = "table" if not any(c[0] == r["table"] for c in known) else (
                "row" if row_def is None or row_def["kind"] != "item" else "column")
            yield Finding("unknown-cell", f, f"{cell_ref(cell)} 不是模板 {template.id} 中的数值单元格",
                          line=r["_line"], field=field, found=r[field])
            continue
        row_def = template.row(r["table"], r["row"])
        col_def = template.column(r["table"], r["column"])
        value, state = r["value"], r["state"]
        if state in STATES_WITH_VALUE and value is None:
            yield Finding("state-mismatch", f, f"状态为 {state} 时必须有数值", line=r["_line"], field="value",
                          expected="一个数值", found="（空）")
        elif state in ("missing", "absent") and value is not None:
            yield Finding("state-mismatch", f, f"状态为 {state} 时数值必须为空（缺失不是 0）", line=r["_line"], field="value",
                          expected="（空）", found=fmt(value))
        if state == "absent" and not row_def.get("optional"):
            yield Finding("absent-not-optional", f, f"“{row_def['label']}”在模板 {template.id} 中不是可选行：每份这种格式的报告都印有这一行。"
                          "印了但读不出就写 missing", line=r["_line"], field="state", expected="printed / corrected / derived / missing",
                          found="absent")
        if value is not None and template.value_type(*cell) == "integer" and value != value.to_integral_value():
            yield Finding("value-not-integer", f, f"“{row_def['label']}”以{template.unit(*cell)}计，应为整数",
                          line=r["_line"], field="value", expected="整数", found=fmt(value))
        if value is not None and value < 0 and not (col_def or {}).get("signed"):
            yield Finding("value-negative", f, f"“{col_def['label']}”一列不能为负数", line=r["_line"], field="value",
                          expected="不小于 0", found=fmt(value))
        src = (r["source_value"] or "").strip()
        if state == "printed" and value is not None and printed_number(src) != value:
            yield Finding("printed-value-mismatch", f,
                          "状态为 printed 的数值必须与原文数值完全一致；若原文有误识，请改为 corrected 并写勘误记录",
                          line=r["_line"], field="value", expected=src or "（原文为空）", found=fmt(value))
        if src and r["source_line"] and lines is not None:
            window = "\n".join(lines[r["source_line"] - 1:r["source_line"] + 5])
            missing_tokens = [tok for tok in src.split() if tok not in window]
            if missing_tokens:
                yield Finding("source-line-mismatch", f, f"原文第 {r['source_line']} 行起找不到“{' '.join(missing_tokens)}”",
                              line=r["_line"], field="source_value", expected=f"原文第 {r['source_line']} 行附近的字符",
                              found=src)
        entries = ledger.pop(cell_ref(cell), [])
        needs = state in ("corrected", "derived") or (state == "missing" and src)
        if needs and not entries:
            why = {"corrected": "校正值", "derived": "推算值", "missing": "原文有字符但发布为缺失"}[state]
            yield Finding("ledger-missing", f,
                          f"{why}必须在 corrections.csv 中有一条勘误记录（target = {cell_ref(cell)}），写明理由与依据",
                          line=r["_line"], field="value", expected="一条勘误记录", found="没有")
        for e in entries:
            if not needs:
                yield Finding("ledger-orphan", led_f, f"{cell_ref(cell)} 的值与原文一致，不需要勘误记录",
                              line=e["_line"], field="target", found=e["target"])
            elif (e["published_text"] or "") != fmt(value) or (e["source_text"] or "") != src:
                yield Finding("ledger-mismatch", led_f, f"勘误记录与 statistics.csv 中 {cell_ref(cell)} 的原文或发布值不一致",
                              line=e["_line"], field="published_text",
                              expected=f"{src or '（空）'} → {fmt(value) or '（缺失）'}",
                              found=f"{e['source_text'] or '（空）'} → {e['published_text'] or '（缺失）'}")
    for target, entries in ledger.items():
        for e in entries:
            if e["kind"] == "label-wrap":
                yield from _label_entry(e, template, lines, led_f)
                continue
            yield Finding("ledger-orphan", led_f, f"勘误记录指向的单元格 {target} 不在 statistics.csv 中",
                          line=e["_line"], field="target", found=target)
    for cell in cells:
        if cell not in seen:
            row_def = template.row(cell[0], cell[1])
            yield Finding("template-row-missing", f,
                          f"模板行“{row_def['label']}”（{cell_ref(cell)}）不在表中；读不出的值也要保留这一行，状态写 missing"
                          + ("；报告没有印这一行就写 absent" if row_def.get("optional") else ""),
                          field="row", expected=cell_ref(cell), found="没有这一行")


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def _label_entry(e: dict, template, lines: list[str] | None, led_f: str):
    """A label printed over several lines: published as the template's label, found in order in the source."""
    table, _, key = e["target"].partition("/")
    item = template.column(table, key[1:]) if key.startswith("@") else template.row(table, key)
    if item is None:
        yield Finding("ledger-orphan", led_f, f"{e['target']} 不是模板 {template.id} 的行或列（列写作 表/@列）",
                      line=e["_line"], field="target", found=e["target"])
        return
    if (e["published_text"] or "") != item["label"]:
        yield Finding("ledger-mismatch", led_f, "换行标签的发布文本必须与模板中的标签一致", line=e["_line"],
                      field="published_text", expected=item["label"], found=e["published_text"])
        return
    printed = "".join((e["source_text"] or "").split())
    if lines is not None:
        start = (e["source_line"] or 1) - 1
        window = "".join(lines[start:start + 40])
        if not printed or not _subsequence(printed, window):
            yield Finding("ledger-orphan", led_f, f"原文第 {e['source_line']} 行起找不到依次出现的“{e['source_text']}”",
                          line=e["_line"], field="source_text", found=e["source_text"])
            return
    if label_norm(printed) != item["label_norm"]:
        yield Finding("ledger-mismatch", led_f, "原文标签去掉换行后应与模板标签的规范化形式一致", line=e["_line"],
                      field="source_text", expected=item["label_norm"], found=label_norm(printed))


@check("rule-violation", "source-rule-violation")
def rules(ctx: Context):
    rep, template = ctx.report, ctx.template
    if template is None:
        return
    f = _stat_file(ctx)
    stats = rep.values()
    numbers = {c: None for c in template.cells()} | rep.numbers()  # a row left out of the file is unknown here
    for res in evaluate(template, numbers):
        if res.status != BROKEN:
            continue
        involved = [stats[c] for c in res.cells() if c in stats]
        ours = [r for r in involved if r["state"] in ("corrected", "derived")]
        rule = res.rule
        where = f"（表 {rule['table']}" + (f"，{'行' if rule.get('for_each') == 'row' else '列'} {res.scope}" if res.scope else "") + "）"
        msg = f"规则 {res.id}{where}：{rule['label']}。按表中数值：{res.explain(numbers)}"
        expected = {"equal": "两边相等", "at_most": "左边 ≤ 右边", "at_least": "左边 ≥ 右边"}[rule["kind"]]
        found = f"{fmt(res.left)} 对 {fmt(res.right)}"
        if ours and rule["severity"] == "strict":
            target = ours[0]
            yield Finding("rule-violation", f, msg + f"；其中 {target['table']}/{target['row']}/{target['column']} 是校正或推算的值，请复核",
                          line=target["_line"], field="value", expected=expected, found=found,
                          extra={"rule": rule["id"], "scope": res.scope,
                                 "cell": f"{target['table']}/{target['row']}/{target['column']}"})
        else:
            present = [c for c in res.total if c in stats and stats[c]["state"] != "absent"]
            target = stats.get(present[0]) if present else (involved[0] if involved else None)
            cell = f"{target['table']}/{target['row']}/{target['column']}" if target else ""
            yield Finding("source-rule-violation", f, msg + f"（总数单元格 {cell}）"
                          + ("（此规则为“通常成立”）" if rule["severity"] == "soft" else ""),
                          line=target["_line"] if target else None, field="value", expected=expected, found=found,
                          extra={"rule": rule["id"], "scope": res.scope, "cell": cell})


PREFIX_QUALIFIERS = ("近", "约", "超过", "逾")
SCALE = {"万": Decimal(10000), "亿": Decimal(100000000), None: Decimal(1)}


def figure_quote(fig: dict) -> str:
    q = fig["qualifier"] or ""
    pre = q if q in PREFIX_QUALIFIERS else ""
    post = q if q and q not in PREFIX_QUALIFIERS else ""
    return f"{pre}{fmt(fig['value'])}{fig['multiplier'] or ''}{post}{fig['unit'] or ''}"


def figure_agrees(fig: dict, value: Decimal) -> bool:
    target = fig["value"] * SCALE[fig["multiplier"]]
    q = fig["qualifier"]
    if not q:
        return value == target
    if q in ("余", "多", "超过", "逾", "+"):
        return value >= target
    if q == "近":
        return target * Decimal("0.9") <= value <= target
    return abs(value - target) <= target * Decimal("0.1")  # 约


@check("figure-not-in-text", "unknown-cell", "figure-mismatch", "source-figure-mismatch")
def figures(ctx: Context):
    rep = ctx.report
    ff = ctx.resource_file("figures")
    paragraphs = {p["id"]: p for p in rep.prose}
    stats = rep.values()
    for fig in rep.figures:
        p = paragraphs.get(fig["paragraph"])
        if p is None:
            yield Finding("figure-not-in-text", ff, f"段落 {fig['paragraph']} 不存在", line=fig["_line"], field="paragraph")
            continue
        if fig["sentence"] not in p["text"]:
            yield Finding("figure-not-in-text", ff, f"句子不在段落 {fig['paragraph']} 中", line=fig["_line"],
                          field="sentence", found=fig["sentence"])
        elif fig["quote"] not in fig["sentence"]:
            yield Finding("figure-not-in-text", ff, "引文不在所记句子中", line=fig["_line"], field="quote", found=fig["quote"])
        if figure_quote(fig) != fig["quote"]:
            yield Finding("figure-not-in-text", ff, "数值、数量级、限定词和单位合起来应等于引文", line=fig["_line"],
                          field="value", expected=fig["quote"], found=figure_quote(fig))
        refs = (fig["cells"] or "").split()
        if fig.get("year") and fig["year"] != rep.meta.get("year"):
            continue  # a figure about another year: checked against that year's report (xxgk.series)
        rows = []
        for ref in refs:
            row = stats.get(parse_cell_ref(ref))
            if row is None:
                yield Finding("unknown-cell", ff, f"单元格 {ref} 不在 statistics.csv 中", line=fig["_line"], field="cells", found=ref)
            rows.append(row)
        if not refs or None in rows:
            continue
        groups = [(" + ".join(refs), rows)] if fig["relation"] == "sum" else [(ref, [row]) for ref, row in zip(refs, rows)]
        for label, group in groups:
            if any(r["value"] is None for r in group):
                continue  # a missing or absent value cannot be checked
            value = sum((r["value"] for r in group), Decimal(0))
            if figure_agrees(fig, value):
                continue
            ours = any(r["state"] in ("corrected", "derived") for r in group)
            yield Finding("figure-mismatch" if ours else "source-figure-mismatch", ff,
                          f"正文“{fig['quote']}”与统计表 {label} 的 {fmt(value)} 不一致",
                          line=fig["_line"], field="value", expected=fmt(value), found=fig["quote"])

