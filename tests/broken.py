"""Packages broken on purpose, one failure mode each, and the exact findings each must give.

Every case starts from a copy of tests/fixtures/data (a mini template, a mini
report whose source sits in a mini source cache, a crosswalk), breaks one
thing, and names the package to check and the findings expected, as
(code, file name, line, field). ``python tests/broken.py OUT`` writes every
case into OUT to look at.

A test asserts each case's findings exactly, and that every finding code a
check declares is triggered by at least one case.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "data"
REPORT = "reports/110000-mini-2018"
TEMPLATE = "templates/mini"
CROSSWALK = "crosswalk"
DESC = "datapackage.yaml"


@dataclass
class Case:
    name: str
    target: str  # the package folder to validate, relative to the data root
    breaks: Callable[[Path], None]
    expected: list[tuple]  # (code, file name, line, field)


def sub(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise AssertionError(f"{old!r} not in {path}")
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


def rehash(root: Path) -> None:
    """After changing the mini source: update the cache manifest and the descriptor's bytes and sha256."""
    src = root / "sources" / "mini-source.txt"
    data = src.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    (root / "sources" / "manifest.csv").write_text(f"file,sha256,bytes\nmini-source.txt,{digest},{len(data)}\n", encoding="utf-8")
    desc = root / REPORT / DESC
    import re

    text = desc.read_text(encoding="utf-8")
    text = re.sub(r"bytes: \d+, hash: \"sha256:[0-9a-f]+\"", f'bytes: {len(data)}, hash: "sha256:{digest}"', text)
    desc.write_text(text, encoding="utf-8")


def source_edit(old: str, new: str):
    def fn(root: Path):
        sub(root / "sources" / "mini-source.txt", old, new)
        rehash(root)
    return fn


def both(*fns):
    def fn(root: Path):
        for f in fns:
            f(root)
    return fn


def edit(rel: str, old: str, new: str):
    return lambda root: sub(root / rel, old, new)


R = REPORT + "/"
T = TEMPLATE + "/"
STATS_ROW = "stats,received_in_person,value,3,printed,4,,3,"

