import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "data" / "reports" / "370000-hrss-2018"
HUAIAN = ROOT / "data" / "reports" / "320800-gov-2024"
sys.path.insert(0, str(ROOT / "tests"))


def source_file(name: str) -> Path | None:
    """A document of the source caches xxgk reads (XXGK_SOURCES, or sources/ and ../shared/sources), by file name."""
    from xxgk.paths import source_caches

    return next((c / name for c in source_caches() if (c / name).is_file()), None)


def source_cache() -> Path | None:
    """The cache that holds the shared documents the tests use (the one with the manifest)."""
    from xxgk.paths import source_caches

    return next((c for c in source_caches() if (c / "manifest.csv").is_file()), None)


def needs_sources(*names: str):
    """Skip, saying why, when the source caches lack a document a test needs."""
    missing = [n for n in names if source_file(n) is None]
    return pytest.mark.skipif(bool(missing), reason=f"source cache lacks {missing} (set XXGK_SOURCES)")


def run_xxgk(*args, cwd=None, env=None):
    """Run the real command in a subprocess, as a user would."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "xxgk", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, env=full_env)


@pytest.fixture
def data_copy(tmp_path):
    """A copy of data/ (templates, schemas, crosswalk and the reports) to break on purpose."""
    dst = tmp_path / "data"
    shutil.copytree(ROOT / "data", dst)
    return dst


@pytest.fixture
def seed_copy(data_copy):
    return data_copy / "reports" / SEED.name


def build_site(data_dir: Path, out_dir: Path) -> Path:
    """Generate pages from data_dir and build the real site with mkdocs into out_dir/site."""
    from xxgk.postbuild import compact_search_index
    from xxgk.site.build import build
    from xxgk.site.material import config_for

    docs = out_dir / "docs"
    code = build(data_dir=data_dir, out_dir=docs)
    assert code == 0, "xxgk build failed"
    config = config_for(docs, out_dir)
    site = out_dir / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site)],
                            capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    compact_search_index(site)  # as `make site` does
    return site


def site_data() -> Path:
    """The data the site tests build from: data/, or XXGK_TEST_DATA (a frozen copy while data/ is being edited)."""
    return Path(os.environ.get("XXGK_TEST_DATA") or ROOT / "data")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The real site built from data/."""
    return build_site(site_data(), tmp_path_factory.mktemp("site"))
