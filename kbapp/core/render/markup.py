"""The markdown package as the reader uses it: on text escaped first, raw HTML off.

Digest text and my notes are HTML-escaped before markdown sees them, so markdown never
meets a tag (and its raw-HTML handling is switched off besides): `<h1>` in a digest is
shown as `<h1>`. Two converters, each made on first use (the package takes ~25 ms to
import):

* `notes_converter`: markdown for my notes (headings, lists, code, links), a link the
  reader would not follow kept as text with its address as tooltip;
* `prose_converter`: markdown for a digest's text: emphasis, code, links and the lists
  the digests have, but no headings, rules, pictures or reference definitions: from one
  field of a digest those are text (`# 1` is no heading, `* * *` no rule, `![a](b 'c')`
  loads no picture, and `[1]: https://…` is shown, not dropped as a definition).

`convert` runs one; a code span's text, escaped already, is not escaped a second time.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from kbapp.core.render.labels import linear_labels
from kbapp.core.render.links import REFUSED, followable

if TYPE_CHECKING:  # ElementTree loads with markdown, when a text first needs it
    from xml.etree.ElementTree import Element

    from markdown import Markdown
    from markdown.treeprocessors import Treeprocessor

NOTE_SCHEMES = ("http", "https", "mailto", "kb")  # a note's `[[…]]` links are `kb:resolve`
_CODE = re.compile(r"(<code>)(.*?)(</code>)", re.DOTALL)
_converters: dict[str, Markdown] = {}


def _markdown(kind: str) -> Markdown:
    """A Markdown instance that leaves raw HTML to the escaping done before it."""
    import markdown

    md = markdown.Markdown(output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")  # (`entity` stays: `&amp;` is the escaping's)
    if kind == "prose":
        for block in ("hashheader", "setextheader", "hr", "reference"):
            md.parser.blockprocessors.deregister(block)
        for inline in ("image_link", "image_reference", "short_image_ref"):
            md.inlinePatterns.deregister(inline)
    else:
        md.treeprocessors.register(_refuse_links(md), "refuse_links", 5)  # after `inline`
    linear_labels(md)  # markdown 3.11.4's own: minutes for 20,000 links
    return md


def _refuse_links(md: Markdown) -> Treeprocessor:
    from markdown.treeprocessors import Treeprocessor

    class RefuseLinks(Treeprocessor):
        """A link markdown made to an address the reader would not follow becomes its
        text, the address (and why) its tooltip."""

        def run(self, root: Element) -> None:
            for element in root.iter("a"):
                href = element.get("href", "")
                if not followable(html.unescape(href), NOTE_SCHEMES):
                    element.tag = "span"
                    element.attrib.clear()
                    element.set("title", f"{href} ({REFUSED})")

    return RefuseLinks(md)


def notes_converter() -> Markdown:
    if "notes" not in _converters:
        _converters["notes"] = _markdown("notes")
    return _converters["notes"]


def prose_converter() -> Markdown:
    if "prose" not in _converters:
        _converters["prose"] = _markdown("prose")
    return _converters["prose"]


def convert(md: Markdown, source: str) -> str:
    """`source` (escaped text with markdown in it) as HTML by `md`."""
    md.reset()
    out = str(md.convert(source))
    return _CODE.sub(_code_once, out) if "<code>" in out else out


def _code_once(found: re.Match[str]) -> str:
    """Markdown escapes a code span's `&`, `<` and `>`; its text had only the `&` of the
    escaping done before markdown (`&amp;`, `&lt;`, `&gt;`): that `&` is taken back."""
    return found.group(1) + found.group(2).replace("&amp;", "&") + found.group(3)


__all__ = ["NOTE_SCHEMES", "convert", "notes_converter", "prose_converter"]
