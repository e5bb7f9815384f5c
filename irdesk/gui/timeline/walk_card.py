"""The current event, large and centred: what walk mode and the presenter window show.

`walk_text` works out the words (pure, testable without a widget); `WalkCard`
lays them out at a given scale and palette. The card shows timeline content
only: the event, its phase, where it sits in time. Nothing from the review
(findings, feedback notes) ever reaches it, so sharing it on a projector
cannot reveal them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from irdesk.domain.phases import Phase
from irdesk.gui.common import formatting
from irdesk.gui.timeline.walk_model import (
    ADDED_MARK,
    CORRECTED_MARK,
    KEY_MOMENT_MARK,
    correction_text,
    kind_text,
)

if TYPE_CHECKING:
    from irdesk.storage.reads.timeline_records import RecordEvent


@dataclass(frozen=True)
class WalkText:
    position: str  # "17 of 5,000"
    phase: str
    clock: str  # "Tue 14 Oct 09:36:00"
    heading: str  # "★ alert · prometheus · Ada Lovelace"
    text: str
    elapsed: str  # "T+4m since impact started · +2m after the previous event"
    note: str  # correction or "added by the facilitator"


def signed_duration(seconds: float) -> str:
    return ("+" if seconds >= 0 else "") + formatting.duration_text(seconds)


def walk_text(
    event: RecordEvent,
    *,
    position: int,
    count: int,
    phase: Phase,
    previous: RecordEvent | None,
    impact_start: datetime | None,
) -> WalkText:
    marks = []
    if event.is_key_moment:
        marks.append(KEY_MOMENT_MARK)
    if event.corrected:
        marks.append(CORRECTED_MARK)
    parts = [kind_text(event.kind), event.source]
    if event.actor:
        parts.append(event.actor)
    heading = " · ".join(parts)
    if marks:
        heading = f"{' '.join(marks)} {heading}"
    if impact_start is not None:
        since_start = (event.occurred_at - impact_start).total_seconds()
        start_text = f"T{signed_duration(since_start)} since impact started"
    else:
        start_text = "impact start not known"
    if previous is not None:
        gap = (event.occurred_at - previous.occurred_at).total_seconds()
        previous_text = f"{signed_duration(gap)} after the previous event"
    else:
        previous_text = "first event"
    notes = []
    if event.corrected:
        notes.append(correction_text(event))
    if event.added_by_facilitator:
        notes.append(f"{ADDED_MARK} Added by the facilitator")
    return WalkText(
        position=f"{position:,} of {count:,}",
        phase=phase.value,
        clock=formatting.local_time(event.occurred_at, "%a %d %b  %H:%M:%S"),
        heading=heading,
        text=event.text,
        elapsed=f"{start_text}  ·  {previous_text}",
        note="  ".join(notes),
    )


# (characters up to, share of the full text size): a tweet-length text at full size.
TEXT_SCALES = ((160, 1.0), (320, 0.75), (640, 0.55), (1200, 0.42))
SMALLEST_TEXT_SCALE = 0.34


def text_scale(length: int) -> float:
    return next((share for limit, share in TEXT_SCALES if length <= limit), SMALLEST_TEXT_SCALE)


@dataclass(frozen=True)
class CardStyle:
    background: str | None  # None: the window's own
    text: str | None
    accent: str | None
    scale: float  # times the application font


NORMAL = CardStyle(background=None, text=None, accent="#0b57d0", scale=1.0)
PROJECTOR = CardStyle(background="#000000", text="#ffffff", accent="#ffd600", scale=2.5)


class WalkCard(QWidget):
    """Shows one `WalkText`; `clear` for no event."""

    def __init__(self, style: CardStyle = NORMAL, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card_style = style
        if style.background is not None:
            self.setAutoFillBackground(True)
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.Window, QColor(style.background))
            palette.setColor(QPalette.ColorRole.WindowText, QColor(style.text or "#ffffff"))
            self.setPalette(palette)
        self.position_label = self._label(1.0)
        self.phase_label = self._label(1.15, bold=True)
        self.clock_label = self._label(2.0, bold=True)
        self.heading_label = self._label(1.3)
        self.text_label = self._label(2.3, bold=True)
        self._text_size = self.text_label.font().pointSizeF()
        self.text_label.setWordWrap(True)
        self.elapsed_label = self._label(1.25)
        self.elapsed_label.setWordWrap(True)
        self.note_label = self._label(1.0)
        self.note_label.setWordWrap(True)
        if style.accent is not None:
            for label in (self.clock_label, self.phase_label):
                label.setStyleSheet(f"color: {style.accent};")
        self.text_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

        layout = QVBoxLayout(self)
        margin = int(24 * style.scale)
        layout.setContentsMargins(margin, margin // 2, margin, margin // 2)
        layout.setSpacing(int(10 * style.scale))
        layout.addWidget(self.position_label)
        layout.addStretch(1)
        layout.addWidget(self.phase_label)
        layout.addWidget(self.clock_label)
        layout.addWidget(self.heading_label)
        layout.addWidget(self.text_label)
        layout.addWidget(self.elapsed_label)
        layout.addWidget(self.note_label)
        layout.addStretch(2)
        self.clear()

    def _label(self, size: float, *, bold: bool = False) -> QLabel:
        label = QLabel()
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        label.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * size * self.card_style.scale)
        font.setBold(bold)
        label.setFont(font)
        return label

    def show_text(self, text: WalkText) -> None:
        # A long chat message still fits the screen: the longer the text, the smaller the type.
        size = self._text_size * text_scale(len(text.text))
        if size != self.text_label.font().pointSizeF():
            font = self.text_label.font()
            font.setPointSizeF(size)
            self.text_label.setFont(font)
        self.position_label.setText(text.position)
        self.phase_label.setText(text.phase.upper())
        self.clock_label.setText(text.clock)
        self.heading_label.setText(text.heading)
        self.text_label.setText(text.text)
        self.elapsed_label.setText(text.elapsed)
        self.note_label.setText(text.note)
        self.note_label.setVisible(bool(text.note))

    def clear(self, message: str = "No event to show") -> None:
        for label in (
            self.position_label,
            self.phase_label,
            self.clock_label,
            self.heading_label,
            self.elapsed_label,
            self.note_label,
        ):
            label.setText("")
        self.text_label.setText(message)
