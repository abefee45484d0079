"""Readers the site must not leave out: by keyboard or screen reader (axe-core), with weak eyes (contrast),
without GitHub (corrections by e-mail), without English (codebook and ledger in Chinese).

axe-core (tests/vendor/axe-core, see its README) is injected into pages of the built site in Chromium by
these tests only; the site never loads it. The pages checked are one of each kind, found in the built site,
so a new kind of page is checked without editing this file.
"""

import csv
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, SEED, SHOTS, shoot, site_data

AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "axe"
BLOCKING = ("serious", "critical")
# Two Latin words or more in a row: English prose (rule ids, file names, codes and "OCR" pass).
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'()]+[A-Za-z]{2,}){1,}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- the pages to check: one of each kind, from the built site

def page_kinds(site: Path) -> dict[str, str]:
    """Kind -> URL path of one page of that kind. A report's pages are kinds by page (overview, prose,
    statistics, corrections, source) and, for the overview and the statistics, by the report's template;
    statistics pages also by their widest table (one value column, two or three, a matrix of four or more). Pages of a collection (codebook/<id>,
    agencies/<id>, regions/<code>) are one kind each; every other page is its own kind."""
    kinds = {}
    templates = {}
    for html in sorted(site.rglob("index.html")):
        parts = html.parent.relative_to(site).parts
        if parts[:1] in (("assets",), ("pagefind",), ("search",), ("downloads",)) and len(parts) > 1:
            continue
        url = "/".join(parts) + "/" if parts else ""
        if len(parts) == 3 and parts[0] == "reports":
            rid, name = parts[1], parts[2]
            page = re.sub(r"-\d+$", "", name)
            if page == "stats":
                template = templates.setdefault(rid, _template(site, rid))
                width = max((len(tr.select("td.num")) for tr in soup(html).select("article table tbody tr")), default=0)
                shape = ", matrix" if width >= 4 else ", 2–3 columns" if width >= 2 else ""
                kind = f"reports/*/stats [{template}{shape}]"
            else:
                kind = f"reports/*/{page}"
        elif len(parts) == 2 and parts[0] == "reports":
            kind = f"reports/* [{templates.setdefault(parts[1], _template(site, parts[1]))}]"
        elif len(parts) == 2:
            kind = f"{parts[0]}/*"
        else:
            kind = url or "home"
        kinds.setdefault(kind, url)
    return kinds


def _template(site: Path, report_id: str) -> str:
    rows = read_csv(site / "downloads" / report_id / "report.csv")
    return rows[0]["template"] or "no table"


def test_page_kinds_cover_what_readers_open(site):
    kinds = page_kinds(site)
    for kind in ("home", "reports/", "reports/* [national-2014]", "reports/*/text", "reports/*/corrections",
                 "reports/*/source", "reports/*/stats [national-2021, matrix]", "reports/*/stats [fujian-pre-2019, 2–3 columns]",
                 "codebook/*", "compare/", "downloads/", "about/"):
        assert kind in kinds, (kind, sorted(kinds))


# --- axe-core in Chromium

