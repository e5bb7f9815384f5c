"""Feedback notes sealed to their readers: who can read, what the file holds, older files.

Every claim is checked against the file's own bytes (the database, its -wal and -shm,
every backup beside it) as well as through irdesk's readers.
"""

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from note_keys import (
    HR,
    MANAGER,
    OUTSIDER,
    PASSPHRASE,
    WORDS,
    database_at,
    file_bytes,
    make_identity,
    opened_notes,
    plaintext_file,
)

from irdesk.domain.enums import FeedbackKind, Severity
from irdesk.domain.models import Incident, Person
from irdesk.reports.signing.identity import IdentityError
from irdesk.reports.signing.note_keys import note_key_path, unlock
from irdesk.storage.database import Database, open_database, plaintext_backups
from irdesk.storage.reads.database_reads import list_all_notes, load_feedback
from irdesk.storage.records import database_edits, feedback
from irdesk.storage.records.feedback import FeedbackRefused, NotesLocked

pytestmark = pytest.mark.both_backends

T0 = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)
ACTOR = "tester"
# Distinctive, so finding it in a file's bytes cannot be a coincidence.
LATER = "Zanzibar-quartz: wrote after HR was removed"


@pytest.fixture
def ids(database: Database) -> dict[str, int]:
    with database.transaction() as session:
        grace = Person(name="Grace Hopper")
        incident = Incident(
            source="t",
            external_id="INC-7",
            title="Ledger lag",
            severity=Severity.SEV2,
            started_at=T0,
        )
        session.add_all([grace, incident])
        session.flush()
        hr = feedback.publish_reader(session, HR.public)
        outsider = feedback.publish_reader(session, OUTSIDER.public)
        assert grace.id is not None and incident.id is not None
        return {"person": grace.id, "incident": incident.id, "hr": hr.id, "outsider": outsider.id}


def add(database: Database, ids: dict[str, int], text: str, *readers: int) -> int:
    row = database_edits.add_note(
        database,
        person_id=ids["person"],
        incident_id=ids["incident"],
        kind=FeedbackKind.PROCEDURAL_COMPLIANCE,
        actor=ACTOR,
        keyring=MANAGER,
        text=text,
        deviation_justified=True,
        readers=list(readers),
    )
    return row.id


def notes_as(database: Database, keyring: object) -> dict[int, feedback.NoteRow]:
    with database.session() as session:
        rows = feedback.list_notes(session, person_id=None, keyring=keyring)  # type: ignore[arg-type]
    return {r.id: r for r in rows}


def test_the_author_and_the_readers_they_name_read_the_note_and_nobody_else(
    database: Database, ids: dict[str, int]
) -> None:
    note = add(database, ids, WORDS, ids["hr"])

    for reader in (MANAGER, HR):
        row = notes_as(database, reader)[note]
        assert (row.readable, row.text, row.kind) == (
            True,
            WORDS,
            FeedbackKind.PROCEDURAL_COMPLIANCE,
        )
        assert row.deviation_justified is True
    # A valid identity that is not a reader, and no identity at all: the note exists,
    # about whom, when and for whom, never what it says.
    for stranger in (OUTSIDER, None):
        row = notes_as(database, stranger)[note]
        assert not row.readable and row.text == "" and row.kind is None
        assert row.deviation_justified is None
        assert row.person_id == ids["person"] and row.created_at is not None
        assert sorted(row.readers) == ["Harper HR", "Morgan Manager"]
    with pytest.raises(NotesLocked, match="Olive Outsider is not a reader"):
        database_edits.edit_note(database, note, 1, actor=ACTOR, keyring=OUTSIDER, text="x")
    assert notes_as(database, MANAGER)[note].text == WORDS


# The bytes of the file itself: a server's storage is the server's.
@pytest.mark.sqlite_only
def test_the_file_holds_ciphertext_only(database: Database, ids: dict[str, int]) -> None:
    note = add(database, ids, WORDS, ids["hr"])
    row = notes_as(database, MANAGER)[note]
    database_edits.edit_note(
        database, note, row.revision, actor=ACTOR, keyring=MANAGER, text=WORDS + " again"
    )
    for path, data in file_bytes(database.path).items():
        assert WORDS.encode() not in data, path
    # …and the ciphertext opens to the words for their reader, straight from the bytes.
    assert [n["text"] for n in opened_notes(database.path, HR)] == [WORDS + " again"]
    with closing(sqlite3.connect(database.path)) as conn, conn:
        (sealed,) = conn.execute("SELECT sealed FROM feedback_note").fetchone()
    conn.close()
    assert len(sealed) > len(WORDS)


# The bytes of the file itself: a server's storage is the server's.
@pytest.mark.sqlite_only
def test_sharing_and_removing_a_reader(database: Database, ids: dict[str, int]) -> None:
    first = add(database, ids, WORDS)
    assert not notes_as(database, HR)[first].readable
    database_edits.share_note(database, first, ids["hr"], actor=ACTOR, keyring=MANAGER)
    assert notes_as(database, HR)[first].text == WORDS
    with pytest.raises(NotesLocked):  # only a reader can share
        database_edits.share_note(database, first, ids["outsider"], actor=ACTOR, keyring=OUTSIDER)

    rekeyed, dropped = database_edits.remove_reader(
        database, ids["hr"], actor=ACTOR, keyring=MANAGER
    )
    assert (rekeyed, dropped) == (1, 0)
    assert not notes_as(database, HR)[first].readable
    assert notes_as(database, MANAGER)[first].text == WORDS
    # Written after the removal: sealed without them, and naming them is refused.
    with pytest.raises(FeedbackRefused, match="was removed as a reader"):
        add(database, ids, LATER, ids["hr"])
    later = add(database, ids, LATER)
    assert not notes_as(database, HR)[later].readable
    assert [n["text"] for n in opened_notes(database.path, HR)] == []


