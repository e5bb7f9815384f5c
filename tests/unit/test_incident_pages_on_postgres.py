"""The incident list read a page at a time from a team database on a PostgreSQL server
lists what the plain list does, as on a file (test_incident_pages.py).

Samples: every export in /work/shared/data that imports on its own (all but
opsgenie_alert_logs.json), imported into a database on the run's throwaway cluster
(tests/pg_cluster.py); and three incidents written out by hand, whose order and filter
are written below.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from test_incident_pages import (
    SAMPLES,
    filter_texts,
    filtered_in_python,
    read_in_pages,
    sorted_in_python,
)

from irdesk.domain.models import Incident, Service
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk.incident_pages import SORT_KEYS, IncidentPages, ListQuery
from irdesk.storage.database import Database
from irdesk.storage.reads.incident_row import IncidentRow
from irdesk.storage.reads.incident_view import incident_list

# The text columns sort under the server's case-blind ICU collation, which orders
# punctuation and digits by the Unicode collation rules rather than by code point as
# SQLite's NOCASE does: those three are held to their own order below, not Python's.
CODE_POINT_ORDER = {"external_id", "title", "service"}


@pytest.fixture(scope="module")
def listed(
    postgres_server: str, postgres_template: str
) -> Iterator[tuple[IncidentPages, list[IncidentRow]]]:
    import pg_cluster

    from irdesk.storage import server

    admin = pg_cluster.engine(postgres_server)
    name = "pages_samples"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    db = server.open_server_database(
        server.ServerAddress(postgres_server.replace("/postgres?", f"/{name}?"))
    )
    run_import(db, SAMPLES, ImportOptions(zone=ZoneInfo("Europe/Madrid")))
    pages = IncidentPages.of_server(db.engine)
    yield pages, incident_list(db)
    db.close()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_the_pages_read_in_turn_are_the_plain_list(
    listed: tuple[IncidentPages, list[IncidentRow]],
) -> None:
    pages, plain = listed
    assert len(plain) > 20
    assert read_in_pages(pages, ListQuery()) == plain
    assert pages.count() == len(plain)


@pytest.mark.parametrize("sort", sorted(set(SORT_KEYS) - CODE_POINT_ORDER))
@pytest.mark.parametrize("descending", [False, True])
def test_each_column_sorts_on_the_server_as_in_python(
    listed: tuple[IncidentPages, list[IncidentRow]], sort: str, descending: bool
) -> None:
    pages, plain = listed
    query = ListQuery(sort=sort, descending=descending)
    assert read_in_pages(pages, query) == sorted_in_python(plain, sort, descending)


def test_every_filter_keeps_what_the_python_filter_keeps(
    listed: tuple[IncidentPages, list[IncidentRow]],
) -> None:
    pages, plain = listed
    for text in filter_texts(plain):
        query = ListQuery.filtered(text)
        expected = filtered_in_python(plain, text)
        assert read_in_pages(pages, query) == expected, text
        assert pages.count(query) == len(expected), text
        assert pages.count(query, limit=3) == min(3, len(expected)), text


def test_by_hand_order_and_words(postgres_database: Database) -> None:
    with postgres_database.transaction() as session:
        payments = Service(name="Payments", tier="tier1", slo_target=99.9, cost_per_minute=0)
        session.add(payments)
        session.flush()
        session.add_all(
            [
                Incident(source="jira", external_id="b-2", title="zeta", service_id=payments.id),
                Incident(
                    source="jira",
                    external_id="A-1",
                    title="Alpha 100% down",
                    started_at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
                    resolved_at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC),  # 2 h
                ),
                Incident(
                    source="pagerduty",
                    external_id="c-3",
                    title="beta",
                    started_at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
                    resolved_at=datetime(2026, 3, 2, 8, 30, tzinfo=UTC),  # 30 min
                ),
            ]
        )
    pages = IncidentPages.of_server(postgres_database.engine)

    def ids(query: ListQuery) -> list[str]:
        return [r.external_id for r in read_in_pages(pages, query, size=2)]

    assert ids(ListQuery()) == ["c-3", "A-1", "b-2"]  # newest first, no start last
    assert ids(ListQuery(sort="started", descending=False)) == ["A-1", "c-3", "b-2"]
    assert ids(ListQuery(sort="duration", descending=False)) == ["c-3", "A-1", "b-2"]
    assert ids(ListQuery(sort="external_id", descending=False)) == ["A-1", "b-2", "c-3"]
    assert ids(ListQuery(sort="title", descending=True)) == ["b-2", "c-3", "A-1"]
    assert ids(ListQuery.filtered("PAYM")) == ["b-2"]  # the service's name, any case
    assert ids(ListQuery.filtered("jira A")) == ["A-1", "b-2"]  # every word, any order
    assert ids(ListQuery.filtered("100%")) == ["A-1"]  # % is text, not a pattern
    assert ids(ListQuery.filtered("_")) == []
    assert pages.count(ListQuery.filtered("jira")) == 2
