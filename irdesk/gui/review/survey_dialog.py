"""Review › Participant Survey…: one attendee's answer on an approved review.

The attendee is chosen from the review's attendees (those who gave a named answer
already are left out); "Answer anonymously" stores the answer without them, as
`storage.records.review_surveys` does. Saving runs in the background; a refusal is
shown in the dialog with the answer still in it, so nothing typed is lost; a stored
answer is one undo step of the window (Review › … `feedback_actions`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.colours import text_style
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.refusals import Refused, refusing

if TYPE_CHECKING:
    from irdesk.storage.database import Database
    from irdesk.storage.records.review_surveys import SurveyTarget

SURVEY_SIZE = (520, 460)
PROBLEM_COLOUR = "#c62828"


def score_box(name: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, 5)
    box.setValue(3)
    box.setAccessibleName(name)
    return box


class SurveyDialog(QDialog):
    saved = Signal()
    stored = Signal(int, object)  # the answer's id and the Answer stored, for undo

    def __init__(
        self,
        parent: QWidget | None,
        tasks: BackgroundTasks,
        database: Database,
        target: SurveyTarget,
        actor: str,
        today: date,
    ) -> None:
        super().__init__(parent)
        label = target.label
        self.setWindowTitle(f"Participant Survey — {label}")
        fit_to_screen(self, *SURVEY_SIZE)
        self.tasks = tasks
        self.database = database
        self.target = target
        self.actor = actor
        self.today = today

        intro = QLabel(
            f"{label}: {target.answers} of {len(target.attendees)} attendees have answered. "
            "An anonymous answer is stored without the person, and answers are only ever "
            "shown in groups of three or more."
        )
        intro.setWordWrap(True)
        self.person = QComboBox()
        self.person.setAccessibleName("Attendee")
        for pid, name in target.attendees:
            if pid not in target.answered:
                self.person.addItem(name, pid)
        self.anonymous = QCheckBox("Answer a&nonymously")
        self.anonymous.setAccessibleName("Answer anonymously")
        self.useful = score_box("Useful")
        self.safe = score_box("Safe to speak")
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 1000)
        self.hours.setDecimals(1)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(1.0)
        self.hours.setAccessibleName("Hours spent")
        self.comment = QPlainTextEdit()
        self.comment.setAccessibleName("Anything else")
        self.comment.setTabChangesFocus(True)
        form = QFormLayout()
        for text, widget in (
            ("A&ttendee:", self.person),
            ("&Useful (1 not at all – 5 very):", self.useful),
            ("&Safe to speak (1 – 5):", self.safe),
            ("&Hours spent:", self.hours),
            ("Anything &else:", self.comment),
        ):
            caption = QLabel(text)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        form.addRow("", self.anonymous)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(text_style(PROBLEM_COLOUR))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        if self.person.count() == 0:
            self.problem.setText("Every attendee has given a named answer on this review.")
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)

    def save(self) -> None:
        from irdesk.storage.records.review_surveys import Answer

        answer = Answer(
            review_id=self.target.review_id,
            person_id=self.person.currentData(),
            useful=self.useful.value(),
            safe=self.safe.value(),
            hours=self.hours.value(),
            comment=self.comment.toPlainText(),
            anonymous=self.anonymous.isChecked(),
            answered_on=self.today,
        )
        db, actor = self.database, self.actor
        self.problem.clear()
        self.buttons.setEnabled(False)

        def write(_report: object) -> int | Refused:
            from irdesk.storage.records.review_surveys import record_answer

            return refusing(lambda: record_answer(db, answer, actor=actor))

        def written(done: int | Refused) -> None:
            self.buttons.setEnabled(True)
            if isinstance(done, Refused):
                self.problem.setText(done.message)
                return
            self.stored.emit(done, answer)
            self.saved.emit()
            self.accept()

        self.tasks.run(write, on_done=written, description="Saving the survey answer…")
