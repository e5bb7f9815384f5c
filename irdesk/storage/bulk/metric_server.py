"""The metrics' columns read from a team database on PostgreSQL (`load_server_metric_data`).

The same columns as a file's read (`metric_data`), from the same tables, in one snapshot
(a read-only REPEATABLE READ transaction). The small tables go through the same readers
as a file's, with the times spelt by the server's `dialect`; the big ones (incidents, timeline
events, action items) come as numbers only, by one trick:

One string of bytes per column. Each column is one aggregate over the rows:
`string_agg(int8send(x), '')` (or float8send) appends each value's 8 bytes, big-endian,
into a single bytea, which numpy reads as an array without a Python object per value,
the server's counterpart of a file's `column_scan`. Every aggregate of one query sees
the rows in the same order, so the columns line up; the first is an id, and the rows are
put in its order here (no ORDER BY: the server would sort every column's input). A NULL
would be skipped by the aggregate, so each is replaced in the SELECT by a stand-in (NaN,
or an id no row has). The titles, the one text, are fetched as rows.

Which incidents a period reads is asked of the server in SQL (the same conditions as a
file's `metric_reach`; PostgreSQL's planner picks the indexes); then, as from a file,
every incident in the runs those ids make (`metric_reach.runs`), and their events: the
same incidents as a file's read, so the same figures.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import numpy as np

from irdesk.domain.enums import EventKind
from irdesk.domain.metrics.data import (
    ACTION_STATUSES,
    LIFECYCLE,
    NONE_ID,
    ActionColumns,
    IncidentColumns,
    MetricData,
    factorize_titles,
)
from irdesk.domain.metrics.kernels.calendar import DAY
from irdesk.domain.metrics.selection import Period, reach
from irdesk.domain.policy import Policy
from irdesk.storage.bulk import metric_data as md
from irdesk.storage.bulk.dialect import POSTGRESQL
from irdesk.storage.bulk.metric_classifications import read_classifications
from irdesk.storage.bulk.metric_reach import MARGIN, runs
from irdesk.storage.bulk.metric_scans import Cursor, EventArrays
from irdesk.storage.bulk.snapshot_readers import snapshot_cursors
from irdesk.storage.database import Database

# Stand-ins for NULL, so that every field is an 8-byte number.
NAN = "'NaN'::float8"


def _epoch(column: str) -> str:
    """A stored time as epoch seconds, NaN when missing: the microseconds divided by a
    million in double precision, as a file's column scan reads it (`column_scan`).
    date_part, not extract: extract's answer is a numeric, which costs twice the time
    and rounds to the same double."""
    return f"coalesce(date_part('epoch', {column}), {NAN})"


def _id(column: str) -> str:
    return f"coalesce({column}, {NONE_ID})::int8"


def _rank(column: str) -> str:
    return f"coalesce(substr({column}, 4, 1)::int8, 0)"  # SEV3 → 3; none → 0


# (field, SQL, dtype): the incident numbers, in id order.
INCIDENT_NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("ids", "id::int8", "i8"),
    ("service", _id("service_id"), "i8"),
    ("severity", _rank("severity"), "i8"),
    ("customer_severity", _rank("customer_severity"), "i8"),
    *((name, _epoch(f"{name}_at"), "f8") for name in LIFECYCLE),
    ("users_affected", f"coalesce(users_affected::float8, {NAN})", "f8"),
    ("downtime_cost", f"coalesce(downtime_cost::float8, {NAN})", "f8"),
    ("external_cause", "external_cause::int4::int8", "i8"),
    ("tech_debt", "approved_tech_debt::int4::int8", "i8"),
    ("regulatory", "regulatory_exposure::int4::int8", "i8"),
)
EVENT_NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("id", "id::int8", "i8"),
    ("incident", "incident_id::int8", "i8"),
    ("person", "actor_person_id::int8", "i8"),
    ("time", _epoch("occurred_at"), "f8"),
    ("is_page", f"(kind = '{EventKind.PAGE}')::int4::int8", "i8"),
    ("is_resolve", f"(kind = '{EventKind.RESOLVE}')::int4::int8", "i8"),
)
_STATUS = " ".join(f"WHEN '{s}' THEN {n}" for n, s in enumerate(ACTION_STATUSES))
ACTION_NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("id", "a.id::int8", "i8"),
    ("incident", "r.incident_id::int8", "i8"),
    ("owner_person", _id("a.owner_person_id"), "i8"),
    ("owner_team", _id("a.owner_team_id"), "i8"),
    ("due_day", f"coalesce((a.due_on - DATE '1970-01-01')::float8, {NAN})", "f8"),
    ("created", _epoch("a.created_at"), "f8"),
    ("completed", _epoch("a.completed_at"), "f8"),
    ("status", f"CASE a.status {_STATUS} ELSE -1 END::int8", "i8"),
)

# The incidents a period's figures read: as `metric_reach.REACHED`, for the server.
REACHED = """
SELECT id FROM incident WHERE started_at >= {low} AND started_at < {high}
UNION ALL SELECT id FROM incident WHERE started_at IS NULL
UNION ALL SELECT id FROM incident
WHERE started_at < {low}
  AND (coalesce(mitigated_at, resolved_at) IS NULL OR coalesce(mitigated_at, resolved_at) >= {low})
