"""A web page: the report's article body as text, and its tables with their spans.

Government sites wrap a report in their own chrome: header, menus, breadcrumbs
(当前位置), a 来源/时间/字体/打印/关闭 bar, share buttons (微信 微博 QQ空间), 附件下载,
related links and a footer (版权所有, 备案号, 网站标识码). The reader must work on
sites nobody here has seen, so it uses no site-specific selectors. Instead:

1. **Drop what is never content**: script, style, iframe, form controls and the
   like, always; nav, header, footer, aside, form, ``role=navigation`` and hidden
   elements (``hidden``, inline ``display:none`` / ``visibility:hidden``) unless one
   holds more than half of the page's CJK text (ASP.NET pages wrap everything in a
   ``<form>``; a report behind a hidden tab is still the report).
2. **Measure text density.** The page is cut into lines the way a browser shows it
   (block elements and ``<br>`` end a line, inline elements do not). A line weighs
   its CJK characters and digits times ``1 - link density``; a line that is mostly
   link text (a menu item, a breadcrumb, a related link) weighs nothing. An
   element weighs what the lines inside it weigh.
3. **Descend to the article body.** From ``<body>``, step into the heaviest child
   while it still holds at least ``DESCEND`` of the page's weight. Stop rather than
   leave behind a table with real text, and never step into a data table (only
   into a layout table one of whose cells holds the article). The result is the
   smallest element holding most of the report text and its tables.
4. **Trim the edges.** Lines before the first substantial line (a long paragraph
   or a table row) and after the last one are dropped when they look like site
   chrome: mostly link text, or a short line with a chrome phrase (当前位置, 打印,
   版权所有 ...). Lines between them are never dropped.

The text: one line per block, whitespace collapsed to one space and stripped, a
source line break between two CJK characters removed (as CSS does for Chinese),
inline elements joined without a space (Word writes ``78<span>967</span>``),
zero-width characters removed. Each table row is one line: the texts of the cells
that start in that row, joined by TAB. Cells are placed with the HTML table
algorithm (rowspans carry down, colspans advance the column, spans clamped to the
table). Inside a cell, lines are joined without a space next to a CJK character
(Word prints narrow headers as 结/果/维/持) and with one space otherwise. A nested
table is a table of its own, its rows written after the outer row that holds it;
a one-column table whose cells hold paragraphs or tables is layout, and its cells
are read as ordinary blocks.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urljoin

from ..document import Cell, Document, Table

KIND = "html"
VERSION = 1  # of this reader's method; bump it whenever the text it produces can change
METHOD = ("xxgk html reader {version}: article body found by text density; blocks as lines, "
          "table rows as TAB-separated cells (beautifulsoup4 {bs4}, lxml {lxml})")

DESCEND = 0.75  # step into a child holding at least this share of the page's text weight
TABLE_KEEP = 20  # a table weighing this much is report content and must stay inside the body
LONG_LINE = 40  # a line weighing this much (and not mostly links) is surely report text
SHORT_CHROME = 60  # a chrome phrase marks a line only if the line is this short
MAX_COLSPAN, MAX_ROWSPAN = 1000, 65534  # the HTML standard's limits

NEVER_CONTENT = frozenset(
    "script style noscript template iframe frame frameset object embed applet svg math canvas "
    "video audio map button select input textarea option datalist head title meta link".split())
CHROME_TAGS = frozenset("nav header footer aside form menu dialog".split())
BLOCK = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li "
    "main menu nav ol p pre section summary table tbody td tfoot th thead tr ul".split())
TABLE_PARTS = frozenset("table thead tbody tfoot tr".split())

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_DENSE = re.compile(r"[0-9\u2e80-\u9fff\uf900-\ufaff\uff10-\uff19]")  # what a line's weight counts
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")  # CJK, full width
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CHROME = re.compile(
    r"当前位置|您的位置|您现在的位置|你的位置|所在位置|版权所有|备案号|ICP备|网站标识码|主办单位|承办单位|"
    r"技术支持|网站地图|联系我们|QQ空间|分享到|扫一扫|附件下载|相关链接|相关文章|相关阅读|上一篇|下一篇|"
    r"返回顶部|打印|关闭|收藏|字体\s*[:：]?\s*[【\[(（]?\s*[大中小]|字号\s*[:：]|"
    r"^(来源|信息来源|发布时间|发布日期|作者|浏览次数|点击数|访问量|阅读次数)\s*[:：]")
_SECTION = re.compile(r"[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]")
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
_META_DATE = re.compile(_DATE + r"|(\d{4})(\d{2})(\d{2})")
_STRONG_DATE = re.compile(r"(?:发布时间|发布日期|发表时间|公开日期|发文日期|发布于)\s*[:：]?\s*" + _DATE)
_WEAK_DATE = re.compile(r"(?:时间|日期)\s*[:：]\s*" + _DATE)
_DATE_META = ("pubdate", "publishdate", "publish_date", "publish-date", "publishtime", "article:published_time",
              "og:published_time", "og:release_date", "firstpublishedtime", "releasedate", "dc.date.issued",
              "dcterms.issued", "dc.date", "dcterms.date", "date")
_TITLE_META = ("articletitle", "og:title", "twitter:title", "dc.title", "title")
_URL_META = ("og:url", "url")
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|－|—|--|\s-\s)\s*")


def method() -> str:
    import bs4
    import lxml.etree

    lxml_version = ".".join(map(str, lxml.etree.LXML_VERSION[:3]))
    return METHOD.format(version=VERSION, bs4=bs4.__version__, lxml=lxml_version)


# --- bytes to text ---------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_:.\-]+)""", re.I)
# labels as browsers read them: GB2312 and GBK pages are decoded with their superset GB18030
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030",
            "csgb2312": "gb18030", "iso-8859-1": "windows-1252", "latin1": "windows-1252",
            "us-ascii": "windows-1252", "ascii": "windows-1252", "utf8": "utf-8"}


