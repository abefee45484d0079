"""What can be compared across the templates, figure by figure, with the caveats and each report's values."""

from __future__ import annotations

from ...model import Template
from .. import urls
from ..config import SiteConfig
from ..escape import text
from ..material import Page
from ..view import ReportView
from .common import value_html
from .indexes import collection_page

COMPARABILITY_ZH = {"same": "口径相同", "similar": "大体可比（见说明）", "different": "口径不同，不宜直接比较", "none": "只有一种格式有"}


def compare_page(views: list[ReportView], templates: dict[str, Template], crosswalk, config: SiteConfig) -> Page:
    doc = urls.COMPARE
    tids = list(templates)

    def cells_label(t: Template, cells) -> str:
        parts = []
        for table, row, col in cells:
            r, c = t.row(table, row), t.column(table, col)
            parts.append(text(r["label"]) + (f"（{text(c['label'])}）" if len(t.value_columns(table)) > 1 else ""))
        return " + ".join(parts) if parts else '<span class="na">—</span>'

    head = "".join(f"<th>{text(templates[t].title)}</th>" for t in tids)
    rows = []
    for c in crosswalk.concepts:
        cols = "".join(f"<td>{cells_label(templates[t], crosswalk.cells_for(c['concept'], t))}</td>" for t in tids)
        rows.append(f'<tr id="{text(c["concept"])}"><td><strong>{text(c["label"])}</strong><br><small>{text(c["label_en"])}</small></td>'
                    f"<td>{text(COMPARABILITY_ZH[c['comparability']])}</td>{cols}<td>{text(c['caveat'])}</td></tr>")
    vs = sorted(views, key=lambda x: (x.meta["agency_id"], x.meta["year"]))
    vhead = "".join(f'<th class="num"><a href="{urls.rel(doc, v.doc())}">{text(v.meta["agency"])}</a><br>{text(v.meta["year"])}</th>'
                    for v in vs)
    vrows = []
    for c in crosswalk.concepts:
        if c["comparability"] == "none":
            continue
        tds = "".join(f'<td class="num">{value_html(*v.concept(c["concept"]))}</td>' for v in vs)
        vrows.append(f'<tr><td><a href="#{text(c["concept"])}">{text(c["label"])}</a></td>'
                     f'<td>{text(COMPARABILITY_ZH[c["comparability"]])}</td>{tds}</tr>')
    body = ("# 跨格式比较\n\n"
            + "<p>2019 年起，政府信息公开年度报告改用新的全国统一格式（国办公开办函〔2019〕60号，2021 年修订）。"
            + "新旧格式的统计表不同：有的数字口径相同，有的大体可比，有的无法比较。下表逐项说明，"
            + "对应关系本身也是数据（<code>data/crosswalk/</code>），可下载、可纠错。</p>\n\n"
            + "## 逐项对应\n\n"
            + f'<div class="xxgk-scroll"><table class="xxgk-stats"><thead><tr><th>指标</th><th>可比性</th>{head}<th>说明</th></tr></thead>'
            + f'<tbody>{"".join(rows)}</tbody></table></div>\n\n'
            + "## 各报告的数值\n\n"
            + "<p>按上表把各报告的单元格相加。“缺失”表示其中有读不出的单元格；“—”表示该报告的格式没有这一项（不适用）。"
            + "不同格式、不同机关之间比较时，请先读上表的说明。</p>\n\n"
            + f'<div class="xxgk-scroll"><table class="xxgk-stats sortable"><thead><tr><th>指标</th><th>可比性</th>{vhead}</tr></thead>'
            + f'<tbody>{"".join(vrows)}</tbody></table></div>\n')
    return collection_page(config, doc, "跨格式比较", body, "data/crosswalk/cells.csv", hide=["navigation"],
                           description="新旧统计表格式之间哪些数字可以比较，以及各报告的数值。")
