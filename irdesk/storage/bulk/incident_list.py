"""The incident list in plain SQL: the window's first look at a file, before it is open.

Opening a file (storage/database) loads SQLAlchemy, SQLModel and the tables, which
takes longer than everything else the window does to start. `first_incident_list`
reads the rows the list shows with the standard library's sqlite3 on a read-only
connection, so the window can show them while the file is opened; it answers only
for a file recognised as an irdesk database at the newest schema revision, whose
tables are the ones this SQL names. `queries.list_incidents` is the plain version,
through the ORM, and tests/unit/test_first_incident_list.py holds the two equal.
"""

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from irdesk.domain.enums import MERGE_UNLINKED, IncidentStatus, ReviewStatus, Severity
from irdesk.storage.bulk.stored_text import from_db_time
from irdesk.storage.inspection import current_file_connection
from irdesk.storage.reads.incident_row import IncidentRow

# The columns `incident_row` turns into an IncidentRow, and the joins they come from.
ROW_COLUMNS = """
SELECT i.id, i.source, i.external_id, i.title, s.name, i.severity, i.status, i.started_at,
       i.resolved_at, r.status, i.external_cause, i.consistency_flags
FROM incident i
LEFT JOIN service s ON s.id = i.service_id
LEFT JOIN review r ON r.incident_id = i.id
"""

LISTED = f"""{ROW_COLUMNS}
WHERE i.id NOT IN (SELECT incident_id FROM incident_merge WHERE how <> ?)
ORDER BY i.started_at IS NULL, i.started_at DESC, i.id DESC
"""


def incident_row(r: tuple[Any, ...]) -> IncidentRow:
    """The IncidentRow of one result row of `ROW_COLUMNS`."""
    return IncidentRow(
        id=r[0],
        source=r[1],
        external_id=r[2],
        title=r[3],
        service=r[4],
        severity=Severity(r[5]) if r[5] else None,
        status=IncidentStatus(r[6]),
        started_at=from_db_time(r[7]),
        resolved_at=from_db_time(r[8]),
        review_status=ReviewStatus(r[9]) if r[9] else None,
        external_cause=bool(r[10]),
        flags=tuple(f for f in (r[11] or "").split(",") if f),
    )


def list_incidents(conn: sqlite3.Connection) -> list[IncidentRow]:
    """Every incident as the list shows it, in the list's order (`queries.list_incidents`)."""
    return [incident_row(r) for r in conn.execute(LISTED, (MERGE_UNLINKED,))]


def first_incident_list(path: Path) -> list[IncidentRow] | None:
    """The incident list of the irdesk file `path`, read without opening it; None unless
    it is an irdesk file at the newest schema revision that reads without a fault.

    None is no verdict on the file: opening it says what, if anything, is wrong.
    """
    conn = current_file_connection(Path(path).expanduser().resolve())
    if conn is None:
        return None
    with contextlib.closing(conn):
        try:
            return list_incidents(conn)
        except (sqlite3.Error, ValueError):
            # Damage, or a value the schema's checks should have kept out: the
            # opening finds and reports it.
            return None