UNION ALL SELECT incident_id FROM lifecycle_override
UNION ALL SELECT incident_id FROM incident_merge
UNION ALL SELECT into_id FROM incident_merge
"""


def aggregated_numbers(
    cur: Cursor, fields: tuple[tuple[str, str, str], ...], source: str
) -> dict[str, np.ndarray]:
    """Field → its column (native byte order), in the order of the first field (an id),
    by one aggregate per column over `FROM … {source}`."""
    send = {"i8": "int8send", "f8": "float8send"}
    columns = ", ".join(f"string_agg({send[kind]}({sql}), ''::bytea)" for _, sql, kind in fields)
    count, *blobs = cur.execute(f"SELECT count(*), {columns} {source}").fetchone()
    found = {
        name: np.frombuffer(blob or b"", dtype=f">{kind}").astype(kind)
        for (name, _, kind), blob in zip(fields, blobs, strict=True)
    }
    if any(len(values) != count for values in found.values()):
        raise ValueError("the server's aggregate is not one value a row")
    key = found[fields[0][0]]
    if len(key) > 1 and not bool(np.all(key[1:] > key[:-1])):
        order = np.argsort(key, kind="stable")
        found = {name: values[order] for name, values in found.items()}
    return found


def _incidents(cur: Cursor, where: str, merged: dict[int, int]) -> IncidentColumns:
    numbers = aggregated_numbers(cur, INCIDENT_NUMBERS, f"FROM incident {where}")
    titles = [r[0] for r in cur.execute(f"SELECT title FROM incident {where} ORDER BY id")]
    fields: dict[str, Any] = {
        **numbers,
        **factorize_titles(titles),
        "severity": numbers["severity"].astype(np.int8),
        "customer_severity": numbers["customer_severity"].astype(np.int8),
        **{flag: numbers[flag] != 0 for flag in ("external_cause", "tech_debt", "regulatory")},
    }
    overrides = md._overrides(cur, POSTGRESQL)
    return md.incident_columns(fields, overrides, read_classifications(cur), merged)


def _events(cur: Cursor, where: str) -> EventArrays:
    source = f"FROM timeline_event WHERE actor_person_id IS NOT NULL {where}"
    col = aggregated_numbers(cur, EVENT_NUMBERS, source)
    return EventArrays(
        col["incident"], col["person"], col["time"], col["is_page"] != 0, col["is_resolve"] != 0
    )


def _actions(cur: Cursor) -> ActionColumns:
    source = "FROM action_item a JOIN review r ON r.id = a.review_id"
    col = aggregated_numbers(cur, ACTION_NUMBERS, source)
    return ActionColumns(
        incident=col["incident"],
        owner_person=col["owner_person"],
        owner_team=col["owner_team"],
        due_day=col["due_day"],
        created_day=np.floor(col["created"] / DAY),
        completed_day=np.floor(col["completed"] / DAY),
        status=col["status"].astype(np.int8),
    )


def _timestamp(moment: datetime) -> str:
    """A literal: COPY takes no parameters. Written from a datetime, never from input."""
    return f"TIMESTAMP '{moment.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S.%f')}'"


def load_server_metric_data(
    db: Database, period: Period | None = None, policy: Policy | None = None
) -> MetricData:
    """`metric_data.load_metric_data` for a database on a PostgreSQL server.

    Two connections read at once, as from a file: the server works on the events' scan
    in one backend while another reads the incidents and the small tables. The second
    transaction takes the first one's snapshot (`pg_export_snapshot`), so both see the
    same committed state whatever is written meanwhile."""
    with snapshot_cursors(db, 2) as (cur, second), ThreadPoolExecutor(1) as pool:
        merged = dict(cur.execute(md.MERGED).fetchall())
        incident_where, event_where = "", ""
        if period is not None and policy is not None:
            longest = cur.execute("SELECT max(slo_window_days) FROM service").fetchone()[0] or 0
            span = reach(period, policy, longest)
            reached = REACHED.format(
                low=_timestamp(span.start - MARGIN), high=_timestamp(span.end + MARGIN)
            )
            ids = np.unique(np.array([r[0] for r in cur.execute(reached)], dtype=np.int64))
            # The file's runs of ids, so that both read the same incidents (`metric_reach`).
            found = runs(ids)
            incident_where = f"WHERE {md.spans_sql('id', found)}"
            event_where = f"AND {md.spans_sql('incident_id', found)}"
        events = pool.submit(lambda: md.event_columns(_events(second, event_where), merged))
        return MetricData(
            incidents=_incidents(cur, incident_where, merged),
            services=md._services(cur),
            teams=md._teams(cur),
            people=md._people(cur),
            actions=_actions(cur),
            reviews=md._reviews(cur),
            rotations=md._rotations(cur),
            memberships=md._memberships(cur, POSTGRESQL),
            dated=md._dated(cur, POSTGRESQL),
            events=events.result(),
        )
