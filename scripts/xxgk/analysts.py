"""Analysts at scale: the long table of every value for N synthetic reports, and the documented queries on it.

The site publishes all-statistics (the columns of ``downloads.LABELLED_FIELDS``):
one row per value of every report. At 100,000 reports that is some 16 million
rows; an analyst reads it as Parquet partitioned by year (``year=2019/…``,
hive-style) with DuckDB. This module measures that.

* Load inputs: the four templates, and the layouts (which optional rows are not
  printed) of the real reports in data/ that use them.
* Process data: a *specification* in Python, small: agencies with a report a
  year for 2016–2025, the template each year calls for (Fujian's provincial
  table before 2019 in Fujian, the 2014 national one elsewhere, the 2019 trial
  format in 2019–2020, the 2021 format after), and for each template a pool
  of ``POOL`` value sets drawn by ``bench.synthetic_values`` (so every rule
  holds) with a share of cells left missing. Report r takes pool entry
  ``pool_index(r)``. DuckDB joins reports × pool × labelled cells and streams the
  result into Parquet partitioned by year, under a memory limit: the long table
  is never in memory.
* Save outputs: the Parquet folder; the timings of the queries of ``queries()``
  (the downloads page's example among them; "requests received" per format from
  the crosswalk), sizes, peak memory, in
  build/bench/analysts.{json,md}.

``direct_*`` compute the same answers from the specification in plain Python,
for the test that checks DuckDB's answers.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from . import downloads, model, paths
from .bench import AGENCIES, REGIONS
from .model import UserError, fmt

YEARS = tuple(range(2016, 2026))  # every agency reports every year
POOL = 64  # value sets per template
SCALE = 50  # each report multiplies its value set by an integer 1..SCALE (every rule is linear: it still holds)
MISSING = {"fujian-pre-2019": 0.02, "national-2014": 0.04, "national-2019": 0.01, "national-2021": 0.005}  # share of printed cells
FIELDS = [f[0] for f in downloads.LABELLED_FIELDS]
CELL_FIELDS = FIELDS[6:16]  # section … unit: what a template says about a cell
RESULTS = paths.BUILD / "bench"

CONCEPT = "requests_received"  # the crosswalk's concept the queries rank by (data/crosswalk/cells.csv)


def received_cells(crosswalk: model.Crosswalk | None = None) -> dict[str, tuple[str, str, str]]:
    """The cell that holds "requests received" in each format, from the crosswalk (written there once)."""
    cw = crosswalk or model.load_crosswalk()
    if cw is None:
        raise UserError("没有跨格式对应关系（data/crosswalk）：分析查询从那里知道每种格式的“收到申请数”是哪一格")
    out = {}
    for template in MISSING:
        cells = cw.cells_for(CONCEPT, template)
        if len(cells) == 1:
            out[template] = cells[0]
    return out


def queries(crosswalk: model.Crosswalk | None = None) -> dict[str, tuple[str, str]]:
    """The analysts' queries, on the view all_statistics (the Parquet folder): name -> (title, SQL); ? is a parameter."""
    received = "(" + "\n    OR ".join(
        f"""(template = '{t}' AND "table" = '{a}' AND "row" = '{b}' AND "column" = '{c}')"""
        for t, (a, b, c) in sorted(received_cells(crosswalk).items())) + ")"
    return {
        "top_agencies": ("申请数最多的 10 个机关（各年相加）", f"""
SELECT agency_id, any_value(agency) AS agency, sum(value) AS requests_received, count(value) AS years
FROM all_statistics
WHERE {received}
GROUP BY agency_id
ORDER BY requests_received DESC, agency_id
LIMIT 10"""),
        "agency_series": ("一个机关各年的申请数", f"""
SELECT year, template, value, state
FROM all_statistics
WHERE agency_id = ? AND {received}
ORDER BY year"""),
        "missing_by_template": ("各格式缺失值的比例（未列出的行不计）", """
SELECT template,
       count(*) AS cells,
       count(*) FILTER (WHERE state = 'absent') AS absent,
       count(*) FILTER (WHERE state = 'missing') AS missing,
       count(*) FILTER (WHERE state = 'missing') / count(*) FILTER (WHERE state <> 'absent') AS missing_share
FROM all_statistics
GROUP BY template
ORDER BY template"""),
        "downloads_example": ("下载页的示例：各机关每年收到的申请数",
                              downloads.example_sql(crosswalk or model.load_crosswalk()).replace(
                                  "'all-statistics.parquet'", "all_statistics")),
    }


