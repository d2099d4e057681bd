"""Icons drawn by qtawesome once, then kept on disk: later starts never import it.

qtawesome pulls in qtpy, which star-imports many Qt modules (~25 MB of the window's
memory, ~200 ms). What it draws for kbapp is a handful of glyphs at a few sizes, so each
picture it draws is written to `<cache dir>/icons/<version folder>/` (`paths.cache_dir`)
and read back from there next time. A picture not there yet (a *miss*) is drawn by
qtawesome, loaded then, and written for the next start.

A file holds one QImage as it came out of qtawesome (size, bytes per line, format,
device pixel ratio and its pixels, zlib-packed), so what is read back is exactly what
qtawesome drew, byte for byte. Its name says what was drawn: the glyph, the colour, the
size (and, for the reader's pictures, the device pixel ratio they were asked at). The
folder says with what: this file's `FORMAT`, qtawesome's version, Qt's version and the
platform plugin (font rasterisation may differ between them). A file that does not
read back (cut short, another format) is a miss, drawn and written again.

The cache is only ever an optimisation: when its folder cannot be made or written
(read-only home, full disk), icons are drawn by qtawesome as before, kept in memory
for the process, and the problem is logged once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, QSize, qVersion
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QImage, QPainter, QPixmap

log = logging.getLogger(__name__)

FORMAT = 1  # bump when what is drawn, or how it is stored, changes
_HEADER = struct.Struct("<4sIIIId")  # magic, width, height, bytes per line, format, dpr
_MAGIC = b"KBIC"

_folder: Path | None = None  # resolved on first use
_writable = True  # False once a write failed: then only drawn, never written
_memory: dict[str, QImage] = {}  # this process's pictures, by file name


def qtawesome_version() -> str:
    """qtawesome's version, read from its files without importing it ("missing" when it
    is not installed; a hash of its `_version.py` when that names none)."""
    import importlib.util
    import re

    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.submodule_search_locations:
        return "missing"
    path = Path(next(iter(spec.submodule_search_locations))) / "_version.py"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return "unknown"
    found = re.search(r"version_info\s*=\s*\(([^)]*)\)", text)
    if found:
        parts = [part.strip().strip("'\"") for part in found.group(1).split(",")]
        return ".".join(part for part in parts if part)
    return f"{zlib.crc32(text.encode()):08x}"


def folder() -> Path:
    """Where this qtawesome, Qt and platform plugin's pictures go (not created here)."""
    global _folder
    if _folder is None:
        from kbapp import paths

        platform = "".join(
            c if c.isalnum() else "_" for c in QGuiApplication.platformName() or "none"
        )
        name = f"v{FORMAT}-qta{qtawesome_version()}-qt{qVersion()}-{platform}"
        _folder = paths.cache_dir() / "icons" / name
    return _folder


def reset() -> None:
    """Forget the folder and the pictures in memory (tests: another cache dir)."""
    global _folder, _writable
    _folder, _writable = None, True
    _memory.clear()


def picture(name: str, draw: Callable[[], QImage]) -> QImage:
    """The picture cached as `name` (a file name), else `draw()`'s, written for next time."""
    image = _memory.get(name)
    if image is not None:
        return image
    path = folder() / name
    image = _read(path)
    if image is None:
        log.debug("icon cache miss: %s", name)
        image = draw()
        _write(path, image)
    _memory[name] = image
    return image


def colour_name(colour: QColor) -> str:
    return colour.name(QColor.NameFormat.HexArgb).lstrip("#")


def _read(path: Path) -> QImage | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        magic, width, height, per_line, kind, ratio = _HEADER.unpack_from(data)
        pixels = zlib.decompress(data[_HEADER.size :])
    except (struct.error, zlib.error):
        return None
    if magic != _MAGIC or len(pixels) != per_line * height or not width or not height:
        return None
    try:
        image = QImage(pixels, width, height, per_line, QImage.Format(kind)).copy()
    except ValueError:
        return None
    image.setDevicePixelRatio(ratio)
    return image


def _write(path: Path, image: QImage) -> None:
    global _writable
    if not _writable or image.isNull():
        return
    header = _HEADER.pack(
        _MAGIC,
        image.width(),
        image.height(),
        image.bytesPerLine(),
        image.format().value,
        image.devicePixelRatio(),
    )
    data = header + zlib.compress(bytes(image.constBits()))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)  # a reader never sees half a file
    except OSError as error:
        _writable = False
        log.info("icons are not cached (%s): drawn by qtawesome at each start", error)
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


class CachedIconEngine(QIconEngine):
    """A qtawesome icon (`glyph` in `colour`, `disabled` when disabled) whose pixmaps come
    from the cache: Qt asks for a pixel size, mode and state as it would ask qtawesome's
    own engine, and gets exactly what that engine drew at that size."""

    def __init__(
        self, glyph: str, colour: QColor, disabled: QColor, draw: Callable[..., QPixmap]
    ) -> None:
        super().__init__()
        self.glyph, self.colour, self.disabled = glyph, QColor(colour), QColor(disabled)
        self.draw = draw  # (glyph, colour, disabled, size, mode, state) -> qtawesome's pixmap

    def clone(self) -> QIconEngine:
        return CachedIconEngine(self.glyph, self.colour, self.disabled, self.draw)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        if size.isEmpty():
            return QPixmap()
        # qtawesome draws every mode in `colour` but Disabled, and both states alike.
        colour = self.disabled if mode == QIcon.Mode.Disabled else self.colour
        name = f"{self.glyph}.{colour_name(colour)}.{size.width()}x{size.height()}.icon"

        def draw() -> QImage:
            return self.draw(self.glyph, self.colour, self.disabled, size, mode, state).toImage()

        return QPixmap.fromImage(picture(name, draw))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatio() if painter.device() is not None else 1.0
        pixels = QSize(round(rect.width() * ratio), round(rect.height() * ratio))
        pixmap = self.pixmap(pixels, mode, state)
        if not pixmap.isNull():
            pixmap.setDevicePixelRatio(ratio)
            painter.drawPixmap(rect.topLeft(), pixmap)


__all__ = ["CachedIconEngine", "FORMAT", "folder", "picture", "qtawesome_version", "reset"]
