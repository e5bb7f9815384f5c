"""Table models of the Review tab: findings by category, action items with overdue ones marked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QTableView

from irdesk.domain.blameless import BlamelessChecker
from irdesk.domain.enums import ActionStatus, FindingCategory
from irdesk.gui.common.colours import base_colour, readable
from irdesk.gui.common.row_table_model import AnyIndex, RowTableModel

if TYPE_CHECKING:
    # Named in the models' base classes, as strings: no storage module at start-up.
    from irdesk.storage.records.action_items import ActionRow  # noqa: F401
    from irdesk.storage.records.findings import FindingRow  # noqa: F401


ID_ROLE = Qt.ItemDataRole.UserRole + 10

# In storage's order of categories (CATEGORY_ORDER, which the tab cannot import before a
# database is open); tests/gui/test_startup_imports.py holds the two equal.
CATEGORY_TEXT = {
    FindingCategory.CONTRIBUTING_FACTOR: "Contributing factor",
    FindingCategory.WENT_WELL: "What went well",
    FindingCategory.LUCKY: "Where we got lucky",
    FindingCategory.OPEN_QUESTION: "Open question",
}
CATEGORY_COLOUR = {
    FindingCategory.CONTRIBUTING_FACTOR: QColor("#b71c1c"),
    FindingCategory.WENT_WELL: QColor("#2e7d32"),
    FindingCategory.LUCKY: QColor("#8d6e00"),
    FindingCategory.OPEN_QUESTION: QColor("#1565c0"),
}
STATUS_TEXT = {
    ActionStatus.OPEN: "Open",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.WONT_DO: "Won't do",
}
OVERDUE_COLOUR = QColor("#c62828")
FLAG_MARK = "⚑"

F_CATEGORY, F_TEXT, F_EVENTS, F_FLAGS = range(4)
A_TITLE, A_OWNER, A_DUE, A_STATUS, A_KEY, A_FINDINGS = range(6)


def select_quietly(table: QTableView, row: int) -> None:
    """Select a row without it counting as the user choosing it (the caller shows it)."""
    model = table.selectionModel()
    blocked = model.blockSignals(True)
    table.selectRow(row)
    model.blockSignals(blocked)
    table.viewport().update()


def local_today() -> date:
    """Due dates are calendar days where the user is."""
    return datetime.now().astimezone().date()


def first_line(text: str, limit: int = 160) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


class FindingsModel(RowTableModel["FindingRow"]):
    headers: ClassVar[tuple[str, ...]] = ("Category", "Finding", "Events", "Flags")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.checker = BlamelessChecker()

    def set_checker(self, checker: BlamelessChecker) -> None:
        self.beginResetModel()
        self.checker = checker
        self.endResetModel()

    def row_of(self, finding_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == finding_id), None)

    def show_text(self, finding_id: int, text: str) -> None:
        """The editor's text as typed, before it is saved: the list follows the typing."""
        row = self.row_of(finding_id)
        if row is None:
            return
        self._rows[row] = replace(self._rows[row], text=text)
        self.dataChanged.emit(self.index(row, F_TEXT), self.index(row, F_FLAGS))

    def flag_total(self) -> int:
        return sum(len(self.checker.flags(r.text)) for r in self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None:
            return None
        column = index.column()
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == F_CATEGORY:
                return CATEGORY_TEXT[row.category]
            if column == F_TEXT:
                return first_line(row.text) or "(empty)"
            if column == F_EVENTS:
                return str(len(row.event_ids)) if row.event_ids else ""
            if column == F_FLAGS:
                count = len(self.checker.flags(row.text))
                return f"{FLAG_MARK} {count}" if count else ""
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == F_CATEGORY:
                return readable(CATEGORY_COLOUR[row.category], base_colour())
            if column == F_FLAGS:
                return readable(OVERDUE_COLOUR, base_colour())
        if role == Qt.ItemDataRole.ToolTipRole and column == F_TEXT:
            return row.text
        if role == Qt.ItemDataRole.ToolTipRole and column == F_FLAGS:
            flags = self.checker.flags(row.text)
            return "\n".join(f"“{f.text}”: {f.hint}" for f in flags) or None
        return None


class ActionsModel(RowTableModel["ActionRow"]):
    headers: ClassVar[tuple[str, ...]] = (
        "Action item",
        "Owner",
        "Due",
        "Status",
        "Key",
        "Addresses",
    )

    def __init__(self, parent: Any = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.today = today or local_today()

    def row_of(self, action_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == action_id), None)

    def show_title(self, action_id: int, title: str) -> None:
        row = self.row_of(action_id)
        if row is None:
            return
        self._rows[row] = replace(self._rows[row], title=title)
        self.dataChanged.emit(self.index(row, A_TITLE), self.index(row, A_TITLE))

    def overdue_count(self) -> int:
        return sum(1 for r in self._rows if r.is_overdue(self.today))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None:
            return None
        column = index.column()
        overdue = row.is_overdue(self.today)
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == A_TITLE:
                return row.title or "(untitled)"
            if column == A_OWNER:
                return row.owner_name or "—"
            if column == A_DUE:
                if row.due_on is None:
                    return "—"
                days = (self.today - row.due_on).days
                return f"{row.due_on.isoformat()} ⚠ {days} d late" if overdue else str(row.due_on)
            if column == A_STATUS:
                return STATUS_TEXT[row.status]
            if column == A_KEY:
                return row.external_key or ""
            if column == A_FINDINGS:
                count = len(row.finding_ids)
                return f"{count} finding{'s' if count != 1 else ''}" if count else ""
        if role == Qt.ItemDataRole.ForegroundRole and overdue and column in (A_TITLE, A_DUE):
            return readable(OVERDUE_COLOUR, base_colour())
        if role == Qt.ItemDataRole.FontRole and overdue and column == A_DUE:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and overdue:
            days = (self.today - row.due_on).days if row.due_on else 0
            return f"Overdue by {days} day{'s' if days != 1 else ''}: was due on {row.due_on}"
        return None
