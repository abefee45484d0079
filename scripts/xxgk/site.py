"""Helpers for generated pages: site settings, URLs, escaping, front matter."""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import yaml

from . import paths


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring the Python tags some MkDocs configs use."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass
class SiteConfig:
    site_url: str
    repo_url: str
    branch: str = "main"

    def edit_url(self, repo_path: str) -> str:
        """GitHub's web editor for a file of the repository."""
        return f"{self.repo_url.rstrip('/')}/edit/{self.branch}/{repo_path}"

    def blob_url(self, repo_path: str) -> str:
        return f"{self.repo_url.rstrip('/')}/blob/{self.branch}/{repo_path}"

    def report_url(self, report_id: str, page: str, row: str = "") -> str:
        """A prefilled issue form (.github/ISSUE_TEMPLATE/correction.yml)."""
        params = {"template": "correction.yml", "title": f"[纠错] {report_id} {page}", "report": report_id, "section": page}
        if row:
            params["row"] = row
        return f"{self.repo_url.rstrip('/')}/issues/new?{urlencode(params)}"


def site_config() -> SiteConfig:
    with (paths.ROOT / "mkdocs.yml").open(encoding="utf-8") as fh:
        cfg = yaml.load(fh, Loader=_Loader) or {}
    edit_uri = cfg.get("edit_uri", "edit/main/")
    branch = edit_uri.strip("/").split("/")[1] if edit_uri.count("/") >= 2 else "main"
    return SiteConfig(site_url=cfg.get("site_url", ""), repo_url=cfg.get("repo_url", ""), branch=branch)


def h(value) -> str:
    """Escape text for HTML; None becomes empty."""
    return html.escape("" if value is None else str(value), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>])")


def md_text(value: str) -> str:
    """Text safe inside a Markdown heading or paragraph: escaped, never interpreted."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(value, quote=False).replace("&lt;", "<").replace("&gt;", ">")).replace(
        "\\<", "&lt;").replace("\\>", "&gt;")


def page_url(doc_path: str) -> str:
    """URL directory of a generated page with use_directory_urls (relative to the site root)."""
    if doc_path.endswith("index.md"):
        return doc_path[: -len("index.md")]
    return doc_path[: -len(".md")] + "/"


def rel(from_doc: str, to: str, anchor: str = "") -> str:
    """Relative link from a page to a page (.md) or a file, so the site works under any sub-path."""
    target = page_url(to) if to.endswith(".md") else to
    base = page_url(from_doc)
    out = posixpath.relpath(target or ".", base or ".")
    if to.endswith(".md") or target.endswith("/"):
        out = out.rstrip("/") + "/"
        if out == "./":
            out = "./"
    return out + (f"#{anchor}" if anchor else "")


def front_matter(**meta) -> str:
    clean = {k: v for k, v in meta.items() if v not in (None, "", {})}
    return "---\n" + yaml.safe_dump(clean, allow_unicode=True, sort_keys=False) + "---\n\n"
