"""Search: which parts of a page are indexed, and the records of table rows. To be written."""

from __future__ import annotations

from pathlib import Path


def write_records(views, out: Path) -> None:
    """Search records the site's index is built from (one per table row, …) (nothing until written)."""
    return None
