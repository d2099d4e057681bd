"""`author:`, `cat:`, `venue:` and `year:` over the papers' stored details equal a
brute-force scan: every item, its arXiv papers (the identities table) and their records
as `library.metadata` gives them, tested in Python."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from kbapp.core.importer import import_paths
from kbapp.core.metadata.arxiv import ArxivRecord
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
