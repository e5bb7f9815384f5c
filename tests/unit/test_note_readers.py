"""Choosing a note's readers: the manager from the directory, unsharing, the recovery reader.

On the demo organisation (job titles: "Engineering Manager" of each team) with the real
incident exports and the real Opsgenie team export beside it
(org-data/opsgenie_sdk_team_responses.json: user@opsgenie.com is the team's "admin").
"""

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from note_keys import HR, MANAGER, OUTSIDER, WORDS
from sqlmodel import select
from testdata import ORG_DATA, SHARED_DATA, CopyDemo

from irdesk.domain.enums import FeedbackKind
from irdesk.domain.managers import is_managing_role
from irdesk.domain.models import Person
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import Database, open_database
from irdesk.storage.reads.database_reads import note_reader_choice
from irdesk.storage.records import database_edits, feedback
from irdesk.storage.records.feedback import FeedbackRefused, NotesLocked
from irdesk.storage.sealing import Keyring, PublicReader

ACTOR = "tester"
TEAM_FILE = ORG_DATA / "opsgenie_sdk_team_responses.json"
INCIDENT_FILES = [
    SHARED_DATA / "pagerduty_incidents_page.json",
    SHARED_DATA / "pagerduty_incident_and_log_entry.jsonl",
]


@pytest.fixture
def demo(tmp_path: Path, copy_demo: CopyDemo) -> Database:
    path = tmp_path / "demo.db"
    copy_demo(path, anchor=date(2026, 12, 1))
    db = open_database(path)
    run_import(db, [*INCIDENT_FILES, TEAM_FILE])
    return db


def person(db: Database, name: str) -> int:
    with db.session() as session:
        found = session.exec(select(Person).where(Person.name == name)).one()
        assert found.id is not None
        return found.id


def publish(db: Database, keyring: Keyring, name: str | None = None) -> int:
    public = keyring.public
    if name is not None:
        public = PublicReader(name, public.public_key)
    return database_edits.publish_reader(db, public).id


def keys_of(db: Database, note_id: int) -> set[str]:
    with closing(sqlite3.connect(db.path)) as conn:
        rows = conn.execute(
            "SELECT r.name FROM note_key k JOIN note_reader r ON r.id = k.reader_id "
            "WHERE k.note_id = ?",
            (note_id,),
        ).fetchall()
    return {name for (name,) in rows}


def test_manager_roles_by_hand() -> None:
    assert is_managing_role("Engineering Manager")
    assert is_managing_role("Head of Reliability")
    assert is_managing_role(" ADMIN ")  # Opsgenie's team admin
    assert not is_managing_role("Senior Software Engineer")
    assert not is_managing_role("Admin assistant")
    assert not is_managing_role(None)


def test_the_demo_managers_key_is_ticked_only_once_published(demo: Database) -> None:
    zoe = person(demo, "Zoë Ñúñez")  # Checkout, whose Engineering Manager is Priya
    publish(demo, MANAGER)
    choice = note_reader_choice(demo, zoe, MANAGER)
    assert choice.managers == ("Priya Raghunathan",)
    assert choice.keyed_managers == ()  # no key yet: named, not ticked
    author = next(r.id for r in choice.readers if r.name == MANAGER.name)
    assert choice.chosen == choice.fixed == (author,)

    priya = publish(demo, HR, "Priya Raghunathan")
    choice = note_reader_choice(demo, zoe, MANAGER)
    assert choice.keyed_managers == ("Priya Raghunathan",)
    assert choice.chosen == (author, priya)
    assert choice.fixed == (author,)


def test_a_real_opsgenie_team_admin_is_the_members_manager(demo: Database) -> None:
    member = person(demo, "user2@opsgenie.com")
    admin = publish(demo, HR, "user@opsgenie.com")
    choice = note_reader_choice(demo, member, MANAGER)
    assert choice.managers == ("user@opsgenie.com",)
    assert admin in choice.chosen
    # The admin has no manager on that team but themself: nobody is offered.
    assert note_reader_choice(demo, person(demo, "user@opsgenie.com"), MANAGER).managers == ()


