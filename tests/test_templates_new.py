"""The new statistics templates and the two layouts of （六）其他处理, checked on real printed figures.

* national-2019 (the 2019 trial format) on the 平潭综合实验区 2019 report;
* fujian-pre-2019 (Fujian's provincial table) on every pre-2019 Pingtan table, 2011–2018;
* national-2021 on the 淮安 2024 report (（六）其他处理 printed as three sub-rows) and on a
  collapsed copy of it (printed as one row, as agencies that kept the 2019 layout do).

The Pingtan values are copied from the published web pages (the HTML in the source cache,
../shared/sources/pingtan/<id>.html; sources are never committed), each block naming its page:
labels exactly as printed (only whitespace inside a cell removed), numbers as printed, an empty
string for an empty cell. A row a page does not print is absent (xxgk.rules.ABSENT), an empty
cell is missing (None). The 淮安 values are read from the report package's statistics.csv.

Statuses asserted here are the real ones, including the contradictions in the sources: a
broken rule in this file is a finding about the Pingtan pages, not a fault of the template.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pytest

from conftest import ROOT
from xxgk import model
from xxgk.rules import (ABSENT, BROKEN, HOLDS, NOT_APPLICABLE, SERIES_KINDS, UNKNOWN, WITHIN_KINDS, evaluate,
                        expand, virtual_values)
from xxgk.text import label_norm

TEMPLATES = ROOT / "data" / "templates"
ALL = ("national-2014", "national-2019", "national-2021", "fujian-pre-2019")


@pytest.fixture(scope="module")
def tpl():
    return {t: model.load_template(TEMPLATES / t) for t in ALL}


def not_holding(results) -> dict[str, str]:
    return {r.id: r.status for r in results if r.status != HOLDS}


def number(text: str):
    """A printed number (a trailing unit such as 元 dropped); an empty cell is missing."""
    text = text.strip().removesuffix("元")
    return Decimal(text) if text else None


# --- a series rule on two reports' values (the semantics of rules.csv: carry, running_total) -----------

def series(template, rule: dict, earlier: dict, later: dict) -> dict[str, str]:
    """Status of each instance of a series rule between the reports of years t−1/t (running_total)
    or t/t+1 (carry). Absent cells take their group's virtual value where they have one (as the
    within-report check does); a cell still absent makes the instance not applicable, a missing
    one unknown."""
    a = {**earlier, **virtual_values(template, earlier)}
    b = {**later, **virtual_values(template, later)}
    out = {}
    for scope, total, parts in expand(template, rule):
        if rule["kind"] == "carry":
            left, right = [a.get(c, ABSENT) for c in total], [b.get(c, ABSENT) for c in parts]
        else:
            left = [b.get(c, ABSENT) for c in total]
            right = [a.get(c, ABSENT) for c in total] + [b.get(c, ABSENT) for c in parts]
        cells = left + right
        if any(v is ABSENT for v in cells):
            out[scope] = NOT_APPLICABLE
        elif any(v is None for v in cells):
            out[scope] = UNKNOWN
        else:
            out[scope] = HOLDS if sum(left, Decimal(0)) == sum(right, Decimal(0)) else BROKEN
    return out


# --- the templates themselves -----------------------------------------------------------------------------

@pytest.mark.parametrize("tid", ALL)
def test_every_rule_names_cells_of_its_template(tpl, tid):
    t = tpl[tid]
    cells = set(t.cells())
    assert t.rules
    for rule in t.rules:
        assert rule["kind"] in WITHIN_KINDS + SERIES_KINDS, rule["id"]
        if rule["kind"] in SERIES_KINDS:
            assert rule["for_each"] in ("row", "column"), rule["id"]
        instances = expand(t, rule)
        assert instances, rule["id"]
        for _, total, parts in instances:
            assert total and parts, rule["id"]
            assert set(total + parts) <= cells, (rule["id"], set(total + parts) - cells)


@pytest.mark.parametrize("tid", ALL)
def test_labels_are_normalised_and_targets_exist(tpl, tid):
    t = tpl[tid]
    for item in t.rows + t.columns:
        assert item["label_norm"] == label_norm(item["label"]), item["label"]
    for v in t.labels:
        assert v["label_norm"] == label_norm(v["label"]), v["label"]
        target = v["target"]
        found = t.column(v["table"], target[1:]) if target.startswith("@") else t.row(v["table"], target)
        assert found is not None and found.get("kind", "item") == "item", target
        if v["pattern"]:
            assert re.fullmatch(v["pattern"], v["label_norm"]), v
        assert v["label_norm"] != found["label_norm"] or v["unit"], f"{target}: a variant must differ in label or unit"


def test_optional_rows(tpl):
    opt = {tid: {r["key"] for r in tpl[tid].rows if r["optional"]} for tid in ALL}
    assert opt["national-2014"] == set() and opt["national-2019"] == set()
    assert opt["national-2021"] == {"other", "other_no_amendment", "other_no_fee", "other_other"}
    assert opt["fujian-pre-2019"] == {"received_email", "received_fax_letter", "received_fax", "received_letter",
                                      "received_other", "reply_other", "fee_waiver", "complaints",
                                      "complaints_reports", "lawsuits_reports"}
    signed = {(tid, c["table"], c["key"]) for tid in ALL for c in tpl[tid].columns if c["signed"]}
    assert signed == {("national-2019", t, "items_change") for t in ("art20_5", "art20_6", "art20_8")}


def test_2019_and_2021_share_the_keys_of_tables_three_and_four(tpl):
    """Same keys where the meaning is the same: figures compare and C1 chains a 2020 report to a 2021 one."""
    old, new = tpl["national-2019"], tpl["national-2021"]
    for table in ("requests", "appeals"):
        assert {(c["key"], c["label_norm"]) for c in old.columns if c["table"] == table} == \
               {(c["key"], c["label_norm"]) for c in new.columns if c["table"] == table}
        old_rows = {(r["key"], r["label_norm"]) for r in old.rows if r["table"] == table}
        new_rows = {(r["key"], r["label_norm"]) for r in new.rows if r["table"] == table}
        assert old_rows <= new_rows
        assert {k for k, _ in new_rows - old_rows} <= {"other_no_amendment", "other_no_fee", "other_other"}
    carry = {t: next(r for r in tpl[t].rules if r["kind"] == "carry") for t in ("national-2019", "national-2021")}
    for t, rule in carry.items():
        assert (rule["total"], rule["parts"], rule["for_each"]) == ("carry_forward", "carried", "column"), t
    # a 2020 report (national-2019) carries into a 2021 one (national-2021): every cell exists in both
    for _, total, parts in expand(old, carry["national-2019"]):
        assert set(total) <= set(old.cells()) and set(parts) <= set(new.cells())


def test_crosswalk_cells_exist(tpl):
    cw = model.load_crosswalk()
    concepts = {c["concept"] for c in cw.concepts}
    for row in cw.cells:
        assert row["concept"] in concepts
        cells = set(tpl[row["template"]].cells())
        for ref in row["cells"].split():
            assert model.parse_cell_ref(ref) in cells, (row["concept"], row["template"], ref)


# --- national-2019 on the 平潭综合实验区 2019 report ------------------------------------------------------
# 平潭综合实验区2019年度政府信息公开工作年度报告: sources/pingtan/350128-pingtan-zhsyq-2019.html.
# Per table: the row label as printed, then the numbers of its value columns left to right.
PINGTAN_2019 = {
    "art20_1": [("规章", "0 0 0"), ("规范性文件", "89 89 89")],
    "art20_5": [("行政许可", "396 0 181"), ("其他对外管理服务事项", "10 0 153")],
    "art20_6": [("行政处罚", "2648 0 430"), ("行政强制", "126 0 25")],
    "art20_8": [("行政事业性收费", "35 0")],
    "art20_9": [("政府集中采购", "135 75394432.52元")],
    "requests": [
        ("一、本年新收政府信息公开申请数量", "23 0 0 0 0 0 23"),
        ("二、上年结转政府信息公开申请数量", "0 0 0 0 0 0 0"),
        ("（一）予以公开", "7 0 0 0 0 0 7"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1 0 0 0 0 0 1"),
        ("1.属于国家秘密", "0 0 0 0 0 0 0"),
        ("2.其他法律行政法规禁止公开", "0 0 0 0 0 0 0"),
        ("3.危及“三安全一稳定”", "0 0 0 0 0 0 0"),
        ("4.保护第三方合法权益", "0 0 0 0 0 0 0"),
        ("5.属于三类内部事务信息", "0 0 0 0 0 0 0"),
        ("6.属于四类过程性信息", "0 0 0 0 0 0 0"),
        ("7.属于行政执法案卷", "0 0 0 0 0 0 0"),
        ("8.属于行政查询事项", "0 0 0 0 0 0 0"),
        ("1.本机关不掌握相关政府信息", "7 0 0 0 0 0 7"),
        ("2.没有现成信息需要另行制作", "0 0 0 0 0 0 0"),
        ("3.补正后申请内容仍不明确", "5 0 0 0 0 0 5"),
        ("1.信访举报投诉类申请", "0 0 0 0 0 0 0"),
        ("2.重复申请", "3 0 0 0 0 0 3"),
        ("3.要求提供公开出版物", "0 0 0 0 0 0 0"),
        ("4.无正当理由大量反复申请", "0 0 0 0 0 0 0"),
        ("5.要求行政机关确认或重新出具已获取信息", "0 0 0 0 0 0 0"),
        ("（六）其他处理", "0 0 0 0 0 0 0"),
        ("（七）总计", "23 0 0 0 0 0 23"),
        ("四、结转下年度继续办理", "0 0 0 0 0 0 0"),
    ],
    # table 四 prints its 15 numbers in one row under the header 行政复议 | 未经复议直接起诉 | 复议后起诉
    "appeals": [("行政复议", "0 0 0 0 0"), ("未经复议直接起诉", "0 0 0 0 0"), ("复议后起诉", "0 0 0 0 0")],
}


def page_values(template, page: dict) -> dict:
    """Map each printed row to the template row with the same label_norm, its numbers to the value columns."""
    values = {}
    for table, rows in page.items():
        cols = [c["key"] for c in template.value_columns(table)]
        by_norm = {r["label_norm"]: r["key"] for r in template.item_rows(table)}
        for label, numbers in rows:
            key = by_norm[label_norm(label)]
            nums = numbers.split()
            assert len(nums) == len(cols), (table, label)
            values.update({(table, key, c): number(n) for c, n in zip(cols, nums)})
    return values


def test_2019_trial_template_reads_the_whole_pingtan_2019_table(tpl):
    t = tpl["national-2019"]
    values = page_values(t, PINGTAN_2019)
    assert set(values) == set(t.cells())  # every printed cell has a place, every template cell is printed
    assert values[("art20_9", "procurement", "amount")] == Decimal("75394432.52")
    results = evaluate(t, values)
    assert {r.rule["id"] for r in results} == {"R1", "R2", "R3", "R4"}  # C1 is a series rule
    assert len(results) == 23 + 7 + 7 + 3
    assert not_holding(results) == {}


def test_2019_trial_broken_copy(tpl):
    t = tpl["national-2019"]
    values = page_values(t, PINGTAN_2019)
    values[("requests", "disclosed", "natural")] = Decimal(8)  # printed 7
    assert not_holding(evaluate(t, values)) == {"R1[disclosed]": BROKEN, "R2[natural]": BROKEN}


# --- fujian-pre-2019 on every pre-2019 Pingtan table ------------------------------------------------------
# Per report: the year column's header as printed, then each printed row: label, unit, 本年度, 历年累计.
FUJIAN = {
    # 平潭县人民政府 2011 年报: sources/pingtan/350128-pingtan-xian-2011.html
    "350128-pingtan-xian-2011": ("2011年度", [
        ('主动公开信息数', '条', '425', '1516'),
        ('其中：1.网站公开', '条', '418', '1509'),
        ('2.政府公报公开', '条', '7', '7'),
        ('受理依申请公开信息总数', '条', '0', '0'),
        ('其中：1.当面申请数', '条', '0', '0'),
        ('2.传真申请数', '条', '0', '0'),
        ('3.电子邮件申请数', '条', '0', '0'),
        ('4.网上申请数', '条', '0', '0'),
        ('5.信函申请数', '条', '0', '0'),
        ('6.其它形式申请数', '条', '0', '0'),
        ('对申请的答复数', '条', '0', '0'),
        ('其中：1.同意公开答复数', '条', '0', '0'),
        ('2.同意部分公开答复数', '条', '0', '0'),
        ('3.否决公开答复数', '条', '0', '0'),
        ('行政复议数', '条', '0', '0'),
        ('行政诉讼数', '条', '0', '0'),
        ('行政申诉数', '条', '0', '0'),
    ]),
    # 平潭县人民政府 2012 年报: sources/pingtan/350128-pingtan-xian-2012.html
    "350128-pingtan-xian-2012": ("2012年度", [
        ('主动公开信息数', '条', '2026', '3542'),
        ('其中：1.网站公开', '条', '1795', '3304'),
        ('2.政府公报公开', '条', '0', '7'),
        ('受理依申请公开信息总数', '条', '21', '21'),
        ('其中：1.当面申请数', '条', '18', '18'),
        ('2.传真申请数', '条', '0', '0'),
        ('3.电子邮件申请数', '条', '3', '3'),
        ('4.网上申请数', '条', '0', '0'),
        ('5.信函申请数', '条', '0', '0'),
        ('6.其它形式申请数', '条', '0', '0'),
        ('对申请的答复数', '条', '21', '21'),
        ('其中：1.同意公开答复数', '条', '17', '17'),
        ('2.同意部分公开答复数', '条', '2', '2'),
        ('3.否决公开答复数', '条', '2', '2'),
        ('行政复议数', '条', '0', '0'),
        ('行政诉讼数', '条', '0', '0'),
        ('行政申诉数', '条', '0', '0'),
    ]),
    # 平潭县人民政府 2013 年报: sources/pingtan/350128-pingtan-xian-2013.html
    "350128-pingtan-xian-2013": ("2013年度", [
        ('主动公开信息数', '条', '1853', '5395'),
        ('其中：1.网站公开', '条', '1713', '5017'),
        ('2.政府公报公开', '条', '0', '7'),
        ('受理依申请公开信息总数', '条', '7', '28'),
        ('其中：1.当面申请数', '条', '0', '18'),
        ('2.传真申请数', '条', '0', '0'),
        ('3.电子邮件申请数', '条', '3', '6'),
        ('4.网上申请数', '条', '4', '4'),
        ('5.信函申请数', '条', '0', '0'),
        ('6.其它形式申请数', '条', '0', '0'),
        ('对申请的答复数', '条', '3', '24'),
        ('其中：1.同意公开答复数', '条', '2', '19'),
        ('2.同意部分公开答复数', '条', '1', '3'),
        ('3.否决公开答复数', '条', '0', '2'),
        ('行政复议数', '条', '0', '0'),
        ('行政诉讼数', '条', '0', '0'),
        ('行政申诉数', '条', '0', '0'),
    ]),
    # 平潭综合实验区管委会 2011 年报: sources/pingtan/350128-pingtan-zhsyq-2011.html
    "350128-pingtan-zhsyq-2011": ("2011年度", [
        ('主动公开信息数', '条', '425', '1516'),
        ('其中：1.网站公开', '条', '418', '1509'),
        ('2.政府公报公开', '条', '7', '7'),
        ('受理依申请公开信息总数', '条', '0', '0'),
        ('其中：1.当面申请数', '条', '0', '0'),
        ('2.传真申请数', '条', '0', '0'),
        ('3.电子邮件申请数', '条', '0', '0'),
        ('4.网上申请数', '条', '0', '0'),
        ('5.信函申请数', '条', '0', '0'),
        ('6.其它形式申请数', '条', '0', '0'),
        ('对申请的答复数', '条', '0', '0'),
        ('其中：1.同意公开答复数', '条', '0', '0'),
        ('2.同意部分公开答复数', '条', '0', '0'),
        ('3.否决公开答复数', '条', '0', '0'),
        ('行政复议数', '条', '0', '0'),
        ('行政诉讼数', '条', '0', '0'),
        ('行政申诉数', '条', '0', '0'),
    ]),
    # 平潭综合实验区管委会 2012 年报: sources/pingtan/350128-pingtan-zhsyq-2012.html
    "350128-pingtan-zhsyq-2012": ("2012年度", [
        ('主动公开信息数', '条', '739', '4359'),
        ('其中：1、网站公开', '条', '739', '4359'),
        ('2、政府公报公开', '条', '0', '0'),
        ('受理依申请公开信息总数', '条', '0', '0'),
        ('其中：1、当面申请数', '条', '0', '0'),
        ('2、传真申请数', '条', '0', '0'),
        ('3、电子邮件申请数', '条', '0', '0'),
        ('4、网上申请数', '条', '0', '0'),
        ('5、信函申请数', '条', '0', '0'),
        ('对申请的答复总数', '条', '0', '0'),
        ('其中：1、同意公开答复数', '条', '0', '0'),
        ('2、同意部分公开答复数', '条', '0', '0'),
        ('3、否决公开答复数', '条', '0', '0'),
        ('行政复议数', '件', '0', '0'),
        ('行政诉讼数', '件', '0', '0'),
        ('行政申诉、举报数', '件', '0', '0'),
    ]),
    # 平潭综合实验区管委会 2013 年报: sources/pingtan/350128-pingtan-zhsyq-2013.html
    "350128-pingtan-zhsyq-2013": ("2013年度", [
        ('主动公开信息数', '条', '72804', '76424'),
        ('其中：1、网站公开', '条', '72804', '76424'),
        ('2、政府公报公开', '条', '0', ''),
        ('受理依申请公开信息总数', '条', '0', '0'),
        ('其中：1、当面申请数', '条', '0', '0'),
        ('2、传真申请数', '条', '0', '0'),
        ('3、电子邮件申请数', '条', '0', '0'),
        ('4、网上申请数', '条', '0', '0'),
        ('5、信函申请数', '条', '0', '0'),
        ('对申请的答复总数', '条', '0', '0'),
        ('其中：1、同意公开答复数', '条', '0', '0'),
        ('2、同意部分公开答复数', '条', '0', '0'),
        ('3、否决公开答复数', '条', '0', '0'),
        ('行政复议数', '件', '0', '0'),
        ('行政诉讼数', '件', '0', '0'),
        ('行政申诉、举报数', '件', '0', '0'),
    ]),
    # 平潭综合实验区管委会 2014 年报: sources/pingtan/350128-pingtan-zhsyq-2014.html
    "350128-pingtan-zhsyq-2014": ("2014年度", [
        ('主动公开文件数', '条', '2543', '78967'),
        ('其中：1、政府网站公开数', '条', '2543', '78967'),
        ('2、政府公报公开数', '条', '0', '0'),
        ('受理依申请公开信息总数', '条', '1', '1'),
        ('其中：1、当面申请数', '条', '0', '0'),
        ('2、网上申请数', '条', '0', '0'),
        ('3、信函、传真申请数', '条', '1', '1'),
        ('对申请的答复总数', '条', '1', '1'),
        ('其中：1、同意公开答复数', '条', '1', '1'),
        ('2、同意部分公开答复数', '条', '0', '0'),
        ('3、不予公开答复数', '条', '0', '0'),
        ('4、其他类型答复数', '条', '0', '0'),
        ('政府信息公开收费减免金额', '元', '0', '0'),
        ('接受行政诉讼、举报数', '件', '0', '0'),
        ('行政复议数', '件', '0', '0'),
        ('行政诉讼数', '件', '0', '0'),
    ]),
    # 平潭综合实验区管委会 2015 年报: sources/pingtan/350128-pingtan-zhsyq-2015.html
    "350128-pingtan-zhsyq-2015": ("2015年度", [
        ('主动公开文件数', '条', '2949', '81916'),
        ('其中：1、政府网站公开数', '条', '2949', '81916'),
        ('2、政府公报公开数', '条', '0', '0'),
        ('受理依申请公开信息总数', '条', '0', '1'),
        ('其中：1、当面申请数', '条', '0', '0'),
        ('2、网上申请数', '条', '0', '0'),
        ('3、信函、传真申请数', '条', '0', '1'),
        ('对申请的答复总数', '条', '0', '1'),
        ('其中：1、同意公开答复数', '条', '0', '1'),
        ('2、同意部分公开答复数', '条', '0', '0'),
        ('3、不予公开答复数', '条', '0', '0'),
        ('4、其他类型答复数', '条', '0', '0'),
        ('政府信息公开收费减免金额', '元', '0', '0'),
        ('接受行政诉讼、举报数', '件', '0', '0'),
        ('行政复议数', '件', '0', '0'),
        ('行政诉讼数', '件', '0', '0'),
    ]),
    # 平潭综合实验区管委会 2017 年报: sources/pingtan/350128-pingtan-zhsyq-2017.html
    "350128-pingtan-zhsyq-2017": ("2017年度", [
        ('主动公开文件数', '条', '2122', '10037'),
        ('其中：1、政府网站公开数', '条', '2122', '10037'),
        ('2、政府公报公开数', '条', '0', '0'),
        ('受理政府信息依申请公开总数', '条', '0', '0'),
        ('其中：1、当面申请数', '条', '0', '0'),
        ('2、网上申请数', '条', '0', '0'),
        ('3、信函、传真申请数', '条', '0', '0'),
        ('对申请的答复总数', '条', '0', '0'),
        ('其中：1、同意公开答复数', '条', '0', '0'),
        ('2、同意部分公开答复数', '条', '0', '0'),
        ('3、不予公开答复数', '条', '0', '0'),
        ('4、其他类型答复数', '条', '0', '0'),
        ('接受行政诉讼、举报数', '件', '0', '0'),
        ('行政复议数', '件', '0', '0'),
        ('行政诉讼数', '件', '0', '0'),
    ]),
    # 平潭综合实验区管委会 2018 年报: sources/pingtan/350128-pingtan-zhsyq-2018.html
    "350128-pingtan-zhsyq-2018": ("2018年度", [
        ('主动公开文件数', '条', '2069', '12106'),
        ('其中：1.政府网站公开数', '条', '2069', '12106'),
        ('2.政府公报公开数', '条', '0', '0'),
        ('受理依申请公开信息总数', '条', '0', '0'),
        ('其中：1.当面申请数', '条', '0', '0'),
        ('2.网上申请数', '条', '0', '0'),
        ('3.信函、传真申请数', '条', '0', '0'),
        ('对申请的答复总数', '条', '0', '0'),
        ('其中：1.同意公开答复数', '条', '0', '0'),
        ('2.同意部分公开答复数', '条', '0', '0'),
        ('3.不予公开答复数', '条', '0', '0'),
        ('4.其他类型答复数', '条', '0', '0'),
        ('接受行政诉讼、举报数', '件', '0', '0'),
        ('行政复议数', '件', '0', '0'),
        ('行政诉讼数', '件', '0', '0'),
    ]),
}

# Rows each layout does not print (absent), as read from the pages above.
# 2011-style, 17 rows (信函、传真 is printed as its two parts)
EARLY_ABSENT = {"received_fax_letter", "reply_other", "fee_waiver", "complaints_reports", "lawsuits_reports"}
# 平潭综合实验区 2012–2013, 16 rows
ZH1213_ABSENT = {"received_fax_letter", "received_other", "reply_other", "fee_waiver", "complaints", "lawsuits_reports"}
LATE_ABSENT = {"received_email", "received_fax", "received_letter", "received_other", "complaints",
               "complaints_reports"}  # 2014–2015, 16 rows; 2017–2018 also drop fee_waiver (15 rows)
ABSENT_ROWS = {
    "350128-pingtan-xian-2011": EARLY_ABSENT, "350128-pingtan-xian-2012": EARLY_ABSENT,
    "350128-pingtan-xian-2013": EARLY_ABSENT, "350128-pingtan-zhsyq-2011": EARLY_ABSENT,
    "350128-pingtan-zhsyq-2012": ZH1213_ABSENT, "350128-pingtan-zhsyq-2013": ZH1213_ABSENT,
    "350128-pingtan-zhsyq-2014": LATE_ABSENT, "350128-pingtan-zhsyq-2015": LATE_ABSENT,
    "350128-pingtan-zhsyq-2017": LATE_ABSENT | {"fee_waiver"}, "350128-pingtan-zhsyq-2018": LATE_ABSENT | {"fee_waiver"},
}


def match(template, label: str) -> tuple[str, set[str]]:
    """The row (or @column) a printed label names, through the template's labels or labels.csv, with the
    units printed with it that the template knows of."""
    n = label_norm(label)
    hits = {(r["key"], r["unit"]) for r in template.rows if r["label_norm"] == n}
    hits |= {(c, None) for c in ["@" + c["key"] for c in template.columns if c["label_norm"] == n]}
    for v in template.labels:
        if v["label_norm"] == n or (v["pattern"] and re.fullmatch(v["pattern"], n)):
            target = v["target"]
            row = None if target.startswith("@") else template.row(v["table"], target)
            hits.add((target, v["unit"] or (row["unit"] if row else None)))
    keys = {k for k, _ in hits}
    assert len(keys) == 1, (label, keys)
    return keys.pop(), {u for _, u in hits if u}


def fujian_values(template, rid: str) -> dict:
    head, rows = FUJIAN[rid]
    assert match(template, head)[0] == "@year"
    values = {c: ABSENT for c in template.cells()}
    for label, unit, year, cumulative in rows:
        key, units = match(template, label)
        assert unit in units, (rid, label, unit, units)
        values[("stats", key, "year")] = number(year)
        values[("stats", key, "cumulative")] = number(cumulative)
    return values


@pytest.mark.parametrize("rid", sorted(FUJIAN))
def test_fujian_template_reads_every_pingtan_table(tpl, rid):
    t = tpl["fujian-pre-2019"]
    values = fujian_values(t, rid)
    printed = {r for (_, r, _), v in values.items() if v is not ABSENT}
    assert {r["key"] for r in t.item_rows("stats")} - printed == ABSENT_ROWS[rid]
    # an absent row has nothing to check; the group rule F3 applies only where both the group row and its parts
    # are printed (never: a table prints one layout), while F2 checks the group through its parts' virtual sum
    expected = {f"F5[{k}]": NOT_APPLICABLE for k in ABSENT_ROWS[rid]}
    expected |= {"F3[year]": NOT_APPLICABLE, "F3[cumulative]": NOT_APPLICABLE}
    if rid == "350128-pingtan-zhsyq-2013":
        # 政府公报公开 has an empty 历年累计 cell: 76424 ≥ 76424 + (missing) cannot be decided
        expected["F1[cumulative]"] = UNKNOWN
    results = evaluate(t, values)
    assert {r.rule["id"] for r in results} == {"F1", "F2", "F3", "F4", "F5", "F6"}
    assert not_holding(results) == expected


def test_fujian_group_row_checks_both_layouts(tpl):
    t = tpl["fujian-pre-2019"]
    split = {r.id: r for r in evaluate(t, fujian_values(t, "350128-pingtan-xian-2013"))}
    # 2011-style: 信函、传真 is absent and takes 传真 + 信函 (0 + 0) for F2
    assert split["F2[cumulative]"].status == HOLDS and split["F2[cumulative]"].virtual == {
        ("stats", "received_fax_letter", "cumulative"): Decimal(0)}
    merged = {r.id: r for r in evaluate(t, fujian_values(t, "350128-pingtan-zhsyq-2014"))}
    assert merged["F2[year]"].status == HOLDS and merged["F2[year]"].virtual == {}
    assert merged["F2[year]"].right == Decimal(1)  # 0 当面 + 0 网上 + 1 信函、传真


def test_fujian_broken_copy(tpl):
    t = tpl["fujian-pre-2019"]
    values = fujian_values(t, "350128-pingtan-xian-2012")
    before = not_holding(evaluate(t, values))
    values[("stats", "reply_disclosed", "year")] = Decimal(16)  # printed 17: 21 ≠ 16 + 2 + 2
    after = not_holding(evaluate(t, values))
    assert {k: v for k, v in after.items() if before.get(k) != v} == {"F4[year]": BROKEN}


# T1 (历年累计 of t = 历年累计 of t−1 + 本年度 of t) between consecutive Pingtan reports. Every row instance
# holds or does not apply (a row one of the two tables does not print), except these. The breaks are real:
# the 实验区 2011 table is the 平潭县 2011 table figure for figure, and the 实验区 2013 历年累计 76424 is
# (4359 − 739) + 72804: it leaves 2012's own 739 out.
SERIES_EXPECTED = {
    ("350128-pingtan-xian-2011", "350128-pingtan-xian-2012"): {},
    ("350128-pingtan-xian-2012", "350128-pingtan-xian-2013"): {},
    ("350128-pingtan-zhsyq-2011", "350128-pingtan-zhsyq-2012"): {
        "proactive": BROKEN,  # 4359 ≠ 1516 + 739
        "proactive_website": BROKEN,  # 4359 ≠ 1509 + 739
        "proactive_gazette": BROKEN,  # 0 ≠ 7 + 0
    },
    ("350128-pingtan-zhsyq-2012", "350128-pingtan-zhsyq-2013"): {
        "proactive": BROKEN,  # 76424 ≠ 4359 + 72804
        "proactive_website": BROKEN,  # 76424 ≠ 4359 + 72804
        "proactive_gazette": UNKNOWN,  # 2013's 历年累计 cell is empty
    },
    ("350128-pingtan-zhsyq-2013", "350128-pingtan-zhsyq-2014"): {"proactive_gazette": UNKNOWN},
    ("350128-pingtan-zhsyq-2014", "350128-pingtan-zhsyq-2015"): {},
    ("350128-pingtan-zhsyq-2017", "350128-pingtan-zhsyq-2018"): {},
}


def test_consecutive_pingtan_tables_are_all_checked():
    pairs = {(a, b) for a in FUJIAN for b in FUJIAN
             if a.rsplit("-", 1)[0] == b.rsplit("-", 1)[0] and int(b.rsplit("-", 1)[1]) == int(a.rsplit("-", 1)[1]) + 1}
    assert pairs == set(SERIES_EXPECTED)  # 2016 is missing: 2015 → 2017 is not a pair (and 历年累计 restarted)


@pytest.mark.parametrize("pair", sorted(SERIES_EXPECTED))
def test_fujian_running_total_on_pingtan(tpl, pair):
    t = tpl["fujian-pre-2019"]
    rule = next(r for r in t.rules if r["kind"] == "running_total")
    got = series(t, rule, fujian_values(t, pair[0]), fujian_values(t, pair[1]))
    assert {k: v for k, v in got.items() if v not in (HOLDS, NOT_APPLICABLE)} == SERIES_EXPECTED[pair]
    # the chain runs through rows both tables print, and across the 信函、传真 merger (2013 → 2014)
    assert got["requests_received"] == HOLDS and got["replies"] == HOLDS
    if pair[1].endswith("zhsyq-2014"):
        assert got["received_fax_letter"] == HOLDS  # 2013: 0 + 0 (virtual); 2014: 0 + 1 = 1


def test_fujian_running_total_broken_copy(tpl):
    t = tpl["fujian-pre-2019"]
    rule = next(r for r in t.rules if r["kind"] == "running_total")
    later = fujian_values(t, "350128-pingtan-xian-2013")
    later[("stats", "requests_received", "cumulative")] = Decimal(29)  # printed 28 = 21 + 7
    got = series(t, rule, fujian_values(t, "350128-pingtan-xian-2012"), later)
    assert got["requests_received"] == BROKEN


# --- national-2021: both layouts of （六）其他处理 --------------------------------------------------------------

HUAIAN = ROOT / "data" / "reports" / "320800-gov-2024"
OTHER_PARTS = ("other_no_amendment", "other_no_fee", "other_other")


def huaian_values(template) -> dict:
    """The 淮安 2024 report's values from its statistics.csv; a template cell not in the file is absent."""
    values = {c: ABSENT for c in template.cells()}
    with (HUAIAN / "statistics.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            cell = (r["table"], r["row"], r["column"])
            values[cell] = ABSENT if r.get("state") == "absent" else number(r["value"])
    return values


def test_2021_layout_three_sub_rows(tpl):
    """淮安 2024 prints （六）其他处理 as three sub-rows: the group row is absent, R2 checks it by its virtual value."""
    t = tpl["national-2021"]
    values = huaian_values(t)
    cols = [c["key"] for c in t.value_columns("requests")]
    assert all(values[("requests", "other", c)] is ABSENT for c in cols)
    assert all(values[("requests", k, c)] is not ABSENT for k in OTHER_PARTS for c in cols)
    results = evaluate(t, values)
    assert {r.rule["id"] for r in results} == {"R1", "R2", "R3", "R4", "R5"}  # C1 is a series rule
    # the group row is not printed: its own row rule and R5 (group = its rows) have nothing to check
    assert not_holding(results) == {"R1[other]": NOT_APPLICABLE} | {f"R5[{c}]": NOT_APPLICABLE for c in cols}
    r2 = {r.scope: r for r in results if r.rule["id"] == "R2"}
    assert set(r2) == set(cols)
    # 其他处理 总计 = 71 + 6 + 110, taken from the three printed sub-rows
    assert r2["total"].virtual == {("requests", "other", "total"): Decimal(187)}


def collapsed(template, values: dict) -> dict:
    """The same report as an agency keeping the 2019 layout would print it: （六）其他处理 as one row."""
    out = dict(values)
    for c in template.value_columns("requests"):
        out[("requests", "other", c["key"])] = sum((values[("requests", k, c["key"])] for k in OTHER_PARTS), Decimal(0))
        for k in OTHER_PARTS:
            out[("requests", k, c["key"])] = ABSENT
    return out


def test_2021_layout_one_row(tpl):
    t = tpl["national-2021"]
    values = collapsed(t, huaian_values(t))
    assert values[("requests", "other", "total")] == Decimal(187)
    results = evaluate(t, values)
    r2 = {r.scope: r.status for r in results if r.rule["id"] == "R2"}
    assert set(r2.values()) == {HOLDS} and len(r2) == 7
    # R5 has no parts in this layout, and R1 nothing to check in the sub-rows; everything else holds
    cols = [c["key"] for c in t.value_columns("requests")]
    assert not_holding(results) == ({f"R5[{c}]": NOT_APPLICABLE for c in cols}
                                    | {f"R1[{k}]": NOT_APPLICABLE for k in OTHER_PARTS})


def test_2021_layout_one_row_broken_copy(tpl):
    t = tpl["national-2021"]
    values = collapsed(t, huaian_values(t))
    values[("requests", "other", "natural")] += 1
    got = not_holding(evaluate(t, values))
    assert {k: v for k, v in got.items() if v != NOT_APPLICABLE} == {"R1[other]": BROKEN, "R2[natural]": BROKEN}


def test_2021_layout_sub_rows_broken_copy(tpl):
    t = tpl["national-2021"]
    values = huaian_values(t)
    values[("requests", "other_other", "natural")] += 1  # printed 108
    # the group row's virtual value carries the change into R2 (a virtual value is never checked against itself)
    got = not_holding(evaluate(t, values))
    assert {k: v for k, v in got.items() if v != NOT_APPLICABLE} == {"R1[other_other]": BROKEN, "R2[natural]": BROKEN}


# C1 (四、结转下年度继续办理 of t = 二、上年结转 of t+1) on the consecutive 平潭综合实验区 reports in the 2021 format.
# Rows 二 and 四 of the requests table, natural … total:
PINGTAN_CARRY = {
    # 平潭综合实验区2023年度政府信息公开工作年度报告: sources/pingtan/350128-pingtan-zhsyq-2023.html
    2023: {"carried": "0 0 0 0 0 0 0", "carry_forward": "0 0 0 0 0 0 0"},
    # 平潭综合实验区2024年度政府信息公开工作年度报告: sources/pingtan/350128-pingtan-zhsyq-2024.html
    2024: {"carried": "0 0 0 0 0 0 0", "carry_forward": "0 0 0 0 0 0 0"},
    # 平潭综合实验区2025年度政府信息公开工作年度报告: sources/pingtan/350128-pingtan-zhsyq-2025.html
    2025: {"carried": "0 0 0 0 0 0 0", "carry_forward": "4 2 0 0 0 0 6"},
}


def carry_values(template, year: int) -> dict:
    cols = [c["key"] for c in template.value_columns("requests")]
    return {("requests", row, c): Decimal(n) for row, nums in PINGTAN_CARRY[year].items()
            for c, n in zip(cols, nums.split())}


@pytest.mark.parametrize("year", [2023, 2024])
def test_carry_over_on_pingtan(tpl, year):
    t = tpl["national-2021"]
    rule = next(r for r in t.rules if r["kind"] == "carry")
    got = series(t, rule, carry_values(t, year), carry_values(t, year + 1))
    assert set(got.values()) == {HOLDS} and len(got) == 7


def test_carry_over_broken_copy(tpl):
    t = tpl["national-2021"]
    rule = next(r for r in t.rules if r["kind"] == "carry")
    nxt = carry_values(t, 2025)
    nxt[("requests", "carried", "natural")] = Decimal(1)
    got = series(t, rule, carry_values(t, 2024), nxt)
    assert {k: v for k, v in got.items() if v != HOLDS} == {"natural": BROKEN}
