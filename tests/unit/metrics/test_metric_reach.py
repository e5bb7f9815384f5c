"""The figures of a period read from the period's part of the file (`load_metric_data` with a
period) are the figures of the whole file read and then filtered to the period in Python."""

from datetime import UTC, datetime, timedelta

import metric_fixture as fx
import pytest
from testdata import SHARED_DATA

from irdesk.domain.enums import EventKind, IncidentStatus, ReviewStatus, ReviewTier, Severity
from irdesk.domain.metrics.figures import Figures, compute_figures
from irdesk.domain.metrics.selection import GROUPINGS, Period
from irdesk.domain.metrics.tables import figures_json
from irdesk.domain.models import Incident, Review, TimelineEvent
from irdesk.domain.policy import Policy
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk import metric_reach
from irdesk.storage.bulk.metric_data import compute_from_database, load_metric_data
from irdesk.storage.database import Database
from irdesk.storage.records.lifecycle_edits import set_override

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"


def everything(f: Figures) -> object:
    """Every table the CLI and the window show, with the incident ids behind each cell."""
    return figures_json(f)


def whole_then_filtered(db: Database, period: Period, by: str, policy: Policy) -> object:
    return everything(compute_figures(load_metric_data(db), policy, period, by))


def period_read(db: Database, period: Period, by: str, policy: Policy) -> object:
    return everything(compute_figures(load_metric_data(db, period, policy), policy, period, by))


def _outside(session: object, id_: int, started: datetime | None, hours: float | None) -> None:
    """An incident of service "api" paged to Ann, resolved `hours` after it started (None:
    still open), and her page and resolution as events."""
    end = None if started is None or hours is None else started + timedelta(hours=hours)
    session.add(  # type: ignore[attr-defined]
        Incident(
            id=id_,
            source="test",
            external_id=f"T-{id_}",
            title="api checkout errors",
            service_id=fx.API,
            severity=Severity.SEV2,
            status=IncidentStatus.RESOLVED if end else IncidentStatus.TRIGGERED,
            started_at=started,
            detected_at=started,
            resolved_at=end,
        )
    )
    session.flush()  # type: ignore[attr-defined]
    for n, (kind, when) in enumerate(((EventKind.PAGE, started), (EventKind.RESOLVE, end))):
        if when is not None:
            session.add(  # type: ignore[attr-defined]
                TimelineEvent(
                    incident_id=id_,
                    occurred_at=when,
                    kind=kind,
                    source="test",
                    external_id=f"x{id_}-{n}",
                    actor_person_id=fx.ANN,
                )
            )


