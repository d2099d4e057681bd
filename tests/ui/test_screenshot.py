"""`kbapp --screenshot`: the first run on the samples and a corpus day, as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from kbapp.core.store.library import Library


def _kbapp(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KBAPP_CONFIG_DIR": str(cwd)}
    return subprocess.run(
        [sys.executable, "-m", "kbapp", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


def _distinct_colours(image: QImage) -> int:
    step = 7
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def test_first_run_shows_the_samples_and_leaves_the_library_empty(tmp_path: Path) -> None:
    library = tmp_path / "fresh.sqlite"
    shot = tmp_path / "first-run.png"
    result = _kbapp("--library", str(library), "--screenshot", str(shot), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 600 and image.height() >= 400
    assert _distinct_colours(image) > 20  # a rendered window, not a blank frame
    assert "(2026-11-23)" in result.stdout  # the newest sample day was drawn
    with Library(library) as opened:
        assert opened.digests.dates() == []  # the samples are a demo apart from it


def test_screenshot_of_a_corpus_day(tmp_path: Path, corpus_library: Path) -> None:
    shot = tmp_path / "day.png"
    result = _kbapp(
        "--library", str(corpus_library), "--screenshot", str(shot), "--date", "2021-04-25",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert not QImage(str(shot)).isNull()
    missing = _kbapp(
        "--library", str(corpus_library), "--screenshot", str(shot), "--date", "1999-01-01",
        cwd=tmp_path,
    )  # fmt: skip
    assert missing.returncode == 2 and "no digest on 1999-01-01" in missing.stderr
