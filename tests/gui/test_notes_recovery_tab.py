"""Tools › Organisation… › Notes Recovery: setting and clearing the organisation's recovery
reader, on the demo organisation with the real PagerDuty exports of /work/shared/data and
the real Opsgenie team export of /work/shared/org-data imported beside it."""

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from note_keys import HR, PASSPHRASE, file_bytes, make_identity, opened_notes
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlmodel import select
from testdata import ORG_DATA, SHARED_DATA, CopyDemo
from window_driver import open_and_wait

from irdesk.domain.enums import FeedbackKind
from irdesk.domain.models import Person
from irdesk.gui.main_window import MainWindow
from irdesk.gui.organisation.window import OrganisationWindow
from irdesk.importers.pipeline import run_import
from irdesk.reports.signing.note_keys import unlock
from irdesk.storage.database import open_database
from irdesk.storage.records import database_edits
from irdesk.storage.sealing import PublicReader

BEFORE = "Peregrine-88 kept the status page honest all night"
AFTER = "Tamarind-204 asked for help at the right moment"


@pytest.fixture
def identity(tmp_path: Path) -> Path:
    return make_identity(tmp_path / "morgan.p12", "Morgan Manager")


@pytest.fixture
def demo(tmp_path: Path, identity: Path, copy_demo: CopyDemo) -> Path:
    path = tmp_path / "demo.db"
    copy_demo(path, anchor=date(2026, 12, 1))
    db = open_database(path)
    try:
        run_import(
            db,
            [
                SHARED_DATA / "pagerduty_incidents_page.json",
                ORG_DATA / "opsgenie_sdk_team_responses.json",
            ],
        )
        database_edits.publish_reader(db, PublicReader("Acme Recovery", HR.public.public_key))
        write(db.path, identity, BEFORE)
    finally:
        db.close()
    return path


def write(path: Path, identity: Path, text: str) -> None:
    db = open_database(path)
    try:
        with db.session() as session:
            hannah = session.exec(select(Person).where(Person.name == "Hannah Okafor")).one()
        assert hannah.id is not None
        database_edits.add_note(
            db,
            person_id=hannah.id,
            incident_id=None,
            kind=FeedbackKind.RECOGNITION,
            actor="tester",
            keyring=unlock(identity, PASSPHRASE),
            text=text,
        )
    finally:
        db.close()


def recovery_names(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [n for (n,) in conn.execute("SELECT name FROM note_reader WHERE recovery = 1")]


def open_recovery(qtbot: QtBot, window: MainWindow, demo: Path) -> OrganisationWindow:
    open_and_wait(qtbot, window, demo)
    organisation = window.organisation.show_organisation()
    assert organisation is not None
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    qtbot.keyClick(organisation, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
    assert organisation.tabs.currentWidget() is organisation.recovery
    qtbot.waitUntil(lambda: organisation.recovery.reader_combo.count() > 0, timeout=5000)
    return organisation


def test_the_recovery_reader_is_set_from_the_window_and_given_the_notes_you_read(
    qtbot: QtBot, window: MainWindow, demo: Path, identity: Path
) -> None:
    window.notes_session.unlock(identity, PASSPHRASE)  # as Unlock… in the notes window does
    tab = open_recovery(qtbot, window, demo).recovery
    assert tab.current_label.text().startswith("No recovery reader")
    assert not tab.clear_button.isEnabled()
    tab.reader_combo.setFocus()
    qtbot.keyClicks(tab.reader_combo, "Acme")
    assert tab.reader_combo.currentText().startswith("Acme Recovery")
    qtbot.mouseClick(tab.set_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.clear_button.isEnabled(), timeout=5000)
    assert recovery_names(demo) == ["Acme Recovery"]
    assert tab.current_label.text().startswith("Recovery reader: Acme Recovery")
    assert "1 note you can read were wrapped for it now" in tab.message_label.text()
    # The recovery key opens the note written before it was set, and every note after.
    write(demo, identity, AFTER)
    assert {n["text"] for n in opened_notes(demo, HR)} == {BEFORE, AFTER}

    qtbot.mouseClick(tab.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.clear_button.isEnabled(), timeout=5000)
    assert recovery_names(demo) == []
    write(demo, identity, "Saffron-19 after the recovery reader was cleared")
    assert len(opened_notes(demo, HR)) == 2
    with closing(sqlite3.connect(demo)) as conn:
        actors = [
            a
            for (a,) in conn.execute(
                "SELECT actor FROM audit_entry WHERE action = 'set_note_recovery'"
            )
        ]
    assert len(actors) == 2 and all(a.startswith("Morgan Manager [cert ") for a in actors)
    for path, data in file_bytes(demo).items():
        assert b"Peregrine-88" not in data and b"Tamarind-204" not in data, path


def test_a_locked_session_sets_it_for_new_notes_only(
    qtbot: QtBot, window: MainWindow, demo: Path, identity: Path
) -> None:
    tab = open_recovery(qtbot, window, demo).recovery
    tab.reader_combo.setFocus()
    qtbot.keyClicks(tab.reader_combo, "Acme")
    qtbot.mouseClick(tab.set_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.clear_button.isEnabled(), timeout=5000)
    assert recovery_names(demo) == ["Acme Recovery"]
    assert "unlock your notes to wrap the ones you can read" in tab.message_label.text()
    assert opened_notes(demo, HR) == []  # the earlier note was not wrapped: nobody could
    write(demo, identity, AFTER)
    assert [n["text"] for n in opened_notes(demo, HR)] == [AFTER]
