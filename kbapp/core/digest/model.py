"""The parsed shape of a digest: plain dataclasses, no behaviour beyond derived views.

A `Digest` keeps every non-blank line of its file somewhere: in an item's entries, in a
section's lines, in the structural line numbers, or in a diagnostic. The field names
follow `digest-format.md` §5; what the spec lists as item fields (abstract, tips,
notes, paragraphs, points) are views over the item's ordered `entries`, which is the
lossless record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

# Canonical link fields (spec §4.3), plus "link" for unknown labels holding a URL and
# "inline" for links found inside prose.
LINK_FIELDS = (
    "paper",
    "code",
    "demo",
    "video",
    "dataset",
    "website",
    "reading",
    "competition",
    "contact",
    "download",
)


class DigestError(ValueError):
    """The file is not a digest kbapp can read; the message says why, for a person."""


@dataclass(slots=True)
class Diagnostic:
    code: str
    line: int | None
    detail: str = ""


@dataclass(slots=True)
class Link:
    """One link of an item, with the field its label maps to (spec §4.5)."""

    field: str  # a LINK_FIELDS value, "link" (unknown label) or "inline" (inside prose)
    text: str  # the link text as written ("" for a bare URL)
    url_raw: str  # exactly as written
    url: str | None  # normalised, None when empty
    url_kind: str  # arxiv, github, wechat, ... (spec §7)
    line: int
    label: str | None = None  # the raw label as written ("GitHub", "论文地址")
    name: str | None = None  # raw label of an unknown-label link
    group: int | None = None  # 1 for "Paper1", 2 for "code2"
    note: str | None = None  # trailing text after the link ("（官方）", an extraction code)
    context: str | None = None  # owning field of an inline link


@dataclass(slots=True)
class Image:
    src_raw: str
    src: str
    line: int
    is_local: bool = False
    host: str | None = None
    format_hint: str | None = None
    zoom: int | None = None
    alt: str | None = None
    wrapped_in_div: bool = False
    resolved_path: str | None = None  # local images: path relative to the note's folder
    flags: list[str] = _field(default_factory=list)


@dataclass(slots=True)
class Video:
    src_raw: str
    src: str
    line: int
    host: str | None = None
    wrapped_in_div: bool = False


@dataclass(slots=True)
class Entry:
    """A bullet (at any depth) or a free paragraph of an item body, in source order.

    `label` is the raw label as written (None for an unlabelled point); `field` is its
    canonical field ("abstract", "tips", "paper", ..., "link" for an unknown label that
    holds URLs, "note" for an unknown label without one) or None for plain text.
    """

    text: str
    line: int
    kind: str = "bullet"  # "bullet", "paragraph" or VERBATIM (a line kept as written)
    label: str | None = None
    field: str | None = None
    group: int | None = None
    links: list[Link] = _field(default_factory=list)
    children: list[Entry] = _field(default_factory=list)

    def walk(self) -> list[Entry]:
        """The entry and all below it, in file order."""
        return [entry for _, entry in walk_entries([self])]

    def plain(self, depth: int = 0) -> str:
        """The entry and its children as indented plain-text lines (a verbatim line as
        it was written)."""
        if not depth and not self.children:
            return self.text  # most abstracts: what the walk below gives, without it
        lines = []
        for below, entry in walk_entries([self]):
            at = depth + below
            if entry.kind == VERBATIM:
                lines.append(entry.text)
                continue
            head = f"{entry.label}: {entry.text}" if entry.label and at else entry.text
            if at:
                lines.append("  " * (at - 1) + "- " + head)
            elif head:
                lines.append(head)
        return "\n".join(line for line in lines if line)

    def to_dict(self) -> dict[str, Any]:
        return tree_data(self, entry_fields)


# A line kept exactly as written, indentation and marker included: a bullet nested
# deeper than `entries.MAX_DEPTH` levels, so that no tree (and no JSON of one) is deeper.
VERBATIM = "verbatim"


def walk_entries(roots: Iterable[Entry]) -> Iterator[tuple[int, Entry]]:
    """Every entry of the trees `roots` in file order (depth first), with its depth
    below its root (0 for a root). Iterative, so no depth of nesting can overflow it."""
    stack = [(0, entry) for entry in reversed(list(roots))]
    while stack:
        depth, entry = stack.pop()
        yield depth, entry
        stack.extend((depth + 1, child) for child in reversed(entry.children))


def tree_data(entry: Entry, node: Callable[[Entry], dict[str, Any]]) -> dict[str, Any]:
    """The tree of `entry` as nested dicts, `node(e)` for each entry with its
    `"children"` list added last. Iterative (whatever the depth)."""
    top = node(entry)
    if not entry.children:  # most entries: no stack to walk
        top["children"] = []
        return top
    stack = [(entry, top)]
    while stack:
        current, data = stack.pop()
        data["children"] = children = [node(child) for child in current.children]
        stack.extend(zip(current.children, children, strict=True))
    return top


def entry_fields(entry: Entry) -> dict[str, Any]:
    """An entry's own fields as data, its children not included (`tree_data` adds them)."""
    return {
        "kind": entry.kind,
        "line": entry.line,
        "label": entry.label,
        "field": entry.field,
        "group": entry.group,
        "text": entry.text,
    }


