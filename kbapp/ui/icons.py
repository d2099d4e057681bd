"""Icons: drawn by qtawesome for actions and link chips, by hand for rating stars.

qtawesome (and the Qt modules qtpy pulls in with it) costs about 200 ms and 25 MB of
the window's memory, so what it draws is kept on disk (`icon_cache`) and a start that
finds its pictures there never imports it. The icons are set after the window's first
paint (`load()`); until then the reader shows stars (drawn here, cheaply) and leaves
chip icons blank, and the window fills them in when `load()` returns. An action's icon
is drawn when Qt first shows it (a menu opened), from the cache or, missing there, by
qtawesome, imported then. qtawesome also returns an empty icon before a QApplication
exists, another reason to keep it out of import time.

Every icon here is Font Awesome 5 (`fa5`, `fa5s`, `fa5b`), so `qtawesome_fonts()` makes
its own `qtawesome.IconicFont` of those three fonts only: `qtawesome.icon` would load
all twelve fonts qtawesome ships.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPolygonF
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:  # QIcon and the cache load after the first paint (Qt makes each
    # class's enums when it is first imported: QIcon's are ~2 ms)
    from PySide6.QtGui import QIcon, QPixmap

# Reader images (`icon:NAME`) → Font Awesome 5 names and the theme colour to draw them in.
READER_ICONS: dict[str, tuple[str, str]] = {
    "field-paper": ("fa5s.file-alt", "accent"),
    "field-code": ("fa5b.github", "text"),
    "field-demo": ("fa5s.play-circle", "accent"),
    "field-video": ("fa5s.video", "accent"),
    "field-dataset": ("fa5s.database", "accent"),
    "field-website": ("fa5s.globe", "accent"),
    "field-reading": ("fa5s.book-open", "accent"),
    "field-competition": ("fa5s.trophy", "accent"),
    "field-contact": ("fa5s.envelope", "accent"),
    "field-download": ("fa5s.download", "accent"),
    "field-link": ("fa5s.link", "accent"),
    "image": ("fa5s.image", "muted"),
}
STAR_COLOURS = {"star": "#e3a008"}  # my own stars are text (render.my_stars_html)
ACTION_ICONS = {
    "import-files": "fa5s.file-import",
    "import-folder": "fa5s.folder-open",
    "open-library": "fa5s.database",
    "new-library": "fa5s.plus-square",
    "quit": "fa5s.power-off",
    "previous-day": "fa5s.chevron-left",
    "next-day": "fa5s.chevron-right",
    "newest-day": "fa5s.angle-double-up",
    "oldest-day": "fa5s.angle-double-down",
    "go-to-date": "fa5s.calendar-alt",
    "quick-switcher": "fa5s.bolt",
    "search": "fa5s.search",
    "next-item": "fa5s.arrow-down",
    "previous-item": "fa5s.arrow-up",
    "open-article": "fa5s.external-link-alt",
    "focus-filter": "fa5s.filter",
    "shortcuts": "fa5s.keyboard",
    "about": "fa5s.info-circle",
    "cancel": "fa5s.times-circle",
    "settings": "fa5s.cog",
    "export-json": "fa5s.file-export",
    "export-markdown": "fa5b.markdown",
    "export-bibtex": "fa5s.book",
    "export-ris": "fa5s.list-alt",
    "export-csl-json": "fa5s.quote-right",
    "restore-json": "fa5s.file-upload",
    "back-up-now": "fa5s.hdd",
    "restore-backup": "fa5s.undo-alt",
    "check-library": "fa5s.stethoscope",
    "download-images": "fa5s.cloud-download-alt",
    "look-up-papers": "fa5s.user-graduate",
    "add-source": "fa5s.folder-plus",
    "update-sources": "fa5s.sync-alt",
    "retry-images": "fa5s.redo",
    "undo": "fa5s.undo",
    "edit-note": "fa5s.edit",
    "link-item": "fa5s.link",
    "show-days": "fa5s.calendar-day",
    "show-papers": "fa5s.scroll",
    "toggle-notes": "fa5s.sticky-note",
    "show-queue": "fa5s.list-ol",
    "save-search": "fa5s.bookmark",
    "next-unread": "fa5s.forward",
    "toggle-read": "fa5s.check",
    "mark-day-read": "fa5s.check-double",
    "toggle-queue": "fa5s.clock",
    "edit-tags": "fa5s.tags",
    "remove-days": "fa5s.trash-alt",
    "go-back": "fa5s.arrow-left",
    "zoom-in": "fa5s.search-plus",
    "zoom-out": "fa5s.search-minus",
    "zoom-reset": "fa5s.search",
    "go-forward": "fa5s.arrow-right",
    "save-note": "fa5s.save",
    "note-history": "fa5s.history",
    "redo": "fa5s.redo-alt",
    **{f"rate-{n}": "fa5s.star" if n else "fa5.star" for n in range(6)},
}
# The fonts of the prefixes above, as qtawesome ships them (Font Awesome 5 ended at 5.15.4).
FONTS = (
    (
        "fa5",
        "fontawesome5-regular-webfont-5.15.4.ttf",
        "fontawesome5-regular-webfont-charmap-5.15.4.json",
    ),
    (
        "fa5s",
        "fontawesome5-solid-webfont-5.15.4.ttf",
        "fontawesome5-solid-webfont-charmap-5.15.4.json",
    ),
    (
        "fa5b",
        "fontawesome5-brands-webfont-5.15.4.ttf",
        "fontawesome5-brands-webfont-charmap-5.15.4.json",
    ),
)
_qta: Any = None  # the qtawesome.IconicFont of FONTS, once a picture was not cached
_loaded = False  # load() has run: the reader's chips get their glyphs


def load() -> None:
    """From now on the reader's chips are drawn (from the cache, else by qtawesome).
    Call after the first paint."""
    global _loaded
    _loaded = True


def qtawesome_fonts() -> Any:
    """Import qtawesome and load FONTS (once): only when a picture is not cached."""
    global _qta
    if _qta is None:
        qtawesome = importlib.import_module("qtawesome")
        try:
            _qta = qtawesome.IconicFont(*FONTS)
        except Exception:  # a qtawesome whose files are named otherwise: all its fonts
            logging.getLogger(__name__).warning("icon fonts not found, loading all")
            _qta = qtawesome
    return _qta


def action_icon(name: str) -> QIcon:
    """The action's glyph in the palette's text colour (disabled: its disabled text
    colour), as qtawesome's defaults have it; drawn when Qt first asks for a size."""
    from PySide6.QtGui import QIcon, QPalette

    from kbapp.ui import icon_cache

    palette = QApplication.palette()
    colour = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    return QIcon(icon_cache.CachedIconEngine(ACTION_ICONS[name], colour, disabled, _draw_action))


