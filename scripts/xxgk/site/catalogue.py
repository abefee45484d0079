"""Machine-readable catalogue: schema.org/Dataset JSON-LD on each report's overview page, and a DCAT
catalogue of every published package (``catalog.jsonld`` at the site root, linked from every page's head).

Both describe the same datasets with the same identifiers (the report page's URL + ``#dataset``):

* a report's dataset: its curated data, created by the agency that wrote the report and published by this
  project; based on the report (its original URL when known); its distributions are the files of
  ``downloads/<report id>/`` (CSV, JSON, zip, the source document);
* in the catalogue only: each statistics template, the crosswalk, and the long tables of all reports
  (CSV and Parquet).

Every URL is absolute, built from ``site_url``. Strings from data/ reach the page only through
:func:`escape.json_script`. ``dateModified`` is the date of the last commit that changed the report's folder,
and is left out when that is not known (not a git work tree, or uncommitted changes in the folder).
"""

from __future__ import annotations

import json
import subprocess
from functools import lru_cache
from pathlib import Path

from .. import paths
from . import urls
from .escape import is_url, json_script
from .version import data_version

CATALOGUE = urls.CATALOGUE
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
MEDIA_TYPES = {".csv": "text/csv", ".json": "application/json", ".zip": "application/zip",
               ".parquet": "application/vnd.apache.parquet", ".pdf": "application/pdf", ".html": "text/html",
               ".txt": "text/plain"}
IANA = "https://www.iana.org/assignments/media-types/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/ZHO"

# The catalogue's own context: DCAT and Dublin Core terms under short names, so the file needs no remote context.
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "Catalog": "dcat:Catalog", "Dataset": "dcat:Dataset", "Distribution": "dcat:Distribution",
    "Agent": "foaf:Agent", "PeriodOfTime": "dct:PeriodOfTime", "Location": "dct:Location",
    "title": {"@id": "dct:title", "@language": "zh-CN"},
    "description": {"@id": "dct:description", "@language": "zh-CN"},
    "keyword": {"@id": "dcat:keyword", "@language": "zh-CN", "@container": "@set"},
    "name": {"@id": "foaf:name", "@language": "zh-CN"},
    "prefLabel": {"@id": "skos:prefLabel", "@language": "zh-CN"},
    "identifier": "dct:identifier",
    "homepage": {"@id": "foaf:homepage", "@type": "@id"},
    "publisher": {"@id": "dct:publisher", "@type": "@id"},
    "creator": {"@id": "dct:creator", "@type": "@id"},
    "license": {"@id": "dct:license", "@type": "@id"},
    "language": {"@id": "dct:language", "@type": "@id"},
    "landingPage": {"@id": "dcat:landingPage", "@type": "@id"},
    "source": {"@id": "dct:source", "@type": "@id"},
    "dataset": {"@id": "dcat:dataset", "@type": "@id", "@container": "@set"},
    "distribution": {"@id": "dcat:distribution", "@type": "@id", "@container": "@set"},
    "downloadURL": {"@id": "dcat:downloadURL", "@type": "@id"},
    "accessURL": {"@id": "dcat:accessURL", "@type": "@id"},
    "mediaType": {"@id": "dcat:mediaType", "@type": "@id"},
    "byteSize": {"@id": "dcat:byteSize", "@type": "xsd:nonNegativeInteger"},
    "version": "dcat:version",
    "modified": {"@id": "dct:modified", "@type": "xsd:date"},
    "temporal": "dct:temporal",
    "startDate": {"@id": "dcat:startDate", "@type": "xsd:date"},
    "endDate": {"@id": "dcat:endDate", "@type": "xsd:date"},
    "spatial": "dct:spatial",
}


def _site_name() -> str:
    from .pages.report import SITE_NAME  # imported here: pages.report imports this module

    return SITE_NAME


def _abs(site_url: str, path: str) -> str:
    """An absolute URL for a page (.md) or a file under the docs folder."""
    return urls.absolute(site_url, path) if path.endswith(".md") else site_url.rstrip("/") + "/" + path


def media_type(name: str) -> str:
    return next((t for ext, t in MEDIA_TYPES.items() if name.endswith(ext)), "application/octet-stream")


