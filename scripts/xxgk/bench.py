"""`xxgk bench`: build the site from N synthetic reports and print what it costs.

The generator writes N reports into a temporary folder, never into data/. Each
synthetic report takes the prose, source and prose ledger of one of the curated
reports (alternating, so both templates are measured), a new agency, region and
year, and statistics drawn at random from the real codebook so that every rule
of its template holds by construction.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from . import model, paths
from .model import fmt
from .rules import BROKEN, evaluate, expand

REGIONS = [("110000", "北京市"), ("310000", "上海市"), ("320000", "江苏省"), ("330000", "浙江省"), ("370000", "山东省"),
           ("440000", "广东省"), ("510000", "四川省"), ("610000", "陕西省"), ("320800", "江苏省淮安市"), ("370100", "山东省济南市")]
AGENCIES = [("gov", "人民政府"), ("fgw", "发展和改革委员会"), ("jyt", "教育厅"), ("gat", "公安厅"), ("czt", "财政厅"),
            ("hrss", "人力资源和社会保障厅"), ("zrzy", "自然资源厅"), ("sthj", "生态环境厅"), ("zjt", "住房和城乡建设厅"),
            ("wjw", "卫生健康委员会")]


def synthetic_values(template: model.Template, rng: random.Random) -> dict:
    """Values for every cell of a template such that every rule holds (checked, retried if not)."""
    cells = template.cells()
    instances = [(rule, total, parts) for rule in template.rules for _, total, parts in expand(template, rule)]
    solved = {total[0] for rule, total, _ in instances if rule["kind"] == "equal"}
    decimal_rows = {(r["table"], r["key"]) for r in template.rows if r["value_type"] == "decimal"}
    for _attempt in range(50):
        values = {}
        for c in cells:
            if c in solved:
                continue
            values[c] = Decimal(rng.randint(0, 99999)) / 10 if c[:2] in decimal_rows else Decimal(rng.randint(0, 60))
        for _ in range(len(cells)):  # solve each equality for its first total cell
            progress = False
            for rule, total, parts in instances:
                if rule["kind"] != "equal" or total[0] in values:
                    continue
                if all(c in values for c in parts + total[1:]):
                    values[total[0]] = sum((values[c] for c in parts), Decimal(0)) - sum((values[c] for c in total[1:]), Decimal(0))
                    progress = True
            if not progress:
                break
        for rule, total, parts in instances:  # inequalities: move a free total into range
            if rule["kind"] == "equal" or len(total) != 1 or total[0] in solved:
                continue
            bound = sum((values[c] for c in parts), Decimal(0))
            if rule["kind"] == "at_least" and values[total[0]] < bound:
                values[total[0]] = bound + rng.randint(0, 20)
            if rule["kind"] == "at_most" and values[total[0]] > bound:
                values[total[0]] = bound
        if len(values) == len(cells) and min(values.values()) >= 0 and \
                not any(r.status == BROKEN for r in evaluate(template, values)):
            return values
    raise RuntimeError(f"could not draw values satisfying the rules of {template.id}")


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.write_text(model.csv_text(header, rows), encoding="utf-8")


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def generate(n: int, out: Path, seed: int = 2026) -> Path:
    """Write n synthetic reports, the templates, the schemas and the crosswalk into out/data."""
    rng = random.Random(seed)
    data = out / "data"
    for name in ("schemas", "templates", "crosswalk"):
        if (paths.DATA / name).is_dir():
            shutil.copytree(paths.DATA / name, data / name)
    bases = [model.load_report(p) for p in model.report_folders()]
    templates = {t.name: model.load_template(t) for t in model.template_folders()}
    for i in range(n):
        base = bases[i % len(bases)]
        template = templates[base.meta["template"]]
        code, region = REGIONS[i % len(REGIONS)]
        slug, name = AGENCIES[(i // len(REGIONS)) % len(AGENCIES)]
        agency_id = f"{code}-{slug}{i:05d}"
        year = base.meta["year"] - (i // (len(REGIONS) * len(AGENCIES))) % 4
        folder = data / "reports" / f"{agency_id}-{year}"
        shutil.copytree(base.folder, folder)
        # Load inputs: the base report's files; Process data: new metadata and values; Save outputs.
        header, meta = _read_csv(folder / "report.csv")
        agency = f"{region}{name}（第{i + 1}号）"
        meta[0].update(agency_id=agency_id, agency=agency, region_code=code, region=region, year=str(year),
                       title=f"{agency}{year}年政府信息公开工作年度报告")
        _write_csv(folder / "report.csv", header, [[row[h] for h in header] for row in meta])
        values = synthetic_values(template, rng)
        header, _ = _read_csv(folder / "statistics.csv")
        _write_csv(folder / "statistics.csv", header,
                   [[t, r, c, fmt(values[(t, r, c)]), "printed", "", fmt(values[(t, r, c)]), "合成数据"] for t, r, c in template.cells()])
        header, ledger = _read_csv(folder / "corrections.csv")  # keep the prose and label entries only
        _write_csv(folder / "corrections.csv", header, [[e[h] for h in header] for e in ledger
                                                        if e["resource"] == "prose" or e["kind"] == "label-wrap"])
        header, figures = _read_csv(folder / "figures.csv")  # prose figures no longer repeat the table
        _write_csv(folder / "figures.csv", header, [[f[h] if h not in ("cells", "relation") else "" for h in header]
                                                    for f in figures])
    return data


def _run(cmd: list[str], env=None) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
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


def measure(n: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"xxgk-bench-{n}-"))
    try:
        data = generate(n, tmp)
        docs = tmp / "docs"
        shutil.copytree(paths.DOCS, docs, ignore=shutil.ignore_patterns(
            "reports", "codebook", "downloads", "index.md", "contributing.md", "compare.md"))
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        py = sys.executable
        t_validate = _run([py, "-m", "xxgk", "validate", str(data / "templates"), str(data / "crosswalk"), str(data / "reports")], env)
        one = sorted((data / "reports").iterdir())[-1]
        t_one = _run([py, "-m", "xxgk", "validate", str(one)], env)
        t_pages = _run([py, "-c", "import sys; from pathlib import Path; from xxgk.build import build; "
                        f"sys.exit(build(check=False, docs_dir=Path({str(docs)!r}), data_dir=Path({str(data)!r})))"], env)
        config = (paths.ROOT / "mkdocs.yml").read_text(encoding="utf-8") + f"\ndocs_dir: {docs}\n"
        (tmp / "mkdocs.yml").write_text(config, encoding="utf-8")
        site = tmp / "site"
        t_mkdocs = _run([py, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(tmp / "mkdocs.yml"), "-d", str(site)], env)
        t_compact = _run([py, "-m", "xxgk", "compact-search", str(site)], env)
        # the same docs/ with the bare tools
        t_bare_mkdocs = _run([py, "-m", "mkdocs", "build", "-q", "-f", str(tmp / "mkdocs.yml"), "-d", str(tmp / "site-bare")], env)
        t_bare_fl = _run([py, "-c", BARE_FRICTIONLESS, str(data / "reports")], env)
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        htmls = [p for p in site.rglob("*.html") if p.name != "404.html"]
        sizes = [p.stat().st_size for p in htmls]
        report_pages = [p.stat().st_size for p in htmls if "/reports/" in p.as_posix() and p.parent.name != "reports"]
        index = site / "search" / "search_index.json"
        total = t_validate + t_pages + t_mkdocs + t_compact
        return {
            "n": n, "validate_s": t_validate, "pages_s": t_pages, "mkdocs_s": t_mkdocs, "total_s": total,
            "peak_mib": peak_kib / 1024, "pages": len(htmls), "median_html_kib": statistics.median(sizes) / 1024,
            "median_report_html_kib": statistics.median(report_pages) / 1024 if report_pages else 0,
            "search_index_mib": index.stat().st_size / 2**20, "s_per_report": total / n, "one_report_validate_s": t_one,
            "bare_mkdocs_s": t_bare_mkdocs, "bare_frictionless_s": t_bare_fl,
            "ratio_to_bare": total / (t_bare_mkdocs + t_bare_fl),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


COLUMNS = [("n", "N", "{:d}"), ("validate_s", "validate s", "{:.1f}"), ("pages_s", "pages s", "{:.1f}"),
           ("mkdocs_s", "mkdocs s", "{:.1f}"), ("total_s", "total s", "{:.1f}"), ("peak_mib", "peak MiB", "{:.0f}"),
           ("pages", "pages", "{:d}"), ("median_html_kib", "median page KiB", "{:.1f}"),
           ("search_index_mib", "search index MiB", "{:.2f}"), ("s_per_report", "s/report", "{:.3f}"),
           ("one_report_validate_s", "validate 1 report s", "{:.2f}"), ("bare_mkdocs_s", "bare mkdocs s", "{:.1f}"),
           ("bare_frictionless_s", "bare frictionless s", "{:.1f}"), ("ratio_to_bare", "total / bare", "{:.2f}")]


def table(rows: list[dict]) -> str:
    head = "| " + " | ".join(c[1] for c in COLUMNS) + " |"
    sep = "|" + "|".join("---:" for _ in COLUMNS) + "|"
    body = ["| " + " | ".join(f.format(r[k]) for k, _, f in COLUMNS) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def main(sizes: list[int]) -> int:
    rows = []
    for n in sizes:
        # each N in its own process, so that the peak memory is that N's alone
        out = subprocess.run([sys.executable, "-c", f"import json; from xxgk.bench import measure; print(json.dumps(measure({n})))"],
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stdout[-2000:] + out.stderr[-4000:])
            return 1
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"N={n}: {rows[-1]['total_s']:.1f} s", file=sys.stderr, flush=True)
    print(table(rows))
    by_n = {r["n"]: r for r in rows}
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"\nmedian page HTML, N={last['n']} / N={first['n']}: {last['median_html_kib'] / first['median_html_kib']:.2f}×")
        if 10 in by_n and last["n"] > 10:
            print(f"s/report, N={last['n']} / N=10: {last['s_per_report'] / by_n[10]['s_per_report']:.2f}×")
    return 0
