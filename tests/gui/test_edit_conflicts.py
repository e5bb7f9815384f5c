"""Two windows on one file: a change made in one is never silently overwritten by the other."""

from collections.abc import Callable
from pathlib import Path

import pytest
from note_keys import PASSPHRASE, make_identity, opened_notes
from notes_driver import unlock_and_wait
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from review_driver import open_review, query, wait_settled
from sample_incidents import IncidentFile
from window_driver import open_and_wait

from irdesk.gui.main_window import MainWindow
from irdesk.gui.review.feedback_window import FeedbackWindow
from irdesk.reports.signing.note_keys import unlock


def conflict_box(qtbot: QtBot, window: MainWindow) -> QMessageBox:
    tab = window.review_tab
    qtbot.waitUntil(lambda: bool(tab.conflict_boxes), timeout=3000)
    [box] = tab.conflict_boxes.values()
    assert box.isVisible()
    return box


def button(box: QMessageBox, text: str) -> object:
    return next(b for b in box.buttons() if b.text().replace("&", "") == text)


def second_window_on_the_review(
    qtbot: QtBot,
    first: MainWindow,
    make_window: Callable[..., MainWindow],
    incident_file: IncidentFile,
) -> MainWindow:
    """Another window on the same file; both show INC-101's review."""
    second = make_window()
    open_and_wait(qtbot, second, incident_file.path)
    open_review(qtbot, first, "INC-101")
    open_review(qtbot, second, "INC-101")
    return second


def test_the_second_writer_is_told_and_chooses(
    qtbot: QtBot,
    opened: MainWindow,
    make_window: Callable[..., MainWindow],
    incident_file: IncidentFile,
) -> None:
    first = opened
    second = second_window_on_the_review(qtbot, first, make_window, incident_file)

    qtbot.keyClicks(first.review_tab.header.summary_edit, "alpha from the first window")
    wait_settled(qtbot, first)
    assert query(incident_file.path, "SELECT summary FROM review") == [
        ("alpha from the first window",)
    ]

    qtbot.keyClicks(second.review_tab.header.summary_edit, "beta from the second")
    box = conflict_box(qtbot, second)
    assert "changed in another window" in box.text()
    # Nothing overwritten while the user decides.
    assert query(incident_file.path, "SELECT summary FROM review") == [
        ("alpha from the first window",)
    ]
    qtbot.mouseClick(button(box, "Keep Mine"), qtbot_button())
    wait_settled(qtbot, second)
    assert query(incident_file.path, "SELECT summary FROM review") == [("beta from the second",)]

    # Now the first window is the stale one; it reloads the other's version.
    qtbot.keyClicks(first.review_tab.header.summary_edit, "!")
    box = conflict_box(qtbot, first)
    qtbot.mouseClick(button(box, "Reload Theirs"), qtbot_button())
    wait_settled(qtbot, first)
    assert first.review_tab.header.summary_edit.toPlainText() == "beta from the second"
    assert query(incident_file.path, "SELECT summary FROM review") == [("beta from the second",)]
    # Typing after the reload saves normally again.
    qtbot.keyClicks(first.review_tab.header.summary_edit, " (agreed)")
    wait_settled(qtbot, first)
    assert query(incident_file.path, "SELECT summary FROM review") == [
        ("beta from the second (agreed)",)
    ]
    assert not first.review_tab.conflict_boxes


def test_a_finding_edited_in_two_windows_conflicts_too(
    qtbot: QtBot,
    opened: MainWindow,
    make_window: Callable[..., MainWindow],
    incident_file: IncidentFile,
) -> None:
    first = opened
    open_review(qtbot, first, "INC-101")
    first.review_tab.findings.add_button.click()
    wait_settled(qtbot, first)
    second = make_window()
    open_and_wait(qtbot, second, incident_file.path)
    open_review(qtbot, second, "INC-101")
    qtbot.keyClicks(first.review_tab.findings.editor, "Caches were cold")
    wait_settled(qtbot, first)
    qtbot.keyClicks(second.review_tab.findings.editor, "Deploys skip canaries")
    conflict_box(qtbot, second)
    assert query(incident_file.path, "SELECT text FROM finding") == [("Caches were cold",)]
    wait_settled(qtbot, second)


