"""The sidebar model: checked by qtmodeltester, lazy, newest first, filterable."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex

from kbapp.core.store.library import Library
from kbapp.ui.days_model import DATE_ROLE, DaysModel


def _expand_all(model: DaysModel, parent: QModelIndex = QModelIndex()) -> None:
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
        assert model.loaded_nodes() == 2  # the root and the year: months not read yet
        months = [model.data(model.index(r, 0, year)) for r in range(model.rowCount(year))]
        assert months == ["10月", "9月", "5月", "4月", "3月"]
        april = model.index(3, 0, year)
        first_day = model.index(0, 0, april)
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
