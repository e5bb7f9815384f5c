"""Timeline › Runbook Step… (Ctrl+R) on imported data: tag the selected event with the step
it carried out, mark a step skipped and justified, undo, and see it counted.

Samples: /work/shared/data/pagerduty_incidents_page.json with the hand-written log
entries of PGW5XNE (tests/fixtures/pagerduty: Giran Moodley acknowledges at 13:50:07)
and the runbooks of tests/fixtures/runbooks ("ID: Production", four steps).
"""

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from testdata import FIXTURES, SHARED_DATA
from timeline_driver import open_timeline, press, shown
from window_driver import activate, open_and_wait

from irdesk.domain.enums import RunbookOutcome
from irdesk.domain.runbooks import adherence
from irdesk.gui.main_window import MainWindow
from irdesk.gui.timeline.runbook_dialog import RunbookStepDialog
from irdesk.importers import runbooks as reading
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.reads.packet_data import find_incident
from irdesk.storage.records import database_edits

CTRL = Qt.KeyboardModifier.ControlModifier


def imported(path: Path) -> None:
    db = open_database(path, create=True)
    try:
        run_import(
            db,
            [
                SHARED_DATA / "pagerduty_incidents_page.json",
                FIXTURES / "pagerduty" / "log_entries_PGW5XNE.json",
            ],
        )
        drafts = [
            (d.service, d.title, d.steps, d.source)
            for d in reading.read_folder(FIXTURES / "runbooks").runbooks
        ]
        database_edits.save_runbooks(db, drafts, actor="test")
    finally:
        db.close()


def steps_in(path: Path) -> list[tuple[RunbookOutcome | None, str | None, bool, str | None]]:
    db = open_database(path)
    try:
        with db.session() as session:
            incident = find_incident(session, "PGW5XNE")
        _, steps = database_edits.read_incident_steps(db, incident)
        return [(s.outcome, s.person, s.justified, s.reason) for s in steps]
    finally:
        db.close()


def open_dialog(qtbot: QtBot, window: MainWindow) -> RunbookStepDialog:
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: isinstance(window.timeline.dialog, RunbookStepDialog), timeout=5000)
    dialog = window.timeline.dialog
    assert isinstance(dialog, RunbookStepDialog) and dialog.isVisible()
    return dialog


def test_tag_an_event_with_its_step_then_a_justified_skip_and_undo(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "imported.db"
    imported(path)
    open_and_wait(qtbot, window, path)
    tab = open_timeline(qtbot, window, "PGW5XNE")
    activate(qtbot, window)
    tab.table.setFocus()
    tab.move_to(shown(tab).index("Acknowledged by Giran Moodley"))

    dialog = open_dialog(qtbot, window)
    assert dialog.windowTitle() == "Runbook Step: Office 365 outage"
    assert [dialog.model.index(r, 1).data() for r in range(dialog.model.rowCount())] == [
        "Acknowledge the page",
        "Check the Office 365 health dashboard for known issues",
        "Escalate to the secondary if nobody acknowledged within 5 minutes",
        "Post a status update to the #incidents channel",
    ]
    assert dialog.event_label.text() == "Acknowledged by Giran Moodley"
    # The first step nobody recorded is chosen, "followed" proposed: Record records it.
    assert dialog.chosen_step().position == 1
    with qtbot.waitSignal(window.tasks.idle, timeout=5000):
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    assert steps_in(path)[0] == (RunbookOutcome.FOLLOWED, "Giran Moodley", False, None)

    dialog = open_dialog(qtbot, window)
    assert dialog.model.index(0, 2).data() == "followed"
    assert dialog.chosen_step().position == 2
    dialog.outcome_combo.setFocus()
    qtbot.keyClicks(dialog.outcome_combo, "Skipped")
    assert dialog.outcome_combo.currentText() == "Skipped"
    assert not dialog.reason_edit.isEnabled()
    dialog.justified_check.setFocus()
    qtbot.keyClick(dialog.justified_check, Qt.Key.Key_Space)
    assert dialog.justified_check.isChecked()
    # Justified needs a reason before it can be recorded.
    assert not dialog.record_button.isEnabled()
    qtbot.keyClicks(dialog.reason_edit, "the status page itself was down")
    assert dialog.record_button.isEnabled()
    with qtbot.waitSignal(window.tasks.idle, timeout=5000):
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    assert steps_in(path)[1] == (
        RunbookOutcome.SKIPPED,
        None,
        True,
        "the status page itself was down",
    )

    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: steps_in(path)[1] == (None, None, False, None), timeout=5000)
    assert steps_in(path)[0][0] == RunbookOutcome.FOLLOWED

    db = open_database(path)
    try:
        facts = database_edits.read_step_facts(
            db, datetime(2021, 5, 1, tzinfo=UTC), datetime(2021, 6, 1, tzinfo=UTC)
        )
    finally:
        db.close()
    rows = {(r.kind, r.name): r for r in adherence(facts)}
    assert rows[("person", "Giran Moodley")].followed == 1
    assert rows[("incident", "pagerduty:PGW5XNE")].not_recorded == 3


def test_an_incident_without_a_runbook_says_so(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "imported.db"
    imported(path)
    open_and_wait(qtbot, window, path)
    open_timeline(qtbot, window, "PH4UE4E")  # service "BD: Analytics": no runbook
    activate(qtbot, window)
    window.timeline.tab.table.setFocus()
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.timeline.dialog is None
    assert "No runbook for this incident's service" in window.statusBar().currentMessage()
