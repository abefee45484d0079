"""The `xxgk` command."""

from __future__ import annotations

import argparse
import sys

from . import __version__


def cmd_validate(args) -> int:
    from .findings import ERROR, RENDERERS
    from .validate import validate

    findings, checked = validate(args.paths, jobs=args.jobs)
    sys.stdout.write(RENDERERS[args.format](findings, checked))
    return 1 if any(f.severity == ERROR for f in findings) else 0


def cmd_build(args) -> int:
    from .build import build

    return build(check=not args.no_validate)


def cmd_bench(args) -> int:
    from .bench import main as bench_main

    return bench_main([int(x) for x in args.sizes.split(",")])


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xxgk", description="政府信息公开工作年度报告开放数据：校验数据、生成网站。")
    parser.add_argument("--version", action="version", version=f"xxgk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="校验数据包（默认：data/ 下全部）")
    p.add_argument("paths", nargs="*", help="数据包文件夹、其 datapackage.yaml，或包含数据包的文件夹")
    p.add_argument("--format", choices=["text", "json", "github"], default="text",
                   help="text：终端；json：机器读取；github：GitHub Actions 注释")
    p.add_argument("--jobs", type=int, default=None, help="并行进程数（默认：CPU 核数）")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="从 data/ 生成网站页面到 docs/（之后运行 mkdocs build）")
    p.add_argument("--no-validate", action="store_true", help="跳过校验（仅用于调试）")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("bench", help="用 N 份生成的报告构建网站并测量耗时、内存与页面大小（不改动 data/）")
    p.add_argument("--sizes", default="1,10,100,1000", help="逗号分隔的 N，例如 1,200")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
