"""Typed findings with stable codes, and their three renderings.

A finding is one problem at one place: file, CSV line, field. Each code has a
fixed severity and a Chinese title. Two severities exist:

* ``error``: our data is wrong (bad file, broken schema, a curated value that
  breaks a rule). Any error fails the run.
* ``source``: the original report contradicts itself. Recorded and published,
  never blocking.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field

ERROR = "error"
SOURCE = "source"

# code -> (severity, Chinese title, English title). Codes are stable: tests,
# CI annotations and the site refer to them. Add, never rename.
CODES: dict[str, tuple[str, str, str]] = {
    # files and descriptors
    "descriptor-error": (ERROR, "描述文件有误", "Descriptor is invalid"),
    "file-missing": (ERROR, "文件不存在", "File does not exist"),
    "encoding-error": (ERROR, "文件不是 UTF-8 编码", "File is not UTF-8"),
    "bom": (ERROR, "文件以 BOM（字节顺序标记）开头", "File starts with a byte-order mark"),
    "hash-missing": (ERROR, "原始文件没有记录 sha256", "Source file has no recorded sha256"),
    "hash-mismatch": (ERROR, "原始文件与记录的 sha256 不符", "Source file does not match its recorded sha256"),
    # frictionless table errors (same codes as frictionless-py)
    "type-error": (ERROR, "值的类型不对", "Value has the wrong type"),
    "constraint-error": (ERROR, "值不满足约束", "Value breaks a constraint"),
    "primary-key": (ERROR, "主键重复", "Duplicate primary key"),
    "unique-error": (ERROR, "值重复", "Duplicate value"),
    "extra-cell": (ERROR, "这一行多了单元格", "Row has an extra cell"),
    "missing-cell": (ERROR, "这一行少了单元格", "Row is missing a cell"),
    "missing-label": (ERROR, "缺少列", "Column is missing"),
    "extra-label": (ERROR, "多出一列", "Extra column"),
    "incorrect-label": (ERROR, "列名不对", "Column name is wrong"),
    "duplicate-label": (ERROR, "列名重复", "Duplicate column name"),
    "blank-label": (ERROR, "列名为空", "Blank column name"),
    "blank-row": (ERROR, "空行", "Blank row"),
    "table-error": (ERROR, "表格无法读取", "Table cannot be read"),
    # template
    "unknown-parent": (ERROR, "上级行不存在", "Parent row does not exist"),
    "label-norm-mismatch": (ERROR, "规范化标签与标签不一致", "Normalised label does not match the label"),
    "unknown-template": (ERROR, "模板不存在", "Unknown template"),
    # report contents
    "report-metadata": (ERROR, "报告元数据有误", "Report metadata is wrong"),
    "incomplete": (ERROR, "数据包还没有填写完", "The package is not filled in yet"),
    "unknown-cell": (ERROR, "模板中没有这一行或列", "Row or column not in the template"),
    "template-row-missing": (ERROR, "缺少模板中的行", "A template row is missing"),
    "state-mismatch": (ERROR, "状态与取值不符", "State does not fit the value"),
    "value-not-integer": (ERROR, "此行应为整数", "This row takes whole numbers"),
    "printed-value-mismatch": (ERROR, "“原文”状态的值与原文不符", "A printed value differs from the source"),
    "source-line-mismatch": (ERROR, "原文行号处找不到所记的原文", "Source text not found at the given line"),
    "rule-violation": (ERROR, "校正或推算的值违反表内算术规则", "A corrected or derived value breaks a rule"),
    "source-rule-violation": (SOURCE, "原报告自相矛盾：表内算术规则不成立", "The source breaks a table rule"),
    "ledger-missing": (ERROR, "与原文不同的值没有勘误记录", "A change from the source has no ledger entry"),
    "ledger-mismatch": (ERROR, "勘误记录与数据不一致", "A ledger entry disagrees with the data"),
    "ledger-orphan": (ERROR, "勘误记录对不上任何数据", "A ledger entry matches nothing"),
    "ledger-count": (ERROR, "全局勘误规则的次数不符", "A global ledger rule's count is wrong"),
    "prose-mismatch": (ERROR, "正文与“原文 + 勘误记录”不一致", "Prose differs from source plus ledger"),
    "ocr-residue": (ERROR, "正文中残留 OCR 错误", "OCR residue left in the prose"),
    "figure-not-in-text": (ERROR, "数字引文在正文中找不到", "Quoted figure not found in the prose"),
    "figure-mismatch": (ERROR, "正文数字与统计表不一致（我方数据）", "Prose figure disagrees with a curated value"),
    "source-figure-mismatch": (SOURCE, "原报告自相矛盾：正文数字与统计表不一致", "The source's prose disagrees with its table"),
}


@dataclass
class Finding:
    code: str
    file: str
    message: str
    line: int | None = None
    field: str | None = None
    expected: str | None = None
    found: str | None = None
    extra: dict = dc_field(default_factory=dict)

    @property
    def severity(self) -> str:
        return CODES.get(self.code, (ERROR, "", ""))[0]

    @property
    def title(self) -> str:
        return CODES.get(self.code, (ERROR, self.code, self.code))[1]

    def key(self) -> tuple:
        return (self.code, self.file, self.line, self.field)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity
        data["title"] = self.title
        if not data["extra"]:
            del data["extra"]
        return data

    def where(self) -> str:
        parts = [self.file]
        if self.line:
            parts.append(f"第 {self.line} 行")
        if self.field:
            parts.append(f"字段 {self.field}")
        return "，".join(parts)

    def text(self) -> str:
        label = "错误" if self.severity == ERROR else "原文问题"
        out = f"[{label}] {self.code}  {self.where()}\n    {self.title}：{self.message}"
        if self.expected is not None or self.found is not None:
            out += f"\n    期望：{self.expected if self.expected is not None else '—'}"
            out += f"；实际：{self.found if self.found is not None else '—'}"
        return out


def sort_findings(findings: list[Finding]) -> list[Finding]:
    seen, unique = set(), []
    for f in findings:
        k = (f.code, f.file, f.line, f.field, f.message)
        if k not in seen:
            seen.add(k)
            unique.append(f)
    return sorted(unique, key=lambda f: (f.file, f.line or 0, f.code, f.field or ""))


def render_text(findings: list[Finding], checked: list[str]) -> str:
    errors = [f for f in findings if f.severity == ERROR]
    sources = [f for f in findings if f.severity == SOURCE]
    lines = [f"检查了 {len(checked)} 个数据包。"]
    if errors:
        lines.append(f"\n错误（{len(errors)}）——必须修正：")
        lines += [f.text() for f in errors]
    if sources:
        lines.append(f"\n原文问题（{len(sources)}）——原报告自相矛盾，已记录、不阻断：")
        lines += [f.text() for f in sources]
    if not errors:
        lines.append("\n没有错误。" + ("" if sources else "也没有原文问题。"))
    lines.append(f"\n{len(errors)} errors, {len(sources)} source findings")
    return "\n".join(lines) + "\n"


def render_json(findings: list[Finding], checked: list[str]) -> str:
    errors = sum(1 for f in findings if f.severity == ERROR)
    doc = {
        "valid": errors == 0,
        "packages": checked,
        "errors": errors,
        "source_findings": sum(1 for f in findings if f.severity == SOURCE),
        "findings": [f.to_dict() for f in findings],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: list[Finding], checked: list[str]) -> str:
    """GitHub workflow commands: one ::error or ::warning per finding."""
    out = []
    for f in findings:
        level = "error" if f.severity == ERROR else "warning"
        props = [f"file={_escape_prop(f.file)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_escape_prop(f'{f.code}: {f.title}')}")
        body = f.message
        if f.field:
            body = f"字段 {f.field}：{body}"
        if f.expected is not None or f.found is not None:
            body += f"（期望 {f.expected if f.expected is not None else '—'}，实际 {f.found if f.found is not None else '—'}）"
        out.append(f"::{level} {','.join(props)}::{_escape_data(body)}")
    errors = sum(1 for f in findings if f.severity == ERROR)
    out.append(f"{errors} errors, {len(findings) - errors} source findings")
    return "\n".join(out) + "\n"


def _md_cell(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(findings: list[Finding], checked: list[str]) -> str:
    """For a GitHub job summary: every finding, since annotations are capped per step."""
    errors = [f for f in findings if f.severity == ERROR]
    sources = [f for f in findings if f.severity == SOURCE]
    out = ["## 数据校验结果", ""]
    out.append(f"检查了 {len(checked)} 个数据包：**{len(errors)} 个错误**，{len(sources)} 个原文问题。")
    out.append("")
    if not errors:
        out += ["✅ 没有错误。", ""]
    for title, group in (("错误：必须修正", errors), ("原文问题：原报告自相矛盾，已记录，不阻断", sources)):
        if not group:
            continue
        out += [f"### {title}", "", "| 代码 | 文件 | 行 | 字段 | 问题 | 期望 | 实际 |", "|---|---|---:|---|---|---|---|"]
        for f in group:
            out.append("| " + " | ".join(_md_cell(x) for x in (
                f"`{f.code}`", f"`{f.file}`", f.line or "", f.field or "", f"{f.title}：{f.message}",
                f.expected, f.found)) + " |")
        out.append("")
    out.append("错误代码的含义见 CONTRIBUTING.md「读懂 CI 的检查结果」。")
    return "\n".join(out) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "github": render_github, "markdown": render_markdown}
