"""Review › Calibration…: teams side by side on how they apply the review standards.

One column per team, one row per measure, in `domain.calibration.team_cells`'s words
(`irdesk calibration` prints the same cells); below, each tier override and each
approval over blame flags with its reason. On the right, the sessions held over the
period and the form that records one: attendees, what was discussed and decided,
and the policy version it led to, with that version's note.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.calibration import MEASURES, SessionRecord, TeamCalibration, team_cells
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.colours import text_style
from irdesk.gui.common.dates import as_date
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.refusals import Refused, refusing
from irdesk.gui.common.row_table_model import AnyIndex
from irdesk.gui.review.health_window import period_bar

if TYPE_CHECKING:
    from irdesk.storage.database import Database
    from irdesk.storage.reads.review_facts import Calibration
    from irdesk.storage.records.policies import PolicyRecord

CALIBRATION_SIZE = (1240, 680)
PROBLEM_COLOUR = "#c62828"


class SideBySideModel(QAbstractTableModel):
    """Measures down the first column, one column per team after it."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.teams: list[TeamCalibration] = []
        self._cells: list[dict[str, str]] = []

    def set_teams(self, teams: list[TeamCalibration]) -> None:
        self.beginResetModel()
        self.teams = teams
        self._cells = [team_cells(t) for t in teams]
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(MEASURES)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.teams) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return "Measure"
        return self.teams[section - 1].team if 0 < section <= len(self.teams) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        key, label = MEASURES[index.row()]
        return label if index.column() == 0 else self._cells[index.column() - 1][key]


def override_lines(teams: list[TeamCalibration]) -> list[str]:
    lines = []
    for team in teams:
        for o in team.overrides:
            lines.append(
                f"{team.team} · {o.label}: {o.chosen.value}, proposed {o.proposed.value} — {o.reason}"
            )
        for b in team.blame_overrides:
            lines.append(f"{team.team} · {b.label}: approved over blame flags — {b.reason}")
    return lines


def session_text(s: SessionRecord) -> str:
    led = (
        f"led to policy v{s.policy_version}: {s.policy_note or '(no note)'}"
        if s.policy_version
        else "no policy change"
    )
    return (
        f"{s.held_on} · {s.period_from} to {s.period_to} · {', '.join(s.attendees)}\n"
        f"Discussed: {s.discussed or '—'}\nDecided: {s.decisions or '—'}\n{led}"
    )


