"""Hostile days benchmark: how long the window's event loop stops when it switches to each
hostile day of tests/ui/test_hostile_days.py, beside a switch to an ordinary day measured
in the same run.

    python bench/bench_hostile_days.py          # 3 runs of 5 rounds
    python bench/bench_hostile_days.py --runs 1 --rounds 3

Each run is a fresh process, as `kbapp` starts (offscreen): the window opens on a library
of the five hostile days, an ordinary twelve-item day and a one-item day, and then, round
after round, switches to each of the six in turn from the one-item day, interleaved so
that drift hits all alike. A 20 ms timer beats meanwhile; the longest gap between its
beats, from the switch until a second after the day is shown, is how long the loop
stopped. Prints the median gap of each day beside the ordinary day's and the 200 ms a
user would feel, and how long each took to show.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT_MS = 200
ORDINARY = "2022-01-06"
START = "2022-01-07"  # a one-item day every switch starts from


def build_library(folder: Path) -> Path:
    from kbapp.core.importer import import_paths
    from kbapp.core.store.library import Library
    from tests.ui.test_hostile_days import HEAD, HOSTILE, item

    days = {date: items for date, (items, _) in HOSTILE.items()}
    days[ORDINARY] = "".join(
        item(n, f"an ordinary item {n}", "a paragraph of abstract " * 12) for n in range(1, 13)
    )
    days[START] = item(1, "the day every switch starts from", "a short abstract")
    for date, items in days.items():
        day = int(date[-2:])
        (folder / f"01{day:02d}.md").write_text(HEAD.format(day=day) + items, encoding="utf-8")
    path = folder / "lib.sqlite"
    with Library(path) as library:
        import_paths(library, [folder], workers=0)
    return path


def child(library: Path, rounds: int) -> dict[str, dict[str, list[float]]]:
    """In the child process: the window, and for each switch its longest gap and how
    long the day took to show, in ms."""
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from kbapp.core.store.library import Library
    from kbapp.ui.main_window import MainWindow
    from kbapp.ui.settings import LOAD_REMOTE_IMAGES
    from tests.ui.test_hostile_days import HOSTILE

    settings = QSettings(str(library.with_suffix(".ini")), QSettings.Format.IniFormat)
    settings.setValue(LOAD_REMOTE_IMAGES, False)
    window = MainWindow(Library(library), settings)
    window.restore_state()
    window.show()
    window.activateWindow()

    def wait(done: object, seconds: float = 30) -> None:
        end = time.monotonic() + seconds
        while not done():  # type: ignore[operator]
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            if time.monotonic() > end:
                raise SystemExit("the window did not get there in time")

    wait(lambda: window.startup_finished and window.current_date() is not None)
    beats: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    gaps: dict[str, list[float]] = {date: [] for date in [ORDINARY, *HOSTILE]}
    shown_ms: dict[str, list[float]] = {date: [] for date in gaps}
    for _ in range(rounds):
        for date in gaps:
            window.show_date(START)
            wait(lambda: window.current_date() == START)
            beats[:] = [time.perf_counter()]
            timer.start()
            window.show_date(date)
            wait(lambda d=date: window.current_date() == d)  # type: ignore[misc]
            shown_ms[date].append((time.perf_counter() - beats[0]) * 1000)
            shown = len(beats)
            wait(lambda n=shown: len(beats) >= n + 50)  # type: ignore[misc]
            timer.stop()
            gaps[date].append(max(b - a for a, b in zip(beats, beats[1:], strict=False)) * 1000)
    window.close()
    return {"gaps": gaps, "shown": shown_ms}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(args.child, args.rounds)))
        return 0
    with tempfile.TemporaryDirectory(prefix="kbapp-hostile-") as folder:
        library = build_library(Path(folder))
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KBAPP_CONFIG_DIR": folder}
        for run in range(1, args.runs + 1):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(library), "--rounds", str(args.rounds)],
                env=env, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            measured = json.loads(out.splitlines()[-1])
            gaps, shown = measured["gaps"], measured["shown"]
            ordinary = statistics.median(gaps[ORDINARY])
            print(f"run {run}: medians of {args.rounds} switches, ms")
            for date, values in gaps.items():
                median = statistics.median(values)
                what = "ordinary day" if date == ORDINARY else f"{median / ordinary:.1f}x ordinary"
                verdict = "ok" if median < LIMIT_MS else "OVER"
                print(
                    f"  {date}  longest gap {median:4.0f} (worst {max(values):4.0f})"
                    f"  {what:16} {verdict:4}  shown in {statistics.median(shown[date]):4.0f}"
                )
    print(f"limit: {LIMIT_MS} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