# --- the specification ----------------------------------------------------------------------------------


@dataclass
class Spec:
    """Everything the long table is made of, small enough to hold: reports, labelled cells, value pools."""

    reports: list[tuple]  # report_id, agency_id, agency, region_code, year, template, pool, scale
    cells: dict[str, list[dict]]  # template -> labelled cells (CELL_FIELDS + table/row/column keys)
    pool: dict[str, list[list[tuple]]]  # template -> POOL entries, each [(value | None, state, note)] by cell
    received: dict[str, tuple[str, str, str]]  # template -> its "requests received" cell (received_cells)

    @property
    def rows(self) -> int:
        return sum(len(self.cells[r[5]]) for r in self.reports)


def template_for(year: int, region_code: str) -> str:
    if year >= 2021:
        return "national-2021"
    if year >= 2019:
        return "national-2019"
    return "fujian-pre-2019" if region_code.startswith("35") else "national-2014"


def reports(n: int, rng: random.Random) -> list[tuple]:
    """Report r: agency r // 10, year 2016 + r % 10; its value set (pool entry) and scale drawn at random."""
    out = []
    for r in range(n):
        a, year = r // len(YEARS), YEARS[r % len(YEARS)]
        code, region = REGIONS[a % len(REGIONS)]
        slug, name = AGENCIES[(a // len(REGIONS)) % len(AGENCIES)]
        agency_id = f"{code}-{slug}{a:06d}"
        out.append((f"{agency_id}-{year}", agency_id, f"{region}{name}（第{a + 1}号）", code, year,
                    template_for(year, code), rng.randrange(POOL), rng.randint(1, SCALE)))
    return out


def layouts(template: model.Template, data_dir: Path) -> list[frozenset]:
    """The sets of cells real reports of this template leave absent (their layouts); the full layout if none."""
    seen = []
    for parent in ("reports", "drafts"):
        for folder in model.report_folders(data_dir / parent):
            try:
                with (folder / "report.csv").open(encoding="utf-8", newline="") as fh:
                    if next(csv.DictReader(fh), {}).get("template") != template.id:
                        continue
                with (folder / "statistics.csv").open(encoding="utf-8", newline="") as fh:
                    absent = frozenset((r["table"], r["row"], r["column"]) for r in csv.DictReader(fh) if r["state"] == "absent")
            except (OSError, KeyError, csv.Error):
                continue
            if absent not in seen:
                seen.append(absent)
    return seen or [frozenset()]


def labelled_cells(template: model.Template) -> list[dict]:
    """Each cell of a template with its labels, exactly as downloads.labelled_rows writes them."""
    class Stand:  # the least of a Report that labelled_rows reads
        id = ""
        meta = {"agency_id": "", "agency": "", "region_code": "", "year": "", "template": template.id}
        statistics = [{"table": t, "row": r, "column": c, "value": None, "state": "absent", "note": "",
                       "source_line": None, "locator": None} for t, r, c in template.cells()]

    return [dict(zip(FIELDS, row)) for row in downloads.labelled_rows(Stand, template)]


def _group_parts(template: model.Template, absent: frozenset) -> set:
    """Printed parts of an absent group row (the 2021 layout's three rows of （六）其他处理). xxgk.rules treats
    the group as absent, not unknown, when one of them is missing, and then finds its rules broken: until it
    does not, the pool leaves these cells readable."""
    from .bench import _virtual_cells
    from .rules import expand, within_rules

    instances = [(r, t, p) for r in within_rules(template) for _, t, p in expand(template, r)]
    return {c for _rule, _total, parts in _virtual_cells(instances, absent).values() for c in parts}


def value_pool(template: model.Template, rng: random.Random, data_dir: Path) -> list[list[tuple]]:
    from .bench import synthetic_values

    usable = []
    for absent in layouts(template, data_dir):
        try:
            synthetic_values(template, rng, absent)
            usable.append(absent)
        except RuntimeError:
            continue  # a layout the rules cannot be met in (a report being edited): not used
    usable = usable or [frozenset()]
    out = []
    for k in range(POOL):
        absent = usable[k % len(usable)]
        values = synthetic_values(template, rng, absent)
        keep = _group_parts(template, absent)
        entry = []
        for c in template.cells():
            if c in absent:
                entry.append((None, "absent", ""))
            elif c not in keep and rng.random() < MISSING.get(template.id, 0.01):
                entry.append((None, "missing", "合成数据：原文此格无法辨认"))
            else:
                entry.append((values[c], "printed", ""))
        out.append(entry)
    return out


def specification(n: int, seed: int = 2026, data_dir: Path | None = None) -> Spec:
    data_dir = data_dir or paths.DATA
    rng = random.Random(seed)
    templates = {f.name: model.load_template(f) for f in model.template_folders(data_dir / "templates")}
    needed = sorted(MISSING)
    lacking = [t for t in needed if t not in templates]
    if lacking:
        raise UserError(f"模板 {'、'.join(lacking)} 不在 {paths.rel(data_dir / 'templates')} 中")
    pools = {t: value_pool(templates[t], rng, data_dir) for t in needed}
    return Spec(reports(n, rng), {t: labelled_cells(templates[t]) for t in needed}, pools,
                received_cells(model.load_crosswalk(data_dir / "crosswalk")))


# --- writing the long table with DuckDB -----------------------------------------------------------------


def _write(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def connect(work: Path, memory_limit: str = "2GB", threads: int | None = None):
    import duckdb

    con = duckdb.connect()
    (work / "duckdb-tmp").mkdir(parents=True, exist_ok=True)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET temp_directory = '{(work / 'duckdb-tmp').as_posix()}'")
    con.execute("SET preserve_insertion_order = false")  # lets COPY stream without buffering for order
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def write_parquet(spec: Spec, out: Path, work: Path, memory_limit: str = "2GB") -> dict:
    """The long table of spec as Parquet under out/year=YYYY/, written by DuckDB from three small CSVs."""
    work.mkdir(parents=True, exist_ok=True)
    _write(work / "reports.csv", ["report_id", "agency_id", "agency", "region_code", "year", "template", "pool", "scale"],
           spec.reports)
    _write(work / "cells.csv", ["template", "cell", *CELL_FIELDS],
           ([t, i, *(c[f] for f in CELL_FIELDS)] for t, cs in spec.cells.items() for i, c in enumerate(cs)))
    _write(work / "pool.csv", ["template", "pool", "cell", "value", "state", "state_zh", "note"],
           ([t, k, i, fmt(v), s, downloads.STATE_ZH[s], note] for t, entries in spec.pool.items()
            for k, entry in enumerate(entries) for i, (v, s, note) in enumerate(entry)))
    types = dict((f[0], f[3]) for f in downloads.LABELLED_FIELDS)

    def typed(name: str, expr: str) -> str:
        sql = {"integer": "INTEGER", "number": "DECIMAL(20, 6)"}.get(types.get(name, ""), "VARCHAR")
        return f'CAST(NULLIF({expr}, \'\') AS {sql}) AS "{name}"'

    def read(name: str) -> str:
        return f"read_csv('{(work / name).as_posix()}', header = true, all_varchar = true)"

    cell_cols = ", ".join(typed(f, f'c."{f}"') for f in CELL_FIELDS)
    select = []
    for f in FIELDS:  # the published columns, in their order
        if f in CELL_FIELDS or f in ("state", "state_zh", "note"):
            select.append(f'e."{f}"')
        elif f == "value":
            select.append('CAST(e.value * r.scale AS DECIMAL(20, 6)) AS "value"')
        elif f in ("source_line", "locator"):
            select.append(f'CAST(NULL AS {"INTEGER" if types[f] == "integer" else "VARCHAR"}) AS "{f}"')
        else:
            select.append(f'r."{f}"')
    if out.exists():
        shutil.rmtree(out)
    con = connect(work, memory_limit)
    started = time.perf_counter()
    try:
        # the small tables, typed once: reports, and every (template, value set) with its labelled cells
        con.execute(f"""CREATE TABLE reports AS SELECT report_id, agency_id, agency, region_code, CAST(year AS INTEGER) AS year,
            template, CAST(pool AS INTEGER) AS pool, CAST(scale AS INTEGER) AS scale FROM {read('reports.csv')}""")
        con.execute(f"""CREATE TABLE entries AS SELECT p.template, CAST(p.pool AS INTEGER) AS pool, CAST(p.cell AS INTEGER) AS cell,
            {cell_cols}, {typed('value', 'p.value')}, p.state, p.state_zh, {typed('note', 'p.note')}
            FROM {read('pool.csv')} p JOIN {read('cells.csv')} c ON c.template = p.template AND c.cell = p.cell""")
        # the long table: streamed from the join into one Parquet folder per year
        con.execute(f"""
COPY (
  SELECT {", ".join(select)}
  FROM reports r JOIN entries e ON e.template = r.template AND e.pool = r.pool
) TO '{out.as_posix()}' (FORMAT parquet, PARTITION_BY (year), COMPRESSION zstd)""")
    finally:
        con.close()
    seconds = time.perf_counter() - started
    files = list(out.rglob("*.parquet"))
    return {"write_s": seconds, "parquet_bytes": sum(f.stat().st_size for f in files), "files": len(files),
            "partitions": len({f.parent.name for f in files})}


def open_view(parquet: Path, work: Path, threads: int | None = None):
    """A DuckDB connection with the view all_statistics over the partitioned Parquet folder."""
    con = connect(work, threads=threads)
    con.execute(f"""CREATE VIEW all_statistics AS SELECT * FROM read_parquet('{parquet.as_posix()}/*/*.parquet',
        hive_partitioning = true, hive_types = {{'year': INTEGER}})""")
    return con


def run_queries(con, agency_id: str, repeat: int = 3) -> dict[str, dict]:
    """Each query of queries(): its result and its times (first run, median of repeat runs)."""
    out = {}
    for name, (title, sql) in queries().items():
        params = [agency_id] if "?" in sql else []
        times, result = [], None
        for _ in range(repeat):
            start = time.perf_counter()
            result = con.execute(sql, params).fetchall()
            times.append(time.perf_counter() - start)
        out[name] = {"title": title, "rows": result, "first_s": times[0], "median_s": statistics.median(times)}
    return out


# --- the same answers in plain Python --------------------------------------------------------------------


def _received(spec: Spec, report: tuple) -> tuple:
    """(value, state) of a report's requests-received cell, as the long table has it."""
    template, k, scale = report[5], report[6], report[7]
    key = spec.received[template]
    i = next(i for i, c in enumerate(spec.cells[template]) if (c["table"], c["row"], c["column"]) == key)
    value, state, _ = spec.pool[template][k][i]
    return (None if value is None else value * scale), state


def direct_top_agencies(spec: Spec, limit: int = 10) -> list[tuple]:
    sums, names, counts = defaultdict(Decimal), {}, defaultdict(int)
    for r in spec.reports:
        value, _state = _received(spec, r)
        names[r[1]] = r[2]
        if value is not None:
            sums[r[1]] += value
            counts[r[1]] += 1
    ranked = sorted(sums, key=lambda a: (-sums[a], a))[:limit]
    return [(a, names[a], sums[a], counts[a]) for a in ranked]


def direct_series(spec: Spec, agency_id: str) -> list[tuple]:
    return sorted((r[4], r[5], *_received(spec, r)) for r in spec.reports if r[1] == agency_id)


def direct_missing(spec: Spec) -> list[tuple]:
    counts = defaultdict(lambda: [0, 0, 0])
    for r in spec.reports:
        for _v, state, _ in spec.pool[r[5]][r[6]]:
            c = counts[r[5]]
            c[0] += 1
            c[1] += state == "absent"
            c[2] += state == "missing"
    return [(t, c[0], c[1], c[2]) for t, c in sorted(counts.items())]


# --- the command ----------------------------------------------------------------------------------------


def parse_reports(spec: str) -> int:
    s = (spec or "").strip().replace("_", "")
    if not re.fullmatch(r"[0-9]+", s) or int(s) < 1:
        raise UserError(f"--analysts 需要一个正整数（合成报告的份数，例如 100000）；收到“{spec}”")
    if int(s) > 10_000_000:
        raise UserError(f"--analysts {s} 太大：最多 10000000 份")
    return int(s)


def measure(n: int, out: Path, seed: int = 2026) -> dict:
    """Generate the long table of n reports under out/parquet, query it; sizes and timings."""
    started = time.perf_counter()
    spec = specification(n, seed)
    t_spec = time.perf_counter() - started
    parquet, work = out / "parquet", out / "work"
    written = write_parquet(spec, parquet, work)
    middle = spec.reports[len(spec.reports) // 2][1]
    con = open_view(parquet, work)
    try:
        rows = con.execute("SELECT count(*) FROM all_statistics").fetchone()[0]
        queries = run_queries(con, middle)
    finally:
        con.close()
    return {"reports": n, "rows": rows, "expected_rows": spec.rows, "spec_s": t_spec, **written,
            "generate_s": t_spec + written["write_s"], "agency": middle,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "queries": {k: {"title": v["title"], "first_s": v["first_s"], "median_s": v["median_s"], "result_rows": len(v["rows"]),
                            "sample": [[str(x) for x in row] for row in v["rows"][:3]]} for k, v in queries.items()}}


def markdown(m: dict) -> str:
    lines = [f"{m['reports']:,} 份合成报告，{m['rows']:,} 行（all-statistics 的列），按年份分区（{m['partitions']} 个分区，"
             f"{m['files']} 个文件）。", "",
             "| 步骤 | 结果 |", "| --- | ---: |",
             f"| 生成（规格 + DuckDB 写 Parquet） | {m['generate_s']:.1f} 秒 |",
             f"| 其中 DuckDB 写 Parquet | {m['write_s']:.1f} 秒 |",
             f"| Parquet 占用磁盘 | {m['parquet_bytes'] / 2**20:.1f} MiB |",
             f"| 进程峰值内存 | {m['peak_rss_mib']:.0f} MiB |", "",
             "| 查询 | 结果行数 | 第一次 秒 | 中位数 秒 |", "| --- | ---: | ---: | ---: |"]
    for k, q in m["queries"].items():
        lines.append(f"| {q['title']}（`{k}`） | {q['result_rows']:,} | {q['first_s']:.2f} | {q['median_s']:.2f} |")
    return "\n".join(lines) + "\n"


def main(n: int, keep: str | None = None) -> int:
    out = Path(keep).resolve() if keep else Path(tempfile.mkdtemp(prefix="xxgk-analysts-"))
    if keep and out.exists() and any(out.iterdir()):
        raise UserError(f"--keep {out} 不是空目录：换一个，或先自己清空它")
    try:
        m = measure(n, out)
    finally:
        shutil.rmtree(out / "work", ignore_errors=True)
        if not keep:
            shutil.rmtree(out, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "analysts.json").write_text(json.dumps(m, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    text = markdown(m)
    (RESULTS / "analysts.md").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    print(f"\n结果：{paths.rel(RESULTS / 'analysts.md')}" + (f"；Parquet 在 {out / 'parquet'}" if keep else ""))
    if m["rows"] != m["expected_rows"]:
        print(f"错误：写出 {m['rows']} 行，应为 {m['expected_rows']} 行", file=sys.stderr)
        return 1
    return 0
