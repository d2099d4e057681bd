"""The dialogs of the library's safety: the damaged library's way back (`RecoveryDialog`)
and File ▸ Restore from backup… (`BackupsDialog`). They only say and ask; what is done is
`ui.safety`'s."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kbapp.core.store.backups import Backup

if TYPE_CHECKING:
    from kbapp.core.store.integrity import DamagedLibraryError

WHY = {
    "daily": "daily",
    "manual": "made by you",
    "before-migration": "before an upgrade",
    "before-removal": "before a removal of days",
    "before-restore": "before a restore of your data",
}


def describe_backup(backup: Backup) -> str:
    """`Tue 2 Dec 2026, 14:03 (daily): 69 digests, 20 ratings, 3 notes`."""
    when = f"{backup.at:%a} {backup.at.day} {backup.at:%b %Y, %H:%M}"
    why = WHY.get(backup.reason, backup.reason)
    if backup.digests is None:
        return f"{when} ({why}): does not read"
    return (
        f"{when} ({why}): {backup.digests} digests, {backup.ratings} ratings, {backup.notes} notes"
    )


class RecoveryDialog(QMessageBox):
    """The library is damaged: what that means, and the ways back."""

    restore = Signal(object)  # the Path of the backup to put back
    rebuild = Signal()  # from the digest files and the newest good backup's data
    rebuild_from_export = Signal()  # the same with a JSON export the user picks

    def __init__(self, error: DamagedLibraryError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle("The library is damaged")
        backup = error.backup
        self.setText(
            f"<b>Your library file is damaged.</b><br>{error.path}<br><br>"
            "kbapp will not write to it, so it stays as it is: you can still read what "
            "shows, but changes are not saved."
        )
        if backup is not None:
            self.setInformativeText(
                f"The newest good backup is from {describe_backup(backup)}.<br><br>"
                "<b>Restore backup</b> puts it in the library's place (what you did after "
                "it is lost). <b>Rebuild</b> imports the digest files again and takes your "
                "ratings, notes and links from that backup. Either way the damaged file "
                "is kept beside the library."
            )
            self.restore_button: QPushButton | None = self.addButton(
                "Restore backup", QMessageBox.ButtonRole.AcceptRole
            )
            self.restore_button.setObjectName("restoreBackup")
            self.restore_button.clicked.connect(lambda: self.restore.emit(backup.path))
            self.rebuild_button = self.addButton("Rebuild", QMessageBox.ButtonRole.ActionRole)
            self.rebuild_button.clicked.connect(self.rebuild.emit)
        else:
            self.setInformativeText(
                "There is no good backup of it. <b>Rebuild from export…</b> imports the "
                "digest files again and takes your ratings, notes and links from a JSON "
                "export (File ▸ Export as JSON) you choose. The damaged file is kept "
                "beside the library."
            )
            self.restore_button = None
            self.rebuild_button = self.addButton(
                "Rebuild from export…", QMessageBox.ButtonRole.ActionRole
            )
            self.rebuild_button.clicked.connect(self.rebuild_from_export.emit)
        self.rebuild_button.setObjectName("rebuildLibrary")
        self.addButton("Close", QMessageBox.ButtonRole.RejectRole).setObjectName("closeRecovery")
        self.setDetailedText(f"SQLite: {error.problem}")
        self.setTextFormat(Qt.TextFormat.RichText)


class BackupsDialog(QDialog):
    """File ▸ Restore from backup…: the backups, newest first, with what each holds."""

    chosen = Signal(object)  # the Path of the backup to restore

    def __init__(self, found: list[Backup], folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupsDialog")
        self.setWindowTitle("Restore from backup")
        intro = QLabel(
            f"Backups in {folder}. Restoring one puts it in the library's place; the "
            "current library is kept beside it, never deleted."
            if found
            else f"There are no backups yet in {folder}. File ▸ Back up now makes one.",
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("backupList")
        for backup in reversed(found):
            row = QListWidgetItem(describe_backup(backup), self.list)
            row.setData(Qt.ItemDataRole.UserRole, str(backup.path))
            row.setToolTip(str(backup.path))
            if backup.digests is None:
                row.setFlags(row.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _row: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button = buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("restoreChosen")
        self.restore_button.setEnabled(bool(found))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(560, 360)

    def accept(self) -> None:
        row = self.list.currentItem()
        if row is None or not row.flags() & Qt.ItemFlag.ItemIsEnabled:
            return
        super().accept()
        self.chosen.emit(Path(row.data(Qt.ItemDataRole.UserRole)))
