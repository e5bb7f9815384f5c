"""The metrics' columns read from a team database on PostgreSQL (`load_server_metric_data`).

The same columns as a file's read (`metric_data`), from the same tables, in one snapshot
(a read-only REPEATABLE READ transaction). The small tables go through the same readers
as a file's, with the times spelt by the server's `dialect`; the big ones (incidents, timeline
events, action items) come as numbers only, by one trick:

One string of bytes per column. Each column is one aggregate over the rows:
`string_agg(int4send(x), '')` (or int2send, float8send, timestamp_send) appends each
value's bytes, big-endian, into a single bytea, which numpy reads as an array without a
Python object per value, the server's counterpart of a file's `column_scan`. The answer
comes in binary, not as hex text. Every aggregate of one query sees the rows in the same
order, so the columns line up; the first is an id, and the rows are put in its order here
(no ORDER BY: the server would sort every column's input). A NULL would be skipped by the
aggregate, so each is replaced in the SELECT by a stand-in (NaN, infinity, or an id no row
has). The titles, the one text, are fetched as rows.

Most of the server's work is a call per value (the aggregate's step and the send), so
values are sent as the server keeps them, as narrow as they are (a time's microseconds,
not date_part's seconds: the seconds are one division here), and small values share a
column. A file's figures and these agree to the last bit (tests/unit/metrics/
test_metrics_on_postgres.py).

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

# Stand-ins for NULL, so that every field has a value of its width.
NAN = "'NaN'::float8"
NO_TIME = "'infinity'::timestamp"
# PostgreSQL's timestamps count microseconds from 2000-01-01; the epoch is this many before.
EPOCH_2000_MICROSECONDS = 946_684_800_000_000
# infinity's microseconds (int8's largest): the stand-in for a missing time.
INFINITY_MICROSECONDS = np.iinfo(np.int64).max


def _time(column: str) -> str:
    """A stored time as the server keeps it (timestamp_send: big-endian microseconds
    since 2000), infinity when missing. The seconds are worked out here: the server's
    date_part costs a call a value, and its float8 answer is the same division."""
    return f"coalesce({column}, {NO_TIME})"


def _id(column: str) -> str:
    return f"coalesce({column}, {NONE_ID})"


def _rank(column: str) -> str:
    return f"coalesce(ascii(substr({column}, 4, 1)) - 48, 0)"  # SEV3 → 3; none → 0


# The big tables' fields, one aggregate each, as narrow as their values: each aggregate
# is a call a row on the server, the larger part of its work, so two small values share
# one (`ranks`: severity and customer severity; `flags`: the three flags; `kind`: page 1,
# resolve 2, any other 0).
# (field, SQL, kind): kind `i4` an int4, `i2` an int2, `f8` a float8, `ts` a time.
INCIDENT_NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("ids", "id", "i4"),
    ("service", _id("service_id"), "i4"),
    ("ranks", f"({_rank('severity')} + 16 * {_rank('customer_severity')})::int2", "i2"),
    *((name, _time(f"{name}_at"), "ts") for name in LIFECYCLE),
    ("users_affected", f"coalesce(users_affected::float8, {NAN})", "f8"),
    ("downtime_cost", f"coalesce(downtime_cost, {NAN})", "f8"),
    (
        "flags",
        "(external_cause::int4 + 2 * approved_tech_debt::int4"
        " + 4 * regulatory_exposure::int4)::int2",
        "i2",
    ),
)
EVENT_NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("id", "id", "i4"),
    ("incident", "incident_id", "i4"),
    ("person", "actor_person_id", "i4"),
    ("time", "occurred_at", "ts"),
    (
        "kind",
        f"CASE kind WHEN '{EventKind.PAGE}' THEN 1::int2 WHEN '{EventKind.RESOLVE}'"
        " THEN 2::int2 ELSE 0::int2 END",
        "i2",
    ),
)
_STATUS = " ".join(f"WHEN '{s}' THEN {n}" for n, s in enumerate(ACTION_STATUSES))
ACTION_NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("id", "a.id", "i4"),
    ("incident", "r.incident_id", "i4"),
    ("owner_person", _id("a.owner_person_id"), "i4"),
    ("owner_team", _id("a.owner_team_id"), "i4"),
    ("due_day", f"coalesce((a.due_on - DATE '1970-01-01')::float8, {NAN})", "f8"),
    ("created", _time("a.created_at"), "ts"),
    ("completed", _time("a.completed_at"), "ts"),
    ("status", f"CASE a.status {_STATUS} ELSE -1 END::int2", "i2"),
)
# Each kind's send function (the value's bytes as the binary protocol has them) and its
# array type: big-endian, read in native order as int64 or float64.
SEND = {"i4": "int4send", "i2": "int2send", "f8": "float8send", "ts": "timestamp_send"}
WIRE = {"i4": ">i4", "i2": ">i2", "f8": ">f8", "ts": ">i8"}


def _values(blob: bytes | None, kind: str) -> np.ndarray:
    wire = np.frombuffer(blob or b"", dtype=WIRE[kind])
    if kind == "f8":
        return wire.astype(np.float64)
    if kind != "ts":
        return wire.astype(np.int64)
    # Epoch seconds as a file's column scan makes them: the microseconds since 1970 divided
    # by a million in double precision, which is also the server's own date_part.
    microseconds = wire.astype(np.int64)
    seconds: np.ndarray = (microseconds + EPOCH_2000_MICROSECONDS) / 1e6
    seconds[microseconds == INFINITY_MICROSECONDS] = np.nan
    return seconds


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
    """Field → its column (int64 or float64), in the order of the first field (an id), by
    one aggregate per column over `FROM … {source}`. The answer comes in binary: as text,
    the server would spell each byte of the columns in hex and the client read it back."""
    columns = ", ".join(f"string_agg({SEND[kind]}({sql}), ''::bytea)" for _, sql, kind in fields)
    count, *blobs = cur.execute(f"SELECT count(*), {columns} {source}", binary=True).fetchone()
    found = {name: _values(blob, kind) for (name, _, kind), blob in zip(fields, blobs, strict=True)}
    if any(len(values) != count for values in found.values()):
        raise ValueError("the server's aggregate is not one value a row")
    key = found[fields[0][0]]
    if len(key) > 1 and not bool(np.all(key[1:] > key[:-1])):
        order = np.argsort(key, kind="stable")
        found = {name: values[order] for name, values in found.items()}
    return found


FLAGS = {"external_cause": 1, "tech_debt": 2, "regulatory": 4}  # `flags`' bits


def _incidents(cur: Cursor, where: str, merged: dict[int, int]) -> IncidentColumns:
    numbers = aggregated_numbers(cur, INCIDENT_NUMBERS, f"FROM incident {where}")
    titles = [r[0] for r in cur.execute(f"SELECT title FROM incident {where} ORDER BY id")]
    ranks, flags = numbers.pop("ranks"), numbers.pop("flags")
    fields: dict[str, Any] = {
        **numbers,
        **factorize_titles(titles),
        "severity": (ranks % 16).astype(np.int8),
        "customer_severity": (ranks // 16).astype(np.int8),
        **{flag: (flags & bit) != 0 for flag, bit in FLAGS.items()},
    }
    overrides = md._overrides(cur, POSTGRESQL)
    return md.incident_columns(fields, overrides, read_classifications(cur), merged)


def _events(cur: Cursor, where: str) -> EventArrays:
    source = f"FROM timeline_event WHERE actor_person_id IS NOT NULL {where}"
    col = aggregated_numbers(cur, EVENT_NUMBERS, source)
    kind = col["kind"]
    return EventArrays(col["incident"], col["person"], col["time"], kind == 1, kind == 2)


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
            leave=md._leave(cur),
            events=events.result(),
        )
