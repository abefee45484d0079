"""`xxgk site`: the website built in parts, incrementally, and assembled atomically.

The site is split into parts that build independently:

* one part per report year (``y2018``…): the pages and downloads of that year's reports;
* the part ``top``: everything that depends on all reports or on none (home, indexes, agencies,
  codebook, comparisons, long tables, catalogue, hand-written pages, assets).

Each part has a docs folder and a rendered site under ``build/parts/<part>/``, and its own search
index (the browser merges them). A report's pages are a pure function of the report, its template,
the crosswalk, its findings, its cached source and the site configuration: the build keeps a key
(sha256) of all of these per report and regenerates only reports whose key changed. Files are written
only when their bytes change, so MkDocs renders again only those pages (``--dirty``, through
``xxgk.site.render``); a part whose rendering configuration changed is rendered from scratch.

Parts render in parallel (a process each, ``--jobs``). ``--part NAME`` builds one part's docs and
site and stops (for a CI matrix); a later ``xxgk site`` picks up the rendered parts and assembles.

Assembly: the parts' sites are hard-linked into a new folder beside the target, which is then renamed
into place: a reader of ``site/`` never sees a half-assembled site, and a failed build leaves the last
one. Since the assembled site shares files with the parts' sites, nothing renders into a shared file:
before a dirty render the outputs about to be rewritten are unlinked, and after it a check confirms
that no shared file was written.
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
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import paths, vcache
from ..model import UserError
from . import catalogue, search, urls
from .build import (SCRATCH_PREFIX, Inputs, Overlay, build_lock, load_inputs, write_report, write_top)
from .config import _Loader
from .view import ReportView

PARTS = paths.BUILD / "parts"
TOP = "top"
STATE = "state.json"  # in each part's folder: its reports' keys and its rendering key
PART_NAME = re.compile(r"(top|y\d{4})")
ALWAYS_WRITTEN = ("404.html", "sitemap.xml", "sitemap.xml.gz")  # MkDocs writes these on every render
THEME_ASSETS = ("assets/javascripts/", "assets/stylesheets/", "assets/images/")  # Material's, in every part


def part_of(v: ReportView) -> str:
    return f"y{int(v.meta['year']):04d}"


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

    def __init__(self, inp: Inputs):
        self.base = _sha(vcache.code_version(), repr(inp.config), _tree_digest(inp.data_dir / "crosswalk"),
                         _tree_digest(inp.data_dir / "schemas"))
        self.templates = {tid: _tree_digest(t.folder) for tid, t in inp.templates.items()}

    def report(self, v: ReportView) -> str:
        # The source's bytes are named by their sha256 in the descriptor (part of the folder's digest); what
        # matters besides is whether this machine's cache holds them. Nothing machine-specific (paths, times)
        # enters the key, so parts built on other machines (a CI matrix) are reused as they are.
        src_stamp = "present" if v.source_file() is not None else "absent"
        findings = json.dumps([f.to_dict() for f in v.source_findings + v.notices], ensure_ascii=False, sort_keys=True)
        return _sha(self.base, v.id, _tree_digest(v.r.folder), self.templates.get(v.meta.get("template") or "", ""),
                    findings, src_stamp, catalogue.date_modified(v) or "")


# --- files -------------------------------------------------------------------------------------------------


def _files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def sync(new: Path, old: Path, prefixes: tuple[str, ...] | None = None) -> tuple[set[str], set[str]]:
    """Make the files of old (under prefixes, or all) equal those of new, writing only files whose bytes differ.
    Returns (written, deleted) relative paths."""
    fresh = _files(new)
    current = {k: p for k, p in _files(old).items() if prefixes is None or k.startswith(prefixes)}
    written, deleted = set(), set()
    for rel, src in fresh.items():
        dst = old / rel
        if rel in current and dst.read_bytes() == src.read_bytes():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(f".{dst.name}.new")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
        written.add(rel)
    for rel in set(current) - set(fresh):
        (old / rel).unlink()
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
    peak_mib: float = 0.0
    rendered: str = ""  # "full", "dirty" or "" (nothing to do)
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

    return _sha(part.config.read_bytes(), _tree_digest(paths.DOCS / "overrides"), mkdocs.__version__,
                getattr(material, "__version__", ""), (paths.ROOT / "scripts" / "requirements.lock").read_bytes()
                if (paths.ROOT / "scripts" / "requirements.lock").is_file() else b"")


def generate_year(part: Part, keys: Keys) -> None:
    """The part's reports whose key changed, its navigation stubs and its search records, into its docs."""
    reports = part.state["reports"]
    part.docs.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-{part.name}-"))
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


