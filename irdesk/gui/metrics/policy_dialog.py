"""Tools › Policy…: edit the organisation's metric choices and save them as a new version.

Nothing is overwritten: saving stores the next version with the note saying why,
and writes an audit entry with it. A value the policy refuses is named in the
dialog and nothing is saved.
"""

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.metrics.durations import KPI_LABELS
from irdesk.domain.policy import (
    CONTROL_LENGTH,
    EVALUATIONS,
    KPIS,
    PRIMARY_KPIS,
    RETIRABLE,
    SEVERITIES,
    SURGE_TREATMENTS,
    WEIGHTINGS,
    Policy,
    PolicyError,
)
from irdesk.domain.themes import parse_taxonomy, taxonomy_text
from irdesk.gui.common.background import BackgroundTasks, Report
from irdesk.gui.common.colours import text_style
from irdesk.gui.common.fit import fit_to_screen, scrolling
from irdesk.storage.database import Database
from irdesk.storage.records.policies import PolicyRecord, current_policy, save_policy

WEIGHTING_LABELS = {
    "equal": "Every incident counts once",
    "severity": "By severity weight",
    "downtime_cost": "By downtime cost",
}
EVALUATION_LABELS = {
    "threshold": "Targets per severity",
    "trend": "Trend against the previous period",
    "both": "Targets and trend",
}


# What each treatment does, in the words the dialog shows under its choice.
SURGE_LABELS = {
    "mark": "Mark them beside the figures",
    "exclude": "Leave their incidents out of the person's figures",
    "adjust": "Show each figure also without their incidents",
}
SURGE_MEANING = (
    "A surge is an incident that took a person this many hours, or after-hours pages on "
    "this many nights in a row. Leaving out: the person's figures, and each peer's in the "
    "medians, count without the incidents of their own surges. Showing beside: the figures "
    "as counted, and next to each the person's figure without them. The team's outcomes "
    "always keep every incident."
)


FIGURE_LABELS = {
    **KPI_LABELS,
    **{f"{kpi}_target": f"{KPI_LABELS[kpi]}: its targets" for kpi in KPIS},
    "severity_mismatch": "Customer-reported vs internal severity",
    "slo": "SLO adherence",
    "cost": "Cost",
    "load": "On-call load per person",
    "rotations": "On-call load per rotation",
    "concentration": "Concentration",
    "follow_through": "Action item follow-through",
    "recurrence": "Recurrence",
    "compliance": "Postmortem compliance",
}


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    if suffix:
        box.setSuffix(suffix)
    return box


