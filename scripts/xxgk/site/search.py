"""Search: what the site's Pagefind index holds, where each part comes from, and what a query costs.

The site searches with Pagefind (https://pagefind.app): an index cut into small files that the
browser fetches as a query needs them, served by the site itself (``pagefind/``), driven by
``docs/assets/search.js`` from the header's search box (``docs/overrides/partials/search-box.html``).

What is indexed, and from where
-------------------------------
* **Statistics rows, from data.** ``write_records`` (called by ``xxgk build``) writes one record per
  printed row of every statistics table into ``.search-records.jsonl`` in the docs folder (MkDocs
  does not publish dot-files). A row's result is titled 机关 · 年度 · 行名 (the label as the page prints
  it, after its parent's when the template prints the same label twice, e.g. 四、行政复议数量 ›
  （二）被依法纠错数), shows its value(s) with unit and state, and links to ``#row-<key>`` on its
  statistics page. Rows no layout of the report prints (all cells ``absent``) are left out. The
  statistics pages themselves stay out of the index (front matter ``search: exclude``).
* **Every other page, from its built HTML.** ``index_site`` (after ``mkdocs build``) reads the
  article of each page whose front matter does not exclude it, leaves out the blocks marked
  ``material.NO_INDEX``, scripts, SVG and the edit buttons, and cuts it at every h2/h3 with an id
  (one result per section, linking to its anchor). Pages in a report's folder (the overview, the
  prose sections) are titled with the report's agency and year from the records file. Pages that
  list every report (``LISTS``) contribute their title and introduction only: their entries are
  found through the reports' own pages, and they grow with the number of reports.
* **Not indexed**: corrections and source pages (front matter, as before), statistics pages as
  pages (their rows are), tables of more than ``BIG_TABLE`` rows on any page.

Why everything reaches Pagefind as records, cut into our own tokens
--------------------------------------------------------------------
Pagefind's extended indexer cuts Chinese into words with jieba, while its browser code cuts the
query with the browser's ``Intl.Segmenter``; a query word matches only an indexed word it begins.
The two disagree: Chromium cuts 行政复议 into 行政/复/议, jieba keeps 行政复议 whole, so Pagefind's own
index of the built HTML finds no page for 行政复议, nor for 被依法纠错数 or 结转下年度继续办理
(``tests/test_search.py`` measures its recall beside this index's and lunr's).
So the text of every record is cut here, the same way the browser cuts the query
(``index_text``; ``tokens()`` in search.js, kept equal by a test): each run of Han characters becomes
its overlapping bigrams plus its last character (行政复议 → 行政 政复 复议 议), letters and digits stay
whole words. Every bigram of the query must then be an indexed word of the result: recall does not
depend on any dictionary, and the query is close to a phrase search. The index language is
``LANGUAGE`` ("und": no stemming, no segmentation); search.js starts Pagefind with that language so
that the browser does not cut the bigrams again. A record's content keeps the punctuation and white
space between the tokens, so the result list rebuilds the readable text from it (``plain``) for the
excerpt, without a second copy in the record.

Every string in a record is plain text from data; search.js puts titles, values and excerpts on the
page as text nodes only (never as HTML), and accepts only result URLs on the site itself.

One index, or one per part
--------------------------
``index_site(site, docs)`` writes the bundle to ``pagefind/``. A site built in parts (for example a
year of reports at a time) indexes each part on its own: ``index_site(site, docs, part="2018",
reports="*-2018")`` writes ``pagefind-parts/2018/`` with that part's reports only (no site pages),
and every indexing run rewrites ``pagefind/parts.json``, the list of parts present. search.js reads
the list and merges each part into the main index in the browser (Pagefind's ``mergeIndex``); the
main index then holds the site's own pages and the reports no part holds (``reports=""``: none).
Every page loads each part's page list once, and each query reads the chunks of every part.

What a query costs
------------------
``measure(site)`` serves a built site on 127.0.0.1, types queries into the real search box in headless
Chromium, and sums the bytes of every response under ``pagefind/`` and ``pagefind-parts/``: for the
first query (the engine, the index's entry and page list, the chunks of the query's words, the
fragments of the ten results shown) and for each later one, next to the bundle's size on disk.
Measured with 1,000 synthetic reports (``xxgk bench``'s generator): 53,332 results (41,500 rows),
indexed in 76 s (2 busy cores), 30.7 MiB on disk in 53,849 files; the first query fetched 0.51 MB (0.15 MB of engine, 0.34 MB of page
list: Pagefind loads one entry per result, about 6.4 bytes each), later queries 7–17 kB. Material's
lunr index was one 10.26 MB file, fetched whole.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import os
import re
import shutil
import subprocess
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..model import fmt
from ..peak import Watch
from . import material, urls
from .pages.common import column_label
from .view import STATE_ZH, ReportView

RECORDS = ".search-records.jsonl"  # in the docs folder; MkDocs does not publish dot-files
BUNDLE = "pagefind"  # the main index, at the site's root
PARTS = "pagefind-parts"  # one index per part, merged in the browser
PARTS_LIST = "parts.json"  # in BUNDLE: the parts present
PART_NAME = re.compile(r"[A-Za-z0-9_-]+")  # search.js accepts the same
LANGUAGE = "und"  # no stemming, no segmentation: the tokens are ours (search.js uses the same)
SEP = " · "  # between agency, year and label in a title
PATH_SEP = " › "  # between a parent row's label and its child's, and a page's title and a section
# Pages that list every report: only their title and introduction are indexed.
LISTS = (urls.HOME, urls.reports_index(), urls.downloads(), urls.COVERAGE, urls.agency(), urls.region())
BIG_TABLE = 100  # a table with more rows lists reports or agencies: left out
MAX_SECTION = 20_000  # characters of one section's text, at most
SPACE = "\u2e31"  # stands for white space in a record's content (Pagefind collapses spaces; it keeps this)
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")  # Pagefind's own UIs

# --- tokens: the same rules as tokens() in docs/assets/search.js ------------------------------------

# Han characters, with the Kangxi and CJK radicals some PDFs use for ordinary characters (NFKC maps them)
HAN = "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
PIECES = re.compile(f"(?P<han>[{HAN}]+)|(?P<word>(?:(?![{HAN}])[^\\W_])+)|(?P<space>\\s+)|(?P<other>[^\\w\\s]+|_+)")
_HAN_CHAR = re.compile(f"[{HAN}]")
_WORD = re.compile(r"[^\W_]+")


def _bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]



def index_text(value: str) -> str:
    """Text as a record's content: Han runs as bigrams plus their last character, words whole (NFKC),
    punctuation as printed, each a piece, pieces joined by one space. White space between two words
    is implied; anywhere else it is the piece SPACE."""
    pieces, kinds, space = [], [], False
    for m in PIECES.finditer(unicodedata.normalize("NFC", value)):
        kind, s = m.lastgroup, m.group()
        if kind == "space":
            space = bool(pieces)
            continue
        if space and not (kinds[-1] == "word" and kind == "word"):
            pieces.append(SPACE)
            kinds.append("space")
        space = False
        if kind == "han":
            run = unicodedata.normalize("NFKC", s)
            new = _bigrams(run) + [run[-1]]
        else:
            new = [unicodedata.normalize("NFKC", s) if kind == "word" else s]
        pieces += new
        kinds += [kind] * len(new)
    return " ".join(pieces)


def plain(content: str) -> str:
    """The readable text of a record's content (what index_text was given, up to NFKC and white space)."""
    out, word_before = [], False
    for piece in content.split():
        if piece == SPACE:
            out.append(" ")
            word_before = False
        elif _HAN_CHAR.match(piece):
            out.append(piece[0])
            word_before = False
        elif _WORD.fullmatch(piece):
            out.append((" " if word_before else "") + piece)
            word_before = True
        else:
            out.append(piece)
            word_before = False
    return "".join(out).strip()


