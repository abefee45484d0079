"""Paths, resolved from the repository root, never from the current directory."""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """The repository this package belongs to (or XXGK_ROOT, for tests on a copy)."""
    env = os.environ.get("XXGK_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


ROOT = repo_root()
DATA = ROOT / "data"
TEMPLATES = DATA / "templates"
REPORTS = DATA / "reports"
DRAFTS = DATA / "drafts"  # drafts written by `xxgk import`: validated, never published as reports
SCHEMAS = DATA / "schemas"
CROSSWALK = DATA / "crosswalk"
AGENCIES = DATA / "agencies"
DOCS = ROOT / "docs"  # hand-written pages, assets and theme overrides
BUILD = ROOT / "build"  # everything `xxgk build` generates (ignored by git)
SITE_DOCS = BUILD / "docs"  # the docs folder MkDocs builds from: a link to the latest complete generation

DESCRIPTOR_NAMES = ("datapackage.yaml", "datapackage.yml", "datapackage.json")

# The folders of data/, by kind of package.
DATA_FOLDERS = ("reports", "templates", "crosswalk", "agencies", "drafts", "schemas")
# Folders that hold generated output, never data: discovery does not descend into them.
# Folders `xxgk validate .` never enters: the build outputs (site.registry.OUTPUTS), tools' folders, the source cache.
NOT_DATA = {"build", "site", "site.tmp", "test-artifacts", ".venv", "node_modules", "sources", ".git", "__pycache__"}


def source_caches() -> list[Path]:
    """Where source documents are looked up, in order: XXGK_SOURCES alone when set; otherwise sources/ at the
    root and this workplace's shared folder (../shared/sources), those that exist.

    Source documents are never committed; packages refer to them by sha256 and a cache holds them
    (see ``xxgk.sources``).
    """
    env = os.environ.get("XXGK_SOURCES")
    if env:
        return [Path(env).resolve()]
    return [c.resolve() for c in (ROOT / "sources", ROOT.parent / "shared" / "sources") if c.is_dir()]


def source_cache() -> Path | None:
    """The first source cache, for messages; None when there is none."""
    found = source_caches()
    return found[0] if found else None


def own_cache() -> Path:
    """Where `xxgk sources add` puts documents: XXGK_SOURCES, else sources/ at the root (never a shared folder)."""
    env = os.environ.get("XXGK_SOURCES")
    return Path(env).resolve() if env else ROOT / "sources"


def derived_cache() -> Path:
    """Text extracted from sources (XXGK_CACHE, else build/cache): regenerable, kept between runs, never committed."""
    env = os.environ.get("XXGK_CACHE")
    return Path(env).resolve() if env else BUILD / "cache"


def repo_path(path: Path | str) -> str:
    """Where a data file lives in the repository, also when it was read from a copy of data/ elsewhere
    (a test or a part build): what an edit link on the site points at."""
    p = Path(os.path.normpath(Path(path).absolute()))
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        pass
    parts = p.parts
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] in DATA_FOLDERS:
            return "/".join(("data",) + parts[i:])
    return p.name


def rel(path: Path | str) -> str:
    """A path as shown in findings: relative to the repository root when inside it."""
    p = Path(path)
    p = p if p.is_absolute() else Path.cwd() / p
    p = Path(os.path.normpath(p))
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return p.as_posix()


def find_descriptor(folder: Path) -> Path | None:
    for name in DESCRIPTOR_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None
