"""Stage 1: the descriptor, its profile, and every file it lists, byte by byte and cell by cell."""

from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
from pathlib import Path

import yaml

from .. import model, paths, profiles
from ..findings import Finding
from . import Context, check

# Characters no text of ours may hold: C0/C1 controls (except newline and tab),
# DEL, line/paragraph separators, bidirectional overrides and a stray BOM.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
NUMBER_RE = {
    "integer": re.compile(r"-?(0|[1-9][0-9]{0,14})"),
    "number": re.compile(r"-?(0|[1-9][0-9]{0,14})(\.[0-9]{0,5}[1-9])?"),
}
NUMBER_ZH = {"integer": "整数", "number": "数字"}
TYPE_ZH = {"integer": "整数", "number": "数字", "date": "日期（YYYY-MM-DD）", "boolean": "true 或 false",
           "string": "文本", "year": "年份"}
IGNORED_FILES = {"review.md"}  # a draft's review list, written beside it by `xxgk import`


@lru_cache(maxsize=8)
def _composed(desc_path: Path, stamp: tuple):
    try:
        return yaml.compose(desc_path.read_text(encoding="utf-8"), Loader=model.YAML_LOADER)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return None


def _yaml_node_line(desc_path: Path, where: list) -> int | None:
    """Line of the YAML node at a JSON path (list of keys and indexes). Aliases were refused already."""
    if desc_path.suffix == ".json":
        return None
    try:
        st = desc_path.stat()
    except OSError:
        return None
    node = _composed(desc_path, (st.st_size, st.st_mtime_ns, st.st_ino))
    if node is None:
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


def _safe_member(ctx: Context, name: str) -> str | None:
    """Why a file name of the package is unsafe, or None."""
    p = Path(name)
    if p.is_absolute() or ".." in p.parts or len(p.parts) != 1:
        return "路径必须是数据包文件夹里的一个文件名（不能有 /、.. 或绝对路径）"
    target = ctx.folder / name
    if target.is_symlink():
        return "不能是符号链接：发布的文件必须就在数据包里"
    return None


@check("package-missing", "descriptor-error", "yaml-alias", "profile-missing", "profile-unknown", "file-too-large",
       "encoding-error", "resource-missing", "resource-not-allowed", "duplicate-resource", "unsafe-path",
       stage="package", kinds=())