def generate_top(part: Part, inp: Inputs, year_parts: list[Part]) -> None:
    scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-top-"))
    try:
        search.write_records([], scratch)
        write_top(inp, scratch, Overlay(scratch, *(p.docs for p in year_parts)))
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
    out = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    part.peak_mib = usage.ru_maxrss / 1024
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
        search.index_site(part.site, part.docs, part=None, reports="")
    else:
        search.index_site(part.site, part.docs, part=part.name)
    part.seconds["search"] = time.monotonic() - started


# --- assembly ----------------------------------------------------------------------------------------------


def _skip(part: Part, rel: str, stubs: set[str]) -> bool:
    """Files of a year part that the assembled site takes from the top part."""
    if part.name == TOP:
        return rel == f"{search.BUNDLE}/{search.PARTS_LIST}"
    return rel in stubs or rel in ALWAYS_WRITTEN or rel.startswith(THEME_ASSETS) or rel.startswith(search.BUNDLE + "/")


def assemble(parts: list[Part], target: Path) -> int:
    """Hard-link the parts' sites into a new folder and rename it into place; returns the file count."""
    stubs = {output_of(doc) for _, doc in nav_files()}
    new = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(new, ignore_errors=True)
    owner: dict[str, str] = {}
    urls_ = []
    for part in parts:
        for rel, src in sorted(_files(part.site).items()):
            if _skip(part, rel, stubs):
                continue
            if rel in owner:
                raise RuntimeError(f"{rel} is in two parts: {owner[rel]} and {part.name}")
            owner[rel] = part.name
            dst = new / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst, follow_symlinks=False)
            except OSError:  # another file system: a copy
                shutil.copy2(src, dst, follow_symlinks=False)
        urls_ += sitemap_urls(part.site / "sitemap.xml", skip=stubs if part.name != TOP else set())
    write_sitemap(new, urls_)
    search.write_parts_list(new)
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)
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


# --- the whole -----------------------------------------------------------------------------------------------


@dataclass
class Report:
    parts: list[Part]
    seconds: dict
    files: int = 0


def part_names(data_dir: Path | None = None) -> list[str]:
    """The parts a build of data_dir has: its report years, then top (for a CI matrix)."""
    import csv

    from .. import model

    years = set()
    for folder in model.report_folders((data_dir or paths.DATA) / "reports"):
        try:
            with (folder / "report.csv").open(encoding="utf-8", newline="") as fh:
                years.add(f"y{int(next(csv.DictReader(fh))['year']):04d}")
        except (OSError, ValueError, KeyError, StopIteration, csv.Error):
            continue  # validation says what is wrong with it
    return sorted(years) + [TOP]


