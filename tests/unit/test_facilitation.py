"""The facilitator pool: who is suggested for a review, and the facilitation figures.

Hand-built loads for the rules; the real PagerDuty page of the shared samples
(pagerduty_incidents_page.json: three responders, one per incident) for the pool read
from a database.
"""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select
from testdata import SHARED_DATA

from irdesk.domain.facilitation import (
    Facilitated,
    FacilitatorLoad,
    fair_share,
    reviews_that_waited,
    suggest,
)
from irdesk.domain.models import AuditEntry, Incident, Person, Review, TimelineEvent
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import Database
from irdesk.storage.reads.facilitation import pool_loads, responders, suggestion_for
from irdesk.storage.records.facilitators import PoolRefused, join_pool, leave_pool


def load(
    pid: int, name: str, open_: int = 0, recent: int = 0, last: date | None = None
) -> FacilitatorLoad:
    return FacilitatorLoad(pid, name, None, open_, recent, last)


def test_the_suggestion_passes_over_responders_and_those_over_their_share() -> None:
    pool = [
        load(1, "Ana", recent=6, last=date(2026, 11, 30)),  # over the share of ceil(9/4) = 3
        load(2, "Ben", open_=1, recent=1),
        load(3, "Cleo", recent=2, last=date(2026, 10, 1)),
        load(4, "Dev"),  # responded to the incident
    ]
    found = suggest(pool, responders={4})
    assert fair_share(pool) == 3
    assert (found.suggested, found.backup) == (pool[2], pool[1])  # no open review first
    assert found.passed_over == (
        ("Ana", "facilitated 6 reviews in 90 days, over the fair share of 3"),
        ("Dev", "took part in the incident"),
    )
    assert found.sentence() == "Suggested: Cleo (backup: Ben)."


def test_ties_go_to_the_longest_since_their_last_review_then_by_name() -> None:
    pool = [
        load(1, "Zoe", last=date(2026, 1, 1)),
        load(2, "Yan"),
        load(3, "Xia", last=date(2025, 1, 1)),
    ]
    found = suggest(pool, responders=())
    assert [found.suggested, found.backup] == [pool[1], pool[2]]  # never, then the oldest


def test_a_pool_of_responders_suggests_no_one_and_says_why() -> None:
    found = suggest([load(1, "Ana")], responders={1})
    assert found.suggested is None and found.backup is None
    assert (
        found.sentence() == "No one in the facilitator pool is free: Ana took part in the incident."
    )


def at(day: int) -> datetime:
    return datetime(2026, 11, day, 9, tzinfo=UTC)


def test_reviews_that_waited_are_those_started_while_their_facilitator_was_busy() -> None:
    reviews = [
        Facilitated(1, at(1), at(5)),
        Facilitated(1, at(3), at(8)),  # Ana still on the first: waited
        Facilitated(1, at(6), None),  # the second still open: waited
        Facilitated(2, at(3), None),  # Ben's only one
        Facilitated(1, at(10), None),  # the third still open: waited
    ]
    assert reviews_that_waited(reviews) == 3
    assert reviews_that_waited(reviews[:1] + reviews[3:4]) == 0


@pytest.fixture
def imported(database: Database) -> Database:
    run_import(database, [SHARED_DATA / "pagerduty_incidents_page.json"])
    return database


def test_the_pool_read_from_imported_incidents_suggests_someone_who_was_not_there(
    imported: Database,
) -> None:
    with imported.transaction() as session:
        names = sorted(session.exec(select(Person.name)).all())
        for name in names:
            join_pool(session, name.upper(), date(2026, 1, 15), actor="Ana")  # any case
    with imported.session() as session:
        incident = session.exec(select(Incident).where(Incident.external_id == "PE8XPNI")).one()
        actor_ids = set(
            session.exec(
                select(TimelineEvent.actor_person_id).where(
                    TimelineEvent.incident_id == incident.id
                )
            ).all()
        ) - {None}
        responder = session.exec(select(Person.name).where(Person.id.in_(actor_ids))).one()
        assert responders(session, incident.id) == actor_ids
        loads = pool_loads(session)
        found = suggestion_for(session, incident.id)
        audit = session.exec(select(AuditEntry.action)).all()
    assert [p.name for p in loads] == names
    assert all(p.trained_on == date(2026, 1, 15) and p.open_reviews == 0 for p in loads)
    others = [n for n in names if n != responder]
    assert (found.suggested.name, found.backup.name) == (others[0], others[1])
    assert found.passed_over == ((responder, "took part in the incident"),)
    assert audit.count("join_facilitator_pool") == len(names)


def test_open_reviews_count_against_a_member_and_leaving_the_pool_is_audited(
    imported: Database,
) -> None:
    with imported.transaction() as session:
        names = sorted(session.exec(select(Person.name)).all())
        for name in names:
            join_pool(session, name, None, actor="Ana")
        first = session.exec(select(Person).where(Person.name == names[0])).one()
        incident = session.exec(select(Incident).where(Incident.external_id == "PGE2609")).one()
        session.add(Review(incident_id=incident.id, tier="full", facilitator_id=first.id))
    with imported.session() as session:
        [busy] = [p for p in pool_loads(session) if p.name == names[0]]
    assert (busy.open_reviews, busy.recent_reviews) == (1, 1)

    with imported.transaction() as session:
        leave_pool(session, names[0], actor="Ana")
    with (
        pytest.raises(PoolRefused, match="not in the facilitator pool"),
        imported.transaction() as session,
    ):
        leave_pool(session, names[0], actor="Ana")
    with (
        pytest.raises(
            PoolRefused, match="expected one person of that name in the directory, found nobody"
        ),
        imported.transaction() as session,
    ):
        join_pool(session, "Nobody Known", None, actor="Ana")
    with imported.session() as session:
        assert [p.name for p in pool_loads(session)] == names[1:]
