"""A picture at full size: zoom with the wheel or +/-, 0 for 100 %, Esc closes; GIFs play."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeyEvent, QMovie, QPixmap, QWheelEvent
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

ZOOM_STEP = 1.25
ZOOM_RANGE = (0.1, 8.0)


class ImageViewer(QDialog):
    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setWindowTitle(title)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area = QScrollArea(self)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area.setWidget(self.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.area)
        self.zoom = 1.0
        self._movie: QMovie | None = None
        self._pixmap = QPixmap()
        movie = QMovie(str(path))
        if movie.isValid() and movie.frameCount() != 1:
            self._movie = movie
            movie.jumpToFrame(0)
            self._natural = movie.currentPixmap().size()
            self.label.setMovie(movie)
            movie.start()
        else:
            self._pixmap = QPixmap(str(path))
            self._natural = self._pixmap.size()
        self._apply()
        screen = self.screen().availableSize() if self.screen() else QSize(1200, 800)
        self.resize(
            min(self._natural.width() + 24, int(screen.width() * 0.9)),
            min(self._natural.height() + 24, int(screen.height() * 0.9)),
        )

    @property
    def natural_size(self) -> QSize:
        return QSize(self._natural)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = max(ZOOM_RANGE[0], min(ZOOM_RANGE[1], zoom))
        self._apply()

    def _apply(self) -> None:
        size = self._natural * self.zoom
        if self._movie is not None:
            self._movie.setScaledSize(size)
        elif not self._pixmap.isNull():
            self.label.setPixmap(
                self._pixmap.scaled(
                    size,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self.label.resize(size)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.set_zoom(self.zoom * ZOOM_STEP**steps)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.set_zoom(self.zoom * ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.set_zoom(self.zoom / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.set_zoom(1.0)
        else:
            super().keyPressEvent(event)  # Esc closes the dialog