def query_tokens(query: str) -> list[str]:
    """The words a query looks up (as search.js cuts it): bigrams of each Han run (a lone character as
    itself), letters and digits whole, lower case."""
    out = []
    for m in PIECES.finditer(unicodedata.normalize("NFKC", query).lower()):
        if m.lastgroup == "han":
            run = m.group()
            out += _bigrams(run) if len(run) > 1 else [run]
        elif m.lastgroup == "word":
            out.append(m.group())
    return list(dict.fromkeys(out))


# --- records from data: one per statistics row --------------------------------------------------------


def _url(doc_path: str, anchor: str = "") -> str:
    """A record's URL from the site root (search.js puts the site's own path in front)."""
    return "/" + urls.page_dir(doc_path) + (f"#{quote(anchor, safe='-_.~')}" if anchor else "")


def prefix(agency: str, year) -> str:
    return f"{agency}{SEP}{year}年"


def row_labels(rows: list[dict]) -> dict[tuple[str, str], str]:
    """(table, key) -> the label a result shows: as printed, after its parent's (and its parent's, …)
    while the template prints the same label more than once."""
    by_key = {(r["table"], r["key"]): r for r in rows}

    def path(key: tuple[str, str], depth: int) -> str:
        r = by_key[key]
        label = r["label"]
        for _ in range(depth):
            r = by_key.get((r["table"], r["parent"])) if r["parent"] else None
            if r is None:
                break
            label = r["label"] + PATH_SEP + label
        return label

    depth = dict.fromkeys(by_key, 0)
    for _ in range(4):
        labels = {k: path(k, d) for k, d in depth.items()}
        counts = Counter(labels.values())
        repeated = [k for k in by_key if counts[labels[k]] > 1]
        if not repeated:
            break
        for k in repeated:
            depth[k] += 1
    return {k: path(k, d) for k, d in depth.items()}


