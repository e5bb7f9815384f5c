"""Choosing a note's readers in the Feedback Notes window, and what the file then holds.

On the demo organisation (Hannah Okafor works in Checkout, whose Engineering Manager is
Priya Raghunathan) with the real PagerDuty incident exports of /work/shared/data and the
real Opsgenie team export of /work/shared/org-data imported beside it.
"""

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from note_keys import HR, OUTSIDER, PASSPHRASE, file_bytes, make_identity, opened_notes
from notes_driver import unlock_and_wait
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from review_driver import open_review, wait_settled
from sqlmodel import select
from testdata import ORG_DATA, SHARED_DATA, CopyDemo
from window_driver import activate, open_and_wait

from irdesk.domain.enums import FeedbackKind
from irdesk.domain.models import Incident, Person
from irdesk.gui.main_window import MainWindow
from irdesk.gui.review.feedback_window import NOBODY_CAN_READ, FeedbackWindow
from irdesk.gui.review.readers_dialog import READER_ID, ReadersDialog
from irdesk.importers.pipeline import run_import
from irdesk.reports.signing.note_keys import unlock
from irdesk.storage.database import open_database
from irdesk.storage.reads.database_reads import find_note_reader
from irdesk.storage.records import database_edits
from irdesk.storage.sealing import Keyring, PublicReader

FIRST = "Quillfeather-31 rolled the canary back before anyone asked"
SECOND = "Marigold-kestrel wrote the runbook step that was missing"


@pytest.fixture
def demo(tmp_path: Path, copy_demo: CopyDemo) -> Path:
    path = tmp_path / "demo.db"
    copy_demo(path, anchor=date(2026, 12, 1))
    db = open_database(path)
    try:
        run_import(
            db,
            [
                SHARED_DATA / "pagerduty_incidents_page.json",
                SHARED_DATA / "pagerduty_incident_and_log_entry.jsonl",
                ORG_DATA / "opsgenie_sdk_team_responses.json",
            ],
        )
        # Priya (the demo's Checkout manager) and an HR partner published their keys.
        database_edits.publish_reader(db, PublicReader("Priya Raghunathan", HR.public.public_key))
        database_edits.publish_reader(db, OUTSIDER.public)
    finally:
        db.close()
    return path


@pytest.fixture
def identity(tmp_path: Path) -> Path:
    return make_identity(tmp_path / "morgan.p12", "Morgan Manager")


def readers_of(path: Path, text: str, keyring: Keyring) -> bool:
    return any(n["text"] == text for n in opened_notes(path, keyring))


def key_holders(path: Path) -> dict[int, set[str]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT k.note_id, r.name FROM note_key k JOIN note_reader r ON r.id = k.reader_id"
        ).fetchall()
    holders: dict[int, set[str]] = {}
    for note_id, name in rows:
        holders.setdefault(note_id, set()).add(name)
    return holders


def open_unlocked(qtbot: QtBot, window: MainWindow, demo: Path, identity: Path) -> FeedbackWindow:
    open_and_wait(qtbot, window, demo)
    open_review(qtbot, window, "INC-1022")
    activate(qtbot, window)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(window, Qt.Key.Key_F, modifiers)
    notes = window.review_tab.feedback_window
    assert notes is not None
    qtbot.waitUntil(notes.isVisible, timeout=2000)
    settle(qtbot, window, notes)
    return unlock_and_wait(qtbot, notes, identity, PASSPHRASE)


def settle(qtbot: QtBot, window: MainWindow, notes: FeedbackWindow) -> None:
    qtbot.waitUntil(lambda: not notes.autosaver.busy and not window.tasks.busy, timeout=10_000)


def write_note(qtbot: QtBot, window: MainWindow, notes: FeedbackWindow, text: str) -> None:
    notes.person_combo.setFocus()
    qtbot.keyClicks(notes.person_combo, "Hannah")
    settle(qtbot, window, notes)
    assert notes.person_combo.currentText() == "Hannah Okafor"
    qtbot.mouseClick(notes.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window, notes)
    qtbot.keyClicks(notes.editor, text)
    settle(qtbot, window, notes)


def open_readers(qtbot: QtBot, window: MainWindow, notes: FeedbackWindow) -> ReadersDialog:
    before = notes.readers_dialog
    qtbot.mouseClick(notes.readers_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notes.readers_dialog not in (None, before), timeout=5000)
    dialog = notes.readers_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    return dialog


def ticked_names(dialog: ReadersDialog) -> dict[str, bool]:
    return {
        dialog.list.item(r).text().split(" (")[0]: dialog.list.item(r).checkState()
        == Qt.CheckState.Checked
        for r in range(dialog.list.count())
    }


def toggle(qtbot: QtBot, dialog: ReadersDialog, name: str) -> None:
    row = next(r for r in range(dialog.list.count()) if dialog.list.item(r).text().startswith(name))
    dialog.list.setCurrentRow(row)
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)


