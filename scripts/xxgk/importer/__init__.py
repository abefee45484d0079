"""`xxgk import`: draft a report package from its source, whatever form it came in.

* ``readers/``: one reader per kind of source (html, pdf_text, pdf_ocr, text),
  chosen from the file's bytes; each gives a :class:`~.document.Document`;
* ``rows``: printed table rows from any document;
* ``layout``: which template and layout the tables follow (from the templates'
  data), and which printed value is which cell;
* ``split``: digits that ran together, split by the template's arithmetic;
* ``repair``: values read, repaired by the rules and the prose, never guessed;
* ``prose``: sections, paragraphs and the figures they quote;
* ``draft``: the package writer (shared with ``xxgk new``);
* ``evaluate``: every curated report imported again from every source kind.

Load inputs: the source, through its reader; the templates. Process data: the
steps above. Save outputs: a draft package (by default in data/drafts/, never
over an existing package) that validates, and its review.md: only what a
person must decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import model, paths
from ..model import UserError, cell_ref, fmt
from . import draft, layout, prose, repair, rows
from .readers import SourceError, read

SOURCE_KIND = {"html": "html", "pdf-text": "pdf-text", "pdf-scan": "pdf-scan", "text": "ocr-text"}
RUN_TOGETHER = 1000  # a text line this long holds a whole report whose table lost its cell boundaries


class ImportError_(UserError):
    """The source cannot be imported; the message says what to do."""


@dataclass
class Draft:
    folder: Path
    template: model.Template | None
    cells: dict
    prose: list
    review: list[str]
    recognition: str
    kind: str
    seconds: float = 0.0
    pages: int = 0
    notes: list[str] = field(default_factory=list)


def table_region(lines: list[str]) -> int:
    """First line of an appended statistics table in OCR text (0-based): the line 附件, or the table's title."""
    for i, line in enumerate(lines):
        s = line.strip()
        if s == "附件" or (s.endswith("统计表") and not s.startswith("附件")):
            return i
    return len(lines)


def read_tables(doc, templates, forced, year):
    """Recognise the statistics tables of a document: (Recognition, lines to leave out of the prose, prose stop)."""
    lines = doc.lines
    if doc.kind == "text" and any(len(x) > RUN_TOGETHER for x in lines):
        n = max(range(len(lines)), key=lambda i: len(lines[i])) + 1
        return layout.recognise_runs(lines[n - 1], n, templates, year, forced), set(), None
    if doc.tables:
        tables = rows.from_tables(doc)
        exclude = {r.line for t in tables for r in t.rows if r.line}
        stop = None
    else:  # positioned words (PDF, scan), or lines of text (OCR text, pdftotext)
        tables = rows.from_words(doc) if doc.words else rows.from_lines(doc)
        exclude, stop = set(), None
    header = " ".join(r.full_label for t in tables for r in t.rows if not r.values) + " " + " ".join(
        x for t in tables for row in t.header for x, _, _ in row)
    rec = layout.recognise(tables, templates, header, year, forced)
    if rec.chosen is not None and not doc.tables:  # leave out each table's lines, from its headings to its last row
        by_table: dict[str, list[int]] = {}
        for (table, _), r in rec.chosen.rows.items():
            if r.line:
                by_table.setdefault(table, []).append(r.line)
        for found in by_table.values():
            exclude |= set(range(min(found) - 3, max(found) + 2))
    return rec, exclude, stop


