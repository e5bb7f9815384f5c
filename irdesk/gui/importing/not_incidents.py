"""The preview's Jira tickets, each with a box to tick when it is no incident.

A Jira export often holds backlog stories beside the tickets that were incidents.
Ticked here, before anything is written, a ticket is imported classified as not an
incident (ImportOptions.not_incidents), so it never reaches an incident figure; the
Classify… dialog undoes that later if it was wrong.
"""

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QGroupBox, QHeaderView, QTableView, QVBoxLayout

from irdesk.gui.common.row_table_model import AnyIndex, RowTableModel
from irdesk.importers.pipeline import ImportReport

# The sources whose exports hold tickets of every kind, not only incidents.
TICKET_SOURCES = ("jira",)
ROWS_SHOWN = 6


@dataclass(frozen=True)
class TicketRow:
    key: str  # source:external id, as ImportOptions.not_incidents names it
    external_id: str
    title: str


class TicketModel(RowTableModel[TicketRow]):
    COL_NOT_INCIDENT, COL_TICKET, COL_TITLE = range(3)
    headers = ("Not an incident", "Ticket", "Title")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.marked: set[str] = set()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None:
            return None
        column = index.column()
        if column == self.COL_NOT_INCIDENT and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if row.key in self.marked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_TICKET:
                return row.external_id
            if column == self.COL_TITLE:
                return row.title
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_TITLE:
            return row.title
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.COL_NOT_INCIDENT:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = self._row_for(index)
        if row is None or role != Qt.ItemDataRole.CheckStateRole:
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.marked.add(row.key)
        else:
            self.marked.discard(row.key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True


class NotIncidentsBox(QGroupBox):
    """Shown when the preview holds tickets; `marked()` is what to import as no incidents."""

    def __init__(self) -> None:
        super().__init__("Tickets that are not incidents (e.g. backlog stories): tick them")
        self.model = TicketModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Tickets")
        self.table.setAccessibleDescription(
            "One row per ticket; a ticked one is kept as not an incident"
        )
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(
            TicketModel.COL_NOT_INCIDENT, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(TicketModel.COL_TICKET, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TicketModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        row_height = self.table.fontMetrics().height() + 8
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.setMaximumHeight(row_height * (ROWS_SHOWN + 1) + 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.addWidget(self.table)
        self.hide()

    def reset(self) -> None:
        """Other files: their tickets are other tickets."""
        self.model.marked.clear()
        self.model.set_rows([])
        self.hide()

    def show_report(self, report: ImportReport | None) -> None:
        """The preview's tickets; marks on tickets still in it are kept."""
        rows = [
            TicketRow(o.key, o.external_id, o.title)
            for o in (report.result.incidents if report is not None else [])
            if o.source in TICKET_SOURCES
        ]
        keys = {row.key for row in rows}
        self.model.marked &= keys
        self.model.set_rows(rows)
        self.setVisible(bool(rows))

    def marked(self) -> frozenset[str]:
        return frozenset(self.model.marked)
