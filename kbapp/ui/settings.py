"""The user's preferences, read and written in one place, and the Settings dialog:
remote images, the reader's font and size, the theme, where the library is, and where
its backups go and how many are kept (the backup policy lives in its own file, beside
these settings, so that the commands read it too: `core.store.backups.Policy`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFontComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:  # the backups' module (and shutil) load with the dialog
    from kbapp.core.store.backups import Policy

LOAD_REMOTE_IMAGES = "images/load_remote"
READER_FAMILY = "reader/font_family"
READER_SIZE = "reader/font_size"
READER_ZOOM = "reader/zoom"
THEME = "appearance/theme"
THEMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
DEFAULT_SIZE = 10.5


def load_remote_images(settings: QSettings) -> bool:
    """On by default; off means only pictures already cached are shown (like mail)."""
    value = settings.value(LOAD_REMOTE_IMAGES, True)
    return value not in (False, "false", "0", 0)


def reader_font(settings: QSettings) -> tuple[str | None, float]:
    """The reader's font family (None: the system's) and size in points."""
    family = settings.value(READER_FAMILY, "")
    try:
        size = float(settings.value(READER_SIZE, DEFAULT_SIZE))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        size = DEFAULT_SIZE
    return (str(family) or None), min(max(size, 6.0), 32.0)


def reader_zoom(settings: QSettings) -> int:
    try:
        return int(settings.value(READER_ZOOM, 100))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 100


def theme_choice(settings: QSettings) -> str:
    value = str(settings.value(THEME, "system"))
    return value if value in THEMES else "system"


def apply_color_scheme(choice: str) -> None:
    """The whole window light or dark, or as the system has it (Qt 6.8's colour
    scheme hint; where the platform ignores it, the reader still follows)."""
    hints = QGuiApplication.styleHints()
    scheme = {
        "light": Qt.ColorScheme.Light,
        "dark": Qt.ColorScheme.Dark,
    }.get(choice, Qt.ColorScheme.Unknown)
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(scheme)


class SettingsDialog(QDialog):
    def __init__(
        self, settings: QSettings, parent: QWidget | None = None, library: Path | None = None
    ) -> None:
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
        from kbapp.ui.paper_lookup import LOOKUP_ONLINE, look_up_online

        self._lookup_key = LOOKUP_ONLINE
        self.lookup = QCheckBox("Look up paper details online", self)
        self.lookup.setObjectName("lookUpPapers")
        self.lookup.setChecked(look_up_online(settings))
        lookup_hint = QLabel(
            "After an import, kbapp asks arXiv (export.arxiv.org) for the new papers' "
            "authors, dates, categories and abstracts, and doi.org for the venue, volume "
            "and pages of those published. It sends their arXiv IDs and DOIs, nothing "
            "else. When off, only Library ▸ Look up paper details… asks.",
            self,
        )
        lookup_hint.setWordWrap(True)
        family, size = reader_font(settings)
        self.family = QFontComboBox(self)
        self.family.setObjectName("readerFamily")
        self.family.setCurrentFont(QFont(family) if family else self.font())
        self.font_size = QDoubleSpinBox(self)
        self.font_size.setObjectName("readerSize")
        self.font_size.setRange(6.0, 32.0)
        self.font_size.setSingleStep(0.5)
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(size)
        self.theme = QComboBox(self)
        self.theme.setObjectName("theme")
        for value, text in THEMES.items():
            self.theme.addItem(text, value)
        self.theme.setCurrentIndex(list(THEMES).index(theme_choice(settings)))
        from kbapp.ui.read_tracker import DEFAULT_DELAY_MS, DELAY_KEY, delay_setting

        self._delay_key = DELAY_KEY
        self.mark_read = QDoubleSpinBox(self)
        self.mark_read.setObjectName("markReadAfter")
        self.mark_read.setRange(0.0, 60.0)
        self.mark_read.setSingleStep(0.5)
        self.mark_read.setSuffix(" s in view")
        self.mark_read.setSpecialValueText("Only by hand (M)")
        self.mark_read.setValue(delay_setting(settings.value(DELAY_KEY, DEFAULT_DELAY_MS)) / 1000)
        updates = self._source_updates(settings)
        where = QLabel(str(library) if library else "", self)
        where.setObjectName("libraryPath")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setWordWrap(True)
        show = QPushButton("Open the library's folder", self)
        show.setObjectName("openLibraryFolder")
        show.setEnabled(library is not None)
        if library is not None:
            show.clicked.connect(lambda: open_library_folder(library))
        place = QHBoxLayout()
        place.addWidget(where, 1)
        place.addWidget(show)
        form = QFormLayout()
        form.addRow("Reader font", self.family)
        form.addRow("Size", self.font_size)
        form.addRow("Theme", self.theme)
        form.addRow("Mark items read after", self.mark_read)
        form.addRow("Update git sources", updates)
        form.addRow("Library", place)
        self._library = library
        from kbapp.core.store.backups import load_policy

        backups = self._backups_box(load_policy())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.remote_images)
        layout.addWidget(hint)
        layout.addWidget(self.lookup)
        layout.addWidget(lookup_hint)
        layout.addLayout(form)
        layout.addWidget(backups)
        layout.addWidget(buttons)

    def _source_updates(self, settings: QSettings) -> QHBoxLayout:
        """When the git sources are pulled without Library ▸ Update sources."""
        from kbapp.ui.sources import MAX_HOURS, SCHEDULES, update_schedule

        choice, hours = update_schedule(settings)
        self.source_updates = QComboBox(self)
        self.source_updates.setObjectName("sourceUpdates")
        for value, text in SCHEDULES.items():
            self.source_updates.addItem(text, value)
        self.source_updates.setCurrentIndex(list(SCHEDULES).index(choice))
        self.update_hours = QSpinBox(self)
        self.update_hours.setObjectName("sourceUpdateHours")
        self.update_hours.setRange(1, MAX_HOURS)
        self.update_hours.setSuffix(" hours")
        self.update_hours.setValue(hours)
        self.update_hours.setEnabled(choice == "hours")
        self.source_updates.currentIndexChanged.connect(
            lambda _i: self.update_hours.setEnabled(self.source_updates.currentData() == "hours")
        )
        row = QHBoxLayout()
        row.addWidget(self.source_updates)
        row.addWidget(self.update_hours)
        row.addStretch(1)
        return row

    def _backups_box(self, policy: Policy) -> QGroupBox:
        box = QGroupBox("Backups", self)
        self.backup_folder = QLineEdit(self)
        self.backup_folder.setObjectName("backupFolder")
        self.backup_folder.setText(str(policy.folder) if policy.folder else "")
        beside = self._library.parent / "backups" if self._library else "backups"
        self.backup_folder.setPlaceholderText("beside the library, in backups/")
        self.backup_folder.setToolTip(f"Empty: {beside}")
        self.backup_folder.setClearButtonEnabled(True)
        choose = QPushButton("Choose…", self)
        choose.setObjectName("chooseBackupFolder")
        choose.clicked.connect(self._choose_backup_folder)
        where = QHBoxLayout()
        where.addWidget(self.backup_folder, 1)
        where.addWidget(choose)
        self.keep: dict[str, QSpinBox] = {}
        counts = QHBoxLayout()
        for name, text in (("daily", "days"), ("weekly", "weeks"), ("monthly", "months")):
            spin = QSpinBox(self)
            spin.setObjectName(f"keep_{name}")
            spin.setRange(0, 1000)
            spin.setValue(policy.keep()[name])
            spin.setSuffix(f" {text}")
            self.keep[name] = spin
            counts.addWidget(spin)
        counts.addStretch(1)
        form = QFormLayout(box)
        form.addRow("Folder", where)
        form.addRow("Keep the newest of the last", counts)
        return box

    def _choose_backup_folder(self) -> None:
        start = self.backup_folder.text() or str(self._library.parent if self._library else "")
        folder = QFileDialog.getExistingDirectory(self, "Folder for the backups", start)
        if folder:
            self.backup_folder.setText(folder)

    def backup_policy(self) -> Policy:
        from kbapp.core.store.backups import Policy

        folder = self.backup_folder.text().strip()
        return Policy(
            Path(folder).expanduser() if folder else None,
            **{name: spin.value() for name, spin in self.keep.items()},
        )

    def accept(self) -> None:
        settings = self._settings
        settings.setValue(LOAD_REMOTE_IMAGES, self.remote_images.isChecked())
        settings.setValue(self._lookup_key, self.lookup.isChecked())
        family = self.family.currentFont().family()
        settings.setValue(READER_FAMILY, "" if family == self.font().family() else family)
        settings.setValue(READER_SIZE, self.font_size.value())
        settings.setValue(THEME, self.theme.currentData())
        settings.setValue(self._delay_key, round(self.mark_read.value() * 1000))
        from kbapp.ui.sources import HOURS_KEY, SCHEDULE_KEY

        settings.setValue(SCHEDULE_KEY, self.source_updates.currentData())
        settings.setValue(HOURS_KEY, self.update_hours.value())
        from kbapp.core.store.backups import load_policy, save_policy

        policy = self.backup_policy()
        if policy != load_policy():
            try:
                save_policy(policy)
            except OSError as error:
                QMessageBox.warning(
                    self, "Settings", f"Could not save the backup settings: {error}"
                )
                return
        super().accept()


def open_library_folder(library: Path) -> None:
    """The folder the library file is in, in the file manager."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(library.parent)))
