"""The People tab's leave: the selected person's days away, typed by hand (the on-call
tools' exports hold no absences), added, ended on a day, or removed.

Writes go through storage/records/leave on the window's background tasks, compare-and-set
on the span's revision; each is pushed on the main window's undo stack once written. A
refused entry is said in a message and the fields keep what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.undo import Holder, run_edit
from irdesk.gui.organisation.models import ColumnsModel

if TYPE_CHECKING:
    from irdesk.gui.common.refusals import ShowMessage
    from irdesk.storage.database import Database
    from irdesk.storage.records.leave import LeaveRow

REFUSED_TITLE = "Cannot change the leave"


class LeaveModel(ColumnsModel[Any]):
    columns = (
        ("From", None, lambda r: r.starts_on),
        ("Until", None, lambda r: r.ends_on if r.ends_on is not None else "not ended"),
        ("Note", None, lambda r: r.note),
    )


def _day_edit(name: str, tip: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setAccessibleName(name)
    edit.setToolTip(tip)
    edit.setMinimumDate(QDate(1970, 1, 2))
    edit.setDate(QDate.currentDate())
    return edit


def _day(edit: QDateEdit) -> date:
    return edit.date().toPython()  # type: ignore[no-any-return]


class LeavePanel(QWidget):
    """The person's leave, and From, Until (or Not ended), Note, Add, End, Remove."""

    def __init__(
        self,
        tasks: BackgroundTasks,
        undo_stack: QUndoStack,
        actor: str,
        show_message: ShowMessage,
    ) -> None:
        super().__init__()
        self.tasks, self.undo_stack, self.actor = tasks, undo_stack, actor
        self.show_message = show_message
        self.db: Database | None = None
        self.person: Any | None = None  # the selected person's row
        # Each span's revision as this window last wrote it: the undo of one edit follows
        # the others made here since, and still meets another window's change as a conflict.
        self._revisions: dict[int, int] = {}
        self.model = LeaveModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Leave")
        self.table.setAccessibleDescription("The selected person's leave, one span a row")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.title = QLabel("Leave (read as a surge: their own pages, their team's covering)")
        self.from_edit = _day_edit("Leave from", "Their first day away (yours)")
        self.until_edit = _day_edit("Leave until", "Their last day away (yours)")
        self.open_box = QCheckBox("Ongoin&g")
        self.open_box.setToolTip("Away from the first day, not ended yet")
        self.open_box.toggled.connect(lambda on: self.until_edit.setEnabled(not on))
        self.note_edit = QLineEdit()
        self.note_edit.setAccessibleName("Leave note")
        self.note_edit.setPlaceholderText("e.g. parental leave")
        self.add_button = QPushButton("Add Lea&ve")
        self.add_button.setToolTip("The person away from the first day (Ctrl+Z undoes)")
        self.end_button = QPushButton("End on &Until")
        self.end_button.setToolTip("The selected span ends on the Until day (Ctrl+Z undoes)")
        self.remove_button = QPushButton("Rem&ove Leave")
        self.remove_button.setToolTip("The selected span taken off (Ctrl+Z undoes)")
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for column, (text, widget) in enumerate(
            (("Fro&m", self.from_edit), ("Unt&il", self.until_edit))
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, 0, column * 2)
            grid.addWidget(widget, 0, column * 2 + 1)
        grid.addWidget(self.open_box, 0, 4)
        note_label = QLabel("Note (o&ptional)")
        note_label.setBuddy(self.note_edit)
        grid.addWidget(note_label, 1, 0)
        grid.addWidget(self.note_edit, 1, 1, 1, 4)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.add_button, self.end_button, self.remove_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add)
        self.end_button.clicked.connect(self.end)
        self.remove_button.clicked.connect(self.remove)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.show_person(None)

    # ------------------------------------------------------------- reading

    def show_person(self, person: Any | None) -> None:
        self.person = person
        self.reload()

    def reload(self) -> None:
        db, person = self.db, self.person
        if db is None or person is None:
            self.model.set_rows([])
            self._enable()
            return
        from irdesk.storage.records.leave import list_leave

        self.tasks.run(
            lambda _r: list_leave(db, person.id),
            on_done=lambda rows: self._loaded(person, rows),
            description="Reading the leave…",
        )

    def _loaded(self, person: Any, rows: list[LeaveRow]) -> None:
        if person is not self.person:
            return
        self.model.set_rows(rows)
        self._enable()

    def selected(self) -> LeaveRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(index.row())  # type: ignore[no-any-return]

    def _enable(self) -> None:
        chosen = self.selected() is not None
        self.add_button.setEnabled(self.person is not None)
        self.end_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def _until(self) -> date | None:
        return None if self.open_box.isChecked() else _day(self.until_edit)

    # ------------------------------------------------------------- editing

    def add(self) -> None:
        from irdesk.storage.records import leave

        db, person = self.db, self.person
        if db is None or person is None:
            return
        since, until, note = _day(self.from_edit), self._until(), self.note_edit.text()
        actor = self.actor
        held = Holder(row=None)

        def done(row: LeaveRow) -> None:
            held.row = self._wrote(row)

        self._run(
            lambda: leave.add_leave(db, person.id, since, until, note, actor=actor),
            done,
            f"Add {person.name}'s leave",
            undo=lambda: self._remove(db, held.row),
            redo=lambda: done(leave.restore_leave(db, held.row, actor=actor)),
        )

    def end(self) -> None:
        from irdesk.storage.records import leave

        db, span = self.db, self.selected()
        if db is None or span is None:
            return
        until, was, actor = self._until(), span.ends_on, self.actor

        def set_end(day: date | None) -> LeaveRow:
            known = self._revisions.get(span.leave_id, span.revision)
            return self._wrote(leave.end_leave(db, span.leave_id, known, day, actor=actor))

        self._run(
            lambda: set_end(until),
            lambda _row: None,
            f"End {span.person}'s leave of {span.starts_on.isoformat()}",
            undo=lambda: set_end(was),
            redo=lambda: set_end(until),
        )

    def remove(self) -> None:
        from irdesk.storage.records import leave

        db, span = self.db, self.selected()
        if db is None or span is None:
            return
        actor = self.actor
        held = Holder(row=span)

        def put_back() -> None:
            held.row = self._wrote(leave.restore_leave(db, held.row, actor=actor))

        self._run(
            lambda: self._remove(db, span),
            lambda _none: None,
            f"Remove {span.person}'s leave of {span.starts_on.isoformat()}",
            undo=put_back,
            redo=lambda: self._remove(db, held.row),
        )

    def _wrote(self, row: LeaveRow) -> LeaveRow:
        self._revisions[row.leave_id] = row.revision
        return row

    def _remove(self, db: Database, span: LeaveRow) -> None:
        from irdesk.storage.records import leave

        known = self._revisions.get(span.leave_id, span.revision)
        leave.remove_leave(db, span.leave_id, known, actor=self.actor)

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
            written=self.reload,
        )
