"""Pure pieces of the store: a parsed digest as table rows, item keys and item matching
(what writes return is in `results`). No SQL here; `store` runs it all.

`digest_rows` turns a `Digest` into plain tuples. It is pure and cheap to pickle (a
`Digest` costs ten times more to unpickle), so an import can build the rows in worker
processes while the one writing connection only runs SQL.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kbapp.core.digest import identities
from kbapp.core.digest.model import (
    Digest,
    Entry,
    Image,
    Item,
    Link,
    Section,
    Video,
    entry_fields,
    tree_data,
)
from kbapp.core.search.text import item_facets, item_text
from kbapp.core.store.packing import pack_body

KEY_TITLE_CHARS = 60
Row = tuple[Any, ...]


@dataclass(slots=True)
class ItemRows:
    """One item's row and its children's rows, before they have ids."""

    key: str
    title_key: str
    values: Row  # the items row after `key, digest_id` (`store._ITEM_COLUMNS`)
    links: list[Row] = field(default_factory=list)  # after item_id
    images: list[Row] = field(default_factory=list)  # after item_id, digest_id
    videos: list[Row] = field(default_factory=list)  # after item_id, digest_id
    identities: list[Row] = field(default_factory=list)  # after item_id
    search: Row = ()  # the search index's title ... code columns, note excepted


@dataclass(slots=True)
class DigestRows:
    """A parsed digest as rows (see the module doc)."""

    date: str
    source_path: str | None
    values: Row  # the digests row from `title` on (`store._DIGEST_COLUMNS`)
    items: list[ItemRows]
    images: list[Row]  # images of the other sections, after item_id, digest_id
    videos: list[Row]
    path_date: str | None = None  # the date the file's path gives, if any


def to_json(value: Any) -> str:
    if not value and isinstance(value, list):
        return "[]"  # most flag lists
    if _C_ENCODE is not None and isinstance(value, list | dict):
        return "".join(_C_ENCODE(value, 0))
    return _ENCODER.encode(value)


# One encoder: `json.dumps` with options makes a new one at every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# And `JSONEncoder.encode` makes a new C encoder at every call: this is the one it makes,
# made once (the rows are trees, never circular: no markers to check).
_MAKE_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)  # not in the stubs
_C_ENCODE = (
    _MAKE_C_ENCODER(
        None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    if _MAKE_C_ENCODER is not None
    else None
)


def digest_rows(digest: Digest) -> DigestRows:
    keys = item_keys(digest.date, digest.items)
    return DigestRows(
        date=digest.date,
        source_path=digest.source_path,
        values=(
            digest.heading_title_text,
            digest.date_source,
            digest.heading_date,
            digest.path_date,
            pack_body(to_json([section_data(section) for section in digest.sections])),
            to_json([entry_data(entry) for entry in digest.preamble]),
            to_json(digest.structure),
            pack_body(
                to_json(
                    [
                        {"code": d.code, "line": d.line, "detail": d.detail}
                        for d in digest.diagnostics
                    ]
                )
            ),
        ),
        items=[item_rows(item, key) for item, key in zip(digest.items, keys, strict=True)],
        path_date=digest.path_date,
        images=[_image_row(i) for s in digest.sections for i in s.images],
        videos=[_video_row(v) for s in digest.sections for v in s.videos],
    )


def item_keys(date: str, items: Sequence[Item]) -> list[str]:
    """Stable keys `<date>/<article key>` (or `<date>/t:<title key>` without an article
    URL); a repeat within one digest gets `~2`, `~3`."""
    seen: dict[str, int] = defaultdict(int)
    keys = []
    for item in items:
        ident = item.article_key or "t:" + identities.title_key(item.title)[:KEY_TITLE_CHARS]
        base = f"{date}/{ident}"
        seen[base] += 1
        keys.append(base if seen[base] == 1 else f"{base}~{seen[base]}")
    return keys


def match_items(
    items: Sequence[ItemRows], existing: Sequence[Sequence[Any]]
) -> tuple[list[tuple[int, str] | None], list[Sequence[Any]]]:
    """Pair a digest's new items with its stored rows `(id, key, title_key, ...)`.

    First by key, then the remaining ones by title key (a corrected article URL), in
    file order. Returns, per new item, the `(id, key)` of its row or None, and the rows
    nothing matched.
    """
    by_key = {row[1]: row for row in existing}
    used: set[int] = set()
    targets: list[tuple[int, str] | None] = []
    for item in items:
        row = by_key.get(item.key)
        targets.append((row[0], row[1]) if row else None)
        if row:
            used.add(row[0])
    by_title: dict[str, list[Sequence[Any]]] = defaultdict(list)
    for row in existing:
        if row[0] not in used and row[2]:
            by_title[row[2]].append(row)
    for n, item in enumerate(items):
        candidates = by_title.get(item.title_key) if targets[n] is None else None
        if candidates:
            row = candidates.pop(0)
            targets[n] = (row[0], row[1])
            used.add(row[0])
    return targets, [row for row in existing if row[0] not in used]


def section_data(section: Section) -> dict[str, Any]:
    """A section as JSON-ready data, links included (they have no table of their own)."""
    return {
        "name": section.name,
        "line": section.line,
        "entries": [entry_data(entry) for entry in section.entries],
        "images": [_fields(image) for image in section.images],
        "videos": [_fields(video) for video in section.videos],
    }


def entry_data(entry: Entry) -> dict[str, Any]:
    """`Entry.to_dict` plus the entry's links (`dataclasses.asdict` is 5x slower), built
    without recursion (`tree_data`)."""
    return tree_data(entry, _entry_node)


def _entry_node(entry: Entry) -> dict[str, Any]:
    node = entry_fields(entry)
    node["links"] = [_link_data(link) for link in entry.links] if entry.links else []
    return node


def _link_data(link: Link) -> dict[str, Any]:
    """`_fields(link)` written out (a section holds hundreds of links)."""
    return {
        "field": link.field,
        "text": link.text,
        "url_raw": link.url_raw,
        "url": link.url,
        "url_kind": link.url_kind,
        "line": link.line,
        "label": link.label,
        "name": link.name,
        "group": link.group,
        "note": link.note,
        "context": link.context,
    }


def _fields(obj: Link | Image | Video) -> dict[str, Any]:
    """A flat dataclass as a dict (its list fields are lists of strings)."""
    return {name: _copy(getattr(obj, name)) for name in _FIELD_NAMES[type(obj)]}


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


_FIELD_NAMES = {cls: [f.name for f in dataclasses.fields(cls)] for cls in (Link, Image, Video)}
# `Entry.to_dict` writes `"line":N,` right after `"kind"`; text can only hold it escaped.
_LINE_FIELD = re.compile(r'"line":\d+,')


def body_json(entries: list[Entry]) -> str:
    """`to_json([entry.to_dict() for entry in entries])`, written as text directly (no
    dict per entry for the encoder to walk)."""
    return f"[{','.join(map(_entry_json, entries))}]"


def _entry_json(entry: Entry) -> str:
    # Recursive, but no deeper than `entries.MAX_DEPTH` levels: the builder never nests
    # an entry further down.
    label, field, group, children = entry.label, entry.field, entry.group, entry.children
    return (
        f'{{"kind":{_ENCODE_TEXT(entry.kind)},"line":{int(entry.line)},'
        f'"label":{"null" if label is None else _ENCODE_TEXT(label)},'
        f'"field":{"null" if field is None else _ENCODE_TEXT(field)},'
        f'"group":{"null" if group is None else int(group)},"text":{_ENCODE_TEXT(entry.text)},'
        f'"children":[{",".join(map(_entry_json, children)) if children else ""}]}}'
    )


# What the encoder writes for each string (`ensure_ascii=False`): quoted, escaped.
_ENCODE_TEXT = json.encoder.encode_basestring


def item_rows(item: Item, key: str) -> ItemRows:
    import hashlib  # not at import: loading OpenSSL would cost the window's start

    body = body_json(item.entries)
    # A hash of the body without line numbers spots an item copied to another day.
    body_hash = (
        hashlib.sha1(_LINE_FIELD.sub("", body).encode()).hexdigest() if item.entries else None
    )
    title_key = identities.title_key(item.title)
    links = item.links  # each view once: they walk the entries
    abstract, tips = item.abstract, item.tips
    return ItemRows(
        key=key,
        title_key=title_key,
        values=(
            item.ordinal,
            item.index,
            item.title,
            item.article_url_raw,
            item.article_url,
            item.article_key,
            title_key,
            item.stars,
            abstract,
            tips,
            pack_body(body),
            body_hash,
            to_json(item.flags),
            item.line_start,
            item.line_end,
        ),
        links=[_link_row(n, link) for n, link in enumerate(links)],
        images=[_image_row(image) for image in item.images],
        videos=[_video_row(video) for video in item.videos],
        identities=[(n, *ident) for n, link in enumerate(links) for ident in link_identities(link)],
        search=search_row(item, links, abstract, tips),
    )


def search_row(
    item: Item,
    links: list[Link] | None = None,
    abstract: str | None = None,
    tips: str | None = None,
) -> Row:
    """The item's search index text (`search.text.item_text`), made here so an import's
    worker processes do it, and its facets but the day's (the store adds those).
    `links`, `abstract` and `tips` are the item's, when the caller has them already."""
    if links is None:
        links, abstract, tips = item.links, item.abstract, item.tips
    has = [link.field for link in links] + (["image"] if item.images else [])
    return (
        *item_text(item.title, abstract, tips, ((lk.field, lk.text, lk.url) for lk in links)),
        item_facets(item.stars, has),
    )


