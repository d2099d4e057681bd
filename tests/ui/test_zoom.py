"""Zoom and fonts: Ctrl+= / Ctrl+- / Ctrl+0 and Ctrl+wheel scale the reader's text,
headings and chips alike, the zoom is kept for the next start, and Settings has the
reader's font, size and theme."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QLabel

from kbapp.ui.main_window import MainWindow
from kbapp.ui.settings import READER_SIZE, THEME
from tests.ui.conftest import make_window, press

DAY = "2021-04-25"


def heading_points(window: MainWindow) -> float:
    """The date heading's size as laid out (the stylesheet's h1)."""
    block = window.reader.document().firstBlock()
    return (
        block.charFormat().fontPointSize() or block.begin().fragment().charFormat().fontPointSize()
    )


def body_points(window: MainWindow) -> float:
    return window.reader.document().defaultFont().pointSizeF()


def ctrl_wheel(window: MainWindow, up: bool) -> None:
    viewport = window.reader.viewport()
    event = QWheelEvent(
        QPointF(50, 50), QPointF(viewport.mapToGlobal(QPoint(50, 50))), QPoint(0, 0),
        QPoint(0, 120 if up else -120), Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(viewport, event)


def test_zoom_round_trip_scales_text_and_headings_alike(
    qtbot, corpus_library: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "kbapp.ini"
    window = make_window(qtbot, corpus_library, config)
    window.show_date(DAY)
    body, heading = body_points(window), heading_points(window)
    assert heading > body > 0
    window.reader.setFocus()
    press(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.zoom == 120
    assert abs(body_points(window) / body - 1.2) < 0.02
    assert abs(heading_points(window) / heading - 1.2) < 0.05  # the heading follows
    ctrl_wheel(window, up=False)
    assert window.reader.zoom == 110
    assert not window.reader.font().bold()  # Qt's own zoom is not used
    window.close()
    again = make_window(qtbot, corpus_library, config)  # kept for the next start
    assert again.reader.zoom == 110
    again.show_date(DAY)
    press(qtbot, again, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert again.reader.zoom == 100
    assert abs(body_points(again) - body) < 0.01
    assert abs(heading_points(again) - heading) < 0.05
    again.close()


def test_the_reader_font_size_and_theme_from_settings(
    qtbot, corpus_library: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "kbapp.ini"
    settings = QSettings(str(config), QSettings.Format.IniFormat)
    settings.setValue(READER_SIZE, 14.0)
    settings.setValue(THEME, "dark")
    settings.sync()
    window = make_window(qtbot, corpus_library, config)
    window.show_date(DAY)
    assert abs(body_points(window) - 14.0) < 0.01
    assert window.reader.theme_choice == "dark"
    from kbapp.core.render import day as render

    assert window.reader.theme is render.DARK
    window.close()


def test_settings_apply_in_place(qtbot, corpus_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from kbapp.ui.settings import SettingsDialog

    window = corpus_window
    window.show_date(DAY)
    bar = window.reader.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 400)
    bar.setValue(bar.maximum() // 2)
    window.actions_by_name["settings"].trigger()
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    assert str(window.library.path) in dialog.findChild(QLabel, "libraryPath").text()
    dialog.font_size.setValue(12.0)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.accept()
    assert abs(body_points(window) - 12.0) < 0.01
    assert window.reader.theme_choice == "dark"
    assert window.current_date() == DAY
    assert bar.value() > 0  # the place kept, not back to the top
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.reader)
