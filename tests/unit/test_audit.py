"""The audit log detects tampering done to the file behind irdesk's back."""

import hashlib

import pytest
from sqlalchemy import text

from irdesk.storage.database import Database
from irdesk.storage.records.audit import append_entry, verify_chain

pytestmark = pytest.mark.both_backends


def record_three(db: Database) -> list[int]:
    ids = []
    with db.transaction() as session:
        for n, action in enumerate(["create", "update", "approve"]):
            entry = append_entry(
                session,
                actor="Ελένη Παπαδοπούλου",
                action=action,
                entity="review",
                entity_id=1,
                detail={"step": n, "text": "Rollback <took> 4 min & worked"},
            )
            ids.append(entry.id)
    return ids


def test_an_untouched_chain_verifies(database: Database) -> None:
    record_three(database)
    with database.session() as session:
        assert verify_chain(session) is None


def test_editing_an_entry_is_detected_at_that_entry(database: Database) -> None:
    ids = record_three(database)
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entry SET actor = 'someone else' WHERE id = :id"), {"id": ids[1]}
        )
    with database.session() as session:
        assert verify_chain(session) == ids[1]


def test_deleting_an_entry_is_detected_at_the_next_one(database: Database) -> None:
    ids = record_three(database)
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": ids[1]})
    with database.session() as session:
        assert verify_chain(session) == ids[2]


def test_an_entry_rolled_back_with_its_change_leaves_no_trace(database: Database) -> None:
    record_three(database)
    try:
        with database.transaction() as session:
            append_entry(session, actor="x", action="update", entity="finding", entity_id=2)
            raise RuntimeError("the edit failed")
    except RuntimeError:
        pass
    with database.session() as session:
        assert verify_chain(session) is None
        assert session.exec(text("SELECT count(*) FROM audit_entry")).one()[0] == 3


def test_editing_what_changed_is_detected_at_that_entry(database: Database) -> None:
    # detail_json says what changed; an entry whose detail can be swapped proves little.
    ids = record_three(database)
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entry SET detail_json = :detail WHERE id = :id"),
            {"detail": '{"step": 1, "text": "nothing happened"}', "id": ids[1]},
        )
    with database.session() as session:
        assert verify_chain(session) == ids[1]


def test_an_entry_keeps_its_detail_sorted_and_readable_and_hashes_it_as_stored_logs_do(
    database: Database,
) -> None:
    # Databases already hold chains hashed this way: a change in how an entry is written
    # down or hashed would make every one of them look tampered with.
    from datetime import UTC, datetime

    from irdesk.storage.records.audit import GENESIS

    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with database.transaction() as session:
        entry = append_entry(
            session,
            actor="Zoë",
            action="edit",
            entity="incident",
            entity_id=7,
            detail={"why": "ü", "field": "title"},
            occurred_at=when,
        )
        detail_json, stored_hash = entry.detail_json, entry.hash
    assert detail_json == '{"field": "title", "why": "ü"}'
    canonical = (
        f'["{GENESIS}","2026-01-02T03:04:05+00:00","Zoë","edit","incident",7,'
        '"{\\"field\\": \\"title\\", \\"why\\": \\"ü\\"}"]'
    )
    assert stored_hash == hashlib.sha256(canonical.encode()).hexdigest()
    with database.session() as session:
        assert verify_chain(session) is None
