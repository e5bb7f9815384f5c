"""The Timeline tab's table: one incident's events with their phase, filtered by source, kind and words.

The model filters itself (a list of the events that pass) rather than sitting
behind a QSortFilterProxyModel: the timeline is always in time order, walk
mode steps through exactly the rows shown, and a Python filter over a list is
quicker than thousands of `filterAcceptsRow` calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from irdesk.domain.enums import EventKind
from irdesk.domain.phases import Phase, PhaseLookup
from irdesk.gui.common import formatting
from irdesk.gui.common.row_table_model import AnyIndex, RowTableModel

if TYPE_CHECKING:
    from irdesk.storage.reads.timeline_records import IncidentTimeline, RecordEvent


COL_TIME = 0
COL_PHASE = 1
COL_KIND = 2
COL_SOURCE = 3
COL_ACTOR = 4
COL_TEXT = 5
HEADERS = ("Time", "Phase", "Kind", "Source", "Actor", "What happened")

KEY_MOMENT_MARK = "★"
CORRECTED_MARK = "✎"
ADDED_MARK = "+"
EVENT_ID_ROLE = Qt.ItemDataRole.UserRole + 10

# The phase column's tint (lightened) and the ruler's bands; the phase's name carries the meaning.
PHASE_COLOURS: dict[Phase, str] = {
    Phase.UNKNOWN: "#9e9e9e",
    Phase.BEFORE: "#9e9e9e",
    Phase.DETECTING: "#d32f2f",
    Phase.RESPONDING: "#f57c00",
    Phase.MITIGATING: "#fbc02d",
    Phase.RECOVERING: "#1976d2",
    Phase.VERIFYING: "#7b1fa2",
    Phase.AFTER: "#388e3c",
}


def _tint(colour: str, strength: float = 0.38) -> QColor:
    """The colour mixed with white: a pale cell behind dark text, equally pale for every phase."""
    base = QColor(colour)
    r, g, b = (strength * c + (1 - strength) for c in (base.redF(), base.greenF(), base.blueF()))
    return QColor.fromRgbF(r, g, b)


def kind_text(kind: EventKind) -> str:
    return kind.value.replace("_", " ")


def correction_text(event: RecordEvent) -> str:
    """'✎ Corrected by maria: clock was fast. Was 09:37:00 “p99 high”.'"""
    if not event.corrected:
        return ""
    was = []
    if event.original_occurred_at is not None:
        was.append(formatting.local_time(event.original_occurred_at, "%Y-%m-%d %H:%M:%S"))
    if event.original_text is not None:
        was.append(f"“{event.original_text}”")
    who = event.corrected_by or "a facilitator"
    reason = f": {event.correction_reason}" if event.correction_reason else ""
    original = f" Originally {' '.join(was)}." if was else ""
    return f"{CORRECTED_MARK} Corrected by {who}{reason}.{original}"


@dataclass
class TimelineFilter:
    """What the room asked to see: empty sets and text mean everything."""

    sources: frozenset[str] = frozenset()
    kinds: frozenset[EventKind] = frozenset()
    words: tuple[str, ...] = field(default=())

    @classmethod
    def of(
        cls, sources: Sequence[str] = (), kinds: Sequence[EventKind] = (), text: str = ""
    ) -> TimelineFilter:
        return cls(frozenset(sources), frozenset(kinds), tuple(text.casefold().split()))

    def accepts(self, event: RecordEvent) -> bool:
        if self.sources and event.source not in self.sources:
            return False
        if self.kinds and event.kind not in self.kinds:
            return False
        if self.words:
            haystack = f"{event.text} {event.actor or ''} {event.source} {event.kind.value}"
            folded = haystack.casefold()
            return all(word in folded for word in self.words)
        return True

    @property
    def active(self) -> bool:
        return bool(self.sources or self.kinds or self.words)


class WalkTimelineModel(RowTableModel["RecordEvent"]):
    """The events that pass the filter, in time order, with the phase each falls in."""

    headers = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.record: IncidentTimeline | None = None
        self.all_events: tuple[RecordEvent, ...] = ()
        self.filter = TimelineFilter()
        self._phase: dict[int, Phase] = {}
        self._first: datetime | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self._phase_brushes = {phase: _tint(colour) for phase, colour in PHASE_COLOURS.items()}
        self._phase_text = QColor("#111111")
        self._row_index: dict[int, int] = {}

    def set_record(self, record: IncidentTimeline | None) -> None:
        self.record = record
        self.all_events = record.events if record is not None else ()
        lookup = PhaseLookup(record.lifecycle if record is not None else {})
        self._phase = {event.id: lookup.phase_at(event.occurred_at) for event in self.all_events}
        self._first = self.all_events[0].occurred_at if self.all_events else None
        self._apply_filter()

    def set_filter(self, new: TimelineFilter) -> None:
        self.filter = new
        self._apply_filter()

    def _apply_filter(self) -> None:
        accepts = self.filter.accepts
        shown = (
            [e for e in self.all_events if accepts(e)] if self.filter.active else self.all_events
        )
        self.set_rows(shown)

    def phase_of(self, event: RecordEvent) -> Phase:
        return self._phase.get(event.id, Phase.UNKNOWN)

    def _rows_replaced(self) -> None:
        self._row_index = {event.id: row for row, event in enumerate(self._rows)}

    def row_of_event(self, event_id: int) -> int | None:
        return self._row_index.get(event_id)

    def events(self) -> list[RecordEvent]:
        return self._rows

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        event = self._row_for(index)
        if event is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(event, column)
        if role == EVENT_ID_ROLE:
            return event.id
        if role == Qt.ItemDataRole.FontRole and event.is_key_moment:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and column == COL_PHASE:
            return self._phase_brushes[self.phase_of(event)]
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_PHASE:
            return self._phase_text
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(event, column)
        return None

    def _display(self, event: RecordEvent, column: int) -> str:
        if column == COL_TIME:
            assert self._first is not None
            clock = formatting.day_offset_time(event.occurred_at, self._first)
            return f"{clock} {CORRECTED_MARK}" if event.corrected else clock
        if column == COL_PHASE:
            return self.phase_of(event).value
        if column == COL_KIND:
            text = kind_text(event.kind)
            return f"{KEY_MOMENT_MARK} {text}" if event.is_key_moment else text
        if column == COL_SOURCE:
            return f"{ADDED_MARK} {event.source}" if event.added_by_facilitator else event.source
        if column == COL_ACTOR:
            return event.actor or formatting.MISSING
        if column == COL_TEXT:
            # One line per row keeps thousands of events quick to scroll; walk mode shows it all.
            return event.text.replace("\n", " ⏎ ")
        return ""

    @staticmethod
    def _tooltip(event: RecordEvent, column: int) -> str | None:
        lines = []
        if column == COL_TIME:
            lines.append(formatting.local_time(event.occurred_at, "%Y-%m-%d %H:%M:%S %Z"))
        if column == COL_TEXT and event.text:
            lines.append(event.text)
        if event.is_key_moment:
            lines.append(f"{KEY_MOMENT_MARK} Key moment")
        if event.added_by_facilitator:
            lines.append(f"{ADDED_MARK} Added by the facilitator")
        if event.corrected:
            lines.append(correction_text(event))
        return "\n".join(lines) or None
