"""Unlocking the Feedback Notes window as a user does: Unlock…, identity, passphrase, Return."""

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from irdesk.gui.review.feedback_window import FeedbackWindow


def unlock_notes(qtbot: QtBot, notes: FeedbackWindow, identity: Path, phrase: bytes) -> None:
    """Unlock… as a user: the identity file, the passphrase, Return (OK)."""
    qtbot.mouseClick(notes.unlock_button, Qt.MouseButton.LeftButton)
    dialog = notes.unlock_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    dialog.identity_edit.setText(str(identity))
    qtbot.keyClicks(dialog.passphrase_edit, phrase.decode())
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)


def unlock_and_wait(
    qtbot: QtBot, notes: FeedbackWindow, identity: Path, phrase: bytes
) -> FeedbackWindow:
    unlock_notes(qtbot, notes, identity, phrase)
    qtbot.waitUntil(lambda: notes.lock_button.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: not notes.autosaver.busy and not notes.tasks.busy, timeout=5000)
    return notes
