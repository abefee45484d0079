"""Load templates and reports from their data packages.

Loading assumes the package has passed the structural checks (frictionless
validation); values are typed from the package's own table schemas.
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

from . import paths


def load_descriptor(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.safe_load(text)


@lru_cache(maxsize=None)
def load_schema(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def resource_schema(folder: Path, resource: dict) -> dict:
    schema = resource.get("schema")
    if isinstance(schema, str):
        return load_schema(str((folder / schema).resolve()))
    return schema or {"fields": []}


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


def read_table(folder: Path, resource: dict) -> Table:
    path = folder / resource["path"]
    schema = resource_schema(folder, resource)
    types = {f["name"]: f.get("type", "string") for f in schema.get("fields", [])}
    missing = set(schema.get("missingValues", [""]))
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for raw in reader:
            row = {k: _convert(v, types.get(k, "string"), missing) for k, v in raw.items() if k is not None}
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
    return Template(
        id=folder.name,
        folder=folder,
        descriptor=descriptor,
        tables=read_table(folder, res["tables"]).rows,
        sections=sorted(read_table(folder, res["sections"]).rows, key=lambda x: x["key"]),
        columns=read_table(folder, res["columns"]).rows,
        rows=read_table(folder, res["rows"]).rows,
        rules=read_table(folder, res["rules"]).rows,
    )


@lru_cache(maxsize=None)
def template_by_id(template_id: str, templates_dir: str | None = None) -> Template | None:
    base = Path(templates_dir) if templates_dir else paths.TEMPLATES
    folder = base / template_id
    if not paths.find_descriptor(folder):
        return None
    return load_template(folder)


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
    source_resource: dict
    source_path: Path
    extra: dict = field(default_factory=dict)

    @property
    def meta(self) -> dict:
        return self.meta_rows[0] if self.meta_rows else {}

    @property
    def title(self) -> str:
        return self.meta["title"]

    @property
    def text_path(self) -> Path:
        """The text that line numbers refer to: the extracted text of a PDF, or the source itself."""
        res = resources_by_name(self.descriptor)
        return self.folder / res["source_text"]["path"] if "source_text" in res else self.source_path

    def source_lines(self) -> list[str]:
        return self.text_path.read_text(encoding="utf-8").split("\n")

    def values(self) -> dict[Cell, dict]:
        return {(r["table"], r["row"], r["column"]): r for r in self.statistics}

    def resource_path(self, name: str) -> Path:
        return self.folder / resources_by_name(self.descriptor)[name]["path"]


def load_report(folder: Path) -> Report:
    desc_path = paths.find_descriptor(folder)
    descriptor = load_descriptor(desc_path)
    res = resources_by_name(descriptor)
    return Report(
        id=folder.name,
        folder=folder,
        descriptor=descriptor,
        meta_rows=read_table(folder, res["report"]).rows,
        statistics=read_table(folder, res["statistics"]),
        prose=read_table(folder, res["prose"]),
        figures=read_table(folder, res["figures"]),
        corrections=read_table(folder, res["corrections"]),
        source_resource=res["source"],
        source_path=folder / res["source"]["path"],
    )


def report_folders(reports_dir: Path | None = None) -> list[Path]:
    base = reports_dir or paths.REPORTS
    return sorted(p for p in base.iterdir() if p.is_dir() and paths.find_descriptor(p)) if base.is_dir() else []


def template_folders(templates_dir: Path | None = None) -> list[Path]:
    base = templates_dir or paths.TEMPLATES
    return sorted(p for p in base.iterdir() if p.is_dir() and paths.find_descriptor(p)) if base.is_dir() else []


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
    res = resources_by_name(load_descriptor(desc_path))
    return Crosswalk(read_table(folder, res["concepts"]).rows, read_table(folder, res["cells"]).rows)
