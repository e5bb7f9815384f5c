"""Readers for tests of sealed feedback notes, and what the notes say, read as a reader.

`KEYRINGS` are made once per test run: an X25519 key pair is instant, and a test that
needs a reader's identity file (with its passphrase) makes one with `make_identity`.
"""

import contextlib
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import create_engine

from irdesk.storage import schema, sealing
from irdesk.storage.sealing import Keyring

MANAGER = Keyring("Morgan Manager", X25519PrivateKey.generate())
HR = Keyring("Harper HR", X25519PrivateKey.generate())
OUTSIDER = Keyring("Olive Outsider", X25519PrivateKey.generate())
PASSPHRASE = b"correct horse battery"
# The words of the notes `plaintext_file` holds: distinctive, so finding them in a
# file's bytes cannot be a coincidence.
WORDS = "Kept calm when the ledger replica lagged 40 minutes"
OTHER_WORDS = "Quasar-lentil: slow to page the database team"


def make_identity(path: Path, name: str) -> Path:
    """A signing identity with its notes key beside it, as `irdesk identity create` makes."""
    from irdesk.reports.signing.identity import create_identity
    from irdesk.reports.signing.note_keys import create_note_key

    create_identity(
        path, name=name, role="Manager", organisation=None, email=None, passphrase=PASSPHRASE
    )
    create_note_key(path, PASSPHRASE)
    return path


def opened_notes(path: Path, keyring: Keyring) -> list[dict[str, Any]]:
    """Every note `keyring` can open, straight from the file's bytes (no irdesk reader)."""
    out = []
    with contextlib.closing(sqlite3.connect(path)) as conn:
        reader = conn.execute(
            "SELECT id FROM note_reader WHERE fingerprint = ?", (keyring.fingerprint,)
        ).fetchone()
        rows = conn.execute(
            "SELECT n.id, n.person_id, n.author_id, n.incident_id, n.sealed, n.revision, "
            "n.created_at, n.updated_at, k.wrapped FROM feedback_note n "
            "JOIN note_key k ON k.note_id = n.id AND k.reader_id = ? ORDER BY n.id",
            (reader[0] if reader else -1,),
        ).fetchall()
    for (
        note_id,
        person_id,
        author_id,
        incident_id,
        sealed,
        revision,
        created,
        updated,
        wrapped,
    ) in rows:
        key = sealing.unwrap(wrapped, keyring, note_id=note_id)
        content = sealing.unseal(key, sealed, note_id=note_id, person_id=person_id)
        out.append(
            {
                "id": note_id,
                "person_id": person_id,
                "author_id": author_id,
                "incident_id": incident_id,
                "revision": revision,
                "created_at": created,
                "updated_at": updated,
                **content,
            }
        )
    return out


def file_bytes(path: Path) -> dict[Path, bytes]:
    """The database, its -wal and -shm, and every backup copy beside it, as bytes."""
    found = [
        path,
        Path(f"{path}-wal"),
        Path(f"{path}-shm"),
        *path.parent.glob(f"{path.name}.backup-*"),
    ]
    return {p: p.read_bytes() for p in found if p.exists()}


def database_at(path: Path, revision: str) -> Path:
    """A file as an older irdesk left it: migrated only up to `revision`."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.upgrade(conn, revision)
    engine.dispose()
    return path


def plaintext_file(path: Path) -> Path:
    """A file at the schema before sealing, with two notes in plain text."""
    database_at(path, "0007")
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO person (id, name) VALUES (1, 'Grace Hopper')")
        for i, (kind, text) in enumerate([("recognition", WORDS), ("growth", OTHER_WORDS)]):
            conn.execute(
                "INSERT INTO feedback_note (id, person_id, kind, text, deviation_justified, "
                "created_at, updated_at, revision) VALUES (?, 1, ?, ?, NULL, "
                "'2026-01-02 00:00:00', '2026-01-02 00:00:00', 0)",
                (i + 1, kind, text),
            )
    conn.close()
    return path
