"""The window's first look at a file (storage/bulk/incident_pages, plain sqlite3) lists
exactly what the list read through the ORM lists once the file is open, and answers
only for an irdesk file at the newest schema revision, changing none.

Samples: every export in /work/shared/data that imports on its own (all but
opsgenie_alert_logs.json, which needs its alert's id in its name) — among them
pagerduty_incidents_page.json, whose #12728 tests/fixtures/jira/jira_cloud_v3_search_adf.json
(OPS-7) links into.
"""

import contextlib
import hashlib
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine
from sqlmodel import select
from testdata import FIXTURES, SHARED_DATA, CopyDemo

from irdesk.demo.generator import DEFAULT_SEED
from irdesk.domain.enums import IncidentStatus, ReviewStatus, ReviewTier, Severity
from irdesk.domain.models import Incident, Review
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.storage import schema
from irdesk.storage.bulk.incident_pages import IncidentPages, ListQuery
from irdesk.storage.database import Database, open_database
from irdesk.storage.reads.incident_row import IncidentRow
from irdesk.storage.reads.incident_view import incident_list
from irdesk.storage.records.merges import unlink_incident

JIRA_OPS_7 = FIXTURES / "jira" / "jira_cloud_v3_search_adf.json"
SAMPLES = sorted(
    p
    for p in SHARED_DATA.iterdir()
    if p.suffix in {".json", ".jsonl", ".csv"} and p.name != "opsgenie_alert_logs.json"
)


def first_incident_list(path: Path) -> list[IncidentRow] | None:
    """Every row the window's first look at `path` lists, page after page, or None."""
    pages = IncidentPages.first_look(path)
    if pages is None:
        return None
    with contextlib.closing(pages):
        rows: list[IncidentRow] = []
        while page := pages.page(ListQuery(), len(rows), 7):
            rows += page
        assert len(rows) == pages.count()
        return rows


def listed_alike(db: Database) -> list[IncidentRow]:
    """The list both ways, asserted equal; the file is closed in between, as at start-up."""
    plain = incident_list(db)
    fast = first_incident_list(db.path)
    assert fast == plain
    return plain


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_demo_organisation_lists_alike_both_ways(tmp_path: Path, copy_demo: CopyDemo) -> None:
    path = tmp_path / "demo.db"
    copy_demo(path, seed=DEFAULT_SEED, anchor=date(2026, 12, 1))
    db = open_database(path, create=False)
    try:
        rows = listed_alike(db)
    finally:
        db.close()
    assert len(rows) == 78
    # What the list shows of a review and of contradictory times comes through too.
    assert {row.review_status for row in rows} > {None}
    assert any(row.flags for row in rows)


def test_the_real_samples_imported_list_alike_both_ways(database: Database) -> None:
    options = ImportOptions(zone=ZoneInfo("Europe/Madrid"))  # the Jira CSV's dates have none
    run_import(database, [*SAMPLES, JIRA_OPS_7], options)
    rows = listed_alike(database)
    assert {row.source for row in rows} >= {"pagerduty", "opsgenie", "jira", "statuspage"}
    ops_7 = "OPS-7"
    assert ops_7 not in {row.external_id for row in rows}  # linked into PagerDuty's #12728
    with database.session() as session:
        jira = session.exec(select(Incident).where(Incident.external_id == ops_7)).one()
    with database.transaction() as session:
        assert unlink_incident(session, jira.id, actor="Zoë Ñúñez")
    assert ops_7 in {row.external_id for row in listed_alike(database)}


def test_incidents_that_started_together_or_never_keep_one_order_both_ways(
    database: Database,
) -> None:
    same = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    with database.transaction() as session:
        for n, started in enumerate([same, None, same, datetime(2026, 3, 2, tzinfo=UTC), None]):
            session.add(
                Incident(
                    source="demo",
                    external_id=f"INC-{n}",
                    title=f"Incident {n}",
                    severity=Severity.SEV2 if n % 2 else None,
                    status=IncidentStatus.RESOLVED,
                    started_at=started,
                    external_cause=n == 3,
                )
            )
        session.flush()
        first = session.exec(select(Incident).where(Incident.external_id == "INC-0")).one()
        session.add(Review(incident_id=first.id, tier=ReviewTier.FULL, status=ReviewStatus.DRAFT))
    rows = listed_alike(database)
    assert [row.external_id for row in rows] == ["INC-3", "INC-2", "INC-0", "INC-4", "INC-1"]
    assert rows[2].review_status == ReviewStatus.DRAFT


def older(path: Path) -> Path:
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.upgrade(conn, schema.known_revisions()[-2])
    engine.dispose()
    return path


def newer(path: Path) -> Path:
    open_database(path).close()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    return path


def another_programs(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE incident (id INTEGER PRIMARY KEY, title TEXT)")
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (schema.head_revision(),))
    conn.close()
    return path


def text(path: Path) -> Path:
    path.write_bytes(b"incident_id,title\n1,Checkout down\n")
    return path


def empty(path: Path) -> Path:
    path.touch()
    return path


@pytest.mark.parametrize(
    "make", [older, newer, another_programs, text, empty], ids=lambda make: make.__name__
)
def test_any_other_file_is_left_to_the_opening_untouched(
    tmp_path: Path, make: Callable[[Path], Path]
) -> None:
    path = make(tmp_path / "some.db")
    before, names = digest(path), sorted(p.name for p in tmp_path.iterdir())
    assert first_incident_list(path) is None
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no -wal or -shm left


def test_a_missing_file_or_a_folder_is_no_list(tmp_path: Path) -> None:
    assert first_incident_list(tmp_path / "missing.db") is None
    assert first_incident_list(tmp_path) is None
    assert list(tmp_path.iterdir()) == []
