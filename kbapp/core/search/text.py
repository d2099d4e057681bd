"""Search text: how items are indexed and how a query reads (pure; the store runs it).

One SQLite FTS5 table (`unicode61` tokenizer) indexes each item's fields. Text is
NFKC-normalised (full-width forms fold into half-width) and every run of Chinese/Japanese
characters is written as its overlapping two-character pieces followed by its last
character alone ("目标检测" → 目标 标检 检测 测), the pairing Zotero uses for CJK, so that:

- one character is a prefix query: every character starts exactly one token (its pair
  with the next character, or itself at the end of a run);
- two characters or more are a phrase of their pairs ("检测算法" → 检测 测算 算法): pairs
  are rare, so their lists are short (single-character tokens made a four-character query
  walk four lists of tens of thousands of items); the lone last character of each run
  keeps a phrase from matching across punctuation ("检测，测算" does not hold "检测算");
- a Latin word matches the words that start with it, case-insensitively ("yolo" finds
  "YOLOv5"); a word joined to CJK ("YOLO检测") is a phrase of both.

The trigram tokenizer cannot answer one or two characters (see the issue), hence this.

A last column, `facets`, holds what the filters ask of an item as tokens (`facet_text`):
its day (y2021 m202104 d20210425), the author's stars (s1 s2 for "at least", u3 u4 u5
for "fewer than") and its links (hcode or ncode, hpaper/npaper, himage/nimage).
`fts_match` turns date:, stars>= and has:code/paper/image into those, so FTS5 intersects
them with the words in its own lists. (Checked on each match instead, a rare filter with
a common word walked tens of thousands of rows.) My stars, notes, tags, read state and
queue change with every edit: the store checks those, with arxiv:, in SQL. Each facet
token starts with a private-use character, which the tokenizer keeps in a token and a
query never holds: no
word can match a facet, and no column filter is needed to keep words off them (one cost
a common word ~2 ms).

The query language (documented in the app's help, `QUERY_HELP`):
words (all must match), "a phrase", -excluded, a OR b, field:word for title, abstract,
tips, note, paper, code, links; stars>=N (the author's) and mine>=N; date:2021-04,
date:2021-04-01..2021-04-15; has:code, has:paper, has:note, has:image; arxiv:2104.04329;
tag:NAME (an item I tagged NAME, any case); is:read, is:unread, is:queued; author:,
cat:, year:, venue: on what arXiv said of the item's papers (`store.metadata`); paper:
(not excluded) a filter over the digests' paper titles and arXiv's title, authors and
abstract of the item's papers (`paper_text`, indexed in `paper_search`).
"""

from __future__ import annotations

import datetime
import operator
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kbapp.core.digest.text import nfkc

FIELDS = ("title", "abstract", "tips", "links", "paper", "note", "code")
_FACET = "\ue000"  # starts every facet token (see the module doc)
_FACET_HAS = ("code", "paper", "image")  # has: values kept as facets (the item's own)
# Kana, CJK ideographs and compatibility ideographs; not the kana block's punctuation and
# sound marks (゠ U+30A0, ・ U+30FB, U+3099-309C), which the tokenizer drops.
_CJK_RANGES = (
    (0x3041, 0x3096), (0x309D, 0x309F), (0x30A1, 0x30FA), (0x30FC, 0x30FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
)  # fmt: skip
_CJK_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b in _CJK_RANGES)
_CJK = re.compile(f"[{_CJK_CLASS}]")
_HAS = ("code", "paper", "note", "image")
STATES = ("read", "unread", "queued")  # is: values
_EXAMPLES = {"author": "hinton", "cat": "cs.CV", "venue": "CVPR"}


class QueryError(ValueError):
    """A query this language cannot read; the message says why, for a person."""


_RUN = re.compile(f"[{_CJK_CLASS}]+")
# A query's pieces: CJK runs and the words between them (letters and digits).
_PIECES = re.compile(f"[{_CJK_CLASS}]+|[^\\W_{_CJK_CLASS}]+")


# The text split around its CJK runs: the runs are the odd pieces.
_AROUND_RUNS = re.compile(f"([{_CJK_CLASS}]+)")


