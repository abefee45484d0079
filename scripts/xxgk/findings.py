"""Typed findings with stable codes, and their four renderings.

A finding is one problem at one place: file, CSV line, field. Each code has a
fixed severity and a Chinese title. Three severities exist:

* ``error``: our data is wrong (bad file, broken schema, a curated value that
  breaks a rule). Any error fails the run.
* ``source``: the original report contradicts itself. Recorded and published,
  never blocking.
* ``notice``: something a check could not do, said plainly (a source document
  that is not in the cache, so the prose could not be rebuilt from it). Never
  blocking, never silent.

Each check declares the codes it can emit (``xxgk.checks``); a test makes sure
every declared code has a broken fixture that triggers it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field

ERROR = "error"
SOURCE = "source"
NOTICE = "notice"

# code -> (severity, Chinese title, English title). Codes are stable: tests,
# CI annotations and the site refer to them. Add, never rename.
CODES: dict[str, tuple[str, str, str]] = {
    # packages, descriptors and files
    "package-missing": (ERROR, "文件夹里没有数据包描述文件", "Folder has no package descriptor"),
    "descriptor-error": (ERROR, "描述文件有误", "Descriptor is invalid"),
    "yaml-alias": (ERROR, "描述文件用了 YAML 锚点或别名", "Descriptor uses YAML anchors or aliases"),
    "profile-missing": (ERROR, "描述文件没有声明数据包类型（$schema）", "Descriptor declares no profile ($schema)"),
    "profile-unknown": (ERROR, "描述文件声明了未知的数据包类型", "Descriptor declares an unknown profile"),
    "resource-missing": (ERROR, "缺少这类数据包必需的资源", "A resource the profile requires is missing"),
    "resource-not-allowed": (ERROR, "这类数据包不允许这个资源", "The profile does not allow this resource"),
    "duplicate-resource": (ERROR, "资源名称重复", "Two resources have the same name"),
    "unsafe-path": (ERROR, "路径不安全（符号链接、绝对路径或指向数据包之外）", "Unsafe path (symlink, absolute or outside the package)"),
    "file-missing": (ERROR, "文件不存在", "File does not exist"),
    "file-too-large": (ERROR, "文件过大", "File is too large"),
    "undeclared-file": (NOTICE, "数据包文件夹里有描述文件没有列出的文件（不会发布）", "A file in the package folder is not declared (not published)"),
    "encoding-error": (ERROR, "文件不是 UTF-8 编码", "File is not UTF-8"),
    "bom": (ERROR, "文件以 BOM（字节顺序标记）开头", "File starts with a byte-order mark"),
    "control-character": (ERROR, "文本中有控制字符", "Text contains a control character"),
    "cell-too-long": (ERROR, "单元格过长", "Cell is too long"),
    "non-canonical-number": (ERROR, "数字写法不规范", "Number is not written canonically"),
    # source documents (kept in the source cache, not in git)
    "hash-mismatch": (ERROR, "原始文件与记录的 sha256 不符", "Source file does not match its recorded sha256"),
    "source-absent": (NOTICE, "原始文件不在本机的原始文件缓存中，依赖原文的检查未做", "Source not in the local cache; checks that need it were skipped"),
    "source-text-mismatch": (ERROR, "由原始文件提取的文字与记录的 sha256 不符", "Text extracted from the source does not match its recorded sha256"),
    # frictionless table errors (same codes as frictionless-py)
    "type-error": (ERROR, "值的类型不对", "Value has the wrong type"),
    "constraint-error": (ERROR, "值不满足约束", "Value breaks a constraint"),
    "primary-key": (ERROR, "主键重复", "Duplicate primary key"),
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
    "template-rule-error": (ERROR, "模板的规则写得不对", "A template rule is malformed"),
    # report contents
    "report-metadata": (ERROR, "报告元数据有误", "Report metadata is wrong"),
    "incomplete": (ERROR, "数据包还没有填写完", "The package is not filled in yet"),
    "unknown-cell": (ERROR, "模板中没有这一行或列", "Row or column not in the template"),
    "template-row-missing": (ERROR, "缺少模板中的行", "A template row is missing"),
    "state-mismatch": (ERROR, "状态与取值不符", "State does not fit the value"),
    "absent-not-optional": (ERROR, "模板中这一行不是可选行，不能标为“未列出”", "Only an optional row can be absent"),
    "value-not-integer": (ERROR, "此行应为整数", "This row takes whole numbers"),
    "value-negative": (ERROR, "此列不能为负数", "This column takes no negative values"),
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
    # across reports of one agency
    "series-mismatch": (SOURCE, "前后两年的报告对不上", "Consecutive reports of one agency disagree"),
    "agency-error": (ERROR, "机构名录有误", "The agency register is wrong"),
}


class UndeclaredCode(Exception):
    """A check emitted a code it does not declare: a bug, never bad data."""


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
        return CODES[self.code][0]

    @property
    def title(self) -> str:
        return CODES[self.code][1]

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
        label = {ERROR: "错误", SOURCE: "原文问题", NOTICE: "提示"}[self.severity]
        out = f"[{label}] {self.code}  {self.where()}\n    {self.title}：{self.message}"
        if self.expected is not None or self.found is not None:
            out += f"\n    期望：{_short(self.expected)}；实际：{_short(self.found)}"
        return out


def _short(value, limit: int = 200) -> str:
    if value is None:
        return "—"
    text = str(value)
    return text if len(text) <= limit else text[:limit] + f"…（共 {len(text)} 个字符）"


def sort_findings(findings: list[Finding]) -> list[Finding]:
    seen, unique = set(), []
    for f in findings:
        k = (f.code, f.file, f.line, f.field, f.message)
        if k not in seen:
            seen.add(k)
            unique.append(f)
    return sorted(unique, key=lambda f: (f.file, f.line or 0, f.code, f.field or ""))


# Output is capped: a broken file can produce a million findings, and nobody reads more than the first ones.
SHOW_LIMIT = 500


@dataclass
class Summary:
    shown: list[Finding]
    counts: Counter  # severity -> count, all findings
    omitted: Counter  # code -> findings not shown

    @property
    def errors(self) -> int:
        return self.counts[ERROR]


def summarize(findings: list[Finding], limit: int = SHOW_LIMIT) -> Summary:
    counts = Counter(f.severity for f in findings)
    ranked = sorted(findings, key=lambda f: {ERROR: 0, SOURCE: 1, NOTICE: 2}[f.severity])
    shown = ranked[:limit]
    omitted = Counter(f.code for f in ranked[limit:])
    order = {id(f): i for i, f in enumerate(findings)}
    return Summary(sorted(shown, key=lambda f: order[id(f)]), counts, omitted)


def _omitted_line(s: Summary) -> str:
    if not s.omitted:
        return ""
    by_code = "、".join(f"{code} {n} 个" for code, n in s.omitted.most_common())
    return f"\n另有 {sum(s.omitted.values())} 个问题没有逐条列出（{by_code}）。先修正上面的问题，再运行一次。"


def _tally(s: Summary) -> str:
    return f"{s.counts[ERROR]} errors, {s.counts[SOURCE]} source findings, {s.counts[NOTICE]} notices"


def render_text(findings: list[Finding], checked: list[str]) -> str:
    s = summarize(findings)
    groups = [(ERROR, "错误（{n}）——必须修正："), (SOURCE, "原文问题（{n}）——原报告自相矛盾，已记录、不阻断："),
              (NOTICE, "提示（{n}）——没有做的检查，不阻断：")]
    lines = [f"检查了 {len(checked)} 个数据包。"]
    for severity, head in groups:
        group = [f for f in s.shown if f.severity == severity]
        if s.counts[severity]:
            lines.append("\n" + head.format(n=s.counts[severity]))
            lines += [f.text() for f in group]
    if not s.errors:
        lines.append("\n没有错误。" + ("" if s.counts[SOURCE] else "也没有原文问题。"))
    lines.append(_omitted_line(s).lstrip("\n") if s.omitted else "")
    lines.append(f"\n{_tally(s)}")
    return "\n".join(x for x in lines if x != "") + "\n"


def render_json(findings: list[Finding], checked: list[str]) -> str:
    s = summarize(findings)
    doc = {
        "valid": s.errors == 0,
        "packages": checked,
        "errors": s.counts[ERROR],
        "source_findings": s.counts[SOURCE],
        "notices": s.counts[NOTICE],
        "findings": [f.to_dict() for f in s.shown],
        "omitted": dict(s.omitted),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: list[Finding], checked: list[str]) -> str:
    """GitHub workflow commands: ::error, ::warning (source findings) or ::notice per finding."""
    s = summarize(findings)
    out = []
    for f in s.shown:
        level = {ERROR: "error", SOURCE: "warning", NOTICE: "notice"}[f.severity]
        props = [f"file={_escape_prop(f.file)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_escape_prop(f'{f.code}: {f.title}')}")
        body = f.message
        if f.field:
            body = f"字段 {f.field}：{body}"
        if f.expected is not None or f.found is not None:
            body += f"（期望 {_short(f.expected)}，实际 {_short(f.found)}）"
        out.append(f"::{level} {','.join(props)}::{_escape_data(body)}")
    if s.omitted:
        out.append(_omitted_line(s).strip())
    out.append(_tally(s))
    return "\n".join(out) + "\n"


def _md_cell(value) -> str:
    text = _short(value) if value is not None else ""
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def render_markdown(findings: list[Finding], checked: list[str]) -> str:
    """For a GitHub job summary: the findings as tables (annotations are capped per step)."""
    s = summarize(findings)
    out = ["## 数据校验结果", ""]
    out.append(f"检查了 {len(checked)} 个数据包：**{s.counts[ERROR]} 个错误**，{s.counts[SOURCE]} 个原文问题，"
               f"{s.counts[NOTICE]} 个提示。")
    out.append("")
    if not s.errors:
        out += ["✅ 没有错误。", ""]
    for severity, title in ((ERROR, "错误：必须修正"), (SOURCE, "原文问题：原报告自相矛盾，已记录，不阻断"),
                            (NOTICE, "提示：没有做的检查，不阻断")):
        group = [f for f in s.shown if f.severity == severity]
        if not group:
            continue
        out += [f"### {title}", "", "| 代码 | 文件 | 行 | 字段 | 问题 | 期望 | 实际 |", "|---|---|---:|---|---|---|---|"]
        for f in group:
            out.append("| " + " | ".join(_md_cell(x) for x in (
                f"`{f.code}`", f"`{f.file}`", f.line or "", f.field or "", f"{f.title}：{f.message}",
                f.expected, f.found)) + " |")
        out.append("")
    if s.omitted:
        out += [_omitted_line(s).strip(), ""]
    out.append("错误代码的含义见 CONTRIBUTING.md「读懂 CI 的检查结果」。")
    return "\n".join(out) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "github": render_github, "markdown": render_markdown}
