"""The Review tab: the selected incident's review record, findings and action items.

Everything typed is autosaved (gui.common.autosave) and choices save at once,
each field through the tab's field table (review.fields). Structural edits (add,
delete, move, link) go on the window's undo stack. An edit another window made
first is reported with a choice (reload theirs / keep mine), never overwritten
silently. Feedback notes are not here and never will be: they live in their own
window (review.feedback_window), reached from the Review menu.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMenu,
    QMenuBar,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.blameless import BlamelessChecker
from irdesk.domain.enums import ReviewStatus
from irdesk.gui.common.autosave import Autosaver
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.colours import text_style
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.notes_session import NotesSession
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.refusals import Refused, refusing
from irdesk.gui.review.actions_panel import ActionsPanel
from irdesk.gui.review.conflict_prompt import ConflictPrompts
from irdesk.gui.review.feedback_window import FEEDBACK_SIZE, FeedbackWindow
from irdesk.gui.review.fields import ACTION, FINDING, REVIEW, WHAT, Record, Then, review_fields
from irdesk.gui.review.findings_panel import FindingsPanel
from irdesk.gui.review.header import TIER_TEXT, ReviewHeader

if TYPE_CHECKING:
    from irdesk.gui.review.themes_window import ThemesWindow
    from irdesk.storage.database import Database
    from irdesk.storage.notify import Change
    from irdesk.storage.reads.review_sheet import ReviewSheet
    from irdesk.storage.records import reviews


T = TypeVar("T")

ADD_FINDING_KEY = "Ctrl+Shift+N"
ADD_ACTION_KEY = "Ctrl+Shift+A"
FEEDBACK_KEY = "Ctrl+Alt+F"
THEMES_KEY = "Ctrl+Shift+T"
# A record kind of the review's fields as the audit log names it.
ENTITIES = {REVIEW: "review", FINDING: "finding", ACTION: "action_item"}


def _load_sheet(db: Database, incident_id: int) -> ReviewSheet | None:
    """Worker side of showing a review: its storage modules load here, off the GUI thread."""
    from irdesk.storage.reads import database_reads

    return database_reads.load_review_sheet(db, incident_id)


class ReviewTab(QWidget):
    """Shows and edits the review of the incident `show_incident` was last given."""

    message = Signal(str)  # for the window's status bar
    message_withdrawn = Signal(str)  # a message no longer true, if the bar still shows it
    incident_wanted = Signal(int)  # the window shows this incident, its Review tab in front
    # This user's own save, as a storage.notify.Change: the other windows that follow
    # others' changes (the Person window's action items) follow these too, which no
    # server tells them of.
    edited_here = Signal(object)

    def __init__(
        self,
        tasks: BackgroundTasks,
        undo_stack: QUndoStack,
        actor: str,
        database: OpenDatabase,
        parent: QWidget | None = None,
        notes: NotesSession | None = None,
    ) -> None:
        super().__init__(parent)
        # Who unlocked the feedback notes: shared with the packet dialog by the window.
        self.notes = notes if notes is not None else NotesSession(self)
        self.tasks = tasks
        self.undo_stack = undo_stack
        self.actor = actor
        self.database = database
        self.autosaver = Autosaver(tasks, database.current, parent=self)
        self.sheet: ReviewSheet | None = None
        self.incident_id: int | None = None
        self._generation = 0
        self.feedback_window: FeedbackWindow | None = None
        self.themes_window: ThemesWindow | None = None
        self._stale = False
        self._after_load: Callable[[], object] | None = None
        self._build()
        self.fields = review_fields(self)
        self.conflicts = ConflictPrompts(
            self,
            tasks,
            self.autosaver,
            database.current,
            what=lambda record: WHAT.get(record[0], "This record"),
            write=self.fields.write,
            show_problem=self.show_problem,
            reload_stored=lambda: self.reload(force=True),
            reload_theirs=self._reload_theirs,
        )
        self.autosaver.conflicted.connect(self.conflicts.conflicted)
        self.autosaver.refused.connect(self._refused)
        self.autosaver.saved.connect(self._saved)
        self.autosaver.failed.connect(lambda exc: self.show_problem(f"Not saved yet: {exc}"))

    @property
    def conflict_boxes(self) -> dict[Record, QMessageBox]:
        """The questions open about records another window changed first."""
        return self.conflicts.boxes

    # ---------------------------------------------------------------- building

    def _build(self) -> None:
        self.stack = QStackedWidget()
        self.empty_label = QLabel("Select an incident to see its review.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.empty_label)

        start_page = QWidget()
        start_layout = QVBoxLayout(start_page)
        start_layout.addStretch(1)
        self.start_label = QLabel()
        self.start_label.setWordWrap(True)
        self.start_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.start_button = QPushButton("&Start Review")
        self.start_button.clicked.connect(self.start_review)
        start_layout.addWidget(self.start_label)
        start_layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignCenter)
        start_layout.addStretch(2)
        self.stack.addWidget(start_page)

        self.review_page = QWidget()
        page = QVBoxLayout(self.review_page)
        page.setContentsMargins(6, 6, 6, 6)
        self.header = ReviewHeader(self)
        page.addWidget(self.header)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(text_style("#c62828"))
        self.problem_label.hide()
        self._problem = ""
        page.addWidget(self.problem_label)
        self.findings = FindingsPanel(self)
        self.actions = ActionsPanel(self)
        self.findings.flags_changed.connect(self._update_flag_label)
        self.header.summary_edit.flags_changed.connect(lambda _n: self._update_flag_label())
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.findings)
        splitter.addWidget(self.actions)
        splitter.setSizes([400, 340])
        page.addWidget(splitter, 1)
        self.stack.addWidget(self.review_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def build_menu(self, menus: QMenuBar) -> QMenu:
        """The Review menu (Alt+W: Alt+R is the Review tab)."""
        menu = menus.addMenu("Revie&w")
        self.start_action = menu.addAction("&Start Review")
        self.start_action.triggered.connect(lambda: self.when_loaded(self.start_review))
        menu.addSeparator()
        self.add_finding_action = menu.addAction("Add &Finding")
        self.add_finding_action.setShortcut(QKeySequence(ADD_FINDING_KEY))
        self.add_finding_action.triggered.connect(
            lambda: self.when_loaded(self.findings.add_finding)
        )
        self.link_events_action = menu.addAction("&Link Finding to Events…")
        self.link_events_action.triggered.connect(
            lambda: self.when_loaded(self.findings.choose_events)
        )
        self.add_action_action = menu.addAction("Add &Action Item")
        self.add_action_action.setShortcut(QKeySequence(ADD_ACTION_KEY))
        self.add_action_action.triggered.connect(lambda: self.when_loaded(self.actions.add_action))
        menu.addSeparator()
        # Deliberately a separate window with a chord of its own, never a tab beside the
        # findings: a facilitator sharing the screen cannot open it by a stray click.
        self.feedback_action = menu.addAction("Feedback &Notes…")
        self.feedback_action.setShortcut(QKeySequence(FEEDBACK_KEY))
        self.feedback_action.setStatusTip(
            "Private notes on one person's part: opens its own window, never shown in the review"
        )
        self.feedback_action.triggered.connect(self.open_feedback)
        menu.addSeparator()
        self.themes_action = menu.addAction("&Themes…")
        self.themes_action.setShortcut(QKeySequence(THEMES_KEY))
        self.themes_action.setStatusTip(
            "Contributing factors that recur across incidents over a period, with their trend"
        )
        self.themes_action.triggered.connect(self.open_themes)
        self._update_actions()
        return menu

    # ------------------------------------------------------------ loading

    def show_incident(self, incident_id: int | None) -> None:
        """Show `incident_id`'s review (or the button to start one); None shows nothing."""
        self.autosaver.flush()
        if incident_id != self.incident_id:
            self.sheet = None  # nothing is written to the previous incident's review from here
            self._after_load = None
        self.incident_id = incident_id
        self._generation += 1
        self._update_actions()
        if incident_id is None or self.database.current() is None:
            self.sheet = None
            self._stale = False
            self.stack.setCurrentIndex(0)
            self._update_actions()
            return
        # Loaded when shown: moving through the list with another tab open costs nothing here.
        self._stale = True
        if self.isVisible():
            self.reload()

    def policy_changed(self) -> None:
        """A new policy version was saved: the proposal (and a new review's due date) follow it."""
        self.show_incident(self.incident_id)

    def when_loaded(self, action: Callable[[], object]) -> None:
        """A Review menu command from any tab: bring this tab forward and act once it shows
        the selected incident's review (at once if it already does)."""
        if self.incident_id is None:
            return
        self._bring_forward()
        sheet = self.sheet
        if sheet is not None and sheet.incident_id == self.incident_id and not self._stale:
            action()
            return
        self._after_load = action
        if self.isVisible() and self._stale:
            self.reload()

    def _bring_forward(self) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        if parent is not None:
            parent.setCurrentWidget(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self, *, force: bool = False) -> None:
        db, incident_id = self.database.current(), self.incident_id
        if db is None or incident_id is None:
            return
        generation = self._generation
        self._stale = False

        self.tasks.run(
            lambda _report: _load_sheet(db, incident_id),
            on_done=lambda sheet: self._loaded(generation, sheet, force),
            description="Loading review…",
        )

    def changed_elsewhere(self, change: Change) -> None:
        """Someone else's committed change (gui/common/live): the review shown follows it.

        Whether anything typed here is unsaved is decided when the reload arrives, not
        when it is asked for, record by record (`_untouched`): a record with nothing
        unsaved shows what is stored; one being typed into stays as typed, with the
        revision it was based on, so its save meets the other change as a conflict and
        asks.
        """
        if change.incident_id is None or change.incident_id != self.incident_id:
            return
        db = self.database.current()
        if db is None or not self.isVisible():
            self._stale = True
            return
        incident_id, generation = change.incident_id, self._generation

        self.tasks.run(
            lambda _report: _load_sheet(db, incident_id),
            on_done=lambda sheet: self._loaded(generation, sheet, False, live=True),
            description="Loading review…",
        )

    def database_changed(self) -> None:
        self.autosaver.forget()
        self.header.forget_shown()
        if self.feedback_window is not None:
            self.feedback_window.autosaver.flush()
            self.feedback_window.close()
        if self.themes_window is not None:
            self.themes_window.close()
        self.conflicts.close_all()
        self.show_incident(None)

    def flush(self) -> None:
        self.autosaver.flush()

    def open_feedback(self) -> FeedbackWindow | None:
        """Review › Feedback Notes…: the selected incident's notes, in their own window."""
        if self.incident_id is None or self.database.current() is None:
            return None
        if self.feedback_window is None:
            self.feedback_window = FeedbackWindow(self.tasks, self.actor, self.database, self.notes)
            # Its own window, on the screen the facilitator is using.
            fit_to_screen(self.feedback_window, *FEEDBACK_SIZE, near=self)
        window = self.feedback_window
        window.show_incident(self.incident_id)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_themes(self) -> ThemesWindow | None:
        """Review › Themes…: its module loads the first time it opens."""
        if self.database.current() is None:
            return None
        if self.themes_window is None:
            from irdesk.gui.review.themes_window import THEMES_SIZE, ThemesWindow

            self.themes_window = ThemesWindow(self.tasks, self.database)
            self.themes_window.finding_chosen.connect(self.show_finding)
            fit_to_screen(self.themes_window, *THEMES_SIZE, near=self)
        window = self.themes_window
        window.reload()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def show_finding(self, incident_id: int, finding_id: int) -> None:
        """Ask the window for the incident; its review opens with the finding selected."""
        self.findings.select_after_load(finding_id)
        if incident_id == self.incident_id:
            self.reload()
        self.incident_wanted.emit(incident_id)

    def shut_down(self) -> None:
        """The main window closes: queue what is typed, and close the notes window."""
        self.autosaver.flush()
        if self.themes_window is not None:
            self.themes_window.shut_down()
            self.themes_window.deleteLater()
            self.themes_window = None
        if self.feedback_window is not None:
            self.feedback_window.shut_down()
            self.feedback_window.deleteLater()
            self.feedback_window = None

    def _untouched(self, kind: str, record_id: int | None) -> bool:
        """Nothing typed, saving or asked about in this record: a live reload may show it."""
        record = (kind, record_id) if record_id is not None else None
        return record is None or (
            not self.autosaver.is_saving(record) and record not in self.conflict_boxes
        )

    def _loaded(
        self, generation: int, sheet: ReviewSheet | None, force: bool, *, live: bool = False
    ) -> None:
        if generation != self._generation:
            return
        self.sheet = sheet
        if sheet is None:
            self.stack.setCurrentIndex(0)
        elif sheet.review is None:
            due = sheet.proposed_due_on
            self.start_label.setText(
                f"{sheet.incident_label}\n\nThis incident has no review yet. The policy proposes "
                f"a {TIER_TEXT[sheet.proposal.tier].lower()} ({sheet.proposal.explanation})"
                + (f", due {due.isoformat()}." if due is not None else ".")
            )
            self.stack.setCurrentIndex(1)
        else:
            checker = BlamelessChecker(p.name for p in sheet.people)
            review_id = sheet.review.id
            self.header.show_review(
                sheet, sheet.review, force or (live and self._untouched(REVIEW, review_id))
            )
            bound = self.findings.bound_id
            self.findings.show_sheet(
                sheet, checker, force=force or (live and self._untouched(FINDING, bound))
            )
            bound = self.actions.bound_id
            self.actions.show_sheet(sheet, force=force or (live and self._untouched(ACTION, bound)))
            self.stack.setCurrentIndex(2)
        self._update_actions()
        self._update_flag_label()
        action, self._after_load = self._after_load, None
        if action is not None and sheet is not None:
            if sheet.review is None and action != self.start_review:
                self.show_problem("Start the review first (Review › Start Review)")
            else:
                action()

    def _update_actions(self) -> None:
        if not hasattr(self, "start_action"):
            return
        # Until the tab has loaded the selected incident, commands are offered and wait for
        # it; none is offered for an incident listed before its file is open.
        has_incident = self.incident_id is not None and self.database.current() is not None
        known = self.sheet is not None
        has_review = known and self.sheet is not None and self.sheet.review is not None
        self.start_action.setEnabled(has_incident and not has_review)
        for action in (self.add_finding_action, self.add_action_action, self.link_events_action):
            action.setEnabled(has_incident and (has_review or not known))
        self.feedback_action.setEnabled(has_incident)

    def _update_flag_label(self) -> None:
        self.header.show_flags(self.flag_count())

    def flag_count(self) -> int:
        return self.header.summary_edit.flag_count + self.findings.flag_total()

    # ------------------------------------------------------------- running work

    def run(
        self,
        work: Callable[[Database], T],
        on_done: Callable[[T], None] | None = None,
        *,
        reload: bool = True,
        description: str = "",
    ) -> None:
        """Structural work on the open file after pending typing is saved; then reload."""
        db = self.database.current()
        if db is None:
            return
        self.autosaver.flush()

        def done(result: T | Refused) -> None:
            if isinstance(result, Refused):
                self.show_problem(result.message)
                self.reload()
                return
            if on_done is not None:
                on_done(result)
            if reload:
                self.reload()

        self.tasks.run(
            lambda _report: refusing(lambda: work(db)),
            on_done=done,
            on_expected_error=lambda exc: self.show_problem(f"Not changed: {exc}"),
            description=description,
        )

    def show_problem(self, text: str) -> None:
        self.problem_label.setText(f"⚠ {text}")
        self.problem_label.show()
        self._problem = text
        self.message.emit(text)

    def clear_problem(self) -> None:
        self.problem_label.hide()
        if self._problem:
            # Whatever ended the problem (an approval with a reason, say) ends its message.
            self.message_withdrawn.emit(self._problem)
            self._problem = ""

    # ------------------------------------------------------------ review edits

    @property
    def review(self) -> reviews.ReviewRecord | None:
        return self.sheet.review if self.sheet is not None else None

    def start_review(self) -> None:
        from irdesk.storage.records import database_edits

        incident_id, actor = self.incident_id, self.actor
        if incident_id is None or self.review is not None:
            return
        self.run(
            lambda db: database_edits.create_review(db, incident_id, actor=actor),
            description="Starting review…",
        )

    def ask_override_reason(self, count: int) -> str | None:
        """Fakeable: why approve with `count` open blameless-language flags (None: don't)."""
        text, ok = QInputDialog.getText(
            self,
            "Approve with open flags",
            f"{count} blameless-language flag{'s are' if count != 1 else ' is'} still open.\n"
            "Approving anyway records your reason with the review and in the audit log.\n\n"
            "Reason:",
        )
        return text.strip() if ok and text.strip() else None

    def move_review(self, target: ReviewStatus) -> None:
        if self.review is None:
            return
        reason: str | None = None
        if target == ReviewStatus.APPROVED and (count := self.flag_count()):
            reason = self.ask_override_reason(count)
            if reason is None:
                self.show_problem(
                    f"Not approved: {count} blameless-language flag"
                    f"{'s are' if count != 1 else ' is'} open and no override reason was given."
                )
                return

        self.clear_problem()
        self.fields.changed(REVIEW, "status", lambda: (target, reason))

    # ------------------------------------------------------------- autosave news

    def tell(self, entity: str, record_id: int | None, action: str, field: str = "") -> None:
        """Tell the other windows of a save made here (edited_here)."""
        from irdesk.storage.notify import Change

        self.edited_here.emit(
            Change(
                entity,
                record_id,
                self.incident_id,
                actor=self.actor,
                action=action,
                changed_field=field,
            )
        )

    def _saved(self, record: Record, field: str) -> None:
        kind, record_id = record
        entity = ENTITIES.get(kind, kind)
        self.tell(entity, record_id, f"edit_{entity}", field)
        then = self.fields.then(record, field)
        if Then.CLEAR_PROBLEM in then:
            self.clear_problem()  # what was refused while typing is accepted now
        if Then.RELOAD in then:
            self.reload()

    def _refused(self, record: Record, field: str, message: str) -> None:
        self.show_problem(message)
        # A refused choice is shown as it is stored; refused typing stays for the user to fix.
        if Then.RELOAD_IF_REFUSED in self.fields.then(record, field):
            self.reload()

    def _reload_theirs(self) -> None:
        self.message.emit("Showing the version saved by the other window")
        self.reload(force=True)
