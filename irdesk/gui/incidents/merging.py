"""Linking incidents from the window: the picker, the change in the background, and Ctrl+Z.

Edit › Link to Incident… (also on the incident list's context menu) opens the
picker; the Overview's Unlink buttons come here too. Each change is written on
the window's background tasks (storage.records.merge_changes) and, once made,
pushed on the window's undo stack as an `EditCommand`; `links_changed(id)` then
asks the window to list the incidents again with `id` selected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.refusals import Refused, tell_refused
from irdesk.gui.common.undo import EditCommand, replay_refused
from irdesk.gui.incidents.link_dialog import LinkIncidentDialog
from irdesk.gui.incidents.list_pane import IncidentList
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from irdesk.storage.database import Database
    from irdesk.storage.records.merge_changes import MergeChange, MergeOutcome


LINK_KEY = "Ctrl+L"
MESSAGE_MS = 30_000
HINT_MS = 10_000

MergeWork = Callable[["Database", str], "MergeOutcome"]


class IncidentMerging(QObject):
    """The Link to Incident action, its picker and context menu, and Unlink."""

    links_changed = Signal(int)  # the incident to select once the list is read again

    def __init__(
        self,
        window: QWidget,
        incident_list: IncidentList,
        tasks: BackgroundTasks,
        undo_stack: QUndoStack,
        database: OpenDatabase,
        actor: str,
        status: Callable[[str, int], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.incident_list = incident_list
        self.tasks = tasks
        self.undo_stack = undo_stack
        self.database = database
        self.actor = actor
        self.status = status
        self.dialog: LinkIncidentDialog | None = None
        self.context_menu: QMenu | None = None
        self._closed = False

        self.link_action = QAction("&Link to Incident…", window)
        self.link_action.setShortcut(QKeySequence(LINK_KEY))
        self.link_action.setStatusTip(
            "Join the selected incident to another one: the same outage seen by another tool"
        )
        self.link_action.triggered.connect(self.link_current_incident)
        table = incident_list.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._show_context_menu)

    def update_action(self) -> None:
        """Linking needs an open file, a selected incident and another one to link it to."""
        self.link_action.setEnabled(
            self.database.current() is not None
            and self.incident_list.current_incident_id() is not None
            and self.incident_list.total_count() > 1
        )

    def shut_down(self) -> None:
        """The window closes: a change that finishes now is not shown any more."""
        self._closed = True

    # ------------------------------------------------------------ the picker

    def link_current_incident(self) -> LinkIncidentDialog | None:
        """Pick the incident the selected one is the same outage as."""
        incident_id = self.incident_list.current_incident_id()
        if self.database.current() is None or incident_id is None:
            self.status("Select the incident to link first.", HINT_MS)
            return None
        rows = self.incident_list.rows()
        incident = next((row for row in rows if row.id == incident_id), None)
        if incident is None:
            return None
        if len(rows) < 2:
            self.status("There is no other incident to link it to.", HINT_MS)
            return None
        if self.dialog is not None:
            self.dialog.reject()
        dialog = LinkIncidentDialog(incident, rows, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._link_chosen(dialog, incident_id))
        dialog.destroyed.connect(lambda _obj=None: self._dialog_gone(dialog))
        self.dialog = dialog
        dialog.show()
        return dialog

    def _dialog_gone(self, dialog: LinkIncidentDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _link_chosen(self, dialog: LinkIncidentDialog, incident_id: int) -> None:
        into_id = dialog.chosen_id()
        if into_id is not None:
            self.link_incidents(incident_id, into_id)

    def _show_context_menu(self, pos: QPoint) -> None:
        table = self.incident_list.table
        index = table.indexAt(pos)
        if index.isValid():
            table.setCurrentIndex(index)
        if self.context_menu is not None:
            self.context_menu.close()
        menu = QMenu(self.window)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self.link_action)
        menu.destroyed.connect(lambda _obj=None: self._context_menu_gone(menu))
        self.context_menu = menu
        menu.popup(table.viewport().mapToGlobal(pos))

    def _context_menu_gone(self, menu: QMenu) -> None:
        if self.context_menu is menu:
            self.context_menu = None

    # ------------------------------------------------------------ the changes

    def link_incidents(self, incident_id: int, into_id: int) -> None:
        """Merge `incident_id` into `into_id` in the background; Ctrl+Z takes it back."""

        def link(db: Database, actor: str) -> MergeOutcome:
            from irdesk.storage.records import merge_changes

            return merge_changes.link(db, incident_id, into_id, actor=actor)

        self._run(link, undoable=True, description="Linking incidents…")

    def unlink_incident(self, incident_id: int) -> None:
        """Show a merged incident on its own again; Ctrl+Z links it back as it was."""

        def unlink(db: Database, actor: str) -> MergeOutcome:
            from irdesk.storage.records import merge_changes

            return merge_changes.unlink(db, incident_id, actor=actor)

        self._run(unlink, undoable=True, description="Unlinking incident…")

    def _apply(self, change: MergeChange) -> None:
        """Undo and redo: make `change` happen; the stack already moved."""

        def apply(db: Database, actor: str) -> MergeOutcome:
            from irdesk.storage.records import merge_changes

            return merge_changes.apply(db, change, actor=actor)

        self._run(apply, undoable=False, description="Undoing…")

    def _run(self, work: MergeWork, *, undoable: bool, description: str) -> None:
        db, actor = self.database.current(), self.actor
        if db is None:
            return
        self.tasks.run(
            lambda _report: work(db, actor),
            on_done=lambda outcome: self._done(db, outcome, undoable=undoable),
            on_expected_error=self._failed,
            description=description,
        )

    def _done(self, db: Database, outcome: MergeOutcome, *, undoable: bool) -> None:
        if db is not self.database.current() or self._closed:
            return
        change = outcome.change
        if change is None:
            refused = Refused(outcome.refused)
            if undoable:
                tell_refused(self._show_message, "Cannot link", refused)
            else:
                replay_refused(self.undo_stack, self._show_message, refused)
            return
        if undoable:
            self.undo_stack.push(
                EditCommand(
                    change.text,
                    redo=lambda: self._apply(change),
                    undo=lambda: self._apply(change.inverse()),
                )
            )
        if change.linked:
            message = (
                f"Linked {change.incident_label} into {change.into_label}; "
                "its events are in that timeline now (Ctrl+Z undoes)"
            )
        else:
            message = f"{change.incident_label} is an incident of its own again (Ctrl+Z undoes)"
        self.status(message, MESSAGE_MS)
        self.links_changed.emit(change.into_id)

    def _show_message(
        self, icon: QMessageBox.Icon, title: str, text: str, informative: str
    ) -> None:
        show_message(self.window, icon, title, text, informative)

    def _failed(self, exc: Exception) -> None:
        """A database that cannot be written (locked, read-only, full)."""
        self.undo_stack.clear()
        text = f"“{exc.path.name}” {exc.problem}" if isinstance(exc, DatabaseError) else str(exc)
        hint = exc.hint if isinstance(exc, DatabaseError) else ""
        show_message(self.window, QMessageBox.Icon.Warning, "Cannot change the links", text, hint)
