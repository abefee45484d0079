"""Load templates and reports from their data packages.

Loading assumes the package has passed the structural checks (``xxgk.checks``);
values are typed from the table schema the package's profile names. Reading a
descriptor is safe on any input: size-limited, YAML anchors and aliases refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from . import paths, profiles

# Limits: data comes from strangers, and no input may exhaust memory or time.
DESCRIPTOR_BYTES = 1_000_000
CSV_BYTES = 10_000_000
CELL_CHARS = 50_000
csv.field_size_limit(CELL_CHARS + 1)  # every process that reads our CSVs: an oversized cell is an error, not a crash


class DescriptorError(Exception):
    """A descriptor that cannot be read; ``line`` is 1-based when known, ``code`` the finding code."""

    def __init__(self, message: str, line: int | None = None, code: str = "descriptor-error"):
        super().__init__(message)
        self.line = line
        self.code = code


# libyaml's safe loader when PyYAML has it (ten times faster than the pure-Python one; the same YAML).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_descriptor(path: Path) -> dict:
    size = path.stat().st_size
    if size > DESCRIPTOR_BYTES:
        raise DescriptorError(f"描述文件有 {size} 个字节，超过上限 {DESCRIPTOR_BYTES}", code="file-too-large")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DescriptorError(f"描述文件不是 UTF-8（第 {exc.start} 个字节）", code="encoding-error") from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise DescriptorError(f"JSON 无法解析：{exc.msg}", line=exc.lineno) from None
    try:
        for token in yaml.scan(text, Loader=YAML_LOADER):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                raise DescriptorError("描述文件不能使用 YAML 锚点（&）或别名（*）：请把内容直接写出来",
                                      line=token.start_mark.line + 1, code="yaml-alias")
        return yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DescriptorError(f"YAML 无法解析：{getattr(exc, 'problem', None) or exc}",
                              line=mark.line + 1 if mark else None) from None


@lru_cache(maxsize=None)
def load_schema(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def resource_schema(folder: Path, descriptor: dict, resource: dict) -> dict:
    """The table schema of a resource: the one its package's profile names, else the one it gives."""
    profile = profiles.profile_of(descriptor)
    if profile is not None and resource.get("name") in profile.resources:
        return load_schema(str(profile.table_schema(resource["name"])))
    schema = resource.get("schema")
    if isinstance(schema, str) and (folder / schema).resolve().is_relative_to(paths.SCHEMAS):
        return load_schema(str((folder / schema).resolve()))
    return schema if isinstance(schema, dict) else {"fields": []}


def _convert(value: str, ftype: str, missing: set[str]):
    if value in missing:
        return None
    if ftype == "integer":
        return int(value)
    if ftype == "number":
        return Decimal(value)
    if ftype == "boolean":
        return value.strip().lower() in ("true", "1", "yes")
    if ftype == "date":
        return dt.date.fromisoformat(value)
    return value


@dataclass
class Table:
    """Rows of one CSV resource, typed, each with its CSV line number."""

    path: Path
    rows: list[dict]
    fields: list[str]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def read_table(folder: Path, descriptor: dict, resource: dict) -> Table:
    path = folder / resource["path"]
    schema = resource_schema(folder, descriptor, resource)
    types = {f["name"]: f.get("type", "string") for f in schema.get("fields", [])}
    missing = set(schema.get("missingValues", [""]))
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for raw in reader:
            row = {k: _convert(v, types.get(k, "string"), missing) for k, v in raw.items() if k is not None}
            for name in types:  # an optional column left out of an older file reads as empty
                row.setdefault(name, None if types[name] != "boolean" else False)
            row["_line"] = reader.line_num
            rows.append(row)
    return Table(path, rows, list(types))


