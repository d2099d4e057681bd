"""The papers view from the keyboard: Ctrl+2, sorting, a paper's page, its note, and
back to the day that featured it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from kbapp.core.store.library import Library
from kbapp.ui.main_window import MainWindow
from kbapp.ui.papers import COLUMNS
from tests.ui.conftest import press
from tests.ui.test_notes import type_text
from tests.ui.test_user_layer import click_anchor


def test_ctrl_2_lists_the_papers_and_a_page_leads_back_to_its_days(
    qtbot,
    corpus_window: MainWindow,
    corpus_library: Path,  # type: ignore[no-untyped-def]
) -> None:
    window = corpus_window
    press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    papers = window.papers
    assert papers is not None and window.views.currentWidget() is papers
    qtbot.waitUntil(lambda: papers.model.rowCount() > 0)
    with Library(corpus_library) as library:
        assert papers.model.rowCount() == len(library.papers.all())
    assert sum(row.key.startswith("arxiv:") for row in papers.model.rows) == 177
    longest = max(range(papers.model.rowCount()), key=lambda r: len(papers.model.rows[r].title))
    tip = papers.model.index(longest, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(papers.model.rows[longest].title)  # the whole title, however narrow
    # Sorted by times featured, most first: RepPoints v2 was featured on three days.
    assert (
        papers.proxy.index(0, 0).data()
        == "RepPoints v2: Verification Meets Regression for Object Detection"
    )
    assert papers.proxy.index(0, COLUMNS.index("Times")).data() == "3"
    papers.table.setFocus()
    press(qtbot, window, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Featured on" in papers.page.toPlainText())
    page = papers.page.toPlainText()
    assert "2021-05-08" in page and "2021-05-27" in page and "2021-05-28" in page
    assert "scalsol/reppointsv2" in page and "arXiv 2007.08508" in page
    # Sorting by title puts the list in title order.
    papers.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    titles = [papers.proxy.index(n, 0).data().casefold() for n in range(papers.proxy.rowCount())]
    assert titles == sorted(titles)
    assert papers.select_key("arxiv:2007.08508")
    # The paper's note, in the note panel.
    assert window.notes.target == "paper:arxiv:2007.08508"
    press(qtbot, window, Qt.Key.Key_N)
    qtbot.waitUntil(window.notes.editor.hasFocus)
    type_text(window.notes.editor, "点集表示 RepPoints")
    press(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "点集表示 RepPoints" in papers.page.toPlainText())
    with Library(corpus_library) as library:
        assert library.user.note("paper:arxiv:2007.08508") == "点集表示 RepPoints"
    # A day of the page: the days view, that day, that item selected.
    click_anchor(qtbot, papers.page, "kb:item?key=2021-05-27")
    qtbot.waitUntil(lambda: window.views.currentIndex() == 0)
    assert window.current_date() == "2021-05-27"
    selected = window.reader.day.item(window.reader.selected_key or "")
    assert selected is not None and selected.title.startswith("RepPointv2")
    press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentWidget() is papers
    press(qtbot, window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentIndex() == 0


def test_an_import_while_the_papers_are_listed_adds_its_papers(
    qtbot,
    corpus_window: MainWindow,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    window = corpus_window
    press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    papers = window.papers
    assert papers is not None
    qtbot.waitUntil(lambda: papers.model.rowCount() > 0)
    before = papers.model.rowCount()
    note = tmp_path / "notes" / "202111" / "1101.md"
    note.parent.mkdir(parents=True)
    note.write_text(
        "# 公众号内容拓展学习笔记（2021.11.1）\n\n------\n\n## :paperclip:  今日要点\n\n"
        "1. [新论文](https://mp.weixin.qq.com/s/abcdefghijklmnopqrstuv)  :star::star:\n"
        "   - Paper: [A Brand New Paper](https://arxiv.org/abs/2111.00001)\n",
        encoding="utf-8",
    )
    window.importer.start([note])
    qtbot.waitUntil(lambda: papers.model.rowCount() == before + 1, timeout=10_000)
    assert papers.select_key("arxiv:2111.00001")


def test_the_papers_model_passes_qts_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, corpus_window: MainWindow
) -> None:
    window = corpus_window
    press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    papers = window.papers
    assert papers is not None
    qtbot.waitUntil(lambda: papers.model.rowCount() > 0)  # the corpus's papers, loaded
    qtmodeltester.check(papers.model)


def test_the_rating_keys_rate_the_selected_paper(qtbot, corpus_window) -> None:  # type: ignore[no-untyped-def]
    window = corpus_window
    window.user_actions.show_papers()
    papers = window.papers
    assert papers is not None
    qtbot.waitUntil(lambda: papers.model.rowCount() > 0)
    papers.table.selectRow(3)
    papers.table.setFocus()
    row = papers.current_row()
    assert row is not None
    qtbot.keyClick(papers.table, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: window.library.user.paper_rating(row.key) == 4)
    assert papers.current_key() == row.key  # the key rated: it did not jump to a title
    qtbot.waitUntil(
        lambda: (
            papers.proxy.index(papers.table.currentIndex().row(), COLUMNS.index("Mine")).data()
            == "★★★★"
        )
    )
    assert window.actions_by_name["undo"].text().startswith("&Undo my rating 4★ on “")
    window.user.undo()
    qtbot.waitUntil(lambda: window.library.user.paper_rating(row.key) is None)
