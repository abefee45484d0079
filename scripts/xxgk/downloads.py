"""Download files: each package's validated files byte for byte, Excel-friendly copies,
self-contained descriptors, zips, a labelled edition of every report's statistics,
and the long tables of every value and every comparable figure.

Only files that validation checked are published: the resources a package's
profile declares, and a source document only when the cache holds it with the
recorded sha256.
"""

from __future__ import annotations

import copy
import csv
import io
import os
import json
import shutil
import sys
import zipfile
from pathlib import Path

from . import model
from .model import Report, Template, fmt

BOM = b"\xef\xbb\xbf"

def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def example_sql(crosswalk) -> str:
    """The downloads page's DuckDB example: each agency's requests received per year, in every format, the
    cell of each format taken from the crosswalk (so a new format needs no change here). Run by the tests."""
    cells = {}
    for row in crosswalk.cells if crosswalk is not None else []:
        refs = crosswalk.cells_for("requests_received", row["template"]) if row["concept"] == "requests_received" else []
        if len(refs) == 1:
            cells[row["template"]] = refs[0]
    where = "\n   OR ".join(f'(template = {_sql_text(t)} AND "table" = {_sql_text(a)} AND "row" = {_sql_text(b)} '
                            f'AND "column" = {_sql_text(c)})' for t, (a, b, c) in sorted(cells.items())) or "false"
    return f"SELECT agency, year, value AS requests_received\nFROM 'all-statistics.parquet'\nWHERE {where}\nORDER BY agency, year"
ZIP_DATE = (2000, 1, 1, 0, 0, 0)  # fixed, so a zip changes only when its contents do
STATE_ZH = {"printed": "原文", "corrected": "校正", "derived": "推算", "missing": "缺失", "absent": "未列出",
            "not-applicable": "不适用", "value": "有值"}

# The labelled statistics of one report, and (stacked) of every report: name, Chinese title, description, type.
LABELLED_FIELDS = [
    ("report_id", "报告编号", "Report id: the folder name under data/reports/", "string"),
    ("agency_id", "机构编号", "Stable agency id", "string"),
    ("agency", "机构名称", "Agency name as printed", "string"),
    ("region_code", "行政区划代码", "GB/T 2260 region code", "string"),
    ("year", "报告年度", "Statistics year", "integer"),
    ("template", "模板", "Statistics-table template id", "string"),
    ("section", "部分", "Section of the template (一 is 1)", "integer"),
    ("section_label", "部分名称", "Section label as printed", "string"),
    ("table", "表", "Table key in the template", "string"),
    ("table_label", "表名", "Table label as printed", "string"),
    ("row", "行", "Row key in the template", "string"),
    ("parent_label", "上级行标签", "Label of the row this one sits under (tells apart rows printed alike)", "string"),
    ("row_label", "行标签", "Row label as printed on the form", "string"),
    ("column", "列", "Column key in the template", "string"),
    ("column_label", "列标签", "Column label as printed on the form", "string"),
    ("unit", "单位", "Unit as printed", "string"),
    ("value", "数值", "Value; empty when missing or absent (never zero)", "number"),
    ("state", "状态", "printed, corrected, derived, missing (printed, unreadable) or absent (not printed in this layout)", "string"),
    ("state_zh", "状态（中文）", "原文、校正、推算、缺失 or 未列出", "string"),
    ("note", "说明", "How a corrected or derived value was obtained, or why a value is missing", "string"),
    ("source_line", "原文行号", "Line of the source text", "integer"),
    ("locator", "原文位置", "Where in the source the value was read (see statistics.schema.json)", "string"),
]
CONCEPT_FIELDS = [
    ("report_id", "报告编号", "Report id", "string"),
    ("agency_id", "机构编号", "Stable agency id", "string"),
    ("agency", "机构名称", "Agency name as printed", "string"),
    ("year", "报告年度", "Statistics year", "integer"),
    ("template", "模板", "Statistics-table template id", "string"),
    ("concept", "指标键", "Concept key in data/crosswalk/concepts.csv", "string"),
    ("concept_label", "指标", "Concept name", "string"),
    ("comparability", "可比性", "same, similar, different or none (see the caveat in concepts.csv)", "string"),
    ("value", "数值", "Sum of the concept's cells; empty when missing or not applicable", "number"),
    ("state", "状态", "value, missing (a cell is missing) or not-applicable (the format has no such figure)", "string"),
    ("state_zh", "状态（中文）", "有值、缺失 or 不适用", "string"),
]
LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}


def excel_copy(src: Path, dst: Path) -> None:
    """UTF-8 with a byte-order mark and CRLF line ends: Excel on Chinese Windows opens it correctly."""
    text = src.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    dst.write_bytes(BOM + text.encode("utf-8"))