@pytest.fixture
def decade(database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The hand-written fixture's period (2026-01-05 … 01-15) with incidents around it."""
    # Every gap between ids starts a run of its own: the read leaves out what it can.
    monkeypatch.setattr(metric_reach, "GAP", 0)
    with database.transaction() as session:
        fx.write_to(session)
        _outside(session, 101, datetime(2025, 6, 1, 9, tzinfo=UTC), 1)  # long before: not read
        _outside(session, 102, datetime(2025, 12, 20, 9, tzinfo=UTC), 2)  # previous period, trend
        _outside(session, 103, datetime(2025, 3, 1, 9, tzinfo=UTC), None)  # still open: SLO
        _outside(session, 104, datetime(2026, 3, 1, 9, tzinfo=UTC), 1)  # after: not read
        _outside(session, 105, None, None)  # no time at all: "undated"
        _outside(session, 106, datetime(2024, 2, 1, 9, tzinfo=UTC), 1)  # corrected below
        _outside(session, 107, datetime(2025, 11, 1, 9, tzinfo=UTC), 3)  # 90-day SLO window
    with database.transaction() as session:
        # A facilitator moves incident 106's start into the period: it counts there.
        set_override(
            session, 106, "started_at", fx.at(4, 8), reason="impact began earlier", actor="t"
        )
    return database


@pytest.mark.parametrize("by", GROUPINGS)
def test_a_period_read_gives_the_figures_of_the_whole_file(decade: Database, by: str) -> None:
    policy = Policy()
    assert period_read(decade, fx.PERIOD, by, policy) == whole_then_filtered(
        decade, fx.PERIOD, by, policy
    )


def test_a_period_read_leaves_out_what_no_figure_of_the_period_counts(decade: Database) -> None:
    read = load_metric_data(decade, fx.PERIOD, Policy())
    # 1-5: the period's; 102: the previous period's; 103: still open; 105: undated;
    # 106: moved into the period. Not 101 (resolved months before) nor 104 (after).
    assert read.incidents.ids.tolist() == [1, 2, 3, 4, 5, 102, 103, 105, 106]
    figures = compute_figures(read, Policy(), fx.PERIOD, "service")
    assert figures.undated.tolist() == [105]
    api = next(r for r in figures.slo if r.service == "api")
    assert 103 in api.ids["still_open"].tolist()  # its impact still counts against api's SLO


def test_a_period_read_reads_the_reviews_of_the_incidents_it_reads_only(
    decade: Database,
) -> None:
    with decade.transaction() as session:
        for incident_id in (101, 102):  # long before the period; the previous period's
            session.add(
                Review(
                    id=incident_id,
                    incident_id=incident_id,
                    tier=ReviewTier.FULL,
                    status=ReviewStatus.APPROVED,
                    approved_at=datetime(2025, 12, 30, 9, tzinfo=UTC),
                )
            )
    read = load_metric_data(decade, fx.PERIOD, Policy())
    assert 102 in read.reviews
    assert 101 not in read.reviews
    assert read.reviews.keys() - {102} == set(fx.REVIEWS)  # the hand-written ones: all read
    for by in GROUPINGS:
        assert period_read(decade, fx.PERIOD, by, Policy()) == whole_then_filtered(
            decade, fx.PERIOD, by, Policy()
        )


def test_a_longer_slo_window_reaches_further_back(decade: Database) -> None:
    with decade.transaction() as session:
        session.connection().exec_driver_sql(
            f"UPDATE service SET slo_window_days = 90 WHERE id = {fx.API}"
        )
    read = load_metric_data(decade, fx.PERIOD, Policy())
    assert 107 in read.incidents.ids.tolist()  # 2025-11-01: within 90 days of 2026-01-15
    for by in GROUPINGS:
        assert period_read(decade, fx.PERIOD, by, Policy()) == whole_then_filtered(
            decade, fx.PERIOD, by, Policy()
        )


def test_a_month_of_pagerduty_demo_incidents(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/work/shared/data/pagerduty_incidents_page.json: 26 incidents over May and June 2021."""
    monkeypatch.setattr(metric_reach, "GAP", 0)
    run_import(database, [PD_PAGE])
    june = Period(datetime(2021, 6, 1, tzinfo=UTC), datetime(2021, 7, 1, tzinfo=UTC))
    whole = load_metric_data(database)
    started = whole.incidents.started
    assert ((started < june.bounds[0]) | (started >= june.bounds[1])).any()  # some outside
    for by in GROUPINGS:
        assert period_read(database, june, by, Policy()) == whole_then_filtered(
            database, june, by, Policy()
        )
    # The command and the packet read the period only, and show what the whole file gives.
    assert everything(compute_from_database(database, june, "severity")) == whole_then_filtered(
        database, june, "severity", Policy()
    )


def test_two_resolutions_at_one_moment_name_the_later_written_as_resolver(
    decade: Database,
) -> None:
    """A period read takes an incident's events in the timeline index's order (time, then
    actor), not the order they were written; of two resolutions at one moment the one
    written last still names the resolver, as a read of the whole file does."""
    moment = fx.at(6, 9)

    def resolve(event_id: int, incident_id: int, person: int) -> TimelineEvent:
        return TimelineEvent(
            id=event_id,
            incident_id=incident_id,
            occurred_at=moment,
            kind=EventKind.RESOLVE,
            source="test",
            external_id=f"r{event_id}",
            actor_person_id=person,
        )

    with decade.transaction() as session:
        # 108: Ann's resolution (written by `_outside`), then Bob's: Bob resolved it.
        _outside(session, 108, moment - timedelta(hours=1), 1)
        session.add(resolve(9_000, 108, fx.BOB))
        # 109: Bob's resolution, then Ann's: Ann resolved it, though Bob's id as a person
        # (2) sorts after hers (1) in the index.
        _outside(session, 109, moment - timedelta(hours=2), None)
        incident = session.get(Incident, 109)
        incident.resolved_at, incident.status = moment, IncidentStatus.RESOLVED
        session.add(resolve(9_101, 109, fx.BOB))
        session.add(resolve(9_102, 109, fx.ANN))

    def resolvers(read: object) -> dict[int, int]:
        ev = read.events  # type: ignore[attr-defined]
        return dict(zip(ev.resolver_incident.tolist(), ev.resolver_person.tolist(), strict=True))

    period = resolvers(load_metric_data(decade, fx.PERIOD, Policy()))
    assert (period[108], period[109]) == (fx.BOB, fx.ANN)
    assert {i: p for i, p in resolvers(load_metric_data(decade)).items() if i in period} == period
    for by in GROUPINGS:
        assert period_read(decade, fx.PERIOD, by, Policy()) == whole_then_filtered(
            decade, fx.PERIOD, by, Policy()
        )


def test_an_impact_still_going_is_found_by_the_index_on_its_end(decade: Database) -> None:
    """Incident 103 (2025-03-01, never resolved) and one mitigated inside the period but
    begun months before: both are read; one that ended before the reach is not."""
    with decade.transaction() as session:
        _outside(session, 110, datetime(2025, 9, 1, 9, tzinfo=UTC), 24 * 127)  # ends 2026-01-06
        _outside(session, 111, datetime(2025, 9, 1, 9, tzinfo=UTC), 24 * 30)  # ends 2025-10-01
    read = load_metric_data(decade, fx.PERIOD, Policy())
    ids = read.incidents.ids.tolist()
    assert 103 in ids and 110 in ids and 111 not in ids
    plan = " ".join(
        str(row)
        for row in decade.engine.raw_connection()
        .cursor()
        .execute("EXPLAIN QUERY PLAN " + metric_reach.REACHED, {"low": "2025", "high": "2027"})
    )
    assert "ix_incident_impact_end" in plan


def test_a_period_read_reads_the_action_items_its_follow_through_counts(
    decade: Database,
) -> None:
    """Items of a review of an incident long before the period (101), Ann's, due or (with
    no due date) created on either side of each edge of the period (2026-01-05 …
    01-15): a period read takes those of the period's days and no others beyond a day's
    margin, and counts the same items as the whole file."""
    from datetime import date

    from irdesk.domain.models import ActionItem

    due = [date(2026, 1, 3), date(2026, 1, 4), date(2026, 1, 5), date(2026, 1, 14)]
    due += [date(2026, 1, 15), date(2026, 1, 17)]
    created = [datetime(2026, 1, 4, 23, 59, tzinfo=UTC), datetime(2026, 1, 5, tzinfo=UTC)]
    created += [datetime(2026, 1, 14, 23, 59, tzinfo=UTC), datetime(2026, 1, 15, tzinfo=UTC)]
    with decade.transaction() as session:
        session.add(
            Review(
                id=101,
                incident_id=101,
                tier=ReviewTier.FULL,
                status=ReviewStatus.APPROVED,
                approved_at=datetime(2025, 6, 9, 9, tzinfo=UTC),
            )
        )
        session.flush()
        for n, day in enumerate(due):
            session.add(
                ActionItem(
                    review_id=101,
                    title=f"due {day}",
                    due_on=day,
                    owner_person_id=fx.ANN,
                    created_at=datetime(2025, 6, 9, tzinfo=UTC) + timedelta(minutes=n),
                )
            )
        for when in created:
            session.add(
                ActionItem(review_id=101, title="undated", owner_person_id=fx.ANN, created_at=when)
            )
    read = load_metric_data(decade, fx.PERIOD, Policy())
    mine = read.actions.incident == 101
    # Due 01-04 … 01-15 (a day's margin either side), undated created in 01-04 … 01-15.
    assert mine.sum() == 4 + 4
    figures = compute_figures(read, Policy(), fx.PERIOD, "service")
    ann = next(r for r in figures.follow_through if r.owner_kind == "person" and r.key == "1")
    counted = ann.done_on_time + ann.done_late + ann.open_overdue + ann.open + ann.wont_do
    # Ann's own from the fixture (item 1, due 01-10) and, of these, due 01-05 and 01-14
    # and undated created 01-05 and 01-14.
    assert counted == 1 + 4
    for by in GROUPINGS:
        assert period_read(decade, fx.PERIOD, by, Policy()) == whole_then_filtered(
            decade, fx.PERIOD, by, Policy()
        )