class CalibrationWindow(QWidget):
    loaded = Signal()
    recorded = Signal()

    def __init__(
        self,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        actor: str,
        first: date,
        last: date,
        today: date,
    ) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.setWindowTitle("Calibration — irdesk")
        fit_to_screen(self, *CALIBRATION_SIZE)
        self.tasks = tasks
        self.database = database
        self.actor = actor
        self.today = today
        self._closed = False

        bar = period_bar(first, last, self.reload)
        self.first, self.last = bar.first, bar.last
        self.refresh_button, self.summary = bar.refresh_button, bar.summary
        top = bar.layout

        self.model = SideBySideModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Teams side by side")
        self.table.setAccessibleDescription(
            "One column per team, one row per measure: reviews approved, full reviews chosen "
            "against proposed, tier overrides, blame flags overridden, resolution to approval, "
            "and the quality of the action items"
        )
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.overrides = QListWidget()
        self.overrides.setAccessibleName("Overrides and their reasons")
        self.overrides.setAccessibleDescription(
            "Each tier chosen against the proposal and each approval over blame flags, with why"
        )
        self.overrides.setWordWrap(True)
        overrides_label = QLabel("&Overrides and reasons:")
        overrides_label.setBuddy(self.overrides)
        self.notes_label = QLabel(
            "Feedback-note dimensions are sealed to their readers and not compared here."
        )
        self.notes_label.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 3)
        left_layout.addWidget(overrides_label)
        left_layout.addWidget(self.overrides, 2)
        left_layout.addWidget(self.notes_label)

        self.sessions = QListWidget()
        self.sessions.setAccessibleName("Sessions held")
        self.sessions.setAccessibleDescription(
            "The calibration sessions over the period: attendees, discussion, decisions, "
            "and the policy version each led to"
        )
        self.sessions.setWordWrap(True)
        self.sessions.setSpacing(3)
        sessions_label = QLabel("&Sessions held:")
        sessions_label.setBuddy(self.sessions)
        self.held_on = QDateEdit(QDate(today.year, today.month, today.day))
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        self.held_on.setAccessibleName("Held on")
        self.attendees = QPlainTextEdit()
        self.attendees.setPlaceholderText("one name a line")
        self.attendees.setAccessibleName("Attendees")
        self.discussed = QPlainTextEdit()
        self.discussed.setAccessibleName("Discussed")
        self.decisions = QPlainTextEdit()
        self.decisions.setAccessibleName("Decisions")
        for edit in (self.attendees, self.discussed, self.decisions):
            edit.setTabChangesFocus(True)
            # A few lines each: the sessions already held get the rest of the height.
            edit.setMaximumHeight(90)
        self.version = QComboBox()
        self.version.setAccessibleName("Led to policy version")
        self.record_button = QPushButton("Record S&ession")
        self.record_button.clicked.connect(self.record)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(text_style(PROBLEM_COLOUR))
        form = QFormLayout()
        for text, widget in (
            ("&Held on:", self.held_on),
            ("&Attendees:", self.attendees),
            ("Dis&cussed:", self.discussed),
            ("&Decisions:", self.decisions),
            ("&Led to:", self.version),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(sessions_label)
        right_layout.addWidget(self.sessions, 1)
        right_layout.addLayout(form)
        right_layout.addWidget(self.record_button)
        right_layout.addWidget(self.problem)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def period(self) -> tuple[date, date]:
        return as_date(self.first.date()), as_date(self.last.date())

    def reload(self) -> None:
        db = self.database.current()
        if db is None or self._closed:
            return
        first, last = self.period()
        if last < first:
            self.summary.setText("The period ends before it starts.")
            return
        today = self.today

        def read(_report: object) -> tuple[Calibration, list[PolicyRecord]]:
            from irdesk.storage.reads.review_facts import read_calibration
            from irdesk.storage.records.policies import policy_versions

            return read_calibration(db, first, last, today), policy_versions(db)

        self.tasks.run(
            read, on_done=lambda found: self._loaded(db, *found), description="Reading calibration…"
        )

    def _loaded(self, db: Database, found: Calibration, versions: list[PolicyRecord]) -> None:
        if db is not self.database.current() or self._closed:
            return
        self.model.set_teams(found.teams)
        self.overrides.clear()
        self.overrides.addItems(override_lines(found.teams) or ["No overrides in the period."])
        self.sessions.clear()
        self.sessions.addItems([session_text(s) for s in found.sessions] or ["None recorded."])
        chosen = self.version.currentData()
        self.version.clear()
        self.version.addItem("no policy change", None)
        for record in versions:
            self.version.addItem(f"v{record.version}: {record.note or '(no note)'}", record.version)
        if chosen is not None and (at := self.version.findData(chosen)) >= 0:
            self.version.setCurrentIndex(at)
        reviews = sum(t.reviews for t in found.teams)
        self.summary.setText(f"{len(found.teams)} teams · {reviews} reviews approved")
        self.loaded.emit()

    def record(self) -> None:
        from irdesk.storage.records.calibration_sessions import SessionDraft

        db = self.database.current()
        if db is None:
            return
        first, last = self.period()
        held = self.held_on.date()
        draft = SessionDraft(
            held_on=date(held.year(), held.month(), held.day()),
            period_from=first,
            period_to=last,
            attendees=tuple(self.attendees.toPlainText().splitlines()),
            discussed=self.discussed.toPlainText(),
            decisions=self.decisions.toPlainText(),
            policy_version=self.version.currentData(),
        )
        actor = self.actor
        self.problem.clear()

        def write(_report: object) -> SessionRecord | Refused:
            from irdesk.storage.records.calibration_sessions import record_session

            return refusing(lambda: record_session(db, None, 0, draft, actor=actor))

        def written(done: SessionRecord | Refused) -> None:
            if self._closed or db is not self.database.current():
                return
            if isinstance(done, Refused):
                # What was typed stays in the form, to be put right and recorded again.
                self.problem.setText(done.message)
                return
            for edit in (self.attendees, self.discussed, self.decisions):
                edit.clear()
            self.recorded.emit()
            self.reload()

        self.tasks.run(write, on_done=written, description="Recording the session…")

    def shut_down(self) -> None:
        self._closed = True
        self.close()
