"""xxgk build as an operation: atomic, locked, cleaning up after killed builds, refusing bad data, validating what it renders.

Also: the stock Frictionless tool accepts the packages as documented, and `make clean` removes what the registry
says the project generates and nothing else.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_xxgk


@pytest.fixture
def small_data(tmp_path):
    """data/ with two reports (one per kind of source), so each build takes a few seconds."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("drafts"))
    for rep in (data / "reports").iterdir():
        if rep.name not in ("370000-hrss-2018", "320800-gov-2024"):
            shutil.rmtree(rep)
    return data


def build(data: Path, out: Path):
    return subprocess.Popen([sys.executable, "-m", "xxgk", "build", "--data", str(data), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def scratch_dirs() -> set:
    return {p.name for p in Path(tempfile.gettempdir()).glob("xxgk-build-*")}


def test_a_killed_build_leaves_the_last_generation_whole_and_is_cleaned_up(small_data, tmp_path):
    out = tmp_path / "docs"
    first = build(small_data, out)
    assert first.wait() == 0, first.stderr.read()
    before = tree(out)
    assert out.is_symlink() and len(before) > 30
    (small_data / "reports/370000-hrss-2018/report.csv").write_text(
        (small_data / "reports/370000-hrss-2018/report.csv").read_text(encoding="utf-8").replace("2019-03-28", "2019-03-29"),
        encoding="utf-8")
    killed = build(small_data, out)
    deadline = time.time() + 60
    while not (scratch_dirs() - {p for p in scratch_dirs() if not p.startswith(f"xxgk-build-{killed.pid}-")}) and time.time() < deadline:
        time.sleep(0.05)  # wait until it is writing pages into its scratch folder
    time.sleep(0.3)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert tree(out) == before  # readers still see the whole previous generation
    assert any(p.startswith(f"xxgk-build-{killed.pid}-") for p in scratch_dirs())  # it left its scratch behind
    again = build(small_data, out)
    assert again.wait() == 0, again.stderr.read()
    assert not any(p.startswith(f"xxgk-build-{killed.pid}-") for p in scratch_dirs())  # cleaned by the next build
    generations = [p for p in out.parent.iterdir() if p.name.startswith("docs.")]
    assert len(generations) == 1 and out.resolve() == generations[0].resolve()
    assert "2019-03-29" in (out / "reports/370000-hrss-2018/index.md").read_text(encoding="utf-8")
    assert not list(ROOT.glob(".xxgk-build-*"))  # nothing in the repository root


def test_two_builds_at_once_do_not_collide(small_data, tmp_path):
    out = tmp_path / "docs"
    a, b = build(small_data, out), build(small_data, out)
    codes = sorted([a.wait(), b.wait()])
    errs = a.stderr.read() + b.stderr.read()
    assert codes in ([0, 0], [0, 2]), errs  # the second waits for nothing: it refuses, saying why
    if codes == [0, 2]:
        assert "另一个 xxgk build 正在生成" in errs
    assert (out / "index.md").is_file()


def test_bad_data_builds_nothing_and_keeps_the_previous_site(small_data, tmp_path):
    out = tmp_path / "docs"
    assert build(small_data, out).wait() == 0
    before = tree(out)
    cells = small_data / "crosswalk" / "cells.csv"
    cells.write_text(cells.read_text(encoding="utf-8").replace("requests/new/total", "requests/new/totl", 1), encoding="utf-8")
    p = build(small_data, out)
    assert p.wait() == 1
    stdout = p.stdout.read()
    assert "unknown-cell" in stdout and "没有生成页面" in stdout and "Traceback" not in p.stderr.read()
    assert tree(out) == before


def test_stock_frictionless_validates_the_packages_as_documented():
    """README and CONTRIBUTING give `frictionless validate --trusted <descriptor>`: it passes on every package."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "frictionless validate --trusted" in readme
    frictionless = Path(sys.executable).parent / "frictionless"
    for desc in sorted((ROOT / "data").glob("*/*/datapackage.yaml")) + [ROOT / "data/crosswalk/datapackage.yaml"]:
        if desc.parent.parent.name == "drafts":
            continue
        result = subprocess.run([str(frictionless), "validate", "--trusted", str(desc)], capture_output=True, text=True)
        assert result.returncode == 0, (desc, result.stdout[-2000:])


def test_make_clean_removes_the_registered_outputs_only(tmp_path):
    from xxgk.site.registry import OUTPUTS, clean

    root = tmp_path / "repo"
    for name in OUTPUTS:
        (root / name).mkdir(parents=True)
        (root / name / "x").write_text("x")
    (root / "data").mkdir()
    (root / "data" / "keep.csv").write_text("a\n")
    (root / "sources").mkdir()
    assert sorted(clean(root)) == sorted(OUTPUTS)
    assert sorted(p.name for p in root.iterdir()) == ["data", "sources"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "xxgk.site.registry clean" in makefile


@pytest.mark.parametrize("args,code,message", [
    (["search-index", "/nonexistent"], 2, "index.html 不存在"),
    (["bench", "--sizes", "x"], 2, ""),
    (["bench", "--sizes", "0"], 2, ""),
    (["site", "--jobs", "0"], 2, "不小于 1 的整数"),
    (["validate", "--jobs", "-3"], 2, "不小于 1 的整数"),
    (["site", "--part", "y1800", "--no-validate"], 2, "没有分卷 y1800"),
])
def test_commands_reject_bad_arguments_cleanly(args, code, message):
    result = run_xxgk(*args)
    assert result.returncode == code and "Traceback" not in result.stderr, result.stdout + result.stderr
    assert message in result.stdout + result.stderr


def test_generated_pages_and_downloads_are_never_in_the_work_tree():
    """Generated pages live in build/ (ignored), not in docs/."""
    from xxgk.site.registry import GENERATED

    for name in GENERATED:
        assert not (ROOT / "docs" / name.rstrip("/")).exists(), name
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "/build/" in ignored and "/sources/" in ignored
    assert os.path.islink(ROOT / "build" / "docs") or not (ROOT / "build" / "docs").exists()


def test_a_build_in_process_leaves_the_process_signals_and_excepthook_alone(small_data, tmp_path):
    """Tests, a server or a Dask worker build in their own process: the build must not change how that process
    dies (csvkit's utilities set SIGPIPE to its default and replace sys.excepthook when they start)."""
    from xxgk.site.build import build as build_in_process

    pipe, hook = signal.getsignal(signal.SIGPIPE), sys.excepthook
    assert build_in_process(data_dir=small_data, out_dir=tmp_path / "docs") == 0
    assert (tmp_path / "docs" / "downloads" / "all-statistics.csv").stat().st_size > 0
    assert signal.getsignal(signal.SIGPIPE) == pipe
    assert sys.excepthook is hook


def test_the_outputs_are_listed_once_and_followed_everywhere():
    """.gitignore ignores, and validation skips, exactly what the registry says the project generates."""
    from xxgk import paths
    from xxgk.site.registry import OUTPUTS

    ignored = {line.strip().strip("/") for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    assert set(OUTPUTS) <= ignored
    assert set(OUTPUTS) <= paths.NOT_DATA
