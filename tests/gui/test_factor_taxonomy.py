"""Tools › Policy…: the organisation edits its taxonomy of contributing factors, saved
as a new policy version; a factor naming a person's fault is refused and nothing is
saved. On incidents imported from /work/shared/data/pagerduty_incidents_page.json."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from testdata import SHARED_DATA
from window_driver import activate, choose_from_menu, open_and_wait

from irdesk.gui.main_window import MainWindow
from irdesk.gui.metrics.policy_dialog import PolicyDialog
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.records.policies import policy_versions

TIMEOUT_MS = 10_000


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    path = tmp_path / "pagerduty.db"
    db = open_database(path)
    try:
        run_import(db, [SHARED_DATA / "pagerduty_incidents_page.json"])
    finally:
        db.close()
    return path


def versions(path: Path) -> list[dict[str, list[str]]]:
    db = open_database(path, create=False)
    try:
        return [r.policy.contributing_factors for r in policy_versions(db)]
    finally:
        db.close()


def type_line(qtbot: QtBot, dialog: PolicyDialog, text: str) -> None:
    edit = dialog.factors_edit
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, text)


def test_editing_the_taxonomy_saves_a_version_and_refuses_human_error(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    activate(qtbot, window)
    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_P)
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, PolicyDialog) and w.isVisible()
    )
    # The starting set, alphabetically, each with the words that suggest it.
    lines = dialog.factors_edit.toPlainText().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "capacity",
        "change",
        "communication",
        "coordination",
        "dependency",
        "detection",
        "knowledge",
        "tooling",
    ]
    assert lines[1] == "change: deploy, release, rollout, rollback, config, migration"

    type_line(qtbot, dialog, "Human Error: mistake, forgot")
    qtbot.keyClicks(dialog.note_edit, "Security joins the taxonomy")
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert "'human error' names a person's fault" in dialog.error_label.text()
    assert versions(imported) == []

    edit = dialog.factors_edit
    edit.setFocus()
    cursor = edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.select(QTextCursor.SelectionType.LineUnderCursor)
    edit.setTextCursor(cursor)
    qtbot.keyClicks(edit, "Security: certificate, CVE")
    with qtbot.waitSignal(dialog.saved, timeout=TIMEOUT_MS):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    (saved,) = versions(imported)
    assert sorted(saved) == sorted([*(line.split(":")[0] for line in lines), "security"])
    assert saved["security"] == ["certificate", "cve"]
