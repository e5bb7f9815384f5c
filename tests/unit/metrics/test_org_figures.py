"""The figures an organisation directory and classifications make: teams, rotations, local
after hours, cost, SLO windows and the policy's exclusions, read from a database file.

A small organisation built by hand, every expected value worked out below:

People
    Ana (Core, Asia/Hong_Kong, UTC+8 all year, 100 an hour)
    Ben (Edge, America/New_York, UTC−5 until daylight saving on 8 March, 80 an hour)
    Cat (no team of her own, a member of Edge; no zone, no rate: the policy's zone and 90)
Services
    api     owner Core, SLO 99.5 % over 14 days, 10 a minute of downtime
    billing made by an incident import: no owner, the default 99.9 %, no price
Rotations (dated membership)
    Primary (Core)    Ana 2 Mar – 5 Mar, Ben from 5 Mar on
    Secondary (Edge)  Cat always, Ben 2 Mar – 5 Mar
Incidents (the period: the week of 2–8 March 2026, UTC days)
    1 api      Tue 3 Mar 02:00–02:30 mitigated, 03:00 resolved; Ana paged 02:00
               (10:00 in Hong Kong: business hours, though 02:00 UTC is not), resolves
    2 billing  Tue 3 Mar 15:00–15:10, 16:00; Ben paged 15:00 (10:00 in New York), resolves;
               no owner: Ben was on Secondary then, so his team, Edge
    3 billing  Wed 4 Mar 23:30–23:45, Thu 00:15; Ana paged 23:30 (07:30 Thursday in
               Hong Kong: after hours), Cat resolves; Ana on Primary then: Core (the
               rotation decides before the resolver, who would say Edge)
    4 api      Fri 6 Mar 20:00–21:00, 21:00; Ben paged 20:00 (15:00 in New York), Cat paged
               20:10 (no zone: 20:10 in the policy's UTC, after hours), Cat resolves;
               classified: external cause, downtime cost 5,000
    5 billing  Sat 7 Mar 10:00, never mitigated, resolved 11:00; nobody paged; Cat notes at
               10:05 and resolves: her team through team_member, Edge;
               classified: approved technical debt
"""

from datetime import UTC, datetime

import pytest

from irdesk.domain.enums import EventKind, IncidentStatus, ServiceTier
from irdesk.domain.metrics.figures import Figures
from irdesk.domain.metrics.selection import Period
from irdesk.domain.metrics.tables import figures_json
from irdesk.domain.models import (
    Incident,
    Person,
    Rotation,
    RotationMember,
    Service,
    Team,
    TeamMember,
    TimelineEvent,
)
from irdesk.domain.policy import Policy
from irdesk.storage.bulk.metric_data import compute_from_database, load_metric_data
from irdesk.storage.database import Database
from irdesk.storage.records.classifications import classification_of, classify
from irdesk.storage.records.policies import save_policy

