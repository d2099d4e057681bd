"""Checking a JSON export before `restore-json` writes anything: the file is walked once
and the first field that is not as `library_json` documents it is named with its place,
as `digests[3].items[0].my_rating: 6 is not 0-5`.

What is checked is the top-level shape and every field `Transfer.merge_user_data` reads,
with the values the library's constraints accept (ratings 0-5, the revision kinds and
decisions it knows, no link of an item to itself, text SQLite can store) and times the
store can compare and parse later. Fields the merge does not read (titles, bodies,
images) may hold anything, and unknown keys are accepted: exports of version 1 only
ever gain fields. The same holds backwards: the first exports of version 1 had no
`papers`, `link_decisions`, times, histories or revisions, so all of those may be
missing; a known key that is present with the wrong type is an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, NewType

# Data `check_export` found fit to merge: what `restore.read_export` returns.
CheckedExport = NewType("CheckedExport", dict[str, Any])

Check = Callable[[Any, str], Any]  # (value, where it is) -> the value, or InvalidExport

REVISION_KINDS = ("auto", "save", "restore")
DECISIONS = ("confirmed", "dismissed")


class InvalidExport(ValueError):
    """The first field of an export that is not as documented: `where` it is (as
    `papers[0].note`) and what is wrong with it, in one line."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


def check_export(data: dict[str, Any]) -> CheckedExport:
    """`data` (a parsed export of the right format and version) when everything the
    merge reads is as documented; InvalidExport naming the first field that is not."""
    top = Fields(data, "")
    for digest in top.objects("digests", required=True):
        for item in digest.objects("items", required=True):
            _user_fields(item, "item", item.field("key", _key, required=True), history=True)
    for paper in top.objects("papers"):
        _user_fields(paper, "paper", paper.field("key", _key, required=True), history=False)
    for decision in top.objects("link_decisions"):
        a = decision.field("a", _key, required=True)
        b = decision.field("b", _key, required=True)
        if not a < b:  # the library keeps each pair once, sorted
            raise InvalidExport(decision.path("b"), f"{_show(b)} does not sort after a")
        decision.field("decision", _one_of(DECISIONS), required=True)
        decision.field("at", _time, required=True)
    for n, target in enumerate(top.field("queue", _or_null(_list)) or []):
        _target(target, f"queue[{n}]")
    for search in top.objects("saved_searches"):
        search.field("name", _name, required=True)
        search.field("query", _text, required=True)
    return CheckedExport(data)


def _user_fields(owner: Fields, kind: str, key: str, *, history: bool) -> None:
    """An item's or a paper's own data (the fields `USER_ITEM_FIELDS` names)."""
    owner.field("my_rating", _or_null(_stars))
    owner.field("my_rating_at", _or_null(_time))
    owner.field("note", _or_null(_text))
    owner.field("note_at", _or_null(_time))
    if history:
        for entry in owner.objects("rating_history"):
            entry.field("stars", _or_null(_stars), required=True)  # null: a cleared rating
            entry.field("at", _time, required=True)
    for revision in owner.objects("note_revisions"):
        revision.field("text", _text, required=True)
        revision.field("at", _time, required=True)
        revision.field("kind", _one_of(REVISION_KINDS), required=True)
    for link in owner.objects("links_to"):
        target = link.field("target", _target, required=True)
        if target == f"{kind}:{key}":
            raise InvalidExport(link.path("target"), f"{_show(target)} links the {kind} to itself")
        link.field("label", _or_null(_text))
        link.field("created_at", _or_null(_time))
    if history:  # (an item's: only items are read)
        owner.field("read_at", _or_null(_time))
    owner.field("queued_at", _or_null(_time))
    for n, name in enumerate(owner.field("tags", _or_null(_list)) or []):
        _name(name, f"{owner.path('tags')}[{n}]")


class Fields:
    """One object of the export and where it is, read one checked field at a time."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise InvalidExport(where, f"{_show(value)} is not an object")
        self.data: dict[str, Any] = value
        self.where = where

    def path(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def field(self, name: str, check: Check, *, required: bool = False) -> Any:
        """The checked value of `name`; None when it is missing and may be."""
        if name not in self.data:
            if required:
                raise InvalidExport(self.path(name), "missing")
            return None
        return check(self.data[name], self.path(name))

    def objects(self, name: str, *, required: bool = False) -> Iterator[Fields]:
        """The objects of the list `name` (none when it is missing and may be)."""
        values = self.field(name, _list, required=required) or []
        for n, value in enumerate(values):
            yield Fields(value, f"{self.path(name)}[{n}]")


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidExport(where, f"{_show(value)} is not a list")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise InvalidExport(where, f"{_show(value)} is not a string")
    try:
        value.encode("utf-8")  # JSON's \ud800 escapes decode to text SQLite refuses
    except UnicodeEncodeError:
        raise InvalidExport(where, f"{_show(value)} is not valid Unicode") from None
    return value


def _key(value: object, where: str) -> str:
    text = _text(value, where)
    if not text:
        raise InvalidExport(where, "an empty string is not a key")
    return text


def _name(value: object, where: str) -> str:
    """A tag's or a saved search's name, as `store.tags.clean_name` takes it."""
    from kbapp.core.store.tags import clean_name

    text = _text(value, where)
    try:
        clean_name(text)
    except ValueError as error:
        raise InvalidExport(where, f"{_show(value)}: {error}") from None
    return text


def _stars(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):  # json: true is no rating
        raise InvalidExport(where, f"{_show(value)} is not a whole number 0-5")
    if not 0 <= value <= 5:
        raise InvalidExport(where, f"{_show(value)} is not 0-5")
    return value


def _time(value: object, where: str) -> str:
    """ISO 8601 with a UTC offset, as the store writes (its note autosave subtracts two
    of them), or empty: the merge's own word for a time an old export did not give."""
    text = _text(value, where)
    if text:
        try:
            offset = datetime.fromisoformat(text).utcoffset()
        except ValueError:
            offset = None
        if offset is None:
            raise InvalidExport(where, f"{_show(value)} is not an ISO 8601 time with an offset")
    return text


def _target(value: object, where: str) -> str:
    text = _text(value, where)
    kind, _, key = text.partition(":")
    if kind not in ("item", "paper") or not key:
        raise InvalidExport(where, f"{_show(value)} is not item:<key> or paper:<key>")
    return text


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(value: object, where: str) -> str:
        if value not in choices:
            raise InvalidExport(where, f"{_show(value)} is not one of {', '.join(choices)}")
        return str(value)

    return check


def _or_null(check: Check) -> Check:
    return lambda value, where: None if value is None else check(value, where)


def _show(value: object) -> str:
    """A value as the JSON it was, on one line and short; containers by their kind."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    shown = json.dumps(value, ensure_ascii=False, default=repr)
    shown = shown.encode("utf-8", "backslashreplace").decode()  # a lone surrogate as \ud800
    return shown if len(shown) <= 60 else f"{shown[:59]}…"


__all__ = ["CheckedExport", "InvalidExport", "check_export"]
