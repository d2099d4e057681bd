"""How the library stores the addresses a digest wrote (migration 0015): an item's
article URL, a link's URL and an image's address are kept only where they differ from
the file's own text (nearly never). `items.article_url`, `links.url` and `images.src`
are generated columns over `article_url_own`, `url_own` and `src_own`, so every reader
reads the same columns as before; the writers store `URL_OWN` and `SRC_OWN` of what
they have (`store.digests`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # sqlite-utils: imported by whoever migrates
    from sqlite_utils import Database

# What `links.url_own` (and `items.article_url_own`) holds (SQL, given the URL and its
# raw form): NULL when the URL is the raw one, an empty BLOB when there is none, else the
# URL; the generated `links.url` (`items.article_url`) reads it back.
URL_OWN = "(CASE WHEN {url} IS NULL THEN X'' WHEN {url} = {raw} THEN NULL ELSE {url} END)"
_URL = (
    "{name} TEXT GENERATED ALWAYS AS (CASE WHEN {name}_own IS NULL THEN {name}_raw "
    "WHEN typeof({name}_own) = 'blob' THEN NULL ELSE {name}_own END) VIRTUAL"
)
# `images.src_own`: NULL when the address is the raw one (`images.src` reads it).
SRC_OWN = "NULLIF({src}, {raw})"
_SRC_COLUMN = re.compile(r"\bsrc TEXT NOT NULL,")
_IMAGES_TABLE = re.compile(r'^CREATE TABLE ("?)images\1(?=\s*\()')  # quoted once renamed


def fewer_copies(db: Database) -> None:
    """Migration 0015: an item's article URL, a link's URL and an image's address stored
    only where they differ from what the file wrote (nearly never): `items.article_url`,
    `links.url` and `images.src` are generated columns over `article_url_own`, `url_own`
    and `src_own` (SQL `URL_OWN`, `SRC_OWN`), read as before."""
    conn = db.conn
    conn.execute("ALTER TABLE items RENAME COLUMN article_url TO article_url_own")
    own = URL_OWN.format(url="article_url_own", raw="article_url_raw")
    conn.execute(f"UPDATE items SET article_url_own = {own}")
    conn.execute(f"ALTER TABLE items ADD COLUMN {_URL.format(name='article_url')}")
    conn.execute("DROP INDEX links_paper_url")
    conn.execute("ALTER TABLE links RENAME COLUMN url TO url_own")
    conn.execute(f"UPDATE links SET url_own = {URL_OWN.format(url='url_own', raw='url_raw')}")
    conn.execute(f"ALTER TABLE links ADD COLUMN {_URL.format(name='url')}")
    conn.execute("CREATE INDEX links_paper_url ON links(url) WHERE field = 'paper'")
    # `images.src` was NOT NULL, which a column cannot stop being: the table is made
    # again from its own statement, `src` replaced by `src_own` and the generated `src`.
    table = conn.execute("SELECT sql FROM sqlite_schema WHERE name = 'images'").fetchone()[0]
    made, found = _SRC_COLUMN.subn(
        "src_own TEXT,\n        src TEXT NOT NULL GENERATED ALWAYS AS "
        "(COALESCE(src_own, src_raw)) VIRTUAL,",
        _IMAGES_TABLE.sub("CREATE TABLE images_new", table, count=1),
    )
    if found != 1:
        raise RuntimeError("migration 0015: the images table has no plain `src` column")
    conn.execute(made)
    names = [row[1] for row in conn.execute("PRAGMA table_info(images)") if row[1] != "src"]
    columns = ", ".join(names)
    conn.execute(
        f"INSERT INTO images_new ({columns}, src_own) SELECT {columns}, "
        f"{SRC_OWN.format(src='src', raw='src_raw')} FROM images"
    )
    conn.execute("DROP TABLE images")
    conn.execute("ALTER TABLE images_new RENAME TO images")
    conn.execute("CREATE INDEX images_item ON images(item_id)")
    conn.execute("CREATE INDEX images_digest ON images(digest_id)")
