"""Pages about the whole collection: the home page and the index of all reports."""

from __future__ import annotations

from collections import defaultdict

from ... import paths
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


def home_page(views: list[ReportView], config: SiteConfig) -> Page:
    doc = urls.HOME
    total = defaultdict(int)
    for v in views:
        for k, n in v.counts()["states"].items():
            total[k] += n
    cells = sum(n for k, n in total.items() if k != "absent")
    agencies = len({v.meta["agency_id"] for v in views})
    years = sorted({v.meta["year"] for v in views})
    ledger = sum(len(v.r.corrections) for v in views)
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
    body = (
        "# 政府信息公开年报开放数据\n\n"
        + "<p>各级政府机关每年发布《政府信息公开工作年度报告》。本站把这些报告整理成可核对、可下载的开放数据："
        + "统计表的每个数值都能在原始文件中找到，或在勘误记录中说明来历；读不出的值标为“缺失”，从不猜测。</p>\n\n"
        + '<div class="grid cards xxgk-headline"><ul>'
        + f"<li><strong>{len(views)}</strong> 份报告</li><li><strong>{agencies}</strong> 个机关</li>"
        + f"<li><strong>{text('、'.join(map(str, years)))}</strong> 年度</li>"
        + f"<li><strong>{cells}</strong> 个统计数值，其中缺失 {total['missing']} 个、推算 {total['derived']} 个、校正 {total['corrected']} 个</li>"
        + f"<li><strong>{ledger}</strong> 条勘误记录</li></ul></div>\n\n"
        + "## 全部报告\n\n<p>点击表头可排序。“规则”为成立的表内算术规则数 / 适用的规则数；“原文问题”为原报告自相矛盾之处；"
        + "“—”表示该报告的统计表格式没有这一项（不适用），“缺失”表示印了但读不出。</p>\n\n"
        + '<div class="xxgk-scroll"><table class="sortable" id="reports"><thead><tr><th>机关</th><th>地区</th><th>年度</th>'
        + f"<th>模板</th>{head_cells}<th>规则</th><th>缺失</th><th>原文问题</th></tr></thead>"
        + f'<tbody>{"".join(rows)}</tbody></table></div>\n\n'
        + f'<p><a href="{urls.rel(doc, urls.downloads())}">下载全部数据</a> · '
        + f'<a href="{urls.rel(doc, urls.GUIDE)}">如何使用数据</a> · '
        + f'<a href="{urls.rel(doc, urls.CONTRIBUTING)}">参与纠错</a> · '
        + f'<a href="{urls.rel(doc, urls.ABOUT)}">关于本站</a></p>\n')
    return collection_page(config, doc, "首页", body,
                           description="政府信息公开工作年度报告的整理数据：统计表、正文、勘误记录与原始文件，可核对、可下载、可纠错。")


def contributing_page(config: SiteConfig) -> Page:
    """The contributor guide from the repository's CONTRIBUTING.md, so the site links to its own copy."""
    guide = (paths.ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    return Page(path=urls.CONTRIBUTING, title="参与纠错", body=guide, description="如何纠正一个数字、新增一份报告、读懂检查结果。",
                edit_url=config.edit_url("CONTRIBUTING.md"))