def csv_text(header: list[str], rows: list[list]) -> str:
    """CSV as the project writes it: UTF-8 text, LF line ends, minimal quoting."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def schema_header(name: str) -> list[str]:
    """Column names of a resource, taken from its table schema in data/schemas/ (written once)."""
    return [f["name"] for f in load_schema(str(paths.SCHEMAS / f"{name}.schema.json"))["fields"]]


class UserError(Exception):
    """Input a command cannot work with; the message says what to do. The CLI prints it and exits 2."""


def resources_by_name(descriptor: dict) -> dict[str, dict]:
    return {r.get("name"): r for r in descriptor.get("resources", []) if isinstance(r, dict)}


def sources_by_name(descriptor: dict) -> dict[str, dict]:
    return {s.get("name"): s for s in descriptor.get("sources", []) or [] if isinstance(s, dict)}


def fmt(value) -> str:
    """A number as published: no exponent, no trailing zeros, no separators."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(value.quantize(Decimal(1)))
        return format(value.normalize(), "f")
    return str(value)


Cell = tuple[str, str, str]  # (table, row, column)


def cell_ref(cell: Cell) -> str:
    return "/".join(cell)


def parse_cell_ref(ref: str) -> Cell:
    table, row, column = ref.split("/")
    return table, row, column


@dataclass
class Template:
    id: str
    folder: Path
    descriptor: dict
    tables: list[dict]
    sections: list[dict]
    columns: list[dict]
    rows: list[dict]
    rules: list[dict]
    labels: list[dict] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.descriptor.get("title", self.id)

    def value_columns(self, table: str) -> list[dict]:
        return sorted((c for c in self.columns if c["table"] == table and not c["group"]), key=lambda c: c["order"])

    def table_rows(self, table: str) -> list[dict]:
        return sorted((r for r in self.rows if r["table"] == table), key=lambda r: r["order"])

    def item_rows(self, table: str) -> list[dict]:
        return [r for r in self.table_rows(table) if r["kind"] == "item"]

    def cells(self) -> list[Cell]:
        """Every value cell of the template, in table, row and column order."""
        out = []
        for t in sorted(self.tables, key=lambda t: t["order"]):
            cols = self.value_columns(t["key"])
            for r in self.item_rows(t["key"]):
                out += [(t["key"], r["key"], c["key"]) for c in cols]
        return out

    def row(self, table: str, key: str) -> dict | None:
        return self._rows_index().get((table, key))

    def column(self, table: str, key: str) -> dict | None:
        return self._cols_index().get((table, key))

    def _rows_index(self):
        if not hasattr(self, "_ri"):
            self._ri = {(r["table"], r["key"]): r for r in self.rows}
        return self._ri

    def _cols_index(self):
        if not hasattr(self, "_ci"):
            self._ci = {(c["table"], c["key"]): c for c in self.columns}
        return self._ci

    def unit(self, table: str, row: str, column: str) -> str:
        """The unit of a cell: its column's when the column has one (a table whose columns count different things)."""
        col = self.column(table, column) or {}
        return col.get("unit") or (self.row(table, row) or {}).get("unit") or ""

    def value_type(self, table: str, row: str, column: str) -> str:
        col = self.column(table, column) or {}
        return col.get("value_type") or (self.row(table, row) or {}).get("value_type") or ""

    def section_tables(self, section: int) -> list[tuple[dict, list[dict]]]:
        """The tables with rows in a section, each with those rows in order."""
        out = []
        for t in sorted(self.tables, key=lambda x: x["order"]):
            rows = [r for r in self.table_rows(t["key"]) if r["section"] == section]
            if rows:
                out.append((t, rows))
        return out


def load_template(folder: Path) -> Template:
    desc_path = paths.find_descriptor(folder)
    descriptor = load_descriptor(desc_path)
    res = resources_by_name(descriptor)

    def table(name):
        return read_table(folder, descriptor, res[name]).rows if name in res else []

    return Template(
        id=folder.name,
        folder=folder,
        descriptor=descriptor,
        tables=table("tables"),
        sections=sorted(table("sections"), key=lambda x: x["key"]),
        columns=table("columns"),
        rows=table("rows"),
        rules=table("rules"),
        labels=table("labels"),
    )


@lru_cache(maxsize=None)
def template_by_id(template_id: str, templates_dir: str | None = None) -> Template | None:
    base = Path(templates_dir) if templates_dir else paths.TEMPLATES
    folder = base / template_id
    if not paths.find_descriptor(folder):
        return None
    return load_template(folder)


