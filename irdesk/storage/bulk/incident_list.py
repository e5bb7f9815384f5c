"""One incident list row in plain SQL: the columns, their joins, and the IncidentRow.

Opening a file (storage/database) loads SQLAlchemy, SQLModel and the tables, which
takes longer than everything else the window does to start; the list reads its rows
with the standard library's sqlite3 instead (storage/bulk/incident_pages), before
the file is open and after. `queries.list_incidents` is the plain version, through
the ORM, and tests/unit/test_first_incident_list.py holds the two equal.
"""

from typing import Any

from irdesk.domain.classification import Classification, SourceValues, effective_impact
from irdesk.domain.enums import IncidentStatus, ReviewStatus, Severity
from irdesk.storage.bulk.stored_text import from_db_time
from irdesk.storage.reads.incident_row import IncidentRow

# The columns `incident_row` turns into an IncidentRow, and the joins they come from: a
# facilitator's classification, where there is one, over the source's severity and cause.
ROW_COLUMNS = """
SELECT i.id, i.source, i.external_id, i.title, s.name, i.severity, i.status, i.started_at,
       i.resolved_at, r.status, i.external_cause, i.consistency_flags,
       c.severity, c.external_cause
FROM incident i
LEFT JOIN service s ON s.id = i.service_id
LEFT JOIN review r ON r.incident_id = i.id
LEFT JOIN incident_classification c ON c.incident_id = i.id
"""


def incident_row(r: tuple[Any, ...]) -> IncidentRow:
    """The IncidentRow of one result row of `ROW_COLUMNS`."""
    # Only the severity and the cause are listed, so only they are read and laid over.
    effective = effective_impact(
        SourceValues(severity=Severity(r[5]) if r[5] else None, external_cause=bool(r[10])),
        Classification(
            severity=Severity(r[12]) if r[12] else None,
            external_cause=None if r[13] is None else bool(r[13]),
        ),
    )
    return IncidentRow(
        id=r[0],
        source=r[1],
        external_id=r[2],
        title=r[3],
        service=r[4],
        severity=effective.severity,
        status=IncidentStatus(r[6]),
        started_at=from_db_time(r[7]),
        resolved_at=from_db_time(r[8]),
        review_status=ReviewStatus(r[9]) if r[9] else None,
        external_cause=effective.external_cause,
        flags=tuple(f for f in (r[11] or "").split(",") if f),
    )