def qtbot_button() -> object:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_a_reload_for_something_else_does_not_make_a_stale_field_look_current(
    qtbot: QtBot,
    opened: MainWindow,
    make_window: Callable[..., MainWindow],
    incident_file: IncidentFile,
) -> None:
    """The first window shows an old summary; adding a finding reloads the tab, but the summary
    field still shows the old text, so typing into it must conflict, not overwrite."""
    first = opened
    second = second_window_on_the_review(qtbot, first, make_window, incident_file)
    qtbot.keyClicks(second.review_tab.header.summary_edit, "the second window's summary")
    wait_settled(qtbot, second)

    first.review_tab.findings.add_button.click()  # a reload of the first window's tab
    wait_settled(qtbot, first)
    assert first.review_tab.header.summary_edit.toPlainText() == ""
    qtbot.keyClicks(first.review_tab.header.summary_edit, "stale")
    conflict_box(qtbot, first)
    assert query(incident_file.path, "SELECT summary FROM review") == [
        ("the second window's summary",)
    ]


@pytest.fixture
def manager(tmp_path: Path) -> Path:
    return make_identity(tmp_path / "manager.p12", "Morgan Manager")


def opened_notes_of(qtbot: QtBot, window: MainWindow, identity: Path) -> FeedbackWindow:
    """The window's Feedback Notes, unlocked by the manager who writes in both windows."""
    notes = window.review_tab.open_feedback()
    assert notes is not None
    wait_settled(qtbot, window)
    return unlock_and_wait(qtbot, notes, identity, PASSPHRASE)


def note_texts(path: Path) -> list[str]:
    return [n["text"] for n in opened_notes(path, unlock(path.parent / "manager.p12", PASSPHRASE))]


def test_feedback_notes_conflict_in_their_own_window(
    qtbot: QtBot,
    opened: MainWindow,
    make_window: Callable[..., MainWindow],
    incident_file: IncidentFile,
    manager: Path,
) -> None:
    first = opened
    second = second_window_on_the_review(qtbot, first, make_window, incident_file)
    mine = opened_notes_of(qtbot, first, manager)
    mine.add_button.click()
    wait_settled(qtbot, first)
    qtbot.keyClicks(mine.editor, "Calm on the bridge")
    qtbot.waitUntil(lambda: not mine.autosaver.busy and not first.tasks.busy, timeout=3000)

    theirs = opened_notes_of(qtbot, second, manager)
    qtbot.waitUntil(lambda: theirs.editor.toPlainText() == "Calm on the bridge", timeout=3000)
    qtbot.keyClicks(mine.editor, ", and clear")
    qtbot.waitUntil(lambda: not mine.autosaver.busy and not first.tasks.busy, timeout=3000)
    qtbot.keyClicks(theirs.editor, " under pressure")
    qtbot.waitUntil(lambda: theirs.conflict_box is not None, timeout=3000)
    box = theirs.conflict_box
    assert box.isVisible() and box.parent() is theirs  # shown in the notes window only
    assert note_texts(incident_file.path) == ["Calm on the bridge, and clear"]
    qtbot.mouseClick(button(box, "Keep Mine"), qtbot_button())
    qtbot.waitUntil(
        lambda: note_texts(incident_file.path) == ["Calm on the bridge under pressure"],
        timeout=3000,
    )
    wait_settled(qtbot, second)


def test_a_note_deleted_in_another_window_cannot_be_deleted_again(
    qtbot: QtBot,
    opened: MainWindow,
    make_window: Callable[..., MainWindow],
    incident_file: IncidentFile,
    monkeypatch: pytest.MonkeyPatch,
    manager: Path,
) -> None:
    """Storage refuses the second delete: the notes window says why instead of crashing."""
    first = opened
    second = second_window_on_the_review(qtbot, first, make_window, incident_file)
    mine = opened_notes_of(qtbot, first, manager)
    mine.add_button.click()
    qtbot.waitUntil(lambda: mine.bound_id is not None and not first.tasks.busy, timeout=3000)

    theirs = opened_notes_of(qtbot, second, manager)
    qtbot.waitUntil(lambda: theirs.bound_id is not None and not second.tasks.busy, timeout=3000)
    for window in (mine, theirs):
        monkeypatch.setattr(window, "ask_delete", lambda: True)
    qtbot.mouseClick(theirs.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: query(incident_file.path, "SELECT id FROM feedback_note") == [])

    qtbot.mouseClick(mine.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: mine.problem_label.isVisible(), timeout=3000)
    assert "was deleted" in mine.problem_label.text()
    qtbot.waitUntil(lambda: mine.model.rowCount() == 0 and not first.tasks.busy, timeout=3000)
