"""Addresses from a digest (or a note) as the reader's links.

An address is digest text like any other: always escaped, and a link only when the
reader would follow it. `http`, `https` and `mailto` it opens (`LINK_SCHEMES`, which
`kbapp.ui.errors.open_in_browser` applies too); an address without a scheme (`#`, a
relative path) it never follows, harmlessly. Any other scheme (`javascript:`, `file:`,
`data:`, and `kb:`, the reader's own actions, which only the renderer writes) is not
made a link: its text is shown, the address kept as the text's tooltip with the reason
it is not a link.
"""

from __future__ import annotations

import html
import re

LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")
_PATH_START = re.compile(r"[/?#]")


def followable(url: str, schemes: tuple[str, ...] = LINK_SCHEMES) -> bool:
    """Whether `url` may be a link's address: one of `schemes`, or no scheme at all
    (no colon before its path, query or fragment)."""
    scheme = _SCHEME.match(url)
    if scheme is not None:
        return scheme.group(1).lower() in schemes
    return ":" not in _PATH_START.split(url, maxsplit=1)[0]


def attribute(text: str) -> str:
    """Text as an attribute value between double quotes."""
    return html.escape(text, quote=True)


REFUSED = "not a web link: kbapp opens only http and https"


def refused_tooltip(url: str) -> str:
    """A refused address as its text's tooltip (an attribute value), with the reason."""
    return attribute(f"{url} ({REFUSED})")


def anchor(url: str | None, inner: str, css: str | None = None, tooltip: bool = False) -> str:
    """`inner` (HTML) as a link to `url`, its address as the tooltip when `tooltip`; as
    text with the address as its tooltip when the reader would not follow it; as
    itself when there is no address."""
    if not url:
        return inner
    address = attribute(url)
    if not followable(url):
        return f'<span title="{refused_tooltip(url)}">{inner}</span>'
    attributes = f' class="{css}"' if css else ""
    attributes += f' href="{address}"'
    if tooltip:
        attributes += f' title="{address}"'
    return f"<a{attributes}>{inner}</a>"


__all__ = ["LINK_SCHEMES", "anchor", "attribute", "followable", "refused_tooltip"]
