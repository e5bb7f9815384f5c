"""A section of a person's period as a table: its cells as `domain/person_cells` wrote them,
the incidents behind each row kept for drill-down."""

from typing import Any

from PySide6.QtCore import Qt

from irdesk.domain.person_cells import Row, Section
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
