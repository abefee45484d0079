"""xxgk import: OCR repairs on real snippets, the evaluation targets, and damaged copies."""

import csv
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, run_xxgk
from xxgk import ocrfix
from xxgk.importer import evaluate_against_curated, import_report
from xxgk.text import apply_layout

HUAIAN = ROOT / "data" / "reports" / "320800-gov-2024"
SEED = ROOT / "data" / "reports" / "370000-hrss-2018"


# --- each normalisation, on snippets from the two sources -------------------------------

@pytest.mark.parametrize("fn,before,after", [
    (ocrfix.enclosed_numerals, "所列统计数据期限自⒛18年 1月 1日 起至⒛18年 12月 31", "所列统计数据期限自2018年 1月 1日 起至2018年 12月 31"),
    (ocrfix.kangxi_radicals, "淮安市⼈⺠政府办公室根据《中华⼈⺠共和国政府", "淮安市人⺠政府办公室根据《中华人⺠共和国政府"),
    (ocrfix.split_characters, "新媒体,推动政务公开和信 `急发", "新媒体,推动政务公开和信息发"),
    (ocrfix.split_characters, "`急", "息"),
    (ocrfix.split_characters, "信 .惑公开目录", "信息公开目录"),
    (ocrfix.split_characters, "信发布近 1000条 ,累计阅读量超过 146万 ,点赞J总 量超过 1", "信发布近 1000条 ,累计阅读量超过 146万 ,点赞总 量超过 1"),
    (ocrfix.split_characters, "步提高;信 J息公开的广度、深度还不够;", "步提高;信息公开的广度、深度还不够;"),
    (ocrfix.document_numbers, "好政务公开工作的通知》(鲁政办发 匚⒛18〕 21号 ),紧紧围", "好政务公开工作的通知》(鲁政办发 〔⒛18〕 21号 ),紧紧围"),
    (ocrfix.document_numbers, "(鲁人社发 E⒛ 18〕 ⒛ 号 )和", "(鲁人社发 〔⒛ 18〕 ⒛ 号 )和"),
    (ocrfix.numeric_tokens, "要求,及时在网站公开我厅 2018年度部门预算、zO17年部", "要求,及时在网站公开我厅 2018年度部门预算、2017年部"),
    (ocrfix.quantity_words, "高接通率。2018年省本级来电总量达 196万佘个,其 中自动", "高接通率。2018年省本级来电总量达 196万余个,其 中自动"),
])
def test_each_normalisation_on_real_snippets(fn, before, after):
    text, fixes = fn(before)
    assert text == after
    assert fixes and all(f.reason for f in fixes)  # every change recorded, with its reason


def test_letters_are_digits_only_in_a_numeric_context():
    for words in ("甲方乙方", "山东人社腾讯微博", "H5等动态可视的方式", "手机 APP和 电脑端", "微信传播指数WIC为 738.71"):
        assert ocrfix.numeric_tokens(words) == (words, [])


def test_spaces_inside_chinese_are_removed_but_not_between_latin_words():
    text, counts = apply_layout("召 开专题会议 , 手机 APP和 电脑端 ,hazwgkc@163.com Foo Bar")
    assert text == "召开专题会议，手机APP和电脑端，hazwgkc@163.com Foo Bar"
    assert counts["whitespace"] > 0


def test_reading_a_table_value():
    assert ocrfix.read_number("5560") == ("5560", "printed")
    assert ocrfix.read_number("l") == ("1", "confusion")
    assert ocrfix.read_number("茌210") == (None, "unreadable")
    assert ocrfix.confusable_readings("9乙") == ["92"]


# --- the evaluation targets -------------------------------------------------------------

def test_evaluation_meets_the_targets(tmp_path):
    results = {r["report"]: r for r in evaluate_against_curated(tmp_path)}
    huaian, seed = results[HUAIAN.name], results[SEED.name]
    for table in huaian["tables"].values():
        assert table["right"] == table["cells"] and table["wrong"] == 0
    assert seed["printed_or_corrected_right"] == seed["printed_or_corrected"]
    assert seed["curated_missing_flagged"] == seed["curated_missing"]
    for r in results.values():
        assert all(t["wrong"] == 0 and t["unflagged"] == 0 for t in r["tables"].values()), r
        assert r["prose_same"] == r["prose_paragraphs"]


