"""Packed item bodies (`store.packing`, migration 0014): the exact JSON text back, a
long body kept as text, and an older library's bodies converted without a change to
anything it reads or exports."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kbapp.core.export.library_json import export_json
from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library
from kbapp.core.store.migrations import _INITIAL
from kbapp.core.store.packing import PACK_MAX, pack_body, unpack_body

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '[{"kind":"bullet","line":3,"label":"Abstract","field":"abstract","group":null,'
        '"text":"目标检测的新方法 \\"quoted\\" \\u0000","children":[]}]',
        json.dumps([{"text": "x" * 100, "children": []}] * 50, ensure_ascii=False),
        "[" + ",".join(['{"text":"😀 ⭐"}'] * 3) + "]",
        # longer than the packing window with the dictionary before it
        json.dumps([{"text": f"第{n}条 https://arxiv.org/abs/{n}"} for n in range(250)]),
    ],
)
def test_a_packed_body_gives_back_its_exact_text(body: str) -> None:
    packed = pack_body(body)
    assert isinstance(packed, bytes) or body == "[]"
    assert unpack_body(packed) == body


def test_text_is_read_as_it_is_and_a_long_body_stays_text() -> None:
    long = json.dumps([{"text": "⭐" * PACK_MAX}])
    assert pack_body(long) is long
    assert unpack_body(long) is long
    assert pack_body("[]") == "[]"
    with pytest.raises(ValueError):
        unpack_body(b"\x07junk")
    with pytest.raises(ValueError):
        unpack_body(pack_body('[{"text":"abc"}]')[:-3])  # type: ignore[index]


def as_before_0014(conn: sqlite3.Connection) -> None:
    """The library as kbapp wrote it before migrations 0014 and 0015: bodies as text,
    `links.url` and `images.src` stored columns (their tables made as 0001 and 0006 did)."""
    rows = conn.execute("SELECT id, body FROM items").fetchall()
    conn.executemany(
        "UPDATE items SET body = ? WHERE id = ?", [(unpack_body(b), i) for i, b in rows]
    )
    conn.execute("ALTER TABLE items RENAME COLUMN article_url TO article_url_old")
    conn.execute("ALTER TABLE items ADD COLUMN article_url TEXT")
    conn.execute("UPDATE items SET article_url = article_url_old")
    conn.execute("ALTER TABLE items DROP COLUMN article_url_old")
    conn.execute("ALTER TABLE items DROP COLUMN article_url_own")
    for table in ("links", "images"):
        create = next(sql for sql in _INITIAL if sql.startswith(f"CREATE TABLE {table} "))
        columns = [row[1] for row in conn.execute(f"PRAGMA table_xinfo({table})")]
        names = ", ".join(c for c in columns if not c.endswith("_own"))
        conn.execute(create.replace(f"TABLE {table} ", f"TABLE {table}_old "))
        if table == "links":
            conn.execute("ALTER TABLE links_old ADD COLUMN title_key TEXT")
        conn.execute(f"INSERT INTO {table}_old ({names}) SELECT {names} FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE {table}_old RENAME TO {table}")
    for sql in ("CREATE INDEX links_item ON links(item_id, ordinal)",
                "CREATE INDEX links_paper_url ON links(url) WHERE field = 'paper'",
                "CREATE INDEX links_paper_title ON links(title_key) WHERE title_key IS NOT NULL",
                "CREATE INDEX images_item ON images(item_id)",
                "CREATE INDEX images_digest ON images(digest_id)",
                "DELETE FROM _sqlite_migrations WHERE name >= '0014' AND name < '0018'"):  # fmt: skip
        conn.execute(sql)


def test_an_older_library_is_converted_and_reads_the_same(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Library(path) as old:
        import_paths(old, [corpus / "notes"], workers=0)
        conn = old.db.conn
        key, link = conn.execute(
            "SELECT i.key, l.id FROM items i JOIN links l ON l.item_id = i.id ORDER BY i.id LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE links SET url_own = X'' WHERE id = ?", (link,))  # a link without
        conn.execute("UPDATE images SET src_own = 'https://x.test/a.png' WHERE id = 1")  # a URL
        conn.execute("UPDATE items SET article_url_own = X'' WHERE id = 2")
        old.user.set_rating(key, 4)
        old.user.save_note(key, "mine", kind="save")
        as_before_0014(conn)
        assert conn.execute("SELECT url FROM links WHERE id = ?", (link,)).fetchone() == (None,)
        exported = export_json(old, exported_at=AT)
        days = {date: old.days.day(date) for date in old.digests.dates()}
        texts = dict(conn.execute("SELECT id, body FROM items").fetchall())
        names = ", ".join(row[1] for row in conn.execute("PRAGMA table_info(links)"))
        links = conn.execute(f"SELECT {names} FROM links ORDER BY id").fetchall()
        images = conn.execute("SELECT id, src_raw, src FROM images ORDER BY id").fetchall()
        urls = conn.execute("SELECT id, article_url_raw, article_url FROM items").fetchall()
        assert urls[1][2] is None and urls[0][1] == urls[0][2]
    with Library(path) as library:
        conn = library.db.conn
        stored = dict(conn.execute("SELECT id, body FROM items").fetchall())
        assert len(stored) == 449
        assert all(isinstance(b, bytes) for i, b in stored.items() if texts[i] != "[]")
        assert {i: unpack_body(b) for i, b in stored.items()} == texts
        assert export_json(library, exported_at=AT) == exported
        assert {date: library.days.day(date) for date in library.digests.dates()} == days
        assert (library.user.rating(key), library.user.note(key)) == (4, "mine")
        assert conn.execute(f"SELECT {names} FROM links ORDER BY id").fetchall() == links
        assert conn.execute("SELECT id, src_raw, src FROM images ORDER BY id").fetchall() == images
        assert conn.execute("SELECT id, article_url_raw, article_url FROM items").fetchall() == urls
        assert (
            conn.execute("SELECT COUNT(*) FROM links WHERE url_own IS NOT NULL").fetchone()[0] < 50
        )
    assert any((tmp_path / "backups").glob("old-*-before-migration.sqlite"))
    total = sum(len(b.encode()) for b in texts.values())
    assert sum(len(b) for b in stored.values()) < total / 2


def test_a_removed_day_comes_back_with_its_links_and_images(library: Library, corpus: Path) -> None:
    import_paths(library, [corpus / "notes" / "202103"], workers=0)
    conn = library.db.conn
    before = conn.execute(
        "SELECT url_raw, url_own, url FROM links ORDER BY url_raw, url"
    ).fetchall()
    images = conn.execute("SELECT src_raw, src_own, src FROM images ORDER BY src_raw").fetchall()
    removed = library.removal.remove_days(library.digests.dates()[:2])
    library.removal.restore(removed)
    assert (
        conn.execute("SELECT url_raw, url_own, url FROM links ORDER BY url_raw, url").fetchall()
        == before
    )
    assert (
        conn.execute("SELECT src_raw, src_own, src FROM images ORDER BY src_raw").fetchall()
        == images
    )


def test_a_days_sections_and_diagnostics_are_packed_and_read_the_same(
    corpus: Path, tmp_path: Path
) -> None:
    """Migration 0017 packs `digests.sections` and `.diagnostics` of a library written
    before it (as text); the days and the export read exactly as before."""
    path = tmp_path / "old.sqlite"
    with Library(path) as old:
        import_paths(old, [corpus / "notes"], workers=0)
        conn = old.db.conn
        with conn:
            rows = conn.execute("SELECT id, sections, diagnostics FROM digests").fetchall()
            conn.executemany(
                "UPDATE digests SET sections = ?, diagnostics = ? WHERE id = ?",
                [(unpack_body(s), unpack_body(d), i) for i, s, d in rows],
            )
            conn.execute("DELETE FROM _sqlite_migrations WHERE name GLOB '0017_*'")
        texts = {i: (unpack_body(s), unpack_body(d)) for i, s, d in rows}
        exported = export_json(old, exported_at=AT)
        days = {date: old.days.day(date) for date in old.digests.dates()}
    assert any(s for s, _ in texts.values() if s != "[]")
    with Library(path) as library:
        conn = library.db.conn
        stored = conn.execute("SELECT id, sections, diagnostics FROM digests").fetchall()
        assert {i: (unpack_body(s), unpack_body(d)) for i, s, d in stored} == texts
        assert all(isinstance(s, bytes) for _, s, _ in stored if s != "[]")
        assert export_json(library, exported_at=AT) == exported
        assert {date: library.days.day(date) for date in library.digests.dates()} == days
        import_paths(library, [corpus / "notes" / "202104"], workers=0)  # unchanged: kept
        assert conn.execute("SELECT id, sections, diagnostics FROM digests").fetchall() == stored