def test_a_note_is_sealed_to_the_manager_and_its_readers_change_in_the_dialog(
    qtbot: QtBot, window: MainWindow, demo: Path, identity: Path
) -> None:
    notes = open_unlocked(qtbot, window, demo, identity)
    morgan = unlock(identity, PASSPHRASE)
    write_note(qtbot, window, notes, FIRST)
    note_id = notes.bound_id
    assert note_id is not None
    # The default: the author and Hannah's manager from the directory, who has a key.
    assert key_holders(demo)[note_id] == {"Morgan Manager", "Priya Raghunathan"}
    assert notes.readers_label.text() == "Readers: Morgan Manager, Priya Raghunathan"
    assert readers_of(demo, FIRST, HR) and readers_of(demo, FIRST, morgan)
    assert not readers_of(demo, FIRST, OUTSIDER)

    dialog = open_readers(qtbot, window, notes)
    assert ticked_names(dialog) == {
        "Demo reader": False,  # the demo's notes are sealed to a key nobody kept
        "Morgan Manager": True,
        "Olive Outsider": False,
        "Priya Raghunathan": True,
    }
    toggle(qtbot, dialog, "Priya")
    toggle(qtbot, dialog, "Olive")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    settle(qtbot, window, notes)
    assert key_holders(demo)[note_id] == {"Morgan Manager", "Olive Outsider"}
    assert readers_of(demo, FIRST, OUTSIDER) and not readers_of(demo, FIRST, HR)
    qtbot.waitUntil(
        lambda: notes.readers_label.text() == "Readers: Morgan Manager, Olive Outsider",
        timeout=5000,
    )

    # Olive moves on: removed everywhere, and no note written afterwards is hers to read.
    dialog = open_readers(qtbot, window, notes)
    dialog.ask_remove = lambda _label: True  # type: ignore[method-assign]
    dialog.list.setCurrentRow(
        next(r for r in range(dialog.list.count()) if "Olive" in dialog.list.item(r).text())
    )
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window, notes)
    assert not dialog.isVisible()
    assert "1 note got a new key without them" in notes.message_label.text()
    assert not readers_of(demo, FIRST, OUTSIDER)
    write_note(qtbot, window, notes, SECOND)
    assert readers_of(demo, SECOND, morgan) and readers_of(demo, SECOND, HR)
    assert not readers_of(demo, SECOND, OUTSIDER)
    dialog = open_readers(qtbot, window, notes)
    assert "Olive Outsider" not in ticked_names(dialog)
    dialog.reject()

    # Ciphertext only: neither note's words are in the file, its log or its backups.
    for path, data in file_bytes(demo).items():
        assert b"Quillfeather-31" not in data and b"Marigold-kestrel" not in data, path


def test_unticking_every_reader_is_refused_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, demo: Path, identity: Path
) -> None:
    notes = open_unlocked(qtbot, window, demo, identity)
    write_note(qtbot, window, notes, FIRST)
    note_id = notes.bound_id
    assert note_id is not None
    before = key_holders(demo)[note_id]
    dialog = open_readers(qtbot, window, notes)
    toggle(qtbot, dialog, "Priya")
    toggle(qtbot, dialog, "Morgan")
    assert not any(ticked_names(dialog).values())
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible() and "Tick at least one reader" in dialog.problem_label.text()
    assert [dialog.list.item(r).data(READER_ID) for r in range(dialog.list.count())]
    dialog.reject()
    settle(qtbot, window, notes)
    assert key_holders(demo)[note_id] == before


def test_a_note_no_reader_can_open_says_so(
    qtbot: QtBot, window: MainWindow, demo: Path, identity: Path
) -> None:
    db = open_database(demo)
    try:
        with db.session() as session:
            hannah = session.exec(select(Person).where(Person.name == "Hannah Okafor")).one()
            incident = session.exec(select(Incident).where(Incident.external_id == "INC-1022"))
            hannah_id, incident_id = hannah.id, incident.one().id
        olive = find_note_reader(db, "Olive Outsider").id
        database_edits.add_note(
            db,
            person_id=hannah_id,
            incident_id=incident_id,
            kind=FeedbackKind.GROWTH,
            actor="tester",
            keyring=OUTSIDER,
            text="Only Olive could ever read this",
        )
        # Olive removed by someone who cannot read it: the note's only key goes with her.
        database_edits.remove_reader(db, olive, actor="tester", keyring=None)
    finally:
        db.close()
    notes = open_unlocked(qtbot, window, demo, identity)
    notes.person_combo.setFocus()
    qtbot.keyClicks(notes.person_combo, "Hannah")
    settle(qtbot, window, notes)
    shown = [
        (notes.model.index(r, 0).data(), notes.model.index(r, 1).data())
        for r in range(notes.model.rowCount())
    ]
    assert ("Unreadable", NOBODY_CAN_READ) in shown
    wait_settled(qtbot, window)
