"""The tag editor (T): my tags of the selected item or paper, comma-separated, with the
library's tags completed as they are typed (the tag being typed, after the last comma)."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class _LastTagCompleter(QCompleter):
    """Completes the text after the last comma, and keeps what came before it."""

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: object) -> str:
        widget = self.widget()
        before = widget.text().rsplit(",", 1)[0] if isinstance(widget, QLineEdit) else ""
        chosen = str(super().pathFromIndex(index))  # type: ignore[arg-type]
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        return f"{before}, {chosen}" if "," in text else chosen


def split_tags(text: str) -> list[str]:
    """The tags of the field's text: comma-separated, blanks dropped, each once (any case)."""
    found: dict[str, str] = {}
    for part in text.split(","):
        name = " ".join(part.split())
        if name:
            found.setdefault(name.casefold(), name)
    return list(found.values())


class TagEditor(QDialog):
    """Edit the tags of one item or paper; `tags()` is what the user chose."""

    def __init__(
        self, heading: str, current: list[str], known: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tagEditor")
        self.setWindowTitle("Tags")
        label = QLabel(heading, self)
        label.setWordWrap(True)
        self.field = QLineEdit(", ".join(current), self)
        self.field.setObjectName("tagField")
        self.field.setPlaceholderText("matting, video, to survey")
        completer = _LastTagCompleter(QStringListModel(known, self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.field.setCompleter(completer)
        hint = QLabel("Separate tags with commas. Existing tags are offered as you type.", self)
        hint.setObjectName("hint")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.field)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(460, 150)

    def tags(self) -> list[str]:
        return split_tags(self.field.text())