def decode(data: bytes, name: str = "网页") -> tuple[str, str]:
    """The page's text and the encoding used: BOM, else the declared charset, else UTF-8, else GB18030."""
    from . import SourceError

    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise SourceError(f"{name} 以 {encoding} 的字节顺序标记开头，但第 {exc.start + len(bom)} 个字节"
                                  f"无法按 {encoding} 解码") from None
    match = _META_CHARSET.search(data[:4096]) or _XML_ENCODING.search(data[:1024])
    declared = match.group(1).decode("ascii").lower() if match else ""
    declared = _ALIASES.get(declared, declared)
    if declared.startswith("utf-16"):  # a page that can declare it in ASCII is not UTF-16
        declared = "utf-8"
    error = None
    for encoding in dict.fromkeys(e for e in (declared, "utf-8", "gb18030") if e):
        try:
            return data.decode(encoding), encoding
        except LookupError:  # an unknown charset name
            continue
        except UnicodeDecodeError as exc:
            error = error or exc
    where = f"（第 {error.start} 个字节）" if error else ""
    said = f"声明的 {declared}、" if declared not in ("", "utf-8", "gb18030") else ""
    raise SourceError(f"{name} 无法解码：既不是{said}UTF-8，也不是 GB18030{where}")


# --- the page as lines -----------------------------------------------------------------------

BREAK = ("break",)


def _is_text(node) -> bool:
    """Text a browser shows: not a comment, CDATA, processing instruction or doctype."""
    from bs4.element import NavigableString, PreformattedString

    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def _flow(el, tables: bool):
    """Rendering events below el, in reading order.

    ("text", text, in_link, node), BREAK where a line ends, and ("table", tag) for a
    table when ``tables`` is set (else its cells are blocks like any other). Iterative,
    so absurdly deep markup cannot exhaust Python's recursion limit.
    """
    from bs4.element import Tag

    inside = {el.name} | {p.name for p in el.parents}
    # each entry: children still to read, in a link, in <pre>, closes a block
    stack = [(iter(el.children), "a" in inside, "pre" in inside, False)]
    while stack:
        children, in_link, pre, block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if block:
                yield BREAK
        elif isinstance(child, Tag):
            name = child.name
            if name == "br":
                yield BREAK
            elif name == "table" and tables:
                yield ("table", child)
            else:
                starts_block = name in BLOCK
                if starts_block:
                    yield BREAK
                stack.append((iter(child.children), in_link or name == "a", pre or name == "pre", starts_block))
        elif _is_text(child):
            parts = str(child).split("\n") if pre else [str(child)]
            for i, part in enumerate(parts):
                if i:
                    yield BREAK
                yield ("text", part, in_link, child)


