"""Search text: how items are indexed and how a query reads (pure; the store runs it).

One SQLite FTS5 table (`unicode61` tokenizer) indexes each item's fields. Text is
NFKC-normalised (full-width forms fold into half-width) and every Chinese/Japanese
character is written as a token of its own, so that:

- a CJK query of any length, one character included, is a phrase of single-character
  tokens: it matches exactly the items whose field contains that string (the trigram
  tokenizer cannot answer one or two characters, see the issue);
- a Latin word matches the words that start with it, case-insensitively ("yolo" finds
  "YOLOv5"); a word joined to CJK ("YOLO检测") is a phrase of both.

The query language (documented in the app's help, `QUERY_HELP`):
words (all must match), "a phrase", -excluded, a OR b, field:word for title, abstract,
tips, note, paper, code, links; stars>=N (the author's) and mine>=N; date:2021-04,
date:2021-04-01..2021-04-15; has:code, has:paper, has:note, has:image; arxiv:2104.04329.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

FIELDS = ("title", "abstract", "tips", "links", "paper", "note", "code")
_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_CJK = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _CJK_RANGES) + "]")
_TOKEN = re.compile(r"[^\W_]+")  # letters and digits: what unicode61 keeps together
_HAS = ("code", "paper", "note", "image")


class QueryError(ValueError):
    """A query this language cannot read; the message says why, for a person."""


@cache
def _spaced() -> dict[int, str]:
    """Each CJK character → itself between spaces (28,000 entries: made on first use,
    not at import, where it would cost the window's start ~10 ms)."""
    return {c: f" {chr(c)} " for low, high in _CJK_RANGES for c in range(low, high + 1)}


def index_text(text: str | None) -> str:
    """A field's text as the index stores it: NFKC, each CJK character a token."""
    return unicodedata.normalize("NFKC", text or "").translate(_spaced())


def item_text(
    title: str | None,
    abstract: str | None,
    tips: str | None,
    links: Iterable[tuple[str, str | None, str | None]],
) -> tuple[str, str, str, str, str, str]:
    """An item's indexed title, abstract, tips, other links, paper titles and code (the
    note is indexed apart: it changes alone), from its links' (field, text, url): code
    links add their repository's name."""
    grouped: dict[str, list[str]] = {"links": [], "paper": [], "code": []}
    for kind, text, url in links:
        column = kind if kind in ("paper", "code") else "links"
        grouped[column].append(text or "")
        if column == "code" and url:
            grouped["code"].append(url.rsplit("github.com/", 1)[-1])
    return (
        index_text(title),
        index_text(abstract),
        index_text(tips),
        index_text(" ".join(grouped["links"])),
        index_text(" ".join(grouped["paper"])),
        index_text(" ".join(grouped["code"])),
    )


def tokens(text: str) -> list[str]:
    """The tokens of indexed text as the index sees them (for tests and snippets)."""
    return _TOKEN.findall(index_text(text).casefold())


@dataclass
class Query:
    """A parsed query: an FTS5 MATCH expression (None: no words) and SQL filters."""

    match: str | None = None
    stars: int | None = None  # the author's, at least
    mine: int | None = None  # the user's, at least
    date_from: str | None = None
    date_to: str | None = None  # inclusive
    has: set[str] = field(default_factory=set)
    arxiv: str | None = None
    terms: list[str] = field(default_factory=list)  # the words and phrases, to highlight


def _fts_term(text: str, *, prefix: bool) -> str:
    """One word or phrase as FTS5 syntax: a quoted phrase of its tokens."""
    parts = tokens(text)
    if not parts:
        raise QueryError(f"“{text}” has nothing to search for")
    quoted = '"' + " ".join(parts) + '"'
    # A lone Latin word matches words that start with it; CJK and phrases match exactly.
    if prefix and len(parts) == 1 and not _CJK.search(parts[0]):
        return quoted + " *"
    return quoted


_PIECE = re.compile(r'\s*(-?)(?:(\w+)\s*(>=|:)\s*)?("([^"]*)"?|[^\s"]+)')
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def parse_query(text: str) -> Query:
    """Read a query (see the module doc); QueryError says what is wrong with it."""
    query = Query()
    groups: list[list[str]] = [[]]  # OR-separated groups of AND-ed terms
    excluded: list[str] = []
    position = 0
    text = unicodedata.normalize("NFKC", text).strip()  # full-width ：＞＝ and quotes too
    while position < len(text):
        found = _PIECE.match(text, position)
        if found is None or found.end() == position:
            raise QueryError(f"cannot read the query from “{text[position:]}”")
        position = found.end()
        negate, name, operator, raw, phrase = found.groups()
        if raw.startswith('"') and (len(raw) == 1 or not raw.endswith('"')):
            raise QueryError("a phrase is missing its closing quote")
        value = phrase if phrase is not None else raw
        if name is None and raw == "OR" and not negate:
            if not groups[-1]:
                raise QueryError("OR needs a word on each side")
            groups.append([])
            continue
        if name is not None:
            term = _filter(query, name.lower(), operator, value, negate == "-")
            if term is None:
                continue
        else:
            term = _fts_term(value, prefix=phrase is None)
            query.terms.append(value)
        (excluded if negate else groups[-1]).append(term)
    if len(groups) > 1 and not groups[-1]:
        raise QueryError("OR needs a word on each side")
    ands = [" AND ".join(group) for group in groups if group]
    if not ands and excluded:
        raise QueryError("a search needs at least one word to find, not only words to leave out")
    if ands:
        match = " OR ".join(f"({a})" for a in ands) if len(ands) > 1 else ands[0]
        for term in excluded:
            match = f"({match}) NOT {term}"
        query.match = match
    return query


def _filter(query: Query, name: str, operator: str, value: str, negate: bool) -> str | None:
    """A `name:value` or `name>=N` piece: a field's word (returned) or a filter (set)."""
    if name in FIELDS and operator == ":":
        query.terms.append(value)
        return f"{name} : {_fts_term(value, prefix=True)}"
    if negate:
        raise QueryError(f"-{name}: cannot be excluded; only words can")
    if name in ("stars", "mine"):
        if not re.fullmatch(r"[0-5]", value):
            raise QueryError(f"{name}{operator} takes a number of stars from 0 to 5")
        setattr(query, name, int(value))
        return None
    if name == "date" and operator == ":":
        start, dots, end = value.partition("..")
        for part in (start, end) if dots else (start,):
            if not _DATE.fullmatch(part):
                raise QueryError(f"date:{value}: write 2021, 2021-04, 2021-04-25 or A..B")
        query.date_from, query.date_to = (start, end) if dots else (start, start)
        return None
    if name == "has" and operator == ":":
        if value not in _HAS:
            raise QueryError(f"has:{value}: one of has:{', has:'.join(_HAS)}")
        query.has.add(value)
        return None
    if name == "arxiv" and operator == ":":
        found = re.fullmatch(r"(\d{4}\.\d{4,5})(v\d+)?", value)
        if found is None:
            raise QueryError(f"arxiv:{value}: an arXiv ID looks like 2104.04329")
        query.arxiv = found.group(1)
        return None
    raise QueryError(f"unknown filter {name}{operator} (see the search help)")


QUERY_HELP = """Words must all match (a Latin word matches words starting with it; Chinese
matches exactly, one character or more). "a phrase" · -word leaves out · a OR b ·
title: abstract: tips: note: paper: code: links: limit a word to a field ·
stars>=N (the author's) · mine>=N (yours) · date:2021-04 · date:2021-04-01..2021-04-15 ·
has:code has:paper has:note has:image · arxiv:2104.04329"""
