"""Run-time storage failures become messages a user can act on, and change nothing."""

import sqlite3
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from irdesk.domain.models import Team
from irdesk.storage.database import Database, make_engine
from irdesk.storage.errors import (
    DatabaseBusy,
    DatabaseNotWritable,
    EditConflict,
    EditRefused,
)
from irdesk.storage.records.action_items import ActionRefused
from irdesk.storage.records.feedback import FeedbackRefused
from irdesk.storage.records.reviews import OpenBlameFlags, ReviewRefused


def test_a_database_locked_by_another_program_is_reported(database: Database) -> None:
    impatient = Database(path=database.path, engine=make_engine(database.path, busy_timeout_ms=50))
    other = sqlite3.connect(database.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with (
            pytest.raises(
                DatabaseBusy,
                match="is being written by another irdesk or another program; try again",
            ) as error,
            impatient.transaction() as session,
        ):
            session.add(Team(name="Payments"))
        assert str(database.path) in str(error.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
        impatient.close()
    with database.session() as session:
        assert session.exec(select(Team)).all() == []


def test_a_database_that_cannot_be_written_is_reported(database: Database) -> None:
    # Tests run as root, which file permissions do not stop; SQLite's query_only
    # pragma fails a write the same way a read-only file does.
    readonly = Database(path=database.path, engine=make_engine(database.path))

    @event.listens_for(readonly.engine, "connect")
    def _query_only(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA query_only=ON")

    try:
        with (
            pytest.raises(DatabaseNotWritable, match="read-only"),
            readonly.connection() as conn,
        ):
            conn.exec_driver_sql("INSERT INTO team (name) VALUES ('Payments')")
    finally:
        readonly.close()


def test_every_refusal_of_an_edit_can_be_caught_as_one_error() -> None:
    refusals = [ReviewRefused, OpenBlameFlags, ActionRefused, FeedbackRefused]
    assert all(issubclass(refusal, EditRefused) for refusal in refusals)
    # Callers that treat a ValueError as a message for the user keep working.
    assert issubclass(EditRefused, ValueError)
    # A conflict is answered differently (reload, or keep mine), so it is not a refusal.
    assert not issubclass(EditConflict, EditRefused)
    assert str(EditConflict("review", 3)) == "review 3 was changed elsewhere (another window?)"
    assert str(EditConflict("finding", 4, deleted=True)) == (
        "finding 4 was deleted elsewhere (another window?)"
    )
