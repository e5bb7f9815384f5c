"""Status-bar messages say what is true now: one that a state change ends goes with it."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from review_driver import open_review, wait_settled
from timeline_driver import open_timeline

from irdesk.gui.main_window import MainWindow


def test_presenting_is_said_while_it_lasts_and_no_longer(qtbot: QtBot, opened: MainWindow) -> None:
    open_timeline(qtbot, opened, "INC-101")
    bar = opened.statusBar()
    presenter = opened.timeline.present()
    assert presenter is not None
    qtbot.waitExposed(presenter)
    assert bar.currentMessage().startswith("Presenting: Esc")
    qtbot.keyClick(presenter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not presenter.isVisible(), timeout=2000)
    assert bar.currentMessage() == ""


def test_not_approved_goes_from_the_status_bar_once_the_review_is_approved(
    qtbot: QtBot, opened: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    qtbot.mouseClick(tab.findings.add_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, opened)
    qtbot.keyClicks(tab.findings.editor, "A careless config push")
    wait_settled(qtbot, opened)
    approve = tab.findChild(QPushButton, "move_to_approved")
    bar = opened.statusBar()

    monkeypatch.setattr(tab, "ask_override_reason", lambda _count: None)
    qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, opened)
    assert bar.currentMessage().startswith("Not approved:")

    monkeypatch.setattr(tab, "ask_override_reason", lambda _count: "the customer's own words")
    qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, opened)
    assert tab.header.status_label.text() == "Approved"
    assert "Not approved" not in bar.currentMessage()
    assert not tab.problem_label.isVisible()