def build_site(data_dir: Path | None = None, target: Path | None = None, jobs: int | None = None,
               only: str | None = None, check: bool = True, parts_dir: Path | None = None) -> Report | None:
    """Build the site in parts and assemble it into target (site/); None when the data has errors.
    only: build that part's docs and site and stop (no assembly)."""
    timings = {}
    started = time.monotonic()
    inp = load_inputs(data_dir, check)
    if inp is None:
        return None
    timings["load"] = time.monotonic() - started
    target = target or paths.ROOT / "site"
    root = parts_dir or PARTS
    root.mkdir(parents=True, exist_ok=True)
    with build_lock(root / "parts"):
        keys = Keys(inp)
        by_name: dict[str, Part] = {}
        for v in inp.views:
            name = part_of(v)
            by_name.setdefault(name, Part(name, root / name)).views.append(v)
        years = [by_name[k] for k in sorted(by_name)]
        top = Part(TOP, root / TOP)
        if only is not None and only != TOP and only not in by_name:
            raise UserError(f"没有分卷 {only}：分卷有 top 与 {'、'.join(p.name for p in years) or '（无）'}")
        chosen = [p for p in years + [top] if only in (None, p.name)]
        # A part folder whose year has no report any more goes (only in a whole build: a CI job knows its part).
        if only is None:
            for folder in sorted(root.iterdir()):
                if folder.is_dir() and PART_NAME.fullmatch(folder.name) and folder.name not in by_name and folder.name != TOP:
                    shutil.rmtree(folder)

        t0 = time.monotonic()
        for part in chosen:
            part.load_state()
            part.previous = previous = part.state.pop("render", None)
            part.save_state()  # a build killed from here on leaves the part to be rendered from scratch
            if part.name == TOP:
                missing = [p.name for p in years if not (p.docs / "reports").is_dir()]
                if missing:
                    raise UserError(f"分卷 {'、'.join(missing)} 还没有生成：先生成各年度分卷（xxgk site --part 年度分卷），"
                                    "再生成 top（它汇总各年度的下载文件）")
                generate_top(part, inp, years)
            else:
                remove_reports(part, set(part.state["reports"]) - {v.id for v in part.views})
                generate_year(part, keys)
            if previous and not (part.written or part.deleted):
                part.state["render"] = previous
            part.save_state()
        timings["generate"] = time.monotonic() - t0

        t0 = time.monotonic()
        todo = []
        for part in chosen:
            key = write_config(part)
            if part.state.get("render") == key and (part.site / "index.html").is_file():
                continue  # nothing changed
            # Dirty only when the site was the rendering of the docs, with this configuration, when this build began.
            part.rendered = "dirty" if (part.site / "index.html").is_file() and part.previous == key else "full"
            prepare_render(part, dirty=part.rendered == "dirty")
            todo.append((part, key))

        def run(item):
            part, key = item
            since = time.time()
            render(part, dirty=part.rendered == "dirty")
            if part.rendered == "dirty":
                check_shared(part, since)
            index(part)
            return part, key

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs or os.cpu_count() or 1)) as pool:
            for part, key in pool.map(run, todo):
                part.state["render"] = key
                part.save_state()
        timings["render"] = time.monotonic() - t0

        result = Report(parts=chosen, seconds=timings)
        if only is None:
            t0 = time.monotonic()
            result.files = assemble(years + [top], target)
            timings["assemble"] = time.monotonic() - t0
    timings["total"] = time.monotonic() - started
    return result


def summary(result: Report, target: Path | None = None) -> str:
    """What the build did, part by part, for the terminal."""
    lines = ["分卷      报告数  改动文件  渲染    渲染秒数  搜索秒数  峰值内存"]
    for p in result.parts:
        lines.append(f"{p.name:<8} {len(p.views):>6} {len(p.written | p.deleted):>9}  {({'full': '全部', 'dirty': '改动'}.get(p.rendered, '无')):<6}"
                     f"{p.seconds.get('render', 0):>9.1f} {p.seconds.get('search', 0):>9.1f} {p.peak_mib:>7.0f} MiB")
    t = result.seconds
    lines.append("耗时：" + "，".join(f"{label} {t[k]:.1f} 秒" for k, label in (
        ("load", "校验与读取"), ("generate", "生成"), ("render", "渲染与索引"), ("assemble", "组装"), ("total", "合计")) if k in t))
    if result.files:
        lines.append(f"网站：{paths.rel(target or paths.ROOT / 'site')}/，{result.files} 个文件")
    return "\n".join(lines)
