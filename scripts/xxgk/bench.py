"""`xxgk bench`: build the site from N generated reports and print what it costs.

Reports are generated into a temporary folder from the curated reports in
data/ (never touching data/): copies under new agency ids, regions and years.
For each N it prints seconds for validation, page generation and the MkDocs
build, peak memory, pages, median page size and the search index size.
"""

from __future__ import annotations

import csv
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import paths

REGIONS = [("110000", "北京市"), ("310000", "上海市"), ("320000", "江苏省"), ("330000", "浙江省"), ("370000", "山东省"),
           ("440000", "广东省"), ("510000", "四川省"), ("610000", "陕西省"), ("320800", "淮安市"), ("370100", "济南市")]


def generate(n: int, out: Path) -> Path:
    """Write n reports (copies of the curated ones under new ids) and the templates into out/data."""
    data = out / "data"
    shutil.copytree(paths.SCHEMAS, data / "schemas")
    shutil.copytree(paths.TEMPLATES, data / "templates")
    bases = sorted(p for p in paths.REPORTS.iterdir() if p.is_dir())
    for i in range(n):
        base = bases[i % len(bases)]
        code, region = REGIONS[i % len(REGIONS)]
        with (base / "report.csv").open(encoding="utf-8", newline="") as fh:
            meta = next(csv.DictReader(fh))
        meta.update(agency_id=f"{code}-bench{i:05d}", region_code=code, region=region,
                    agency=f"{region}第{i + 1}号测试机关", year=str(int(meta["year"]) - (i % 3)))
        meta["title"] = f"{meta['agency']}{meta['year']}年政府信息公开工作年度报告"
        folder = data / "reports" / f"{meta['agency_id']}-{meta['year']}"
        shutil.copytree(base, folder)
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(meta), lineterminator="\n")
        w.writeheader()
        w.writerow(meta)
        (folder / "report.csv").write_text(buf.getvalue(), encoding="utf-8")
    return data


def _run(cmd: list[str], env=None) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - start


def measure(n: int, keep: Path | None = None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"xxgk-bench-{n}-"))
    try:
        data = generate(n, tmp)
        docs = tmp / "docs"
        shutil.copytree(paths.DOCS, docs, ignore=shutil.ignore_patterns("reports", "codebook", "downloads", "index.md", "contributing.md", "compare.md"))
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        py = sys.executable
        t_validate = _run([py, "-m", "xxgk", "validate", str(data / "templates"), str(data / "reports")], env)
        t_pages = _run([py, "-c", "import sys; from pathlib import Path; from xxgk.build import build; "
                        f"sys.exit(build(check=False, docs_dir=Path({str(docs)!r}), data_dir=Path({str(data)!r})))"], env)
        config = (paths.ROOT / "mkdocs.yml").read_text(encoding="utf-8") + f"\ndocs_dir: {docs}\n"
        (tmp / "mkdocs.yml").write_text(config, encoding="utf-8")
        site = tmp / "site"
        t_mkdocs = _run([py, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(tmp / "mkdocs.yml"), "-d", str(site)], env)
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        htmls = [p for p in site.rglob("*.html") if p.name != "404.html"]
        sizes = [p.stat().st_size for p in htmls]
        report_pages = [p.stat().st_size for p in htmls if "/reports/" in p.as_posix() and p.parent.name != "reports"]
        index = site / "search" / "search_index.json"
        result = {
            "n": n, "validate_s": t_validate, "pages_s": t_pages, "mkdocs_s": t_mkdocs,
            "total_s": t_validate + t_pages + t_mkdocs, "peak_mib": peak_kib / 1024,
            "pages": len(htmls), "median_html_kib": statistics.median(sizes) / 1024,
            "median_report_html_kib": statistics.median(report_pages) / 1024 if report_pages else 0,
            "search_index_mib": index.stat().st_size / 2**20 if index.exists() else 0,
        }
        result["s_per_report"] = result["total_s"] / n
        if keep:
            shutil.copytree(tmp, keep / f"n{n}", dirs_exist_ok=True)
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


COLUMNS = [("n", "N", "{:d}"), ("validate_s", "validate s", "{:.1f}"), ("pages_s", "pages s", "{:.1f}"),
           ("mkdocs_s", "mkdocs s", "{:.1f}"), ("total_s", "total s", "{:.1f}"), ("peak_mib", "peak MiB", "{:.0f}"),
           ("pages", "pages", "{:d}"), ("median_html_kib", "median page KiB", "{:.1f}"),
           ("median_report_html_kib", "median report page KiB", "{:.1f}"), ("search_index_mib", "search index MiB", "{:.2f}"),
           ("s_per_report", "s/report", "{:.3f}")]


def table(rows: list[dict]) -> str:
    head = "| " + " | ".join(c[1] for c in COLUMNS) + " |"
    sep = "|" + "|".join("---:" for _ in COLUMNS) + "|"
    body = ["| " + " | ".join(fmt.format(r[k]) for k, _, fmt in COLUMNS) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def main(sizes: list[int]) -> int:
    rows = []
    for n in sizes:
        # each N in its own process, so peak memory is that N's alone
        out = subprocess.run([sys.executable, "-c", f"import json; from xxgk.bench import measure; print(json.dumps(measure({n})))"],
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stderr)
            return 1
        import json

        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"N={n}: {rows[-1]['total_s']:.1f} s", file=sys.stderr)
    print(table(rows))
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"\nmedian page HTML at N={last['n']} / N={first['n']}: "
              f"{last['median_html_kib'] / first['median_html_kib']:.2f}×; report pages: "
              f"{last['median_report_html_kib'] / first['median_report_html_kib']:.2f}×")
    return 0
