"""A damaged library: found at open and by the full check, never written to, rebuilt from
its digest files with every rating and note of the newest backup."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kbapp.core import recovery
from kbapp.core.store import integrity
from kbapp.core.store.library import DamagedLibraryError, Library
from tests.library_damage import Annotated, annotations_in, build, copy_library, damage


@pytest.fixture(scope="module")
def built(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Annotated]:
    return build(corpus, tmp_path_factory.mktemp("built"))


@pytest.fixture
def damaged(built: tuple[Path, Annotated], tmp_path: Path) -> Path:
    path = copy_library(built[0], tmp_path)
    damage(path)
    return path


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file beside the library with a hash of its bytes: what "nothing written"
    means. A reader of a WAL library leaves SQLite's lock file (-shm) and an empty -wal."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith("-shm") and p.read_bytes() != b""
    }


def test_a_sound_library_passes_both_checks(built: tuple[Path, Annotated], tmp_path: Path) -> None:
    path = copy_library(built[0], tmp_path)
    assert integrity.check_library(path).ok
    with Library(path) as library:
        assert library.verify() is None


def test_random_bytes_in_the_middle_are_found_at_open_and_nothing_is_written(
    damaged: Path,
) -> None:
    before = fingerprint(damaged.parent)
    with pytest.raises(DamagedLibraryError) as raised:
        Library(damaged)
    message = str(raised.value)
    backup = integrity.newest_good_backup(damaged)
    assert backup is not None
    assert "is damaged" in message and "will not write to it" in message
    assert str(backup.path) in message and "20 ratings, 3 notes" in message
    assert "\n" not in message
    assert fingerprint(damaged.parent) == before


def test_the_full_check_reports_the_damage_read_only(damaged: Path) -> None:
    before = fingerprint(damaged.parent)
    report = integrity.check_library(damaged)
    assert not report.ok
    assert report.problem()
    assert fingerprint(damaged.parent) == before


def test_damage_found_after_opening_stops_every_write(damaged: Path) -> None:
    """The window opens without the check and runs it on its worker after painting."""
    before = damaged.read_bytes()
    try:
        library = Library(damaged, check=False)
    except DamagedLibraryError:
        pytest.skip("this damage already shows when the schema is read")
    with library:
        problem = library.verify()
        assert problem is not None
        key = library.digests.items_for_date(library.digests.dates()[0])[0].key
        with pytest.raises(DamagedLibraryError, match="will not write"):
            library.user.set_rating(key, 3)
    assert damaged.read_bytes() == before
    wal = damaged.with_name(damaged.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_recovery_gives_back_every_rating_and_note_of_the_newest_backup(
    damaged: Path, built: tuple[Path, Annotated]
) -> None:
    damaged_bytes = damaged.read_bytes()
    source = recovery.default_user_source(damaged)
    assert source is not None and source.parent.name == "backups"
    digests = recovery.digest_files(damaged, source)
    assert len(digests) == 69

    done = recovery.rebuild(damaged, digests, source, workers=0)

    assert done.report.failed == 0 and done.restored["ratings"] == 20
    assert annotations_in(damaged) == built[1] == annotations_in(source)
    assert integrity.check_library(damaged).ok
    assert done.aside is not None and done.aside.read_bytes() == damaged_bytes
    with Library(damaged) as library:
        assert len(library.digests.dates()) == 69
    assert not list(damaged.parent.glob(".*rebuilding*"))


def test_a_garbage_wal_beside_a_sound_library_loses_nothing(
    built: tuple[Path, Annotated], tmp_path: Path
) -> None:
    """SQLite ignores WAL frames whose checksums fail: the file is what was committed."""
    path = copy_library(built[0], tmp_path)
    path.with_name(path.name + "-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\xa5" * 40000)
    with Library(path) as library:
        assert library.verify() is None
    assert annotations_in(path) == built[1]
    assert integrity.check_library(path).ok
