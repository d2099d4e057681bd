"""Keeping the library safe from the window: File ▸ Back up now and Restore from backup…,
Library ▸ Check library, the check right after the first paint, and the way back from a
damaged library (restore a backup, or rebuild from the digest files), also before the
window exists (`recover_before_opening`, `restore_before_opening`).

`SafetyActions` is a controller of `MainWindow` (it holds no widget). The slow parts run
on the worker: the check, the backup, listing backups with their counts, the rebuild.
Putting a file in the library's place happens with the library let go of
(`LibraryActions.detach`) and opened again after (`attach`)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from kbapp.core.store import integrity
from kbapp.core.store.library import DamagedLibraryError, Library, LibraryError

if TYPE_CHECKING:  # the backups' module (shutil) and the dialogs load when first used
    from kbapp.core import recovery
    from kbapp.core.store.backups import Backup
    from kbapp.ui.main_window import MainWindow
    from kbapp.ui.recovery import BackupsDialog, RecoveryDialog
    from kbapp.ui.tasks import Task, TaskRunner

MESSAGE_MS = 10_000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """What the check after the first paint found."""

    damage: DamagedLibraryError | None
    writable: bool


class SafetyActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dialog: RecoveryDialog | BackupsDialog | None = None  # the last one opened
        self.check_box: QMessageBox | None = None  # Check library's answer
        self.read_only = False  # the library file cannot be written (said once)

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, MESSAGE_MS)

    def watch(self, runner: TaskRunner) -> None:
        """What a runner's tasks meet without handling it, said here."""
        runner.problem.connect(self._say)
        runner.damaged.connect(self.show_damage)

    # -- the check ------------------------------------------------------------------------
    def verify(self) -> None:
        """`PRAGMA quick_check` on the worker: the window's first task after it painted
        (about 0.2 s on a ten-year library, more than the first paint can spare)."""
        if self.window.samples is not None:
            return

        def work(library: Library, _task: Task) -> Verdict:
            return Verdict(library.verify(), os.access(library.path, os.W_OK))

        self.window.runner.run(work, on_done=self._verified)

    def _verified(self, verdict: Verdict) -> None:
        window = self.window
        if verdict.damage is not None:
            window.library.db.refuse_writes(verdict.damage)
            self.show_damage(verdict.damage)
        elif not verdict.writable:
            self.read_only = True
            self._say(
                f"The library {window.library.path} is read-only: you can read it, but "
                "ratings, notes and imports cannot be saved."
            )

    def check_library(self) -> None:
        """Library ▸ Check library: the full check (integrity and foreign keys)."""
        if self._samples_say("The samples need no check."):
            return

        def work(library: Library, _task: Task) -> DamagedLibraryError | integrity.Report:
            report = integrity.check_library(library.path)
            return report if report.ok else DamagedLibraryError(library.path, report.problem())

        self._say("Checking the library…")
        self.window.runner.run(work, on_done=self._checked)

    def _checked(self, result: DamagedLibraryError | integrity.Report) -> None:
        if isinstance(result, DamagedLibraryError):
            self.window.library.db.refuse_writes(result)
            self.show_damage(result)
            return
        self._say("The library is sound.")
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Check library",
            f"The library is sound.\n\n{result.path}\n\nSQLite's integrity check (every "
            "page, tree and index) and foreign key check found nothing wrong.",
            parent=self.window,
        )
        box.setObjectName("checkResult")
        box.open()
        self.check_box = box

    def show_damage(self, error: DamagedLibraryError) -> None:
        """The recovery dialog (not a second one while it is open)."""
        from kbapp.ui.recovery import RecoveryDialog

        if isinstance(self.dialog, RecoveryDialog) and self.dialog.isVisible():
            return
        dialog = RecoveryDialog(error, self.window)
        dialog.restore.connect(self.restore)
        dialog.rebuild.connect(lambda: self.rebuild(error.backup.path if error.backup else None))
        dialog.rebuild_from_export.connect(self._rebuild_from_export)
        self.dialog = dialog
        dialog.open()

    # -- backups --------------------------------------------------------------------------
    def back_up_now(self) -> None:
        if self._samples_say("These are the samples: there is nothing of yours to back up."):
            return

        from kbapp.core.store import backups
        from kbapp.ui.recovery import describe_backup

        def work(library: Library, _task: Task) -> Backup:
            made = backups.make_backup(library.path, "manual")
            backups.rotate(library.path)
            return made

        self._say("Backing the library up…")
        self.window.runner.run(
            work, on_done=lambda made: self._say(f"Backed up: {describe_backup(made)}.")
        )

    def restore_from_backup(self) -> None:
        if self._samples_say("These are the samples: they have no backups."):
            return
        from kbapp.core.store import backups

        self.window.runner.run(
            lambda library, _task: backups.list_backups(library.path), on_done=self._choose
        )

    def _choose(self, found: list[Backup]) -> None:
        from kbapp.core.store import backups
        from kbapp.ui.recovery import BackupsDialog

        dialog = BackupsDialog(found, backups.folder_of(self.window.library.path), self.window)
        dialog.chosen.connect(self.restore)
        self.dialog = dialog
        dialog.open()

    def restore(self, backup: Path) -> None:
        """`backup` in the library's place; the current file kept aside, and said where."""
        from kbapp.core.store import backups

        window = self.window
        if self._busy():
            return
        path = window.library.path
        window.library_actions.detach()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            aside: Path | None = backups.restore_backup(path, backup)
        except LibraryError as error:
            aside = None
            QMessageBox.warning(window, "Could not restore the backup", str(error))
        finally:
            QApplication.restoreOverrideCursor()
        self._reopen(path)
        if aside is not None:
            self._say(f"Restored {backup.name}. The library it replaced is kept as {aside}.")

    # -- rebuilding -----------------------------------------------------------------------
    def _rebuild_from_export(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.window, "Rebuild with the data of an export", str(Path.home()), "JSON (*.json)"
        )
        if name:
            self.rebuild(Path(name))

    def rebuild(self, user_source: Path | None) -> None:
        """The library built again on the worker, from its digest files and the user data
        of `user_source` (a backup or an export); put in place once complete."""
        from kbapp.core import recovery
        from kbapp.qt_image import qt_decoder

        window = self.window
        if self._busy():
            return
        path = window.library.path

        def work(_library: Library, task: Task) -> recovery.Built:
            digests = recovery.digest_files(path, user_source)
            if not digests:
                raise LibraryError(
                    "the digest files this library was built from are not known or no "
                    "longer there: import them into a new library (File ▸ New library)"
                )
            return recovery.build(
                path, digests, user_source, image_decoder=qt_decoder,
                progress=lambda done, total, _name: task.progress(done, total),
                cancel=lambda: task.cancelled,
            )  # fmt: skip

        self._say("Rebuilding the library from its digest files…")
        window.runner.run(
            work,
            on_done=self._install,
            on_error=self._not_rebuilt,
            on_progress=lambda done, total, _text: self._say(
                f"Rebuilding the library: {done} of {total} digest files…"
            ),
        )

    def _not_rebuilt(self, error: BaseException) -> None:
        if not isinstance(error, LibraryError):
            raise error  # a bug: the excepthook's dialog
        QMessageBox.warning(self.window, "Could not rebuild the library", str(error))

    def _install(self, built: recovery.Built) -> None:
        from kbapp.core import recovery

        path = self.window.library.path
        self.window.library_actions.detach()
        try:
            aside = recovery.install(path, built)
        except LibraryError as error:
            QMessageBox.warning(self.window, "Could not rebuild the library", str(error))
            aside = None
        self._reopen(path)
        restored = built.restored
        kept = f" The damaged file is kept as {aside}." if aside is not None else ""
        self._say(
            f"Rebuilt the library: {built.report.summary()}; {restored.get('ratings', 0)} "
            f"ratings and {restored.get('notes', 0)} notes restored.{kept}"
        )

    # -- helpers --------------------------------------------------------------------------
    def _reopen(self, path: Path) -> None:
        try:
            library = Library(path, check=False)
        except LibraryError as error:  # (a verified backup opens: this is the disk failing)
            QMessageBox.critical(self.window, "Cannot open library", str(error))
            self.window.close()
            return
        self.window.library_actions.attach(library)

    def _busy(self) -> bool:
        if self.window.importer.running:
            self._say("Wait for the import to finish first.")
            return True
        return False

    def _samples_say(self, message: str) -> bool:
        if self.window.samples is not None:
            self._say(message)
            return True
        return False