def value_text(v: ReportView, table: str, row: dict, cols: list[dict]) -> str:
    """A row's value(s) as a result shows them: with unit and state (推算, 校正), 缺失 and 未列出 as words;
    in a table of several columns each value after its column's label, the unit once when they share it."""
    cells = [(c, v.stats.get((table, row["key"], c["key"]))) for c in cols]
    cells = [(c, cell) for c, cell in cells if cell is not None]
    units = {v.t.unit(table, row["key"], c["key"]) for c, _ in cells}
    shared = len(cols) > 1 and len(units) == 1
    parts = []
    for c, cell in cells:
        if cell["state"] == "absent":
            shown = STATE_ZH["absent"]
        elif cell["value"] is None:
            shown = STATE_ZH["missing"]
        else:
            unit = "" if shared else v.t.unit(table, row["key"], c["key"])
            mark = f"（{STATE_ZH[cell['state']]}）" if cell["state"] in ("corrected", "derived") else ""
            shown = f"{fmt(cell['value'])} {unit}".strip() + mark
        parts.append(shown if len(cols) == 1 else f"{column_label(v, c)} {shown}")
    unit = next(iter(units)) if shared and units else ""
    return "，".join(parts) + (f"（{unit}）" if unit else "")


def report_rows(v: ReportView) -> list[dict]:
    """The search records of a report's statistics rows."""
    if v.t is None:
        return []
    head = prefix(v.meta["agency"], v.meta["year"])
    labels = row_labels(v.t.rows)
    out = []
    for s in v.sections:
        for table_def, trows in s["tables"]:
            table = table_def["key"]
            cols = v.t.value_columns(table)
            where = f"统计表{SEP}{s['title']}" + (f"{SEP}{table_def['label']}" if len(s["tables"]) > 1 else "")
            for r in trows:
                cells = [v.stats.get((table, r["key"], c["key"])) for c in cols]
                if r["kind"] != "heading" and all(x is None or x["state"] == "absent" for x in cells):
                    continue  # not printed in this report's layout
                label = labels[(table, r["key"])]
                value = value_text(v, table, r, cols) if r["kind"] != "heading" else ""
                numbers = [fmt(x["value"]) for x in cells if x and x["value"] is not None and x["state"] != "absent"]
                out.append({"type": "row", "report": v.id, "url": _url(v.doc(s["page"]), f"row-{r['key']}"),
                            "title": f"{head}{SEP}{label}", "where": where, "value": value,
                            # what a query can find: agency, year, the label (with its parents) and the numbers
                            "text": " ".join([v.meta["agency"], f"{v.meta['year']}年", label, *numbers])})
    return out


def write_records(views: list[ReportView], out: Path) -> None:
    """The records file of a docs folder: each report (its folder, agency and year) and each of its rows."""
    lines = []
    for v in views:
        lines.append({"type": "report", "report": v.id, "url": _url(v.doc()), "agency": v.meta["agency"],
                      "year": v.meta["year"]})
        lines += report_rows(v)
    (out / RECORDS).write_text("".join(json.dumps(x, ensure_ascii=False, default=str) + "\n" for x in lines),
                               encoding="utf-8")


