"""A window that reads one period of the open database in the background.

Calibration, Review Health and Themes each show a From and a To day and read what
those days hold when asked (Refresh, Show, a recorded session). What they share is
here once: the window's flags, the period read from its two date editors, and the
checks before a read (a database open, the window not shut, a period that does not end
before it starts) and after it (still the same database, still open). Each window keeps
what is its own: its read, its tables, the sentence for a backwards period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from irdesk.gui.common.dates import as_date, qdate
from irdesk.gui.common.fit import fit_to_screen

if TYPE_CHECKING:
    from collections.abc import Callable

    from irdesk.gui.common.background import BackgroundTasks
    from irdesk.gui.common.open_database import OpenDatabase
    from irdesk.storage.database import Database


@dataclass
class PeriodBar:
    """The top row of the review-system windows: From, To, Refresh and a summary."""

    first: QDateEdit
    last: QDateEdit
    refresh_button: QPushButton
    summary: QLabel
    layout: QHBoxLayout


def period_bar(first: date, last: date, reload: Callable[[], None]) -> PeriodBar:
    editors = []
    for value, name in ((first, "From"), (last, "To")):
        editor = QDateEdit(qdate(value))
        editor.setCalendarPopup(True)
        editor.setDisplayFormat("yyyy-MM-dd")
        editor.setAccessibleName(name)
        editors.append(editor)
    from_label = QLabel("&From:")
    from_label.setBuddy(editors[0])
    to_label = QLabel("&To:")
    to_label.setBuddy(editors[1])
    refresh = QPushButton("&Refresh")
    refresh.clicked.connect(reload)
    summary = QLabel()
    row = QHBoxLayout()
    for widget in (from_label, editors[0], to_label, editors[1], refresh):
        row.addWidget(widget)
    row.addStretch(1)
    row.addWidget(summary)
    return PeriodBar(editors[0], editors[1], refresh, summary, row)


class PeriodWindow(QWidget):
    """A top-level window over a period; `reload` starts with `chosen_period()`, and what
    the read hands back is shown only while `still_showing(db)`."""

    def __init__(
        self,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        title: str,
        size: tuple[int, int],
    ) -> None:
        super().__init__(None, Qt.WindowType.Window)
        # Kept when closed: the main window opens the same one again, where it was.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.setWindowTitle(title)
        fit_to_screen(self, *size)
        self.tasks = tasks
        self.database = database
        self._closed = False
        self._editors: tuple[QDateEdit, QDateEdit] | None = None
        self._told: QLabel | None = None

    def read_period_from(self, first: QDateEdit, last: QDateEdit, told: QLabel) -> None:
        """The editors the period is read from, and the label a backwards period is told in."""
        self._editors = (first, last)
        self._told = told

    def period(self) -> tuple[date, date]:
        assert self._editors is not None, "read_period_from names the editors first"
        first, last = self._editors
        return as_date(first.date()), as_date(last.date())

    def backwards(self, first: date, last: date) -> str:
        """What the window says of a period that ends before it starts."""
        return "The period ends before it starts."

    def chosen_period(self) -> tuple[Database, date, date] | None:
        """The open database and the period to read, or None when there is nothing to
        read: no database, the window shut down, or a period ending before it starts
        (said in the window, and nothing read)."""
        db = self.database.current()
        if db is None or self._closed:
            return None
        first, last = self.period()
        if last < first:
            if self._told is not None:
                self._told.setText(self.backwards(first, last))
            return None
        return db, first, last

    def still_showing(self, db: Database) -> bool:
        """A read finished: is its database still the open one, and the window still up?"""
        return db is self.database.current() and not self._closed

    def shut_down(self) -> None:
        self._closed = True
        self.close()
