"""Site settings, read once from mkdocs.yml: the site's address, the repository, the mail address."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

import yaml

from .. import paths


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring the Python tags some MkDocs configs use."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class SiteConfig:
    site_url: str
    repo_url: str
    branch: str = "main"
    mail: str = ""

    def edit_url(self, repo_path: str) -> str:
        """GitHub's web editor for a file of the repository."""
        return f"{self.repo_url.rstrip('/')}/edit/{self.branch}/{repo_path}"

    def report_url(self, report_id: str, page: str, row: str = "") -> str:
        """A prefilled issue form (.github/ISSUE_TEMPLATE/correction.yml)."""
        params = {"template": "correction.yml", "title": " ".join(p for p in ("[纠错]", report_id, page) if p), "report": report_id,
                  "section": page}
        if row:
            params["row"] = row
        return f"{self.repo_url.rstrip('/')}/issues/new?{urlencode(params)}"

    def mail_url(self, report_id: str, page: str, row: str = "") -> str:
        """The same report by e-mail, for readers who cannot reach GitHub."""
        if not self.mail:
            return ""
        subject = " ".join(p for p in ("[纠错]", report_id, page, row) if p)
        body = f"报告：{report_id}\n页面：{page}\n行：{row}\n\n问题与依据：\n"
        return f"mailto:{self.mail}?{urlencode({'subject': subject, 'body': body}, quote_via=_quote)}"


def _quote(s, safe="", encoding=None, errors=None):
    from urllib.parse import quote

    return quote(s, safe=safe, encoding=encoding, errors=errors)


@lru_cache(maxsize=None)
def site_config() -> SiteConfig:
    with (paths.ROOT / "mkdocs.yml").open(encoding="utf-8") as fh:
        cfg = yaml.load(fh, Loader=_Loader) or {}
    edit_uri = cfg.get("edit_uri", "edit/main/")
    branch = edit_uri.strip("/").split("/")[1] if edit_uri.count("/") >= 2 else "main"
    mail = ((cfg.get("extra") or {}).get("xxgk") or {}).get("mail", "")
    return SiteConfig(site_url=cfg.get("site_url", ""), repo_url=cfg.get("repo_url", ""), branch=branch, mail=mail)
