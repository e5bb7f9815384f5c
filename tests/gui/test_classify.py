"""Incident › Classify… on incidents imported from /work/shared/data/pagerduty_incidents_page.json
(PE8XPNI and PXQYZNB are P3 temperature warnings): the dialog, what the window shows,
what the file holds, and Edit › Undo. And File › Import's preview of
/work/shared/data/jira_search_with_changelog.json, where backlog stories are ticked as
no incidents before anything is written."""

from pathlib import Path

import pytest
from import_driver import choose_files, import_and_close, open_empty
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QStyle
from pytestqt.qtbot import QtBot
from testdata import SHARED_DATA
from window_driver import activate, click_row, open_and_wait, row_of, shown_column

from irdesk.domain.classification import Classification
from irdesk.domain.enums import Severity
from irdesk.gui.common.incident_table_model import COL_SEVERITY, COL_TITLE
from irdesk.gui.importing.not_incidents import TicketModel
from irdesk.gui.incidents.classify_dialog import DIFFERS, ClassifyDialog
from irdesk.gui.main_window import MainWindow
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import open_database
from irdesk.storage.reads.packet_data import find_incident
from irdesk.storage.records import classifications

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
EVIDENCE = "https://status.acme.example/incidents/42"
TIMEOUT_MS = 10_000
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    path = tmp_path / "pagerduty.db"
    db = open_database(path)
    try:
        run_import(db, [PD_PAGE])
    finally:
        db.close()
    return path


def stored(path: Path, name: str) -> Classification:
    db = open_database(path, create=False)
    try:
        with db.session() as session:
            return classifications.classification_of(session, find_incident(session, name))[0]
    finally:
        db.close()


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)


def open_dialog(qtbot: QtBot, window: MainWindow) -> ClassifyDialog:
    """Ctrl+Shift+C with the list focused, as a user would."""
    activate(qtbot, window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_C, CTRL_SHIFT)
    qtbot.waitUntil(
        lambda: window.classifying.dialog is not None and window.classifying.dialog.isVisible(),
        timeout=TIMEOUT_MS,
    )
    dialog = window.classifying.dialog
    assert dialog is not None
    return dialog


def press_ok(qtbot: QtBot, dialog: ClassifyDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def severity_shown(window: MainWindow, external_id: str) -> str:
    return str(shown_column(window, COL_SEVERITY)[row_of(window, external_id)])


def test_classifying_an_external_cause_shows_it_and_ctrl_z_takes_it_back(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    click_row(qtbot, window, row_of(window, "PE8XPNI"))
    assert window.classifying.classify_action.isEnabled()
    assert severity_shown(window, "PE8XPNI") == "SEV3"

    dialog = open_dialog(qtbot, window)
    assert dialog.windowTitle() == "Classify pagerduty:PE8XPNI"
    assert not dialog.vendor_edit.isEnabled()  # typed only beside a yes
    qtbot.mouseClick(
        dialog.external_check, Qt.MouseButton.LeftButton, pos=dialog.external_check.rect().center()
    )
    assert dialog.vendor_edit.isEnabled()
    qtbot.keyClicks(dialog.vendor_edit, "Acme Cooling")
    qtbot.keyClicks(dialog.evidence_edit, "status page")
    dialog.severity_combo.setFocus()
    qtbot.keyClicks(dialog.severity_combo, "SEV1")
    qtbot.keyClicks(dialog.users_edit, "12 hundred")

    # OK refuses, in the dialog, naming each field at fault in turn.
    press_ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert "Users affected: expected a whole number, not “12 hundred”." in dialog.error_label.text()
    dialog.users_edit.clear()
    qtbot.keyClicks(dialog.users_edit, "1200")
    press_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert "Evidence: expected a web address" in dialog.error_label.text()
    dialog.evidence_edit.clear()
    qtbot.keyClicks(dialog.evidence_edit, EVIDENCE)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: window.classifying.dialog is None, timeout=TIMEOUT_MS)
    wait_idle(qtbot, window)

    assert stored(imported, "PE8XPNI") == Classification(
        severity=Severity.SEV1,
        users_affected=1200,
        external_cause=True,
        external_vendor="Acme Cooling",
        external_evidence=EVIDENCE,
    )
    qtbot.waitUntil(lambda: severity_shown(window, "PE8XPNI") == "SEV1", timeout=TIMEOUT_MS)
    details = window.details
    qtbot.waitUntil(lambda: details.values["Classified"].isVisible(), timeout=TIMEOUT_MS)
    assert f"External cause: Acme Cooling ({EVIDENCE})" in details.values["Classified"].text()
    assert "External cause (third party)" in details.values["Notes"].text()
    assert "✎ (source: P3)" in details.values["Severity"].text()
    assert "1,200 users affected" in details.values["Impact"].text()
    assert window.undo_action.text() == "&Undo Classify pagerduty:PE8XPNI"

    window.undo_action.trigger()
    wait_idle(qtbot, window)
    assert stored(imported, "PE8XPNI") == Classification()
    qtbot.waitUntil(lambda: severity_shown(window, "PE8XPNI") == "SEV3", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not details.values["Classified"].isVisible(), timeout=TIMEOUT_MS)

    window.redo_action.trigger()
    wait_idle(qtbot, window)
    assert stored(imported, "PE8XPNI").external_vendor == "Acme Cooling"
    qtbot.waitUntil(lambda: severity_shown(window, "PE8XPNI") == "SEV1", timeout=TIMEOUT_MS)


def test_a_bulk_classification_keeps_what_differs_per_incident(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    # One of the two already has users affected; the other has none.
    click_row(qtbot, window, row_of(window, "PE8XPNI"))
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.users_edit, "300")
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: window.classifying.dialog is None, timeout=TIMEOUT_MS)
    wait_idle(qtbot, window)

    # Ctrl+click adds the second to the selection.
    other = window.incident_model.index(row_of(window, "PXQYZNB"), COL_TITLE)
    centre = window.table.visualRect(other).center()
    qtbot.mouseClick(
        window.table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        pos=centre,
    )
    wait_idle(qtbot, window)
    selected = window.table.selectionModel()
    assert selected.isRowSelected(other.row()) and len(selected.selectedRows()) == 2
    dialog = open_dialog(qtbot, window)
    assert dialog.windowTitle() == "Classify 2 incidents"
    assert dialog.users_edit.text() == "" and dialog.users_edit.placeholderText() == DIFFERS
    dialog.customer_combo.setFocus()
    qtbot.keyClicks(dialog.customer_combo, "SEV2")
    qtbot.mouseClick(
        dialog.not_incident_check,
        Qt.MouseButton.LeftButton,
        pos=dialog.not_incident_check.rect().center(),
    )
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: window.classifying.dialog is None, timeout=TIMEOUT_MS)
    wait_idle(qtbot, window)

    first, second = stored(imported, "PE8XPNI"), stored(imported, "PXQYZNB")
    assert (first.users_affected, second.users_affected) == (300, None)
    assert first.customer_severity == second.customer_severity == Severity.SEV2
    assert first.not_incident and second.not_incident
    assert window.undo_action.text() == "&Undo Classify 2 incidents"

    window.undo_action.trigger()
    wait_idle(qtbot, window)
    assert stored(imported, "PE8XPNI") == Classification(users_affected=300)
    assert stored(imported, "PXQYZNB") == Classification()