def import_report(source_path: Path, report_id: str, out_dir: Path | None = None, template_id: str | None = None,
                  agency: str = "", region_code: str = "", region: str = "", title: str = "", url: str = "",
                  published: str = "", write: bool = True) -> Draft:
    import time

    from ..scaffold import check_template_id

    started = time.perf_counter()
    # Load inputs.
    m = re.fullmatch(r"([0-9]{6})-([a-z0-9]+(?:-[a-z0-9]+)*)-(\d{4})", report_id or "")
    if not m:
        raise ImportError_(f"报告编号“{report_id}”应为“行政区划代码-机构简称-年度”，例如 370000-hrss-2018")
    agency_id, year = f"{m.group(1)}-{m.group(2)}", int(m.group(3))
    region_code = region_code or m.group(1)
    forced = check_template_id(template_id) if template_id else None
    if url and not re.fullmatch(r"https?://\S+", url):
        raise ImportError_(f"原文网址只接受 http(s) 地址：“{url}”")
    folder = (out_dir or paths.DRAFTS) / report_id
    if write and (folder.exists() or folder.is_symlink()):
        raise draft.PackageExists(f"{paths.rel(folder)} 已存在，不会覆盖。换一个目录（--out），或先自己把它移走")
    try:
        doc = read(source_path)
    except SourceError as exc:
        raise ImportError_(str(exc)) from None
    if not doc.text.strip():
        raise ImportError_(f"{source_path.name} 里没有可读的文字（扫描件的 OCR 也没有认出文字）：请换一份清楚的原件")
    templates = [model.load_template(p) for p in model.template_folders()]

    # Process data.
    try:
        rec, exclude, stop = read_tables(doc, templates, forced, year)
    except layout.Ambiguous as exc:
        raise ImportError_(f"两个模板同样符合这份报告的表格：{exc.a.template.id}（{exc.a.why}）与 {exc.b.template.id}"
                           f"（{exc.b.why}）。请用 --template 指定其中一个") from None
    match = rec.chosen
    template = match.template if match else None
    agency = agency or _agency_from_title(doc.title, year)
    draft_prose = prose.split_prose(doc, exclude, agency, stop)
    paragraphs = [dict(zip(["id", "section", "subsection", "kind", "text", "source_lines"], r)) for r in draft_prose.rows]
    figures = prose.find_figures(paragraphs)
    review: list[str] = []
    cells: dict = {}
    if template is not None:
        cells = repair.read_values(match, doc.kind)
        prose.link_figures(template, figures, cells, model.load_crosswalk())
        facts = [(f.cells, f.value) for f in figures if f.cells]
        review += repair.split_runs(match, cells, facts)
        review += prose.check_against_prose(figures, cells)
        prose.fill_from_prose(figures, cells)
        repair.derive_by_rules(template, cells)
        # A printed value that breaks two rules is a misreading only where misreadings happen (OCR); in a web page
        # or a PDF's text layer the numbers are exactly as the agency typed them, and a broken rule is its own.
        review += repair.pinpoint(template, cells, correct=doc.kind in repair.OCR_KINDS)
        repair.derive_by_rules(template, cells)
        repair.revert_broken(template, cells)
        for cell in cells.values():
            if cell.value is None and cell.state == "missing" and not cell.flag:
                cell.flag = "缺失"
        review += [f"原文表格中的一行“{r.full_label or '（无标签）'}”（第 {r.line} 行）不在模板 {template.id} 中，没有录入"
                   for r in match.unmatched if _looks_like_statistics(r) and (r.table or (r.line in exclude))]
    notes = list(draft_prose.notes) + (match.notes if match else [])

    # Save outputs.
    title = title or doc.title or f"{agency or '（机构）'}{year}年政府信息公开工作年度报告"
    published = published or (doc.published if doc.published and doc.published[:4] >= str(year) else "")
    result = Draft(folder, template, cells, draft_prose.rows, [], rec.reason, doc.kind, pages=doc.pages, notes=notes)
    flagged = [f"- `{cell_ref(c)}`（{template.row(c[0], c[1])['label']}"
               + (f" · {template.column(c[0], c[2])['label']}" if len(template.value_columns(c[0])) > 1 else "")
               + f"）：{x.flag}" + (f"；原文第 {x.line} 行“{x.source[:60]}”" if x.line and x.source else "")
               for c, x in cells.items() if x.flag and x.state != "absent"]
    result.review = flagged + review
    if write:
        files = package_files(doc, source_path, agency_id, agency, region_code, region, year, published, title, url,
                              template, cells, draft_prose, figures)
        files.extra_files["review.md"] = review_md(report_id, result, cells, draft_prose, flagged, review, notes)
        draft.write_report_package(folder, files)
    result.seconds = time.perf_counter() - started
    return result


def _looks_like_statistics(r) -> bool:
    return len(r.values) >= 2 or (bool(r.unit) and bool(r.values))


def _agency_from_title(title: str, year: int) -> str:
    m = re.match(rf"^(.{{2,40}}?){year}\s*年", title or "")
    return m.group(1).strip() if m else ""


