"""A section of a person's period as a table: its cells as `domain/person_cells` wrote them,
the incidents behind each row kept for drill-down."""

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.person_cells import Row, Section
from irdesk.gui.common.colours import make_quiet
from irdesk.gui.common.row_table_model import SORT_ROLE, AnyIndex, RowTableModel

INCIDENTS_ROLE = Qt.ItemDataRole.UserRole + 2


class SectionModel(RowTableModel[Row]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.section: Section | None = None

    def set_section(self, section: Section) -> None:
        self.section = section
        self.headers = section.columns  # type: ignore[misc]  # per section, not per class
        self.set_rows(section.rows)

    def cells(self) -> list[list[str]]:
        """Every row's text as shown, for comparing with `irdesk person --format json`."""
        return [
            [self.data(self.index(r, c)) for c in range(self.columnCount())]
            for r in range(self.rowCount())
        ]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return row.cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            count = len(row.incident_ids)
            if count == 0:
                return None
            return f"Double-click to see the {count} incident{'s' if count != 1 else ''} behind it"
        if role == INCIDENTS_ROLE:
            return row.incident_ids
        return None


# Wider than this, a column is cut (its tooltip and the JSON hold the whole text).
MAX_COLUMN = 320


class SectionPage(QWidget):
    """One section as a tab's page: a sentence when it is empty, else its table."""

    def __init__(self, title: str, description: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SectionModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(title)
        self.table.setAccessibleDescription(description)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        make_quiet(self.empty)
        self.empty.hide()
        box = QVBoxLayout(self)
        box.addWidget(self.empty)
        box.addWidget(self.table, 1)

    def show_section(self, section: Section, empty: str) -> None:
        """Show `section`; read again (another's change), the same columns keep their
        widths, the row chosen stays chosen and the table stays where it was scrolled."""
        again = self.model.section is not None and self.model.headers == section.columns
        current = self.table.currentIndex()
        chosen = self.model.row_at(current.row()) if current.isValid() else None
        column = current.column() if current.isValid() else 0
        scrolled = self.table.verticalScrollBar().value()
        self.model.set_section(section)
        self.empty.setText(empty)
        self.empty.setVisible(not section.rows)
        if again:
            if chosen is not None:
                self._choose(chosen, column)
            self.table.verticalScrollBar().setValue(scrolled)
            return
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(header.count()):
            header.resizeSection(column, min(header.sectionSize(column), MAX_COLUMN))

    def _choose(self, chosen: Row, column: int) -> None:
        """The row read again that is `chosen`: the same cells, else the same first cell
        and incidents (a status or lateness changed)."""
        rows = [self.model.row_at(r) for r in range(self.model.rowCount())]
        for same in (
            lambda r: r == chosen,
            lambda r: (r.cells[:1], r.incident_ids) == (chosen.cells[:1], chosen.incident_ids),
        ):
            found = next((n for n, r in enumerate(rows) if same(r)), None)
            if found is not None:
                self.table.setCurrentIndex(self.model.index(found, column))
                return
