"""xxgk import: OCR repairs on real snippets, every kind of source, both layouts, run-together tables,
never a crash, never an overwrite, and the evaluation targets."""

import csv
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, needs_sources, run_xxgk, source_file
from xxgk import model, ocrfix
from xxgk.importer import ImportError_, import_report
from xxgk.model import UserError
from xxgk.text import apply_layout
from xxgk.validate import validate_package

HUAIAN = ROOT / "data" / "reports" / "320800-gov-2024"
SEED = ROOT / "data" / "reports" / "370000-hrss-2018"
PDF = "huaian-2024-szfgs2024.pdf"
OCR = "000_b6e4372336266b61.txt"
PT = "pingtan/350128-pingtan-zhsyq-{}.{}"


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


# --- the evaluation targets: every curated report, every source kind ------------------------------

@needs_sources(PDF, OCR)
def test_evaluation_meets_the_targets():
    from xxgk.importer.evaluate import evaluate_all

    results = evaluate_all()
    assert results and not [r.error for r in results if r.error]
    for r in results:
        assert r.wrong == 0, (r.report, r.kind, r.wrong_cells)  # every cell right or flagged
        assert r.unflagged == 0, (r.report, r.kind)
        if r.kind != "text-flattened":  # a page saved as one line of text keeps no paragraph boundaries to find
            assert r.prose_same == r.prose_total, (r.report, r.kind)
        assert r.seconds < 5, (r.report, r.kind, r.seconds)
    huaian = next(r for r in results if r.report == HUAIAN.name and r.kind == "pdf-text")
    assert huaian.right == huaian.cells


