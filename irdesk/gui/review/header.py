"""The top of the Review tab: the review record itself.

The incident, the review's status with the moves it allows, its tier beside the
policy's proposal, facilitator, due date, attendees, the summary, and the count
of blameless-language flags across the summary and the findings. What is typed
or chosen here is saved through the tab's field table (review.fields).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.enums import ReviewStatus, ReviewTier
from irdesk.gui.common.colours import make_quiet, text_style
from irdesk.gui.common.dates import as_date, qdate
from irdesk.gui.review.blame_editor import BlameTextEdit, set_text_quietly
from irdesk.gui.review.checklist_dialog import ChecklistDialog
from irdesk.gui.review.fields import REVIEW
from irdesk.gui.review.models import local_today

if TYPE_CHECKING:
    from irdesk.domain.facilitation import Suggestion
    from irdesk.gui.review.tab import ReviewTab
    from irdesk.storage.reads.review_sheet import ReviewSheet
    from irdesk.storage.records import reviews

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


class ReviewHeader(QWidget):
    """Shows the tab's review (`show_review`) and takes its edits to the field table."""

    def __init__(self, tab: ReviewTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self._shown_review_id: int | None = None

        header = QVBoxLayout(self)
        header.setContentsMargins(0, 0, 0, 0)
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
        # The form's labels sit beside rows of several widgets, so Qt cannot pair them.
        self.tier_combo.setAccessibleName("Tier")
        self.tier_combo.activated.connect(self._tier_edited)
        self.proposal_label = QLabel()
        self.proposal_label.setWordWrap(True)
        make_quiet(self.proposal_label)
        self.tier_reason_edit = QLineEdit()
        self.tier_reason_edit.setPlaceholderText("Why not the proposed tier? (required)")
        self.tier_reason_edit.setAccessibleName("Why not the proposed tier")
        self.tier_reason_edit.textEdited.connect(self._tier_edited)
        tier_row.addWidget(self.tier_combo)
        tier_row.addWidget(self.proposal_label, 1)
        form.addRow("Tier:", tier_row)
        form.addRow("", self.tier_reason_edit)

        people_row = QHBoxLayout()
        self.facilitator_combo = QComboBox()
        self.facilitator_combo.setAccessibleName("Facilitator")
        self.due_edit = QDateEdit()
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd")
        self.due_edit.dateChanged.connect(self._due_edited)
        self.overdue_label = QLabel()
        self.overdue_label.setStyleSheet(text_style("#c62828", bold=True))
        people_row.addWidget(self.facilitator_combo, 1)
        # The pool's suggestion: someone who was not in the incident and is within their
        # share; a click makes it the facilitator (saved and undoable like a choice).
        self.suggest_button = QPushButton("Suggest")
        self.suggest_button.setAccessibleName("Use the suggested facilitator")
        self.suggest_button.clicked.connect(self.use_suggested_facilitator)
        self._suggested_id: int | None = None
        people_row.addWidget(self.suggest_button)
        due_label = QLabel("Due:")
        due_label.setBuddy(self.due_edit)
        people_row.addWidget(due_label)
        people_row.addWidget(self.due_edit)
        people_row.addWidget(self.overdue_label)
        form.addRow("Facilitator:", people_row)

        attendee_row = QHBoxLayout()
        self.attendees_label = QLabel()
        self.attendees_label.setWordWrap(True)
        self.attendees_button = QPushButton("Atten&dees…")
        self.attendees_button.clicked.connect(self.choose_attendees)
        attendee_row.addWidget(self.attendees_label, 1)
        attendee_row.addWidget(self.attendees_button)
        form.addRow("Attendees:", attendee_row)

        self.summary_edit = BlameTextEdit()
        self.summary_edit.setPlaceholderText("What happened, in two or three sentences…")
        self.summary_edit.setMaximumHeight(64)
        self.summary_edit.setTabChangesFocus(True)
        summary_label = QLabel("Summar&y:")
        summary_label.setBuddy(self.summary_edit)
        form.addRow(summary_label, self.summary_edit)
        self.flag_label = QLabel()
        form.addRow("", self.flag_label)
        # Why it was approved with flags open: part of the record, shown with it.
        self.override_label = QLabel()
        self.override_label.setWordWrap(True)
        self.override_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("", self.override_label)
        header.addLayout(form)
        self._editable_widgets: list[QWidget] = [
            self.tier_combo,
            self.tier_reason_edit,
            self.facilitator_combo,
            self.due_edit,
            self.attendees_button,
            self.summary_edit,
        ]

    # ------------------------------------------------------------- showing

    def forget_shown(self) -> None:
        """Another file: the next review shown is shown afresh, whatever its id."""
        self._shown_review_id = None

    def show_review(self, sheet: ReviewSheet, review: reviews.ReviewRecord, force: bool) -> None:
        from irdesk.storage.records import reviews  # loaded with the sheet

        saver = self.tab.autosaver
        record = (REVIEW, review.id)
        editable = review.status in reviews.EDITABLE
        self.title_label.setText(sheet.incident_label)
        self.status_label.setText(STATUS_TEXT[review.status])
        self._rebuild_status_buttons(review.status)
        self.tier_combo.setCurrentIndex(self.tier_combo.findData(review.tier))
        proposal = sheet.proposal
        if editable:
            self.proposal_label.setText(
                f"Proposed: {TIER_TEXT[proposal.tier].lower()} — {proposal.explanation}"
            )
        else:
            # Settled: a later policy's proposal is no question for a review already decided.
            self.proposal_label.setText("Settled when the review was approved.")
        # A reload never replaces what is being typed into this review's fields; only a
        # review shown for the first time, or "Reload Theirs" (force), sets them.
        fresh = force or review.id != self._shown_review_id
        self._shown_review_id = review.id
        # The revision goes with the text shown: one the fields do not show must still conflict.
        if force:
            saver.set_revision(record, review.revision)
        elif fresh:
            saver.note_revision(record, review.revision)
        if fresh:
            self.tier_reason_edit.setText(review.tier_reason or "")
        asks_reason = editable and review.tier != proposal.tier
        self.tier_reason_edit.setVisible(asks_reason or bool(review.tier_reason))
        reason = review.blameless_override_reason
        self.override_label.setText(
            f"Approved with blameless-language flags open, because: {reason}" if reason else ""
        )
        self.override_label.setVisible(bool(reason))
        self.facilitator_combo.clear()
        self.facilitator_combo.addItem("(no facilitator)", None)
        for person in sheet.people:
            self.facilitator_combo.addItem(person.name, person.id)
        self.facilitator_combo.setCurrentIndex(
            max(0, self.facilitator_combo.findData(review.facilitator_id))
        )
        blocked = self.due_edit.blockSignals(True)
        if review.due_on is not None and (fresh or not saver.is_saving(record)):
            self.due_edit.setDate(qdate(review.due_on))
        self.due_edit.blockSignals(blocked)
        self.show_overdue(review.due_on, review.status)
        names = [sheet.person_name(p) or f"#{p}" for p in review.attendee_ids]
        self.attendees_label.setText(", ".join(names) if names else "(none yet)")
        self.summary_edit.set_people([p.name for p in sheet.people])
        if fresh and self.summary_edit.toPlainText() != review.summary:
            set_text_quietly(self.summary_edit, review.summary)
        for widget in self._editable_widgets:
            widget.setEnabled(editable)
        self._show_suggestion(sheet.facilitator_suggestion, editable)

    def _show_suggestion(self, suggestion: Suggestion | None, editable: bool) -> None:
        """The pool's suggestion on the button's tooltip; the button only when it helps."""
        self._suggested_id = None
        if suggestion is None:
            self.suggest_button.setToolTip("Add trained facilitators: irdesk facilitators add NAME")
            self.suggest_button.setEnabled(False)
            return
        lines = [suggestion.sentence()]
        lines += [f"Not {name}: {why}." for name, why in suggestion.passed_over]
        self.suggest_button.setToolTip("\n".join(lines))
        if suggestion.suggested is not None:
            self._suggested_id = suggestion.suggested.person_id
        # Once someone facilitates, their own review counts in their load and the
        # suggestion would move on: it is for choosing, not for second-guessing.
        chosen = self.facilitator_combo.currentData() is not None
        self.suggest_button.setEnabled(editable and self._suggested_id is not None and not chosen)

    def use_suggested_facilitator(self) -> None:
        index = self.facilitator_combo.findData(self._suggested_id)
        if self._suggested_id is not None and index >= 0:
            self.facilitator_combo.setCurrentIndex(index)
            # Saved as the user's own choice in the list is (autosaved, undoable).
            self.facilitator_combo.activated.emit(index)
            self.suggest_button.setEnabled(False)

    def show_overdue(self, due_on: date | None, status: ReviewStatus) -> None:
        from irdesk.storage.records import reviews  # loaded with the sheet

        today = local_today()
        if due_on is not None and status in reviews.EDITABLE and due_on < today:
            days = (today - due_on).days
            self.overdue_label.setText(f"⚠ Overdue by {days} day{'s' if days != 1 else ''}")
        else:
            self.overdue_label.setText("")

    def show_flags(self, count: int) -> None:
        """The blameless-language flags open across the summary and the findings."""
        if count:
            self.flag_label.setText(
                f"⚑ {count} blameless-language flag{'s' if count != 1 else ''} — hover an "
                "underline for a way to say it about the system"
            )
            self.flag_label.setStyleSheet(text_style("#c62828", bold=True))
        else:
            self.flag_label.setText("✓ No blame phrasing or names found")
            self.flag_label.setStyleSheet(text_style("#2e7d32"))

    def _rebuild_status_buttons(self, status: ReviewStatus) -> None:
        from irdesk.storage.records import reviews  # loaded with the sheet

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
            button.clicked.connect(lambda _c=False, t=target: self.tab.move_review(t))
            self.status_buttons.addWidget(button)

    # ------------------------------------------------------------- editing

    def _tier_edited(self, *_args: object) -> None:
        tab, sheet = self.tab, self.tab.sheet
        if tab.review is None or sheet is None:
            return
        tier = self.tier_combo.currentData()
        differs = tier != sheet.proposal.tier
        self.tier_reason_edit.setVisible(differs)
        if differs and not self.tier_reason_edit.text().strip():
            self.tier_reason_edit.setFocus()
            tab.show_problem(
                f"The policy proposes a {TIER_TEXT[sheet.proposal.tier].lower()}; say why this "
                "review is different and it is saved with the reason."
            )
            return
        tab.clear_problem()
        tab.fields.changed(REVIEW, "tier", lambda: (tier, self.tier_reason_edit.text()))

    def _due_edited(self, value: QDate) -> None:
        # Saving is the field table's; the overdue warning follows the date as it is chosen.
        review = self.tab.review
        if review is not None:
            self.show_overdue(as_date(value), review.status)

    def choose_attendees(self) -> ChecklistDialog | None:
        sheet = self.tab.sheet
        if sheet is None or sheet.review is None:
            return None
        dialog = ChecklistDialog(
            "Attendees",
            "Who took part in the review meeting:",
            [(p.id, p.name) for p in sheet.people],
            sheet.review.attendee_ids,
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.tab.fields.changed(REVIEW, "attendees", dialog.chosen_ids)
        )
        dialog.open()
        return dialog
