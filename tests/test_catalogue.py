"""The machine-readable site: schema.org/Dataset on report pages, the DCAT catalogue, the sitemap, descriptions.

JSON-LD is read as a harvester reads it: turned into RDF triples by pyld, offline. The catalogue carries its
own context; the report pages name https://schema.org, served here from a small local copy (the entries of
https://schema.org/docs/jsonldcontext.jsonld these pages use). Any other remote document fails the test.
"""

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from pyld import jsonld

from conftest import ROOT, SEED, site_data

SCHEMA = "http://schema.org/"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
MEDIA = {".csv": "text/csv", ".json": "application/json", ".zip": "application/zip",
         ".parquet": "application/vnd.apache.parquet", ".pdf": "application/pdf", ".html": "text/html", ".txt": "text/plain"}
SCHEMA_CONTEXT = {"@context": {
    "@vocab": SCHEMA, "schema": SCHEMA,
    **{k: {"@id": f"schema:{k}", "@type": "@id"} for k in ("url", "contentUrl", "license", "sameAs")},
}}


def loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}
    raise AssertionError(f"JSON-LD asked for a remote document: {url}")


def triples(doc) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) of a JSON-LD document, offline."""
    data = jsonld.to_rdf(doc, {"documentLoader": loader})
    return {(t["subject"]["value"], t["predicate"]["value"], t["object"]["value"]) for t in data["@default"]}


def objects(ts, s, p) -> set[str]:
    return {o for (s1, p1, o) in ts if s1 == s and p1 == p}


def config():
    import yaml

    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


SITE_URL = config()["site_url"].rstrip("/") + "/"


def local(site: Path, url: str) -> Path:
    """The built file an absolute URL of the site names."""
    assert url.startswith(SITE_URL), url
    path = site / url[len(SITE_URL):]
    return path / "index.html" if url.endswith("/") else path


def report_ids() -> list[str]:
    return sorted(p.name for p in (site_data() / "reports").iterdir() if (p / "report.csv").is_file())


def page_jsonld(site: Path, report_id: str) -> list[dict]:
    html = (site / "reports" / report_id / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    return [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]


# --- schema.org on each report page

def test_every_report_page_carries_one_dataset(site):
    ids = report_ids()
    assert len(ids) >= 3
    for rid in ids:
        docs = page_jsonld(site, rid)
        assert len(docs) == 1, rid
        ts = triples(docs[0])
        datasets = {s for s, p, o in ts if p == RDF_TYPE and o == SCHEMA + "Dataset"}
        assert datasets == {SITE_URL + f"reports/{rid}/#dataset"}, rid


def test_report_dataset_says_what_matters(site):
    from xxgk import model
    from xxgk.site.version import report_version

    for rid in report_ids():
        d = SITE_URL + f"reports/{rid}/#dataset"
        ts = triples(page_jsonld(site, rid)[0])
        package = model.load_report(site_data() / "reports" / rid)
        meta = package.meta
        assert objects(ts, d, SCHEMA + "license") == {CC_BY}
        assert objects(ts, d, SCHEMA + "temporalCoverage") == {str(meta["year"])}
        assert objects(ts, d, SCHEMA + "version") == {report_version(site_data() / "reports" / rid)}
        assert objects(ts, d, SCHEMA + "url") == {SITE_URL + f"reports/{rid}/"}
        # the agency created the report's figures; this project publishes the dataset
        (creator,) = objects(ts, d, SCHEMA + "creator")
        assert objects(ts, creator, SCHEMA + "name") == {meta["agency"]}
        assert (creator, RDF_TYPE, SCHEMA + "GovernmentOrganization") in ts
        (publisher,) = objects(ts, d, SCHEMA + "publisher")
        assert objects(ts, publisher, SCHEMA + "name") == {config()["site_name"]}
        assert objects(ts, publisher, SCHEMA + "url") == {SITE_URL}
        (place,) = objects(ts, d, SCHEMA + "spatialCoverage")
        assert objects(ts, place, SCHEMA + "name") == {meta["region"]}
        (code,) = objects(ts, place, SCHEMA + "identifier")
        assert objects(ts, code, SCHEMA + "value") == {meta["region_code"]}
        (report,) = objects(ts, d, SCHEMA + "isBasedOn")
        assert objects(ts, report, SCHEMA + "author") == {creator}
        original = package.source.get("path")
        if original:
            assert report == original and objects(ts, report, SCHEMA + "url") == {original}, rid
        else:
            assert objects(ts, report, SCHEMA + "url") == set(), rid
        if meta["published"]:
            assert objects(ts, report, SCHEMA + "datePublished") == {meta["published"].isoformat()}


def test_report_distributions_resolve_to_built_files(site):
    kinds = set()
    for rid in report_ids():
        d = SITE_URL + f"reports/{rid}/#dataset"
        ts = triples(page_jsonld(site, rid)[0])
        dists = objects(ts, d, SCHEMA + "distribution")
        urls = set()
        for dist in dists:
            (url,) = objects(ts, dist, SCHEMA + "contentUrl")
            assert local(site, url).is_file(), url
            (fmt,) = objects(ts, dist, SCHEMA + "encodingFormat")
            assert fmt == MEDIA[Path(url).suffix], url
            urls.add(url)
            kinds.add(fmt)
        base = SITE_URL + f"downloads/{rid}/"
        assert {base + f"{rid}.zip", base + "datapackage.json", base + "statistics.csv", base + "corrections.csv"} <= urls
        # every file of the package is offered, except the Excel copies (the same data with a BOM)
        published = {base + p.name for p in (site / "downloads" / rid).iterdir()
                     if p.is_file() and not p.name.endswith(".excel.csv")}
        assert urls == published, rid
    assert {"text/csv", "application/json", "application/zip"} <= kinds


def test_date_modified_is_the_last_commit_of_the_report_folder():
    """Built from data/ in the work tree: the date of git's last commit to the folder, none with uncommitted changes."""
    from xxgk.site.catalogue import _last_changes

    reports = ROOT / "data" / "reports"
    git = ["git", "-C", str(ROOT)]
    if subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True).returncode != 0:
        pytest.skip("not a git work tree")
    dates = _last_changes(str(reports))
    assert dates, "no dates from git"
    for folder in sorted(p for p in reports.iterdir() if p.is_dir()):
        rel = folder.relative_to(ROOT)
        dirty = subprocess.run(git + ["status", "--porcelain", "--", str(rel)], capture_output=True, text=True).stdout.strip()
        last = subprocess.run(git + ["log", "-1", "--format=%cI", "--", str(rel)], capture_output=True, text=True).stdout.strip()
        expected = None if dirty or not last else last[:10]
        assert dates.get(folder.name) == expected, folder.name


