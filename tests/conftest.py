import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

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
    """The real site, as `make site` builds it (`xxgk site`: in parts, assembled) into out_dir/site, from data_dir.
    Beside it, out_dir/docs: the same pages generated into one docs folder (`xxgk build`), for tests that read
    the generated Markdown or search records, or render the pages another way."""
    from xxgk.site.build import build
    from xxgk.site.parts import build_site as build_in_parts

    site = out_dir / "site"
    result = build_in_parts(data_dir=data_dir, target=site, parts_dir=out_dir / "parts")
    assert result is not None, "xxgk site failed"
    assert build(data_dir=data_dir, out_dir=out_dir / "docs") == 0, "xxgk build failed"
    return site


def render_unsharded(docs: Path, out_dir: Path, hooks: bool = True) -> Path:
    """The site the other way: one docs folder, `mkdocs build --strict`, one search index; hooks=False renders
    without the MkDocs hooks (every HTML block through Python-Markdown)."""
    from xxgk.postbuild import search_index
    from xxgk.site.material import config_for

    config = config_for(docs, out_dir, hooks=hooks)
    site = out_dir / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site)],
                            capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    search_index(site, docs)
    return site


def site_data() -> Path:
    """The data the site tests build from: data/, or XXGK_TEST_DATA (a frozen copy while data/ is being edited)."""
    return Path(os.environ.get("XXGK_TEST_DATA") or ROOT / "data")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The real site built from data/."""
    return build_site(site_data(), tmp_path_factory.mktemp("site"))


# --- a real headless Chromium against the built site served on 127.0.0.1 ----------------------------------

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def serve(directory: Path):
    """Serve a folder on 127.0.0.1; returns (base URL, server)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url(site):
    url, server = serve(site)
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make browser` (installs Debian's chromium and fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url):
    """A page that records every request that leaves the local server."""
    pg = browser.new_page()
    pg.foreign = []
    host = urlsplit(base_url).netloc

    def record(request):
        if urlsplit(request.url).netloc not in (host, "") and not request.url.startswith("data:"):
            pg.foreign.append(request.url)

    pg.on("request", record)
    yield pg
    assert pg.foreign == [], f"requests to other hosts: {pg.foreign}"
    pg.close()


def shoot(pg, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


