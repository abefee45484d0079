"""Where every generated page lives. No other module writes a page path.

Paths are Markdown documents relative to the docs folder; links between pages
are relative (:func:`rel`), so the site works under any sub-path.
"""

from __future__ import annotations

import posixpath
import re

# An agency id or a region code as a page name: data cannot reach outside its folder.
_NAME = re.compile(r"[0-9a-z]+(-[0-9a-z]+)*")


def _name(value: str) -> str:
    if not _NAME.fullmatch(value or ""):
        raise ValueError(f"not a page name (ASCII lower-case letters, digits and dashes): {value!r}")
    return value


def report(report_id: str, page: str = "index") -> str:
    return f"reports/{report_id}/{'index' if page == 'index' else page}.md"


def reports_index() -> str:
    return "reports/index.md"


def codebook(template_id: str | None = None) -> str:
    return f"codebook/{template_id}.md" if template_id else "codebook/index.md"


def agency(agency_id: str | None = None) -> str:
    return f"agencies/{_name(agency_id)}.md" if agency_id else "agencies/index.md"


def region(code: str | None = None) -> str:
    return f"regions/{_name(code)}.md" if code else "regions/index.md"


def downloads(path: str = "") -> str:
    """A download file (``downloads/<path>``), or the downloads page."""
    return f"downloads/{path}" if path else "downloads/index.md"


def report_download(report_id: str, name: str = "") -> str:
    return f"downloads/{report_id}/{name}"


HOME = "index.md"
COMPARE = "compare.md"
COVERAGE = "coverage.md"
CONTRIBUTING = "contributing.md"
GUIDE = "guide.md"
ABOUT = "about.md"
CATALOGUE = "catalog.jsonld"  # the DCAT catalogue of every package, at the site root


def page_dir(doc_path: str) -> str:
    """URL directory of a page with use_directory_urls (relative to the site root)."""
    if doc_path.endswith("index.md"):
        return doc_path[: -len("index.md")]
    return doc_path[: -len(".md")] + "/"


def rel(from_doc: str, to: str, anchor: str = "") -> str:
    """Relative link from a page to a page (.md) or a file."""
    target = page_dir(to) if to.endswith(".md") else to
    out = posixpath.relpath(target or ".", page_dir(from_doc) or ".")
    if to.endswith(".md") or target.endswith("/"):
        out = out.rstrip("/") + "/"
    return out + (f"#{anchor}" if anchor else "")


def absolute(site_url: str, doc_path: str) -> str:
    return site_url.rstrip("/") + "/" + page_dir(doc_path)
