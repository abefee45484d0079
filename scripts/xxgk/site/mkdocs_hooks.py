"""MkDocs hooks (mkdocs.yml ``hooks:``): the generated pages' HTML blocks skip Python-Markdown's HTML parser.

The pages xxgk generates are mostly raw HTML blocks (tables, charts, navigation), one line each, between
blank lines. Python-Markdown passes such a block through unchanged, but only after parsing it with
Python's HTML parser twice: more than half of MkDocs' time on these pages. Here each such line is set
aside before Markdown runs, a placeholder holding its place (a paragraph of its own, with a nonce no
page text can guess), and put back in the HTML Markdown produced, exactly as Markdown would have
written it: the block, and a line break after it unless it ends the page (or, for a line inside a block
that spans several lines, which Markdown passes through whole, the line as it was).

A line is set aside only when Markdown's own rules make it a raw block passed through verbatim: it
starts with a block-level tag whose element ends exactly at the line's end, and stands between blank lines.
Everything else (headings, Markdown text, multi-line blocks, hand-written pages) goes through Markdown
as before. tests/test_parts.py renders the site with and without these hooks and compares every page.
"""

from __future__ import annotations

import re
import secrets

BLOCK = re.compile(r"<(address|article|aside|blockquote|details|div|dl|fieldset|figure|footer|form|h[1-6]|header|hr"
                   r"|main|nav|ol|p|pre|section|table|ul)[\s>]")


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _one_element(line: str, tag: str) -> bool:
    """Whether the element the line opens closes at the line's very end (one block, not two side by side,
    which Markdown would write on two lines)."""
    depth = 0
    for m in re.finditer(rf"<(/?){tag}[\s>]", line):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end() == len(line)
    return False


def on_page_markdown(markdown: str, page, config, files) -> str:
    lines = markdown.split("\n")
    nonce = secrets.token_hex(8)
    stash: list[str] = []
    fence = ""
    for i, line in enumerate(lines):
        opened = FENCE.match(line)
        if opened and (not fence or opened.group(1).startswith(fence)):
            fence = "" if fence else opened.group(1)  # a code block: its lines stay as they are
            continue
        m = None if fence else BLOCK.match(line)
        if (m and line.endswith(f"</{m.group(1)}>") and (i == 0 or lines[i - 1] == "")
                and (i + 1 == len(lines) or lines[i + 1] == "") and _one_element(line, m.group(1))):
            stash.append(line)
            lines[i] = f"XXGK{nonce}R{len(stash) - 1}X"
    page.xxgk_raw = (nonce, stash)
    return "\n".join(lines) if stash else markdown


def on_page_content(html: str, page, config, files) -> str:
    nonce, stash = getattr(page, "xxgk_raw", ("", []))
    if not stash:
        return html
    # A placeholder on its own: a paragraph, where Markdown would have written the block and a line break.
    out = re.sub(rf"<p>XXGK{nonce}R(\d+)X</p>",
                 lambda m: stash[int(m.group(1))] + ("" if m.end() == len(html) else "\n"), html)
    # A placeholder inside a block that spans several lines (<div> … </div> around blank lines): Markdown
    # passed that block through verbatim, placeholder included; so the line goes back verbatim.
    out = re.sub(rf"XXGK{nonce}R(\d+)X", lambda m: stash[int(m.group(1))], out)
    if nonce in out:  # Markdown did not keep a placeholder as a paragraph of its own: never publish that
        raise RuntimeError(f"{page.file.src_uri}: an HTML block set aside did not come back")
    return out
