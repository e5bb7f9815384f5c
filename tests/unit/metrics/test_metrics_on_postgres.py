"""The figures of a period read from a team database on PostgreSQL (`metric_server`) are
the figures of the same rows read from a file (`metric_data`), every table and the ids
behind each cell."""

from datetime import UTC, date, datetime

import metric_fixture as fx
import pytest
from testdata import SHARED_DATA

from irdesk.domain.metrics.figures import compute_figures
from irdesk.domain.metrics.selection import GROUPINGS, Period
from irdesk.domain.metrics.tables import figures_json
from irdesk.domain.policy import Policy
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk.metric_data import compute_from_database, load_metric_data
from irdesk.storage.copy import copy_database
from irdesk.storage.database import Database
from irdesk.storage.records.leave import add_leave
from irdesk.storage.records.lifecycle_edits import set_override

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"


def figures(db: Database, period: Period, by: str, *, whole: bool = False) -> object:
    data = load_metric_data(db) if whole else load_metric_data(db, period, Policy())
    return figures_json(compute_figures(data, Policy(), period, by))


@pytest.fixture
def both(database: Database, postgres_database: Database) -> tuple[Database, Database]:
    """The hand-written fixture, a facilitator's correction, a week of leave, and the PagerDuty sample
    /work/shared/data/pagerduty_incidents_page.json, in a file and on the server (moved
    there by `irdesk db copy`'s own copier, into an empty database at the head schema)."""
    with database.transaction() as session:
        fx.write_to(session)
    with database.transaction() as session:
        set_override(session, 3, "started_at", fx.at(3, 8), reason="began earlier", actor="t")
    # Bob away for the days of incidents 2 and 3: his pages there count as on leave.
    add_leave(database, fx.BOB, date(2026, 1, 6), date(2026, 1, 12), None, actor="t")
    run_import(database, [PD_PAGE])
    copy_database(str(database.path), postgres_database.path.address.url)
    return database, postgres_database


@pytest.mark.parametrize("by", GROUPINGS)
def test_the_hand_written_period_from_postgresql_is_the_figures_from_the_file(
    both: tuple[Database, Database], by: str
) -> None:
    file, served = both
    shown = figures(served, fx.PERIOD, by)
    assert shown == figures(file, fx.PERIOD, by)
    assert shown == figures(served, fx.PERIOD, by, whole=True)  # the period's read: all it needs


def test_a_month_of_pagerduty_incidents_from_postgresql_is_the_figures_from_the_file(
    both: tuple[Database, Database],
) -> None:
    """June 2021 of /work/shared/data/pagerduty_incidents_page.json (26 incidents, May-June)."""
    file, served = both
    june = Period(datetime(2021, 6, 1, tzinfo=UTC), datetime(2021, 7, 1, tzinfo=UTC))
    from_server = compute_from_database(served, june, "severity")
    assert from_server.incidents > 0
    assert figures_json(from_server) == figures_json(compute_from_database(file, june, "severity"))


def test_the_server_read_gives_the_file_read_columns(both: tuple[Database, Database]) -> None:
    file, served = both
    a, b = load_metric_data(file), load_metric_data(served)
    assert a.incidents.ids.tolist() == b.incidents.ids.tolist()
    assert a.incidents.title_texts == b.incidents.title_texts
    columns = ("started", "detected", "acknowledged", "mitigated", "resolved", "verified")
    columns += ("users_affected", "downtime_cost", "severity", "customer_severity", "service")
    columns += ("external_cause", "tech_debt", "regulatory")
    for name in columns:
        left, right = getattr(a.incidents, name), getattr(b.incidents, name)
        assert left.dtype == right.dtype, name
        assert left.tobytes() == right.tobytes(), name  # NaN included, to the last bit
    assert a.events.page_time.tobytes() == b.events.page_time.tobytes()
    assert a.events.resolver_person.tolist() == b.events.resolver_person.tolist()
    assert a.actions.completed_day.tobytes() == b.actions.completed_day.tobytes()
    assert a.actions.status.tolist() == b.actions.status.tolist()
    assert a.actions.due_day.tobytes() == b.actions.due_day.tobytes()
    assert a.reviews == b.reviews
    # Bob's week away, as typed (a server read once left the leave out).
    assert b.leave == a.leave
    assert [(span.person_id, span.first_day) for span in b.leave] == [(fx.BOB, date(2026, 1, 6))]
