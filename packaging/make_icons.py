"""Make the app icon's files from `resources/icons/kbapp.svg`: PNGs at the sizes desktops
ask for, `kbapp.ico` for Windows and `kbapp.icns` for macOS.

Run it after changing the SVG (`python packaging/make_icons.py`); its outputs are
committed, so neither a build nor an install needs it. Qt draws the PNGs (offscreen, no
display needed); the .ico and .icns are written here, as both are simple containers of
PNG images.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SVG = ICONS / "kbapp.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an .ico entry can say
# The ICNS element types that hold PNG data, each with its size in pixels (ic11-ic14 and
# ic10 are the Retina "@2x" versions of 16, 32, 128, 256 and 512 points).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def png_name(size: int) -> str:
    return f"kbapp-{size}.png"


def render_pngs(svg: Path, sizes: set[int]) -> dict[int, bytes]:
    """The SVG drawn at each size, antialiased on a transparent square, as PNG bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    pngs: dict[int, bytes] = {}
    for size in sorted(sizes):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        pngs[size] = bytes(data.data())
    return pngs


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICONDIR header, one 16-byte entry per image (a width of 0 means 256), then the
    PNG images themselves (Windows reads PNG entries since Vista)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries = []
    for size, png in pngs.items():
        side = size % 256
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset))
        offset += len(png)
    return header + b"".join(entries) + b"".join(pngs.values())


def icns(elements: list[tuple[bytes, bytes]]) -> bytes:
    """`icns` and the file's length, then each element: its type, its length (with this
    8-byte header), its PNG data. All lengths are big-endian."""
    body = b"".join(kind + struct.pack(">I", 8 + len(data)) + data for kind, data in elements)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    wanted = set(PNG_SIZES) | set(ICO_SIZES) | {size for _, size in ICNS_TYPES}
    pngs = render_pngs(SVG, wanted)
    outputs = {ICONS / png_name(size): pngs[size] for size in PNG_SIZES}
    outputs[ICONS / "kbapp.ico"] = ico({size: pngs[size] for size in ICO_SIZES})
    outputs[ICONS / "kbapp.icns"] = icns([(kind, pngs[size]) for kind, size in ICNS_TYPES])
    for path, data in outputs.items():
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ICONS.parents[1])}  ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
