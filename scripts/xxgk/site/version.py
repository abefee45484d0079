"""The data version a build publishes: the commit of data/, so a citation or a download names what it used."""

from __future__ import annotations

import hashlib
import os
import subprocess
from functools import lru_cache
from pathlib import Path

from .. import paths
from ..vcache import digest_tree


def report_version(folder: Path) -> str:
    """A report's own version: the first 12 hex digits of a sha256 over its package's files. It changes when
    that report changes and only then (so a report's pages do not change with every commit), and anyone can
    recompute it from a downloaded package's files."""
    h = hashlib.sha256()
    digest_tree(h, folder)
    return h.hexdigest()[:12]


@lru_cache(maxsize=None)
def data_version() -> str:
    """XXGK_DATA_VERSION, else the short commit of HEAD (with "+修改" when data/ has uncommitted changes)."""
    env = os.environ.get("XXGK_DATA_VERSION")
    if env:
        return env
    try:
        head = subprocess.run(["git", "-C", str(paths.ROOT), "rev-parse", "--short=10", "HEAD"], capture_output=True,
                              text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(paths.ROOT), "status", "--porcelain", "--", "data"], capture_output=True,
                               text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if head.returncode != 0:
        return "unknown"
    return head.stdout.strip() + ("+修改" if dirty.stdout.strip() else "")
