"""A full disk and a read-only one, for real (a small tmpfs): one sentence, exit 2, and
the library still opens with everything it held."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from kbapp.cli import main
from kbapp.core.store.library import Library
from tests.fs_faults import remount, small_tmpfs


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def stats(capsys: pytest.CaptureFixture[str], library: Path) -> dict[str, int]:
    status, out, err = run(capsys, "--library", str(library), "stats", "--json")
    assert (status, err) == (0, "")
    return dict(json.loads(out))


def test_a_disk_that_fills_up_during_an_import(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with small_tmpfs("3m") as disk:
        library = disk / "lib.sqlite"
        assert (
            run(capsys, "--library", str(library), "import", str(corpus / "notes" / "202103"))[0]
            == 0
        )
        with Library(library) as opened:
            key = opened.digests.items_for_date("2021-03-07")[0].key
            opened.user.set_rating(key, 4)
            opened.user.set_note(key, "mine")
        held = stats(capsys, library)
        # What is left free is far less than the rest of the corpus needs (its images
        # alone are ~4 MB): the import must meet the full disk, whatever its order.
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        (disk / "ballast").write_bytes(b"\0" * max(free - 256 * 1024, 0))

        status, out, err = run(capsys, "--library", str(library), "import", str(corpus / "notes"))

        assert status == 2
        last = err.splitlines()[-1]
        assert last == (
            f"kbapp: the disk holding the library {library} is full: free some space and try again"
        )
        assert "Traceback" not in err
        after = stats(capsys, library)  # the disk still full: it opens and reads
        assert after["digests"] >= held["digests"] == 12
        # Each file called imported is in the library: none was rolled back after its line.
        claimed = [line.split()[1] for line in out.splitlines() if line.startswith("imported")]
        with Library(library) as opened:
            assert set(claimed) <= set(opened.digests.dates())
            assert len(opened.digests.dates()) == held["digests"] + len(claimed)
        assert (after["ratings"], after["notes"]) == (1, 1)
        assert run(capsys, "--library", str(library), "check")[0] == 0
        with Library(library) as opened:
            assert opened.user.rating(key) == 4 and opened.user.note(key) == "mine"


def test_a_library_on_a_read_only_disk(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with small_tmpfs("8m") as disk:
        library = disk / "lib.sqlite"
        day = corpus / "notes" / "202104" / "0425.md"
        assert run(capsys, "--library", str(library), "import", str(day))[0] == 0
        remount(disk, "ro")
        # A WAL library (as kbapp leaves it) cannot even be read there: SQLite must
        # write its shared-memory file beside it.
        status, out, err = run(capsys, "--library", str(library), "stats")
        assert (status, out) == (2, "")
        assert err == (
            f"kbapp: the library {library} is in a read-only folder, where kbapp cannot open "
            "it (SQLite writes its shared-memory file beside it): copy it somewhere writable\n"
        )
        remount(disk, "rw")
        conn = sqlite3.connect(library)  # a backup is like this: one file, no WAL
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
        remount(disk, "ro")
        assert stats(capsys, library)["digests"] == 1  # it reads
        other = corpus / "notes" / "202104" / "0426.md"
        status, _, err = run(capsys, "--library", str(library), "import", str(other))
        assert status == 2 and "Traceback" not in err
        assert err.splitlines()[-1] == (
            f"kbapp: the library {library} is read-only (its file, folder or disk cannot "
            "be written): nothing can be saved to it"
        )
        assert run(capsys, "--library", str(library), "check")[0] == 0
