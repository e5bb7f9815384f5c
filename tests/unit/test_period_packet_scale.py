"""A period packet over many services and incidents: what it lists is bounded, what it
counts and hashes is every incident of the period, read in bulk.

Hand-built: 25 services (Shop 01 … Shop 25; a minute of downtime costs 1; SLO 99.9999 %,
an error budget of 8 s a quarter, which every one misses), each with one incident in
2026-Q1 that lasts as many minutes as its number (Shop 07's: 7), and each RTO 1 minute,
so every incident but Shop 01's misses it (by n − 1 minutes).
Per-service tables keep the 20 that matter most (packets/period_sections.MOST_ROWS):
the five left out are Shop 01 … Shop 05, which cost 1 + 2 + 3 + 4 + 5 = 15 together.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from packet_fixtures import pdf_text, require_tools

from irdesk.domain.enums import EventKind, IncidentStatus, ServiceTier, Severity
from irdesk.domain.models import (
    Incident,
    LifecycleOverride,
    Person,
    Service,
    TimelineEvent,
    stored_id,
)
from irdesk.reports.packets.export import PacketRequest, export_packet, prepare
from irdesk.storage.database import Database
from irdesk.storage.reads.packet_data import PeriodIncidents, packet_incidents

pytestmark = pytest.mark.both_backends

START = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def build(database: Database) -> dict[str, int]:
    ids = {}
    with database.transaction() as session:
        for n in range(1, 26):
            service = Service(
                name=f"Shop {n:02d}",
                tier=ServiceTier.TIER2,
                slo_target=99.9999,
                cost_per_minute=1.0,
                rto_minutes=1.0,
            )
            session.add(service)
            session.flush()
            incident = Incident(
                source="hand",
                external_id=f"OUT-{n}",
                title=f"Shop {n:02d} down",
                service_id=service.id,
                severity=Severity.SEV2,
                status=IncidentStatus.RESOLVED,
                started_at=START + timedelta(hours=n),
                detected_at=START + timedelta(hours=n),
                resolved_at=START + timedelta(hours=n, minutes=n),
            )
            session.add(incident)
            session.flush()
            assert incident.id is not None
            ids[f"OUT-{n}"] = incident.id
    return ids


def squeezed(text: str) -> str:
    return " ".join(text.split())


def test_the_executive_packet_lists_the_20_services_that_matter_most(
    database: Database, tmp_path: Path
) -> None:
    require_tools("pdftotext")
    build(database)
    out = tmp_path / "executive-2026-Q1.pdf"
    export_packet(database, PacketRequest("executive", period="2026-Q1"), out, created_by="t")
    text = squeezed(pdf_text(out))
    assert "The 20 services that used the most of their error budget, of 25" in text
    assert "of the other 5, 0 met their SLO" in text
    assert "All, then the 20 costliest services of 25; the other 5 together cost 15" in text
    assert "irdesk metrics --from 2026-01-01 --to 2026-03-31 --by service" in text
    assert "Shop 06" in text and "Shop 25" in text
    for left_out in ("Shop 01", "Shop 02", "Shop 03", "Shop 04", "Shop 05"):
        assert left_out not in text, left_out
    # 24 incidents missed the RTO of 1 minute; the 20 worst are listed (OUT-25 … OUT-6).
    assert "The 20 incidents that missed it by most, of 24." in text
    assert "hand:OUT-25" in text and "hand:OUT-6 " in text
    assert "hand:OUT-5 " not in text


def test_the_period_is_read_in_bulk_with_overrides_and_classifications(
    database: Database,
) -> None:
    ids = build(database)
    with database.transaction() as session:
        # A facilitator moved OUT-3's resolution to 30 minutes after its start.
        session.add(
            LifecycleOverride(
                incident_id=ids["OUT-3"],
                field="resolved_at",
                value=START + timedelta(hours=3, minutes=30),
            )
        )
    with database.session() as session:
        wanted = [ids["OUT-4"], ids["OUT-3"], 10**9]  # one that does not exist
        rows = packet_incidents(session, wanted)
    assert [r.external_id for r in rows] == ["OUT-4", "OUT-3"]  # in the order asked for
    four, three = rows
    assert four.service == "Shop 04" and four.severity == "SEV2" and four.overridden == ()
    assert four.lifecycle["resolved_at"] == START + timedelta(hours=4, minutes=4)
    assert three.overridden == ("resolved_at",)
    assert three.lifecycle["resolved_at"] == START + timedelta(hours=3, minutes=30)
    assert three.lifecycle["started_at"] == START + timedelta(hours=3)
    prepared = prepare(database, PacketRequest("executive", period="2026-Q1"))
    data = prepared.data
    assert isinstance(data, PeriodIncidents)
    assert [i.external_id for i in data.incidents] == [f"OUT-{n}" for n in range(1, 26)]
    recovered = {c.label: c.recovery_minutes for c in prepared.continuity}
    assert recovered["hand:OUT-3"] == 30 and recovered["hand:OUT-25"] == 25


def test_a_packet_listing_every_incident_finishes_and_says_how_far_it_got(
    database: Database, tmp_path: Path
) -> None:
    """Ana acknowledged 900 incidents (LONG-1 … LONG-900), one a day from 2024-01-01: the
    manager packet without a period lists them all, in tables of 200 rows, and reports
    its pages every 20 as it composes them."""
    require_tools("pdftotext")
    with database.transaction() as session:
        ana = Person(name="Ana")
        session.add(ana)
        session.flush()
        day = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
        incidents = [
            Incident(
                source="hand",
                external_id=f"LONG-{n}",
                title=f"Night {n}",
                status=IncidentStatus.RESOLVED,
                started_at=day + timedelta(days=n),
                resolved_at=day + timedelta(days=n, minutes=30),
            )
            for n in range(1, 901)
        ]
        session.add_all(incidents)
        session.flush()
        session.add_all(
            TimelineEvent(
                incident_id=stored_id(i.id),
                occurred_at=day,
                kind=EventKind.ACKNOWLEDGE,
                source="hand",
                actor_person_id=ana.id,
            )
            for i in incidents
        )
    said: list[str] = []
    out = tmp_path / "ana.pdf"
    result = export_packet(
        database, PacketRequest("manager", person="Ana"), out, created_by="t", report=said.append
    )
    text = squeezed(pdf_text(out))
    assert "Incidents taken part in (all time) 900" in text
    assert "LONG-1 — Night 1 " in text and "LONG-900 — Night 900 " in text
    assert result.pages > 20
    assert "Composing pages… 20 so far" in said
