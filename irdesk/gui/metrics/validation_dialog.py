"""Tools › Validation Sample…: check sampled incidents against their sources, one at a time.

Keyboard-driven, because a reviewer reads the source in another window and types
here: the five lifecycle times and the severity show what irdesk holds; Enter
confirms the incident as shown, and any field changed before it is recorded as a
correction (the sample's finding; with "apply", also the incident's lifecycle
correction). Page Down and Page Up move without checking. Each check is one undoable
edit (`ValidationActions` pushes it); the report under the form is recomputed after
every check.
"""

import secrets
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.validation import CHECKED_TIMES, FIELD_LABELS, MAX_PER_SOURCE, FieldFigures
from irdesk.gui.common.background import BackgroundTasks, Report
from irdesk.gui.common.colours import text_style
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.row_table_model import RowTableModel
from irdesk.storage.database import Database
from irdesk.storage.records.validation_samples import (
    SampleInfo,
    SampleItem,
    ValidationReport,
    Value,
    sample_info,
    sample_items,
    validation_report,
)

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5")
NO_SEVERITY = "(none)"
TIME_FORM = "%Y-%m-%d %H:%M:%S"
CORRECTED_STYLE = "background: #FFF3C4;"


class BadValue(ValueError):
    """A field the reviewer typed that is not a time; the message names the field."""


def time_text(iso: str | None) -> str:
    """A stored time as the dialog shows and reads it: UTC, to the second; "" for none."""
    return "" if iso is None else datetime.fromisoformat(iso).astimezone(UTC).strftime(TIME_FORM)


def parse_time(field: str, text: str) -> datetime | None:
    """What the reviewer typed: a UTC time, or empty for "it never happened"."""
    text = text.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace(" UTC", ""))
    except ValueError:
        raise BadValue(
            f"{FIELD_LABELS[field]}: “{text}” is not a time like 2026-01-05 10:03:00 (UTC)."
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _share(value: float) -> str:
    return f"{value * 100:.1f} %"


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f} min"


