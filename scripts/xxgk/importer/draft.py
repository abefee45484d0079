"""Write a report package: the one writer `xxgk import` and `xxgk new` share.

A package is written into a scratch folder beside its destination and renamed
into place only when every file is written, so a failure leaves nothing
half-written. It never writes into an existing folder: curated work and
earlier drafts are never overwritten. The descriptor's schema paths are
relative to wherever the package is written (the validator checks every
resource against the table schema its profile names, wherever the package is).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import model, paths, profiles
from ..model import UserError

LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0 (curated data; the report itself is an official document)"}
HEADER = ("# One report = one data package; its id is this folder's name (<agency_id>-<year>).\n"
          "# The source document is not in the folder: `sources` records it, the source cache holds it.\n")


class PackageExists(UserError):
    pass


@dataclass
class PackageFiles:
    """Everything a report package holds, as rows in the column order of its table schemas."""

    meta: dict  # report.csv: agency_id, agency, region_code, region, year, published, template, title
    statistics: list[list] = field(default_factory=list)
    prose: list[list] = field(default_factory=list)
    figures: list[list] = field(default_factory=list)
    corrections: list[list] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)  # descriptor `sources` entries
    description: str = ""
    contributors: list[dict] = field(default_factory=lambda: [{"title": "xxgk-data curators", "role": "curator"}])
    extra_files: dict = field(default_factory=dict)  # name -> text (e.g. review.md)


def schema_ref(folder: Path, name: str) -> str:
    """The relative path from a package folder to a table schema under data/schemas (for stock tools)."""
    rel = os.path.relpath(paths.SCHEMAS / f"{name}.schema.json", folder)
    return rel if rel.startswith("..") else f"./{rel}"


def descriptor(folder: Path, files: PackageFiles) -> dict:
    profile = profiles.by_kind("report")
    out = {"$schema": profile.id, "title": files.meta["title"]}
    if files.description:
        out["description"] = files.description
    out["licenses"] = [LICENSE]
    out["contributors"] = files.contributors
    out["sources"] = files.sources
    out["resources"] = [{"name": n, "title": spec.get("title", n), "path": f"{n}.csv", "encoding": "utf-8",
                         "schema": schema_ref(folder, spec["schema"].removesuffix(".schema.json"))}
                        for n, spec in profile.resources.items()]
    return out


def write_report_package(folder: Path, files: PackageFiles) -> Path:
    """Write the package into folder, which must not exist yet."""
    if folder.exists() or folder.is_symlink():
        raise PackageExists(f"{paths.rel(folder)} 已存在，不会覆盖：已整理的数据与之前的草稿都不会被改写。"
                            "请换一个目录（--out），或先自己把它移走")
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        header = model.schema_header
        m = files.meta
        tables = {
            "report.csv": model.csv_text(header("report"), [[m.get(k, "") for k in header("report")]]),
            "statistics.csv": model.csv_text(header("statistics"), files.statistics),
            "prose.csv": model.csv_text(header("prose"), files.prose),
            "figures.csv": model.csv_text(header("figures"), files.figures),
            "corrections.csv": model.csv_text(header("corrections"), files.corrections),
        }
        for name, text in {**tables, **files.extra_files}.items():
            (scratch / name).write_text(text, encoding="utf-8")
        desc = descriptor(folder, files)
        (scratch / "datapackage.yaml").write_text(
            HEADER + yaml.safe_dump(desc, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
        os.chmod(scratch, 0o755)
        os.rename(scratch, folder)  # fails if folder appeared meanwhile: still never overwrites
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return folder


def source_entry(path: Path, kind: str, title: str, url: str = "", name: str = "source", method: str = "") -> dict:
    """A `sources` entry for a file (which is also put into the source cache)."""
    from ..sources import add

    fmt = {"pdf-text": "pdf", "pdf-scan": "pdf", "html": "html"}.get(kind, "txt")
    digest, _ = add(path, fmt)
    entry = {"name": name, "title": title, "kind": kind}
    if url:
        entry["path"] = url
    if method:
        entry["derived_from"] = "source"
        entry["method"] = method
    entry |= {"format": fmt, "mediatype": {"pdf": "application/pdf", "html": "text/html", "txt": "text/plain"}[fmt]}
    if fmt != "pdf":
        entry["encoding"] = "utf-8"
    entry |= {"bytes": path.stat().st_size, "hash": f"sha256:{digest}"}
    return entry


def text_entry(text: str, method: str, title: str = "原始文件的文字") -> dict:
    """The `sources` entry of text extracted from the source (kept in the cache of extracted texts)."""
    from ..sources import _store_text

    digest, _ = _store_text(text)
    return {"name": "source_text", "title": title, "kind": "text", "derived_from": "source", "method": method,
            "format": "txt", "mediatype": "text/plain", "encoding": "utf-8", "bytes": len(text.encode("utf-8")),
            "hash": f"sha256:{digest}"}
