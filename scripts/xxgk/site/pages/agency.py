"""Pages about agencies and regions, and the coverage grid (agencies × years).

* :func:`coverage`: for every agency and year, one status: curated (a package in
  data/reports), draft (a folder in data/drafts), known (publications.csv says
  published), not-published, or unknown. The grid page, the CSV, the agency
  pages, the region pages and the home page all read it.
* :func:`agency_pages`: one page per agency (its reports by year, its
  predecessor and successors, its headline figures as time series through the
  crosswalk), the index of agencies, and the province and region pages.

A body that replaced another keeps its own page and its own series: the two
pages link each other and are never merged.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from .. import series_chart, urls
from ..config import SiteConfig
from ..escape import is_url, link, text
from ..material import NO_INDEX, Page
from ..view import ReportView
from .common import concept_state
from .compare import COMPARABILITY_ZH

# The crosswalk concepts followed year by year on every agency page (those the crosswalk has).
SERIES = ("requests_received", "disclosed_incl_public", "refused", "reviews", "lawsuits", "proactive_items")

STATUSES = ("curated", "draft", "known", "not-published", "unknown")
STATUS_ZH = {"curated": "已整理", "draft": "只有草稿", "known": "已知未整理", "not-published": "未发布", "unknown": "不详"}
STATUS_NOTE = {
    "curated": "本站已整理这一年的报告",
    "draft": "这一年的报告已导入为草稿，尚未核对",
    "known": "已知这一年发布了报告，本站尚未整理",
    "not-published": "这一年没有发布报告",
    "unknown": "尚不清楚这一年是否发布了报告",
}
STATUS_MARK = {"curated": "●", "draft": "◐", "known": "○", "not-published": "×", "unknown": "·"}
LEVEL_ZH = {"province": "省级政府", "city": "市级政府", "county": "县级政府", "department": "政府部门"}
PUBLICATION_STATUS = {"published": "known", "not-published": "not-published", "unknown": "unknown"}
# A draft folder is named like a report: <agency_id>-<year>
DRAFT_NAME = re.compile(r"([0-9]{6}-[a-z0-9]+(?:-[a-z0-9]+)*)-([0-9]{4})")
REGISTER_FILE = "data/agencies/agencies.csv"
PUBLICATIONS_FILE = "data/agencies/publications.csv"


def province_code(region_code: str) -> str:
    """GB/T 2260: the province-level code is the first two digits followed by zeros."""
    return region_code[:2] + "0000"


# --- the coverage grid -----------------------------------------------------------------------------------

@dataclass
class Cell:
    status: str
    report: ReportView | None = None
    url: str = ""  # where the report is published (publications.csv), when known
    note: str = ""  # how this is known (publications.csv)


UNKNOWN = Cell("unknown")


@dataclass
class Coverage:
    agencies: list[dict]  # the register (and agencies only a report or a draft names), in page order
    years: list[int]  # every year from the first to the last with anything known
    cells: dict[tuple[str, int], Cell]

    def __post_init__(self):
        self._years: dict[str, list[int]] = defaultdict(list)  # agency -> years with a cell, ascending
        for aid, year in sorted(self.cells):
            self._years[aid].append(year)
        self._by_id = {a["agency_id"]: a for a in self.agencies}

    def cell(self, agency_id: str, year: int) -> Cell:
        return self.cells.get((agency_id, year), UNKNOWN)

    def by_id(self) -> dict[str, dict]:
        return self._by_id

    def reports(self, agency_id: str) -> list[ReportView]:
        """The agency's curated reports, by year."""
        return [c.report for c in (self.cells[(agency_id, y)] for y in self._years.get(agency_id, [])) if c.report is not None]

    def known_years(self, agency_id: str) -> list[int]:
        """Years something is recorded for (a report, a draft or a line of publications.csv)."""
        return list(self._years.get(agency_id, []))

    def counts(self) -> Counter:
        """Cells of the whole grid by status (every agency × every year)."""
        n = Counter(c.status for c in self.cells.values())
        n["unknown"] += len(self.agencies) * len(self.years) - len(self.cells)
        return n


def draft_ids(drafts: list[str] | None) -> list[tuple[str, int]]:
    out = []
    for name in drafts or []:
        m = DRAFT_NAME.fullmatch(name)
        if m:
            out.append((m.group(1), int(m.group(2))))
    return out


