"""The incident list read on from the last row shown (IncidentPages.page_after) and a
common word looked for row by row list what reading by offset lists, on a file and on
PostgreSQL.

Samples: five incidents written out by hand (two starting at the same minute, two
with no start), whose order and filters are written below; and every export in
/work/shared/data that imports on its own (all but opsgenie_alert_logs.json).
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from test_incident_pages import SAMPLES, filter_texts, read_in_pages

from irdesk.domain.models import Incident
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk import incident_pages
from irdesk.storage.bulk.incident_pages import IncidentPages, ListQuery
from irdesk.storage.database import Database, open_database
from irdesk.storage.reads.incident_row import IncidentRow

pytestmark = pytest.mark.both_backends

MARCH_1 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def read_on(pages: IncidentPages, query: ListQuery, size: int) -> list[IncidentRow]:
    """The list read as the view reads it: a first page, then each after the last row."""
    rows = pages.page(query, 0, size)
    while len(rows) % size == 0 and rows:
        page = pages.page_after(query, rows[-1].id, len(rows), size)
        if not page:
            break
        rows += page
    return rows


def _pages_of(db: Database) -> IncidentPages:
    if db.engine.dialect.name == "postgresql":
        return IncidentPages.of_server(db.engine)
    return IncidentPages.of_open_file(db.path)


@pytest.fixture
def five(database: Database) -> Iterator[IncidentPages]:
    with database.transaction() as session:
        for external_id, title, started in (
            ("A-1", "Disk full on db-1", MARCH_1),
            ("B-2", "disk latency", MARCH_1),  # the same start: the newer id first
            ("C-3", "Canary latency", datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
            ("D-4", "disk quota", None),  # no start: after every one with a start
            ("E-5", "latency", None),
        ):
            session.add(
                Incident(source="jira", external_id=external_id, title=title, started_at=started)
            )
    pages = _pages_of(database)
    yield pages
    pages.close()


def ids(rows: list[IncidentRow]) -> list[str]:
    return [r.external_id for r in rows]


@pytest.mark.parametrize("size", [1, 2, 3, 10])
def test_reading_on_from_the_last_row_lists_newest_first_with_no_start_last(
    five: IncidentPages, size: int
) -> None:
    assert ids(read_on(five, ListQuery(), size)) == ["C-3", "B-2", "A-1", "E-5", "D-4"]
    assert ids(read_on(five, ListQuery.filtered("disk"), size)) == ["B-2", "A-1", "D-4"]
    assert ids(read_on(five, ListQuery.filtered("LATENCY"), size)) == ["C-3", "B-2", "E-5"]
    assert ids(read_on(five, ListQuery(sort="title", descending=False), size)) == [
        "C-3",
        "A-1",
        "B-2",
        "D-4",
        "E-5",
    ]


@pytest.mark.parametrize("common", [1, 1_000_000])
def test_a_common_word_and_a_rare_one_list_the_same_incidents(
    five: IncidentPages, monkeypatch: pytest.MonkeyPatch, common: int
) -> None:
    # 1: every indexed word is common (looked for row by row); a million: none is.
    monkeypatch.setattr(incident_pages, "COMMON", common)
    assert ids(read_on(five, ListQuery.filtered("disk"), 2)) == ["B-2", "A-1", "D-4"]
    assert ids(read_on(five, ListQuery.filtered("disk lat"), 1)) == ["B-2"]
    assert ids(read_on(five, ListQuery.filtered("ary LAT"), 1)) == ["C-3"]
    assert five.count(ListQuery.filtered("latency")) == 3
    assert five.count(ListQuery.filtered("latency"), limit=2) == 2


def test_the_samples_read_on_as_they_read_by_offset(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path_factory.mktemp("samples") / "incidents.db"
    db = open_database(path)
    # The Jira CSV's dates have no zone of their own.
    run_import(db, SAMPLES, ImportOptions(zone=ZoneInfo("Europe/Madrid")))
    pages = IncidentPages.of_open_file(path)
    try:
        plain = read_in_pages(pages, ListQuery(), size=1_000)
        assert len(plain) > 20
        for text in ["", *filter_texts(plain)]:
            query = ListQuery.filtered(text)
            by_offset = read_in_pages(pages, query, size=7)
            assert read_on(pages, query, 7) == by_offset, text
            monkeypatch.setattr(incident_pages, "COMMON", 1)
            pages._probed.clear()
            assert read_on(pages, query, 5) == by_offset, text
            monkeypatch.setattr(incident_pages, "COMMON", 1_000_000)
            pages._probed.clear()
    finally:
        pages.close()
        db.close()


def test_a_count_on_its_own_connection_matches_and_is_dropped_once_closed(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    path = tmp_path_factory.mktemp("counted") / "incidents.db"
    db = open_database(path)
    with db.transaction() as session:
        for n in range(1, 6):
            session.add(Incident(source="jira", external_id=f"OPS-{n}", title=f"disk {n}"))
    pages = IncidentPages.of_open_file(path)
    counter = pages.counter()
    assert counter is not None and counter is not pages
    assert counter.count_unless_stopped(ListQuery.filtered("disk"), 1_001) == 5
    assert counter.count_unless_stopped(ListQuery.filtered("disk 3"), 1_001) == 1
    counter.close()
    # The list moved on and closed it while a count was queued: no count, no error.
    assert counter.count_unless_stopped(ListQuery.filtered("disk"), 1_001) is None
    pages.close()
    db.close()