def self_contained_descriptor(folder: Path, descriptor: dict, name: str) -> dict:
    """The package descriptor with its table schemas inlined, so the download stands alone (and still
    validates against its profile)."""
    out = copy.deepcopy(descriptor)
    out = {"$schema": out.pop("$schema"), "name": name, **{k: v for k, v in out.items() if k != "name"}}
    for res in out.get("resources", []):
        res["schema"] = model.resource_schema(folder, descriptor, res)
    return out


def write_package_downloads(folder: Path, descriptor: dict, name: str, out_dir: Path, extra: dict | None = None) -> None:
    """Copy a validated package into out_dir: its declared resources, Excel copies, datapackage.json, a zip.
    extra: {file name: path} of more files to publish and zip (a verified source document, a labelled edition)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [r["path"] for r in descriptor.get("resources", [])]
    for f in files:
        shutil.copyfile(folder / f, out_dir / f)
        excel_copy(folder / f, out_dir / f.replace(".csv", ".excel.csv"))
    extra = extra or {}
    for f, src in extra.items():
        if Path(src) != out_dir / f:
            shutil.copyfile(src, out_dir / f)
    desc = self_contained_descriptor(folder, descriptor, name)
    desc_bytes = (json.dumps(desc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    (out_dir / "datapackage.json").write_bytes(desc_bytes)
    with zipfile.ZipFile(out_dir / f"{name}.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        members = [("datapackage.json", desc_bytes)] + [(f, (folder / f).read_bytes()) for f in files] \
            + [(f, (out_dir / f).read_bytes()) for f in extra]
        for arc, data in members:
            info = zipfile.ZipInfo(f"{name}/{arc}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


def labelled_rows(report: Report, template: Template) -> list[list[str]]:
    meta = report.meta
    sections = {s["key"]: s["label"] for s in template.sections}
    tables = {t["key"]: t["label"] for t in template.tables}
    rows = []
    for r in report.statistics:
        row_def = template.row(r["table"], r["row"]) or {}
        col_def = template.column(r["table"], r["column"]) or {}
        parent = template.row(r["table"], row_def.get("parent") or "") if row_def.get("parent") else None
        rows.append([
            report.id, meta["agency_id"], meta["agency"], meta["region_code"], str(meta["year"]), meta["template"],
            str(row_def.get("section", "")), sections.get(row_def.get("section"), ""), r["table"], tables.get(r["table"], ""),
            r["row"], (parent or {}).get("label", ""), row_def.get("label", ""), r["column"], col_def.get("label", ""),
            template.unit(r["table"], r["row"], r["column"]), fmt(r["value"]), r["state"], STATE_ZH[r["state"]], r["note"] or "",
            str(r["source_line"] or ""), r["locator"] or "",
        ])
    return rows


def write_csv(path: Path, fields: list, rows: list[list[str]]) -> None:
    path.write_text(model.csv_text([f[0] for f in fields], rows), encoding="utf-8")


def table_schema(fields: list, primary_key: list[str] | None = None) -> dict:
    schema = {"fields": [{"name": n, "title": t, "description": d, "type": ty} for n, t, d, ty in fields],
              "missingValues": [""]}
    if primary_key:
        schema["primaryKey"] = primary_key
    return schema


def write_labelled(report: Report, template: Template, out_dir: Path) -> Path:
    path = out_dir / "statistics-labelled.csv"
    write_csv(path, LABELLED_FIELDS, labelled_rows(report, template))
    excel_copy(path, out_dir / "statistics-labelled.excel.csv")
    return path


def stack(paths_: list[Path], out: Path) -> None:
    """Stack CSV files with one header into one file, with csvkit's csvstack (no type inference), written aside
    and renamed into place.

    csvstack runs in its own process: csvkit's utilities set process-wide state when they start (SIGPIPE to
    its default, which kills a long-lived process such as a test run; sys.excepthook), and cannot start
    outside the main thread."""
    import subprocess

    tmp = out.with_name(f".{out.name}.new")
    if not paths_:
        tmp.write_text("", encoding="utf-8")
    else:
        with tmp.open("wb") as fh:
            done = subprocess.run([sys.executable, "-m", "csvkit.utilities.csvstack", *map(str, paths_)],
                                  stdout=fh, stderr=subprocess.PIPE)
        if done.returncode:
            tmp.unlink(missing_ok=True)
            raise RuntimeError(f"csvstack failed: {done.stderr.decode('utf-8', 'replace')[-2000:]}")
        # csvstack writes CRLF line ends (csv.writer's default); the project writes LF everywhere
        tmp.write_bytes(tmp.read_bytes().replace(b"\r\n", b"\n"))
    os.replace(tmp, out)


def concat(paths_: list[Path], out: Path) -> None:
    """Join tables that csvstack has already stacked (one per part of the site), byte for byte: the header once,
    then each file's records. Their headers must be the same: a different one is an error, not a misalignment."""
    header = None
    with out.open("wb") as fh:
        for path in paths_:
            with open(path, "rb") as src:
                first = src.readline()
                if not first:
                    continue  # an empty stack (a part without statistics)
                if header is None:
                    header = first
                    fh.write(first)
                elif first != header:
                    raise RuntimeError(f"{path}: header {first!r} differs from {header!r}")
                body = src.read()
            if body and not body.endswith(b"\n"):
                body += b"\n"
            fh.write(body)


