import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "data" / "reports" / "370000-hrss-2018"


def run_xxgk(*args, cwd=None, env=None):
    """Run the real command in a subprocess, as a user would."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "xxgk", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, env=full_env)


@pytest.fixture
def seed_copy(tmp_path):
    """A copy of data/ (templates, schemas and the seed report) to break on purpose."""
    dst = tmp_path / "data"
    shutil.copytree(ROOT / "data", dst)
    return dst / "reports" / SEED.name


def build_site(data_dir: Path, out_dir: Path) -> Path:
    """Generate pages from data_dir and build the real site with mkdocs into out_dir/site.

    Uses a scratch docs folder holding the hand-written pages, so the test never
    depends on what a previous `make site` left in docs/.
    """
    from xxgk.build import build

    docs = out_dir / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("reports", "codebook", "downloads", "index.md", "contributing.md", "compare.md"))
    code = build(docs_dir=docs, data_dir=data_dir)
    assert code == 0, "xxgk build failed"
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8") + f"\ndocs_dir: {docs}\n"
    (out_dir / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = out_dir / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(out_dir / "mkdocs.yml"),
                             "-d", str(site)], capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    from xxgk.postbuild import compact_search_index

    compact_search_index(site)  # as `make site` does
    return site


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The real site built from data/."""
    return build_site(ROOT / "data", tmp_path_factory.mktemp("site"))
