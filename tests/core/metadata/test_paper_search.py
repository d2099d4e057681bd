"""`author:`, `cat:`, `venue:` and `year:` over the papers' stored details equal a
brute-force scan: every item, its arXiv papers (the identities table) and their records
as `library.metadata` gives them, tested in Python; `paper:` finds a word in the
digests' paper link titles or in arXiv's title, authors and abstract."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from kbapp.core.importer import import_paths
from kbapp.core.metadata.arxiv import ArxivRecord, Author
from kbapp.core.metadata.fetch import Polite, fetch_arxiv
from kbapp.core.store.library import Library
from tests.core.metadata.arxiv_server import ArxivServer

Test = Callable[[ArxivRecord], bool]


@pytest.fixture(scope="module")
def fetched(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    server = ArxivServer()
    server.start()
    path = tmp_path_factory.mktemp("papers") / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"], workers=0)

        def record(outcome):  # type: ignore[no-untyped-def]
            library.metadata.record(outcome.records, outcome.not_found, outcome.failed)

        fetch_arxiv(library.metadata.due(), record, api=server.url, polite=Polite(0.0))
        yield library
    server.stop()


def papers_of_items(library: Library) -> dict[str, list[ArxivRecord]]:
    """Each item's arXiv papers' records (an item with none: an empty list)."""
    with closing(sqlite3.connect(library.path)) as conn:
        rows = conn.execute(
            "SELECT i.key, x.value FROM items i LEFT JOIN identities x "
            "ON x.item_id = i.id AND x.kind = 'arxiv'"
        ).fetchall()
    metas = library.metadata.of()
    found: dict[str, list[ArxivRecord]] = {}
    for key, arxiv_id in rows:
        meta = metas.get(f"arxiv:{arxiv_id}") if arxiv_id else None
        found.setdefault(key, [])
        if meta is not None and meta.record is not None:
            found[key].append(meta.record)
    return found


def word_start(text: str, value: str) -> bool:
    return any(word.startswith(value) for word in text.lower().replace("-", " ").split())


SCANS: dict[str, Test] = {
    "author:grace": lambda r: any(word_start(a.name, "grace") for a in r.authors),
    "author:lovel": lambda r: any(word_start(a.name, "lovel") for a in r.authors),
    "author:babbage": lambda r: any(word_start(a.name, "babbage") for a in r.authors),
    "author:Hopper": lambda r: any(word_start(a.name, "hopper") for a in r.authors),
    "author:opper": lambda r: False,  # inside a word: not a word's start
    'author:"ada lovelace1"': lambda r: any(
        a.name.lower().startswith("ada lovelace1") for a in r.authors
    ),  # fmt: skip
    "cat:cs.CL": lambda r: "cs.CL" in r.categories,
    "cat:cs.cv": lambda r: "cs.CV" in r.categories,
    "cat:cs.LG": lambda r: "cs.LG" in r.categories,
    "year:2021": lambda r: r.year == 2021,
    "year:2020": lambda r: r.year == 2020,
    "year:2019..2020": lambda r: r.year is not None and 2019 <= r.year <= 2020,
    "venue:cvpr": lambda r: "CVPR" in (r.journal_ref or "").split(),
    "venue:ICCV": lambda r: "ICCV" in (r.journal_ref or "").split(),
}


@pytest.mark.parametrize("query", sorted(SCANS))
def test_a_paper_filter_equals_the_scan(fetched: Library, query: str) -> None:
    test = SCANS[query]
    expected = {key for key, records in papers_of_items(fetched).items()
                if any(test(r) for r in records)}  # fmt: skip
    got = {hit.key for hit in fetched.search.find(query, limit=10_000)}
    assert got == expected
    if query in ("author:grace", "cat:cs.cv", "year:2021", "venue:cvpr"):
        assert expected, "the scan finds some: the comparison means something"


@pytest.mark.parametrize(("query", "word"), [("author:babbage", "网络"), ("cat:cs.CL", "检测")])
def test_a_paper_filter_with_words(fetched: Library, query: str, word: str) -> None:
    by_filter = {hit.key for hit in fetched.search.find(query, limit=10_000)}
    by_word = {hit.key for hit in fetched.search.find(word, limit=10_000)}
    both = {hit.key for hit in fetched.search.find(f"{word} {query}", limit=10_000)}
    assert both == by_filter & by_word and both


def test_a_library_without_details_matches_nothing(library: Library) -> None:
    assert library.search.find("author:anyone") == [] and library.search.find("cat:cs.CV") == []


def paper_link_titles(library: Library) -> dict[str, str]:
    """Each item's paper links' texts, as the digests give them."""
    with closing(sqlite3.connect(library.path)) as conn:
        rows = conn.execute(
            "SELECT i.key, COALESCE(l.text, '') FROM items i JOIN links l "
            "ON l.item_id = i.id AND l.field = 'paper' WHERE i.removed = 0"
        ).fetchall()
    found: dict[str, str] = {}
    for key, text in rows:
        found[key] = found.get(key, "") + " " + text
    return found


def has_word_from(text: str, value: str) -> bool:
    return any(word.startswith(value) for word in re.findall(r"[a-z0-9]+", text.lower()))


def paper_word_scan(library: Library, value: str) -> set[str]:
    titles = paper_link_titles(library)
    expected = set()
    for key, records in papers_of_items(library).items():
        texts = [titles.get(key, "")]
        texts += [f"{r.title} {' '.join(a.name for a in r.authors)} {r.abstract}" for r in records]
        if any(has_word_from(text, value) for text in texts):
            expected.add(key)
    return expected


@pytest.mark.parametrize("value", ["hopper", "babbage", "escaped", "transformer", "mid"])
def test_paper_words_equal_a_scan_of_titles_and_arxiv_details(fetched: Library, value: str) -> None:
    expected = paper_word_scan(fetched, value)
    got = {hit.key for hit in fetched.search.find(f"paper:{value}", limit=10_000)}
    assert got == expected and expected
    if value == "hopper":  # only in arXiv's authors: none of the digests' titles has it
        assert not any(has_word_from(t, value) for t in paper_link_titles(fetched).values())


def test_paper_words_follow_a_new_fetch(fetched: Library) -> None:
    """A record fetched again replaces what `paper:` finds of it (the old text leaves)."""
    meta = fetched.metadata.get("arxiv:2104.00298")
    assert meta is not None and meta.record is not None
    old = meta.record
    renamed = replace(old, authors=(Author("Mary Somerville"),), abstract="Orbits.")

    def agrees(value: str) -> bool:
        found = {hit.key for hit in fetched.search.find(f"paper:{value}", limit=10_000)}
        return found == paper_word_scan(fetched, value)

    fetched.metadata.record({old.arxiv_id: renamed}, {}, {})
    try:
        assert fetched.search.find("paper:somerville") and fetched.search.find("paper:orbits")
        assert all(agrees(value) for value in ("somerville", "orbits", "babbage", "mid"))
    finally:
        fetched.metadata.record({old.arxiv_id: old}, {}, {})
    assert not fetched.search.find("paper:somerville") and not fetched.search.find("paper:orbits")
    assert all(agrees(value) for value in ("babbage", "mid"))


def test_a_library_fetched_before_paper_search_is_indexed_on_open(
    arxiv: ArxivServer, corpus: Path, tmp_path: Path
) -> None:
    """Migration 0021 indexes the details a library already has."""
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"], workers=0)

        def record(outcome):  # type: ignore[no-untyped-def]
            library.metadata.record(outcome.records, outcome.not_found, outcome.failed)

        fetch_arxiv(["2104.00298", "2006.12030"], record, api=arxiv.url, polite=Polite(0.0))
        conn = library.db.conn
        for sql in ("DROP TABLE paper_search", "DROP TABLE paper_search_ids",
                    "DELETE FROM _sqlite_migrations WHERE name = '0021_paper_search'"):  # fmt: skip
            conn.execute(sql)
        conn.commit()
    with Library(path) as library:  # opened again: the migration runs
        assert (
            {hit.key for hit in library.search.find("paper:hopper")}
            == paper_word_scan(library, "hopper")
            != set()
        )
