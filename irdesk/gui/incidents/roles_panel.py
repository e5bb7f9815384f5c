"""The Overview's Roles section: who had which part in the incident, and typing one.

Imported roles (from acknowledgements, pages and the on-call schedule) are listed with
what in the source made them so; a typed role is listed first and marks an imported
role of the same person as superseded. Setting or clearing a typed role is written in
the background (compare-and-set on the typed row's revision, audited) and then pushed
on the window's undo stack, so Ctrl+Z puts the previous typed role back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.enums import ROLE_TYPED, IncidentRoleKind
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.refusals import Refused, refusing, tell_refused
from irdesk.gui.common.row_table_model import RowTableModel
from irdesk.gui.common.undo import EditCommand, replay_refused

if TYPE_CHECKING:
    from irdesk.storage.database import Database
    from irdesk.storage.reads.database_reads import RolesView
    from irdesk.storage.records.incident_roles import RoleRow, RoleSet

COL_PERSON, COL_ROLE, COL_FROM = range(3)
ROLE_TEXT = {
    IncidentRoleKind.COMMANDER: "Incident commander",
    IncidentRoleKind.RESPONDER: "Responder",
    IncidentRoleKind.ONCALL_PRIMARY: "On-call primary",
    IncidentRoleKind.ONCALL_SECONDARY: "On-call secondary",
    IncidentRoleKind.TEAM_LEAD: "Team lead",
    IncidentRoleKind.COMMUNICATIONS: "Communications",
    IncidentRoleKind.SCRIBE: "Scribe",
}
NO_ROLE = "(no typed role)"
REFUSED_TITLE = "Cannot set the role"
MESSAGE_MS = 30_000
MIN_HEIGHT = 40


def from_text(row: RoleRow) -> str:
    if row.source == ROLE_TYPED:
        return f"typed by {row.set_by}" if row.set_by else "typed"
    how = f"import: {row.how}" if row.how else "import"
    return f"{how} (the typed role takes precedence)" if row.superseded else how


class RolesModel(RowTableModel["RoleRow"]):
    headers: ClassVar[tuple[str, ...]] = ("Person", "Role", "From")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        row = self._row_for(index)
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.person, ROLE_TEXT[row.role], from_text(row))[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and row.superseded:
            return Qt.GlobalColor.gray
        return None


class RolesPanel(QWidget):
    """Roles of the incident `show_incident` was last given."""

    roles_shown = Signal()  # a load or an edit has been shown

    def __init__(
        self,
        tasks: BackgroundTasks,
        undo_stack: QUndoStack,
        database: OpenDatabase,
        actor: str,
        status: Callable[[str, int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.undo_stack = undo_stack
        self.database = database
        self.actor = actor
        self.status = status
        self.view: RolesView | None = None
        self._generation = 0
        self._people_listed: list[tuple[int, str]] | None = None

        heading = QLabel("Roles")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.model = RolesModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Incident roles")
        self.table.setAccessibleDescription(
            "One row per person with a part in the incident: their role, and whether the "
            "import found it or someone typed it"
        )
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        # One line a role: a handful of roles should fit without scrolling.
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_PERSON, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ROLE, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMaximumHeight(150)
        self.person_combo = QComboBox()
        self.person_combo.setAccessibleName("Person")
        self.role_combo = QComboBox()
        self.role_combo.setAccessibleName("Role")
        self.role_combo.addItem(NO_ROLE, None)
        for kind, text in ROLE_TEXT.items():
            self.role_combo.addItem(text, kind.value)
        self.set_button = QPushButton("Set Role")
        self.set_button.setToolTip("Type this person's role in the incident (Ctrl+Z undoes)")
        self.set_button.clicked.connect(self.set_chosen_role)
        self.table.clicked.connect(self._row_clicked)
        row = QHBoxLayout()
        row.addWidget(self.person_combo, 1)
        row.addWidget(self.role_combo)
        row.addWidget(self.set_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self._enable(False)
        database.changed.connect(self.clear)

    def minimumSizeHint(self) -> QSize:
        """Small: the Overview's splitter may fold the roles away on a short screen."""
        return QSize(super().minimumSizeHint().width(), MIN_HEIGHT)

    def _enable(self, enabled: bool) -> None:
        for widget in (self.person_combo, self.role_combo, self.set_button):
            widget.setEnabled(enabled)

    def clear(self) -> None:
        self._generation += 1
        self.view = None
        self.model.set_rows([])
        self.person_combo.clear()
        self._people_listed = None
        self._enable(False)

    # ------------------------------------------------------------------ loading

    def show_incident(self, incident_id: int | None) -> None:
        self._generation += 1
        db = self.database.current()
        if incident_id is None or db is None:
            self.clear()
            return
        generation = self._generation

        def read(_report: object) -> RolesView:
            from irdesk.storage.reads.database_reads import load_roles

            return load_roles(db, incident_id)

        self.tasks.run(
            read,
            on_done=lambda view: self._loaded(generation, view),
            description="Loading roles…",
        )

    def _loaded(self, generation: int, view: RolesView) -> None:
        if generation != self._generation:
            return  # the user has moved on
        chosen = self.person_combo.currentData()
        self.view = view
        self.model.set_rows(view.roles)
        # The directory is the same from one incident to the next: refilling the box
        # with the same few hundred names would only measure them all again.
        if view.people != self._people_listed:
            self.person_combo.clear()
            for person_id, name in view.people:
                self.person_combo.addItem(name, person_id)
            self._people_listed = view.people
            if chosen is not None:
                self.person_combo.setCurrentIndex(max(0, self.person_combo.findData(chosen)))
        self._enable(bool(view.people))
        self.roles_shown.emit()

    def _row_clicked(self, index: QModelIndex) -> None:
        """Clicking a role picks its person, ready for the next edit."""
        row = self.model.row_at(index.row())
        self.person_combo.setCurrentIndex(self.person_combo.findData(row.person_id))

    # ------------------------------------------------------------------ editing

    def set_chosen_role(self) -> None:
        view, db = self.view, self.database.current()
        person_id = self.person_combo.currentData()
        if view is None or db is None or person_id is None:
            return
        value = self.role_combo.currentData()
        role = IncidentRoleKind(value) if value else None
        revision = view.typed_revisions.get(int(person_id), 0)
        name = self.person_combo.currentText()
        self._write(db, view.incident_id, int(person_id), role, revision, name, push=True)

    def _write(
        self,
        db: Database,
        incident_id: int,
        person_id: int,
        role: IncidentRoleKind | None,
        revision: int,
        name: str,
        *,
        push: bool,
        held: list[int] | None = None,
    ) -> None:
        actor = self.actor

        def write(_report: object) -> RoleSet | Refused:
            from irdesk.storage.records import database_edits

            return refusing(
                lambda: database_edits.set_typed_role(
                    db, incident_id, person_id, role, revision, actor=actor
                )
            )

        self.tasks.run(
            write,
            on_done=lambda done: self._written(db, done, name, push=push, held=held),
            description="Setting the role…",
        )

    def _written(
        self,
        db: Database,
        done: RoleSet | Refused,
        name: str,
        *,
        push: bool,
        held: list[int] | None,
    ) -> None:
        if db is not self.database.current():
            return
        if isinstance(done, Refused):
            if push:
                tell_refused(self._show_message, REFUSED_TITLE, done)
            else:
                replay_refused(self.undo_stack, self._show_message, done)
            self.show_incident(self.view.incident_id if self.view else None)
            return
        if held is not None:
            held[0] = done.revision
        if push and done.before != done.after:
            revision = [done.revision]
            what = ROLE_TEXT[done.after] if done.after else "no typed role"
            self.undo_stack.push(
                EditCommand(
                    f"Set {name}'s role",
                    redo=lambda: self._replay(db, done, done.after, name, revision),
                    undo=lambda: self._replay(db, done, done.before, name, revision),
                )
            )
            self.status(f"{name}: {what} (Ctrl+Z undoes)", MESSAGE_MS)
        self.show_incident(done.incident_id)

    def _replay(
        self,
        db: Database,
        done: RoleSet,
        role: IncidentRoleKind | None,
        name: str,
        revision: list[int],
    ) -> None:
        """Undo and redo: put `role` back, naming the revision the last step left."""
        if db is not self.database.current():
            return
        self._write(
            db, done.incident_id, done.person_id, role, revision[0], name, push=False, held=revision
        )

    def _show_message(
        self, icon: QMessageBox.Icon, title: str, text: str, informative: str
    ) -> None:
        show_message(self.window(), icon, title, text, informative)
