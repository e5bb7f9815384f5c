"""Tools › Compliance Register…: the menu entry, and the one register window it opens.

The window's module (and the register's reads and reports) load the first time it
opens, behind the busy indicator, as the packet dialog's do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.busy_indicator import BusyIndicator
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.menus import Menus
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.refusals import ShowMessage

if TYPE_CHECKING:
    from datetime import datetime

    from irdesk.gui.packets.register_window import RegisterWindow


class RegisterActions(QObject):
    def __init__(
        self,
        window: QWidget,
        tasks: BackgroundTasks,
        undo_stack: QUndoStack,
        database: OpenDatabase,
        actor: str,
        busy: BusyIndicator,
        message: ShowMessage,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = tasks
        self.undo_stack = undo_stack
        self.database = database
        self.actor = actor
        self.busy = busy
        self.message = message
        self.register_window: RegisterWindow | None = None
        # What "now" is when the window measures pending notices (tests fix it).
        self.clock: Callable[[], datetime] | None = None
        self.register_action = QAction("Compliance &Register…", window)
        self.register_action.setStatusTip(
            "Regulatory notices against their deadlines, legal sign-off, packets sent, RTOs"
        )
        self.register_action.triggered.connect(self.open_register)

    def add_to(self, menus: Menus) -> None:
        menus.tools.addAction(self.register_action)

    def open_register(self) -> RegisterWindow | None:
        if self.database.current() is None:
            show_message(
                self.window, QMessageBox.Icon.Information, "No database", "Open a database first."
            )
            return None
        if self.register_window is None:
            with self.busy.first_import(
                "Loading the compliance register…", "irdesk.gui.packets.register_window"
            ):
                from irdesk.gui.packets.register_window import REGISTER_SIZE, RegisterWindow

            self.register_window = RegisterWindow(
                self.tasks, self.undo_stack, self.database, self.actor, self.message
            )
            # Its own window, on the screen the compliance officer is using.
            fit_to_screen(self.register_window, *REGISTER_SIZE, near=self.window)
        if self.clock is not None:
            self.register_window.clock = self.clock
        window = self.register_window
        window.reload()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def database_changed(self) -> None:
        """Another file is open: the register shows it, or closes when none is."""
        if self.register_window is None or not self.register_window.isVisible():
            return
        if self.database.current() is None:
            self.register_window.close()
        else:
            self.register_window.reload()

    def shut_down(self) -> None:
        if self.register_window is not None:
            self.register_window.shut_down()
            self.register_window.deleteLater()
            self.register_window = None
