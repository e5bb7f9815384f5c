"""Tools › Problems… (Ctrl+Shift+R) for the main window.

One window, kept once opened and pointed at each database the main window opens; its
module is imported the first time it is opened, not when the window starts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.busy_indicator import BusyIndicator
from irdesk.gui.common.menus import Menus
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.open_database import OpenDatabase

if TYPE_CHECKING:
    from irdesk.gui.incidents.problems_window import ProblemsWindow
    from irdesk.storage.database import Database

PROBLEMS_KEY = "Ctrl+Shift+R"


class ProblemsActions(QObject):
    """The Problems window, for the main window."""

    def __init__(
        self,
        window: QWidget,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        actor: str,
        busy: BusyIndicator,
        selected_incident: Callable[[], int | None],
        status: Callable[[str, int], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = tasks
        self.database = database
        self.actor = actor
        self.busy = busy
        self.selected_incident = selected_incident
        self.status = status
        self.problems: ProblemsWindow | None = None
        self.action = QAction("Pro&blems…", window)
        self.action.setShortcut(QKeySequence(PROBLEMS_KEY))
        self.action.setStatusTip(
            "Recurring incidents whose causes span teams: an accountable team, its incidents, "
            "open actions, repeats and the time since the last"
        )
        self.action.triggered.connect(self.show_problems)
        database.changed.connect(self._database_changed)

    def add_to(self, menus: Menus) -> None:
        menus.tools.addAction(self.action)

    def show_problems(self) -> ProblemsWindow | None:
        db = self.database.current()
        if db is None:
            show_message(
                self.window, QMessageBox.Icon.Information, "Problems", "Open a database first."
            )
            return None
        if self.problems is None:
            with self.busy.first_import(
                "Loading problems…", "irdesk.gui.incidents.problems_window"
            ):
                from irdesk.gui.incidents.problems_window import ProblemsWindow

            self.problems = ProblemsWindow(
                self.tasks, self.actor, self.selected_incident, self.status, self.window
            )
        self.problems.set_database(db)
        self.problems.show()
        self.problems.raise_()
        self.problems.activateWindow()
        return self.problems

    def shut_down(self) -> None:
        if self.problems is not None:
            self.problems.shut_down()

    def _database_changed(self, db: Database) -> None:
        if self.problems is not None and self.problems.isVisible():
            self.problems.set_database(db)
