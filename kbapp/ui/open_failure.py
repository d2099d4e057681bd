"""The window's library does not open: the reason, and the ways out.

`way_out` is what `app.open_for_window` asks when the library the window was started on
raises LibraryError (a damaged, foreign, unreadable, locked or newer file). It shows one
dialog with the error's one line and Restore a backup… (when the library has backups),
Choose another library…, Try again (when another program holds the file) and Quit. A
damaged file gets the recovery dialog instead (`RecoveryDialog`: restore the newest good
backup, or rebuild), with Choose another library… and Quit added to it. The answer is the
path to open next, or None to quit.

The dialogs are modal and show on every platform, offscreen too: only the window asks
(a `--screenshot` and the commands print the reason and exit 2)."""

from __future__ import annotations

import html
import sqlite3
from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialog, QFileDialog, QMessageBox, QPushButton

from kbapp.core.store import backups
from kbapp.core.store.library import DamagedLibraryError, LibraryError
from kbapp.ui.recovery import RecoveryDialog
from kbapp.ui.safety import recover_before_opening, restore_before_opening

LIBRARY_FILTER = "kbapp library (*.sqlite *.db);;All files (*)"


class Way(Enum):
    """What the user chose to do about a library that does not open."""

    RESTORE = "restore"  # a backup in its place (`restore_before_opening`)
    ANOTHER = "another"  # another library file, chosen or new (`choose_library`)
    AGAIN = "again"  # open the same file again
    QUIT = "quit"


def is_locked(error: LibraryError) -> bool:
    """Whether another program holds the file (SQLite's "database is locked")."""
    cause = error.__cause__
    text = str(cause).lower()
    return isinstance(cause, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


class OpenFailureDialog(QMessageBox):
    """Why the library does not open (the error's one line) and the ways out; `way`
    says which was clicked once the dialog is answered (Quit when it was closed)."""

    def __init__(self, error: LibraryError, *, has_backups: bool, locked: bool) -> None:
        super().__init__()
        self.setObjectName("openFailureDialog")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle("kbapp cannot open the library")
        self.setTextFormat(Qt.TextFormat.PlainText)  # the message holds a path
        message = str(error)
        self.setText(message[:1].upper() + message[1:].rstrip(".") + ".")
        self._ways: dict[QAbstractButton, Way] = {}
        said = []
        role = QMessageBox.ButtonRole
        if has_backups:
            first = self._add("Restore a backup…", "restoreBackup", Way.RESTORE, role.AcceptRole)
            said.append(
                "Restore a backup… puts one of its backups in its place; the file there "
                "now is kept beside it."
            )
        another = self._add(
            "Choose another library…", "chooseLibrary", Way.ANOTHER, role.ActionRole
        )
        said.append("Choose another library… opens another library file, or makes a new one.")
        if not has_backups:
            first = another
        if locked:
            first = self._add("Try again", "tryAgain", Way.AGAIN, role.AcceptRole)
            said.append("Try again once the other program has let go of it.")
        self.setEscapeButton(self._add("Quit", "quit", Way.QUIT, role.RejectRole))
        self.setDefaultButton(first)  # Try again, else Restore a backup…, else Choose
        self.setInformativeText("\n\n".join(said))

    def _add(self, text: str, name: str, way: Way, role: QMessageBox.ButtonRole) -> QPushButton:
        button = self.addButton(text, role)
        button.setObjectName(name)
        self._ways[button] = way
        return button

    @property
    def way(self) -> Way:
        return self._ways.get(self.clickedButton(), Way.QUIT)


def way_out(path: Path, error: LibraryError) -> Path | None:
    """The library at `path` did not open (`error`): ask until a way is taken. The path
    to open next (the same one after a restore, a rebuild or Try again; the one chosen
    after Choose another library…), or None for Quit. A dialog within a way (the list
    of backups, the file dialog) cancelled leads back to the first one."""
    while True:
        if isinstance(error, DamagedLibraryError):
            way = _ask_damaged(error)
        else:
            locked = is_locked(error)
            has_backups = not locked and bool(backups.list_backups(path, counts=False))
            dialog = OpenFailureDialog(error, has_backups=has_backups, locked=locked)
            dialog.exec()
            way = dialog.way
        if way is Way.QUIT:
            return None
        if way is Way.AGAIN or way is Way.RESTORE and restore_before_opening(path):
            return path
        if way is Way.ANOTHER:
            chosen = choose_library(path)
            if chosen is not None:
                return chosen


def _ask_damaged(error: DamagedLibraryError) -> Way | None:
    """The recovery dialog, said for a file the window could not open, with Choose
    another library… and Quit: AGAIN once a backup or a rebuilt library is in place,
    None when the restore or rebuild chosen did not happen (ask again)."""
    dialog = RecoveryDialog(error)
    dialog.setText(
        f"<b>Your library file is damaged.</b><br>{html.escape(str(error.path))}<br><br>"
        "kbapp cannot open it, and will not write to it: it stays as it is."
    )
    another = dialog.addButton("Choose another library…", QMessageBox.ButtonRole.ActionRole)
    another.setObjectName("chooseLibrary")
    close = dialog.findChild(QPushButton, "closeRecovery")
    if close is not None:
        close.setText("Quit")
    if recover_before_opening(error, dialog):
        return Way.AGAIN
    clicked = dialog.clickedButton()
    if clicked is another:
        return Way.ANOTHER
    return None if clicked in (dialog.restore_button, dialog.rebuild_button) else Way.QUIT


def choose_library(near: Path) -> Path | None:
    """A library file picked, or a new name typed (an empty library is made there), in
    a file dialog opened in `near`'s folder; None when cancelled."""
    dialog = QFileDialog(None, "Choose another library", str(near.parent), LIBRARY_FILTER)
    dialog.setObjectName("chooseLibraryDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)  # so a new name can be typed
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite)  # an existing one is opened
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, "Open")
    dialog.setDefaultSuffix("sqlite")
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])
