"""The search index keeps no copy of the text (contentless, migration 0016): a row
leaves it by a 'delete' given the values it was indexed with, made again from the
stored items. These tests hold the index to what a rebuild from the items makes, token
for token, after every kind of write, and hold the search text's functions to the
output the indexed rows were made with."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library
from kbapp.core.store.search_index import index_rows
from tests.search_index_state import index_state, rebuilt_state

# The digest of the index rows the corpus makes (`search_index.index_rows`, without the
# item ids). When a change to `search.text` (or to what the rows are made from) changes
# it, the rows of a library indexed before can no longer be deleted exactly: that change
# must come with a migration that calls `make_index`, and then this value changes.
CORPUS_ROWS = "ddb86647a82554476d2d6f069970f85fd124e7dbe981fe008acbe2c0cad9e106"


def kept_exactly(library: Library) -> bool:
    return index_state(library.db.conn) == rebuilt_state(library.db.conn)


def copy_day(corpus: Path, folder: Path, day: str) -> Path:
    target = folder / "notes" / day[:6] / f"{day[4:]}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((corpus / "notes" / day[:6] / f"{day[4:]}.md").read_bytes())
    return target


def test_every_write_leaves_the_index_a_rebuild_would_make(corpus: Path, tmp_path: Path) -> None:
    with Library(tmp_path / "library.sqlite") as library:
        import_paths(library, [corpus / "notes" / "202104"], workers=0)
        conn = library.db.conn
        assert conn.execute("SELECT COUNT(*) FROM search").fetchone()[0] > 100
        assert conn.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'search_content'"
        ).fetchone() == (0,)
        assert kept_exactly(library)

        first, second = [item.key for item in library.digests.items_for_date("2021-04-03")][:2]
        library.user.set_note(first, "一条笔记 note")
        library.user.save_note("paper:arxiv:2104.00298", "论文笔记 paper note")
        assert index_state(conn)[1]  # the notes as indexed, kept for their deletes
        assert kept_exactly(library)

        day = copy_day(corpus, tmp_path, "20210403")  # edited: texts, stars, one item fewer
        text = day.read_text(encoding="utf-8")
        day.write_text(text.replace(":star::star:", ":star:").replace("检测", "识别"), "utf-8")
        assert [o.status for o in import_paths(library, [day], workers=0).outcomes] == ["updated"]
        assert kept_exactly(library)

        library.user.set_note(second, "第二条")
        library.user.set_note(first, "")
        library.user.save_note("paper:arxiv:2104.00298", "")
        assert kept_exactly(library)

        removed = library.removal.remove_days(["2021-04-03", "2021-04-25"])
        assert kept_exactly(library)
        library.removal.restore(removed)
        assert kept_exactly(library)
        assert library.search.find("第二条")


def test_the_search_text_is_what_the_rows_were_indexed_with(corpus: Path, tmp_path: Path) -> None:
    with Library(tmp_path / "library.sqlite") as library:
        import_paths(library, [corpus / "notes"], workers=0)
        conn = library.db.conn
        ids = [row[0] for row in conn.execute("SELECT id FROM items ORDER BY key")]
        rows = [row[1:] for row in index_rows(conn, ids)]
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
    assert digest == CORPUS_ROWS, "the search text changed: add a migration calling make_index"


def test_a_library_indexed_with_its_text_is_made_contentless(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Library(path) as old:
        import_paths(old, [corpus / "notes" / "202104"], workers=0)
        key = old.digests.items_for_date("2021-04-25")[0].key
        old.user.set_note(key, "旧的笔记")
        conn = old.db.conn
        rows = index_rows(conn, [row[0] for row in conn.execute("SELECT id FROM items")])
        with conn:  # the index as migration 0013 made it: with its own copy of the text
            conn.execute("DROP TABLE search")
            conn.execute("DROP TABLE search_notes")
            conn.execute(
                "CREATE VIRTUAL TABLE search USING fts5(title, abstract, tips, links, paper, "
                "note, code, facets, tokenize = 'unicode61 remove_diacritics 2', prefix = '1')"
            )
            conn.executemany(f"INSERT INTO search VALUES ({', '.join('?' * 8)})",
                             [row[1:] for row in rows])  # fmt: skip
            conn.execute("DELETE FROM _sqlite_migrations WHERE name >= '0016' AND name < '0018'")
        found = {hit.key for hit in old.search.find("旧的笔记")}
    assert found == {key}
    with Library(path) as library:
        conn = library.db.conn
        assert conn.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'search_content'"
        ).fetchone() == (0,)
        assert {hit.key for hit in library.search.find("旧的笔记")} == {key}
        assert kept_exactly(library)
    assert any((tmp_path / "backups").glob("old-*-before-migration.sqlite"))