def link_identities(link: Link) -> list[tuple[str, str, str | None, int]]:
    """(kind, value, version, paper) rows for one link.

    Every link contributes its arXiv ID, GitHub repo and DOI. A paper-field link also
    names its paper (`paper` = 1): by arXiv ID, else DOI, else the title key of its text
    (of its URL when it has no text), so papers shared only by title still meet.
    """
    found: list[tuple[str, str, str | None, int]] = []
    kind = link.url_kind
    paper = int(link.field == "paper")
    if kind == "arxiv" and (ref := identities.arxiv_ref(link.url)) and ref.valid:
        found.append(("arxiv", ref.id, ref.version, paper))
    elif kind == "github" and (repo := identities.github_repo(link.url)):
        found.append(("github", repo, None, 0))
    elif link.url and (doi := identities.doi(link.url)):
        found.append(("doi", doi, None, paper))
    if paper and not (found and found[0][3]):  # at most one found so far
        title = identities.title_key(link.text) or identities.title_key(link.url_raw)
        if title:
            found.append(("title", title, None, 1))
    return found


def _link_row(ordinal: int, link: Link) -> Row:
    return (
        ordinal,
        link.field,
        link.label,
        link.name,
        link.group,
        link.text,
        link.url_raw,
        link.url,
        link.url_kind,
        link.note,
        link.line,
        link.context,
        identities.paper_title_key(link.text) if link.field == "paper" else None,
    )


def _image_row(image: Image) -> Row:
    return (
        image.src_raw,
        image.src,
        int(image.is_local),
        image.host,
        image.format_hint,
        image.zoom,
        image.alt,
        int(image.wrapped_in_div),
        image.resolved_path,
        to_json(image.flags),
        image.line,
    )


def _video_row(video: Video) -> Row:
    return (video.src_raw, video.src, video.host, int(video.wrapped_in_div), video.line)
