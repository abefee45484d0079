"""The downloads page: every file the site publishes, with its size and row count, and how to use them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ... import downloads
from ...model import Template
from .. import urls
from ..config import SiteConfig
from ..escape import text
from ..material import NO_INDEX, Page
from ..version import data_version
from ..view import ReportView
from .indexes import collection_page

def duckdb_example(crosswalk) -> str:
    return f'''import duckdb

# 各机关每年收到的申请数（all-statistics.parquet 下载到当前目录）
print(duckdb.sql("""
{downloads.example_sql(crosswalk)}
"""))'''


def file_item(doc: str, out: Path, rel_path: str, label: str) -> str:
    """A link to a published file with its size, and its row count for a CSV."""
    path = out / rel_path
    info = downloads.file_info(path)
    return f'<a href="{urls.rel(doc, urls.downloads(rel_path))}">{text(label)}</a>（{text(info)}）'


def downloads_page(views: list[ReportView], templates: dict[str, Template], config: SiteConfig, out: Path,
                   crosswalk=None) -> Page:
    """out: the built downloads folder (sizes and row counts are read from the files themselves)."""
    doc = urls.downloads()
    today = dt.date.today().isoformat()
    parts = ["# 数据下载\n\n",
             f"<p>数据版本 <code>{text(data_version())}</code>，生成于 {today}。所有文件都是 UTF-8 编码的 CSV，第一行是列名，"
             "空格表示缺失（不是 0），数值不带千位分隔符，金额以万元计。文件名以 <code>.excel.csv</code> 结尾的是带 BOM 的副本，"
             "在中文 Windows 的 Excel 中双击即可正确显示。每个数据包的 <code>datapackage.json</code> 说明每一列的含义与约束"
             "（Frictionless Data 标准）。</p>\n\n",
             "## 全部报告的长表\n\n",
             "<p><strong>全部统计数值</strong>：每份报告的每个统计数值一行，带部分、上级行、行与列的标签、单位、状态（中英文）、说明与原文位置。"
             "<strong>可比指标</strong>：按<a href=\"" + urls.rel(doc, urls.COMPARE) + "\">跨格式对应关系</a>把单元格相加，"
             "每份报告每个指标一行；报告的格式没有这一项时状态为“不适用”。</p>\n\n<ul>",
             "<li>全部统计数值：" + " · ".join(file_item(doc, out, f, lbl) for f, lbl in (
                 ("all-statistics.csv", "CSV"), ("all-statistics.excel.csv", "Excel 版"), ("all-statistics.parquet", "Parquet"))) + "</li>",
             "<li>可比指标：" + " · ".join(file_item(doc, out, f, lbl) for f, lbl in (
                 ("all-concepts.csv", "CSV"), ("all-concepts.excel.csv", "Excel 版"), ("all-concepts.parquet", "Parquet"))) + "</li>",
             f'<li>{file_item(doc, out, "all.datapackage.json", "两张长表的表结构（datapackage.json）")}</li>',
             f'<li>{file_item(doc, out, "coverage.csv", "收录情况（机关 × 年度）")}</li></ul>\n\n' if (out / "coverage.csv").exists() else "</ul>\n\n",
             f'<p>机器可读的数据目录：<a href="{urls.rel(doc, urls.CATALOGUE)}">catalog.jsonld</a>'
             "（DCAT，JSON-LD），列出每个数据包与每个文件的地址、格式、大小和许可，供数据门户与搜索引擎收录。</p>\n\n",
             "### 用 DuckDB 查询 Parquet\n\n",
             "<p>Parquet 是 DuckDB、Spark、各类云数据仓库直接读取的列式格式；数据变大、CSV 不够用时就用它。"
             "<code>value</code> 是小数类型，缺失为 NULL；<code>year</code> 是整数。不同统计表格式的行键不同，"
             f"哪些数字可以跨格式比较见<a href=\"{urls.rel(doc, urls.COMPARE)}\">跨格式比较</a>。"
             "例：各机关每年收到的政府信息公开申请数（<code>pip install duckdb</code>）：</p>\n\n",
             f'<pre><code class="language-python">{text(duckdb_example(crosswalk))}</code></pre>\n\n',
             "## 各报告的数据包\n\n",
             "<p>每份报告一行：整个数据包（zip，含各 CSV、带 BOM 的 Excel 版、带标签的统计表与原始文件）与它的表结构"
             "（datapackage.json）。每个文件的单独下载在报告页的“下载”中。</p>\n\n"]
    rows = []
    for v in sorted(views, key=lambda x: (-x.meta["year"], x.meta["agency_id"])):
        base = f"{v.id}/"
        rows.append(f'<tr id="{text(v.id)}"><td><a href="{urls.rel(doc, v.doc())}">{text(v.meta["agency"])}</a></td>'
                    f'<td class="num">{text(v.meta["year"])}</td>'
                    f'<td>{file_item(doc, out, base + v.id + ".zip", "zip")}</td>'
                    f'<td><a href="{urls.rel(doc, urls.downloads(base + "datapackage.json"))}">datapackage.json</a></td></tr>')
    parts.append(f'<div class="xxgk-scroll"><table class="sortable cards" {NO_INDEX}><thead><tr><th>机关</th><th>年度</th>'
                 f'<th>整个数据包</th><th>表结构</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>\n\n')
    parts.append("## 统计表模板\n\n")
    for t in templates.values():
        base = f"templates/{t.id}/"
        files = [file_item(doc, out, base + res["path"], res["path"]) for res in t.descriptor["resources"]]
        files += [file_item(doc, out, base + "datapackage.json", "datapackage.json"), file_item(doc, out, base + f"{t.id}.zip", "zip")]
        parts.append(f'<h3 id="template-{text(t.id)}">{text(t.title)}</h3><p {NO_INDEX}>{" · ".join(files)}</p>\n\n')
    return collection_page(config, doc, "数据下载", "".join(parts), description="下载全部报告的统计数值、正文、勘误记录与表结构。")
