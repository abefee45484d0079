"""`xxgk diff BASE [HEAD]`: every published number, paragraph and ledger entry a change moves.

Reads the reports at two git revisions (HEAD omitted: the working tree) and
lists, per report, each changed statistics cell (label, old → new, state, and
whether a ledger entry explains it), each changed prose paragraph and each
changed ledger entry. Markdown for a pull request's job summary, or JSON.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from . import model, paths
from .model import UserError

REPORTS = "data/reports"


class DiffError(model.UserError):
    pass


class Revision:
    """Files of the repository at a git revision, or in the working tree when rev is None."""

    def __init__(self, root: Path, rev: str | None):
        self.root, self.rev = root, rev
        if rev is not None:
            self._git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")

    def _git(self, *args: str) -> str:
        result = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True)
        if result.returncode != 0:
            raise DiffError(f"git {' '.join(args)}：{result.stderr.strip() or '找不到这个版本'}")
        return result.stdout

    def report_ids(self) -> set[str]:
        if self.rev is None:
            base = self.root / REPORTS
            return {p.name for p in base.iterdir() if p.is_dir()} if base.is_dir() else set()
        out = self._git("ls-tree", "-d", "--name-only", f"{self.rev}:{REPORTS}") if self._has(REPORTS) else ""
        return set(out.split())

    def _has(self, path: str) -> bool:
        result = subprocess.run(["git", "-C", str(self.root), "cat-file", "-e", f"{self.rev}:{path}"], capture_output=True)
        return result.returncode == 0

    def read(self, path: str) -> str | None:
        if self.rev is None:
            p = self.root / path
            return p.read_text(encoding="utf-8") if p.is_file() else None
        if not self._has(path):
            return None
        return self._git("show", f"{self.rev}:{path}")

    def rows(self, path: str) -> list[dict]:
        text = self.read(path)
        if text is None:
            return []
        reader = csv.DictReader(io.StringIO(text))
        out = []
        try:
            for row in reader:
                row["_line"] = reader.line_num
                out.append(row)
        except csv.Error as exc:  # a cell past the field limit, a NUL: the data's fault, said as such
            raise UserError(f"{path} 第 {reader.line_num + 1} 行无法作为 CSV 读取（{exc}）：先运行 xxgk validate 查看") from None
        return out


@dataclass
class Change:
    report: str
    kind: str  # statistics | prose | ledger | report
    key: str
    label: str
    old: str | None
    new: str | None
    state_old: str | None = None
    state_new: str | None = None
    explained: bool | None = None  # a ledger entry in HEAD explains the new value
    line: int | None = None  # line in the HEAD file


def _labels() -> dict:
    labels = {}
    for folder in model.template_folders():
        t = model.load_template(folder)
        for r in t.rows:
            labels[(r["table"], r["key"])] = r["label"]
    return labels


def diff_reports(base: Revision, head: Revision) -> list[Change]:
    labels = _labels()
    changes: list[Change] = []
    for rid in sorted(base.report_ids() | head.report_ids()):
        folder = f"{REPORTS}/{rid}"
        b_stats = {(r["table"], r["row"], r["column"]): r for r in base.rows(f"{folder}/statistics.csv")}
        h_stats = {(r["table"], r["row"], r["column"]): r for r in head.rows(f"{folder}/statistics.csv")}
        b_led = {r["id"]: r for r in base.rows(f"{folder}/corrections.csv")}
        h_led = {r["id"]: r for r in head.rows(f"{folder}/corrections.csv")}
        led_by_target = {}
        for e in h_led.values():
            led_by_target.setdefault(e["target"], []).append(e)
        changed_led_targets = {e["target"] for i, e in h_led.items() if b_led.get(i) != e}
        if not b_stats and h_stats:
            changes.append(Change(rid, "report", rid, "新增报告", None, f"{len(h_stats)} 个单元格"))
        elif b_stats and not h_stats:
            changes.append(Change(rid, "report", rid, "删除报告", f"{len(b_stats)} 个单元格", None))
            continue
        for cell in sorted(set(b_stats) | set(h_stats)):
            b, h = b_stats.get(cell), h_stats.get(cell)
            if b_stats and h and b and (b["value"], b["state"]) == (h["value"], h["state"]):
                continue
            if not b_stats:
                continue  # a new report: counted once above
            ref = "/".join(cell)
            explained = None
            if h is not None and h["state"] in ("corrected", "derived") or (h and b and h["value"] != b["value"]):
                explained = any((e["published_text"] or "") == (h["value"] or "") and e["resource"] == "statistics"
                                for e in led_by_target.get(ref, []))
            changes.append(Change(rid, "statistics", ref, labels.get(cell[:2], cell[1]),
                                  b["value"] if b else None, h["value"] if h else None,
                                  b["state"] if b else None, h["state"] if h else None, explained,
                                  h["_line"] if h else None))
        b_prose = {r["id"]: r for r in base.rows(f"{folder}/prose.csv")}
        h_prose = {r["id"]: r for r in head.rows(f"{folder}/prose.csv")}
        if b_prose:
            for pid in sorted(set(b_prose) | set(h_prose)):
                b, h = b_prose.get(pid), h_prose.get(pid)
                if b and h and b["text"] == h["text"]:
                    continue
                changes.append(Change(rid, "prose", pid, (h or b)["text"][:20], b["text"] if b else None,
                                      h["text"] if h else None, explained=pid in changed_led_targets or "*" in changed_led_targets,
                                      line=h["_line"] if h else None))
        for lid in sorted(set(b_led) | set(h_led)):
            b, h = b_led.get(lid), h_led.get(lid)
            if b == h or (b and h and {k: v for k, v in b.items() if k != "_line"} == {k: v for k, v in h.items() if k != "_line"}):
                continue
            summary = (lambda e: f"{e['target']}：{e['source_text'] or '（空）'} → {e['published_text'] or '（空）'}（{e['reason']}）")
            changes.append(Change(rid, "ledger", lid, (h or b)["target"], summary(b) if b else None, summary(h) if h else None,
                                  line=h["_line"] if h else None))
    return changes


def render_markdown(changes: list[Change], base: str, head: str) -> str:
    out = ["## 本次改动涉及的已发布数据", "", f"比较 `{base}` → `{head}`。", ""]
    if not changes:
        return "\n".join(out + ["没有改动任何统计数值、正文段落或勘误记录。", ""])
    kinds = {"statistics": "统计数值", "prose": "正文段落", "ledger": "勘误记录", "report": "报告"}

    def cell(x):
        return "（无）" if x is None else ("（缺失）" if x == "" else str(x).replace("|", "\\|").replace("\n", " "))

    for rid in dict.fromkeys(c.report for c in changes):
        out += [f"### `{rid}`", "", "| 类型 | 位置 | 标签 | 原值 → 新值 | 状态 | 勘误记录 |", "|---|---|---|---|---|---|"]
        for c in (c for c in changes if c.report == rid):
            state = "" if c.state_old is None and c.state_new is None else (
                c.state_new if c.state_old == c.state_new else f"{c.state_old or '—'} → {c.state_new or '—'}")
            expl = {True: "✅ 有", False: "❌ 没有", None: ""}[c.explained]
            out.append(f"| {kinds[c.kind]} | `{c.key}` | {cell(c.label)} | {cell(c.old)} → {cell(c.new)} | {state} | {expl} |")
        out.append("")
    n = sum(1 for c in changes if c.kind == "statistics")
    unexplained = sum(1 for c in changes if c.explained is False)
    out.append(f"共 {n} 个统计数值改动；{unexplained} 处改动没有对应的勘误记录。")
    return "\n".join(out) + "\n"


def render_json(changes: list[Change], base: str, head: str) -> str:
    return json.dumps({"base": base, "head": head, "changes": [asdict(c) for c in changes]}, ensure_ascii=False, indent=2) + "\n"


def run(base: str, head: str | None, fmt: str) -> str:
    root = paths.ROOT
    changes = diff_reports(Revision(root, base), Revision(root, head))
    render = render_json if fmt == "json" else render_markdown
    return render(changes, base, head or "工作区")
