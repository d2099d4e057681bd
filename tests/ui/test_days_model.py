"""The sidebar model: checked by qtmodeltester, lazy, newest first, filterable."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex

from kbapp.core.store.library import Library
from kbapp.ui.days_model import DATE_ROLE, DaysModel


def _expand_all(model: DaysModel, parent: QModelIndex = QModelIndex()) -> None:
    model.ensure_children(parent)  # as the tree's fetchMore does on expanding
    for row in range(model.rowCount(parent)):
        _expand_all(model, model.index(row, 0, parent))


@pytest.mark.parametrize(
    ("expanded", "filter_text"), [(False, ""), (True, ""), (True, "YOLO"), (True, "2021-04")]
)
def test_model_passes_qtmodeltester(
    qtmodeltester, corpus_library: Path, expanded: bool, filter_text: str
) -> None:
    with Library(corpus_library) as library:
        model = DaysModel(library)
        model.set_filter(filter_text)
        if expanded:
            _expand_all(model)
        qtmodeltester.check(model)
        model.reload()  # a reset after an import, checked too
        _expand_all(model)


def test_years_months_days_newest_first_with_counts(corpus_library: Path) -> None:
    with Library(corpus_library) as library:
        model = DaysModel(library)
        assert model.rowCount() == 1
        year = model.index(0, 0)
        assert model.data(year) == "2021年"
        assert model.data(model.index(0, 1)) == "449"  # items in the year
        assert model.rowCount(year) == 5
        assert model.loaded_nodes() == 6  # the year and its months: no day read yet
        months = [model.data(model.index(r, 0, year)) for r in range(model.rowCount(year))]
        assert months == ["10月", "9月", "5月", "4月", "3月"]
        april = model.index(3, 0, year)
        days = model.rowCount(april)
        assert days == len([d for d in library.digests.dates() if d.startswith("2021-04")])
        first_day = model.index(0, 0, april)
        assert model.data(first_day, DATE_ROLE) is None  # counted, not read yet
        model.ensure_children(april)
        assert model.rowCount(april) == days  # filled in place: the count never changes
        assert model.loaded_nodes() == 6 + days
        assert model.data(first_day, DATE_ROLE) == "2021-04-30"
        day_0425 = model.index_for_date("2021-04-25")
        assert model.data(day_0425.siblingAtColumn(1)) == str(
            len(library.digests.items_for_date("2021-04-25"))
        )
        assert model.data(day_0425.siblingAtColumn(2)).startswith("★")


def test_filter_narrows_days_by_date_and_title(corpus_library: Path) -> None:
    with Library(corpus_library) as library:
        model = DaysModel(library)
        model.set_filter("2021-05")
        assert model.index_for_date("2021-05-01").isValid()
        assert not model.index_for_date("2021-04-25").isValid()
        model.set_filter("0425")
        assert model.index_for_date("2021-04-25").isValid()
        assert not model.index_for_date("2021-04-24").isValid()
        model.set_filter("ByteTrack")  # a title word: only the day that features it
        _expand_all(model)
        assert model.index_for_date("2021-10-18").isValid()
        assert not model.index_for_date("2021-10-03").isValid()
        model.set_filter("")
        assert model.index_for_date("2021-03-07").isValid()


def test_marks_and_highlight_change_cells_in_place(corpus_library: Path) -> None:
    """A rating or a note rewrites the day's cells (no reset, the same row count); the
    highlight moves with `set_current` and a reload drops it."""
    from PySide6.QtCore import Qt

    with Library(corpus_library) as library:
        model = DaysModel(library)
        day = model.index_for_date("2021-04-25")
        month = day.parent()
        rows = model.rowCount(month)
        assert model.data(day.siblingAtColumn(3)) == ""
        rows_of_day = model.data(day.siblingAtColumn(1))
        best = model.data(day.siblingAtColumn(2)).count("★")
        assert model.date_of(day.siblingAtColumn(3)) == "2021-04-25"
        key = library.digests.items_for_date("2021-04-25")[0].key
        library.user.set_rating(key, 4)
        library.user.set_note(key, "worth a second look")
        model.update_day("2021-04-25")
        assert model.data(day.siblingAtColumn(3)) == "★★★★ ✎"
        assert model.tooltip(day.siblingAtColumn(1)) == (
            f"2021-04-25: {rows_of_day} items, best rating {best}★, mine 4★, with notes"
        )
        assert model.rowCount(month) == rows
        background = Qt.ItemDataRole.BackgroundRole
        model.set_current(day.siblingAtColumn(2))  # any cell: the whole row
        assert all(model.data(day.siblingAtColumn(c), background) for c in range(4))
        other = model.index_for_date("2021-04-24")
        model.set_current(other)
        assert model.data(day, background) is None
        assert model.data(other.siblingAtColumn(3), background) is not None
        model.reload()
        again = model.index_for_date("2021-04-24")
        assert model.data(again, background) is None  # a reset: no current row
        assert model.data(again.siblingAtColumn(0)).startswith("04-24")


def test_removed_days_leave_the_tree_on_reload(corpus_library: Path) -> None:
    with Library(corpus_library) as library:
        model = DaysModel(library)
        year = model.index(0, 0)
        items = int(model.data(year.siblingAtColumn(1)))
        removed = len(library.digests.items_for_date("2021-04-25"))
        library.removal.remove_days(["2021-04-25"])
        model.reload()
        assert not model.index_for_date("2021-04-25").isValid()
        assert model.index_for_date("2021-04-24").isValid()
        assert int(model.data(model.index(0, 1))) == items - removed


def test_expanding_a_month_in_the_sidebar_reads_its_days(qtbot, corpus_library: Path) -> None:  # type: ignore[no-untyped-def]
    from kbapp.ui.sidebar import Sidebar

    with Library(corpus_library) as library:
        model = DaysModel(library)
        sidebar = Sidebar(model)
        qtbot.addWidget(sidebar)
        sidebar.show()
        year = model.index(0, 0)
        april = model.index(3, 0, year)
        assert model.data(model.index(0, 0, april), DATE_ROLE) is None
        sidebar.tree.expand(year)
        sidebar.tree.expand(april)
        assert model.data(model.index(0, 0, april), DATE_ROLE) == "2021-04-30"
        assert sidebar.dates_under(model.index(4, 0, year))[0] == "2021-03-07"  # March unread
        assert sidebar.first_date() == "2021-10-18"
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QHelpEvent
        from PySide6.QtWidgets import QApplication, QToolTip

        viewport = sidebar.tree.viewport()
        cell = model.index(0, 1, april)
        sidebar.tree.scrollTo(cell)
        point = sidebar.tree.visualRect(cell).center()
        hover = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
        QApplication.sendEvent(viewport, hover)
        qtbot.waitUntil(lambda: QToolTip.text().startswith("2021-04-30: "))
        assert "items, best rating" in QToolTip.text()
