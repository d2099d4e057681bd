"""A file whose write fails half-way leaves nothing, and the files before it in the same
batch stay: the writer writes a batch without a savepoint per file, so after a failure
it rolls the batch back and writes those files again (`import_writer`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kbapp.core.importer import Status, import_paths
from kbapp.core.store.library import Library

# Another program's trigger (a bug, as the writer sees it) refuses one day's third item,
# after that day's first two items and everything of the files before it were written.
REFUSE = (
    "CREATE TRIGGER refuse_one BEFORE INSERT ON items "
    "WHEN NEW.key LIKE '2021-04-25/%' AND NEW.ordinal = 3 "
    "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
)


def test_a_file_failing_half_way_leaves_nothing_and_the_batch_stays(
    corpus: Path, tmp_path: Path
) -> None:
    path = tmp_path / "library.sqlite"
    Library(path).close()
    conn = sqlite3.connect(path)
    conn.execute(REFUSE)
    conn.commit()
    conn.close()

    with Library(path) as library:
        report = import_paths(library, [corpus / "notes"], workers=0)
    failed = [o for o in report.outcomes if o.status is Status.FAILED]
    assert [o.path.name for o in failed] == ["0425.md"]
    assert "refused for the test" in (failed[0].reason or "")
    assert report.count(Status.IMPORTED) == 68

    with Library(path) as fresh:  # another connection: what is really committed
        dates = fresh.digests.dates()
        assert len(dates) == 68 and "2021-04-25" not in dates
        assert fresh.db.conn.execute(
            "SELECT COUNT(*) FROM items WHERE key LIKE '2021-04-25/%'"
        ).fetchone() == (0,)
        # The search index holds exactly the items the library holds.
        items = fresh.db.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        assert fresh.db.conn.execute("SELECT COUNT(*) FROM search").fetchone() == (items,)
