"""Hostile days in the window: each shows in under 2 s, the event loop never stops for
more than 200 ms (a heartbeat timer; bench/bench_hostile_days.py gives the figures, in a
fresh process), each is read on the worker while the window answers, and the library
and its JSON export keep every character the view leaves out."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, QUrl

from kbapp.core.export.library_json import dumps, export_json
from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow
from kbapp.ui.reader_paging import PAGE
from tests.ui.conftest import make_window

HEAD = "# 公众号内容拓展学习笔记（2022.01.{day:02d}）\n\n------\n\n## :paperclip:  今日要点\n\n"


def item(n: int, title: str, abstract: str, stars: str = ":star::star:") -> str:
    url = f"https://mp.weixin.qq.com/s/Hostile{n:05d}Key0000"
    return f"{n}. [{title}]({url})  {stars}\n   - Abstract: {abstract}\n\n"


LINKS = " ".join(f"[link {n}](https://example.com/{n})" for n in range(20_000))
# date: (the day's items, a piece of it the library and the export must keep whole)
HOSTILE = {
    "2022-01-01": (item(1, "a 5 MB line", "x" * 5_000_000), "x" * 5_000_000),
    "2022-01-02": (item(1, "stars", "many", ":star:" * 100_000), '"author_stars": 100000'),
    "2022-01-03": (item(1, "brackets", "[" * 70_000 + "]" * 70_000), "[" * 70_000),
    "2022-01-04": (item(1, "links", LINKS), LINKS),
    "2022-01-05": ("".join(item(n, f"item {n}", f"abstract {n}") for n in range(1, 10_001)),
                   "abstract 10000"),
}  # fmt: skip


ORDINARY = "2022-01-06"  # three items
STOPPED = 0.2  # s: the longest the loop may stop


@pytest.fixture(scope="module")
def hostile_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    days = {date: items for date, (items, _) in HOSTILE.items()}
    days[ORDINARY] = "".join(item(n, f"item {n}", "an abstract") for n in range(1, 4))
    for date, items in days.items():
        day = int(date[-2:])
        (folder / f"01{day:02d}.md").write_text(HEAD.format(day=day) + items, encoding="utf-8")
    path = folder / "lib.sqlite"
    with Library(path) as library:
        report = import_paths(library, [folder], workers=0)
        assert report.failed == 0 and len(library.digests.dates()) == 6
    return path


@pytest.fixture(scope="module", autouse=True)
def heap_as_launched() -> Iterator[None]:
    """The heap of a launched app, not of the hundreds of tests before these: what they
    left is frozen out of the collector's sight (else a full collection, triggered by
    the worker's 100,000 new objects of the 10,000-item day, scans it all while holding
    the interpreter: 115 ms measured, 2-3x that on a loaded machine), thawed after."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.fixture
def window(qtbot, hostile_library: Path, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    made = make_window(qtbot, hostile_library, tmp_path / "kbapp.ini")
    qtbot.waitUntil(lambda: made.startup_finished)
    yield made
    made.close()


def show(qtbot, window: MainWindow, date: str) -> None:  # type: ignore[no-untyped-def]
    """The day shown (a long one is read on the worker: waited for)."""
    window.show_date(date)
    qtbot.waitUntil(lambda: window.current_date() == date, timeout=5000)


class Heartbeat:
    """A 20 ms timer; the longest gap between its ticks is how long the loop stopped."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        self.ticks = [time.perf_counter()]
        self.timer.start()

    def longest_gap(self) -> float:
        self.timer.stop()
        return max(b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False))


@pytest.mark.parametrize("date", list(HOSTILE))
def test_a_hostile_day_shows_quickly_and_never_stops_the_loop(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, date: str
) -> None:
    reader = window.reader
    other = "2022-01-03" if date != "2022-01-03" else "2022-01-02"  # a switch, not a no-op
    show(qtbot, window, other)
    beat = Heartbeat()
    beat.start()
    started = time.perf_counter()
    window.show_date(date)
    qtbot.waitUntil(lambda: reader.day is not None and reader.day.date == date, timeout=2000)
    shown = time.perf_counter() - started
    assert shown < 2.0, f"{date} took {shown:.2f} s to show"
    assert reader.document().characterCount() > 40
    ticks = len(beat.ticks)  # then a second of the loop: paging, pictures, whatever follows
    qtbot.waitUntil(lambda: len(beat.ticks) >= ticks + 25, timeout=5000)
    gap = beat.longest_gap()
    assert gap < STOPPED, f"{date}: the event loop stopped for {gap * 1000:.0f} ms"


# 100,000 stars are one number in the library: that day is read at once, in 1 ms
@pytest.mark.parametrize("date", [date for date in HOSTILE if date != "2022-01-02"])
def test_a_long_day_is_read_on_the_worker_while_the_window_answers(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, date: str
) -> None:
    show(qtbot, window, ORDINARY)
    window.show_date(date)
    assert window.current_date() == ORDINARY  # still the day before: the next is being read
    assert window.statusBar().currentMessage() == f"Reading {date}, a long day…"
    window.show_date(ORDINARY)  # back before it came: it never replaces the day asked for
    after: list[bool] = []  # the worker runs its tasks in order: this one comes after
    window.runner.run(lambda _library, _task: True, on_done=after.append)
    qtbot.waitUntil(lambda: after == [True])
    assert window.current_date() == ORDINARY and window.navigation.reading is None


def test_the_library_and_the_export_keep_every_character(hostile_library: Path) -> None:
    with Library(hostile_library) as library:
        exported = dumps(export_json(library))
        assert len(library.digests.items_for_date("2022-01-05")) == 10_000
    for date, (_, kept) in HOSTILE.items():
        assert kept in exported, date


def test_show_all_reveals_what_the_card_left_out(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    show(qtbot, window, "2022-01-04")
    text = window.reader.toPlainText()
    assert "Not all of this item is shown" in text and "more characters of a text" in text
    assert "link 2000 " not in text
    beat = Heartbeat()
    beat.start()
    window.reader.anchorClicked.emit(QUrl("kb:expand?n=1"))
    qtbot.waitUntil(lambda: "link 2000 " in window.reader.toPlainText())
    ticks = len(beat.ticks)
    qtbot.waitUntil(lambda: len(beat.ticks) >= ticks + 5)
    assert beat.longest_gap() < 2.0  # the larger caps: bounded too
    text = window.reader.toPlainText()
    assert "Not all of this item is shown" not in text
    assert "Even in full, this item is too large to show whole" in text  # 780,000 characters


def test_a_long_day_grows_as_it_is_scrolled_and_j_reaches_any_item(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    reader = window.reader
    show(qtbot, window, "2022-01-05")
    assert "more items below" in reader.toPlainText()
    first = reader.paging.limit
    assert first < 10_000
    bar = reader.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: reader.paging.limit > first)
    assert f"item {reader.paging.limit}" in reader.toPlainText()
    keys = reader.visible_keys()
    reader.select(keys[3 * PAGE + 5])  # beyond what was shown: it is added first
    assert reader.paging.limit >= 3 * PAGE + 6
    assert f"item {3 * PAGE + 6}" in reader.toPlainText()
