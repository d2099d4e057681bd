"""Read state, the queue, tags and saved searches in the real window: items marked read
by being in view (after the delay, not before), the sidebar's unread counts, Space over
the unread items of two days, M, Shift+M, L and T by keys alone, a saved search that
follows an import, and undo of a tag merge."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow
from tests.ui.conftest import press, select_first

DAY, NEXT = "2021-10-16", "2021-10-18"  # (October 2021 has no 10-17)


def reads(path: Path) -> set[str]:
    with Library(path) as library:  # its own connection: what is really in the file
        return set(library.reading.read_at(k for d in library.digests.dates()
                                           for k in library.reading.day_keys(d)))  # fmt: skip


def stored(path: Path):  # type: ignore[no-untyped-def]
    with Library(path) as library:
        queue = [entry.target for entry in library.reading.queue()]
        return queue, library.tags.every_target()


def shown(qtbot, window: MainWindow, date: str) -> None:  # type: ignore[no-untyped-def]
    window.show_date(date)
    qtbot.waitUntil(lambda: window.reader.day is not None and window.reader.day.date == date)


def test_items_in_view_are_marked_read_after_the_delay_and_not_before(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    tracker = window.reading.tracker
    tracker.set_delay(0)
    qtbot.waitUntil(lambda: window.model.unread(DAY) == 6)  # the counts, after the paint
    shown(qtbot, window, DAY)
    bar = window.reader.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    tracker.set_delay(600)
    started = time.monotonic()
    bar.setValue(1)  # the reader moves, then keeps still
    qtbot.waitUntil(lambda: bool(reads(path)), timeout=5000)
    # not before the delay (a coarse QTimer may fire up to 5% early)
    assert time.monotonic() - started >= 0.6 * 0.95
    first = reads(path)
    keys = [item.key for item in window.reader.day.items]
    assert first and first < set(keys)  # the cards in view, not the whole day
    qtbot.waitUntil(lambda: window.model.unread(DAY) == 6 - len(first))
    assert window.model.unread("2021-10") == window.model.unread(DAY) + 42  # seven more days
    bar.setValue(bar.maximum())  # scrolled to the end: the last cards are seen
    qtbot.waitUntil(lambda: keys[-1] in reads(path), timeout=5000)
    qtbot.waitUntil(lambda: window.model.unread(DAY) == 6 - len(reads(path)))
    tracker.set_delay(0)  # manual only: nothing more is marked
    window.changes.publish(window.library.reading.set_read(keys, False))  # (as a write does)
    qtbot.waitUntil(lambda: window.model.unread(DAY) == 6)
    bar.setValue(0)
    qtbot.wait(800)
    assert reads(path) == set()


def test_space_walks_the_unread_items_across_two_days(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    window.reading.tracker.set_delay(0)
    library = window.library
    every = [k for d in library.digests.dates() for k in library.reading.day_keys(d)]
    day, following = library.reading.day_keys(DAY), library.reading.day_keys(NEXT)
    wanted = [day[1], day[4], following[2]]
    window.changes.publish(library.reading.set_read(k for k in every if k not in wanted))
    qtbot.waitUntil(lambda: window.model.unread(DAY) == 2)
    shown(qtbot, window, DAY)
    window.reader.setFocus()
    walked = []
    for _ in wanted:
        press(qtbot, window, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: window.reader.selected_key not in (None, *walked))
        walked.append(window.reader.selected_key)
    assert walked == wanted
    assert window.current_date() == wanted[-1][:10]
    press(qtbot, window, Qt.Key.Key_Space)
    assert "No unread items" in window.statusBar().currentMessage()


def test_m_shift_m_l_and_t_by_keys_alone_with_undo(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    window.reading.tracker.set_delay(0)
    item = select_first(qtbot, window, DAY)
    press(qtbot, window, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: reads(path) == {item})
    qtbot.waitUntil(lambda: window.reader.day.item(item).read is True)
    assert "unread" not in window.reader.day.item(item).key  # (the card redrawn in place)
    press(qtbot, window, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: reads(path) == set())
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reads(path) == {item})
    press(qtbot, window, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(reads(path)) == 6)
    qtbot.waitUntil(lambda: window.model.unread(DAY) == 0)
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reads(path) == {item})  # undo puts back each item's state

    press(qtbot, window, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: stored(path)[0] == [f"item:{item}"])
    qtbot.waitUntil(lambda: "in my reading queue" in window.reader.toPlainText())
    press(qtbot, window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    view = window.reading.queue_view
    assert view is not None and window.views.currentWidget() is view
    assert view.targets() == [f"item:{item}"]
    press(qtbot, window, Qt.Key.Key_D)  # done: out of the queue, and read
    qtbot.waitUntil(lambda: stored(path)[0] == [] and view.targets() == [])
    press(qtbot, window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    window.reader.setFocus()

    press(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: window.reading.editor is not None and window.reading.editor.isVisible())
    editor = window.reading.editor
    qtbot.keyClicks(editor.field, "matting, video")  # type: ignore[union-attr]
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: stored(path)[1] == {f"item:{item}": ["matting", "video"]})
    qtbot.waitUntil(lambda: "#matting" in window.reader.toPlainText())
    qtbot.waitUntil(lambda: window.reading.tag_list.names("tag") == ["matting", "video"])
    QApplication.processEvents()
    assert window.reader.hasFocus() or window.reader.isAncestorOf(QApplication.focusWidget())


def test_a_saved_search_follows_an_import_and_a_tag_merge_is_undone(
    qtbot,
    october,
    corpus: Path,  # type: ignore[no-untyped-def]
) -> None:
    window, path = october
    window.reading.tracker.set_delay(0)
    window.changes.publish(window.library.tags.save_search("efficientnet", "arxiv:2104.00298"))
    saved = window.reading.tag_list.saved
    qtbot.waitUntil(lambda: saved.childCount() == 1 and saved.child(0).text(1) == "1")
    window.open_files([corpus / "notes" / "202104"])
    qtbot.waitUntil(lambda: saved.child(0).text(1) == "2", timeout=20000)  # 2021-04-03 too

    keys = [item.key for item in window.library.digests.items_for_date(DAY)]
    window.changes.publish(window.library.tags.add("a", [f"item:{k}" for k in keys[:2]]))
    window.changes.publish(window.library.tags.add("b", [f"item:{keys[2]}"]))
    tags = window.reading.tag_list
    qtbot.waitUntil(lambda: tags.names("tag") == ["a", "b"])
    window.reading.rename_tag("a", "b")  # a merge
    qtbot.waitUntil(lambda: stored(path)[1] == {f"item:{k}": ["b"] for k in keys[:3]})
    qtbot.waitUntil(lambda: tags.names("tag") == ["b"])
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    expected = {**{f"item:{k}": ["a"] for k in keys[:2]}, f"item:{keys[2]}": ["b"]}
    qtbot.waitUntil(lambda: stored(path)[1] == expected)
    qtbot.waitUntil(lambda: tags.names("tag") == ["a", "b"])
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(qtbot, window, Qt.Key.Key_Z, modifiers)  # redo
    qtbot.waitUntil(lambda: stored(path)[1] == {f"item:{k}": ["b"] for k in keys[:3]})


def test_the_delay_is_a_setting_and_the_day_filter_keeps_unread_days(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    from kbapp.ui.settings import SettingsDialog

    window, _path = october
    for seconds, expected in ((0.0, 0), (3.5, 3500)):
        dialog = SettingsDialog(window.settings, window, library=window.library.path)
        dialog.mark_read.setValue(seconds)
        dialog.accept()
        window.apply_reading_settings()
        assert window.reading.tracker.delay_ms == expected
    window.reading.tracker.set_delay(0)
    library = window.library
    every = [k for d in library.digests.dates() for k in library.reading.day_keys(d)]
    window.changes.publish(library.reading.set_read(k for k in every if k[:10] != DAY))
    window.sidebar.filter_edit.setText("is:unread")
    window.sidebar.apply_filter()
    assert [s.date for s in library.days.day_summaries("", "is:unread")] == [DAY]
    assert window.sidebar.first_date() == DAY


def test_tags_show_in_the_papers_view_and_search_and_ctrl_k_finds_them(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, _path = october
    window.reading.tracker.set_delay(0)
    library = window.library
    key = library.digests.items_for_date("2021-10-03")[0].key
    paper = next(row.key for row in library.papers.paper_rows() if row.key.startswith("arxiv:"))
    window.changes.publish(library.tags.add("matting", [f"item:{key}", f"paper:{paper}"]))
    window.changes.publish(library.tags.save_search("good ones", "stars>=3"))
    press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    papers = window.papers
    assert papers is not None
    qtbot.waitUntil(lambda: papers.model.tags.get(f"paper:{paper}") == ["matting"])
    column = papers.model.columnCount() - 1
    row = next(n for n, r in enumerate(papers.model.rows) if r.key == paper)
    assert papers.model.index(row, column).data() == "#matting"
    papers.select_key(paper)
    qtbot.waitUntil(lambda: "#matting" in papers.page.toPlainText())

    window.reading.open_query("tag:matting")
    panel = window.search_panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.results.count() == 1)
    assert "#matting" in str(panel.results.item(0).data(Qt.ItemDataRole.UserRole + 2))

    for typed_text, shown, opens in (
        ("matt", "#matting · tag on 2", "tag:matting"),
        ("good", "good ones · saved search: stars>=3", "stars>=3"),
    ):
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        window.reader.setFocus()
        window.user_actions.quick_switcher()
        switcher = window.switcher
        assert switcher is not None
        qtbot.keyClicks(switcher.query, typed_text)
        qtbot.waitUntil(lambda: switcher.results.count() > 0)  # noqa: B023
        assert switcher.results.item(0).text() == shown
        qtbot.keyClick(switcher.query, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: panel.query.text() == opens)  # noqa: B023


def test_the_queue_is_reordered_by_dragging_and_a_rename_is_undone(qtbot, october) -> None:  # type: ignore[no-untyped-def]
    window, path = october
    window.reading.tracker.set_delay(0)
    library = window.library
    keys = [f"item:{k}" for k in library.reading.day_keys(DAY)[:3]]
    window.changes.publish(library.reading.enqueue(keys))
    window.reading.show_queue()
    view = window.reading.queue_view
    assert view is not None and view.targets() == keys
    model = view.list.model()
    assert model.moveRows(model.index(0, 0).parent(), 2, 1, model.index(0, 0).parent(), 0)
    qtbot.waitUntil(lambda: stored(path)[0] == [keys[2], keys[0], keys[1]])  # as dragged
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: stored(path)[0] == keys and view.targets() == keys)

    window.changes.publish(library.tags.add("a", keys[:2]))
    window.reading.rename_tag("a", "bee")
    qtbot.waitUntil(lambda: stored(path)[1] == {k: ["bee"] for k in keys[:2]})
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: stored(path)[1] == {k: ["a"] for k in keys[:2]})
    assert [t.name for t in library.tags.all()] == ["a"]  # not both


def test_a_library_from_before_read_state_asks_once(qtbot, corpus: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kbapp.core.importer import import_paths
    from kbapp.core.store.schema import build_migrations
    from tests.ui.conftest import make_window

    before = build_migrations()
    before._migrations = [m for m in before._migrations if m.name < "0018"]
    path = tmp_path / "old.sqlite"
    with Library(path, migrations=before) as old:
        import_paths(old, [corpus / "notes" / "202110"], workers=0)
    window = make_window(qtbot, path, tmp_path / "kbapp.ini")
    window.reading.tracker.set_delay(0)
    window.finish_startup()
    box = None

    def asked() -> bool:
        nonlocal box
        box = next((w for w in QApplication.topLevelWidgets()
                    if w.objectName() == "firstReadChoice" and w.isVisible()), None)  # fmt: skip
        return box is not None

    qtbot.waitUntil(asked)
    older = next(b for b in box.buttons() if b.text() == "Mark older days read")  # type: ignore[attr-defined]
    older.click()
    # the newest day is 2021-10-18: the week from 10-12 on stays unread (10-16, 10-18)
    qtbot.waitUntil(lambda: len(reads(path)) == 48 - 12)
    qtbot.waitUntil(lambda: window.model.unread("2021-10") == 12)
    with Library(path) as library:
        assert not library.reading.first_choice_pending()
    window.close()
