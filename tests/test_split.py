"""Splitting run-together digits by the table's arithmetic (xxgk.importer.split).

The real rows come from the Pingtan pages saved as plain text
(/work/shared/sources/pingtan/*.txt, copied in here: sources are never read by
tests); the expected values come from the same pages' HTML tables
(/work/shared/sources/pingtan/*.html, read with BeautifulSoup and checked by
eye, then written down here).
"""

from __future__ import annotations

import itertools
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest

from xxgk.importer.split import (
    AMBIGUOUS,
    AT_LEAST,
    AT_MOST,
    DECIMAL,
    DERIVED,
    EQUAL,
    GIVEN,
    IMPOSSIBLE,
    SPLIT,
    UNREADABLE,
    Constraint,
    columns_from_template,
    constraints_from_template,
    fact,
    kinds_from_template,
    rows_from_template,
    split_table,
    split_template_table,
)
from xxgk.model import load_template

ROOT = Path(__file__).resolve().parents[1]
COLS = ["natural", "commercial", "research", "social", "legal_services", "other", "total"]
APPLICANTS = COLS[:-1]


@pytest.fixture(scope="module")
def t2021():
    return load_template(ROOT / "data" / "templates" / "national-2021")


def r1(*rows):
    """Rule R1 for the given rows of table 三: 总计 = the six applicant columns."""
    return [Constraint([(r, "total")], EQUAL, [(r, c) for c in APPLICANTS], label=f"R1[{r}]") for r in rows]


def ints(values):
    return [None if v is None else int(v) for v in values]


# --- the examples of the brief ---------------------------------------------


def test_801000081_with_r1_is_80_1_0_0_0_0_81():
    # 2023 page, table 三, row 一、本年新收政府信息公开申请数量801000081
    res = split_table({"new": ["801000081"]}, COLS, r1("new"))
    assert res.solutions == 1 and not res.capped and res.consistent
    assert ints(res.row_values("new")) == [80, 1, 0, 0, 0, 0, 81]
    assert all(res.cells[("new", c)].status == DERIVED for c in COLS)
    assert res.rows["new"].status == SPLIT
    assert res.rows["new"].readings == ["80 | 1 | 0 | 0 | 0 | 0 | 81"]
    # Without the rule the digits have five readings: the rule is what decides.
    loose = split_table({"new": ["801000081"]}, COLS)
    assert loose.solutions == 5
    assert "80 | 1 | 0 | 0 | 0 | 0 | 81" in loose.rows["new"].readings
    assert "801 | 0 | 0 | 0 | 0 | 8 | 1" in loose.rows["new"].readings


def test_77132470_normative_documents_is_ambiguous(t2021):
    # 2023 page, table 二 第二十条第（一）项: 行政规范性文件77132470. The HTML says 77 | 132 | 470;
    # no rule ties 本年制发 / 本年废止 / 现行有效, so the text alone cannot tell.
    res = split_template_table(t2021, "art20_1", {"regulations": ["000"], "normative_docs": ["77132470"]})
    row = res.rows["normative_docs"]
    assert row.status == AMBIGUOUS
    everything = split_template_table(t2021, "art20_1", {"regulations": ["000"], "normative_docs": ["77132470"]},
                                      readings_cap=100)
    readings = everything.rows["normative_docs"].readings
    assert "77 | 13 | 2470" in readings and "77 | 132 | 470" in readings
    assert "7 | 7 | 132470" in readings  # so 77 is *not* determined: 7 is possible too
    assert len(readings) == 21 and res.solutions == 21
    assert len(row.readings) == 10 and row.more == 11
    issued = res.cells[("normative_docs", "issued")]
    assert issued.status == AMBIGUOUS and issued.value is None
    assert issued.candidates == tuple(Decimal(x) for x in (7, 77, 771, 7713, 77132, 771324))
    assert "77132470" in issued.reason and "可能是" in issued.reason
    # 规章 000 is three zeros whatever happens
    assert ints(res.row_values("regulations")) == [0, 0, 0]
    # The prose says 动态更新本年度制发的规范性文件77件: with that figure 77 is determined,
    # the other two cells are still open.
    with_prose = split_template_table(
        t2021, "art20_1", {"regulations": ["000"], "normative_docs": ["77132470"]},
        facts=[fact([("normative_docs", "issued")], EQUAL, 77, "正文：本年度制发的规范性文件77件")])
    assert with_prose.cells[("normative_docs", "issued")].value == 77
    assert with_prose.rows["normative_docs"].readings == [
        "77 | 1 | 32470", "77 | 13 | 2470", "77 | 132 | 470", "77 | 1324 | 70", "77 | 13247 | 0"]
    assert with_prose.cells[("normative_docs", "repealed")].status == AMBIGUOUS


