"""The `xxgk` command."""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .model import UserError


def positive(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    import argparse

    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"应为不小于 1 的整数，实际为 {value!r}")
    return n


def cmd_validate(args) -> int:
    from .findings import ERROR, RENDERERS
    from .validate import validate

    findings, checked = validate(args.paths, jobs=args.jobs)
    sys.stdout.write(RENDERERS[args.format](findings, checked))
    return 1 if any(f.severity == ERROR for f in findings) else 0


def cmd_sources(args) -> int:
    from pathlib import Path

    from . import paths
    from .sources import add, status
    from .validate import discover

    if args.add:
        for name in args.add:
            p = Path(name)
            if not p.is_file():
                raise UserError(f"找不到文件 {name}")
            digest, target = add(p)
            print(f"sha256:{digest}  {paths.rel(target)}")
        return 0
    rows = status([p for p in discover(args.paths) if p.is_dir()])
    cache = paths.source_cache()
    print(f"原始文件缓存：{cache if cache else '（没有：设置 XXGK_SOURCES，或在仓库根目录建 sources/）'}")
    labels = {"ok": "在缓存中，sha256 一致", "extracted": "由原始文件重新提取，sha256 一致", "absent": "不在缓存中",
              "mismatch": "sha256 不一致！"}
    for r in rows:
        print(f"{r['package']}  {r['name']:<11}  {labels[r['state']]}  {r['hash']}  {r['file']}")
    bad = sum(r["state"] == "mismatch" for r in rows)
    absent = sum(r["state"] == "absent" for r in rows)
    print(f"共 {len(rows)} 个原始文件：{len(rows) - bad - absent} 个可用，{absent} 个不在缓存中，{bad} 个与记录不符。")
    return 1 if bad else 0


def cmd_build(args) -> int:
    from pathlib import Path

    from .site.build import build

    import os

    return build(check=not args.no_validate, data_dir=Path(args.data).resolve() if args.data else None,
                 out_dir=Path(os.path.abspath(args.out)) if args.out else None)  # the link itself, not what it points at


def cmd_site(args) -> int:
    import os
    from pathlib import Path

    from .site.parts import build_site, part_names, summary

    if args.list_parts:
        import json

        print(json.dumps([p for p in part_names(Path(args.data).resolve() if args.data else None) if p != "top"]))
        return 0
    result = build_site(data_dir=Path(args.data).resolve() if args.data else None,
                        target=Path(os.path.abspath(args.out)) if args.out else None, jobs=args.jobs, only=args.part,
                        check=not args.no_validate, parts_dir=Path(os.path.abspath(args.work)) if args.work else None)
    if result is None:
        return 1
    print(summary(result, Path(os.path.abspath(args.out)) if args.out else None))
    return 0


def cmd_bench(args) -> int:
    from .bench import main as bench_main, parse_sizes, update_docs

    if args.analysts is not None:
        from .analysts import main as analysts_main, parse_reports

        return analysts_main(parse_reports(args.analysts), keep=args.keep)
    if args.batch:
        from .bench import batch_main

        return batch_main()
    if args.renderers is not None:
        from .bench import renderers_main

        return renderers_main(parse_sizes(args.renderers)[0])
    if args.update_docs and args.sizes is None:
        print(f"已更新 {update_docs()}")
        return 0
    return bench_main(parse_sizes(args.sizes if args.sizes is not None else "1000,10000"), update=args.update_docs)


def cmd_new(args) -> int:
    from pathlib import Path

    from . import paths
    from .scaffold import new_report

    folder = new_report(args.agency, args.agency_id, args.region_code, args.region, args.year, args.template,
                        title=args.title, source=Path(args.source), published=args.published or "", url=args.url or "")
    print(f"已生成 {paths.rel(folder)}/。下一步：填写 statistics.csv、prose.csv、figures.csv 与 corrections.csv，"
          f"然后运行 xxgk validate {paths.rel(folder)}")
    return 0


def cmd_diff(args) -> int:
    from .diff import run

    sys.stdout.write(run(args.base, args.head, args.format))
    return 0


def cmd_search_index(args) -> int:
    from pathlib import Path

    from .postbuild import search_index

    stats = search_index(Path(args.site), Path(args.docs) if args.docs else None, part=args.part, reports=args.reports)
    print(f"搜索索引 {args.site}/{stats.bundle}/：{stats.records} 条结果（统计表行 {stats.rows}，页面段落 {stats.pages}），"
          f"{stats.files} 个文件，{stats.bytes / 2**20:.2f} MiB，{stats.seconds:.1f} 秒")
    return 0