def coverage(views: list[ReportView], agencies, drafts: list[str] | None = None) -> Coverage:
    """The grid: curated over draft over what publications.csv says; unknown otherwise."""
    cells: dict[tuple[str, int], Cell] = {}
    for p in agencies.publications if agencies else []:
        cells[(p["agency_id"], p["year"])] = Cell(PUBLICATION_STATUS[p["status"]], None,
                                                  p["url"] if is_url(p["url"]) else "", p["note"] or "")
    for key in draft_ids(drafts):
        old = cells.get(key, UNKNOWN)
        cells[key] = Cell("draft", None, old.url, old.note)
    for v in views:
        key = (v.meta["agency_id"], v.meta["year"])
        old = cells.get(key, UNKNOWN)
        cells[key] = Cell("curated", v, old.url, old.note)
    years = [y for _, y in cells]
    return Coverage(register(views, agencies, cells), list(range(min(years), max(years) + 1)) if years else [], cells)


def register(views: list[ReportView], agencies, cells: dict) -> list[dict]:
    """agencies.csv, plus an entry for an agency that only a report or a draft names (so nothing drops out)."""
    rows = {a["agency_id"]: dict(a) for a in (agencies.agencies if agencies else [])}
    provinces = {province_code(a["region_code"]): a["province"] for a in rows.values()}
    for v in sorted(views, key=lambda x: x.meta["year"]):  # an unregistered agency: its latest printed name
        m = v.meta
        if m["agency_id"] not in rows or rows[m["agency_id"]].get("unregistered"):
            rows[m["agency_id"]] = {"agency_id": m["agency_id"], "name": m["agency"], "region_code": m["region_code"],
                                    "region": m["region"], "unregistered": True}
    for aid, _ in cells:
        rows.setdefault(aid, {"agency_id": aid, "name": aid, "region_code": aid[:6], "region": aid[:6], "unregistered": True})
    for a in rows.values():
        if a.get("unregistered"):
            a.setdefault("province", provinces.get(province_code(a["region_code"])) or a["region"])
            for k in ("level", "predecessor", "relation", "website"):
                a.setdefault(k, None)
    return sorted(rows.values(), key=lambda a: (province_code(a["region_code"]), a["region_code"], a["agency_id"]))


def coverage_rows(views: list[ReportView], agencies, drafts: list[str]) -> list[list[str]]:
    """The grid as rows for downloads/coverage.csv (downloads.COVERAGE_FIELDS): every agency × every year."""
    cov = coverage(views, agencies, drafts)
    rows = []
    for a in cov.agencies:
        for year in cov.years:
            c = cov.cell(a["agency_id"], year)
            rows.append([a["agency_id"], a["name"], str(year), c.status, STATUS_ZH[c.status],
                         c.report.id if c.report else "", c.url])
    return rows


def mark(cov_cell: Cell, year: int, doc: str) -> str:
    """One cell of the grid: a symbol, its word for screen readers, a link to the report when curated."""
    word = STATUS_ZH[cov_cell.status]
    symbol = f'<span aria-hidden="true">{STATUS_MARK[cov_cell.status]}</span><span class="sr-only">{word}</span>'
    if cov_cell.report is not None:
        symbol = f'<a href="{urls.rel(doc, cov_cell.report.doc())}">{symbol}</a>'
    title = f"{year} 年：{word}" + (f"。{cov_cell.note}" if cov_cell.note else "")
    return f'<td class="cov cov-{cov_cell.status}" data-year="{year}" data-status="{cov_cell.status}" title="{text(title)}">{symbol}</td>'


def legend(counts: Counter | None = None) -> str:
    items = "".join(f'<li><span class="cov cov-{s}" aria-hidden="true">{STATUS_MARK[s]}</span> <strong>{STATUS_ZH[s]}</strong>'
                    + (f' <span class="n" data-status="{s}">{counts[s]}</span>' if counts is not None else "")
                    + f"：{STATUS_NOTE[s]}</li>" for s in STATUSES)
    return f'<ul class="xxgk-coverage-legend">{items}</ul>'


