"""The change log: what another process's writes changed, read by a library that has the
file open (the window while `kbapp import` runs in a terminal)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kbapp.core.store.connection import CHANGE_LOG_KEPT
from kbapp.core.store.library import Changes, Library
from tests.core.store.test_library import digest, item, write

SAMPLE = """# 2021-04-25 目标检测

## 今日要点

1. [One paper](https://mp.weixin.qq.com/s/aaaa) :star::star:
   - 摘要：first
2. [Two paper](https://mp.weixin.qq.com/s/bbbb) :star::star::star:
   - 摘要：second
"""


def kbapp(library: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "kbapp", "--library", str(library), *args],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def other_process(library: Path, code: str) -> None:
    """Run `code` with `library` open as `lib`, in a process of its own."""
    script = f"from kbapp.core.store.library import Library\nlib = Library({str(library)!r})\n"
    subprocess.run([sys.executable, "-c", script + code], check=True, timeout=120)


def test_an_import_elsewhere_is_seen_with_its_days(library: Library, tmp_path: Path) -> None:
    db = library.db
    version, seen = db.data_version(), db.last_change()
    (tmp_path / "2021-04-25.md").write_text(SAMPLE, encoding="utf-8")
    kbapp(library.path, "import", str(tmp_path / "2021-04-25.md"))
    assert db.data_version() != version
    newest, changes = db.changes_since(seen)
    assert newest > seen
    assert changes.dates == {"2021-04-25"}
    assert len(changes.items) == 2 and not changes.everything
    assert db.changes_since(newest) == (newest, Changes())  # read once


def test_a_rating_elsewhere_names_its_item_and_day(library: Library) -> None:
    write(library, digest("2021-04-25", item(1, "One", "https://mp.weixin.qq.com/s/aaaa")))
    key = library.digests.items_for_date("2021-04-25")[0].key
    seen = library.db.last_change()
    other_process(library.path, f"lib.user.set_rating({key!r}, 4)")
    _, changes = library.db.changes_since(seen)
    assert changes.ratings == {key} and changes.dates == {"2021-04-25"}
    assert library.user.rating(key) == 4


def test_this_process_writes_are_not_reported_back(library: Library) -> None:
    """The window publishes its own writes as they return: the log must not repeat them."""
    write(library, digest("2021-04-25", item(1, "One", "https://mp.weixin.qq.com/s/aaaa")))
    seen = library.db.last_change()
    key = library.digests.items_for_date("2021-04-25")[0].key
    second = Library(library.path)  # the window's worker: the same process
    try:
        assert second.user.set_rating(key, 2).ratings == {key}
    finally:
        second.close()
    newest, changes = library.db.changes_since(seen)
    assert newest > seen and changes == Changes()


def test_a_write_that_fails_logs_nothing(library: Library) -> None:
    write(library, digest("2021-04-25", item(1, "One", "https://mp.weixin.qq.com/s/aaaa")))
    seen = library.db.last_change()
    with pytest.raises(KeyError):
        library.user.set_rating("2021-04-25/no-such-item", 3)
    assert library.db.last_change() == seen


def test_a_reader_left_behind_the_kept_log_reloads_everything(library: Library) -> None:
    write(library, digest("2021-04-25", item(1, "One", "https://mp.weixin.qq.com/s/aaaa")))
    key = library.digests.items_for_date("2021-04-25")[0].key
    seen = library.db.last_change()
    other_process(
        library.path,
        f"for n in range({CHANGE_LOG_KEPT + 80}):\n    lib.user.set_rating({key!r}, n % 5 + 1)",
    )
    _, changes = library.db.changes_since(seen)
    assert changes.everything
    kept = library.db.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
    assert kept <= CHANGE_LOG_KEPT + 64  # pruned as it grows


def test_a_batchs_changes_are_logged_as_their_union(tmp_path: Path) -> None:
    """What a batch's writes recorded is merged once at its commit: the same as `|` of
    them in turn, an undone savepoint's share left out."""
    many = [
        Changes(dates=frozenset({"2021-04-25"}), items=frozenset({"a", "b"})),
        Changes(items=frozenset({"b", "c"}), notes=frozenset({"item:a"})),
        Changes(),
        Changes(papers=frozenset({"arxiv:2104.00298"}), everything=True),
    ]
    folded = Changes()
    for changes in many:
        folded = folded | changes
    assert Changes.union(many) == folded
    assert Changes.union(many[:2]) == many[0] | many[1]
    assert Changes.union([]) == Changes() and not Changes.union([])
    with Library(tmp_path / "l.sqlite") as library:
        seen = library.db.last_change()
        with library.batch():
            library.db.record(many[0])
            with pytest.raises(RuntimeError), library.db.transaction():
                library.db.record(many[3])
                raise RuntimeError("undone")
            library.db.record(many[1])
        rows = library.db.conn.execute(
            "SELECT changes FROM change_log WHERE id > ?", (seen,)
        ).fetchall()
    assert [Changes.from_json(json.loads(text)) for (text,) in rows] == [many[0] | many[1]]
