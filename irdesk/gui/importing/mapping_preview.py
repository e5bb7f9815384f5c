"""The column mapping dialog's preview: the first incidents as the mapping reads them.

`MappingPreview` shows them one column per mapped field, or, while the mapping
cannot read the file yet, what is wrong and what to do about it.
"""

import html
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common import formatting
from irdesk.gui.common.row_table_model import AnyIndex, RowTableModel
from irdesk.importers.reading.column_mapping import TIME_FIELDS
from irdesk.importers.records import IncidentRecord

FIELD_LABELS = {
    "external_id": "Incident id",
    "title": "Title",
    "started_at": "Started",
    "detected_at": "Detected",
    "acknowledged_at": "Acknowledged",
    "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
    "severity": "Severity",
    "service": "Service",
    "status": "Status",
    "url": "URL",
    "summary": "Summary",
}
ERROR_STYLE = (
    "QLabel { background: #fdecea; color: #5f1412; border: 1px solid #e57373;"
    " border-radius: 3px; padding: 8px 10px; }"
)
# How wide a column starts out at most: a long title must not push the rest out of view.
WIDEST = {"title": 260, "summary": 320, "url": 240}
WIDEST_OTHER = 200


def cell_text(record: IncidentRecord, name: str) -> str:
    """How the preview shows one field of one incident."""
    if name in TIME_FIELDS:
        return formatting.local_time(getattr(record, name))
    if name == "severity":
        shown = formatting.severity_text(record.severity)
        raw = record.severity_raw
        return f"{shown} ({raw})" if raw and raw != shown else shown
    if name == "status":
        return formatting.status_text(record.status)
    value = getattr(record, name)
    return formatting.MISSING if value is None else str(value)


class MappingPreviewModel(RowTableModel[IncidentRecord]):
    """The first incidents as the mapping reads them, one column per mapped field."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.fields: tuple[str, ...] = ()

    def set_preview(self, fields: Sequence[str], records: Sequence[IncidentRecord]) -> None:
        self.beginResetModel()
        self.fields = tuple(fields)
        self._rows = list(records)
        self.endResetModel()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.fields)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.fields)
        ):
            return FIELD_LABELS[self.fields[section]]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None or not 0 <= index.column() < len(self.fields):
            return None
        name = self.fields[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return " ".join(cell_text(row, name).split())  # one line per incident
        if role == Qt.ItemDataRole.ToolTipRole and name in ("title", "summary", "url"):
            return cell_text(row, name)
        return None

    def column_values(self, name: str) -> list[str]:
        """What the preview shows for field `name`, top to bottom."""
        column = self.fields.index(name)
        return [self.index(r, column).data() for r in range(self.rowCount())]


class MappingPreview:
    """A heading over the first incidents read through the mapping, or over what stops it.

    The dialog lays out `heading` and `stack` (the incidents, or the problem) itself.
    """

    def __init__(self, parent: QWidget) -> None:
        self.heading = QLabel()
        heading_font = self.heading.font()
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.model = MappingPreviewModel(parent)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Preview")
        self.table.setAccessibleDescription(
            "One row per record of the file, as the mapping reads it"
        )
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setTextFormat(Qt.TextFormat.RichText)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        error_page = QWidget()
        error_layout = QVBoxLayout(error_page)
        error_layout.setContentsMargins(0, 0, 0, 0)
        error_layout.addWidget(self.error_label)
        error_layout.addStretch(1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(error_page)

    def show_incidents(
        self, fields: Sequence[str], records: Sequence[IncidentRecord], total: int
    ) -> None:
        """The first `records` of the file's `total` incidents, one column per field."""
        self.model.set_preview(fields, records)
        self._fit_columns()
        self.stack.setCurrentIndex(0)
        shown = len(records)
        heading = (
            f"Preview: the first {shown} of {total} incidents"
            if total > shown
            else f"Preview: all {shown} incident{'s' if shown != 1 else ''}"
        )
        zone = datetime.now().astimezone().tzname()
        self.heading.setText(f"{heading}  ·  times in your time zone ({zone})")

    def show_problem(self, error: str, hint: str) -> None:
        """Why nothing can be read yet, and what to do about it."""
        self.model.set_preview([], [])
        self.heading.setText("Preview")
        text = f"<b>Nothing to preview yet.</b><br>{html.escape(error)}"
        if hint:
            text += f"<br><br>{html.escape(hint)}"
        self.error_label.setText(text)
        self.stack.setCurrentIndex(1)

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        for column, name in enumerate(self.model.fields):
            values = [*self.model.column_values(name), FIELD_LABELS[name]]
            width = max(metrics.horizontalAdvance(value) for value in values) + 24
            header.resizeSection(column, min(width, WIDEST.get(name, WIDEST_OTHER)))
