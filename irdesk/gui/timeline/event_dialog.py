"""Add an event to the timeline, or correct one: time in the user's own zone, kind, text, reason.

Bad input (a time irdesk cannot read, no text, a correction without a reason)
is named under the fields and the dialog stays open; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.enums import EventKind
from irdesk.gui.common import formatting
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.timeline.walk_model import kind_text

if TYPE_CHECKING:
    from irdesk.storage.reads.timeline_records import RecordEvent


TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
ACCEPTED_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
CLOCK_FORMATS = ("%H:%M:%S", "%H:%M")


def local_zone_name() -> str:
    return datetime.now().astimezone().tzname() or "local time"


def parse_local_time(text: str, day: date) -> datetime:
    """'2026-10-14 09:36', or '09:36' on `day`, in the user's zone; ValueError otherwise."""
    cleaned = " ".join(text.split())
    for fmt in ACCEPTED_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).astimezone()
        except ValueError:
            continue
    for fmt in CLOCK_FORMATS:
        try:
            clock = datetime.strptime(cleaned, fmt).time()  # noqa: DTZ007
        except ValueError:
            continue
        return datetime.combine(day, clock).astimezone()
    raise ValueError(
        f"“{text}” is not a time irdesk can read; write it as "
        f"{day.isoformat()} 09:36:00 or 09:36 ({local_zone_name()})"
    )


@dataclass(frozen=True)
class EventInput:
    occurred_at: datetime
    kind: EventKind
    text: str
    reason: str


class EventDialog(QDialog):
    """`EventDialog.adding(...)` or `EventDialog.correcting(...)`; read `value()` once accepted."""

    def __init__(
        self,
        *,
        title: str,
        when: datetime,
        text: str,
        kind: EventKind | None,
        correcting: RecordEvent | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.correcting = correcting
        self._day = when.astimezone().date()
        self._value: EventInput | None = None

        self.time_edit = QLineEdit(formatting.local_time(when, TIME_FORMAT))
        self.time_edit.setToolTip(f"Your local time ({local_zone_name()}); 09:36 means that day")
        self.kind_combo = QComboBox()
        for each in EventKind:
            self.kind_combo.addItem(kind_text(each), each)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind or EventKind.ACTION)))
        self.text_edit = QLineEdit(text)
        self.text_edit.setPlaceholderText("What happened, e.g. called the database team")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("Why, e.g. PagerDuty's clock was 4 minutes fast")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(formatting.WARNING_STYLE)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()

        form = QFormLayout()
        form.addRow(f"&Time ({local_zone_name()}):", self.time_edit)
        if correcting is None:
            form.addRow("&Kind:", self.kind_combo)
        form.addRow("&What happened:", self.text_edit)
        if correcting is not None:
            form.addRow("&Reason:", self.reason_edit)
            original = QLabel(self._original_text(correcting))
            original.setWordWrap(True)
            original.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow("Source said:", original)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        fit_to_screen(self, 560, self.sizeHint().height())
        (self.reason_edit if correcting is not None else self.text_edit).setFocus()

    @classmethod
    def adding(cls, when: datetime, parent: QWidget | None = None) -> EventDialog:
        return cls(title="Add Event", when=when, text="", kind=None, correcting=None, parent=parent)

    @classmethod
    def correcting_event(cls, event: RecordEvent, parent: QWidget | None = None) -> EventDialog:
        return cls(
            title="Correct Event",
            when=event.occurred_at,
            text=event.text,
            kind=event.kind,
            correcting=event,
            parent=parent,
        )

    @staticmethod
    def _original_text(event: RecordEvent) -> str:
        when = event.original_occurred_at or event.occurred_at
        text = event.original_text if event.original_text is not None else event.text
        return f"{formatting.local_time(when, TIME_FORMAT)}  “{text}”"

    def value(self) -> EventInput | None:
        return self._value

    def accept(self) -> None:
        problems = []
        when: datetime | None = None
        try:
            when = parse_local_time(self.time_edit.text(), self._day)
        except ValueError as exc:
            problems.append(f"Time: {exc}")
        text = self.text_edit.text().strip()
        if not text:
            problems.append("What happened: say what happened; an event needs a text.")
        reason = self.reason_edit.text().strip()
        if self.correcting is not None:
            if not reason:
                problems.append("Reason: say why; the reason is kept with the correction.")
            elif (
                when is not None
                and when == self.correcting.occurred_at
                and (text == self.correcting.text)
            ):
                problems.append("Nothing changed: edit the time or the text to correct it.")
        if problems or when is None:
            self.error_label.setText("\n".join(problems))
            self.error_label.show()
            return
        self._value = EventInput(when, self.kind_combo.currentData(), text, reason)
        super().accept()
