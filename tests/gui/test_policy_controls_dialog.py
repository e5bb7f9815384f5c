"""Tools › Policy…: the control or clause a target satisfies, typed beside it, is kept
with the new policy version; the file is the real PagerDuty page of the shared samples."""

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from testdata import SHARED_DATA
from window_driver import activate, choose_from_menu, open_and_wait

from irdesk.gui.main_window import MainWindow
from irdesk.gui.metrics.policy_dialog import PolicyDialog
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.records.policies import current_policy

TIMEOUT_MS = 10_000


def open_policy_dialog() -> PolicyDialog:
    """The Policy dialog on screen; a closed one may linger in the list, already deleted."""
    return next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, PolicyDialog) and shiboken6.isValid(w) and w.isVisible()
    )


CONTROL = "SOC 2 CC7.4"


@pytest.fixture
def imported_file(tmp_path: Path) -> Path:
    path = tmp_path / "pagerduty.db"
    db = open_database(path)
    try:
        run_import(db, [SHARED_DATA / "pagerduty_incidents_page.json"])
    finally:
        db.close()
    return path


def test_a_control_typed_beside_a_target_is_kept_with_the_new_version(
    qtbot: QtBot, window: MainWindow, imported_file: Path
) -> None:
    open_and_wait(qtbot, window, imported_file)
    activate(qtbot, window)
    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_P)
    dialog = open_policy_dialog()
    edit = dialog.control_edits["time_to_resolve_target"]
    assert edit.accessibleName().startswith("The control or clause")
    edit.setFocus()
    qtbot.keyClicks(edit, f"  {CONTROL} ")
    qtbot.keyClicks(dialog.note_edit, "controls for the audit")
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=TIMEOUT_MS
    )
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)

    db = open_database(imported_file, create=False)
    try:
        saved = current_policy(db)
    finally:
        db.close()
    assert saved.note == "controls for the audit"
    assert saved.policy.controls == {"time_to_resolve_target": CONTROL}

    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_P)
    again = open_policy_dialog()
    assert again.control_edits["time_to_resolve_target"].text() == CONTROL
    assert again.control_edits["slo"].text() == ""
    again.reject()
