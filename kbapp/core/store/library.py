"""The library: one SQLite file with the imported digests and the user's own data.

`Library` opens (and migrates) the file and holds its parts, each a small class over the
one connection, named for what it answers (in the manner of Anki's `Collection`, which
holds `self.decks = DeckManager(self)`):

    library.digests   the imported side: write a file's digest, read days and items
    library.days      the window's reads: the sidebar's periods, a whole day
    library.user      my ratings, notes (with revisions) and links
    library.reading   what I have read, and my reading queue
    library.tags      my tags on items and papers, and my saved searches
    library.metadata  papers' details fetched from arXiv, and what is due to be asked
    library.dois      publisher DOIs resolved to their works (venue, volume, pages)
    library.sources   the folders the digests live in (plain or git checkouts)
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
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.core.store.connection import Connection
from kbapp.core.store.integrity import DamagedLibraryError, quick_check
from kbapp.core.store.results import Changes, DigestWrite, ItemRecord
from kbapp.core.store.schema import LibraryError, NewerLibraryError, open_database

if TYPE_CHECKING:
    from sqlite_utils import Migrations

    from kbapp.core.store.days import Days
    from kbapp.core.store.digests import DigestInfo, Digests
    from kbapp.core.store.dois import Dois
    from kbapp.core.store.images import Images
    from kbapp.core.store.metadata import Metadata
    from kbapp.core.store.papers import Papers
    from kbapp.core.store.reading import Reading
    from kbapp.core.store.removal import Removal
    from kbapp.core.store.search import Search
    from kbapp.core.store.sources import Sources
    from kbapp.core.store.stats import Stats
    from kbapp.core.store.tags import Tags
    from kbapp.core.store.transfer import Transfer
    from kbapp.core.store.user import User

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

    # The parts, each made (and its module imported) when first used: the window's first
    # paint reads days and their cross-links, and never loads the writer's row builder
    # or the search index's modules (`digests`, `search`), ~35 ms of imports.
    @cached_property
    def digests(self) -> Digests:
        from kbapp.core.store.digests import Digests

        return Digests(self.db)

    @cached_property
    def days(self) -> Days:
        from kbapp.core.store.days import Days

        return Days(self.db)

    @cached_property
    def user(self) -> User:
        from kbapp.core.store.user import User

        return User(self.db)

    @cached_property
    def reading(self) -> Reading:
        from kbapp.core.store.reading import Reading

        return Reading(self.db)

    @cached_property
    def tags(self) -> Tags:
        from kbapp.core.store.tags import Tags

        return Tags(self.db)

    @cached_property
    def metadata(self) -> Metadata:
        from kbapp.core.store.metadata import Metadata

        return Metadata(self.db)

    @cached_property
    def dois(self) -> Dois:
        from kbapp.core.store.dois import Dois

        return Dois(self.db)

    @cached_property
    def sources(self) -> Sources:
        from kbapp.core.store.sources import Sources

        return Sources(self.db)

    @cached_property
    def papers(self) -> Papers:
        from kbapp.core.store.papers import Papers

        return Papers(self.db)

    @cached_property
    def search(self) -> Search:
        from kbapp.core.store.search import Search

        return Search(self.db)

    @cached_property
    def images(self) -> Images:
        from kbapp.core.store.images import Images

        return Images(self.db)

    @cached_property
    def stats(self) -> Stats:
        from kbapp.core.store.stats import Stats

        return Stats(self.db)

    @cached_property
    def removal(self) -> Removal:
        from kbapp.core.store.removal import Removal

        return Removal(self.db)

    @cached_property
    def transfer(self) -> Transfer:
        from kbapp.core.store.transfer import Transfer

        return Transfer(self.db)

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


def __getattr__(name: str) -> object:
    """`DigestInfo`, still importable from here, loaded with its module when asked for."""
    if name == "DigestInfo":
        from kbapp.core.store.digests import DigestInfo

        return DigestInfo
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
