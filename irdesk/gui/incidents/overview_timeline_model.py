"""One incident's timeline as a table: time, kind, source, actor, text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from irdesk.gui.common import formatting
from irdesk.gui.common.row_table_model import SORT_ROLE, AnyIndex, RowTableModel

if TYPE_CHECKING:
    from irdesk.storage.reads.queries import EventRow


COL_TIME = 0
COL_KIND = 1
COL_SOURCE = 2
COL_ACTOR = 3
COL_TEXT = 4

HEADERS = ("Time", "Kind", "Source", "Actor", "What happened")

KEY_MOMENT_MARK = "★"
CORRECTED_MARK = "✎"


def kind_text(row: EventRow) -> str:
    return row.kind.value.replace("_", " ")


class TimelineModel(RowTableModel["EventRow"]):
    headers = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.FontRole and row.is_key_moment:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # Rows grow when the text wraps; the other cells then read from the top line.
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def _display(self, row: EventRow, column: int) -> str:
        if column == COL_TIME:
            clock = formatting.day_offset_time(row.occurred_at, self._rows[0].occurred_at)
            return f"{clock} {CORRECTED_MARK}" if row.corrected else clock
        if column == COL_KIND:
            return f"{KEY_MOMENT_MARK} {kind_text(row)}" if row.is_key_moment else kind_text(row)
        if column == COL_SOURCE:
            return row.source
        if column == COL_ACTOR:
            return row.actor or formatting.MISSING
        if column == COL_TEXT:
            return row.text
        return ""

    @staticmethod
    def _sort_key(row: EventRow, column: int) -> Any:
        if column == COL_TIME:
            return row.occurred_at.timestamp()
        if column == COL_ACTOR:
            return row.actor.casefold() if row.actor else None
        return {COL_KIND: row.kind.value, COL_SOURCE: row.source, COL_TEXT: row.text}.get(column)

    @staticmethod
    def _tooltip(row: EventRow, column: int) -> str | None:
        lines = []
        if column == COL_TIME:
            lines.append(formatting.local_time(row.occurred_at, "%Y-%m-%d %H:%M:%S %Z"))
        if column == COL_TEXT and row.text:
            lines.append(row.text)
        if row.is_key_moment:
            lines.append(f"{KEY_MOMENT_MARK} Key moment")
        if row.corrected:
            lines.append(f"{CORRECTED_MARK} Corrected by the facilitator; the original is kept")
        return "\n".join(lines) or None
