"""Migration 0018: the user's reading state, reading queue, tags and saved searches.

All of it is the user's own data, never written by an import, and checked by SQLite as
the other user tables are (`constraints`):

- `reads`: when the user read an item (an item without a row is unread);
- `queue`: the reading queue ("Read later"), items and papers in the user's order;
- `tags` and `tagged`: the user's tags, and which items and papers carry each;
- `saved_searches`: a query kept under a name, shown as a smart folder;
- `library_flags`: one-time choices still to make (`reading_first_choice`: the library
  had days before read state existed, so the window asks once whether to mark all but
  the last week read).

An item in the queue or with a tag carries the user's data: an import that no longer
finds it keeps it, marked removed, and only the removal of its whole day deletes it
(the trigger of migration 0010, made again here naming the new tables). A read state
alone does not keep an item: its row stays, and meets the item again if it comes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbapp.core.store.constraints import KEPT_BY, keep_user_data_trigger, time_check

if TYPE_CHECKING:
    from sqlite_utils import Database

_TARGET = "CHECK (target GLOB 'item:?*' OR target GLOB 'paper:?*')"

TABLES = (
    f"""CREATE TABLE reads (
        item_key TEXT PRIMARY KEY CHECK (typeof(item_key) = 'text'),
        read_at TEXT NOT NULL {time_check("read_at")}
    ) WITHOUT ROWID""",
    f"""CREATE TABLE queue (
        target TEXT PRIMARY KEY {_TARGET},
        position INTEGER NOT NULL CHECK (typeof(position) = 'integer'),
        queued_at TEXT NOT NULL {time_check("queued_at")}
    )""",
    "CREATE INDEX queue_position ON queue(position)",
    f"""CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
            CHECK (typeof(name) = 'text' AND length(trim(name)) > 0 AND name = trim(name)),
        created_at TEXT NOT NULL {time_check("created_at")}
    )""",
    f"""CREATE TABLE tagged (
        tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        target TEXT NOT NULL {_TARGET},
        at TEXT NOT NULL {time_check("at")},
        PRIMARY KEY (tag_id, target)
    ) WITHOUT ROWID""",
    "CREATE INDEX tagged_target ON tagged(target)",
    f"""CREATE TABLE saved_searches (
        name TEXT PRIMARY KEY CHECK (typeof(name) = 'text' AND length(trim(name)) > 0),
        query TEXT NOT NULL CHECK (typeof(query) = 'text'),
        created_at TEXT NOT NULL {time_check("created_at")}
    )""",
    "CREATE TABLE library_flags (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)

# An item with the user's data is deleted only with its day (migration 0010's trigger,
# with the queue and tags).
KEEP_USER_DATA_TRIGGER = keep_user_data_trigger(
    (
        *KEPT_BY,
        "SELECT 1 FROM queue q WHERE q.target = 'item:' || OLD.key",
        "SELECT 1 FROM tagged t WHERE t.target = 'item:' || OLD.key",
    )
)


def reading_and_tags(db: Database) -> None:
    """Migration 0018: the tables above, and the trigger made again naming them."""
    for statement in TABLES:
        db.execute(statement)
    if db.execute("SELECT 1 FROM digests LIMIT 1").fetchone():
        db.execute("INSERT INTO library_flags (name, value) VALUES ('reading_first_choice', '1')")
    db.execute("DROP TRIGGER IF EXISTS items_keep_user_data")
    db.execute(KEEP_USER_DATA_TRIGGER)


__all__ = ["KEEP_USER_DATA_TRIGGER", "reading_and_tags"]
