"""The reading window driven from the keyboard, by drops and across restarts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QTextDocument
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit, QTextBrowser

from kbapp.core.importer import Status
from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import Heartbeat, drop, make_window


def _key(qtbot, window: MainWindow, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier):  # type: ignore[no-untyped-def]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def test_opens_on_newest_day_and_steps_through_days(qtbot, corpus_window: MainWindow) -> None:
    window = corpus_window
    assert window.current_date() == "2021-10-18"
    assert QApplication.focusWidget() is window.reader  # keyboard-first from the start
    _key(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_date() == "2021-10-16"
    assert window.sidebar.current_date() == "2021-10-16"
    highlighted = [  # the sidebar highlights the day shown, and only it
        date
        for date in ("2021-10-18", "2021-10-16", "2021-10-03")
        if window.model.index_for_date(date).data(Qt.ItemDataRole.BackgroundRole) is not None
    ]
    assert highlighted == ["2021-10-16"]
    _key(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.current_date() == "2021-10-18"
    _key(qtbot, window, Qt.Key.Key_End)
    assert window.current_date() == "2021-03-07"
    _key(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # already oldest
    assert window.current_date() == "2021-03-07"
    _key(qtbot, window, Qt.Key.Key_Home)
    assert window.current_date() == "2021-10-18"


def test_j_k_select_items_and_enter_opens_the_article(
    qtbot, corpus_window: MainWindow, opened_urls
) -> None:
    window = corpus_window
    window.show_date("2021-04-25")
    window.reader.setFocus()
    keys = [item.key for item in window.reader.day.items]
    assert len(keys) == 8
    _key(qtbot, window, Qt.Key.Key_J)
    assert window.reader.selected_key == keys[0]
    for _ in range(7):
        _key(qtbot, window, Qt.Key.Key_J)
    assert window.reader.selected_key == keys[7]
    bar = window.reader.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() > 0  # the last card was scrolled into view
    _key(qtbot, window, Qt.Key.Key_K)
    assert window.reader.selected_key == keys[6]
    _key(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(opened_urls.urls) == 1)
    assert opened_urls.urls[0] == window.reader.day.items[6].article_url
    assert "mp.weixin.qq.com" in opened_urls.urls[0]


def test_ctrl_g_goes_to_a_date_with_completion(qtbot, corpus_window: MainWindow) -> None:
    window = corpus_window
    _key(qtbot, window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(QInputDialog, "goToDate")
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    edit = dialog.findChild(QLineEdit)
    assert edit.completer().model().rowCount() == 69
    edit.setText("2021-04-25")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_date() == "2021-04-25")


def test_ctrl_l_focuses_the_filter_and_f1_lists_every_shortcut(
    qtbot, corpus_window: MainWindow
) -> None:
    window = corpus_window
    window.reader.setFocus()
    _key(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.sidebar.filter_edit
    qtbot.keyClicks(window.sidebar.filter_edit, "2021-05-2")
    qtbot.waitUntil(lambda: window.model.filter_text == "2021-05-2")
    assert window.model.index_for_date("2021-05-27").isValid()
    assert not window.model.index_for_date("2021-05-01").isValid()
    _key(qtbot, window, Qt.Key.Key_F1)
    dialog = window.findChild(QDialog, "shortcutsDialog")
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    text = dialog.findChild(QTextBrowser).toPlainText()
    for action in window.actions_by_name.values():
        assert action.text().replace("&", "") in text
        for shortcut in action.shortcuts():
            assert shortcut.toString(QKeySequence.SequenceFormat.NativeText) in text


def test_every_action_sits_in_a_menu_with_its_shortcut(corpus_window: MainWindow) -> None:
    window = corpus_window
    in_menus = {
        action.objectName()
        for menu_action in window.menuBar().actions()
        for action in menu_action.menu().actions()
        if action.objectName()
    }
    assert set(window.actions_by_name) <= in_menus
    assert window.actions_by_name["import-files"].shortcut().toString() == "Ctrl+O"
    assert window.actions_by_name["quit"].shortcut().toString() == "Ctrl+Q"


def test_dropping_corpus_files_imports_and_shows_the_newest(
    qtbot, tmp_path: Path, corpus: Path
) -> None:
    window = make_window(qtbot, tmp_path / "empty.sqlite", tmp_path / "kbapp.ini")
    files = [corpus / "notes/202104/0425.md", corpus / "notes/202105/0509.md"]
    with qtbot.waitSignal(window.importer.finished, timeout=20_000) as blocker:
        event = drop(window, files)
    assert event.isAccepted()
    report = blocker.args[0]
    assert report.summary().startswith("2 imported")
    assert window.current_date() == "2021-05-09"
    assert window.sidebar.current_date() == "2021-05-09"
    assert "2 imported" in window.statusBar().currentMessage()
    window.close()


def test_a_drop_of_other_files_is_refused_with_a_message(
    qtbot, corpus_window: MainWindow, tmp_path: Path
) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n")
    with qtbot.waitSignal(corpus_window.importer.refused) as blocker:
        event = drop(corpus_window, [picture])
    assert not event.isAccepted()
    assert "photo.png" in blocker.args[0] and ".md" in blocker.args[0]
    assert corpus_window.statusBar().currentMessage() == blocker.args[0]
    assert not corpus_window.importer.running


def test_importing_the_corpus_never_stalls_the_event_loop(
    qtbot, tmp_path: Path, corpus: Path
) -> None:
    window = make_window(qtbot, tmp_path / "lib.sqlite", tmp_path / "kbapp.ini")
    heartbeat = Heartbeat()
    heartbeat.start()
    with qtbot.waitSignal(window.importer.finished, timeout=60_000) as blocker:
        window.importer.start([corpus])
    heartbeat.stop()
    assert blocker.args[0].count(Status.IMPORTED) == 69
    assert len(heartbeat.gaps) > 10
    heartbeat.check(limit_ms=100)
    window.close()


def test_state_is_restored_on_the_next_start(qtbot, corpus_library: Path, tmp_path: Path) -> None:
    config = tmp_path / "state.ini"
    first = make_window(qtbot, corpus_library, config)
    first.layout_keeper.show_notes(False)  # the offscreen screen is 800x600: no room

    def at_the_minimums() -> bool:  # once the hidden panel's room is given back
        first.resize(780, 560)
        return first.width() == 780

    qtbot.waitUntil(at_the_minimums)
    first.splitter.setSizes([260, 515])
    first.show_date("2021-04-25")
    sizes, size = first.splitter.sizes(), (first.width(), first.height())
    assert size[1] == 560
    first.close()
    second = make_window(qtbot, corpus_library, config)
    assert second.current_date() == "2021-04-25"
    assert (second.size().width(), second.size().height()) == size
    assert second.splitter.sizes() == sizes
    second.close()


def test_reader_never_follows_local_or_unknown_links(
    qtbot, corpus_window: MainWindow, opened_urls
) -> None:
    reader = corpus_window.reader
    reader.anchorClicked.emit(QUrl("file:///etc/passwd"))
    reader.anchorClicked.emit(QUrl("javascript:alert(1)"))
    reader.anchorClicked.emit(QUrl("https://arxiv.org/abs/2104.00298"))
    qtbot.waitUntil(lambda: len(opened_urls.urls) == 1)
    assert opened_urls.urls == ["https://arxiv.org/abs/2104.00298"]
    image_resource = QTextDocument.ResourceType.ImageResource
    assert reader.loadResource(image_resource, QUrl("https://mmbiz.qpic.cn/x.png")) is None
    quit_action = corpus_window.actions_by_name["quit"]
    qtbot.waitUntil(lambda: not quit_action.icon().isNull())  # icons come after first paint
    for name in ("star", "field-paper", "field-code", "field-link", "image"):
        icon = reader.loadResource(image_resource, QUrl(f"icon:{name}"))
        assert icon is not None and not icon.isNull(), name