def cmd_import(args) -> int:
    from pathlib import Path

    from . import paths
    from .importer import diff_against, import_report

    if args.batch:
        from .importer.batch import main as batch_main

        if args.source or args.id or args.evaluate:
            raise UserError("--batch 从清单读取原始文件与 id：不要同时给 SOURCE、--id 或 --evaluate")
        return batch_main(Path(args.batch), Path(args.out) if args.out else None, args.scheduler, args.workers)
    if args.scheduler or args.workers is not None:
        raise UserError("--scheduler 与 --workers 只用于 --batch")
    if args.evaluate:
        from .importer.evaluate import evaluate_all, render

        sys.stdout.write(render(evaluate_all(scan=args.scan, only=args.report or None)))
        return 0
    if not (args.source and args.id):
        raise UserError("需要原始文件 SOURCE 与 --id（或者用 --evaluate）")
    out = Path(args.out) if args.out else None
    draft = import_report(Path(args.source), args.id, out, template_id=args.template, agency=args.agency or "",
                          region_code=args.region_code or "", region=args.region or "", title=args.title or "",
                          url=args.url or "", published=args.published or "")
    print(f"模板：{draft.recognition}")
    print(f"已生成草稿 {paths.rel(draft.folder)}/（{draft.seconds:.2f} 秒），待人工决定 {len(draft.review)} 项，"
          f"见 {paths.rel(draft.folder / 'review.md')}。下一步：xxgk validate {paths.rel(draft.folder)}")
    curated = paths.REPORTS / args.id
    if paths.find_descriptor(curated):
        rows = diff_against(curated, draft)
        print(f"\n{paths.rel(curated)} 已有整理好的数据包，没有改动它。草稿与它不同的单元格：{len(rows)} 个")
        if rows:
            print("| 单元格 | 整理数据 | 草稿 |\n|---|---|---|\n" + "\n".join(rows[:200]))
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xxgk", description="政府信息公开工作年度报告开放数据：校验数据、生成网站。")
    parser.add_argument("--version", action="version", version=f"xxgk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="校验数据包（默认：data/ 下全部）")
    p.add_argument("paths", nargs="*", help="数据包文件夹、其 datapackage.yaml，或包含数据包的文件夹")
    p.add_argument("--format", choices=["text", "json", "github", "markdown"], default="text",
                   help="text：终端；json：机器读取；github：GitHub Actions 注释；markdown：GitHub 任务摘要")
    p.add_argument("--jobs", type=positive, default=None, help="并行进程数（默认：CPU 核数）")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("sources", help="列出每个数据包需要的原始文件，核对缓存中文件的 sha256；--add 把文件放进缓存")
    p.add_argument("paths", nargs="*", help="数据包文件夹（默认：data/ 下全部）")
    p.add_argument("--add", nargs="+", metavar="FILE", help="把这些文件按 sha256 放进原始文件缓存（XXGK_SOURCES 或 sources/）")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("build", help="从 data/ 生成网站页面到 docs/（之后运行 mkdocs build）")
    p.add_argument("--no-validate", action="store_true", help="跳过校验（仅用于调试）")
    p.add_argument("--data", help="从这个数据目录生成（默认 data/）")
    p.add_argument("--out", help="页面写到这里（默认 build/docs，MkDocs 的 docs_dir）；它是指向最新一次完整生成的链接")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("site", help="生成整个网站到 site/：按报告年度分卷，只重新生成有改动的报告与分卷，并行渲染，最后原子地组装")
    p.add_argument("--data", help="数据文件夹（默认 data/）")
    p.add_argument("--out", help="网站文件夹（默认 site/）")
    p.add_argument("--jobs", type=positive, help="同时渲染的分卷数（默认：CPU 核数）")
    p.add_argument("--work", help="分卷的工作文件夹（默认 build/parts；保留它，下次只重新生成有改动的部分）")
    p.add_argument("--part", help="只生成这一个分卷（如 y2018 或 top），不组装（供 CI 矩阵使用）")
    p.add_argument("--no-validate", action="store_true", help="不先校验（仅供测量）")
    p.add_argument("--list-parts", action="store_true", help="只列出各年度分卷名（JSON），供 CI 矩阵使用（top 分卷在组装时生成）")
    p.set_defaults(func=cmd_site)

    p = sub.add_parser("import", help="从网页、PDF、扫描件或文本起草一份报告的数据包（草稿放在 data/drafts/，从不覆盖已有数据包）")
    p.add_argument("source", nargs="?", help="原始文件：网页（.html）、带文字层的 PDF、扫描 PDF，或文本")
    p.add_argument("--id", help="报告编号：行政区划代码-机构简称-年度，例如 320800-gov-2024")
    p.add_argument("--template", help="统计表模板的编号（默认：按表格自动识别），见 data/templates/")
    p.add_argument("--agency", help="机构名称（原文）；也用来识别混入正文的公章文字")
    p.add_argument("--region-code", help="行政区划代码（默认取自报告编号）")
    p.add_argument("--region", help="地区名称")
    p.add_argument("--title", help="报告标题（默认取自原文）")
    p.add_argument("--url", help="原文的发布网址（http 或 https）")
    p.add_argument("--published", help="发布日期 YYYY-MM-DD（默认取自原文）")
    p.add_argument("--out", help="草稿写到哪个目录（默认 data/drafts）；已有的数据包不会被覆盖")
    p.add_argument("--evaluate", action="store_true", help="把 data/reports 中每份整理好的报告从每种原始文件重新导入并比较")
    p.add_argument("--scan", action="store_true", help="评估时也把带文字层的 PDF 转成扫描件，用 OCR 导入（较慢）")
    p.add_argument("--report", action="append", help="只评估这份报告（可重复）")
    p.add_argument("--batch", metavar="MANIFEST.csv",
                   help="批量导入清单中的每一份（列：source,id,template,agency,region_code,region,url）；用 Dask 并行，"
                        "结果逐条记在草稿目录的 <清单名>.results.csv，重新运行会跳过已有草稿的条目")
    p.add_argument("--scheduler", metavar="ADDRESS", help="--batch 使用已有的 Dask 集群（例如 tcp://10.0.0.5:8786）；默认在本机启动")
    p.add_argument("--workers", type=positive, help="--batch 在本机启动的 worker 进程数（默认：CPU 核数，每个一个线程）")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("search-index", help="为 mkdocs build 生成的网站建立搜索索引（Pagefind，写入网站的 pagefind/）")
    p.add_argument("site", help="mkdocs build 的输出目录，例如 site")
    p.add_argument("--docs", help="网站的页面来源目录（默认：build/docs，xxgk build 的输出）")
    p.add_argument("--part", help="只为一部分报告建立分卷索引（写入 pagefind-parts/PART/），浏览器把各分卷合并查询")
    p.add_argument("--reports", metavar="GLOB", help="只收录编号匹配的报告，例如 '*-2018'（默认：全部）")
    p.set_defaults(func=cmd_search_index)

    p = sub.add_parser("new", help="新建一份报告的数据包：模板的每一行都在，数值全部为缺失")
    p.add_argument("--agency", required=True, help="机构名称（原文），例如 山东省财政厅")
    p.add_argument("--agency-id", required=True, help="稳定的机构编号：行政区划代码-英文简称，例如 370000-czt")
    p.add_argument("--region-code", required=True, help="GB/T 2260 行政区划代码，例如 370000")
    p.add_argument("--region", required=True, help="地区名称，例如 山东省")
    p.add_argument("--year", required=True, type=int, help="报告年度（统计期间所在年份）")
    p.add_argument("--template", required=True, help="统计表模板，见 data/templates/")
    p.add_argument("--title", help="报告标题（默认：机构名称 + 年度 + 年政府信息公开工作年度报告）")
    p.add_argument("--published", help="发布日期 YYYY-MM-DD")
    p.add_argument("--source", required=True, help="原始文件（PDF、网页或文本）：放进原始文件缓存，描述文件记录它的 sha256")
    p.add_argument("--url", help="原始文件的发布网址（http 或 https）")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("diff", help="两个 git 版本之间改动了哪些统计数值、正文段落与勘误记录")
    p.add_argument("base", help="基准版本，例如 origin/main")
    p.add_argument("head", nargs="?", default=None, help="比较的版本（默认：工作区）")
    p.add_argument("--format", choices=["markdown", "json"], default="markdown")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("bench", help="用 N 份生成的报告构建网站并测量耗时、内存与页面大小（不改动 data/）；"
                                     "结果写到 build/bench/results.md 与 results.json")
    p.add_argument("--sizes", default=None, help="逗号分隔的 N（正整数），例如 1,200；默认 1000,10000")
    p.add_argument("--update-docs", action="store_true",
                   help="把最新的测量结果写进 docs/architecture.md 的 bench 标记之间（不给 --sizes 时只做这一步）")
    p.add_argument("--analysts", metavar="N", default=None,
                   help="改为测量分析者的用法：N 份合成报告的长表写成按年份分区的 Parquet，计时 DuckDB 查询")
    p.add_argument("--renderers", metavar="N", default=None,
                   help="改为比较渲染器：N 份生成报告的页面，分别用 mkdocs build（带与不带钩子、--dirty）与 Zensical 渲染")
    p.add_argument("--batch", action="store_true",
                   help="改为测量批量导入：真实原始文件（含渲染出的扫描件）用 1 个与 2 个 worker 导入，每份、每页的秒数")
    p.add_argument("--keep", metavar="DIR", default=None, help="--analysts：把生成的 Parquet 留在 DIR（默认测完删除）")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not bad input: bad input is reported as findings
        if os.environ.get("XXGK_DEBUG"):
            raise
        print(f"内部错误（程序缺陷，不是数据问题）：{type(exc).__name__}: {exc}\n"
              "请设置环境变量 XXGK_DEBUG=1 重新运行以查看详细信息，并报告这个问题。", file=sys.stderr)
        return 3
