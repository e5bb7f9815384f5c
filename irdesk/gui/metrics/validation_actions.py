"""Tools › Validation Sample…: the dialog's owner, which writes what it asks for.

Checks are written on the background tasks through storage (compare-and-set, audited)
and pushed on the window's undo stack once accepted: undo puts the incident's check
(and any lifecycle corrections it applied) back as it was, redo records it again.
Drawing a sample is audited too; it adds a record and changes none, so it is not undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.busy_indicator import BusyIndicator
from irdesk.gui.common.menus import Menus
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.refusals import Refused, refusing
from irdesk.gui.common.undo import EditCommand, replay_refused

if TYPE_CHECKING:
    from irdesk.gui.metrics.validation_dialog import ValidationDialog
    from irdesk.storage.database import Database
    from irdesk.storage.records.validation_samples import CheckState, SampleInfo, SampleItem, Value

VALIDATION_TITLE = "Validation sample"


@dataclass
class Held:
    """The item's revision after the last step, and the state undo puts back."""

    revision: int
    before: CheckState


class ValidationActions(QObject):
    def __init__(
        self,
        window: QWidget,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        undo_stack: QUndoStack,
        actor: str,
        busy: BusyIndicator,
    ) -> None:
        super().__init__(window)
        self.window, self.tasks, self.database = window, tasks, database
        self.undo_stack, self.actor, self.busy = undo_stack, actor, busy
        self.dialog: ValidationDialog | None = None
        self.action = QAction("Validation &Sample…", window)
        self.action.setStatusTip("Check sampled incidents against their sources, field by field")
        self.action.triggered.connect(self.open_dialog)

    def add_to(self, menus: Menus) -> None:
        menus.tools.addAction(self.action)

    def open_dialog(self) -> ValidationDialog | None:
        db = self.database.current()
        if db is None:
            show_message(
                self.window,
                QMessageBox.Icon.Information,
                VALIDATION_TITLE,
                "Open a database first.",
            )
            return None
        with self.busy.first_import(
            "Loading the validation sample…", "irdesk.gui.metrics.validation_dialog"
        ):
            from irdesk.gui.metrics.validation_dialog import ValidationDialog

        dialog = ValidationDialog(db, self.tasks, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.check_requested.connect(
            lambda item, corrections, apply: self._check(db, dialog, item, corrections, apply)
        )
        dialog.draw_requested.connect(lambda n, seed: self._draw(db, dialog, n, seed))
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        dialog.reload()
        return dialog

    # ----------------------------------------------------------------- drawing

    def _draw(self, db: Database, dialog: ValidationDialog, per_source: int, seed: int) -> None:
        actor = self.actor

        def work(_report: object) -> SampleInfo | Refused:
            from irdesk.storage.records.validation_samples import draw_sample

            return refusing(lambda: draw_sample(db, per_source=per_source, seed=seed, actor=actor))

        def done(result: SampleInfo | Refused) -> None:
            if isinstance(result, Refused):
                dialog.refused(result.message)
                return
            drawn = [result.id]
            self.undo_stack.push(
                EditCommand(
                    f"Draw validation sample {result.id}",
                    redo=lambda: self._redraw(db, drawn, per_source, seed),
                    undo=lambda: self._discard(db, drawn),
                )
            )
            dialog.reload(result.id)

        self.tasks.run(work, on_done=done, on_expected_error=lambda e: dialog.refused(str(e)))

    def _discard(self, db: Database, drawn: list[int]) -> None:
        actor = self.actor

        def work(_report: object) -> Refused | None:
            from irdesk.storage.records.validation_samples import discard_sample

            return refusing(lambda: discard_sample(db, drawn[0], actor=actor))

        self.tasks.run(work, on_done=self._replayed, description="Undoing…")

    def _redraw(self, db: Database, drawn: list[int], per_source: int, seed: int) -> None:
        """Redo of a draw: the same seed over the same incidents draws the same sample."""
        actor = self.actor

        def work(_report: object) -> SampleInfo | Refused:
            from irdesk.storage.records.validation_samples import draw_sample

            return refusing(lambda: draw_sample(db, per_source=per_source, seed=seed, actor=actor))

        def done(result: SampleInfo | Refused) -> None:
            if not isinstance(result, Refused):
                drawn[0] = result.id
            self._replayed(result)

        self.tasks.run(work, on_done=done, description="Redoing…")

    def _replayed(self, result: object) -> None:
        if isinstance(result, Refused):
            replay_refused(self.undo_stack, self._show_message, result)
            return
        if self.dialog is not None:
            self.dialog.reload()

    # ----------------------------------------------------------------- checking

    def _check(
        self,
        db: Database,
        dialog: ValidationDialog,
        item: SampleItem,
        corrections: dict[str, Value],
        apply: bool,
    ) -> None:
        actor = self.actor

        def work(_report: object) -> tuple[int, CheckState] | Refused:
            from irdesk.storage.records.validation_samples import record_check

            return refusing(
                lambda: record_check(
                    db, item.id, item.revision, corrections, apply=apply, actor=actor
                )
            )

        def done(result: tuple[int, CheckState] | Refused) -> None:
            if isinstance(result, Refused):
                dialog.refused(result.message)
                return
            held = Held(result[0], result[1])
            fixed = f", {len(corrections)} corrected" if corrections else ""
            self.undo_stack.push(
                EditCommand(
                    f"Check {item.label}{fixed}",
                    redo=lambda: self._replay(db, item, held, corrections, apply),
                    undo=lambda: self._replay(db, item, held, None, apply),
                )
            )
            dialog.checked()

        self.tasks.run(
            work,
            on_done=done,
            on_expected_error=lambda e: dialog.refused(str(e)),
            description="Recording the check…",
        )

    def _replay(
        self,
        db: Database,
        item: SampleItem,
        held: Held,
        corrections: dict[str, Value] | None,
        apply: bool,
    ) -> None:
        """Undo (corrections None: put back what was before) or redo (record them again)."""
        actor = self.actor

        def work(_report: object) -> tuple[int, CheckState | None] | Refused:
            from irdesk.storage.records import validation_samples as vs

            if corrections is None:
                return refusing(
                    lambda: (
                        vs.restore_check(db, item.id, held.revision, held.before, actor=actor),
                        None,
                    )
                )
            return refusing(
                lambda: vs.record_check(
                    db, item.id, held.revision, corrections, apply=apply, actor=actor
                )
            )

        def done(result: tuple[int, CheckState | None] | Refused) -> None:
            if isinstance(result, Refused):
                replay_refused(self.undo_stack, self._show_message, result)
                return
            held.revision = result[0]
            if result[1] is not None:
                held.before = result[1]
            if self.dialog is not None:
                self.dialog.reload(keep_position=True)

        self.tasks.run(
            work, on_done=done, description="Undoing…" if corrections is None else "Redoing…"
        )

    def _show_message(
        self, icon: QMessageBox.Icon, title: str, text: str, informative: str
    ) -> None:
        show_message(self.window, icon, title, text, informative)
