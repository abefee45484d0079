"""Reading on a phone and on a desktop, in headless Chromium: chart text at its real size, tables as
stacked cards below 600 px, no sideways scrolling. Screenshots go to test-artifacts/screenshots/.
"""


import pytest

from conftest import SHOTS, site_data

pytestmark = pytest.mark.browser
REPORTS = ["370000-hrss-2018", "320800-gov-2024"]
PHONE, DESKTOP = 390, 1280


def stats_pages(site):
    return [f"reports/{r}/{p.parent.name}/" for r in REPORTS
            for p in sorted((site / "reports" / r).glob("stats-*/index.html"))]


def codebook_pages():
    return sorted({f"codebook/{p.name}/" for p in (site_data() / "templates").iterdir() if p.is_dir()})


def shot(page, selector, name, height=1600):
    """A screenshot of an element, its first `height` pixels."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.add_style_tag(content=".md-header { position: static !important; }")  # not drawn over the element
    el = page.locator(selector).first
    el.scroll_into_view_if_needed()
    box = el.evaluate("e => { const b = e.getBoundingClientRect(); return [b.left + scrollX, b.top + scrollY, b.width, b.height]; }")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True,
                    clip={"x": box[0], "y": box[1], "width": box[2], "height": min(box[3], height)})


# Every visible label and value cell of every table in the article (chart data opened): its width in characters.
CELLS = """() => {
  document.querySelectorAll('article details').forEach(d => { d.open = true; });
  const out = [];
  for (const cell of document.querySelectorAll('article table tbody th, article table tbody td')) {
    const box = cell.getBoundingClientRect();
    if (!box.width || !box.height || !cell.textContent.trim()) continue;
    if (cell.matches('td.unit')) continue;  // a unit set after its value ("128 件"), not a column of its own
    const style = getComputedStyle(cell);
    const inner = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    out.push({text: cell.textContent.trim().slice(0, 20), chars: inner / parseFloat(style.fontSize),
              table: cell.closest('table').className});
  }
  const boxes = [...document.querySelectorAll('article .xxgk-scroll')].map(b => b.scrollWidth - b.clientWidth);
  return {cells: out, page: document.documentElement.scrollWidth, scroll: boxes};
}"""

# Every text of every chart: its computed size, its rendered box, and its row's other text.
CHART_TEXT = """() => [...document.querySelectorAll('figure.xxgk-chart svg')].map(svg => {
  const frame = svg.getBoundingClientRect();
  const rows = [...svg.querySelectorAll('g.row')].map(g => {
    const label = g.querySelector('text.label').getBoundingClientRect();
    const value = g.querySelector('text.value').getBoundingClientRect();
    return {label: [label.left, label.right], value: [value.left, value.right]};
  });
  const texts = [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize), height: b.height,
            left: b.left, right: b.right};
  });
  const around = [...svg.closest('figure').querySelectorAll('figcaption, ul.xxgk-legend li')]
    .map(e => parseFloat(getComputedStyle(e).fontSize));
  return {id: svg.closest('figure').id, frame: [frame.left, frame.right], rows, texts, around};
})"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_chart_text_is_readable(page, base_url, width):
    """Chart labels render at 12 CSS px or more (a viewBox shrank them to 7–8 px on a phone), inside the chart,
    and a row's label never runs into its value."""
    page.set_viewport_size({"width": width, "height": 900})
    for report, section in [(REPORTS[0], 1), (REPORTS[0], 3), (REPORTS[1], 3)]:
        page.goto(base_url + f"reports/{report}/stats-{section}/")
        page.wait_for_load_state("networkidle")
        charts = page.evaluate(CHART_TEXT)
        assert charts, (report, section)
        for chart in charts:
            left, right = chart["frame"]
            for t in chart["texts"]:
                assert t["size"] >= 12 and t["height"] >= 12, (chart["id"], t)
                assert t["left"] >= left - 1 and t["right"] <= right + 1, (chart["id"], t)
            for r in chart["rows"]:
                assert r["label"][1] + 4 <= r["value"][0], (chart["id"], r)
            assert min(chart["around"]) >= 12, chart["id"]
        shot(page, "figure.xxgk-chart", f"chart-{report}-stats-{section}-{width}")
    page.goto(base_url + f"reports/{REPORTS[1]}/stats-3/")
    shot(page, "figure.xxgk-chart-stacked", f"chart-matrix-{width}")


