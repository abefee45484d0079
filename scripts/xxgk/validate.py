"""`xxgk validate`: structural and semantic checks of templates and reports.

Structural checks come first (descriptor, files, encoding, frictionless
validation against the table schemas). Only a package that passes them gets
the semantic checks: template rules, ledger, prose and figures.

Every check yields findings; nothing here raises on bad data.
"""

from __future__ import annotations

import hashlib
import os
import re
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

import yaml

from . import model, paths
from .findings import CODES, ERROR, Finding, sort_findings
from .model import cell_ref, fmt, parse_cell_ref
from .prose import LAYOUT_SIGNATURES, EditError, LocalEdit, parse_range, rebuild
from .rules import BROKEN, evaluate, rule_cells
from .text import find_residue, label_norm

TYPE_ZH = {"integer": "整数", "number": "数字", "date": "日期（YYYY-MM-DD）", "boolean": "true 或 false",
           "string": "文本", "year": "年份"}


# --- structure ------------------------------------------------------------------

def _yaml_line(desc_path: Path, needle: str) -> int | None:
    try:
        for n, line in enumerate(desc_path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return n
    except (OSError, UnicodeDecodeError):
        pass
    return None


def _load_descriptor(desc_path: Path) -> tuple[dict | None, list[Finding]]:
    f = paths.rel(desc_path)
    try:
        descriptor = model.load_descriptor(desc_path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [Finding("descriptor-error", f, f"YAML 无法解析：{getattr(exc, 'problem', exc)}",
                              line=mark.line + 1 if mark else None)]
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [Finding("descriptor-error", f, f"描述文件无法读取：{exc}")]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None, [Finding("descriptor-error", f, "描述文件必须是一个含 resources 列表的对象",
                              field="resources", expected="resources: [...]")]
    findings = _descriptor_schema_findings(desc_path, descriptor)
    if findings:
        return None, findings
    for i, res in enumerate(descriptor["resources"]):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str) or not isinstance(res.get("path"), str):
            findings.append(Finding("descriptor-error", f, f"第 {i + 1} 个资源缺少 name 或 path",
                                    field=f"resources[{i}]", expected="name 与 path"))
    return (None if findings else descriptor), findings


def _yaml_node_line(desc_path: Path, where: list) -> int | None:
    """Line of the YAML node at a JSON path (list of keys and indexes)."""
    try:
        node = yaml.compose(desc_path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return None
    line = node.start_mark.line + 1 if node else None
    for step in where:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == step), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _descriptor_schema_findings(desc_path: Path, descriptor: dict) -> list[Finding]:
    """Check a descriptor against data/schemas/*-package.schema.json (the same schema editors use)."""
    import jsonschema

    kind = package_kind(descriptor) if isinstance(descriptor.get("resources"), list) else "report"
    schema = model.load_schema(str(paths.SCHEMAS / f"{kind}-package.schema.json"))
    out = []
    for err in sorted(jsonschema.Draft202012Validator(schema).iter_errors(descriptor), key=lambda e: list(map(str, e.path))):
        where = list(err.absolute_path)
        field = ".".join(str(x) for x in where) or None
        out.append(Finding("descriptor-error", paths.rel(desc_path), f"描述文件不符合 {kind}-package.schema.json：{err.message}",
                           line=_yaml_node_line(desc_path, where), field=field,
                           expected=str(err.schema.get("pattern") or err.schema.get("const") or err.validator),
                           found=str(err.instance)[:80]))
    return out


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_bytes(path: Path) -> list[Finding]:
    data = path.read_bytes()
    f = paths.rel(path)
    if data.startswith(b"\xef\xbb\xbf"):
        return [Finding("bom", f, "文件开头有 UTF-8 BOM。请另存为“UTF-8（无 BOM）”；给 Excel 用的带 BOM 副本在网站下载页。",
                        line=1, expected="UTF-8，无 BOM", found="UTF-8 带 BOM")]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        guess = "GBK/GB18030" if _decodes(data, "gb18030") else "未知编码"
        return [Finding("encoding-error", f, f"第 {exc.start} 个字节不是合法的 UTF-8（看起来是 {guess}）。请用 UTF-8 另存。",
                        line=_line_of_offset(data, exc.start), expected="UTF-8", found=guess)]
    return []


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def _frictionless_findings(folder: Path, resource: dict) -> list[Finding]:
    from frictionless import FrictionlessException, Resource, system

    f = paths.rel(folder / resource["path"])
    try:
        with system.use_context(trusted=True):
            res = Resource(dict(resource), basepath=str(folder))
            report = res.validate()
    except FrictionlessException as exc:
        return [Finding("descriptor-error", paths.rel(folder), f"资源 {resource.get('name')} 的描述有误：{exc.error.message}",
                        field=resource.get("name"))]
    out = []
    for task in report.tasks:
        for err in task.errors:
            out.append(_map_frictionless(err, f, resource))
    return out


def _map_frictionless(err, file: str, resource: dict) -> Finding:
    code = err.type
    line = getattr(err, "row_number", None)
    field = getattr(err, "field_name", None) or None
    cell = getattr(err, "cell", None)
    note = getattr(err, "note", "") or ""
    if code in ("type-error",):
        ftype = note.split('"')[1].split("/")[0] if '"' in note else ""
        msg = f"“{cell}”不是{TYPE_ZH.get(ftype, ftype)}"
        return Finding(code, file, msg, line=line, field=field, expected=TYPE_ZH.get(ftype, ftype), found=cell)
    if code == "constraint-error":
        m = re.search(r'constraint "(\w+)" is "(.*)"', note)
        name, limit = (m.group(1), m.group(2)) if m else ("", note)
        expected = {"required": "不能为空", "minimum": f"不小于 {limit}", "maximum": f"不大于 {limit}",
                    "minLength": f"至少 {limit} 个字符", "maxLength": f"至多 {limit} 个字符",
                    "pattern": f"符合格式 {limit}", "enum": f"只能是 {limit}", "unique": "不能重复"}.get(name, note)
        return Finding(code, file, f"“{cell}”不符合要求：{expected}", line=line, field=field, expected=expected, found=cell)
    if code in ("primary-key", "unique-error"):
        return Finding(code, file, f"键与前面的行重复（{note}）", line=line, field=field)
    if code == "extra-cell":
        return Finding(code, file, "这一行的单元格比表头多，可能是值里有未加引号的逗号", line=line,
                       expected="与表头同样多的单元格", found=f"多出“{cell}”")
    if code == "missing-cell":
        return Finding(code, file, f"这一行在字段 {field} 处缺少单元格", line=line, field=field,
                       expected="与表头同样多的单元格")
    if code in ("missing-label", "extra-label", "incorrect-label", "duplicate-label", "blank-label"):
        label = getattr(err, "label", None)
        pos = getattr(err, "field_number", None)
        msg = {
            "missing-label": f"表头缺少列“{field}”",
            "extra-label": f"表头多出列“{label}”（第 {pos} 列），表结构中没有这一列",
            "incorrect-label": f"第 {pos} 列应为“{field}”，实际是“{label}”",
            "duplicate-label": f"列名“{label}”重复",
            "blank-label": f"第 {pos} 列没有列名",
        }[code]
        return Finding(code, file, msg, line=1, field=field or label, expected=field, found=label)
    if code == "blank-row":
        return Finding(code, file, "空行：请删除", line=line)
    return Finding(code if code in CODES else "table-error", file, err.message, line=line, field=field)


def check_structure(folder: Path) -> tuple[dict | None, list[Finding]]:
    desc_path = paths.find_descriptor(folder)
    if desc_path is None:
        return None, [Finding("file-missing", paths.rel(folder), "文件夹里没有 datapackage.yaml",
                              expected="datapackage.yaml")]
    descriptor, findings = _load_descriptor(desc_path)
    if descriptor is None:
        return None, findings
    for res in descriptor["resources"]:
        path = folder / res["path"]
        if not path.is_file():
            findings.append(Finding("file-missing", paths.rel(desc_path),
                                    f"资源 {res['name']} 指向的文件 {res['path']} 不存在",
                                    line=_yaml_line(desc_path, res["path"]), field=f"{res['name']}.path",
                                    expected="已存在的文件", found=res["path"]))
            continue
        if res.get("schema"):
            schema = res["schema"]
            if isinstance(schema, str) and not (folder / schema).is_file():
                findings.append(Finding("file-missing", paths.rel(desc_path), f"表结构文件 {schema} 不存在",
                                        line=_yaml_line(desc_path, schema), field=f"{res['name']}.schema"))
                continue
            byte_findings = _check_bytes(path)
            findings += byte_findings
            if not byte_findings:
                findings += _frictionless_findings(folder, res)
        elif res.get("name") == "source" or res.get("hash"):
            findings += _check_hash(folder, desc_path, res)
    return descriptor, findings


def _check_hash(folder: Path, desc_path: Path, res: dict) -> list[Finding]:
    if not res.get("hash"):
        data = (folder / res["path"]).read_bytes()
        return [Finding("hash-missing", paths.rel(desc_path),
                        f"请在资源 {res['name']} 下记录原始文件的 sha256 与字节数，"
                        f"即加上两行：hash: sha256:{hashlib.sha256(data).hexdigest()} 和 bytes: {len(data)}",
                        line=_yaml_line(desc_path, res["path"]), field=f"{res['name']}.hash",
                        expected=f"sha256:{hashlib.sha256(data).hexdigest()}", found="（没有）")]
    algo, _, expected = str(res["hash"]).rpartition(":")
    algo = algo or "md5"
    data = (folder / res["path"]).read_bytes()
    actual = hashlib.new(algo, data).hexdigest()
    out = []
    if actual != expected:
        out.append(Finding("hash-mismatch", paths.rel(folder / res["path"]),
                           f"原始文件被改动过：它的 {algo} 与描述文件中记录的不同。原始文件必须保持原样；更正请写进勘误记录。",
                           field="hash", expected=expected, found=actual))
    if "bytes" in res and res["bytes"] != len(data):
        out.append(Finding("hash-mismatch", paths.rel(folder / res["path"]), "原始文件的字节数与记录不同",
                           field="bytes", expected=str(res["bytes"]), found=str(len(data))))
    return out


# --- templates --------------------------------------------------------------------

def check_template(folder: Path) -> list[Finding]:
    t = model.load_template(folder)
    res = model.resources_by_name(t.descriptor)
    rows_f = paths.rel(folder / res["rows"]["path"])
    cols_f = paths.rel(folder / res["columns"]["path"])
    rules_f = paths.rel(folder / res["rules"]["path"])
    out = []
    tables = {x["key"] for x in t.tables}
    for r in t.rows:
        if r["table"] not in tables:
            out.append(Finding("unknown-cell", rows_f, f"表 {r['table']} 不在 tables.csv 中", line=r["_line"], field="table"))
        if r["parent"] and t.row(r["table"], r["parent"]) is None:
            out.append(Finding("unknown-parent", rows_f, f"上级行 {r['parent']} 不存在", line=r["_line"], field="parent",
                               found=r["parent"]))
        if r["label_norm"] != label_norm(r["label"]):
            out.append(Finding("label-norm-mismatch", rows_f, "label_norm 应由 label 计算得出", line=r["_line"],
                               field="label_norm", expected=label_norm(r["label"]), found=r["label_norm"]))
        if r["kind"] == "item" and not r["value_type"]:
            out.append(Finding("constraint-error", rows_f, "数值行必须写明 value_type", line=r["_line"], field="value_type",
                               expected="integer 或 decimal"))
    sections = {x["key"] for x in t.sections}
    for r in t.rows:
        if r["section"] not in sections:
            out.append(Finding("unknown-parent", rows_f, f"部分 {r['section']} 不在 sections.csv 中", line=r["_line"],
                               field="section", found=str(r["section"])))
    for c in t.columns:
        if c["parent"] and t.column(c["table"], c["parent"]) is None:
            out.append(Finding("unknown-parent", cols_f, f"上级列 {c['parent']} 不存在", line=c["_line"], field="parent"))
        if c["label_norm"] != label_norm(c["label"]):
            out.append(Finding("label-norm-mismatch", cols_f, "label_norm 应由 label 计算得出", line=c["_line"],
                               field="label_norm", expected=label_norm(c["label"]), found=c["label_norm"]))
    cells = set(t.cells())
    for rule in t.rules:
        try:
            refs = rule_cells(t, rule)
        except IndexError:
            refs = []
            out.append(Finding("unknown-cell", rules_f, f"规则 {rule['id']} 的表 {rule['table']} 没有数值列",
                               line=rule["_line"], field="table"))
        for cell in refs:
            if cell not in cells:
                out.append(Finding("unknown-cell", rules_f, f"规则 {rule['id']} 引用的单元格 {cell_ref(cell)} 不在模板中",
                                   line=rule["_line"], field="total" if cell[1] in rule["total"] else "parts",
                                   found=cell_ref(cell)))
    return out


# --- reports ----------------------------------------------------------------------

def templates_dir_for(report_folder: Path, template_id: str) -> Path:
    """The nearest templates/<id> above the report, else data/templates."""
    for parent in report_folder.parents:
        if (parent / "templates" / template_id).is_dir():
            return parent / "templates"
    return paths.TEMPLATES


def check_report(folder: Path) -> list[Finding]:
    rep = model.load_report(folder)
    out: list[Finding] = []
    meta_f = paths.rel(rep.resource_path("report"))
    if len(rep.meta_rows) != 1:
        out.append(Finding("report-metadata", meta_f, "report.csv 必须正好有一行数据", line=2,
                           expected="1 行", found=f"{len(rep.meta_rows)} 行"))
        return out
    meta = rep.meta
    expected_id = f"{meta['agency_id']}-{meta['year']}"
    if folder.name != expected_id:
        out.append(Finding("report-metadata", meta_f,
                           f"文件夹名就是报告编号，应为“机构编号-年度”：{expected_id}", line=meta["_line"], field="agency_id",
                           expected=expected_id, found=folder.name))
    template = model.template_by_id(meta["template"], str(templates_dir_for(folder, meta["template"])))
    if template is None:
        out.append(Finding("unknown-template", meta_f, f"模板 {meta['template']} 不在 data/templates/ 中",
                           line=meta["_line"], field="template", found=meta["template"]))
        return out
    if not len(rep.prose):
        out.append(Finding("incomplete", paths.rel(rep.resource_path("prose")),
                           "正文还没有录入：按阅读顺序把报告的标题和段落填进 prose.csv（source_lines 写原文行号）",
                           field="text", expected="至少一段正文", found="0 行"))
    if len(rep.statistics) and all(r["state"] == "missing" for r in rep.statistics):
        out.append(Finding("incomplete", _stat_file(rep),
                           f"统计表的 {len(rep.statistics)} 个数值全部缺失：照原文填写 value、state、source_line 与 source_value",
                           field="value", expected="照原文填写的数值", found="全部缺失"))
    out += _check_statistics(rep, template)
    out += _check_rules(rep, template)
    out += _check_prose(rep)
    out += _check_figures(rep)
    return out


def _stat_file(rep) -> str:
    return paths.rel(rep.resource_path("statistics"))


def _check_statistics(rep: model.Report, template: model.Template) -> list[Finding]:
    out = []
    f = _stat_file(rep)
    led_f = paths.rel(rep.resource_path("corrections"))
    cells = template.cells()
    known = set(cells)
    seen = set()
    ledger = {}
    for e in rep.corrections:
        if e["resource"] == "statistics":
            ledger.setdefault(e["target"], []).append(e)
    lines = rep.source_lines()
    for r in rep.statistics:
        cell = (r["table"], r["row"], r["column"])
        seen.add(cell)
        if cell not in known:
            field = "table" if not any(c[0] == r["table"] for c in known) else (
                "row" if template.row(r["table"], r["row"]) is None or template.row(r["table"], r["row"])["kind"] != "item"
                else "column")
            out.append(Finding("unknown-cell", f, f"{cell_ref(cell)} 不是模板 {template.id} 中的数值单元格",
                               line=r["_line"], field=field, found=r[field]))
            continue
        row_def = template.row(r["table"], r["row"])
        value, state = r["value"], r["state"]
        if (state == "missing") != (value is None):
            out.append(Finding("state-mismatch", f,
                               "状态为 missing 时数值必须为空；有数值时状态不能是 missing" if value is not None or state == "missing"
                               else f"状态为 {state} 时必须有数值", line=r["_line"], field="state",
                               expected="missing" if value is None else "printed / corrected / derived", found=state))
        if value is not None and row_def["value_type"] == "integer" and value != value.to_integral_value():
            out.append(Finding("value-not-integer", f, f"“{row_def['label']}”以{row_def['unit']}计，应为整数",
                               line=r["_line"], field="value", expected="整数", found=fmt(value)))
        src = (r["source_value"] or "").strip()
        if state == "printed" and value is not None:
            if not re.fullmatch(r"\d+(\.\d+)?", src) or Decimal(src) != value:
                out.append(Finding("printed-value-mismatch", f,
                                   "状态为 printed 的数值必须与原文数值完全一致；若原文有误识，请改为 corrected 并写勘误记录",
                                   line=r["_line"], field="value", expected=src or "（原文为空）", found=fmt(value)))
        if src and r["source_line"]:
            window = "\n".join(lines[r["source_line"] - 1:r["source_line"] + 5])
            missing_tokens = [tok for tok in src.split() if tok not in window]
            if missing_tokens:
                out.append(Finding("source-line-mismatch", f,
                                   f"原文第 {r['source_line']} 行起找不到“{' '.join(missing_tokens)}”",
                                   line=r["_line"], field="source_value", expected=f"原文第 {r['source_line']} 行附近的字符",
                                   found=src))
        entries = ledger.pop(cell_ref(cell), [])
        needs = state in ("corrected", "derived") or (state == "missing" and src)
        if needs and not entries:
            why = {"corrected": "校正值", "derived": "推算值", "missing": "原文有字符但发布为缺失"}[state]
            out.append(Finding("ledger-missing", f,
                               f"{why}必须在 corrections.csv 中有一条勘误记录（target = {cell_ref(cell)}），写明理由与依据",
                               line=r["_line"], field="value", expected="一条勘误记录", found="没有"))
        for e in entries:
            if not needs:
                out.append(Finding("ledger-orphan", led_f, f"{cell_ref(cell)} 的值与原文一致，不需要勘误记录",
                                   line=e["_line"], field="target", found=e["target"]))
            elif (e["published_text"] or "") != fmt(value) or (e["source_text"] or "") != src:
                out.append(Finding("ledger-mismatch", led_f, f"勘误记录与 statistics.csv 中 {cell_ref(cell)} 的原文或发布值不一致",
                                   line=e["_line"], field="published_text",
                                   expected=f"{src or '（空）'} → {fmt(value) or '（缺失）'}",
                                   found=f"{e['source_text'] or '（空）'} → {e['published_text'] or '（缺失）'}"))
    for target, entries in ledger.items():
        for e in entries:
            if e["kind"] == "label-wrap":
                out += _check_label_entry(e, template, lines, led_f)
                continue
            out.append(Finding("ledger-orphan", led_f, f"勘误记录指向的单元格 {target} 不在 statistics.csv 中",
                               line=e["_line"], field="target", found=target))
    for cell in cells:
        if cell not in seen:
            row_def = template.row(cell[0], cell[1])
            out.append(Finding("template-row-missing", f,
                               f"模板行“{row_def['label']}”（{cell_ref(cell)}）不在表中；读不出的值也要保留这一行，状态写 missing",
                               field="row", expected=cell_ref(cell), found="没有这一行"))
    return out


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def _check_label_entry(e: dict, template: model.Template, lines: list[str], led_f: str) -> list[Finding]:
    """A label printed over several lines: published as the template's label, found in order in the source."""
    table, _, key = e["target"].partition("/")
    item = template.column(table, key[1:]) if key.startswith("@") else template.row(table, key)
    if item is None:
        return [Finding("ledger-orphan", led_f, f"{e['target']} 不是模板 {template.id} 的行或列（列写作 表/@列）",
                        line=e["_line"], field="target", found=e["target"])]
    if (e["published_text"] or "") != item["label"]:
        return [Finding("ledger-mismatch", led_f, "换行标签的发布文本必须与模板中的标签一致", line=e["_line"],
                        field="published_text", expected=item["label"], found=e["published_text"])]
    start = (e["source_line"] or 1) - 1
    window = "".join(lines[start:start + 40])
    printed = "".join((e["source_text"] or "").split())
    if not printed or not _subsequence(printed, window):
        return [Finding("ledger-orphan", led_f, f"原文第 {e['source_line']} 行起找不到依次出现的“{e['source_text']}”",
                        line=e["_line"], field="source_text", found=e["source_text"])]
    if label_norm(printed) != item["label_norm"]:
        return [Finding("ledger-mismatch", led_f, "原文标签去掉换行后应与模板标签的规范化形式一致", line=e["_line"],
                        field="source_text", expected=item["label_norm"], found=label_norm(printed))]
    return []


def _check_rules(rep: model.Report, template: model.Template) -> list[Finding]:
    out = []
    f = _stat_file(rep)
    stats = rep.values()
    values = {c: r["value"] for c, r in stats.items()}
    for res in evaluate(template, values):
        if res.status != BROKEN:
            continue
        involved = [stats[c] for c in res.cells() if c in stats]
        ours = [r for r in involved if r["state"] in ("corrected", "derived")]
        rule = res.rule
        where = f"（表 {rule['table']}" + (f"，{'行' if rule.get('for_each') == 'row' else '列'} {res.scope}" if res.scope else "") + "）"
        msg = f"规则 {res.id}{where}：{rule['label']}。按表中数值：{res.explain(values)}"
        expected = {"equal": "两边相等", "at_most": "左边 ≤ 右边", "at_least": "左边 ≥ 右边"}[rule["kind"]]
        found = f"{fmt(res.left)} 对 {fmt(res.right)}"
        if ours and rule["severity"] == "strict":
            target = ours[0]
            out.append(Finding("rule-violation", f, msg + f"；其中 {target['table']}/{target['row']}/{target['column']} 是校正或推算的值，请复核",
                               line=target["_line"], field="value", expected=expected, found=found,
                               extra={"rule": rule["id"], "scope": res.scope,
                                      "cell": f"{target['table']}/{target['row']}/{target['column']}"}))
        else:
            target = stats.get(res.total[0]) or (involved[0] if involved else None)
            cell = f"{target['table']}/{target['row']}/{target['column']}" if target else ""
            out.append(Finding("source-rule-violation", f, msg + f"（总数单元格 {cell}）"
                               + ("（此规则为“通常成立”）" if rule["severity"] == "soft" else ""),
                               line=target["_line"] if target else None, field="value", expected=expected, found=found,
                               extra={"rule": rule["id"], "scope": res.scope, "cell": cell}))
    return out


def _check_prose(rep: model.Report) -> list[Finding]:
    out = []
    pf = paths.rel(rep.resource_path("prose"))
    lf = paths.rel(rep.resource_path("corrections"))
    lines = rep.source_lines()
    paragraphs = {p["id"]: p for p in rep.prose}
    ranges = {pid: parse_range(p["source_lines"]) for pid, p in paragraphs.items()}
    edits: dict[str, list[tuple[dict, LocalEdit]]] = {}
    globals_ = {}
    for e in rep.corrections:
        if e["resource"] != "prose":
            continue
        if e["target"] == "*" and e["source_line"] is None:
            globals_[(e["source_text"] or "", e["published_text"] or "")] = e
            continue
        if e["source_line"] is None:
            out.append(Finding("ledger-orphan", lf, "局部勘误记录必须写明原文行号", line=e["_line"], field="source_line"))
            continue
        if e["target"] == "*":
            line_text = lines[e["source_line"] - 1] if 0 < e["source_line"] <= len(lines) else ""
            inside = [pid for pid, (a, b) in ranges.items() if a <= e["source_line"] <= b]
            if (e["source_text"] or "") not in line_text or not e["source_text"]:
                out.append(Finding("ledger-orphan", lf, f"原文第 {e['source_line']} 行没有“{e['source_text']}”",
                                   line=e["_line"], field="source_text", expected=line_text, found=e["source_text"]))
            elif inside:
                out.append(Finding("ledger-orphan", lf, f"原文第 {e['source_line']} 行属于段落 {inside[0]}，target 应写 {inside[0]}",
                                   line=e["_line"], field="target", expected=inside[0], found="*"))
            continue
        if e["target"] not in paragraphs:
            out.append(Finding("ledger-orphan", lf, f"段落 {e['target']} 不在 prose.csv 中", line=e["_line"], field="target",
                               found=e["target"]))
            continue
        a, b = ranges[e["target"]]
        if not a <= e["source_line"] <= b:
            out.append(Finding("ledger-orphan", lf, f"原文第 {e['source_line']} 行不在段落 {e['target']}（第 {a}–{b} 行）中",
                               line=e["_line"], field="source_line"))
            continue
        edits.setdefault(e["target"], []).append(
            (e, LocalEdit(e["id"], e["source_line"], e["source_text"] or "", e["published_text"] or "")))
    totals: dict[str, int] = {}
    for pid, p in paragraphs.items():
        a, b = ranges[pid]
        pe = edits.get(pid, [])
        try:
            rebuilt, counts = rebuild(lines, a, b, [le for _, le in pe])
        except EditError as exc:
            entry = next(e for e, le in pe if le is exc.edit)
            out.append(Finding("ledger-orphan", lf, f"原文第 {exc.edit.line} 行没有“{exc.edit.source_text}”",
                               line=entry["_line"], field="source_text", expected=exc.line_text, found=exc.edit.source_text))
            continue
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
        if rebuilt != p["text"]:
            i = next((i for i, (x, y) in enumerate(zip(rebuilt, p["text"])) if x != y), min(len(rebuilt), len(p["text"])))
            out.append(Finding("prose-mismatch", pf,
                               f"段落 {pid} 与原文第 {a}–{b} 行加勘误记录的结果不同，第 {i + 1} 个字起：每处改动都要写进 corrections.csv",
                               line=p["_line"], field="text", expected=rebuilt[max(0, i - 8):i + 12],
                               found=p["text"][max(0, i - 8):i + 12]))
        for kind, _off, snippet in find_residue(p["text"]):
            out.append(Finding("ocr-residue", pf, f"段落 {pid} 残留 OCR 错误（{kind}）：“{snippet}”", line=p["_line"],
                               field="text", expected="干净的中文", found=snippet))
    for rule_id, (src, pub) in LAYOUT_SIGNATURES.items():
        n = totals.get(rule_id, 0)
        e = globals_.pop((src, pub), None)
        if n and e is None:
            out.append(Finding("ledger-missing", lf,
                               f"排版规则 {rule_id} 在正文中用了 {n} 次，需要一条全局勘误记录（target = *，原文“{src}”，发布“{pub}”）",
                               field="target", expected=f"一条次数为 {n} 的记录", found="没有"))
        elif e is not None and e["count"] != n:
            out.append(Finding("ledger-count", lf, f"排版规则 {rule_id} 实际用了 {n} 次", line=e["_line"], field="count",
                               expected=str(n), found=str(e["count"])))
    for e in globals_.values():
        out.append(Finding("ledger-orphan", lf, "全局勘误记录对不上任何排版规则", line=e["_line"], field="source_text",
                           found=e["source_text"]))
    return out


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


def _check_figures(rep: model.Report) -> list[Finding]:
    out = []
    ff = paths.rel(rep.resource_path("figures"))
    paragraphs = {p["id"]: p for p in rep.prose}
    stats = rep.values()
    for fig in rep.figures:
        p = paragraphs.get(fig["paragraph"])
        if p is None:
            out.append(Finding("figure-not-in-text", ff, f"段落 {fig['paragraph']} 不存在", line=fig["_line"], field="paragraph"))
            continue
        if fig["sentence"] not in p["text"]:
            out.append(Finding("figure-not-in-text", ff, f"句子不在段落 {fig['paragraph']} 中", line=fig["_line"],
                               field="sentence", found=fig["sentence"]))
        elif fig["quote"] not in fig["sentence"]:
            out.append(Finding("figure-not-in-text", ff, "引文不在所记句子中", line=fig["_line"], field="quote",
                               found=fig["quote"]))
        if figure_quote(fig) != fig["quote"]:
            out.append(Finding("figure-not-in-text", ff, "数值、数量级、限定词和单位合起来应等于引文", line=fig["_line"],
                               field="value", expected=fig["quote"], found=figure_quote(fig)))
        refs = (fig["cells"] or "").split()
        rows = []
        for ref in refs:
            row = stats.get(parse_cell_ref(ref))
            if row is None:
                out.append(Finding("unknown-cell", ff, f"单元格 {ref} 不在 statistics.csv 中", line=fig["_line"], field="cells",
                                   found=ref))
            rows.append(row)
        if not refs or None in rows:
            continue
        if fig["relation"] == "sum":
            groups = [(" + ".join(refs), rows)]
        else:
            groups = [(ref, [row]) for ref, row in zip(refs, rows)]
        for label, group in groups:
            if any(r["value"] is None for r in group):
                continue  # a missing value cannot be checked
            value = sum((r["value"] for r in group), Decimal(0))
            if figure_agrees(fig, value):
                continue
            ours = any(r["state"] in ("corrected", "derived") for r in group)
            out.append(Finding("figure-mismatch" if ours else "source-figure-mismatch", ff,
                               f"正文“{fig['quote']}”与统计表 {label} 的 {fmt(value)} 不一致",
                               line=fig["_line"], field="value", expected=fmt(value), found=fig["quote"]))
    return out


# --- driver -------------------------------------------------------------------------

def package_kind(descriptor: dict) -> str:
    names = {r.get("name") for r in descriptor.get("resources", []) if isinstance(r, dict)}
    return "template" if "rows" in names else "crosswalk" if "concepts" in names else "report"


def check_crosswalk(folder: Path) -> list[Finding]:
    cw = model.load_crosswalk(folder)
    res = model.resources_by_name(model.load_descriptor(paths.find_descriptor(folder)))
    f = paths.rel(folder / res["cells"]["path"])
    concepts = {c["concept"] for c in cw.concepts}
    out = []
    for row in cw.cells:
        if row["concept"] not in concepts:
            out.append(Finding("unknown-cell", f, f"指标 {row['concept']} 不在 concepts.csv 中", line=row["_line"], field="concept"))
        template = model.template_by_id(row["template"], str(folder.parent / "templates"))
        if template is None:
            out.append(Finding("unknown-template", f, f"模板 {row['template']} 不存在", line=row["_line"], field="template",
                               found=row["template"]))
            continue
        known = set(template.cells())
        for ref in row["cells"].split():
            if parse_cell_ref(ref) not in known:
                out.append(Finding("unknown-cell", f, f"{ref} 不是模板 {row['template']} 的数值单元格", line=row["_line"],
                                   field="cells", found=ref))
    return out


def validate_package(folder: str | Path) -> list[Finding]:
    folder = Path(folder).resolve()
    descriptor, findings = check_structure(folder)
    if descriptor is None or any(f.severity == ERROR for f in findings):
        return findings
    kind = package_kind(descriptor)
    required = {"template": ("tables", "sections", "columns", "rows", "rules"), "crosswalk": ("concepts", "cells"),
                "report": ("report", "statistics", "prose", "figures", "corrections", "source")}[kind]
    names = {r["name"] for r in descriptor["resources"]}
    desc_f = paths.rel(paths.find_descriptor(folder))
    missing = [n for n in required if n not in names]
    if missing:
        return findings + [Finding("descriptor-error", desc_f, f"缺少资源 {', '.join(missing)}", field="resources",
                                   expected=", ".join(required))]
    try:
        check = {"template": check_template, "crosswalk": check_crosswalk, "report": check_report}[kind]
        findings += check(folder)
    except (KeyError, ValueError, IndexError, TypeError) as exc:  # defensive: never a traceback
        findings.append(Finding("table-error", desc_f, f"数据无法解读：{type(exc).__name__}: {exc}"))
    return findings


def discover(targets: list[str]) -> list[Path]:
    """Package folders named by the targets (a package, its descriptor, or a folder of packages)."""
    if not targets:
        extra = [paths.CROSSWALK] if paths.find_descriptor(paths.CROSSWALK) else []
        return model.template_folders() + extra + model.report_folders()
    found = []
    for t in targets:
        p = Path(t)
        if not p.is_absolute():
            p = Path.cwd() / p
        if p.is_file():
            p = p.parent
        if paths.find_descriptor(p):
            found.append(p)
        elif p.is_dir():
            subs = [q for q in sorted(p.rglob("*")) if q.is_dir() and paths.find_descriptor(q)]
            found += subs
        else:
            found.append(p)  # reported as missing below
    return found


def validate(targets: list[str], jobs: int | None = None) -> tuple[list[Finding], list[str]]:
    folders = discover(targets)
    findings: list[Finding] = []
    todo = []
    for folder in folders:
        if not folder.exists():
            findings.append(Finding("file-missing", paths.rel(folder), "路径不存在"))
        else:
            todo.append(folder)
    jobs = jobs or min(len(todo), os.cpu_count() or 1)
    if jobs > 1 and len(todo) > 2:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for result in pool.map(validate_package, todo, chunksize=max(1, len(todo) // (jobs * 4))):
                findings += result
    else:
        for folder in todo:
            findings += validate_package(folder)
    return sort_findings(findings), [paths.rel(f) for f in todo]
