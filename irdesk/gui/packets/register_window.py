"""Tools › Compliance Register…: incidents with regulatory exposure, their notices and RTOs.

The rows are `storage.reads.register`'s, their text `reports.register.register_cells`:
the words `irdesk register` prints, cell for cell. A notice late or overdue, and a
recovery beyond its RTO, is marked ⚠ in its text and drawn in red, so neither
depends on seeing colour. Below the list, when notice was given and by whom is
recorded for the selected incident (compare-and-set, audited), and Ctrl+Z undoes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.register import COLUMNS, RegisterRow
from irdesk.domain.utc import utc_now
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.colours import base_colour, readable, text_style
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.refusals import Refused, ShowMessage, refusing
from irdesk.gui.common.row_table_model import SORT_ROLE, AnyIndex, RowTableModel
from irdesk.gui.common.undo import EditCommand, replay_refused
from irdesk.reports.register import register_cells

if TYPE_CHECKING:
    from irdesk.storage.database import Database
    from irdesk.storage.records.register import NoticeState

# Room for the fifteen columns' short texts before the packets column scrolls.
REGISTER_SIZE = (1180, 620)
BREACH_COLOUR = QColor("#c62828")
COLUMN = {c.key: n for n, c in enumerate(COLUMNS)}


class RegisterModel(RowTableModel[RegisterRow]):
    headers: ClassVar[tuple[str, ...]] = tuple(c.label for c in COLUMNS)

    def _rows_replaced(self) -> None:
        self._cells = [register_cells(r) for r in self._rows]

    def cell(self, row: int, key: str) -> str:
        return self._cells[row][key]

    def row_of(self, incident_id: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.incident_id == incident_id), None)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None:
            return None
        key = COLUMNS[index.column()].key
        text = self._cells[index.row()][key]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == SORT_ROLE:
            if key in ("detected", "deadline", "notified_at"):
                value = {
                    "detected": row.detected_at,
                    "deadline": row.notice.deadline,
                    "notified_at": row.notified_at,
                }[key]
                return value.timestamp() if value else float("inf")
            return text
        if role == Qt.ItemDataRole.ForegroundRole and self._breached(row, key):
            return readable(BREACH_COLOUR, base_colour())
        return None

    @staticmethod
    def _breached(row: RegisterRow, key: str) -> bool:
        if key == "status":
            return row.notice.breached
        if key == "continuity":
            return bool(row.rto_missed_by)
        return False


def parse_notice_time(text: str) -> datetime:
    """What the user typed: ISO date and time; without a zone it is UTC, as the list shows."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"Notice given at: expected a date and time such as 2026-12-03 15:00, got {text!r}."
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class RegisterWindow(QWidget):
    """The register in a window of its own; `reload` reads it again as of `clock()`."""

    loaded = Signal()
    recorded = Signal()  # a notice was written (or undone) and the list shows it

    def __init__(
        self,
        tasks: BackgroundTasks,
        undo_stack: QUndoStack,
        database: OpenDatabase,
        actor: str,
        show_message: ShowMessage,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.setWindowTitle("Compliance Register — irdesk")
        fit_to_screen(self, *REGISTER_SIZE)
        self.tasks = tasks
        self.undo_stack = undo_stack
        self.database = database
        self.actor = actor
        self.show_message = show_message
        self.clock = clock
        self._select_after_load: int | None = None
        self._closed = False

        self.as_of = QLabel()
        self.summary = QLabel()
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.clicked.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(self.as_of)
        top.addStretch(1)
        top.addWidget(self.summary)
        top.addWidget(self.refresh_button)

        self.model = RegisterModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setAccessibleName("Compliance register")
        self.table.setAccessibleDescription(
            "One row per incident with regulatory exposure: its regulation, the notice due "
            "and when it was given, legal sign-off, packets sent, recovery against the RTO"
        )
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        # Oldest detection first, as the command line lists them (Qt's default is descending).
        self.table.sortByColumn(COLUMN["detected"], Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())

        self.selected_label = QLabel("Select an incident to record its notice.")
        self.notified_at = QLineEdit()
        self.notified_at.setPlaceholderText("2026-12-03 15:00 (UTC)")
        self.notified_at.setAccessibleName("Notice given at")
        self.notified_by = QLineEdit()
        self.notified_by.setPlaceholderText("who gave notice")
        self.notified_by.setAccessibleName("Notice given by")
        self.record_button = QPushButton("Record &Notice")
        self.record_button.clicked.connect(self.record_typed)
        self.clear_button = QPushButton("&Clear Notice")
        self.clear_button.clicked.connect(self.clear_notice)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(text_style(BREACH_COLOUR))
        form = QHBoxLayout()
        at_label = QLabel("Notice given &at:")
        at_label.setBuddy(self.notified_at)
        by_label = QLabel("&by:")
        by_label.setBuddy(self.notified_by)
        for widget in (at_label, self.notified_at, by_label, self.notified_by):
            form.addWidget(widget)
        form.addWidget(self.record_button)
        form.addWidget(self.clear_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.selected_label)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        self._show_selected()

    # ------------------------------------------------------------ reading

    def reload(self) -> None:
        db = self.database.current()
        if db is None or self._closed:
            return
        now = self.clock()

        def read(_report: object) -> list[RegisterRow]:
            from irdesk.storage.reads.register import read_register

            return read_register(db, now)

        self.tasks.run(
            read,
            on_done=lambda rows: self._loaded(db, now, rows),
            description="Reading the compliance register…",
        )

    def _loaded(self, db: Database, now: datetime, rows: list[RegisterRow]) -> None:
        if db is not self.database.current() or self._closed:
            return
        keep = self._select_after_load or self.selected_id()
        self.model.set_rows(rows)
        self.as_of.setText(f"As of {now.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
        breached = sum(r.notice.breached for r in rows)
        missed = sum(bool(r.rto_missed_by) for r in rows)
        self.summary.setText(
            f"{len(rows)} incidents · ⚠ {breached} notices late or overdue · "
            f"⚠ {missed} over their RTO"
        )
        self._select_after_load = None
        if keep is not None:
            self.select(keep)
        self._show_selected()
        self.loaded.emit()

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row()).incident_id

    def select(self, incident_id: int) -> None:
        row = self.model.row_of(incident_id)
        if row is not None:
            self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))

    def _show_selected(self) -> None:
        incident_id = self.selected_id()
        row = None if incident_id is None else self.model.row_of(incident_id)
        enabled = row is not None
        for widget in (self.notified_at, self.notified_by, self.record_button, self.clear_button):
            widget.setEnabled(enabled)
        self.problem.clear()
        if row is None:
            self.selected_label.setText("Select an incident to record its notice.")
            return
        shown = self.model.row_at(row)
        self.selected_label.setText(
            f"{shown.label}: notice due {self.model.cell(row, 'deadline')} — "
            f"{self.model.cell(row, 'status')}"
        )
        self.notified_at.setText(
            "" if shown.notified_at is None else f"{shown.notified_at:%Y-%m-%d %H:%M}"
        )
        self.notified_by.setText(shown.notified_by or "")

    # ------------------------------------------------------------ writing

    def record_typed(self) -> None:
        from irdesk.storage.records.register import NoticeState

        self.problem.clear()
        try:
            at = parse_notice_time(self.notified_at.text())
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        self._record(NoticeState(at, self.notified_by.text().strip() or None))

    def clear_notice(self) -> None:
        from irdesk.storage.records.register import NoticeState

        self.problem.clear()
        self._record(NoticeState(None, None))

    def _record(self, value: NoticeState) -> None:
        incident_id = self.selected_id()
        db = self.database.current()
        if incident_id is None or db is None:
            return
        row = self.model.row_at(self.model.row_of(incident_id) or 0)
        from irdesk.storage.records.register import NoticeState

        before = NoticeState(row.notified_at, row.notified_by)
        revision, actor, label = row.notification_revision, self.actor, row.label

        def write(_report: object) -> int | Refused:
            from irdesk.storage.records.register import record_notice

            return refusing(lambda: record_notice(db, incident_id, revision, value, actor=actor))

        def written(done: int | Refused) -> None:
            if self._closed or db is not self.database.current():
                return
            if isinstance(done, Refused):
                self.problem.setText(done.message)
                return
            if done == revision:
                self.problem.setText("Nothing was changed.")
                return
            held = {"revision": done}
            self.undo_stack.push(
                EditCommand(
                    f"Record the notice of {label}",
                    redo=lambda: self._replay(db, incident_id, held, value),
                    undo=lambda: self._replay(db, incident_id, held, before),
                )
            )
            self._after_write(incident_id)

        self.tasks.run(write, on_done=written, description="Recording the notice…")

    def _replay(
        self, db: Database, incident_id: int, held: dict[str, int], value: NoticeState
    ) -> None:
        """Undo and redo: put `value` back, naming the revision the last step left."""
        actor, revision = self.actor, held["revision"]

        def write(_report: object) -> int | Refused:
            from irdesk.storage.records.register import record_notice

            return refusing(lambda: record_notice(db, incident_id, revision, value, actor=actor))

        def done(result: int | Refused) -> None:
            if isinstance(result, Refused):
                replay_refused(self.undo_stack, self.show_message, result)
                return
            held["revision"] = result
            if not self._closed and db is self.database.current():
                self._after_write(incident_id)

        self.tasks.run(write, on_done=done, description="Undoing…")

    def _after_write(self, incident_id: int) -> None:
        self._select_after_load = incident_id
        self.recorded.emit()
        self.reload()

    def shut_down(self) -> None:
        self._closed = True
        self.close()