class ReportModel(RowTableModel[FieldFigures]):
    headers = (
        "Source",
        "Field",
        "Checked",
        "Corrected",
        "Rate",
        "Rate 95 % CI",
        "Median",
        "95 % CI",
    )

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        row = self._row_for(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        median_ci = (
            "—"
            if row.median_low is None
            else f"{_minutes(row.median_low)} … {_minutes(row.median_high)}"
        )
        return (
            row.source,
            FIELD_LABELS[row.field],
            str(row.checked),
            str(row.corrected),
            _share(row.rate),
            f"{_share(row.rate_low)} … {_share(row.rate_high)}",
            _minutes(row.median_minutes),
            median_ci,
        )[index.column()]


class ValidationDialog(QDialog):
    """One sample's incidents, one at a time. `check_requested(item, corrections, apply)` asks
    the owner to record a check; `draw_requested(per_source, seed)` to draw a new sample."""

    check_requested = Signal(object, object, bool)  # SampleItem, {field: Value}, apply
    draw_requested = Signal(int, int)
    shown = Signal()  # after a sample's incidents and report are shown anew

    def __init__(self, db: Database, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.tasks = db, tasks
        self.setWindowTitle("Validation Sample — irdesk")
        self.sample: SampleInfo | None = None
        self.items: list[SampleItem] = []
        self.position = 0

        self.per_source_spin = QSpinBox()
        self.per_source_spin.setRange(1, MAX_PER_SOURCE)
        self.per_source_spin.setValue(10)
        self.per_source_spin.setSuffix(" per source")
        self.per_source_spin.setAccessibleName("Incidents per source")
        self.seed_edit = QLineEdit(str(secrets.randbelow(2**31)))
        self.seed_edit.setAccessibleName("Seed")
        self.draw_button = QPushButton("&Draw New Sample")
        self.draw_button.setAutoDefault(False)
        self.draw_button.clicked.connect(self._draw)
        draw_row = QHBoxLayout()
        draw_row.addWidget(self.per_source_spin)
        seed_label = QLabel("S&eed")
        seed_label.setBuddy(self.seed_edit)
        draw_row.addWidget(seed_label)
        draw_row.addWidget(self.seed_edit)
        draw_row.addWidget(self.draw_button)
        self.sample_label = QLabel("No sample drawn yet.")
        self.sample_label.setWordWrap(True)

        self.incident_label = QLabel()
        self.incident_label.setWordWrap(True)
        self.incident_label.setTextFormat(Qt.TextFormat.PlainText)
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name in CHECKED_TIMES:
            edit = QLineEdit()
            edit.setPlaceholderText("none (type a time, or leave empty: it never happened)")
            edit.textEdited.connect(self._mark_corrections)
            self.edits[name] = edit
            form.addRow(f"{FIELD_LABELS[name]} (UTC)", edit)
        self.severity_combo = QComboBox()
        self.severity_combo.addItems([NO_SEVERITY, *SEVERITIES])
        self.severity_combo.activated.connect(self._mark_corrections)
        form.addRow("Severity", self.severity_combo)
        self.apply_check = QCheckBox(
            "&Apply corrected times as the incidents' lifecycle corrections"
        )
        self.hint_label = QLabel(
            "Enter confirms the incident as shown (changed fields are corrections); "
            "Page Down / Page Up move without checking."
        )
        self.hint_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(text_style("#B00020"))
        self.error_label.setWordWrap(True)

        self.report_model = ReportModel(self)
        self.report_view = QTableView()
        self.report_view.setModel(self.report_model)
        # Reached by Tab to read it, never by a click that would take Enter from the dialog.
        self.report_view.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.report_view.verticalHeader().hide()  # rows are named by source and field
        self.report_view.setAccessibleName("Validation report")
        self.report_view.setAccessibleDescription(
            "One row per source and field: checked, corrected, the discrepancy rate and the "
            "median correction, each with its 95 % interval"
        )
        self.report_label = QLabel(
            "Rates: Wilson score interval. Medians: corrected minus recorded, order-statistic "
            "interval (exact for small samples; none below 6 corrections)."
        )
        self.report_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(draw_row)
        layout.addWidget(self.sample_label)
        layout.addWidget(self.incident_label)
        layout.addLayout(form)
        layout.addWidget(self.apply_check)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(self.report_label)
        self._enable_form(False)
        fit_to_screen(self, 820, 720)

    # ----------------------------------------------------------------- loading

    def reload(self, sample_id: int | None = None, *, keep_position: bool = False) -> None:
        """Read the sample (default: the newest), its incidents and report, then show them."""
        db = self.db
        position = self.position if keep_position else None

        def work(_report: Report) -> tuple[SampleInfo, list[SampleItem], ValidationReport] | None:
            try:
                info = sample_info(db, sample_id)
            except LookupError:
                return None
            return info, sample_items(db, info.id), validation_report(db, info.id)

        self.tasks.run(
            work,
            on_done=lambda loaded: self._loaded(loaded, position),
            description="Reading the validation sample…",
        )

    def _loaded(
        self,
        loaded: tuple[SampleInfo, list[SampleItem], ValidationReport] | None,
        position: int | None,
    ) -> None:
        if loaded is None:
            self.sample, self.items = None, []
            self.report_model.set_rows([])
            self._enable_form(False)
            self.incident_label.clear()
            self.sample_label.setText(
                "No sample drawn yet: choose how many incidents per source and a seed, then Draw."
            )
            self.shown.emit()
            return
        self.sample, self.items, report = loaded
        s = self.sample
        self.sample_label.setText(
            f"Sample {s.id}: seed {s.seed}, {s.per_source} per source, drawn "
            f"{s.drawn_at:%Y-%m-%d %H:%M} UTC by {s.drawn_by}; {report.checked} of "
            f"{report.incidents} incidents checked."
        )
        self.report_model.set_rows(report.figures)
        self.report_view.resizeColumnsToContents()
        if position is None:
            position = next((n for n, i in enumerate(self.items) if not i.checked), 0)
        self._show(min(position, max(len(self.items) - 1, 0)))
        self.shown.emit()

    # ----------------------------------------------------------------- showing

    def _enable_form(self, on: bool) -> None:
        for edit in self.edits.values():
            edit.setEnabled(on)
        self.severity_combo.setEnabled(on)

    def current(self) -> SampleItem | None:
        return self.items[self.position] if 0 <= self.position < len(self.items) else None

    def _show(self, position: int) -> None:
        self.position = position
        item = self.current()
        self.error_label.clear()
        self._enable_form(item is not None)
        if item is None:
            self.incident_label.setText("This sample holds no incidents.")
            return
        corrected = {f.field: f.value for f in item.state.findings if f.corrected}
        state = (
            f"checked by {item.state.checked_by}"
            + (
                f", corrected: {', '.join(FIELD_LABELS[f] for f in corrected)}"
                if corrected
                else ", all confirmed"
            )
            if item.checked
            else "not checked yet"
        )
        self.incident_label.setText(
            f"{position + 1} of {len(self.items)} · {item.label} — {item.title} ({state})"
        )
        for name, edit in self.edits.items():
            edit.setText(time_text(item.recorded[name]))
        severity = item.recorded["severity"]
        self.severity_combo.setCurrentText(severity or NO_SEVERITY)
        self._mark_corrections()
        first = self.edits[CHECKED_TIMES[0]]
        first.setFocus()
        first.selectAll()

    def corrections(self) -> dict[str, Value]:
        """The fields changed from what irdesk holds; BadValue names one that is not a time."""
        item = self.current()
        assert item is not None
        out: dict[str, Value] = {}
        for name, edit in self.edits.items():
            if edit.text().strip() != time_text(item.recorded[name]):
                out[name] = parse_time(name, edit.text())
        severity = self.severity_combo.currentText()
        if severity != (item.recorded["severity"] or NO_SEVERITY) and severity != NO_SEVERITY:
            out["severity"] = severity
        return out

    def _mark_corrections(self, *_args: object) -> None:
        item = self.current()
        if item is None:
            return
        for name, edit in self.edits.items():
            changed = edit.text().strip() != time_text(item.recorded[name])
            edit.setStyleSheet(CORRECTED_STYLE if changed else "")
        changed = self.severity_combo.currentText() != (item.recorded["severity"] or NO_SEVERITY)
        self.severity_combo.setStyleSheet(CORRECTED_STYLE if changed else "")

    # ----------------------------------------------------------------- acting

    def confirm(self) -> None:
        """Enter: record the incident as shown, then move to the next one."""
        item = self.current()
        if item is None:
            return
        try:
            corrections = self.corrections()
        except BadValue as exc:
            self.error_label.setText(str(exc))
            return
        self.error_label.clear()
        self.check_requested.emit(item, corrections, self.apply_check.isChecked())

    def checked(self) -> None:
        """The owner recorded the check: read again and go on to the next incident."""
        self.position = min(self.position + 1, max(len(self.items) - 1, 0))
        self.reload(self.sample.id if self.sample else None, keep_position=True)

    def refused(self, message: str) -> None:
        self.error_label.setText(message)

    def _draw(self) -> None:
        try:
            seed = int(self.seed_edit.text().strip())
        except ValueError:
            self.error_label.setText(
                f"Seed: “{self.seed_edit.text()}” is not a whole number; the sample is drawn by it."
            )
            return
        self.draw_requested.emit(self.per_source_spin.value(), seed)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        in_draw_row = self.seed_edit.hasFocus() or self.per_source_spin.hasFocus()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not in_draw_row:
            self.confirm()
        elif key == Qt.Key.Key_PageDown and self.items:
            self._show(min(self.position + 1, len(self.items) - 1))
        elif key == Qt.Key.Key_PageUp and self.items:
            self._show(max(self.position - 1, 0))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._draw()
        else:
            super().keyPressEvent(event)
