"""Presenter mode: the walk, full screen, high contrast and large, on the projector.

The window follows the Timeline tab's current event and shows timeline content
only (the incident's title, the ruler, the current event): it holds no
reference to any review, finding or feedback note, so sharing it cannot reveal
them. It takes the stepping keys itself (a clicker talks to whichever window
has focus) and Esc closes it; the facilitator's window keeps working meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPalette,
    QResizeEvent,
    QScreen,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from irdesk.gui.timeline.time_ruler import HIGH_CONTRAST, TimeRuler
from irdesk.gui.timeline.walk_card import PROJECTOR, WalkCard, WalkText

if TYPE_CHECKING:
    from irdesk.storage.reads.timeline_records import IncidentTimeline, RecordEvent


BACKGROUND = "#000000"
FOREGROUND = "#ffffff"


def screen_label(number: int, screen: QScreen) -> str:
    """'&1  HDMI-1 (1920×1080)' for the View › Present On menu."""
    size = screen.geometry().size()
    name = screen.name() or screen.model() or f"Screen {number}"
    name = name.replace("&", "&&")  # "&" marks an accelerator in menu text
    return f"&{number}  {name} ({size.width()}×{size.height()})"


class PresenterWindow(QWidget):
    key_pressed = Signal(QKeyEvent)  # stepping keys, for the tab to act on
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        # A window of its own (parent kept only for lifetime), so it can be full screen elsewhere.
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("irdesk — presenting")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(BACKGROUND))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(FOREGROUND))
        self.setPalette(palette)
        self.setCursor(Qt.CursorShape.BlankCursor)

        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # One line, elided: a long title must leave the room to the event, not push it off.
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._title = ""
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 2.8)
        font.setBold(True)
        self.title_label.setFont(font)
        self.ruler = TimeRuler(HIGH_CONTRAST)
        self.card = WalkCard(PROJECTOR)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.addWidget(self.title_label)
        layout.addWidget(self.ruler)
        layout.addWidget(self.card, 1)

    def show_record(self, record: IncidentTimeline | None, events: Sequence[RecordEvent]) -> None:
        """The incident and the events shown in the tab (its filters apply here too)."""
        self._title = record.detail.incident.title if record is not None else ""
        self._show_title()
        self.ruler.set_timeline(
            [e.occurred_at for e in events],
            [e.is_key_moment for e in events],
            record.lifecycle if record is not None else {},
        )

    def show_current(self, index: int | None, text: WalkText | None) -> None:
        self.ruler.set_current(index)
        if text is None:
            self.card.clear("No event to show")
        else:
            self.card.show_text(text)

    def present_on(self, screen: QScreen) -> None:
        """Full screen on `screen` (the projector), or the only screen there is."""
        if self.isVisible():
            self.showNormal()
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.activateWindow()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_title()

    def _show_title(self) -> None:
        metrics = QFontMetrics(self.title_label.font())
        width = self.title_label.width()
        self.title_label.setText(
            metrics.elidedText(self._title, Qt.TextElideMode.ElideRight, width)
            if width > 0
            else self._title
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        event.ignore()
        self.key_pressed.emit(event)
        if not event.isAccepted():
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.closed.emit()
