"""Tools › Problems…: problems that span teams, each with its figure, incidents and open
actions; a new one made from the incident selected in the main window.

The list shows every problem with its accountable and contributing teams, its
incidents, repeat incidents and the days since the last; the selected problem's
incidents (with their reviews) and open action items are listed below it. "Create from
Selected Incident" makes a problem from that incident's recurrence group (extended to
other services by similarity) with the team chosen as accountable. Reads and the
creation run on the window's background tasks (storage.records.database_edits), the
same doors `irdesk problems` uses, so the JSON and the window agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.formatting import local_time
from irdesk.gui.common.refusals import Refused, refusing
from irdesk.gui.common.row_table_model import AnyIndex, RowTableModel

if TYPE_CHECKING:
    from irdesk.storage.database import Database
    from irdesk.storage.records.problems import ProblemView

MESSAGE_MS = 15_000


def days_since(view: ProblemView) -> str:
    since = view.figure.since_last
    return "—" if since is None else f"{since.total_seconds() / 86400:.1f}"


class ProblemsModel(RowTableModel["ProblemView"]):
    headers: ClassVar[tuple[str, ...]] = (
        "Problem",
        "Accountable",
        "Contributing",
        "Incidents",
        "Repeats",
        "Days since last",
        "Open actions",
    )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        view = self._row_for(index)
        if view is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            view.title,
            view.accountable_team or "—",
            ", ".join(view.contributing_teams) or "—",
            str(len(view.incidents)),
            str(view.figure.repeats),
            days_since(view),
            str(len(view.open_actions)),
        )[index.column()]


class IncidentsModel(RowTableModel["ProblemIncidentRow"]):
    headers: ClassVar[tuple[str, ...]] = ("Incident", "Service", "Started", "Title", "Review")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        started = local_time(row.started_at) if row.started_at else "—"
        review = row.review.replace("_", " ") if row.review else "none"
        return (row.label, row.service or "—", started, row.title, review)[index.column()]


class ActionsModel(RowTableModel["OpenActionRow"]):
    headers: ClassVar[tuple[str, ...]] = ("Open action", "Owner", "Due", "Incident")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        due = row.due_on.isoformat() if row.due_on else "—"
        return (row.title or "untitled", row.owner or "—", due, row.incident)[index.column()]


def _table(model: RowTableModel[Any], name: str, description: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setAccessibleDescription(description)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ProblemsWindow(QWidget):
    """Every problem, the selected one's incidents and actions, and a way to make one."""

    def __init__(
        self,
        tasks: BackgroundTasks,
        actor: str,
        selected_incident: Callable[[], int | None],
        status: Callable[[str, int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Problems")
        self.tasks = tasks
        self.actor = actor
        self.selected_incident = selected_incident
        self.status = status
        self.db: Database | None = None

        self.problems = ProblemsModel(self)
        self.problem_table = _table(
            self.problems,
            "Problems",
            "One row per problem: its teams, incidents, repeat incidents, days since the last",
        )
        self.problem_table.selectionModel().currentRowChanged.connect(lambda *_: self._show())
        self.incidents = IncidentsModel(self)
        self.incident_table = _table(
            self.incidents, "Problem incidents", "The selected problem's incidents and reviews"
        )
        self.actions = ActionsModel(self)
        self.action_table = _table(
            self.actions, "Open actions", "Open action items of the selected problem's reviews"
        )

        self.team_combo = QComboBox()
        self.team_combo.setMinimumContentsLength(14)
        team_label = QLabel("Accountable &team:")
        team_label.setBuddy(self.team_combo)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("default: the first incident's title")
        title_label = QLabel("T&itle:")
        title_label.setBuddy(self.title_edit)
        self.create_button = QPushButton("&Create from Selected Incident")
        self.create_button.clicked.connect(self.create_problem)
        self.message = QLabel()
        self.message.setWordWrap(True)

        bar = QHBoxLayout()
        bar.addWidget(team_label)
        bar.addWidget(self.team_combo)
        bar.addWidget(title_label)
        bar.addWidget(self.title_edit, 1)
        bar.addWidget(self.create_button)
        list_label = QLabel("&Problems")
        list_label.setBuddy(self.problem_table)
        incidents_label = QLabel("I&ncidents")
        incidents_label.setBuddy(self.incident_table)
        actions_label = QLabel("Open &actions")
        actions_label.setBuddy(self.action_table)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(list_label)
        layout.addWidget(self.problem_table, 2)
        layout.addWidget(incidents_label)
        layout.addWidget(self.incident_table, 2)
        layout.addWidget(actions_label)
        layout.addWidget(self.action_table, 1)
        fit_to_screen(self, 1000, 700)

    def set_database(self, db: Database) -> None:
        self.db = db
        self.reload()

    def reload(self, select: int | None = None) -> None:
        db = self.db
        if db is None:
            return

        def read(_report: object) -> tuple[list[ProblemView], list[str]]:
            from irdesk.domain.utc import utc_now
            from irdesk.storage.reads.directory import list_teams
            from irdesk.storage.records.database_edits import read_problems

            return read_problems(db, utc_now()), [t.name for t in list_teams(db)]

        self.tasks.run(
            read,
            on_done=lambda found: self._loaded(db, *found, select),
            description="Reading problems…",
        )

    def _loaded(
        self, db: Database, views: list[ProblemView], teams: list[str], select: int | None
    ) -> None:
        if db is not self.db:
            return
        chosen = self.team_combo.currentText()
        self.team_combo.clear()
        self.team_combo.addItems(teams)
        if chosen in teams:
            self.team_combo.setCurrentText(chosen)
        self.create_button.setEnabled(bool(teams))
        if not teams:
            self.message.setText("Import the organisation directory first: a problem needs a team.")
        self.problems.set_rows(views)
        ids = [v.id for v in views]
        if views:
            row = ids.index(select) if select in ids else 0
            self.problem_table.selectRow(row)
        self._show()

    def current(self) -> ProblemView | None:
        index = self.problem_table.currentIndex()
        return self.problems.row_at(index.row()) if index.isValid() else None

    def _show(self) -> None:
        view = self.current()
        self.incidents.set_rows(view.incidents if view else [])
        self.actions.set_rows(view.open_actions if view else [])

    def create_problem(self) -> None:
        db, incident_id = self.db, self.selected_incident()
        if db is None or incident_id is None:
            self.message.setText("Select an incident of the recurring group in the main window.")
            return
        team, title, actor = self.team_combo.currentText(), self.title_edit.text(), self.actor

        def write(_report: object) -> ProblemView | Refused:
            from irdesk.storage.records.database_edits import create_problem

            return refusing(
                lambda: create_problem(
                    db, incident_id, accountable_team=team, title=title or None, actor=actor
                )
            )

        self.tasks.run(write, on_done=self._created, description="Making the problem…")

    def _created(self, done: ProblemView | Refused) -> None:
        if isinstance(done, Refused):
            self.message.setText(str(done.message))
            return
        self.message.setText(
            f"Problem {done.id} made: {len(done.incidents)} incidents, "
            f"{done.figure.repeats} repeats."
        )
        self.title_edit.clear()
        self.reload(select=done.id)

    def shut_down(self) -> None:
        self.db = None
        self.close()
