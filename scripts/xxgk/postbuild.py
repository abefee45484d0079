"""`xxgk search-index SITE`: the step after `mkdocs build`: index the built site for search.

The index is Pagefind's (``pagefind/`` in the site, served by the site itself). What it holds, and
why the text reaches it cut into bigrams, is explained in ``xxgk.site.search``: the statistics rows
come from the records ``xxgk build`` wrote into the docs folder, every other searchable page from
its built HTML. ``--part NAME --reports GLOB`` indexes a part of the site on its own (for a site
built in parts); the browser merges the parts into the main index.
"""

from __future__ import annotations

from pathlib import Path

from . import paths
from .model import UserError


def search_index(site: Path, docs: Path | None = None, part: str | None = None, reports: str | None = None):
    """Index a built site (``site``, MkDocs' output) from the docs folder it was built from."""
    from .site import search

    # Load inputs.
    docs = docs or paths.SITE_DOCS
    if not (site / "index.html").is_file():
        raise UserError(f"{site}/index.html 不存在：先运行 mkdocs build")
    if not (docs / search.RECORDS).is_file():
        raise UserError(f"{docs}/{search.RECORDS} 不存在：先运行 xxgk build（它写出搜索记录），再 mkdocs build")
    # Process data and save outputs.
    try:
        return search.index_site(site, docs, part=part, reports=reports)
    except ValueError as exc:  # a part name that cannot be a folder
        raise UserError(f"分卷名只能由字母、数字、- 和 _ 组成：{exc}") from None
