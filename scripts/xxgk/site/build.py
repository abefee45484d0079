"""`xxgk build`: validate what the site renders, generate its pages, swap them in atomically.

* Load inputs: validate the templates, the crosswalk and the reports (a site is
  never built from data that fails validation), then load them.
* Process data: write every page and download into a scratch folder in the
  system's temporary directory (outside the work tree), next to copies of the
  hand-written pages of docs/.
* Save outputs: move the scratch folder beside the target and swap a symbolic
  link (``build/docs`` by default, MkDocs' docs_dir) to it in one atomic
  rename. Readers of the old generation never see a half-written one; a killed
  build leaves the last complete generation in place.

One build at a time: a lock file next to the target. A build cleans up what
killed builds left behind (scratch folders of dead processes, old generations).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import downloads, model, paths, sources
from ..findings import ERROR, render_text
from ..model import UserError
from . import urls
from .config import SiteConfig, site_config
from .material import Page
from . import catalogue, crops, search
from .pages import agency, codebook, compare, corrections, indexes, report, source, statistics, text
from .pages import downloads as downloads_page
from .view import ReportView, load_views

SCRATCH_PREFIX = "xxgk-build-"
HAND_WRITTEN = ("about.md", "guide.md", "architecture.md", "assets")


class BuildLocked(UserError):
    pass


@contextmanager
def build_lock(target: Path):
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.parent / f".{target.name}.lock"
    fh = lock_path.open("a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise BuildLocked(f"另一个 xxgk build 正在生成 {paths.rel(target)}（锁文件 {paths.rel(lock_path)}）；"
                                  "等它结束再运行") from None
            raise
        yield
    finally:
        fh.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(target: Path) -> list[Path]:
    """Scratch folders of dead builds, and generations the target no longer points to. Call with the lock held."""
    removed = []
    tmp = Path(tempfile.gettempdir())
    for p in tmp.glob(f"{SCRATCH_PREFIX}*"):
        m = re.match(rf"{SCRATCH_PREFIX}(\d+)-", p.name)
        if m and p.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    current = Path(os.readlink(target)).name if target.is_symlink() else None
    for p in target.parent.glob(f"{target.name}.*"):
        if p.name != current and p.is_dir() and not p.is_symlink() and re.fullmatch(rf"{re.escape(target.name)}\.\d+-\d+", p.name):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    for p in target.parent.glob(f".{target.name}.link-*"):
        p.unlink(missing_ok=True)
    return removed


def swap_in(scratch: Path, target: Path) -> None:
    """Make target (a symbolic link) point at the new generation, atomically."""
    generation = target.parent / f"{target.name}.{time.time_ns()}-{os.getpid()}"
    os.chmod(scratch, 0o755)  # mkdtemp makes it private
    shutil.move(str(scratch), str(generation))
    if target.exists() and not target.is_symlink():  # a real folder from an older layout: move it aside first
        aside = target.parent / f"{target.name}.0-{os.getpid()}"
        os.rename(target, aside)
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(generation.name, link)
    os.replace(link, target)


class Writer:
    """Writes generated pages into the scratch folder."""

    def __init__(self, root: Path):
        self.root = root
        self.count = 0

    def page(self, page: Page) -> None:
        path = self.root / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page.render(), encoding="utf-8")
        self.count += 1


def _report_of(file: str) -> str:
    parts = Path(file).parts
    return parts[parts.index("reports") + 1] if "reports" in parts[:-1] else ""


class Overlay:
    """Docs folders read as one (a site built in parts): a published path is looked up in each folder in turn,
    and one found in none resolves into the first (where a new file goes). Joins with / like a Path; reads,
    tests and writes act on the resolved file."""

    def __init__(self, *roots, rel: str = ""):
        self.roots = [str(r) for r in roots]
        self.rel = rel

    def __truediv__(self, rel) -> "Overlay":
        return Overlay(*self.roots, rel=f"{self.rel}/{rel}" if self.rel else str(rel))

    @property
    def path(self) -> Path:
        for root in self.roots:
            candidate = os.path.join(root, self.rel)
            if os.path.exists(candidate):
                return Path(candidate)
        return Path(self.roots[0], self.rel)

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)

    def __getattr__(self, name):  # exists, is_file, stat, open, read_text, write_text, name, suffix, ...
        return getattr(self.path, name)


@dataclass
class Inputs:
    """Everything the pages are made from: the validated data, loaded once."""

    data_dir: Path
    findings: list
    config: SiteConfig
    templates: dict
    crosswalk: object
    views: list[ReportView]
    agencies: object
    drafts: list[str]


def load_inputs(data_dir: Path | None = None, check: bool = True) -> Inputs | None:
    """Validate what the site renders (None, with the findings printed, when it has errors), then load it."""
    from ..validate import validate

    data_dir = data_dir or paths.DATA
    templates_dir, reports_dir, crosswalk_dir = data_dir / "templates", data_dir / "reports", data_dir / "crosswalk"
    findings = []
    if check:
        targets = [str(p) for p in (templates_dir, crosswalk_dir, data_dir / "agencies", reports_dir) if p.exists()]
        findings, _ = validate(targets)
        if any(f.severity == ERROR for f in findings):
            sys.stdout.write(render_text(findings, []))
            sys.stdout.write("数据有错误，没有生成页面；上一次生成的页面保持不变。\n")
            return None
    config = site_config()
    templates = {f.name: model.load_template(f) for f in model.template_folders(templates_dir)}
    crosswalk = model.load_crosswalk(crosswalk_dir)
    by_report = defaultdict(list)
    for f in findings:
        by_report[_report_of(f.file)].append(f)
    views = load_views(reports_dir, templates, by_report, config, crosswalk)
    return Inputs(data_dir=data_dir, findings=findings, config=config, templates=templates, crosswalk=crosswalk,
                  views=views, agencies=model.load_agencies(data_dir / "agencies"),
                  drafts=[p.name for p in model.report_folders(data_dir / "drafts")])


def build(check: bool = True, data_dir: Path | None = None, out_dir: Path | None = None) -> int:
    """Every page and download of the site into one docs folder (``build/docs``), swapped in atomically."""
    # Load inputs.
    inp = load_inputs(data_dir, check)
    if inp is None:
        return 1
    target = out_dir or paths.SITE_DOCS

    with build_lock(target):
        clean_stale(target)
        scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
        try:
            # Process data.
            count = sum(write_report(v, scratch) for v in inp.views)
            search.write_records(inp.views, scratch)
            count += write_top(inp, scratch, Overlay(scratch))
            # Save outputs.
            swap_in(scratch, target)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        clean_stale(target)
    absent = sum(1 for v in inp.views if v.lines is None)
    print(f"生成了 {count} 个页面（{len(inp.views)} 份报告，{len(inp.templates)} 个模板）到 {paths.rel(target)}/"
          + (f"；{absent} 份报告的原始文件不在缓存中，它们的原始文件页只说明这一点" if absent else ""))
    return 0


def write_report(v: ReportView, out: Path) -> int:
    """One report's pages (reports/ID/) and downloads (downloads/ID/) into the docs folder out; the page count."""
    writer = Writer(out)
    write_report_downloads(v, out / "downloads" / v.id)  # first: the overview page states each file's size
    for page in generate_report(v, out / "downloads" / v.id):
        writer.page(page)
    return writer.count