def recover_before_opening(
    error: DamagedLibraryError, dialog: RecoveryDialog | None = None
) -> bool:
    """Damage found before the window exists (the file's schema does not read): the
    recovery dialog on its own (`dialog`, when the caller added buttons of its own to
    it). True when a backup or a rebuilt library is in place."""
    from kbapp.ui.recovery import RecoveryDialog

    if dialog is None:
        dialog = RecoveryDialog(error)
    path = error.path
    chosen: list[Callable[[], bool]] = []
    dialog.restore.connect(lambda backup: chosen.append(lambda: _restore_now(path, backup)))
    source = error.backup.path if error.backup is not None else None
    dialog.rebuild.connect(lambda: chosen.append(lambda: _rebuild_now(path, source)))
    dialog.rebuild_from_export.connect(lambda: chosen.append(lambda: _rebuild_now(path, None)))
    dialog.exec()
    return bool(chosen) and chosen[0]()


def restore_before_opening(library: Path) -> bool:
    """The library does not open and the window does not exist yet: its backups listed
    (`BackupsDialog`), the one chosen put in its place. True when one is in place."""
    from kbapp.core.store import backups
    from kbapp.ui.recovery import BackupsDialog

    dialog = BackupsDialog(backups.list_backups(library), backups.folder_of(library))
    chosen: list[Path] = []
    dialog.chosen.connect(chosen.append)
    dialog.exec()
    return bool(chosen) and _restore_now(library, chosen[0])


