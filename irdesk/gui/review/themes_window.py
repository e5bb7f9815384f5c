"""Review › Themes…: which contributing factors recur over a period, and where.

The rows are `storage.reads.themes`' and their text `domain.themes.theme_cells`: the
words `irdesk themes` prints, cell for cell. Selecting a theme lists its findings
below; Enter or a double-click on a finding opens its incident's review with the
finding selected. Near misses are findings in the "lucky" category.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.themes import COLUMNS, TaggedFinding, Theme, ThemesReport, theme_cells
from irdesk.gui.common import formatting
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.dates import qdate
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.period_window import PeriodWindow
from irdesk.gui.common.row_table_model import AnyIndex, RowTableModel

if TYPE_CHECKING:
    from irdesk.storage.database import Database

THEMES_SIZE = (1180, 620)
# A quarter, the span a review system's themes are usually read over.
DEFAULT_DAYS = 91


class ThemesModel(RowTableModel[Theme]):
    headers: ClassVar[tuple[str, ...]] = tuple(label for _, label in COLUMNS)

    def _rows_replaced(self) -> None:
        self._cells = [theme_cells(t) for t in self._rows]

    def cell(self, row: int, key: str) -> str:
        return self._cells[row][key]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._row_for(index) is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cells[index.row()][COLUMNS[index.column()][0]]
        return None


class FindingsModel(RowTableModel[TaggedFinding]):
    headers: ClassVar[tuple[str, ...]] = ("Incident", "Started", "Kind", "Finding")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return (
            row.incident_ref,
            formatting.local_time(row.started_at, "%Y-%m-%d"),
            "near miss" if row.near_miss else "incident",
            row.text,
        )[index.column()]


class ThemesWindow(PeriodWindow):
    """The themes of a period in a window of its own; `reload` reads them again."""

    loaded = Signal()
    finding_chosen = Signal(int, int)  # incident id, finding id

    def __init__(
        self, tasks: BackgroundTasks, database: OpenDatabase, today: date | None = None
    ) -> None:
        super().__init__(tasks, database, "Themes — irdesk", THEMES_SIZE)
        self.report: ThemesReport | None = None
        last = today or datetime.now(UTC).date()

        self.first_edit = QDateEdit(qdate(last - timedelta(days=DEFAULT_DAYS - 1)))
        self.last_edit = QDateEdit(qdate(last))
        for edit, name in ((self.first_edit, "First day"), (self.last_edit, "Last day")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
        first_label = QLabel("&From:")
        first_label.setBuddy(self.first_edit)
        last_label = QLabel("&To:")
        last_label.setBuddy(self.last_edit)
        self.refresh_button = QPushButton("&Show")
        self.refresh_button.setToolTip("Count the factors of incidents started in these days (UTC)")
        self.refresh_button.clicked.connect(self.reload)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.read_period_from(self.first_edit, self.last_edit, self.summary)
        top = QHBoxLayout()
        for widget in (first_label, self.first_edit, last_label, self.last_edit):
            top.addWidget(widget)
        top.addWidget(self.refresh_button)
        top.addWidget(self.summary, 1)

        self.model = ThemesModel(self)
        self.table = self._table(
            self.model,
            "Themes",
            "One row per contributing factor: incidents and near misses it contributed "
            "to, the previous period's count and the trend, the services and teams",
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_findings())
        self.findings_model = FindingsModel(self)
        self.findings_table = self._table(
            self.findings_model,
            "Findings of the theme",
            "The findings tagged with the selected factor; Enter opens the finding's review",
        )
        self.findings_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch
        )
        self.findings_table.activated.connect(self._open_finding)
        self.findings_label = QLabel("Findings")

        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.findings_label)
        below_layout.addWidget(self.findings_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(below)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    @staticmethod
    def _table(model: RowTableModel[Any], name: str, description: str) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setAccessibleName(name)
        table.setAccessibleDescription(description)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    def backwards(self, first: date, last: date) -> str:
        return f"To ({last}) is before From ({first}); nothing to count."

    def reload(self) -> None:
        chosen = self.chosen_period()
        if chosen is None:
            return
        db, first, last = chosen

        def read(_report: object) -> ThemesReport:
            from irdesk.storage.reads.themes import read_themes

            return read_themes(db, first, last)

        self.tasks.run(
            read, on_done=lambda report: self._loaded(db, report), description="Counting themes…"
        )

    def _loaded(self, db: Database, report: ThemesReport) -> None:
        if not self.still_showing(db):
            return
        self.report = report
        self.model.set_rows(report.themes)
        recurring = sum(t.recurs for t in report.themes)
        self.summary.setText(
            f"{len(report.themes)} factors, {recurring} recurring; trend against "
            f"{report.previous_first_day} to {report.first_day - timedelta(days=1)}. "
            "Near misses: findings in the “lucky” category."
        )
        if report.themes:
            self.table.setCurrentIndex(self.model.index(0, 0))
        self._show_findings()
        self.loaded.emit()

    def _show_findings(self) -> None:
        index = self.table.currentIndex()
        if self.report is None or not index.isValid():
            self.findings_model.set_rows([])
            self.findings_label.setText("Findings")
            return
        theme = self.model.row_at(index.row())
        self.findings_model.set_rows([self.report.findings[f] for f in theme.findings])
        self.findings_label.setText(f"Findings tagged {theme.factor} (Enter opens the review)")

    def _open_finding(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.findings_model.row_at(index.row())
            self.finding_chosen.emit(row.incident_id, row.finding_id)
