"""People › Person… (Ctrl+Shift+U) and People › Team… (Ctrl+Shift+Y) for the main window.

One window of each, kept once opened and pointed at each database the main window opens;
their modules are imported the first time they are opened, not when the window starts.
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
    from irdesk.gui.people.team_window import TeamWindow
    from irdesk.gui.people.window import PersonWindow
    from irdesk.storage.database import Database

PERSON_KEY = "Ctrl+Shift+U"
TEAM_KEY = "Ctrl+Shift+Y"


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
        self.team: TeamWindow | None = None
        self.team_action = QAction("&Team…", window)
        self.team_action.setShortcut(QKeySequence(TEAM_KEY))
        self.team_action.setStatusTip(
            "A team's outcomes beside each person's share of its incidents, hours and "
            "resolutions; who carried each week; where the pictures disagree"
        )
        self.team_action.triggered.connect(self.show_team)
        database.changed.connect(self._database_changed)

    def add_to(self, menu: QMenu) -> None:
        menu.addAction(self.action)
        menu.addAction(self.team_action)

    def show_team(self) -> TeamWindow | None:
        db = self.database.current()
        if db is None:
            show_message(
                self.window, QMessageBox.Icon.Information, "Team", "Open a database first."
            )
            return None
        if self.team is None:
            with self.busy.first_import(
                "Loading the Team window…", "irdesk.gui.people.team_window"
            ):
                from irdesk.gui.people.team_window import TeamWindow

            self.team = TeamWindow(self.tasks, self.window)
            self.team.incident_chosen.connect(self.incident_chosen)
            self.team.person_chosen.connect(self._show_period)
        self.team.set_database(db)
        self.team.show()
        self.team.raise_()
        self.team.activateWindow()
        return self.team

    def _show_period(self, name: str, first: object, last: object) -> None:
        person = self.show_person()
        if person is not None:
            person.show_person(name, first, last)  # type: ignore[arg-type]

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
        for window in (self.person, self.team):
            if window is not None:
                window.shut_down()
                window.close()

    def _database_changed(self, db: Database) -> None:
        for window in (self.person, self.team):
            if window is not None and window.isVisible():
                window.set_database(db)
