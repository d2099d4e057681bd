"""Sources in the window: a file written into a watched folder appears in the sidebar
within 2 s; a file written in two halves with a pause is imported once, whole; a file
replaced by a rename (twice: Qt's watch drops a replaced file) and one edited in place
are seen; after a restart an unchanged 3,650-file source is rescanned without reading a
file, and days that came while the window was closed are marked new."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer

from kbapp.core.sources.scan import ScanResult, scan
from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import make_window

HEAD = "# 公众号内容拓展学习笔记（{y}.{m}.{d}）\n\n## :paperclip:  今日要点\n\n"
ITEM = "{n}. [第{n}篇](https://mp.weixin.qq.com/s/a{key}{n}xxxxxxxxxxxxxxxx)  :star::star:\n"


def day_text(when: dt.date, items: int = 1) -> str:
    key = when.strftime("%Y%m%d")
    body = "".join(ITEM.format(n=n, key=key) for n in range(1, items + 1))
    return HEAD.format(y=when.year, m=f"{when.month:02d}", d=f"{when.day:02d}") + body


def day_path(folder: Path, when: dt.date) -> Path:
    return folder / when.strftime("%Y%m") / when.strftime("%m%d.md")


def write_day(folder: Path, when: dt.date, items: int = 1, age_s: float = 0.0) -> Path:
    path = day_path(folder, when)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(day_text(when, items), encoding="utf-8")
    if age_s:
        stamp = path.stat().st_mtime - age_s
        os.utime(path, (stamp, stamp))
    return path


NOV = [dt.date(2021, 11, day) for day in range(1, 31)]


def source_library(tmp_path: Path, days: list[dt.date]) -> tuple[Path, Path]:
    """A library with one source holding `days`, imported already."""
    folder = tmp_path / "dairly_learning"
    for when in days:
        write_day(folder, when, age_s=60)
    path = tmp_path / "library.sqlite"
    with Library(path) as library:
        library.sources.add(str(folder), "folder")
        scan(library, folder)
    return path, folder


def watching(
    qtbot, tmp_path: Path, days: list[dt.date]
) -> tuple[MainWindow, Path, list[ScanResult]]:  # type: ignore[no-untyped-def]
    path, folder = source_library(tmp_path, days)
    window = make_window(qtbot, path, tmp_path / "kbapp.ini")
    scans: list[ScanResult] = []
    window.sources.scanned.connect(scans.extend)
    qtbot.waitUntil(lambda: bool(scans) and window.sources.watching, timeout=5000)
    return window, folder, scans


def items_of(window: MainWindow, date: str) -> int:
    return len(window.library.digests.items_for_date(date))


def dotted(window: MainWindow, date: str) -> bool:
    """The day's row painted with the new mark: a dot in the branch area left of its
    date, which keeps the date's whole width (no decoration in its cell)."""
    tree = window.sidebar.tree
    index = window.model.index_for_date(date)
    tree.scrollTo(index)
    rect = tree.visualRect(index)
    assert rect.isValid() and index.data(Qt.ItemDataRole.DecorationRole) is None
    picture = tree.viewport().grab().toImage()
    highlight = tree.palette().highlight().color()
    left = range(max(0, rect.left() - tree.indentation()), rect.left())
    return any(picture.pixelColor(x, rect.center().y()) == highlight for x in left)