def _draw_action(
    glyph: str, colour: QColor, disabled: QColor, size: QSize, mode: QIcon.Mode, state: QIcon.State
) -> QPixmap:
    """qtawesome's own pixmap of the glyph at `size` device pixels (a cache miss)."""
    icon = qtawesome_fonts().icon(glyph, color=colour, color_disabled=disabled)
    return icon.pixmap(size, 1.0, mode, state)


def image(name: str, theme: Mapping[str, str], size: int = 28) -> QImage | None:
    """The picture behind `icon:NAME` in the reader, drawn at twice its shown size."""
    if name in STAR_COLOURS:
        return _star(STAR_COLOURS[name], size)
    if name not in READER_ICONS:
        return None
    if not _loaded:
        return _blank(size)
    glyph, colour = READER_ICONS[name]
    return _glyph(glyph, theme.get(colour, colour), size)


@lru_cache(maxsize=128)
def _glyph(glyph: str, colour: str, size: int) -> QImage:
    from kbapp.ui import icon_cache

    app = QApplication.instance()
    ratio = app.devicePixelRatio() if isinstance(app, QApplication) else 1.0
    cached = f"{glyph}.{icon_cache.colour_name(QColor(colour))}.{size}@{ratio:g}.image"

    def draw() -> QImage:
        icon = qtawesome_fonts().icon(glyph, color=colour)
        return icon.pixmap(QSize(size, size)).toImage()

    return icon_cache.picture(cached, draw)


@lru_cache(maxsize=8)
def _blank(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    return image


@lru_cache(maxsize=8)
def _star(colour: str, size: int) -> QImage:
    """A five-pointed star, filled: the rating glyph, ready before qtawesome is."""
    from math import cos, pi, sin

    image = _blank(size).copy()
    centre, outer, inner = size / 2, size * 0.48, size * 0.2
    points = [
        QPointF(
            centre + (outer if n % 2 == 0 else inner) * sin(n * pi / 5),
            centre - (outer if n % 2 == 0 else inner) * cos(n * pi / 5) + size * 0.04,
        )
        for n in range(10)
    ]
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawPolygon(QPolygonF(points))
    painter.end()
    return image


def app_icon() -> QIcon:
    """The app's icon at every size it ships, for title bars and task switchers that read
    the window's own icon (X11); Wayland desktops take the desktop entry's. PNGs, not the
    SVG: they need no image plugin, in the bundle or out."""
    from importlib import resources

    from PySide6.QtGui import QIcon

    icon = QIcon()
    folder = resources.files("kbapp.resources") / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        icon.addFile(str(folder / f"kbapp-{size}.png"), QSize(size, size))
    return icon
