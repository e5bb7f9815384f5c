"""A small incident database for GUI tests: five incidents, one rich timeline, one flag."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from irdesk.domain.enums import (
    EventKind,
    IncidentStatus,
    ReviewStatus,
    ReviewTier,
    ServiceTier,
    Severity,
)
from irdesk.domain.models import Incident, Person, Review, Service, Team, TimelineEvent
from irdesk.storage.database import open_database

T0 = datetime(2026, 10, 14, 9, 32, tzinfo=UTC)


@dataclass(frozen=True)
class IncidentFile:
    path: Path
    ids: dict[str, int]  # external id → database id


def write_incidents(path: Path) -> IncidentFile:
    """Five incidents over three services, one with a rich timeline, one flagged."""
    db = open_database(path)
    try:
        with db.transaction() as session:
            payments = Team(name="Payments")
            search_team = Team(name="Search")
            session.add_all([payments, search_team])
            session.flush()
            checkout = Service(
                name="checkout-api",
                tier=ServiceTier.TIER1,
                slo_target=99.95,
                owner_team_id=payments.id,
            )
            gateway = Service(name="payments-gateway", tier=ServiceTier.TIER1, slo_target=99.9)
            search = Service(
                name="search", tier=ServiceTier.TIER2, slo_target=99.5, owner_team_id=search_team.id
            )
            ada = Person(name="Ada Lovelace", team_id=payments.id)
            session.add_all([checkout, gateway, search, ada])
            session.flush()

            latency = Incident(
                source="pagerduty",
                external_id="INC-101",
                title="Checkout latency spike",
                service_id=checkout.id,
                severity=Severity.SEV2,
                severity_raw="P2",
                status=IncidentStatus.RESOLVED,
                started_at=T0,
                detected_at=T0 + timedelta(minutes=4),
                acknowledged_at=T0 + timedelta(minutes=6),
                mitigated_at=T0 + timedelta(minutes=40),
                resolved_at=T0 + timedelta(hours=1, minutes=15),
                users_affected=12000,
            )
            outage = Incident(
                source="pagerduty",
                external_id="INC-102",
                title="Payment provider outage",
                service_id=gateway.id,
                severity=Severity.SEV1,
                status=IncidentStatus.RESOLVED,
                started_at=T0 - timedelta(days=3),
                resolved_at=T0 - timedelta(days=3) + timedelta(hours=2),
                external_cause=True,
            )
            lagging = Incident(
                source="jira",
                external_id="OPS-7",
                title="Search index lagging",
                service_id=search.id,
                severity=Severity.SEV3,
                status=IncidentStatus.MITIGATED,
                started_at=T0 - timedelta(days=1),
            )
            flagged = Incident(
                source="jira",
                external_id="OPS-9",
                title="Login emails delayed",
                service_id=checkout.id,
                severity=Severity.SEV4,
                status=IncidentStatus.RESOLVED,
                started_at=T0 - timedelta(days=2),
                detected_at=T0 - timedelta(days=2) + timedelta(minutes=30),
                resolved_at=T0 - timedelta(days=2) + timedelta(minutes=20),
            )
            unrated = Incident(
                source="jira",
                external_id="OPS-11",
                title="Disk alert on batch host",
                status=IncidentStatus.TRIGGERED,
                started_at=T0 - timedelta(days=5),
            )
            session.add_all([latency, outage, lagging, flagged, unrated])
            session.flush()
            session.add(
                Review(
                    incident_id=latency.id,
                    tier=ReviewTier.FULL,
                    status=ReviewStatus.IN_REVIEW,
                    due_on=date(2026, 10, 21),
                )
            )
            session.add_all(
                [
                    TimelineEvent(
                        incident_id=latency.id,
                        occurred_at=T0 + timedelta(minutes=4),
                        kind=EventKind.ALERT,
                        source="prometheus",
                        text="p99 latency above 2 s on checkout-api",
                    ),
                    TimelineEvent(
                        incident_id=latency.id,
                        occurred_at=T0 + timedelta(minutes=6),
                        kind=EventKind.ACKNOWLEDGE,
                        source="pagerduty",
                        actor_person_id=ada.id,
                        text="Acknowledged",
                    ),
                    TimelineEvent(
                        incident_id=latency.id,
                        occurred_at=T0 + timedelta(minutes=40),
                        kind=EventKind.MITIGATE,
                        source="slack",
                        actor_name="grace",
                        text="Rolled back release 4.2.1",
                        is_key_moment=True,
                    ),
                    TimelineEvent(
                        incident_id=latency.id,
                        occurred_at=T0 + timedelta(hours=1, minutes=15),
                        kind=EventKind.RESOLVE,
                        source="pagerduty",
                        text="Resolved after cache warm-up",
                        original_text="Resolved",
                        corrected_by="facilitator",
                        corrected_at=T0 + timedelta(days=2),
                    ),
                ]
            )
        return IncidentFile(
            path=path,
            ids={i.external_id: i.id for i in (latency, outage, lagging, flagged, unrated)},
        )
    finally:
        db.close()