def _pairs(run: re.Match[str]) -> str:
    """A CJK run as the index writes it: " 目标 标检 检测 测 "."""
    return _run_pairs(run.group())


@lru_cache(maxsize=16384)
def _run_pairs(text: str) -> str:
    """`_pairs` of a run's text; cached, as words and phrases come back in every field."""
    return f" {' '.join(map(operator.add, text, text[1:]))} {text[-1]} "


def index_text(text: str | None) -> str:
    """A field's text as the index stores it: NFKC, CJK runs as overlapping pairs: the
    text split around its runs, each run's pairs looked up (`_run_pairs`), joined again
    (what `_RUN.sub(_pairs, text)` gives, without a Python call and a match per run)."""
    if not text:
        return ""
    if text.isascii():
        return text  # NFKC leaves ASCII alone, and it holds no CJK run
    if not unicodedata.is_normalized("NFKC", text):  # the check is cheap, the fold is not
        text = nfkc(text)
    pieces = _AROUND_RUNS.split(text)
    if len(pieces) == 1:
        return text
    pieces[1::2] = map(_run_pairs, pieces[1::2])
    return "".join(pieces)


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


def facet_text(date: str, stars: int, has: Iterable[str]) -> str:
    """An item's `facets` column: its day (`day_facets`), then `item_facets`."""
    return f"{day_facets(date)} {item_facets(stars, has)}".strip()


def day_facets(date: str) -> str:
    """The tokens of an item's day: y2021 m202104 d20210425 (none when not a day)."""
    if _iso_day(date) is None:
        return ""
    found = [f"y{date[:4]}", f"m{date[:7].replace('-', '')}", f"d{date.replace('-', '')}"]
    return " ".join(_FACET + token for token in found)


def item_facets(stars: int, has: Iterable[str]) -> str:
    """The author's stars as "at least" tokens (s1..) and "fewer than" ones (..u5); for
    code, paper and image links, h<kind> when the item has one and n<kind> when not."""
    kinds = set(has)
    return _item_facets(stars, "code" in kinds, "paper" in kinds, "image" in kinds)


@lru_cache(maxsize=256)
def _item_facets(stars: int, code: bool, paper: bool, image: bool) -> str:
    """`item_facets` given whether the item has each of `_FACET_HAS` (in that order)."""
    found = [f"s{n}" for n in range(1, stars + 1)] + [f"u{n}" for n in range(stars + 1, 6)]
    has = (code, paper, image)
    found += [f"{'h' if yes else 'n'}{kind}" for kind, yes in zip(_FACET_HAS, has, strict=True)]
    return " ".join(_FACET + token for token in found)


# The facet tokens a filter can ask either way (`facet_sides`): stars, and code, paper
# and image links.
SIDED_FACETS = tuple(
    [f"{_FACET}{side}{n}" for side in "su" for n in range(1, 6)]
    + [f"{_FACET}{side}{kind}" for kind in _FACET_HAS for side in "hn"]
)


def facet_sides(query: Query) -> list[tuple[str, str, str]]:
    """(filter, its facet token, the token of the items it leaves out) for each filter
    that can be asked either way: stars>=2 is s2, or NOT u2. bm25 counts the items of
    every token in a query (a token in 90% of them costs ~5 ms at 100,000 items), so the
    store asks for the side with fewer items (`fts_match`'s `absent`). One token a side:
    a single token per item for stars and links together made these ORs of up to 40."""
    sides = [("stars", f"s{query.stars}", f"u{query.stars}")] if query.stars else []
    sides += [(kind, f"h{kind}", f"n{kind}") for kind in sorted(query.has) if kind in _FACET_HAS]
    return [(name, _FACET + yes, _FACET + no) for name, yes, no in sides]