def coverage_page(views: list[ReportView], agencies, drafts: list[str], config: SiteConfig) -> list[Page]:
    """The coverage grid as a page."""
    doc = urls.COVERAGE
    cov = coverage(views, agencies, drafts)
    if not cov.agencies:
        return []
    head = "".join(f'<th scope="col" class="year">{y}</th>' for y in cov.years)
    body = []
    for (rcode, region), group in regions_of(cov.agencies):
        body.append(f'<tr class="group"><th scope="rowgroup" colspan="{len(cov.years) + 1}">'
                    f'<a href="{urls.rel(doc, urls.region(rcode))}">{text(region)}</a></th></tr>')
        for a in group:
            cells = "".join(mark(cov.cell(a["agency_id"], y), y, doc) for y in cov.years)
            body.append(f'<tr id="{text(a["agency_id"])}"><th scope="row"><a href="{urls.rel(doc, urls.agency(a["agency_id"]))}">'
                        f'{text(a["name"])}</a></th>{cells}</tr>')
    counts = cov.counts()
    csv_link = (f'<p>同一表格可下载：<a href="{urls.rel(doc, urls.downloads("coverage.csv"))}">coverage.csv</a>'
                f'（<a href="{urls.rel(doc, urls.downloads("coverage.excel.csv"))}">Excel 版</a>），每个机构每一年一行。</p>\n\n')
    text_body = (
        "# 收录情况\n\n"
        f"<p>本站跟踪的 {len(cov.agencies)} 个机构在 {cov.years[0] if cov.years else ''}–{cov.years[-1] if cov.years else ''} "
        f"年各年度报告的收录情况：共 {len(cov.agencies) * len(cov.years)} 格。已整理的格子链接到报告。"
        f"各年是否发布报告记录在 <code>{PUBLICATIONS_FILE}</code>，欢迎补充。</p>\n\n"
        + legend(counts) + "\n\n" + csv_link
        + f'<div class="xxgk-scroll xxgk-wide" {NO_INDEX}><table class="xxgk-coverage" id="coverage"><thead><tr><th scope="col">机构</th>{head}</tr></thead>'
        + f'<tbody>{"".join(body)}</tbody></table></div>\n')
    return [Page(path=doc, title="收录情况", body=text_body, description="各机构各年度政府信息公开工作年度报告的收录情况。",
                 edit_url=config.edit_url(PUBLICATIONS_FILE), report_url=config.report_url("", "收录情况"),
                 mail_url=config.mail_url("", "收录情况"), hide=["navigation"])]


# --- agency, province and region pages -------------------------------------------------------------------

def regions_of(agencies: list[dict]) -> list[tuple[tuple[str, str], list[dict]]]:
    """Agencies grouped by region, in register order: ((region_code, region name), agencies)."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for a in agencies:
        groups[a["region_code"]].append(a)
    return [((code, Counter(a["region"] for a in group).most_common(1)[0][0]), group) for code, group in groups.items()]


def provinces_of(agencies: list[dict]) -> list[tuple[tuple[str, str], list[dict]]]:
    """Agencies grouped by province: ((province code, province name), agencies)."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for a in agencies:
        groups[province_code(a["region_code"])].append(a)
    return [((code, Counter(a["province"] for a in group).most_common(1)[0][0]), group) for code, group in groups.items()]


def year_span(years: list[int]) -> str:
    if not years:
        return "—"
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _page(config: SiteConfig, path: str, title: str, body: str, description: str, data_file: str = REGISTER_FILE,
          **extra) -> Page:
    return Page(path=path, title=title, body=body, description=description, edit_url=config.edit_url(data_file),
                report_url=config.report_url("", title), mail_url=config.mail_url("", title), **extra)


def agency_pages(views: list[ReportView], agencies, crosswalk, config: SiteConfig, drafts: list[str] | None = None) -> list[Page]:
    """One page per agency (its reports by year, its headline figures as a time series), the index of agencies,
    and the province and region pages."""
    cov = coverage(views, agencies, drafts)
    if not cov.agencies:
        return []
    successors = defaultdict(list)
    for a in cov.agencies:
        if a.get("predecessor"):
            successors[a["predecessor"]].append(a)
    pages = [agency_page(a, cov, successors[a["agency_id"]], crosswalk, config) for a in cov.agencies]
    pages.append(agencies_index(cov, config))
    pages += region_pages(cov, config)
    return pages


