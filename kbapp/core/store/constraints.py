"""What the user's tables accept, said to SQLite itself (migration 0012): no writer, a
bug or a hand-edited export included, can store a rating of 2.5 or `true`, a note that
is a number, a time the store cannot parse or a link whose target is not an item or a
paper. Each of those made every later autosave of the note fail ("Not saved!") or the
markdown export crash, long after the bad value went in.

SQLite's CHECK cannot be added to a table, so migration 0012 makes each user table
again with its checks and copies the rows over, mending what it can on the way (a
rating 2.5 becomes 3, an unreadable time becomes `UNKNOWN_TIME`) and leaving out only a
row that cannot mean anything (a link to `5`); the file was backed up before any
migration ran (`schema.open_database`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

# A time the store did not get (an early export had none): older than any real one, so
# a merge lets a dated value win over it.
UNKNOWN_TIME = "1970-01-01T00:00:00+00:00"


def _stars(column: str, *, nullable: bool = False) -> str:
    rule = f"typeof({column}) = 'integer' AND {column} BETWEEN 0 AND 5"
    return f"CHECK ({column} IS NULL OR ({rule}))" if nullable else f"CHECK ({rule})"


def time_check(column: str) -> str:
    """ISO 8601, as `connection.now()` writes (and `strftime('%Y-%m-%dT%H:%M:%SZ')`): a date, a
    T, and something SQLite's date functions read."""
    return (
        f"CHECK (typeof({column}) = 'text' AND {column} GLOB "
        f"'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:*' "
        f"AND julianday({column}) IS NOT NULL)"
    )


def _text(column: str, *, nullable: bool = False) -> str:
    rule = f"typeof({column}) = 'text'"
    return f"CHECK ({column} IS NULL OR {rule})" if nullable else f"CHECK ({rule})"


def _target(column: str) -> str:
    return f"CHECK ({column} GLOB 'item:?*' OR {column} GLOB 'paper:?*')"


def _fixed_stars(column: str) -> str:
    """A number 0-5 rounded to a whole one; anything else NULL (a rating left out)."""
    return (
        f"CASE WHEN typeof({column}) IN ('integer', 'real') AND {column} BETWEEN 0 AND 5 "
        f"THEN CAST(ROUND({column}) AS INTEGER) END"
    )


def _fixed_time(column: str) -> str:
    return (
        f"CASE WHEN typeof({column}) = 'text' AND {column} GLOB "
        f"'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:*' "
        f"AND julianday({column}) IS NOT NULL THEN {column} ELSE '{UNKNOWN_TIME}' END"
    )


def _fixed_text(column: str) -> str:
    return f"CAST({column} AS TEXT)"


# Each user table: its columns with their checks, what each row's values become when
# copied (by column), which rows are copied at all, and the indexes it had.
_TABLES: tuple[tuple[str, str, dict[str, str], str, tuple[str, ...]], ...] = (
    (
        "ratings",
        f"item_key TEXT PRIMARY KEY, stars INTEGER NOT NULL {_stars('stars')}, "
        f"updated_at TEXT NOT NULL {time_check('updated_at')}",
        {"item_key": "item_key", "stars": _fixed_stars("stars"),
         "updated_at": _fixed_time("updated_at")},
        f"{_fixed_stars('stars')} IS NOT NULL",
        (),
    ),
    (
        "rating_history",
        f"id INTEGER PRIMARY KEY, item_key TEXT NOT NULL, "
        f"stars INTEGER {_stars('stars', nullable=True)}, at TEXT NOT NULL {time_check('at')}",
        {"id": "id", "item_key": "item_key", "stars": _fixed_stars("stars"),
         "at": _fixed_time("at")},
        f"stars IS NULL OR {_fixed_stars('stars')} IS NOT NULL",
        ("CREATE INDEX rating_history_item ON rating_history(item_key, id)",),
    ),
    (
        "notes",
        f"item_key TEXT PRIMARY KEY, text TEXT NOT NULL {_text('text')}, "
        f"updated_at TEXT NOT NULL {time_check('updated_at')}",
        {"item_key": "item_key", "text": _fixed_text("text"),
         "updated_at": _fixed_time("updated_at")},
        "1",
        (),
    ),
    (
        "paper_notes",
        f"paper_key TEXT PRIMARY KEY, text TEXT NOT NULL {_text('text')}, "
        f"updated_at TEXT NOT NULL {time_check('updated_at')}",
        {"paper_key": "paper_key", "text": _fixed_text("text"),
         "updated_at": _fixed_time("updated_at")},
        "1",
        (),
    ),
    (
        "paper_ratings",
        f"paper_key TEXT PRIMARY KEY, stars INTEGER NOT NULL {_stars('stars')}, "
        f"updated_at TEXT NOT NULL {time_check('updated_at')}",
        {"paper_key": "paper_key", "stars": _fixed_stars("stars"),
         "updated_at": _fixed_time("updated_at")},
        f"{_fixed_stars('stars')} IS NOT NULL",
        (),
    ),
    (
        "note_revisions",
        f"id INTEGER PRIMARY KEY, target TEXT NOT NULL {_target('target')}, "
        f"text TEXT NOT NULL {_text('text')}, at TEXT NOT NULL {time_check('at')}, "
        "kind TEXT NOT NULL CHECK (kind IN ('auto', 'save', 'restore'))",
        {"id": "id", "target": "target", "text": _fixed_text("text"), "at": _fixed_time("at"),
         "kind": "kind"},
        "target GLOB 'item:?*' OR target GLOB 'paper:?*'",
        ("CREATE INDEX note_revisions_target ON note_revisions(target, id)",),
    ),
    (
        "user_links",
        f"id INTEGER PRIMARY KEY, source TEXT NOT NULL {_target('source')}, "
        f"target TEXT NOT NULL {_target('target')}, label TEXT {_text('label', nullable=True)}, "
        f"created_at TEXT NOT NULL {time_check('created_at')}, "
        "UNIQUE (source, target), CHECK (source <> target)",
        {"id": "id", "source": "source", "target": "target",
         "label": f"CASE WHEN label IS NULL THEN NULL ELSE {_fixed_text('label')} END",
         "created_at": _fixed_time("created_at")},
        "(source GLOB 'item:?*' OR source GLOB 'paper:?*') "
        "AND (target GLOB 'item:?*' OR target GLOB 'paper:?*')",
        ("CREATE INDEX user_links_target ON user_links(target)",),
    ),
    (
        "link_decisions",
        f"a TEXT NOT NULL {_text('a')}, b TEXT NOT NULL {_text('b')}, "
        "decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed')), "
        f"at TEXT NOT NULL {time_check('at')}, PRIMARY KEY (a, b), CHECK (a < b)",
        {"a": "a", "b": "b", "decision": "decision", "at": _fixed_time("at")},
        "typeof(a) = 'text' AND typeof(b) = 'text'",
        (),
    ),
)  # fmt: skip

