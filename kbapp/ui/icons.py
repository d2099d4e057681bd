"""Icons drawn by qtawesome: for actions, and as `icon:` images inside the reader.

qtawesome returns an empty icon before a QApplication exists, so everything here is
called lazily, from widgets.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import qtawesome as qta
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage

# Reader images (`icon:NAME`) → Font Awesome 5 names and the theme colour to draw them in.
READER_ICONS: dict[str, tuple[str, str]] = {
    "star": ("fa5s.star", "#e3a008"),
    "star-mine": ("fa5s.star", "#d1242f"),
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
    "next-item": "fa5s.arrow-down",
    "previous-item": "fa5s.arrow-up",
    "open-article": "fa5s.external-link-alt",
    "focus-filter": "fa5s.filter",
    "shortcuts": "fa5s.keyboard",
    "about": "fa5s.info-circle",
    "cancel": "fa5s.times-circle",
}


def action_icon(name: str) -> QIcon:
    return qta.icon(ACTION_ICONS[name])


def image(name: str, theme: Mapping[str, str], size: int = 28) -> QImage | None:
    """The picture behind `icon:NAME` in the reader, drawn at twice its shown size."""
    if name not in READER_ICONS:
        return None
    glyph, colour = READER_ICONS[name]
    return _image(glyph, theme.get(colour, colour), size)


@lru_cache(maxsize=128)
def _image(glyph: str, colour: str, size: int) -> QImage:
    return qta.icon(glyph, color=colour).pixmap(QSize(size, size)).toImage()
