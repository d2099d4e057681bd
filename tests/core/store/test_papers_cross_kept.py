"""A day's cross-links are kept while the library is unchanged (`cross_refs_for`): any
write, here or by another connection, makes the next answer fresh, and an answer is the
caller's own copy."""

from __future__ import annotations

from pathlib import Path

from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library


def first_candidate(library: Library, dates: list[str]) -> tuple[str, str]:
    for date in dates:
        keys = [item.key for item in library.digests.items_for_date(date)]
        for key, refs in library.papers.cross_refs_for(keys).items():
            for ref in refs:
                if ref.kind == "candidate":
                    return key, ref.key
    raise AssertionError("no candidate cross-link in the corpus month")


def kinds(library: Library, key: str, other: str) -> list[str]:
    return [
        ref.kind for ref in library.papers.cross_refs_for([key]).get(key, []) if ref.key == other
    ]


def test_a_decision_here_is_seen_at_once(tmp_path: Path, corpus: Path) -> None:
    with Library(tmp_path / "l.sqlite") as library:
        import_paths(library, [corpus / "notes" / "202110"], workers=0)
        one, two = first_candidate(library, library.digests.dates())
        assert kinds(library, one, two) == ["candidate"]
        assert kinds(library, one, two) == ["candidate"]  # asked again: kept
        library.papers.decide_link(one, two, "dismissed")
        assert kinds(library, one, two) == ["dismissed"]
        library.papers.decide_link(one, two, None)
        assert kinds(library, one, two) == ["candidate"]


def test_a_decision_by_another_connection_is_seen(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes" / "202110"], workers=0)
        one, two = first_candidate(library, library.digests.dates())
        assert kinds(library, one, two) == ["candidate"]
        with Library(path) as other:
            other.papers.decide_link(one, two, "confirmed")
        assert kinds(library, one, two) == ["confirmed"]


def test_an_answer_is_a_copy(tmp_path: Path, corpus: Path) -> None:
    with Library(tmp_path / "l.sqlite") as library:
        import_paths(library, [corpus / "notes" / "202110"], workers=0)
        one, _two = first_candidate(library, library.digests.dates())
        first = library.papers.cross_refs_for([one])
        kept = list(first[one])
        first[one].clear()
        first.clear()
        assert library.papers.cross_refs_for([one])[one] == kept


def test_the_kept_answer_equals_a_fresh_one(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes" / "202110"], workers=0)
        days = [[i.key for i in library.digests.items_for_date(d)] for d in library.digests.dates()]
        kept = [library.papers.cross_refs_for(keys) for keys in days]
        again = [library.papers.cross_refs_for(keys) for keys in days]
    with Library(path) as fresh:
        assert again == kept == [fresh.papers.cross_refs_for(keys) for keys in days]
