"""The store's image records: which pictures the digests reference, what the cache holds
of each, what is due for a (re)try. A part of `Library`; all its SQL lives here.

`image_cache` is a cache of state derived from files and servers, never user data: one
row per image key (see `images.cache`), made on the first try. A referenced key without
a row is pending. Keys are computed in Python by `image_key` from the `images` rows, so
the window, the CLI and the importer cannot disagree on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from kbapp.core.images.cache import FetchResult, ImageState, image_key, next_state, stamp
from kbapp.core.store.connection import Part
from kbapp.core.store.results import Changes

_CHUNK = 500  # keys per `IN (...)` query
_STATE_COLUMNS = (
    "url, status, hash, type, size, attempts, last_error, next_try_at, fetched_at, etag, "
    "last_modified"
)
_FETCHABLE = ("http://", "https://")


class Images(Part):
    @property
    def folder(self) -> Path:
        """The image cache folder: `<library folder>/<library stem>-images/`, beside the
        file, so a library copied with its folder keeps its pictures."""
        path = self._db.path
        return path.parent / f"{path.stem}-images"

    # -- what the digests reference -------------------------------------------------------
    def referenced(self, date: str | None = None) -> list[str]:
        """The image keys of one day (items first, in order, then the other sections),
        or of every day (oldest first) for None; a remote image's key is its address.
        Each key once."""
        return list(dict.fromkeys(self._referenced(date)))

    def _referenced(self, date: str | None = None) -> Iterator[str]:
        """Keys of the images digests reference: local ones and http(s) addresses (a
        `data:` or other address cannot be fetched, so it has no record)."""
        where = "WHERE d.date = ?" if date is not None else ""
        rows = self._conn.execute(
            "SELECT d.date, x.src, x.is_local FROM images x"
            " JOIN digests d ON d.id = x.digest_id LEFT JOIN items i ON i.id = x.item_id"
            f" {where} ORDER BY d.date, x.item_id IS NULL, i.removed, i.ordinal, x.line, x.id",
            () if date is None else (date,),
        )
        for day, src, is_local in rows:
            if is_local and src:
                yield image_key(day, src, True)
            elif src.lower().startswith(_FETCHABLE):
                yield src

    # -- states ---------------------------------------------------------------------------
    def states(self, urls: Iterable[str]) -> dict[str, ImageState]:
        """The state of each key; a key without a record is pending (0 attempts)."""
        keys = list(dict.fromkeys(urls))
        found = self._rows(keys)
        return {key: found.get(key) or ImageState(key, "pending") for key in keys}

    def _rows(self, keys: list[str]) -> dict[str, ImageState]:
        found: dict[str, ImageState] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for row in self._conn.execute(
                f"SELECT {_STATE_COLUMNS} FROM image_cache WHERE url IN ({marks})", chunk
            ):
                found[row[0]] = ImageState(*row)
        return found

    def due(self, date: str | None, now: datetime) -> list[str]:
        """Keys of a day (or of every day, for None) to try now: pending ones, and failed
        ones whose backoff is over. A picture in the cache is never due."""
        keys = list(dict.fromkeys(self._referenced(date)))
        found = self._rows(keys)
        moment = stamp(now)
        due = []
        for key in keys:
            state = found.get(key)
            if (
                state is None
                or state.status == "pending"
                or (state.status == "failed" and (state.next_try_at or "") <= moment)
            ):
                due.append(key)
        return due

    def status_counts(self) -> dict[str, int]:
        """`{"ok", "pending", "failed", "bytes"}` over the referenced keys; `bytes` adds
        each cached file once, however many keys share it."""
        states = self.states(self._referenced())
        counts = {"ok": 0, "pending": 0, "failed": 0, "bytes": 0}
        sizes: dict[str, int] = {}
        for state in states.values():
            counts[state.status] += 1
            if state.status == "ok" and state.hash:
                sizes[state.hash] = state.size or 0
        counts["bytes"] = sum(sizes.values())
        return counts

    def referenced_hashes(self) -> set[str]:
        """Hashes of the cached files some digest still references (failed images keep
        their last good copy)."""
        states = self._rows(list(dict.fromkeys(self._referenced())))
        return {state.hash for state in states.values() if state.hash}

    # -- writes ---------------------------------------------------------------------------
    def record(self, result: FetchResult, now: datetime | None = None) -> ImageState:
        """Record one fetch (or copy) in one transaction; returns the new state."""
        return self.record_many([result], now)[result.url]

    def record_many(
        self, results: Iterable[FetchResult], now: datetime | None = None
    ) -> dict[str, ImageState]:
        """Record several results in one transaction (an import's local pictures)."""
        moment = now or datetime.now(UTC)
        written: dict[str, ImageState] = {}
        with self._transaction() as conn:
            for result in results:
                previous = self._rows([result.url]).get(result.url)
                state = next_state(previous, result, moment)
                written[result.url] = state
                if state == previous:
                    continue
                conn.execute(
                    f"INSERT OR REPLACE INTO image_cache ({_STATE_COLUMNS})"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        state.url,
                        state.status,
                        state.hash,
                        state.type,
                        state.size,
                        state.attempts,
                        state.last_error,
                        state.next_try_at,
                        state.fetched_at,
                        state.etag,
                        state.last_modified,
                    ),  # fmt: skip
                )
                self._db.record(Changes(images=frozenset({state.url})))
        return written

    def retry(self, urls: Iterable[str], now: datetime | None = None) -> int:
        """Make these failed images due now, whatever their backoff said (a person asked).
        Returns how many were waiting."""
        moment = stamp(now or datetime.now(UTC))
        keys = list(dict.fromkeys(urls))
        changed = 0
        with self._transaction() as conn:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                marks = ", ".join("?" for _ in chunk)
                changed += conn.execute(
                    f"UPDATE image_cache SET next_try_at = ? WHERE status = 'failed'"
                    f" AND url IN ({marks})",
                    [moment, *chunk],
                ).rowcount
            self._db.record(Changes(images=frozenset(keys)) if changed else Changes())
        return changed

    def forget_unreferenced(self) -> int:
        """Delete the records of keys no digest references any more (housekeeping before
        the cache folder is cleaned). Returns how many went."""
        referenced = set(self._referenced())
        gone = [(url,) for (url,) in self._conn.execute("SELECT url FROM image_cache")
                if url not in referenced]  # fmt: skip
        if gone:
            with self._transaction() as conn:
                conn.executemany("DELETE FROM image_cache WHERE url = ?", gone)
        return len(gone)


__all__ = ["Images", "ImageState"]
