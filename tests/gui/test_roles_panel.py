"""The Overview's Roles section on incidents imported from
/work/shared/data/pagerduty_incidents_page.json with the hand-written log entries of
PGW5XNE (tests/fixtures/pagerduty): what it shows, typing a role, Ctrl+Z, and a typed
role kept through a re-import."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from testdata import FIXTURES, SHARED_DATA
from window_driver import activate, click_row, open_and_wait, row_of

from irdesk.gui.incidents.roles_panel import COL_FROM, COL_PERSON, COL_ROLE
from irdesk.gui.main_window import MainWindow
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.records import database_edits

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
PD_LOG = FIXTURES / "pagerduty" / "log_entries_PGW5XNE.json"
TIMEOUT_MS = 10_000


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    path = tmp_path / "pagerduty.db"
    db = open_database(path)
    try:
        run_import(db, [PD_PAGE, PD_LOG])
    finally:
        db.close()
    return path


def shown(window: MainWindow) -> list[tuple[str, str, str]]:
    model = window.roles_panel.model
    return [
        tuple(model.index(row, col).data() for col in (COL_PERSON, COL_ROLE, COL_FROM))
        for row in range(model.rowCount())
    ]


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)


def test_typing_a_role_shows_it_and_ctrl_z_takes_it_back(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    click_row(qtbot, window, row_of(window, "PGW5XNE"))
    wait_idle(qtbot, window)
    assert shown(window) == [
        ("Giran Moodley", "Responder", "import: acknowledged 13:50"),
        ("Giran Moodley", "On-call primary", "import: paged 13:48"),
        ("Bryce Blake", "On-call secondary", "import: paged after escalation 13:52"),
    ]
    panel = window.roles_panel
    assert panel.set_button.isEnabled()

    # Click Bryce's row to pick him, choose the role by typing, press Set Role.
    bryce = panel.table.visualRect(panel.model.index(2, COL_PERSON)).center()
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=bryce)
    assert panel.person_combo.currentText() == "Bryce Blake"
    panel.role_combo.setFocus()
    qtbot.keyClicks(panel.role_combo, "Incident")
    assert panel.role_combo.currentText() == "Incident commander"
    with qtbot.waitSignal(panel.roles_shown, timeout=TIMEOUT_MS):
        qtbot.mouseClick(panel.set_button, Qt.MouseButton.LeftButton)
    actor = window.actor
    assert shown(window)[0] == ("Bryce Blake", "Incident commander", f"typed by {actor}")
    assert shown(window)[-1] == (
        "Bryce Blake",
        "On-call secondary",
        "import: paged after escalation 13:52 (the typed role takes precedence)",
    )
    assert window.undo_action.text() == "&Undo Set Bryce Blake's role"

    activate(qtbot, window)
    with qtbot.waitSignal(panel.roles_shown, timeout=TIMEOUT_MS):
        window.undo_action.trigger()
    assert [r[1] for r in shown(window)] == ["Responder", "On-call primary", "On-call secondary"]
    with qtbot.waitSignal(panel.roles_shown, timeout=TIMEOUT_MS):
        window.redo_action.trigger()
    assert shown(window)[0][:2] == ("Bryce Blake", "Incident commander")

    # A re-import (here from a script beside the window) keeps the typed role.
    db = open_database(imported, create=False)
    try:
        run_import(db, [PD_PAGE, PD_LOG])
        _, rows = database_edits.read_roles_named(db, "PGW5XNE")
    finally:
        db.close()
    assert (rows[0].person, rows[0].role.value, rows[0].source) == (
        "Bryce Blake",
        "commander",
        "typed",
    )