def descriptor(ctx: Context):
    folder = ctx.folder
    if folder.is_symlink():
        yield Finding("unsafe-path", paths.rel(folder), "数据包文件夹不能是符号链接", expected="一个真实的文件夹", found="符号链接")
        return
    ctx.desc_path = paths.find_descriptor(folder)
    if ctx.desc_path is None:
        yield Finding("package-missing", paths.rel(folder), "文件夹里没有 datapackage.yaml：每份报告、模板都是一个带描述文件的数据包",
                      expected="datapackage.yaml", found="没有")
        return
    f = paths.rel(ctx.desc_path)
    if ctx.desc_path.is_symlink():
        yield Finding("unsafe-path", f, "描述文件不能是符号链接", expected="一个真实的文件", found="符号链接")
        return
    try:
        descriptor = model.load_descriptor(ctx.desc_path)
    except model.DescriptorError as exc:
        yield Finding(exc.code, f, str(exc), line=exc.line)
        return
    if not isinstance(descriptor, dict):
        yield Finding("descriptor-error", f, "描述文件必须是一个对象（键: 值）", expected="title、resources 等键", found=type(descriptor).__name__)
        return
    if "$schema" not in descriptor:
        yield Finding("profile-missing", f, "描述文件第一行应写明数据包的类型，例如 "
                      f"$schema: {profiles.by_kind('report').id}", line=1, field="$schema",
                      expected="、".join(sorted(profiles.profiles())), found="（没有）")
        return
    profile = profiles.profile_of(descriptor)
    if profile is None:
        yield Finding("profile-unknown", f, "不认识的数据包类型", line=_yaml_node_line(ctx.desc_path, ["$schema"]),
                      field="$schema", expected="、".join(sorted(profiles.profiles())), found=str(descriptor.get("$schema"))[:200])
        return
    errors = sorted(profiles.validator(profile).iter_errors(descriptor), key=lambda e: [str(x) for x in e.absolute_path])
    for err in errors:
        where = list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
            where += extra[:1]
        yield Finding("descriptor-error", f, f"不符合 {profile.path.name}：{err.message[:300]}",
                      line=_yaml_node_line(ctx.desc_path, where), field=".".join(str(x) for x in where) or None,
                      expected=str(err.schema.get("pattern") or err.schema.get("const") or err.schema.get("enum")
                                   or err.validator)[:200], found=str(err.instance)[:120])
    if errors:
        return
    names = [r["name"] for r in descriptor["resources"]]
    seen = set()
    for i, name in enumerate(names):
        def line(i=i):  # worked out only for a finding: composing the YAML again costs more than the checks
            return _yaml_node_line(ctx.desc_path, ["resources", i])
        if name in seen:
            yield Finding("duplicate-resource", f, f"资源名称 {name} 出现了不止一次：每个资源只能有一个", line=line(),
                          field=f"resources.{i}.name", expected="不重复的名称", found=name)
        seen.add(name)
        if name not in profile.resources:
            yield Finding("resource-not-allowed", f, f"{profile.kind} 类数据包没有名为 {name} 的资源；只会发布经过校验的文件",
                          line=line(), field=f"resources.{i}.name", expected="、".join(profile.resources), found=name)
        why = _safe_member(ctx, descriptor["resources"][i]["path"])
        if why:
            yield Finding("unsafe-path", f, why, line=_yaml_node_line(ctx.desc_path, ["resources", i, "path"]),
                          field=f"resources.{i}.path", found=descriptor["resources"][i]["path"])
    for name in profile.resources:
        if name not in seen:
            yield Finding("resource-missing", f, f"{profile.kind} 类数据包必须有资源 {name}（{profile.resources[name].get('title', '')}）",
                          line=_yaml_node_line(ctx.desc_path, ["resources"]), field="resources", expected=name, found="没有")
    ctx.descriptor, ctx.profile = descriptor, profile


@check("unsafe-path", "undeclared-file", stage="package", kinds=())
def folder_contents(ctx: Context):
    """Only declared files are published; a stray file is said, a symlink refused."""
    if ctx.descriptor is None:
        return
    declared = {r["path"] for r in ctx.descriptor["resources"]} | {ctx.desc_path.name} | IGNORED_FILES
    for p in sorted(ctx.folder.iterdir()):
        if p.is_symlink():
            yield Finding("unsafe-path", paths.rel(p), "数据包里不能有符号链接", expected="普通文件", found="符号链接")
        elif p.name not in declared and not p.name.startswith("."):
            yield Finding("undeclared-file", paths.rel(p), "描述文件没有列出这个文件：它不会被校验，也不会发布",
                          expected="在 datapackage.yaml 的 resources 中列出，或删除", found=p.name)


@check("file-missing", "file-too-large", "bom", "encoding-error", "control-character", "cell-too-long",
       "non-canonical-number", "type-error", "constraint-error", "primary-key", "extra-cell",
       "missing-cell", "missing-label", "extra-label", "incorrect-label", "duplicate-label", "blank-label",
       "blank-row", "table-error", stage="package", kinds=())
def resource_files(ctx: Context):
    if ctx.descriptor is None:
        return
    for i, res in enumerate(ctx.descriptor["resources"]):
        if res["name"] not in ctx.profile.resources or _safe_member(ctx, res["path"]):
            continue
        path = ctx.folder / res["path"]
        if not path.is_file():
            yield Finding("file-missing", paths.rel(ctx.desc_path), f"资源 {res['name']} 指向的文件 {res['path']} 不存在",
                          line=_yaml_node_line(ctx.desc_path, ["resources", i, "path"]), field=f"resources.{i}.path",
                          expected="已存在的文件", found=res["path"])
            continue
        schema = model.load_schema(str(ctx.profile.table_schema(res["name"])))
        found = list(_check_bytes(path, schema))
        yield from found
        if not found:
            yield from _frictionless(ctx, res, schema, skip=set())
        elif all(f.code in ("non-canonical-number", "control-character") for f in found):
            yield from _frictionless(ctx, res, schema, skip={(f.line, f.field) for f in found})


