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
from PySide6.QtGui import QColor, QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from irdesk.domain.phases import Phase
from irdesk.gui.common import formatting
from irdesk.gui.common.colours import readable, window_colour
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


# Fitting the card to a small screen: each try shrinks every line's type by this much,
# down to this share of the designed size (below it, text is too small to read anyway).
FIT_STEP = 0.9
SMALLEST_FIT = 0.2
# A word longer than this gets invisible break opportunities, so that a log line or a
# URL wraps instead of running off the screen or widening the window.
LONGEST_UNBROKEN = 24
ZERO_WIDTH_SPACE = "\u200b"


def breakable(text: str) -> str:
    """`text` as shown, with zero-width break opportunities inside very long words."""
    words = text.split(" ")
    if all(len(word) <= LONGEST_UNBROKEN for word in words):
        return text
    return " ".join(
        ZERO_WIDTH_SPACE.join(
            word[i : i + LONGEST_UNBROKEN] for i in range(0, len(word), LONGEST_UNBROKEN)
        )
        if len(word) > LONGEST_UNBROKEN
        else word
        for word in words
    )


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
        self.elapsed_label = self._label(1.25)
        self.note_label = self._label(1.0)
        if style.accent is not None:
            drawn_on = QColor(style.background) if style.background else window_colour()
            accent = readable(style.accent, drawn_on).name()
            for label in (self.clock_label, self.phase_label):
                label.setStyleSheet(f"color: {accent};")
        self._labels = (
            self.position_label,
            self.phase_label,
            self.clock_label,
            self.heading_label,
            self.text_label,
            self.elapsed_label,
            self.note_label,
        )
        # The designed size of each line's type; _fit shrinks them all alike to fit.
        self._designed = {label: label.font().pointSizeF() for label in self._labels}
        self._text_share = 1.0
        for label in self._labels:
            # The card decides how big the text is; the text never decides how wide the window is.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setWordWrap(True)

        # Likewise the card takes the room it is given and fits its type to it (_fit).
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        margin = int(24 * style.scale)
        layout.setContentsMargins(margin, margin // 2, margin, margin // 2)
        self._designed_spacing = int(10 * style.scale)
        layout.setSpacing(self._designed_spacing)
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
        # A long chat message gets smaller type than a one-liner, before any fitting.
        self._text_share = text_scale(len(text.text))
        self.position_label.setText(text.position)
        self.phase_label.setText(text.phase.upper())
        self.clock_label.setText(text.clock)
        self.heading_label.setText(breakable(text.heading))
        self.text_label.setText(breakable(text.text))
        self.elapsed_label.setText(text.elapsed)
        self.note_label.setText(breakable(text.note))
        self.note_label.setVisible(bool(text.note))
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _set_sizes(self, factor: float) -> None:
        self.layout().setSpacing(int(self._designed_spacing * factor))
        for label, designed in self._designed.items():
            size = designed * factor * (self._text_share if label is self.text_label else 1.0)
            if label.font().pointSizeF() != size:
                font = label.font()
                font.setPointSizeF(size)
                label.setFont(font)

    def _fit(self) -> None:
        """The largest type, up to the designed size, at which every line shows whole."""
        layout = self.layout()
        margins = layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        height = self.height() - margins.top() - margins.bottom()
        if width <= 0 or height <= 0:
            return
        shown = [label for label in self._labels if not label.isHidden()]
        factor = 1.0
        while True:
            self._set_sizes(factor)
            spacing = layout.spacing() * (layout.count() - 1)
            needed = spacing + sum(label.heightForWidth(width) for label in shown)
            if needed <= height or factor <= SMALLEST_FIT:
                break
            factor *= FIT_STEP

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
        self._fit()