def agency_page(a: dict, cov: Coverage, successors: list[dict], crosswalk, config: SiteConfig) -> Page:
    aid = a["agency_id"]
    doc = urls.agency(aid)
    reports = cov.reports(aid)
    by_id = cov.by_id()
    pcode, rcode = province_code(a["region_code"]), a["region_code"]
    region_link = f'<a href="{urls.rel(doc, urls.region(rcode))}">{text(a["region"])}</a>'
    if pcode != rcode:
        region_link = f'<a href="{urls.rel(doc, urls.region(pcode))}">{text(a["province"])}</a> › ' + region_link
    meta = [("地区", f"{region_link}（{text(rcode)}）"), ("机构编号", f"<code>{text(aid)}</code>")]
    if a.get("level"):
        meta.append(("层级", text(LEVEL_ZH.get(a["level"], a["level"]))))
    if a.get("website"):
        meta.append(("网站", link(a["website"], a["website"], rel="nofollow")))
    curated = [r.meta["year"] for r in reports]
    meta.append(("已整理的报告", f"{len(reports)} 份（{year_span(curated)}）" if reports else "尚无"))
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in meta)
    parts = [f"# {text(a['name'])}\n\n", f'<table class="xxgk-meta"><tbody>{table}</tbody></table>\n\n']
    if a.get("unregistered"):
        parts.append(f'<p class="missing">这个机构还不在机构名录（<code>{REGISTER_FILE}</code>）中。</p>\n\n')
    parts.append(succession(a, by_id, successors, doc))
    parts.append(reports_by_year(aid, cov, doc))
    if crosswalk is not None and reports:
        parts.append(headline_series(reports, cov.cell, aid, crosswalk, doc))
    elif not reports:
        parts.append("## 主要数字\n\n<p>本站还没有整理这个机构的报告。</p>\n\n")
    return _page(config, doc, a["name"], "".join(parts), f"{a['name']}历年政府信息公开工作年度报告的收录情况与主要数字。",
                 hide=["navigation"])


def succession(a: dict, by_id: dict, successors: list[dict], doc: str) -> str:
    """The predecessor and the successors, each linked; their data stay apart."""
    def name(aid: str) -> str:
        other = by_id.get(aid)
        label = other["name"] if other else aid
        return f'<a class="succession" href="{urls.rel(doc, urls.agency(aid))}">{text(label)}</a>' if other else text(label)

    items = []
    if a.get("predecessor"):
        items.append(f'<p class="predecessor">前身：{name(a["predecessor"])}。{text(a.get("relation"))}</p>')
    for s in successors:
        items.append(f'<p class="successor">后继机构：{name(s["agency_id"])}。{text(s.get("relation"))}</p>')
    if not items:
        return ""
    return ("## 沿革\n\n" + "".join(items)
            + "<p>前身与后继是不同的机构：各自的报告和数字分开保存、分开显示，不合并成一个序列。</p>\n\n")


def reports_by_year(aid: str, cov: Coverage, doc: str) -> str:
    """Every year something is known of: the report (linked) or where it is published, its status, its format."""
    rows = []
    for year in sorted(cov.known_years(aid), reverse=True):
        c = cov.cell(aid, year)
        status = (f'<span class="cov cov-{c.status}" aria-hidden="true">{STATUS_MARK[c.status]}</span> '
                  f'<span class="status">{STATUS_ZH[c.status]}</span>')
        if c.report is not None:
            v = c.report
            lines = [f'<a href="{urls.rel(doc, v.doc())}">{text(v.r.title)}</a>',
                     status + " · " + (f'<a href="{urls.rel(doc, urls.codebook(v.t.id))}">{text(v.t.title)}</a>'
                                       if v.t is not None else "无统计表")]
        else:
            lines = [status + (" · " + link(c.url, "发布网址", rel="nofollow") if c.url else "")]
            if c.note:
                lines.append(f"<small>{text(c.note)}</small>")
        rows.append(f'<tr data-year="{year}" data-status="{c.status}"><th scope="row">{year}</th>'
                    f'<td>{"<br>".join(lines)}</td></tr>')
    if not rows:
        return ""
    return ("## 各年度报告\n\n"
            f'<p>各年度的收录情况也见<a href="{urls.rel(doc, urls.COVERAGE, aid)}">收录情况总表</a>。</p>\n\n'
            '<table class="xxgk-meta xxgk-years"><thead><tr><th>年度</th><th>报告、收录情况与统计表格式</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>\n\n')