def _check_bytes(path: Path, schema: dict):
    f = paths.rel(path)
    size = path.stat().st_size
    if size > model.CSV_BYTES:
        yield Finding("file-too-large", f, f"文件有 {size} 个字节，超过上限 {model.CSV_BYTES}",
                      expected=f"不超过 {model.CSV_BYTES} 字节", found=str(size))
        return
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        yield Finding("bom", f, "文件开头有 UTF-8 BOM。请另存为“UTF-8（无 BOM）”；给 Excel 用的带 BOM 副本在网站下载页。",
                      line=1, expected="UTF-8，无 BOM", found="UTF-8 带 BOM")
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        guess = "GBK/GB18030" if _decodes(data, "gb18030") else "未知编码"
        yield Finding("encoding-error", f, f"第 {exc.start} 个字节不是合法的 UTF-8（看起来是 {guess}）。请用 UTF-8 另存。",
                      line=data.count(b"\n", 0, exc.start) + 1, expected="UTF-8", found=guess)
        return
    if not text.strip():
        yield Finding("table-error", f, "文件是空的：第一行应是列名", line=1, expected="、".join(
            fd["name"] for fd in schema.get("fields", [])), found="（空文件）")
        return
    if b"\x00" in data:
        at = data.index(b"\x00")
        yield Finding("control-character", f, "文件里有 NUL 字节（U+0000）：网页上不可见，通常来自损坏的文件或复制粘贴；请删除",
                      line=data.count(b"\n", 0, at) + 1, expected="可见的文字", found="U+0000")
        return
    types = {fd["name"]: fd.get("type", "string") for fd in schema.get("fields", [])}
    missing = set(schema.get("missingValues", [""]))
    csv.field_size_limit(model.CSV_BYTES)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        for row in reader:
            line = reader.line_num
            for name, cell in zip(header, row):
                if len(cell) > model.CELL_CHARS:
                    yield Finding("cell-too-long", f, f"这一格有 {len(cell)} 个字符，超过上限 {model.CELL_CHARS}",
                                  line=line, field=name, expected=f"不超过 {model.CELL_CHARS} 个字符", found=f"{len(cell)} 个字符")
                    continue
                m = CONTROL.search(cell)
                if m:
                    yield Finding("control-character", f, f"第 {m.start() + 1} 个字符是控制字符 U+{ord(m.group()):04X}，"
                                  "网页上不可见，可能来自复制粘贴；请删除", line=line, field=name,
                                  expected="可见的文字", found=f"U+{ord(m.group()):04X}")
                ftype = types.get(name)
                if ftype in NUMBER_RE and cell not in missing and not NUMBER_RE[ftype].fullmatch(cell) or (
                        ftype in NUMBER_RE and cell == "-0"):
                    yield Finding("non-canonical-number", f,
                                  f"“{cell[:40]}”不是规范写法的{NUMBER_ZH[ftype]}：只用半角数字，不要前导零、空格、正号、"
                                  "千位分隔符、指数或多余的小数零，最多 15 位", line=line, field=name,
                                  expected=f"例如 5560 或 24252.3", found=cell[:80])
    except csv.Error as exc:
        yield Finding("table-error", f, f"CSV 无法解析：{exc}", line=reader.line_num)
    finally:
        csv.field_size_limit(model.CELL_CHARS + 1)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


@lru_cache(maxsize=64)
def _schema(schema_json: str):
    """A table schema as Frictionless reads it, once per process: every report shares a few schemas, and
    reading one costs more than checking a table with it."""
    from frictionless import Schema

    return Schema.from_descriptor(json.loads(schema_json))