def _out(tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_CACHE", str(tmp_path / "derived"))
    return tmp_path / "anywhere" / "drafts"


@needs_sources(PDF, OCR, PT.format(2021, "html"), PT.format(2017, "html"), PT.format(2021, "txt"))
@pytest.mark.parametrize("name,rid,kind,template", [
    (PDF, HUAIAN.name, "pdf-text", "national-2021"),
    (OCR, SEED.name, "ocr-text", "national-2014"),
    (PT.format(2021, "html"), "350128-zhsyq-2021", "html", "national-2021"),
    (PT.format(2017, "html"), "350128-zhsyq-2017", "html", "fujian-pre-2019"),
    (PT.format(2021, "txt"), "350128-zhsyq-2021", "ocr-text", "national-2021"),
    ("pingtan/350128-pingtan-dishui-2013.html", "350128-dishui-2013", "html", ""),
])
def test_a_draft_validates_wherever_it_is_written(name, rid, kind, template, tmp_path, monkeypatch):
    """Written outside data/ (no schemas copied beside it), with the template recognised from the table."""
    out = _out(tmp_path, monkeypatch)
    result = run_xxgk("import", source_file(name), "--id", rid, "--out", out, env={"XXGK_CACHE": str(tmp_path / "derived")})
    assert result.returncode == 0, result.stderr
    assert (template or "没有统计表") in result.stdout
    folder = out / rid
    assert [f for f in validate_package(folder) if f.severity == "error"] == []
    meta = model.load_report(folder).meta
    assert (meta["template"] or "") == template
    assert model.sources_by_name(model.load_descriptor(folder / "datapackage.yaml"))["source"]["kind"] == kind
    assert (folder / "review.md").is_file()


@needs_sources(PDF, PT.format(2021, "html"), OCR)
def test_every_value_records_where_it_was_read(tmp_path, monkeypatch):
    out = _out(tmp_path, monkeypatch)
    pdf = import_report(source_file(PDF), HUAIAN.name, out)
    loc = pdf.cells[("requests", "new", "total")].locator
    assert re.fullmatch(r"line=\d+&page=4&bbox=[\d.]+,[\d.]+,[\d.]+,[\d.]+", loc), loc
    html = import_report(source_file(PT.format(2021, "html")), "350128-zhsyq-2021", out)
    assert html.cells[("requests", "new", "total")].locator == "table=2&row=4&col=11"
    ocr = import_report(source_file(OCR), SEED.name, out)
    assert re.fullmatch(r"line=\d+&chars=\d+-\d+", ocr.cells[("stats", "requests_received", "value")].locator)


# --- data loss: nothing may destroy curated work ---------------------------------------------------

@needs_sources(PDF)
def test_import_never_writes_into_an_existing_package(tmp_path):
    """Re-importing a curated report (from its own source) leaves it as it is and writes a draft beside it."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    env = {"XXGK_ROOT": str(repo), "XXGK_SOURCES": str(source_file(PDF).parent), "XXGK_CACHE": str(tmp_path / "derived")}
    before = {p.name: p.read_bytes() for p in (repo / "data/reports" / HUAIAN.name).iterdir()}
    result = run_xxgk("import", source_file(PDF), "--id", HUAIAN.name, env=env)
    assert result.returncode == 0, result.stderr
    assert {p.name: p.read_bytes() for p in (repo / "data/reports" / HUAIAN.name).iterdir()} == before
    assert (repo / "data/drafts" / HUAIAN.name / "statistics.csv").is_file()
    assert "已有整理好的数据包，没有改动它" in result.stdout and "不同的单元格：0 个" in result.stdout
    again = run_xxgk("import", source_file(PDF), "--id", HUAIAN.name, env=env)
    assert again.returncode == 2 and "不会覆盖" in again.stderr and "Traceback" not in again.stderr
    into = run_xxgk("import", source_file(PDF), "--id", HUAIAN.name, "--out", repo / "data/reports", env=env)
    assert into.returncode == 2 and "不会覆盖" in into.stderr
    assert {p.name: p.read_bytes() for p in (repo / "data/reports" / HUAIAN.name).iterdir()} == before


@pytest.mark.parametrize("content,message", [
    (b"", "空文件"), (b"%PDF-1.4\n%%EOF garbage", "不是可以读取的 PDF"), (b"\x00\x01\x02binary", "不是 PDF、网页或文本文件"),
])
def test_bad_sources_are_typed_errors(content, message, tmp_path):
    src = tmp_path / "source.pdf"
    src.write_bytes(content)
    result = run_xxgk("import", src, "--id", "320800-gov-2024", "--out", tmp_path / "out")
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_encrypted_pdf_is_a_typed_error(tmp_path):
    import pypdfium2

    plain = tmp_path / "plain.pdf"
    from PIL import Image

    Image.new("RGB", (200, 100), "white").save(plain)
    doc = pypdfium2.PdfDocument(str(plain))
    enc = tmp_path / "enc.pdf"
    try:
        doc.save(str(enc), version=17, flags=0)  # pypdfium2 writes no encryption: fall back to pdfminer's own test
    finally:
        doc.close()
    data = enc.read_bytes()
    if b"/Encrypt" not in data:  # make one by hand: an /Encrypt entry in the trailer makes readers ask for a password
        data = data.replace(b"trailer\n<<", b"trailer\n<</Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>", 1)
        enc.write_bytes(data)
    result = run_xxgk("import", enc, "--id", "320800-gov-2024", "--out", tmp_path / "out")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("bad", ["../templates/national-2021", "data/templates/national-2021", "national-1999"])
def test_template_takes_an_id_only(bad, tmp_path):
    result = run_xxgk("import", ROOT / "README.md", "--id", "320800-gov-2024", "--template", bad, "--out", tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "只接受模板编号" in result.stderr or "不存在" in result.stderr


# --- layouts: （六）其他处理 printed as three rows or as one ---------------------------------------------

def _collapse_other(html: str) -> str:
    """The 2021 matrix as an agency keeping the 2019 layout prints it: （六）其他处理 as one row (sum of its three)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    table = [t for t in soup.find_all("table") if "其他处理" in t.get_text()][0]
    trs = [tr for tr in table.find_all("tr") if "其他处理" in tr.get_text() or
           any(k in tr.get_text() for k in ("逾期不补正", "逾期未按收费", "3.其他"))]
    sums = None
    for tr in trs:
        nums = [int(td.get_text(strip=True)) for td in tr.find_all("td") if td.get_text(strip=True).isdigit()]
        sums = nums if sums is None else [a + b for a, b in zip(sums, nums)]
    first = trs[0]
    label = next(td for td in first.find_all("td") if "其他处理" in td.get_text())
    label.string = "（六）其他处理"
    label["rowspan"] = "1"
    for td in first.find_all("td"):
        if "逾期不补正" in td.get_text():
            td.decompose()
    for td, n in zip([td for td in first.find_all("td") if td.get_text(strip=True).isdigit()], sums):
        td.string = str(n)
    for tr in trs[1:]:
        tr.decompose()
    return str(soup)


@needs_sources(PT.format(2021, "html"))
def test_both_layouts_of_other_handling(tmp_path, monkeypatch):
    out = _out(tmp_path, monkeypatch)
    cols = ["natural", "commercial", "research", "social", "legal_services", "other", "total"]
    three = import_report(source_file(PT.format(2021, "html")), "350128-zhsyq-2021", out)
    assert all(three.cells[("requests", "other", c)].state == "absent" for c in cols)
    assert three.cells[("requests", "other_other", "total")].value == 1
    collapsed = tmp_path / "collapsed.html"
    collapsed.write_text(_collapse_other(source_file(PT.format(2021, "html")).read_text(encoding="utf-8")), encoding="utf-8")
    one = import_report(collapsed, "350128-zhsyqone-2021", out)
    assert one.template.id == "national-2021"  # table 二 still says 2021; the layout of 三 is the 2019 one
    assert one.cells[("requests", "other", "total")].value == 1 and one.cells[("requests", "other", "total")].state == "printed"
    assert all(one.cells[("requests", k, c)].state == "absent" for k in ("other_no_amendment", "other_no_fee", "other_other")
               for c in cols)
    for draft in (three, one):
        assert [f for f in validate_package(draft.folder) if f.severity == "error"] == []
        assert not any("R2" in r for r in draft.review)  # R2 holds in both layouts


# --- run-together text: split by the arithmetic, or flagged with the candidates -----------------------

@needs_sources(PT.format(2021, "txt"), PT.format(2023, "txt"))
def test_run_together_rows_are_split_by_the_rules(tmp_path, monkeypatch):
    out = _out(tmp_path, monkeypatch)
    d = import_report(source_file(PT.format(2021, "txt")), "350128-zhsyqt-2021", out)
    new = [d.cells[("requests", "new", c)] for c in ("natural", "commercial", "research", "social", "legal_services", "other", "total")]
    assert [int(c.value) for c in new] == [64, 0, 0, 2, 0, 4, 70] and {c.state for c in new} == {"derived"}
    assert "只有一种拆法" in new[0].note and new[0].source == "640020470"
    ledger = (d.folder / "corrections.csv").read_text(encoding="utf-8")
    assert "requests/new/natural" in ledger and "derived-rule" in ledger
    amb = import_report(source_file(PT.format(2023, "txt")), "350128-zhsyqt-2023", out)
    docs = [amb.cells[("art20_1", "normative_docs", c)] for c in ("issued", "repealed", "in_force")]
    assert all(c.value is None and c.state == "missing" for c in docs[1:])
    assert "不猜测" in docs[1].flag and "13" in docs[1].flag and "132" in docs[1].flag  # candidates of this cell
    row = next(r for r in amb.review if "满足全部规则的拆法有" in r and "77132470" in r)
    assert "77 | 13 | 2470" in row and "77 | 132 | 470" in row  # every reading of the row, for a person
    assert [f for f in validate_package(amb.folder) if f.severity == "error"] == []


# --- never a crash: every source there is ---------------------------------------------------------

def _all_sources() -> list[Path]:
    from xxgk.paths import source_caches

    out = []
    for cache in source_caches():
        out += sorted(p for p in cache.rglob("*") if p.is_file() and p.name != "manifest.csv" and "sha256" not in p.parts)
    return out


@pytest.mark.slow
def test_importer_never_crashes_on_any_source(tmp_path, monkeypatch):
    """Every file in the source caches ends in a draft that validates, or a typed error."""
    files = _all_sources()
    if not files:
        pytest.skip("no source cache")
    out = _out(tmp_path, monkeypatch)
    for i, f in enumerate(files):
        try:
            d = import_report(f, f"350128-src{i}-2020", out)
        except UserError:
            continue
        errors = [x for x in validate_package(d.folder) if x.severity == "error"]
        assert errors == [], (f, errors[:3])


# --- damaged copies: repaired or flagged, never silently wrong ---------------------------------------

def _pdf_text() -> str:
    from xxgk.importer.readers import read

    return read(source_file(PDF)).text


def _draft(tmp_path, text, template="national-2021", rid=HUAIAN.name):
    src = tmp_path / "damaged.txt"
    src.write_text(text, encoding="utf-8")
    return import_report(src, rid, tmp_path / "drafts", template_id=template, write=False)


def _curated(folder):
    with (folder / "statistics.csv").open(encoding="utf-8") as fh:
        return {(r["table"], r["row"], r["column"]): r["value"] for r in csv.DictReader(fh)}


@needs_sources(PDF)
def test_flipped_total_and_leaf_are_repaired_by_the_rules(tmp_path):
    text = _pdf_text()
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


@needs_sources(PDF)
def test_a_break_the_rules_cannot_locate_is_flagged_not_guessed(tmp_path):
    text = _pdf_text().replace("72 64 178 37 351", "72 64 178 37 352")  # table 四: only its row rule sees it
    draft = _draft(tmp_path, text)
    cells = [("appeals", "review", c) for c in ("upheld", "corrected", "other", "pending", "total")]
    assert all(draft.cells[c].state == "printed" for c in cells)  # nothing changed silently
    assert all(draft.cells[c].flag for c in cells)  # every candidate cell goes to the review list
    assert any("R4" in r for r in draft.review)


@needs_sources(OCR)
def test_a_damaged_ocr_total_is_flagged(tmp_path):
    text = source_file(OCR).read_text(encoding="utf-8").replace("(一 )收到申请数 件 128", "(一 )收到申请数 件 123")
    draft = _draft(tmp_path, text, "national-2014", SEED.name)
    got = draft.cells[("stats", "requests_received", "value")]
    assert got.value == Decimal(123) and got.state == "printed" and got.flag  # kept as printed, flagged
    assert any("H1" in r for r in draft.review)


def test_two_templates_that_fit_equally_are_both_named(tmp_path):
    """Only the requests matrix, （六） printed as one row, for a year neither format covers: the importer stops."""
    rows = ["<tr><td>一、本年新收政府信息公开申请数量</td>" + "<td>1</td>" * 6 + "<td>6</td></tr>"]
    html = ("<html><head><title>某机关2018年政府信息公开工作年度报告</title></head><body><div>"
            "<p>根据《中华人民共和国政府信息公开条例》，特发布本报告。本报告所列数据的统计期限自2018年1月1日起至2018年12月31日止。</p>"
            "<table><tr><td>申请人情况</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td>"
            "<td>其他</td><td>总计</td></tr>" + "".join(rows) + "</table></div></body></html>")
    src = tmp_path / "r.html"
    src.write_text(html, encoding="utf-8")
    with pytest.raises(ImportError_) as exc:
        import_report(src, "110000-x-2018", tmp_path / "out", write=False)
    assert "national-2019" in str(exc.value) and "national-2021" in str(exc.value) and "--template" in str(exc.value)
