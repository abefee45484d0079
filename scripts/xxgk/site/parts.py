"""`xxgk site`: the website built in parts, incrementally, in parallel, and assembled atomically.

The site is split into parts that build independently:

* one part per report year and province (``y2018-37``: the 2018 reports of agencies in Shandong), holding
  those reports' pages and downloads; a part stays small however large the collection grows;
* the part ``top``: everything that depends on all reports or on none (home, indexes, agencies, codebook,
  comparisons, long tables, catalogue, hand-written pages, assets).

A part is built by a worker process of its own: it loads only its reports, regenerates only those whose
key changed, and returns a small summary of each report (``view.ReportSummary``). The top part is made
from the summaries, so no process ever holds every report in full. A report's pages are a pure function
of the report, its template, the crosswalk, its findings, whether its source is cached and the site
configuration: the key is a sha256 over all of these. Files are written only when their bytes change, so
MkDocs renders again only those pages (``--dirty``, through ``xxgk.site.render``); a part whose rendering
configuration changed is rendered from scratch. Each part gets its own search index; the browser merges them.

``--part NAME`` builds one part's docs and site and stops (a CI matrix job); a later ``xxgk site``
reuses the parts whose keys match and assembles.

Assembly: the parts' sites are hard-linked into a new folder beside the target, which is then renamed
into place: a reader of ``site/`` never sees a half-assembled site, and a failed build leaves the last one.
Since the assembled site shares files with the parts' sites, nothing is ever written into a shared file:
before a dirty render the outputs about to be rewritten are unlinked, and after it a check confirms that
no shared file was written.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .. import downloads, paths, vcache
from ..findings import ERROR, render_text
from ..model import UserError
from ..peak import Watch, vm_hwm_mib
from . import catalogue, search, urls
from .build import SCRATCH_PREFIX, Inputs, Overlay, _report_of, build_lock, long_table_order, write_report, write_top
from .config import _Loader
from .view import ReportView

PARTS = paths.BUILD / "parts"
TOP = "top"
STATE = "state.json"  # in each part's folder: its reports' keys and its rendering key
PART_NAME = re.compile(r"top|y\d{4}(-\d{2}|-\d{4}|-\d{6})?")
ALWAYS_WRITTEN = ("404.html", "sitemap.xml", "sitemap.xml.gz")  # MkDocs writes these on every render
THEME_ASSETS = ("assets/javascripts/", "assets/stylesheets/", "assets/images/")  # Material's, in every part


PART_MAX_REPORTS = 400  # a part holding more reports than this is split by region


def part_names_of(year: int, regions: list[str], max_reports: int = PART_MAX_REPORTS) -> list[str]:
    """The part of each report of one year, given their region codes (GB/T 2260, six digits): the whole year
    while it holds at most max_reports; past that, split by province (y2021-37), then by city (y2021-3701),
    then by county (y2021-370102). Reports move between parts only when their year or region crosses the
    limit (that year or region is then split, and its parts are built afresh once); nothing else moves."""
    return [f"y{int(year):04d}" + (f"-{prefix}" if prefix else "") for prefix in region_groups(regions, max_reports)]


def region_groups(regions: list[str], max_items: int) -> list[str]:
    """The group of each item, given its region code (GB/T 2260, six digits): "" (one group) while there are at
    most max_items; past that, the province's two digits, then the city's four, then the county's six."""
    out = [""] * len(regions)

    def split(indexes: list[int], depth: int) -> None:
        if len(indexes) <= max_items or depth >= 6:
            for i in indexes:
                out[i] = regions[i][:depth]
            return
        groups: dict[str, list[int]] = {}
        for i in indexes:
            groups.setdefault(regions[i][: depth + 2], []).append(i)
        for group in groups.values():
            split(group, depth + 2)

    split(list(range(len(regions))), 0)
    return out


def part_of(v: ReportView) -> str:
    """The part of a report on its own (as if its year held few reports): for messages and tests."""
    return part_names_of(v.meta["year"], [str(v.meta["region_code"])])[0]


