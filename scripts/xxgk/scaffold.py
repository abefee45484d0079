"""`xxgk new`: scaffold a report package with every template cell present and missing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from . import model, paths
from .importer.draft import PackageFiles, source_entry, text_entry, write_report_package

SOURCE_KIND_BY_READER = {"html": "html", "pdf-text": "pdf-text", "pdf-scan": "pdf-scan", "text": "ocr-text"}


class ScaffoldError(model.UserError):
    pass


def check_template_id(template_id: str):
    """A template id (never a path) that exists under data/templates."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", template_id or ""):
        raise ScaffoldError(f"--template 只接受模板编号（如 national-2021），不接受路径：“{template_id}”")
    template = model.template_by_id(template_id)
    if template is None:
        known = ", ".join(p.name for p in model.template_folders())
        raise ScaffoldError(f"模板“{template_id}”不存在；可用的模板：{known}")
    return template


def check_year(year: int) -> int:
    this_year = dt.date.today().year
    if not 2008 <= year <= this_year:
        raise ScaffoldError(f"报告年度 {year} 不可能：《条例》2008 年施行，年报在年度结束后发布，应在 2008 到 {this_year} 之间")
    return year


def check_published(published: str, year: int) -> str:
    if not published:
        return ""
    try:
        day = dt.date.fromisoformat(published)
    except ValueError:
        raise ScaffoldError(f"发布日期“{published}”不是有效日期，应写作 YYYY-MM-DD，例如 2019-03-28") from None
    if day.year < year:
        raise ScaffoldError(f"发布日期 {published} 早于报告年度 {year}：年报在年度结束后发布")
    if day > dt.date.today():
        raise ScaffoldError(f"发布日期 {published} 在今天之后")
    return day.isoformat()


def new_report(agency: str, agency_id: str, region_code: str, region: str, year: int, template_id: str,
               title: str | None = None, source: Path | None = None, published: str = "", url: str = "",
               reports_dir: Path | None = None) -> Path:
    if not re.fullmatch(r"[0-9]{6}-[a-z0-9]+(-[a-z0-9]+)*", agency_id):
        raise ScaffoldError(f"机构编号“{agency_id}”应为“6 位行政区划代码-英文小写简称”，例如 370000-hrss")
    if not re.fullmatch(r"[0-9]{6}", region_code):
        raise ScaffoldError(f"行政区划代码“{region_code}”应为 6 位数字（GB/T 2260），例如 370000")
    if url and not re.fullmatch(r"https?://\S+", url):
        raise ScaffoldError(f"原文网址只接受 http(s) 地址：“{url}”")
    template = check_template_id(template_id)
    check_year(year)
    published = check_published(published, year)
    if source is not None and not source.is_file():
        raise ScaffoldError(f"原始文件 {source} 不存在")
    title = title or f"{agency}{year}年政府信息公开工作年度报告"
    sources = []
    if source is not None:
        from .importer.readers import SourceError, read

        try:
            doc = read(source)
        except SourceError as exc:
            raise ScaffoldError(str(exc)) from None
        kind = SOURCE_KIND_BY_READER[doc.kind]
        sources.append(source_entry(source, kind, f"{title}（原始文件）", url=url))
        if doc.kind != "text" or doc.text.encode("utf-8") != source.read_bytes():
            sources.append(text_entry(doc.text, doc.method))
    files = PackageFiles(
        meta={"agency_id": agency_id, "agency": agency, "region_code": region_code, "region": region, "year": year,
              "published": published, "template": template_id, "title": title},
        statistics=[[t, r, c, "", "missing", "", "", "", ""] for t, r, c in template.cells()],
        sources=sources)
    if not sources:
        raise ScaffoldError("需要原始文件（--source）：每份报告都要记录它的原始文件，数据才能核对")
    return write_report_package((reports_dir or paths.REPORTS) / f"{agency_id}-{year}", files)
