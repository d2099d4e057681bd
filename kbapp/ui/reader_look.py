"""How the reader's text looks, apart from what it shows: the font (Settings ▸ Reader
font), the zoom (Ctrl+= / Ctrl+- / Ctrl+0, Ctrl+wheel) and the colours (Settings ▸
Theme: follow the system, light or dark).

`ReaderView` holds one `ReaderLook` and asks it for the document's default font, for
the day's stylesheet at the reader's scale and for the colours to render with; it
re-renders when the look changes. The zoom scales Latin and CJK text, headings and chips
alike: Qt's own zoom, which this replaces, changed the widget's font but not the
stylesheet's point sizes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from PySide6.QtGui import QFont, QPalette

from kbapp.core.render import day as render

CJK_FONTS = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC"]
BASE_POINTS = 10.5  # the reader's text; the stylesheet's sizes are set against it
ZOOM_MIN, ZOOM_MAX, ZOOM_STEP = 50, 300, 10
_POINTS = re.compile(r"(\d+(?:\.\d+)?)pt\b")


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


class ReaderLook:
    """The reader's font family and size, zoom and theme, and what follows from them."""

    def __init__(self) -> None:
        self.family: str | None = None  # None: the system's
        self.size = BASE_POINTS
        self.zoom = 100  # percent
        self.choice = "system"  # the theme asked for: system, light or dark
        self.theme: Mapping[str, str] = render.LIGHT  # the colours it comes to

    def set_font(self, family: str | None, size: float | None) -> None:
        self.family, self.size = family or None, size or BASE_POINTS

    @staticmethod
    def clamp_zoom(percent: int) -> int:
        return max(ZOOM_MIN, min(ZOOM_MAX, percent))

    def scale(self) -> float:
        """The stylesheet's sizes against their base: the font size and the zoom."""
        return self.size / BASE_POINTS * self.zoom / 100

    def font(self, widget_font: QFont) -> QFont:
        """The document's default font: the chosen family (else the widget's) before the
        CJK fonts, at the size and zoom."""
        font = QFont(widget_font)
        font.setFamilies([self.family or font.family(), *CJK_FONTS])
        font.setPointSizeF(max(self.size, 6.0) * self.zoom / 100)
        return font

    def styled(self, html: str) -> str:
        """The stylesheet's point sizes (in the `<style>` before the body) at the scale."""
        scale = self.scale()
        if abs(scale - 1) < 0.01:
            return html
        head, sep, rest = html.partition("</style>")
        return _POINTS.sub(lambda m: f"{float(m[1]) * scale:.1f}pt", head) + sep + rest

    def follow(self, palette: QPalette) -> None:
        """The colours for the theme asked for, the system's read from `palette`."""
        dark = is_dark(palette) if self.choice == "system" else self.choice == "dark"
        self.theme = render.DARK if dark else render.LIGHT