def _licence(descriptor: dict) -> str:
    """The package's licence URL (its declared http(s) path), else CC BY 4.0, the licence of all curated data."""
    return next((x["path"] for x in descriptor.get("licenses", []) if is_url(x.get("path"))), CC_BY)


# --- what each package publishes: (file under the docs folder, label)

def report_files(v) -> list[tuple[str, str]]:
    """The files of a report under downloads/<id>/, as build.write_report_downloads writes them."""
    from .pages.report import source_name

    out = [(urls.report_download(v.id, f"{v.id}.zip"), "整个数据包（zip）"),
           (urls.report_download(v.id, "datapackage.json"), "数据包描述（Frictionless Data）")]
    for res in v.r.descriptor.get("resources", []):
        out.append((urls.report_download(v.id, res["path"]), res.get("title") or res["name"]))
    if v.t is not None:
        out.append((urls.report_download(v.id, "statistics-labelled.csv"), "统计表（带行、列标签）"))
    src = source_name(v)
    if src:
        out.append((urls.report_download(v.id, src), "原始文件（原样保存）"))
    return out


def template_files(t) -> list[tuple[str, str]]:
    base = f"templates/{t.id}/"
    out = [(urls.downloads(base + f"{t.id}.zip"), "整个数据包（zip）"),
           (urls.downloads(base + "datapackage.json"), "数据包描述（Frictionless Data）")]
    out += [(urls.downloads(base + r["path"]), r.get("title") or r["name"]) for r in t.descriptor.get("resources", [])]
    return out


def _existing(out: Path, names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(p, label) for p, label in names if (out / p).is_file()]


# --- when a report's data last changed

@lru_cache(maxsize=None)
def _last_changes(reports_dir: str) -> dict[str, str]:
    """Report id -> date (YYYY-MM-DD) of the last commit that changed its folder, from one `git log`.
    Empty outside the repository's work tree; a folder with uncommitted changes gets no date."""
    folder = Path(reports_dir).resolve()
    try:
        rel = folder.relative_to(paths.ROOT.resolve())
    except ValueError:
        return {}
    git = ["git", "-C", str(paths.ROOT)]
    try:
        log = subprocess.run(git + ["log", "--format=%x00%cI", "--name-only", "--", str(rel)], capture_output=True,
                             text=True, timeout=120)
        status = subprocess.run(git + ["status", "--porcelain", "--untracked-files=all", "--", str(rel)],
                                capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return {}
    if log.returncode != 0 or status.returncode != 0:
        return {}
    prefix = rel.parts
    dates: dict[str, str] = {}
    date = ""
    for line in log.stdout.splitlines():
        if line.startswith("\x00"):
            date = line[1:11]
        elif line:
            parts = Path(line).parts
            if len(parts) > len(prefix) + 1 and parts[:len(prefix)] == prefix:
                dates.setdefault(parts[len(prefix)], date)  # newest first: keep the first date seen
    for line in status.stdout.splitlines():
        parts = Path(line[3:].strip().strip('"')).parts
        if len(parts) > len(prefix) and parts[:len(prefix)] == prefix:
            dates.pop(parts[len(prefix)], None)
    return dates


def date_modified(v) -> str | None:
    return _last_changes(str(v.r.folder.parent)).get(v.id)


# --- schema.org, on the report's overview page

def _agency(v) -> dict:
    m = v.meta
    page = _abs(v.config.site_url, urls.agency(m["agency_id"]))
    return {"@type": "GovernmentOrganization", "@id": page + "#agency", "name": m["agency"], "identifier": m["agency_id"],
            "url": page}


def _project(site_url: str) -> dict:
    return {"@type": "Organization", "@id": site_url.rstrip("/") + "/#publisher", "name": _site_name(), "url": site_url}


def description(v) -> str:
    m = v.meta
    pub = f"（{m['published'].isoformat()} 发布）" if m["published"] else ""
    if v.t is not None:
        c = v.counts()
        missing = c["states"]["missing"]
        table = f"统计表（{v.t.title}，{c['cells']} 个数值" + (f"，其中缺失 {missing} 个" if missing else "") + "）"
    else:
        table = "（本报告没有统计表）"
    return (f"{m['agency']}{m['year']}年政府信息公开工作年度报告{pub}的整理数据：{table}、正文、正文中引用的数字和勘误记录，"
            "与原文不同的每一处都写明理由与依据；附原始文件。")


def report_dataset(v) -> dict:
    """schema.org/Dataset of one report's curated data."""
    site = v.config.site_url
    m = v.meta
    page = _abs(site, v.doc())
    agency = _agency(v)
    based_on = {"@type": "Report", "name": m["title"], "author": agency, "publisher": agency}
    if m["published"]:
        based_on["datePublished"] = m["published"].isoformat()
    original = v.r.source.get("path")
    if is_url(original):
        based_on["@id"] = original
        based_on["url"] = original
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": page + "#dataset",
        "name": f"{m['title']}（整理数据）",
        "description": description(v),
        "url": page,
        "identifier": v.id,
        "inLanguage": "zh-CN",
        "isAccessibleForFree": True,
        "keywords": ["政府信息公开", "政府信息公开工作年度报告", m["agency"], m["region"], f"{m['year']}年"],
        "creator": agency,
        "publisher": _project(site),
        "license": _licence(v.r.descriptor),
        "temporalCoverage": str(m["year"]),
        "spatialCoverage": {"@type": "AdministrativeArea", "name": m["region"],
                            "identifier": {"@type": "PropertyValue", "propertyID": "GB/T 2260", "value": m["region_code"]}},
        "version": v.version,
        "isBasedOn": based_on,
        "includedInDataCatalog": {"@type": "DataCatalog", "@id": _abs(site, CATALOGUE), "name": _site_name(), "url": site},
        "distribution": [{"@type": "DataDownload", "name": label, "contentUrl": _abs(site, path),
                          "encodingFormat": media_type(path)} for path, label in report_files(v)],
    }
    modified = date_modified(v)
    if modified:
        data["dateModified"] = modified
    return data


