"""The user's preferences, read and written in one place, and the Settings dialog."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

LOAD_REMOTE_IMAGES = "images/load_remote"


def load_remote_images(settings: QSettings) -> bool:
    """On by default; off means only pictures already cached are shown (like mail)."""
    value = settings.value(LOAD_REMOTE_IMAGES, True)
    return value not in (False, "false", "0", 0)


class SettingsDialog(QDialog):
    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self._settings = settings
        self.remote_images = QCheckBox("Load remote images", self)
        self.remote_images.setObjectName("loadRemoteImages")
        self.remote_images.setChecked(load_remote_images(settings))
        hint = QLabel(
            "When off, kbapp makes no network request for pictures: only those already "
            "downloaded are shown, the others say so.",
            self,
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.remote_images)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def accept(self) -> None:
        self._settings.setValue(LOAD_REMOTE_IMAGES, self.remote_images.isChecked())
        super().accept()