def collapse(raw: str) -> str:
    """Whitespace runs to one space, stripped; a line break between two CJK characters disappears."""
    raw = _INVISIBLE.sub("", raw)

    def space(m: re.Match) -> str:
        if "\n" in m.group() or "\r" in m.group():
            before = raw[m.start() - 1] if m.start() else ""
            after = raw[m.end()] if m.end() < len(raw) else ""
            if _WIDE.match(before) and _WIDE.match(after):
                return ""
        return " "

    return _SPACE.sub(space, raw).strip()


def join_lines(lines) -> str:
    """A cell's lines as one text: no space next to a CJK character (结/果/维/持, 2011/年度), else one space.

    Narrow columns wrap Chinese anywhere, so a line break there is no word boundary;
    two numbers on two lines (12/34) must stay two numbers.
    """
    out = ""
    for line in lines:
        if out and not (_WIDE.match(out[-1]) or _WIDE.match(line[0])):
            out += " "
        out += line
    return out


def weight(text: str) -> int:
    return len(_DENSE.findall(text))


class _Line:
    """A line being built: its text pieces, their nodes, and the weight of its link text."""

    def __init__(self):
        self.pieces: list[str] = []
        self.nodes: list = []
        self.link = 0

    def add(self, event: tuple) -> None:
        _, text, in_link, node = event
        self.pieces.append(text)
        self.nodes.append((node, text))
        if in_link:
            self.link += weight(text)

    def text(self) -> str:
        return collapse("".join(self.pieces))


def _lines(el, tables: bool):
    """(line, None) for each line below el, and (None, table) for each table when ``tables`` is set."""
    line = _Line()
    for event in _flow(el, tables):
        if event is BREAK or event[0] == "table":
            yield line, None
            line = _Line()
            if event is not BREAK:
                yield None, event[1]
        else:
            line.add(event)
    yield line, None


# --- finding the article body ----------------------------------------------------------------

def _drop(root, names: frozenset) -> None:
    for el in root.find_all(lambda t: t.name in names):
        if not el.decomposed:
            el.decompose()


def _drop_chrome(root) -> None:
    """Remove navigation, page header and footer, forms and hidden elements, unless one wraps the page."""
    from bs4.element import Tag

    total = weight(root.get_text())

    def chrome(t: Tag) -> bool:
        return (t.name in CHROME_TAGS or t.get("role") == "navigation" or t.has_attr("hidden")
                or bool(_HIDDEN_STYLE.search(str(t.get("style") or ""))))

    for el in root.find_all(chrome):
        if not el.decomposed and not (total and weight(el.get_text()) > total / 2):
            el.decompose()


def _weights(root) -> dict[int, float]:
    """Text weight of root and of every element under it, by id: CJK and digits, less link text."""
    from bs4.element import Tag

    own: dict[int, float] = defaultdict(float)
    for line, _ in _lines(root, tables=False):
        total = sum(weight(text) for _, text in line.nodes)
        density = line.link / total if total else 1.0
        if density <= 0.5:
            for node, text in line.nodes:
                own[id(node.parent)] += weight(text) * (1.0 - density)
    tags = [root] + [t for t in root.descendants if isinstance(t, Tag)]  # parents before children
    weights = {id(t): own.get(id(t), 0.0) for t in tags}
    for t in reversed(tags[1:]):
        weights[id(t.parent)] += weights[id(t)]
    return weights


