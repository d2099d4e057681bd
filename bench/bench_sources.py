"""Sources benchmark: the rescan of an unchanged ten-year source at the window's start,
beside what it must cost at least, and whether it holds up the window.

    python bench/bench_sources.py            # 3,650 synthetic days, 3 runs
    python bench/bench_sources.py --days 365 --runs 2

The synthetic notes (as the import benchmark makes them) are the source: a copy of the
window benchmark's library of them is given the folder as a source and scanned once.
Then, per run, interleaved so that drift hits all alike:

- **rescan**: `scan(library, folder)` on the unchanged source, in this process on an open
  library (as the window's worker runs it), beside the floor, the same folder walked
  (`notes_below`) and every file `os.stat`ed, and beside the issue's 0.5 s limit;
- **first paint**: a fresh kbapp window (offscreen, as `bench_window.py` starts it) on the
  library with the source and on the same library without it;
- **in the window**: a `MainWindow` in this process, shown, until its start-up rescan has
  ended and every path is in the watcher: the time from `show` and the longest gap of a
  10 ms timer on the event loop meanwhile (a stall of the loop is one long gap), on the
  library with the source and on the same library without it (whose gaps are the
  window's own start-up work after its first paint: the first day's layout and the like).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_import
import bench_window

LIMIT_S = 0.5  # the rescan of an unchanged 3,650-file source, on the worker
PAINT_LIMIT = 1.10  # the first paint with the source within this of the one without
STALL_LIMIT_MS = 20  # what the source may add to the longest turn of the event loop


def library_with_source(days: int) -> tuple[Path, Path, Path]:
    """(the library without a source, a copy with the notes as its source, the notes)."""
    from kbapp.core.sources.scan import scan
    from kbapp.core.store.library import Library

    notes = bench_import.synthetic_library(days, bench_window.SEED)
    plain = bench_window.library_file(f"synthetic-{days}d-seed{bench_window.SEED}", notes)
    sourced = bench_window.OUT / f"library-sources-{days}d.sqlite"
    for stale in (sourced, *(Path(f"{sourced}{s}") for s in ("-wal", "-shm"))):
        stale.unlink(missing_ok=True)
    shutil.copyfile(plain, sourced)
    started = time.perf_counter()
    with Library(sourced) as library:
        library.sources.add(str(notes.resolve()), "folder")
        first = scan(library, notes.resolve())
    print(f"first scan of the source: {first.files} files, {first.read} read "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    return plain, sourced, notes.resolve()


def floor_s(folder: Path) -> float:
    from kbapp.core.importer import notes_below

    started = time.perf_counter()
    for shown, _resolved in notes_below(folder, []):
        os.stat(shown)
    return time.perf_counter() - started


def rescan_s(library_path: Path, folder: Path) -> tuple[float, int, int]:
    from kbapp.core.sources.scan import scan
    from kbapp.core.store.library import Library

    with Library(library_path, check=False) as library:
        started = time.perf_counter()
        result = scan(library, folder, settle_s=0.75)
        elapsed = time.perf_counter() - started
    return elapsed, result.files, result.read


def in_window(library_path: Path) -> tuple[float, float]:
    """(ms from show to the source rescanned and watched, longest loop gap in ms)."""
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from kbapp.core.store.library import Library
    from kbapp.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    gaps: list[float] = []
    last = [0.0]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    with tempfile.TemporaryDirectory(prefix="kbapp-bench-config-") as config:
        settings = QSettings(str(Path(config) / "kbapp.ini"), QSettings.Format.IniFormat)
        settings.setValue("images/load_remote", False)
        settings.setValue("papers/look_up_online", False)
        window = MainWindow(Library(library_path, check=False), settings)
        window.remember_state = False
        scanned: list[object] = []
        window.sources.scanned.connect(scanned.append)
        heart = QTimer()
        heart.setInterval(10)
        heart.timeout.connect(beat)
        try:
            window.restore_state()
            started = time.perf_counter()
            window.show()
            app.processEvents()  # the first paint; the rescan begins after it
            last[0] = time.perf_counter()
            heart.start()
            deadline = started + 60
            while not (scanned and window.sources.watching) and time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.001)
            taken = (time.perf_counter() - started) * 1000
            if not scanned:
                raise RuntimeError("the window's rescan did not end within 60 s")
        finally:
            heart.stop()
            window.close()
            window.library.close()
    return taken, max(gaps) * 1000 if gaps else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=3650)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    bench_window.quiet_qt_messages()
    plain, sourced, folder = library_with_source(args.days)
    bench_window.compile_bytecode()
    offscreen = bench_window.Platform("offscreen", {"QT_QPA_PLATFORM": "offscreen"})
    bench_window.start_child(offscreen, "kbapp", sourced)  # warm-up: caches, bytecode
    rescan_s(sourced, folder)
    in_window(sourced)  # warm-up: the window's modules imported, its first-use costs paid
    names = ("rescan", "floor", "paint with", "paint without", "window", "stall", "stall without")
    times: dict[str, list[float]] = {name: [] for name in names}
    for run in range(args.runs):
        elapsed, files, read = rescan_s(sourced, folder)
        if read:
            raise RuntimeError(f"the unchanged source read {read} of {files} files")
        times["rescan"].append(elapsed * 1000)
        times["floor"].append(floor_s(folder) * 1000)
        times["paint with"].append(bench_window.start_child(offscreen, "kbapp", sourced)["paint"])
        times["paint without"].append(bench_window.start_child(offscreen, "kbapp", plain)["paint"])
        taken, stall = in_window(sourced)
        times["window"].append(taken)
        times["stall"].append(stall)
        times["stall without"].append(in_window(plain)[1])
        line = ", ".join(f"{name} {values[-1]:.0f} ms" for name, values in times.items())
        print(f"run {run + 1} ({files} files, {read} read): {line}", flush=True)
    m = {name: statistics.median(values) for name, values in times.items()}
    print(f"\n{args.days} files; medians of {args.runs} runs:")
    verdicts = [
        ("rescan of the unchanged source", f"{m['rescan']:.0f} ms", f"< {LIMIT_S * 1000:.0f} ms",
         m["rescan"] < LIMIT_S * 1000),
        ("  beside its floor (walk + stat)", f"{m['rescan'] / m['floor']:.2f}x",
         f"floor {m['floor']:.0f} ms", True),
        ("first paint with / without it", f"{m['paint with'] / m['paint without']:.2f}x",
         f"<= {PAINT_LIMIT:.2f}x", m["paint with"] / m["paint without"] <= PAINT_LIMIT),
        ("window: show to rescanned+watched", f"{m['window']:.0f} ms", "", True),
        ("  longest event-loop gap meanwhile", f"{m['stall']:.0f} ms",
         f"without {m['stall without']:.0f} ms", True),
        ("  what the source adds to it", f"{m['stall'] - m['stall without']:+.0f} ms",
         f"< {STALL_LIMIT_MS} ms", m["stall"] - m["stall without"] < STALL_LIMIT_MS),
    ]  # fmt: skip
    for name, figure, limit, ok in verdicts:
        judged = limit and not limit.startswith(("floor", "without"))
        mark = ("PASS" if ok else "FAIL") if judged else ""
        print(f"  {name:36} {figure:>9}  {limit:14} {mark}")
    return 0 if all(ok for *_rest, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
