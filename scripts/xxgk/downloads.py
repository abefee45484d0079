"""Download files: each package's files byte for byte, Excel-friendly copies,
self-contained descriptors, zips, and the long table of every value."""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

from . import model
from .model import Report, Template, fmt

BOM = b"\xef\xbb\xbf"

# Shown on the downloads page and run by the tests, so the example cannot drift from the data.
EXAMPLE_SQL = """SELECT agency, year, value AS requests_received
FROM 'all-statistics.parquet'
WHERE (template = 'national-2014' AND "row" = 'requests_received')
   OR (template = 'national-2021' AND "row" = 'new' AND "column" = 'total')
ORDER BY agency, year"""
ZIP_DATE = (2000, 1, 1, 0, 0, 0)  # fixed, so a zip changes only when its contents do

LONG_FIELDS = [
    ("report_id", "报告编号", "Report id: the folder name under data/reports/"),
    ("agency_id", "机构编号", "Stable agency id"),
    ("agency", "机构名称", "Agency name as printed"),
    ("region_code", "行政区划代码", "GB/T 2260 region code"),
    ("year", "报告年度", "Statistics year"),
    ("template", "模板", "Statistics-table template id"),
    ("table", "表", "Table key in the template"),
    ("row", "行", "Row key in the template"),
    ("column", "列", "Column key in the template"),
    ("row_label", "行标签", "Row label as printed on the form"),
    ("column_label", "列标签", "Column label as printed on the form"),
    ("unit", "单位", "Unit as printed"),
    ("value", "数值", "Value; empty when missing (never zero)"),
    ("state", "状态", "printed, corrected, derived or missing"),
]


def excel_copy(src: Path, dst: Path) -> None:
    """UTF-8 with a byte-order mark and CRLF line ends: Excel on Chinese Windows opens it correctly."""
    text = src.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    dst.write_bytes(BOM + text.encode("utf-8"))


def self_contained_descriptor(folder: Path, descriptor: dict, name: str) -> dict:
    """The package descriptor with its table schemas inlined, so the download stands alone."""
    out = copy.deepcopy(descriptor)
    out = {"name": name, **{k: v for k, v in out.items() if k != "name"}}
    for res in out.get("resources", []):
        if isinstance(res.get("schema"), str):
            res["schema"] = model.resource_schema(folder, {"schema": res["schema"]})
    return out


def package_files(folder: Path, descriptor: dict) -> list[str]:
    return [r["path"] for r in descriptor.get("resources", [])]


def write_package_downloads(folder: Path, descriptor: dict, name: str, out_dir: Path) -> dict[str, str]:
    """Copy a package into out_dir; return {kind: file name} for the page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = package_files(folder, descriptor)
    for f in files:
        shutil.copyfile(folder / f, out_dir / f)
        if f.endswith(".csv"):
            excel_copy(folder / f, out_dir / f.replace(".csv", ".excel.csv"))
    desc = self_contained_descriptor(folder, descriptor, name)
    desc_bytes = (json.dumps(desc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    (out_dir / "datapackage.json").write_bytes(desc_bytes)
    zip_name = f"{name}.zip"
    with zipfile.ZipFile(out_dir / zip_name, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for arc, data in [("datapackage.json", desc_bytes)] + [(f, (folder / f).read_bytes()) for f in files]:
            info = zipfile.ZipInfo(f"{name}/{arc}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return {"zip": zip_name, "descriptor": "datapackage.json"}


def long_rows(report: Report, template: Template) -> list[list[str]]:
    meta = report.meta
    rows = []
    for r in report.statistics:
        row_def = template.row(r["table"], r["row"]) or {}
        col_def = template.column(r["table"], r["column"]) or {}
        rows.append([
            report.id, meta["agency_id"], meta["agency"], meta["region_code"], str(meta["year"]), meta["template"],
            r["table"], r["row"], r["column"], row_def.get("label", ""), col_def.get("label", ""),
            row_def.get("unit", ""), fmt(r["value"]), r["state"],
        ])
    return rows


def write_long_table(rows: list[list[str]], out_dir: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([f for f, _, _ in LONG_FIELDS])
    w.writerows(rows)
    (out_dir / "all-statistics.csv").write_text(buf.getvalue(), encoding="utf-8")
    excel_copy(out_dir / "all-statistics.csv", out_dir / "all-statistics.excel.csv")
    schema = {
        "fields": [{"name": f, "title": t, "description": d, "type": "integer" if f == "year" else
                    "number" if f == "value" else "string"} for f, t, d in LONG_FIELDS],
        "missingValues": [""],
        "primaryKey": ["report_id", "table", "row", "column"],
    }
    desc = {"name": "all-statistics", "title": "全部报告的全部统计数值（长表）",
            "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
            "resources": [{"name": "all-statistics", "path": "all-statistics.csv", "encoding": "utf-8",
                           "format": "csv", "schema": schema}]}
    (out_dir / "all-statistics.datapackage.json").write_text(
        json.dumps(desc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_parquet(out_dir / "all-statistics.csv", out_dir / "all-statistics.parquet")


def write_parquet(csv_path: Path, parquet_path: Path) -> None:
    """The long table as Parquet, typed: year as an integer, value as a decimal (empty stays NULL)."""
    import duckdb

    def cast(f: str) -> str:
        q = f'"{f}"'
        if f == "year":
            return f"CAST({q} AS INTEGER) AS {q}"
        if f == "value":
            return f"CAST(NULLIF({q}, '') AS DECIMAL(20, 4)) AS {q}"
        return f"NULLIF({q}, '') AS {q}" if f in ("row_label", "column_label", "unit") else q

    casts = ", ".join(cast(f) for f, _, _ in LONG_FIELDS)
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT {casts} FROM read_csv(?, header = true, all_varchar = true, "
                    f"quote = '\"', escape = '\"')) TO '{parquet_path.as_posix()}' (FORMAT parquet, COMPRESSION zstd)",
                    [csv_path.as_posix()])
    finally:
        con.close()