def _restore_now(library: Path, backup: Path) -> bool:
    from kbapp.core.store import backups

    try:
        aside = backups.restore_backup(library, backup)
    except LibraryError as error:
        QMessageBox.warning(None, "Could not restore the backup", str(error))
        return False
    log.info("restored %s; the library it replaced is kept at %s", backup, aside)
    return True


def _rebuild_now(library: Path, source: Path | None) -> bool:
    """The rebuild before the window opens, with a progress dialog (and Cancel)."""
    from PySide6.QtWidgets import QProgressDialog

    from kbapp.core import recovery
    from kbapp.qt_image import qt_decoder

    if source is None:
        name, _ = QFileDialog.getOpenFileName(
            None, "Rebuild with the data of an export", str(Path.home()), "JSON (*.json)"
        )
        if not name:
            return False
        source = Path(name)
    digests = recovery.digest_files(library, source)
    if not digests:
        QMessageBox.warning(
            None, "Could not rebuild the library",
            "The digest files this library was built from are not known or no longer "
            "there. Open a new library and import them there.",
        )  # fmt: skip
        return False
    progress = QProgressDialog("Rebuilding the library from its digest files…", "Cancel", 0, 0)
    progress.setObjectName("rebuildProgress")
    progress.setMinimumDuration(0)

    def step(done: int, total: int, _outcome: object) -> None:
        progress.setMaximum(total)
        progress.setValue(done)
        QApplication.processEvents()

    try:
        recovery.rebuild(
            library, digests, source, progress=step, cancel=progress.wasCanceled,
            image_decoder=qt_decoder,
        )  # fmt: skip
    except LibraryError as error:
        QMessageBox.warning(None, "Could not rebuild the library", str(error))
        return False
    finally:
        progress.close()
    return True
