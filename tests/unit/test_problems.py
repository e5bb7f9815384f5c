"""Problems that span teams: made from a recurrence group, extended across services.

Sample: /work/shared/data/pagerduty_incidents_page.json (service "WD: Payments": 14
"Info: Increased Response Time Detected" incidents between 01:39:02 and 09:36:49 on
4 May 2021, and 4 "Warning: High Response Time Detected" ones, whose titles share 3
of 7 words with them: below the policy's 0.5, a group apart) with the team of
/work/shared/org-data/pagerduty_teams.json ("Engineering"). The hand-built
organisation below has its expected figures written out.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select
from testdata import ORG_DATA, SHARED_DATA

from irdesk.domain.enums import ActionStatus, ServiceTier
from irdesk.domain.models import AuditEntry, Incident, Service, Team
from irdesk.domain.problems import Candidate, extended_across_services, problem_figure
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import Database
from irdesk.storage.records import action_items, database_edits, reviews
from irdesk.storage.records.problems import ProblemRefused

ACTOR = "manager"


def test_a_problem_from_the_real_recurring_payments_incidents(database: Database) -> None:
    run_import(
        database,
        [SHARED_DATA / "pagerduty_incidents_page.json", ORG_DATA / "pagerduty_teams.json"],
    )
    view = database_edits.create_problem_named(
        database, "PTVD0IY", accountable_team="engineering", title=None, actor=ACTOR
    )
    assert view.title == "Info: Increased Response Time Detected"
    assert view.accountable_team == "Engineering"
    assert view.contributing_teams == ()
    assert len(view.incidents) == 14
    assert {row.title for row in view.incidents} == {"Info: Increased Response Time Detected"}
    assert view.figure.repeats == 13
    assert view.figure.last == datetime(2021, 5, 4, 9, 36, 49, tzinfo=UTC)
    [listed] = database_edits.read_problems(database, datetime(2021, 5, 5, 9, 36, 49, tzinfo=UTC))
    assert listed.figure.since_last == timedelta(days=1)
    with database.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "create_problem")).one()
    assert entry.actor == ACTOR and '"accountable_team": "Engineering"' in entry.detail_json


def test_an_incident_that_does_not_recur_makes_no_problem(database: Database) -> None:
    run_import(
        database,
        [SHARED_DATA / "pagerduty_incidents_page.json", ORG_DATA / "pagerduty_teams.json"],
    )
    with pytest.raises(ProblemRefused, match="does not recur"):
        database_edits.create_problem_named(
            database, "PGW5XNE", accountable_team="Engineering", title=None, actor=ACTOR
        )
    with pytest.raises(ProblemRefused, match="no team named 'Nobody'"):
        database_edits.create_problem_named(
            database, "PTVD0IY", accountable_team="Nobody", title=None, actor=ACTOR
        )
    assert database_edits.read_problems(database, datetime.now(UTC)) == []


def test_a_hand_built_problem_across_two_teams(database: Database) -> None:
    # Checkout (team Payments) has "Checkout latency high" twice, 3 days apart; the
    # gateway (team Gateway) has "Checkout latency high gateway" a day after the first
    # (3 of 4 words alike: 0.75 ≥ 0.5) and "Disk full" (nothing alike).
    t0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with database.transaction() as session:
        payments, gateway_team = Team(name="Payments"), Team(name="Gateway")
        session.add_all([payments, gateway_team])
        session.flush()
        checkout = Service(
            name="checkout", tier=ServiceTier.TIER1, slo_target=99.9, owner_team_id=payments.id
        )
        gateway = Service(
            name="gateway", tier=ServiceTier.TIER1, slo_target=99.9, owner_team_id=gateway_team.id
        )
        session.add_all([checkout, gateway])
        session.flush()
        made = [
            Incident(
                source="demo",
                external_id=key,
                title=title,
                service_id=service.id,
                started_at=t0 + timedelta(days=day),
                detected_at=t0 + timedelta(days=day),
            )
            for key, title, service, day in (
                ("INC-1", "Checkout latency high", checkout, 0),
                ("INC-2", "Checkout latency high", checkout, 3),
                ("INC-3", "Checkout latency high gateway", gateway, 1),
                ("INC-4", "Disk full", gateway, 2),
            )
        ]
        session.add_all(made)
        session.flush()
        review = reviews.create_review(session, made[2].id, actor=ACTOR, today=date(2026, 11, 4))
        assert review.id is not None
        open_item = action_items.add_action(session, review.id, actor=ACTOR, title="Add a cache")
        done = action_items.add_action(session, review.id, actor=ACTOR, title="Page the DBA")
        action_items.edit_action(session, done.id, done.revision, actor=ACTOR, status="done")
    view = database_edits.create_problem_named(
        database, "demo:INC-2", accountable_team="Payments", title="Slow checkout", actor=ACTOR
    )
    assert view.title == "Slow checkout"
    assert [row.label for row in view.incidents] == ["demo:INC-1", "demo:INC-3", "demo:INC-2"]
    assert [row.review for row in view.incidents] == [None, "draft", None]
    assert (view.accountable_team, view.contributing_teams) == ("Payments", ("Gateway",))
    assert [(a.title, a.incident, a.status) for a in view.open_actions] == [
        ("Add a cache", "demo:INC-3", ActionStatus.OPEN)
    ]
    assert open_item.title == "Add a cache"
    assert (view.figure.incidents, view.figure.repeats) == (3, 2)
    assert view.figure.last == t0 + timedelta(days=3)


def test_extension_and_figure_by_hand() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    group = [Candidate(1, "db pool exhausted", 10, t0), Candidate(2, "db pool exhausted", 10, t0)]
    others = [
        Candidate(3, "DB pool exhausted again", 20, t0 + timedelta(days=29)),  # 3/4: joins
        Candidate(4, "DB pool exhausted again", 20, t0 + timedelta(days=31)),  # too late
        Candidate(5, "db pool exhausted", 10, t0),  # same service: the group's business
        Candidate(6, "pool exhausted", 30, None),  # no start: no place in time
    ]
    assert extended_across_services(group, others, threshold=0.5, window=timedelta(days=30)) == [3]
    figure = problem_figure([t0, None, t0 + timedelta(days=2)], t0 + timedelta(days=5))
    assert (figure.incidents, figure.repeats, figure.since_last) == (3, 2, timedelta(days=3))
