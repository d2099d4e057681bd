"""The library's schema, as the named migrations that made it, oldest first (append;
never rename). Two groups of tables live in the file and are kept apart on purpose:

- tables that come FROM FILES (digests, items, links, images, videos, identities, the
  search index) are rebuilt by imports and may be replaced at any time;
- tables the USER makes (ratings, rating_history, notes, note_revisions, paper_notes,
  user_links, link_decisions, paper_ratings, reads, queue, tags, tagged, saved_searches)
  are never written by an import. They point at
  `items.key`, the stable item identity, and a trigger (migration 0010) makes SQLite
  itself refuse to delete an item that carries any of them, except with its whole day
  (`store.removal`): then the user's data stays, and meets its items again when the
  day is imported again. An import keeps such an item, marked removed
  (`ITEM_HAS_USER_DATA`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbapp.core.store.addresses import fewer_copies
from kbapp.core.store.constraints import KEEP_USER_DATA_TRIGGER, checked_user_tables
from kbapp.core.store.metadata_schema import doi_meta, paper_meta, paper_search, sources
from kbapp.core.store.packing import packed_bodies, packed_digests
from kbapp.core.store.reading_schema import reading_and_tags

if TYPE_CHECKING:  # sqlite-utils: imported by whoever migrates
    from sqlite_utils import Database


_INITIAL = (
    # -- from files --------------------------------------------------------------------
    """CREATE TABLE digests (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL UNIQUE,
        source_path TEXT,
        content_hash TEXT NOT NULL,
        title TEXT,
        date_source TEXT NOT NULL,
        heading_date TEXT,
        path_date TEXT,
        sections TEXT NOT NULL DEFAULT '[]',
        preamble TEXT NOT NULL DEFAULT '[]',
        structure TEXT NOT NULL DEFAULT '[]',
        diagnostics TEXT NOT NULL DEFAULT '[]',
        near_duplicate_of TEXT,
        near_duplicate_ratio REAL,
        imported_at TEXT NOT NULL
    )""",
    "CREATE INDEX digests_content_hash ON digests(content_hash)",
    "CREATE INDEX digests_near_duplicate ON digests(near_duplicate_of)",
    """CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        digest_id INTEGER NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        idx INTEGER,
        title TEXT NOT NULL,
        article_url_raw TEXT NOT NULL,
        article_url TEXT,
        article_key TEXT,
        title_key TEXT NOT NULL,
        author_stars INTEGER NOT NULL,
        abstract TEXT,
        tips TEXT,
        body TEXT NOT NULL DEFAULT '[]',
        body_hash TEXT,
        flags TEXT NOT NULL DEFAULT '[]',
        line_start INTEGER NOT NULL,
        line_end INTEGER NOT NULL,
        removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1))
    )""",
    "CREATE INDEX items_digest ON items(digest_id, ordinal)",
    """CREATE TABLE links (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        field TEXT NOT NULL,
        label TEXT,
        name TEXT,
        grp INTEGER,
        text TEXT NOT NULL,
        url_raw TEXT NOT NULL,
        url TEXT,
        url_kind TEXT NOT NULL,
        note TEXT,
        line INTEGER NOT NULL,
        context TEXT
    )""",
    "CREATE INDEX links_item ON links(item_id, ordinal)",
    """CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        item_id INTEGER REFERENCES items(id) ON DELETE CASCADE,
        digest_id INTEGER NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
        src_raw TEXT NOT NULL,
        src TEXT NOT NULL,
        is_local INTEGER NOT NULL,
        host TEXT,
        format_hint TEXT,
        zoom INTEGER,
        alt TEXT,
        wrapped_in_div INTEGER NOT NULL,
        resolved_path TEXT,
        flags TEXT NOT NULL DEFAULT '[]',
        line INTEGER NOT NULL
    )""",
    "CREATE INDEX images_item ON images(item_id)",
    "CREATE INDEX images_digest ON images(digest_id)",
    """CREATE TABLE videos (
        id INTEGER PRIMARY KEY,
        item_id INTEGER REFERENCES items(id) ON DELETE CASCADE,
        digest_id INTEGER NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
        src_raw TEXT NOT NULL,
        src TEXT NOT NULL,
        host TEXT,
        wrapped_in_div INTEGER NOT NULL,
        line INTEGER NOT NULL
    )""",
    "CREATE INDEX videos_item ON videos(item_id)",
    "CREATE INDEX videos_digest ON videos(digest_id)",
    # One row per identity a link of an item carries; `paper` = 1 marks the identity
    # that names the paper of a paper-field link (arXiv, else DOI, else title key).
    """CREATE TABLE identities (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        link_ordinal INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('arxiv', 'github', 'doi', 'title')),
        value TEXT NOT NULL,
        version TEXT,
        paper INTEGER NOT NULL DEFAULT 0 CHECK (paper IN (0, 1))
    )""",
    "CREATE INDEX identities_item ON identities(item_id)",
    # Deliberately no index on items(article_key), items(title_key) or items(body_hash):
    # each costs random page writes in every import's commit (with identities(kind,
    # value) a third of its writing time); add one with the feature that needs it, as
    # migration 0006 does for cross-links.
    # -- the user's own (never written by an import) -----------------------------------
    """CREATE TABLE ratings (
        item_key TEXT PRIMARY KEY REFERENCES items(key),
        stars INTEGER NOT NULL CHECK (stars BETWEEN 0 AND 5),
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE rating_history (
        id INTEGER PRIMARY KEY,
        item_key TEXT NOT NULL REFERENCES items(key),
        stars INTEGER CHECK (stars IS NULL OR stars BETWEEN 0 AND 5),
        at TEXT NOT NULL
    )""",
    "CREATE INDEX rating_history_item ON rating_history(item_key, id)",
    """CREATE TABLE notes (
        item_key TEXT PRIMARY KEY REFERENCES items(key),
        text TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
)


def initial_schema(db: Database) -> None:
    """Migration 0001: every table of the first release."""
    # Statement by statement: `executescript` would commit the migration's transaction.
    for statement in _INITIAL:
        db.execute(statement)


_DAY_COUNTS = (
    "item_count = (SELECT COUNT(*) FROM items i WHERE i.digest_id = digests.id"
    " AND i.removed = 0), best_stars = (SELECT COALESCE(MAX(i.author_stars), 0)"
    " FROM items i WHERE i.digest_id = digests.id AND i.removed = 0)"
)
UPDATE_DAY_COUNTS = f"UPDATE digests SET {_DAY_COUNTS} WHERE id = ?"


def day_counts(db: Database) -> None:
    """Migration 0002: each day's item count and best author rating, kept on the digest.

    The sidebar lists ten years of days from these; aggregating the items table for it
    took 40-60 ms at every start.
    """
    db.execute("ALTER TABLE digests ADD COLUMN item_count INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE digests ADD COLUMN best_stars INTEGER NOT NULL DEFAULT 0")
    db.execute(f"UPDATE digests SET {_DAY_COUNTS}")


def image_cache(db: Database) -> None:
    """Migration 0003: what the image cache holds of each image key (`images.cache`).

    Derived from files and servers, never user data: dropping its rows only costs
    downloads. `next_try_at` is when a failed image may be tried again (backoff).
    """
    db.execute(
        """CREATE TABLE image_cache (
            url TEXT PRIMARY KEY,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'ok', 'failed')),
            hash TEXT,
            type TEXT,
            size INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            fetched_at TEXT,
            etag TEXT,
            last_modified TEXT,
            next_try_at TEXT
        )"""
    )


def day_index(db: Database) -> None:
    """Migration 0004: the sidebar's columns in an index, so listing ten years of days
    reads the index alone, not the wide digest rows (7 ms → 2.5 ms at 3,650 days)."""
    db.execute("CREATE INDEX digests_days ON digests(date, item_count, best_stars)")


def user_layer(db: Database) -> None:
    """Migration 0005: the user's own layer beyond ratings and notes. Targets are
    `item:<item key>` or `paper:<paper key>` (see `papers`); none is written by an import.

    - note_revisions: earlier texts of a note (autosave keeps at most one per 5 minutes
      of editing, an explicit save always one);
    - paper_notes: the note on a paper;
    - user_links: the user's own links between items and papers, with an optional label;
    - link_decisions: a candidate cross-link the user confirmed or dismissed.
    """
    for statement in (
        """CREATE TABLE note_revisions (
            id INTEGER PRIMARY KEY,
            target TEXT NOT NULL,
            text TEXT NOT NULL,
            at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('auto', 'save', 'restore'))
        )""",
        "CREATE INDEX note_revisions_target ON note_revisions(target, id)",
        """CREATE TABLE paper_notes (
            paper_key TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE user_links (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            label TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (source, target),
            CHECK (source <> target)
        )""",
        "CREATE INDEX user_links_target ON user_links(target)",
        """CREATE TABLE link_decisions (
            a TEXT NOT NULL,
            b TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed')),
            at TEXT NOT NULL,
            PRIMARY KEY (a, b),
            CHECK (a < b)
        )""",
    ):
        db.execute(statement)


def cross_link_index(db: Database) -> None:
    """Migration 0006: what finds, for one day's items, the items that share a paper or
    a repository with them (cross-links are worked out per day, not for the library):
    an index on identities, and each paper link's title key, indexed with its URL."""
    from kbapp.core.digest.identities import paper_title_key

    db.execute("ALTER TABLE links ADD COLUMN title_key TEXT")
    rows = db.execute("SELECT id, text FROM links WHERE field = 'paper'").fetchall()
    db.conn.executemany(
        "UPDATE links SET title_key = ? WHERE id = ?",
        [(paper_title_key(text), link_id) for link_id, text in rows],
    )
    db.execute("CREATE INDEX identities_value ON identities(kind, value)")
    db.execute("CREATE INDEX links_paper_url ON links(url) WHERE field = 'paper'")
    db.execute("CREATE INDEX links_paper_title ON links(title_key) WHERE title_key IS NOT NULL")


def search_index(db: Database) -> None:
    """Migration 0007: the full-text index of the items (`search.text`, `store.search`),
    filled from what the library holds."""
    from kbapp.core.store.search_index import make_index

    make_index(db.conn)


def search_pairs(db: Database) -> None:
    """Migration 0008: the index made again, CJK runs as overlapping pairs of characters
    (`search.text.index_text`), no longer a token per character, and the filters' facets
    in a column of their own; the items' columns a search ranks by, in an index of their
    own (a match's item is read from it, not from the wide row)."""
    from kbapp.core.store.search_index import make_index

    make_index(db.conn)
    db.execute("CREATE INDEX items_search ON items(id, digest_id, removed, author_stars, key)")


def change_log(db: Database) -> None:
    """Migration 0009: what each committed write changed (`store.connection`), so a
    window sees what another process wrote. A cache of recent history, never user data:
    only the newest few hundred rows are kept."""
    db.execute(
        "CREATE TABLE change_log (id INTEGER PRIMARY KEY, origin INTEGER NOT NULL, "
        "changes TEXT NOT NULL)"
    )


# An item carries user data (and is kept, marked removed, when its file drops it).
ITEM_HAS_USER_DATA = (
    "EXISTS (SELECT 1 FROM ratings r WHERE r.item_key = i.key) "
    "OR EXISTS (SELECT 1 FROM notes n WHERE n.item_key = i.key) "
    "OR EXISTS (SELECT 1 FROM rating_history h WHERE h.item_key = i.key) "
    "OR EXISTS (SELECT 1 FROM note_revisions v WHERE v.target = 'item:' || i.key) "
    "OR EXISTS (SELECT 1 FROM user_links u WHERE u.source = 'item:' || i.key) "
    "OR EXISTS (SELECT 1 FROM user_links u WHERE u.target = 'item:' || i.key) "
    "OR EXISTS (SELECT 1 FROM link_decisions x WHERE x.a = i.key OR x.b = i.key) "
    "OR EXISTS (SELECT 1 FROM queue q WHERE q.target = 'item:' || i.key) "
    "OR EXISTS (SELECT 1 FROM tagged t WHERE t.target = 'item:' || i.key)"
)

# The user's tables without their foreign key to items(key) (migration 0010), as
# migration 0001 made them otherwise.
_USER_TABLES = (
    ("ratings", "item_key TEXT PRIMARY KEY, stars INTEGER NOT NULL "
     "CHECK (stars BETWEEN 0 AND 5), updated_at TEXT NOT NULL",
     "item_key, stars, updated_at"),
    ("rating_history", "id INTEGER PRIMARY KEY, item_key TEXT NOT NULL, stars INTEGER "
     "CHECK (stars IS NULL OR stars BETWEEN 0 AND 5), at TEXT NOT NULL",
     "id, item_key, stars, at"),
    ("notes", "item_key TEXT PRIMARY KEY, text TEXT NOT NULL, updated_at TEXT NOT NULL",
     "item_key, text, updated_at"),
)  # fmt: skip


def removable_days(db: Database) -> None:
    """Migration 0010: a day can be removed while the user's data on its items stays.

    Ratings, their history and notes pointed at `items(key)` with a foreign key, which
    refuses to delete a rated item even with its day; they are made again without it
    (SQLite cannot drop a constraint). A trigger keeps what the key guaranteed, for all
    of the user's data: an item that carries any is deleted only with its day (when an
    item goes by its digest's ON DELETE CASCADE, the digest row is already gone).
    """
    for table, columns, names in _USER_TABLES:
        db.execute(f"CREATE TABLE {table}_new ({columns})")
        db.execute(f"INSERT INTO {table}_new ({names}) SELECT {names} FROM {table}")
        db.execute(f"DROP TABLE {table}")
        db.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    db.execute("CREATE INDEX rating_history_item ON rating_history(item_key, id)")
    db.execute(KEEP_USER_DATA_TRIGGER)


def paper_ratings(db: Database) -> None:
    """My rating of a paper itself (the papers view's 0-5), beside my ratings of the
    items that feature it; keyed by the paper's stable key, like its note."""
    db.execute(
        """CREATE TABLE paper_ratings (
        paper_key TEXT PRIMARY KEY,
        stars INTEGER NOT NULL CHECK (stars BETWEEN 0 AND 5),
        updated_at TEXT NOT NULL
    )"""
    )


def search_facets(db: Database) -> None:
    """Migration 0013: how many items have each of the filters' two-sided facet tokens
    (`search_facets`), so that a search asks a filter from its rarer side; counted from
    the index, then kept by its writes (`store.search_index`). (It also made the index
    again with a prefix index of first characters, for one-character queries: 0016
    makes it anew, with that prefix index, so that is left to 0016.)"""
    from kbapp.core.store.search_index import FACETS_TABLE, count_facets

    db.execute(FACETS_TABLE)
    count_facets(db.conn)


def contentless_search(db: Database) -> None:
    """Migration 0016: the search index made anew without its own copy of the text
    (contentless; `store.search_index`), and `search_notes`, the note column of each row
    as indexed, which its deletes need."""
    from kbapp.core.store.search_index import make_index

    make_index(db.conn)


MIGRATIONS = (
    ("0001_initial", initial_schema),
    ("0002_day_counts", day_counts),
    ("0003_images", image_cache),
    ("0004_day_index", day_index),
    ("0005_user_layer", user_layer),
    ("0006_cross_link_index", cross_link_index),
    ("0007_search", search_index),
    ("0008_search_pairs", search_pairs),
    ("0009_change_log", change_log),
    ("0010_removable_days", removable_days),
    ("0011_paper_ratings", paper_ratings),
    ("0012_checked_user_tables", checked_user_tables),
    ("0013_search_facets", search_facets),
    ("0014_packed_bodies", packed_bodies),
    ("0015_fewer_copies", fewer_copies),
    ("0016_contentless_search", contentless_search),
    ("0017_packed_digests", packed_digests),
    ("0018_reading_and_tags", reading_and_tags),
    ("0019_paper_meta", paper_meta),
    ("0020_doi_meta", doi_meta),
    ("0021_paper_search", paper_search),
    ("0022_sources", sources),
)
