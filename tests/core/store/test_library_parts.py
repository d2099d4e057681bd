"""The library's parts are made when first used, each once; the days' `dates`,
`is_empty`, `has_date` and `newest_date` answer what `digests.dates()` does without
making `digests`."""

from __future__ import annotations

from pathlib import Path

from kbapp.core.importer import import_paths
from kbapp.core.store.library import DigestInfo, Library

PARTS = ("digests", "days", "user", "papers", "search", "images", "stats", "removal", "transfer")


def test_each_part_is_made_once_on_first_use(library: Library) -> None:
    assert not any(name in vars(library) for name in PARTS)
    for name in PARTS:
        part = getattr(library, name)
        assert getattr(library, name) is part
        assert part._db is library.db
    assert all(name in vars(library) for name in PARTS)


def test_the_date_lookups_agree_with_the_digests(library: Library, corpus: Path) -> None:
    assert library.days.dates() == library.digests.dates() == []
    assert library.days.is_empty() and library.days.newest_date() is None
    assert not library.days.has_date("2021-10-01")
    import_paths(library, [corpus / "notes" / "202110"], workers=0)
    dates = library.digests.dates()
    assert library.days.dates() == dates != []
    assert not library.days.is_empty()
    assert library.days.newest_date() == dates[-1]
    assert all(library.days.has_date(date) for date in dates)
    assert not library.days.has_date("2021-09-30") and not library.days.has_date("")


def test_digest_info_is_still_importable_from_the_library() -> None:
    from kbapp.core.store import digests

    assert DigestInfo is digests.DigestInfo
