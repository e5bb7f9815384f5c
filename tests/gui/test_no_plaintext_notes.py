"""No note's words anywhere but where a reader asked for them.

The demo (sealed to the manager's identity), a note written on the command line and
one typed in the Feedback Notes window; then a legal packet, the manager packet of
that person made locked, and the same packet made by the reader. A distinctive piece
of every note is looked for in the bytes of the database, its -wal and -shm, every
backup beside it and every packet: only the reader's manager packet shows it.
"""

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from note_keys import PASSPHRASE, file_bytes, make_identity, opened_notes
from notes_driver import unlock_and_wait
from packet_fixtures import pdf_text, require_tools
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from review_driver import open_review, wait_settled
from testdata import database_dump
from window_driver import open_and_wait

from irdesk.cli.main import main
from irdesk.gui.main_window import MainWindow
from irdesk.reports.signing.note_keys import unlock

pytestmark = pytest.mark.slow

CLI_WORDS = "Obsidian-marmalade: paged the right team within two minutes"
GUI_WORDS = "Zanzibar-quartz kept the status page honest all night"


def cli(*argv: str) -> None:
    assert main(list(argv)) == 0, argv


def distinctive(text: str, elsewhere: str) -> str:
    """A 20-character piece of `text` that occurs nowhere in the rest of the file."""
    for start in range(len(text) - 19):
        piece = text[start : start + 20]
        if piece not in elsewhere:
            return piece
    raise AssertionError(f"no piece of {text!r} is its own")


def test_only_the_readers_manager_packet_holds_a_notes_words(
    qtbot: QtBot, make_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    require_tools("pdftotext")
    identity = make_identity(tmp_path / "manager.p12", "Morgan Manager")
    secret = tmp_path / "phrase.txt"
    secret.write_text(PASSPHRASE.decode() + "\n", encoding="utf-8")
    reader = ["--identity", str(identity), "--passphrase-file", str(secret)]
    db = tmp_path / "team.db"
    cli("demo", str(db), *reader)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        person, incident = conn.execute(
            "SELECT p.name, i.external_id FROM review r JOIN incident i ON i.id = r.incident_id "
            "JOIN timeline_event e ON e.incident_id = i.id JOIN person p ON p.id = e.actor_person_id "
            "ORDER BY i.started_at DESC LIMIT 1"
        ).fetchone()
    note_file = tmp_path / "note.txt"
    note_file.write_text(CLI_WORDS, encoding="utf-8")
    cli("notes", "add", "--db", str(db), "--about", person, "--text-file", str(note_file), *reader)

    # A note typed in the window, about the first person of the incident's review.
    window = make_window()
    open_and_wait(qtbot, window, db)
    open_review(qtbot, window, incident)
    notes = window.review_tab.open_feedback()
    assert notes is not None
    wait_settled(qtbot, window)
    unlock_and_wait(qtbot, notes, identity, PASSPHRASE)
    qtbot.mouseClick(notes.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notes.bound_id is not None and not window.tasks.busy, timeout=5000)
    gui_person = notes.person_combo.currentText()
    qtbot.keyClicks(notes.editor, GUI_WORDS)
    qtbot.waitUntil(lambda: not notes.autosaver.busy and not window.tasks.busy, timeout=5000)
    window.close()

    keyring = unlock(identity, PASSPHRASE)
    written = opened_notes(db, keyring)
    assert {CLI_WORDS, GUI_WORDS} <= {n["text"] for n in written}
    assert len(written) >= 12  # the demo's notes too, every one readable by its reader
    rest = "\n".join(
        line
        for line in database_dump(db)
        if not line.startswith(('INSERT INTO "feedback_note"', 'INSERT INTO "note_'))
    )
    pieces = {n["text"]: distinctive(n["text"], rest) for n in written}
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (gui_person_id,) = conn.execute(
            "SELECT id FROM person WHERE name = ?", (gui_person,)
        ).fetchone()
    # What the reader's packet about that person may show: every note about them.
    theirs = {n["text"] for n in written if n["person_id"] == gui_person_id}
    assert GUI_WORDS in theirs

    packets = tmp_path / "packets"
    cli(
        "packet",
        incident,
        "--profile",
        "legal",
        "--db",
        str(db),
        "--out",
        str(packets / "legal.pdf"),
    )
    for name, who, unlocked in (
        ("gui-locked", gui_person, []),
        ("gui-reader", gui_person, reader),
        ("cli-locked", person, []),
    ):
        out = packets / f"{name}.pdf"
        cli(
            "packet",
            "--profile",
            "manager",
            "--person",
            who,
            "--db",
            str(db),
            "--out",
            str(out),
            *unlocked,
        )

    files = {**file_bytes(db), **{p: p.read_bytes() for p in packets.iterdir()}}
    texts = {p: pdf_text(p) for p in packets.iterdir()}
    assert len(files) >= 5
    for text, piece in pieces.items():
        for path, data in files.items():
            if path.name == "gui-reader.pdf" and text in theirs:
                continue
            assert piece.encode() not in data, (piece, path)
            if path in texts:
                assert " ".join(piece.split()) not in " ".join(texts[path].split()), (piece, path)
    # The reader's manager packet does show the notes about that person.
    shown = " ".join(texts[packets / "gui-reader.pdf"].split())
    assert all(" ".join(pieces[t].split()) in shown for t in theirs)
    assert "locked" in texts[packets / "gui-locked.pdf"]