def test_an_organisation_recovery_key_reads_every_new_note(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        feedback.publish_reader(session, OUTSIDER.public, recovery=True)
    note = add(database, ids, WORDS)
    assert notes_as(database, OUTSIDER)[note].text == WORDS


def test_a_locked_session_writes_nothing(database: Database, ids: dict[str, int]) -> None:
    with pytest.raises(NotesLocked, match="unlock"):
        database_edits.add_note(
            database,
            person_id=ids["person"],
            incident_id=ids["incident"],
            kind=FeedbackKind.GROWTH,
            actor=ACTOR,
            keyring=None,
            text=WORDS,
        )
    assert notes_as(database, None) == {}


def test_a_window_and_the_command_line_read_the_same_notes(
    database: Database, ids: dict[str, int]
) -> None:
    note = add(database, ids, WORDS)
    view = load_feedback(database, ids["incident"], MANAGER)
    assert view is not None and [n.text for n in view.notes] == [WORDS]
    listing = list_all_notes(database, person="grace hopper", keyring=None)
    assert [(n.note.id, n.person, n.incident, n.note.readable) for n in listing] == [
        (note, "Grace Hopper", "INC-7", False)
    ]
    with pytest.raises(FeedbackRefused, match="nobody is called 'Ada'"):
        list_all_notes(database, person="Ada")


# ------------------------------------------------------------- identities


def test_an_identity_unlocks_with_its_passphrase_only(tmp_path: Path) -> None:
    identity = make_identity(tmp_path / "morgan.p12", "Morgan Manager")
    keyring = unlock(identity, PASSPHRASE)
    assert keyring.name == "Morgan Manager"
    assert unlock(identity, PASSPHRASE).fingerprint == keyring.fingerprint
    assert "private" not in repr(keyring).lower() or "X25519" not in repr(keyring)
    before = note_key_path(identity).read_bytes()
    with pytest.raises(IdentityError, match="wrong passphrase"):
        unlock(identity, b"not the passphrase")
    assert note_key_path(identity).read_bytes() == before


def test_an_older_identity_gets_its_notes_key_on_first_unlock(tmp_path: Path) -> None:
    from irdesk.reports.signing.identity import create_identity

    identity = tmp_path / "old.p12"
    create_identity(
        identity, name="Old Hand", role=None, organisation=None, email=None, passphrase=PASSPHRASE
    )
    assert not note_key_path(identity).exists()
    with umask(0o022):
        keyring = unlock(identity, PASSPHRASE)
    assert stat.S_IMODE(note_key_path(identity).stat().st_mode) == 0o600
    assert unlock(identity, PASSPHRASE).fingerprint == keyring.fingerprint
    assert b"PRIVATE KEY" in note_key_path(identity).read_bytes()
    assert b"ENCRYPTED" in note_key_path(identity).read_bytes()


# ------------------------------------------------------------- file modes


class umask:
    def __init__(self, mask: int) -> None:
        self.mask = mask

    def __enter__(self) -> None:
        self.old = os.umask(self.mask)

    def __exit__(self, *_exc: object) -> None:
        os.umask(self.old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_its_logs_and_its_backups_are_private_from_the_first_byte(
    tmp_path: Path,
) -> None:
    with umask(0o022):
        db = open_database(tmp_path / "new.db")
        assert mode(db.path) == 0o600
        with db.transaction() as session:
            session.add(Person(name="Grace Hopper"))
        for log in ("-wal", "-shm"):
            assert mode(Path(f"{db.path}{log}")) == 0o600
        db.close()
        old = database_at(tmp_path / "old.db", "0007")
        old.chmod(0o644)
        upgraded = open_database(old)
        assert upgraded.backup_made is not None and mode(upgraded.backup_made) == 0o600
        upgraded.close()


# ------------------------------------------------------------- older files


@pytest.fixture
def old_file(tmp_path: Path) -> Iterator[Path]:
    yield plaintext_file(tmp_path / "old.db")


def test_upgrading_keeps_older_notes_pending_until_a_reader_seals_them(old_file: Path) -> None:
    db = open_database(old_file)
    try:
        assert db.backup_made is not None
        view = notes_as(db, MANAGER)
        assert [(r.pending, r.readable) for r in view.values()] == [(True, False)] * 2
        assert plaintext_backups(db.path) == [db.backup_made]

        sealed = database_edits.seal_pending_notes(db, actor=ACTOR, keyring=MANAGER)

        assert sealed == 2
        assert [r.text for r in notes_as(db, MANAGER).values()] == [
            WORDS,
            "Quasar-lentil: slow to page the database team",
        ]
        assert not any(r.readable for r in notes_as(db, HR).values())
        for path, data in file_bytes(db.path).items():
            if path != db.backup_made:
                assert WORDS.encode() not in data, path
                assert b"Quasar-lentil" not in data, path
        # Only the backup made before the upgrade still holds them, and it is named.
        assert WORDS.encode() in db.backup_made.read_bytes()
        assert plaintext_backups(db.path) == [db.backup_made]
        assert database_edits.seal_pending_notes(db, actor=ACTOR, keyring=MANAGER) == 0
    finally:
        db.close()
    assert WORDS.encode() not in old_file.read_bytes()