def _iso_day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def query_tokens(text: str) -> tuple[list[str], bool]:
    """The tokens a query's word or phrase must match in a row, and whether the last one
    is a prefix (a single CJK character ending the query: the text may go on)."""
    # Not casefolded here: FTS5 folds the quoted tokens with the index's own tokenizer
    # (casefold() would turn "ß" into "ss" and split "İ", which the index never does).
    pieces = _PIECES.findall(unicodedata.normalize("NFKC", text))
    found: list[str] = []
    for number, piece in enumerate(pieces):
        if not _CJK.match(piece):
            found.append(piece)
            continue
        last = number == len(pieces) - 1
        if len(piece) == 1:
            found.append(piece)  # alone at the end of a run, or (last) a prefix
            continue
        found += [piece[i : i + 2] for i in range(len(piece) - 1)]
        if not last:  # the text's run ends here too, then its next word follows
            found.append(piece[-1])
    return found, bool(pieces) and len(pieces[-1]) == 1 and bool(_CJK.match(pieces[-1]))


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
    tags: list[str] = field(default_factory=list)  # my tags, each one the item must carry
    states: set[str] = field(default_factory=set)  # is: read, unread, queued
    # What arXiv said of the item's papers (`kbapp papers fetch`): (name, value), name
    # one of author (a word's start), cat (a category), venue (a word), year (A..B).
    paper: list[tuple[str, str]] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # the words and phrases, to highlight


def _fts_term(text: str, *, prefix: bool) -> str:
    """One word or phrase as FTS5 syntax: a quoted phrase of its tokens."""
    parts, cjk_prefix = query_tokens(text)
    if not parts:
        raise QueryError(f"“{text}” has nothing to search for")
    quoted = '"' + " ".join(parts) + '"'
    # A lone Latin word matches words that start with it; a CJK character ending the
    # query matches the pairs it starts; other CJK and phrases match exactly.
    if cjk_prefix or (prefix and len(parts) == 1 and not _CJK.search(parts[0])):
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


def paper_text(record: object) -> str:
    """What `paper:` finds of a paper beside its digests' link titles: arXiv's title,
    authors and abstract, as the index stores text. (A change here comes with a
    migration that indexes `paper_search` again: its rows are deleted by this text.)"""
    title = getattr(record, "title", "") or ""
    authors = " ".join(getattr(a, "name", "") for a in getattr(record, "authors", ()))
    abstract = getattr(record, "abstract", "") or ""
    return index_text(f"{title}\n{authors}\n{abstract}")


def tag_query(name: str) -> str:
    """The query that finds the items with a tag: `tag:matting`, `tag:"deep learning"`."""
    return f'tag:"{name}"' if " " in name else f"tag:{name}"


def fts_match(
    query: Query, absent: Iterable[str] = (), within: tuple[str, str] | None = None
) -> str | None:
    """The whole FTS5 expression of a query with words: the words, and its date:,
    stars>= and has: (code, paper, image) as `facets` tokens; a filter named in `absent`
    as NOT the token of what it leaves out (`facet_sides`); dates only `within` the
    library's first and last day (given). None when nothing can match."""
    if query.match is None:
        return None
    match = query.match
    if query.date_from is not None and query.date_to is not None:
        days = _date_tokens(query.date_from, query.date_to, within)
        if not days:
            return None  # an empty range
        match = f"({match}) AND facets : ({_any(_FACET + day for day in days)})"
    left_out = set(absent)
    for name, yes, no in facet_sides(query):
        if name in left_out:
            match = f'({match}) NOT facets : "{no}"'
        else:
            match = f'({match}) AND facets : "{yes}"'
    return match


def _any(tokens: Iterable[str]) -> str:
    return " OR ".join(f'"{token}"' for token in tokens)


def _period(text: str, *, last: bool) -> datetime.date:
    """The first (or last) day of 2021, 2021-04 or 2021-04-25."""
    year, month, day = ([int(part) for part in text.split("-")] + [1, 1])[:3]
    if not last or len(text) == 10:
        return datetime.date(year, month, day)
    return _month_end(datetime.date(year, 12 if len(text) == 4 else month, 1))


def _month_end(day: datetime.date) -> datetime.date:
    if day.month == 12:
        return datetime.date(day.year, 12, 31)
    return datetime.date(day.year, day.month + 1, 1) - datetime.timedelta(days=1)


