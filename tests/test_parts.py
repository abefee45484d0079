"""`xxgk site`: the site in parts, incremental, assembled atomically, equal to the site built in one piece."""

import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import HUAIAN, ROOT, SEED, render_unsharded
from xxgk.site.build import build
from xxgk.site.parts import TOP, build_site

KEEP = (SEED.name, HUAIAN.name, "350128-pingtan-zhsyq-2012", "350128-pingtan-zhsyq-2013", "350128-pingtan-xian-2013")
CHANGED = "350128-pingtan-zhsyq-2012"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Five reports over four years, built in parts; and the same data built in one piece, every HTML block
    through Python-Markdown (without the hooks that set one-line blocks aside)."""
    tmp = tmp_path_factory.mktemp("parts")
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("drafts"))
    for rep in (data / "reports").iterdir():
        if rep.name not in KEEP:
            shutil.rmtree(rep)
    result = build_site(data_dir=data, target=tmp / "site", parts_dir=tmp / "parts", jobs=2, max_reports=1)
    assert result is not None
    assert build(data_dir=data, out_dir=tmp / "one" / "docs") == 0
    whole = render_unsharded(tmp / "one" / "docs", tmp / "one", hooks=False)
    return {"tmp": tmp, "data": data, "site": tmp / "site", "whole": whole, "result": result}


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def is_search(rel: str) -> bool:
    return rel.startswith(("pagefind/", "pagefind-parts/")) or rel.startswith("sitemap.xml")


def locs(site: Path) -> set[str]:
    return set(re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8")))


def test_parts_are_the_report_years_and_top(built):
    names = [p.name for p in built["result"].parts]
    # at most one report a part (max_reports=1): 2013 has two reports of the same county, which cannot be split
    assert names == ["y2012", "y2013-350128", "y2018", "y2024", TOP]
    assert {p.name: p.reports for p in built["result"].parts} == {
        "y2012": 1, "y2013-350128": 2, "y2018": 1, "y2024": 1, TOP: 5}
    assert all(p.rendered == "full" for p in built["result"].parts)
    for part in built["result"].parts:  # each part has its own search index
        if part.name != TOP:
            assert (built["site"] / "pagefind-parts" / part.name / "pagefind-entry.json").is_file()
    assert (built["site"] / "pagefind" / "pagefind-entry.json").is_file()


def test_the_assembled_site_equals_the_site_built_in_one_piece(built):
    """Page for page and byte for byte (search files aside): also proves the MkDocs hooks change nothing."""
    parts, whole = files(built["site"]), files(built["whole"])
    assert sorted(k for k in parts if not is_search(k)) == sorted(k for k in whole if not is_search(k))
    differ = [k for k in parts if not is_search(k) and parts[k] != whole[k]]
    assert differ == []
    assert len([k for k in parts if k.endswith(".html")]) > 60
    assert locs(built["site"]) == locs(built["whole"])  # the merged sitemap lists the same pages
    listed = (built["site"] / "pagefind" / "parts.json").read_text(encoding="utf-8")
    assert all(f'"{p.name}"' in listed for p in built["result"].parts if p.name != TOP)


def test_every_link_of_the_assembled_site_resolves(built):
    site = built["site"]
    broken = []
    for html in site.rglob("*.html"):
        if html.name == "404.html":
            continue  # its links are absolute, under the site's path on the web server (/reports/)
        page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for el in page.find_all(tag):
                target = el.get(attr)
                if not target or urlsplit(target).scheme or target.startswith(("#", "mailto:", "//")):
                    continue
                path = unquote(urlsplit(target).path)
                if not path:
                    continue
                resolved = (html.parent / path).resolve()
                if resolved.is_dir():
                    resolved = resolved / "index.html"
                if not resolved.is_file():
                    broken.append((html.relative_to(site).as_posix(), target))
    assert broken == []


def snapshot(site: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in site.rglob("*") if p.is_file()}


def test_one_changed_report_rewrites_only_its_pages_and_the_index_pages(built, tmp_path):
    site, data, tmp = built["site"], built["data"], built["tmp"]
    before = snapshot(site)
    overview = site / "reports" / CHANGED / "index.html"
    kept = tmp_path / "old-overview.html"
    os.link(overview, kept)  # the file a reader of the old site holds
    old_bytes = kept.read_bytes()
    report = data / "reports" / CHANGED / "report.csv"
    text = report.read_text(encoding="utf-8")
    published = re.search(r",(\d{4}-\d{2}-\d{2}),", text).group(1)
    report.write_text(text.replace(published, "2013-01-02", 1), encoding="utf-8")
    try:
        result = build_site(data_dir=data, target=site, parts_dir=tmp / "parts", jobs=2, max_reports=1)
    finally:
        report.write_text(text, encoding="utf-8")
    by_name = {p.name: p for p in result.parts}
    assert by_name["y2012"].rendered == "dirty"
    assert all(by_name[n].rendered == "" for n in ("y2013-350128", "y2018", "y2024"))  # untouched parts
    assert by_name["y2012"].loaded == 1  # only the changed part reads its reports; the others keep their summaries
    assert all(by_name[n].loaded == 0 for n in ("y2013-350128", "y2018", "y2024"))
    after = snapshot(site)
    changed = {k for k in after if k not in before or after[k][1] != before[k][1]}
    assert f"reports/{CHANGED}/index.html" in changed
    top_pages = {p.relative_to(tmp / "parts" / TOP / "site").as_posix() for p in (tmp / "parts" / TOP / "site").rglob("*")}
    outside = {k for k in changed if not k.startswith((f"reports/{CHANGED}/", f"downloads/{CHANGED}/"))
               and k not in top_pages and not is_search(k)}
    assert outside == set()
    # every other report's pages are the very same files: not written again
    for k, (ino, _) in before.items():
        if k.startswith("reports/") and not k.startswith(f"reports/{CHANGED}/"):
            assert after[k][0] == ino, k
    assert kept.read_bytes() == old_bytes  # the old site was never written in place
    assert "2013-01-02" in overview.read_text(encoding="utf-8")


def test_bad_data_leaves_the_assembled_site(built, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(built["data"], data)
    stats = data / "reports" / HUAIAN.name / "statistics.csv"
    stats.write_text(stats.read_text(encoding="utf-8").replace("requests,new,natural,3001,", "requests,new,natural,-1,", 1),
                     encoding="utf-8")
    before = snapshot(built["site"])
    assert build_site(data_dir=data, target=built["site"], parts_dir=built["tmp"] / "parts", max_reports=1) is None
    assert snapshot(built["site"]) == before


def test_a_removed_report_leaves_the_site_and_one_part_builds_alone(built, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(built["data"], data)
    shutil.rmtree(data / "reports" / "350128-pingtan-xian-2013")
    parts = tmp_path / "parts"
    shutil.copytree(built["tmp"] / "parts", parts, symlinks=True)
    # 2013 now holds one report: no longer split, its part is y2013
    only = build_site(data_dir=data, target=tmp_path / "site", parts_dir=parts, only="y2013", max_reports=1)
    assert [p.name for p in only.parts] == ["y2013"] and not (tmp_path / "site").exists()  # a CI job: no assembly
    assert not (parts / "y2013" / "site" / "reports" / "350128-pingtan-xian-2013").exists()
    whole = build_site(data_dir=data, target=tmp_path / "site", parts_dir=parts, max_reports=1)
    assert {p.name: p.rendered for p in whole.parts}["y2013"] == ""  # already built by the part's own run
    assert not (parts / "y2013-350128").exists()  # the part that held it is gone
    assert not (tmp_path / "site" / "reports" / "350128-pingtan-xian-2013").exists()
    assert (tmp_path / "site" / "reports" / "350128-pingtan-zhsyq-2013" / "index.html").is_file()
    assert "350128-pingtan-xian-2013" not in (tmp_path / "site" / "reports" / "index.html").read_text(encoding="utf-8")


def test_parts_are_listed_for_a_ci_matrix(built):
    import json

    from conftest import run_xxgk

    result = run_xxgk("site", "--list-parts", "--data", built["data"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["y2012", "y2013", "y2018", "y2024"]  # top is built with the assembly


def test_a_part_past_the_limit_splits_by_province_then_city_then_county():
    from xxgk.site.parts import part_names_of

    regions = ["370102", "370102", "370103", "370200", "350128", "110000"]
    assert part_names_of(2021, regions, max_reports=10) == ["y2021"] * 6
    assert part_names_of(2021, regions, max_reports=4) == ["y2021-37"] * 4 + ["y2021-35", "y2021-11"]
    assert part_names_of(2021, regions, max_reports=3) == ["y2021-3701"] * 3 + ["y2021-3702", "y2021-35", "y2021-11"]
    assert part_names_of(2021, regions, max_reports=1) == [
        "y2021-370102", "y2021-370102", "y2021-370103", "y2021-3702", "y2021-35", "y2021-11"]


def test_agency_pages_are_searched_in_bundles_by_region(built, tmp_path):
    """The top part's agency pages go into their own Pagefind bundles, split by region past the limit, and a
    grouping of an earlier build is removed."""
    from xxgk.site import search

    top = built["tmp"] / "parts" / TOP
    assert json.loads((built["site"] / "pagefind" / "parts.json").read_text(encoding="utf-8"))[0] == "agencies"
    pages = sorted(top.glob("site/agencies/*/index.html"))
    assert len(pages) >= 4
    site = tmp_path / "site"
    shutil.copytree(top / "site", site, ignore=shutil.ignore_patterns("pagefind*"))
    (site / "pagefind-parts" / "agencies-99").mkdir(parents=True)  # left by an earlier grouping
    stats = search.index_top(site, top / "docs", max_records=1)
    names = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    # one agency page has more than one record: split down to the county (350128 holds two agencies)
    assert names == ["agencies-320800", "agencies-350128", "agencies-370000"]
    assert not (site / "pagefind-parts" / "agencies-99").exists()
    assert [s_.bundle for s_ in stats[1:]] == [f"pagefind-parts/{n}" for n in names]
    assert sum(s_.pages for s_ in stats[1:]) >= len(pages) and stats[0].pages  # the rest stays in the main bundle


def test_a_build_killed_midway_leaves_nothing_that_passes_for_current(built, monkeypatch):
    """Killed right after one report's new pages were written: the next build, on the data as it was, writes
    that report's pages again instead of trusting the keys and summaries of the build before."""
    from xxgk.site import parts as P

    data, tmp = built["data"], built["tmp"]
    report = data / "reports" / CHANGED / "report.csv"
    text = report.read_text(encoding="utf-8")
    published = re.search(r",(\d{4}-\d{2}-\d{2}),", text).group(1)
    report.write_text(text.replace(published, "2013-01-03", 1), encoding="utf-8")
    real_sync = P.sync

    def killed_after_the_pages(new, old, prefixes=None):
        out = real_sync(new, old, prefixes)
        if prefixes and prefixes[0].startswith("reports/"):
            raise KeyboardInterrupt
        return out

    monkeypatch.setattr(P, "sync", killed_after_the_pages)
    job = P.PartJob("y2012", tmp / "parts" / "y2012", data, P.plan(data, 1)["y2012"], {})
    try:
        with pytest.raises(KeyboardInterrupt):
            P.generate_part(job)
    finally:
        monkeypatch.setattr(P, "sync", real_sync)
        report.write_text(text, encoding="utf-8")
    result = build_site(data_dir=data, target=built["site"], parts_dir=tmp / "parts", jobs=2, max_reports=1)
    assert {p.name: p.loaded for p in result.parts}["y2012"] == 1
    page = (built["site"] / "reports" / CHANGED / "index.html").read_text(encoding="utf-8")
    assert "2013-01-03" not in page and published in page


