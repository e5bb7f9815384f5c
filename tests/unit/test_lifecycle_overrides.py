"""A facilitator's corrected lifecycle times: kept beside the source's, audited, effective."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from irdesk.domain.models import AuditEntry, Incident
from irdesk.storage.database import Database
from irdesk.storage.reads import queries
from irdesk.storage.records.audit import verify_chain
from irdesk.storage.records.lifecycle_edits import clear_override, set_override

pytestmark = pytest.mark.both_backends

T0 = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def incident_id(database: Database) -> int:
    with database.transaction() as session:
        incident = Incident(
            source="pagerduty",
            external_id="Q1",
            title="Checkout errors",
            started_at=T0,
            detected_at=T0 + timedelta(minutes=12),
            resolved_at=T0 + timedelta(hours=2),
        )
        session.add(incident)
        session.flush()
        return incident.id


def test_an_override_changes_the_effective_time_and_keeps_the_source_value(
    database: Database, incident_id: int
) -> None:
    customer_report = T0 - timedelta(minutes=20)
    with database.transaction() as session:
        set_override(
            session,
            incident_id,
            "started_at",
            customer_report,
            reason="first customer ticket at 09:10",
            actor="Ελένη",
        )
    with database.session() as session:
        detail = queries.incident_detail(session, incident_id)
        entries = session.exec(select(AuditEntry)).all()
        assert verify_chain(session) is None
    assert detail.incident.started_at == T0  # what the source said stays
    assert detail.lifecycle["started_at"] == customer_report
    assert detail.lifecycle["detected_at"] == T0 + timedelta(minutes=12)
    assert detail.overrides["started_at"].reason == "first customer ticket at 09:10"
    assert [(e.action, e.actor) for e in entries] == [("override_lifecycle", "Ελένη")]
    assert '"source_value": "2026-10-14T09:30:00+00:00"' in entries[0].detail_json


def test_clearing_returns_to_the_source_value(database: Database, incident_id: int) -> None:
    with database.transaction() as session:
        set_override(session, incident_id, "resolved_at", None, reason="never resolved", actor="a")
    with database.transaction() as session:
        assert clear_override(session, incident_id, "resolved_at", actor="a") is True
        assert clear_override(session, incident_id, "resolved_at", actor="a") is False
    with database.session() as session:
        detail = queries.incident_detail(session, incident_id)
    assert detail.overrides == {}
    assert detail.lifecycle["resolved_at"] == T0 + timedelta(hours=2)


@pytest.mark.parametrize(
    ("field", "reason", "error"),
    [("closed_at", "why", ValueError), ("started_at", "   ", ValueError)],
    ids=["not-a-lifecycle-field", "no-reason"],
)
def test_bad_overrides_are_refused_and_change_nothing(
    database: Database, incident_id: int, field: str, reason: str, error: type[Exception]
) -> None:
    with pytest.raises(error), database.transaction() as session:
        set_override(session, incident_id, field, T0, reason=reason, actor="a")
    with database.session() as session:
        assert queries.incident_detail(session, incident_id).overrides == {}
        assert session.exec(select(AuditEntry)).all() == []
