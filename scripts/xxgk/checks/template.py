"""Stage 2 for templates: rows, columns, label variants and rules refer to what exists."""

from __future__ import annotations

import re

from .. import model
from ..findings import Finding
from ..model import cell_ref
from ..rules import SERIES_KINDS, WITHIN_KINDS, rule_cells
from ..text import label_norm
from . import Context, check


@check("unknown-cell", "unknown-parent", "label-norm-mismatch", "constraint-error", "template-rule-error",
       kinds=("template",))
def template_rows(ctx: Context):
    t = model.load_template(ctx.folder)
    rows_f, cols_f, rules_f = (ctx.resource_file(n) for n in ("rows", "columns", "rules"))
    tables = {x["key"] for x in t.tables}
    sections = {x["key"] for x in t.sections}
    for r in t.rows:
        if r["table"] not in tables:
            yield Finding("unknown-cell", rows_f, f"表 {r['table']} 不在 tables.csv 中", line=r["_line"], field="table")
        if r["parent"] and t.row(r["table"], r["parent"]) is None:
            yield Finding("unknown-parent", rows_f, f"上级行 {r['parent']} 不存在", line=r["_line"], field="parent",
                          found=r["parent"])
        if r["section"] not in sections:
            yield Finding("unknown-parent", rows_f, f"部分 {r['section']} 不在 sections.csv 中", line=r["_line"],
                          field="section", found=str(r["section"]))
        if r["label_norm"] != label_norm(r["label"]):
            yield Finding("label-norm-mismatch", rows_f, "label_norm 应由 label 计算得出", line=r["_line"],
                          field="label_norm", expected=label_norm(r["label"]), found=r["label_norm"])
        if r["kind"] == "item" and not r["value_type"]:
            yield Finding("constraint-error", rows_f, "数值行必须写明 value_type", line=r["_line"], field="value_type",
                          expected="integer 或 decimal")
    for c in t.columns:
        if c["table"] not in tables:
            yield Finding("unknown-cell", cols_f, f"表 {c['table']} 不在 tables.csv 中", line=c["_line"], field="table")
        if c["parent"] and t.column(c["table"], c["parent"]) is None:
            yield Finding("unknown-parent", cols_f, f"上级列 {c['parent']} 不存在", line=c["_line"], field="parent")
        if c["label_norm"] != label_norm(c["label"]):
            yield Finding("label-norm-mismatch", cols_f, "label_norm 应由 label 计算得出", line=c["_line"],
                          field="label_norm", expected=label_norm(c["label"]), found=c["label_norm"])
    if t.labels:
        labels_f = ctx.resource_file("labels")
        for v in t.labels:
            target = v["target"]
            item = t.column(v["table"], target[1:]) if target.startswith("@") else t.row(v["table"], target)
            if item is None:
                yield Finding("unknown-cell", labels_f, f"{v['table']}/{target} 不是模板的行或列（列写作 @列键）",
                              line=v["_line"], field="target", found=target)
            if v["label_norm"] != label_norm(v["label"]):
                yield Finding("label-norm-mismatch", labels_f, "label_norm 应由 label 计算得出", line=v["_line"],
                              field="label_norm", expected=label_norm(v["label"]), found=v["label_norm"])
            if v.get("pattern"):
                try:
                    if not re.fullmatch(v["pattern"], v["label_norm"]):
                        yield Finding("template-rule-error", labels_f, "pattern 应能匹配同一行的 label_norm", line=v["_line"],
                                      field="pattern", expected=v["label_norm"], found=v["pattern"])
                except re.error as exc:
                    yield Finding("template-rule-error", labels_f, f"pattern 不是正确的正则表达式：{exc}", line=v["_line"],
                                  field="pattern", found=v["pattern"])
    cells = set(t.cells())
    for rule in t.rules:
        if rule["kind"] in SERIES_KINDS and rule.get("for_each") not in ("row", "column"):
            yield Finding("template-rule-error", rules_f, f"跨年度规则 {rule['id']} 必须逐行或逐列（for_each）",
                          line=rule["_line"], field="for_each", expected="row 或 column", found=rule.get("for_each") or "（空）")
            continue
        if rule["kind"] not in WITHIN_KINDS + SERIES_KINDS:
            continue
        if rule["table"] not in tables or not t.value_columns(rule["table"]):
            yield Finding("unknown-cell", rules_f, f"规则 {rule['id']} 的表 {rule['table']} 不存在或没有数值列",
                          line=rule["_line"], field="table", found=rule["table"])
            continue
        for cell in rule_cells(t, rule):
            if cell not in cells:
                yield Finding("unknown-cell", rules_f, f"规则 {rule['id']} 引用的单元格 {cell_ref(cell)} 不在模板中",
                              line=rule["_line"], field="total" if cell[1] in rule["total"] or cell[2] in rule["total"] else "parts",
                              found=cell_ref(cell))