def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_nothing_serious_on_any_kind_of_page(page, base_url, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    kinds = page_kinds(site)
    report, blocking = {}, []
    for kind, path in sorted(kinds.items()):
        response = page.goto(base_url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        violations = run_axe(page)
        report[kind] = {"url": path, "violations": [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in violations]}
        for v in violations:
            if v["impact"] in BLOCKING:
                blocking.append(f"{kind} ({path or '/'}): {v['impact']} {v['id']} ×{len(v['nodes'])}: {v['help']}; "
                                f"first: {v['nodes'][0]['target']} {v['nodes'][0]['failureSummary'][:200]}")
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^a-z0-9]+", "-", kind.lower().replace("*", "each")).strip("-") or "home"
        page.screenshot(path=str(SHOTS / f"a11y-{name}-{width}.png"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"violations-{width}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    assert len(kinds) >= 15
    assert blocking == [], "\n".join(blocking)


# --- badges do not move their numbers

MEASURE = """() => {
  const out = [];
  document.querySelectorAll('article table').forEach((table, t) => {
    table.querySelectorAll('tbody td.num').forEach(cell => {
      const texts = [...cell.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim());
      const badge = cell.querySelector('.tip');
      let right = null;
      if (texts.length) {
        const range = document.createRange();
        const last = texts[texts.length - 1];
        range.setStart(texts[0], 0);
        range.setEnd(last, last.textContent.replace(/\\s+$/, '').length);
        right = range.getBoundingClientRect().right;
      } else if (badge) {
        right = badge.getBoundingClientRect().right;
      }
      if (right === null || !cell.getClientRects().length) return;
      out.push({column: t + ':' + (cell.dataset.label || cell.cellIndex), right: right,
                kind: texts.length ? (badge ? 'number+badge' : 'number') : 'badge', text: cell.textContent.trim()});
    });
  });
  return out;
}"""


def misaligned(cells: list[dict]) -> list[str]:
    by_column = {}
    for c in cells:
        by_column.setdefault(c["column"], []).append(c)
    out = []
    for col, items in by_column.items():
        edges = [c["right"] for c in items]
        if max(edges) - min(edges) > 1:
            worst = max(items, key=lambda c: abs(c["right"] - max(edges, key=edges.count)))
            out.append(f"{col}: right edges {min(edges):.1f}–{max(edges):.1f} px, e.g. {worst['text']!r}")
    return out


def badge_pages(site: Path) -> list[str]:
    """Per template, the statistics page whose number cells hold the most kinds of badge."""
    best = {}
    for html in sorted(site.glob("reports/*/stats-*/index.html")):
        doc = soup(html)
        kinds = {" ".join(b["class"]) for b in doc.select("td.num .tip")}
        if not kinds:
            continue
        template = _template(site, html.parent.parent.name)
        if len(kinds) > best.get(template, (0, ""))[0]:
            best[template] = (len(kinds), html.parent.relative_to(site).as_posix() + "/")
    return [path for _, path in best.values()]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_badges_keep_numbers_aligned_at_their_last_digit(page, base_url, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    pages = badge_pages(site)
    seen = set()
    assert pages
    for path in pages:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        cells = page.evaluate(MEASURE)
        for col in {c["column"] for c in cells}:
            kinds = {c["kind"] for c in cells if c["column"] == col}
            if "number" in kinds:
                seen |= kinds - {"number"}
        assert misaligned(cells) == [], path
        if path.startswith(f"reports/{SEED.name}/"):
            shoot(page, f"a11y-badges-{SEED.name}-{width}")
        # the check can fail: a badge left inline after its number (desktop: not floated; phone card: not ordered
        # before the number) pushes the number to the left
        page.add_style_tag(content=".md-typeset td.num .state { float: none !important; order: 1 !important; }")
        if any(c["kind"] == "number+badge" for c in cells):
            assert misaligned(page.evaluate(MEASURE)), path
    assert {"number+badge", "badge"} <= seen  # 推算/校正 beside a number, 缺失/未列出 instead of one, in columns of numbers


# --- corrections by e-mail, without GitHub

def mail_address() -> str:
    from xxgk.site.config import site_config

    return site_config().mail


def test_mail_address_is_configured_once():
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert text.count("mail:") == 1
    assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", mail_address())


def test_every_page_with_a_report_button_offers_mail_too(site):
    address = mail_address()
    pages = [p for p in site.rglob("index.html") if p.relative_to(site).parts[:1] != ("downloads",) or p.parent.name == "downloads"]
    checked = 0
    for html in pages:
        doc = soup(html)
        if doc.select_one('a.xxgk-report-link[href^="https://"]') is None:
            continue
        mail = doc.select_one('a.xxgk-report-link[href^="mailto:"]')
        assert mail is not None, html
        url = urlsplit(mail["href"])
        assert unquote(url.path) == address
        query = parse_qs(url.query)
        subject, body = query["subject"][0], query["body"][0]
        assert subject.startswith("[纠错]") and len(subject) > len("[纠错] "), (html, subject)
        parts = html.parent.relative_to(site).parts
        if parts[:1] == ("reports",) and len(parts) >= 2:
            assert parts[1] in subject and f"报告：{parts[1]}" in body, (html, subject, body)
        page_name = re.search(r"页面：(.+)", body)
        assert page_name and page_name.group(1).strip() in subject, (html, body)
        checked += 1
    assert checked > 50


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_mail_link_is_reached_by_keyboard_and_shows_focus(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url + f"reports/{SEED.name}/stats-3/")
    page.wait_for_load_state("networkidle")
    for _ in range(120):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement && document.activeElement.getAttribute('href')")
        if href and href.startswith("mailto:"):
            break
    else:
        pytest.fail("Tab never reached the mail link")
    query = parse_qs(urlsplit(href).query)
    assert SEED.name in query["subject"][0] and "统计表三" in query["subject"][0]
    assert f"报告：{SEED.name}" in query["body"][0]
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, s.outlineWidth, s.color]; })()")
    assert style[0] != "none" and style[1] != "0px", style
    # on screen and not under anything (an overlay left open by an earlier stop of the Tab key); the search
    # passed on the way closes with Material's fade (.25 s), waited for
    page.wait_for_timeout(400)
    on_top = page.evaluate("""(() => { const e = document.activeElement, r = e.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return [r.width, r.height, r.top, hit === e || e.contains(hit), hit ? hit.className : null]; })()""")
    assert on_top[0] > 10 and on_top[1] > 10 and 0 <= on_top[2] < 900, on_top
    assert on_top[3], f"the focused mail link is covered by {on_top[4]!r}"
    shoot(page, f"a11y-mail-focus-{width}")


# --- in Chinese: the codebook and the ledger

def test_template_definitions_are_in_chinese_with_english_beside():
    rows_files = sorted((site_data() / "templates").glob("*/rows.csv"))
    assert rows_files
    for path in rows_files:
        for r in read_csv(path):
            where = f"{path.parent.name}/{r['table']}/{r['key']}"
            assert bool(r["definition"]) == bool(r["definition_en"]), where
            if r["definition"]:
                assert CJK.search(r["definition"]) and not ENGLISH.search(r["definition"]), (where, r["definition"])


def test_codebook_pages_read_in_chinese(site):
    pages = sorted(site.glob("codebook/*/index.html"))
    assert len(pages) >= 4
    for html in pages:
        doc = soup(html)
        article = doc.select_one("article")
        for el in article.select("[lang=en]"):
            el.decompose()  # English, marked as such for readers and screen readers
        intro = article.find("h1").find_next("p")
        assert CJK.search(intro.get_text()) and not ENGLISH.search(intro.get_text()), (html, intro.get_text())
        cells = article.select('td[data-label="说明"]')
        assert cells, html
        for cell in cells:
            said = cell.get_text(" ", strip=True)
            assert not ENGLISH.search(said), (html, said)


def test_ledger_reasons_and_evidence_are_in_chinese():
    ledgers = sorted((site_data() / "reports").glob("*/corrections.csv"))
    assert ledgers
    for path in ledgers:
        for e in read_csv(path):
            for field in ("reason", "evidence"):
                assert not ENGLISH.search(e[field] or ""), (path.parent.name, e["id"], field, e[field])