CASES = [
    # --- the package: descriptor, profile, files ---------------------------------------------------------
    Case("package-missing", "reports/110000-empty-2018", lambda r: (r / "reports/110000-empty-2018").mkdir(),
         [("package-missing", "110000-empty-2018", None, None)]),
    Case("descriptor-not-yaml", REPORT, edit(R + DESC, "title: 测试", "title: [测试"),
         [("descriptor-error", DESC, 3, None)]),
    Case("descriptor-schema", REPORT, edit(R + DESC, "path: statistics.csv, encoding: utf-8", "path: statistics.csv, encoding: gbk"),
         [("descriptor-error", DESC, 9, "resources.1.encoding")]),
    Case("descriptor-url-scheme", REPORT, edit(R + DESC, 'path: "https://creativecommons.org/licenses/by/4.0/"', 'path: "javascript:alert(1)"'),
         [("descriptor-error", DESC, 4, "licenses.0.path")]),
    Case("yaml-alias", REPORT, edit(R + DESC, "title: 测试机关2018年政府信息公开工作年度报告", "title: &t 测试机关2018年政府信息公开工作年度报告\ndescription: *t"),
         [("yaml-alias", DESC, 2, None)]),
    Case("profile-missing", REPORT, edit(R + DESC, "$schema: https://xxgk-data.github.io/reports/schemas/report-package.schema.json\n", ""),
         [("profile-missing", DESC, 1, "$schema")]),
    Case("profile-unknown", REPORT, edit(R + DESC, "schemas/report-package.schema.json", "schemas/secret-package.schema.json"),
         [("profile-unknown", DESC, 1, "$schema")]),
    Case("descriptor-too-large", REPORT, lambda r: append(r / R / DESC, "# " + "x" * 1_000_000 + "\n"),
         [("file-too-large", DESC, None, None)]),
    Case("descriptor-not-utf8", REPORT, lambda r: (r / R / DESC).write_bytes((r / R / DESC).read_text(encoding="utf-8").encode("gb18030")),
         [("encoding-error", DESC, None, None)]),
    Case("resource-missing", REPORT, edit(R + DESC, "  - {name: figures, path: figures.csv, encoding: utf-8, schema: ../../schemas/figures.schema.json}\n", ""),
         [("resource-missing", DESC, 7, "resources")]),
    Case("resource-not-allowed", REPORT, both(
        lambda r: append(r / R / DESC, "  - {name: secrets, path: secrets.csv, encoding: utf-8, schema: ../../schemas/report.schema.json}\n"),
        lambda r: (r / R / "secrets.csv").write_text("a\n1\n", encoding="utf-8")),
         [("resource-not-allowed", DESC, 13, "resources.5.name")]),
    Case("duplicate-resource", REPORT, lambda r: append(r / R / DESC, "  - {name: prose, path: report.csv, encoding: utf-8, schema: ../../schemas/prose.schema.json}\n"),
         [("duplicate-resource", DESC, 13, "resources.5.name")]),
    Case("symlink-resource", REPORT, both(lambda r: (r / R / "prose.csv").unlink(), lambda r: os.symlink("/etc/hostname", r / R / "prose.csv")),
         [("unsafe-path", DESC, 10, "resources.2.path")]),
    Case("symlink-package", "reports/110000-link-2018", lambda r: os.symlink(r / REPORT, r / "reports/110000-link-2018"),
         [("unsafe-path", "110000-link-2018", None, None)]),
    Case("undeclared-file", REPORT, lambda r: (r / R / "notes.txt").write_text("x", encoding="utf-8"),
         [("undeclared-file", "notes.txt", None, None)]),
    Case("file-missing", REPORT, lambda r: (r / R / "figures.csv").unlink(),
         [("file-missing", DESC, 11, "resources.3.path")]),
    Case("csv-too-large", REPORT, lambda r: append(r / R / "prose.csv", 'p003,1,,paragraph,"' + "长" * 3_500_000 + '",2\n'),
         [("file-too-large", "prose.csv", None, None)]),
    Case("cell-too-long", REPORT, lambda r: append(r / R / "prose.csv", 'p003,1,,paragraph,"' + "长" * 60_000 + '",2\n'),
         [("cell-too-long", "prose.csv", 4, "text")]),
    Case("bom", REPORT, lambda r: (r / R / "statistics.csv").write_bytes(b"\xef\xbb\xbf" + (r / R / "statistics.csv").read_bytes()),
         [("bom", "statistics.csv", 1, None)]),
    Case("gbk-encoding", REPORT, lambda r: (r / R / "prose.csv").write_bytes((r / R / "prose.csv").read_text(encoding="utf-8").encode("gbk")),
         [("encoding-error", "prose.csv", 2, None)]),
    Case("control-character", REPORT, edit(R + "prose.csv", "共收到申请5件", "共收到\x1b[31m申请5件"),
         [("control-character", "prose.csv", 3, "text")]),
    Case("nul-byte", REPORT, edit(R + "prose.csv", "共收到申请5件", "共收到\x00申请5件"),
         [("control-character", "prose.csv", 3, None)]),
    *[Case(f"control-{name}", REPORT, edit(R + "prose.csv", "共收到申请5件", f"共收到{char}申请5件"),
           [("control-character", "prose.csv", 3, "text")])
      for name, char in (("vertical-tab", "\x0b"), ("form-feed", "\x0c"))],
    *[Case(f"number-{name}", REPORT, edit(R + "statistics.csv", STATS_ROW, STATS_ROW.replace(",3,printed", f",{bad},printed")),
           [("non-canonical-number", "statistics.csv", 3, "value")])
      for name, bad in (("fullwidth", "３"), ("exponent", "3e0"), ("leading-zero", "03"), ("spaces", '" 3 "'), ("plus", "+3"),
                        ("underscore", "3_0"), ("minus-zero", "-0"), ("trailing-zero", "3.0"), ("huge", "1" * 31),
                        ("infinity", "Infinity"), ("nan", "NaN"))],
    Case("type-error", REPORT, edit(R + "report.csv", "2019-03-01", "2019-02-30"),
         [("type-error", "report.csv", 2, "published")]),
    Case("constraint-error", REPORT, edit(R + "statistics.csv", "3,printed,4", "3,guessed,4"),
         [("constraint-error", "statistics.csv", 3, "state")]),
    Case("primary-key", REPORT, edit(R + "statistics.csv", "stats,received_letter,value,2", "stats,received_in_person,value,2"),
         [("primary-key", "statistics.csv", 4, None)]),
    Case("extra-cell", REPORT, edit(R + "statistics.csv", STATS_ROW, STATS_ROW + ",extra"),
         [("extra-cell", "statistics.csv", 3, None)]),
    Case("missing-cell", REPORT, edit(R + "statistics.csv", STATS_ROW, "stats,received_in_person,value,3,printed,4"),
         [("missing-cell", "statistics.csv", 3, "locator"), ("missing-cell", "statistics.csv", 3, "source_value"),
          ("missing-cell", "statistics.csv", 3, "note")]),
    Case("missing-label", REPORT, lambda r: (r / R / "statistics.csv").write_text("".join(
        line.rsplit(",", 1)[0] + "\n" for line in (r / R / "statistics.csv").read_text(encoding="utf-8").splitlines()), encoding="utf-8"),
         [("missing-label", "statistics.csv", 1, "note")]),
    Case("extra-label", REPORT, lambda r: (r / R / "report.csv").write_text("".join(
        line + ",x\n" for line in (r / R / "report.csv").read_text(encoding="utf-8").splitlines()), encoding="utf-8"),
         [("extra-label", "report.csv", 1, "x")]),
    Case("incorrect-label", REPORT, edit(R + "statistics.csv", "source_value,note", "source_text,note"),
         [("incorrect-label", "statistics.csv", 1, "source_value")]),
    Case("duplicate-label", REPORT, edit(R + "statistics.csv", "source_value,note", "source_value,source_value"),
         [("duplicate-label", "statistics.csv", 1, "note")]),
    Case("blank-label", REPORT, edit(R + "statistics.csv", "source_value,note", "source_value,"),
         [("blank-label", "statistics.csv", 1, "note")]),
    Case("empty-file", REPORT, lambda r: (r / R / "figures.csv").write_text("", encoding="utf-8"),
         [("table-error", "figures.csv", 1, None)]),
    Case("blank-row", REPORT, edit(R + "statistics.csv", STATS_ROW + "\n", STATS_ROW + "\n,,,,,,,,\n"),
         [("blank-row", "statistics.csv", 4, None)]),
    # --- source documents in the cache ---------------------------------------------------------------------
    Case("source-changed", REPORT, edit("sources/mini-source.txt", "一、基本情况", "一、基本倩况"),
         [("hash-mismatch", "mini-source.txt", None, "hash"), ("source-absent", DESC, 6, "sources.0")]),
    Case("source-bytes", REPORT, lambda r: sub(r / R / DESC, "bytes: ", "bytes: 1"),
         [("hash-mismatch", DESC, 6, "sources.0.bytes")]),
    Case("source-absent", REPORT, lambda r: (r / "sources" / "mini-source.txt").unlink(),
         [("source-absent", DESC, 6, "sources.0")]),
    Case("source-text-mismatch", REPORT, lambda r: append(r / R / DESC.replace(DESC, DESC), ""),  # replaced below
         [("source-text-mismatch", DESC, 7, "sources.1.hash")]),
    # --- report contents ------------------------------------------------------------------------------------
    Case("report-metadata", REPORT, edit(R + "report.csv", "110000-mini,测试机关", "110000-mimi,测试机关"),
         [("report-metadata", "report.csv", 2, "agency_id")]),
    Case("published-before-year", REPORT, edit(R + "report.csv", "2019-03-01", "2017-03-01"),
         [("report-metadata", "report.csv", 2, "published")]),
    Case("unknown-template", REPORT, edit(R + "report.csv", ",mini,", ",maxi,"),
         [("unknown-template", "report.csv", 2, "template")]),
    Case("incomplete", REPORT, lambda r: (r / R / "prose.csv").write_text("id,section,subsection,kind,text,source_lines\n", encoding="utf-8"),
         [("incomplete", "prose.csv", None, "text"), ("figure-not-in-text", "figures.csv", 2, "paragraph"),
          ("ledger-count", "corrections.csv", 2, "count"), ("ledger-count", "corrections.csv", 3, "count")]),
    Case("unknown-cell", REPORT, edit(R + "statistics.csv", "stats,received_in_person,", "stats,received_by_pigeon,"),
         [("template-row-missing", "statistics.csv", None, "row"), ("unknown-cell", "figures.csv", 2, "cells"),
          ("unknown-cell", "statistics.csv", 3, "row")]),
    Case("state-mismatch", REPORT, edit(R + "statistics.csv", "stats,received_other,value,,absent", "stats,received_other,value,0,absent"),
         [("state-mismatch", "statistics.csv", 5, "value")]),
    Case("absent-not-optional", REPORT, both(
        edit(R + "statistics.csv", "stats,received_letter,value,2,derived,5,,,按规则 H1 推算：5 − 3 = 2。", "stats,received_letter,value,,absent,,,,"),
        edit(R + "corrections.csv", "c003,statistics,stats/received_letter/value,5,,2,derived-rule,原文此格为空，按规则 H1 推算,H1：5 − 3 = 2,1\n", "")),
         [("absent-not-optional", "statistics.csv", 4, "state"), ("source-rule-violation", "statistics.csv", 2, "value")]),
    Case("value-not-integer", REPORT, both(edit(R + "statistics.csv", STATS_ROW, "stats,received_in_person,value,3.5,corrected,4,,3,读作 3.5"),
                                           lambda r: append(r / R / "corrections.csv", "c004,statistics,stats/received_in_person/value,4,3,3.5,glyph,测试用的校正,测试,1\n")),
         [("value-not-integer", "statistics.csv", 3, "value"), ("rule-violation", "statistics.csv", 3, "value"),
          ("figure-mismatch", "figures.csv", 2, "value")]),
    Case("value-negative", REPORT, edit(R + "statistics.csv", "cum,items,year,7,printed,6,,7,", "cum,items,year,-7,printed,6,,-7,"),
         [("value-negative", "statistics.csv", 6, "value"), ("source-line-mismatch", "statistics.csv", 6, "source_value")]),
    Case("printed-value-mismatch", REPORT, edit(R + "statistics.csv", "cum,items,year,7,printed,6,,7,", "cum,items,year,8,printed,6,,7,"),
         [("printed-value-mismatch", "statistics.csv", 6, "value")]),
    Case("source-line-mismatch", REPORT, edit(R + "statistics.csv", "stats,requests_received,value,5,printed,3,", "stats,requests_received,value,5,printed,6,"),
         [("source-line-mismatch", "statistics.csv", 2, "source_value")]),
    Case("template-row-missing", REPORT, edit(R + "statistics.csv", "stats,received_other,value,,absent,,,,\n", ""),
         [("template-row-missing", "statistics.csv", None, "row")]),
    Case("ledger-missing", REPORT, edit(R + "corrections.csv", "c003,statistics,stats/received_letter/value,5,,2,derived-rule,原文此格为空，按规则 H1 推算,H1：5 − 3 = 2,1\n", ""),
         [("ledger-missing", "statistics.csv", 4, "value")]),
    Case("ledger-mismatch", REPORT, edit(R + "corrections.csv", "stats/received_letter/value,5,,2,", "stats/received_letter/value,5,,3,"),
         [("ledger-mismatch", "corrections.csv", 4, "published_text")]),
    Case("ledger-orphan", REPORT, lambda r: append(r / R / "corrections.csv", "c004,statistics,stats/received_in_person/value,4,3,3,glyph,不需要的记录,测试,1\n"),
         [("ledger-orphan", "corrections.csv", 5, "target")]),
    Case("rule-violation", REPORT, both(edit(R + "statistics.csv", "2,derived,5,,,按规则 H1 推算：5 − 3 = 2", "3,derived,5,,,按规则 H1 推算：5 − 3 = 3"),
                                       edit(R + "corrections.csv", "5,,2,derived", "5,,3,derived")),
         [("rule-violation", "statistics.csv", 4, "value")]),
    Case("source-rule-violation", REPORT, both(source_edit("收到申请数 件 5", "收到申请数 件 6"),
                                              source_edit("2.信函申请数 件", "2.信函申请数 件 2"),
                                              edit(R + "statistics.csv", "stats,requests_received,value,5,printed,3,line=3&chars=9-10,5,", "stats,requests_received,value,6,printed,3,,6,"),
                                              edit(R + "statistics.csv", "2,derived,5,,,按规则 H1 推算：5 − 3 = 2。", "2,printed,5,,2,"),
                                              edit(R + "corrections.csv", "c003,statistics,stats/received_letter/value,5,,2,derived-rule,原文此格为空，按规则 H1 推算,H1：5 − 3 = 2,1\n", "")),
         [("source-rule-violation", "statistics.csv", 2, "value")]),
    Case("figure-not-in-text", REPORT, edit(R + "figures.csv", "其中当面申请3件,3件", "其中当面申请3件,4件"),
         [("figure-not-in-text", "figures.csv", 2, "quote"), ("figure-not-in-text", "figures.csv", 2, "value")]),
    Case("source-figure-mismatch", REPORT, both(source_edit("当面申请 3件", "当面申请 4件"), edit(R + "prose.csv", "当面申请3件", "当面申请4件"),
                                               edit(R + "figures.csv", "其中当面申请3件,3件,3,", "其中当面申请4件,4件,4,")),
         [("source-figure-mismatch", "figures.csv", 2, "value")]),
    Case("ocr-residue", REPORT, both(source_edit("共收到申请 5件", "共收到申`急 5件"), edit(R + "prose.csv", "共收到申请5件", "共收到申`急5件")),
         [("ocr-residue", "prose.csv", 3, "text")]),
    Case("prose-mismatch", REPORT, edit(R + "prose.csv", "信函申请2件", "信函申请两件"),
         [("prose-mismatch", "prose.csv", 3, "text")]),
    Case("ledger-count", REPORT, edit(R + "corrections.csv", "中文排版,2", "中文排版,3"),
         [("ledger-count", "corrections.csv", 2, "count")]),
    # --- template -------------------------------------------------------------------------------------------
    Case("template-unknown-parent", TEMPLATE, edit(T + "rows.csv", "received_in_person,requests_received,", "received_in_person,requests_recieved,"),
         [("unknown-parent", "rows.csv", 3, "parent")]),
    Case("template-label-norm", TEMPLATE, edit(T + "rows.csv", "1.当面申请数,当面申请数", "1.当面申请数,当面申请"),
         [("label-norm-mismatch", "rows.csv", 3, "label_norm")]),
    Case("template-value-type", TEMPLATE, edit(T + "rows.csv", "in person,件,integer", "in person,件,"),
         [("constraint-error", "rows.csv", 3, "value_type")]),
    Case("template-rule-cell", TEMPLATE, edit(T + "rules.csv", "received_in_person received_letter", "received_in_person received_fax"),
         [("unknown-cell", "rules.csv", 2, "parts")]),
    Case("template-series-rule", TEMPLATE, edit(T + "rules.csv", "running_total,strict,row", "running_total,strict,"),
         [("template-rule-error", "rules.csv", 4, "for_each")]),
    Case("template-label-pattern", TEMPLATE, edit(T + "labels.csv", r"^\d{4}年度$", r"^\d{4}年$"),
         [("template-rule-error", "labels.csv", 3, "pattern")]),
    # --- the agency register --------------------------------------------------------------------------------
    Case("agency-predecessor", "agencies", lambda r: append(r / "agencies/agencies.csv", "110000-maxi,测试机关二,110000,北京市,北京市,department,110000-midi,改名,\n"),
         [("agency-error", "agencies.csv", 3, "predecessor")]),
    Case("agency-publication", "agencies", lambda r: append(r / "agencies/publications.csv", "110000-nobody,2018,published,,\n"),
         [("agency-error", "publications.csv", 4, "agency_id")]),
    Case("agency-unregistered", "reports", both(edit(R + "report.csv", "110000-mini,测试机关,110000", "110000-mini,测试机关,110101"),
                                                edit("agencies/agencies.csv", "110000-mini,测试机关,110000,", "110000-mini,测试机关,110000,")),
         [("agency-error", "report.csv", 2, "region_code")]),
    # --- crosswalk ------------------------------------------------------------------------------------------
    Case("crosswalk-cell", CROSSWALK, edit("crosswalk/cells.csv", "stats/requests_received/value", "stats/requests_lost/value"),
         [("unknown-cell", "cells.csv", 2, "cells")]),
    Case("crosswalk-template", CROSSWALK, edit("crosswalk/cells.csv", ",mini,", ",maxi,"),
         [("unknown-template", "cells.csv", 2, "template")]),
]


