"""The GitHub workflows: linted, least privilege, pinned, and calling only what the tests also run."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent
# Each step's command, and the test that runs the same thing.
ALLOWED_RUNS = {
    "make setup": "every test (conftest imports xxgk from the set-up environment)",
    "make test": "the whole suite",
    "make site": "conftest.build_site builds the site the same way (xxgk site), test_parts.py in parts",
    '.venv/bin/xxgk site --part "$PART"': "test_parts.py::test_a_removed_report_leaves_the_site_and_one_part_builds_alone",
    'echo "parts=$(.venv/bin/xxgk site --list-parts)" >> "$GITHUB_OUTPUT"': "test_parts.py::test_parts_are_listed_for_a_ci_matrix",
    "scripts/bootstrap.sh sources": "test_build.py: building without the source cache says so (test_validate.py too)",
    ".venv/bin/xxgk validate --format github": "test_validate.py::test_formats, test_contributor.py",
    '.venv/bin/xxgk validate --format markdown >> "$GITHUB_STEP_SUMMARY"': "test_validate.py::test_markdown_summary",
    '.venv/bin/xxgk diff "$BASE_SHA" HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"': "test_contributor.py",
}


def tool(name):
    return str(BIN / name) if (BIN / name).exists() else shutil.which(name)


def test_actionlint_is_clean():
    result = subprocess.run([tool("actionlint"), *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_is_clean():
    result = subprocess.run([tool("zizmor"), "--offline", "--no-progress", str(ROOT / ".github" / "workflows")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_least_privilege():
    for path in WORKFLOWS:
        wf = load(path)
        assert wf["permissions"] == {"contents": "read"}, path.name
        for name, job in wf["jobs"].items():
            perms = job.get("permissions")
            if perms:
                assert path.name == "pages.yml" and name == "deploy", (path.name, name)
                assert perms == {"pages": "write", "id-token": "write"}


def test_actions_are_pinned_to_commits():
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w-]+/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_every_run_step_is_a_make_target_or_xxgk_command():
    runs = [step["run"].strip() for path in WORKFLOWS for job in load(path)["jobs"].values()
            for step in job["steps"] if "run" in step]
    assert runs
    assert set(runs) <= set(ALLOWED_RUNS), set(runs) - set(ALLOWED_RUNS)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for run in runs:
        if run.startswith("make "):
            assert re.search(rf"^{run.split()[1]}:", makefile, re.M), run


def test_pull_requests_get_a_diff_and_forks_need_no_secrets():
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "secrets." not in ci and "pull_request_target" not in ci
    assert "xxgk diff" in ci and "GITHUB_STEP_SUMMARY" in ci