def _sha(*chunks) -> str:
    h = hashlib.sha256()
    for c in chunks:
        h.update(c if isinstance(c, bytes) else str(c).encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()


def _tree_digest(folder: Path | None) -> str:
    h = hashlib.sha256()
    if folder is not None:
        vcache.digest_tree(h, folder)
    return h.hexdigest()


class Keys:
    """The key of each report's pages: everything generate_report and the report's downloads read."""

    def __init__(self, data_dir: Path, templates: dict, config):
        self.base = _sha(vcache.code_version(), repr(config), _tree_digest(data_dir / "crosswalk"),
                         _tree_digest(data_dir / "schemas"))
        self.templates = {tid: _tree_digest(t.folder) for tid, t in templates.items()}

    def inputs(self, folder: Path, findings: list) -> str:
        """What a report's summary and pages are made from, read without loading the report: its files, every
        template, the shared data and code, its findings, the date of its last commit (whether the cache holds
        its source is checked beside this, see _unchanged_part)."""
        return _sha(self.base, str(folder.resolve()), _tree_digest(folder), sorted(self.templates.items()),
                    json.dumps([f.to_dict() for f in findings], ensure_ascii=False, sort_keys=True),
                    catalogue._last_changes(str(folder.parent)).get(folder.name) or "")

    def report(self, v: ReportView) -> str:
        # The source's bytes are named by their sha256 in the descriptor (part of the folder's digest); what
        # matters besides is whether this machine's cache holds them. Nothing machine-specific (paths, times)
        # enters the key, so parts built on other machines (a CI matrix) are reused as they are.
        src_stamp = "present" if v.source_file() is not None else "absent"
        findings = json.dumps([f.to_dict() for f in v.source_findings + v.notices], ensure_ascii=False, sort_keys=True)
        return _sha(self.base, v.id, _tree_digest(v.r.folder), self.templates.get(v.meta.get("template") or "", ""),
                    findings, src_stamp, catalogue.date_modified(v) or "")


# --- files -------------------------------------------------------------------------------------------------


def _files(folder: Path | str) -> dict[str, str]:
    """Every file under a folder: {relative posix path: path}. Plain strings and os.walk, not Path objects: a
    part holds tens of thousands of files, and this runs on each of them at every build."""
    out: dict[str, str] = {}
    root = os.fspath(folder)
    cut = len(root) + 1
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            full = os.path.join(dirpath, name)
            out[full[cut:].replace(os.sep, "/")] = full
    return out


def _same_bytes(a: str, b: str) -> bool:
    if os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


def sync(new: Path, old: Path, prefixes: tuple[str, ...] | None = None) -> tuple[set[str], set[str]]:
    """Make the files of old (those under the folder prefixes, or all) equal those of new, writing only files
    whose bytes differ (moved from new, which is consumed). Returns (written, deleted) relative paths."""
    fresh = _files(new)
    if prefixes is None:
        current = _files(old)
    else:
        current = {}
        for prefix in prefixes:
            if prefix.endswith("/"):
                current.update({prefix + k: p for k, p in _files(old / prefix).items()})
            elif (old / prefix).is_file():
                current[prefix] = old / prefix
    written, deleted = set(), set()
    made: set[str] = set()
    for rel, src in fresh.items():
        dst = os.path.join(old, rel)
        if rel in current and _same_bytes(dst, src):
            continue
        folder = os.path.dirname(dst)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        try:
            os.replace(src, dst)  # new is a scratch folder on the same file system: moved, not copied
        except OSError:
            tmp = os.path.join(folder, f".{os.path.basename(dst)}.new")
            shutil.copyfile(src, tmp)
            os.replace(tmp, dst)
        written.add(rel)
    for rel in set(current) - set(fresh):
        os.unlink(os.path.join(old, rel))
        deleted.add(rel)
    return written, deleted


def output_of(doc_rel: str) -> str:
    """The site file MkDocs writes for a docs file (use_directory_urls)."""
    if doc_rel.endswith(".md"):
        return urls.page_dir(doc_rel) + "index.html"
    return doc_rel


# --- the parts ---------------------------------------------------------------------------------------------


@dataclass
class Part:
    name: str
    root: Path
    views: list = field(default_factory=list)
    written: set = field(default_factory=set)  # docs files written or deleted by this build
    deleted: set = field(default_factory=set)
    seconds: dict = field(default_factory=dict)
    peaks: dict = field(default_factory=dict)  # MiB, by process: the part's worker, MkDocs, Pagefind
    rendered: str = ""  # "full", "dirty" or "" (nothing to do)
    loaded: int = 0  # reports read in full by this build (0: none changed, their summaries were kept)
    stale: bool = False  # asked for its kept summaries only (xxgk site --part top), and they no longer match
    state: dict = field(default_factory=dict)
    previous: str | None = None  # the rendering key when this build began (None: the site may not match the docs)

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def peak_mib(self) -> float:
        return max(self.peaks.values(), default=0.0)

    @property
    def reports(self) -> int:
        return len(self.views) if self.views else len(self.state.get("reports", {}))

    def load_state(self) -> dict:
        try:
            state = json.loads((self.root / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        self.state = state if isinstance(state, dict) else {}
        self.state.setdefault("reports", {})
        return self.state

    def save_state(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{STATE}.new"
        tmp.write_text(json.dumps(self.state, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.root / STATE)


def nav_files() -> list[tuple[str, str]]:
    """(title, docs path) of every page in mkdocs.yml's navigation."""
    cfg = yaml.load((paths.ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader) or {}
    out = []

    def walk(items):
        for item in items or []:
            if isinstance(item, dict):
                for title, target in item.items():
                    if isinstance(target, list):
                        walk(target)
                    elif isinstance(target, str) and target.endswith(".md"):
                        out.append((str(title), target))
            elif isinstance(item, str) and item.endswith(".md"):
                out.append(("", item))

    walk(cfg.get("nav"))
    return out


def write_config(part: Part) -> str:
    """The part's copy of mkdocs.yml (every path absolute); returns its rendering key."""
    from .material import config_for

    part.root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-cfg-"))
    try:
        new = config_for(part.docs, tmp)
        if not part.config.is_file() or part.config.read_bytes() != new.read_bytes():
            shutil.copyfile(new, part.config)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    import material
    import mkdocs

    here = Path(__file__).resolve().parent
    return _sha(part.config.read_bytes(), _tree_digest(paths.DOCS / "overrides"), mkdocs.__version__,
                (here / "mkdocs_hooks.py").read_bytes(), (here / "render.py").read_bytes(),
                getattr(material, "__version__", ""), (paths.ROOT / "scripts" / "requirements.lock").read_bytes()
                if (paths.ROOT / "scripts" / "requirements.lock").is_file() else b"")


def _scratch(part: Part) -> Path:
    """A scratch folder beside the part's docs (the same file system: a written file is moved into place, not
    copied). One left by a killed build is removed by the next."""
    part.root.mkdir(parents=True, exist_ok=True)
    for old in part.root.glob(".scratch-*"):
        shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f".scratch-{os.getpid()}-", dir=part.root))


def generate_year(part: Part, keys: Keys) -> None:
    """The part's reports whose key changed, its navigation stubs and its search records, into its docs."""
    reports = part.state["reports"]
    part.docs.mkdir(parents=True, exist_ok=True)
    scratch = _scratch(part)
    try:
        # The navigation's pages, as stubs: the part's pages show the same navigation as the whole site.
        # The assembled site takes these pages from the top part.
        stubs = scratch / "stubs"
        for title, doc in nav_files():
            (stubs / doc).parent.mkdir(parents=True, exist_ok=True)
            (stubs / doc).write_text(f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n", encoding="utf-8")
        search.write_records(part.views, stubs)
        w, d = sync(stubs, part.docs, tuple(doc for _, doc in nav_files()) + (search.RECORDS,))
        part.written |= w
        part.deleted |= d
        for v in part.views:
            key = keys.report(v)
            prefixes = (f"reports/{v.id}/", f"downloads/{v.id}/")
            if reports.get(v.id) == key and (part.docs / "reports" / v.id).is_dir():
                continue
            out = scratch / v.id
            write_report(v, out)
            reports.pop(v.id, None)  # its pages are about to change: a build killed from here on makes them again
            part.save_state()
            w, d = sync(out, part.docs, prefixes)
            part.written |= w
            part.deleted |= d
            reports[v.id] = key
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def remove_reports(part: Part, ids: set[str]) -> None:
    """Reports no longer in the part (gone from the data, or of another year now): their files leave it."""
    for rid in sorted(ids):
        part.state["reports"].pop(rid, None)
        for prefix in (f"reports/{rid}/", f"downloads/{rid}/"):
            for rel in _files(part.docs / prefix):
                part.deleted.add(prefix + rel)
            shutil.rmtree(part.docs / prefix, ignore_errors=True)


def _save_summaries(root: Path, entries: dict) -> None:
    """The part's report summaries with the inputs they were made from (a pickle of the project's own objects,
    in the build folder: never read from anywhere else)."""
    import pickle

    tmp = root / f".{SUMMARIES}.new"
    tmp.write_bytes(pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, root / SUMMARIES)


def _unchanged_part(job: "PartJob", inputs: dict) -> Part | None:
    """The part as the last build left it, when none of its reports changed (the same reports, the same inputs,
    each source still where it was, or still absent) and its pages are there; else None."""
    import pickle

    from .. import sources

    try:
        entries = pickle.loads((job.root / SUMMARIES).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(entries, dict) or set(entries) != set(inputs):
        return None
    part = Part(job.name, job.root, [])
    part.load_state()
    if set(part.state["reports"]) != set(inputs) or not (part.docs / "reports").is_dir():
        return None
    for rid, (made_from, summary) in entries.items():
        if made_from != inputs[rid]:
            return None
        held = summary._source_file
        if (held is not None and not os.path.isfile(held)) or (held is None and summary.source_ref
                                                                and sources.find(summary.source_ref) is not None):
            return None
    if not (job.root / STACKED).is_file():
        return None
    part.views = [entries[rid][1] for rid in sorted(entries)]
    part.previous = part.state.get("render")
    return part


def generate_top(part: Part, inp: Inputs, report_docs: list[Path]) -> None:
    """The top part's docs: made from the reports' summaries (inp.views); report_docs, the report parts' docs
    folders, hold the reports' downloads the long tables and the catalogue are made from."""
    scratch = _scratch(part)
    try:
        search.write_records([], scratch)
        # Parts in name order are in (year, region) order: the long table's order (see build.long_table_order).
        stacked = [d.parent / STACKED for d in sorted(report_docs, key=lambda d: d.parent.name)
                   if (d.parent / STACKED).is_file()]
        write_top(inp, scratch, Overlay(scratch, *report_docs), stacked)
        part.docs.mkdir(parents=True, exist_ok=True)
        w, d = sync(scratch, part.docs)
        part.written |= w
        part.deleted |= d
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --- rendering ---------------------------------------------------------------------------------------------


def prepare_render(part: Part, dirty: bool) -> None:
    """Before a dirty render: unlink every output about to be rewritten (it may be shared with the assembled
    site), and the outputs of deleted sources (MkDocs leaves them)."""
    if not dirty:
        return
    for rel in sorted(part.written | part.deleted) + list(ALWAYS_WRITTEN):
        out = part.site / output_of(rel)
        if out.is_file() or out.is_symlink():
            out.unlink()
    for rel in part.deleted:
        folder = (part.site / output_of(rel)).parent
        while folder != part.site and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def render(part: Part, dirty: bool) -> None:
    """MkDocs over the part's docs into its site, in its own process; measures time and peak memory."""
    started = time.monotonic()
    cmd = [sys.executable, "-m", "xxgk.site.render", str(part.config), str(part.site)] + (["--dirty"] if dirty else [])
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(paths.ROOT / "scripts"))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    watch = Watch(proc.pid)
    out = proc.stdout.read().decode("utf-8", "replace")
    proc.wait()
    part.peaks["mkdocs"] = watch.stop()
    part.seconds["render"] = time.monotonic() - started
    if proc.returncode != 0:
        raise UserError(f"分卷 {part.name} 的页面没有通过 MkDocs 严格模式（mkdocs --strict）：\n{out.strip()}")


def check_shared(part: Part, since: float) -> None:
    """No file shared with the assembled site was written by the render (a bug if it was: the live site
    would have changed under its readers)."""
    for p in part.site.rglob("*"):
        st = p.lstat()
        if p.is_file() and st.st_nlink > 1 and st.st_mtime >= since:
            raise RuntimeError(f"render wrote into a file shared with the assembled site: {p}")


def index(part: Part) -> None:
    started = time.monotonic()
    if part.name == TOP:
        part.peaks["pagefind"] = max(s.service_mib for s in search.index_top(part.site, part.docs))
    else:
        part.peaks["pagefind"] = search.index_site(part.site, part.docs, part=part.name).service_mib
    part.seconds["search"] = time.monotonic() - started


# --- assembly ----------------------------------------------------------------------------------------------


def _skip(part: Part, rel: str, stubs: set[str]) -> bool:
    """Files of a year part that the assembled site takes from the top part."""
    if part.name == TOP:
        return rel == f"{search.BUNDLE}/{search.PARTS_LIST}"
    return rel in stubs or rel in ALWAYS_WRITTEN or rel.startswith(THEME_ASSETS) or rel.startswith(search.BUNDLE + "/")


def assemble(parts: list[Part], target: Path, retired: Path | None = None) -> int:
    """Hard-link the parts' sites into a new folder and rename it into place; returns the file count. The site
    it replaces moves into retired (removed by the next build, while that one validates), or is removed now."""
    stubs = {output_of(doc) for _, doc in nav_files()}
    for left in [*target.parent.glob(f".{target.name}.new-*"), *target.parent.glob(f".{target.name}.old-*")]:
        shutil.rmtree(left, ignore_errors=True)  # left by a killed assembly (the build lock is held)
    new = target.with_name(f".{target.name}.new-{os.getpid()}")
    try:
        count = _link_parts(parts, new, stubs)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if old.exists():
            os.rename(old, target)  # the last site stays
        raise
    if old.exists():
        try:
            retired.mkdir(parents=True, exist_ok=True)
            os.rename(old, retired / f"{target.name}-{os.getpid()}-{time.time_ns()}")
        except (AttributeError, OSError):  # no retired folder, or another file system
            shutil.rmtree(old, ignore_errors=True)
    return count


def _link_parts(parts: list[Part], new: Path, stubs: set[str]) -> int:
    """Hard links to every published file of the parts in new, the merged sitemap and the search parts list."""
    owner: dict[str, str] = {}
    urls_ = []
    made: set[str] = set()
    for part in parts:
        for rel, src in sorted(_files(part.site).items()):
            if _skip(part, rel, stubs):
                continue
            if rel in owner:
                raise RuntimeError(f"{rel} is in two parts: {owner[rel]} and {part.name}")
            owner[rel] = part.name
            dst = os.path.join(new, rel)
            folder = os.path.dirname(dst)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            try:
                os.link(src, dst, follow_symlinks=False)
            except OSError:  # another file system: a copy
                shutil.copy2(src, dst, follow_symlinks=False)
        urls_ += sitemap_urls(part.site / "sitemap.xml", skip=stubs if part.name != TOP else set())
    write_sitemap(new, urls_)
    search.write_parts_list(new)
    return len(owner)


_URL = re.compile(r"<url>.*?</url>", re.S)
_LOC = re.compile(r"<loc>(.*?)</loc>")


def sitemap_urls(sitemap: Path, skip: set[str]) -> list[str]:
    """The <url> entries of a part's sitemap, without those of pages the top part provides."""
    if not sitemap.is_file():
        return []
    from .config import site_config

    base = site_config().site_url.rstrip("/") + "/"
    skip_locs = {base + (s[: -len("index.html")] if s.endswith("index.html") else s) for s in skip}
    out = []
    for entry in _URL.findall(sitemap.read_text(encoding="utf-8")):
        loc = _LOC.search(entry)
        if loc and loc.group(1) not in skip_locs:
            out.append(entry)
    return out


def write_sitemap(site: Path, entries: list[str]) -> None:
    import gzip

    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(f"    {e}\n" for e in sorted(entries, key=lambda e: _LOC.search(e).group(1))) + "</urlset>")
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (site / name).unlink(missing_ok=True)  # shared with the top part's site: never written in place
    (site / "sitemap.xml").write_text(body, encoding="utf-8")
    with gzip.GzipFile(site / "sitemap.xml.gz", "wb", mtime=0) as fh:
        fh.write(body.encode("utf-8"))


# --- the plan ---------------------------------------------------------------------------------------------------


LAST_BUILD = "last-build.json"
RETIRED = ".retired"  # in the parts folder: the site the last assembly replaced, removed by the next build
SUMMARIES = "summaries.pickle"  # in a report part's folder: its reports' summaries, by the inputs they came from
STACKED = "all-statistics.csv"  # in a report part's folder: its reports' labelled statistics, stacked by csvstack


@dataclass
class Report:
    parts: list[Part]
    seconds: dict
    files: int = 0

    def as_json(self) -> dict:
        """What the build did, for the benchmark and for CI logs (written to the parts folder as last-build.json)."""
        return {"seconds": self.seconds, "files": self.files,
                "parts": [{"name": p.name, "reports": p.reports, "changed_files": len(p.written | p.deleted),
                           "rendered": p.rendered or "", "loaded": p.loaded, "seconds": p.seconds, "peaks_mib": p.peaks}
                          for p in self.parts]}


def plan(data_dir: Path, max_reports: int = PART_MAX_REPORTS) -> dict[str, list[Path]]:
    """Report folders by part (see part_names_of), from each report.csv's year and region code (a report that
    cannot be read there is left to validation, which runs first)."""
    import csv

    from .. import model

    by_year: dict[int, list[tuple[Path, str]]] = {}
    for folder in model.report_folders(data_dir / "reports"):
        try:
            with (folder / "report.csv").open(encoding="utf-8", newline="") as fh:
                row = next(csv.DictReader(fh))
            by_year.setdefault(int(row["year"]), []).append((folder, str(row["region_code"])))
        except (OSError, ValueError, KeyError, StopIteration, csv.Error, TypeError):
            continue
    out: dict[str, list[Path]] = {}
    for year, items in by_year.items():
        for (folder, _), name in zip(items, part_names_of(year, [r for _, r in items], max_reports)):
            out.setdefault(name, []).append(folder)
    return dict(sorted(out.items()))


def part_names(data_dir: Path | None = None) -> list[str]:
    """The parts a build of data_dir has: its report parts, then top (for a CI matrix)."""
    return list(plan(data_dir or paths.DATA)) + [TOP]


# --- the work of one part, in a process of its own -----------------------------------------------------------


@dataclass
class PartJob:
    name: str
    root: Path
    data_dir: Path
    folders: list[Path]
    findings: dict  # report id -> its findings
    kept_only: bool = False  # read the kept summaries only (the top part of a CI build), never generate


def generate_part(job: PartJob) -> Part:
    """Load the part's reports, regenerate those whose key changed; the part, with a summary of each report
    (``views``) for the top part. Runs in a worker process."""
    from .. import model
    from .config import site_config
    from .view import ReportSummary

    started = time.monotonic()
    templates = {f.name: model.load_template(f) for f in model.template_folders(job.data_dir / "templates")}
    config = site_config()
    keys = Keys(job.data_dir, templates, config)
    inputs = {f.name: keys.inputs(f, job.findings.get(f.name, [])) for f in job.folders}
    unchanged = _unchanged_part(job, inputs)
    if job.kept_only and unchanged is None:
        return Part(job.name, job.root, [], stale=True)
    if unchanged is not None:  # no report of the part changed: its pages stand, its summaries are kept
        unchanged.seconds["generate"] = time.monotonic() - started
        unchanged.peaks["worker"] = vm_hwm_mib()
        return unchanged
    crosswalk = model.load_crosswalk(job.data_dir / "crosswalk")
    views = []
    for folder in job.folders:
        report = model.load_report(folder)
        template = templates.get(report.meta["template"]) if report.meta.get("template") else None
        views.append(ReportView(report, template, job.findings.get(folder.name, []), config, crosswalk))
    part = Part(job.name, job.root, views, loaded=len(views))
    part.load_state()
    part.previous = part.state.pop("render", None)
    part.save_state()  # a build killed from here on leaves the part to be rendered from scratch
    for name in (SUMMARIES, STACKED):  # and its summaries and long-table slice made again
        (job.root / name).unlink(missing_ok=True)
    remove_reports(part, set(part.state["reports"]) - {v.id for v in views})
    generate_year(part, keys)
    if part.written or part.deleted or not (job.root / STACKED).is_file():  # the part's slice of the long table
        labelled = [part.docs / "downloads" / v.id / "statistics-labelled.csv" for v in sorted(views, key=long_table_order)]
        downloads.stack([p for p in labelled if p.is_file()], job.root / STACKED)
    if part.previous and not (part.written or part.deleted):
        part.state["render"] = part.previous
    part.save_state()
    part.views = [ReportSummary(v) for v in views]
    _save_summaries(job.root, {s.id: (inputs[s.id], s) for s in part.views})
    part.seconds["generate"] = time.monotonic() - started
    part.peaks["worker"] = vm_hwm_mib()
    return part


def render_part(part: Part, key: str) -> Part:
    """Render the part with MkDocs and index it for search; runs in a worker process."""
    since = time.time()
    prepare_render(part, dirty=part.rendered == "dirty")
    render(part, dirty=part.rendered == "dirty")
    if part.rendered == "dirty":
        check_shared(part, since)
    index(part)
    part.state["render"] = key
    part.save_state()
    part.peaks["worker"] = max(part.peaks.get("worker", 0.0), vm_hwm_mib())
    return part


def make_top(root: Path, data_dir: Path, findings: list, planned: dict, summaries: list) -> Part:
    """The top part's docs, from every report's summary (in the main process, while the parts render)."""
    from .. import model
    from .config import site_config

    started = time.monotonic()
    templates = {f.name: model.load_template(f) for f in model.template_folders(data_dir / "templates")}
    crosswalk = model.load_crosswalk(data_dir / "crosswalk")
    config = site_config()
    summaries = sorted((v.attach(templates, crosswalk, config) for v in summaries), key=lambda v: v.id)
    inp = Inputs(data_dir=data_dir, findings=findings, config=config, templates=templates, crosswalk=crosswalk,
                 views=summaries, agencies=model.load_agencies(data_dir / "agencies"),
                 drafts=[p.name for p in model.report_folders(data_dir / "drafts")])
    top = Part(TOP, root / TOP, summaries)
    top.load_state()
    top.previous = top.state.pop("render", None)
    top.save_state()
    generate_top(top, inp, [root / n / "docs" for n in planned])
    if top.previous and not (top.written or top.deleted):
        top.state["render"] = top.previous
    top.save_state()
    top.seconds["generate"] = time.monotonic() - started
    top.peaks["main"] = vm_hwm_mib()
    return top


class Workers:
    """Worker processes for the parts: fresh ones (spawn), one task each, so that a part's memory is its own
    and is measured; with jobs=1, everything runs here, in order."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = None
        self.done: dict = {}  # function name -> results

    def __enter__(self):
        if self.jobs > 1:
            import multiprocessing

            self.pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=1)
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=exc[0] is not None)

    def submit(self, fn, *args):
        if self.pool is None:
            f = concurrent.futures.Future()
            f.set_result(fn(*args))
            return f
        return self.pool.submit(fn, *args)

    def map_unordered(self, fn, items: list):
        """fn over items, each result as soon as it is ready (kept for results())."""
        results = self.done.setdefault(fn.__name__, [])
        for fut in concurrent.futures.as_completed([self.submit(fn, item) for item in items]):
            results.append(fut.result())
            yield results[-1]

    def results(self, fn) -> list:
        return self.done.get(fn.__name__, [])

    def wait(self, futures: list) -> list:
        return [f.result() for f in futures]


# --- the whole -----------------------------------------------------------------------------------------------


def _refuse_overlap(data_dir: Path, target: Path, root: Path) -> None:
    """The site folder is replaced whole and the work folder's part folders removed: neither may be, hold or sit
    inside the data, the repository's other folders, or each other."""
    data, repo = data_dir.resolve(), paths.ROOT.resolve()
    for option, folder in (("--out", target.resolve()), ("--work", root.resolve())):
        if folder == data or data in folder.parents or folder in data.parents or folder == repo or folder in repo.parents:
            raise UserError(f"{option} {folder}：不能是数据目录 {data} 或仓库目录，也不能包含或位于其中"
                            "（网站目录每次整个替换）")
    if target.resolve() == root.resolve() or root.resolve() in target.resolve().parents \
            or target.resolve() in root.resolve().parents:
        raise UserError(f"--out {target} 与 --work {root} 不能相同或互相包含")


def build_site(data_dir: Path | None = None, target: Path | None = None, jobs: int | None = None,
               only: str | None = None, check: bool = True, parts_dir: Path | None = None,
               max_reports: int = PART_MAX_REPORTS) -> Report | None:
    """Build the site in parts and assemble it into target (site/); None when the data has errors.
    only: build that part's docs and site and stop (no assembly)."""
    from ..validate import validate

    timings = {}
    started = time.monotonic()
    data_dir = data_dir or paths.DATA
    target = target or paths.ROOT / "site"
    root = parts_dir or PARTS
    _refuse_overlap(data_dir, target, root)  # before anything is read or written
    jobs = max(1, jobs or os.cpu_count() or 1)

    # Load inputs: validate everything the site renders (cached by content), then plan the parts.
    findings = []
    if check:
        targets = [str(p) for p in (data_dir / "templates", data_dir / "crosswalk", data_dir / "agencies",
                                    data_dir / "reports") if p.exists()]
        findings, _ = validate(targets, jobs=jobs)
        if any(f.severity == ERROR for f in findings):
            sys.stdout.write(render_text(findings, []))
            sys.stdout.write("数据有错误，没有生成页面；上一次生成的网站保持不变。\n")
            return None
    by_report: dict[str, list] = {}
    for f in findings:
        by_report.setdefault(_report_of(f.file), []).append(f)
    planned = plan(data_dir, max_reports)
    if only is not None and only != TOP and only not in planned:
        raise UserError(f"没有分卷 {only}：分卷有 top 与 {'、'.join(planned) or '（无）'}")
    timings["validate"] = time.monotonic() - started

    root.mkdir(parents=True, exist_ok=True)
    with build_lock(root / "parts"):
        # The site the last build replaced goes now, in the background: off the path of this build.
        retired = root / RETIRED
        cleaner = threading.Thread(target=shutil.rmtree, args=(retired,), kwargs={"ignore_errors": True}, daemon=True)
        cleaner.start()
        # A part folder whose reports are all gone goes (only in a whole build: a CI job knows its part).
        if only is None:
            for folder in sorted(root.iterdir()):
                if folder.is_dir() and PART_NAME.fullmatch(folder.name) and folder.name not in planned \
                        and folder.name != TOP and (folder / STATE).is_file():
                    shutil.rmtree(folder)

        # Process data. Each report part in a worker of its own: its pages, then (as soon as they are written)
        # its rendering. Meanwhile the top part is made here from the parts' summaries, then rendered too.
        t0 = time.monotonic()
        todo = [PartJob(name, root / name, data_dir, folders, {f.name: by_report.get(f.name, []) for f in folders})
                for name, folders in planned.items() if only in (None, name)]
        if only == TOP:  # the report parts were built elsewhere: only their kept summaries are read here
            todo = [PartJob(n, root / n, data_dir, f, {x.name: by_report.get(x.name, []) for x in f}, kept_only=True)
                    for n, f in planned.items()]
        chosen: dict[str, Part] = {}
        with Workers(jobs) as workers:
            renders = []

            def start_render(part: Part) -> None:
                key = write_config(part)
                if part.state.get("render") == key and (part.site / "index.html").is_file():
                    return  # nothing changed
                # Dirty only when the site was the rendering of its docs, with this configuration, as this build began.
                part.rendered = "dirty" if (part.site / "index.html").is_file() and part.previous == key else "full"
                renders.append(workers.submit(render_part, replace(part, views=[]), key))

            for part in workers.map_unordered(generate_part, todo):
                if only in (None, part.name):
                    chosen[part.name] = part
                    start_render(part)
            timings["generate"] = time.monotonic() - t0
            if only in (None, TOP):
                t0 = time.monotonic()
                stale = {p.name for p in workers.results(generate_part) if p.stale}
                missing = [n for n in planned if n in stale or not (root / n / "docs" / "reports").is_dir()]
                if missing:
                    raise UserError(f"分卷 {'、'.join(missing)} 还没有生成：先生成各分卷（xxgk site --part 分卷名），"
                                    "再生成 top（它汇总各分卷的报告与下载文件）")
                top = make_top(root, data_dir, findings, planned,
                               [v for part in workers.results(generate_part) for v in part.views])
                chosen[TOP] = top
                start_render(top)
                timings["top"] = time.monotonic() - t0
            t0 = time.monotonic()
            for done in workers.wait(renders):
                part = chosen[done.name]
                part.rendered, part.state = done.rendered, done.state
                part.seconds.update(done.seconds)
                for k, v in done.peaks.items():
                    part.peaks[k] = max(part.peaks.get(k, 0.0), v)
        timings["render"] = time.monotonic() - t0  # the renders still running once everything was generated
        chosen = [chosen[n] for n in sorted(chosen, key=lambda n: (n == TOP, n))]

        # Save outputs: the parts' sites, assembled and swapped in.
        result = Report(parts=chosen, seconds=timings)
        if only is None:
            t0 = time.monotonic()
            cleaner.join()
            result.files = assemble([Part(n, root / n) for n in planned] + [Part(TOP, root / TOP)], target, retired)
            timings["assemble"] = time.monotonic() - t0
    timings["total"] = time.monotonic() - started
    (root / LAST_BUILD).write_text(json.dumps(result.as_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return result


def summary(result: Report, target: Path | None = None) -> str:
    """What the build did, part by part, for the terminal."""
    lines = ["分卷          报告数  改动文件  渲染   生成秒数  渲染秒数  搜索秒数  峰值内存（进程）"]
    for p in result.parts:
        which = max(p.peaks, key=p.peaks.get) if p.peaks else ""
        lines.append(f"{p.name:<12} {p.reports:>6} {len(p.written | p.deleted):>9}  "
                     f"{({'full': '全部', 'dirty': '改动'}.get(p.rendered, '无')):<5}"
                     f"{p.seconds.get('generate', 0):>9.1f}{p.seconds.get('render', 0):>9.1f}{p.seconds.get('search', 0):>9.1f}"
                     f"{p.peak_mib:>8.0f} MiB（{which}）")
    t = result.seconds
    lines.append("耗时：" + "，".join(f"{label} {t[k]:.1f} 秒" for k, label in (
        ("validate", "校验"), ("generate", "生成各分卷（已开始渲染）"), ("top", "生成 top"), ("render", "等待其余渲染与索引"),
        ("assemble", "组装"), ("total", "合计")) if k in t))
    if result.files:
        lines.append(f"网站：{paths.rel(target or paths.ROOT / 'site')}/，{result.files} 个文件")
    return "\n".join(lines)