class PolicyDialog(QDialog):
    """Shows the current version; `saved(PolicyRecord)` after a new version is stored."""

    saved = Signal(object)

    def __init__(
        self,
        db: Database,
        tasks: BackgroundTasks,
        actor: str,
        parent: QWidget | None = None,
        *,
        record: Callable[[Database], PolicyRecord] = current_policy,
    ) -> None:
        super().__init__(parent)
        self.db, self.tasks, self.actor = db, tasks, actor
        self.record = record(db)
        policy = self.record.policy
        self.setWindowTitle(f"Policy ({self.record.label}) — irdesk")

        self.kpi_combo = QComboBox()
        for kpi in PRIMARY_KPIS:
            self.kpi_combo.addItem(KPI_LABELS[kpi], kpi)
        self.weighting_combo = QComboBox()
        for weighting in WEIGHTINGS:
            self.weighting_combo.addItem(WEIGHTING_LABELS[weighting], weighting)
        self.evaluation_combo = QComboBox()
        for evaluation in EVALUATIONS:
            self.evaluation_combo.addItem(EVALUATION_LABELS[evaluation], evaluation)
        self.verification_check = QCheckBox("Response time ends at verification, not resolution")
        self.external_check = QCheckBox("Leave external causes out of team and personal figures")
        self.debt_check = QCheckBox(
            "Leave approved technical debt out of team and personal figures"
        )
        self.trend_spin = _spin(1, 366, policy.trend_window_days, " days")
        choices = QFormLayout()
        choices.addRow("Primary &KPI", self.kpi_combo)
        choices.addRow("&Weighting", self.weighting_combo)
        choices.addRow("&Evaluation", self.evaluation_combo)
        choices.addRow("&Trend window", self.trend_spin)
        choices.addRow(self.verification_check)
        choices.addRow(self.external_check)
        choices.addRow(self.debt_check)

        # Targets: KPI × severity, in minutes.
        self.threshold_spins: dict[tuple[str, str], QDoubleSpinBox] = {}
        targets = QGridLayout()
        for col, severity in enumerate(SEVERITIES, start=1):
            targets.addWidget(QLabel(severity), 0, col)
        for row, kpi in enumerate(KPIS, start=1):
            targets.addWidget(QLabel(KPI_LABELS[kpi]), row, 0)
            for col, severity in enumerate(SEVERITIES, start=1):
                spin = QDoubleSpinBox()
                spin.setRange(0, 100_000)
                spin.setDecimals(0)
                spin.setSuffix(" min")
                spin.setValue(float(policy.thresholds_minutes.get(kpi, {}).get(severity, 0)))
                targets.addWidget(spin, row, col)
                self.threshold_spins[(kpi, severity)] = spin
        target_box = QGroupBox("Targets (0: none)")
        target_box.setLayout(targets)

        self.full_checks = {s: QCheckBox(s) for s in SEVERITIES}
        full_row = QHBoxLayout()
        for box in self.full_checks.values():
            full_row.addWidget(box)
        self.customer_checks = {s: QCheckBox(s) for s in SEVERITIES}
        customer_row = QHBoxLayout()
        for box in self.customer_checks.values():
            customer_row.addWidget(box)
        self.users_spin = _spin(0, 100_000_000, policy.full_review_users_affected or 0)
        self.users_spin.setSpecialValueText("never")
        self.recurrence_check = QCheckBox("A recurring incident needs a full postmortem")
        self.regulatory_check = QCheckBox("Regulatory exposure needs a full postmortem")
        self.deadline_spin = _spin(1, 365, policy.postmortem_deadline_days, " days")
        self.light_deadline_spin = _spin(1, 365, policy.lightweight_deadline_days, " days")
        reviews = QFormLayout()
        reviews.addRow("Full postmortem for", full_row)
        reviews.addRow("…or when customers report", customer_row)
        reviews.addRow("…or when &users affected reach", self.users_spin)
        reviews.addRow(self.recurrence_check)
        reviews.addRow(self.regulatory_check)
        reviews.addRow("Postmortem &deadline", self.deadline_spin)
        reviews.addRow("Lightweight review deadline", self.light_deadline_spin)
        review_box = QGroupBox("Reviews")
        review_box.setLayout(reviews)

        self.pages_spin = _spin(1, 1000, policy.pages_per_shift)
        self.shift_spin = _spin(1, 24, policy.shift_hours, " h")
        self.after_hours_spin = _spin(0, 1000, policy.after_hours_pages_per_week)
        fatigue = QFormLayout()
        fatigue.addRow("Pages per on-call &shift, at most", self.pages_spin)
        fatigue.addRow("Shift length", self.shift_spin)
        fatigue.addRow("After-hours pages per week, at most", self.after_hours_spin)
        fatigue_box = QGroupBox("Alert fatigue")
        fatigue_box.setLayout(fatigue)

        self.surge_hours_spin = QDoubleSpinBox()
        self.surge_hours_spin.setRange(0.5, 168)
        self.surge_hours_spin.setDecimals(1)
        self.surge_hours_spin.setSingleStep(0.5)
        self.surge_hours_spin.setSuffix(" h")
        self.surge_hours_spin.setValue(policy.surge_long_incident_hours)
        self.surge_nights_spin = _spin(2, 31, policy.surge_consecutive_nights, " nights")
        self.surge_combo = QComboBox()
        for treatment in SURGE_TREATMENTS:
            self.surge_combo.addItem(SURGE_LABELS[treatment], treatment)
        surge_meaning = QLabel(SURGE_MEANING)
        surge_meaning.setWordWrap(True)
        surge = QFormLayout()
        surge.addRow("A &long incident takes", self.surge_hours_spin)
        surge.addRow("After-hours pages on ni&ghts in a row", self.surge_nights_spin)
        surge.addRow("Surge &periods", self.surge_combo)
        surge.addRow(surge_meaning)
        surge_box = QGroupBox("Surge periods (person and team views, the manager packet)")
        surge_box.setLayout(surge)

        # Retiring a figure hides it under this version only; the reason is kept with it.
        # Beside it, the control or clause the figure satisfies, which the executive
        # packet lists.
        self.retire_checks: dict[str, QCheckBox] = {}
        self.retire_reasons: dict[str, QLineEdit] = {}
        self.control_edits: dict[str, QLineEdit] = {}
        retiring = QGridLayout()
        retiring.addWidget(QLabel("Figure or target (tick to retire it)"), 0, 0)
        retiring.addWidget(QLabel("Why it is retired"), 0, 1)
        retiring.addWidget(QLabel("Control or clause it satisfies"), 0, 2)
        for row, figure in enumerate(RETIRABLE, start=1):
            check = QCheckBox(FIGURE_LABELS[figure])
            reason = QLineEdit(policy.retired_figures.get(figure, ""))
            reason.setPlaceholderText("Why it is retired (required)")
            reason.setAccessibleName(f"Why {FIGURE_LABELS[figure]} is retired")
            check.setChecked(figure in policy.retired_figures)
            reason.setEnabled(check.isChecked())
            check.toggled.connect(reason.setEnabled)
            control = QLineEdit(policy.controls.get(figure, ""))
            control.setPlaceholderText("e.g. SOC 2 CC7.4 (optional)")
            control.setMaxLength(CONTROL_LENGTH)
            control.setAccessibleName(f"The control or clause {FIGURE_LABELS[figure]} satisfies")
            retiring.addWidget(check, row, 0)
            retiring.addWidget(reason, row, 1)
            retiring.addWidget(control, row, 2)
            self.retire_checks[figure], self.retire_reasons[figure] = check, reason
            self.control_edits[figure] = control
        retire_box = QGroupBox(
            "Figures and targets: retired (hidden under this version; kept for earlier ones), "
            "and the controls they satisfy"
        )
        retire_box.setLayout(retiring)

        # The organisation's own taxonomy of contributing factors, versioned with the rest.
        self.factors_edit = QPlainTextEdit(taxonomy_text(policy.contributing_factors))
        self.factors_edit.setTabChangesFocus(True)
        self.factors_edit.setAccessibleName("Contributing factors")
        self.factors_edit.setAccessibleDescription(
            "One factor per line, then a colon and the words that suggest it"
        )
        lines = self.factors_edit.fontMetrics().lineSpacing()
        self.factors_edit.setFixedHeight(lines * 6 + 12)
        factors_label = QLabel(
            "&Factors and the words that suggest them, one per line (factor: word, word). "
            "A factor names a condition of the system, never a person's fault."
        )
        factors_label.setWordWrap(True)
        factors_label.setBuddy(self.factors_edit)
        factors_box = QGroupBox("Contributing factors (findings are tagged with these)")
        factors_layout = QVBoxLayout(factors_box)
        factors_layout.addWidget(factors_label)
        factors_layout.addWidget(self.factors_edit)

        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Why it changes (kept with the version)")
        self.error_label = QLabel()
        self.error_label.setStyleSheet(text_style("#B00020"))
        self.error_label.setWordWrap(True)
        note_row = QFormLayout()
        note_row.addRow("&Note", self.note_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        # The form scrolls on a short screen; the note, message and buttons stay in view.
        form = QWidget()
        form_layout = QVBoxLayout(form)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addLayout(choices)
        form_layout.addWidget(target_box)
        form_layout.addWidget(review_box)
        form_layout.addWidget(fatigue_box)
        form_layout.addWidget(surge_box)
        form_layout.addWidget(retire_box)
        form_layout.addWidget(factors_box)
        if policy.retired:
            retired = ", ".join(sorted(policy.retired))
            form_layout.addWidget(QLabel(f"Kept from an older irdesk, no longer used: {retired}"))
        form_layout.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(form), 1)
        layout.addLayout(note_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._show(policy)
        fit_to_screen(
            self, form.sizeHint().width() + 40, self.sizeHint().height() + form.sizeHint().height()
        )

    def _show(self, policy: Policy) -> None:
        self.kpi_combo.setCurrentIndex(self.kpi_combo.findData(policy.primary_kpi))
        self.weighting_combo.setCurrentIndex(self.weighting_combo.findData(policy.weighting))
        self.evaluation_combo.setCurrentIndex(self.evaluation_combo.findData(policy.evaluation))
        self.verification_check.setChecked(policy.verification_counts)
        self.external_check.setChecked(policy.exclude_external_cause)
        self.debt_check.setChecked(policy.exclude_approved_tech_debt)
        for severity, box in self.full_checks.items():
            box.setChecked(severity in policy.full_review_severities)
        for severity, box in self.customer_checks.items():
            box.setChecked(severity in policy.full_review_customer_severities)
        self.recurrence_check.setChecked(policy.full_review_on_recurrence)
        self.regulatory_check.setChecked(policy.full_review_regulatory)
        self.surge_combo.setCurrentIndex(self.surge_combo.findData(policy.surge_treatment))

    def chosen_policy(self) -> Policy:
        """The policy as edited; PolicyError names a value it refuses."""
        thresholds: dict[str, dict[str, float]] = {}
        for (kpi, severity), spin in self.threshold_spins.items():
            if spin.value() > 0:
                thresholds.setdefault(kpi, {})[severity] = spin.value()
        full = tuple(s for s, box in self.full_checks.items() if box.isChecked())
        before = self.record.policy
        return before.with_changes(
            primary_kpi=self.kpi_combo.currentData(),
            weighting=self.weighting_combo.currentData(),
            evaluation=self.evaluation_combo.currentData(),
            trend_window_days=self.trend_spin.value(),
            verification_counts=self.verification_check.isChecked(),
            exclude_external_cause=self.external_check.isChecked(),
            exclude_approved_tech_debt=self.debt_check.isChecked(),
            thresholds_minutes=thresholds,
            full_review_severities=full,
            lightweight_review_severities=tuple(
                s for s in before.lightweight_review_severities if s not in full
            ),
            full_review_customer_severities=tuple(
                s for s, box in self.customer_checks.items() if box.isChecked()
            ),
            full_review_users_affected=self.users_spin.value() or None,
            full_review_on_recurrence=self.recurrence_check.isChecked(),
            full_review_regulatory=self.regulatory_check.isChecked(),
            postmortem_deadline_days=self.deadline_spin.value(),
            lightweight_deadline_days=self.light_deadline_spin.value(),
            pages_per_shift=self.pages_spin.value(),
            shift_hours=self.shift_spin.value(),
            after_hours_pages_per_week=self.after_hours_spin.value(),
            surge_long_incident_hours=self.surge_hours_spin.value(),
            surge_consecutive_nights=self.surge_nights_spin.value(),
            surge_treatment=self.surge_combo.currentData(),
            retired_figures=self.chosen_retirements(),
            controls={
                figure: edit.text().strip()
                for figure, edit in self.control_edits.items()
                if edit.text().strip()
            },
            contributing_factors=self.chosen_factors(),
        )

    def chosen_factors(self) -> dict[str, list[str]]:
        try:
            return parse_taxonomy(self.factors_edit.toPlainText())
        except ValueError as exc:
            self.factors_edit.setFocus()
            raise PolicyError(str(exc)) from exc

    def chosen_retirements(self) -> dict[str, str]:
        """Figure → reason for each ticked figure; PolicyError names one ticked without a reason."""
        out = {}
        for figure, check in self.retire_checks.items():
            if not check.isChecked():
                continue
            reason = self.retire_reasons[figure].text().strip()
            if not reason:
                self.retire_reasons[figure].setFocus()
                raise PolicyError(
                    f"Retired figures: say why {FIGURE_LABELS[figure]} is retired; the reason "
                    "is kept with the version."
                )
            out[figure] = reason
        return out

    def save(self) -> None:
        try:
            policy = self.chosen_policy()
        except PolicyError as exc:
            self.error_label.setText(str(exc))
            return
        note = self.note_edit.text()
        if not note.strip():
            self.error_label.setText("Say why the policy changes: the note is kept with it.")
            self.note_edit.setFocus()
            return
        if policy == self.record.policy:
            self.error_label.setText("Nothing changed; no new version was saved.")
            return
        self.buttons.setEnabled(False)
        db, actor = self.db, self.actor

        def work(_report: Report) -> PolicyRecord:
            return save_policy(db, policy, note=note, author=actor)

        self.tasks.run(work, on_done=self._saved, on_expected_error=self._failed)

    def _saved(self, record: PolicyRecord) -> None:
        self.saved.emit(record)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.buttons.setEnabled(True)
        self.error_label.setText(str(exc))