CORE, EDGE = 1, 2
ANA, BEN, CAT = 1, 2, 3
API, BILLING = 1, 2
PRIMARY, SECONDARY = 1, 2
PERIOD = Period(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


INCIDENTS = [  # id, service, started, mitigated, resolved
    (1, API, at(3, 2), at(3, 2, 30), at(3, 3)),
    (2, BILLING, at(3, 15), at(3, 15, 10), at(3, 16)),
    (3, BILLING, at(4, 23, 30), at(4, 23, 45), at(5, 0, 15)),
    (4, API, at(6, 20), at(6, 21), at(6, 21)),
    (5, BILLING, at(7, 10), None, at(7, 11)),
]
EVENTS = [  # incident, kind, person, time
    (1, EventKind.PAGE, ANA, at(3, 2)),
    (1, EventKind.RESOLVE, ANA, at(3, 3)),
    (2, EventKind.PAGE, BEN, at(3, 15)),
    (2, EventKind.RESOLVE, BEN, at(3, 16)),
    (3, EventKind.PAGE, ANA, at(4, 23, 30)),
    (3, EventKind.RESOLVE, CAT, at(5, 0, 15)),
    (4, EventKind.PAGE, BEN, at(6, 20)),
    (4, EventKind.PAGE, CAT, at(6, 20, 10)),
    (4, EventKind.RESOLVE, CAT, at(6, 21)),
    (5, EventKind.NOTE, CAT, at(7, 10, 5)),
    (5, EventKind.RESOLVE, CAT, at(7, 11)),
]


@pytest.fixture
def org(database: Database) -> Database:
    with database.transaction() as session:
        session.add_all([Team(id=CORE, name="Core"), Team(id=EDGE, name="Edge")])
        session.flush()
        session.add_all(
            [
                Person(
                    id=ANA, name="Ana", team_id=CORE, time_zone="Asia/Hong_Kong", hourly_rate=100
                ),
                Person(
                    id=BEN, name="Ben", team_id=EDGE, time_zone="America/New_York", hourly_rate=80
                ),
                Person(id=CAT, name="Cat"),
            ]
        )
        session.flush()
        session.add(TeamMember(team_id=EDGE, person_id=CAT))
        session.add_all(
            [
                Service(
                    id=API,
                    name="api",
                    tier=ServiceTier.TIER1,
                    slo_target=99.5,
                    slo_window_days=14,
                    cost_per_minute=10.0,
                    owner_team_id=CORE,
                ),
                Service(id=BILLING, name="billing", tier=ServiceTier.TIER3, slo_target=99.9),
                Rotation(id=PRIMARY, name="Primary", team_id=CORE),
                Rotation(id=SECONDARY, name="Secondary", team_id=EDGE),
            ]
        )
        session.flush()
        session.add_all(
            [
                RotationMember(
                    rotation_id=PRIMARY,
                    person_id=ANA,
                    how="layer",
                    starts_at=at(2, 0),
                    ends_at=at(5, 0),
                ),
                RotationMember(rotation_id=PRIMARY, person_id=BEN, how="layer", starts_at=at(5, 0)),
                RotationMember(rotation_id=SECONDARY, person_id=CAT, how="participants"),
                RotationMember(
                    rotation_id=SECONDARY,
                    person_id=BEN,
                    how="layer",
                    starts_at=at(2, 0),
                    ends_at=at(5, 0),
                ),
            ]
        )
        for n, service, started, mitigated, resolved in INCIDENTS:
            session.add(
                Incident(
                    id=n,
                    source="test",
                    external_id=f"T-{n}",
                    title=f"incident {n}",
                    service_id=service,
                    status=IncidentStatus.RESOLVED,
                    started_at=started,
                    detected_at=started,
                    mitigated_at=mitigated,
                    resolved_at=resolved,
                )
            )
        session.flush()
        for incident, kind, person, time in EVENTS:
            session.add(
                TimelineEvent(
                    incident_id=incident,
                    occurred_at=time,
                    kind=kind,
                    source="test",
                    actor_person_id=person,
                )
            )
    with database.transaction() as session:
        for incident, changes in (
            (
                4,
                {
                    "external_cause": True,
                    "external_vendor": "CDN",
                    "external_evidence": "https://status.cdn.example/incidents/1",
                    "downtime_cost": 5000.0,
                },
            ),
            (5, {"approved_tech_debt": True, "debt_approver": "CTO", "debt_decision": "ADR-7"}),
        ):
            _, revision = classification_of(session, incident)
            classify(session, [(incident, revision)], changes, actor="test")
    return database


def figures(db: Database, by: str = "team") -> Figures:
    return compute_from_database(db, PERIOD, by)


def table(f: Figures, key: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = figures_json(f)["tables"][key]["rows"]
    return rows


def test_each_incident_has_the_team_the_directory_gives_it(org: Database) -> None:
    data = load_metric_data(org)
    # 1, 4: api's owner; 2: Ben on Secondary; 3: Ana on Primary; 5: Cat's team_member team.
    assert dict(zip(data.incidents.ids.tolist(), data.incident_team.tolist(), strict=True)) == {
        1: CORE,
        2: EDGE,
        3: CORE,
        4: CORE,
        5: EDGE,
    }


def test_time_to_resolve_per_team_leaves_out_the_excluded(org: Database) -> None:
    rows = {r["group"]: r for r in table(figures(org), "time_to_resolve")}
    # Core: 1 (60 min), 3 (45 min), 4 external; Edge: 2 (60 min), 5 technical debt.
    assert (rows["Core"]["count"], rows["Core"]["median"]) == (2, 52.5)
    assert rows["Core"]["why"] == "external cause: 1"
    assert (rows["Edge"]["count"], rows["Edge"]["median"]) == (1, 60.0)
    assert rows["Edge"]["why"] == "approved technical debt: 1"
    assert "no team" not in rows


def test_the_excluded_incidents_are_named_with_their_reasons(org: Database) -> None:
    assert figures_json(figures(org))["excluded_incidents"] == [
        {"id": 4, "reasons": ["external cause"]},
        {"id": 5, "reasons": ["approved technical debt"]},
    ]


def test_rotations_spread_by_who_was_on_them_when(org: Database) -> None:
    rows = {r["rotation"]: r for r in table(figures(org), "rotations")}
    # Primary: Ana paged twice on it (1, 3), Ben once (4; his page for 2 came before he
    # joined). Gini of [1, 2] = 2·(1·1 + 2·2)/(2·3) − 3/2 = 1/6.
    assert rows["Primary"] == {
        "rotation": "Primary",
        "team": "Core",
        "members": 2,
        "pages": 3,
        "gini": pytest.approx(1 / 6),
    }
    # Secondary: Ben once (2, before he left on 5 March), Cat once (4): even.
    assert rows["Secondary"] == {
        "rotation": "Secondary",
        "team": "Edge",
        "members": 2,
        "pages": 2,
        "gini": 0.0,
    }


def test_a_member_never_paged_counts_as_none(org: Database) -> None:
    # The week of 9–15 March: nobody paged; Ben on Primary, Cat on Secondary.
    later = compute_from_database(
        org, Period(datetime(2026, 3, 9, tzinfo=UTC), datetime(2026, 3, 16, tzinfo=UTC)), "team"
    )
    assert [(r.rotation, r.members, r.pages, r.gini) for r in later.rotations] == [
        ("Primary", 1, 0, 0.0),
        ("Secondary", 1, 0, 0.0),
    ]


def test_after_hours_in_each_persons_own_zone(org: Database) -> None:
    rows = {r["person"]: r for r in table(figures(org), "load")}
    # Ana: 10:00 and 07:30 Hong Kong time: one after hours (UTC would have said both).
    assert (rows["Ana"]["pages"], rows["Ana"]["after_hours_pages"]) == (2, 1)
    assert rows["Ana"]["time_zone"] == "Asia/Hong_Kong"
    # Ben: 10:00 and 15:00 in New York: none.
    assert (rows["Ben"]["pages"], rows["Ben"]["after_hours_pages"]) == (2, 0)
    # Cat: 20:10 in the policy's UTC.
    assert (rows["Cat"]["pages"], rows["Cat"]["after_hours_pages"]) == (1, 1)
    assert rows["Cat"]["time_zone"] == "UTC (policy default: their zone is unknown)"
    assert rows["Cat"]["team"] == "Edge"


def test_the_policy_zone_judges_people_without_one(org: Database) -> None:
    save_policy(org, Policy(default_time_zone="America/New_York"), note="the office", author="t")
    rows = {r["person"]: r for r in table(figures(org), "load")}
    # Cat's page at 20:10 UTC is 15:10 on a Friday in New York.
    assert rows["Cat"]["after_hours_pages"] == 0
    assert rows["Cat"]["time_zone"] == "America/New_York (policy default: their zone is unknown)"
    assert rows["Ana"]["after_hours_pages"] == 1  # her own zone still counts


def test_cost_per_team_from_prices_rates_and_classifications(org: Database) -> None:
    rows = {r["group"]: r for r in table(figures(org), "cost")}
    # Core: 1 (30 min × 10 = 300), 3 (15 min, billing has no price), 4 (classified 5,000
    # instead of 60 min × 10). Responders: Ana 1 h (1) + 0.75 h (3) at 100; Ben 1 h at 80
    # and Cat 50 min at 90 (4); Cat 0 h in 3 (she acted at its resolution).
    core = rows["Core"]
    assert core["downtime_minutes"] == pytest.approx(105)
    assert core["downtime_cost"] == pytest.approx(5300)
    assert core["responder_hours"] == pytest.approx(1 + 0.75 + 1 + 50 / 60)
    assert core["responder_cost"] == pytest.approx(100 + 75 + 80 + 75)
    # Edge: 2 (10 min), 5 (60 min, never mitigated: to its resolution), neither priced;
    # Ben 1 h at 80 (2), Cat 55 min at 90 (5).
    edge = rows["Edge"]
    assert (edge["downtime_minutes"], edge["downtime_cost"]) == (pytest.approx(70), 0.0)
    assert edge["responder_hours"] == pytest.approx(1 + 55 / 60)
    assert edge["responder_cost"] == pytest.approx(80 + 82.5)
    assert rows["All"]["total"] == pytest.approx(5300 + 330 + 162.5)


def test_slo_over_each_services_own_window(org: Database) -> None:
    rows = {r["service"]: r for r in table(figures(org), "slo")}
    # api: 14 days ending with the period (20,160 min); impact 30 (1) + 60 (4) = 90 min,
    # its external cause counted: customers felt it. Budget 0.5 % of 20,160 = 100.8 min.
    api = rows["api"]
    assert (api["target"], api["target_from"], api["window_days"]) == (99.5, "directory", 14)
    assert api["impact_minutes"] == pytest.approx(90)
    assert api["availability"] == pytest.approx(100 * (1 - 90 / 20160))
    assert api["budget_minutes"] == pytest.approx(100.8)
    assert api["budget_consumed"] == pytest.approx(90 / 100.8)
    # billing: the default 99.9 % over the period (10,080 min); impact 10 + 15 + 60 = 85 min,
    # budget 10.08 min: broken.
    billing = rows["billing"]
    assert (billing["target"], billing["target_from"], billing["window_days"]) == (
        99.9,
        "default",
        None,
    )
    assert billing["impact_minutes"] == pytest.approx(85)
    assert billing["availability"] == pytest.approx(100 * (1 - 85 / 10080))
    assert billing["budget_minutes"] == pytest.approx(10.08)
    assert billing["met"] == "no"


def test_concentration_per_team_from_the_directorys_teams(org: Database) -> None:
    rows = {r["team"]: r for r in table(figures(org), "concentration")}
    # Core: 1 by Ana, 3 by Cat (4 excluded): equal, the first of equals by id is Ana.
    assert (rows["Core"]["resolved"], rows["Core"]["top_person"], rows["Core"]["top_share"]) == (
        2,
        "Ana",
        0.5,
    )
    assert rows["Core"]["excluded"] == 1
    # Edge: 2 by Ben (5 excluded).
    assert (rows["Edge"]["resolved"], rows["Edge"]["top_person"], rows["Edge"]["top_share"]) == (
        1,
        "Ben",
        1.0,
    )
    assert rows["Edge"]["signal"] == "no"  # fewer than 4 resolved say nothing
