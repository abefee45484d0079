"""The 淮安市人民政府 2024 report (format B): every PDF table cell is in the package, and the rules hold."""

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, needs_sources, source_file
from xxgk import model
from pdfplumber import open as open_pdf


def extract_tables(path):
    with open_pdf(str(path)) as doc:
        return [t for page in doc.pages for t in page.extract_tables()]
from xxgk.rules import ABSENT, HOLDS, NOT_APPLICABLE, evaluate
from xxgk.text import label_norm
from xxgk.validate import validate_package

REPORT = ROOT / "data" / "reports" / "320800-gov-2024"
PDF = "huaian-2024-szfgs2024.pdf"
NUMBER = re.compile(r"^\d+(\.\d+)?$")


@pytest.fixture(scope="module")
def stats():
    with (REPORT / "statistics.csv").open(encoding="utf-8") as fh:
        return {(r["table"], r["row"], r["column"]): r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def template():
    return model.load_template(ROOT / "data" / "templates" / "national-2021")


@needs_sources(PDF)
def test_recorded_text_is_the_pdfs_text_layer():
    """The text line numbers refer to is the PDF's text layer as the pdf-text reader extracts it, byte for byte."""
    import hashlib

    from xxgk.importer.readers import read

    desc = model.load_descriptor(REPORT / "datapackage.yaml")
    entry = model.sources_by_name(desc)["source_text"]
    text = read(source_file(PDF)).text
    assert "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest() == entry["hash"]
    assert entry["method"] == read(source_file(PDF)).method


@needs_sources(PDF)
def test_every_pdf_table_cell_is_in_the_package(stats, template):
    """Read the PDF's tables with pdfplumber, match each row by its label, compare every number."""
    by_norm = {}
    for r in template.rows:
        by_norm.setdefault(label_norm(r["label"]), []).append(r)
    found = {}
    for table in extract_tables(source_file(PDF)):
        for cells in table:
            numbers = [c for c in cells if c and NUMBER.match(c.strip())]
            labels = [c for c in cells if c and not NUMBER.match(c.strip())]
            if not numbers or not labels:
                continue
            rows = by_norm.get(label_norm(labels[-1]))
            assert rows, f"PDF row not matched to the template: {cells}"
            (row,) = rows
            cols = template.value_columns(row["table"])
            assert len(numbers) == len(cols), cells
            for col, value in zip(cols, numbers):
                found[(row["table"], row["key"], col["key"])] = value.strip()
    # table 四 prints its 15 numbers on one line under a three-level header
    appeals = next(t for t in extract_tables(source_file(PDF)) if any(c and "行政复议" in c for c in t[0]))
    numbers = [c.strip() for c in appeals[-1] if c and NUMBER.match(c.strip())]
    assert len(numbers) == 15
    cells = [("appeals", r, c) for r in ("review", "suit_direct", "suit_after_review")
             for c in ("upheld", "corrected", "other", "pending", "total")]
    found.update(zip(cells, numbers))
    printed = {c for c, r in stats.items() if r["state"] != "absent"}
    assert set(found) == printed and set(template.cells()) == set(stats)
    assert set(stats) - printed == {("requests", "other", c["key"]) for c in template.value_columns("requests")}
    for cell, value in found.items():
        assert Decimal(stats[cell]["value"]) == Decimal(value), cell
        assert stats[cell]["state"] == "printed" and stats[cell]["source_value"] == value


def test_rules_hold(stats, template):
    """R1–R4 hold; R5 (（六）其他处理 = its three rows) does not apply, since the report prints the three rows only."""
    values = {c: ABSENT if r["state"] == "absent" else Decimal(r["value"]) for c, r in stats.items()}
    results = evaluate(template, values)
    assert {r.rule["id"] for r in results} == {"R1", "R2", "R3", "R4", "R5"}
    assert len(results) == 26 + 7 + 7 + 3 + 7
    assert [r.id for r in results if r.status != HOLDS] == [f"R1[other]"] + [r.id for r in results if r.rule["id"] == "R5"]
    assert {r.status for r in results if r.rule["id"] == "R5" or r.id == "R1[other]"} == {NOT_APPLICABLE}
    r2 = [r for r in results if r.rule["id"] == "R2"]
    assert all(("requests", "other", r.scope) in r.virtual for r in r2)  # R2 checks the group through its three rows


@needs_sources(PDF)
def test_package_validates_clean():
    assert validate_package(REPORT) == []


def _copy(tmp_path):
    import shutil

    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data" / "reports" / REPORT.name


def _set(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@needs_sources(PDF)
def test_broken_printed_cell_is_a_source_finding_naming_table_row_and_column(tmp_path, monkeypatch):
    """A source whose text prints 54 where the row and column sums need 53 (its text in a private cache)."""
    from xxgk.sources import _store_text, text_of

    monkeypatch.setenv("XXGK_CACHE", str(tmp_path / "derived"))
    rep = _copy(tmp_path)
    _set(rep / "statistics.csv", 'requests,new,commercial,53,printed,84,"line=84&page=4&bbox=299.6,465.1,307.1,472.5",53,', 'requests,new,commercial,54,printed,84,"line=84&page=4&bbox=299.6,465.1,307.1,472.5",54,')
    text = "\n".join(text_of(model.load_descriptor(rep / "datapackage.yaml")).lines)
    assert "3001 53 0 0 61 4 3119" in text
    digest, _ = _store_text(text.replace("3001 53 0 0 61 4 3119", "3001 54 0 0 61 4 3119"))
    desc = rep / "datapackage.yaml"
    old_hash = re.findall(r"sha256:[0-9a-f]+", desc.read_text(encoding="utf-8"))[-1]
    _set(desc, old_hash, "sha256:" + digest)
    findings = validate_package(rep)
    assert {f.severity for f in findings} == {"source"}
    got = {(f.code, f.extra["rule"], f.extra["scope"]) for f in findings}
    # row "new" breaks R1; column "commercial" breaks R3: together they point at the one bad cell
    assert got == {("source-rule-violation", "R1", "new"), ("source-rule-violation", "R3", "commercial")}
    r1 = next(f for f in findings if f.extra["rule"] == "R1")
    assert "表 requests，行 new" in r1.message and r1.extra["cell"] == "requests/new/total"
    r3 = next(f for f in findings if f.extra["rule"] == "R3")
    assert "表 requests，列 commercial" in r3.message


def test_broken_corrected_cell_is_an_error_naming_the_cell(tmp_path):
    rep = _copy(tmp_path)
    _set(rep / "statistics.csv", 'requests,np_repeat,natural,25,printed,110,"line=110&page=5&bbox=264.0,162.1,271.4,169.5",25,', 'requests,np_repeat,natural,26,corrected,110,"line=110&page=5&bbox=264.0,162.1,271.4,169.5",25,')
    with (rep / "corrections.csv").open("a", encoding="utf-8") as fh:
        fh.write("c900,statistics,requests/np_repeat/natural,110,25,26,glyph,测试用的错误校正,测试依据,1\n")
    findings = [f for f in validate_package(rep) if f.code == "rule-violation"]
    assert {f.extra["rule"] for f in findings} == {"R1", "R2"}
    assert {f.extra["cell"] for f in findings} == {"requests/np_repeat/natural"}
    line = next(n for n, l in enumerate((rep / "statistics.csv").read_text(encoding="utf-8").splitlines(), 1)
                if l.startswith("requests,np_repeat,natural,"))
    assert {(f.line, f.field) for f in findings} == {(line, "value")}
