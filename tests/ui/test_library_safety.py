"""The library's safety in the window: the check after the first paint, the recovery
dialog on a damaged library (restore or rebuild), File ▸ Back up now and Restore from
backup…, Library ▸ Check library, and the backup settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from kbapp.core.store import backups
from kbapp.ui.main_window import MainWindow
from kbapp.ui.recovery import BackupsDialog, RecoveryDialog
from kbapp.ui.settings import SettingsDialog
from tests.library_damage import Annotated, annotations_in, build, copy_library, damage
from tests.ui.conftest import open_as_launched, select_first


@pytest.fixture(scope="module")
def built(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Annotated]:
    return build(corpus, tmp_path_factory.mktemp("built"))


@pytest.fixture
def damaged_window(qtbot, built: tuple[Path, Annotated], tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    path = copy_library(built[0], tmp_path)
    damage(path)
    window = open_as_launched(qtbot, path, tmp_path)
    yield window
    window.close()


@pytest.fixture
def window(qtbot, built: tuple[Path, Annotated], tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    window = open_as_launched(qtbot, copy_library(built[0], tmp_path), tmp_path)
    yield window
    window.close()


def recovery_dialog(qtbot, window: MainWindow) -> RecoveryDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: (
            isinstance(window.safety.dialog, RecoveryDialog) and window.safety.dialog.isVisible()
        )
    )
    dialog = window.safety.dialog
    assert isinstance(dialog, RecoveryDialog)
    return dialog


def button(dialog: RecoveryDialog, name: str) -> QPushButton:
    found = dialog.findChild(QPushButton, name)
    assert found is not None, name
    return found


def test_a_damaged_library_gets_the_recovery_dialog_and_is_not_written(  # type: ignore[no-untyped-def]
    qtbot, damaged_window: MainWindow
) -> None:
    window = damaged_window
    path = window.library.path
    before = path.read_bytes()
    dialog = recovery_dialog(qtbot, window)
    assert "damaged" in dialog.text() and str(path) in dialog.text()
    assert "69 digests, 20 ratings, 3 notes" in dialog.informativeText()
    assert dialog.detailedText().startswith("SQLite: ")

    dialog.reject()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    select_first(qtbot, window, window.library.digests.dates()[0])
    window.actions_by_name["rate-2"].trigger()
    qtbot.waitUntil(lambda: "will not write" in window.statusBar().currentMessage())
    window.notes.flush()
    assert path.read_bytes() == before


def test_restore_backup_from_the_recovery_dialog(  # type: ignore[no-untyped-def]
    qtbot, damaged_window: MainWindow, built: tuple[Path, Annotated]
) -> None:
    window = damaged_window
    path = window.library.path
    damaged_bytes = path.read_bytes()
    button(recovery_dialog(qtbot, window), "restoreBackup").click()
    qtbot.waitUntil(lambda: "Restored" in window.statusBar().currentMessage())
    assert annotations_in(path) == built[1]
    (aside,) = [p for p in path.parent.glob("lib.sqlite.replaced-*") if p.name[-4] != "-"]
    assert aside.read_bytes() == damaged_bytes
    assert len(window.library.digests.dates()) == 69
    assert window.model.rowCount() > 0
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    select_first(qtbot, window, window.library.digests.dates()[0])
    window.actions_by_name["rate-2"].trigger()  # writable again
    qtbot.waitUntil(lambda: 2 in annotations_in(path).ratings.values())


def test_rebuild_from_the_recovery_dialog(  # type: ignore[no-untyped-def]
    qtbot, damaged_window: MainWindow, built: tuple[Path, Annotated]
) -> None:
    window = damaged_window
    path = window.library.path
    button(recovery_dialog(qtbot, window), "rebuildLibrary").click()
    qtbot.waitUntil(
        lambda: "Rebuilt the library" in window.statusBar().currentMessage(), timeout=30_000
    )
    assert "20 ratings and 3 notes restored" in window.statusBar().currentMessage()
    assert annotations_in(path) == built[1]
    assert list(path.parent.glob("lib.sqlite.damaged-*"))
    assert len(window.library.digests.dates()) == 69


def test_back_up_now_and_restore_from_backup(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, built: tuple[Path, Annotated]
) -> None:
    path = window.library.path
    (first,) = backups.list_backups(path)  # the one `build` made
    window.actions_by_name["back-up-now"].trigger()
    qtbot.waitUntil(lambda: "Backed up:" in window.statusBar().currentMessage())
    assert "69 digests, 20 ratings, 3 notes" in window.statusBar().currentMessage()
    (made,) = backups.list_backups(path)  # the rotation keeps the newest of a day
    assert made.path != first.path and made.reason == "manual"

    key = select_first(qtbot, window, window.library.digests.dates()[-1])
    window.actions_by_name["rate-5"].trigger()
    qtbot.waitUntil(lambda: annotations_in(path).ratings.get(key) == 5)

    window.actions_by_name["restore-backup"].trigger()
    qtbot.waitUntil(lambda: isinstance(window.safety.dialog, BackupsDialog))
    dialog = window.safety.dialog
    assert isinstance(dialog, BackupsDialog)
    assert dialog.list.count() == 1
    assert "69 digests, 20 ratings, 3 notes" in dialog.list.item(0).text()
    dialog.list.setCurrentRow(0)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: "Restored" in window.statusBar().currentMessage())
    assert annotations_in(path) == built[1]  # the 5 stars came after the backup
    (aside,) = [p for p in path.parent.glob("lib.sqlite.replaced-*") if p.name[-4] != "-"]
    assert annotations_in(aside).ratings[key] == 5  # kept, never deleted
    assert f"kept as {aside}" in window.statusBar().currentMessage()


def test_check_library_says_a_sound_library_is_sound(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.actions_by_name["check-library"].trigger()
    qtbot.waitUntil(
        lambda: window.safety.check_box is not None and window.safety.check_box.isVisible()
    )
    assert window.safety.check_box is not None
    assert "The library is sound" in window.safety.check_box.text()


def test_check_library_finds_damage_the_quick_check_missed(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    """Damage done while the window is open, after its check at the start."""
    damage(window.library.path)
    window.actions_by_name["check-library"].trigger()
    recovery_dialog(qtbot, window)
    assert window.library.db.damaged is not None


def test_the_backup_settings_decide_where_backups_go_and_how_many_stay(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    dialog = SettingsDialog(window.settings, window, library=window.library.path)
    qtbot.addWidget(dialog)
    assert dialog.backup_folder.text() == "" and dialog.keep["daily"].value() == 7
    elsewhere = tmp_path / "elsewhere"
    dialog.backup_folder.setText(str(elsewhere))
    dialog.keep["daily"].setValue(3)
    dialog.accept()
    assert backups.load_policy() == backups.Policy(elsewhere, 3, 4, 12)
    window.actions_by_name["back-up-now"].trigger()
    qtbot.waitUntil(lambda: "Backed up:" in window.statusBar().currentMessage())
    assert [p.parent for p in elsewhere.glob("lib-*-manual.sqlite")] == [elsewhere]
    again = SettingsDialog(window.settings, window, library=window.library.path)
    qtbot.addWidget(again)
    assert again.backup_folder.text() == str(elsewhere) and again.keep["daily"].value() == 3


def test_damage_that_stops_the_window_opening_gets_the_dialog_first(  # type: ignore[no-untyped-def]
    qtbot, built: tuple[Path, Annotated], tmp_path: Path
) -> None:
    """Page 1 (the schema) garbled: the file does not open at all. The launcher shows
    the recovery dialog on its own, and opens the window on the restored backup."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kbapp.ui.app import open_for_window

    path = copy_library(built[0], tmp_path)
    with path.open("r+b") as file:
        file.seek(100)
        file.write(b"\xff" * 3996)
    seen: list[str] = []

    def answer() -> None:  # the dialog is modal: answer it from the event loop
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, RecoveryDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.informativeText())
        button(dialog, "restoreBackup").click()

    QTimer.singleShot(0, answer)
    opened = open_for_window(path, samples=False, window=True)
    assert opened is not None
    library, _ = opened
    try:
        assert len(library.digests.dates()) == 69
    finally:
        library.close()
    assert "20 ratings, 3 notes" in seen[0]
    assert annotations_in(path) == built[1]


def test_back_up_now_while_the_window_writes_has_every_committed_write(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    """Ratings given one after another, Back up now among them: the backup opens and
    holds every rating the library had committed when it was made."""
    path = window.library.path
    dates = window.library.digests.dates()
    rated: list[str] = []
    for n, date in enumerate(dates[-6:]):
        rated.append(select_first(qtbot, window, date))
        window.actions_by_name[f"rate-{1 + n % 5}"].trigger()
        if n == 3:
            window.actions_by_name["back-up-now"].trigger()
    qtbot.waitUntil(lambda: "Backed up:" in window.statusBar().currentMessage())
    (made,) = backups.list_backups(path)
    in_backup = annotations_in(made.path).ratings
    assert [key in in_backup for key in rated] == [True] * 4 + [False] * 2
    qtbot.waitUntil(lambda: all(key in annotations_in(path).ratings for key in rated))
