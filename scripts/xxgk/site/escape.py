"""The one way text from data/ reaches a page.

Every string that comes from a data file — a title, a label, a paragraph, a
note, a key — goes through :func:`text` before it is written into a generated
page, whatever the context: an HTML element or attribute, an SVG label, a
Markdown heading, or the page's front matter (MkDocs and Material insert the
front-matter title into the HTML unescaped). URLs go through :func:`url`,
which accepts http(s) only. Structured data for a ``<script>`` element goes
through :func:`json_script`.

:func:`text` writes as character references every character that HTML,
Markdown (with the extensions in mkdocs.yml: attr_list, md_in_html, tables,
admonition) or a template engine could read as syntax, and every line break,
so a value can neither open a tag, end a raw-HTML block (a blank line),
start a heading, list or table, set attributes, nor be read as ``{{ }}``.
Control characters are replaced by U+FFFD (validation refuses them; this is
the second line of defence).
"""

from __future__ import annotations

import json
import re

_REFS = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    "\\": "&#92;", "`": "&#96;", "*": "&#42;", "_": "&#95;", "{": "&#123;", "}": "&#125;",
    "[": "&#91;", "]": "&#93;", "|": "&#124;", "~": "&#126;", "#": "&#35;", "$": "&#36;",
    "\n": "&#10;", "\r": "", "\t": " ",
}
_SPECIAL = re.compile("[" + re.escape("".join(_REFS)) + "]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_URL = re.compile(r"https?://[^\s<>\"'`\\{}|^]+", re.ASCII)


def text(value) -> str:
    """Any value as page text: safe in HTML content and attributes, Markdown and front matter. None is empty."""
    if value is None:
        return ""
    s = _CONTROL.sub("\ufffd", str(value))
    return _SPECIAL.sub(lambda m: _REFS[m.group()], s)


def is_url(value) -> bool:
    return isinstance(value, str) and _URL.fullmatch(value) is not None


def url(value) -> str | None:
    """An http(s) URL escaped for an href, or None for anything else (javascript:, data:, relative, …)."""
    return text(value) if is_url(value) else None


def link(href: str | None, label, **attrs) -> str:
    """<a> to an http(s) URL from data, or the label alone when the URL is not one."""
    safe = url(href)
    if safe is None:
        return text(label)
    extra = "".join(f' {k.rstrip("_")}="{text(v)}"' for k, v in attrs.items() if v)
    return f'<a href="{safe}"{extra}>{text(label)}</a>'


def json_script(obj) -> str:
    """JSON for a <script type="application/ld+json"> element: nothing in it can close the element."""
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace(
        "\u2028", "\\u2028").replace("\u2029", "\\u2029")
