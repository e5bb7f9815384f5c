"""Tools › Organisation… (Ctrl+Shift+O) for the main window.

One window, kept once opened and pointed at each database the main window opens;
its module is imported the first time it is opened, not when the window starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.busy_indicator import BusyIndicator
from irdesk.gui.common.menus import Menus
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.notes_session import NotesSession
from irdesk.gui.common.open_database import OpenDatabase

if TYPE_CHECKING:
    from irdesk.gui.organisation.window import OrganisationWindow
    from irdesk.storage.database import Database

ORGANISATION_KEY = "Ctrl+Shift+O"


class OrganisationActions(QObject):
    """The Organisation window, for the main window."""

    def __init__(
        self,
        window: QWidget,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        undo_stack: QUndoStack,
        actor: str,
        busy: BusyIndicator,
        notes: NotesSession | None = None,
    ) -> None:
        super().__init__(window)
        self.notes = notes
        self.window = window
        self.tasks = tasks
        self.database = database
        self.undo_stack = undo_stack
        self.actor = actor
        self.busy = busy
        self.organisation: OrganisationWindow | None = None
        self.action = QAction("&Organisation…", window)
        self.action.setShortcut(QKeySequence(ORGANISATION_KEY))
        self.action.setStatusTip(
            "Teams, rotations, people, services and escalation policies as imported; "
            "type their values by hand, each from a day"
        )
        self.action.triggered.connect(self.show_organisation)
        database.changed.connect(self._database_changed)

    def add_to(self, menus: Menus) -> None:
        menus.tools.addAction(self.action)

    def show_organisation(self) -> OrganisationWindow | None:
        db = self.database.current()
        if db is None:
            show_message(
                self.window, QMessageBox.Icon.Information, "Organisation", "Open a database first."
            )
            return None
        if self.organisation is None:
            with self.busy.first_import(
                "Loading the organisation…", "irdesk.gui.organisation.window"
            ):
                from irdesk.gui.organisation.window import OrganisationWindow

            self.organisation = OrganisationWindow(
                self.tasks, self.undo_stack, self.actor, self.window, self.notes
            )
        # Read again each time it is asked for: imports and edits since then count.
        self.organisation.set_database(db)
        self.organisation.show()
        self.organisation.raise_()
        self.organisation.activateWindow()
        return self.organisation

    def refresh(self) -> None:
        """Read again, if it is open: an import may have changed the directory."""
        if self.organisation is not None and self.organisation.isVisible():
            self.organisation.reload()

    def shut_down(self) -> None:
        if self.organisation is not None:
            self.organisation.shut_down()

    def _database_changed(self, db: Database) -> None:
        if self.organisation is not None and self.organisation.isVisible():
            self.organisation.set_database(db)