def _frictionless(ctx: Context, resource: dict, schema: dict, skip: set):
    from frictionless import FrictionlessException, Resource, Schema, system

    path = ctx.folder / resource["path"]
    f = paths.rel(path)
    try:
        with system.use_context(trusted=True):  # the path was checked above: one plain file inside the package
            res = Resource(path=resource["path"], basepath=str(ctx.folder), encoding="utf-8", format="csv",
                           schema=_schema(json.dumps(schema, sort_keys=True)))
            report = res.validate()
    except FrictionlessException as exc:
        yield Finding("table-error", f, f"表格无法读取：{exc.error.message}")
        return
    mapped = [_map_frictionless(err, f) for task in report.tasks for err in task.errors]
    blank = {x.line for x in mapped if x.code == "blank-row"}
    for finding in mapped:
        if (finding.line, finding.field) in skip or (finding.code == "primary-key" and finding.line in blank):
            continue
        yield finding


def _map_frictionless(err, file: str) -> Finding:
    from ..findings import CODES

    code = err.type
    line = getattr(err, "row_number", None)
    field = getattr(err, "field_name", None) or None
    cell = getattr(err, "cell", None)
    note = getattr(err, "note", "") or ""
    if code == "type-error":
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
    if code == "primary-key":
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
    return Finding(code if code in CODES and code != "table-error" else "table-error", file, err.message, line=line, field=field)


@check("hash-mismatch", "source-absent", "source-text-mismatch", stage="package", kinds=("report",))
def source_documents(ctx: Context):
    """The source documents: in the cache and unchanged, or a plain notice that they are not here."""
    if ctx.descriptor is None or ctx.profile is None or ctx.profile.kind != "report":
        return
    from .. import sources

    f = paths.rel(ctx.desc_path)
    for i, entry in enumerate(ctx.descriptor.get("sources", [])):
        line = _yaml_node_line(ctx.desc_path, ["sources", i, "hash"])
        path, problem = sources.locate(entry)
        if problem == "mismatch":
            yield Finding("hash-mismatch", paths.rel(path), f"原始文件缓存里的 {entry['name']} 被改动过：它的 sha256 与描述文件记录的不同。"
                          "原始文件必须保持原样；更正请写进勘误记录", line=None, field="hash",
                          expected=sources.hex_of(entry), found=sources.sha256_of(path))
        elif path is not None and entry.get("bytes") not in (None, path.stat().st_size):
            yield Finding("hash-mismatch", f, "原始文件的字节数与记录不同", line=_yaml_node_line(ctx.desc_path, ["sources", i, "bytes"]),
                          field=f"sources.{i}.bytes", expected=str(entry["bytes"]), found=str(path.stat().st_size))
    if not ctx.descriptor.get("sources"):
        return
    result = ctx.source_text
    entry = model.sources_by_name(ctx.descriptor).get("source_text") or model.sources_by_name(ctx.descriptor).get("source")
    idx = next(i for i, s in enumerate(ctx.descriptor["sources"]) if s is entry)
    if result.problem == "absent":
        cache = paths.source_cache()
        yield Finding("source-absent", f, f"原始文件（{entry.get('title', entry['name'])}）不在原始文件缓存"
                      f"（{cache if cache else '没有缓存：设置 XXGK_SOURCES，或在仓库根目录建 sources/'}）中："
                      "正文复原、原文行号与原文数值的核对都没有做", line=_yaml_node_line(ctx.desc_path, ["sources", idx]),
                      field=f"sources.{idx}", expected=entry.get("hash"), found="不在缓存中")
    elif result.problem == "mismatch":
        yield Finding("source-text-mismatch", f, "从原始文件重新提取的文字与记录的 sha256 不同：提取方法变了，行号可能都已错位",
                      line=_yaml_node_line(ctx.desc_path, ["sources", idx, "hash"]), field=f"sources.{idx}.hash",
                      expected=entry.get("hash"), found=result.detail)