def find_article(root, weights: dict[int, float]):
    """The smallest element holding most of the page's text weight and every table with real text."""
    from bs4.element import Tag

    page = weights.get(id(root), 0.0)
    tables = [(t, {id(p) for p in t.parents}) for t in root.find_all("table")  # with their ancestors' ids
              if weights.get(id(t), 0.0) >= TABLE_KEEP]
    node = root
    while page:
        kids = [c for c in node.children if isinstance(c, Tag)]
        if not kids:
            break
        best = max(kids, key=lambda c: weights.get(id(c), 0.0))
        if weights.get(id(best), 0.0) < DESCEND * page:
            break
        if best.name in TABLE_PARTS and not any(
                weights.get(id(c), 0.0) >= DESCEND * page for c in best.find_all(["td", "th"])):
            break  # a data table, not a layout table around the article
        if any(id(node) in above and id(best) not in above and t is not best for t, above in tables):
            break  # the child would leave a table of the report behind
        node = best
    return node


# --- tables ----------------------------------------------------------------------------------

def _span(value, limit: int) -> int:
    """A rowspan/colspan attribute as the HTML standard parses it: leading digits, else 1 (0 is kept)."""
    m = re.match(r"\s*(\d+)", str(value or ""))
    return min(int(m.group(1)), limit) if m else 1


