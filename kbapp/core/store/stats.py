"""The library's counts for `kbapp stats` (`Library.stats`); all their SQL lives here."""

from __future__ import annotations

from typing import Any

from kbapp.core.store.connection import Part

# Items' worth of the user's data kept without their item: the item's day was removed
# (`store.removal`) and comes back, with its data, when its file is imported again. The
# same data as `migrations.ITEM_HAS_USER_DATA`, by item key.
KEPT_ANNOTATIONS = """
    SELECT COUNT(*) FROM (
        SELECT item_key AS key FROM ratings
        UNION SELECT item_key FROM notes
        UNION SELECT item_key FROM rating_history
        UNION SELECT substr(target, 6) FROM note_revisions WHERE substr(target, 1, 5) = 'item:'
        UNION SELECT substr(source, 6) FROM user_links WHERE substr(source, 1, 5) = 'item:'
        UNION SELECT substr(target, 6) FROM user_links WHERE substr(target, 1, 5) = 'item:'
        UNION SELECT a FROM link_decisions
        UNION SELECT b FROM link_decisions
        UNION SELECT substr(target, 6) FROM queue WHERE substr(target, 1, 5) = 'item:'
        UNION SELECT substr(target, 6) FROM tagged WHERE substr(target, 1, 5) = 'item:'
    ) WHERE key NOT IN (SELECT key FROM items)
"""


class Stats(Part):
    """Counts over the whole library, for `kbapp stats`."""

    def summary(self) -> dict[str, Any]:
        """Counts over the items still in their files (removed ones are left out);
        `ratings` and `notes` count all of the user's, `kept_annotations` the items
        whose day was removed that still have some."""
        one = self._scalar
        live = "JOIN items i ON i.id = x.item_id AND i.removed = 0"
        stars = {str(n): 0 for n in range(6)}
        for value, count in self._conn.execute(
            "SELECT author_stars, COUNT(*) FROM items WHERE removed = 0 GROUP BY author_stars"
        ):
            stars[str(value)] = count
        return {
            "digests": one("SELECT COUNT(*) FROM digests"),
            "items": one("SELECT COUNT(*) FROM items WHERE removed = 0"),
            "removed_items": one("SELECT COUNT(*) FROM items WHERE removed = 1"),
            "stars": stars,
            "papers": one(
                "SELECT COUNT(*) FROM (SELECT DISTINCT x.kind, x.value FROM identities x "
                f"{live} WHERE x.paper = 1)"
            ),
            "arxiv_ids": one(
                f"SELECT COUNT(DISTINCT x.value) FROM identities x {live} WHERE x.kind = 'arxiv'"
            ),
            "github_repos": one(
                f"SELECT COUNT(DISTINCT x.value) FROM identities x {live} WHERE x.kind = 'github'"
            ),
            "images": one(
                "SELECT COUNT(DISTINCT x.src) FROM images x LEFT JOIN items i ON i.id = x.item_id "
                "WHERE x.item_id IS NULL OR i.removed = 0"
            ),
            "read": one(
                "SELECT COUNT(*) FROM items i WHERE i.removed = 0 "
                "AND EXISTS (SELECT 1 FROM reads r WHERE r.item_key = i.key)"
            ),
            "unread": one(
                "SELECT COUNT(*) FROM items i WHERE i.removed = 0 "
                "AND NOT EXISTS (SELECT 1 FROM reads r WHERE r.item_key = i.key)"
            ),
            "queued": one("SELECT COUNT(*) FROM queue"),
            "tags": one("SELECT COUNT(*) FROM tags"),
            "ratings": one("SELECT COUNT(*) FROM ratings"),
            "notes": one("SELECT COUNT(*) FROM notes"),
            "kept_annotations": one(KEPT_ANNOTATIONS),
            "first_date": one("SELECT MIN(date) FROM digests"),
            "last_date": one("SELECT MAX(date) FROM digests"),
        }

    def _scalar(self, sql: str) -> Any:
        return self._conn.execute(sql).fetchone()[0]