def read_records(docs: Path) -> list[dict]:
    path = docs / RECORDS
    if not path.is_file():
        raise FileNotFoundError(f"{path} 不存在：先运行 xxgk build（它写出搜索记录）")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


# --- records from the built HTML: one per section of a page -------------------------------------------

BLOCKS = {"p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "thead", "tbody", "caption", "section", "dl", "dt",
          "dd", "figure", "figcaption", "pre", "blockquote", "br", "details", "summary", "nav", "h4", "h5", "h6", "hr"}
SKIP_TAGS = {"script", "style", "svg", "noscript", "template", "button", "form", "input", "select", "textarea"}


def _skip(el) -> bool:
    if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
        return True
    if el.get(material.NO_INDEX) is not None or "md-content__button" in (el.get("class") or ""):
        return True
    return el.tag == "table" and len(el.findall(".//tr")) > BIG_TABLE


class _Sections:
    """The text of an article, cut at h1 and at each h2/h3 with an id."""

    def __init__(self, intro_only: bool):
        self.intro_only = intro_only
        self.sections = [{"heading": "", "id": "", "text": []}]
        self.stop = False

    def walk(self, el) -> None:
        if self.stop:
            return
        if _skip(el):
            self._add(el.tail)
            return
        tag = el.tag
        if tag in ("h1", "h2", "h3") and (tag == "h1" or el.get("id")):
            if tag != "h1" and self.intro_only:
                self.stop = True
                return
            heading = " ".join(_text(el).split())
            if tag == "h1":
                self.sections[0]["heading"] = heading
                self.sections[0]["text"].append(heading + " ")
            else:
                self.sections.append({"heading": heading, "id": el.get("id"), "text": [heading + " "]})
            self._add(el.tail)
            return
        if self.intro_only and tag in ("table", "ul", "ol"):
            self._add(el.tail)
            return
        block = tag in BLOCKS
        if block:
            self._add(" ")
        self._add(el.text)
        for child in el:
            self.walk(child)
        if block:
            self._add(" ")
        self._add(el.tail)

    def _add(self, s) -> None:
        if s and not self.stop:
            self.sections[-1]["text"].append(s)


def _text(el) -> str:
    """An element's text without the parts search leaves out."""
    parts = [el.text or ""]
    for child in el:
        if not _skip(child):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def article_sections(html: str, intro_only: bool = False) -> list[dict]:
    """A built page's sections: heading, id (empty for the page's own) and text."""
    import lxml.html  # a dependency of the project (pyproject.toml)

    start, end = html.find("<article"), html.rfind("</article>")
    if start < 0 or end < 0:
        return []
    root = lxml.html.fragment_fromstring(html[start:end + len("</article>")])
    cut = _Sections(intro_only)
    cut.walk(root)
    out = []
    for s in cut.sections:
        body = " ".join("".join(s["text"]).split())[:MAX_SECTION]
        if body and (body != s["heading"] or not s["id"]):
            out.append({"heading": s["heading"], "id": s["id"], "text": body})
    return out


def page_records(site: Path, docs: Path, reports: dict[str, dict]) -> list[dict]:
    """Records of every page of a built site that its front matter leaves searchable, section by section.
    ``reports`` maps each report's folder URL to its record: a page in a report's folder is titled with
    its agency and year (and its record names the report)."""
    out = []
    folders = sorted(reports, key=len, reverse=True)
    for md in sorted(docs.rglob("*.md")):
        doc = md.relative_to(docs).as_posix()
        if material.excluded_from_search(md.read_text(encoding="utf-8")):
            continue
        html_path = site / urls.page_dir(doc) / "index.html"
        if not html_path.is_file():
            continue
        url = "/" + urls.page_dir(doc)
        report = next((reports[f] for f in folders if url.startswith(f)), None)
        sections = article_sections(html_path.read_text(encoding="utf-8"), intro_only=doc in LISTS)
        if not sections:
            continue
        page_title = sections[0]["heading"] or sections[0]["text"][:40]
        for s in sections:
            if report is not None:
                name = "报告概览" if url == report["url"] else page_title
                title = prefix(report["agency"], report["year"]) + SEP + name
                text = f"{report['agency']} {report['year']}年 {s['text']}"
                where = "报告" if url == report["url"] else "正文"
            else:
                title, text, where = page_title, s["text"], ""
            if s["id"]:
                title += PATH_SEP + s["heading"]
            out.append({"type": "page", "report": report["report"] if report else "",
                        "url": url + (f"#{quote(s['id'], safe='-_.~')}" if s["id"] else ""),
                        "title": title, "where": where, "value": "", "text": text})
    return out


