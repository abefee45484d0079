"""The codebook: one page per template, with its tables, rows, columns, label variants and rules."""

from __future__ import annotations

from collections import defaultdict

from ... import paths
from ...model import Template
from .. import urls
from ..config import SiteConfig
from ..escape import text
from ..material import Page
from .indexes import collection_page

KIND_ZH = {"equal": "相等", "at_most": "不大于", "at_least": "不小于", "carry": "跨年度：结转", "running_total": "跨年度：累计"}
OPEN_ENDED = 2100  # x-template years [start, 2100]: still in use
VALUE_TYPE_ZH = {"integer": "整数", "decimal": "小数"}


def introduction(t: Template) -> str:
    """The template in Chinese, from its structured metadata; its English notes (the descriptor's description and
    x-template notes) follow, folded and marked as English."""
    x = t.descriptor.get("x-template") or {}
    said = [f"模板编号 <code>{text(t.id)}</code>。"]
    if x.get("introduced"):
        said.append(f"依据：{text(x['introduced'])}。")
    years = x.get("years") or []
    if len(years) == 2:
        a, b = years
        said.append(f"用于 {text(a)} 年度起的报告。" if b >= OPEN_ENDED else f"用于 {text(a)}–{text(b)} 年度的报告。")
    if x.get("variant"):
        said.append(f"适用于{text(x['variant'])}。")
    items = sum(1 for r in t.rows if r["kind"] == "item")
    optional = sum(1 for r in t.rows if r["kind"] == "item" and r.get("optional"))
    said.append(f"共 {len(t.tables)} 张表、{items} 个数据行、{len(t.rules)} 条表内算术规则。每一行有稳定的英文键，"
                "标签按官方表格原样保存，另有用于匹配的规范化标签；“也印作”列出各报告印出的其他写法。")
    if optional:
        said.append(f"其中 {optional} 行是可选行：有的报告的表格不印这一行，这时它的数值标为“未列出”，不是“缺失”。")
    notes = [x.get(k) for k in ("differences", "note")]
    english = [n for n in [t.descriptor.get("description")] + notes if n]
    fold = ""
    if english:
        fold = ('<details class="xxgk-en"><summary>英文说明（English notes）</summary><div lang="en">'
                + "".join(f"<p>{text(n)}</p>" for n in english) + "</div></details>\n\n")
    return f"<p>{''.join(said)}</p>\n\n" + fold


def definition_cell(r: dict) -> str:
    """The row's definition in Chinese; its English version after it, marked as English."""
    en = r.get("definition_en")
    return text(r["definition"]) + (f'<br><small lang="en">{text(en)}</small>' if en else "")


def codebook_pages(templates: dict[str, Template], config: SiteConfig) -> list[Page]:
    index = urls.codebook()
    items = "".join(f'<li><a href="{urls.rel(index, urls.codebook(t.id))}">{text(t.title)}</a>（<code>{text(t.id)}</code>）</li>'
                    for t in templates.values())
    out = [collection_page(config, index, "统计表模板", "# 统计表模板\n\n"
                           + "<p>每种统计表格式（模板）都是数据：行、列、单位与表内算术规则。每一行有稳定的英文键，"
                           + "标签按官方表格原样保存，另有用于匹配的规范化标签。</p>\n\n" + f"<ul>{items}</ul>\n",
                           description="统计表模板：每种统计表格式的行、列、单位与算术规则。")]
    for t in templates.values():
        doc = urls.codebook(t.id)
        rules_of = defaultdict(list)
        for rule in t.rules:
            for ref in rule["total"].split() + rule["parts"].split():
                rules_of[(rule["table"], ref.split(":")[0])].append(rule["id"])
        variants = defaultdict(list)
        for lab in t.labels:
            variants[(lab["table"], lab["target"])].append(lab["label"])
        parts = [f"# {text(t.title)}\n\n", introduction(t)]
        for table in sorted(t.tables, key=lambda x: x["order"]):
            cols = t.value_columns(table["key"])
            english = f"{table['label_en']}. Columns: " + "; ".join(c["label_en"] for c in cols) + "."
            parts.append(f"## {text(table['label'])}\n\n<p>数值列："
                         + "、".join(f"{text(c['label'])}（<code>{text(c['key'])}</code>）" for c in cols)
                         + f'。<br><small lang="en">{text(english)}</small></p>\n\n')
            body = []
            for r in t.table_rows(table["key"]):
                rl = " ".join(f'<a href="#rule-{text(x)}">{text(x)}</a>' for x in rules_of.get((table["key"], r["key"]), []))
                also = variants.get((table["key"], r["key"]), [])
                label = text(r["label"]) + (f'<br><small>也印作：{text("、".join(also))}</small>' if also else "")
                kind = "分组标题" if r["kind"] == "heading" else text(VALUE_TYPE_ZH.get(r["value_type"], r["value_type"]))
                if r.get("optional"):
                    kind += "，可选行"
                body.append(f'<tr id="{text(r["key"])}" class="lvl-{text(r["level"])}"><td class="key" data-label="键"><code>{text(r["key"])}</code></td>'
                            f'<td class="label" data-label="标签（原文）">{label}</td><td data-label="English label" lang="en">{text(r["label_en"])}</td>'
                            f'<td data-label="单位">{text(r["unit"])}</td><td data-label="类型">{kind}</td>'
                            f'<td data-label="说明">{definition_cell(r)}</td><td class="rules" data-label="规则">{rl}</td></tr>')
            parts.append('<div class="xxgk-scroll"><table class="xxgk-stats cards"><thead><tr><th>键</th><th>标签（原文）</th><th>English label</th>'
                         f'<th>单位</th><th>类型</th><th>说明</th><th>规则</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>\n\n')
        rule_rows = "".join(
            f'<tr id="rule-{text(r["id"])}"><td data-label="编号">{text(r["id"])}</td><td data-label="规则">{text(r["label"])}</td>'
            f'<td data-label="Rule" lang="en">{text(r["label_en"])}</td><td data-label="类型">{text(KIND_ZH.get(r["kind"], r["kind"]))}</td>'
            f'<td data-label="严格程度">{text({"strict": "必须成立", "soft": "通常成立"}.get(r["severity"], r["severity"]))}</td></tr>' for r in t.rules)
        parts.append("## 算术规则 / Arithmetic rules\n\n"
                     + '<div class="xxgk-scroll"><table class="cards"><thead><tr><th>编号</th><th>规则</th><th>Rule</th><th>类型</th><th>严格程度</th></tr></thead>'
                     + f"<tbody>{rule_rows}</tbody></table></div>\n\n")
        out.append(Page(path=doc, title=t.title, body="".join(parts), description=f"统计表模板“{t.title}”：各表的行、列、单位、说明与表内算术规则。",
                        edit_url=config.edit_url(paths.repo_path(t.folder / "rows.csv")),
                        report_url=config.report_url(t.id, "统计表模板"), mail_url=config.mail_url(t.id, "统计表模板")))
    return out
