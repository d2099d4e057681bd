"""What the store's writes and reads give back: `Changes` (what a write changed, carried
to every view), `DigestWrite` (what importing one file did to its day) and `ItemRecord`
(an item as the views show it). Plain values, no SQL and no parsing: a module that only
passes changes on (the window, the change log) imports this one alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Changes:
    """What a write changed, so each view refreshes only what it shows. Item keys,
    dates, paper keys (`arxiv:2104.00298`), note targets (`item:<key>`, `paper:<key>`),
    link ends, image keys, the targets whose read state, queue place or tags changed;
    `everything` when the whole library may differ (another library opened, or more
    written elsewhere than the change log kept)."""

    dates: frozenset[str] = frozenset()
    items: frozenset[str] = frozenset()  # keys of items added, updated, removed or deleted
    ratings: frozenset[str] = frozenset()  # item keys
    notes: frozenset[str] = frozenset()  # targets: item:<key> (or a bare key), paper:<key>
    papers: frozenset[str] = frozenset()  # paper keys whose note, decisions or details changed
    links: frozenset[str] = frozenset()  # targets at either end of my links
    images: frozenset[str] = frozenset()  # image keys whose cache state changed
    reading: frozenset[str] = frozenset()  # targets whose read state or queue place changed
    tags: frozenset[str] = frozenset()  # targets whose tags changed; `tag:<name>` too
    everything: bool = False

    def __bool__(self) -> bool:
        return self.everything or any(getattr(self, name) for name in _SETS)

    def __or__(self, other: Changes) -> Changes:
        merged = {name: getattr(self, name) | getattr(other, name) for name in _SETS}
        return Changes(**merged, everything=self.everything or other.everything)

    @classmethod
    def union(cls, many: Iterable[Changes]) -> Changes:
        """All of `many` in one: `a | b | ...`, each set made once (a batch's writes)."""
        many = list(many)
        if len(many) == 1:
            return many[0]
        merged = {name: frozenset().union(*(getattr(c, name) for c in many)) for name in _SETS}
        return cls(**merged, everything=any(c.everything for c in many))

    def to_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {name: sorted(getattr(self, name)) for name in _SETS}
        return {name: value for name, value in shown.items() if value} | (
            {"everything": True} if self.everything else {}
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Changes:
        sets = {name: frozenset(map(str, data.get(name, ()))) for name in _SETS}
        return cls(**sets, everything=bool(data.get("everything")))


_SETS = ("dates", "items", "ratings", "notes", "papers", "links", "images", "reading", "tags")


@dataclass(frozen=True, slots=True)
class DigestWrite:
    """What importing one file did to its day, by item key."""

    date: str
    created: bool  # a new day (else an existing day was updated in place)
    added: tuple[str, ...]
    kept: tuple[str, ...]  # existing items matched and refreshed from the file
    removed: tuple[str, ...]  # gone from the file but kept: the user rated or noted them
    deleted: tuple[str, ...]  # gone from the file and from the library
    near_duplicate_of: str | None = None

    @property
    def changes(self) -> Changes:
        keys = self.added + self.kept + self.removed + self.deleted
        dates = {self.date} | ({self.near_duplicate_of} if self.near_duplicate_of else set())
        return Changes(dates=frozenset(dates), items=frozenset(keys))


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """An item as the views show it: the file's fields plus the user's own."""

    key: str
    date: str
    ordinal: int
    index: int | None
    title: str
    url: str | None
    article_key: str | None
    author_stars: int
    abstract: str | None
    tips: str | None
    removed: bool
    my_rating: int | None
    note: str | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "removed", bool(self.removed))
