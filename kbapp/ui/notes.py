"""The note panel: the selected item's (or a paper's) markdown note, its live preview,
its revisions and my rating history.

Typing saves by itself about a second after it stops (`AUTOSAVE_MS`), when the editor
loses focus, when another item is chosen and when the window closes; Ctrl+S saves now
and always keeps a revision. Saves go through the task runner, the one writer, in
order, so the newest text is the one that stays; a crash loses at most the last second.
Texts whose save has not landed yet are kept here (`_pending`), so coming back to an
item shows what was typed, not what the library has so far, and on disk
(`core.unsaved_notes`) until the save lands: a save that fails, or a window closed or
killed first, loses nothing; the next window on the library saves them (`recover`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kbapp.core.render import day as render
from kbapp.core.store.library import Changes, Library
from kbapp.core.store.user import matches
from kbapp.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from kbapp.core.unsaved_notes import UnsavedNotes
    from kbapp.ui.revisions import RevisionsDialog

AUTOSAVE_MS = 1000
PREVIEW_MS = 300


class NoteEditor(QPlainTextEdit):
    """The editor; while the `[[` completion is open, the keys that choose in it are
    left to the completer (which shows them to the editor first). Esc otherwise leaves
    the editor (`escaped`: the window gives the keys back to the reader)."""

    escaped = Signal()

    _CHOOSING = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Tab)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.completer: QCompleter | None = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self.completer.popup() if self.completer is not None else None
        if popup is not None and popup.isVisible() and event.key() in self._CHOOSING:
            event.ignore()
            return
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.escaped.emit()  # what was typed is saved as always (autosave, flush)
            return
        super().keyPressEvent(event)


_OPEN_LINK = re.compile(r"\[\[([^\[\]\n]{0,60})$")  # `[[words` just typed


class NotePanel(QDockWidget):
    saved = Signal(str, str)  # target, the text now in the library
    changed = Signal(object)  # the Changes a save returned, for the window's stream
    failed = Signal(str)
    link_clicked = Signal(QUrl)  # a link of the preview (`[[...]]` or the web)

    def __init__(self, runner: TaskRunner, library: Callable[[], Library], parent: QWidget):
        super().__init__("Note", parent)
        self.setObjectName("notePanel")
        self._runner = runner
        self._library = library  # the window's (it changes with File ▸ Open library)
        self._target: str | None = None
        self._date: str | None = None
        self._pending: dict[str, str] = {}  # target → text submitted, not yet saved
        self._unsaved: UnsavedNotes | None = None  # see `unsaved`
        self._loading = False
        self.history: RevisionsDialog | None = None  # the last one opened
        self._body = body = QWidget(self)
        self.heading = QLabel("Select an item (J/K) to write a note on it.", body)
        self.heading.setWordWrap(True)
        self.ratings = QLabel("", body)
        self.ratings.setObjectName("ratingHistory")
        self.ratings.setWordWrap(True)
        self.ratings.setVisible(False)
        self.status = QLabel("", body)
        self.status.setObjectName("noteStatus")
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(self.ratings)
        self.setWidget(body)
        self._autosave = self._timer(AUTOSAVE_MS, lambda: self.save("auto"))
        self._preview = self._timer(PREVIEW_MS, self._update_preview)
        self._targets: list[tuple[str, str, str]] | None = None  # for `[[` completion
        self._asked_targets = False
        self._built = False

    def build(self) -> None:
        """The editor, its preview and completion: made after the window's first paint
        (they cost its start ~15 ms), or when a note is first shown."""
        if self._built:
            return
        self._built = True
        body = self._body
        self.editor = NoteEditor(body)
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText("Markdown. Saved as you type.")
        self.editor.setEnabled(self._target is not None)
        self.editor.installEventFilter(self)
        self.preview = QTextBrowser(body)
        self.preview.setObjectName("notePreview")
        self.preview.setOpenLinks(False)
        self.preview.anchorClicked.connect(self.link_clicked)
        self.history_button = QPushButton("History…", body)
        self.history_button.clicked.connect(self.show_history)
        self.history_button.setEnabled(self._target is not None)
        split = QSplitter(Qt.Orientation.Vertical, body)
        split.addWidget(self.editor)
        split.addWidget(self.preview)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.history_button)
        layout = body.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(split, 1)
        layout.addLayout(row)
        self.editor.textChanged.connect(self._typed)
        self.completer = QCompleter(self)
        self.completer.setObjectName("noteCompleter")
        self.completer.setModel(QStringListModel(self.completer))
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setWidget(self.editor)
        self.editor.completer = self.completer
        self.completer.activated.connect(self._complete)

    def _timer(self, ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def set_runner(self, runner: TaskRunner) -> None:
        self._runner = runner
        self._pending.clear()
        self.forget_targets()

    def forget_targets(self) -> None:
        """The library changed (an import): `[[` completion reads its targets again."""
        self._targets, self._asked_targets = None, False

    # -- what is edited -------------------------------------------------------------------
    @property
    def target(self) -> str | None:
        return self._target

    def show_target(self, target: str | None, heading: str = "", date: str | None = None) -> None:
        """Edit the note of `item:<key>` or `paper:<key>` (None: nothing selected), the
        item's or paper's title in `heading`. Only the user's choice calls this: what the
        panel is attached to never changes behind the user's back (a refresh, an import),
        and a save goes to the target it was typed for."""
        if target == self._target:
            return
        self.build()
        self.flush()
        self._target, self._date = target, date
        self._loading = True
        if target is None:
            self.heading.setText("Select an item (J/K) to write a note on it.")
            self.editor.setPlainText("")
        else:
            kind = "paper" if target.startswith("paper:") else "item"
            self.heading.setText(f"Note on the {kind}: {heading}")
            text = self._pending.get(target)
            if text is None:
                text = self.unsaved().text(target)  # typed, its save not landed yet
            if text is None:
                text = self._library().user.note(target) or ""
            self.editor.setPlainText(text)
        self.editor.setEnabled(target is not None)
        self.history_button.setEnabled(target is not None)
        self._loading = False
        self._update_preview()
        self.refresh_ratings()

    def _typed(self) -> None:
        if self._loading or self._target is None:
            return
        self.status.setText("Editing…")
        self._autosave.start()
        self._preview.start()
        self._offer_links()

    def _popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None  # a QCompleter always has one
        return popup

    # -- `[[` completion ----------------------------------------------------------------------
    def _typed_link(self) -> re.Match[str] | None:
        cursor = self.editor.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        return _OPEN_LINK.search(before)

    def _offer_links(self) -> None:
        found = self._typed_link()
        if found is None:
            self._popup().hide()
            return
        if self._targets is None:
            if not self._asked_targets:
                self._asked_targets = True
                self._runner.run(lambda library, _task: library.user.link_targets(),
                                 on_done=self._targets_loaded)  # fmt: skip
            return
        shown = [text for _target, text in matches(self._targets, found.group(1), limit=20)]
        model = self.completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList(shown)
        if not shown:
            self._popup().hide()
            return
        rect = self.editor.cursorRect()
        rect.setWidth(min(560, self.editor.width()))
        self.completer.complete(rect)
        self._popup().setCurrentIndex(self.completer.completionModel().index(0, 0))

    def _targets_loaded(self, targets: object) -> None:
        assert isinstance(targets, list)
        self._targets = targets
        if self.editor.hasFocus():
            self._offer_links()

    def _complete(self, text: str) -> None:
        found = self._typed_link()
        if found is None:
            return
        cursor = self.editor.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(found.group(1))
        )
        cursor.insertText(f"{text}]]")
        self.editor.setTextCursor(cursor)

    # -- saving ---------------------------------------------------------------------------
    def flush(self) -> None:
        """Save now what was typed and not yet saved (focus left, another item, close)."""
        if self._autosave.isActive():
            self._autosave.stop()
            self.save("auto")

    def save(self, kind: str = "save") -> None:
        target, text, date = self._target, self.editor.toPlainText(), self._date
        if target is None:
            return
        self._autosave.stop()
        self._submit(target, text, date, kind)

    def _submit(self, target: str, text: str, date: str | None, kind: str) -> None:
        """Save `text` as the note of `target` on the worker; kept on disk until then."""
        self._pending[target] = text
        kept = self.unsaved()
        copy = kept.keep(target, text)  # before the save: a failure or a crash loses nothing

        def done(changes: object) -> None:
            self.changed.emit(changes)
            kept.saved(target, text)
            if self._pending.get(target) == text:
                del self._pending[target]
            if target == self._target:
                self.status.setText("Saved" if kind == "auto" else "Saved, revision kept")
                self.refresh_ratings()
            self.saved.emit(target, date or "")

        def failed(error: BaseException) -> None:
            if target == self._target:
                self.status.setText("Not saved! What you typed is kept.")
            where = f" in {copy}" if copy is not None else " here until kbapp closes"
            self.failed.emit(
                f"The note could not be saved: {error}. What you typed is kept{where}, "
                "and saved when you type again or next open this library."
            )

        self._runner.run(
            lambda library, _task: library.user.save_note(target, text, kind=kind),
            on_done=done,
            on_error=failed,
        )

    def unsaved(self) -> UnsavedNotes:
        """The texts of this library's notes kept until their save lands."""
        from kbapp.core.unsaved_notes import UnsavedNotes  # hashlib: after the first paint

        path = self._library().path
        if self._unsaved is None or self._unsaved.library != str(path.resolve()):
            self._unsaved = UnsavedNotes(path)
        return self._unsaved

    def recover(self) -> int:
        """Save the texts an earlier window kept and could not save (it failed, closed
        or died first); how many there were. Each is saved keeping a revision of the
        note it replaces."""
        kept = self.unsaved().all()
        for target, text in kept.items():
            if (self._library().user.note(target) or "") == text.strip() and text.strip():
                self.unsaved().saved(target, text)  # it did land: only the copy was left
                continue
            self._submit(target, text, None, "save")
        return len(kept)

    def apply(self, changes: Changes) -> None:
        """Another write changed the library: the note read again if it was changed
        there and nothing typed here waits to be saved (what is typed always wins and
        is saved over it), the rating history read again."""
        target = self._target
        if target is None or not self._built:
            return
        if changes.everything or changes.items:
            self.forget_targets()
        key = target.removeprefix("item:")
        noted = changes.everything or target in changes.notes or key in changes.notes
        if noted and target not in self._pending and not self._autosave.isActive():
            text = self._library().user.note(target) or ""
            if text != self.editor.toPlainText():
                cursor = self.editor.textCursor().position()
                self._loading = True
                self.editor.setPlainText(text)
                self._loading = False
                moved = self.editor.textCursor()
                moved.setPosition(min(cursor, len(text)))
                self.editor.setTextCursor(moved)
                self._update_preview()
        if changes.everything or key in changes.ratings:
            self.refresh_ratings()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return False

    # -- preview and history --------------------------------------------------------------
    def _update_preview(self) -> None:
        text = self.editor.toPlainText()
        self.preview.setHtml(render.note_html(text) if text.strip() else "")

    def refresh_ratings(self) -> None:
        """My rating of the item and each of its changes, newest first."""
        target = self._target
        history = []
        if target is not None and target.startswith("item:"):
            history = self._library().user.rating_history(target[5:])
        changes = [
            f"{'★' * stars if stars else 'cleared'} {at[:16].replace('T', ' ')}"
            for stars, at in reversed(history)
        ]
        self.ratings.setText("My rating: " + " ← ".join(changes) if changes else "")
        self.ratings.setVisible(bool(changes))

    def show_history(self) -> None:
        if self._target is None:
            return
        self.flush()
        from kbapp.ui.revisions import RevisionsDialog  # loaded when first asked for

        target = self._target
        dialog = RevisionsDialog(self._library(), target, self)
        self.history = dialog

        def restore() -> None:
            if dialog.chosen is not None and target == self._target:
                self._loading = True
                self.editor.setPlainText(dialog.chosen)
                self._loading = False
                self._update_preview()
                self.save("restore")

        dialog.accepted.connect(restore)
        dialog.open()