# --- the index -----------------------------------------------------------------------------------------


@dataclass
class IndexStats:
    bundle: str  # where the index was written, relative to the site
    records: int  # results the index can return
    rows: int  # of which statistics rows
    pages: int  # of which page sections
    bytes: int  # the bundle's size on disk
    files: int
    seconds: float
    service_mib: float = 0.0  # peak memory of Pagefind's indexing service


def index_site(site: Path, docs: Path, part: str | None = None, reports: str | None = None) -> IndexStats:
    """Build the Pagefind index of a built site from its docs folder's records and its pages' HTML.

    ``part`` None writes the main index (``pagefind/``: the site's pages and the selected reports);
    a name writes ``pagefind-parts/<name>/`` with the selected reports only. ``reports`` is a glob on
    report ids (``*-2018``); None selects every report of the records file."""
    if part is not None and not PART_NAME.fullmatch(part):
        raise ValueError(f"part name {part!r}: letters, digits, - and _ only")
    started = time.monotonic()
    records = read_records(docs)
    chosen = {r["report"] for r in records if r["type"] == "report"
              and (reports is None or fnmatch.fnmatchcase(r["report"], reports))}
    report_by_folder = {r["url"]: r for r in records if r["type"] == "report"}
    rows = [r for r in records if r["type"] == "row" and r["report"] in chosen]
    pages = [p for p in page_records(site, docs, report_by_folder) if (p["report"] in chosen if p["report"] else part is None)]
    return _write_bundle(site, part, rows, pages, started)


def _write_bundle(site: Path, part: str | None, rows: list[dict], pages: list[dict], started: float) -> IndexStats:
    """Index rows and pages into the main bundle (part None) or pagefind-parts/<part>, written aside and swapped in."""
    out = site / BUNDLE if part is None else site / PARTS / part
    fresh = out.with_name(f".{out.name}.new")  # written aside, then swapped in
    shutil.rmtree(fresh, ignore_errors=True)
    service_mib = _write_index(rows + pages, fresh)
    for name in UNUSED:
        (fresh / name).unlink(missing_ok=True)
    if part is not None:
        for name in ("pagefind.js", "pagefind-worker.js"):
            (fresh / name).unlink(missing_ok=True)  # a part uses the main index's engine
        for wasm in fresh.glob("wasm.*.pagefind"):
            wasm.unlink()
    if not _complete(fresh):
        raise RuntimeError(f"Pagefind wrote no complete index into {fresh}")
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    fresh.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    write_parts_list(site)
    files = [p for p in out.rglob("*") if p.is_file()]
    return IndexStats(bundle=out.relative_to(site).as_posix(), records=len(rows) + len(pages), rows=len(rows),
                      pages=len(pages), bytes=sum(p.stat().st_size for p in files), files=len(files),
                      seconds=time.monotonic() - started, service_mib=service_mib)


AGENCY_PAGE = re.compile(r"^/agencies/([0-9]{6})[^/]*/")
AGENCY_BUNDLE = "agencies"  # pagefind-parts/agencies, or agencies-35, agencies-3501, … by region
AGENCY_RECORDS_MAX = 2000  # records of agency pages in one bundle, at most (Pagefind's memory grows with it)


