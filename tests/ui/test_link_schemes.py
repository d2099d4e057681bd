"""One rule for every way of opening a link: http, https (and mailto) reach the system;
javascript:, file: and data: never do, and the status bar says why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices

from kbapp.core.importer import import_paths
from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import UrlCatcher, make_window, press, select_first

HOSTILE = ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>hi</b>"]
HEAD = "# 公众号内容拓展学习笔记（2022.01.{day:02d}）\n\n------\n\n## :paperclip:  今日要点\n\n"


@pytest.fixture
def caught() -> Iterator[UrlCatcher]:
    """Whatever the app asks the system to open, of any scheme, caught here."""
    catcher = UrlCatcher()
    schemes = ("http", "https", "mailto", "javascript", "file", "data")
    for scheme in schemes:
        QDesktopServices.setUrlHandler(scheme, catcher, "handle")
    yield catcher
    for scheme in schemes:
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    for day, url in enumerate([*HOSTILE, "https://example.com/fine"], start=1):
        (tmp_path / f"01{day:02d}.md").write_text(
            HEAD.format(day=day) + f"1. [an item]({url})  :star::star:\n   - Abstract: text\n",
            encoding="utf-8",
        )
    path = tmp_path / "lib.sqlite"
    with Library(path) as library:
        assert import_paths(library, [tmp_path], workers=0).failed == 0
    made = make_window(qtbot, path, tmp_path / "kbapp.ini")
    yield made
    made.close()


@pytest.mark.parametrize("day", range(len(HOSTILE)))
def test_enter_on_an_item_opens_only_web_links(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, caught: UrlCatcher, day: int
) -> None:
    item = select_first(qtbot, window, f"2022-01-{day + 1:02d}")
    assert window.reader.selected_key == item
    press(qtbot, window, Qt.Key.Key_Return)
    assert caught.urls == []
    scheme = HOSTILE[day].split(":")[0]
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Not opened: {scheme}:") and "only http and https" in message


def test_a_web_link_still_opens_by_enter_and_by_click(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, caught: UrlCatcher
) -> None:
    select_first(qtbot, window, "2022-01-04")
    press(qtbot, window, Qt.Key.Key_Return)
    assert caught.urls == ["https://example.com/fine"]
    for url in HOSTILE:  # a link in the reader, clicked
        window.reader.anchorClicked.emit(QUrl(url))
    window.reader.anchorClicked.emit(QUrl("https://example.com/clicked"))
    assert caught.urls == ["https://example.com/fine", "https://example.com/clicked"]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_clicked_link_of_another_scheme_says_why_it_was_not_opened(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, caught: UrlCatcher, url: str
) -> None:
    window.statusBar().clearMessage()
    window.reader.anchorClicked.emit(QUrl(url))  # in the reader
    assert caught.urls == []
    assert window.statusBar().currentMessage().startswith(f"Not opened: {url.split(':')[0]}:")
    window.statusBar().clearMessage()
    window.user_actions.follow_link(QUrl(url))  # in a note's preview or a paper's page
    assert caught.urls == []
    assert "only http and https" in window.statusBar().currentMessage()