def test_phone_tables_are_cards_wide_enough_to_read(page, base_url, site):
    """At 390 px every label and value column is at least 6 characters wide and nothing scrolls sideways:
    every statistics page of both reports, the corrections page and the codebook pages."""
    page.set_viewport_size({"width": PHONE, "height": 900})
    paths = stats_pages(site) + [f"reports/{r}/corrections/" for r in REPORTS] + codebook_pages()
    assert len(paths) >= 10
    for path in paths:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        got = page.evaluate(CELLS)
        assert got["cells"], path
        narrow = [c for c in got["cells"] if c["chars"] < 6]
        assert not narrow, (path, narrow[:5])
        assert got["page"] <= PHONE, path  # the page does not scroll sideways
        assert max(got["scroll"], default=0) <= 1, path  # nor does a table inside its box
    for path, name in [(f"reports/{REPORTS[0]}/stats-3/", "cards-stats-3"), (f"reports/{REPORTS[1]}/stats-3/", "cards-matrix"),
                       (f"reports/{REPORTS[0]}/corrections/", "cards-corrections"), ("codebook/national-2021/", "cards-codebook")]:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        shot(page, "article table", f"{name}-{PHONE}")


def test_phone_card_reads_label_then_values_then_note(page, base_url):
    """A matrix row is one card: its label across the card, then a line per column, 'label … value'."""
    page.set_viewport_size({"width": PHONE, "height": 900})
    page.goto(base_url + f"reports/{REPORTS[1]}/stats-3/")
    card = page.locator("#row-new")
    label = card.locator("th.label").bounding_box()
    values = [c.bounding_box() for c in card.locator("td.num").all()]
    note = card.locator("td.src").bounding_box()
    row = card.bounding_box()
    assert label["width"] >= row["width"] * 0.85  # the label at full width
    assert all(v["y"] >= label["y"] + label["height"] - 1 for v in values)
    assert len({round(v["y"]) for v in values}) == 7  # one line per column
    assert note["y"] >= max(v["y"] + v["height"] for v in values) - 1
    before = card.locator("td.num").last.evaluate("td => getComputedStyle(td, '::before').content")
    assert before == '"总计"'
    assert card.locator("td.num").last.inner_text().strip() == "3119"
    assert page.locator("table.cards thead").first.evaluate("h => h.getBoundingClientRect().height") <= 1
    page.goto(base_url + f"reports/{REPORTS[0]}/stats-3/")
    cell = page.locator("#row-received_letter td.num")
    badge, box = cell.locator(".state").bounding_box(), cell.bounding_box()
    assert badge["x"] > box["x"] + box["width"] / 2  # 推算 sits with its value, not with the column's label


def test_desktop_keeps_a_normal_table(page, base_url):
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    for path in [f"reports/{REPORTS[1]}/stats-3/", f"reports/{REPORTS[0]}/corrections/"]:
        page.goto(base_url + path)
        table = page.locator("article table.cards").first
        assert table.evaluate("t => getComputedStyle(t).display") == "table"
        assert table.evaluate("t => t.tHead.getBoundingClientRect().height") > 10
        tops = table.locator("tbody tr").first.evaluate("r => [...r.cells].map(c => Math.round(c.getBoundingClientRect().top))")
        assert len(set(tops)) == 1, path  # the cells of a row sit side by side
        prefix = table.locator("tbody td").first.evaluate("td => getComputedStyle(td, '::before').content")
        assert prefix in ("none", "normal"), path  # no card labels on a desktop
    shot(page, "article table.cards", f"table-corrections-{DESKTOP}")
