"""The icon cache: a second start draws every icon from disk without importing
qtawesome, pixel for pixel what qtawesome draws, and an unwritable or damaged cache
only means drawing with qtawesome again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage

from kbapp import paths
from kbapp.ui import icon_cache, icons

THEME = {"accent": "#0969da", "text": "#1f2328", "muted": "#59636e"}
MODES = [QIcon.Mode.Normal, QIcon.Mode.Disabled, QIcon.Mode.Active, QIcon.Mode.Selected]

# In a fresh process: every icon kbapp draws, as bytes, then whether qtawesome was
# imported to draw them, then the same icons drawn by qtawesome itself.
DRAW = """
import hashlib, json, sys
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication
app = QApplication([])
from kbapp.ui import icons
theme = json.loads(sys.argv[1])
modes = [QIcon.Mode.Normal, QIcon.Mode.Disabled, QIcon.Mode.Active, QIcon.Mode.Selected]
def digest(images):
    h = hashlib.sha256()
    for image in images:
        h.update(f"{image.width()}x{image.height()} {image.format()} ".encode())
        h.update(bytes(image.constBits()))
    return h.hexdigest()
icons.load()
ours = [icons.image(name, theme) for name in icons.READER_ICONS]
ours += [
    icons.action_icon(name).pixmap(QSize(px, px), mode).toImage()
    for name in icons.ACTION_ICONS for px in (16, 24) for mode in modes
]
imported = "qtawesome" in sys.modules
import qtawesome
font = qtawesome.IconicFont(*icons.FONTS)
palette = app.palette()
theirs = [
    font.icon(glyph, color=theme.get(colour, colour)).pixmap(QSize(28, 28)).toImage()
    for glyph, colour in icons.READER_ICONS.values()
]
theirs += [
    font.icon(glyph).pixmap(QSize(px, px), mode).toImage()
    for glyph in icons.ACTION_ICONS.values() for px in (16, 24) for mode in modes
]
print(json.dumps({"imported": imported, "ours": digest(ours), "theirs": digest(theirs)}))
"""


def draw_in_fresh_process(cache: Path) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", paths.CACHE_ENV: str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", DRAW, json.dumps(THEME)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_second_start_draws_from_the_cache_without_qtawesome(tmp_path: Path) -> None:
    first = draw_in_fresh_process(tmp_path / "cache")
    assert first["imported"] is True  # nothing cached yet: qtawesome drew them
    assert first["ours"] == first["theirs"]
    assert list((tmp_path / "cache" / "icons").glob("*/*.image"))
    second = draw_in_fresh_process(tmp_path / "cache")
    assert second["imported"] is False
    assert second["ours"] == first["theirs"]  # the very pixels qtawesome drew


def test_an_unwritable_cache_folder_means_drawing_with_qtawesome(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv(paths.CACHE_ENV, str(blocked))
    icon_cache.reset()
    icons._glyph.cache_clear()
    monkeypatch.setattr(icons, "_loaded", True)
    try:
        image = icons.image("field-paper", THEME)
        pixmap = icons.action_icon("search").pixmap(QSize(16, 16))
    finally:
        icon_cache.reset()
        icons._glyph.cache_clear()
    font = icons.qtawesome_fonts()
    assert (
        image == font.icon("fa5s.file-alt", color=THEME["accent"]).pixmap(QSize(28, 28)).toImage()
    )
    assert pixmap.toImage() == font.icon("fa5s.search").pixmap(QSize(16, 16)).toImage()
    assert blocked.read_text() == ""


def test_a_damaged_cache_file_is_drawn_again(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    icon_cache.reset()
    drawn = icon_cache.picture("a.image", lambda: _square(8))
    (file,) = icon_cache.folder().glob("a.image")
    assert _read_back(tmp_path, "a.image") == drawn
    file.write_bytes(file.read_bytes()[:20])  # cut short
    icon_cache.reset()
    assert icon_cache.picture("a.image", lambda: _square(8)) == drawn
    assert _read_back(tmp_path, "a.image") == drawn  # written again, whole
    icon_cache.reset()


def _square(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0x80336699)
    return image


def _read_back(tmp_path: Path, name: str) -> QImage:
    """What the cache reads back from disk for `name` (nothing kept in memory)."""
    icon_cache.reset()

    def missing() -> QImage:
        raise AssertionError(f"{name} is not in the cache")

    return icon_cache.picture(name, missing)
