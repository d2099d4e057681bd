"""The Qt proof that bytes are a picture: `qt_decoder`, the `decoder` hook of the image
checks in `kbapp.core.images.check`.

It lives outside `kbapp.core` on purpose: the core never imports Qt, and this needs
QtGui. It needs no QGuiApplication (QImageReader decodes without one), so the CLI and
worker threads may use it; each call makes its own reader and buffer, which Qt allows
from any thread.

Decompression bombs are refused twice: the size the header declares is compared with
the allocation limit before decoding (no Qt warning, no allocation), and Qt's own
`QImageReader.setAllocationLimit` stops whatever the header check did not foresee.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QImageReader

from kbapp.core.images.check import ALLOCATION_LIMIT_MB

_BYTES_PER_PIXEL = 4  # Qt decodes to 32-bit formats at most, for the formats we accept


def qt_decoder(data: bytes) -> str | None:
    """None when Qt decodes the bytes to a picture, else why not (a short phrase)."""
    # A process-wide setting: set on every call, as nothing else in kbapp changes it and
    # it costs nothing, so no import-time side effect is needed.
    QImageReader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    if not buffer.open(QIODevice.OpenModeFlag.ReadOnly):
        return "cannot open the bytes"
    try:
        reader = QImageReader(buffer)
        reader.setDecideFormatFromContent(True)
        if not reader.canRead():
            return "Qt cannot read this format"
        size = reader.size()
        if size.isValid():
            needed = size.width() * size.height() * _BYTES_PER_PIXEL
            if needed > ALLOCATION_LIMIT_MB * 1024 * 1024:
                return f"over the {ALLOCATION_LIMIT_MB} MB image limit"
            if reader.format() == b"jpeg":
                # libjpeg decodes at 1/8 scale (DC coefficients only) about 4x faster, and
                # still reads every entropy-coded byte: the same proof, for less CPU.
                reader.setScaledSize(QSize(-(-size.width() // 8), -(-size.height() // 8)))
        image = reader.read()
        if image.isNull():
            return reader.errorString() or "no picture"
        return None
    finally:
        buffer.close()


__all__ = ["qt_decoder"]