def _date_tokens(start: str, end: str, within: tuple[str, str] | None = None) -> list[str]:
    """The fewest year, month and day tokens that cover the days from `start` to `end`,
    and (`within`: the library's first and last day) no day the library cannot hold."""
    day, last = _period(start, last=False), _period(end, last=True)
    if within is not None and _iso_day(within[0]) and _iso_day(within[1]):
        day = max(day, datetime.date.fromisoformat(within[0]).replace(month=1, day=1))
        last = min(last, datetime.date.fromisoformat(within[1]).replace(month=12, day=31))
    found: list[str] = []
    while day <= last:
        if day.month == 1 and day.day == 1 and datetime.date(day.year, 12, 31) <= last:
            found.append(f"y{day.year}")
            step = datetime.date(day.year, 12, 31)
        elif day.day == 1 and _month_end(day) <= last:
            found.append(f"m{day.year}{day.month:02d}")
            step = _month_end(day)
        else:
            found.append(f"d{day:%Y%m%d}")
            step = day
        if step == datetime.date.max:
            break
        day = step + datetime.timedelta(days=1)
    return found


def _filter(query: Query, name: str, operator: str, value: str, negate: bool) -> str | None:
    """A `name:value` or `name>=N` piece: a field's word (returned) or a filter (set)."""
    if name == "paper" and operator == ":" and not negate:
        # The digests' paper titles, and what arXiv said of the papers (title, authors,
        # abstract): a filter, as author: is (with words, it narrows them).
        query.terms.append(value)
        query.paper.append(("text", _fts_term(value, prefix=True)))
        return None
    if name in FIELDS and operator == ":":
        query.terms.append(value)
        return f"{name} : {_fts_term(value, prefix=True)}"
    if negate:
        raise QueryError(f"-{name}: cannot be excluded; only words can")
    if name in ("stars", "mine"):
        if not re.fullmatch(r"[0-5]", value):
            raise QueryError(f"{name}{operator} takes a number of stars from 0 to 5")
        setattr(query, name, int(value) or None)  # >=0: every item, rated or not
        return None
    if name == "date" and operator == ":":
        start, dots, end = value.partition("..")
        for part in (start, end) if dots else (start,):
            if not _DATE.fullmatch(part):
                raise QueryError(f"date:{value}: write 2021, 2021-04, 2021-04-25 or A..B")
            try:
                _period(part, last=False)
            except ValueError:
                raise QueryError(f"date:{value}: {part} is not a day of the calendar") from None
        query.date_from, query.date_to = (start, end) if dots else (start, start)
        return None
    if name == "has" and operator == ":":
        if value not in _HAS:
            raise QueryError(f"has:{value}: one of has:{', has:'.join(_HAS)}")
        query.has.add(value)
        return None
    if name == "tag" and operator == ":":
        if not value.strip():
            raise QueryError('tag: needs a tag\'s name (tag:matting, tag:"deep learning")')
        query.tags.append(" ".join(value.split()))
        return None
    if name == "is" and operator == ":":
        if value not in STATES:
            raise QueryError(f"is:{value}: one of is:{', is:'.join(STATES)}")
        if {value, *query.states} >= {"read", "unread"}:
            raise QueryError("is:read and is:unread together match nothing")
        query.states.add(value)
        return None
    if name in ("author", "cat", "venue") and operator == ":":
        if not value.strip():
            raise QueryError(f"{name}: needs a value ({name}:{_EXAMPLES[name]})")
        query.paper.append((name, " ".join(value.split()).casefold()))
        return None
    if name == "year" and operator == ":":
        start, dots, end = value.partition("..")
        if not all(re.fullmatch(r"\d{4}", part) for part in ((start, end) if dots else (start,))):
            raise QueryError(f"year:{value}: write year:2021 or year:2020..2021")
        query.paper.append(("year", f"{start}..{end if dots else start}"))
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
has:code has:paper has:note has:image · arxiv:2104.04329 · tag:NAME (my tags;
tag:"two words") · is:read is:unread is:queued · once papers are looked up on arXiv:
author:NAME (a word of a name's start) cat:cs.CV year:2021 year:2020..2021 venue:CVPR,
and paper: also searches arXiv's title, authors and abstract"""
