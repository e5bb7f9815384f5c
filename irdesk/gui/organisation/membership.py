"""The Rotations tab's bar for typing membership: a person added to the selected rotation
from a day, and a hand-added membership (the selected row) ended on a day.

Writes go through storage/records/rotation_edits on the window's background tasks; each is
pushed on the main window's undo stack once written (undo of an addition takes it off,
of an end opens it again).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.undo import Holder, run_edit

if TYPE_CHECKING:
    from irdesk.gui.common.refusals import ShowMessage
    from irdesk.storage.database import Database
    from irdesk.storage.records.rotation_edits import Membership

REFUSED_TITLE = "Cannot change the membership"


def day_starts(day: date) -> datetime:
    """The start of `day` in the user's zone, as aware UTC."""
    return datetime(day.year, day.month, day.day).astimezone().astimezone(UTC)


class MembershipBar(QWidget):
    """Person, day, Add Member, End Membership."""

    def __init__(
        self,
        tasks: BackgroundTasks,
        undo_stack: QUndoStack,
        actor: str,
        show_message: ShowMessage,
        written: Callable[[], None],
    ) -> None:
        super().__init__()
        self.tasks, self.undo_stack, self.actor = tasks, undo_stack, actor
        self.show_message, self.written = show_message, written
        self.db: Database | None = None
        self.rotation: Any | None = None  # the selected rotation's row
        self.member: Any | None = None  # the selected membership's row
        self.person_box = QComboBox()
        self.person_box.setAccessibleName("Person to add")
        person_label = QLabel("&Person")
        person_label.setBuddy(self.person_box)
        self.day_edit = QDateEdit()
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.setAccessibleName("Membership day")
        self.day_edit.setToolTip("The day (yours) the person joins, or the membership ends")
        self.day_edit.setMinimumDate(QDate(1970, 1, 2))
        self.day_edit.setMaximumDate(QDate.currentDate())
        self.day_edit.setDate(QDate.currentDate())
        day_label = QLabel("Da&y")
        day_label.setBuddy(self.day_edit)
        self.add_button = QPushButton("Add &Member")
        self.add_button.setToolTip(
            "The person on the selected rotation from the day (Ctrl+Z undoes)"
        )
        self.end_button = QPushButton("&End Membership")
        self.end_button.setToolTip(
            "The selected membership, added by hand, ends on the day (Ctrl+Z undoes)"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (person_label, self.person_box, day_label, self.day_edit):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.add_button)
        layout.addWidget(self.end_button)
        self.add_button.clicked.connect(self.add)
        self.end_button.clicked.connect(self.end)
        self.show_selection(None, None)

    def set_people(self, people: list[tuple[str, int]]) -> None:
        chosen = self.person_box.currentData()
        self.person_box.clear()
        for name, person_id in sorted(people):
            self.person_box.addItem(name, person_id)
        self.person_box.setCurrentIndex(max(self.person_box.findData(chosen), 0))

    def show_selection(self, rotation: Any | None, member: Any | None) -> None:
        self.rotation, self.member = rotation, member
        self.add_button.setEnabled(rotation is not None)
        self.end_button.setEnabled(member is not None and member.how == "typed")

    def _since(self) -> datetime:
        return day_starts(self.day_edit.date().toPython())  # type: ignore[arg-type]

    def add(self) -> None:
        from irdesk.storage.records import rotation_edits

        db, rotation, person_id = self.db, self.rotation, self.person_box.currentData()
        if db is None or rotation is None or person_id is None:
            return
        since, actor = self._since(), self.actor
        text = f"Add {self.person_box.currentText()} to {rotation.name}"
        held = Holder(membership=None)

        def done(membership: Membership) -> None:
            held.membership = membership

        self._run(
            lambda: rotation_edits.add_member(db, rotation.id, person_id, since, actor=actor),
            done,
            text,
            undo=lambda: rotation_edits.remove_member(db, held.membership.member_id, actor=actor),
            redo=lambda: done(rotation_edits.restore_member(db, held.membership, actor=actor)),
        )

    def end(self) -> None:
        from irdesk.storage.records import rotation_edits

        db, member = self.db, self.member
        if db is None or member is None:
            return
        until, actor, was = self._since(), self.actor, member.ends_at
        text = f"End {member.person}'s membership of {member.rotation}"
        self._run(
            lambda: rotation_edits.set_member_end(db, member.member_id, until, actor=actor),
            lambda _m: None,
            text,
            undo=lambda: rotation_edits.set_member_end(db, member.member_id, was, actor=actor),
            redo=lambda: rotation_edits.set_member_end(db, member.member_id, until, actor=actor),
        )

    def _run(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        text: str,
        *,
        undo: Callable[[], Any],
        redo: Callable[[], Any],
    ) -> None:
        run_edit(
            self.tasks,
            self.undo_stack,
            self.show_message,
            REFUSED_TITLE,
            work=work,
            done=done,
            text=text,
            undo=undo,
            redo=redo,
            written=self.written,
        )
