"""Machine-readable catalogue: schema.org/Dataset JSON-LD per report, a DCAT catalogue of all packages. To be written."""

from __future__ import annotations

from pathlib import Path


def report_jsonld(v) -> str:
    """A <script type="application/ld+json"> element for a report's overview page (empty until written)."""
    return ""


def write_catalogue(views, templates, config, out: Path) -> None:
    """The DCAT catalogue of every package, as JSON-LD, into the built docs folder."""
    return None
