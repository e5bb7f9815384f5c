"""A feedback note's dimensions (technical resolution, communication, documentation,
procedure), ticked in the Feedback Notes window, sealed with the note; and the check on
feedback wording, with hints aimed at behaviour and impact."""

from pathlib import Path

from note_keys import PASSPHRASE, file_bytes, make_identity, opened_notes
from notes_driver import unlock_and_wait
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from review_driver import open_review
from sample_incidents import IncidentFile
from window_driver import activate

from irdesk.domain.blameless import BEHAVIOUR_HINT
from irdesk.domain.enums import NoteDimension
from irdesk.gui.main_window import MainWindow
from irdesk.gui.review.feedback_window import FeedbackWindow
from irdesk.reports.signing.note_keys import unlock


def settled(qtbot: QtBot, window: MainWindow, notes: FeedbackWindow) -> None:
    qtbot.waitUntil(lambda: not notes.autosaver.busy and not window.tasks.busy, timeout=5000)


def test_dimensions_are_ticked_sealed_and_shown(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile, tmp_path: Path
) -> None:
    identity = make_identity(tmp_path / "manager.p12", "Morgan Manager")
    keyring = unlock(identity, PASSPHRASE)
    open_review(qtbot, opened, "INC-101")
    activate(qtbot, opened)
    both = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(opened, Qt.Key.Key_F, both)
    notes = opened.review_tab.feedback_window
    assert notes is not None
    qtbot.waitUntil(notes.isVisible, timeout=2000)
    notes = unlock_and_wait(qtbot, notes, identity, PASSPHRASE)
    settled(qtbot, opened, notes)
    qtbot.mouseClick(notes.add_button, Qt.MouseButton.LeftButton)
    settled(qtbot, opened, notes)
    for dimension in (NoteDimension.COMMUNICATION, NoteDimension.DOCUMENTATION):
        qtbot.mouseClick(notes.dimension_checks[dimension], Qt.MouseButton.LeftButton)
        settled(qtbot, opened, notes)
    notes.editor.setFocus()
    qtbot.keyClicks(notes.editor, "Resolved it fast but was careless with the write-up")
    settled(qtbot, opened, notes)
    # The verdict is flagged, with a hint about what they did and what it changed.
    (flag,) = notes.editor.flags()
    assert flag.text == "careless"
    assert flag.hint != BEHAVIOUR_HINT and "behaviour and its impact" in flag.hint
    (saved,) = opened_notes(incident_file.path, keyring)
    assert saved["dimensions"] == ["communication", "documentation"]
    assert notes.model.index(0, 0).data() == "Recognition: communication, documentation"
    assert notes.dimension_checks[NoteDimension.COMMUNICATION].isChecked()
    assert not notes.dimension_checks[NoteDimension.PROCEDURE].isChecked()
    # Sealed like the text: the words of a dimension are nowhere in the file's bytes.
    for path, data in file_bytes(incident_file.path).items():
        assert b"documentation" not in data, path
    # Unticked again, and saved.
    qtbot.mouseClick(notes.dimension_checks[NoteDimension.COMMUNICATION], Qt.MouseButton.LeftButton)
    settled(qtbot, opened, notes)
    (saved,) = opened_notes(incident_file.path, keyring)
    assert saved["dimensions"] == ["documentation"]