def headline_series(reports: list[ReportView], cell, aid: str, crosswalk, doc: str) -> str:
    """The headline concepts year by year: chart and table, with the caveats where the format changes."""
    by_year = {v.meta["year"]: v for v in reports}
    years = list(range(min(by_year), max(by_year) + 1))
    changes, previous = {}, None  # year a format starts -> note
    for v in reports:
        if v.t is not None and (previous is None or v.t.id != previous.id):
            changes[v.meta["year"]] = (f"统计表格式改为：{v.t.title}" if previous else f"统计表格式：{v.t.title}")
            previous = v.t
    used = {v.t.id: v.t for v in reports if v.t is not None}
    concepts = {c["concept"]: c for c in crosswalk.concepts}
    parts = ["## 主要数字\n\n",
             "<p>每项数字按跨格式对应关系（见"
             f'<a href="{urls.rel(doc, urls.COMPARE)}">跨格式比较</a>）从各年的统计表中取得。表格是准确的数据，图只是示意。'
             "表中“—”表示<strong>不适用</strong>：这一年的统计表格式没有这一项；“缺失”表示报告印了这一项但读不出；"
             "“未收录”表示本站还没有这一年的报告（括号中是已知的情况），图中以灰色竖条标出，折线在此断开。"
             "图中的竖虚线表示统计表格式变更，跨越变更的连线画成虚线：前后口径可能不同，见各项的说明。</p>\n\n"]
    for key in SERIES:
        c = concepts.get(key)
        if c is None:
            continue
        points = []
        for year in years:
            v = by_year.get(year)
            if v is None:
                gap = cell(aid, year)
                points.append(series_chart.Point(year, None, series_chart.NOT_COVERED, note=STATUS_ZH[gap.status]))
            else:
                value, state, _ = concept_state(v, key)
                points.append(series_chart.Point(year, value, "value" if value is not None else state,
                                                 href=urls.rel(doc, v.doc()), mark=state))
        parts.append(f"### {text(c['label'])} {{#{key}}}\n\n")  # key: one of SERIES, not data
        if len(used) > 1:
            notes = "".join(f"<li>{text(t.title)}：{text(row['note'])}</li>" for row in crosswalk.cells
                            if row["concept"] == key and row["template"] in used and row["note"]
                            for t in [used[row["template"]]])
            kind = "warning" if c["comparability"] in ("different", "none") else "note"
            parts.append(f'<div class="admonition {kind} xxgk-caveat" data-comparability="{text(c["comparability"])}">'
                         f'<p class="admonition-title">这一序列跨越了统计表格式的变化：{text(COMPARABILITY_ZH.get(c["comparability"], c["comparability"]))}</p>'
                         f'<p>{text(c["caveat"])}</p>' + (f"<ul>{notes}</ul>" if notes else "")
                         + f'<p><a href="{urls.rel(doc, urls.COMPARE, key)}">各格式的对应栏目</a></p></div>\n\n')
        parts.append(series_chart.figure(f"series-{key}", c["label"], points, changes) + "\n\n")
    return "".join(parts)


def agencies_index(cov: Coverage, config: SiteConfig) -> Page:
    doc = urls.agency()
    rows = []
    by_id = cov.by_id()
    for a in cov.agencies:
        aid = a["agency_id"]
        years = [v.meta["year"] for v in cov.reports(aid)]
        pred = by_id.get(a.get("predecessor") or "")
        pred_html = f'<a href="{urls.rel(doc, urls.agency(pred["agency_id"]))}">{text(pred["name"])}</a>' if pred else ""
        rows.append(f'<tr id="{text(aid)}"><td><a href="{urls.rel(doc, urls.agency(aid))}">{text(a["name"])}</a></td>'
                    f'<td><a href="{urls.rel(doc, urls.region(a["region_code"]))}">{text(a["region"])}</a></td>'
                    f'<td class="num" data-sort="{len(years)}">{len(years)}</td><td>{year_span(years)}</td><td>{pred_html}</td></tr>')
    body = ("# 机构\n\n"
            f"<p>本站跟踪的 {len(cov.agencies)} 个机构。点击表头可排序；按地区浏览见"
            f'<a href="{urls.rel(doc, urls.region())}">地区</a>，各年的收录情况见<a href="{urls.rel(doc, urls.COVERAGE)}">收录情况</a>。</p>\n\n'
            '<div class="xxgk-scroll xxgk-wide"><table class="sortable" id="agencies"><thead><tr><th>机构</th><th>地区</th>'
            f'<th>已整理报告</th><th>年度</th><th>前身</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>\n')
    return _page(config, doc, "机构", body, "本站跟踪的全部机构及其已整理的报告。")