def _source_text_mismatch(root: Path) -> None:
    """A source_text entry whose recorded sha256 is not the text extracted from the source."""
    sub(root / R / DESC, "resources:", '  - {name: source_text, title: 文字, kind: text, derived_from: source, method: "the file itself", '
        'format: txt, encoding: utf-8, bytes: 10, hash: "sha256:' + "0" * 64 + '"}\nresources:')


CASES = [Case(c.name, c.target, _source_text_mismatch, c.expected) if c.name == "source-text-mismatch" else c for c in CASES]
# Cases whose findings come from a check across reports (xxgk.series), not from one package.
SERIES_CASES = {"series-mismatch", "agency-unregistered"}


def make(case: Case, out: Path) -> Path:
    """The case's data root in out; returns the folder to validate."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(FIXTURE, out, symlinks=True)
    case.breaks(out)
    return out / case.target


if __name__ == "__main__":
    dest = Path(sys.argv[1] if len(sys.argv) > 1 else "broken-cases")
    for c in CASES:
        make(c, dest / c.name)
    print(f"wrote {len(CASES)} cases into {dest}/")


def _series(root: Path) -> None:
    """A second year of the mini agency whose running total does not continue the first year's."""
    nxt = root / "reports/110000-mini-2019"
    shutil.copytree(root / REPORT, nxt)
    sub(nxt / "report.csv", "110000-mini,测试机关,110000,北京市,2018,2019-03-01", "110000-mini,测试机关,110000,北京市,2019,2020-03-01")
    sub(nxt / "report.csv", "测试机关2018年", "测试机关2019年")
    sub(nxt / DESC, "测试机关2018年", "测试机关2019年")
    text = (root / "sources" / "mini-source.txt").read_text(encoding="utf-8").replace("主动公开信息数 条 7 20", "主动公开信息数 条 8 30")
    (root / "sources" / "mini-source-2019.txt").write_text(text, encoding="utf-8")
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    append(root / "sources" / "manifest.csv", f"mini-source-2019.txt,{digest},{len(data)}\n")
    import re

    desc = (nxt / DESC).read_text(encoding="utf-8")
    (nxt / DESC).write_text(re.sub(r"bytes: \d+, hash: \"sha256:[0-9a-f]+\"", f'bytes: {len(data)}, hash: "sha256:{digest}"', desc),
                            encoding="utf-8")
    sub(nxt / "statistics.csv", "cum,items,year,7,printed,6,,7,", "cum,items,year,8,printed,6,,8,")
    sub(nxt / "statistics.csv", "cum,items,cumulative,20,printed,6,,20,", "cum,items,cumulative,30,printed,6,,30,")