def test_a_file_written_into_a_source_appears_within_two_seconds(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, folder, _scans = watching(qtbot, tmp_path, NOV[:2])
    write_day(folder, NOV[2])
    qtbot.waitUntil(lambda: window.model.index_for_date("2021-11-03").isValid(), timeout=2000)
    assert window.statusBar().currentMessage() == "1 new day from dairly_learning"
    assert window.model.is_new("2021-11-03") and not window.model.is_new("2021-11-01")
    assert window.current_date() != "2021-11-03" or window.current_date() is None
    assert dotted(window, "2021-11-03") and not dotted(window, "2021-11-01")
    # A new month's folder, made after the watch began, is watched too.
    write_day(folder, dt.date(2021, 12, 1))
    qtbot.waitUntil(lambda: window.model.index_for_date("2021-12-01").isValid(), timeout=2000)
    window.close()


def test_a_file_written_in_two_halves_is_imported_once_whole(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, folder, scans = watching(qtbot, tmp_path, NOV[:2])
    path = day_path(folder, NOV[2])
    whole = day_text(NOV[2], items=2)
    half = whole.index("2. [")  # the first half is a digest of its own: one item
    with path.open("w", encoding="utf-8") as out:
        out.write(whole[:half])
        out.flush()
        qtbot.wait(400)  # the writer pauses, the file half written
        out.write(whole[half:])
    qtbot.waitUntil(lambda: window.model.index_for_date("2021-11-03").isValid(), timeout=2000)
    qtbot.wait(1500)  # long enough for a second import, if there were one
    outcomes = [o for s in scans if s.report for o in s.report.outcomes if o.path == path]
    assert [(o.status.value, o.items) for o in outcomes] == [("imported", 2)]
    assert items_of(window, "2021-11-03") == 2
    window.close()


def test_a_rename_over_and_an_edit_in_place_are_seen(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, folder, _scans = watching(qtbot, tmp_path, NOV[:2])
    target = day_path(folder, NOV[0])
    for items in (2, 3):  # twice: the first replace drops the file from Qt's watch
        temp = target.with_name(".0101.md.tmp")  # a dot name: never imported itself
        temp.write_text(day_text(NOV[0], items), encoding="utf-8")
        os.replace(temp, target)
        qtbot.waitUntil(lambda n=items: items_of(window, "2021-11-01") == n, timeout=2000)
    qtbot.waitUntil(lambda: str(target) in window.sources.watcher.files())  # watched again
    with target.open("a", encoding="utf-8") as out:  # in place: no rename, same inode
        out.write(ITEM.format(n=4, key="20211101"))
    qtbot.waitUntil(lambda: items_of(window, "2021-11-01") == 4, timeout=2000)
    target.unlink()  # a deleted file's day stays
    qtbot.wait(1200)
    assert window.model.index_for_date("2021-11-01").isValid()
    window.close()


def test_after_a_restart_an_unchanged_big_source_reads_no_file(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    days = [dt.date(2016, 1, 1) + dt.timedelta(days=n) for n in range(3650)]
    path, folder = source_library(tmp_path, days)
    config = tmp_path / "kbapp.ini"
    window = make_window(qtbot, path, config)
    scans: list[ScanResult] = []
    window.sources.scanned.connect(scans.extend)
    qtbot.waitUntil(lambda: bool(scans), timeout=20_000)
    window.close()  # the window remembers when it closed
    later = days[-1] + dt.timedelta(days=1)
    write_day(folder, later, age_s=5)  # while the window was closed
    with Library(path) as library:  # a terminal's import meanwhile
        other = tmp_path / "other"
        write_day(other, later + dt.timedelta(days=1), age_s=5)
        scan(library, other)

    window = make_window(qtbot, path, config)  # the restart
    scans.clear()
    window.sources.scanned.connect(scans.extend)
    qtbot.waitUntil(lambda: bool(scans), timeout=20_000)
    [result] = scans
    assert (result.files, result.read) == (3651, 1)  # only the new file read
    assert window.model.is_new(later.isoformat())
    assert window.model.is_new((later + dt.timedelta(days=1)).isoformat())  # the terminal's
    assert not window.model.is_new(days[0].isoformat())
    window.close()

    window = make_window(qtbot, path, config)  # again, nothing changed at all
    scans.clear()
    window.sources.scanned.connect(scans.extend)
    watched: list[int] = []  # sampled every turn of the loop: the paths go in a batch a turn
    sampler = QTimer()
    sampler.timeout.connect(lambda: watched.append(len(window.sources.watcher.files())))
    sampler.start(0)
    qtbot.waitUntil(lambda: bool(scans), timeout=20_000)
    assert [(s.files, s.read, s.report) for s in scans] == [(3651, 0, None)]
    qtbot.waitUntil(lambda: window.sources.watching, timeout=5000)
    assert len(window.sources.watcher.files()) == 3651
    sampler.stop()
    steps = [after - before for before, after in zip(watched, watched[1:], strict=False)]
    assert max(steps) <= 500, max(steps)  # not 3,651 in one turn (~80 ms): bench_sources
    assert (
        QSettings(str(config), QSettings.Format.IniFormat).value("sources/last_closed_at")
        is not None
    )
    window.close()
