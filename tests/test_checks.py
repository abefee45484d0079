"""Every check on packages broken on purpose: exact findings (code, file, line, field) for each case,
and every finding code a check declares is triggered by some case."""

from pathlib import Path

import pytest

from broken import CASES, SERIES_CASES, make
from xxgk.checks import declared_codes
from xxgk.validate import validate, validate_package


def findings_of(case, tmp_path, monkeypatch):
    folder = make(case, tmp_path / case.name)
    monkeypatch.setenv("XXGK_SOURCES", str(tmp_path / case.name / "sources"))
    monkeypatch.setenv("XXGK_CACHE", str(tmp_path / "derived"))
    if case.name in SERIES_CASES:
        found, _ = validate([str(folder)])
    else:
        found = validate_package(folder)
    return sorted(((f.code, Path(f.file).name, f.line, f.field) for f in found), key=str)


def test_the_fixture_is_valid(tmp_path, monkeypatch):
    from broken import FIXTURE

    monkeypatch.setenv("XXGK_SOURCES", str(FIXTURE / "sources"))
    found, checked = validate([str(FIXTURE)])
    assert found == [] and len(checked) == 4


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_case(case, tmp_path, monkeypatch):
    assert findings_of(case, tmp_path, monkeypatch) == sorted(case.expected, key=str)


def test_every_declared_code_has_a_case():
    covered = {code for c in CASES for code, *_ in c.expected}
    assert sorted(declared_codes() - covered) == []


def test_case_names_are_unique():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
