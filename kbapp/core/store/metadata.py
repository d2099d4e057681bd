"""Papers' details fetched from arXiv (`Library.metadata`), on the imported side of the
library: what a service said about a paper, when, and the state of asking it. Nothing
the user wrote is here or is touched by it; a fetch again replaces only these rows.
All its SQL lives here.

Each paper (`arxiv:<id>`) is `ok` (details stored), `not_found` (arXiv has no such
paper, or refused the ID with its reason: not asked again), or `failed` with its reason
(no network, a busy or broken answer), asked again after a backoff that doubles from 5
minutes to a day, as images are. A paper never asked is due.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kbapp.core.metadata.arxiv import ArxivRecord
from kbapp.core.store.connection import Part, now
from kbapp.core.store.results import Changes

FIRST_RETRY = timedelta(minutes=5)
LAST_RETRY = timedelta(days=1)
SOURCE = "arxiv"
_CHUNK = 500  # keys a query (SQLite allows 32,766 parameters; fewer keep it quick)


def retry_at(when: str, tries: int) -> str:
    """When to ask again after `tries` failures: 5 minutes, doubling, at most a day."""
    wait = min(LAST_RETRY, FIRST_RETRY * 2 ** (tries - 1))
    return str((datetime.fromisoformat(when) + wait).astimezone(UTC).isoformat(timespec="seconds"))


@dataclass(frozen=True, slots=True)
class PaperMeta:
    key: str  # arxiv:<id>
    status: str
    reason: str | None
    attempts: int
    fetched_at: str
    next_try_at: str | None
    record: ArxivRecord | None

    def to_json(self) -> dict[str, object]:
        return {"key": self.key, "status": self.status, "reason": self.reason,
                "attempts": self.attempts, "fetched_at": self.fetched_at,
                "record": self.record.to_json() if self.record else None}  # fmt: skip


class Metadata(Part):
    """What arXiv said about the library's papers, and what is due to be asked."""

    def arxiv_ids(self) -> list[str]:
        """Every arXiv ID a live item links to, sorted."""
        return [row[0] for row in self._conn.execute(
            "SELECT DISTINCT x.value FROM identities x JOIN items i ON i.id = x.item_id "
            "WHERE x.kind = 'arxiv' AND i.removed = 0 ORDER BY x.value")]  # fmt: skip

    def due(self, ids: Iterable[str] | None = None, at: str | None = None) -> list[str]:
        """The IDs (all the library's when None) never asked, or failed and due again."""
        wanted = self.arxiv_ids() if ids is None else list(dict.fromkeys(ids))
        when = at or now()
        settled = {key[6:]: (status, next_try) for key, status, next_try in self._conn.execute(
            "SELECT paper_key, status, next_try_at FROM paper_meta")}  # fmt: skip
        due = []
        for arxiv_id in wanted:
            state = settled.get(arxiv_id)
            if state is None or (state[0] == "failed" and (state[1] or "") <= when):
                due.append(arxiv_id)
        return due

    def record(
        self, records: Mapping[str, ArxivRecord], not_found: Mapping[str, str],
        failed: Mapping[str, str], at: str | None = None,
    ) -> Changes:  # fmt: skip
        """One request's outcome, in one transaction: what it found replaces what was
        stored; a failure keeps earlier details and schedules the next try."""
        when = at or now()
        with self._transaction() as conn:
            attempts = dict(conn.execute("SELECT paper_key, attempts FROM paper_meta").fetchall())
            self._unindex(conn, [f"arxiv:{i}" for i in (*records, *not_found)])
            self._index(conn, {f"arxiv:{i}": record for i, record in records.items()})
            for arxiv_id, record in records.items():
                conn.execute(
                    "INSERT OR REPLACE INTO paper_meta (paper_key, source, status, reason, "
                    "attempts, fetched_at, next_try_at, data) VALUES (?, ?, 'ok', NULL, 0, ?, "
                    "NULL, ?)",
                    (f"arxiv:{arxiv_id}", SOURCE, when,
                     json.dumps(record.to_json(), ensure_ascii=False)),
                )  # fmt: skip
            for arxiv_id, reason in not_found.items():
                conn.execute(
                    "INSERT OR REPLACE INTO paper_meta (paper_key, source, status, reason, "
                    "attempts, fetched_at) VALUES (?, ?, 'not_found', ?, 0, ?)",
                    (f"arxiv:{arxiv_id}", SOURCE, reason, when),
                )
            for arxiv_id, reason in failed.items():
                key = f"arxiv:{arxiv_id}"
                tries = int(attempts.get(key, 0)) + 1
                next_try = retry_at(when, tries)
                conn.execute(
                    "INSERT INTO paper_meta (paper_key, source, status, reason, attempts, "
                    "fetched_at, next_try_at) VALUES (?, ?, 'failed', ?, ?, ?, ?) "
                    "ON CONFLICT (paper_key) DO UPDATE SET reason = excluded.reason, "
                    "attempts = excluded.attempts, next_try_at = excluded.next_try_at, "
                    "status = CASE WHEN paper_meta.status = 'ok' THEN 'ok' ELSE 'failed' END",
                    (key, SOURCE, reason, tries, when, next_try),
                )
            keys = {f"arxiv:{i}" for i in (*records, *not_found, *failed)}
            return self._db.record(Changes(papers=frozenset(keys))) if keys else Changes()

    @staticmethod
    def _unindex(conn: sqlite3.Connection, keys: list[str]) -> None:
        """These papers' rows out of `paper_search`, by the text they were indexed with."""
        from kbapp.core.search.text import paper_text  # not for the first paint

        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            for row_id, data in conn.execute(
                f"SELECT p.id, m.data FROM paper_meta m JOIN paper_search_ids p "
                f"ON p.paper_key = m.paper_key WHERE m.paper_key IN ({marks}) "
                "AND m.data IS NOT NULL",
                chunk,
            ).fetchall():
                old = paper_text(ArxivRecord.from_json(json.loads(data)))
                conn.execute(
                    "INSERT INTO paper_search (paper_search, rowid, text) VALUES ('delete', ?, ?)",
                    (row_id, old),
                )

    @staticmethod
    def _index(conn: sqlite3.Connection, records: Mapping[str, ArxivRecord]) -> None:
        from kbapp.core.search.text import paper_text

        for key, record in records.items():
            conn.execute(
                "INSERT INTO paper_search_ids (paper_key) VALUES (?) "
                "ON CONFLICT (paper_key) DO NOTHING",
                (key,),
            )
            (row_id,) = conn.execute(
                "SELECT id FROM paper_search_ids WHERE paper_key = ?", (key,)
            ).fetchone()
            conn.execute(
                "INSERT INTO paper_search (rowid, text) VALUES (?, ?)", (row_id, paper_text(record))
            )

    def get(self, key: str) -> PaperMeta | None:
        """A paper's row (`arxiv:<id>` or the bare ID)."""
        key = key if key.startswith("arxiv:") else f"arxiv:{key}"
        found = self.of([key])
        return found.get(key)

    def of(self, keys: Iterable[str] | None = None) -> dict[str, PaperMeta]:
        """The rows of these paper keys (all when None)."""
        sql = ("SELECT paper_key, status, reason, attempts, fetched_at, next_try_at, data "
               "FROM paper_meta")  # fmt: skip
        if keys is None:
            rows = self._conn.execute(sql).fetchall()
        else:  # by the primary key: a day's few papers do not read every record
            wanted, rows = sorted(set(keys)), []
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ", ".join("?" * len(chunk))
                rows += self._conn.execute(f"{sql} WHERE paper_key IN ({marks})", chunk).fetchall()
        found = {}
        for key, status, reason, attempts, fetched, next_try, data in rows:
            record = ArxivRecord.from_json(json.loads(data)) if data else None
            found[key] = PaperMeta(key, status, reason, attempts, fetched, next_try, record)
        return found

    def bylines(self, ids: Iterable[str]) -> dict[str, str]:
        """ "Lovelace et al. 2021" for each of these arXiv IDs that arXiv described."""
        found = self.of(f"arxiv:{arxiv_id}" for arxiv_id in ids)
        bylines = {}
        for key, meta in found.items():
            record = meta.record
            if record is not None and record.authors:
                year = f" {record.year}" if record.year else ""
                bylines[key.removeprefix("arxiv:")] = record.byline + year
        return bylines

    def counts(self) -> dict[str, int]:
        """How many papers are in each state, and how many were never asked."""
        counts = dict.fromkeys(("ok", "not_found", "failed"), 0)
        counts.update(self._conn.execute(
            "SELECT status, COUNT(*) FROM paper_meta GROUP BY status").fetchall())  # fmt: skip
        asked = {key[6:] for key in self.of()}
        counts["never_asked"] = sum(1 for i in self.arxiv_ids() if i not in asked)
        return counts


__all__ = ["Metadata", "PaperMeta"]
