"""`xxgk bench`: build the site from N synthetic reports and record what it costs.

* Load inputs: the model reports (for each of the four templates, up to
  ``MODELS_PER_TEMPLATE`` curated reports that validate clean and whose source
  documents the cache holds; drafts only when a template has no curated report).
* Process data: ``generate`` writes N synthetic reports into a scratch folder,
  never into data/. Report i follows template ``TEMPLATE_ORDER[i % 4]`` and
  belongs to agency i // 4, so each agency has a short series across the four
  templates (2019 trial format in 2020 chained to the 2021 format in 2021, with
  the carry-over rule kept). A synthetic report keeps its model's prose, prose
  ledger, label ledger and source text; gets a new agency, region and year; and
  statistics drawn at random so that every rule of its template holds, with the
  model's layout (the optional rows the model does not print stay ``absent``).
  Its source document is the model's with a marker appended (new bytes, new
  sha256, the same extracted text), in a source cache the bench owns
  (``XXGK_SOURCES`` points at it). ``xxgk validate`` must accept every report.
* Save outputs: the timings of validate, page generation, MkDocs and the bare
  tools, page sizes, and the two hooks (a one-report update, the search index),
  in ``build/bench/results.json`` and ``results.md``; ``--update-docs`` copies
  the figures into docs/architecture.md between its ``bench:`` markers.

``xxgk bench --analysts N`` runs the analysts' benchmark instead (``xxgk.analysts``).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from . import model, paths, sources
from .model import Cell, UserError, fmt
from .rules import ABSENT, BROKEN, evaluate, expand, within_rules

TEMPLATE_ORDER = ("fujian-pre-2019", "national-2014", "national-2019", "national-2021")  # report i: i % 4
MODELS_PER_TEMPLATE = 2  # models of one template, different source kinds first
REGIONS = [("110000", "北京市"), ("310000", "上海市"), ("320000", "江苏省"), ("320800", "江苏省淮安市"), ("330000", "浙江省"),
           ("350000", "福建省"), ("350128", "福建省平潭县"), ("370000", "山东省"), ("370100", "山东省济南市"),
           ("440000", "广东省"), ("510000", "四川省"), ("610000", "陕西省")]  # synthetic agencies' regions, in turn
AGENCIES = [("gov", "人民政府"), ("fgw", "发展和改革委员会"), ("jyt", "教育厅"), ("gat", "公安厅"), ("czt", "财政厅"),
            ("hrss", "人力资源和社会保障厅"), ("zrzy", "自然资源厅"), ("sthj", "生态环境厅"), ("zjt", "住房和城乡建设厅"),
            ("wjw", "卫生健康委员会")]
RESULTS = paths.BUILD / "bench"
ARCHITECTURE = paths.DOCS / "architecture.md"
NOT_MEASURED = "not measured"


def report_year(template_id: str, agency: int) -> int:
    """The year of an agency's report in a template: 2020 (2019 trial) and 2021 are consecutive, so the
    carry-over rule chains them."""
    return {"fujian-pre-2019": 2014 + agency % 3, "national-2014": 2017 + agency % 2,
            "national-2019": 2020, "national-2021": 2021}[template_id]


# --- statistics that satisfy every rule --------------------------------------------------------------


def _virtual_cells(instances: list, absent: frozenset) -> dict:
    """Absent cells that stand for the sum of their parts in the rules (an absent group row whose parts
    are printed), each with the equality that defines it (as ``rules.virtual_values`` finds them)."""
    defining: dict = {}
    changed = True
    while changed:
        changed = False
        for inst in instances:
            rule, total, parts = inst
            if rule["kind"] != "equal" or len(total) != 1 or total[0] not in absent or total[0] in defining:
                continue
            if all(p not in absent or p in defining for p in parts):
                defining[total[0]] = inst
                changed = True
    return defining


def _value_type(template: model.Template, cell: Cell) -> str:
    """The cell's type: its column's when the column has one, else its row's."""
    if hasattr(template, "value_type"):
        return template.value_type(*cell)
    return (template.row(cell[0], cell[1]) or {}).get("value_type", "")


