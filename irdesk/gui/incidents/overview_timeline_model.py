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

DISPLAY = Qt.ItemDataRole.DisplayRole
FONT = Qt.ItemDataRole.FontRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
# Rows grow when the text wraps; the other cells then read from the top line.
TOP_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
# Every role `data` answers: measuring a wrapped row asks each cell for a dozen roles,
# a few hundred cells at a time, and the others are answered before the row is found.
ANSWERED = frozenset({DISPLAY, SORT_ROLE, FONT, TOOLTIP, ALIGNMENT})

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
        # Each row's shown texts, made when first asked: a wrapped row is measured and
        # painted from the same texts several times over.
        self._texts: dict[int, tuple[str, ...]] = {}

    def _rows_replaced(self) -> None:
        self._texts = {}

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ANSWERED:
            return None
        row = self._row_for(index)
        if row is None:
            return None
        column = index.column()
        if role == DISPLAY:
            number = index.row()
            texts = self._texts.get(number)
            if texts is None:
                texts = tuple(self._display(row, c) for c in range(len(HEADERS)))
                self._texts[number] = texts
            return texts[column]
        if role == ALIGNMENT:
            return TOP_LEFT
        if role == FONT:
            return self._bold if row.is_key_moment else None
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        return self._tooltip(row, column)

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
