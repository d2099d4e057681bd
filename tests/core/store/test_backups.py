"""Backups: consistent while another connection writes, kept by the rotation over a
year of daily opens, restored with the replaced file kept aside; and their commands."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path

import pytest

from kbapp.cli import main
from kbapp.core.importer import import_paths
from kbapp.core.store import backups
from kbapp.core.store.library import Library


@pytest.fixture
def day_library(tmp_path: Path, corpus: Path) -> Path:
    path = tmp_path / "mine.sqlite"
    with Library(path) as library:
        import_paths(library, [corpus / "notes" / "202104" / "0425.md"], workers=0)
    return path


def keys_of(path: Path) -> list[str]:
    with Library(path) as library:
        day = library.days.day("2021-04-25")
        assert day is not None
        return [item.key for item in day.items]


def ratings_in(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT item_key, stars FROM ratings").fetchall())
    finally:
        conn.close()


def test_a_backup_taken_while_another_connection_writes_has_every_commit(
    day_library: Path,
) -> None:
    keys = keys_of(day_library)
    with Library(day_library) as library:
        library.user.set_rating(keys[0], 3)
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:  # the window's worker, rating away
        with Library(day_library) as other:
            n = 0
            while not stop.is_set():
                other.user.set_rating(keys[1], n % 5 + 1)
                written.append(n)
                n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            pass
        made = backups.make_backup(day_library, "manual")
    finally:
        stop.set()
        thread.join()
    assert backups.check_file(made.path) is None
    copied = ratings_in(made.path)
    assert copied[keys[0]] == 3 and keys[1] in copied  # both commits made before it
    assert made.digests == 1 and made.ratings == 2
    assert not list(made.path.parent.glob("*.partial"))


def test_the_rotation_over_a_year_of_daily_opens(day_library: Path) -> None:
    start = dt.datetime(2026, 1, 1, 9, 0)
    for n in range(365):
        made = backups.backup_if_due(day_library, start + dt.timedelta(days=n))
        assert made is not None
        again = backups.backup_if_due(day_library, start + dt.timedelta(days=n, hours=5))
        assert again is None  # once a day
    kept = backups.list_backups(day_library, counts=False)
    dates = sorted(backup.at.date() for backup in kept)
    last = (start + dt.timedelta(days=364)).date()
    assert dates[-7:] == [last - dt.timedelta(days=d) for d in range(6, -1, -1)]
    months = {(d.year, d.month) for d in dates}
    assert len(months) == 12  # the newest of each of the last 12 months
    assert len(kept) <= 7 + 4 + 12


def test_restore_backup_puts_it_back_and_keeps_the_replaced_file(
    day_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = keys_of(day_library)[0]
    with Library(day_library) as library:
        library.user.set_rating(key, 4)
    assert main(["--library", str(day_library), "backup"]) == 0
    assert "1 digests, 1 ratings" in capsys.readouterr().out
    with Library(day_library) as library:
        library.user.set_rating(key, 1)
    assert main(["--library", str(day_library), "backups", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [entry["ratings"] for entry in listed] == [1]
    assert main(["--library", str(day_library), "restore-backup", listed[0]["path"]]) == 0
    said = capsys.readouterr().out
    aside = Path(said.rsplit(" kept at ", 1)[1].strip())
    assert aside.exists() and ratings_in(aside)[key] == 1  # never deleted
    with Library(day_library) as library:
        assert library.user.rating(key) == 4


def test_a_damaged_backup_is_refused(day_library: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    before = day_library.read_bytes()
    assert main(["--library", str(day_library), "restore-backup", str(bad)]) == 2
    assert day_library.read_bytes() == before


def test_a_removal_and_a_restore_back_the_library_up_first(
    day_library: Path, tmp_path: Path
) -> None:
    from kbapp.core.export.library_json import dumps, export_json
    from kbapp.core.export.restore import restore_json

    with Library(day_library) as library:
        exported = tmp_path / "export.json"
        exported.write_text(dumps(export_json(library)), encoding="utf-8")
        library.removal.remove_days(["2021-04-25"])
        restore_json(library, exported)
    made = {backup.reason: backup for backup in backups.list_backups(day_library)}
    assert made["before-removal"].digests == 1  # the day as it was
    assert made["before-restore"].digests == 0


def test_the_policy_in_the_config_folder_is_what_the_commands_use(
    day_library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert backups.load_policy() == backups.Policy()  # no file: the defaults
    elsewhere = tmp_path / "elsewhere"
    saved = backups.save_policy(backups.Policy(elsewhere, daily=2, weekly=0, monthly=0))
    assert backups.load_policy() == backups.Policy(elsewhere, 2, 0, 0)
    assert main(["--library", str(day_library), "backup"]) == 0
    assert len(list(elsewhere.glob("mine-*-manual.sqlite"))) == 1
    assert not (day_library.parent / "backups").exists()
    start = dt.datetime.now().replace(microsecond=0) + dt.timedelta(days=1)
    days = [start + dt.timedelta(days=n) for n in range(5)]
    for day in days:
        backups.backup_if_due(day_library, day)
    kept = backups.list_backups(day_library, counts=False)
    assert [b.at for b in kept] == days[-2:]  # 2 daily, no weekly or monthly

    saved.write_text('{"daily": "many"}')  # damaged by hand: the defaults, not a crash
    assert backups.load_policy() == backups.Policy()


def test_of_two_backups_within_one_second_the_rotation_keeps_the_second(
    day_library: Path,
) -> None:
    at = dt.datetime.now().replace(microsecond=0)
    first = backups.make_backup(day_library, "manual", now=at)
    second = backups.make_backup(day_library, "manual", now=at)
    assert second.path.name.endswith("-manual-2.sqlite") and second.reason == "manual"
    assert [b.path for b in backups.list_backups(day_library)] == [first.path, second.path]
    backups.rotate(day_library, at)
    assert [b.path for b in backups.list_backups(day_library)] == [second.path]
