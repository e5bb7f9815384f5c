"""Classifying incidents from the window: Incident › Classify…, the change in the background,
and Ctrl+Z.

The selected incidents are read (with the revision each edit must name), the dialog
asks, and the change is written on the window's background tasks
(storage.records.database_edits.classify), all the incidents in one transaction.
Once written it is pushed on the undo stack: undo puts each incident's classification
back as it was, redo puts the new one back, each naming the revision the last step
left. `classified` then asks the window to show the incidents again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.refusals import Refused, refusing, tell_refused
from irdesk.gui.common.undo import EditCommand, replay_refused
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from irdesk.domain.classification import Classification
    from irdesk.gui.incidents.classify_dialog import ClassifyDialog
    from irdesk.storage.database import Database
    from irdesk.storage.reads.incident_view import ClassificationTarget
    from irdesk.storage.records.classifications import Classified

CLASSIFY_KEY = "Ctrl+Shift+C"
MESSAGE_MS = 30_000
HINT_MS = 10_000
REFUSED_TITLE = "Cannot classify"


class IncidentClassifying(QObject):
    """The Classify… action and its dialog for the incidents selected in the list."""

    classified = Signal()  # the list and the Overview show the change

    def __init__(
        self,
        window: QWidget,
        selected: Callable[[], list[int]],
        tasks: BackgroundTasks,
        undo_stack: QUndoStack,
        database: OpenDatabase,
        actor: str,
        status: Callable[[str, int], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.selected = selected
        self.tasks = tasks
        self.undo_stack = undo_stack
        self.database = database
        self.actor = actor
        self.status = status
        self.dialog: ClassifyDialog | None = None
        self._closed = False

        self.classify_action = QAction("&Classify…", window)
        self.classify_action.setShortcut(QKeySequence(CLASSIFY_KEY))
        self.classify_action.setStatusTip(
            "Severity customers reported, a corrected severity, impact, a third party's fault, "
            "approved tech debt, regulatory exposure, or not an incident at all"
        )
        self.classify_action.triggered.connect(self.classify_selected)

    def update_action(self) -> None:
        self.classify_action.setEnabled(
            self.database.current() is not None and bool(self.selected())
        )

    def shut_down(self) -> None:
        self._closed = True

    # ------------------------------------------------------------- the dialog

    def classify_selected(self) -> None:
        """Read the selected incidents as they are now, then ask."""
        db, ids = self.database.current(), self.selected()
        if db is None or not ids:
            self.status("Select the incidents to classify first.", HINT_MS)
            return

        def read(_report: object) -> list[ClassificationTarget]:
            from irdesk.storage.reads.incident_view import classification_targets

            return classification_targets(db, ids)

        self.tasks.run(
            read,
            on_done=lambda targets: self._ask(db, targets),
            on_expected_error=self._failed,
            description="Reading the incidents…",
        )

    def _ask(self, db: Database, targets: list[ClassificationTarget]) -> None:
        if db is not self.database.current() or self._closed or not targets:
            return
        if self.dialog is not None:
            self.dialog.reject()
        # Loaded the first time it opens: the window starts without it.
        from irdesk.gui.incidents.classify_dialog import ClassifyDialog

        dialog = ClassifyDialog(targets, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._chosen(db, targets, dialog.changes()))
        dialog.destroyed.connect(lambda _obj=None: self._dialog_gone(dialog))
        self.dialog = dialog
        dialog.show()

    def _dialog_gone(self, dialog: ClassifyDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    # ------------------------------------------------------------ the change

    def _chosen(
        self, db: Database, targets: Sequence[ClassificationTarget], changes: dict[str, Any]
    ) -> None:
        if not changes:
            self.status("Nothing was changed.", HINT_MS)
            return
        actor = self.actor
        pairs = [(t.incident_id, t.revision) for t in targets]

        def write(_report: object) -> list[Classified] | Refused:
            from irdesk.storage.records import database_edits

            return refusing(lambda: database_edits.classify(db, pairs, changes, actor=actor))

        self.tasks.run(
            write,
            on_done=lambda done: self._written(db, done),
            on_expected_error=self._failed,
            description="Classifying…",
        )

    def _written(self, db: Database, done: list[Classified] | Refused) -> None:
        if db is not self.database.current() or self._closed:
            return
        if isinstance(done, Refused):
            tell_refused(self._show_message, REFUSED_TITLE, done)
            return
        changed = [c for c in done if c.changed]
        if not changed:
            self.status("Nothing was changed.", HINT_MS)
            return
        # Each incident's revision after the last step, and its two states.
        held = {c.incident_id: c.revision for c in changed}
        before = {c.incident_id: c.before for c in changed}
        after = {c.incident_id: c.after for c in changed}
        text = (
            f"Classify {changed[0].label}"
            if len(changed) == 1
            else f"Classify {len(changed)} incidents"
        )
        self.undo_stack.push(
            EditCommand(
                text,
                redo=lambda: self._replay(held, after),
                undo=lambda: self._replay(held, before),
            )
        )
        what = changed[0].label if len(changed) == 1 else f"{len(changed)} incidents"
        self.status(f"Classified {what} (Ctrl+Z undoes)", MESSAGE_MS)
        self.classified.emit()

    def _replay(self, held: dict[int, int], states: dict[int, Classification]) -> None:
        """Undo and redo: put `states` back, naming the revisions the last step left."""
        db, actor = self.database.current(), self.actor
        if db is None:
            return
        items = [(i, held[i], value) for i, value in states.items()]

        def write(_report: object) -> list[Classified] | Refused:
            from irdesk.storage.records import database_edits

            return refusing(lambda: database_edits.restore_classifications(db, items, actor=actor))

        self.tasks.run(
            write,
            on_done=lambda done: self._replayed(db, held, done),
            on_expected_error=self._failed,
            description="Undoing…",
        )

    def _replayed(
        self, db: Database, held: dict[int, int], done: list[Classified] | Refused
    ) -> None:
        if db is not self.database.current() or self._closed:
            return
        if isinstance(done, Refused):
            replay_refused(self.undo_stack, self._show_message, done)
            return
        held.update({c.incident_id: c.revision for c in done})
        self.classified.emit()

    def _show_message(
        self, icon: QMessageBox.Icon, title: str, text: str, informative: str
    ) -> None:
        show_message(self.window, icon, title, text, informative)

    def _failed(self, exc: Exception) -> None:
        """A database that cannot be written (locked, read-only, full)."""
        self.undo_stack.clear()
        text = f"“{exc.path.name}” {exc.problem}" if isinstance(exc, DatabaseError) else str(exc)
        hint = exc.hint if isinstance(exc, DatabaseError) else ""
        show_message(self.window, QMessageBox.Icon.Warning, REFUSED_TITLE, text, hint)
