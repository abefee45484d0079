"""The architecture page's figures come from the benchmark's JSON, between markers, never typed by hand."""

from __future__ import annotations

import json

import pytest

from xxgk import bench
from xxgk.model import UserError


def row(n: int, total: float) -> dict:
    return {"n": n, "parts": 3, "validate_s": 1.0, "generate_s": 2.0, "top_s": 3.0, "render_s": 4.0, "assemble_s": 0.5,
            "total_s": total, "s_per_report": total / n, "cpu_s": 2 * total, "max_part_peak_mib": 700.0,
            "top_peak_mib": 400.0, "part_peaks": {"y2021": [700.0, "pagefind"], "top": [400.0, "main"]},
            "update_s": 27.5, "update_parts": ["y2021", "top"], "one_report_validate_s": 0.2, "pages": 40 * n,
            "site_mib": 1.2 * n, "search_index_mib": 0.2 * n, "first_query_bytes": 500_000, "templates": ["national-2021"]}


def test_update_docs_writes_each_block_from_its_json(tmp_path):
    results = tmp_path / "bench"
    results.mkdir()
    rows = [row(1000, 110.0), row(10000, 1100.0)]
    rows[0] |= {"single_s": 330.0, "speedup": 3.0}
    machine = {"date": "2026-11-28", "cores": 2, "memory_gib": 24, "python": "3.11.7", "commit": "abc1234"}
    (results / "results.json").write_text(json.dumps({"machine": machine, "rows": rows}), encoding="utf-8")
    page = tmp_path / "architecture.md"
    markers = "".join(f"<!-- {name}:begin -->\nold\n<!-- {name}:end -->\n\n" for name in ("bench", "renderers", "batch", "analysts"))
    page.write_text("# 规模\n\n" + markers + "结尾\n", encoding="utf-8")
    bench.update_docs(results, page)
    text = page.read_text(encoding="utf-8")
    assert "| 1000 | 3 |" in text and "| 10000 | 3 |" in text
    assert "快" not in text and "单遍用时是分卷构建的 3.0 倍" in text
    assert "约 795 份报告时就到上限" in text  # 1 GB / 1.2 MiB per report
    for name in ("renderers", "batch", "analysts"):  # the blocks without results stay as they were
        assert f"<!-- {name}:begin -->\nold\n<!-- {name}:end -->" in text
    assert text.endswith("结尾\n")
    once = text
    bench.update_docs(results, page)
    assert page.read_text(encoding="utf-8") == once  # idempotent


def test_update_docs_needs_the_markers(tmp_path):
    results = tmp_path / "bench"
    results.mkdir()
    page = tmp_path / "architecture.md"
    page.write_text("# 规模\n", encoding="utf-8")
    with pytest.raises(UserError, match="bench:begin"):
        bench.update_docs(results, page)


def test_the_architecture_page_has_every_block():
    text = bench.ARCHITECTURE.read_text(encoding="utf-8")
    for name in bench._blocks():
        assert bench._marked(name).search(text), name