def test_prose_figure_contradicting_every_reading_falls_back_to_the_rows_own_rules(t2021):
    # The 2023 prose also says 清理并集中发布现行有效行政规范性文件393件; no reading of
    # 77132470 ends in 393 (the table has 470): the figures contradict each other.
    res = split_template_table(
        t2021, "art20_1", {"regulations": ["000"], "normative_docs": ["77132470"]},
        facts=[fact([("normative_docs", "in_force")], EQUAL, 393)])
    assert not res.consistent and res.set_aside == ["normative_docs:in_force = 393"]
    assert res.solutions == 21  # the readings of the digits, with the broken figure set aside
    assert res.rows["normative_docs"].status == AMBIGUOUS
    assert "393" in res.rows["normative_docs"].note and "原文" in res.rows["normative_docs"].note


# --- whole real tables 三 ---------------------------------------------------

# Row keys of table 三 (2021 layout) and their printed labels, in order.
LABELS = [
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried", "二、上年结转政府信息公开申请数量"),
    ("disclosed", "（一）予以公开"),
    ("partly", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("refused_state_secret", "1.属于国家秘密"),
    ("refused_law", "2.其他法律行政法规禁止公开"),
    ("refused_security", "3.危及“三安全一稳定”"),
    ("refused_third_party", "4.保护第三方合法权益"),
    ("refused_internal", "5.属于三类内部事务信息"),
    ("refused_process", "6.属于四类过程性信息"),
    ("refused_enforcement", "7.属于行政执法案卷"),
    ("refused_query", "8.属于行政查询事项"),
    ("unable_not_held", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "3.补正后申请内容仍不明确"),
    ("np_petition", "1.信访举报投诉类申请"),
    ("np_repeat", "2.重复申请"),
    ("np_publication", "3.要求提供公开出版物"),
    ("np_abusive", "4.无正当理由大量反复申请"),
    ("np_confirm", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_no_amendment", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
    ("results_total", "（七）总计"),
    ("carry_forward", "四、结转下年度继续办理"),
]

# Table 三 as the crawler saved it: /work/shared/sources/pingtan/350128-pingtan-zhsyq-<year>.txt,
# from 一、本年新收 to the start of section 四 (copied verbatim).
TEXT = {
    "2021": "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000三、本年度办理结果（一）予以公开270020130（二）部分公开（区分处理的，只计这一情形，不计其他情形）500000 5（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”00000004.保护第三方合法权益00000005.属于三类内部事务信息10000016.属于四类过程性信息00000007.属于行政执法案卷60000068.属于行政查询事项1000001（四）无法提供1.本机关不掌握相关政府信息2200003252.没有现成信息需要另行制作00000003.补正后申请内容仍不明确0000000（五）不予处理1.信访举报投诉类申请00000002.重复申请00000003.要求提供公开出版物00000004.无正当理由大量反复申请00000005.要求行政机关确认或重新出具已获取信息0000000（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请00000002.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请00000003.其他1000001（七）总计630020469四、结转下年度继续办理1000001 ",  # noqa: E501
    "2023": "一、本年新收政府信息公开申请数量801000081二、上年结转政府信息公开申请数量0000000三、本年度办理结果（一）予以公开220000022（二）部分公开（区分处理的，只计这一情形，不计其他情形）191000020（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”00000004.保护第三方合法权益10000015.属于三类内部事务信息00000006.属于四类过程性信息10000017.属于行政执法案卷10000018.属于行政查询事项2000002（四）无法提供1.本机关不掌握相关政府信息3100000312.没有现成信息需要另行制作00000003.补正后申请内容仍不明确0000000（五）不予处理1.信访举报投诉类申请00000002.重复申请10000013.要求提供公开出版物00000004.无正当理由大量反复申请00000005.要求行政机关确认或重新出具已获取信息0000000（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请10000012.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请00000003.其他1000001（七）总计801000081四、结转下年度继续办理0000000",  # noqa: E501
    "2024": "一、本年新收政府信息公开申请数量21710000218二、上年结转政府信息公开申请数量0000000三、本年度办 理结果 （一）予以公开710000071（二）部分公开（区分处理的，只计这一情形，不计其他情形）290000029（三）不予公开1.属于国家秘密40000042.其他法律行政法规禁止公开00000003.危及“三安全一稳定”00000004.保护第三方合法权益30000035.属于三类内部事务信息3200000326.属于四类过程性信息00000007.属于行政执法案卷00000008.属于行政查询事项0000000（四）无法提供1.本机关不掌握相关政府信息7500000752.没有现成信息需要另行制作00000003.补正后申请内容仍不明确0000000（五）不予处理1.信访举报投诉类申请00000002.重复申请10000013.要求提供公开出版物00000004.无正当理由大量反复申请00000005.要求行政机关确认或重新出具已获取信息0000000（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 10000012.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 00000003.其他1100002（七）总计21710000218四、结转下年度继续办理0000000",  # noqa: E501
    "2025": "一、本年新收政府信息公开申请数量15130000154二、上年结转政府信息公开申请数量0000000三、本年度办 理结果 （一）予以公开330000033（二）部分公开（区分处理的，只计这一情形，不计其他情形）380000038（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”00000004.保护第三方合法权益00000005.属于三类内部事务信息30000036.属于四类过程性信息20000027.属于行政执法案卷30000038.属于行政查询事项3000003（四）无法提供1.本机关不掌握相关政府信息4910000502.没有现成信息需要另行制作30000033.补正后申请内容仍不明确0000000（五）不予处理1.信访举报投诉类申请20000022.重复申请00000003.要求提供公开出版物00000004.无正当理由大量反复申请00000005.要求行政机关确认或重新出具已获取信息0000000（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 80000082.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 20000023.其他1000001（七）总计14710000148四、结转下年度继续办理4200006",  # noqa: E501
}

# The same tables from the HTML pages (350128-pingtan-zhsyq-<year>.html, the <table> with
# 本年新收): natural, 5 kinds of organisation, total. Rows not listed are all zeros.
EXPECTED = {
    "2021": {
        "new": "64 0 0 2 0 4 70", "disclosed": "27 0 0 2 0 1 30", "partly": "5 0 0 0 0 0 5",
        "refused_internal": "1 0 0 0 0 0 1", "refused_enforcement": "6 0 0 0 0 0 6",
        "refused_query": "1 0 0 0 0 0 1", "unable_not_held": "22 0 0 0 0 3 25",
        "other_other": "1 0 0 0 0 0 1", "results_total": "63 0 0 2 0 4 69", "carry_forward": "1 0 0 0 0 0 1",
    },
    "2023": {
        "new": "80 1 0 0 0 0 81", "disclosed": "22 0 0 0 0 0 22", "partly": "19 1 0 0 0 0 20",
        "refused_third_party": "1 0 0 0 0 0 1", "refused_process": "1 0 0 0 0 0 1",
        "refused_enforcement": "1 0 0 0 0 0 1", "refused_query": "2 0 0 0 0 0 2",
        "unable_not_held": "31 0 0 0 0 0 31", "np_repeat": "1 0 0 0 0 0 1",
        "other_no_amendment": "1 0 0 0 0 0 1", "other_other": "1 0 0 0 0 0 1",
        "results_total": "80 1 0 0 0 0 81",
    },
    "2024": {
        "new": "217 1 0 0 0 0 218", "disclosed": "71 0 0 0 0 0 71", "partly": "29 0 0 0 0 0 29",
        "refused_state_secret": "4 0 0 0 0 0 4", "refused_third_party": "3 0 0 0 0 0 3",
        "refused_internal": "32 0 0 0 0 0 32", "unable_not_held": "75 0 0 0 0 0 75",
        "np_repeat": "1 0 0 0 0 0 1", "other_no_amendment": "1 0 0 0 0 0 1", "other_other": "1 1 0 0 0 0 2",
        "results_total": "217 1 0 0 0 0 218",
    },
    "2025": {
        "new": "151 3 0 0 0 0 154", "disclosed": "33 0 0 0 0 0 33", "partly": "38 0 0 0 0 0 38",
        "refused_internal": "3 0 0 0 0 0 3", "refused_process": "2 0 0 0 0 0 2",
        "refused_enforcement": "3 0 0 0 0 0 3", "refused_query": "3 0 0 0 0 0 3",
        "unable_not_held": "49 1 0 0 0 0 50", "unable_needs_creation": "3 0 0 0 0 0 3",
        "np_petition": "2 0 0 0 0 0 2", "other_no_amendment": "8 0 0 0 0 0 8",
        "other_no_fee": "2 0 0 0 0 0 2", "other_other": "1 0 0 0 0 0 1",
        "results_total": "147 1 0 0 0 0 148", "carry_forward": "4 2 0 0 0 0 6",
    },
}


def rows_from_text(text: str, labels=LABELS) -> dict[str, list[str]]:
    """Cut flattened text into each row's chunks of digits, by the rows' printed labels.

    A row's digits run up to the next label; a digit followed by '.' starts the next
    label (``00000002.其他法律...``: the 2 is the label's), not the row's digits.
    """
    out, pos = {}, 0
    for key, label in labels:
        pos = text.index(label, pos) + len(label)
        run = re.match(r"[0-9 ]*", text[pos:]).group(0)
        if text[pos + len(run):pos + len(run) + 1] == "." and run.rstrip()[-1:].isdigit():
            run = run.rstrip()[:-1]
        pos += len(run)
        out[key] = run.split()
    return out


def expected_values(year: str) -> dict[str, list[int]]:
    return {key: [int(x) for x in EXPECTED[year].get(key, "0 0 0 0 0 0 0").split()] for key, _ in LABELS}


def test_rows_are_cut_from_the_text_as_printed():
    rows = rows_from_text(TEXT["2021"])
    assert rows["partly"] == ["500000", "5"]  # the page kept one separator here
    assert rows["refused_law"] == ["0000000"]  # not "00000002"
    assert rows["unable_not_held"] == ["220000325"]
    assert rows_from_text(TEXT["2024"])["refused_internal"] == ["320000032"]


@pytest.mark.parametrize("year", sorted(TEXT))
def test_real_table_three_is_read_exactly_by_r1_r2_r3(t2021, year):
    rows = rows_from_text(TEXT[year])
    assert all(len("".join(chunks)) >= 7 for chunks in rows.values())
    # The 2021 layout prints （六）其他处理 as its three sub-rows only: the group row is
    # absent (not in ``rows``), and R2 counts it as the sum of the three.
    res = split_template_table(t2021, "requests", rows)
    assert res.consistent and res.solutions == 1 and not res.capped and res.complete
    assert not res.flagged()
    for key, values in expected_values(year).items():
        assert ints(res.row_values(key)) == values, key


@pytest.mark.parametrize("year, open_rows", [
    ("2021", {"disclosed": ["2 | 7 | 0 | 0 | 20 | 1 | 30", "27 | 0 | 0 | 2 | 0 | 1 | 30"],
              "unable_not_held": ["2 | 20 | 0 | 0 | 0 | 3 | 25", "22 | 0 | 0 | 0 | 0 | 3 | 25"]}),
    ("2023", {"disclosed": ["2 | 20 | 0 | 0 | 0 | 0 | 22", "22 | 0 | 0 | 0 | 0 | 0 | 22"],
              "partly": ["1 | 9 | 10 | 0 | 0 | 0 | 20", "19 | 1 | 0 | 0 | 0 | 0 | 20"]}),
])
def test_the_column_rules_are_needed_for_two_rows(year, open_rows):
    # With R1 alone (each row on its own) these rows stay open; R2 and R3 close them.
    rows = rows_from_text(TEXT[year])
    res = split_table(rows, COLS, r1(*rows))
    assert res.solutions == 4
    ambiguous = {k: r.readings for k, r in res.rows.items() if r.status == AMBIGUOUS}
    assert ambiguous == open_rows
    for key in open_rows:
        assert res.cells[(key, "total")].status == DERIVED  # both readings agree on the total
        assert res.cells[(key, "natural")].status == AMBIGUOUS


def test_2019_trial_layout_with_separators_and_one_other_row(t2021):
    # 2019 page (trial format): （六）其他处理 is one row, several rows kept some spaces.
    # Values from 350128-pingtan-zhsyq-2019.html: 23 new requests by natural persons, all zero
    # elsewhere except the outcome rows below.
    zeros = ["0000000"]
    rows = {key: zeros for key, _ in LABELS if not key.startswith("other_")}
    rows.update({
        "new": ["230", "000023"], "disclosed": ["7000007"], "partly": ["1000001"],
        "unable_not_held": ["7000007"], "unable_unclear": ["5000005"], "np_repeat": ["3000003"],
        "other": ["0", "0", "0", "0", "0", "00"], "results_total": ["23", "0", "00", "0", "023"],
        "carry_forward": ["0", "0", "00", "00", "0"],
    })
    res = split_template_table(t2021, "requests", rows)
    assert res.consistent and res.solutions == 1 and not res.flagged()
    assert ints(res.row_values("new")) == [23, 0, 0, 0, 0, 0, 23]
    assert ints(res.row_values("results_total")) == [23, 0, 0, 0, 0, 0, 23]
    assert ints(res.row_values("other")) == [0] * 7
    assert ints(res.row_values("unable_unclear")) == [5, 0, 0, 0, 0, 0, 5]


@pytest.mark.parametrize("digits, expected", [
    # table 四 printed as one run of fifteen numbers (350128-pingtan-zhsyq-<year>.txt / .html)
    ("10203120001200000", "1 0 2 0 3 12 0 0 0 12 0 0 0 0 0"),  # 2021
    ("110024001510102", "1 1 0 0 2 4 0 0 1 5 1 0 1 0 2"),  # 2023
    ("21317000001324019", "2 1 3 1 7 0 0 0 0 0 13 2 4 0 19"),  # 2024
    ("25380363300630003", "25 3 8 0 36 3 3 0 0 6 3 0 0 0 3"),  # 2025
])
def test_table_four_printed_as_one_run_of_three_rows(t2021, digits, expected):
    run = ("review", "suit_direct", "suit_after_review")
    res = split_template_table(t2021, "appeals", {run: [digits]})
    assert res.solutions == 1 and not res.flagged()
    got = [int(v) for r in run for v in res.row_values(r)]
    assert got == [int(x) for x in expected.split()]
    assert res.rows["suit_direct"].run == run


def test_a_fujian_table_with_at_least_rules_and_column_sums():
    # 350128-pingtan-xian-2013.txt, 平潭县 2013 统计表 (2013年度 | 历年累计), the request rows:
    # 受理依申请公开信息总数条728 其中：1.当面申请数条018 2.传真申请数条00 3.电子邮件申请数条36
    # 4.网上申请数条44 5.信函申请数条00 6.其它形式申请数条00 对申请的答复数条324 其中：1.同意公开
    # 答复数条219 2.同意部分公开答复数条13 3.否决公开答复数条02. Expected from the HTML table.
    rows = {"received": ["728"], "in_person": ["018"], "fax": ["00"], "email": ["36"], "online": ["44"],
            "letter": ["00"], "other": ["00"], "answered": ["324"], "agreed": ["219"], "partly": ["13"],
            "refused": ["02"]}
    cols = ["year", "cum"]
    cons = [Constraint([(r, "cum")], AT_LEAST, [(r, "year")], label=f"{r}: 累计 ≥ 年度") for r in rows]
    for c in cols:
        cons.append(Constraint([("received", c)], EQUAL,
                               [(r, c) for r in ("in_person", "fax", "email", "online", "letter", "other")]))
        cons.append(Constraint([("answered", c)], EQUAL, [(r, c) for r in ("agreed", "partly", "refused")]))
    res = split_table(rows, cols, cons)
    assert res.solutions == 1 and not res.flagged()
    got = {r: ints(res.row_values(r)) for r in rows}
    assert got == {"received": [7, 28], "in_person": [0, 18], "fax": [0, 0], "email": [3, 6], "online": [4, 4],
                   "letter": [0, 0], "other": [0, 0], "answered": [3, 24], "agreed": [2, 19], "partly": [1, 3],
                   "refused": [0, 2]}
    # "00" can only be 0 | 0, and 018 only 0 | 18: those rows never depended on the rules
    assert split_table({"in_person": ["018"]}, cols).rows["in_person"].readings == ["0 | 18"]


def test_a_running_total_from_last_year_is_a_prose_or_series_fact():
    # 350128-pingtan-zhsyq-2015.txt: 主动公开文件数条294981916 (HTML: 2949 | 81916). With
    # 累计 ≥ 年度 four readings remain; the prose says 2015年主动公开政府信息2949条, and the
    # 2014 table's 历年累计 78967 plus this year's figure must give this year's 历年累计.
    cols = ["year", "cum"]
    rows = {"items": ["294981916"]}
    at_least = [Constraint([("items", "cum")], AT_LEAST, [("items", "year")])]
    res = split_table(rows, cols, at_least)
    assert res.rows["items"].readings == ["2 | 94981916", "29 | 4981916", "294 | 981916", "2949 | 81916"]
    by_prose = split_table(rows, cols, at_least + [fact([("items", "year")], EQUAL, 2949, "正文：2949条")])
    assert ints(by_prose.row_values("items")) == [2949, 81916]
    by_series = split_table(rows, cols, at_least + [Constraint([("items", "cum")], EQUAL, [("items", "year")], 78967)])
    assert ints(by_series.row_values("items")) == [2949, 81916]
    # "120余件": a lower bound is a fact too
    assert split_table(rows, cols, at_least + [fact([("items", "year")], AT_LEAST, 120)]).solutions == 2


# --- how numbers are formed -------------------------------------------------


def test_leading_zeros():
    two = ["a", "b"]
    assert split_table({"r": ["081"]}, two).rows["r"].readings == ["0 | 81"]  # 08 | 1 is no reading
    assert split_table({"r": ["0081"]}, ["a", "b", "c"]).rows["r"].readings == ["0 | 0 | 81"]
    assert split_table({"r": ["00"]}, two).rows["r"].readings == ["0 | 0"]
    res = split_table({"r": ["100"]}, two)
    assert res.rows["r"].readings == ["10 | 0"]  # 1 | 00 is no reading
    assert res.cells[("r", "a")].value == 10 and res.cells[("r", "a")].status == DERIVED
    bad = split_table({"r": ["000"]}, two)
    assert bad.rows["r"].status == IMPOSSIBLE and bad.cells[("r", "a")].value is None


def test_chunks_one_per_value_pass_through_unchanged():
    res = split_table({"r": ["081", "5"]}, ["a", "b"], [Constraint([("r", "a")], EQUAL, [("r", "b")])])
    cell = res.cells[("r", "a")]
    assert cell.status == GIVEN and cell.value == 81 and cell.text == "081"
    assert res.rows["r"].status == GIVEN and res.rows["r"].readings == ["081 | 5"]
    # a broken rule between given cells is a note about the source, not a reason to fail
    assert any("不成立" in n for n in res.notes) and not res.consistent and res.solutions == 1
    odd = split_table({"r": ["12", "-"]}, ["a", "b"])
    assert odd.cells[("r", "b")].status == UNREADABLE and odd.cells[("r", "a")].value == 12


def test_separators_bound_the_values():
    # "230 000023": the first chunk holds two values, the second five
    res = split_table({"new": ["230", "000023"]}, COLS, r1("new"))
    assert ints(res.row_values("new")) == [23, 0, 0, 0, 0, 0, 23]
    loose = split_table({"new": ["230", "000023"]}, COLS)
    assert loose.rows["new"].readings == [
        "2 | 30 | 0 | 0 | 0 | 0 | 23", "23 | 0 | 0 | 0 | 0 | 0 | 23", "230 | 0 | 0 | 0 | 0 | 2 | 3"]


def test_decimal_rows():
    cols = ["a", "b", "t"]
    kinds = {"fee": DECIMAL}
    res = split_table({"fee": ["1.52.54.0"]}, cols, [Constraint([("fee", "t")], EQUAL, [("fee", "a"), ("fee", "b")])],
                      kinds=kinds)
    assert res.rows["fee"].readings == ["1.5 | 2.5 | 4.0"]
    assert res.cells[("fee", "t")].value == Decimal("4.0") and res.cells[("fee", "t")].text == "4.0"
    # a point may not start or end a number, nor appear twice in one; 0.5 is fine, 00.5 is not
    assert split_table({"x": ["12.53.4"]}, ["a", "b"], kinds={"x": DECIMAL}).rows["x"].readings == ["12.5 | 3.4"]
    assert split_table({"x": ["0.50"]}, ["a", "b"], kinds={"x": DECIMAL}).rows["x"].readings == ["0.5 | 0"]
    assert split_table({"x": ["00.5"]}, ["a", "b"], kinds={"x": DECIMAL}).rows["x"].readings == ["0 | 0.5"]
    # an integer row takes no point at all
    assert split_table({"x": ["12.53.4"]}, ["a", "b"]).rows["x"].status == IMPOSSIBLE
    # a decimal cell printed on its own passes through (2021 page: 行政事业性收费24252.311082)
    one = split_table({"fees": ["24252.311082"]}, ["amount"], kinds={"fees": DECIMAL})
    assert one.cells[("fees", "amount")].value == Decimal("24252.311082")


def test_max_digits_prunes_long_values():
    readings = split_table({"r": ["12345678912"]}, ["a", "b"], max_digits=9).rows["r"].readings
    assert readings[0] == "12 | 345678912" and readings[-1] == "123456789 | 12" and len(readings) == 8
    assert split_table({"r": ["1234567891"]}, ["a", "b"], max_digits=5).rows["r"].readings == ["12345 | 67891"]
    assert split_table({"r": ["1234567891"]}, ["a", "b"], max_digits=4).rows["r"].status == IMPOSSIBLE


# --- impossible rows and caps -------------------------------------------------


def test_row_with_fewer_digits_than_values_is_impossible():
    res = split_table({"new": ["12"]}, COLS, r1("new"))
    row = res.rows["new"]
    assert row.status == IMPOSSIBLE and row.readings == []
    cell = res.cells[("new", "natural")]
    assert cell.status == IMPOSSIBLE and cell.value is None and "少于" in cell.reason
    assert res.flagged()


def test_impossible_rows_are_reported_as_such():
    # zeros cannot be glued: four zeros are four values, not three
    res = split_table({"r": ["0000"]}, ["a", "b", "c"])
    assert res.rows["r"].status == IMPOSSIBLE and "无法拆成" in res.cells[("r", "a")].reason
    assert split_table({"r": []}, ["a"]).rows["r"].status == IMPOSSIBLE
    assert split_table({"r": ["1", "2", "3"]}, ["a", "b"]).rows["r"].status == IMPOSSIBLE  # too many chunks
    # An impossible row's cells are unknown, so rules through them still hold the rest loosely.
    res = split_table({"a": ["12"], "b": ["0000"]}, ["x", "y"],
                      [Constraint([("a", "x")], EQUAL, [("b", "x")])])
    assert ints(res.row_values("a")) == [1, 2] and res.rows["b"].status == IMPOSSIBLE


def test_a_row_that_breaks_its_own_rule_whatever_the_split():
    # 1 | 2 | 4 is the only reading and 1 + 2 != 4: the printed row breaks R1. The split is
    # still determined (by the digits alone); the note says the rule was not used.
    cols = ["a", "b", "t"]
    res = split_table({"r": ["124"]}, cols, [Constraint([("r", "t")], EQUAL, [("r", "a"), ("r", "b")], label="R1[r]")])
    assert ints(res.row_values("r")) == [1, 2, 4]
    assert "R1[r]" in res.rows["r"].note and "原文" in res.rows["r"].note
    assert res.set_aside == ["R1[r]"] and not res.consistent and res.solutions == 1


def test_solution_cap_counts_stop_but_candidates_stay_exact():
    cols = ["issued", "repealed", "in_force"]
    rows = {"a": ["77132470"], "b": ["77132470"], "c": ["77132470"]}  # 21 readings each, 9261 in all
    res = split_table(rows, cols, cap=1000)
    assert res.solutions == 1000 and res.capped
    for r in rows:
        assert len(res.rows[r].readings) == 10 and res.rows[r].more == 11
    assert "1000+" in res.summary()
    # one run with more readings than the cap: fourteen 1s as seven numbers (13 choose 6 = 1716)
    one = split_table({"r": ["1" * 14]}, COLS, cap=1000, readings_cap=5)
    assert one.solutions == 1000 and one.capped and one.rows["r"].more == 1716 - 5
    exact = split_table({"r": ["1" * 14]}, COLS, cap=5000)
    assert exact.solutions == 1716 and not exact.capped
    # more readings of one row than unit_cap: the row is given up, its cells flagged
    given_up = split_table({"r": ["1" * 14]}, COLS, unit_cap=100)
    assert given_up.rows["r"].status == AMBIGUOUS and given_up.cells[("r", "total")].value is None
    assert "超过 100 种" in given_up.cells[("r", "total")].reason


def test_search_budget_keeps_answers_sound(t2021):
    # With almost no search budget nothing is proven, candidates may be too many, but a
    # value reported as determined is still the right one.
    rows = rows_from_text(TEXT["2023"])
    res = split_template_table(t2021, "requests", rows, max_nodes=3)
    assert not res.complete and any("上限" in n for n in res.notes)
    for key, values in expected_values("2023").items():
        for col, want in zip(COLS, values):
            cell = res.cells[(key, col)]
            assert Decimal(want) in cell.candidates and (cell.value is None or cell.value == want)


def test_tied_rows_are_solved_together_and_counted_exactly_under_the_cap():
    # two rows, each ambiguous alone, tied by one column rule: b.x = a.x
    cols = ["x", "y"]
    rows = {"a": ["123"], "b": ["124"]}
    res = split_table(rows, cols, [Constraint([("b", "x")], EQUAL, [("a", "x")])])
    assert res.rows["a"].readings == ["1 | 23", "12 | 3"] and res.rows["b"].readings == ["1 | 24", "12 | 4"]
    assert res.solutions == 2
    # with the cap at 1 the count stops, yet every reading is still tested on its own
    capped = split_table(rows, cols, [Constraint([("b", "x")], EQUAL, [("a", "x")])], cap=1)
    assert capped.capped and capped.solutions == 1
    assert capped.rows["a"].readings == ["1 | 23", "12 | 3"]
    assert capped.cells[("a", "x")].candidates == (Decimal(1), Decimal(12))


# --- template rules -----------------------------------------------------------


def test_constraints_from_template(t2021):
    cons = constraints_from_template(t2021, "requests")
    labels = {c.label for c in cons}
    assert {"R1[new]", "R1[carry_forward]", "R2[natural]", "R2[total]", "R3[total]"} <= labels
    assert not any(label.startswith("C") for label in labels)  # rules across years are not split rules
    r3 = next(c for c in cons if c.label == "R3[natural]")
    assert r3.kind == EQUAL and set(r3.total) == {("new", "natural"), ("carried", "natural")}
    assert set(r3.parts) == {("results_total", "natural"), ("carry_forward", "natural")}
    r1_new = next(c for c in cons if c.label == "R1[new]")
    assert r1_new.total == (("new", "total"),) and len(r1_new.parts) == 6
    assert columns_from_template(t2021, "requests") == COLS
    assert columns_from_template(t2021, "art20_1") == ["issued", "repealed", "in_force"]
    assert kinds_from_template(t2021, "art20_8") == {"fees": DECIMAL}
    assert {key for key, _ in LABELS} <= set(rows_from_template(t2021, "requests"))
    appeals = constraints_from_template(t2021, "appeals")
    assert {c.label for c in appeals} >= {"R4[review]", "R4[suit_direct]", "R4[suit_after_review]"}
    assert constraints_from_template(t2021, "art20_1") == []


def test_unlisted_rows_can_be_unknown_instead_of_absent():
    # R2-like rule s = a + b with row b not printed: absent (left out, the default) forces
    # s = a; unknown only says s >= a.
    cols = ["x", "y"]
    rule = [Constraint([("s", "x")], EQUAL, [("a", "x"), ("b", "x")])]
    rows = {"a": ["12"], "s": ["13"]}  # a is 1 | 2; s is 1 | 3
    assert split_table(rows, cols, rule).solutions == 1
    unknown = split_table(rows, cols, rule, unlisted="unknown")
    assert unknown.solutions == 1 and ints(unknown.row_values("s")) == [1, 3]
    rows = {"a": ["123"], "s": ["125"]}  # a: 1|23 or 12|3; s: 1|25 or 12|5
    assert split_table(rows, cols, rule).solutions == 2  # s.x = a.x
    assert split_table(rows, cols, rule, unlisted="unknown").solutions == 3  # s.x >= a.x


# --- properties ---------------------------------------------------------------


def random_table(rng: random.Random, rows: list[str], density: float, scale: int) -> dict:
    """Values of table 三 (2021 layout, （六） as its three sub-rows) satisfying R1, R2 and R3."""
    heads = ("new", "carried", "results_total", "carry_forward")
    leaves = [r for r in rows if r not in heads]
    v = {}
    for r in leaves + ["carried", "carry_forward"]:
        for c in APPLICANTS:
            v[(r, c)] = rng.choice([0, 1, 2, rng.randrange(scale), rng.randrange(scale * 10)]) \
                if rng.random() < density else 0
    for c in APPLICANTS:
        v[("results_total", c)] = sum(v[(r, c)] for r in leaves)
        v[("new", c)] = v[("results_total", c)] + v[("carry_forward", c)] - v[("carried", c)]
        if v[("new", c)] < 0:
            v[("carried", c)] = v[("results_total", c)] + v[("carry_forward", c)]
            v[("new", c)] = 0
    for r in rows:
        v[(r, "total")] = sum(v[(r, c)] for c in APPLICANTS)
    return v


@pytest.mark.parametrize("seed", range(40))
def test_property_true_values_are_always_among_the_solutions(t2021, seed):
    rng = random.Random(seed)
    rows = [key for key, _ in LABELS]
    truth = random_table(rng, rows, density=rng.choice([0.2, 0.5, 0.9]), scale=rng.choice([10, 100, 1000]))
    glued = {r: ["".join(str(truth[(r, c)]) for c in COLS)] for r in rows}
    res = split_template_table(t2021, "requests", glued, readings_cap=10**6)
    assert res.consistent and res.complete and res.solutions >= 1
    for cell, value in truth.items():
        got = res.cells[cell]
        assert Decimal(value) in got.candidates, cell
        assert got.value is None or got.value == value, cell
    for r in rows:
        assert " | ".join(str(truth[(r, c)]) for c in COLS) in res.rows[r].readings


def format_splits(digits: str, n: int) -> list[tuple[int, ...]]:
    """Every way to read ``digits`` as n integers (no leading zeros): an independent oracle."""
    if n == 1:
        return [(int(digits),)] if digits and (digits == "0" or digits[0] != "0") else []
    out = []
    for i in range(1, len(digits) - n + 2):
        head = digits[:i]
        if head != "0" and head[0] == "0":
            continue
        out += [(int(head),) + rest for rest in format_splits(digits[i:], n - 1)]
    return out


@pytest.mark.parametrize("seed", range(30))
def test_property_matches_brute_force_on_small_tables(seed):
    # rows a, b and their sum s; columns x, y and their sum t; plus one random inequality
    rng = random.Random(1000 + seed)
    cols, rows = ["x", "y", "t"], ["a", "b", "s"]
    v = {(r, c): rng.choice([0, 1, 5, rng.randrange(30), rng.randrange(200)]) for r in "ab" for c in "xy"}
    for c in "xy":
        v[("s", c)] = v[("a", c)] + v[("b", c)]
    for r in rows:
        v[(r, "t")] = v[(r, "x")] + v[(r, "y")]
    cons = [Constraint([(r, "t")], EQUAL, [(r, "x"), (r, "y")]) for r in rows]
    cons += [Constraint([("s", c)], EQUAL, [("a", c), ("b", c)]) for c in cols]
    c1, c2 = rng.sample(sorted(v), 2)
    cons.append(Constraint([c1], AT_MOST if v[c1] <= v[c2] else AT_LEAST, [c2]))
    glued = {r: "".join(str(v[(r, c)]) for c in cols) for r in rows}

    def holds(vals):
        for con in cons:
            left, right = sum(vals[c] for c in con.total), sum(vals[c] for c in con.parts) + con.constant
            if not {EQUAL: left == right, AT_MOST: left <= right, AT_LEAST: left >= right}[con.kind]:
                return False
        return True

    solutions = []
    for combo in itertools.product(*(format_splits(glued[r], 3) for r in rows)):
        vals = {(r, c): combo[i][j] for i, r in enumerate(rows) for j, c in enumerate(cols)}
        if holds(vals):
            solutions.append(vals)
    res = split_table({r: [glued[r]] for r in rows}, cols, cons, readings_cap=10**6)
    assert res.solutions == len(solutions) >= 1
    for cell in v:
        assert res.cells[cell].candidates == tuple(sorted({Decimal(s[cell]) for s in solutions})), cell
    for r in rows:
        want = {" | ".join(str(s[(r, c)]) for c in cols) for s in solutions}
        assert set(res.rows[r].readings) == want
