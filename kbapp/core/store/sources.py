"""The folders a user's digests live in (`Library.sources`): each remembered with its
kind (a plain folder, or a git checkout that `kbapp sources update` pulls), when it was
last scanned and what went wrong then. Removing a source forgets the folder; the days
imported from it stay. All its SQL lives here."""

from __future__ import annotations

from dataclasses import dataclass

from kbapp.core.store.connection import Part, now


@dataclass(frozen=True, slots=True)
class SourceRow:
    path: str  # absolute
    kind: str  # folder or git
    added_at: str
    last_scan_at: str | None
    last_error: str | None
    files: int  # digests in the library whose file lies under it

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "kind": self.kind, "files": self.files,
                "added_at": self.added_at, "last_scan": self.last_scan_at,
                "last_error": self.last_error}  # fmt: skip


# A file under the folder `?` (given twice): its path starts with the folder and a slash.
_UNDER = "substr(path, 1, length(?) + 1) = ? || '/'"


class Sources(Part):
    def add(self, path: str, kind: str) -> bool:
        """Remember a folder (True), or update its kind when it is one already (False)."""
        with self._transaction() as conn:
            known = conn.execute("SELECT 1 FROM sources WHERE path = ?", (path,)).fetchone()
            conn.execute(
                "INSERT INTO sources (path, kind, added_at) VALUES (?, ?, ?) "
                "ON CONFLICT (path) DO UPDATE SET kind = excluded.kind",
                (path, kind, now()),
            )
        return known is None

    def remove(self, path: str) -> bool:
        """Forget a folder (its days stay); False when it was not a source."""
        with self._transaction() as conn:
            conn.execute(f"DELETE FROM source_files WHERE {_UNDER}", (path, path))
            return conn.execute("DELETE FROM sources WHERE path = ?", (path,)).rowcount > 0

    def file_stats(self, path: str) -> dict[str, tuple[int, int]]:
        """Each file under the folder last read: its (size, mtime_ns) then."""
        rows = self._conn.execute(
            f"SELECT path, size, mtime_ns FROM source_files WHERE {_UNDER}", (path, path)
        ).fetchall()
        return {file: (size, mtime) for file, size, mtime in rows}

    def files_scanned(
        self,
        path: str,
        changed: dict[str, tuple[int, int]],
        gone: set[str],
        error: str | None = None,
    ) -> None:
        """A scan of the folder ended: the files it read (path: size, mtime_ns), the ones
        no longer there, and what went wrong (None: nothing); in one transaction."""
        with self._transaction() as conn:
            conn.executemany(
                "INSERT INTO source_files (path, size, mtime_ns) VALUES (?, ?, ?) "
                "ON CONFLICT (path) DO UPDATE SET size = excluded.size, "
                "mtime_ns = excluded.mtime_ns",
                [(file, size, mtime) for file, (size, mtime) in changed.items()],
            )
            conn.executemany("DELETE FROM source_files WHERE path = ?", [(f,) for f in gone])
            conn.execute(
                "UPDATE sources SET last_scan_at = ?, last_error = ? WHERE path = ?",
                (now(), error, path),
            )

    def scanned(self, path: str, error: str | None = None) -> None:
        """A scan or update of the folder ended, with what went wrong (None: nothing)."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE sources SET last_scan_at = ?, last_error = ? WHERE path = ?",
                (now(), error, path),
            )

    def paths(self) -> list[str]:
        """The sources' folders (without `all`'s count of each one's days)."""
        return [path for (path,) in self._conn.execute("SELECT path FROM sources ORDER BY path")]

    def all(self) -> list[SourceRow]:
        rows = self._conn.execute(
            "SELECT s.path, s.kind, s.added_at, s.last_scan_at, s.last_error, "
            "(SELECT COUNT(*) FROM digests d WHERE substr(d.source_path, 1, length(s.path) + 1)"
            " = s.path || '/') FROM sources s ORDER BY s.path"
        ).fetchall()
        return [SourceRow(*row) for row in rows]

    def get(self, path: str) -> SourceRow | None:
        return next((row for row in self.all() if row.path == path), None)


__all__ = ["SourceRow", "Sources"]
