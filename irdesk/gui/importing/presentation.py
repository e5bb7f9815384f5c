"""How the import dialog shows files, reports and problems: text and the file table."""

import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from irdesk.gui.common.row_table_model import AnyIndex, RowTableModel
from irdesk.gui.importing.mappable_file import MappableFile
from irdesk.importers import registry
from irdesk.importers.pipeline import ImportReport
from irdesk.importers.problems import ImportProblem
from irdesk.storage.errors import DatabaseError

LIST_LIMIT = 5


@cache
def format_labels() -> dict[str, str]:
    return {f.name: f.label for f in registry.formats()}


def short_format(name: str) -> str:
    """'PagerDuty REST API v2 (incidents, …)' → 'PagerDuty REST API v2'."""
    label = format_labels().get(name, name)
    return label.split(" (", 1)[0]


def size_text(size: int) -> str:
    """'512 bytes', '4.2 KB', '104 KB', '12 MB'."""
    if size < 1024:
        return f"{size:,} bytes"
    value, unit = size / 1024, "KB"
    for bigger in ("MB", "GB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"


def display_name(name: str) -> str:
    """A file as the pipeline names it ('/a/b.zip!page-2.json') → 'b.zip › page-2.json'."""
    outer, bang, member = name.partition("!")
    shown = Path(outer).name or outer
    return f"{shown} › {member}" if bang else shown


def names_text(items: Sequence[str], limit: int = LIST_LIMIT) -> str:
    if not items:
        return "none"
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    return f"{len(items)}: {shown}" + (f", and {rest} more" if rest > 0 else "")


def asks_for_zone(problem: ImportProblem) -> bool:
    return problem.needs_zone


@dataclass(frozen=True)
class FileRow:
    name: str  # as the pipeline names it
    format: str
    size: str


class ImportFileModel(RowTableModel[FileRow]):
    headers = ("File", "Format", "Size")
    COL_NAME, COL_FORMAT, COL_SIZE = range(3)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (display_name(row.name), row.format, row.size)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_NAME:
            return row.name
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def column(self, column: int) -> list[str]:
        """What the table shows in `column`, top to bottom."""
        return [self.index(r, column).data() for r in range(self.rowCount())]


def preview_headline(report: ImportReport) -> str:
    if not report.changed_anything:
        return (
            f"Nothing new: all {report.count('unchanged')} incidents in these files are "
            "already in the database, unchanged. Nothing has been written."
        )
    return (
        f"Preview: {report.count('new')} new and {report.count('updated')} updated incidents, "
        f"{report.new_events} new timeline events. Nothing has been written yet; "
        "press Import to write them."
    )


def done_headline(report: ImportReport, cancel_came_late: bool) -> str:
    text = (
        f"Imported {report.count('new')} new and {report.count('updated')} updated incidents, "
        f"{report.new_events} new timeline events."
    )
    if cancel_came_late:
        text += " Cancel came after writing had begun, so the import was completed."
    return text


def problem_html(problem: ImportProblem, mappable: MappableFile | None = None) -> str:
    if asks_for_zone(problem):
        hint = "Choose the time zone these times were written in, in the Time zone field above."
    elif mappable is not None and mappable.mapped:
        hint = (
            f"{mappable.name} is read through the column mapping set for its columns. "
            "Press Edit column mapping to change it, or fix the file."
        )
    elif mappable is not None:
        hint = (
            f"If {mappable.name} is a table of incidents from a tool of your own, press "
            "Map columns to say which column holds what; irdesk remembers it."
        )
    elif problem.channel is not None:
        hint = "Nothing was written. Link the channel to another incident under Slack, or clear it."
    else:
        hint = "Nothing was written. Fix the file, or choose its format under Source."
    return (
        f"<b>This import cannot go ahead.</b><br>{html.escape(str(problem))}"
        f"<br><br>{html.escape(hint)}"
    )


def progress_text(what: str, done: int, total: int) -> str:
    """'Reading pd.json (1 of 3)…', 'Writing incidents (1,200 of 5,000)…'."""
    if total <= 1:
        step = ""
    elif what.startswith("Writing"):
        step = f" ({done:,} of {total:,})"  # rows written so far
    else:
        step = f" ({done + 1} of {total})"  # the file being read
    return f"{what}{step}…"


def failure_text(exc: Exception) -> str:
    """An expected failure (a file that cannot be read, a database that cannot be written)."""
    if isinstance(exc, DatabaseError):
        return f"“{exc.path.name}” {exc.problem} {exc.hint}".strip()
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return str(exc)