def _rows(table) -> list:
    """The table's own rows in source order (not those of nested tables)."""
    from bs4.element import Tag

    rows, stack = [], [iter(table.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif isinstance(child, Tag):
            if child.name == "tr":
                rows.append(child)
            elif child.name not in ("table", "td", "th", "caption"):
                stack.append(iter(child.children))  # thead, tbody, tfoot, or what a broken page left there
    return rows


def _cells(tr) -> list:
    from bs4.element import Tag

    return [c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")]


def is_layout_table(table) -> bool:
    """A one-column table whose cells hold paragraphs or tables: page layout, not data."""
    rows = _rows(table)
    if not rows or any(len(_cells(tr)) > 1 for tr in rows):
        return False
    cells = [td for tr in rows for td in _cells(tr)]
    if any(_span(td.get("colspan"), MAX_COLSPAN) > 1 for td in cells):
        return False
    return any(td.find("table") is not None or len(td.find_all(["p", "div", "li", "br"], limit=2)) > 1
               for td in cells)


def place_cells(rows: list) -> tuple[list[tuple], int]:
    """The HTML table grid: (td, row, col, rowspan, colspan) for every cell, and how many spans were cut."""
    n = len(rows)
    section_end = [n] * n  # a rowspan stops at the end of its row group (thead, tbody, tfoot)
    for r in range(n - 2, -1, -1):
        section_end[r] = section_end[r + 1] if rows[r].parent is rows[r + 1].parent else r + 1
    occupied: dict[int, set[int]] = defaultdict(set)
    placed, cut = [], 0
    for r, tr in enumerate(rows):
        col = 0
        for td in _cells(tr):
            while col in occupied[r]:  # skip the columns taken by rowspans from above
                col += 1
            colspan = max(1, _span(td.get("colspan"), MAX_COLSPAN))
            rowspan = _span(td.get("rowspan"), MAX_ROWSPAN)
            room = section_end[r] - r
            if rowspan == 0:  # "to the end of the row group"
                rowspan = room
            elif rowspan > room:
                rowspan, cut = room, cut + 1
            for k in range(1, colspan):  # a colspan running into a rowspan from above stops there
                if col + k in occupied[r]:
                    colspan, cut = k, cut + 1
                    break
            for rr in range(r, r + rowspan):
                occupied[rr].update(range(col, col + colspan))
            placed.append((td, r, col, rowspan, colspan))
            col += colspan
    return placed, cut


# --- rendering the body ----------------------------------------------------------------------

class _Body:
    """The article body as lines; each table row a TAB-joined line, each table a Table."""

    def __init__(self):
        self.items: list[dict] = []  # {"text", "row": bool, "weight", "link", "cells"}
        self.tables: list[Table] = []
        self.notes: list[str] = []

    def render(self, el) -> None:
        for line, table in _lines(el, tables=True):
            if table is not None:
                self._table(table)
                continue
            text = line.text()
            if text:
                self.items.append({"text": text, "row": False, "weight": weight(text), "link": line.link, "cells": []})

    def _table(self, table) -> None:
        if is_layout_table(table):
            for tr in _rows(table):
                for td in _cells(tr):
                    self.render(td)
            return
        caption = table.find("caption", recursive=False)
        if caption is not None:
            self.render(caption)
        rows = _rows(table)
        placed, cut = place_cells(rows)
        by_row: dict[int, list[Cell]] = defaultdict(list)
        nested: dict[int, list] = defaultdict(list)  # tables inside the cells of each row
        for td, r, c, rowspan, colspan in placed:
            header = td.name == "th" or any(p.name == "thead" for p in _parents_within(td, table))
            texts = []
            for line, inner in _lines(td, tables=True):
                if inner is not None:
                    nested[r].append(inner)
                else:
                    texts.append(line.text())
            text = join_lines(t for t in texts if t)
            by_row[r].append(Cell(text=text, row=r, col=c, rowspan=rowspan, colspan=colspan, header=header))
        kept = any(cell.text for cells in by_row.values() for cell in cells)
        if kept:  # a table without any text (a spacer, or a frame around nested tables) is not a table
            self.tables.append(Table(index=len(self.tables) + 1, cells=[c for r in sorted(by_row) for c in by_row[r]]))
            if cut:
                self.notes.append(f"表格 {len(self.tables)}：{cut} 处跨行或跨列超出表格或与上方单元格重叠，已截断")
        for r in range(len(rows)):
            cells = by_row.get(r, [])
            if any(cell.text for cell in cells):
                text = "\t".join(cell.text for cell in cells)
                self.items.append({"text": text, "row": True, "weight": weight(text), "link": 0, "cells": cells})
            for inner in nested.get(r, []):
                self._table(inner)


def _parents_within(el, stop):
    for p in el.parents:
        if p is stop:
            return
        yield p


def _trim_edges(items: list[dict]) -> tuple[list[dict], int]:
    """Drop chrome lines before the first and after the last substantial line (long text or a table row)."""

    def linky(it: dict) -> bool:
        return it["link"] > it["weight"] / 2

    solid = [i for i, it in enumerate(items) if it["row"] or (it["weight"] >= LONG_LINE and not linky(it))]
    if not solid:
        return items, 0

    def chrome(it: dict) -> bool:
        return not it["row"] and (linky(it) or (len(it["text"]) <= SHORT_CHROME and bool(_CHROME.search(it["text"]))))

    kept = [it for i, it in enumerate(items) if solid[0] <= i <= solid[-1] or not chrome(it)]
    return kept, len(items) - len(kept)


# --- title, date, address --------------------------------------------------------------------

def _metas(soup) -> dict[str, str]:
    """Meta values by lower-cased name, property or itemprop (the first of each wins)."""
    out: dict[str, str] = {}
    for m in soup.find_all("meta"):
        key = m.get("name") or m.get("property") or m.get("itemprop") or ""
        content = str(m.get("content") or "").strip()
        if isinstance(key, str) and key.strip() and content:
            out.setdefault(key.strip().lower(), content)
    return out


def _date(text: str, pattern: re.Pattern) -> str:
    for m in pattern.finditer(text):
        y, mo, d = (int(g) for g in m.groups() if g is not None)
        try:
            date = datetime.date(y, mo, d)
        except ValueError:
            continue
        if 1990 <= date.year <= 2100:
            return date.isoformat()
    return ""


def _published(metas: dict[str, str], page_text: str) -> str:
    for key in _DATE_META:
        found = _date(metas.get(key, ""), _META_DATE)
        if found:
            return found
    return _date(page_text, _STRONG_DATE) or _date(page_text, _WEAK_DATE)


def _url(soup, metas: dict[str, str]) -> str:
    base = soup.find("base", href=True)
    candidates = []
    for link in soup.find_all("link", href=True):
        rel = link.get("rel") or []
        if "canonical" in [r.lower() for r in (rel if isinstance(rel, list) else str(rel).split())]:
            candidates.append(link["href"])
    candidates += [metas[k] for k in _URL_META if k in metas]
    for href in candidates:
        url = str(href).strip()
        if base is not None:
            url = urljoin(str(base["href"]).strip(), url)
        if re.fullmatch(r"https?://\S+", url):
            return url
    return ""


def _title(page_title: str, body, lines: list[str], metas: dict[str, str]) -> str:
    """The article's own heading, else the meta title, else <title> less the site's name."""
    parts = [p for p in _TITLE_SEPARATORS.split(page_title) if p]
    short_title = max(parts, key=len) if parts else page_title

    def title_like(text: str) -> bool:
        return 6 <= len(text) <= 150 and not _SECTION.match(text)

    if body is not None:
        for h in body.find_all(["h1", "h2", "h3"], limit=1):
            text = collapse(h.get_text())
            if title_like(text) and text in lines[:5]:
                return text
        for h in body.find_all_previous(["h1", "h2", "h3"], limit=10):
            text = collapse(h.get_text())  # a heading just above the body, if <title> says it is the title
            if title_like(text) and short_title and (short_title in text or
                                                     (text in short_title and len(text) * 2 >= len(short_title))):
                return text
    for key in _TITLE_META:
        if collapse(metas.get(key, "")):
            return collapse(metas[key])
    return short_title


def _describe(el) -> str:
    if el is None or el.name in (None, "[document]"):
        return "整个页面"
    attrs = "".join(f' {k}="{" ".join(v) if isinstance(v, list) else v}"' for k, v in el.attrs.items()
                    if k in ("id", "class"))
    return f"<{el.name}{attrs}>"


# --- the reader ------------------------------------------------------------------------------

def read(path: Path, data: bytes) -> Document:
    from . import SourceError

    page, encoding = decode(data, path.name)
    try:
        return _read(path, page, encoding)
    except RecursionError:  # tables nested hundreds deep; no real page does that
        raise SourceError(f"{path.name} 的网页标签嵌套过深，无法读取") from None


def _read(path: Path, page: str, encoding: str) -> Document:
    try:
        from bs4 import BeautifulSoup
    except ImportError:
        from . import SourceError

        raise SourceError("读取网页需要 beautifulsoup4 和 lxml（pip install beautifulsoup4 lxml）") from None

    soup = BeautifulSoup(_CONTROL.sub("", page), "lxml")
    metas = _metas(soup)
    page_title = collapse(soup.title.get_text()) if soup.title is not None else ""
    root = soup.body or soup
    _drop(root, NEVER_CONTENT)
    published = _published(metas, root.get_text(" "))  # before chrome goes: the date is often in it
    _drop_chrome(root)
    body = find_article(root, _weights(root))
    rendered = _Body()
    rendered.render(body)
    items, trimmed = _trim_edges(rendered.items)

    lines = []
    for number, item in enumerate(items, 1):
        lines.append(item["text"])
        for cell in item["cells"]:
            cell.line = number
    text = "\n".join(lines) + "\n" if lines else ""

    notes = [] if encoding == "utf-8" else [f"按 {encoding} 解码"]
    notes.append(f"正文取自 {_describe(body)}，共 {len(lines)} 行")
    if trimmed:
        notes.append(f"去掉正文首尾的网站栏目文字 {trimmed} 行")
    notes.append(f"找到 {len(rendered.tables)} 个表格" if rendered.tables else "正文中没有表格")
    notes.extend(rendered.notes)
    if weight(text) < 200:
        notes.append(f"正文只有 {weight(text)} 个汉字和数字，可能没有找到报告正文")
    return Document(path=path, kind=KIND, text=text, method=method(), tables=rendered.tables,
                    title=_title(page_title, body, lines, metas), published=published, url=_url(soup, metas),
                    notes=notes)