def agency_rows(agencies: list[dict], cov: Coverage, doc: str) -> str:
    """A table of agencies with their curated years (linked) and what else is known."""
    rows = []
    for a in agencies:
        aid = a["agency_id"]
        curated = " ".join(f'<a href="{urls.rel(doc, v.doc())}">{v.meta["year"]}</a>' for v in cov.reports(aid)) or "—"
        other = defaultdict(list)
        for y in cov.known_years(aid):
            c = cov.cell(aid, y)
            if c.status != "curated":
                other[c.status].append(str(y))
        others = "；".join(f"{STATUS_ZH[s]}：{'、'.join(other[s])}" for s in STATUSES if other[s]) or "—"
        level = text(LEVEL_ZH.get(a.get("level") or "", a.get("level") or ""))
        rows.append(f'<tr id="{text(aid)}"><td><a href="{urls.rel(doc, urls.agency(aid))}">{text(a["name"])}</a></td>'
                    f'<td>{level}</td><td class="years">{curated}</td><td>{others}</td></tr>')
    return ('<div class="xxgk-scroll xxgk-wide"><table class="xxgk-meta xxgk-agencies"><thead><tr><th>机构</th><th>层级</th>'
            f'<th>已整理的年度</th><th>其他年度</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>\n\n')


def region_pages(cov: Coverage, config: SiteConfig) -> list[Page]:
    """regions/index.md, a page per province (its regions) and per region (its agencies)."""
    pages = []
    index = urls.region()
    index_parts = ["# 地区\n\n", "<p>按省级地区和行政区划浏览本站跟踪的机构。地区代码按 GB/T 2260。</p>\n\n"]
    regions = dict(regions_of(cov.agencies))
    by_region = {code: group for (code, _), group in regions.items()}
    for (pcode, pname), group in provinces_of(cov.agencies):
        pdoc = urls.region(pcode)
        sub = [(code, name) for code, name in regions if province_code(code) == pcode and code != pcode]
        n_reports = sum(len(cov.reports(a["agency_id"])) for a in group)
        index_parts.append(f'## <a href="{urls.rel(index, pdoc)}">{text(pname)}</a>\n\n'
                           f"<p>{len(group)} 个机构，已整理 {n_reports} 份报告。</p>\n\n")
        if sub:
            items = "".join(f'<li><a href="{urls.rel(index, urls.region(code))}">{text(name)}</a>（{text(code)}）：'
                            f"{len(by_region[code])} 个机构</li>" for code, name in sub)
            index_parts.append(f"<ul>{items}</ul>\n\n")
        body = [f"# {text(pname)}\n\n",
                f'<p><a href="{urls.rel(pdoc, index)}">全部地区</a> › {text(pname)}（{text(pcode)}）：'
                f"{len(group)} 个机构，已整理 {n_reports} 份报告。</p>\n\n"]
        if pcode in by_region:
            body += ["## 省级机构\n\n", agency_rows(by_region[pcode], cov, pdoc)]
        if sub:
            rows = "".join(
                f'<tr><td><a href="{urls.rel(pdoc, urls.region(code))}">{text(name)}</a></td><td>{text(code)}</td>'
                f'<td class="num">{len(by_region[code])}</td>'
                f'<td class="num">{sum(len(cov.reports(a["agency_id"])) for a in by_region[code])}</td>'
                f'<td>{year_span(sorted({v.meta["year"] for a in by_region[code] for v in cov.reports(a["agency_id"])}))}</td></tr>'
                for code, name in sub)
            body += ["## 下辖地区\n\n", '<table class="xxgk-meta xxgk-regions"><thead><tr><th>地区</th><th>代码</th>'
                     f'<th>机构</th><th>已整理报告</th><th>年度</th></tr></thead><tbody>{rows}</tbody></table>\n\n']
        pages.append(_page(config, pdoc, pname, "".join(body), f"{pname}：本站跟踪的地区与机构。"))
        for code, name in sub:
            rdoc = urls.region(code)
            rbody = (f"# {text(name)}\n\n"
                     f'<p><a href="{urls.rel(rdoc, index)}">全部地区</a> › <a href="{urls.rel(rdoc, pdoc)}">{text(pname)}</a> › '
                     f"{text(name)}（{text(code)}）</p>\n\n## 机构\n\n" + agency_rows(by_region[code], cov, rdoc))
            pages.append(_page(config, rdoc, name, rbody, f"{name}：本站跟踪的机构及其各年度报告。"))
    pages.append(_page(config, index, "地区", "".join(index_parts), "按地区浏览本站跟踪的机构。"))
    return pages
