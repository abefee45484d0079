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
* Save outputs: ``xxgk site`` timed cold (validation, parts, top, assembly,
  each part's peak memory), then again after a one-report correction; page
  sizes and the search index (bytes on disk, bytes a first query fetches in
  headless Chromium); up to 1,000 reports, the single-pass pipeline the parts
  replaced, on the same data. In ``build/bench/results.json`` and
  ``results.md``; ``--update-docs`` copies the figures into
  docs/architecture.md between its ``bench:`` markers.

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
from dataclasses import dataclass, replace
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
    """The single pass's search index (``xxgk search-index``)."""
    return _run([sys.executable, "-m", "xxgk", "search-index", run.site, "--docs", run.docs], run.env)


def measure_search(site: Path) -> dict:
    """The search index a reader downloads, and the bytes a first query transfers.

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


def site_step(run: Run, work: Path) -> tuple[float, dict]:
    """`xxgk site` (validate, parts in a worker pool, top, assembly) into run.site; (seconds, last-build.json)."""
    from .site.parts import LAST_BUILD

    seconds = _run([sys.executable, "-m", "xxgk", "site", "--data", run.data, "--out", run.site, "--work", work], run.env)
    return seconds, json.loads((work / LAST_BUILD).read_text(encoding="utf-8"))


def _part_peaks(build: dict) -> dict:
    """The largest process of each part: {part: [MiB, which process]}."""
    out = {}
    for p in build["parts"]:
        if p["peaks_mib"]:
            which = max(p["peaks_mib"], key=p["peaks_mib"].get)
            out[p["name"]] = [round(p["peaks_mib"][which], 1), which]
    return out


def _change_one_report(run: Run) -> str:
    """A correction, as a pull request makes one: one report's title gains a word."""
    reports = sorted((run.data / "reports").iterdir())
    folder = reports[len(reports) // 2]
    rows = _read_csv(folder / "report.csv")
    rows[0]["title"] += "（修订）"
    _csv(folder / "report.csv", "report", rows)
    return folder.name


def measure(n: int, baseline_max: int = 1000) -> dict:
    """Generate n reports and build the site with `xxgk site`, cold and after a one-report change; time every
    phase and record each part's peak memory. Up to baseline_max reports, the single-pass pipeline the parts
    replaced (pages, one mkdocs build, one search index) is timed on the same data for comparison. Runs in
    its own process."""
    root = Path(tempfile.mkdtemp(prefix=f"xxgk-bench-{n}-"))
    try:
        data = generate(n, root)
        cache = root / "sources"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", XXGK_SOURCES=str(cache), XXGK_CACHE=str(root / "cache"))
        run = Run(n, root, data, cache, root / "docs", root / "site", env)
        work = root / "parts"
        generated = generated_reports(root)
        load = os.getloadavg()[0]
        cpu0 = _children_cpu()
        t_site, build = site_step(run, work)
        cpu = _children_cpu() - cpu0
        t_one, _ = validate_step(run, sorted((data / "reports").iterdir())[-1])
        htmls = [p for p in run.site.rglob("*.html") if p.name != "404.html"]
        sizes = [p.stat().st_size for p in htmls]
        site_bytes = sum(p.stat().st_size for p in run.site.rglob("*") if p.is_file())
        by_report = _report_pages(run.site, generated)
        missing_pages = sorted(r for r, s in by_report.items() if not s)
        search = measure_search(run.site)
        changed = _change_one_report(run)
        t_update, update = site_step(run, work)
        peaks = _part_peaks(build)
        report_parts = {k: v for k, v in peaks.items() if k != "top"}
        row = {
            "n": n, "commit": machine()["commit"], "total_s": t_site, "s_per_report": t_site / n, "cpu_s": cpu,
            "load_1m": load, "load_1m_end": os.getloadavg()[0],
            **{f"{k}_s": v for k, v in build["seconds"].items() if k != "total"},
            "parts": len(build["parts"]) - 1, "files": build["files"], "pages": len(htmls),
            "median_html_kib": statistics.median(sizes) / 1024, "site_mib": site_bytes / 2**20,
            "part_peaks": peaks,
            "max_part_peak_mib": max((v[0] for v in report_parts.values()), default=0.0),
            "top_peak_mib": peaks.get("top", [0.0, ""])[0],
            "update_s": t_update, "update_changed": changed,
            **{f"update_{k}_s": v for k, v in update["seconds"].items() if k != "total"},
            "update_parts": [p["name"] for p in update["parts"] if p["rendered"]],
            "one_report_validate_s": t_one, "reports_without_pages": missing_pages,
            "templates": sorted({g["template"] for g in generated}),
            **search,
        }
        if n <= baseline_max:  # the single-pass pipeline on the same data (now with the one change)
            t_validate, _ = validate_step(replace(run, env=dict(env, XXGK_NO_CACHE="1")), data)  # as it ran: no cache
            t_pages = pages_step(run)
            t_mkdocs = mkdocs_step(run, root / "site-single")
            run.site = root / "site-single"
            t_search = search_step(run)
            row["single_s"] = t_validate + t_pages + t_mkdocs + t_search
            row["single_steps_s"] = {"validate": t_validate, "pages": t_pages, "mkdocs": t_mkdocs, "search": t_search}
            row["speedup"] = row["single_s"] / t_site
        return row
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _htmls(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}


def renderers(n: int = 200) -> dict:
    """MkDocs (full, with and without the project's hook; --dirty after one page changes) against Zensical,
    which reads the same mkdocs.yml, on the pages of n generated reports: seconds, and whether the output is
    the same (the same pages, the same bytes)."""
    from .site.material import config_for

    root = Path(tempfile.mkdtemp(prefix=f"xxgk-renderers-{n}-"))
    try:
        data = generate(n, root)
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", XXGK_SOURCES=str(root / "sources"), XXGK_CACHE=str(root / "cache"))
        run = Run(n, root, data, root / "sources", root / "docs", root / "site", env)
        pages_step(run)
        render = [sys.executable, "-m", "xxgk.site.render"]
        for name in ("hooks", "plain"):
            (root / name).mkdir()
        with_hooks, plain = config_for(run.docs, root / "hooks"), config_for(run.docs, root / "plain", hooks=False)
        zcfg = config_for(run.docs, root, hooks=False)  # Zensical wants docs and site inside the config's folder
        doc = yaml.safe_load(zcfg.read_text(encoding="utf-8"))
        doc["site_dir"], doc["docs_dir"] = "site-zensical", "docs"  # relative: Zensical panics on absolute paths
        custom = (doc.get("theme") or {}).get("custom_dir")
        if custom:
            shutil.copytree(custom, root / "overrides")
            doc["theme"]["custom_dir"] = "overrides"
        zcfg.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        out = {"n": n, "pages": 0}
        out["mkdocs_s"] = _run(render + [plain, root / "site-plain"], env)
        out["mkdocs_hooks_s"] = _run(render + [with_hooks, root / "site-hooks"], env)
        plain_pages, hook_pages = _htmls(root / "site-plain"), _htmls(root / "site-hooks")
        out["pages"] = len(plain_pages)
        out["hooks_identical"] = plain_pages == hook_pages
        zensical = Path(sys.executable).with_name("zensical")
        started = time.perf_counter()
        z = subprocess.run([str(zensical), "build", "--strict", "--clean", "-f", str(zcfg)], capture_output=True, text=True,
                           env=env, cwd=root)
        out["zensical_s"] = time.perf_counter() - started
        out["zensical_exit"] = z.returncode
        out["zensical_log"] = (z.stdout + z.stderr)[-600:]
        z_pages = _htmls(root / "site-zensical") if (root / "site-zensical").is_dir() else {}
        out["zensical_pages"] = len(z_pages)
        out["zensical_missing_pages"] = len(set(plain_pages) - set(z_pages))
        out["zensical_identical_pages"] = sum(1 for k, v in z_pages.items() if plain_pages.get(k) == v)
        out["zensical_has_search"] = (root / "site-zensical" / "search").is_dir()
        # One page changes, as a correction would change it: MkDocs --dirty and Zensical's own cache.
        page = sorted((run.docs / "reports").glob("*/index.md"))[n // 2]
        page.write_text(page.read_text(encoding="utf-8") + "\n\n修订。\n", encoding="utf-8")
        out["mkdocs_dirty_s"] = _run(render + [with_hooks, root / "site-hooks", "--dirty"], env)
        started = time.perf_counter()
        subprocess.run([str(zensical), "build", "-f", str(zcfg)], capture_output=True, env=env, cwd=root)
        out["zensical_again_s"] = time.perf_counter() - started
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --- results --------------------------------------------------------------------------------------------

COLUMNS = [("n", "N", "{:d}"), ("parts", "parts", "{:d}"), ("validate_s", "validate s", "{:.1f}"),
           ("generate_s", "parts generated s", "{:.1f}"), ("top_s", "top s", "{:.1f}"),
           ("render_s", "render wait s", "{:.1f}"), ("assemble_s", "assemble s", "{:.1f}"),
           ("total_s", "total s", "{:.1f}"), ("s_per_report", "s/report", "{:.3f}"), ("cpu_s", "CPU s", "{:.0f}"),
           ("max_part_peak_mib", "peak per part MiB", "{:.0f}"), ("top_peak_mib", "peak top MiB", "{:.0f}"),
           ("update_s", "update 1 report s", "{:.1f}"), ("one_report_validate_s", "validate 1 report s", "{:.2f}"),
           ("pages", "pages", "{:d}"), ("site_mib", "site MiB", "{:,.0f}"), ("search_index_mib", "search index MiB", "{:.1f}"),
           ("first_query_bytes", "first query KiB", "{:.0f}"), ("single_s", "single-pass s", "{:.1f}"),
           ("speedup", "speed-up", "{:.1f}×")]


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


def part_table(row: dict) -> str:
    """Each part's peak memory at one N (the largest process of the part: worker, mkdocs or pagefind)."""
    lines = [f"| 分卷（N = {row['n']:,}） | 峰值内存 | 进程 |", "| --- | ---: | --- |"]
    for name, (mib, which) in sorted(row.get("part_peaks", {}).items(), key=lambda kv: -kv[1][0]):
        lines.append(f"| {name} | {mib:.0f} MiB | {which} |")
    return "\n".join(lines)


def findings_zh(rows: list[dict]) -> list[str]:
    """The figures the architecture page states, worked out from the rows (never typed by hand)."""
    first, last = rows[0], rows[-1]
    out = []
    if len(rows) > 1:
        out.append(f"**每份报告的成本**：从 {first['n']:,} 份到 {last['n']:,} 份，完整构建每份报告的耗时由 "
                   f"{first['s_per_report']:.3f} 秒变为 {last['s_per_report']:.3f} 秒"
                   f"（{last['s_per_report'] / first['s_per_report']:.2f} 倍）。")
    for r in rows:
        if r.get("single_s"):
            out.append(f"**分卷构建与单遍构建**：{r['n']:,} 份时 `xxgk site` 用 {r['total_s']:.0f} 秒，"
                       f"同一数据的单遍流程（校验、生成页面、一次 mkdocs build、一个搜索索引）用 {r['single_s']:.0f} 秒，"
                       f"单遍用时是分卷构建的 {r['speedup']:.1f} 倍。")
    out.append("**改动一份报告**：" + "；".join(
        f"{r['n']:,} 份时重建并组装整个站点用 {r['update_s']:.1f} 秒（重新渲染的分卷：{'、'.join(r.get('update_parts', [])) or '无'}）"
        for r in rows) + "。")
    out.append(f"**校验一份改动的报告**（合并请求的情形）约 {last['one_report_validate_s']:.1f} 秒，与总数无关。")
    out.append("**每个分卷的峰值内存**（最大的单个进程）：" + "；".join(
        f"{r['n']:,} 份时报告分卷最多 {r['max_part_peak_mib']:.0f} MiB，top 分卷 {r['top_peak_mib']:.0f} MiB" for r in rows)
        + "（top 分卷的峰值若出在主进程，其中也有校验全部报告的内存）。")
    if isinstance(last.get("site_mib"), float):
        per = last["site_mib"] / last["n"]
        out.append(f"**网站大小**：{last['n']:,} 份时构建好的网站共 {last['site_mib']:,.0f} MiB，每份报告约 {per:.2f} MiB"
                   f"（页面、下载文件与压缩包、搜索索引）；GitHub Pages 发布的网站不得超过 1 GB，"
                   f"按这一比例约 {1e9 / 2**20 / per:,.0f} 份报告时就到上限。")
    idx, first_q = last.get("search_index_mib"), last.get("first_query_bytes")
    if isinstance(idx, float) or isinstance(first_q, (int, float)):
        out.append("**搜索**：" + (f"{last['n']:,} 份时索引在磁盘上共 {idx:.1f} MiB" if isinstance(idx, float) else "索引大小未测量")
                   + (f"，读者第一次查询传输 {first_q / 1024:.0f} KiB（查询只取它用到的索引分块）"
                      if isinstance(first_q, (int, float)) else "，第一次查询传输的字节数未测量") + "。")
    else:
        out.append("**搜索**：未测量（" + str(last.get("search_error", "没有浏览器或没有运行")) + "）。")
    return out


def extrapolation(rows: list[dict], memory_gib: float = 0) -> str:
    """Linear extrapolation from the two largest N: build time on this machine, and the per-part memory (which
    depends on a part's size, capped by the split, not on N)."""
    if len(rows) < 2:
        return ""
    a, b = rows[-2], rows[-1]
    dn = b["n"] - a["n"]
    slope = (b["total_s"] - a["total_s"]) / dn
    lines = ["| 报告数 | 完整构建（本机 2 核） | 每份报告 | 每个分卷的峰值内存 |", "| ---: | ---: | ---: | ---: |"]
    for n in (b["n"], 100_000, 1_000_000):
        t = b["total_s"] + slope * (n - b["n"])
        lines.append(f"| {n:,} | {_duration(t)} | {t / n:.3f} 秒 | 约 {b['max_part_peak_mib']:.0f} MiB（分卷大小有上限） |")
    return "\n".join(lines)


def _duration(s: float) -> str:
    return f"约 {s / 60:.0f} 分钟" if s < 3 * 3600 else f"约 {s / 3600:.0f} 小时"


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
    parts += ["", part_table(rows[-1])]
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


def renderers_markdown(r: dict) -> str:
    """The renderer comparison for the architecture page."""
    same = "相同" if r["hooks_identical"] else "不同"
    z_ok = r["zensical_exit"] == 0
    lines = [f"同一批页面（{r['n']:,} 份生成的报告，{r['pages']:,} 个页面），同一个 `mkdocs.yml`：", "",
             "| 渲染方式 | 秒 | 输出 |", "| --- | ---: | --- |",
             f"| `mkdocs build --strict`（不带本项目的钩子） | {r['mkdocs_s']:.1f} | 基准 |",
             f"| `mkdocs build --strict` + `mkdocs_hooks.py` | {r['mkdocs_hooks_s']:.1f} | 与基准逐字节{same} |",
             f"| 改动一页后 `mkdocs build --dirty`（`xxgk.site.render`） | {r['mkdocs_dirty_s']:.1f} | 只重写改动的页面 |",
             f"| `zensical build --strict --clean`（0.0.73） | {r['zensical_s']:.1f} | "
             + (f"{r['zensical_pages']:,} 个页面，缺 {r['zensical_missing_pages']:,} 个，与基准逐字节相同的 "
                f"{r['zensical_identical_pages']:,} 个" if z_ok else f"失败（退出码 {r['zensical_exit']}）") + " |",
             f"| 改动一页后再次 `zensical build` | {r['zensical_again_s']:.1f} | 它自己的缓存 |"]
    return "\n".join(lines) + "\n"


def save_results(name: str, result: dict, markdown) -> int:
    """A side measurement's JSON and its Markdown, in build/bench; the Markdown printed too."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    text = markdown(result)
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    print(f"\n结果：{paths.rel(RESULTS / (name + '.md'))}")
    return 0


def renderers_main(n: int) -> int:
    return save_results("renderers", renderers(n), renderers_markdown)


def batch_bench(workers: tuple[int, ...] = (1, 2), scans: int = 2) -> dict:
    """`xxgk import --batch` on the real sources: every curated report's source document in the cache, plus
    ``scans`` image-only copies of each text-layer PDF (rendered here, so OCR runs), once per worker count.
    Returns per run: wall seconds, and seconds / CPU seconds per report and per page by kind of source."""
    from .importer import batch
    from .importer.readers.pdf_ocr import image_only_pdf

    root = Path(tempfile.mkdtemp(prefix="xxgk-batch-bench-"))
    try:
        rows = []
        for folder in model.report_folders():
            rep = model.load_report(folder)
            own = sources.find(rep.source) if rep.source else None
            if own is None:
                continue
            meta = {k: rep.meta.get(k, "") for k in ("agency", "region_code", "region")}
            rows.append({"source": str(own), "id": rep.id, **meta})
            if rep.source.get("kind") == "pdf-text":
                scan = image_only_pdf(own, root / f"{rep.id}-scan.pdf")
                head, year = rep.id.rsplit("-", 1)  # an id of its own, in the project's id pattern
                rows += [{"source": str(scan), "id": f"{head}scan{i}-{year}", **meta} for i in range(1, scans + 1)]
        if not rows:
            raise UserError("原始文件缓存里没有任何已整理报告的原始文件：批量导入无从测量（设置 XXGK_SOURCES）")
        out = {"items": len(rows), "runs": []}
        failed: list[str] = []
        for n in workers:
            run_dir = root / f"w{n}"
            run_dir.mkdir()
            manifest = run_dir / "manifest.csv"
            with manifest.open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=["source", "id", "agency", "region_code", "region"])
                w.writeheader()
                w.writerows(rows)
            result = batch.run_batch(manifest, out_dir=run_dir / "drafts", workers=n, progress=False)
            kinds: dict[str, dict] = {}
            for r in result.rows:
                if r["outcome"] != batch.DRAFT:
                    failed.append(f"{r['id']}: {r.get('error_type')}: {(r.get('message') or '')[:200]}")
                    continue
                k = kinds.setdefault(r.get("kind") or "?", {"reports": 0, "pages": 0, "seconds": 0.0, "cpu_seconds": 0.0})
                k["reports"] += 1
                k["pages"] += int(r.get("pages") or 0)
                k["seconds"] += float(r.get("seconds") or 0)
                k["cpu_seconds"] += float(r.get("cpu_seconds") or 0)
            out["runs"].append({"workers": result.workers, "wall_s": result.wall_seconds, "counts": dict(result.counts()),
                                "kinds": kinds})
        if failed:  # a measurement of what did not run is no measurement
            raise RuntimeError("批量导入的条目失败：\n" + "\n".join(failed))
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def batch_markdown(b: dict) -> str:
    lines = [f"真实原始文件 {b['items']} 份（每份已整理报告的原始文件，另把有文字层的 PDF 渲染成只有图像的扫描件，"
             "走 OCR），用 `xxgk import --batch` 在本机的 Dask LocalCluster 上导入：", "",
             "| worker | 墙钟 秒 | 原始文件 | 份数 | 页数 | 每份 秒 | 每页 秒 | 每页 CPU 秒 |",
             "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for run in b["runs"]:
        for kind, k in sorted(run["kinds"].items()):
            per_page = f"{k['seconds'] / k['pages']:.2f}" if k["pages"] else "—"
            cpu_page = f"{k['cpu_seconds'] / k['pages']:.2f}" if k["pages"] else "—"
            lines.append(f"| {run['workers']} | {run['wall_s']:.1f} | {kind} | {k['reports']} | {k['pages'] or '—'} | "
                         f"{k['seconds'] / k['reports']:.2f} | {per_page} | {cpu_page} |")
    if len(b["runs"]) > 1:
        a, z = b["runs"][0], b["runs"][-1]
        lines += ["", f"{z['workers']} 个 worker 的墙钟时间是 {a['workers']} 个的 {z['wall_s'] / a['wall_s']:.2f} 倍"
                      f"（加速 {a['wall_s'] / z['wall_s']:.2f} 倍）。"]
    return "\n".join(lines) + "\n"


def batch_main() -> int:
    return save_results("batch", batch_bench(), batch_markdown)


# The architecture page's measured blocks: marker name -> (the results file under build/bench, the command that
# writes it, how the block is written from it). The block is written from the JSON each time, so the page's wording
# follows the code without measuring again.
def _blocks() -> dict:
    from . import analysts

    return {"bench": ("results.json", "xxgk bench --sizes 1000,10000", lambda d: results_markdown(d["rows"], d["machine"])),
            "renderers": ("renderers.json", "xxgk bench --renderers 250", renderers_markdown),
            "batch": ("batch.json", "xxgk bench --batch", batch_markdown),
            "analysts": ("analysts.json", "xxgk bench --analysts 100000", analysts.markdown)}


def _marked(name: str) -> re.Pattern:
    return re.compile(rf"<!-- {name}:begin\b[^>]*-->.*?<!-- {name}:end -->", re.S)


def update_docs(results: Path = RESULTS, page: Path = ARCHITECTURE) -> Path:
    """Put the latest measurements into the architecture page, each between its markers
    (``<!-- bench:begin … -->`` … ``<!-- bench:end -->``, and so on for each block)."""
    results = results.parent if results.suffix == ".json" else results
    text = page.read_text(encoding="utf-8")
    done = 0
    for name, (file, command, render) in _blocks().items():
        marked = _marked(name)
        if not marked.search(text):
            raise UserError(f"{paths.rel(page)} 里没有标记 <!-- {name}:begin --> … <!-- {name}:end -->：在放测量结果的位置加上这两行")
        source = results / file
        if not source.is_file():
            print(f"注意：没有 {paths.rel(source)}（先运行 {command}），{name} 一节保持原样")
            continue
        body = render(json.loads(source.read_text(encoding="utf-8"))).strip()
        block = (f"<!-- {name}:begin: written by `xxgk bench --update-docs` from build/bench/{file} "
                 f"(`{command}`); do not edit -->\n\n{body}\n\n<!-- {name}:end -->")
        text = marked.sub(lambda _: block, text, count=1)
        done += 1
    if not done:
        raise UserError(f"没有测量结果 {paths.rel(results)}：先运行 xxgk bench --sizes 1000,10000")
    page.write_text(text, encoding="utf-8")
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
    # Rows of other sizes measured before at the same commit stay (the latest row for each N), so one size can be
    # measured again; rows of another commit (other code, perhaps another format) go.
    try:
        earlier = json.loads((out / "results.json").read_text(encoding="utf-8"))["rows"]
    except (OSError, ValueError, KeyError, TypeError):
        earlier = []
    measured, commit = {r["n"] for r in rows}, machine()["commit"]
    rows = sorted([r for r in earlier if isinstance(r, dict) and r.get("n") not in measured and r.get("commit") == commit]
                  + rows, key=lambda r: r["n"])
    md, js = write_results(rows, out)
    print(table(rows))
    print("\n" + "\n".join(f"- {s}" for s in findings_zh(rows)))
    print(f"\n结果：{paths.rel(md)}，{paths.rel(js)}")
    if update:
        print(f"已更新 {paths.rel(update_docs(js))}")
    return 0
