"""The schema's promises: keys, constraints, UTC times, flags instead of rejections."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from irdesk.domain.enums import ActionStatus, EventKind, ReviewTier, ServiceTier, Severity
from irdesk.domain.models import ActionItem, Incident, Person, Review, Service, Team, TimelineEvent
from irdesk.storage.database import Database

T0 = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)


def add_incident(db: Database, **fields: object) -> int:
    values: dict[str, object] = {
        "source": "pagerduty",
        "external_id": "Q1",
        "title": "Checkout errors",
    }
    values.update(fields)
    with db.transaction() as session:
        incident = Incident(**values)
        session.add(incident)
        session.flush()
        assert incident.id is not None
        return incident.id


def test_an_incident_is_keyed_by_source_and_external_id(database: Database) -> None:
    add_incident(database, external_id="Q1")
    add_incident(database, source="jira", external_id="Q1")  # same key, other source: fine
    with pytest.raises(IntegrityError, match="UNIQUE"):
        add_incident(database, external_id="Q1")
    with database.session() as session:
        assert len(session.exec(select(Incident)).all()) == 2


def test_an_empty_external_id_is_refused_because_it_cannot_key_a_reimport(
    database: Database,
) -> None:
    with pytest.raises(IntegrityError, match="CHECK"):
        add_incident(database, external_id="")


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), database.transaction() as session:
        session.add(
            TimelineEvent(incident_id=999, occurred_at=T0, kind=EventKind.ALERT, source="x")
        )


def test_deleting_an_incident_deletes_its_timeline(database: Database) -> None:
    incident_id = add_incident(database)
    with database.transaction() as session:
        session.add(
            TimelineEvent(incident_id=incident_id, occurred_at=T0, kind=EventKind.PAGE, source="pd")
        )
    with database.transaction() as session:
        session.delete(session.get(Incident, incident_id))
    with database.session() as session:
        assert session.exec(select(TimelineEvent)).all() == []


def test_times_come_back_as_aware_utc_whatever_zone_went_in(database: Database) -> None:
    berlin_summer = timezone(timedelta(hours=2))
    incident_id = add_incident(
        database, started_at=datetime(2026, 7, 1, 11, 0, tzinfo=berlin_summer)
    )
    with database.session() as session:
        started = session.get(Incident, incident_id).started_at
    assert started == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert started.tzinfo is UTC


def test_a_naive_time_is_refused_rather_than_guessed(database: Database) -> None:
    with pytest.raises(StatementError, match="no time zone"):
        add_incident(database, started_at=datetime(2026, 7, 1, 11, 0))  # noqa: DTZ001


def test_severity_outside_the_enum_is_refused_by_the_database_itself(database: Database) -> None:
    add_incident(database)
    with pytest.raises(IntegrityError, match="CHECK"), database.engine.begin() as conn:
        conn.execute(text("UPDATE incident SET severity = 'SEV9'"))


def test_resolved_before_detected_is_stored_and_flagged(database: Database) -> None:
    incident_id = add_incident(
        database,
        severity=Severity.SEV2,
        started_at=T0,
        detected_at=T0 + timedelta(minutes=10),
        resolved_at=T0 + timedelta(minutes=5),
    )
    with database.session() as session:
        incident = session.get(Incident, incident_id)
    assert incident.flags == ["resolved_before_detected"]


def test_flags_follow_a_correction(database: Database) -> None:
    incident_id = add_incident(database, detected_at=T0, resolved_at=T0 - timedelta(minutes=1))
    with database.transaction() as session:
        session.get(Incident, incident_id).resolved_at = T0 + timedelta(hours=1)
    with database.session() as session:
        incident = session.get(Incident, incident_id)
    assert incident.flags == []
    assert incident.updated_at > incident.created_at


def test_an_action_item_has_one_owner_at_most(database: Database) -> None:
    incident_id = add_incident(database)
    with database.transaction() as session:
        team = Team(name="Payments")
        person = Person(name="Zoë Ñúñez", email="zoe@example.com")
        review = Review(incident_id=incident_id, tier=ReviewTier.FULL)
        session.add_all([team, person, review])
        session.flush()
        ids = (team.id, person.id, review.id)
    with pytest.raises(IntegrityError, match="CHECK"), database.transaction() as session:
        session.add(
            ActionItem(
                review_id=ids[2],
                title="Add canary analysis",
                owner_team_id=ids[0],
                owner_person_id=ids[1],
                status=ActionStatus.OPEN,
            )
        )


def test_slo_target_must_be_a_percentage(database: Database) -> None:
    with pytest.raises(IntegrityError, match="CHECK"), database.transaction() as session:
        session.add(Service(name="search", tier=ServiceTier.TIER2, slo_target=999.0))


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(database: Database) -> None:
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (
            "SELECT * FROM timeline_event WHERE incident_id = 1 ORDER BY occurred_at",
            "ix_timeline_incident_time",
        ),
        ("SELECT * FROM incident ORDER BY started_at DESC", "ix_incident_started_at"),
        (
            "SELECT * FROM incident WHERE service_id = 1 ORDER BY started_at",
            "ix_incident_service_started",
        ),
        # A later import links to stored incidents by URL and by alias, once per reference.
        (
            "SELECT id FROM incident WHERE url = 'https://x/1' ORDER BY id LIMIT 1",
            "ix_incident_url",
        ),
        ("SELECT incident_id FROM incident_alias WHERE alias = '12728'", "sqlite_autoindex"),
    ],
)
def test_list_and_timeline_queries_use_an_index(database: Database, query: str, index: str) -> None:
    with database.engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}"))
    assert index in plan
