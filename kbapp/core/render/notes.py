"""The user's notes as HTML: markdown (raw HTML shown as text, links only to what the
reader follows: `markup`), `[[...]]` as in-app links, lists written the way people type
them.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from kbapp.core.render.markup import convert, notes_converter
from kbapp.core.render.prose import md_text, short_url_texts

# `[[...]]` in a note: a link to an item, a paper or a day, resolved when followed.
WIKI_LINK = re.compile(r"\[\[([^\[\]\n]{1,200})\]\]")
_LIST_ITEM = re.compile(r"^( *)(?:[-*+]|\d+\.)[ \t]+\S")
_INDENTED_CODE = re.compile(r"^(?: {4}|\t)")


def markdown_lists(text: str) -> str:
    """A note's lists as markdown (the `markdown` package) reads them.

    People type a list straight under its heading line (`Ideas:` then `- a`) and nest
    with two spaces; Python-Markdown wants a blank line before a list and four spaces a
    level, else the list is run into the paragraph. So: a blank line where a list starts
    under text, and each nested item re-indented to four spaces its level."""
    out: list[str] = []
    indents: list[int] = []  # the open list levels' indents; empty outside a list
    previous = ""
    for line in text.split("\n"):
        item = _LIST_ITEM.match(line)
        if item is None:
            if line.strip() and not line.startswith(" "):
                indents = []  # text at the margin ends the list
            out.append(line)
            previous = line
            continue
        indent = len(item.group(1))
        if not indents:
            if _INDENTED_CODE.match(line) and not previous.strip():
                out.append(line)  # four spaces after a blank line: a code block
                previous = line
                continue
            if previous.strip():
                out.append("")
            indents = [indent]
        else:
            while len(indents) > 1 and indent < indents[-1]:
                indents.pop()
            if indent > indents[-1]:
                indents.append(indent)
            elif indent < indents[-1]:
                indents[-1] = indent
        out.append("    " * (len(indents) - 1) + line.lstrip(" "))
        previous = line
    return "\n".join(out)


def note_html(text: str) -> str:
    """A note of the user's (markdown; raw HTML shown as text) as HTML; `[[...]]`
    becomes an in-app link (`kb:resolve?q=...`)."""
    pieces, pos = [], 0
    for found in WIKI_LINK.finditer(text):
        words = found.group(1).strip()
        pieces.append(html.escape(text[pos : found.start()], quote=False))
        pieces.append(f"[{md_text(words)}](kb:resolve?q={quote(words, safe='')})")
        pos = found.end()
    pieces.append(html.escape(text[pos:], quote=False))
    return short_url_texts(convert(notes_converter(), markdown_lists("".join(pieces))))


def render_note(text: str) -> str:
    """The user's note under its card."""
    return f'<p class="field">My note</p><div class="note">{note_html(text)}</div>'