def long_table_order(v) -> tuple:
    """The order of the reports in the long table: by year, region code, id. A site built in parts (by year, split
    by region prefix) stacks each part in this order and joins the parts in name order: the same table."""
    return (int(v.meta["year"]), str(v.meta["region_code"]), v.id)


def write_top(inp: Inputs, out: Path, files: Overlay, stacked: list[Path] | None = None) -> int:
    """Everything that is not one report's: hand-written pages, indexes, agencies, codebook, comparisons, the long
    tables and the catalogue, into the docs folder out. files finds a published file wherever it was written (the
    reports' downloads are in out, or in the parts' folders); stacked, the reports' labelled statistics already
    stacked (by part), else they are stacked here. Returns the page count."""
    writer = Writer(out)
    for name in HAND_WRITTEN:
        src = paths.DOCS / name
        if src.is_dir():
            shutil.copytree(src, out / name)
        elif src.is_file():
            shutil.copyfile(src, out / name)
    views, config, crosswalk, templates = inp.views, inp.config, inp.crosswalk, inp.templates
    dl = out / "downloads"
    scratch = None
    if stacked is None:
        labelled = [p.path for p in (files / urls.report_download(v.id, "statistics-labelled.csv")
                                     for v in sorted(views, key=long_table_order)) if p.is_file()]
        scratch = Path(tempfile.mkdtemp(prefix="xxgk-stack-"))
        stacked = [scratch / "all-statistics.csv"]
        downloads.stack(labelled, stacked[0])
    concept_rows = [row for v in views for row in concept_table(v, crosswalk)]
    for t in templates.values():
        downloads.write_package_downloads(t.folder, t.descriptor, t.id, dl / "templates" / t.id)
    crosswalk_dir = inp.data_dir / "crosswalk"
    if crosswalk:
        cw_desc = model.load_descriptor(paths.find_descriptor(crosswalk_dir))
        downloads.write_package_downloads(crosswalk_dir, cw_desc, "crosswalk", dl / "crosswalk")
    try:
        downloads.write_long_tables(stacked, concept_rows, dl)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    publish_schemas(inp.data_dir / "schemas", out / "schemas")
    writer.page(indexes.reports_index(views, config))
    writer.page(indexes.home_page(views, config, inp.agencies, inp.drafts))
    writer.page(indexes.contributing_page(config))
    for page in codebook.codebook_pages(templates, config):
        writer.page(page)
    if crosswalk:
        writer.page(compare.compare_page(views, templates, crosswalk, config))
    for page in (agency.agency_pages(views, inp.agencies, crosswalk, config, inp.drafts)
                 + agency.coverage_page(views, inp.agencies, inp.drafts, config)):
        writer.page(page)
    coverage = agency.coverage_rows(views, inp.agencies, inp.drafts)
    if coverage:
        downloads.write_coverage(coverage, dl)
    catalogue.write_catalogue(views, templates, config, files)
    writer.page(downloads_page.downloads_page(views, templates, config, files / "downloads", crosswalk))
    return writer.count


