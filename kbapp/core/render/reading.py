"""What a card shows of my reading: an unread mark, the queue's mark and my tags as
coloured chips (each tag keeps its colour: it comes from the name). Plain HTML for the
reader and the papers view; no Qt."""

from __future__ import annotations

import html
import zlib
from collections.abc import Mapping, Sequence

from kbapp.core.day import DayItem
from kbapp.core.render.theme import DARK

# Chip colours (background, text) for a light and a dark reader, picked by the name.
_LIGHT = (("#dbeafe", "#1e3a8a"), ("#dcfce7", "#14532d"), ("#fef3c7", "#78350f"),
          ("#fce7f3", "#831843"), ("#ede9fe", "#4c1d95"), ("#ffedd5", "#7c2d12"),
          ("#cffafe", "#164e63"), ("#e5e7eb", "#1f2937"))  # fmt: skip
_DARK = (("#1e3a8a", "#dbeafe"), ("#14532d", "#dcfce7"), ("#78350f", "#fef3c7"),
         ("#831843", "#fce7f3"), ("#4c1d95", "#ede9fe"), ("#7c2d12", "#ffedd5"),
         ("#164e63", "#cffafe"), ("#374151", "#e5e7eb"))  # fmt: skip


def tag_colours(name: str, dark: bool = False) -> tuple[str, str]:
    """(background, text) of a tag's chip: the same for a name in any case, any run."""
    palette = _DARK if dark else _LIGHT
    return palette[zlib.crc32(name.casefold().encode("utf-8")) % len(palette)]


def tag_chips(tags: Sequence[str], theme: Mapping[str, str]) -> str:
    """My tags as chips, each a link that searches for it (`kb:tag?name=...`)."""
    dark = theme.get("background") == DARK["background"]
    chips = []
    for name in tags:
        background, text = tag_colours(name, dark)
        link = "kb:tag?name=" + html.escape(_quote(name))
        chips.append(
            f'<a href="{link}" style="text-decoration: none; color: {text};">'
            f'<span style="background-color: {background}; color: {text};">'
            f"&nbsp;#{html.escape(name)}&nbsp;</span></a>"
        )
    return "&nbsp;".join(chips)


def reading_marks(item: DayItem, theme: Mapping[str, str]) -> str:
    """The head line's end: unread (a dot), queued, my tags; empty when none applies
    (or the item's reading state is not known: `read` None)."""
    parts = []
    if item.read is False:
        parts.append(f'<span style="color: {theme["accent"]};" title="unread">●&nbsp;unread</span>')
    if item.queued:
        parts.append('<span class="meta">in my reading queue</span>')
    if item.tags:
        parts.append(tag_chips(item.tags, theme))
    return "&nbsp;&nbsp; " + "&nbsp;&nbsp; ".join(parts) if parts else ""


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


__all__ = ["reading_marks", "tag_chips", "tag_colours"]
