"""Everything the pages need to know about MkDocs and Material, in one place.

Generated pages are Markdown files with a YAML front matter and HTML blocks.
This module writes the front matter (the keys Material reads, and the keys
of the project's own partials in docs/overrides), names the attribute that
keeps a block out of the search index, and knows where MkDocs reads pages from.
Measuring another renderer means changing this file only (the search engine is
xxgk.site.search's, reading the front matter and attributes written here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .. import model, paths
from .escape import text, url

# Keeps an element out of the search index (xxgk.site.search reads it from the built HTML; Material's
# own search plugin, used only to compare engines in the tests, reads the same attribute).
NO_INDEX = "data-search-exclude"
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's, when PyYAML has it: the same YAML, faster
DOCS_DIR = paths.SITE_DOCS  # mkdocs.yml: docs_dir


@dataclass
class Page:
    """One generated page: where it lives, its front matter, and its Markdown body."""

    path: str
    title: str  # plain text; escaped when written
    body: str  # Markdown with HTML blocks, every data string already escaped
    description: str = ""  # plain text, for <meta name="description">
    edit_url: str = ""  # the data file a reader would edit
    report_url: str = ""  # the prefilled issue form
    mail_url: str = ""  # the same by e-mail
    hide: list[str] = field(default_factory=list)  # navigation, toc
    searchable: bool = True

    def render(self) -> str:
        meta = {"title": text(self.title)}
        if self.description:
            meta["description"] = text(self.description)
        for key in ("edit_url", "report_url"):
            value = getattr(self, key)
            if value:
                safe = url(value)
                if safe is None:
                    raise ValueError(f"{key} is not an http(s) URL: {value!r}")
                meta[key] = safe
        if self.mail_url:
            meta["mail_url"] = text(self.mail_url) if self.mail_url.startswith("mailto:") else ""
        if self.hide:
            meta["hide"] = list(self.hide)
        if not self.searchable:
            meta["search"] = {"exclude": True}
        return "---\n" + yaml.dump(meta, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False, width=10_000) + "---\n\n" + self.body


def excluded_from_search(markdown: str) -> bool:
    """Whether a page's front matter keeps it out of search (``search: exclude: true``, Material's key,
    written by :meth:`Page.render` for pages that are not ``searchable``)."""
    if not markdown.startswith("---\n"):
        return False
    end = markdown.find("\n---\n", 4)
    if end < 0 or "search:" not in markdown[4:end]:  # most pages: no need to parse the YAML
        return False
    try:
        meta = yaml.load(markdown[4:end], Loader=model.YAML_LOADER) or {}
    except yaml.YAMLError:
        return False
    search = meta.get("search") if isinstance(meta, dict) else None
    return isinstance(search, dict) and search.get("exclude") is True


def config_for(docs_dir, dest, hooks: bool = True) -> "Path":
    """A copy of mkdocs.yml that builds docs_dir (for tests and the benchmark), with every path made absolute."""
    from pathlib import Path

    from .config import _Loader

    cfg = yaml.load((paths.ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader) or {}
    cfg["docs_dir"] = str(Path(docs_dir).resolve())
    theme = cfg.get("theme") or {}
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((paths.ROOT / theme["custom_dir"]).resolve())
    cfg["hooks"] = [str((paths.ROOT / h).resolve()) for h in cfg.get("hooks") or []] if hooks else []
    out = Path(dest) / "mkdocs.yml"
    out.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out
