"""People › Person… (Ctrl+Shift+U) for the main window.

One window, kept once opened and pointed at each database the main window opens; its
module is imported the first time it is opened, not when the window starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.busy_indicator import BusyIndicator
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.notes_session import NotesSession
from irdesk.gui.common.open_database import OpenDatabase

if TYPE_CHECKING:
    from irdesk.gui.people.window import PersonWindow
    from irdesk.storage.database import Database

PERSON_KEY = "Ctrl+Shift+U"


class PeopleActions(QObject):
    """The Person window, for the main window."""

    incident_chosen = Signal(int)  # double-clicked in the window: open it in the list

    def __init__(
        self,
        window: QWidget,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        notes: NotesSession,
        busy: BusyIndicator,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = tasks
        self.database = database
        self.notes = notes
        self.busy = busy
        self.person: PersonWindow | None = None
        self.action = QAction("&Person…", window)
        self.action.setShortcut(QKeySequence(PERSON_KEY))
        self.action.setStatusTip(
            "One person's period: their incidents and role in each, load against their "
            "rotation and team, escalations, action items, status updates and notes"
        )
        self.action.triggered.connect(self.show_person)
        database.changed.connect(self._database_changed)

    def add_to(self, menu: QMenu) -> None:
        menu.addAction(self.action)

    def show_person(self) -> PersonWindow | None:
        db = self.database.current()
        if db is None:
            show_message(
                self.window, QMessageBox.Icon.Information, "Person", "Open a database first."
            )
            return None
        if self.person is None:
            with self.busy.first_import("Loading the Person window…", "irdesk.gui.people.window"):
                from irdesk.gui.people.window import PersonWindow

            self.person = PersonWindow(self.tasks, self.notes, self.window)
            self.person.incident_chosen.connect(self.incident_chosen)
        self.person.set_database(db)
        self.person.show()
        self.person.raise_()
        self.person.activateWindow()
        return self.person

    def shut_down(self) -> None:
        if self.person is not None:
            self.person.shut_down()
            self.person.close()

    def _database_changed(self, db: Database) -> None:
        if self.person is not None and self.person.isVisible():
            self.person.set_database(db)
