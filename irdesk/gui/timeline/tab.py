"""The Timeline tab: the selected incident's merged timeline, its time ruler, and walk mode.

Above the table, a search box (Ctrl+F while the tab has focus) and filters by
source and kind narrow what is shown; the ruler and walk mode follow what is
shown. Walk mode (F5, Esc leaves) replaces the table with the current event,
large and centred, stepped with →/←, PageDown/PageUp (what presentation
clickers send), Space/Backspace and Home/End; K marks or unmarks it as a key
moment. The tab only says what was asked (`key_moment_requested`); edits are
the window's business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.enums import EventKind
from irdesk.gui.common.colours import make_quiet
from irdesk.gui.common.elided_label import ElidedLabel
from irdesk.gui.common.no_match import NoMatchNotice
from irdesk.gui.timeline.time_ruler import TimeRuler
from irdesk.gui.timeline.walk_card import WalkCard, WalkText, walk_text
from irdesk.gui.timeline.walk_model import (
    COL_ACTOR,
    COL_KIND,
    COL_PHASE,
    COL_SOURCE,
    COL_TEXT,
    COL_TIME,
    TimelineFilter,
    WalkTimelineModel,
    kind_text,
)

if TYPE_CHECKING:
    from irdesk.storage.reads.timeline_records import IncidentTimeline, RecordEvent


ALL_SOURCES = "All sources"
# No Alt key: Alt+W opens the Review menu, and F5 walks from anywhere.
WALK_BUTTON = "Walk (F5)"
ALL_KINDS = "All kinds"
# The keys walk mode answers, as (keys, what they do): its hint line and Help's list.
WALK_KEYS = (
    ("→ / Space / PageDown", "next"),
    ("← / PageUp", "previous"),
    ("Home / End", "first / last"),
    ("K", "key moment"),
    ("Esc", "back to the list"),
)
WALK_HINT = "  ·  ".join(f"{keys} {what}" for keys, what in WALK_KEYS)
# Keys that step the walk, as (key, step); None: to the first / last event.
STEP_KEYS: dict[Qt.Key, int] = {
    Qt.Key.Key_Right: 1,
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_PageDown: 1,
    Qt.Key.Key_Space: 1,
    Qt.Key.Key_Left: -1,
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_PageUp: -1,
    Qt.Key.Key_Backspace: -1,
}
JUMP_KEYS = {Qt.Key.Key_Home: 0, Qt.Key.Key_End: -1}


def is_find(event: QKeyEvent) -> bool:
    return event.matches(QKeySequence.StandardKey.Find) or (
        event.key() == Qt.Key.Key_F and event.modifiers() == Qt.KeyboardModifier.ControlModifier
    )


class _WalkPage(QWidget):
    """Walk mode's page: takes the stepping keys while it has focus."""

    key_pressed = Signal(QKeyEvent)

    def __init__(self, card: WalkCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = card
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Walk mode")
        self.setAccessibleDescription(WALK_HINT)
        self.hint = QLabel(WALK_HINT)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        make_quiet(self.hint)  # quieter than the event, still readable (not disabled grey)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(card, 1)
        layout.addWidget(self.hint)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.key_pressed.emit(event)
        if not event.isAccepted():
            super().keyPressEvent(event)


class TimelineTab(QWidget):
    current_event_changed = Signal(object)  # RecordEvent | None, after any move or reload
    walk_mode_changed = Signal(bool)
    key_moment_requested = Signal()
    timeline_shown = Signal()  # a record (or nothing) was put on screen

    PLACEHOLDER = "Select an incident to walk its timeline."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = WalkTimelineModel(self)
        self.record: IncidentTimeline | None = None
        self.current_row: int | None = None
        self.walking = False
        self._moving = False

        self.title_label = ElidedLabel(self.PLACEHOLDER)
        title_font = self.title_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.2)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search the timeline (Ctrl+F)")
        self.search_edit.setAccessibleName("Search the timeline")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._filters_changed)
        self.source_combo = QComboBox()
        self.source_combo.setToolTip("Show the events of one source only")
        self.source_combo.setAccessibleName("Source")
        self.source_combo.currentIndexChanged.connect(self._filters_changed)
        self.kind_combo = QComboBox()
        self.kind_combo.setToolTip("Show the events of one kind only")
        self.kind_combo.setAccessibleName("Kind of event")
        self.kind_combo.addItem(ALL_KINDS, None)
        for kind in EventKind:
            self.kind_combo.addItem(kind_text(kind), kind)
        self.kind_combo.currentIndexChanged.connect(self._filters_changed)
        self.count_label = QLabel()
        self.walk_button = QPushButton(WALK_BUTTON)
        self.walk_button.setToolTip("Step through the events one at a time, large")
        self.walk_button.clicked.connect(self.toggle_walk)

        self.ruler = TimeRuler()
        self.ruler.event_clicked.connect(self.move_to)

        self.table = QTableView()
        self._setup_table()
        self.no_match = NoMatchNotice(self.table, self._no_match_text)
        self.card = WalkCard()
        self.walk_page = _WalkPage(self.card)
        self.walk_page.key_pressed.connect(self._walk_key)
        self.placeholder = QLabel(self.PLACEHOLDER)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        make_quiet(self.placeholder)
        self.pages = QStackedWidget()
        for page in (self.placeholder, self.table, self.walk_page):
            self.pages.addWidget(page)

        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.source_combo)
        filters.addWidget(self.kind_combo)
        filters.addWidget(self.count_label)
        filters.addWidget(self.walk_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(filters)
        layout.addWidget(self.ruler)
        layout.addWidget(self.pages, 1)

        # Ctrl+F inside the tab searches the timeline, not the incident list.
        for widget in (self.table, self.walk_page, self.search_edit, self.ruler):
            widget.installEventFilter(self)
        self.clear()

    def _setup_table(self) -> None:
        view = self.table
        view.setModel(self.model)
        view.setAccessibleName("Timeline events")
        view.setAccessibleDescription(
            "One row per event shown, in time order, with its phase; Enter walks from the event"
        )
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = view.verticalHeader()
        vertical.hide()
        # Fixed heights: thousands of rows open without measuring each one.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        metrics = view.fontMetrics()
        widths = {
            COL_TIME: "+10d 00:00:00 ✎",
            COL_PHASE: "before impact ",
            COL_KIND: "★ status change",
            COL_SOURCE: "+ statuspage",
            COL_ACTOR: "Firstname Lastnam",
        }
        for column, sample in widths.items():
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 16)
        assert len(widths) == COL_TEXT
        view.selectionModel().currentRowChanged.connect(self._table_row_changed)
        view.doubleClicked.connect(lambda _index: self.enter_walk())

    # ----------------------------------------------------------------- showing

    def clear(self, message: str | None = None) -> None:
        self.record = None
        self.model.set_record(None)
        self.title_label.set_full_text(message or self.PLACEHOLDER)
        self.placeholder.setText(message or self.PLACEHOLDER)
        self._fill_sources([])
        self.ruler.set_timeline([], [], {})
        self.count_label.setText("")
        self.current_row = None
        if self.walking:
            self.leave_walk()
        self.pages.setCurrentWidget(self.placeholder)
        self.current_event_changed.emit(None)
        self.timeline_shown.emit()

    def show_record(self, record: IncidentTimeline, *, keep_event: int | None = None) -> None:
        """Show `record`; `keep_event` (an event id) stays current if it is still shown."""
        same_incident = self.record is not None and self.record.incident_id == record.incident_id
        if keep_event is None and same_incident and self.current_event() is not None:
            current = self.current_event()
            keep_event = current.id if current is not None else None
        self.record = record
        incident = record.detail.incident
        self.title_label.set_full_text(
            f"{incident.title}  ·  {incident.source}:{incident.external_id}"
        )
        if not same_incident:
            self._reset_filters(record)
        else:
            self._fill_sources(sorted({e.source for e in record.events}))
        self.model.set_record(record)
        self._after_rows_changed(keep_event)
        if not self.walking:
            self.pages.setCurrentWidget(self.table)
        self.timeline_shown.emit()

    def _reset_filters(self, record: IncidentTimeline) -> None:
        for widget in (self.search_edit, self.source_combo, self.kind_combo):
            widget.blockSignals(True)
        self.search_edit.clear()
        self.kind_combo.setCurrentIndex(0)
        self._fill_sources(sorted({e.source for e in record.events}))
        self.source_combo.setCurrentIndex(0)
        for widget in (self.search_edit, self.source_combo, self.kind_combo):
            widget.blockSignals(False)
        self.model.filter = TimelineFilter()

    def _fill_sources(self, sources: list[str]) -> None:
        chosen = self.source_combo.currentData()
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        self.source_combo.addItem(ALL_SOURCES, None)
        for source in sources:
            self.source_combo.addItem(source, source)
        at = self.source_combo.findData(chosen) if chosen is not None else 0
        self.source_combo.setCurrentIndex(max(at, 0))
        self.source_combo.blockSignals(False)

    def _filters_changed(self, *_args: object) -> None:
        if self.record is None:
            return
        current = self.current_event()
        source = self.source_combo.currentData()
        kind = self.kind_combo.currentData()
        self.model.set_filter(
            TimelineFilter.of(
                sources=[source] if source else [],
                kinds=[kind] if kind else [],
                text=self.search_edit.text(),
            )
        )
        self._after_rows_changed(current.id if current is not None else None)

    def _no_match_text(self) -> str | None:
        if self.record is None or not self.model.all_events:
            return None
        text = self.search_edit.text().strip()
        if text:
            return f"No event matches “{text}”."
        if self.source_combo.currentData() or self.kind_combo.currentData():
            return "No event of this source and kind."
        return None

    def _after_rows_changed(self, keep_event: int | None) -> None:
        self.no_match.update_notice()  # another search may empty the table another way
        events = self.model.events()
        lifecycle = self.record.lifecycle if self.record is not None else {}
        self.ruler.set_timeline(
            [e.occurred_at for e in events], [e.is_key_moment for e in events], lifecycle
        )
        total = len(self.model.all_events)
        shown = len(events)
        self.count_label.setText(
            f"{shown:,} events" if shown == total else f"{shown:,} of {total:,} events"
        )
        row = self.model.row_of_event(keep_event) if keep_event is not None else None
        if row is None and events:
            row = 0
        self.current_row = None
        self.move_to(row)

    # ------------------------------------------------------------------ moving

    def current_event(self) -> RecordEvent | None:
        if self.current_row is None or not 0 <= self.current_row < self.model.rowCount():
            return None
        return self.model.row_at(self.current_row)

    def move_to(self, row: int | None) -> None:
        """Make `row` (of the shown events) current, in the table, the ruler and the walk card."""
        count = self.model.rowCount()
        if row is not None:
            row = max(0, min(row, count - 1)) if count else None
        if row == self.current_row and row is not None:
            return
        self.current_row = row
        self.ruler.set_current(row)
        if row is not None:
            self._moving = True
            try:
                index = self.model.index(row, COL_TEXT)
                self.table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                if not self.walking:
                    self.table.scrollTo(index)
            finally:
                self._moving = False
        self._show_walk_text()
        self.current_event_changed.emit(self.current_event())

    def step(self, delta: int) -> None:
        if self.current_row is None:
            self.move_to(0)
        else:
            self.move_to(self.current_row + delta)

    def walk_text(self) -> WalkText | None:
        event = self.current_event()
        if event is None or self.record is None or self.current_row is None:
            return None
        previous = self.model.row_at(self.current_row - 1) if self.current_row > 0 else None
        return walk_text(
            event,
            position=self.current_row + 1,
            count=self.model.rowCount(),
            phase=self.model.phase_of(event),
            previous=previous,
            impact_start=self.record.lifecycle.get("started_at"),
        )

    def _show_walk_text(self) -> None:
        if not self.walking:
            return
        text = self.walk_text()
        if text is None:
            if self.record is None:
                message = "No incident"
            elif not self.model.all_events:
                message = "This incident has no timeline events yet"
            else:
                message = "No event matches the filters"
            self.card.clear(message)
        else:
            self.card.show_text(text)

    def _table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._moving and current.isValid():
            self.move_to(current.row())

    # -------------------------------------------------------------- walk mode

    def enter_walk(self) -> bool:
        if self.record is None:
            return False
        if not self.walking:
            self.walking = True
            self.pages.setCurrentWidget(self.walk_page)
            self._show_walk_text()
            self.walk_button.setText("&Back to List (Esc)")
            self.walk_mode_changed.emit(True)
        self.walk_page.setFocus()
        return True

    def leave_walk(self) -> None:
        if not self.walking:
            return
        self.walking = False
        self.pages.setCurrentWidget(self.table if self.record is not None else self.placeholder)
        if self.current_row is not None:
            self.table.scrollTo(self.model.index(self.current_row, COL_TEXT))
        self.table.setFocus()
        self.walk_button.setText(WALK_BUTTON)
        self.walk_mode_changed.emit(False)

    def toggle_walk(self) -> None:
        if self.walking:
            self.leave_walk()
        else:
            self.enter_walk()

    def handle_walk_key(self, event: QKeyEvent) -> bool:
        """Stepping keys, from the walk page or the presenter window; True if used."""
        key = Qt.Key(event.key())
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain != Qt.KeyboardModifier.NoModifier:
            return False
        if key in STEP_KEYS:
            self.step(STEP_KEYS[key])
            return True
        if key in JUMP_KEYS:
            self.move_to(0 if JUMP_KEYS[key] == 0 else self.model.rowCount() - 1)
            return True
        if key == Qt.Key.Key_K:
            self.key_moment_requested.emit()
            return True
        return False

    def _walk_key(self, event: QKeyEvent) -> None:
        if self.handle_walk_key(event):
            event.accept()
        elif event.key() == Qt.Key.Key_Escape:
            self.leave_walk()
            event.accept()
        else:
            event.ignore()

    # ------------------------------------------------------------------ search

    def focus_search(self) -> None:
        if self.walking:
            self.leave_walk()
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and is_find(event):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # ours, not the window's Find (which filters the incident list)
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.focus_search()
                return True
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if (
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.current_row is not None
            ):
                self.enter_walk()  # walk from the event chosen in the table
                return True
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and self.search_edit.text():
                self.search_edit.clear()
                return True
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.table.setFocus()
                return True
        return super().eventFilter(watched, event)
