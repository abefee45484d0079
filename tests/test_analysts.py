"""The analysts' long table at a small N: the Parquet folder DuckDB writes, and the answers of the
documented queries on it, checked against the same figures computed directly from the specification."""

from decimal import Decimal

import pytest

from conftest import run_xxgk
from xxgk import analysts, model, paths
from xxgk.downloads import LABELLED_FIELDS
from xxgk.rules import ABSENT, BROKEN, evaluate

N = 200


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("analysts")
    spec = analysts.specification(N)
    written = analysts.write_parquet(spec, out / "parquet", out / "work")
    con = analysts.open_view(out / "parquet", out / "work")
    yield spec, written, con, out
    con.close()


def query(con, name, *params):
    return con.execute(analysts.queries()[name][1], list(params)).fetchall()


def test_parquet_is_the_long_table_partitioned_by_year(built):
    spec, written, con, out = built
    assert sorted(p.name for p in (out / "parquet").iterdir()) == [f"year={y}" for y in analysts.YEARS]
    assert written["partitions"] == len(analysts.YEARS)
    columns = {r[0]: r[1] for r in con.execute("DESCRIBE all_statistics").fetchall()}
    assert set(columns) == {f[0] for f in LABELLED_FIELDS}
    assert columns["year"] == "INTEGER" and columns["value"].startswith("DECIMAL") and columns["section"] == "INTEGER"
    assert con.execute("SELECT count(*) FROM all_statistics").fetchone()[0] == spec.rows
    assert con.execute("SELECT count(DISTINCT report_id) FROM all_statistics").fetchone()[0] == N
    # one row per cell of each report, as in the published all-statistics.csv
    dup = con.execute('SELECT count(*) FROM (SELECT report_id, "table", "row", "column" FROM all_statistics '
                      "GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
    assert dup == 0


def test_every_format_is_there_with_missing_and_absent_values(built):
    spec, _, con, _ = built
    states = dict(((t, s), n) for t, s, n in con.execute(
        "SELECT template, state, count(*) FROM all_statistics GROUP BY ALL").fetchall())
    assert {t for t, _ in states} == set(analysts.MISSING)
    assert all(states.get((t, "missing"), 0) > 0 for t in ("national-2014", "national-2019", "national-2021"))
    # missing and absent values are empty, never zero
    assert con.execute("SELECT count(*) FROM all_statistics WHERE state IN ('missing', 'absent') "
                       "AND value IS NOT NULL").fetchone()[0] == 0


def test_top_agencies_match_a_direct_computation(built):
    spec, _, con, _ = built
    got = query(con, "top_agencies")
    assert [(a, n, Decimal(v), c) for a, n, v, c in got] == analysts.direct_top_agencies(spec)
    assert len(got) == 10


def test_one_agency_series_matches_a_direct_computation(built):
    spec, _, con, _ = built
    agency = spec.reports[N // 2][1]
    got = query(con, "agency_series", agency)
    assert [(y, t, None if v is None else Decimal(v), s) for y, t, v, s in got] == analysts.direct_series(spec, agency)
    assert [y for y, *_ in got] == list(analysts.YEARS)


def test_missing_share_by_format_matches_a_direct_computation(built):
    spec, _, con, _ = built
    got = query(con, "missing_by_template")
    assert [row[:4] for row in got] == analysts.direct_missing(spec)
    for template, cells, absent, missing, share in got:
        assert share == pytest.approx(missing / (cells - absent))


def test_downloads_page_example_runs_on_the_partitioned_table(built):
    spec, _, con, _ = built
    got = query(con, "downloads_example")
    expected = sorted((r[2], r[4], analysts._received(spec, r)[0]) for r in spec.reports)  # every format
    assert [(a, y, None if v is None else Decimal(v)) for a, y, v in got] == expected


def test_every_report_keeps_the_rules_of_its_template(built):
    spec, _, con, _ = built
    templates = {t: model.load_template(paths.TEMPLATES / t) for t in analysts.MISSING}
    for report_id, template in con.execute("SELECT DISTINCT report_id, template FROM all_statistics "
                                           "ORDER BY report_id LIMIT 40").fetchall():
        rows = con.execute('SELECT "table", "row", "column", value, state FROM all_statistics WHERE report_id = ?',
                           [report_id]).fetchall()
        values = {(t, r, c): ABSENT if s == "absent" else (None if v is None else Decimal(v)) for t, r, c, v, s in rows}
        broken = [res.id for res in evaluate(templates[template], values) if res.status == BROKEN]
        assert broken == [], (report_id, broken)


@pytest.mark.parametrize("bad", ["0", "x", "-5", "", "1.5"])
def test_bad_analysts_argument_is_a_clear_error(bad):
    result = run_xxgk("bench", "--analysts", bad)
    assert result.returncode == 2, result.stderr
    assert "--analysts" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("bad", ["0", "x", "-5", "", "1,,10", "10,0"])
def test_bad_bench_sizes_are_a_clear_error(bad):
    result = run_xxgk("bench", "--sizes", bad)
    assert result.returncode == 2, result.stderr
    assert "--sizes" in result.stderr and "Traceback" not in result.stderr


def test_long_table_is_stacked_by_csvstack_and_joined_by_part(tmp_path):
    from xxgk.downloads import concat, stack

    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    a.write_text("x,y\n1,\"a,b\"\n", encoding="utf-8")
    b.write_text("x,y\n2,\"多\n行\"\n", encoding="utf-8")
    c.write_text("y,x\n3,4\n", encoding="utf-8")
    stack([a, b], tmp_path / "part1.csv")  # csvstack: one header, LF line ends
    assert (tmp_path / "part1.csv").read_text(encoding="utf-8") == "x,y\n1,\"a,b\"\n2,\"多\n行\"\n"
    stack([], tmp_path / "empty.csv")
    concat([tmp_path / "part1.csv", tmp_path / "empty.csv", a], tmp_path / "all.csv")
    assert (tmp_path / "all.csv").read_text(encoding="utf-8") == "x,y\n1,\"a,b\"\n2,\"多\n行\"\n1,\"a,b\"\n"
    with pytest.raises(RuntimeError, match="header"):
        concat([a, c], tmp_path / "bad.csv")
