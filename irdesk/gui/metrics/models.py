"""Qt models over the metric tables: every cell shows `format_cell` text and knows its incidents."""

from typing import Any

import numpy as np
from PySide6.QtCore import QModelIndex, Qt

from irdesk.domain.metrics.tables import TEXT, Column, Row, Table, format_cell
from irdesk.gui.common.row_table_model import SORT_ROLE, AnyIndex, RowTableModel

RAW_ROLE = Qt.ItemDataRole.UserRole + 10


class FigureTableModel(RowTableModel[Row]):
    """One metric table; the mean column only when asked for (never the default)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.table: Table | None = None
        self.columns: tuple[Column, ...] = ()

    def set_table(self, table: Table | None, *, with_optional: bool = False) -> None:
        self.beginResetModel()
        self.table = table
        self.columns = table.visible_columns(with_optional) if table else ()
        self._rows = list(table.rows) if table else []
        self.endResetModel()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section].label
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None or not 0 <= index.column() < len(self.columns):
            return None
        column = self.columns[index.column()]
        value = row.values.get(column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return format_cell(value, column.kind)
        if role == RAW_ROLE:
            return value
        if role == SORT_ROLE:
            if column.kind == TEXT:
                return str(value or "")
            return float("-inf") if value is None else value
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind != TEXT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            description, ids = row.drill(column.key)
            return f"Click to list the {len(ids)} {description}"
        return None

    def drill(self, index: AnyIndex) -> tuple[str, np.ndarray] | None:
        row = self._row_for(index)
        if row is None or not 0 <= index.column() < len(self.columns):
            return None
        return row.drill(self.columns[index.column()].key)
