"""Linking incidents by hand: one timeline, audited, never a cycle or a chain."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from irdesk.domain.enums import EventKind
from irdesk.domain.models import AuditEntry, Incident, IncidentMerge, TimelineEvent
from irdesk.storage.database import Database
from irdesk.storage.errors import EditRefused
from irdesk.storage.reads import queries
from irdesk.storage.records.audit import verify_chain
from irdesk.storage.records.merges import (
    MANUAL,
    REFERENCE,
    link_incidents,
    linked_into,
    merge_of,
    unlink_incident,
)

pytestmark = pytest.mark.both_backends

T0 = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def ids(database: Database) -> dict[str, int]:
    """Three incidents, each with one event: pagerduty:P1, jira:OPS-7, opsgenie:A9."""
    with database.transaction() as session:
        incidents = [
            Incident(source="pagerduty", external_id="P1", title="Checkout errors", started_at=T0),
            Incident(
                source="jira",
                external_id="OPS-7",
                title="Checkout 502s",
                started_at=T0 + timedelta(minutes=3),
            ),
            Incident(
                source="opsgenie",
                external_id="A9",
                title="Disk full",
                started_at=T0 - timedelta(days=1),
            ),
        ]
        session.add_all(incidents)
        session.flush()
        for offset, incident in enumerate(incidents):
            session.add(
                TimelineEvent(
                    incident_id=incident.id,
                    occurred_at=T0 + timedelta(minutes=offset),
                    kind=EventKind.NOTE,
                    source=incident.source,
                    text=f"note from {incident.external_id}",
                )
            )
        return {i.external_id: i.id for i in incidents}


def listed(database: Database) -> list[str]:
    with database.session() as session:
        return sorted(row.external_id for row in queries.list_incidents(session))


def timeline_texts(database: Database, incident_id: int) -> list[str]:
    with database.session() as session:
        return [event.text for event in queries.timeline(session, incident_id)]


def audit(database: Database) -> list[tuple[str, str, int | None, dict[str, object]]]:
    with database.session() as session:
        assert verify_chain(session) is None
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(e.action, e.actor, e.entity_id, json.loads(e.detail_json)) for e in entries]


def test_linking_merges_the_timeline_hides_the_row_and_is_audited(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        merge = link_incidents(session, ids["OPS-7"], ids["P1"], actor="Ελένη")
        assert (merge.incident_id, merge.into_id, merge.how) == (ids["OPS-7"], ids["P1"], MANUAL)
        assert merge.evidence is None

    assert listed(database) == ["A9", "P1"]
    assert timeline_texts(database, ids["P1"]) == ["note from P1", "note from OPS-7"]
    with database.session() as session:
        assert linked_into(session, ids["P1"])[0].label == "jira:OPS-7"
        assert not linked_into(session, ids["P1"])[0].found_in_source
    assert audit(database) == [
        (
            "link_incident",
            "Ελένη",
            ids["OPS-7"],
            {"incident": "jira:OPS-7", "into_id": ids["P1"], "into": "pagerduty:P1", "how": MANUAL},
        )
    ]


def test_unlinking_shows_the_incident_on_its_own_again(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        link_incidents(session, ids["OPS-7"], ids["P1"], actor="a")
    with database.transaction() as session:
        assert unlink_incident(session, ids["OPS-7"], actor="b") is True
    with database.transaction() as session:
        assert unlink_incident(session, ids["OPS-7"], actor="b") is False  # nothing to undo

    assert listed(database) == ["A9", "OPS-7", "P1"]
    assert timeline_texts(database, ids["P1"]) == ["note from P1"]
    assert [(action, actor) for action, actor, _, _ in audit(database)] == [
        ("link_incident", "a"),
        ("unlink_incident", "b"),
    ]


def test_a_link_found_in_the_source_data_can_be_unlinked_and_restored_as_it_was(
    database: Database, ids: dict[str, int]
) -> None:
    url = "https://example.atlassian.net/browse/OPS-7"
    with database.transaction() as session:
        link_incidents(
            session, ids["OPS-7"], ids["P1"], actor="import", how=REFERENCE, evidence=url
        )
    with database.transaction() as session:
        unlink_incident(session, ids["OPS-7"], actor="b")
    with database.transaction() as session:
        link_incidents(session, ids["OPS-7"], ids["P1"], actor="b", how=REFERENCE, evidence=url)
    with database.session() as session:
        [linked] = linked_into(session, ids["P1"])
    assert linked.found_in_source and linked.evidence == url
    assert audit(database)[1][3]["evidence"] == url


def test_linking_an_incident_to_itself_is_refused(database: Database, ids: dict[str, int]) -> None:
    with (
        database.transaction() as session,
        pytest.raises(ValueError, match="jira:OPS-7 cannot be linked to itself"),
    ):
        link_incidents(session, ids["OPS-7"], ids["OPS-7"], actor="a")


def test_a_refused_link_is_an_edit_refusal_a_caller_can_catch_with_the_others(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        link_incidents(session, ids["OPS-7"], ids["P1"], actor="a")
    with database.transaction() as session, pytest.raises(EditRefused, match="unlink it first"):
        link_incidents(session, ids["OPS-7"], ids["A9"], actor="a")
    assert len(audit(database)) == 1


def test_linking_into_a_merged_incident_links_into_its_target(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        link_incidents(session, ids["OPS-7"], ids["P1"], actor="a")
    with database.transaction() as session:
        merge = link_incidents(session, ids["A9"], ids["OPS-7"], actor="a")
        assert merge.into_id == ids["P1"]  # one level deep: never a chain

    assert listed(database) == ["P1"]
    assert timeline_texts(database, ids["P1"]) == [
        "note from P1",
        "note from OPS-7",
        "note from A9",
    ]
    assert audit(database)[1][3]["requested_into_id"] == ids["OPS-7"]


def test_a_link_back_would_be_a_cycle_and_is_refused(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        link_incidents(session, ids["OPS-7"], ids["P1"], actor="a")
    with (
        database.transaction() as session,
        pytest.raises(ValueError, match=r"jira:OPS-7 is already linked into pagerduty:P1;.*cycle"),
    ):
        link_incidents(session, ids["P1"], ids["OPS-7"], actor="a")
    with database.session() as session:
        assert merge_of(session, ids["P1"]) is None
    assert len(audit(database)) == 1  # the refused link left no trace


def test_an_incident_others_are_linked_into_cannot_be_hidden_under_a_third(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        link_incidents(session, ids["OPS-7"], ids["P1"], actor="a")
    with (
        database.transaction() as session,
        pytest.raises(ValueError, match="jira:OPS-7 is linked into pagerduty:P1; link the other"),
    ):
        link_incidents(session, ids["P1"], ids["A9"], actor="a")


def test_an_incident_already_linked_elsewhere_must_be_unlinked_first(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        link_incidents(session, ids["OPS-7"], ids["P1"], actor="a")
    with (
        database.transaction() as session,
        pytest.raises(ValueError, match="already linked into pagerduty:P1; unlink it first"),
    ):
        link_incidents(session, ids["OPS-7"], ids["A9"], actor="a")


def test_unknown_incidents_and_kinds_are_refused(database: Database, ids: dict[str, int]) -> None:
    with database.transaction() as session:
        with pytest.raises(ValueError, match="incident 999 does not exist"):
            link_incidents(session, 999, ids["P1"], actor="a")
        with pytest.raises(ValueError, match="incident 999 does not exist"):
            link_incidents(session, ids["P1"], 999, actor="a")
        with pytest.raises(ValueError, match="how must be"):
            link_incidents(session, ids["OPS-7"], ids["P1"], actor="a", how="guess")
        with pytest.raises(ValueError, match="incident 999 does not exist"):
            unlink_incident(session, 999, actor="a")
    with database.session() as session:
        assert session.exec(select(IncidentMerge)).all() == []


def test_a_failed_transaction_takes_the_link_and_its_audit_entry_with_it(
    database: Database, ids: dict[str, int]
) -> None:
    with pytest.raises(RuntimeError), database.transaction() as session:
        link_incidents(session, ids["OPS-7"], ids["P1"], actor="a")
        raise RuntimeError("something after the link failed")
    assert listed(database) == ["A9", "OPS-7", "P1"]
    assert audit(database) == []
