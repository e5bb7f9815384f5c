"""An older file's plain-text backups, encrypted from the Feedback Notes window.

Opening a file from before notes were sealed upgrades it and leaves a backup copy that
still holds the notes' words; once a reader unlocks, the window names those copies and
offers to encrypt them (the same function as `irdesk notes backups --reencrypt`) or
delete them.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from note_keys import (
    OTHER_WORDS,
    PASSPHRASE,
    WORDS,
    file_bytes,
    make_identity,
    opened_notes,
    plaintext_file,
)
from notes_driver import unlock_and_wait
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from review_driver import open_review
from window_driver import activate, open_and_wait

from irdesk.gui.main_window import MainWindow
from irdesk.reports.signing.note_keys import unlock
from irdesk.storage.database import plaintext_backups


def older_file(path: Path) -> Path:
    """Two plain-text notes (note_keys.plaintext_file) and an incident to open them on."""
    plaintext_file(path)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO incident (source, external_id, title, status, external_cause, "
            "approved_tech_debt, regulatory_exposure, consistency_flags, created_at, "
            "updated_at) VALUES ('pagerduty', 'INC-9', 'Ledger lag', 'resolved', 0, 0, 0, "
            "'', '2026-01-02 00:00:00', '2026-01-02 00:00:00')"
        )
    conn.close()
    return path


def test_unlocking_offers_to_encrypt_the_backups_and_encrypting_leaves_no_plain_text(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = older_file(tmp_path / "old.db")
    identity = make_identity(tmp_path / "morgan.p12", "Morgan Manager")
    open_and_wait(qtbot, window, path)
    (copy,) = plaintext_backups(path)
    assert WORDS.encode() in copy.read_bytes()

    open_review(qtbot, window, "INC-9")
    activate(qtbot, window)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(window, Qt.Key.Key_F, modifiers)
    notes = window.review_tab.feedback_window
    assert notes is not None
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    unlock_and_wait(qtbot, notes, identity, PASSPHRASE)
    qtbot.waitUntil(lambda: hasattr(notes, "backups_box"), timeout=5000)
    box: QMessageBox = notes.backups_box
    assert box.isVisible() and copy.name in box.text()
    encrypt = box.button(QMessageBox.StandardButton.Save)
    assert encrypt.text() == "&Encrypt Them"
    qtbot.mouseClick(encrypt, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Encrypted 1 backup copy" in notes.message_label.text(), timeout=10_000)
    assert "2 notes sealed to Morgan Manager" in notes.message_label.text()

    assert plaintext_backups(path) == []
    assert copy.exists()  # kept, now encrypted: a backup is still a backup
    keyring = unlock(identity, PASSPHRASE)
    assert sorted(n["text"] for n in opened_notes(copy, keyring)) == sorted([WORDS, OTHER_WORDS])
    for found, data in file_bytes(path).items():
        assert WORDS.encode() not in data and OTHER_WORDS.encode() not in data, found
