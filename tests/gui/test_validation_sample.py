"""Tools › Validation Sample… on incidents imported from
/work/shared/data/pagerduty_incidents_page.json, driven by keys as a reviewer would:
draw a seeded sample, Enter to confirm, type a corrected time then Enter, Page Up to go
back, Edit › Undo. The file holds the findings; the report shows them."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from testdata import SHARED_DATA
from window_driver import choose_from_menu, open_and_wait

from irdesk.domain.validation import draw
from irdesk.gui.main_window import MainWindow
from irdesk.gui.metrics.validation_dialog import ValidationDialog, time_text
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.records import validation_samples as vs

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
TIMEOUT_MS = 10_000
SEED = 20261207


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    path = tmp_path / "pagerduty.db"
    db = open_database(path)
    try:
        run_import(db, [PD_PAGE])
    finally:
        db.close()
    return path


def report(path: Path) -> vs.ValidationReport:
    db = open_database(path, create=False)
    try:
        return vs.validation_report(db)
    finally:
        db.close()


def overrides_of(path: Path, incident_id: int) -> dict[str, object]:
    from irdesk.storage.reads.queries import incident_detail

    db = open_database(path, create=False)
    try:
        with db.session() as session:
            detail = incident_detail(session, incident_id)
            assert detail is not None
            return {k: o.value for k, o in detail.overrides.items()}
    finally:
        db.close()


def open_dialog(qtbot: QtBot, window: MainWindow) -> ValidationDialog:
    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.validation.dialog is not None, timeout=TIMEOUT_MS)
    dialog = window.validation.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    return dialog


def press(qtbot: QtBot, dialog: ValidationDialog, key: Qt.Key) -> None:
    """A key where the reviewer's cursor is: in the field that has focus."""
    qtbot.keyClick(dialog.focusWidget() or dialog, key)


def test_a_reviewer_checks_a_seeded_sample_by_keys(
    qtbot: QtBot, window: MainWindow, imported: Path, tmp_path: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    dialog = open_dialog(qtbot, window)
    assert "No sample drawn yet" in dialog.sample_label.text()

    # Draw 4 per source with a chosen seed: Enter in the seed field draws.
    dialog.per_source_spin.setFocus()
    dialog.per_source_spin.selectAll()
    qtbot.keyClicks(dialog.per_source_spin, "4")
    dialog.seed_edit.setFocus()
    dialog.seed_edit.selectAll()
    qtbot.keyClicks(dialog.seed_edit, str(SEED))
    with qtbot.waitSignal(dialog.shown, timeout=TIMEOUT_MS):
        qtbot.keyClick(dialog.seed_edit, Qt.Key.Key_Return)
    assert dialog.sample is not None
    assert f"seed {SEED}, 4 per source" in dialog.sample_label.text()
    assert "0 of 4 incidents checked" in dialog.sample_label.text()
    # The same seed over the same incidents draws the same sample.
    db = open_database(imported, create=False)
    try:
        with db.session() as session:
            assert draw(vs.candidates(session), 4, SEED) == dialog.sample.incidents
    finally:
        db.close()

    # Edit › Undo takes the draw back; Redo draws the same incidents again.
    drawn = dialog.sample.incidents
    with qtbot.waitSignal(dialog.shown, timeout=TIMEOUT_MS):
        window.undo_action.trigger()
    assert dialog.sample is None and "No sample drawn yet" in dialog.sample_label.text()
    with qtbot.waitSignal(dialog.shown, timeout=TIMEOUT_MS):
        window.redo_action.trigger()
    assert dialog.sample is not None and dialog.sample.incidents == drawn

    # 1st: Enter confirms every field as shown.
    first = dialog.current()
    assert first is not None
    assert dialog.edits["started_at"].text() == time_text(first.recorded["started_at"])
    assert f"1 of 4 · {first.label}" in dialog.incident_label.text()
    with qtbot.waitSignal(dialog.shown, timeout=TIMEOUT_MS):
        press(qtbot, dialog, Qt.Key.Key_Return)
    assert "1 of 4 incidents checked" in dialog.sample_label.text()

    # 2nd: the detection was 7 minutes later than recorded; typed, applied, Enter.
    second = dialog.current()
    assert second is not None and second.id != first.id
    recorded = datetime.fromisoformat(str(second.recorded["detected_at"]))
    later = recorded + timedelta(minutes=7)
    detected = dialog.edits["detected_at"]
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is detected
    detected.selectAll()
    qtbot.keyClicks(detected, "not a time")
    press(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.error_label.text() == (
        "Detected: “not a time” is not a time like 2026-01-05 10:03:00 (UTC)."
    )
    detected.selectAll()
    qtbot.keyClicks(detected, later.strftime("%Y-%m-%d %H:%M:%S"))
    assert detected.styleSheet()  # marked as a correction
    for _ in range(5):  # Tab past acknowledged, mitigated, resolved and severity
        press(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.apply_check
    press(qtbot, dialog, Qt.Key.Key_Space)
    assert dialog.apply_check.isChecked()
    with qtbot.waitSignal(dialog.shown, timeout=TIMEOUT_MS):
        press(qtbot, dialog, Qt.Key.Key_Return)
    assert "2 of 4 incidents checked" in dialog.sample_label.text()

    found = report(imported)
    detected_row = next(f for f in found.figures if f.field == "detected_at")
    # 1 corrected of 2 checked, by +7 minutes.
    assert (detected_row.checked, detected_row.corrected) == (2, 1)
    assert detected_row.median_minutes == 7.0
    shown_rows = [
        [dialog.report_model.index(r, c).data() for c in range(2, 7)]
        for r in range(dialog.report_model.rowCount())
    ]
    assert ["2", "1", "50.0 %", "9.5 % … 90.5 %", "+7.0 min"] in shown_rows
    assert overrides_of(imported, second.incident_id) == {"detected_at": later}

    # Page Up goes back without checking; the second shows as checked and corrected.
    press(qtbot, dialog, Qt.Key.Key_PageUp)
    assert "corrected: Detected" in dialog.incident_label.text()

    # Edit › Undo takes the check and its lifecycle correction back.
    with qtbot.waitSignal(dialog.shown, timeout=TIMEOUT_MS):
        window.undo_action.trigger()
    assert "1 of 4 incidents checked" in dialog.sample_label.text()
    assert overrides_of(imported, second.incident_id) == {}
    with qtbot.waitSignal(dialog.shown, timeout=TIMEOUT_MS):
        window.redo_action.trigger()
    assert "2 of 4 incidents checked" in dialog.sample_label.text()
    assert overrides_of(imported, second.incident_id) == {"detected_at": later}
    # To look at when changing the dialog: under the test's own folder, as in parallel runs.
    dialog.grab().save(str(tmp_path / "validation-dialog.png"))
    dialog.close()
