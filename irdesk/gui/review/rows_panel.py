"""What the findings and action-item panels share: rows of a review that are added,
deleted, restored and linked to other records, each step undoable.

A delete keeps the snapshot storage hands back, so that undo restores the row (under
its old id when that is still free) with its links; a link change remembers the ids
before it. Both run through the tab's background work and its undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from irdesk.gui.common.undo import EditCommand, Holder
from irdesk.gui.review.checklist_dialog import ChecklistDialog
from irdesk.gui.review.models import first_line

if TYPE_CHECKING:
    from irdesk.gui.review.tab import ReviewTab
    from irdesk.storage.database import Database

# set_links(db, row id, linked ids, *, actor): storage setting one row's links.
SetLinks = Callable[..., None]


class ReviewRowsPanel(QWidget):
    """Base of FindingsPanel and ActionsPanel; they name their rows and storage calls."""

    noun = ""  # "finding", "action item": in undo texts and messages
    entity = ""  # "finding", "action_item": the audit log's name, told to other windows

    def __init__(self, tab: ReviewTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.bound_id: int | None = None  # the row the editor is bound to
        self._select_after_load: int | None = None

    def delete_row(self, db: Database, row_id: int, *, actor: str) -> Any:
        """Delete the row; return what `restore_row` needs to bring it back."""
        raise NotImplementedError

    def restore_row(self, db: Database, deleted: Any, *, actor: str) -> Any:
        """Bring a deleted row back; return it (with its id)."""
        raise NotImplementedError

    def _add_undoably(self, add: Callable[[Database], Any], *, text: str, focus: QWidget) -> None:
        """Run `add` (returning the new row); undo deletes the row, redo restores it."""
        holder = Holder(id=None, deleted=None)

        def added(row: Any) -> None:
            holder.id = row.id
            self._select_after_load = row.id
            self.tab.undo_stack.push(
                EditCommand(
                    text, redo=lambda: self._restore(holder), undo=lambda: self._delete(holder)
                )
            )
            focus.setFocus()

        self.tab.run(add, added, description=f"Adding {self.noun}…")

    def _delete_undoably(self, row_id: int, title: str) -> None:
        holder = Holder(id=row_id, deleted=None)

        def deleted(_none: None) -> None:
            self.tab.undo_stack.push(
                EditCommand(
                    f"Delete {self.noun} “{first_line(title, 30)}”",
                    redo=lambda: self._delete(holder),
                    undo=lambda: self._restore(holder),
                )
            )
            self.tab.message.emit(f"{self.noun.capitalize()} deleted (Ctrl+Z brings it back)")

        self.bound_id = None  # nothing more is saved into it
        self._delete(holder, then=deleted)

    def _delete(self, holder: Holder, then: Any = None) -> None:
        actor, row_id = self.tab.actor, holder.id

        def work(db: Database) -> None:
            holder.deleted = self.delete_row(db, row_id, actor=actor)

        def done(result: None) -> None:
            self.tab.tell(self.entity, row_id, f"delete_{self.entity}")
            if then is not None:
                then(result)

        self.tab.run(work, done, description=f"Deleting {self.noun}…")

    def _restore(self, holder: Holder) -> None:
        actor, deleted = self.tab.actor, holder.deleted
        if deleted is None:
            return

        def restored(row: Any) -> None:
            holder.id = row.id
            self._select_after_load = row.id
            self.tab.tell(self.entity, row.id, f"restore_{self.entity}")

        self.tab.run(
            lambda db: self.restore_row(db, deleted, actor=actor),
            restored,
            description=f"Restoring {self.noun}…",
        )

    def _link_undoably(
        self,
        row_id: int,
        before: list[int],
        after: list[int],
        set_links: SetLinks,
        *,
        text: str,
        description: str,
    ) -> None:
        actor = self.tab.actor

        def link(ids: list[int]) -> None:
            self._select_after_load = row_id
            self.tab.run(
                lambda db: set_links(db, row_id, ids, actor=actor),
                description=description,
            )

        link(after)
        self.tab.undo_stack.push(
            EditCommand(text, redo=lambda: link(after), undo=lambda: link(before))
        )

    def _choose_links(
        self,
        row_id: int,
        linked: list[int],
        set_links: SetLinks,
        dialog: ChecklistDialog,
        *,
        text: str,
        description: str,
    ) -> ChecklistDialog:
        """Open `dialog` (its choices, `linked` ticked); what is accepted is linked undoably."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        before = list(linked)
        dialog.accepted.connect(
            lambda: self._link_undoably(
                row_id,
                before,
                dialog.chosen_ids(),
                set_links,
                text=text,
                description=description,
            )
        )
        dialog.open()
        return dialog