def test_jsonld_cannot_close_its_script_element(tmp_path):
    """A title from data/ with </script> stays inside the JSON (json_script), and reads back unchanged."""
    from xxgk import model
    from xxgk.site.catalogue import report_jsonld
    from xxgk.site.config import site_config
    from xxgk.site.view import ReportView

    templates = {f.name: model.load_template(f) for f in model.template_folders(ROOT / "data" / "templates")}
    report = model.load_report(SEED)
    v = ReportView(report, templates[report.meta["template"]], [], site_config())
    hostile = '标题</script><script>alert(1)</script><!-- & "'
    v.meta["title"] = hostile
    html = report_jsonld(v)
    assert html.count("</script>") == 1 and "<script>" not in html[1:] and "<!--" not in html
    body = html[len('<script type="application/ld+json">'):html.index("</script>")]
    assert json.loads(body)["name"].startswith(hostile)


# --- the DCAT catalogue

@pytest.fixture(scope="module")
def catalogue(site):
    doc = json.loads((site / "catalog.jsonld").read_text(encoding="utf-8"))
    return doc, triples(doc)


def test_catalogue_lists_every_report_as_the_page_names_it(catalogue, site):
    doc, ts = catalogue
    cat = SITE_URL + "catalog.jsonld"
    assert (cat, RDF_TYPE, DCAT + "Catalog") in ts
    datasets = objects(ts, cat, DCAT + "dataset")
    for rid in report_ids():
        d = SITE_URL + f"reports/{rid}/#dataset"
        assert d in datasets and (d, RDF_TYPE, DCAT + "Dataset") in ts, rid
        assert objects(ts, d, DCT + "license") == {CC_BY}
        assert objects(ts, d, DCT + "identifier") == {rid}
        assert objects(ts, d, DCAT + "landingPage") == {SITE_URL + f"reports/{rid}/"}
        (period,) = objects(ts, d, DCT + "temporal")
        year = rid.rsplit("-", 1)[1]
        assert objects(ts, period, DCAT + "startDate") == {f"{year}-01-01"}
        assert objects(ts, period, DCAT + "endDate") == {f"{year}-12-31"}
    # the templates, the crosswalk and the long tables are in it too
    assert SITE_URL + "codebook/national-2021/#dataset" in datasets
    assert SITE_URL + "downloads/#all" in datasets


