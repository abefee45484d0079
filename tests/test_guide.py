"""The recipes of the guide (docs/guide.md) run as printed, on the downloads of the built site."""

import csv
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT

GUIDE = ROOT / "docs" / "guide.md"
FILES = ("all-concepts.csv", "all-statistics.csv", "coverage.csv")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


@pytest.fixture
def downloads(site, tmp_path):
    for name in FILES:
        shutil.copyfile(site / "downloads" / name, tmp_path / name)
    return tmp_path


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def requests_received(folder: Path) -> dict[str, Decimal]:
    with (folder / "all-concepts.csv").open(encoding="utf-8", newline="") as fh:
        return {r["report_id"]: Decimal(r["value"]) for r in csv.DictReader(fh)
                if r["concept"] == "requests_received" and r["value"]}


def test_the_guide_has_csvkit_and_python_recipes():
    assert len(blocks("sh")) >= 5 and len(blocks("python")) >= 2
    assert {"csvgrep", "csvsort", "csvstat", "csvjoin", "csvcut"} <= set(re.findall(r"\bcsv[a-z]+", " ".join(blocks("sh"))))


@pytest.mark.parametrize("index", range(5))
def test_each_csvkit_recipe_runs_and_says_what_the_data_says(downloads, index):
    script = blocks("sh")[index]
    result = run(["bash", "-euo", "pipefail", "-c", script], downloads)
    # head closes the pipe early: csvkit's tools end quietly then (SIGPIPE), which pipefail reports as 141
    assert result.returncode in (0, 141), result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr
    out = result.stdout.strip().splitlines()
    expected = requests_received(downloads)
    if "csvstat" in script:
        assert Decimal(out[-1].replace(",", "")) == sum(expected.values())
    elif "csvsort" in script:
        assert out[0] == "agency,year,value"
        values = [Decimal(line.rsplit(",", 1)[1]) for line in out[1:]]
        assert values == sorted(expected.values(), reverse=True)[:10]
    elif "csvjoin" in script:
        assert out[0] == "report_id,agency,year,value,value2" and len(out) > 1
    elif "missing" in script:
        assert out[0] == "row_label,note" and len(out) > 1
    else:
        assert out[0] == "agency,year,url"


@pytest.mark.parametrize("index", range(2))
def test_each_python_recipe_runs(downloads, index):
    result = run([sys.executable, "-c", blocks("python")[index]], downloads)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