def test_unsharing_rekeys_the_note_without_the_reader(demo: Database) -> None:
    zoe = person(demo, "Zoë Ñúñez")
    hr, outsider = publish(demo, HR), publish(demo, OUTSIDER)
    row = database_edits.add_note(
        demo,
        person_id=zoe,
        incident_id=None,
        kind=FeedbackKind.GROWTH,
        actor=ACTOR,
        keyring=MANAGER,
        text=WORDS,
        readers=[hr, outsider],
    )
    assert keys_of(demo, row.id) == {MANAGER.name, HR.name, OUTSIDER.name}
    with demo.session() as session:
        before = feedback.get_note(session, row.id, HR)
    assert before.readable and before.text == WORDS

    nobody = Keyring("Nobody", X25519PrivateKey.generate())
    with pytest.raises(NotesLocked, match="not a reader"):
        database_edits.unshare_note(demo, row.id, hr, actor=ACTOR, keyring=nobody)
    after = database_edits.unshare_note(demo, row.id, hr, actor=ACTOR, keyring=MANAGER)
    assert set(after.readers) == {MANAGER.name, OUTSIDER.name}
    assert keys_of(demo, row.id) == {MANAGER.name, OUTSIDER.name}
    with demo.session() as session:
        assert not feedback.get_note(session, row.id, HR).readable
        assert feedback.get_note(session, row.id, OUTSIDER).text == WORDS

    # The last reader stays: a note nobody can open is not made on purpose.
    database_edits.unshare_note(demo, row.id, outsider, actor=ACTOR, keyring=MANAGER)
    author = next(r.id for r in database_edits_readers(demo) if r.name == MANAGER.name)
    with pytest.raises(FeedbackRefused, match="only reader"):
        database_edits.unshare_note(demo, row.id, author, actor=ACTOR, keyring=MANAGER)
    assert keys_of(demo, row.id) == {MANAGER.name}


def database_edits_readers(db: Database) -> list[feedback.ReaderRow]:
    with db.session() as session:
        return feedback.list_readers(session, removed=True)


def test_the_recovery_reader_is_set_cleared_and_given_the_notes_its_setter_reads(
    demo: Database,
) -> None:
    zoe = person(demo, "Zoë Ñúñez")
    hr = publish(demo, HR)

    def write(text: str) -> int:
        return database_edits.add_note(
            demo,
            person_id=zoe,
            incident_id=None,
            kind=FeedbackKind.RECOGNITION,
            actor=ACTOR,
            keyring=MANAGER,
            text=text,
        ).id

    before = write("before any recovery reader")
    assert keys_of(demo, before) == {MANAGER.name}
    wrapped = database_edits.set_recovery(demo, hr, actor=ACTOR, keyring=MANAGER)
    assert wrapped == 1  # the note MANAGER could read, wrapped for the recovery reader
    assert keys_of(demo, before) == {MANAGER.name, HR.name}
    during = write("while HR is the recovery reader")
    assert keys_of(demo, during) == {MANAGER.name, HR.name}
    choice = note_reader_choice(demo, zoe, MANAGER)
    assert hr in choice.fixed and hr in choice.chosen
    with pytest.raises(FeedbackRefused, match="recovery reader"):
        database_edits.unshare_note(demo, during, hr, actor=ACTOR, keyring=MANAGER)

    database_edits.set_recovery(demo, None, actor=ACTOR, keyring=MANAGER)
    after = write("after the recovery reader was cleared")
    assert keys_of(demo, after) == {MANAGER.name}
    assert keys_of(demo, during) == {MANAGER.name, HR.name}  # what it was given, it keeps
    with closing(sqlite3.connect(demo.path)) as conn:
        actions = [
            a
            for (a,) in conn.execute(
                "SELECT detail_json FROM audit_entry WHERE action = 'set_note_recovery' ORDER BY id"
            )
        ]
    assert len(actions) == 2 and '"fingerprint": null' in actions[1]
