"""The library: one SQLite file with the imported digests and the user's own data.

`Library` opens (and migrates) the file and holds its parts, each a small class over the
one connection, named for what it answers (in the manner of Anki's `Collection`, which
holds `self.decks = DeckManager(self)`):

    library.digests   the imported side: write a file's digest, read days and items
    library.days      the window's reads: the sidebar's periods, a whole day
    library.user      my ratings, notes (with revisions) and links
    library.papers    papers, cross-links and my decisions on candidates
    library.search    the full-text index's queries and the quick switcher
    library.images    what the digests reference and what the image cache holds
    library.stats     counts for `kbapp stats`
    library.removal   whole days taken out (the user's data on them kept), and put back
    library.transfer  the library as plain data for exports, user data merged back
    library.db        the connection, its transactions and the log of what changed

Every write runs in one transaction and returns what changed (`Changes`), also written
to the change log for other processes that have the library open.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.core.store.connection import Connection
from kbapp.core.store.days import Days
from kbapp.core.store.digests import DigestInfo, Digests
from kbapp.core.store.images import Images
from kbapp.core.store.integrity import DamagedLibraryError, quick_check
from kbapp.core.store.papers import Papers
from kbapp.core.store.removal import Removal
from kbapp.core.store.results import Changes, DigestWrite, ItemRecord
from kbapp.core.store.schema import LibraryError, NewerLibraryError, open_database
from kbapp.core.store.search import Search
from kbapp.core.store.stats import Stats
from kbapp.core.store.transfer import Transfer
from kbapp.core.store.user import User

if TYPE_CHECKING:
    from sqlite_utils import Migrations

BUSY_TIMEOUT_MS = 5000


class Library:
    """One library file, opened (and migrated) for the life of this object.

    sqlite3 connections belong to the thread that made them: create the Library in the
    thread that will use it.
    """

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        migrations: Migrations | None = None,
        check: bool = True,
    ) -> None:
        """`check`: `PRAGMA quick_check` first (`DamagedLibraryError` when it fails);
        the window opens without it and calls `verify` on its worker after painting."""
        self.path = Path(path)
        conn = open_database(
            self.path, busy_timeout_ms=busy_timeout_ms, migrations=migrations, check=check
        )
        self.db = Connection(conn, self.path)
        self.digests = Digests(self.db)
        self.days = Days(self.db)
        self.user = User(self.db)
        self.papers = Papers(self.db)
        self.search = Search(self.db)
        self.images = Images(self.db)
        self.stats = Stats(self.db)
        self.removal = Removal(self.db)
        self.transfer = Transfer(self.db)

    @classmethod
    def open(cls, path: Path) -> Library:
        """The library at `path`, created or migrated as needed (LibraryError if not)."""
        return cls(path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def verify(self) -> DamagedLibraryError | None:
        """`PRAGMA quick_check` on the open library: None when sound; else the damage
        (with the newest good backup), and from then on this connection refuses every
        write."""
        problem = quick_check(self.db.conn, self.path)
        if problem is None:
            return None
        damage = DamagedLibraryError(self.path, problem)
        self.db.refuse_writes(damage)
        return damage

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many writes in one transaction, each still atomic (`Connection.batch`)."""
        with self.db.batch():
            yield


__all__ = [
    "Changes",
    "DamagedLibraryError",
    "DigestInfo",
    "DigestWrite",
    "ItemRecord",
    "Library",
    "LibraryError",
    "NewerLibraryError",
]
