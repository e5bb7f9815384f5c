"""The Review tab: the selected incident's review record, findings and action items.

Everything typed is autosaved (gui.autosave); choices save at once. Structural
edits (add, delete, move, link) go on the window's undo stack. An edit another
window made first is reported with a choice (reload theirs / keep mine), never
overwritten silently. Feedback notes are not here and never will be: they live
in their own window (gui.feedback_window), reached from the Review menu.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
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
from irdesk.domain.enums import ReviewStatus, ReviewTier
from irdesk.gui.common.autosave import Autosaver, Write
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.refusals import Refused, refusing
from irdesk.gui.review.actions_panel import ActionsPanel
from irdesk.gui.review.blame_editor import BlameTextEdit, set_text_quietly
from irdesk.gui.review.checklist_dialog import ChecklistDialog
from irdesk.gui.review.conflict_prompt import WHAT, ask_about_conflict, keep_mine
from irdesk.gui.review.feedback_window import FeedbackWindow
from irdesk.gui.review.findings_panel import FindingsPanel
from irdesk.gui.review.models import local_today
from irdesk.storage.database import Database
from irdesk.storage.reads import database_reads
from irdesk.storage.reads.review_sheet import ReviewSheet
from irdesk.storage.records import database_edits, reviews
from irdesk.storage.records.revisions import EditConflict

T = TypeVar("T")
Record = tuple[str, int]

TIER_TEXT = {ReviewTier.FULL: "Full postmortem", ReviewTier.LIGHTWEIGHT: "Lightweight summary"}
STATUS_TEXT = {
    ReviewStatus.DRAFT: "Draft",
    ReviewStatus.IN_REVIEW: "In review",
    ReviewStatus.APPROVED: "Approved",
    ReviewStatus.SIGNED: "Signed",
    ReviewStatus.ARCHIVED: "Archived",
}
MOVE_TEXT = {
    ReviewStatus.IN_REVIEW: "Submit for Review",
    ReviewStatus.APPROVED: "Approve…",
    ReviewStatus.DRAFT: "Back to Draft",
    ReviewStatus.ARCHIVED: "Archive",
}
ADD_FINDING_KEY = "Ctrl+Shift+N"
ADD_ACTION_KEY = "Ctrl+Shift+A"
FEEDBACK_KEY = "Ctrl+Alt+F"
MESSAGE_MS = 15_000


class ReviewTab(QWidget):
    """Shows and edits the review of the incident `show_incident` was last given."""

    message = Signal(str)  # for the window's status bar

    def __init__(
        self,
        tasks: BackgroundTasks,
        undo_stack: QUndoStack,
        actor: str,
        database: Callable[[], Database | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.undo_stack = undo_stack
        self.actor = actor
        self.database = database
        self.autosaver = Autosaver(tasks, database, parent=self)
        self.autosaver.conflicted.connect(self._conflicted)
        self.autosaver.refused.connect(self._refused)
        self.autosaver.saved.connect(self._saved)
        self.autosaver.failed.connect(lambda exc: self.show_problem(f"Not saved yet: {exc}"))
        self.sheet: ReviewSheet | None = None
        self.incident_id: int | None = None
        self._generation = 0
        self.conflict_boxes: dict[Record, QMessageBox] = {}
        self.feedback_window: FeedbackWindow | None = None
        self._stale = False
        self._shown_review_id: int | None = None
        self._after_load: Callable[[], object] | None = None
        self._build()

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
        page.addLayout(self._build_header())
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c62828")
        self.problem_label.hide()
        page.addWidget(self.problem_label)
        self.findings = FindingsPanel(self)
        self.actions = ActionsPanel(self)
        self.findings.flags_changed.connect(self._update_flag_label)
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

    def _build_header(self) -> QVBoxLayout:
        header = QVBoxLayout()
        top = QHBoxLayout()
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-weight: bold; font-size: 13pt")
        self.title_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setStyleSheet(
            "padding: 2px 8px; border-radius: 8px; background: #e3f2fd; color: #0d47a1;"
            "font-weight: bold"
        )
        top.addWidget(self.title_label, 1)
        top.addWidget(self.status_label)
        self.status_buttons = QHBoxLayout()
        top.addLayout(self.status_buttons)
        header.addLayout(top)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        tier_row = QHBoxLayout()
        self.tier_combo = QComboBox()
        for tier, text in TIER_TEXT.items():
            self.tier_combo.addItem(text, tier)
        self.tier_combo.activated.connect(self._tier_edited)
        self.proposal_label = QLabel()
        self.proposal_label.setWordWrap(True)
        self.proposal_label.setStyleSheet("color: palette(mid)")
        self.tier_reason_edit = QLineEdit()
        self.tier_reason_edit.setPlaceholderText("Why not the proposed tier? (required)")
        self.tier_reason_edit.textEdited.connect(self._tier_edited)
        tier_row.addWidget(self.tier_combo)
        tier_row.addWidget(self.proposal_label, 1)
        form.addRow("Tier:", tier_row)
        form.addRow("", self.tier_reason_edit)

        people_row = QHBoxLayout()
        self.facilitator_combo = QComboBox()
        self.facilitator_combo.activated.connect(self._facilitator_chosen)
        self.due_edit = QDateEdit()
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd")
        self.due_edit.dateChanged.connect(self._due_edited)
        self.overdue_label = QLabel()
        self.overdue_label.setStyleSheet("color: #c62828; font-weight: bold")
        people_row.addWidget(self.facilitator_combo, 1)
        due_label = QLabel("Due:")
        due_label.setBuddy(self.due_edit)
        people_row.addWidget(due_label)
        people_row.addWidget(self.due_edit)
        people_row.addWidget(self.overdue_label)
        form.addRow("Facilitator:", people_row)

        attendee_row = QHBoxLayout()
        self.attendees_label = QLabel()
        self.attendees_label.setWordWrap(True)
        self.attendees_button = QPushButton("Atte&ndees…")
        self.attendees_button.clicked.connect(self.choose_attendees)
        attendee_row.addWidget(self.attendees_label, 1)
        attendee_row.addWidget(self.attendees_button)
        form.addRow("Attendees:", attendee_row)

        self.summary_edit = BlameTextEdit()
        self.summary_edit.setPlaceholderText("What happened, in two or three sentences…")
        self.summary_edit.setMaximumHeight(64)
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.text_edited.connect(self._summary_edited)
        self.summary_edit.flags_changed.connect(lambda _n: self._update_flag_label())
        form.addRow(self._buddy("Su&mmary:", self.summary_edit), self.summary_edit)
        self.flag_label = QLabel()
        form.addRow("", self.flag_label)
        header.addLayout(form)
        self._header_widgets: list[QWidget] = [
            self.tier_combo,
            self.tier_reason_edit,
            self.facilitator_combo,
            self.due_edit,
            self.attendees_button,
            self.summary_edit,
        ]
        return header

    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

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
        if incident_id is None or self.database() is None:
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
        db, incident_id = self.database(), self.incident_id
        if db is None or incident_id is None:
            return
        generation = self._generation
        self._stale = False

        self.tasks.run(
            lambda _report: database_reads.load_review_sheet(db, incident_id),
            on_done=lambda sheet: self._loaded(generation, sheet, force),
            description="Loading review…",
        )

    def database_changed(self) -> None:
        self.autosaver.forget()
        self._shown_review_id = None
        if self.feedback_window is not None:
            self.feedback_window.autosaver.flush()
            self.feedback_window.close()
        for box in list(self.conflict_boxes.values()):
            box.close()
        self.conflict_boxes.clear()
        self.show_incident(None)

    def flush(self) -> None:
        self.autosaver.flush()

    def open_feedback(self) -> FeedbackWindow | None:
        """Review › Feedback Notes…: the selected incident's notes, in their own window."""
        if self.incident_id is None or self.database() is None:
            return None
        if self.feedback_window is None:
            self.feedback_window = FeedbackWindow(self.tasks, self.actor, self.database)
        window = self.feedback_window
        window.show_incident(self.incident_id)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def shut_down(self) -> None:
        """The main window closes: queue what is typed, and close the notes window."""
        self.autosaver.flush()
        if self.feedback_window is not None:
            self.feedback_window.shut_down()
            self.feedback_window.deleteLater()
            self.feedback_window = None

    def _loaded(self, generation: int, sheet: ReviewSheet | None, force: bool) -> None:
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
            self._show_review(sheet, sheet.review, force)
            self.findings.show_sheet(sheet, checker, force=force)
            self.actions.show_sheet(sheet, force=force)
            self.stack.setCurrentIndex(2)
        self._update_actions()
        self._update_flag_label()
        action, self._after_load = self._after_load, None
        if action is not None and sheet is not None:
            if sheet.review is None and action != self.start_review:
                self.show_problem("Start the review first (Review › Start Review)")
            else:
                action()

    def _show_review(
        self,
        sheet: ReviewSheet,
        review: reviews.ReviewRecord,
        force: bool,
    ) -> None:
        record = ("review", review.id)
        editable = review.status in reviews.EDITABLE
        self.title_label.setText(sheet.incident_label)
        self.status_label.setText(STATUS_TEXT[review.status])
        self._rebuild_status_buttons(review.status)
        self.tier_combo.setCurrentIndex(self.tier_combo.findData(review.tier))
        proposal = sheet.proposal
        self.proposal_label.setText(
            f"Proposed: {TIER_TEXT[proposal.tier].lower()} — {proposal.explanation}"
        )
        # A reload never replaces what is being typed into this review's fields; only a
        # review shown for the first time, or "Reload Theirs" (force), sets them.
        fresh = force or review.id != self._shown_review_id
        self._shown_review_id = review.id
        # The revision goes with the text shown: one the fields do not show must still conflict.
        if force:
            self.autosaver.set_revision(record, review.revision)
        elif fresh:
            self.autosaver.note_revision(record, review.revision)
        if fresh:
            self.tier_reason_edit.setText(review.tier_reason or "")
        self.tier_reason_edit.setVisible(review.tier != proposal.tier or bool(review.tier_reason))
        self.facilitator_combo.clear()
        self.facilitator_combo.addItem("(no facilitator)", None)
        for person in sheet.people:
            self.facilitator_combo.addItem(person.name, person.id)
        self.facilitator_combo.setCurrentIndex(
            max(0, self.facilitator_combo.findData(review.facilitator_id))
        )
        blocked = self.due_edit.blockSignals(True)
        if review.due_on is not None and (fresh or not self.autosaver.is_saving(record)):
            self.due_edit.setDate(QDate(review.due_on.year, review.due_on.month, review.due_on.day))
        self.due_edit.blockSignals(blocked)
        self._show_overdue(review.due_on, review.status)
        names = [sheet.person_name(p) or f"#{p}" for p in review.attendee_ids]
        self.attendees_label.setText(", ".join(names) if names else "(none yet)")
        self.summary_edit.set_people([p.name for p in sheet.people])
        if fresh and self.summary_edit.toPlainText() != review.summary:
            set_text_quietly(self.summary_edit, review.summary)
        for widget in self._header_widgets:
            widget.setEnabled(editable)

    def _show_overdue(self, due_on: date | None, status: ReviewStatus) -> None:
        today = local_today()
        if due_on is not None and status in reviews.EDITABLE and due_on < today:
            days = (today - due_on).days
            self.overdue_label.setText(f"⚠ Overdue by {days} day{'s' if days != 1 else ''}")
        else:
            self.overdue_label.setText("")

    def _rebuild_status_buttons(self, status: ReviewStatus) -> None:
        while self.status_buttons.count():
            item = self.status_buttons.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.deleteLater()
        for target in reviews.TRANSITIONS[status]:
            if target == ReviewStatus.SIGNED:
                continue  # signing is what exporting a signed packet does, not a button here
            text = MOVE_TEXT[target]
            if target == ReviewStatus.IN_REVIEW and status == ReviewStatus.APPROVED:
                text = "Reopen"
            button = QPushButton(text)
            button.setObjectName(f"move_to_{target.value}")
            button.clicked.connect(lambda _c=False, t=target: self.move_review(t))
            self.status_buttons.addWidget(button)

    def _update_actions(self) -> None:
        if not hasattr(self, "start_action"):
            return
        # Until the tab has loaded the selected incident, commands are offered and wait for it.
        has_incident = self.incident_id is not None
        known = self.sheet is not None
        has_review = known and self.sheet is not None and self.sheet.review is not None
        self.start_action.setEnabled(has_incident and not has_review)
        for action in (self.add_finding_action, self.add_action_action, self.link_events_action):
            action.setEnabled(has_incident and (has_review or not known))
        self.feedback_action.setEnabled(has_incident)

    def _update_flag_label(self) -> None:
        count = self.flag_count()
        if count:
            self.flag_label.setText(
                f"⚑ {count} blameless-language flag{'s' if count != 1 else ''} — hover an "
                "underline for a way to say it about the system"
            )
            self.flag_label.setStyleSheet("color: #c62828; font-weight: bold")
        else:
            self.flag_label.setText("✓ No blame phrasing or names found")
            self.flag_label.setStyleSheet("color: #2e7d32")

    def flag_count(self) -> int:
        return self.summary_edit.flag_count + self.findings.flag_total()

    # ------------------------------------------------------------- running work

    def run(
        self,
        work: Callable[[Any], T],
        on_done: Callable[[T], None] | None = None,
        *,
        reload: bool = True,
        description: str = "",
    ) -> None:
        """Structural work on the open file after pending typing is saved; then reload."""
        db = self.database()
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
        self.message.emit(text)

    def clear_problem(self) -> None:
        self.problem_label.hide()

    # ------------------------------------------------------------ review edits

    @property
    def review(self) -> reviews.ReviewRecord | None:
        return self.sheet.review if self.sheet is not None else None

    def start_review(self) -> None:
        incident_id, actor = self.incident_id, self.actor
        if incident_id is None or self.review is not None:
            return
        self.run(
            lambda db: database_edits.create_review(db, incident_id, actor=actor),
            description="Starting review…",
        )

    def _review_record(self) -> Record | None:
        review = self.review
        return ("review", review.id) if review is not None else None

    def _write(self, fn: Callable[..., int]) -> Write:
        """A storage edit `fn(db, review_id, revision, value, actor=)` as an autosave write."""
        review = self.review
        assert review is not None
        review_id, actor = review.id, self.actor

        def write(db: Database, value: Any, revision: int) -> int:
            return fn(db, review_id, revision, value, actor=actor)

        return write

    def _summary_edited(self, _text: str) -> None:
        record = self._review_record()
        if record is None:
            return
        self.autosaver.edited(
            record,
            "summary",
            self.summary_edit.toPlainText,
            self._write(database_edits.set_summary),
        )

    def _tier_edited(self, *_args: object) -> None:
        record, sheet = self._review_record(), self.sheet
        if record is None or sheet is None:
            return
        tier = self.tier_combo.currentData()
        differs = tier != sheet.proposal.tier
        self.tier_reason_edit.setVisible(differs)
        if differs and not self.tier_reason_edit.text().strip():
            self.tier_reason_edit.setFocus()
            self.show_problem(
                f"The policy proposes a {TIER_TEXT[sheet.proposal.tier].lower()}; say why this "
                "review is different and it is saved with the reason."
            )
            return
        self.clear_problem()

        def set_tier(db: Database, review_id: int, revision: int, value: Any, *, actor: str) -> int:
            chosen, reason = value
            return database_edits.set_tier(db, review_id, revision, chosen, reason, actor=actor)

        self.autosaver.edited(
            record, "tier", lambda: (tier, self.tier_reason_edit.text()), self._write(set_tier)
        )

    def _facilitator_chosen(self, _index: int) -> None:
        record = self._review_record()
        if record is not None:
            self.autosaver.save_now(
                record,
                "facilitator",
                self.facilitator_combo.currentData(),
                self._write(database_edits.set_facilitator),
            )

    def _due_edited(self, value: QDate) -> None:
        record, review = self._review_record(), self.review
        if record is None or review is None:
            return
        due = date(value.year(), value.month(), value.day())
        self._show_overdue(due, review.status)
        self.autosaver.edited(record, "due_on", lambda: due, self._write(database_edits.set_due_on))

    def choose_attendees(self) -> ChecklistDialog | None:
        sheet, record = self.sheet, self._review_record()
        if sheet is None or sheet.review is None or record is None:
            return None
        dialog = ChecklistDialog(
            "Attendees",
            "Who took part in the review meeting:",
            [(p.id, p.name) for p in sheet.people],
            sheet.review.attendee_ids,
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        write = self._write(database_edits.set_attendees)
        dialog.accepted.connect(
            lambda: self.autosaver.save_now(record, "attendees", dialog.chosen_ids(), write)
        )
        dialog.open()
        return dialog

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
        record = self._review_record()
        if record is None:
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

        def set_status(
            db: Database, review_id: int, revision: int, value: Any, *, actor: str
        ) -> int:
            return database_edits.set_status(
                db, review_id, revision, value, actor=actor, override_reason=reason
            )

        self.clear_problem()
        self.autosaver.save_now(record, "status", target, self._write(set_status))

    # ------------------------------------------------------------- autosave news

    def _saved(self, record: Record, field: str) -> None:
        if field in ("external_key", "tier"):
            self.clear_problem()  # what was refused while typing is accepted now
        if record[0] == "review" and field in ("status", "attendees", "tier", "facilitator"):
            self.reload()
        if record[0] == "action" and field in ("status", "due_on", "owner"):
            self.reload()

    def _refused(self, record: Record, field: str, message: str) -> None:
        self.show_problem(message)
        # A refused choice is shown as it is stored; refused typing stays for the user to fix.
        if field in ("status", "attendees", "owner", "due_on", "facilitator"):
            self.reload()

    def _conflicted(self, record: Record, field: str, error: EditConflict, value: Any) -> None:
        what = WHAT.get(record[0], "This record")
        if error.deleted:
            self.show_problem(f"{what} was deleted in another window; your edit was not saved")
            self.reload(force=True)
            return
        old = self.conflict_boxes.pop(record, None)
        if old is not None:
            old.close()
        write = self._conflict_write(record, field)
        box = ask_about_conflict(
            self,
            what,
            on_reload=self._reload_theirs,
            on_keep=lambda: self._keep_mine(record, field, value, write),
        )
        box.destroyed.connect(lambda _o=None: self._conflict_box_gone(record, box))
        self.conflict_boxes[record] = box

    def _conflict_write(self, record: Record, field: str) -> Write | None:
        return self._pending_writes.get((record, field))

    @property
    def _pending_writes(self) -> dict[tuple[Record, str], Write]:
        # Rebuilt per conflict: which storage function writes this field of this record.
        writes: dict[tuple[Record, str], Write] = {}
        review = self.review
        if review is not None:
            record = ("review", review.id)
            writes[(record, "summary")] = self._write(database_edits.set_summary)
            writes[(record, "due_on")] = self._write(database_edits.set_due_on)
            writes[(record, "facilitator")] = self._write(database_edits.set_facilitator)
            writes[(record, "attendees")] = self._write(database_edits.set_attendees)
        writes.update(self.findings.writes())
        writes.update(self.actions.writes())
        return writes

    def _conflict_box_gone(self, record: Record, box: QMessageBox) -> None:
        if self.conflict_boxes.get(record) is box:
            del self.conflict_boxes[record]

    def _reload_theirs(self) -> None:
        self.message.emit("Showing the version saved by the other window")
        self.reload(force=True)

    def _keep_mine(self, record: Record, field: str, value: Any, write: Write | None) -> None:
        db = self.database()
        if db is None or write is None:
            self.show_problem("Your change could not be saved: reload and type it again")
            return

        def gone() -> None:
            self.show_problem("It was deleted in the other window; your edit was not saved")
            self.reload(force=True)

        keep_mine(self.tasks, db, self.autosaver, (record, field, value, write), gone)
