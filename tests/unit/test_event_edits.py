"""storage/event_edits.py: added events, corrections, key moments and lifecycle times from events.

Each edit is a compare-and-set on the event's revision and leaves an audit entry
in the same transaction; undo goes back through the same storage functions.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from irdesk.domain.enums import EventKind
from irdesk.domain.models import AuditEntry, Incident, IncidentMerge, TimelineEvent
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict, EditRefused
from irdesk.storage.reads import timeline_records
from irdesk.storage.records import event_edits
from irdesk.storage.records.audit import verify_chain

pytestmark = pytest.mark.both_backends

T0 = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def ids(database: Database) -> dict[str, int]:
    with database.transaction() as session:
        incident = Incident(source="pagerduty", external_id="Q1", title="Checkout", started_at=T0)
        other = Incident(source="jira", external_id="OPS-1", title="Checkout ticket")
        session.add_all([incident, other])
        session.flush()
        assert incident.id is not None and other.id is not None
        session.add(IncidentMerge(incident_id=other.id, into_id=incident.id, how="manual"))
        alert = TimelineEvent(
            incident_id=incident.id,
            occurred_at=T0 + timedelta(minutes=7),
            kind=EventKind.ALERT,
            source="prometheus",
            text="p99 high",
        )
        comment = TimelineEvent(
            incident_id=other.id,
            occurred_at=T0 + timedelta(minutes=9),
            kind=EventKind.NOTE,
            source="jira",
            text="looking",
        )
        session.add_all([alert, comment])
        session.flush()
        assert alert.id is not None and comment.id is not None
        return {"incident": incident.id, "alert": alert.id, "comment": comment.id}


def actions(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.exec(select(AuditEntry.action).order_by(col(AuditEntry.id))))


def event(database: Database, event_id: int) -> TimelineEvent | None:
    with database.session() as session:
        return session.get(TimelineEvent, event_id)


def test_an_added_event_is_marked_as_the_facilitators_and_audited(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        added = event_edits.add_event(
            session,
            ids["incident"],
            occurred_at=T0 + timedelta(minutes=8),
            kind=EventKind.ACTION,
            text="  called the database team ",
            actor="maria",
        )
    stored = event(database, added.event_id)
    assert stored is not None
    assert (stored.text, stored.added_by_facilitator, stored.source) == (
        "called the database team",
        True,
        "facilitator",
    )
    with database.session() as session:
        texts = [e.text for e in timeline_records.record_events(session, ids["incident"])]
    assert texts == ["p99 high", "called the database team", "looking"]
    assert actions(database) == ["add_event"]

    with database.transaction() as session:
        event_edits.remove_added_event(session, added.event_id, revision=0, actor="maria")
    assert event(database, added.event_id) is None
    assert actions(database) == ["add_event", "remove_added_event"]
    assert verify_chain_ok(database)


def verify_chain_ok(database: Database) -> bool:
    with database.session() as session:
        return verify_chain(session) is None


def test_bad_input_is_refused_and_changes_nothing(database: Database, ids: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="needs a text"), database.transaction() as session:
        event_edits.add_event(
            session, ids["incident"], occurred_at=T0, kind=EventKind.NOTE, text=" ", actor="m"
        )
    with pytest.raises(ValueError, match="no time zone"), database.transaction() as session:
        event_edits.add_event(
            session,
            ids["incident"],
            occurred_at=datetime(2026, 10, 14, 9, 0),  # noqa: DTZ001 (the point of the test)
            kind=EventKind.NOTE,
            text="x",
            actor="m",
        )
    with pytest.raises(ValueError, match="say why"), database.transaction() as session:
        event_edits.correct_event(
            session, ids["alert"], revision=0, reason=" ", actor="m", text="y"
        )
    with pytest.raises(ValueError, match="only added events"), database.transaction() as session:
        event_edits.remove_added_event(session, ids["alert"], revision=0, actor="m")
    assert actions(database) == []
    stored = event(database, ids["alert"])
    assert stored is not None and stored.text == "p99 high" and stored.revision == 0


def test_a_correction_keeps_the_first_original_and_says_who_and_why(
    database: Database, ids: dict[str, int]
) -> None:
    later = T0 + timedelta(minutes=11)
    with database.transaction() as session:
        first = event_edits.correct_event(
            session,
            ids["alert"],
            revision=0,
            occurred_at=later,
            text="p99 above 2 s",
            reason="PagerDuty clock was 4 minutes fast",
            actor="maria",
        )
    with database.transaction() as session:
        second = event_edits.correct_event(
            session, ids["alert"], revision=1, text="p99 above 3 s", reason="typo", actor="li"
        )
    stored = event(database, ids["alert"])
    assert stored is not None
    assert (stored.occurred_at, stored.text, stored.revision) == (later, "p99 above 3 s", 2)
    assert (stored.original_occurred_at, stored.original_text) == (
        T0 + timedelta(minutes=7),
        "p99 high",
    )
    assert (stored.corrected_by, stored.correction_reason) == ("li", "typo")

    # Undoing the second correction puts back the first, revision moving on.
    with database.transaction() as session:
        event_edits.restore_event(
            session, ids["alert"], revision=second.revision, state=second.before, actor="li"
        )
    stored = event(database, ids["alert"])
    assert stored is not None
    assert (stored.text, stored.corrected_by, stored.revision) == ("p99 above 2 s", "maria", 3)
    with database.transaction() as session:
        event_edits.restore_event(session, ids["alert"], revision=3, state=first.before, actor="m")
    stored = event(database, ids["alert"])
    assert stored is not None
    assert (stored.text, stored.corrected_at, stored.original_text) == ("p99 high", None, None)
    assert actions(database) == ["correct_event", "correct_event", "restore_event", "restore_event"]
    assert verify_chain_ok(database)


def test_an_edit_from_a_stale_revision_is_a_conflict_and_overwrites_nothing(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        event_edits.set_key_moment(session, ids["alert"], revision=0, key_moment=True, actor="a")
    with pytest.raises(EditConflict, match="changed elsewhere"), database.transaction() as session:
        event_edits.correct_event(
            session, ids["alert"], revision=0, text="mine", reason="r", actor="b"
        )
    stored = event(database, ids["alert"])
    assert stored is not None
    assert (stored.text, stored.is_key_moment, stored.revision) == ("p99 high", True, 1)
    assert actions(database) == ["mark_key_moment"]


def test_a_conflict_names_the_event_and_says_whether_it_was_changed_or_removed(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        event_edits.set_key_moment(session, ids["alert"], revision=0, key_moment=True, actor="a")
    with pytest.raises(EditConflict) as changed, database.transaction() as session:
        event_edits.set_key_moment(session, ids["alert"], revision=0, key_moment=False, actor="b")
    assert (changed.value.entity_id, changed.value.deleted) == (ids["alert"], False)
    assert str(changed.value) == (
        f"event {ids['alert']} was changed elsewhere since you saw it; reload to see the change"
    )

    with database.transaction() as session:
        stale = session.get(TimelineEvent, ids["alert"])
        session.delete(stale)
    with pytest.raises(EditConflict) as removed, database.transaction() as session:
        event_edits.set_key_moment(session, ids["alert"], revision=1, key_moment=False, actor="b")
    assert removed.value.deleted
    assert str(removed.value) == f"event {ids['alert']} no longer exists; it was removed elsewhere"
    assert actions(database) == ["mark_key_moment"]


def test_bad_input_is_an_edit_refusal(database: Database, ids: dict[str, int]) -> None:
    with pytest.raises(EditRefused, match="nothing to correct"), database.transaction() as session:
        event_edits.correct_event(
            session, ids["alert"], revision=0, reason="typo", actor="m", text="p99 high"
        )
    assert actions(database) == []


def test_a_lifecycle_time_from_an_event_of_a_merged_incident_and_its_undo(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        change = event_edits.lifecycle_from_event(
            session, ids["incident"], ids["comment"], "acknowledged_at", actor="maria"
        )
    with database.session() as session:
        record = timeline_records.incident_timeline(session, ids["incident"])
    assert record is not None
    assert record.lifecycle["acknowledged_at"] == T0 + timedelta(minutes=9)
    assert "event" in record.detail.overrides["acknowledged_at"].reason

    with database.transaction() as session:
        event_edits.restore_lifecycle(session, change, actor="maria")
    with database.session() as session:
        record = timeline_records.incident_timeline(session, ids["incident"])
    assert record is not None and record.lifecycle["acknowledged_at"] is None
    assert actions(database) == ["override_lifecycle", "clear_lifecycle_override"]

    with pytest.raises(ValueError, match="not a lifecycle time"), database.transaction() as s:
        event_edits.lifecycle_from_event(s, ids["incident"], ids["comment"], "closed_at", actor="m")