def synthetic_values(template: model.Template, rng: random.Random, absent=frozenset(), fixed: dict | None = None,
                     attempts: int = 300) -> dict[Cell, Decimal]:
    """A value for every printed cell of a template (cells in ``absent`` are not printed) such that every
    within-report rule holds, as ``rules.evaluate`` checks it. ``fixed`` cells keep their given values
    (the carry-over from last year's report). Retried until the rules hold; never returns a broken table."""
    absent, fixed = frozenset(absent), dict(fixed or {})
    cells = template.cells()
    instances = [(r, t, p) for r in within_rules(template) for _, t, p in expand(template, r)]
    defining = _virtual_cells(instances, absent)
    live = {c for c in cells if c not in absent} | set(defining)
    used = []
    for inst in instances:  # the instances evaluate() applies, plus the ones that define a virtual cell
        rule, total, parts = inst
        if defining.get(total[0]) is inst:
            used.append((rule["kind"], [c for c in total if c in live], [c for c in parts if c in live]))
        elif not (all(c in absent for c in total) or all(c in absent for c in parts)):
            used.append((rule["kind"], [c for c in total if c in live], [c for c in parts if c in live]))
    equalities = [(t, p) for kind, t, p in used if kind == "equal" and t]
    solved = {next((c for c in t if c not in fixed), t[0]) for t, _ in equalities} - set(fixed)
    decimal = {c for c in cells if _value_type(template, c) == "decimal"}

    def solve(values: dict) -> None:
        for c in solved:
            values.pop(c, None)
        for _ in range(len(cells) + 1):  # each equality solved for its first free total, in dependency order
            progress = False
            for total, parts in equalities:
                target = next((c for c in total if c in solved and c not in values), None)
                if target is None or not all(c in values for c in parts + [c for c in total if c != target]):
                    continue
                values[target] = sum((values[c] for c in parts), Decimal(0)) - \
                    sum((values[c] for c in total if c != target), Decimal(0))
                progress = True
            if not progress:
                return

    for _attempt in range(attempts):
        values = dict(fixed)
        for c in live:
            if c not in solved and c not in values:
                values[c] = Decimal(rng.randint(0, 99999)) / 10 if c in decimal else Decimal(rng.randint(0, 60))
        solve(values)
        for _ in range(5):  # inequalities: move a free single total into range, then solve again
            moved = False
            for kind, total, parts in used:
                if kind == "equal" or len(total) != 1 or total[0] in solved or total[0] in fixed or not parts:
                    continue
                if any(c not in values for c in parts):
                    continue
                bound = sum((values[c] for c in parts), Decimal(0))
                if kind == "at_least" and values[total[0]] < bound:
                    values[total[0]] = bound + rng.randint(0, 20)
                    moved = True
                elif kind == "at_most" and values[total[0]] > bound:
                    values[total[0]] = bound
                    moved = True
            if not moved:
                break
            solve(values)
        if not all(c in values for c in live) or min(values.values(), default=Decimal(0)) < 0:
            continue
        printed = {c: values[c] for c in cells if c not in absent}
        check = {c: (ABSENT if c in absent else printed[c]) for c in cells}
        if not any(r.status == BROKEN for r in evaluate(template, check)):
            return printed
    raise RuntimeError(f"could not draw values satisfying the rules of {template.id} (layout without "
                       f"{len(absent)} optional cells) in {attempts} attempts")


def carried_over(prev_template: model.Template, prev_values: dict, template: model.Template, absent=frozenset()) -> dict:
    """The cells of next year's report that the previous report's ``carry`` rules fix (e.g. 二、上年结转 =
    last year's 四、结转下年度继续办理), when both templates have them."""
    cells = set(template.cells()) - set(absent)
    fixed = {}
    for rule in prev_template.rules:
        if rule["kind"] != "carry":
            continue
        for _, total, parts in expand(prev_template, rule):
            if len(parts) == 1 and parts[0] in cells and all(c in prev_values for c in total):
                fixed[parts[0]] = sum((prev_values[c] for c in total), Decimal(0))
    return fixed


# --- model reports --------------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Model:
    """A real report a synthetic one is made from: its files, its template, its layout and its sources."""

    report: model.Report
    template: model.Template
    absent: frozenset
    source: dict
    source_file: Path
    text: dict | None
    text_file: Path | None
    figures: list[dict]
    corrections: list[dict]

    @property
    def id(self) -> str:
        return self.report.id


def _model(folder: Path, templates: dict) -> tuple[Model | None, str]:
    from .findings import ERROR
    from .validate import validate_package

    errors = [f for f in validate_package(folder) if f.severity == ERROR]
    if errors:
        return None, f"{errors[0].code}: {errors[0].message[:80]}"
    rep = model.load_report(folder)
    tpl = templates.get(rep.meta.get("template") or "")
    if tpl is None:
        return None, "no template"
    src_entry = rep.source
    src = sources.find(src_entry) if src_entry else None
    if src is None:
        return None, "source not in the cache"
    text_entry = rep.sources.get("source_text")
    text_file = None
    if text_entry:
        text_file = sources.find(text_entry) or sources.text_of(rep.descriptor).path
        if text_file is None:
            return None, "source text not in the cache and not extractable"
    absent = frozenset(c for c, r in rep.values().items() if r["state"] == "absent")
    return Model(rep, tpl, absent, src_entry, src, text_entry, text_file,
                 _read_csv(rep.resource_path("figures")), _read_csv(rep.resource_path("corrections"))), ""


