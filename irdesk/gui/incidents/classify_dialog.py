"""Incident › Classify…: what the facilitator knows that the source did not say.

One dialog for one incident or many. With several, a value the incidents do not
share shows as "differs" and stays as each incident has it unless the user
changes it: only what was changed in the dialog is written, per attribute. OK
checks every incident's result against the domain's rules and says which incident
and why, in the dialog, without closing it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.classification import is_web_address
from irdesk.domain.enums import Severity
from irdesk.gui.common import formatting

if TYPE_CHECKING:
    from irdesk.storage.reads.incident_view import ClassificationTarget

DIFFERS = "(differs: left as each incident has it)"
FROM_SOURCE = "— (the source's)"
DEADLINE_HINT = "e.g. 2026-12-09T17:00+01:00 (your time zone if none)"


class _Differs:
    """A value the incidents do not share: left alone unless the user changes it."""

    def __repr__(self) -> str:
        return "differs"


MIXED = _Differs()


def _shared(targets: Sequence[ClassificationTarget], attribute: str) -> Any:
    values = {getattr(t.classification, attribute) for t in targets}
    return values.pop() if len(values) == 1 else MIXED


class Invalid(ValueError):
    """A value typed into the dialog that is no value of its kind; the message says which."""


class ClassifyDialog(QDialog):
    """Ask for a classification of `targets`; `changes()` is what to write once accepted."""

    def __init__(self, targets: Sequence[ClassificationTarget], parent: QWidget | None = None):
        super().__init__(parent)
        self.targets = list(targets)
        many = len(self.targets) > 1
        self.setWindowTitle(
            f"Classify {len(self.targets)} incidents" if many else f"Classify {targets[0].label}"
        )
        self._readers: dict[str, Callable[[], Any]] = {}
        self._initial: dict[str, Any] = {}

        heading = QLabel(
            "\n".join(f"{t.label}: {t.title}" for t in self.targets[:5])
            + (f"\n… and {len(self.targets) - 5} more" if len(self.targets) > 5 else "")
        )
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        note = QLabel(
            "Kept beside the source's values; a re-import leaves it as it is. Empty: the "
            "source's value counts."
            + (
                " Only what you change here is written; the rest stays per incident."
                if many
                else ""
            )
        )
        note.setWordWrap(True)

        impact = QGroupBox("Severity and impact")
        impact_form = QFormLayout(impact)
        self.severity_combo = self._severity_combo("severity")
        source_severities = sorted({formatting.severity_text(t.source.severity) for t in targets})
        self.severity_combo.setToolTip(f"The source says {', '.join(source_severities)}")
        impact_form.addRow("Corrected &severity:", self.severity_combo)
        self.customer_combo = self._severity_combo("customer_severity")
        impact_form.addRow("C&ustomer-reported severity:", self.customer_combo)
        self.users_edit = self._line("users_affected", "Users affected", self._whole)
        impact_form.addRow("Users &affected:", self.users_edit)
        self.cost_edit = self._line("downtime_cost", "Downtime cost", self._amount)
        impact_form.addRow("&Downtime cost:", self.cost_edit)

        cause = QGroupBox("Accountability")
        cause_form = QFormLayout(cause)
        self.external_check = self._check("external_cause", "&External cause (a third party)")
        cause_form.addRow(self.external_check)
        self.vendor_edit = self._line("external_vendor", "Vendor", self._text)
        cause_form.addRow("&Vendor:", self.vendor_edit)
        self.evidence_edit = self._line("external_evidence", "Evidence", self._url)
        self.evidence_edit.setPlaceholderText(
            self.evidence_edit.placeholderText() or "https://status.vendor.example/…"
        )
        cause_form.addRow("Ev&idence URL:", self.evidence_edit)
        self.debt_check = self._check("approved_tech_debt", "Approved &technical debt")
        cause_form.addRow(self.debt_check)
        self.approver_edit = self._line("debt_approver", "Approved by", self._text)
        cause_form.addRow("Approved &by:", self.approver_edit)
        self.decision_edit = self._line("debt_decision", "Decision", self._text)
        cause_form.addRow("Decisio&n:", self.decision_edit)

        regulatory = QGroupBox("Regulation")
        regulatory_form = QFormLayout(regulatory)
        self.regulatory_check = self._check("regulatory_exposure", "&Regulatory exposure")
        regulatory_form.addRow(self.regulatory_check)
        self.regulation_edit = self._line("regulation", "Regulation", self._text)
        regulatory_form.addRow("Re&gulation:", self.regulation_edit)
        self.deadline_edit = self._line("notification_deadline", "Deadline", self._deadline)
        if not self.deadline_edit.placeholderText():
            self.deadline_edit.setPlaceholderText(DEADLINE_HINT)
        regulatory_form.addRow("Notification dead&line:", self.deadline_edit)

        self.not_incident_check = self._check(
            "not_incident", "N&ot an incident (e.g. a backlog ticket): leave the incident figures"
        )

        self.error_label = QLabel()
        self.error_label.setStyleSheet(formatting.WARNING_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(note)
        layout.addWidget(impact)
        layout.addWidget(cause)
        layout.addWidget(regulatory)
        layout.addWidget(self.not_incident_check)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        # What backs a yes is typed only beside a yes.
        for check, edits in (
            (self.external_check, (self.vendor_edit, self.evidence_edit)),
            (self.debt_check, (self.approver_edit, self.decision_edit)),
            (self.regulatory_check, (self.regulation_edit, self.deadline_edit)),
        ):
            check.stateChanged.connect(lambda _state, c=check, e=edits: self._follow(c, e))
            self._follow(check, edits, initial=True)
        self._initial = {name: self._state(name) for name in self._readers}

    # ------------------------------------------------------------- the fields

    def _severity_combo(self, attribute: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(FROM_SOURCE, None)
        for severity in Severity:
            combo.addItem(formatting.severity_text(severity), severity)
        shared = _shared(self.targets, attribute)
        if shared is MIXED:
            combo.insertItem(0, DIFFERS, MIXED)
            combo.setCurrentIndex(0)
        else:
            combo.setCurrentIndex(combo.findData(shared))
        self._readers[attribute] = lambda: combo.currentData()
        return combo

    def _line(self, attribute: str, name: str, parse: Callable[[str, str], Any]) -> QLineEdit:
        edit = QLineEdit()
        shared = _shared(self.targets, attribute)
        if shared is MIXED:
            edit.setPlaceholderText(DIFFERS)
        elif shared is not None:
            edit.setText(_as_text(shared))

        def read() -> Any:
            text = edit.text().strip()
            if not text:
                return MIXED if shared is MIXED else None
            return parse(name, text)

        self._readers[attribute] = read
        return edit

    def _check(self, attribute: str, text: str) -> QCheckBox:
        check = QCheckBox(text)
        shared = _shared(self.targets, attribute)
        if shared is MIXED:
            check.setTristate(True)
            check.setCheckState(Qt.CheckState.PartiallyChecked)
        else:
            check.setChecked(bool(shared))

        def read() -> Any:
            state = check.checkState()
            if state == Qt.CheckState.PartiallyChecked:
                return MIXED
            if attribute == "not_incident":
                return state == Qt.CheckState.Checked
            # Unticked: the source's value counts again.
            return True if state == Qt.CheckState.Checked else None

        self._readers[attribute] = read
        return check

    def _follow(self, check: QCheckBox, edits: Sequence[QLineEdit], initial: bool = False) -> None:
        ticked = check.checkState() != Qt.CheckState.Unchecked
        for edit in edits:
            edit.setEnabled(ticked)
            if not ticked and not initial:
                edit.clear()

    def _state(self, attribute: str) -> Any:
        """The field as first shown, to tell later whether the user changed it."""
        try:
            return self._readers[attribute]()
        except Invalid:
            return Invalid

    # ----------------------------------------------------------------- parsing

    @staticmethod
    def _text(_name: str, text: str) -> str:
        return text

    @staticmethod
    def _whole(name: str, text: str) -> int:
        try:
            value = int(text.replace(",", "").replace(" ", ""))
        except ValueError:
            raise Invalid(f"{name}: expected a whole number, not “{text}”.") from None
        if value < 0:
            raise Invalid(f"{name}: expected 0 or more, not {value}.")
        return value

    @staticmethod
    def _amount(name: str, text: str) -> float:
        try:
            value = float(text.replace(",", "").replace(" ", ""))
        except ValueError:
            raise Invalid(f"{name}: expected an amount such as 12500.50, not “{text}”.") from None
        if not math.isfinite(value) or value < 0:
            raise Invalid(f"{name}: expected an amount of 0 or more, not “{text}”.")
        return value

    @staticmethod
    def _url(name: str, text: str) -> str:
        if not is_web_address(text):
            raise Invalid(f"{name}: expected a web address (https://…), not “{text}”.")
        return text

    @staticmethod
    def _deadline(name: str, text: str) -> datetime:
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise Invalid(f"{name}: expected a date and time such as {DEADLINE_HINT}.") from None
        # A time typed without a zone is the user's own.
        return value if value.tzinfo is not None else value.astimezone()

    # ------------------------------------------------------------------ result

    def changes(self) -> dict[str, Any]:
        """attribute → value for what the user changed; Invalid for a value of no kind."""
        changes = {}
        for attribute, reader in self._readers.items():
            value = reader()
            if value is MIXED or value == self._initial[attribute]:
                continue
            changes[attribute] = value
        return changes

    def problems(self) -> list[str]:
        """What stops OK: a value of no kind, or a result the rules refuse, per incident."""
        try:
            changes = self.changes()
        except Invalid as exc:
            return [str(exc)]
        found = []
        for target in self.targets:
            for problem in target.classification.changed(changes).problems():
                found.append(f"{target.label}: {problem[0].upper()}{problem[1:]}.")
        return found

    def accept(self) -> None:
        problems = self.problems()
        if problems:
            self.error_label.setText("\n".join(problems))
            self.error_label.show()
            return
        super().accept()


def _as_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else f"{value:.2f}"
    return str(value)
