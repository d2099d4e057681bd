"""A real library with the user's data and a backup, and the damage done to it in tests:
random bytes written into the middle of the file, as a bad sector or a stray write would.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kbapp.core.importer import import_paths
from kbapp.core.store import backups
from kbapp.core.store.library import Library

PAGE = 4096


@dataclass(frozen=True)
class Annotated:
    """What the user made, as the backup holds it."""

    ratings: dict[str, int]
    notes: dict[str, str]


def build(corpus: Path, folder: Path) -> tuple[Path, Annotated]:
    """The whole corpus imported, 20 ratings and 3 notes, then a backup of it all."""
    path = folder / "lib.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes"], workers=0)
        dates = library.digests.dates()[:10]
        keys = [item.key for date in dates for item in library.digests.items_for_date(date)]
        ratings = {key: 1 + n % 5 for n, key in enumerate(keys[:20])}
        notes = {key: f"note {n} 笔记" for n, key in enumerate(keys[20:23])}
        for key, stars in ratings.items():
            library.user.set_rating(key, stars)
        for key, text in notes.items():
            library.user.set_note(key, text)
    backups.make_backup(path, "manual")
    return path, Annotated(ratings, notes)


def copy_library(source: Path, into: Path) -> Path:
    """The library and its backups folder copied into another folder."""
    shutil.copytree(source.parent / backups.FOLDER, into / backups.FOLDER)
    target = into / source.name
    shutil.copyfile(source, target)
    return target


def damage(path: Path, seed: int = 7, size: int = 16 * 1024) -> None:
    """Random bytes over `size` bytes at the middle of the file (page aligned), the file
    first checkpointed so that what is damaged is the file, not a WAL beside it."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    length = path.stat().st_size
    assert length > 4 * size, f"the library is too small to damage its middle ({length} B)"
    offset = (length // 2) // PAGE * PAGE
    with path.open("r+b") as file:
        file.seek(offset)
        file.write(random.Random(seed).randbytes(size))


def annotations_in(path: Path) -> Annotated:
    """The ratings and notes a library holds, read with plain SQL (no migration)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ratings = dict(conn.execute("SELECT item_key, stars FROM ratings WHERE stars IS NOT NULL"))
        notes = dict(conn.execute("SELECT item_key, text FROM notes"))
    finally:
        conn.close()
    return Annotated(ratings, notes)