CASES.append(Case("series-mismatch", "reports", _series, [("series-mismatch", "statistics.csv", 7, "value")]))


def _quoted(root: Path) -> None:
    """The 2019 report's prose quotes 2018's figure wrongly (上年收到申请6件; 2018's table says 5)."""
    _series(root)
    nxt = root / "reports/110000-mini-2019"
    sub(nxt / "statistics.csv", "cum,items,cumulative,30,printed,6,,30,", "cum,items,cumulative,28,printed,6,,28,")
    text = (root / "sources" / "mini-source-2019.txt").read_text(encoding="utf-8").replace("主动公开信息数 条 8 30", "主动公开信息数 条 8 28")
    text = text.replace("信函申请 2件。", "信函申请 2件。上年收到申请6件。")
    (root / "sources" / "mini-source-2019.txt").write_text(text, encoding="utf-8")
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    lines = (root / "sources" / "manifest.csv").read_text(encoding="utf-8").splitlines()
    (root / "sources" / "manifest.csv").write_text("\n".join(lines[:-1] + [f"mini-source-2019.txt,{digest},{len(data)}"]) + "\n",
                                                   encoding="utf-8")
    import re

    desc = (nxt / DESC).read_text(encoding="utf-8")
    (nxt / DESC).write_text(re.sub(r"bytes: \d+, hash: \"sha256:[0-9a-f]+\"", f'bytes: {len(data)}, hash: "sha256:{digest}"', desc),
                            encoding="utf-8")
    sub(nxt / "prose.csv", "信函申请2件。", "信函申请2件。上年收到申请6件。")
    append(nxt / "figures.csv", "f002,p002,上年收到申请6件,6件,6,,件,,stats/requests_received/value,,2018,\n")


CASES.append(Case("series-quoted-year", "reports", _quoted, [("series-mismatch", "figures.csv", 3, "value")]))
SERIES_CASES.add("series-quoted-year")
