"""The generated part of the site: page kinds and the top-level paths they write.

The build writes exactly these paths into the docs folder beside copies of
the hand-written pages; the tests and the benchmark read the same list.
"""

from __future__ import annotations

# path under the docs folder -> what it is
GENERATED = {
    "index.md": "home page",
    "reports/": "one folder per report: overview, prose sections, statistics sections, corrections, source",
    "agencies/": "one page per agency, with its reports by year and its time series",
    "regions/": "one page per region",
    "codebook/": "one page per template",
    "downloads/": "every published file, and the downloads page",
    "schemas/": "the JSON Schemas and table schemas, so $schema URLs resolve",
    "compare.md": "what compares across templates",
    "coverage.md": "agencies × years: curated, draft, known, not published",
    "contributing.md": "the contributor guide (CONTRIBUTING.md)",
    "catalog.jsonld": "the DCAT catalogue (JSON-LD) of every published package",
}

# Pages of one report, by kind: index, text-<n>, stats-<n>, corrections, source
REPORT_PAGE_KINDS = ("index", "text", "stats", "corrections", "source")

# Everything the project generates, relative to the repository root: `make clean` removes these (and nothing
# else: no command deletes curated data). The generated pages above live in build/docs.
OUTPUTS = ("build", "site", "site.tmp", "test-artifacts")


def clean(root) -> list[str]:
    import shutil
    from pathlib import Path

    removed = []
    for name in OUTPUTS:
        path = Path(root) / name
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)
        else:
            continue
        removed.append(name)
    return removed


if __name__ == "__main__":  # python -m xxgk.site.registry clean (needs no installed packages)
    import sys
    from pathlib import Path

    if sys.argv[1:] != ["clean"]:
        sys.exit("usage: python -m xxgk.site.registry clean")
    print("removed:", " ".join(clean(Path(__file__).resolve().parents[3])) or "nothing")
