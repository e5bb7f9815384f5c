"""Timeline › Runbook Step…: say which runbook step an event carried out, or that a step
was skipped or done differently, and whether that was justified (with the reason).

The runbook is the one for the incident's service; its steps are listed in order with
what was recorded for each. The chosen step takes the outcome chosen below: followed
(by the event selected on the timeline), skipped or deviated from; a skip or deviation
may be marked justified, which needs a reason. Only unjustified ones count against
anyone's adherence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.enums import RunbookOutcome
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.row_table_model import AnyIndex, RowTableModel
from irdesk.gui.timeline.edits import StepChoice

if TYPE_CHECKING:
    from irdesk.storage.reads.timeline_records import RecordEvent
    from irdesk.storage.records.runbooks import StepRow

OUTCOME_TEXT = {
    None: "not recorded",
    RunbookOutcome.FOLLOWED: "followed",
    RunbookOutcome.SKIPPED: "skipped",
    RunbookOutcome.DEVIATED: "deviated",
}
NO_EVENT = "(no event selected on the timeline)"


class StepsModel(RowTableModel["StepRow"]):
    headers: ClassVar[tuple[str, ...]] = ("#", "Step", "Outcome", "By", "Justified")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        column = index.column()
        if column == 0:
            return str(row.position)
        if column == 1:
            return row.text
        if column == 2:
            return OUTCOME_TEXT[row.outcome]
        if column == 3:
            return row.person or ""
        if row.outcome in (None, RunbookOutcome.FOLLOWED):
            return ""
        return f"yes: {row.reason}" if row.justified else "no"


class RunbookStepDialog(QDialog):
    """The steps of the runbook, and the outcome to record for the one chosen."""

    def __init__(
        self,
        title: str,
        steps: list[StepRow],
        event: RecordEvent | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Runbook Step: {title}")
        self.event = event
        self.model = StepsModel(self)
        self.model.set_rows(steps)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Runbook steps")
        self.table.setAccessibleDescription(
            "The runbook's steps in order, with what was recorded for each in this incident"
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._step_chosen())

        self.event_label = QLabel(event.text if event is not None else NO_EVENT)
        self.event_label.setWordWrap(True)
        self.outcome_combo = QComboBox()
        for outcome, text in (
            (RunbookOutcome.FOLLOWED, "Followed, by the selected event"),
            (RunbookOutcome.SKIPPED, "Skipped"),
            (RunbookOutcome.DEVIATED, "Deviated (done differently)"),
            (None, "Not recorded"),
        ):
            # Plain text as the item's data: Qt hands an enum back as its value.
            self.outcome_combo.addItem(text, outcome.value if outcome else "")
        self.outcome_combo.currentIndexChanged.connect(lambda _i: self._update())
        self.justified_check = QCheckBox("&Justified: it was the right call")
        self.justified_check.toggled.connect(lambda _on: self._update())
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("Why the step was skipped or done differently")
        self.reason_edit.textChanged.connect(lambda _t: self._update())

        form = QFormLayout()
        event_caption = QLabel("Event:")
        event_caption.setBuddy(self.event_label)
        form.addRow(event_caption, self.event_label)
        outcome_caption = QLabel("&Outcome:")
        outcome_caption.setBuddy(self.outcome_combo)
        form.addRow(outcome_caption, self.outcome_combo)
        form.addRow("", self.justified_check)
        reason_caption = QLabel("&Reason:")
        reason_caption.setBuddy(self.reason_edit)
        form.addRow(reason_caption, self.reason_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.record_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.record_button.setText("Re&cord")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        steps_caption = QLabel("&Steps:")
        steps_caption.setBuddy(self.table)
        layout = QVBoxLayout(self)
        layout.addWidget(steps_caption)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 720, 460)
        if steps:
            first_open = next((i for i, s in enumerate(steps) if s.outcome is None), 0)
            self.table.selectRow(first_open)
        self._update()

    def chosen_step(self) -> StepRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _step_chosen(self) -> None:
        step = self.chosen_step()
        if step is None:
            return
        # Show what is recorded; a step nobody recorded proposes "followed".
        shown = step.outcome if step.outcome is not None else RunbookOutcome.FOLLOWED
        self.outcome_combo.setCurrentIndex(self.outcome_combo.findData(shown.value))
        self.justified_check.setChecked(step.justified)
        self.reason_edit.setText(step.reason or "")
        self._update()

    def _outcome(self) -> RunbookOutcome | None:
        value = self.outcome_combo.currentData()
        return RunbookOutcome(value) if value else None

    def _update(self) -> None:
        outcome = self._outcome()
        departs = outcome in (RunbookOutcome.SKIPPED, RunbookOutcome.DEVIATED)
        self.justified_check.setEnabled(departs)
        self.reason_edit.setEnabled(departs and self.justified_check.isChecked())
        ready = self.chosen_step() is not None
        if outcome == RunbookOutcome.FOLLOWED:
            ready = ready and self.event is not None
        if departs and self.justified_check.isChecked():
            ready = ready and bool(self.reason_edit.text().strip())
        self.record_button.setEnabled(ready)

    def choice(self) -> StepChoice:
        outcome = self._outcome()
        departs = outcome in (RunbookOutcome.SKIPPED, RunbookOutcome.DEVIATED)
        justified = departs and self.justified_check.isChecked()
        followed = outcome == RunbookOutcome.FOLLOWED
        return StepChoice(
            outcome=outcome,
            event_id=self.event.id if followed and self.event is not None else None,
            person_id=None,
            justified=justified,
            reason=self.reason_edit.text().strip() if justified else None,
        )
