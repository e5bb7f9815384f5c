"""Feedback notes: their own window, reached deliberately, and nowhere in any review view.

Notes are sealed to their readers: the window is unlocked with the reader's identity
and passphrase (once per session) and the file holds only ciphertext, which these
tests open as the reader would to check what was saved.
"""

from pathlib import Path
from typing import Any

import pytest
from note_keys import PASSPHRASE, file_bytes, make_identity, opened_notes
from notes_driver import unlock_and_wait, unlock_notes
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from review_driver import model_texts, open_review, query, wait_settled
from sample_incidents import IncidentFile
from window_driver import activate

from irdesk.domain.models import Person
from irdesk.gui.main_window import MainWindow
from irdesk.gui.review.feedback_window import FeedbackWindow
from irdesk.reports.signing.note_keys import unlock
from irdesk.storage.records.actor import current_actor
from irdesk.storage.sealing import Keyring

SECRET = "Zanzibar-7 kept the bridge calm while the vendor was unreachable"


def shown_texts(root: QWidget) -> list[str]:
    """Every text `root` and its widgets could show: labels, fields, buttons, lists, tips, menus."""
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts += [widget.windowTitle(), widget.toolTip(), widget.statusTip()]
        texts.append(widget.accessibleName())
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        if isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        if isinstance(widget, QPlainTextEdit | QTextEdit):
            texts.append(widget.toPlainText())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
            texts += model_texts(widget.model())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            texts += model_texts(widget.model())
        if isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QMenu):
            texts += [action.text() for action in widget.actions()]
        if isinstance(widget, QMainWindow):
            texts.append(widget.statusBar().currentMessage())
    return texts


def contains(texts: list[str], needle: Any) -> bool:
    return any(needle in text for text in texts if text)


def wait_notes_saved(qtbot: QtBot, window: MainWindow, notes: FeedbackWindow) -> None:
    qtbot.waitUntil(lambda: not notes.autosaver.busy and not window.tasks.busy, timeout=5000)


def open_notes(qtbot: QtBot, window: MainWindow) -> FeedbackWindow:
    activate(qtbot, window)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(window, Qt.Key.Key_F, modifiers)
    notes = window.review_tab.feedback_window
    assert notes is not None
    qtbot.waitUntil(notes.isVisible, timeout=2000)
    wait_notes_saved(qtbot, window, notes)
    return notes


@pytest.fixture
def identity(tmp_path: Path) -> Path:
    return make_identity(tmp_path / "ada-manager.p12", "Morgan Manager")


@pytest.fixture
def keyring(identity: Path) -> Keyring:
    """The same key the window unlocks, for reading the file's ciphertext in the test."""
    return unlock(identity, PASSPHRASE)


def unlocked_notes(qtbot: QtBot, window: MainWindow, identity: Path) -> FeedbackWindow:
    notes = unlock_and_wait(qtbot, open_notes(qtbot, window), identity, PASSPHRASE)
    wait_notes_saved(qtbot, window, notes)
    return notes


def texts_as(path: Path, keyring: Keyring) -> list[str]:
    return [n["text"] for n in opened_notes(path, keyring)]