def pick_models(data_dir: Path | None = None, per_template: int = MODELS_PER_TEMPLATE) -> dict[str, list[Model]]:
    """Up to per_template models for each template of TEMPLATE_ORDER, different source kinds first; curated
    reports (data/reports) that validate clean, drafts only for a template with no curated report."""
    data_dir = data_dir or paths.DATA
    templates = {f.name: model.load_template(f) for f in model.template_folders(data_dir / "templates")}
    out, why_not = {}, {}
    for tid in TEMPLATE_ORDER:
        if tid not in templates:
            raise UserError(f"xxgk bench：模板 {tid} 不在 {paths.rel(data_dir / 'templates')} 中")
        for parent in ("reports", "drafts"):
            candidates = [f for f in model.report_folders(data_dir / parent) if _template_of(f) == tid]
            chosen, kinds = [], set()
            for distinct in (True, False):
                for folder in candidates:
                    if len(chosen) >= per_template or any(m.report.folder == folder for m in chosen):
                        continue
                    kind = _source_kind(folder)
                    if distinct and kind in kinds:
                        continue
                    m, why = _model(folder, templates)
                    if m is None:
                        why_not[folder.name] = why
                        candidates = [c for c in candidates if c != folder]
                        continue
                    chosen.append(m)
                    kinds.add(kind)
            if chosen:
                out[tid] = chosen
                break
        if tid not in out:
            detail = "；".join(f"{k}（{v}）" for k, v in why_not.items()) or "没有这种模板的报告"
            raise UserError(f"xxgk bench：模板 {tid} 没有可用作样本的报告（校验无误、原始文件在缓存中）：{detail}")
    return out


def _template_of(folder: Path) -> str:
    rows = _read_csv(folder / "report.csv") if (folder / "report.csv").is_file() else []
    return rows[0].get("template", "") if rows else ""


def _source_kind(folder: Path) -> str:
    try:
        desc = model.load_descriptor(paths.find_descriptor(folder))
    except model.DescriptorError:
        return ""
    return model.sources_by_name(desc).get("source", {}).get("kind", "")


# --- writing synthetic reports -------------------------------------------------------------------------


def _cache_put(cache: Path, data: bytes, ext: str) -> tuple[str, int]:
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    target = cache / "sha256" / digest[:2] / f"{digest}{ext}"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return digest, len(data)


def _marked_source(m: Model, report_id: str) -> bytes:
    """The model's source with a marker appended: new bytes, the same text for every reader."""
    data = m.source_file.read_bytes()
    fmt_ = m.source.get("format")
    if fmt_ == "pdf":
        return data + f"\n%xxgk-bench synthetic copy for {report_id}\n".encode("ascii")
    if fmt_ == "html":
        return data + f"\n<!-- xxgk bench: synthetic copy for {report_id} -->\n".encode("ascii")
    sep = b"" if data.endswith(b"\n") else b"\n"
    return data + sep + f"（xxgk bench 合成报告 {report_id} 的原始文件副本）\n".encode(m.source.get("encoding", "utf-8"))


def _csv(path: Path, name: str, rows: list[dict]) -> None:
    header = model.schema_header(name)
    path.write_text(model.csv_text(header, [[r.get(h, "") for h in header] for r in rows]), encoding="utf-8")


def write_report(m: Model, folder: Path, cache: Path, meta: dict, values: dict) -> None:
    """One synthetic report package, its sources into the cache."""
    folder.mkdir(parents=True)
    template = m.template
    stats = []
    for c in template.cells():
        if c in m.absent:
            stats.append({"table": c[0], "row": c[1], "column": c[2], "state": "absent"})
        else:
            v = fmt(values[c])
            stats.append({"table": c[0], "row": c[1], "column": c[2], "value": v, "state": "printed",
                          "source_value": v, "note": "合成数据"})
    _csv(folder / "report.csv", "report", [meta])
    _csv(folder / "statistics.csv", "statistics", stats)
    shutil.copyfile(m.report.resource_path("prose"), folder / "prose.csv")
    # prose figures no longer repeat the synthetic table; statistics ledger entries only for wrapped labels
    _csv(folder / "figures.csv", "figures", [f | {"cells": "", "relation": ""} for f in m.figures])
    _csv(folder / "corrections.csv", "corrections",
         [e for e in m.corrections if e["resource"] == "prose" or e["kind"] == "label-wrap"])
    report_id = folder.name
    src = {k: v for k, v in m.source.items() if k not in ("path", "archive")}
    ext = sources.EXTENSIONS.get(src.get("format", ""), ".bin")
    digest, size = _cache_put(cache, _marked_source(m, report_id), ext)
    src |= {"title": f"{meta['title']}（合成报告：原始文件为 {m.id} 的副本）", "bytes": size, "hash": f"sha256:{digest}"}
    entries = [src]
    if m.text is not None:
        _cache_put(cache, m.text_file.read_bytes(), ".txt")
        entries.append(dict(m.text))
    desc = copy.deepcopy(m.report.descriptor)
    desc["title"] = meta["title"]
    desc["description"] = (f"Synthetic report written by xxgk bench: the prose, prose ledger and source text of "
                           f"{m.id}, statistics drawn at random so that every rule of {template.id} holds.")
    desc["sources"] = entries
    (folder / "datapackage.yaml").write_text(yaml.safe_dump(desc, allow_unicode=True, sort_keys=False, width=10_000),
                                             encoding="utf-8")


