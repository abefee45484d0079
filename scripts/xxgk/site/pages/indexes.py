"""Pages about the whole collection: the home page and the index of all reports."""

from __future__ import annotations

from collections import defaultdict

from ... import model, paths
from .. import urls
from ..config import SiteConfig
from ..escape import text
from ..material import Page
from ..view import ReportView
from .common import value_html

HEADLINES = (("requests_received", "收到申请（件）"), ("proactive_items", "主动公开（条）"))


def collection_page(config: SiteConfig, path: str, title: str, body: str, data_file: str = "data/README.md",
                    description: str = "", **extra) -> Page:
    """A page about all the data: its edit button opens data/README.md (or the file the page is made from)."""
    return Page(path=path, title=title, body=body, description=description or title,
                edit_url=config.edit_url(data_file), report_url=config.report_url("", title),
                mail_url=config.mail_url("", title), **extra)


def reports_index(views: list[ReportView], config: SiteConfig) -> Page:
    doc = urls.reports_index()
    by_year = defaultdict(list)
    for v in views:
        by_year[v.meta["year"]].append(v)
    parts = ["# 全部报告\n\n", f"<p>共 {len(views)} 份报告，按报告年度、地区排列。</p>\n\n"]
    for year in sorted(by_year, reverse=True):
        parts.append(f"## {text(year)} 年度\n\n")
        by_region = defaultdict(list)
        for v in by_year[year]:
            by_region[(v.meta["region_code"], v.meta["region"])].append(v)
        for (code, region), vs in sorted(by_region.items()):
            items = "".join(f'<li><a href="{urls.rel(doc, v.doc())}">{text(v.meta["agency"])}</a></li>'
                            for v in sorted(vs, key=lambda x: x.meta["agency_id"]))
            parts.append(f"<h3>{text(region)}（{text(code)}）</h3><ul>{items}</ul>\n\n")
    return collection_page(config, doc, "全部报告", "".join(parts), description="全部政府信息公开工作年度报告，按年度与地区排列。")


def home_page(views: list[ReportView], config: SiteConfig, agencies=None, drafts: list[str] | None = None) -> Page:
    """The collection at a glance: its size, its coverage, the agencies followed longest, the latest reports,
    the ways in (regions, agencies); the sortable table of every report below."""
    from . import agency  # agency imports compare, which imports this module

    doc = urls.HOME
    if agencies is None and views:  # the register and the drafts sit beside the reports
        data_dir = views[0].r.folder.parent.parent
        agencies = model.load_agencies(data_dir / "agencies")
        drafts = [p.name for p in model.report_folders(data_dir / "drafts")]
    cov = agency.coverage(views, agencies, drafts)
    total = defaultdict(int)
    for v in views:
        for k, n in v.counts()["states"].items():
            total[k] += n
    cells = sum(n for k, n in total.items() if k != "absent")
    years = sorted({v.meta["year"] for v in views})
    ledger = sum(len(v.r.corrections) for v in views)

    def figure(key: str, number, label: str) -> str:
        return f'<li data-figure="{key}"><strong>{text(number)}</strong> {label}</li>'

    figures = (
        '<ul class="xxgk-figures">'
        + figure("reports", len(views), "份报告")
        + figure("agencies", len({v.meta["agency_id"] for v in views}), "个机构")
        + figure("regions", len({v.meta["region_code"] for v in views}), "个地区")
        + figure("years", len(years), f"个年度（{agency.year_span(years)}）")
        + figure("values", cells, f"个统计数值（缺失 {total['missing']}、推算 {total['derived']}、校正 {total['corrected']}）")
        + figure("ledger", ledger, "条勘误记录")
        + "</ul>\n\n")
    parts = [
        "# 政府信息公开年报开放数据\n\n",
        "<p>各级政府机关每年发布《政府信息公开工作年度报告》。本站把这些报告整理成可核对、可下载的开放数据："
        "统计表的每个数值都能在原始文件中找到，或在勘误记录中说明来历；读不出的值标为“缺失”，从不猜测。</p>\n\n",
        figures,
    ]
    if cov.agencies:
        counts = cov.counts()
        grid = len(cov.agencies) * len(cov.years)
        bar = "".join(f'<span class="cov-{s}" style="flex-grow:{counts[s]}" title="{agency.STATUS_ZH[s]}：{counts[s]}"></span>'
                      for s in agency.STATUSES if counts[s])
        parts += [
            "## 收录情况\n\n",
            f"<p>机构名录中 {len(cov.agencies)} 个机构 × {agency.year_span(cov.years)} 年共 {grid} 格：</p>\n\n",
            f'<div class="xxgk-coverage-bar" aria-hidden="true">{bar}</div>\n\n',
            agency.legend(counts) + "\n\n",
            f'<p><a href="{urls.rel(doc, urls.COVERAGE)}">查看每个机构每一年的收录情况</a></p>\n\n',
        ]
        followed = sorted(((len(cov.reports(a["agency_id"])), a) for a in cov.agencies if cov.reports(a["agency_id"])),
                          key=lambda x: (-x[0], x[1]["agency_id"]))[:5]
        if followed:
            items = "".join(
                f'<li data-agency="{text(a["agency_id"])}"><a href="{urls.rel(doc, urls.agency(a["agency_id"]))}">{text(a["name"])}</a>'
                f'：<span class="n">{n}</span> 个年度（{agency.year_span([v.meta["year"] for v in cov.reports(a["agency_id"])])}）</li>'
                for n, a in followed)
            parts += ["## 已整理年度最多的机构\n\n", f'<ol class="xxgk-followed">{items}</ol>\n\n']
    latest = sorted(views, key=lambda v: (v.meta["year"], str(v.meta.get("published") or ""), v.id), reverse=True)[:6]
    if latest:
        items = "".join(f'<li data-report="{text(v.id)}"><a href="{urls.rel(doc, v.doc())}">{text(v.r.title)}</a></li>'
                        for v in latest)
        parts += ["## 最近年度的报告\n\n", f'<ul class="xxgk-latest">{items}</ul>\n\n']
    if cov.agencies:
        provinces = []
        for (pcode, pname), group in agency.provinces_of(cov.agencies):
            regions = "、".join(f'<a href="{urls.rel(doc, urls.region(code))}">{text(name)}</a>'
                               for (code, name), _ in agency.regions_of(group) if code != pcode)
            provinces.append(f'<li><a href="{urls.rel(doc, urls.region(pcode))}">{text(pname)}</a>'
                             f'（{len(group)} 个机构）{"：" + regions if regions else ""}</li>')
        parts += ["## 按地区和机构浏览\n\n", f'<ul class="xxgk-browse">{"".join(provinces)}</ul>\n\n',
                  f'<p><a href="{urls.rel(doc, urls.region())}">全部地区</a> · <a href="{urls.rel(doc, urls.agency())}">全部机构</a> · '
                  f'<a href="{urls.rel(doc, urls.reports_index())}">按年度列出的全部报告</a></p>\n\n']
    parts.append(reports_table(views, doc))
    parts.append(
        f'<p><a href="{urls.rel(doc, urls.downloads())}">下载全部数据</a> · '
        f'<a href="{urls.rel(doc, urls.GUIDE)}">如何使用数据</a> · '
        f'<a href="{urls.rel(doc, urls.CONTRIBUTING)}">参与纠错</a> · '
        f'<a href="{urls.rel(doc, urls.ABOUT)}">关于本站</a></p>\n')
    return collection_page(config, doc, "首页", "".join(parts),
                           description="政府信息公开工作年度报告的整理数据：统计表、正文、勘误记录与原始文件，可核对、可下载、可纠错。")