def report_jsonld(v) -> str:
    """A <script type="application/ld+json"> block for a report's overview page (Markdown: a raw HTML block)."""
    return f'<script type="application/ld+json">{json_script(report_dataset(v))}</script>\n\n'


# --- DCAT, the catalogue of every package

def _distributions(site_url: str, out: Path, files: list[tuple[str, str]], landing: str) -> list[dict]:
    """DCAT distributions of files under the docs folder; accessURL is the page that lists them."""
    return [{"@id": _abs(site_url, path), "@type": "Distribution", "title": label, "downloadURL": _abs(site_url, path),
             "accessURL": landing, "mediaType": IANA + media_type(path), "byteSize": (out / path).stat().st_size}
            for path, label in files]


def _report_entry(v, out: Path) -> dict:
    site = v.config.site_url
    m = v.meta
    files = report_files(v)
    absent = [p for p, _ in files if not (out / p).is_file()]
    if absent:
        raise FileNotFoundError(f"catalogue: {v.id} lists files the build did not write: {absent}")
    agency = _agency(v)
    entry = {
        "@id": _abs(site, v.doc()) + "#dataset", "@type": "Dataset", "identifier": v.id,
        "title": f"{m['title']}（整理数据）", "description": description(v),
        "keyword": ["政府信息公开", "政府信息公开工作年度报告", m["agency"], m["region"]],
        "landingPage": _abs(site, v.doc()),
        "creator": {"@id": agency["@id"], "@type": "Agent", "name": m["agency"], "identifier": m["agency_id"]},
        "publisher": site.rstrip("/") + "/#publisher",
        "license": _licence(v.r.descriptor), "language": LANGUAGE, "version": v.version,
        "temporal": {"@type": "PeriodOfTime", "startDate": f"{m['year']}-01-01", "endDate": f"{m['year']}-12-31"},
        "spatial": {"@type": "Location", "prefLabel": m["region"], "identifier": m["region_code"]},
        "distribution": _distributions(site, out, files, _abs(site, v.doc())),
    }
    if is_url(v.r.source.get("path")):
        entry["source"] = v.r.source["path"]
    modified = date_modified(v)
    if modified:
        entry["modified"] = modified
    return entry