def test_a_note_is_written_in_its_own_window_and_saved_as_typed(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    identity: Path,
    keyring: Keyring,
) -> None:
    with opened.db.transaction() as session:  # someone with no part in INC-101
        session.add(Person(name="Grace Hopper"))
    open_review(qtbot, opened, "INC-101")
    notes = open_notes(qtbot, opened)
    assert not notes.add_button.isEnabled()  # locked: nothing can be written yet
    notes = unlocked_notes(qtbot, opened, identity)
    assert "Unlocked as Morgan Manager" in notes.lock_label.text()
    # Its own top-level window: nothing in the main window's tree holds it.
    assert notes.parent() is None and notes.isWindow()
    assert notes not in opened.findChildren(QWidget)
    assert "private" in notes.windowTitle()
    # People with a part in the incident come first: Ada acknowledged the page.
    combo = notes.person_combo
    assert combo.currentText() == "Ada Lovelace"
    assert [combo.itemText(i) for i in range(combo.count())] == ["Ada Lovelace", "", "Grace Hopper"]
    qtbot.mouseClick(notes.add_button, Qt.MouseButton.LeftButton)
    wait_notes_saved(qtbot, opened, notes)
    notes.kind_combo.setFocus()
    qtbot.keyClicks(notes.kind_combo, "Proc")  # Procedural compliance
    wait_notes_saved(qtbot, opened, notes)
    assert notes.justified_check.isVisible()
    qtbot.mouseClick(notes.justified_check, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(notes.editor, SECRET)
    qtbot.waitUntil(lambda: texts_as(incident_file.path, keyring) == [SECRET], timeout=1000)
    wait_notes_saved(qtbot, opened, notes)
    (saved,) = opened_notes(incident_file.path, keyring)
    assert (saved["incident_id"], saved["kind"], saved["deviation_justified"]) == (
        incident_file.ids["INC-101"],
        "procedural_compliance",
        True,
    )
    assert query(
        incident_file.path,
        "SELECT p.name FROM feedback_note n JOIN person p ON p.id = n.person_id",
    ) == [("Ada Lovelace",)]
    # The file holds the ciphertext, never the words (nor the kind, in any row).
    for path, data in file_bytes(incident_file.path).items():
        assert b"Zanzibar-7" not in data, path
    assert notes.model.index(0, 0).data() == "Procedural compliance (deviation justified)"
    assert notes.model.index(0, 1).data() == SECRET
    assert notes.model.index(0, 2).data() == "Morgan Manager"
    # The audit log records the change, never the words.
    audit = query(incident_file.path, "SELECT detail_json FROM audit_entry")
    assert audit and not contains([row[0] for row in audit], "Zanzibar")


def test_feedback_notes_appear_in_no_view_of_the_main_window(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    identity: Path,
    keyring: Keyring,
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    notes = unlocked_notes(qtbot, opened, identity)
    qtbot.mouseClick(notes.add_button, Qt.MouseButton.LeftButton)
    wait_notes_saved(qtbot, opened, notes)
    qtbot.keyClicks(notes.editor, SECRET)
    wait_notes_saved(qtbot, opened, notes)
    assert texts_as(incident_file.path, keyring) == [SECRET]
    # The walk finds the note where it is meant to be, so it would find it elsewhere too.
    assert contains(shown_texts(notes), "Zanzibar-7")

    # Every tab of the main window, with the notes window open and after it is closed.
    for close_notes in (False, True):
        if close_notes:
            notes.close()
        for index in range(opened.incident_tabs.count()):
            opened.incident_tabs.setCurrentIndex(index)
            wait_settled(qtbot, opened)
            texts = shown_texts(opened)
            assert texts, "the walk saw nothing"
            assert not contains(texts, "Zanzibar"), opened.incident_tabs.tabText(index)
    # The review itself, reloaded from the file, carries findings but not the note.
    tab.reload(force=True)
    wait_settled(qtbot, opened)
    assert not contains(shown_texts(opened), "Zanzibar")


def test_closing_the_notes_window_right_after_typing_keeps_the_text(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    identity: Path,
    keyring: Keyring,
) -> None:
    open_review(qtbot, opened, "INC-101")
    notes = unlocked_notes(qtbot, opened, identity)
    qtbot.mouseClick(notes.add_button, Qt.MouseButton.LeftButton)
    wait_notes_saved(qtbot, opened, notes)
    qtbot.keyClicks(notes.editor, "Typed just before closing the notes")
    assert notes.autosaver.busy and not opened.tasks.busy  # typed, waiting for the timer
    notes.close()
    # Closing hands the text to the writer at once rather than leaving it to the timer.
    assert opened.tasks.busy
    wait_notes_saved(qtbot, opened, notes)
    assert texts_as(incident_file.path, keyring) == ["Typed just before closing the notes"]


def test_a_locked_window_shows_that_notes_exist_and_never_what_they_say(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    identity: Path,
    keyring: Keyring,
    tmp_path: Path,
) -> None:
    open_review(qtbot, opened, "INC-101")
    notes = unlocked_notes(qtbot, opened, identity)
    qtbot.mouseClick(notes.add_button, Qt.MouseButton.LeftButton)
    wait_notes_saved(qtbot, opened, notes)
    qtbot.keyClicks(notes.editor, SECRET)
    wait_notes_saved(qtbot, opened, notes)

    activate(qtbot, notes)
    qtbot.keyClick(notes.editor, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Lock
    qtbot.waitUntil(lambda: notes.unlock_button.isVisible(), timeout=5000)
    wait_notes_saved(qtbot, opened, notes)
    assert opened.notes_session.keyring is None
    # The note is there, about Ada, with its date and readers; not a word of it.
    assert notes.model.rowCount() == 1
    assert notes.model.index(0, 0).data() == "Locked"
    assert notes.model.index(0, 2).data() == "Morgan Manager"
    assert notes.model.index(0, 3).data()
    assert notes.person_combo.currentText() == "Ada Lovelace"
    assert not contains(shown_texts(notes), "Zanzibar")
    assert not notes.editor_box.isEnabled() and not notes.add_button.isEnabled()

    # A wrong passphrase: said in the dialog, and nothing unlocks or changes.
    before = file_bytes(incident_file.path)[incident_file.path]
    unlock_notes(qtbot, notes, identity, b"not my passphrase")
    dialog = notes.unlock_dialog
    assert dialog is not None and dialog.isVisible()
    assert "wrong passphrase" in dialog.problem_label.text()
    assert dialog.passphrase_edit.text() == ""  # not kept, even in the field
    assert opened.notes_session.keyring is None
    assert not contains(shown_texts(notes), "Zanzibar")
    dialog.reject()
    assert file_bytes(incident_file.path)[incident_file.path] == before

    # Another person's valid identity reads nothing either.
    other = make_identity(tmp_path / "other.p12", "Olive Outsider")
    unlock_notes(qtbot, notes, other, PASSPHRASE)
    qtbot.waitUntil(lambda: notes.lock_button.isVisible(), timeout=5000)
    wait_notes_saved(qtbot, opened, notes)
    assert notes.model.index(0, 0).data() == "Locked"
    assert not contains(shown_texts(notes), "Zanzibar")


def test_quitting_forgets_the_unlocked_key(
    qtbot: QtBot, opened: MainWindow, identity: Path
) -> None:
    open_review(qtbot, opened, "INC-101")
    unlocked_notes(qtbot, opened, identity)
    session = opened.notes_session
    assert session.keyring is not None
    # The first identity unlocked here names this machine's user in the audit log.
    assert current_actor().startswith("Morgan Manager [cert ")
    opened.close()
    assert session.keyring is None
