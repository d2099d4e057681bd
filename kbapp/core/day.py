"""A day as the reader shows it: the library's record of one digest, ready to render.

The store builds these from its rows; the renderer turns them into HTML. Neither the
renderer nor the window ever reads the markdown file again.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from kbapp.core.digest.identities import arxiv_id
from kbapp.core.digest.model import Entry, Image, Link, Section, Video


def entry_from_dict(data: dict[str, Any]) -> Entry:
    """The inverse of `Entry.to_dict` (links live in their own table). Iterative, so a
    stored tree of any depth reads back; any key may be missing (older rows)."""
    top = _entry(data)
    stack = [(top, data)]
    while stack:
        entry, raw = stack.pop()
        children = raw.get("children") or []
        entry.children = [_entry(child) for child in children]
        stack.extend(zip(entry.children, children, strict=True))
    return top


def _entry(data: dict[str, Any]) -> Entry:
    return Entry(
        text=data.get("text", ""),
        line=data.get("line", 0),
        kind=data.get("kind", "bullet"),
        label=data.get("label"),
        field=data.get("field"),
        group=data.get("group"),
    )


@dataclass(frozen=True, slots=True)
class CrossRef:
    """Another item this one is cross-linked with, as its card shows it."""

    kind: str  # "same", "candidate", "confirmed" or "dismissed" (not shown)
    key: str
    date: str
    title: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MyLink:
    """One of my links from or to an item, as its card shows it."""

    target: str  # the other end: item:<key> or paper:<key>
    shown: str  # its date and title, or the paper
    label: str | None
    outgoing: bool  # False: a backlink (the other end made it)


@dataclass(slots=True)
class DayItem:
    key: str
    ordinal: int
    index: int | None
    title: str
    article_url: str | None
    author_stars: int
    entries: list[Entry] = _field(default_factory=list)
    links: list[Link] = _field(default_factory=list)
    images: list[Image] = _field(default_factory=list)
    videos: list[Video] = _field(default_factory=list)
    removed: bool = False
    my_rating: int | None = None  # the user's own stars
    note: str | None = None  # the user's note
    cross: list[CrossRef] = _field(default_factory=list)  # filled by the window
    my_links: list[MyLink] = _field(default_factory=list)  # filled by the window
    read: bool | None = None  # whether I read it (None: not asked; filled by the window)
    queued: bool = False  # in my reading queue (filled by the window)
    tags: list[str] = _field(default_factory=list)  # my tags (filled by the window)
    # "Lovelace et al. 2021" by arXiv ID, for its papers arXiv described (the window)
    bylines: dict[str, str] = _field(default_factory=dict)

    def arxiv_ids(self) -> list[str]:
        """The arXiv IDs of its paper links, in order, each once."""
        found = (arxiv_id(link.url) for link in self.links if link.field == "paper")
        return list(dict.fromkeys(i for i in found if i))


@dataclass(slots=True)
class Day:
    date: str
    title: str | None
    source_path: str | None
    items: list[DayItem] = _field(default_factory=list)
    sections: list[Section] = _field(default_factory=list)
    near_duplicate_of: str | None = None  # an earlier day this one mostly repeats

    def item(self, key: str) -> DayItem | None:
        return next((item for item in self.items if item.key == key), None)

    def arxiv_ids(self) -> list[str]:
        return list(dict.fromkeys(i for item in self.items for i in item.arxiv_ids()))


@dataclass(frozen=True, slots=True)
class DaySummary:
    """One row of the sidebar: a day, how many items it has, its best author rating."""

    date: str
    items: int
    best_stars: int
    my_best: int | None = None  # the user's best rating of the day's items
    has_notes: bool = False