def test_top_alone_needs_the_report_parts_built_first(built, tmp_path):
    from xxgk.model import UserError

    with pytest.raises(UserError, match="还没有生成"):
        build_site(data_dir=built["data"], target=tmp_path / "site", parts_dir=tmp_path / "parts", jobs=1,
                   only=TOP, max_reports=1)
    assert not (tmp_path / "parts" / "y2012" / "docs" / "reports").exists()  # it generated nothing of theirs


@pytest.mark.parametrize("where", ["out-in-data", "out-is-repo", "work-is-data"])
def test_site_and_work_folders_never_overlap_the_data(built, tmp_path, monkeypatch, where):
    """Refused before anything is written. Every folder here is a scratch copy: were the check ever lost, the
    build would replace a copy, never the repository or the shared test data."""
    from xxgk import paths
    from xxgk.model import UserError

    repo = tmp_path / "repo"
    data = repo / "data"
    shutil.copytree(built["data"], data)
    monkeypatch.setattr(paths, "ROOT", repo)
    target, work = {"out-in-data": (data / "site", tmp_path / "w"), "out-is-repo": (repo, tmp_path / "w"),
                    "work-is-data": (tmp_path / "site", data)}[where]
    with pytest.raises(UserError, match="不能"):
        build_site(data_dir=data, target=target, parts_dir=work, jobs=1, max_reports=1)
    assert (data / "reports" / CHANGED / "report.csv").is_file() and not (tmp_path / "w").exists()


def test_the_hook_leaves_code_blocks_alone():
    """A one-line HTML block inside a fenced code block is code: the hooks keep it escaped, as Markdown does."""
    import markdown

    from xxgk.site import mkdocs_hooks

    class Page:
        pass

    page = Page()
    source = 'Intro\n\n```html\n\n<div class="x">code</div>\n\n```\n\n<div class="y">block</div>\n'
    plain = markdown.markdown(source, extensions=["fenced_code"])
    hooked = mkdocs_hooks.on_page_content(
        markdown.markdown(mkdocs_hooks.on_page_markdown(source, page, None, None), extensions=["fenced_code"]),
        page, None, None)
    assert hooked == plain and "&lt;div" in hooked