def test_catalogue_distributions_are_the_built_files(catalogue, site):
    doc, ts = catalogue
    dists = {s for s, p, o in ts if p == RDF_TYPE and o == DCAT + "Distribution"}
    assert len(dists) > 5 * len(report_ids())
    types = set()
    for dist in dists:
        (url,) = objects(ts, dist, DCAT + "downloadURL")
        path = local(site, url)
        assert path.is_file(), url
        assert objects(ts, dist, DCAT + "byteSize") == {str(path.stat().st_size)}, url
        (media,) = objects(ts, dist, DCAT + "mediaType")
        assert media == "https://www.iana.org/assignments/media-types/" + MEDIA[path.suffix], url
        types.add(MEDIA[path.suffix])
    assert "application/vnd.apache.parquet" in types


def test_every_page_links_the_catalogue_in_its_head(site):
    pages = [p for p in site.rglob("*.html") if p.name in ("index.html", "404.html")]  # not a published source.html
    assert len(pages) > 50
    for html in pages:
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        links = soup.head.find_all("link", rel="alternate", type="application/ld+json")
        assert len(links) == 1, html
        href = links[0]["href"]
        if html.name == "404.html":  # served at any depth, so MkDocs writes its links from the site's root path
            assert href == urlsplit(SITE_URL).path + "catalog.jsonld"
            continue
        assert not urlsplit(href).scheme, (html, href)  # relative: the site works under any sub-path
        assert (html.parent / href).resolve() == (site / "catalog.jsonld").resolve(), (html, href)


def test_downloads_page_links_the_catalogue(site):
    soup = BeautifulSoup((site / "downloads" / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article")
    links = [a for a in article.find_all("a", href=True) if a["href"].split("#")[0].endswith("catalog.jsonld")]
    assert links, "the downloads page should link catalog.jsonld (see scripts/xxgk/site/pages/downloads.py)"
    assert ((site / "downloads") / links[0]["href"]).resolve() == (site / "catalog.jsonld").resolve()


# --- sitemap and descriptions

def built_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if not p.relative_to(site).parts[0] in ("assets", "pagefind", "search"))


def url_of(site: Path, html: Path) -> str:
    rel = html.parent.relative_to(site).as_posix()
    return SITE_URL + ("" if rel == "." else rel + "/")


def test_sitemap_lists_every_page_at_site_url(site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert len(locs) == len(set(locs))
    assert set(locs) == {url_of(site, p) for p in built_pages(site)}
    assert all(loc.startswith(SITE_URL) for loc in locs)


def descriptions(site: Path) -> dict[str, str]:
    out = {}
    for html in built_pages(site):
        meta = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").find("meta", attrs={"name": "description"})
        out[url_of(site, html)[len(SITE_URL):]] = meta["content"] if meta else ""
    return out


HAND_WRITTEN = ("about/", "guide/", "architecture/")


def test_every_generated_page_has_its_own_description(site):
    found = descriptions(site)
    generated = {k: v for k, v in found.items() if k not in HAND_WRITTEN}
    for url, text in generated.items():
        assert len(text) >= 10 and re.search(r"[\u4e00-\u9fff]", text), (url, text)
    seen = {}
    for url, text in generated.items():
        assert text not in seen, f"{url} and {seen.get(text)} share the description {text!r}"
        seen[text] = url


def test_hand_written_pages_have_their_own_description(site):
    found = descriptions(site)
    others = {v for k, v in found.items() if k not in HAND_WRITTEN}
    for url in HAND_WRITTEN:
        text = found[url]
        assert text and text not in others and list(found.values()).count(text) == 1, (
            f"docs/{url[:-1]}.md needs its own `description:` in its front matter (now {text!r})")
