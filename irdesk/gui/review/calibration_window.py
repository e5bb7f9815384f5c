"""Review › Calibration…: teams side by side on how they apply the review standards.

One column per team, one row per measure, in `domain.calibration`'s words (`irdesk
calibration` prints the same cells), on three tabs: tiers and action items, how the
teams tag contributing factors (with the differences flagged), and the spread of
feedback-note dimensions as far as this window's unlocked reader may open the notes
(locked notes are counted, never read; without keys, counts only). Below, each tier
override and each approval over blame flags with its reason. On the right, the
sessions held over the period and the form that records one: attendees, what was
discussed and decided, and the policy version it led to, with that version's note.
Recording a session is undoable (Ctrl+Z, here or in the main window).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.calibration import (
    MEASURES,
    NOTE_MEASURES,
    SessionRecord,
    TeamCalibration,
    factor_names,
    note_cells,
    notes_reader_text,
    tagging_cells,
    tagging_flags,
    tagging_measures,
    team_cells,
)
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.colours import make_quiet, text_style
from irdesk.gui.common.notes_session import NotesSession, UnlockDialog
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.period_window import PeriodWindow, period_bar
from irdesk.gui.common.refusals import Refused, ShowMessage, refusing
from irdesk.gui.common.row_table_model import AnyIndex
from irdesk.gui.common.undo import EditCommand, Holder, replay_refused

if TYPE_CHECKING:
    from irdesk.storage.database import Database
    from irdesk.storage.notify import Change
    from irdesk.storage.reads.review_facts import Calibration
    from irdesk.storage.records.policies import PolicyRecord

CALIBRATION_SIZE = (1240, 680)
PROBLEM_COLOUR = "#c62828"
# What a note change may do to a count of notes (migration 0031's notification tells the
# action; seal_pending_feedback_notes turns an upgrade's plain-text notes into notes).
COUNTED_NOTE_ACTIONS = frozenset(
    {
        "add_feedback_note",
        "delete_feedback_note",
        "restore_feedback_note",
        "seal_pending_feedback_notes",
    }
)


class SideBySideModel(QAbstractTableModel):
    """Measures down the first column, one column per team after it."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.measures: list[tuple[str, str]] = list(MEASURES)
        self._cells: list[dict[str, str]] = []

    def set_teams(self, teams: list[TeamCalibration]) -> None:
        self.set_columns([t.team for t in teams], list(MEASURES), [team_cells(t) for t in teams])

    def set_columns(
        self, names: list[str], measures: list[tuple[str, str]], cells: list[dict[str, str]]
    ) -> None:
        self.beginResetModel()
        self.names, self.measures, self._cells = names, measures, cells
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.measures)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.names) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return "Measure"
        return self.names[section - 1] if 0 < section <= len(self.names) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        key, label = self.measures[index.row()]
        return label if index.column() == 0 else self._cells[index.column() - 1][key]


def side_by_side_table(model: SideBySideModel, name: str, description: str) -> QTableView:
    table = QTableView()
    table.setAccessibleName(name)
    table.setAccessibleDescription(description)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


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