def templates_dir_for(package_folder: Path, template_id: str) -> Path:
    """The nearest templates/<id> above a package (a copy of data/ in a test), else data/templates."""
    for parent in package_folder.parents:
        if (parent / "templates" / template_id).is_dir():
            return parent / "templates"
    return paths.TEMPLATES


@dataclass
class Report:
    id: str
    folder: Path
    descriptor: dict
    meta_rows: list[dict]
    statistics: Table
    prose: Table
    figures: Table
    corrections: Table
    extra: dict = field(default_factory=dict)

    @property
    def meta(self) -> dict:
        return self.meta_rows[0] if self.meta_rows else {}

    @property
    def title(self) -> str:
        return self.meta["title"]

    @property
    def sources(self) -> dict[str, dict]:
        return sources_by_name(self.descriptor)

    @property
    def source(self) -> dict:
        return self.sources.get("source", {})

    @property
    def text_source(self) -> dict:
        """The source entry whose text line numbers refer to: source_text, or the source when it is text."""
        return self.sources.get("source_text") or self.source

    def source_lines(self) -> list[str] | None:
        """The source text's lines, from the source cache; None when the cache does not have it."""
        from .sources import text_lines

        return text_lines(self)

    def values(self) -> dict[Cell, dict]:
        return {(r["table"], r["row"], r["column"]): r for r in self.statistics}

    def numbers(self) -> dict:
        """Cell -> value for the rules: a number, None (missing) or rules.ABSENT (not printed in this layout)."""
        from .rules import ABSENT

        return {c: ABSENT if r["state"] == "absent" else r["value"] for c, r in self.values().items()}

    def resource_path(self, name: str) -> Path:
        return self.folder / resources_by_name(self.descriptor)[name]["path"]


def load_report(folder: Path) -> Report:
    descriptor = load_descriptor(paths.find_descriptor(folder))
    res = resources_by_name(descriptor)
    return Report(
        id=folder.name,
        folder=folder,
        descriptor=descriptor,
        meta_rows=read_table(folder, descriptor, res["report"]).rows,
        statistics=read_table(folder, descriptor, res["statistics"]),
        prose=read_table(folder, descriptor, res["prose"]),
        figures=read_table(folder, descriptor, res["figures"]),
        corrections=read_table(folder, descriptor, res["corrections"]),
    )


def _package_folders(base: Path) -> list[Path]:
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.is_symlink() and paths.find_descriptor(p)) \
        if base.is_dir() else []


def report_folders(reports_dir: Path | None = None) -> list[Path]:
    return _package_folders(reports_dir or paths.REPORTS)


def template_folders(templates_dir: Path | None = None) -> list[Path]:
    return _package_folders(templates_dir or paths.TEMPLATES)


@dataclass
class Crosswalk:
    """Figures that mean the same across templates (data/crosswalk/)."""

    concepts: list[dict]
    cells: list[dict]

    def cells_for(self, concept: str, template: str) -> list[Cell]:
        for row in self.cells:
            if row["concept"] == concept and row["template"] == template:
                return [parse_cell_ref(x) for x in row["cells"].split()]
        return []


def load_crosswalk(folder: Path | None = None) -> Crosswalk | None:
    folder = folder or paths.CROSSWALK
    desc_path = paths.find_descriptor(folder)
    if desc_path is None:
        return None
    descriptor = load_descriptor(desc_path)
    res = resources_by_name(descriptor)
    return Crosswalk(read_table(folder, descriptor, res["concepts"]).rows, read_table(folder, descriptor, res["cells"]).rows)


@dataclass
class Agencies:
    """The agency register (data/agencies/): the bodies followed, and what is known of their reports by year."""

    agencies: list[dict]
    publications: list[dict]

    def by_id(self) -> dict[str, dict]:
        return {a["agency_id"]: a for a in self.agencies}


def load_agencies(folder: Path | None = None) -> Agencies | None:
    folder = folder or paths.AGENCIES
    desc_path = paths.find_descriptor(folder)
    if desc_path is None:
        return None
    descriptor = load_descriptor(desc_path)
    res = resources_by_name(descriptor)
    return Agencies(read_table(folder, descriptor, res["agencies"]).rows, read_table(folder, descriptor, res["publications"]).rows)