def test_drafts_validate(tmp_path):
    data = tmp_path / "data"
    for name in ("schemas", "templates"):
        shutil.copytree(ROOT / "data" / name, data / name)
    for src, template, rid, agency in ((HUAIAN / "source.pdf", "national-2021", HUAIAN.name, "淮安市人民政府"),
                                       (SEED / "source.txt", "national-2014", SEED.name, "山东省人力资源和社会保障厅")):
        result = run_xxgk("import", src, "--template", template, "--id", rid, "--agency", agency, "--out", data / "reports")
        assert result.returncode == 0, result.stderr
        check = run_xxgk("validate", data / "reports" / rid)
        assert check.returncode == 0, check.stdout
        assert (data / "reports" / rid / "review.md").is_file()


# --- damaged copies: repaired or flagged, never silently wrong ---------------------------

def _draft(tmp_path, text, template="national-2021", rid=HUAIAN.name, agency="淮安市人民政府"):
    src = tmp_path / "damaged.txt"
    src.write_text(text, encoding="utf-8")
    for name in ("schemas", "templates"):
        if not (tmp_path / "data" / name).exists():
            shutil.copytree(ROOT / "data" / name, tmp_path / "data" / name)
    return import_report(src, template, rid, tmp_path / "data" / "reports", agency=agency)


def _curated(folder):
    with (folder / "statistics.csv").open(encoding="utf-8") as fh:
        return {(r["table"], r["row"], r["column"]): r["value"] for r in csv.DictReader(fh)}


def test_flipped_total_and_leaf_are_repaired_by_the_rules(tmp_path):
    text = (HUAIAN / "source.txt").read_text(encoding="utf-8")
    text = text.replace("3001 53 0 0 61 4 3119", "3001 53 0 0 61 4 3179")  # a total
    text = text.replace("2.重复申请 25 0 0 0 0 0 25", "2.重复申请 23 0 0 0 0 0 25")  # a leaf
    draft = _draft(tmp_path, text)
    curated = _curated(HUAIAN)
    for cell, printed in (("requests", "new", "total"), "3179"), (("requests", "np_repeat", "natural"), "23"):
        got = draft.cells[cell]
        assert got.state == "corrected" and got.value == Decimal(curated[cell]), cell
        assert got.flag and printed in got.flag  # and a person is told
    wrong = [c for c, x in draft.cells.items() if x.value is not None and x.value != Decimal(curated[c])]
    assert wrong == []


def test_a_break_the_rules_cannot_locate_is_flagged_not_guessed(tmp_path):
    text = (HUAIAN / "source.txt").read_text(encoding="utf-8")
    text = text.replace("72 64 178 37 351", "72 64 178 37 352")  # table 四: only its row rule sees it
    draft = _draft(tmp_path, text)
    cells = [("appeals", "review", c) for c in ("upheld", "corrected", "other", "pending", "total")]
    assert all(draft.cells[c].state == "printed" for c in cells)  # nothing changed silently
    assert all(draft.cells[c].flag for c in cells)  # every candidate cell goes to the review list
    assert any("R4" in r for r in draft.review)


def test_a_damaged_ocr_total_is_flagged(tmp_path):
    text = (SEED / "source.txt").read_text(encoding="utf-8").replace("(一 )收到申请数 件 128", "(一 )收到申请数 件 123")
    draft = _draft(tmp_path, text, "national-2014", SEED.name, "山东省人力资源和社会保障厅")
    got = draft.cells[("stats", "requests_received", "value")]
    assert got.value == Decimal(123) and got.state == "printed" and got.flag  # kept as printed, flagged
    assert any("H1" in r for r in draft.review)


def test_scanned_pdf_says_ocr_is_needed(tmp_path):
    """A PDF without a text layer: a clear message naming the OCR tool, exit 2, no traceback."""
    from PIL import Image

    pdf = tmp_path / "scan.pdf"
    Image.new("RGB", (200, 100), "white").save(pdf)
    result = run_xxgk("import", pdf, "--template", "national-2021", "--id", "320800-gov-2024", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "OCR" in result.stderr and "tesseract" in result.stderr and "Traceback" not in result.stderr
