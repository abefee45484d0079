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
        parts = [f"# {text(t.title)}\n\n", f"<p>模板编号 <code>{text(t.id)}</code>。{text(t.descriptor.get('description', ''))}</p>\n\n"]
        for table in sorted(t.tables, key=lambda x: x["order"]):
            cols = t.value_columns(table["key"])
            parts.append(f"## {text(table['label'])}\n\n<p>{text(table['label_en'])}。数值列："
                         + "、".join(f"{text(c['label'])}（<code>{text(c['key'])}</code>，{text(c['label_en'])}）" for c in cols) + "</p>\n\n")
            body = []
            for r in t.table_rows(table["key"]):
                rl = " ".join(f'<a href="#rule-{text(x)}">{text(x)}</a>' for x in rules_of.get((table["key"], r["key"]), []))
                also = variants.get((table["key"], r["key"]), [])
                label = text(r["label"]) + (f'<br><small>也印作：{text("、".join(also))}</small>' if also else "")
                kind = "分组标题" if r["kind"] == "heading" else text(r["value_type"])
                if r.get("optional"):
                    kind += "，可选行"
                body.append(f'<tr id="{text(r["key"])}" class="lvl-{text(r["level"])}"><td><code>{text(r["key"])}</code></td>'
                            f'<td class="label">{label}</td><td>{text(r["label_en"])}</td><td>{text(r["unit"])}</td>'
                            f'<td>{kind}</td><td>{text(r["definition"])}</td><td>{rl}</td></tr>')
            parts.append('<div class="xxgk-scroll"><table class="xxgk-stats"><thead><tr><th>键</th><th>标签（原文）</th><th>English label</th>'
                         f'<th>单位</th><th>类型</th><th>说明 / Definition</th><th>规则</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>\n\n')
        rule_rows = "".join(
            f'<tr id="rule-{text(r["id"])}"><td>{text(r["id"])}</td><td>{text(r["label"])}</td><td>{text(r["label_en"])}</td>'
            f'<td>{text(KIND_ZH.get(r["kind"], r["kind"]))}</td>'
            f'<td>{text({"strict": "必须成立", "soft": "通常成立"}.get(r["severity"], r["severity"]))}</td></tr>' for r in t.rules)
        parts.append("## 算术规则 / Arithmetic rules\n\n"
                     + '<div class="xxgk-scroll"><table><thead><tr><th>编号</th><th>规则</th><th>Rule</th><th>类型</th><th>严格程度</th></tr></thead>'
                     + f"<tbody>{rule_rows}</tbody></table></div>\n\n")
        out.append(Page(path=doc, title=t.title, body="".join(parts), description=f"统计表模板：{t.title}",
                        edit_url=config.edit_url(paths.rel(t.folder / "rows.csv")),
                        report_url=config.report_url(t.id, "统计表模板")))
    return out