def test_cancel_writes_nothing(qtbot: QtBot, window: MainWindow, imported: Path) -> None:
    open_and_wait(qtbot, window, imported)
    click_row(qtbot, window, row_of(window, "PE8XPNI"))
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.users_edit, "300")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.classifying.dialog is None, timeout=TIMEOUT_MS)
    wait_idle(qtbot, window)
    assert stored(imported, "PE8XPNI") == Classification()
    assert window.undo_stack.count() == 0


def test_only_one_selection_model_row_is_shown_when_clicking(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    """A plain click after a multi-selection selects that one incident again."""
    open_and_wait(qtbot, window, imported)
    click_row(qtbot, window, row_of(window, "PE8XPNI"))
    index = window.incident_model.index(row_of(window, "PXQYZNB"), COL_TITLE)
    window.table.selectionModel().select(
        index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    )
    assert len(window.incident_list.selected_incident_ids()) == 2
    click_row(qtbot, window, row_of(window, "PXQYZNB"))
    assert len(window.incident_list.selected_incident_ids()) == 1


JIRA = SHARED_DATA / "jira_search_with_changelog.json"  # UT-26 … UT-50: stories and bugs


def test_jira_stories_ticked_in_the_preview_are_imported_as_no_incidents(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "jira.db"
    open_empty(qtbot, window, path)
    dialog = choose_files(qtbot, monkeypatch, window, JIRA)
    box = dialog.not_incidents_box
    assert box.isVisible()
    model = box.model
    tickets = [model.index(r, TicketModel.COL_TICKET).data() for r in range(model.rowCount())]
    assert len(tickets) == 25 and "UT-27" in tickets
    # Nothing is written by the preview.
    assert stored_count(path) == 0

    for ticket in ("UT-27", "UT-28"):
        index = model.index(tickets.index(ticket), TicketModel.COL_NOT_INCIDENT)
        box.table.scrollTo(index)
        rect = box.table.visualRect(index)
        # The check box sits at the left of its cell.
        spot = rect.topLeft() + QPoint(
            box.table.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) // 2 + 4,
            rect.height() // 2,
        )
        qtbot.mouseClick(box.table.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert dialog.options().not_incidents == {"jira:UT-27", "jira:UT-28"}
    import_and_close(qtbot, window, dialog)

    assert stored(path, "UT-27").not_incident and stored(path, "UT-28").not_incident
    assert not stored(path, "UT-26").not_incident
    db = open_database(path, create=False)
    try:
        assert len(load_metric_data(db).incidents) == 23
    finally:
        db.close()
    # The list still shows them; the Overview says what they are.
    click_row(qtbot, window, row_of(window, "UT-27"))
    details = window.details
    qtbot.waitUntil(lambda: details.values["Classified"].isVisible(), timeout=TIMEOUT_MS)
    assert "Not an incident" in details.values["Classified"].text()


def stored_count(path: Path) -> int:
    db = open_database(path, create=False)
    try:
        with db.session() as session:
            return len(classifications.classifications(session))
    finally:
        db.close()