@dataclass(slots=True)
class Item:
    ordinal: int  # 1-based position in the digest
    index: int | None  # the number as printed; None for the unnumbered item
    line_start: int
    line_end: int
    title: str
    article_url_raw: str
    article_url: str | None
    article_key: str | None
    stars: int
    entries: list[Entry] = _field(default_factory=list)
    images: list[Image] = _field(default_factory=list)
    videos: list[Video] = _field(default_factory=list)
    flags: list[str] = _field(default_factory=list)
    # The line after the article link as written: the gap and the stars (`:star:`, ⭐,
    # ⭐️ or ★), so that the head can be written back exactly.
    stars_raw: str = ""

    # -- views over the entries (spec §5) ------------------------------------------------
    def _with_field(self, name: str) -> list[Entry]:
        return [e for e in self.entries if e.field == name]

    @property
    def abstract(self) -> str | None:
        found = self._with_field("abstract")
        if found:
            return "\n".join(e.plain() for e in found)
        if "abstract_from_paragraph" in self.flags:
            paragraphs = [e for e in self.entries if e.kind == "paragraph" and e.label is None]
            return paragraphs[0].text if paragraphs else None
        return None

    @property
    def tips(self) -> str | None:
        found = self._with_field("tips")
        return "\n".join(e.plain() for e in found) if found else None

    @property
    def tips_points(self) -> list[Entry]:
        return [child for e in self._with_field("tips") for child in e.children]

    @property
    def notes(self) -> list[Entry]:
        return [e for entry in self.entries for e in entry.walk() if e.field == "note"]

    @property
    def paragraphs(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "paragraph" and e.label is None]

    @property
    def points(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "bullet" and e.label is None]

    @property
    def links(self) -> list[Link]:
        return entries_links(self.entries)


@dataclass(slots=True)
class Section:
    """A section other than 今日要点: Others, or one kbapp does not know (kept as is)."""

    name: str
    line: int  # the heading line
    entries: list[Entry] = _field(default_factory=list)
    images: list[Image] = _field(default_factory=list)
    videos: list[Video] = _field(default_factory=list)

    @property
    def links(self) -> list[Link]:
        return entries_links(self.entries)


def entries_links(roots: list[Entry]) -> list[Link]:
    """The links of the trees `roots`, in file order (depth first, iteratively): what
    `walk_entries` gives, without a tuple and a generator step per entry."""
    found: list[Link] = []
    stack = roots[::-1]
    while stack:
        entry = stack.pop()
        found += entry.links
        if entry.children:
            stack += entry.children[::-1]
    return found


@dataclass(slots=True)
class Digest:
    source_path: str | None
    date: str  # ISO yyyy-mm-dd
    date_source: str  # "heading" or "path"
    heading_date: str | None
    path_date: str | None
    heading_title_text: str | None
    items: list[Item] = _field(default_factory=list)
    sections: list[Section] = _field(default_factory=list)  # Others and unknown ones
    preamble: list[Entry] = _field(default_factory=list)  # text outside any section
    structure: list[int] = _field(default_factory=list)  # heading, rule and </div> lines
    diagnostics: list[Diagnostic] = _field(default_factory=list)
    is_index: bool = False  # the series' README: an index, not a digest

    @property
    def others(self) -> Section | None:
        return next((s for s in self.sections if s.name == "Others"), None)

    @property
    def images(self) -> list[Image]:
        found = [image for item in self.items for image in item.images]
        return found + [image for s in self.sections for image in s.images]

    def covered_lines(self) -> set[int]:
        """Every line number that some field, structure mark or diagnostic holds."""
        lines: set[int] = set(self.structure)
        for item in self.items:
            lines.update(range(item.line_start, item.line_start + 1))
            for entry in item.entries:
                lines.update(e.line for e in entry.walk())
            lines.update(image.line for image in item.images)
            lines.update(video.line for video in item.videos)
        for section in self.sections:
            lines.add(section.line)
            for entry in section.entries:
                lines.update(e.line for e in entry.walk())
            lines.update(image.line for image in section.images)
            lines.update(video.line for video in section.videos)
        for entry in self.preamble:
            lines.update(e.line for e in entry.walk())
        lines.update(d.line for d in self.diagnostics if d.line is not None)
        return lines
