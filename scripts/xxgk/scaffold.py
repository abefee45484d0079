"""`xxgk new`: scaffold a report package with every template cell present and missing."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import yaml

from . import model, paths

SOURCE_KINDS = {".txt": ("ocr-text", "txt", "text/plain"), ".pdf": ("pdf-text", "pdf", "application/pdf"),
                ".html": ("html", "html", "text/html"), ".htm": ("html", "html", "text/html")}
RESOURCES = [("report", "报告信息"), ("statistics", "统计表"), ("prose", "正文"), ("figures", "正文中的数字"),
             ("corrections", "勘误记录")]


class ScaffoldError(model.UserError):
    pass


_csv, _header = model.csv_text, model.schema_header


def new_report(agency: str, agency_id: str, region_code: str, region: str, year: int, template_id: str,
               title: str | None = None, source: Path | None = None, published: str = "",
               reports_dir: Path | None = None) -> Path:
    if not re.fullmatch(r"[0-9]{6}-[a-z0-9]+(-[a-z0-9]+)*", agency_id):
        raise ScaffoldError(f"机构编号“{agency_id}”应为“6 位行政区划代码-英文小写简称”，例如 370000-hrss")
    if not re.fullmatch(r"[0-9]{6}", region_code):
        raise ScaffoldError(f"行政区划代码“{region_code}”应为 6 位数字（GB/T 2260），例如 370000")
    template = model.template_by_id(template_id)
    if template is None:
        known = ", ".join(p.name for p in model.template_folders())
        raise ScaffoldError(f"模板“{template_id}”不存在；可用的模板：{known}")
    if source is not None and not source.is_file():
        raise ScaffoldError(f"原始文件 {source} 不存在")
    reports_dir = reports_dir or paths.REPORTS
    folder = reports_dir / f"{agency_id}-{year}"
    if folder.exists():
        raise ScaffoldError(f"{paths.rel(folder)} 已存在，不会覆盖")
    suffix = source.suffix.lower() if source else ".txt"
    kind, fmt, mediatype = SOURCE_KINDS.get(suffix, ("html", suffix.lstrip("."), "application/octet-stream"))
    title = title or f"{agency}{year}年政府信息公开工作年度报告"
    files = {
        "report.csv": _csv(_header("report"), [[agency_id, agency, region_code, region, year, published, template_id,
                                                 title, kind, ""]]),
        "statistics.csv": _csv(_header("statistics"), [[t, r, c, "", "missing", "", "", ""] for t, r, c in template.cells()]),
        "prose.csv": _csv(_header("prose"), []),
        "figures.csv": _csv(_header("figures"), []),
        "corrections.csv": _csv(_header("corrections"), []),
    }
    source_res = {"name": "source", "title": "原始文件（未改动）", "path": f"source{suffix}", "format": fmt,
                  "mediatype": mediatype}
    if kind != "pdf-text":
        source_res["encoding"] = "utf-8"
    if source is not None:
        data = source.read_bytes()
        source_res["bytes"] = len(data)
        source_res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    descriptor = {
        "title": title,
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0 (curated data; the report itself is an official document)"}],
        "contributors": [{"title": "xxgk-data curators", "role": "curator"}],
        "sources": [{"title": title, "path": source_res["path"]}],
        "resources": [{"name": n, "title": t, "path": f"{n}.csv", "encoding": "utf-8",
                       "schema": f"../../schemas/{n}.schema.json"} for n, t in RESOURCES] + [source_res],
    }
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if source is not None:
        shutil.copyfile(source, folder / source_res["path"])
    header = ("# One report = one data package; its id is this folder's name (<agency_id>-<year>).\n"
              "# Fill in the CSVs, then run: xxgk validate " + paths.rel(folder) + "\n")
    (folder / "datapackage.yaml").write_text(
        header + yaml.safe_dump(descriptor, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder
