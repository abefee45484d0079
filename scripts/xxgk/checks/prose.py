"""Stage 2 for reports: every paragraph rebuilt from the source text plus the ledger; no OCR residue."""

from __future__ import annotations

from ..findings import Finding
from ..prose import LAYOUT_SIGNATURES, EditError, LocalEdit, parse_range, rebuild
from ..text import find_residue
from . import Context, check


@check("ocr-residue")
def residue(ctx: Context):
    pf = ctx.resource_file("prose")
    for p in ctx.report.prose:
        for kind, _off, snippet in find_residue(p["text"]):
            yield Finding("ocr-residue", pf, f"段落 {p['id']} 残留 OCR 错误（{kind}）：“{snippet}”", line=p["_line"],
                          field="text", expected="干净的中文", found=snippet)


@check("ledger-orphan", "prose-mismatch", "ledger-count")
def prose_rebuild(ctx: Context):
    """Needs the source text; without it the package check has already said so (source-absent)."""
    lines = ctx.lines
    if lines is None:
        return
    rep = ctx.report
    pf = ctx.resource_file("prose")
    lf = ctx.resource_file("corrections")
    paragraphs = {p["id"]: p for p in rep.prose}
    ranges = {pid: parse_range(p["source_lines"]) for pid, p in paragraphs.items()}
    edits: dict[str, list[tuple[dict, LocalEdit]]] = {}
    globals_ = {}
    for e in rep.corrections:
        if e["resource"] != "prose":
            continue
        if e["target"] == "*" and e["source_line"] is None:
            globals_[(e["source_text"] or "", e["published_text"] or "")] = e
            continue
        if e["source_line"] is None:
            yield Finding("ledger-orphan", lf, "局部勘误记录必须写明原文行号", line=e["_line"], field="source_line")
            continue
        if e["target"] == "*":
            line_text = lines[e["source_line"] - 1] if 0 < e["source_line"] <= len(lines) else ""
            inside = [pid for pid, (a, b) in ranges.items() if a <= e["source_line"] <= b]
            if (e["source_text"] or "") not in line_text or not e["source_text"]:
                yield Finding("ledger-orphan", lf, f"原文第 {e['source_line']} 行没有“{e['source_text']}”",
                              line=e["_line"], field="source_text", expected=line_text, found=e["source_text"])
            elif inside:
                yield Finding("ledger-orphan", lf, f"原文第 {e['source_line']} 行属于段落 {inside[0]}，target 应写 {inside[0]}",
                              line=e["_line"], field="target", expected=inside[0], found="*")
            continue
        if e["target"] not in paragraphs:
            yield Finding("ledger-orphan", lf, f"段落 {e['target']} 不在 prose.csv 中", line=e["_line"], field="target",
                          found=e["target"])
            continue
        a, b = ranges[e["target"]]
        if not a <= e["source_line"] <= b:
            yield Finding("ledger-orphan", lf, f"原文第 {e['source_line']} 行不在段落 {e['target']}（第 {a}–{b} 行）中",
                          line=e["_line"], field="source_line")
            continue
        edits.setdefault(e["target"], []).append(
            (e, LocalEdit(e["id"], e["source_line"], e["source_text"] or "", e["published_text"] or "")))
    totals: dict[str, int] = {}
    signatures = {v: k for k, v in LAYOUT_SIGNATURES.items()}
    in_use = {signatures[key] for key in globals_ if key in signatures}  # the layout rules this package's ledger lists
    for pid, p in paragraphs.items():
        a, b = ranges[pid]
        pe = edits.get(pid, [])
        try:
            rebuilt, counts = rebuild(lines, a, b, [le for _, le in pe], in_use)
        except EditError as exc:
            entry = next(e for e, le in pe if le is exc.edit)
            yield Finding("ledger-orphan", lf, f"原文第 {exc.edit.line} 行没有“{exc.edit.source_text}”",
                          line=entry["_line"], field="source_text", expected=exc.line_text, found=exc.edit.source_text)
            continue
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
        if rebuilt != p["text"]:
            i = next((i for i, (x, y) in enumerate(zip(rebuilt, p["text"])) if x != y), min(len(rebuilt), len(p["text"])))
            yield Finding("prose-mismatch", pf,
                          f"段落 {pid} 与原文第 {a}–{b} 行加勘误记录的结果不同，第 {i + 1} 个字起：每处改动都要写进 corrections.csv",
                          line=p["_line"], field="text", expected=rebuilt[max(0, i - 8):i + 12],
                          found=p["text"][max(0, i - 8):i + 12])
    for rule_id, (src, pub) in LAYOUT_SIGNATURES.items():
        n = totals.get(rule_id, 0)
        e = globals_.pop((src, pub), None)
        if e is not None and e["count"] != n:
            yield Finding("ledger-count", lf, f"排版规则 {rule_id} 实际用了 {n} 次", line=e["_line"], field="count",
                          expected=str(n), found=str(e["count"]))
    for e in globals_.values():
        yield Finding("ledger-orphan", lf, "全局勘误记录对不上任何排版规则", line=e["_line"], field="source_text",
                      found=e["source_text"])
