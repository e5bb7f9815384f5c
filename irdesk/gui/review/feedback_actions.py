"""The Review menu's Participant Survey…, Import Survey Answers…, Review Health… and
Calibration… entries. Every answer stored (one typed, or a file's) is one undo step.

Each window's module loads the first time it opens, behind the busy indicator, so
the window starts no slower for them. The two period windows open on the current
quarter so far; the survey asks for the selected incident's approved review.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.busy_indicator import BusyIndicator
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.notes_session import NotesSession
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.refusals import Refused, refusing
from irdesk.gui.common.undo import EditCommand, Holder, replay_refused

if TYPE_CHECKING:
    from irdesk.gui.review.calibration_window import CalibrationWindow
    from irdesk.gui.review.health_window import ReviewHealthWindow
    from irdesk.gui.review.survey_dialog import SurveyDialog
    from irdesk.storage.database import Database
    from irdesk.storage.records.review_surveys import Answer, SurveyTarget

SURVEY_KEY = "Ctrl+Alt+S"
HEALTH_KEY = "Ctrl+Alt+H"
CALIBRATION_KEY = "Ctrl+Alt+C"


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


class ReviewFeedbackActions(QObject):
    answers_changed = Signal()  # survey answers stored, withdrawn (undo) or stored again

    def __init__(
        self,
        window: QWidget,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        current_incident: Callable[[], int | None],
        actor: str,
        busy: BusyIndicator,
        *,
        undo_stack: QUndoStack | None = None,
        notes: NotesSession | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = tasks
        self.database = database
        self.current_incident = current_incident
        self.actor = actor
        self.busy = busy
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.notes = notes if notes is not None else NotesSession(self)
        # The day the windows count from (tests fix it); UTC, as the stored times are.
        self.today: Callable[[], date] = lambda: datetime.now(UTC).date()
        self.health_window: ReviewHealthWindow | None = None
        self.calibration_window: CalibrationWindow | None = None
        self.survey_dialog: SurveyDialog | None = None
        self.survey_action = QAction("Partic&ipant Survey…", window)
        self.survey_action.setShortcut(QKeySequence(SURVEY_KEY))
        self.survey_action.setStatusTip("An attendee's answer on the approved review")
        self.survey_action.triggered.connect(self.open_survey)
        self.health_action = QAction("Review &Health…", window)
        self.health_action.setShortcut(QKeySequence(HEALTH_KEY))
        self.health_action.setStatusTip(
            "Effort, usefulness, safety and overdue actions per tier, team and quarter"
        )
        self.health_action.triggered.connect(self.open_health)
        self.calibration_action = QAction("&Calibration…", window)
        self.calibration_action.setShortcut(QKeySequence(CALIBRATION_KEY))
        self.calibration_action.setStatusTip(
            "Teams side by side on tiers, overrides and action items; sessions held"
        )
        self.calibration_action.triggered.connect(self.open_calibration)
        self.import_action = QAction("Im&port Survey Answers…", window)
        self.import_action.setStatusTip(
            "Store a survey tool's CSV export of answers on approved reviews (every row or none)"
        )
        self.import_action.triggered.connect(self.import_survey)

    def add_to(self, review_menu: QMenu) -> None:
        review_menu.addSeparator()
        for action in (
            self.survey_action,
            self.import_action,
            self.health_action,
            self.calibration_action,
        ):
            review_menu.addAction(action)

    def _no_database(self) -> bool:
        if self.database.current() is not None:
            return False
        show_message(
            self.window, QMessageBox.Icon.Information, "No database", "Open a database first."
        )
        return True

    def _period(self) -> tuple[date, date, date]:
        today = self.today()
        return quarter_start(today), today, today

    def open_health(self) -> ReviewHealthWindow | None:
        if self._no_database():
            return None
        if self.health_window is None:
            with self.busy.first_import(
                "Loading review health…", "irdesk.gui.review.health_window"
            ):
                from irdesk.gui.review.health_window import HEALTH_SIZE, ReviewHealthWindow

            first, last, today = self._period()
            self.health_window = ReviewHealthWindow(self.tasks, self.database, first, last, today)
            fit_to_screen(self.health_window, *HEALTH_SIZE, near=self.window)
        return self._show(self.health_window)

    def open_calibration(self) -> CalibrationWindow | None:
        if self._no_database():
            return None
        if self.calibration_window is None:
            with self.busy.first_import(
                "Loading calibration…", "irdesk.gui.review.calibration_window"
            ):
                from irdesk.gui.review.calibration_window import (
                    CALIBRATION_SIZE,
                    CalibrationWindow,
                )

            first, last, today = self._period()
            self.calibration_window = CalibrationWindow(
                self.tasks,
                self.database,
                self.actor,
                first,
                last,
                today,
                undo_stack=self.undo_stack,
                notes=self.notes,
                show_message=self._show_message,
            )
            fit_to_screen(self.calibration_window, *CALIBRATION_SIZE, near=self.window)
        return self._show(self.calibration_window)

    def _show(
        self, window: ReviewHealthWindow | CalibrationWindow
    ) -> ReviewHealthWindow | CalibrationWindow:
        window.reload()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_survey(self) -> None:
        """Read the selected incident's review, then open the dialog on it if approved."""
        db = self.database.current()
        incident_id = self.current_incident()
        if self._no_database() or db is None:
            return
        if incident_id is None:
            self._tell("Select the incident whose review the answer is about.")
            return

        def read(_report: object) -> SurveyTarget | None:
            from irdesk.storage.records.review_surveys import survey_target

            return survey_target(db, incident_id)

        def loaded(target: SurveyTarget | None) -> None:
            if db is not self.database.current():
                return
            if target is None:
                self._tell("The selected incident has no review yet.")
                return
            label = target.label
            if not target.approved:
                self._tell(f"The survey on {label} opens once its review is approved.")
            elif not target.attendees:
                self._tell(f"{label}'s review lists no attendees to answer it.")
            else:
                self.show_survey(db, target)

        self.tasks.run(read, on_done=loaded, description="Reading the review…")

    def show_survey(self, db: Database, target: SurveyTarget) -> SurveyDialog:
        """The dialog on `target`, an approved review with attendees."""
        with self.busy.first_import("Loading the survey…", "irdesk.gui.review.survey_dialog"):
            from irdesk.gui.review.survey_dialog import SurveyDialog

        dialog = SurveyDialog(self.window, self.tasks, db, target, self.actor, self.today())
        self.survey_dialog = dialog
        dialog.stored.connect(
            lambda survey_id, answer: self._answers_stored(
                db, [(survey_id, answer)], f"Record a survey answer on {target.label}"
            )
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    # ------------------------------------------------------------ undoable answers

    def _answers_stored(self, db: Database, stored: list[tuple[int, Answer]], text: str) -> None:
        """Answers storage accepted: one undo step withdraws them all, redo stores them again.

        The step's text names the review, never the person: an anonymous answer's
        respondent may be the one at the keyboard, with others looking on."""
        held = Holder(stored=stored)
        self.undo_stack.push(
            EditCommand(
                text,
                redo=lambda: self._store_again(db, held),
                undo=lambda: self._withdraw(db, held),
            )
        )
        self._survey_saved()

    def _withdraw(self, db: Database, held: Holder) -> None:
        actor, stored = self.actor, list(held.stored)

        def work(_report: object) -> Refused | None:
            from irdesk.storage.records.review_surveys import withdraw_answers

            return refusing(lambda: withdraw_answers(db, stored, actor=actor))

        self.tasks.run(work, on_done=self._replayed, description="Undoing…")

    def _store_again(self, db: Database, held: Holder) -> None:
        actor, answers = self.actor, [answer for _, answer in held.stored]

        def work(_report: object) -> list[int] | Refused:
            from irdesk.storage.records.review_surveys import store_answers

            return refusing(lambda: store_answers(db, answers, actor=actor))

        def done(result: list[int] | Refused) -> None:
            if not isinstance(result, Refused):
                held.stored = list(zip(result, answers, strict=True))
            self._replayed(result)

        self.tasks.run(work, on_done=done, description="Redoing…")

    def _replayed(self, result: object) -> None:
        if isinstance(result, Refused):
            replay_refused(self.undo_stack, self._show_message, result)
            return
        self._survey_saved()

    def _survey_saved(self) -> None:
        self.answers_changed.emit()
        if self.health_window is not None and self.health_window.isVisible():
            self.health_window.reload()

    # ------------------------------------------------------------ importing a file

    def ask_survey_file(self) -> Path | None:
        """Fakeable: the file dialog."""
        name, _filter = QFileDialog.getOpenFileName(
            self.window, "Import Survey Answers", "", "CSV files (*.csv);;All files (*)"
        )
        return Path(name) if name else None

    def import_survey(self) -> None:
        """Read a survey tool's CSV, store every answer or none; one Ctrl+Z takes them back."""
        db = self.database.current()
        if self._no_database() or db is None:
            return
        path = self.ask_survey_file()
        if path is None:
            return
        actor, today = self.actor, self.today()

        def work(_report: object) -> list[tuple[int, Answer]] | Refused:
            from irdesk.importers.problems import ImportProblem
            from irdesk.importers.survey_csv import read_survey
            from irdesk.storage.records.review_surveys import import_answer_rows

            try:
                lines = read_survey(path, today)
            except ImportProblem as exc:
                return Refused(str(exc))
            return refusing(lambda: import_answer_rows(db, path.name, lines, actor=actor))

        def done(result: list[tuple[int, Answer]] | Refused) -> None:
            if db is not self.database.current():
                return
            if isinstance(result, Refused):
                self._show_message(
                    QMessageBox.Icon.Warning,
                    "Import Survey Answers",
                    result.message,
                    "Nothing was changed.",
                )
                return
            self._answers_stored(
                db, result, f"Import {len(result)} survey answers from {path.name}"
            )
            self._show_message(
                QMessageBox.Icon.Information,
                "Import Survey Answers",
                f"{path.name}: {len(result)} survey answers stored.",
                "Edit › Undo takes them back.",
            )

        self.tasks.run(work, on_done=done, description="Importing survey answers…")

    def _show_message(
        self, icon: QMessageBox.Icon, title: str, text: str, informative: str = ""
    ) -> QMessageBox:
        return show_message(self.window, icon, title, text, informative)

    def _tell(self, text: str) -> None:
        show_message(self.window, QMessageBox.Icon.Information, "Participant Survey", text)

    def database_changed(self) -> None:
        for window in (self.health_window, self.calibration_window):
            if window is None or not window.isVisible():
                continue
            if self.database.current() is None:
                window.close()
            else:
                window.reload()

    def shut_down(self) -> None:
        for window in (self.health_window, self.calibration_window):
            if window is not None:
                window.shut_down()
                window.deleteLater()
        self.health_window = None
        self.calibration_window = None
