"""`xxgk import --evaluate`: every curated report imported again, from every kind of source there is for it.

For each curated report in data/reports, the sources are its own source (from
the cache), every other copy the cache's manifest lists under the same report
id (for the 平潭 reports, the text a crawler saved, whose tables ran together),
and, with ``scan=True``, an image-only PDF made from a PDF source (a real
scan, read by OCR). Each import is compared cell by cell with the curated
values:

* right: the same value (or both absent);
* wrong, flagged: a different value that the draft marks for a person;
* wrong: a different value the draft does not mark (the number that must be 0);
* flagged: left missing and marked for a person;
* missing, not flagged: left missing without saying why.
"""

from __future__ import annotations

import csv
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import model, paths, sources


@dataclass
class Result:
    report: str
    kind: str
    file: str
    cells: int = 0
    right: int = 0
    wrong_flagged: int = 0
    wrong: int = 0
    flagged: int = 0
    unflagged: int = 0
    prose_same: int = 0
    prose_total: int = 0
    review: int = 0
    seconds: float = 0.0
    pages: int = 0
    template: str = ""
    error: str = ""
    wrong_cells: list = field(default_factory=list)


def alternates(report_id: str) -> list[tuple[str, Path]]:
    """(kind, file) of the other copies of a report the source cache's manifest lists under its id."""
    out = []
    for cache in sources.caches():
        manifest = cache / "manifest.csv"
        if not manifest.is_file():
            continue
        with manifest.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                name = (row.get("file") or "").strip()
                if row.get("id") == report_id and name and ".." not in Path(name).parts and (cache / name).is_file():
                    out.append((row.get("kind") or "", cache / name))
    return out


def compare(rep: model.Report, draft, kind: str, file: Path, seconds: float) -> Result:
    res = Result(rep.id, kind, file.name, seconds=seconds, pages=draft.pages, review=len(draft.review),
                 template=draft.template.id if draft.template else "")
    for c, row in rep.values().items():
        res.cells += 1
        got = draft.cells.get(c)
        want_absent = row["state"] == "absent"
        if got is None:
            res.unflagged += 1
            continue
        if want_absent or got.state == "absent":
            if want_absent and got.state == "absent":
                res.right += 1
            else:
                res.wrong_flagged += bool(got.flag)
                res.wrong += not got.flag
                res.wrong_cells.append((c, row["value"], got.value, got.state))
            continue
        if got.value is None:
            if got.flag:
                res.flagged += 1
            else:
                res.unflagged += 1
        elif row["value"] is not None and got.value == row["value"]:
            res.right += 1
        elif got.flag:
            res.wrong_flagged += 1
        else:
            res.wrong += 1
            res.wrong_cells.append((c, row["value"], got.value, got.state))
    imported = {r[4] for r in draft.prose}
    paras = [p for p in rep.prose if p["kind"] in ("paragraph", "closing", "section", "subsection")]
    res.prose_total, res.prose_same = len(paras), sum(1 for p in paras if p["text"] in imported)
    return res


def evaluate_all(scan: bool = False, only: list[str] | None = None) -> list[Result]:
    from . import ImportError_, import_report

    results = []
    for folder in model.report_folders():
        if only and folder.name not in only:
            continue
        rep = model.load_report(folder)
        meta = rep.meta
        todo = []
        own = sources.find(rep.source) if rep.source else None
        if own is not None:
            todo.append((rep.source.get("kind", ""), own))
        seen = {sources.sha256_of(own)} if own is not None else set()
        for kind, f in alternates(rep.id):
            digest = sources.sha256_of(f)
            if digest not in seen:
                seen.add(digest)
                todo.append((kind, f))
        if scan and own is not None and rep.source.get("kind") == "pdf-text":
            from .readers.pdf_ocr import image_only_pdf

            tmp = Path(tempfile.mkdtemp(prefix="xxgk-scan-")) / f"{rep.id}-scan.pdf"
            image_only_pdf(own, tmp)
            todo.append(("pdf-scan", tmp))
        if not todo:
            results.append(Result(rep.id, "—", "—", error="原始文件不在缓存中：没有评估"))
            continue
        for kind, f in todo:
            start = time.perf_counter()
            try:
                draft = import_report(f, rep.id, template_id=None, agency=meta["agency"], region_code=meta["region_code"],
                                      region=meta["region"], title=meta["title"], write=False)
            except ImportError_ as exc:
                results.append(Result(rep.id, kind, f.name, error=str(exc)))
                continue
            results.append(compare(rep, draft, kind, f, time.perf_counter() - start))
    return results


def render(results: list[Result]) -> str:
    out = ["| report | source kind | file | template | cells | right | wrong, flagged | **wrong, not flagged** | "
           "missing, flagged | missing, not flagged | prose paragraphs | review items | pages | seconds |",
           "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if r.error:
            out.append(f"| {r.report} | {r.kind} | {r.file} | — | | | | | | | | | | {r.error} |")
            continue
        n = max(1, r.cells)
        out.append(f"| {r.report} | {r.kind} | {r.file} | {r.template or '—'} | {r.cells} | {r.right / n:.1%} | "
                   f"{r.wrong_flagged / n:.1%} | **{r.wrong}** | {r.flagged / n:.1%} | {r.unflagged / n:.1%} | "
                   f"{r.prose_same}/{r.prose_total} | {r.review} | {r.pages or '—'} | {r.seconds:.2f} |")
    by_kind: dict[str, list[Result]] = {}
    for r in results:
        if not r.error:
            by_kind.setdefault(r.kind, []).append(r)
    out += ["", "| source kind | reports | cells | right | wrong, flagged | **wrong, not flagged** | missing, flagged | "
            "missing, not flagged | seconds per report |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for kind, rs in sorted(by_kind.items()):
        cells = sum(r.cells for r in rs) or 1
        out.append(f"| {kind} | {len(rs)} | {cells} | {sum(r.right for r in rs) / cells:.1%} | "
                   f"{sum(r.wrong_flagged for r in rs) / cells:.1%} | **{sum(r.wrong for r in rs)}** | "
                   f"{sum(r.flagged for r in rs) / cells:.1%} | {sum(r.unflagged for r in rs) / cells:.1%} | "
                   f"{sum(r.seconds for r in rs) / len(rs):.2f} |")
    wrong = [(r.report, r.kind, c) for r in results for c in r.wrong_cells]
    if wrong:
        out += ["", "Wrong and not flagged:", ""] + [f"- {rep} ({kind}): {'/'.join(c[0])} curated {c[1]}, imported {c[2]} ({c[3]})"
                                                     for rep, kind, c in wrong[:50]]
    return "\n".join(out) + "\n"


__all__ = ["evaluate_all", "render", "alternates", "paths"]