class CalibrationWindow(PeriodWindow):
    loaded = Signal()
    recorded = Signal()  # a session was recorded, withdrawn (undo) or recorded again (redo)

    def __init__(
        self,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        actor: str,
        first: date,
        last: date,
        today: date,
        *,
        undo_stack: QUndoStack,
        notes: NotesSession,
        show_message: ShowMessage,
    ) -> None:
        super().__init__(tasks, database, "Calibration — irdesk", CALIBRATION_SIZE)
        self.actor = actor
        self.today = today
        self.undo_stack = undo_stack
        self.notes = notes
        self.show_message = show_message
        self.unlock_dialog: UnlockDialog | None = None
        # The incidents of the reviews shown; None until the first reading.
        self.calibrated: frozenset[int] | None = None
        self._counts_only = False  # read without a reader's keys: notes counted, not opened

        bar = period_bar(first, last, self.reload)
        self.first, self.last = bar.first, bar.last
        self.refresh_button, self.summary = bar.refresh_button, bar.summary
        self.read_period_from(self.first, self.last, self.summary)
        top = bar.layout

        self.model = SideBySideModel(self)
        self.table = side_by_side_table(
            self.model,
            "Teams side by side",
            "One column per team, one row per measure: reviews approved, full reviews chosen "
            "against proposed, tier overrides, blame flags overridden, resolution to approval, "
            "and the quality of the action items",
        )
        self.factor_model = SideBySideModel(self)
        self.factor_table = side_by_side_table(
            self.factor_model,
            "How teams tag contributing factors",
            "One column per team: findings tagged, each factor's share, use of other and "
            "untagged findings, suggestions confirmed and rejected",
        )
        self.flags = QListWidget()
        self.flags.setAccessibleName("Differences between teams")
        self.flags.setAccessibleDescription(
            "Where a team tags factors differently from the other teams together"
        )
        self.flags.setWordWrap(True)
        # A few sentences at most: the table above gets the height.
        self.flags.setMinimumHeight(48)
        flags_label = QLabel("Differe&nces flagged:")
        flags_label.setBuddy(self.flags)
        factor_page = QWidget()
        factor_layout = QVBoxLayout(factor_page)
        factor_layout.addWidget(self.factor_table, 4)
        factor_layout.addWidget(flags_label)
        factor_layout.addWidget(self.flags, 1)

        self.notes_model = SideBySideModel(self)
        self.notes_table = side_by_side_table(
            self.notes_model,
            "Feedback-note dimensions per team",
            "One column per team: feedback notes, those locked to other readers, and the "
            "share of the notes you may read that speak to each dimension",
        )
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        make_quiet(self.notes_label)
        self.unlock_button = QPushButton("&Unlock Notes…")
        self.unlock_button.clicked.connect(self.ask_unlock)
        notes_page = QWidget()
        notes_layout = QVBoxLayout(notes_page)
        notes_layout.addWidget(self.notes_table, 1)
        unlock_row = QHBoxLayout()
        unlock_row.addWidget(self.notes_label, 1)
        unlock_row.addWidget(self.unlock_button)
        notes_layout.addLayout(unlock_row)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Tiers and act&ions")
        self.tabs.addTab(factor_page, "Factor ta&gging")
        self.tabs.addTab(notes_page, "Note di&mensions")

        self.overrides = QListWidget()
        self.overrides.setAccessibleName("Overrides and their reasons")
        self.overrides.setAccessibleDescription(
            "Each tier chosen against the proposal and each approval over blame flags, with why"
        )
        self.overrides.setWordWrap(True)
        overrides_label = QLabel("&Overrides and reasons:")
        overrides_label.setBuddy(self.overrides)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tabs, 4)
        left_layout.addWidget(overrides_label)
        left_layout.addWidget(self.overrides, 1)

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
        # The main window's history, here too: a session recorded by mistake is one Ctrl+Z.
        for action, keys in (
            (undo_stack.createUndoAction(self, "&Undo"), QKeySequence.StandardKey.Undo),
            (undo_stack.createRedoAction(self, "&Redo"), QKeySequence.StandardKey.Redo),
        ):
            action.setShortcut(QKeySequence(keys))
            self.addAction(action)
        notes.changed.connect(self._notes_changed)
        self._show_lock_state()

    # ------------------------------------------------------------ notes

    def _show_lock_state(self) -> None:
        self.unlock_button.setVisible(not self.notes.unlocked)

    def _notes_changed(self) -> None:
        self._show_lock_state()
        if self.isVisible():
            self.reload()

    def ask_unlock(self) -> UnlockDialog:
        """Unlock the notes of this window's session; the table reads them again once open."""
        dialog = UnlockDialog(self.notes, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.unlock_dialog = dialog
        dialog.open()
        return dialog

    def reload(self) -> None:
        chosen = self.chosen_period()
        if chosen is None:
            return
        db, first, last = chosen
        today, keyring = self.today, self.notes.keyring

        def read(_report: object) -> tuple[Calibration, list[PolicyRecord]]:
            from irdesk.storage.reads.review_facts import read_calibration
            from irdesk.storage.records.policies import policy_versions

            return read_calibration(db, first, last, today, keyring), policy_versions(db)

        self.tasks.run(
            read, on_done=lambda found: self._loaded(db, *found), description="Reading calibration…"
        )

    def concerns(self, change: Change) -> bool:
        """Whether another's `change` may alter the period's calibration: an edit of one
        of its reviews (or of its findings), or an approval, which may bring a review
        into the period. A review of an incident outside it is none of this window's;
        notes, sessions, people and teams may touch it, and a change it cannot place
        (no incident told) is read again."""
        if change.entity in {"feedback_note", "note_reader"}:
            # A note's incident is kept out of notifications, so which notes it counts
            # cannot be told. Read without a reader's keys, the window counts notes and
            # opens none: only a note added, deleted, restored or sealed from plain text
            # changes a count; an edit, a share or a reader's key cannot.
            return not self._counts_only or change.action in COUNTED_NOTE_ACTIONS
        if change.entity not in {"review", "finding"} or change.incident_id is None:
            return True
        if self.calibrated is None or change.action == "set_review_status":
            return True
        return change.incident_id in self.calibrated

    def _loaded(self, db: Database, found: Calibration, versions: list[PolicyRecord]) -> None:
        if not self.still_showing(db):
            return
        self.calibrated = found.incident_ids
        self._counts_only = found.notes_reader is None
        self.model.set_teams(found.teams)
        names = [t.team for t in found.teams]
        factors = factor_names(found.tagging)
        self.factor_model.set_columns(
            names,
            tagging_measures(found.tagging),
            [tagging_cells(t, factors) for t in found.tagging],
        )
        self.flags.clear()
        self.flags.addItems(
            tagging_flags(found.tagging) or ["No team tags differently from the others."]
        )
        unlocked = found.notes_reader is not None
        self.notes_model.set_columns(
            names, list(NOTE_MEASURES), [note_cells(n, unlocked) for n in found.notes]
        )
        self.notes_label.setText(notes_reader_text(found.notes_reader, found.notes))
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
            if not self.still_showing(db):
                return
            if isinstance(done, Refused):
                # What was typed stays in the form, to be put right and recorded again.
                self.problem.setText(done.message)
                return
            for edit in (self.attendees, self.discussed, self.decisions):
                edit.clear()
            held = Holder(id=done.id, revision=done.revision, draft=draft)
            self.undo_stack.push(
                EditCommand(
                    f"Record the calibration session of {done.held_on}",
                    redo=lambda: self._record_again(db, held),
                    undo=lambda: self._withdraw(db, held),
                )
            )
            self.recorded.emit()
            self.reload()

        self.tasks.run(write, on_done=written, description="Recording the session…")

    def _withdraw(self, db: Database, held: Holder) -> None:
        """Undo: the session goes, if nobody changed it since."""
        actor, session_id, revision = self.actor, held.id, held.revision

        def work(_report: object) -> object:
            from irdesk.storage.records.calibration_sessions import withdraw_session

            return refusing(lambda: withdraw_session(db, session_id, revision, actor=actor))

        self.tasks.run(work, on_done=lambda done: self._replayed(db, done), description="Undoing…")

    def _record_again(self, db: Database, held: Holder) -> None:
        """Redo: the same session, recorded again (under a new number)."""
        actor, draft = self.actor, held.draft

        def work(_report: object) -> SessionRecord | Refused:
            from irdesk.storage.records.calibration_sessions import record_session

            return refusing(lambda: record_session(db, None, 0, draft, actor=actor))

        def done(result: SessionRecord | Refused) -> None:
            if not isinstance(result, Refused):
                held.id, held.revision = result.id, result.revision
            self._replayed(db, result)

        self.tasks.run(work, on_done=done, description="Redoing…")

    def _replayed(self, db: Database, result: object) -> None:
        if isinstance(result, Refused):
            replay_refused(self.undo_stack, self.show_message, result)
            return
        if self.still_showing(db):
            self.recorded.emit()
            self.reload()
