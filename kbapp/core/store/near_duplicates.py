"""Near-duplicate days (spec §8.4): a pair of digests within a week of each other sharing
over 80% of their items is flagged, the later day pointing at the earlier one.

An item is shared when the other day has its article or the very same body (the author
once re-dated a digest and changed only item 1's header). The ratio divides by the larger
digest, so it is the same from either side.

Each write of a day checks the days around it (`NearDuplicates.mark`, inside the write).
What a day's live items are (their article keys and body hashes) follows from its file's
bytes alone: after a write from a file, its items not removed are exactly the file's. So
they are kept here by the day's content hash, from the rows written or from one query for
the neighbours not yet seen, and an import in date order reads each day's items from the
library at most once (the check looked ~140 item rows up a file: 7% of the writer).
"""

from __future__ import annotations

import sqlite3

NEAR_DUPLICATE_RATIO = 0.8
NEAR_DUPLICATE_DAYS = 7
_KEPT = 512  # days' item lists kept: an import in date order needs the last week's

Shared = list[tuple[str | None, str | None]]  # a day's live items: (article key, body hash)


class NearDuplicates:
    """The check, with the live items of the days it has seen, by content hash."""

    def __init__(self) -> None:
        self._items: dict[str, Shared] = {}

    def mark(
        self,
        conn: sqlite3.Connection,
        digest_id: int,
        date: str,
        content_hash: str,
        mine: Shared,
    ) -> str | None:
        """Inside the write of day `date` (`digest_id`) from a file with `content_hash`
        whose items are `mine`: its flag and its neighbours' set again. Returns the date of
        the day it is a near duplicate of, or that is one of it."""
        conn.execute(
            "UPDATE digests SET near_duplicate_of = NULL, near_duplicate_ratio = NULL "
            "WHERE id = ? OR near_duplicate_of = ?",
            (digest_id, date),
        )
        self._keep(content_hash, mine)
        near = conn.execute(
            "SELECT id, date, content_hash FROM digests WHERE id != ? AND date BETWEEN "
            "date(?, ?) AND date(?, ?) ORDER BY date",
            (digest_id, date, f"-{NEAR_DUPLICATE_DAYS} days", date, f"+{NEAR_DUPLICATE_DAYS} days"),
        ).fetchall()
        self._read(
            conn, [(other, hashed) for other, _, hashed in near if hashed not in self._items]
        )
        best: tuple[float, str, int] | None = None
        keys = {key for key, _ in mine if key is not None}
        bodies = {body for _, body in mine if body is not None}
        for other_id, other_date, hashed in near:
            theirs = self._items.get(hashed, [])
            shared = sum(1 for key, body in theirs if key in keys or body in bodies)
            if not shared:
                continue
            ratio = shared / max(len(theirs), len(mine))
            if best is None or ratio > best[0]:  # in date order: the earliest of equals
                best = (ratio, other_date, other_id)
        if best is None or best[0] <= NEAR_DUPLICATE_RATIO:
            return None
        ratio, other_date, other_id = best
        later, earlier = (digest_id, other_date) if date > other_date else (other_id, date)
        conn.execute(
            "UPDATE digests SET near_duplicate_of = ?, near_duplicate_ratio = ? WHERE id = ?",
            (earlier, round(ratio, 3), later),
        )
        return str(other_date)

    def _read(self, conn: sqlite3.Connection, days: list[tuple[int, str]]) -> None:
        """The live items of these days (id, content hash), from the library."""
        if not days:
            return
        found: dict[int, Shared] = {day_id: [] for day_id, _ in days}
        marks = ", ".join("?" for _ in days)
        for day_id, key, body in conn.execute(
            "SELECT digest_id, article_key, body_hash FROM items "
            f"WHERE digest_id IN ({marks}) AND removed = 0 ORDER BY digest_id, ordinal",
            [day_id for day_id, _ in days],
        ):
            found[day_id].append((key, body))
        for day_id, hashed in days:
            self._keep(hashed, found[day_id])

    def _keep(self, content_hash: str, items: Shared) -> None:
        self._items.pop(content_hash, None)
        self._items[content_hash] = items
        if len(self._items) > _KEPT:
            del self._items[next(iter(self._items))]
