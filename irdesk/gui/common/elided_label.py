"""A one-line label that elides its text to the width it is given, never widening a window.

A real incident title can run to hundreds of characters; a plain QLabel asks for all
of them as its minimum width, and the window (or a splitter) grows to give it that.
This label asks for nothing, shows what fits with "…", and keeps the whole text in its
tooltip and its accessible name.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._full = ""
        self.set_full_text(text)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self.setAccessibleName(text)
        self._elide()

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = QFontMetrics(self.font())
        width = self.contentsRect().width()
        shown = (
            metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, width)
            if width > 0
            else self._full
        )
        if shown != self.text():
            super().setText(shown)