def write_long_tables(stacked: list[Path], concept_rows: list[list[str]], out_dir: Path) -> None:
    """all-statistics (every value, labelled) and all-concepts (every comparable figure), as CSV, Excel CSV,
    Parquet and a data package. stacked: the reports' labelled statistics, stacked by ``stack`` (one file per
    part of the site, or one for all)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    concat(stacked, out_dir / "all-statistics.csv")
    if not (out_dir / "all-statistics.csv").stat().st_size:
        write_csv(out_dir / "all-statistics.csv", LABELLED_FIELDS, [])
    write_csv(out_dir / "all-concepts.csv", CONCEPT_FIELDS, concept_rows)
    resources = []
    for name, fields, pk, title in (
            ("all-statistics", LABELLED_FIELDS, ["report_id", "table", "row", "column"], "全部报告的全部统计数值（长表）"),
            ("all-concepts", CONCEPT_FIELDS, ["report_id", "concept"], "全部报告的可比指标（按对应关系相加）")):
        excel_copy(out_dir / f"{name}.csv", out_dir / f"{name}.excel.csv")
        write_parquet(out_dir / f"{name}.csv", out_dir / f"{name}.parquet", fields)
        resources.append({"name": name, "title": title, "path": f"{name}.csv", "encoding": "utf-8", "format": "csv",
                          "mediatype": "text/csv", "schema": table_schema(fields, pk)})
    desc = {"name": "xxgk-all", "title": "政府信息公开年报开放数据：全部报告的长表", "licenses": [LICENSE], "resources": resources}
    (out_dir / "all.datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_parquet(csv_path: Path, parquet_path: Path, fields: list) -> None:
    """A long table as Parquet, typed: integers as integers, values as decimals (empty stays NULL)."""
    import duckdb

    def cast(name: str, ftype: str) -> str:
        q = f'"{name}"'
        if ftype == "integer":
            return f"CAST(NULLIF({q}, '') AS INTEGER) AS {q}"
        if ftype == "number":
            return f"CAST(NULLIF({q}, '') AS DECIMAL(20, 6)) AS {q}"
        return f"NULLIF({q}, '') AS {q}"

    casts = ", ".join(cast(n, ty) for n, _, _, ty in fields)
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT {casts} FROM read_csv(?, header = true, all_varchar = true, "
                    f"quote = '\"', escape = '\"')) TO '{parquet_path.as_posix()}' (FORMAT parquet, COMPRESSION zstd)",
                    [csv_path.as_posix()])
    finally:
        con.close()


def file_size(path: Path) -> str:
    """A file's size as the download lists state it (字节, KiB, MiB)."""
    n = path.stat().st_size
    return f"{n} 字节" if n < 1024 else f"{n / 1024:.1f} KiB" if n < 1024 ** 2 else f"{n / 1024 ** 2:.1f} MiB"


def file_info(path: Path) -> str:
    """What a download list says of a file: its size, and for a CSV its row count."""
    return file_size(path) + (f"，{csv_rows(path)} 行" if path.suffix == ".csv" else "")


def csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def read_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(io.StringIO(fh.readline())), [])


COVERAGE_FIELDS = [
    ("agency_id", "机构编号", "Stable agency id", "string"),
    ("agency", "机构名称", "Agency name", "string"),
    ("year", "报告年度", "Report year", "integer"),
    ("status", "收录情况", "curated, draft (drafted, not yet reviewed), known (published, not curated yet), not-published, unknown", "string"),
    ("status_zh", "收录情况（中文）", "已整理、只有草稿、已知未整理、未发布、不详", "string"),
    ("report_id", "报告编号", "The curated report, when there is one", "string"),
    ("url", "网址", "Where the report is published, when known", "string"),
]


def write_coverage(rows: list[list[str]], out_dir: Path) -> None:
    write_csv(out_dir / "coverage.csv", COVERAGE_FIELDS, rows)
    excel_copy(out_dir / "coverage.csv", out_dir / "coverage.excel.csv")