def catalogue(views, templates, config, out: Path) -> dict:
    """The DCAT catalogue as a JSON-LD document; out is the built docs folder (files are checked and sized)."""
    site = config.site_url
    project = {"@id": site.rstrip("/") + "/#publisher", "@type": "Agent", "name": _site_name(), "homepage": site}
    common = {"publisher": project["@id"], "license": CC_BY, "language": LANGUAGE, "version": data_version()}
    datasets = [_report_entry(v, out) for v in sorted(views, key=lambda x: x.id)]
    long_tables = _existing(out, [(urls.downloads(f), label) for f, label in (
        ("all-statistics.csv", "全部统计数值（CSV）"), ("all-statistics.excel.csv", "全部统计数值（Excel 用 CSV，带 BOM）"),
        ("all-statistics.parquet", "全部统计数值（Parquet）"), ("all-concepts.csv", "可比指标（CSV）"),
        ("all-concepts.excel.csv", "可比指标（Excel 用 CSV，带 BOM）"), ("all-concepts.parquet", "可比指标（Parquet）"),
        ("all.datapackage.json", "两张长表的表结构（Frictionless Data）"))])
    if long_tables:
        datasets.append({"@id": _abs(site, urls.downloads()) + "#all", "@type": "Dataset", "identifier": "all",
                         "title": "全部报告的统计数值与可比指标（长表）",
                         "description": "本站全部报告的每个统计数值一行（带部分、行、列标签、单位、状态与原文位置），以及按跨格式对应关系"
                                        "相加的可比指标，每份报告每个指标一行。",
                         "landingPage": _abs(site, urls.downloads()), **common,
                         "distribution": _distributions(site, out, long_tables, _abs(site, urls.downloads()))})
    coverage = _existing(out, [(urls.downloads("coverage.csv"), "收录情况（CSV）")])
    if coverage:
        datasets.append({"@id": _abs(site, urls.COVERAGE) + "#dataset", "@type": "Dataset", "identifier": "coverage",
                         "title": "收录情况：机构 × 年度", "description": "本站跟踪的每个机构每个年度的年度报告：已整理、草稿、已知未收录或未发布。",
                         "landingPage": _abs(site, urls.COVERAGE), **common,
                         "distribution": _distributions(site, out, coverage, _abs(site, urls.downloads()))})
    for t in templates.values():
        datasets.append({"@id": _abs(site, urls.codebook(t.id)) + "#dataset", "@type": "Dataset", "identifier": t.id,
                         "title": f"统计表模板：{t.title}", "description": f"统计表模板“{t.title}”的表、部分、行、列、标签变体与表内算术规则。",
                         "landingPage": _abs(site, urls.codebook(t.id)), **common, "license": _licence(t.descriptor),
                         "distribution": _distributions(site, out, _existing(out, template_files(t)),
                                                        _abs(site, urls.downloads()))})
    crosswalk = _existing(out, [(urls.downloads("crosswalk/crosswalk.zip"), "整个数据包（zip）"),
                                (urls.downloads("crosswalk/datapackage.json"), "数据包描述（Frictionless Data）"),
                                (urls.downloads("crosswalk/concepts.csv"), "可比指标"),
                                (urls.downloads("crosswalk/cells.csv"), "指标对应的单元格")])
    if crosswalk:
        datasets.append({"@id": _abs(site, urls.COMPARE) + "#dataset", "@type": "Dataset", "identifier": "crosswalk",
                         "title": "跨格式对应关系", "description": "不同统计表格式之间哪些数字可以比较，以及每个可比指标由哪些单元格相加。",
                         "landingPage": _abs(site, urls.COMPARE), **common,
                         "distribution": _distributions(site, out, crosswalk, _abs(site, urls.downloads()))})
    return {
        "@context": DCAT_CONTEXT,
        "@id": _abs(site, CATALOGUE),
        "@type": "Catalog",
        "title": _site_name(),
        "description": "政府信息公开工作年度报告的整理数据：每份报告一个 Frictionless 数据包（统计表、正文、正文中的数字、勘误记录与原始文件），"
                       "统计表模板、跨格式对应关系与全部报告的长表。",
        "homepage": site,
        "publisher": project,
        "license": CC_BY,
        "language": LANGUAGE,
        "version": data_version(),
        "dataset": datasets,
    }


def write_catalogue(views, templates, config, out: Path) -> None:
    """The DCAT catalogue of every package, as JSON-LD, into the built docs folder."""
    doc = catalogue(views, templates, config, out)
    (out / CATALOGUE).write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