def package_files(doc, source_path, agency_id, agency, region_code, region, year, published, title, url, template,
                  cells, draft_prose, figures) -> draft.PackageFiles:
    kind = SOURCE_KIND[doc.kind]
    sources = [draft.source_entry(source_path, kind, f"{title}（原始文件）", url=url)]
    if doc.kind != "text" or doc.text.encode("utf-8") != source_path.read_bytes():
        sources.append(draft.text_entry(doc.text, doc.method, "原始文件的文字（行号指这里）"))
    stats = [[*c, fmt(x.value), x.state, x.line or "", x.locator or "", x.source if x.state != "absent" else "", x.note.strip()]
             for c, x in cells.items()]
    fig_rows = [[f"f{i:03d}", f.paragraph, f.sentence, f.quote, fmt(f.value), f.multiplier, f.unit, f.qualifier,
                 " ".join(cell_ref(c) for c in f.cells), f.relation if len(f.cells) > 1 else "", "", ""]
                for i, f in enumerate(figures, 1)]
    ledger = []
    from ..prose import LAYOUT_SIGNATURES
    from ..text import LAYOUT_RULES

    for rid, (s, p) in LAYOUT_SIGNATURES.items():
        if rid in draft_prose.rules and draft_prose.layout_counts.get(rid):
            desc = next(r[1] for r in LAYOUT_RULES if r[0] == rid)
            ledger.append(["prose", "*", "", s, p, "glyph" if rid == "enclosed-numeral" else "layout", desc,
                           "排版规则（xxgk.text.LAYOUT_RULES）", draft_prose.layout_counts[rid]])
    for pid, n, s, p, k, reason, ev in draft_prose.edits:
        ledger.append(["prose", pid, n, s, p, k, reason, ev, 1])
    ledger += repair.ledger_rows(cells)
    return draft.PackageFiles(
        meta={"agency_id": agency_id, "agency": agency or "（待填写）", "region_code": region_code,
              "region": region or "（待填写）", "year": year, "published": published,
              "template": template.id if template else "", "title": title},
        statistics=stats, prose=draft_prose.rows, figures=fig_rows,
        corrections=[[f"c{i:03d}", *e] for i, e in enumerate(ledger, 1)], sources=sources,
        description=f"Draft written by xxgk import from a {kind} source: see review.md.",
        contributors=[{"title": "xxgk import (draft, to be reviewed)", "role": "curator"}])


def review_md(report_id, result: Draft, cells, draft_prose, flagged, review, notes) -> str:
    states = {}
    for x in cells.values():
        states[x.state] = states.get(x.state, 0) + 1
    lines = [f"# 待人工核对：{report_id}", "",
             f"- 原始文件：{result.kind}，{result.pages or '—'} 页；{result.recognition}",
             f"- 统计单元格 {len(cells)} 个：" + "，".join(f"{repair_state_zh(k)} {v}" for k, v in sorted(states.items())),
             f"- 正文 {len(draft_prose.rows)} 段", ""]
    lines += ["## 需要决定的单元格", ""] + (flagged or ["（无）"])
    if review:
        lines += ["", "## 正文、规则与表格的问题", ""] + [f"- {r}" for r in review]
    if notes:
        lines += ["", "## 导入时注意到的情况（供参考）", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def repair_state_zh(state: str) -> str:
    return {"printed": "原文", "corrected": "校正", "derived": "推算", "missing": "缺失", "absent": "未列出"}.get(state, state)


def diff_against(curated: Path, result: Draft) -> list[str]:
    """What an import of a curated report's source gives differently from the curated package."""
    rep = model.load_report(curated)
    out = []
    for c, row in rep.values().items():
        got = result.cells.get(c)
        if got is None:
            continue
        if (row["value"], row["state"] == "absent") != (got.value, got.state == "absent"):
            out.append(f"| `{cell_ref(c)}` | {fmt(row['value']) or row['state']} | {fmt(got.value) or got.state} |")
    return out


__all__ = ["import_report", "Draft", "ImportError_", "diff_against"]


def evaluate_against_curated(*args, **kwargs):  # kept for the CLI; see evaluate.py
    from .evaluate import evaluate_all

    return evaluate_all(*args, **kwargs)


def render_evaluation(results):
    from .evaluate import render

    return render(results)