def index_top(site: Path, docs: Path, max_records: int = AGENCY_RECORDS_MAX) -> list[IndexStats]:
    """The top part's search: its pages in the main bundle, except the agency pages, which go into bundles of
    their own by region (split like the report parts, by province, then city, then county, past max_records):
    one agency page per agency makes the top part grow with the collection, and one Pagefind process holding
    every agency page is what grows past the memory of a CI runner first."""
    from .parts import region_groups

    started = time.monotonic()
    pages = page_records(site, docs, {})
    agency = [p for p in pages if AGENCY_PAGE.match(p["url"])]
    rest = [p for p in pages if not AGENCY_PAGE.match(p["url"])]
    stats = [_write_bundle(site, None, [], rest, started)]
    prefixes = region_groups([AGENCY_PAGE.match(p["url"]).group(1) for p in agency], max_records)
    groups: dict[str, list[dict]] = {}
    for prefix, p in zip(prefixes, agency):
        groups.setdefault(AGENCY_BUNDLE + (f"-{prefix}" if prefix else ""), []).append(p)
    for name in sorted(groups):
        stats.append(_write_bundle(site, name, [], groups[name], time.monotonic()))
    for old in (site / PARTS).glob(AGENCY_BUNDLE + "*") if (site / PARTS).is_dir() else []:
        if old.name not in groups and (old.name == AGENCY_BUNDLE or old.name.startswith(AGENCY_BUNDLE + "-")):
            shutil.rmtree(old)  # a grouping of an earlier build
    write_parts_list(site)
    return stats


def _write_index(records: list[dict], out: Path) -> float:
    """Index the records into out with Pagefind's service; returns the service's peak memory (MiB)."""
    with _Service() as service:
        index = service.send({"type": "NewIndex", "config": {"force_language": LANGUAGE}})["index_id"]
        service.send_all({"type": "AddRecord", "index_id": index, "url": r["url"], "content": index_text(r["text"]),
                          "language": LANGUAGE, "meta": _meta(r), "filters": None, "sort": None} for r in records)
        service.send({"type": "WriteFiles", "index_id": index, "output_path": str(out)})
        # Pagefind answers WriteFiles before its last file is on disk, and stops writing when its input closes:
        # about one index in ten came out with an empty entry file. Wait for the entry file, then close.
        deadline = time.monotonic() + 120
        while not _complete(out) and time.monotonic() < deadline:
            time.sleep(0.02)
    return service.watch.stop()


