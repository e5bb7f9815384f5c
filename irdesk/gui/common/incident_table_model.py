"""Incident tables: a model over a list of `IncidentRow`s and the proxy that sorts and
filters it in memory (the dashboard's drill-down, the link picker), and what every
incident table shows of a row (`incident_data`)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont

from irdesk.domain.enums import Severity
from irdesk.gui.common import formatting
from irdesk.gui.common.row_table_model import SORT_ROLE, AnyIndex, RowTableModel

if TYPE_CHECKING:
    from irdesk.storage.reads.incident_row import IncidentRow


COL_ID = 0
COL_SEVERITY = 1
COL_TITLE = 2
COL_SERVICE = 3
COL_STATUS = 4
COL_STARTED = 5
COL_DURATION = 6
COL_REVIEW = 7

HEADERS = ("ID", "Severity", "Title", "Service", "Status", "Started", "Duration", "Review")
# What a first click on a header should show: worst, newest and longest first.
INITIAL_ORDER = {
    COL_SEVERITY: Qt.SortOrder.AscendingOrder,
    COL_STARTED: Qt.SortOrder.DescendingOrder,
    COL_DURATION: Qt.SortOrder.DescendingOrder,
}

# One lower-case string per row with everything the filter box searches.
FILTER_ROLE = Qt.ItemDataRole.UserRole + 2
INCIDENT_ID_ROLE = Qt.ItemDataRole.UserRole + 3


def _filter_text(row: IncidentRow) -> str:
    parts = (
        row.title,
        row.external_id,
        row.source,
        row.service or "",
        formatting.severity_text(row.severity) if row.severity else "",
        row.status.value,
    )
    return " ".join(parts).casefold()


def _title(row: IncidentRow) -> str:
    marker = f"{formatting.WARNING_SIGN} " if row.flags else ""
    return marker + row.title


def _enum_position(value: StrEnum | None) -> int | None:
    return None if value is None else list(type(value)).index(value)


_DISPLAY: dict[int, Callable[[IncidentRow], str]] = {
    COL_ID: lambda row: row.external_id,
    COL_SEVERITY: lambda row: formatting.severity_text(row.severity),
    COL_TITLE: _title,
    COL_SERVICE: lambda row: row.service or formatting.MISSING,
    COL_STATUS: lambda row: formatting.status_text(row.status),
    COL_STARTED: lambda row: formatting.local_time(row.started_at),
    COL_DURATION: lambda row: formatting.duration_text(row.duration_seconds),
    COL_REVIEW: lambda row: formatting.review_status_text(row.review_status),
}

# Raw comparable values; None means "missing" and the proxy puts it last.
_SORT_KEY: dict[int, Callable[[IncidentRow], Any]] = {
    COL_ID: lambda row: row.external_id.casefold(),
    COL_SEVERITY: lambda row: row.severity.rank if row.severity else None,
    COL_TITLE: lambda row: row.title.casefold(),
    COL_SERVICE: lambda row: row.service.casefold() if row.service else None,
    COL_STATUS: lambda row: _enum_position(row.status),
    COL_STARTED: lambda row: row.started_at.timestamp() if row.started_at else None,
    COL_DURATION: lambda row: row.duration_seconds,
    COL_REVIEW: lambda row: _enum_position(row.review_status),
}


class IncidentTableModel(RowTableModel["IncidentRow"]):
    headers = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._filter_texts: list[str] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def _rows_replaced(self) -> None:
        self._filter_texts = [_filter_text(row) for row in self._rows]

    def row_of(self, incident_id: int) -> int | None:
        for number, row in enumerate(self._rows):
            if row.id == incident_id:
                return number
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.InitialSortOrderRole and 0 <= section < len(HEADERS):
            return INITIAL_ORDER.get(section, Qt.SortOrder.AscendingOrder).value
        return super().headerData(section, orientation, role)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None:
            return None
        if role == FILTER_ROLE:
            return self._filter_texts[index.row()]
        return incident_data(row, index.column(), role, self._bold)


def incident_data(row: IncidentRow, column: int, role: int, bold: QFont) -> Any:
    """What the incident list shows of `row` in `column` for `role`; shared by the
    in-memory model here and the list's paged one (gui/incidents/paged_model)."""
    if role == Qt.ItemDataRole.DisplayRole:
        return _DISPLAY[column](row)
    if role == SORT_ROLE:
        return _SORT_KEY[column](row)
    if role == INCIDENT_ID_ROLE:
        return row.id
    if role == Qt.ItemDataRole.ToolTipRole:
        return _tooltip(row, column)
    if column == COL_SEVERITY:
        if role == Qt.ItemDataRole.DecorationRole:
            return formatting.severity_colour(row.severity)
        if role == Qt.ItemDataRole.FontRole and row.severity in (Severity.SEV1, Severity.SEV2):
            return bold
    if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_DURATION:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return None


def _tooltip(row: IncidentRow, column: int) -> str | None:
    lines = [formatting.flag_warning(flag) for flag in row.flags]
    if column == COL_TITLE:
        lines.insert(0, row.title)
    if column == COL_STARTED and row.started_at:
        lines.insert(0, formatting.local_time(row.started_at, "%Y-%m-%d %H:%M:%S %Z"))
    return "\n".join(lines) or None


class IncidentFilterProxy(QSortFilterProxyModel):
    """Filters on every word typed (any order, any case); sorts on SORT_ROLE, missing last."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._terms: list[str] = []
        self.setSortRole(SORT_ROLE)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(COL_TITLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_filter_text(self, text: str) -> None:
        terms = text.casefold().split()
        if terms == self._terms:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+
            self.beginFilterChange()
            self._terms = terms
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._terms = terms
            self.invalidateRowsFilter()

    @property
    def is_filtering(self) -> bool:
        return bool(self._terms)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._terms:
            return True
        source = self.sourceModel()
        text = source.data(source.index(source_row, COL_TITLE, source_parent), FILTER_ROLE)
        return all(term in text for term in self._terms)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        a, b = left.data(self.sortRole()), right.data(self.sortRole())
        # Qt reverses lessThan for descending order; answer so missing values stay last.
        descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
        if a is None or b is None:
            return a is not b and (a is None) == descending
        return bool(a < b)