def generate_report(v: ReportView, downloads_dir: Path | None = None) -> list[Page]:
    """Every page of one report: a pure function of the report, its template and the site configuration."""
    pages = [report.overview(v, downloads_dir)]
    pages += text.text_pages(v)
    if v.t is not None:
        pages += statistics.stats_pages(v)
    pages.append(corrections.corrections_page(v))
    pages.append(source.source_page(v))
    return pages


def write_report_downloads(v: ReportView, out: Path) -> list[Path]:
    """A report's files into its downloads folder out; returns its labelled statistics."""
    extra = {}
    src = v.source_file()
    if src is not None:
        extra[report.source_name(v)] = src
    labelled = []
    out.mkdir(parents=True, exist_ok=True)
    if v.t is not None:
        path = downloads.write_labelled(v.r, v.t, out)
        extra["statistics-labelled.csv"] = path
        labelled.append(path)
    downloads.write_package_downloads(v.r.folder, v.r.descriptor, v.id, out, extra)
    crops.write_crops(v, out)  # the printed cells cut from a PDF source (not in the zip); nothing without it
    return labelled


def concept_table(v: ReportView, crosswalk) -> list[list[str]]:
    if crosswalk is None:
        return []
    rows = []
    for c in crosswalk.concepts:
        value, state = v.concept(c["concept"])
        rows.append([v.id, v.meta["agency_id"], v.meta["agency"], str(v.meta["year"]), v.meta["template"] or "",
                     c["concept"], c["label"], c["comparability"], model.fmt(value), state, downloads.STATE_ZH[state]])
    return rows


def publish_schemas(schemas: Path, out: Path) -> None:
    """The JSON Schemas and table schemas, at the URLs their $id and the descriptors' $schema name."""
    out.mkdir(parents=True, exist_ok=True)
    for p in sorted(schemas.glob("*.json")):
        shutil.copyfile(p, out / p.name)


__all__ = ["build", "clean_stale", "swap_in", "build_lock", "urls", "sources"]
