"""A small organisation whose every figure is worked out by hand in tests/unit/metrics.

Period: Monday 2026-01-05 00:00 to Thursday 2026-01-15 00:00 UTC (10 days, 14,400
minutes); the previous period is the 10 days before. Times below are UTC.

  id service sev cust  started       detect ack  mitigate resolve  notes
  1  api     1   1     Jan 5 10:00   +5    +8    +30      +60      verified +90; 1,000 users
  2  api     2   1     Jan 6 10:00   +10   +25   +60      +120
  3  web     3   4     Jan 7 12:00   —     —     +100     +200     external cause
  4  web     3   —     Jan 8 20:00   +20   +30   +40      +50
  5  api     2   2     Jan 2 10:00   +20   +30   +90      +180     previous period

People: 1 Ann (Core, rate 100), 2 Bob (Core, rate 50), 3 Cy (Edge, no rate: the
policy's 90), 4 Dee (Edge); all in UTC. Services: api (Core, SLO 99.9%, 10 a
minute), web (Edge, SLO 99%, 2 a minute).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlmodel import Session

from irdesk.domain.enums import (
    ActionStatus,
    EventKind,
    ReviewStatus,
    ReviewTier,
    ServiceTier,
    Severity,
)
from irdesk.domain.metrics.data import (
    ActionColumns,
    ActionInfo,
    EventColumns,
    IncidentInput,
    MetricData,
    PersonInfo,
    ReviewInfo,
    ServiceInfo,
    TeamInfo,
    incident_columns,
)
from irdesk.domain.metrics.selection import Period
from irdesk.domain.models import ActionItem, Incident, Person, Review, Service, Team, TimelineEvent

START = datetime(2026, 1, 5, tzinfo=UTC)
PERIOD = Period(START, START + timedelta(days=10))
CORE, EDGE = 1, 2
ANN, BOB, CY, DEE = 1, 2, 3, 4
API, WEB = 1, 2


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Day 0 is Monday 2026-01-05."""
    return START + timedelta(days=day, hours=hour, minutes=minute)


def _incident(
    id: int,
    service: int,
    sev: str,
    cust: str | None,
    start: datetime,
    *offsets: int | None,
    **kw: object,
) -> IncidentInput:
    detect, ack, mitigate, resolve = offsets

    def plus(minutes: int | None) -> datetime | None:
        return None if minutes is None else start + timedelta(minutes=minutes)

    return IncidentInput(
        id=id,
        service_id=service,
        severity=sev,
        customer_severity=cust,
        started_at=start,
        detected_at=plus(detect),
        acknowledged_at=plus(ack),
        mitigated_at=plus(mitigate),
        resolved_at=plus(resolve),
        **kw,  # type: ignore[arg-type]
    )


INCIDENTS = [
    _incident(
        1,
        API,
        "SEV1",
        "SEV1",
        at(0, 10),
        5,
        8,
        30,
        60,
        title="API latency high",
        verified_at=at(0, 11, 30),
        users_affected=1000,
    ),
    _incident(2, API, "SEV2", "SEV1", at(1, 10), 10, 25, 60, 120, title="Database failover stuck"),
    _incident(
        3,
        WEB,
        "SEV3",
        "SEV4",
        at(2, 12),
        None,
        None,
        100,
        200,
        title="Web checkout errors after deploy",
        external_cause=True,
    ),
    _incident(
        4,
        WEB,
        "SEV3",
        None,
        at(3, 20),
        20,
        30,
        40,
        50,
        title="Web checkout errors after config push",
    ),
    _incident(5, API, "SEV2", "SEV2", at(-3, 10), 20, 30, 90, 180, title="Queue backlog"),
]

PAGES = [
    (1, ANN, at(0, 10, 5)),
    (2, BOB, at(1, 10, 10)),
    (3, CY, at(2, 12, 30)),
    (4, CY, at(3, 20, 20)),  # after hours, and twice in one evening shift
    (4, CY, at(3, 20, 25)),
    (5, DEE, at(-3, 10, 20)),  # previous period: Dee is on the rotation
]
# (incident, person, first event, last event)
PARTICIPATION = [
    (1, ANN, at(0, 10, 5), at(0, 11)),
    (2, BOB, at(1, 10, 10), at(1, 12)),
    (2, ANN, at(1, 10, 40), at(1, 10, 40)),
    (3, CY, at(2, 12, 30), at(2, 15, 20)),
    (4, CY, at(3, 20, 20), at(3, 20, 50)),
    (5, DEE, at(-3, 10, 20), at(-3, 13)),
]
RESOLVERS = [(1, ANN), (2, BOB), (3, CY), (4, CY), (5, DEE)]

ACTIONS = (
    ActionInfo(1, 1, "Alert on p99", ANN, None, date(2026, 1, 10), "done", at(4, 9), at(0, 12)),
    ActionInfo(
        2, 2, "Failover runbook", None, CORE, date(2026, 1, 12), "done", at(8, 9), at(1, 13)
    ),
    ActionInfo(3, 4, "Config check", CY, None, date(2026, 1, 11), "open", None, at(3, 22)),
    ActionInfo(4, 4, "Canary deploys", CY, None, date(2026, 1, 14), "wont_do", None, at(3, 22)),
    ActionInfo(5, 4, "Later", CY, None, date(2026, 1, 20), "open", None, at(3, 22)),  # due after
)
REVIEWS = {
    1: ReviewInfo(1, "full", "approved", at(3, 9)),  # deadline Jan 10 11:00: on time
    2: ReviewInfo(2, "full", "signed", at(7, 9)),  # deadline Jan 11 12:00: late
    4: ReviewInfo(4, "lightweight", "draft", None),
}


