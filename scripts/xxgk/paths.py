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
SCHEMAS = DATA / "schemas"
CROSSWALK = DATA / "crosswalk"
DOCS = ROOT / "docs"

DESCRIPTOR_NAMES = ("datapackage.yaml", "datapackage.yml", "datapackage.json")


def rel(path: Path | str) -> str:
    """A path as shown in findings: relative to the repository root when inside it."""
    p = Path(path).resolve()
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return p.as_posix()


def find_descriptor(folder: Path) -> Path | None:
    for name in DESCRIPTOR_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None
