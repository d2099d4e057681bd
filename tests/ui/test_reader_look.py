"""The reader's look: the stylesheet's sizes and the document's font follow the font
size and the zoom; the theme follows the choice, or the system's palette."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from pytestqt.qtbot import QtBot

from kbapp.core.render import day as render
from kbapp.ui.reader_look import BASE_POINTS, CJK_FONTS, ZOOM_MAX, ZOOM_MIN, ReaderLook

HTML = (
    "<html><head><style>h1 { font-size: 14pt } p { font-size: 10pt }</style></head>"
    "<body><p>12pt stays as written in the text</p></body></html>"
)


def test_the_stylesheet_scales_with_size_and_zoom_and_the_text_does_not() -> None:
    look = ReaderLook()
    assert look.styled(HTML) == HTML  # at 100% and the base size: untouched
    look.zoom = 150
    look.set_font(None, BASE_POINTS * 2)
    styled = look.styled(HTML)
    assert "font-size: 42.0pt" in styled and "font-size: 30.0pt" in styled
    assert "12pt stays as written in the text" in styled


def test_the_font_puts_the_chosen_family_before_the_cjk_ones(qtbot: QtBot) -> None:
    look = ReaderLook()
    look.set_font("DejaVu Serif", 12.0)
    look.zoom = 200
    font = look.font(QFont("Sans Serif", 9))
    assert font.families() == ["DejaVu Serif", *CJK_FONTS]
    assert font.pointSizeF() == 24.0
    look.set_font(None, None)  # the system's family, the base size
    assert look.font(QFont("Sans Serif", 9)).families()[0] == "Sans Serif"
    assert look.size == BASE_POINTS
    assert look.clamp_zoom(10) == ZOOM_MIN and look.clamp_zoom(1000) == ZOOM_MAX


def test_the_theme_follows_the_choice_or_the_palette(qtbot: QtBot) -> None:
    dark_palette = QPalette()
    dark_palette.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    look = ReaderLook()
    look.follow(dark_palette)
    assert look.theme is render.DARK  # "system": the palette's
    look.choice = "light"
    look.follow(dark_palette)
    assert look.theme is render.LIGHT
    look.choice = "dark"
    look.follow(QPalette(QColor("#f0f0f0")))
    assert look.theme is render.DARK