def _complete(out: Path) -> bool:
    """Whether a written index is whole: its entry file names each language's metadata file, which is there."""
    try:
        entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
        metas = [out / f"pagefind.{lang['hash']}.pf_meta" for lang in entry["languages"].values()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return bool(metas) and all(m.is_file() and m.stat().st_size for m in metas)


class _Service:
    """Pagefind's indexing service (its binary with ``--service``, as the ``pagefind`` Python package
    runs it), spoken to directly: a request and its answer are base64 JSON ended by a comma. (The
    package's own client reads one answer every 0.1 s: three hours for 100,000 records.)"""

    def __init__(self):
        from pagefind.service import get_executable

        exe = get_executable()
        if exe is None:
            raise FileNotFoundError("Pagefind is not installed (pip install 'pagefind[extended]')")
        self.proc = subprocess.Popen([str(exe), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.watch = Watch(self.proc.pid)
        self.buffer = b""
        self.message_id = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.stdin.close()  # the service ends at the end of its input, once its files are written
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            self.proc.wait()

    def _write(self, payload: dict) -> None:
        self.message_id += 1
        request = json.dumps({"message_id": self.message_id, "payload": payload}, ensure_ascii=False)
        self.proc.stdin.write(base64.b64encode(request.encode("utf-8")) + b",")

    def _read(self, what: str) -> tuple[int | None, dict]:
        """The next answer: (its message id, its payload)."""
        while b"," not in self.buffer:
            chunk = self.proc.stdout.read1(1 << 16)
            if not chunk:
                raise RuntimeError(f"Pagefind stopped while answering {what}")
            self.buffer += chunk
        answer, self.buffer = self.buffer.split(b",", 1)
        message = json.loads(base64.b64decode(answer))
        result = message.get("payload") or {}
        if result.get("type") == "Error":
            raise RuntimeError(f"Pagefind: {result.get('message')} ({what})")
        return message.get("message_id"), result

    def send(self, payload: dict) -> dict:
        """One request, and its answer (answers to earlier requests are passed over)."""
        self._write(payload)
        self.proc.stdin.flush()
        wanted = self.message_id
        while True:
            message_id, result = self._read(payload["type"])
            if message_id == wanted:
                return result

    def send_all(self, payloads) -> None:
        """Many requests at once: written by this thread while another reads their answers (so that
        neither pipe fills up and stops the service)."""
        payloads = list(payloads)
        errors = []

        ids = set(range(self.message_id + 1, self.message_id + len(payloads) + 1))

        def read():
            try:
                while ids:  # every answer, in whatever order they come: the records are all in before WriteFiles
                    message_id, _ = self._read("AddRecord")
                    ids.discard(message_id)
            except Exception as exc:  # raised below, in the calling thread
                errors.append(exc)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            for payload in payloads:
                self._write(payload)
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # the service stopped: the reader says why
        reader.join()
        if errors:
            raise errors[0]


def _meta(record: dict) -> dict[str, str]:
    """What a result shows besides its text: title, where it is, and for a row its value(s)."""
    meta = {"title": record["title"], "where": record["where"]}
    if record["type"] == "row":
        meta["value"] = record["value"]
    return meta


def write_parts_list(site: Path) -> None:
    """pagefind/parts.json: the names of the parts in pagefind-parts/, for search.js to merge."""
    if not (site / BUNDLE).is_dir():
        return
    names = sorted(p.name for p in (site / PARTS).glob("*")
                   if PART_NAME.fullmatch(p.name) and (p / "pagefind-entry.json").is_file())
    (site / BUNDLE / PARTS_LIST).write_text(json.dumps(names), encoding="utf-8")


# --- what a query costs ----------------------------------------------------------------------------------


def bundle_bytes(site: Path) -> int:
    """The index on disk: the main bundle and every part."""
    return sum(p.stat().st_size for d in (site / BUNDLE, site / PARTS) if d.is_dir() for p in d.rglob("*") if p.is_file())


def measure(site: Path, queries: tuple[str, ...] = ("行政复议", "信函申请", "淮安市人民政府"),
            chromium: str | None = None) -> dict:
    """What search costs a reader, measured in a browser: serve a built site on 127.0.0.1, type each query
    into the search box in headless Chromium (one page, queries in turn, as a reader would), and sum the
    bytes of every response under pagefind/ and pagefind-parts/. Returns::

        {"index_bytes": size on disk of pagefind/ and pagefind-parts/ (the engine included),
         "first_query_bytes": fetched by the first query: engine, entry, metadata, the chunks of its
                              words and the fragments of the results shown,
         "first_query_files": how many files that was,
         "engine_bytes": of which pagefind.js, its worker and WebAssembly (the same at any N),
         "next_query_bytes": the mean of the queries after the first (chunks and fragments only),
         "query_bytes": {query: bytes fetched for it, in the order run},
         "results": {query: number of results}}
    """
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = chromium or os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    fetched: list[tuple[str, int]] = []
    spans, results = {}, {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page()

            def on_response(response):
                path = response.url[len(base):].split("?")[0] if response.url.startswith(base) else ""
                if path.startswith((BUNDLE + "/", PARTS + "/")):
                    fetched.append((path, len(response.body())))

            page.on("response", on_response)
            page.goto(base)
            page.wait_for_load_state("networkidle")
            box = page.locator(".xxgk-search")
            for q in queries:
                before = len(fetched)
                box.evaluate("el => { el.dataset.state = ''; }")
                box.locator("input").fill(q)
                page.wait_for_selector(".xxgk-search[data-state=done], .xxgk-search[data-state=error]", state="attached",
                                       timeout=120_000)
                page.wait_for_load_state("networkidle")
                spans[q] = (before, len(fetched))
                results[q] = int(box.get_attribute("data-count") or 0)
            browser.close()
    finally:
        server.shutdown()
    per_query = {q: sum(n for _, n in fetched[a:b]) for q, (a, b) in spans.items()}
    first, later = per_query[queries[0]], list(per_query.values())[1:]
    return {"index_bytes": bundle_bytes(site), "first_query_bytes": first,
            "first_query_files": spans[queries[0]][1] - spans[queries[0]][0],
            "engine_bytes": sum(n for path, n in fetched if path.endswith(("/pagefind.js", "/pagefind-worker.js", ".pagefind"))),
            "next_query_bytes": round(sum(later) / len(later)) if later else 0,
            "query_bytes": per_query, "results": results}


__all__ = ["write_records", "read_records", "index_site", "measure", "IndexStats", "index_text", "plain",
           "query_tokens", "report_rows", "page_records"]
