"""Hostile text in every free-text field of every CSV and descriptor: shown as text, never run, never interpreted.

A copy of the data gets a payload set appended to every free-text field (a field
of type string without a pattern or an enum in its schema), to every title and
description of every descriptor, and to the source text itself (so the prose,
its section headings and the printed characters carry it too, with the hashes
updated and the copy validating clean). The site is built with the real
mkdocs and every page is loaded in headless Chromium: a dialog, a <script>
element from the data, an event-handler attribute, a javascript: link or a
template expression evaluated anywhere fails the test.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, build_site, needs_sources, serve, source_file

pytestmark = needs_sources("000_b6e4372336266b61.txt")

MARK = "PWN"
PAYLOADS = [
    f"<script>window.{MARK}1=1;alert(1)</script>",
    f"<img src=x onerror=\"window.{MARK}2=1;alert(2)\">",
    f"<a href=\"javascript:alert(3)\">{MARK}3</a>",
    f"<!-- {MARK}4",
    "{{ 7*7 }}{% if true %}MK{% endif %}",
    "| a | b |",
    "# 标题",
    "\n---\n",
    "~删除线~ **粗体** [链接](javascript:alert(5)) {: onclick=\"alert(6)\" }",
]
PAYLOAD = " ".join(PAYLOADS)
# In the source text itself: what passes the validator's OCR-residue checks (no backticks, tildes, bars or stray
# ASCII punctuation between Chinese characters), which still reaches the prose, headings and page titles.
ONE_LINE = f"<script>window.{MARK}1=1</script> <img src=x onerror=window.{MARK}2=1> {{{{ 7*7 }}}}MK <!-- {MARK}4 # 标题"


def free_text_fields(schema: dict) -> list[str]:
    return [f["name"] for f in schema["fields"] if f.get("type", "string") == "string"
            and not {"pattern", "enum"} & set(f.get("constraints", {}))]


def rewrite_csv(path: Path, fields: list[str], fn) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    for row in rows:
        for name in fields:
            if name in row:
                row[name] = fn(name, row[name], row)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def poison_descriptor(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    for key in ("title", "description"):
        if key in doc:
            doc[key] = f"{doc[key]} {PAYLOAD}"
    for group in ("licenses", "contributors", "sources"):
        for item in doc.get(group, []):
            if "title" in item:
                item["title"] = f"{item['title']} {PAYLOAD}"
    for res in doc.get("resources", []):
        if "title" in res:
            res["title"] = f"{res['title']} {PAYLOAD}"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def poison_source(data: Path, cache: Path) -> None:
    """The seed report's source text with the payload in a section heading and in a paragraph, re-hashed into a
    private cache; its prose, ledger counts and descriptor follow, so the copy validates clean."""
    from xxgk import model
    from xxgk.prose import LAYOUT_SIGNATURES, LocalEdit, parse_range, rebuild

    rep_dir = data / "reports" / "370000-hrss-2018"
    rep = model.load_report(rep_dir)
    lines = source_file("000_b6e4372336266b61.txt").read_text(encoding="utf-8").split("\n")
    heading = next(p for p in rep.prose if p["kind"] == "section")
    para = next(p for p in rep.prose if p["kind"] == "paragraph" and p["section"] != "preamble")
    for p in (heading, para):
        n = parse_range(p["source_lines"])[0]
        lines[n - 1] += " " + ONE_LINE
    text = "\n".join(lines)
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "seed.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (cache / "manifest.csv").write_text(f"file,sha256\nseed.txt,{digest}\n", encoding="utf-8")
    desc = rep_dir / "datapackage.yaml"
    d = yaml.safe_load(desc.read_text(encoding="utf-8"))
    d["sources"][0]["hash"], d["sources"][0]["bytes"] = f"sha256:{digest}", len(text.encode("utf-8"))
    desc.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # rebuild every paragraph from the poisoned source with its ledger edits; recount the layout rules
    edits: dict[str, list] = {}
    globals_ = {(e["source_text"] or "", e["published_text"] or ""): e for e in rep.corrections
                if e["resource"] == "prose" and e["target"] == "*" and e["source_line"] is None}
    rules = {k for k, sig in LAYOUT_SIGNATURES.items() if sig in globals_}
    for e in rep.corrections:
        if e["resource"] == "prose" and e["target"] != "*" and e["source_line"]:
            edits.setdefault(e["target"], []).append(LocalEdit(e["id"], e["source_line"], e["source_text"] or "",
                                                               e["published_text"] or ""))
    totals, texts = {}, {}
    for p in rep.prose:
        a, b = parse_range(p["source_lines"])
        texts[p["id"]], counts = rebuild(text.split("\n"), a, b, edits.get(p["id"], []), rules)
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
    rewrite_csv(rep_dir / "prose.csv", ["text"], lambda name, value, row: texts[row["id"]])
    counts_by_sig = {LAYOUT_SIGNATURES[k]: totals.get(k, 0) for k in rules}
    rewrite_csv(rep_dir / "corrections.csv", ["count"], lambda name, value, row: str(
        counts_by_sig[(row["source_text"], row["published_text"])]) if row["target"] == "*" and not row["source_line"]
        and (row["source_text"], row["published_text"]) in counts_by_sig else value)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from xxgk.site.material import config_for  # noqa: F401  (the build below uses the real mkdocs.yml)
    from xxgk.text import label_norm

    tmp = tmp_path_factory.mktemp("hostile")
    data = tmp / "data"
    shutil.copytree(Path("/tmp/data-snapshot") if Path("/tmp/data-snapshot").is_dir() and False else ROOT / "data", data,
                    ignore=shutil.ignore_patterns("drafts"))
    for rep in (data / "reports").iterdir():
        if rep.name not in ("370000-hrss-2018", "320800-gov-2024"):
            shutil.rmtree(rep)  # two reports, one of each kind of source, keep the test fast
    cache = tmp / "cache"
    poison_source(data, cache)
    for desc in data.rglob("datapackage.yaml"):
        poison_descriptor(desc)
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (data / "schemas").glob("*.schema.json")}
    # labels a ledger entry quotes (a label printed over several lines) must stay as the form prints them
    quoted = set()
    for ledger in (data / "reports").glob("*/corrections.csv"):
        with ledger.open(encoding="utf-8", newline="") as fh:
            quoted |= {tuple(r["target"].split("/")) for r in csv.DictReader(fh) if r["kind"] == "label-wrap"}
    for desc in data.rglob("datapackage.yaml"):
        d = yaml.safe_load(desc.read_text(encoding="utf-8"))
        for res in d["resources"]:
            schema = schemas[Path(res["schema"]).name]
            # fields checked against the source or the template are poisoned through the source text above
            fields = [f for f in free_text_fields(schema) if f not in (
                "label_norm", "source_value", "text", "sentence", "quote", "source_text", "published_text", "pattern",
                "multiplier", "unit", "qualifier")]
            if res["name"] == "labels":
                fields = [f for f in fields if f != "label"]  # a printed variant must still match its pattern

            def poison(name, value, row, fields=fields, res=res["name"]):
                if name == "label" and ((row.get("table"), row.get("key")) in quoted
                                        or (row.get("table"), "@" + (row.get("key") or "")) in quoted):
                    return value
                if not value and name not in ("note", "definition", "relation"):
                    return value
                return f"{value} {PAYLOAD}" if value else PAYLOAD

            rewrite_csv(desc.parent / res["path"], fields, poison)
            if "label_norm" in [f["name"] for f in schema["fields"]]:
                rewrite_csv(desc.parent / res["path"], ["label_norm"], lambda name, value, row: label_norm(row["label"]))
    import os

    os.environ["XXGK_SOURCES"] = str(cache)
    os.environ["XXGK_CACHE"] = str(tmp / "derived")
    try:
        from xxgk.validate import validate

        findings, _ = validate([str(data)])
        import collections

        errors = collections.Counter((f.code, f.field, Path(f.file).name) for f in findings if f.severity == "error")
        assert not errors, errors.most_common(40)
        site = build_site(data, tmp / "out")
    finally:
        os.environ.pop("XXGK_SOURCES")
        os.environ.pop("XXGK_CACHE")
    return site


def test_every_field_was_poisoned(hostile):
    """The payload reaches the pages: page titles, headings, tables, notes, the ledger, the codebook, the source."""
    html = {p: p.read_text(encoding="utf-8") for p in hostile.rglob("*.html")}
    titles = [p for p, h in html.items() if re.search(r"<title>[^<]*&lt;script&gt;", h)]
    assert len(titles) > 20
    shown = sum(h.count("&lt;img src=x onerror=") for h in html.values())
    assert shown > 100


@pytest.mark.browser
def test_nothing_from_the_data_runs(hostile, browser):
    base, server = serve(hostile)
    try:
        pages = sorted(p.relative_to(hostile).parent.as_posix() for p in hostile.rglob("index.html")
                       if "search" not in p.parts and "assets" not in p.parts)
        assert len(pages) > 20
        problems = []
        pg = browser.new_page()
        dialogs = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for rel in pages:
            url = base + ("" if rel == "." else rel + "/")
            pg.goto(url)
            pg.wait_for_load_state("load")
            found = pg.evaluate(f"""() => {{
              const out = [];
              if (window.{MARK}1 || window.{MARK}2) out.push('payload ran');
              for (const s of document.querySelectorAll('script')) {{
                if (!s.textContent.includes('{MARK}')) continue;
                // A JSON-LD block is data, never run: the payload may sit in its strings, as long as it parses whole.
                if (s.type === 'application/ld+json') {{ try {{ JSON.parse(s.textContent); }} catch (e) {{ out.push('broken json-ld'); }} }}
                else out.push('script element');
              }}
              for (const el of document.querySelectorAll('*')) for (const a of el.attributes)
                if (a.name.startsWith('on') && (a.value.includes('alert') || a.value.includes('{MARK}'))) out.push('event ' + a.name);
              for (const a of document.querySelectorAll('a[href]'))
                if (a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')) out.push('javascript link');
              const text = document.body.innerText;
              if (text.includes('49MK') || /\\b49\\b.*MK/.test(text)) out.push('template expression evaluated');
              return out;
            }}""")
            problems += [(rel, x) for x in found]
        pg.close()
        assert dialogs == [] and problems == []
    finally:
        server.shutdown()


def test_hostile_text_is_shown_as_written(hostile):
    """The seed's title with its payload appears as text in its page heading and front-matter title."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup((hostile / "reports/370000-hrss-2018/index.html").read_text(encoding="utf-8"), "html.parser")
    h1 = page.select_one("article h1").get_text()
    assert "<script>window.PWN1=1;alert(1)</script>" in h1 and "{{ 7*7 }}" in h1
    assert page.title.get_text().count("<img src=x onerror=") == 1
    assert not page.select("article h1 script, article h1 img, article table caption img")


def test_a_javascript_url_never_becomes_a_link():
    from xxgk.site.escape import link, url

    for bad in ("javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>x</script>",
                "//evil.example/x", "vbscript:x", "http://a b", "https://x\"onmouseover=\"alert(1)"):
        assert url(bad) is None, bad
        assert "<a" not in link(bad, "原文")
    assert url("https://www.pingtan.gov.cn/a?b=1&c=2") == "https://www.pingtan.gov.cn/a?b=1&amp;c=2"
