"""Render one docs folder with MkDocs, strictly, optionally only the pages whose source changed.

``python -m xxgk.site.render CONFIG SITE_DIR [--dirty]``: what ``mkdocs build --strict [--dirty]`` does,
except that MkDocs' notice that a dirty build "will likely lead to inaccurate navigation" is not counted
as a warning (MkDocs logs it as one, so ``--strict --dirty`` always aborts). The notice does not apply
here: the navigation is fixed in mkdocs.yml, and every page whose source changed is rendered again.
Any other warning fails the render, as ``--strict`` does. Exit 0 on success, 1 when MkDocs aborts.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

DIRTY_NOTICE = "A 'dirty' build is being performed"


class _DropDirtyNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return DIRTY_NOTICE not in record.getMessage()


def render(config_file: str, site_dir: str, dirty: bool = False) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyNotice())
    try:
        config = load_config(config_file=config_file, strict=True, site_dir=site_dir)
        build(config, dirty=dirty)
    except (Abort, ConfigurationError) as exc:
        print(f"mkdocs: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m xxgk.site.render", description=__doc__.splitlines()[0])
    ap.add_argument("config")
    ap.add_argument("site_dir")
    ap.add_argument("--dirty", action="store_true")
    args = ap.parse_args(argv)
    return render(args.config, args.site_dir, args.dirty)


if __name__ == "__main__":
    sys.exit(main())