def reports_table(views: list[ReportView], doc: str) -> str:
    """Every report in one sortable table, with its headline figures and its data quality."""
    rows = []
    for v in sorted(views, key=lambda x: (-x.meta["year"], x.meta["agency_id"])):
        c = v.counts()
        heads = ""
        for concept, _ in HEADLINES:
            value, state = v.concept(concept)
            sort = text(value) if value is not None else "-1"
            heads += f'<td class="num" data-sort="{sort}">{value_html(value, state)}</td>'
        applicable = [r for r in v.results if r.status != "not-applicable"]
        tpl = (f'<a href="{urls.rel(doc, urls.codebook(v.t.id))}">{text(v.t.id)}</a>' if v.t else "无统计表")
        rows.append(
            f'<tr><td><a href="{urls.rel(doc, v.doc())}">{text(v.meta["agency"])}</a></td>'
            f'<td>{text(v.meta["region"])}</td><td class="num">{text(v.meta["year"])}</td><td>{tpl}</td>'
            + heads
            + f'<td class="num" data-sort="{c["rules"]["holds"]}">{c["rules"]["holds"]}/{len(applicable)}</td>'
            + f'<td class="num">{c["states"]["missing"]}</td><td class="num">{c["source_findings"]}</td></tr>')
    head_cells = "".join(f"<th>{label}</th>" for _, label in HEADLINES)
    return (
        "## 全部报告\n\n<p>点击表头可排序。“规则”为成立的表内算术规则数 / 适用的规则数；“原文问题”为原报告自相矛盾之处；"
        "“—”表示该报告的统计表格式没有这一项（不适用），“缺失”表示印了但读不出。</p>\n\n"
        '<div class="xxgk-scroll xxgk-wide"><table class="sortable" id="reports"><thead><tr><th>机关</th><th>地区</th><th>年度</th>'
        f"<th>模板</th>{head_cells}<th>规则</th><th>缺失</th><th>原文问题</th></tr></thead>"
        f'<tbody>{"".join(rows)}</tbody></table></div>\n\n')


def contributing_page(config: SiteConfig) -> Page:
    """The contributor guide from the repository's CONTRIBUTING.md, so the site links to its own copy."""
    guide = (paths.ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    return Page(path=urls.CONTRIBUTING, title="参与纠错", body=guide, description="如何纠正一个数字、新增一份报告、读懂检查结果。",
                edit_url=config.edit_url("CONTRIBUTING.md"))