# What makes an item carry the user's data, as migration 0010's trigger asks it of OLD.
KEPT_BY = (
    "SELECT 1 FROM ratings r WHERE r.item_key = OLD.key",
    "SELECT 1 FROM notes n WHERE n.item_key = OLD.key",
    "SELECT 1 FROM rating_history h WHERE h.item_key = OLD.key",
    "SELECT 1 FROM note_revisions v WHERE v.target = 'item:' || OLD.key",
    "SELECT 1 FROM user_links u WHERE u.source = 'item:' || OLD.key",
    "SELECT 1 FROM user_links u WHERE u.target = 'item:' || OLD.key",
    "SELECT 1 FROM link_decisions x WHERE x.a = OLD.key OR x.b = OLD.key",
)


def keep_user_data_trigger(kept_by: tuple[str, ...] = KEPT_BY) -> str:
    """The trigger that lets an item with the user's data (any of `kept_by`) be deleted
    only with its day. It names the user tables, so it is made again after they are."""
    exists = "\n            OR ".join(f"EXISTS ({condition})" for condition in kept_by)
    return f"""CREATE TRIGGER items_keep_user_data BEFORE DELETE ON items
        WHEN EXISTS (SELECT 1 FROM digests d WHERE d.id = OLD.digest_id) AND (
            {exists})
        BEGIN
            SELECT RAISE(ABORT, 'an item with the user''s data is deleted only with its day');
        END"""


# Migration 0010's trigger (0018 adds the queue and tags to it).
KEEP_USER_DATA_TRIGGER = keep_user_data_trigger()


def checked_user_tables(db: Database) -> None:
    """Migration 0012: the user's tables made again with checks on every value."""
    trigger = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'items_keep_user_data'"
    ).fetchone()
    db.execute("DROP TRIGGER IF EXISTS items_keep_user_data")
    for table, columns, values, keep, indexes in _TABLES:
        names = ", ".join(values)
        db.execute(f"CREATE TABLE {table}_checked ({columns})")
        db.execute(
            f"INSERT INTO {table}_checked ({names}) "
            f"SELECT {', '.join(values.values())} FROM {table} WHERE {keep}"
        )
        db.execute(f"DROP TABLE {table}")
        db.execute(f"ALTER TABLE {table}_checked RENAME TO {table}")
        for index in indexes:
            db.execute(index)
    if trigger is not None:  # (a test may apply the migrations out of order)
        db.execute(KEEP_USER_DATA_TRIGGER)


__all__ = [
    "KEEP_USER_DATA_TRIGGER",
    "KEPT_BY",
    "UNKNOWN_TIME",
    "checked_user_tables",
    "keep_user_data_trigger",
    "time_check",
]