@dataclass(frozen=True)
class Org:
    services: dict[int, ServiceInfo]
    teams: dict[int, TeamInfo]
    people: dict[int, PersonInfo]


ORG = Org(
    services={
        API: ServiceInfo(API, "api", 99.9, 10.0, CORE),
        WEB: ServiceInfo(WEB, "web", 99.0, 2.0, EDGE),
    },
    teams={CORE: TeamInfo(CORE, "Core"), EDGE: TeamInfo(EDGE, "Edge")},
    people={
        ANN: PersonInfo(ANN, "Ann", CORE, UTC, 100.0),
        BOB: PersonInfo(BOB, "Bob", CORE, UTC, 50.0),
        CY: PersonInfo(CY, "Cy", EDGE, UTC, None),
        DEE: PersonInfo(DEE, "Dee", EDGE, UTC, 70.0),
    },
)


def metric_data(incidents: list[IncidentInput] | None = None) -> MetricData:
    return MetricData(
        incidents=incident_columns(incidents if incidents is not None else INCIDENTS),
        events=EventColumns.build(pages=PAGES, participation=PARTICIPATION, resolvers=RESOLVERS),
        services=ORG.services,
        teams=ORG.teams,
        people=ORG.people,
        actions=ActionColumns.from_items(ACTIONS),
        reviews=REVIEWS,
    )


EVENTS = [  # (incident, kind, person, time): they imply PAGES, PARTICIPATION, RESOLVERS
    *[(i, EventKind.PAGE, p, t) for i, p, t in PAGES],
    (1, EventKind.RESOLVE, ANN, at(0, 11)),
    (2, EventKind.ACTION, ANN, at(1, 10, 40)),
    (2, EventKind.RESOLVE, BOB, at(1, 12)),
    (3, EventKind.RESOLVE, CY, at(2, 15, 20)),
    (4, EventKind.RESOLVE, CY, at(3, 20, 50)),
    (5, EventKind.RESOLVE, DEE, at(-3, 13)),
]


def write_to(session: Session) -> None:
    """The fixture as rows of a real database, events implying PAGES, PARTICIPATION, RESOLVERS."""
    for team in ORG.teams.values():
        session.add(Team(id=team.id, name=team.name))
    session.flush()
    for p in ORG.people.values():
        session.add(
            Person(
                id=p.id, name=p.name, team_id=p.team_id, time_zone="UTC", hourly_rate=p.hourly_rate
            )
        )
    for s in ORG.services.values():
        session.add(
            Service(
                id=s.id,
                name=s.name,
                tier=ServiceTier.TIER1,
                slo_target=s.slo_target,
                cost_per_minute=s.cost_per_minute,
                owner_team_id=s.owner_team_id,
            )
        )
    session.flush()
    for i in INCIDENTS:
        session.add(
            Incident(
                id=i.id,
                source="test",
                external_id=f"T-{i.id}",
                title=i.title,
                service_id=i.service_id,
                severity=Severity(i.severity),
                customer_severity=Severity(i.customer_severity) if i.customer_severity else None,
                started_at=i.started_at,
                detected_at=i.detected_at,
                acknowledged_at=i.acknowledged_at,
                mitigated_at=i.mitigated_at,
                resolved_at=i.resolved_at,
                verified_at=i.verified_at,
                users_affected=i.users_affected,
                external_cause=i.external_cause,
            )
        )
    session.flush()
    for n, (incident, kind, person, when) in enumerate(EVENTS):
        session.add(
            TimelineEvent(
                incident_id=incident,
                occurred_at=when,
                kind=kind,
                source="test",
                external_id=f"e{n}",
                actor_person_id=person,
            )
        )
    for incident_id, review in REVIEWS.items():
        session.add(
            Review(
                id=incident_id,
                incident_id=incident_id,
                tier=ReviewTier(review.tier),
                status=ReviewStatus(review.status),
                approved_at=review.approved_at,
            )
        )
    session.flush()
    for a in ACTIONS:
        session.add(
            ActionItem(
                id=a.id,
                review_id=a.incident_id,
                title=a.title,
                owner_person_id=a.owner_person_id,
                owner_team_id=a.owner_team_id,
                due_on=a.due_on,
                status=ActionStatus(a.status),
                completed_at=a.completed_at,
                created_at=a.created_at,
            )
        )


def assert_same_data(fast: MetricData, slow: MetricData) -> None:
    """Two reads of the same file agree field by field, dtypes included."""
    for part in ("incidents", "events", "actions"):
        for name, value in vars(getattr(fast, part)).items():
            other = vars(getattr(slow, part))[name]
            if isinstance(value, np.ndarray):
                assert value.dtype == other.dtype, (part, name)
                assert np.array_equal(value, other, equal_nan=value.dtype.kind == "f"), (part, name)
            else:
                assert value == other, (part, name)
    for part in ("services", "teams", "people", "reviews"):
        assert getattr(fast, part) == getattr(slow, part), part
