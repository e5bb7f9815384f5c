"""The bulk SQL on both engines (storage/bulk/dialect): what an import writes and reads
back is the same on a file and on a team's PostgreSQL server.

Samples: /work/shared/org-data/pagerduty_schedules_with_layers.json,
pagerduty_schedule_rendered.json and opsgenie_schedule_oncalls_2019-10-15.json (7 rotation
members with start and end times, matched again by their start), the roster fixture in
tests/fixtures/roster (made up: start dates), /work/shared/data/pagerduty_incidents_page.json
(26 incidents). Hand-built rows where the values are written out below.
"""

from datetime import UTC, datetime

import pytest
from testdata import FIXTURES, ORG_DATA, SHARED_DATA

from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk import import_writer
from irdesk.storage.bulk.dialect import dialect, stored_time
from irdesk.storage.bulk.import_transaction import import_transaction
from irdesk.storage.database import Database

pytestmark = pytest.mark.both_backends

SCHEDULES = [
    ORG_DATA / "pagerduty_schedules_with_layers.json",
    ORG_DATA / "pagerduty_schedule_rendered.json",
    ORG_DATA / "opsgenie_schedule_oncalls_2019-10-15.json",
]
ROSTER = FIXTURES / "roster" / "team_roster.csv"
PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"


def counts(report_lines: list[str], what: str) -> str:
    return next(line for line in report_lines if line.startswith(what))


def test_rotation_members_imported_again_are_unchanged(database: Database) -> None:
    """Members are found again by (rotation, person, how, start): a NULL-safe match on
    the start, and their stored end compared as the import writes it."""
    first = run_import(database, SCHEDULES)
    assert counts(first.lines(), "Rotation memberships") == (
        "Rotation memberships: 7 new, 0 updated, 0 unchanged"
    )
    again = run_import(database, SCHEDULES)
    assert counts(again.lines(), "Rotation memberships") == (
        "Rotation memberships: 0 new, 0 updated, 7 unchanged"
    )


def test_a_roster_imported_again_leaves_every_person_unchanged(database: Database) -> None:
    """team_roster.csv's start dates (2021-04-12, …) read back as the import wrote them."""
    run_import(database, [ROSTER])
    again = run_import(database, [ROSTER])
    people = counts(again.lines(), "People")
    assert " 0 new" in people and " 0 updated" in people, people


def test_the_pagerduty_page_imported_twice_is_unchanged(database: Database) -> None:
    run_import(database, [PD_PAGE])
    again = run_import(database, [PD_PAGE])
    assert counts(again.lines(), "Incidents") == "Incidents: 0 new, 0 updated, 26 unchanged"
    assert counts(again.lines(), "Timeline events") == (
        "Timeline events: 0 new, 0 updated, 52 unchanged"
    )


def test_bulk_rows_go_in_with_their_constants_and_read_back_alike(database: Database) -> None:
    """Two hand-built events through the dialect's bulk insert (COPY on a server)."""
    with import_transaction(database) as tx:
        (incident,) = import_writer.insert_incidents(
            tx,
            [
                import_writer.NewIncident(
                    *("hand", "H-1", "Disk full", None, None, "SEV2", "P2", "resolved"),
                    *("2026-03-01 10:00:00.000000", None, None, None, None, None),
                    *(None, ""),
                )
            ],
        ).values()
        dialect(tx.conn).insert_rows(
            tx.conn,
            "timeline_event",
            import_writer.EVENT_COLUMNS,
            [
                (
                    incident,
                    "2026-03-01 10:00:00.000000",
                    "alert",
                    "hand",
                    "e1",
                    None,
                    None,
                    "50% of disk\tused\\",
                    1,
                ),
                (
                    incident,
                    "2026-03-01 10:05:30.250000",
                    "note",
                    "hand",
                    None,
                    None,
                    "Ana",
                    "line one\nline two",
                    0,
                ),
            ],
            import_writer.IMPORTED_EVENT,
        )
    with database.connection() as conn:
        rows = conn.exec_driver_sql(
            "SELECT occurred_at, kind, external_id, actor_name, text, is_key_moment,"
            " added_by_facilitator FROM timeline_event WHERE text LIKE ? ORDER BY occurred_at",
            ("%",),
        ).all()
    assert [(stored_time(r[0]), *r[1:5], bool(r[5]), bool(r[6])) for r in rows] == [
        ("2026-03-01 10:00:00.000000", "alert", "e1", None, "50% of disk\tused\\", True, False),
        ("2026-03-01 10:05:30.250000", "note", None, "Ana", "line one\nline two", False, False),
    ]


def test_stored_times_read_back_as_the_import_writes_them() -> None:
    assert stored_time("2026-03-01 10:00:00.000000") == "2026-03-01 10:00:00.000000"
    # A server's TIMESTAMP comes back naive: UTC, as every stored time.
    naive = datetime(2026, 3, 1, 10, 0, tzinfo=UTC).replace(tzinfo=None)
    assert stored_time(naive) == "2026-03-01 10:00:00.000000"
    assert stored_time(datetime(2026, 3, 1, 10, 0, 0, 5, tzinfo=UTC)) == (
        "2026-03-01 10:00:00.000005"
    )
    assert stored_time(None) is None
