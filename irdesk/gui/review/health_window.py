"""Review › Review Health…: what attendees said of their reviews, per tier, team and quarter.

The rows are `storage.reads.review_facts.read_review_health`'s, their text
`domain.review_health.health_cells`: the words `irdesk review-health` prints, cell
for cell. A group with fewer than three answers shows "fewer than 3" and no survey
figure. Beside the table, the policy versions with their notes, so a quarter can be
read against the version then in force.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.review_health import COLUMNS, MIN_GROUP, HealthRow, health_cells
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.period_window import PeriodWindow, period_bar
from irdesk.gui.common.row_table_model import AnyIndex, RowTableModel

if TYPE_CHECKING:
    from irdesk.storage.database import Database
    from irdesk.storage.reads.review_facts import ReviewHealth

# Room for every column beside the policy versions on a 1280-pixel screen.
HEALTH_SIZE = (1260, 600)


class HealthModel(RowTableModel[HealthRow]):
    headers: ClassVar[tuple[str, ...]] = tuple(label for _, label in COLUMNS)

    def _rows_replaced(self) -> None:
        self._cells = [health_cells(r) for r in self._rows]

    def cell(self, row: int, key: str) -> str:
        return self._cells[row][key]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._row_for(index) is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cells[index.row()][COLUMNS[index.column()][0]]
        return None


class ReviewHealthWindow(PeriodWindow):
    """The table in a window of its own; `reload` reads the chosen period again."""

    loaded = Signal()

    def __init__(
        self, tasks: BackgroundTasks, database: OpenDatabase, first: date, last: date, today: date
    ) -> None:
        super().__init__(tasks, database, "Review Health — irdesk", HEALTH_SIZE)
        self.today = today

        bar = period_bar(first, last, self.reload)
        self.first, self.last = bar.first, bar.last
        self.refresh_button, self.summary = bar.refresh_button, bar.summary
        self.read_period_from(self.first, self.last, self.summary)
        top = bar.layout

        self.model = HealthModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Review health")
        self.table.setAccessibleDescription(
            "One row per review tier, team and quarter: hours per review, usefulness and "
            "safety to speak (1 to 5, with the change from the previous quarter), overdue "
            f"action items, and the policy versions in force. Groups under {MIN_GROUP} "
            "answers show no survey figures."
        )
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.versions = QListWidget()
        self.versions.setAccessibleName("Policy versions")
        self.versions.setAccessibleDescription("Each saved policy version, when and why")
        self.versions.setWordWrap(True)
        self.versions.setSpacing(3)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        versions_label = QLabel("&Policy versions:")
        versions_label.setBuddy(self.versions)
        side_layout.addWidget(versions_label)
        side_layout.addWidget(self.versions, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 1)

        note = QLabel(
            f"Survey figures are shown only for groups of at least {MIN_GROUP} answers, so "
            "no one's answer can be read back. ▲/▼: change from the previous quarter."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(note)

    def reload(self) -> None:
        chosen = self.chosen_period()
        if chosen is None:
            return
        db, first, last = chosen
        today = self.today

        def read(_report: object) -> ReviewHealth:
            from irdesk.storage.reads.review_facts import read_review_health

            return read_review_health(db, first, last, today)

        self.tasks.run(
            read, on_done=lambda h: self._loaded(db, h), description="Reading review health…"
        )

    def _loaded(self, db: Database, health: ReviewHealth) -> None:
        if not self.still_showing(db):
            return
        self.model.set_rows(health.rows)
        withheld = sum(r.withheld for r in health.rows)
        self.summary.setText(
            f"{len(health.rows)} groups · {withheld} with fewer than {MIN_GROUP} answers"
        )
        self.versions.clear()
        for number, saved, note in health.versions:
            self.versions.addItem(f"v{number} · {saved:%Y-%m-%d}\n{note or '(no note)'}")
        self.loaded.emit()
