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
