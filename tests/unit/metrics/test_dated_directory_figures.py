"""Values typed into the directory from a date: each incident's figures take the value in
force when it happened, the import's (or the row's first) value before the first typed one.

The small organisation of test_org_figures (its docstring has every incident and page);
the values typed here, and what each changes, are worked out beside each test.
"""

from datetime import UTC, datetime

import pytest
from sqlmodel import select
from test_org_figures import ANA, API, BILLING, CORE, EDGE, at, figures, org, table
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.domain.models import Incident, Service
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import Database
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.directory_edits import FROM_THE_START, set_value

__all__ = ["org"]  # the fixture, shared


def typed(db: Database, entity: str, entity_id: int, field: str, value: object, day: int) -> None:
    with db.transaction() as session:
        set_value(
            session,
            entity,
            entity_id,
            field,
            value,
            reason="from the new contract",
            actor="test",
            effective_from=at(day, 0),
        )


def test_cost_per_minute_changed_mid_period_prices_each_incident_at_its_own_rate(
    org: Database,
) -> None:
    # api costs 10 a minute as described; 20 typed from 1 March, 40 from 5 March.
    typed(org, "service", API, "cost_per_minute", 20.0, 1)
    typed(org, "service", API, "cost_per_minute", 40.0, 5)
    data = load_metric_data(org)
    rates = dict(zip(data.incidents.ids.tolist(), data.cost_per_minute.tolist(), strict=True))
    # 1 (api, 3 March): 20; 4 (api, 6 March): 40; billing has no price.
    assert rates == {1: 20.0, 2: 0.0, 3: 0.0, 4: 40.0, 5: 0.0}
    core = {r["group"]: r for r in table(figures(org), "cost")}["Core"]
    # 1: 30 min × 20 = 600 (not 30 × 40 = 1,200, the latest); 4 is classified at 5,000.
    assert core["downtime_cost"] == pytest.approx(600 + 5000)


def test_before_the_first_typed_value_the_earlier_one_stands(org: Database) -> None:
    # 40 from 5 March only: incident 1 (3 March) keeps the 10 api had: 30 min × 10.
    typed(org, "service", API, "cost_per_minute", 40.0, 5)
    core = {r["group"]: r for r in table(figures(org), "cost")}["Core"]
    assert core["downtime_cost"] == pytest.approx(300 + 5000)


def test_an_owner_team_typed_from_a_date_owns_only_the_later_incidents(org: Database) -> None:
    # billing owned by Core from 5 March: 5 (7 March) becomes Core's; 2 (3 March) stays
    # Edge's, through Ben on Secondary, as without an owner; 3 is Core's through Ana.
    typed(org, "service", BILLING, "owner_team_id", CORE, 5)
    data = load_metric_data(org)
    assert dict(zip(data.incidents.ids.tolist(), data.incident_team.tolist(), strict=True)) == {
        1: CORE,
        2: EDGE,
        3: CORE,
        4: CORE,
        5: CORE,
    }


def test_after_hours_in_the_zone_a_person_had_when_paged(org: Database) -> None:
    # Ana moves to Los Angeles (UTC−8 in early March) from 4 March. Her page of 3 March
    # 02:00 UTC is 10:00 in Hong Kong: business hours (in Los Angeles it would be 18:00
    # the day before, after hours); her page of 4 March 23:30 UTC is 15:30 in Los Angeles:
    # business hours (07:30 in Hong Kong would have been after hours).
    typed(org, "person", ANA, "time_zone", "America/Los_Angeles", 4)
    rows = {r["person"]: r for r in table(figures(org), "load")}
    assert (rows["Ana"]["pages"], rows["Ana"]["after_hours_pages"]) == (2, 0)


def test_an_hourly_rate_typed_from_a_date_prices_the_later_hours(org: Database) -> None:
    # Ana at 200 an hour from 4 March: 1 h in incident 1 at 100, 0.75 h in 3 at 200;
    # Ben 1 h at 80 and Cat 50 min at 90 in 4, as before.
    typed(org, "person", ANA, "hourly_rate", 200.0, 4)
    core = {r["group"]: r for r in table(figures(org), "cost")}["Core"]
    assert core["responder_cost"] == pytest.approx(100 + 150 + 80 + 75)


def test_a_value_typed_for_the_future_is_refused(org: Database) -> None:
    before = dump(org)
    refusal = "Effective from: a day up to today, found 2999-01-01"
    with pytest.raises(EditRefused, match=refusal), org.transaction() as session:
        set_value(
            session,
            "service",
            API,
            "cost_per_minute",
            1.0,
            reason="later",
            actor="test",
            effective_from=datetime(2999, 1, 1, tzinfo=UTC),
        )
    assert dump(org) == before


def test_on_real_incidents_the_rate_follows_each_incidents_start(database: Database) -> None:
    """/work/shared/data/pagerduty_incidents_page.json: WD: Payments's 18 incidents of
    4 May 2021, 01:39 to 10:32 UTC. Its cost per minute typed as 5 from the start and 8 from
    06:00 UTC that day: the 8 incidents that started before (PTVD0IY … P49AF1R) at 5, the
    10 after (PU5SZGD … PUJY049) at 8; WD: Storage's keep the import's 0."""
    run_import(database, [SHARED_DATA / "pagerduty_incidents_page.json"])
    with database.session() as session:
        services = {s.name: s.id for s in session.exec(select(Service)).all()}
        external = {i.id: i.external_id for i in session.exec(select(Incident)).all()}
    with database.transaction() as session:
        for rate, since in ((5.0, FROM_THE_START), (8.0, datetime(2021, 5, 4, 6, tzinfo=UTC))):
            set_value(
                session,
                "service",
                services["WD: Payments"],
                "cost_per_minute",
                rate,
                reason="finance",
                actor="test",
                effective_from=since,
            )
    data = load_metric_data(database)
    rate_of = {
        external[i]: r
        for i, r in zip(data.incidents.ids.tolist(), data.cost_per_minute.tolist(), strict=True)
    }
    before = [
        "PTVD0IY",
        "PS8TBIQ",
        "P22QOP7",
        "PXR5S6B",
        "P1YLU5N",
        "PN3CO5D",
        "P3GABBL",
        "P49AF1R",
    ]
    after = "PU5SZGD PACT48M PVQAEN3 PGL6OCK PVVCK93 P1HFQE9 PO3U4E3 P1I97AH P0MHP79 PUJY049"
    assert {i: rate_of[i] for i in before} == dict.fromkeys(before, 5.0)
    assert {i: rate_of[i] for i in after.split()} == dict.fromkeys(after.split(), 8.0)
    storage = [
        rate_of[external[i]]
        for i, s in zip(data.incidents.ids.tolist(), data.incidents.service.tolist(), strict=True)
        if s == services["WD: Storage"]
    ]
    assert storage == [0.0] * 6
