"""The finding editor's "Where from" tag on the sample incidents of tests/gui/conftest.py:
chosen as a user would, stored beside the finding, audited, and undone with Ctrl+Z."""

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from review_driver import open_review, query, wait_settled

from irdesk.gui.main_window import MainWindow


def test_tagging_a_finding_is_stored_and_undone(
    qtbot: QtBot, opened: MainWindow, incident_file: object
) -> None:
    path: Path = incident_file.path  # type: ignore[attr-defined]
    tab = open_review(qtbot, opened, "INC-101")
    if tab.stack.currentIndex() == 1:
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
        wait_settled(qtbot, opened)
    panel = tab.findings
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, opened)
    qtbot.keyClicks(panel.editor, "The pager retried for twelve minutes before escalating.")
    wait_settled(qtbot, opened)
    assert panel.tag_combo.isEnabled() and panel.tag_combo.currentText() == "(not tagged)"

    panel.tag_combo.setFocus()
    with qtbot.waitSignal(panel.tags_shown, timeout=10_000):
        qtbot.keyClicks(panel.tag_combo, "Tooling")
    wait_settled(qtbot, opened)
    assert panel.tag_combo.currentText() == "Tooling"
    assert query(path, "SELECT tag, revision FROM finding_tag") == [("tooling", 1)]
    assert query(path, "SELECT action FROM audit_entry WHERE action = 'tag_finding'") == [
        ("tag_finding",)
    ]
    assert opened.undo_action.text() == "&Undo Tag finding"

    opened.undo_action.trigger()
    wait_settled(qtbot, opened)
    qtbot.waitUntil(lambda: panel.tag_combo.currentText() == "(not tagged)", timeout=10_000)
    assert query(path, "SELECT tag, revision FROM finding_tag") == [(None, 2)]
    opened.redo_action.trigger()
    wait_settled(qtbot, opened)
    qtbot.waitUntil(lambda: panel.tag_combo.currentText() == "Tooling", timeout=10_000)
    assert query(path, "SELECT tag, revision FROM finding_tag") == [("tooling", 3)]