def generate(n: int, out: Path, seed: int = 2026, cache: Path | None = None, data_dir: Path | None = None) -> Path:
    """Write n synthetic reports, with the templates, schemas, crosswalk and an agency register for them,
    into out/data; their source documents into cache (default out/sources); a list of what was generated
    (report, template, model) into out/generated.csv. Returns out/data."""
    # Load inputs.
    data_dir = data_dir or paths.DATA
    rng = random.Random(seed)
    models = pick_models(data_dir)
    data, cache = out / "data", cache or out / "sources"
    for name in ("schemas", "templates", "crosswalk"):
        if (data_dir / name).is_dir():
            shutil.copytree(data_dir / name, data / name)
    (data / "reports").mkdir(parents=True)
    cache.mkdir(parents=True, exist_ok=True)

    # Process data, save outputs: report by report.
    agencies, publications, generated = {}, [], []
    last: dict[str, tuple[int, model.Template, dict]] = {}  # agency -> its previous report (year, template, values)
    for i in range(n):
        tid, a = TEMPLATE_ORDER[i % len(TEMPLATE_ORDER)], i // len(TEMPLATE_ORDER)
        m = models[tid][a % len(models[tid])]
        code, region = REGIONS[a % len(REGIONS)]
        slug, name = AGENCIES[(a // len(REGIONS)) % len(AGENCIES)]
        agency_id, agency = f"{code}-{slug}{a:05d}", f"{region}{name}（第{a + 1}号）"
        year = report_year(tid, a)
        prev = last.get(agency_id)
        fixed = carried_over(prev[1], prev[2], m.template, m.absent) if prev and prev[0] == year - 1 else {}
        values = synthetic_values(m.template, rng, m.absent, fixed)
        last[agency_id] = (year, m.template, values)
        meta = {"agency_id": agency_id, "agency": agency, "region_code": code, "region": region, "year": str(year),
                "published": f"{year + 1}-03-{1 + a % 28:02d}", "template": tid,
                "title": f"{agency}{year}年政府信息公开工作年度报告"}
        write_report(m, data / "reports" / f"{agency_id}-{year}", cache, meta, values)
        agencies[agency_id] = {"agency_id": agency_id, "name": agency, "region_code": code, "region": region,
                               "province": region[:3], "level": "department"}
        publications.append({"agency_id": agency_id, "year": str(year), "status": "published", "note": "合成数据（xxgk bench）"})
        generated.append([f"{agency_id}-{year}", tid, m.id, m.source.get("kind", "")])
    register = data / "agencies"
    register.mkdir()
    src_register = data_dir / "agencies"
    if paths.find_descriptor(src_register):
        shutil.copyfile(paths.find_descriptor(src_register), register / paths.find_descriptor(src_register).name)
        _csv(register / "agencies.csv", "agencies", list(agencies.values()))
        _csv(register / "publications.csv", "publications", publications)
    (out / "generated.csv").write_text(model.csv_text(["report", "template", "model", "source_kind"], generated),
                                       encoding="utf-8")
    return data


def generated_reports(out: Path) -> list[dict]:
    """What ``generate`` wrote into out: report, template, model, source_kind."""
    return _read_csv(out / "generated.csv")


# --- the harness ----------------------------------------------------------------------------------------


@dataclass
class Run:
    """One benchmark run at one N: where everything is, and the environment every command gets."""

    n: int
    root: Path
    data: Path
    cache: Path
    docs: Path
    site: Path
    env: dict


def _run(cmd: list, env: dict) -> float:
    start = time.perf_counter()
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"failed ({result.returncode}): {' '.join(map(str, cmd))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


BARE_FRICTIONLESS = """
import sys
from pathlib import Path
from frictionless import Package, system
bad = 0
with system.use_context(trusted=True):
    for folder in sorted(Path(sys.argv[1]).iterdir()):
        if (folder / "datapackage.yaml").exists():
            bad += not Package(str(folder / "datapackage.yaml")).validate().valid
sys.exit(1 if bad else 0)
"""
PAGES = ("import sys; from pathlib import Path; from xxgk.site.build import build; "
         "sys.exit(build(check=False, data_dir=Path(sys.argv[1]), out_dir=Path(sys.argv[2])))")


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def validate_step(run: Run, target: Path) -> tuple[float, dict]:
    """`xxgk validate` on target; (seconds, its JSON summary). Any error fails the benchmark."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "xxgk", "validate", str(target), "--format", "json"],
                            capture_output=True, text=True, env=run.env)
    seconds = time.perf_counter() - start
    try:
        summary = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"xxgk validate failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}") from None
    if result.returncode != 0 or summary.get("errors"):
        first = "\n".join(f"{f.get('code')} {f.get('file')}:{f.get('line')} {f.get('message')}" for f in summary["findings"][:10])
        raise RuntimeError(f"generated reports do not validate ({summary.get('errors')} errors):\n{first}")
    return seconds, summary


def pages_step(run: Run) -> float:
    return _run([sys.executable, "-c", PAGES, run.data, run.docs], run.env)


def mkdocs_step(run: Run, site: Path, strict: bool = True) -> float:
    from .site.material import config_for

    config = config_for(run.docs, run.root)
    return _run([sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []), "-q", "-f", config, "-d", site], run.env)


def search_step(run: Run) -> float:
    """The step `make site` runs after MkDocs: the search index (``xxgk search-index``; before Pagefind,
    ``xxgk compact-search``)."""
    from . import postbuild

    if hasattr(postbuild, "search_index"):
        return _run([sys.executable, "-m", "xxgk", "search-index", run.site, "--docs", run.docs], run.env)
    return _run([sys.executable, "-m", "xxgk", "compact-search", run.site], run.env)


def full_rebuild(run: Run, changed: list[str]) -> dict:
    """What a change costs today: every page generated again and the whole site built again."""
    return {"pages_s": pages_step(run), "mkdocs_s": mkdocs_step(run, run.site), "search_s": search_step(run)}


# Hook (a): how the site is rebuilt after a change. An incremental build replaces this with its own
# function of the same signature, (run, changed report ids) -> {step: seconds}.
UPDATE_REBUILD = full_rebuild


def measure_one_report_update(run: Run, rebuild=None) -> dict:
    """Hook (a): change one report (its title, as a correction would), validate it, rebuild, and time it."""
    rebuild = rebuild or UPDATE_REBUILD
    reports = sorted((run.data / "reports").iterdir())
    folder = reports[len(reports) // 2]
    rows = _read_csv(folder / "report.csv")
    rows[0]["title"] += "（修订）"
    _csv(folder / "report.csv", "report", rows)
    start = time.perf_counter()
    t_validate, _ = validate_step(run, folder)
    steps = rebuild(run, [folder.name])
    total = time.perf_counter() - start
    return {"update_s": total, "update_validate_s": t_validate, **{f"update_{k}": v for k, v in steps.items()},
            "update_rebuild": getattr(rebuild, "__name__", str(rebuild))}


def measure_search(site: Path) -> dict:
    """Hook (b): the search index a reader downloads, and the bytes a first query transfers.

    Calls ``xxgk.site.search.measure(site)`` when it exists (a dict: ``index_bytes``, ``first_query_bytes``,
    and whatever else it measures); otherwise records "not measured". The size of MkDocs' own
    search/search_index.json is recorded beside it while the site still has one."""
    out: dict = {}
    index = site / "search" / "search_index.json"  # Material's own search, while the site had it
    out["search_index_mib"] = index.stat().st_size / 2**20 if index.is_file() else NOT_MEASURED
    out |= {"search_index_bytes": NOT_MEASURED, "first_query_bytes": NOT_MEASURED}
    try:
        from .site import search
    except ImportError:
        search = None
    measure_fn = getattr(search, "measure", None)
    if not callable(measure_fn):
        return out
    started = time.perf_counter()
    try:
        got = dict(measure_fn(site) or {})
    except Exception as exc:  # someone else's code, or no browser here: record why, do not stop the benchmark
        out["search_error"] = f"{type(exc).__name__}: {exc}"[:300]
        return out
    out["search_measure_s"] = time.perf_counter() - started
    out["search_index_bytes"] = got.pop("index_bytes", NOT_MEASURED)
    out["first_query_bytes"] = got.pop("first_query_bytes", NOT_MEASURED)
    if isinstance(out["search_index_bytes"], int):
        out["search_index_mib"] = out["search_index_bytes"] / 2**20
    out |= {f"search_{k}": v for k, v in got.items() if isinstance(v, (int, float, str, dict))}
    return out


def _report_pages(site: Path, generated: list[dict]) -> dict[str, list[int]]:
    """Sizes of each generated report's pages (reports/<id>/**/index.html), by report."""
    out = {}
    for g in generated:
        folder = site / "reports" / g["report"]
        out[g["report"]] = [p.stat().st_size for p in folder.rglob("index.html")] if folder.is_dir() else []
    return out


def measure(n: int) -> dict:
    """Generate n reports, validate them, build the site, time every step. Runs in its own process."""
    root = Path(tempfile.mkdtemp(prefix=f"xxgk-bench-{n}-"))
    try:
        data = generate(n, root)
        cache = root / "sources"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", XXGK_SOURCES=str(cache), XXGK_CACHE=str(root / "cache"))
        run = Run(n, root, data, cache, root / "docs", root / "site", env)
        generated = generated_reports(root)
        load = os.getloadavg()[0]
        cpu0 = _children_cpu()
        peaks = {}  # the largest child so far, after each step: the step that raised it holds the peak

        def peak(step: str) -> None:
            peaks[step] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        t_validate, summary = validate_step(run, data)
        peak("validate")
        t_one, _ = validate_step(run, sorted((data / "reports").iterdir())[-1])
        t_pages = pages_step(run)
        peak("pages")
        t_mkdocs = mkdocs_step(run, run.site)
        peak("mkdocs")
        t_search = search_step(run)
        peak("search")
        cpu = _children_cpu() - cpu0  # validate, pages, MkDocs, search index: CPU seconds, whatever else runs
        t_bare_mkdocs = mkdocs_step(run, root / "site-bare", strict=False)
        t_bare_fl = _run([sys.executable, "-c", BARE_FRICTIONLESS, data / "reports"], env)
        peak_mib = max(peaks.values())
        peak_step = next(step for step, mib in peaks.items() if mib == peak_mib)
        htmls = [p for p in run.site.rglob("*.html") if p.name != "404.html"]
        sizes = [p.stat().st_size for p in htmls]
        by_report = _report_pages(run.site, generated)
        per_template: dict[str, list[int]] = {}
        for g in generated:
            per_template.setdefault(g["template"], []).extend(by_report[g["report"]])
        missing_pages = sorted(r for r, s in by_report.items() if not s)
        search = measure_search(run.site)
        update = measure_one_report_update(run)
        total = t_validate + t_pages + t_mkdocs + t_search
        return {
            "n": n, "validate_s": t_validate, "pages_s": t_pages, "mkdocs_s": t_mkdocs, "search_s": t_search,
            "total_s": total, "cpu_s": cpu, "load_1m": load, "load_1m_end": os.getloadavg()[0],
            "peak_mib": peak_mib, "peak_step": peak_step, "pages": len(htmls),
            "median_html_kib": statistics.median(sizes) / 1024,
            "median_report_html_kib": {t: statistics.median(v) / 1024 for t, v in sorted(per_template.items())},
            "s_per_report": total / n, "one_report_validate_s": t_one,
            "bare_mkdocs_s": t_bare_mkdocs, "bare_frictionless_s": t_bare_fl,
            "ratio_to_bare": total / (t_bare_mkdocs + t_bare_fl),
            "findings": {k: summary.get(k, 0) for k in ("errors", "source_findings", "notices")},
            "reports_without_pages": missing_pages,
            "templates": sorted({g["template"] for g in generated}),
            "models": sorted({g["model"] for g in generated}),
            **search, **update,
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --- results --------------------------------------------------------------------------------------------

COLUMNS = [("n", "N", "{:d}"), ("validate_s", "validate s", "{:.1f}"), ("pages_s", "pages s", "{:.1f}"),
           ("mkdocs_s", "mkdocs s", "{:.1f}"), ("search_s", "search index s", "{:.1f}"), ("total_s", "total s", "{:.1f}"),
           ("cpu_s", "CPU s", "{:.1f}"), ("load_1m", "load", "{:.1f}"), ("peak_mib", "peak MiB", "{:.0f}"),
           ("pages", "pages", "{:d}"), ("median_html_kib", "median page KiB", "{:.1f}"),
           ("s_per_report", "s/report", "{:.3f}"), ("one_report_validate_s", "validate 1 report s", "{:.2f}"),
           ("update_s", "update 1 report s", "{:.1f}"), ("search_index_mib", "search index MiB", "{:.2f}"),
           ("first_query_bytes", "first query KiB", "{:.0f}"),
           ("bare_mkdocs_s", "bare mkdocs s", "{:.1f}"), ("bare_frictionless_s", "bare frictionless s", "{:.1f}"),
           ("ratio_to_bare", "total / bare", "{:.2f}")]


def _cell(value, pattern: str, key: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if key == "first_query_bytes":
            value = value / 1024
        return pattern.format(value)
    return "—" if value in (None, NOT_MEASURED) else str(value)


def table(rows: list[dict]) -> str:
    head = "| " + " | ".join(c[1] for c in COLUMNS) + " |"
    sep = "|" + "|".join("---:" for _ in COLUMNS) + "|"
    body = ["| " + " | ".join(_cell(r.get(k), f, k) for k, _, f in COLUMNS) + " |" for r in rows]
    return "\n".join([head, sep, *body])


STEP_ZH = {"validate": "xxgk validate", "pages": "xxgk build 生成页面", "mkdocs": "mkdocs build", "search": "xxgk search-index"}


def findings_zh(rows: list[dict]) -> list[str]:
    """The figures the architecture page states, worked out from the rows (never typed by hand)."""
    by_n = {r["n"]: r for r in rows}
    first, last = rows[0], rows[-1]
    out = []
    if 10 in by_n and last["n"] > 10:
        out.append(f"**每份报告的成本**：从 10 份到 {last['n']:,} 份，每份报告的耗时由 {by_n[10]['s_per_report']:.2f} 秒变为 "
                   f"{last['s_per_report']:.2f} 秒（{last['s_per_report'] / by_n[10]['s_per_report']:.2f} 倍）。")
    out.append(f"**与裸工具相比**：{last['n']:,} 份时，整个流程（校验 + 生成页面 + MkDocs + 搜索索引）耗时是"
               f"“裸 `mkdocs build` + 裸 Frictionless 校验（单进程）”的 {last['ratio_to_bare']:.2f} 倍。")
    if len(rows) > 1:
        out.append(f"**页面大小**：{last['n']:,} 份时页面 HTML 中位数是 {first['n']:,} 份时的 "
                   f"{last['median_html_kib'] / first['median_html_kib']:.2f} 倍。")
    out.append(f"**校验一份改动的报告**（合并请求的情形）约 {last['one_report_validate_s']:.1f} 秒，与总数无关；"
               f"**改动一份报告后重建整个站点**，{last['n']:,} 份时需 {_cell(last.get('update_s'), '{:.0f}', 'update_s')} 秒"
               f"（重建方式：`{last.get('update_rebuild', '')}`）。")
    out.append(f"**峰值内存**：{last['n']:,} 份时 {last['peak_mib']:.0f} MiB（最大的单个进程"
               + (f"：{STEP_ZH.get(last['peak_step'], last['peak_step'])}" if last.get("peak_step") else "") + "）。")
    idx, first_q = last.get("search_index_mib"), last.get("first_query_bytes")
    if isinstance(idx, float) or isinstance(first_q, (int, float)):
        out.append("**搜索**：" + (f"{last['n']:,} 份时索引在磁盘上共 {idx:.2f} MiB" if isinstance(idx, float) else "索引大小未测量")
                   + (f"，读者第一次查询传输 {first_q / 1024:.0f} KiB（查询只取它用到的索引分块）"
                      if isinstance(first_q, (int, float)) else "，第一次查询传输的字节数未测量") + "。")
    else:
        out.append("**搜索**：未测量（`xxgk.site.search.measure` 不存在或没有运行）。")
    return out


def extrapolation(rows: list[dict], memory_gib: float = 0) -> str:
    """Linear extrapolation from the two largest N: build time, peak memory, search index; and the N at which
    the peak reaches the machine's memory."""
    if len(rows) < 2:
        return ""
    a, b = rows[-2], rows[-1]
    dn = b["n"] - a["n"]
    slope = {k: (b[k] - a[k]) / dn for k in ("total_s", "peak_mib")}
    idx = isinstance(a.get("search_index_mib"), float) and isinstance(b.get("search_index_mib"), float)
    lines = ["| 报告数 | 构建时间 | 峰值内存 | 搜索索引 |", "| ---: | ---: | ---: | ---: |"]
    for n in (b["n"], 10_000, 100_000):
        t = b["total_s"] + slope["total_s"] * (n - b["n"])
        mem = b["peak_mib"] + slope["peak_mib"] * (n - b["n"])
        ix = (b["search_index_mib"] + (b["search_index_mib"] - a["search_index_mib"]) / dn * (n - b["n"])) if idx else None
        lines.append(f"| {n:,} | {_duration(t)} | {_memory(mem)} | " + (f"约 {ix:,.0f} MiB |" if ix is not None else "— |"))
    if memory_gib and slope["peak_mib"] > 0:
        at = b["n"] + (memory_gib * 1024 - b["peak_mib"]) / slope["peak_mib"]
        lines += ["", f"按这一斜率，峰值内存在约 {max(at, b['n']):,.0f} 份报告时达到本机的 {memory_gib:.0f} GiB 内存。"]
    return "\n".join(lines)


def _duration(s: float) -> str:
    return f"约 {s / 60:.0f} 分钟" if s < 3 * 3600 else f"约 {s / 3600:.0f} 小时"


def _memory(mib: float) -> str:
    return f"约 {mib:.0f} MiB" if mib < 1024 else f"约 {mib / 1024:.1f} GiB"


def machine() -> dict:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    commit = subprocess.run(["git", "-C", str(paths.ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return {"date": dt.date.today().isoformat(), "cores": os.cpu_count(), "memory_gib": round(mem / 2**30),
            "python": platform.python_version(), "commit": commit.stdout.strip() or "unknown"}


def results_markdown(rows: list[dict], info: dict) -> str:
    """The figures for the architecture page: table, statements worked out from it, extrapolation."""
    parts = [f"在 {info['cores']} 核、{info['memory_gib']} GiB 的机器上测得（{info['date']}，提交 `{info['commit']}`，"
             f"Python {info['python']}；模板：{'、'.join(rows[-1]['templates'])}）。", "", table(rows), ""]
    parts += [f"- {s}" for s in findings_zh(rows)]
    extra = extrapolation(rows, info.get("memory_gib", 0))
    if extra:
        parts += ["", f"按最大两个 N 的斜率线性外推：", "", extra]
    return "\n".join(parts) + "\n"


def write_results(rows: list[dict], out: Path = RESULTS) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    info = machine()
    (out / "results.json").write_text(json.dumps({"machine": info, "rows": rows}, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    (out / "results.md").write_text(results_markdown(rows, info), encoding="utf-8")
    return out / "results.md", out / "results.json"


BEGIN = "<!-- bench:begin: written by `xxgk bench --update-docs` from build/bench/results.json; do not edit -->"
END = "<!-- bench:end -->"
MARKED = re.compile(r"<!-- bench:begin\b[^>]*-->.*?<!-- bench:end -->", re.S)


def update_docs(results: Path = RESULTS / "results.json", page: Path = ARCHITECTURE) -> Path:
    """Put the latest results into the architecture page, between its bench markers."""
    if not results.is_file():
        raise UserError(f"没有测量结果 {paths.rel(results)}：先运行 xxgk bench --sizes 1,10,100,1000")
    doc = json.loads(results.read_text(encoding="utf-8"))
    text = page.read_text(encoding="utf-8")
    if not MARKED.search(text):
        raise UserError(f"{paths.rel(page)} 里没有标记 <!-- bench:begin --> … {END}：在放测量结果的位置加上这两行")
    block = f"{BEGIN}\n\n{results_markdown(doc['rows'], doc['machine'])}\n{END}"
    page.write_text(MARKED.sub(lambda _: block, text, count=1), encoding="utf-8")
    return page


# --- the command ----------------------------------------------------------------------------------------


def parse_sizes(spec: str | None) -> list[int]:
    """'1,10,100' -> [1, 10, 100]; anything else is a UserError saying what is expected."""
    items = [x.strip() for x in (spec or "").split(",")]
    if not spec or not spec.strip() or any(not x for x in items):
        raise UserError(f"--sizes 需要逗号分隔的正整数，例如 1,10,100,1000；收到“{spec or ''}”")
    out = []
    for x in items:
        if not re.fullmatch(r"[0-9]+", x) or int(x) < 1:
            raise UserError(f"--sizes 里的“{x}”不是正整数：每个 N 是要生成的报告数，至少 1（例如 --sizes 1,10,100）")
        if int(x) > 1_000_000:
            raise UserError(f"--sizes 里的 {x} 太大：站点基准最多 1000000 份报告")
        out.append(int(x))
    return list(dict.fromkeys(out))


def main(sizes: list[int], update: bool = False, out: Path = RESULTS) -> int:
    rows = []
    for n in sizes:
        # each N in its own process, so that the peak memory is that N's alone
        proc = subprocess.run([sys.executable, "-c", f"import json; from xxgk.bench import measure; print(json.dumps(measure({n})))"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-4000:])
            print(f"错误：N={n} 的测量失败（见上）", file=sys.stderr)
            return 1
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"N={n}: {rows[-1]['total_s']:.1f} s", file=sys.stderr, flush=True)
    md, js = write_results(rows, out)
    print(table(rows))
    print("\n" + "\n".join(f"- {s}" for s in findings_zh(rows)))
    print(f"\n结果：{paths.rel(md)}，{paths.rel(js)}")
    if update:
        print(f"已更新 {paths.rel(update_docs(js))}")
    return 0
