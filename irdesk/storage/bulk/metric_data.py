"""Read, in bulk, the columns the metrics need (`load_metric_data`).

Plain SQL on the raw connection: the figures are recomputed often and over
large files, and building ORM objects would cost more than the arithmetic.
The big tables are read in parts, a string per column and part (`column_scan`),
on two connections at once (`snapshot_readers`), and a table's rows the ordinary
way only when a value of it does not parse. Times become epoch
seconds (numpy parses the stored UTC text); a facilitator's lifecycle corrections
replace the source's times; events of an incident linked into another count
for the one it joined.
"""

import contextlib
import gc
import itertools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from irdesk.domain.enums import EventKind, IncidentStatus, ReviewStatus, Severity
from irdesk.domain.metrics.data import (
    ACTION_STATUSES,
    LIFECYCLE,
    NONE_ID,
    ActionColumns,
    EventColumns,
    IncidentColumns,
    MetricData,
    PersonInfo,
    ReviewInfo,
    ServiceInfo,
    TeamInfo,
    epoch_from_text,
    factorize_titles,
)
from irdesk.domain.metrics.figures import Figures, compute_figures
from irdesk.domain.metrics.kernels.calendar import DAY
from irdesk.domain.metrics.selection import Period
from irdesk.domain.models import MERGE_UNLINKED
from irdesk.storage.bulk.column_scan import MISSING_INT, Column, empty_column, read_columns
from irdesk.storage.bulk.snapshot_readers import InOrder, snapshot_cursors
from irdesk.storage.database import Database
from irdesk.storage.reads.queries import IncidentRow
from irdesk.storage.records.policies import policy_version as policy_version_record


def _epoch(column: str) -> str:
    # julianday is exact to well under a millisecond at today's dates; round to that.
    return f"round((julianday({column}) - 2440587.5) * 86400.0, 3)"


RANK = "CAST(substr({0}, 4, 1) AS INTEGER)"
# Times as stored (UTC text), parsed by numpy: several times faster than julianday per row.
INCIDENTS = f"""
SELECT i.id, i.title, i.service_id, {RANK.format("i.severity")}, {RANK.format("i.customer_severity")},
       {", ".join(f"i.{name}_at" for name in LIFECYCLE)},
       i.users_affected, i.downtime_cost, i.external_cause, i.approved_tech_debt,
       i.regulatory_exposure
FROM incident i ORDER BY i.id
"""
MERGED = "SELECT incident_id, into_id FROM incident_merge WHERE how <> ?"
OVERRIDES = f"SELECT incident_id, field, {_epoch('value')} FROM lifecycle_override"
EVENTS = """
SELECT incident_id, actor_person_id, occurred_at, (kind = 'page') + 2 * (kind = 'resolve')
FROM timeline_event WHERE actor_person_id IS NOT NULL ORDER BY id
"""
ACTIONS = """
SELECT a.id, r.incident_id, a.title, a.owner_person_id, a.owner_team_id, a.due_on, a.status,
       a.completed_at, a.created_at
FROM action_item a JOIN review r ON r.id = a.review_id
"""
# A review covers its own incident and the recurring ones linked to it.
REVIEWS = """
SELECT incident_id, tier, status, approved_at FROM review
UNION ALL
SELECT l.incident_id, r.tier, r.status, r.approved_at
FROM review_incident l JOIN review r ON r.id = l.review_id
"""


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def _utc(text: str | None) -> datetime | None:
    """`_time`, several times faster for the stored format (no offset of its own)."""
    if text is None:
        return None
    try:
        return datetime.fromisoformat(f"{text}+00:00")
    except ValueError:
        return _time(text)


def _zone(name: str | None) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC  # an unknown zone: judged in UTC rather than not at all


def _columns(rows: list[tuple[Any, ...]], count: int) -> list[list[Any]]:
    return [[r[i] for r in rows] for i in range(count)]


@contextlib.contextmanager
def _cycle_gc_paused() -> Iterator[None]:
    # Hundreds of thousands of row tuples make the cycle collector run over and over for
    # nothing (rows hold no cycles); it doubled the load time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# The incident's id is not scanned: in a part of the table whose ids have no gaps (the
# usual case) the rows' ids are the part's range; only a part with gaps reads them.
SCANNED_INCIDENTS = (
    Column("title", "title", "text", nullable=False),
    Column("severity", "severity", "rank"),
    Column("customer_severity", "customer_severity", "rank"),
    *(Column(name, f"{name}_at", "time") for name in LIFECYCLE),
    Column("users_affected", "users_affected", "int"),
    Column("downtime_cost", "downtime_cost", "float"),
    # The service and three flags in one number (taken apart in `_incidents`): SQLite's
    # arithmetic costs far less than appending four values. `<> 0` is Python's truth.
    # A service id too big for the arithmetic comes as a real, which does not parse.
    Column(
        "service_and_flags",
        "8 * (ifnull(service_id, -1) + 1)"
        " + (external_cause <> 0) + 2 * (approved_tech_debt <> 0) + 4 * (regulatory_exposure <> 0)",
        "int",
        nullable=False,
    ),
)
assert NONE_ID == -1  # what the service of `service_and_flags` gives for none
INCIDENT_IDS = (Column("id", "id", "int", nullable=False),)
NUMBERS_OF_INCIDENTS = tuple(c for c in SCANNED_INCIDENTS if c.kind != "text")
# NOT INDEXED: the rows in id order (an index could otherwise serve a narrow range).
INCIDENTS_PART = "FROM incident NOT INDEXED WHERE id BETWEEN ? AND ?"
# Only a page's and a resolution's kind matter, and no other kind starts with their letter.
PAGE, RESOLVE = ord("p"), ord("r")
assert [k for k in EventKind if k[0] in "pr"] == [EventKind.PAGE, EventKind.RESOLVE]
SCANNED_EVENTS = (
    Column("incident", "incident_id", "int", nullable=False),
    Column("person", "actor_person_id", "int", nullable=False),
    Column("time", "occurred_at", "time", nullable=False),
    Column("kind", "kind", "initial", nullable=False),
)
EVENTS_SOURCE = "FROM timeline_event NOT INDEXED WHERE actor_person_id IS NOT NULL"
EVENTS_PART = f"{EVENTS_SOURCE} AND id BETWEEN ? AND ?"
# Each status has its own first letter.
STATUS_OF_INITIAL = np.full(256, -1, dtype=np.int8)
STATUS_OF_INITIAL[[ord(s[0]) for s in ACTION_STATUSES]] = range(len(ACTION_STATUSES))
assert len({s[0] for s in ACTION_STATUSES}) == len(ACTION_STATUSES)
SCANNED_ACTIONS = (
    Column("incident", "r.incident_id", "int", nullable=False),
    Column("owner_person", "a.owner_person_id", "int"),
    Column("owner_team", "a.owner_team_id", "int"),
    Column("due_on", "a.due_on", "text"),
    Column("status", "a.status", "initial", nullable=False),
    Column("completed", "a.completed_at", "time"),
    Column("created", "a.created_at", "time", nullable=False),
)
ACTIONS_SOURCE = "FROM action_item a JOIN review r ON r.id = a.review_id"

# Connections reading at once: SQLite scans on one core each while Python parses.
READERS = 2
# Rows read by one statement: enough parts for the readers to share the work evenly,
# few enough that each statement's fixed cost stays small. An incident has four times
# the values of an event.
INCIDENT_PART_ROWS = 12_500
EVENT_PART_ROWS = 50_000
MAX_PARTS = 16

Cursor = Any  # sqlite3.Cursor
Scanned = dict[str, Any]  # column name → values, as read_columns returns them


def _parts(cur: Cursor, table: str, rows: int) -> list[tuple[int, int]]:
    """Consecutive id ranges covering the table, inclusive, of about `rows` ids each;
    none for an empty table."""
    # Two subqueries: SQLite finds a lone min() or max() of the rowid at once, but
    # scans the whole table for both in one SELECT.
    first, last = cur.execute(
        f"SELECT (SELECT min(id) FROM {table}), (SELECT max(id) FROM {table})"
    ).fetchone()
    if first is None:
        return []
    count = max(1, min(MAX_PARTS, (last - first + 1) // rows))
    edges = [first + (last + 1 - first) * k // count for k in range(count + 1)]
    return [(lo, hi - 1) for lo, hi in itertools.pairwise(edges)]


def _incident_part(lo: int, hi: int) -> Callable[[Cursor], Scanned | None]:
    def read(cur: Cursor) -> Scanned | None:
        col = read_columns(cur, SCANNED_INCIDENTS, INCIDENTS_PART, (lo, hi))
        if col is None:
            return None
        # Here rather than on the whole: the readers share the work.
        col["title"] = factorize_titles(col["title"])
        if len(col["service_and_flags"]) == hi - lo + 1:
            col["id"] = np.arange(lo, hi + 1, dtype=np.int64)  # every id of the range
        else:
            ids = read_columns(cur, INCIDENT_IDS, INCIDENTS_PART, (lo, hi))
            if ids is None:
                return None
            col["id"] = ids["id"]
        return col

    return read


def _event_part(lo: int, hi: int) -> Callable[[Cursor], Scanned | None]:
    def read(cur: Cursor) -> Scanned | None:
        return read_columns(cur, SCANNED_EVENTS, EVENTS_PART, (lo, hi))

    return read


def _joined(parts: list["Future[Scanned | None]"], columns: tuple[Column, ...]) -> Scanned | None:
    """The parts' numbers one after the other; None when any part did not parse."""
    scanned = [p.result() for p in parts]
    if any(p is None for p in scanned):
        return None
    whole: Scanned = {}
    for column in columns:
        values = [p[column.name] for p in scanned if p is not None]
        whole[column.name] = np.concatenate(values) if values else empty_column(column)
    return whole


def _merged_titles(parts: list[Scanned]) -> dict[str, Any]:
    """`factorize_titles` of all the parts' titles, from each part's own."""
    code: dict[str, int] = {}  # in order of first appearance, as the parts are in id order
    codes = []
    for part in parts:
        texts = part["title"]["title_texts"]
        renumber = np.fromiter(
            (code.setdefault(t, len(code)) for t in texts), dtype=np.int64, count=len(texts)
        )
        codes.append(renumber[part["title"]["title_codes"]])
    return {
        "title_codes": np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64),
        "title_texts": tuple(code),
    }


def _apply_overrides(
    overrides: list[tuple[Any, ...]], ids: np.ndarray, times: dict[str, np.ndarray]
) -> None:
    if overrides:
        position = {int(i): n for n, i in enumerate(ids.tolist())}
        for incident_id, field, value in overrides:
            n = position.get(incident_id)
            if n is not None:
                times[field.removesuffix("_at")][n] = np.nan if value is None else value


def _incidents(
    cur: Cursor,
    parts: list["Future[Scanned | None]"],
    overrides: "Future[list[tuple[Any, ...]]]",
    merged: dict[int, int],
) -> IncidentColumns:
    col = _joined(parts, INCIDENT_IDS + NUMBERS_OF_INCIDENTS)
    if col is None:
        return _incident_rows(cur, overrides.result(), merged)
    # The parts are ranges of ids read in id order (NOT INDEXED), one after the other.
    ids = col["id"]
    times = {name: col[name] for name in LIFECYCLE}
    _apply_overrides(overrides.result(), ids, times)
    users, flags = col["users_affected"], col["service_and_flags"]
    return IncidentColumns(
        ids=ids,
        **_merged_titles([p.result() for p in parts]),
        service=(flags >> 3) - 1,  # no service (NULL) was made 0, hence -1: NONE_ID
        severity=col["severity"],
        customer_severity=col["customer_severity"],
        **times,
        users_affected=np.where(users == MISSING_INT, np.nan, users.astype(np.float64)),
        downtime_cost=col["downtime_cost"],
        external_cause=(flags & 1) != 0,
        tech_debt=(flags & 2) != 0,
        regulatory=(flags & 4) != 0,
        merged=np.isin(ids, list(merged)),
    )


def _incident_rows(
    cur: Cursor, overrides: list[tuple[Any, ...]], merged: dict[int, int]
) -> IncidentColumns:
    """The ordinary read, row by row, for a table the column scan could not read."""
    rows = cur.execute(INCIDENTS).fetchall()
    c = _columns(rows, 16)
    ids = np.array(c[0], dtype=np.int64)
    times = {name: epoch_from_text(c[5 + n]) for n, name in enumerate(LIFECYCLE)}
    _apply_overrides(overrides, ids, times)
    return IncidentColumns(
        ids=ids,
        **factorize_titles(c[1]),
        service=np.array([NONE_ID if s is None else s for s in c[2]], dtype=np.int64),
        severity=np.array([s or 0 for s in c[3]], dtype=np.int8),
        customer_severity=np.array([s or 0 for s in c[4]], dtype=np.int8),
        **times,
        users_affected=np.array(c[11], dtype=np.float64),
        downtime_cost=np.array(c[12], dtype=np.float64),
        external_cause=np.array(c[13], dtype=bool),
        tech_debt=np.array(c[14], dtype=bool),
        regulatory=np.array(c[15], dtype=bool),
        merged=np.isin(ids, list(merged)),
    )


def _events(cur: Cursor, scanned: Scanned | None, merged: dict[int, int]) -> EventColumns:
    if scanned is not None:
        incident, person, time = scanned["incident"], scanned["person"], scanned["time"]
        is_page, is_resolve = scanned["kind"] == PAGE, scanned["kind"] == RESOLVE
    else:
        c = _columns(cur.execute(EVENTS).fetchall(), 4)
        is_page = np.array(c[3], dtype=np.int8) == 1
        is_resolve = np.array(c[3], dtype=np.int8) == 2
        incident = np.array(c[0], dtype=np.int64)
        person = np.array(c[1], dtype=np.int64)
        time = epoch_from_text(c[2])
    if merged and len(incident):
        # Events of an incident linked into another count for the one it joined.
        source = np.array(sorted(merged), dtype=np.int64)
        target = np.array([merged[i] for i in source.tolist()], dtype=np.int64)
        pos = np.clip(np.searchsorted(source, incident), 0, len(source) - 1)
        incident = np.where(source[pos] == incident, target[pos], incident)
    return EventColumns.from_events(incident, person, time, is_page, is_resolve)


def _actions_scanned(cur: Cursor) -> ActionColumns | None:
    col = read_columns(cur, SCANNED_ACTIONS, ACTIONS_SOURCE)
    status = None if col is None else STATUS_OF_INITIAL[col["status"]]
    if col is None or status is None or (status < 0).any():
        return None
    try:
        # An empty text (no due date) becomes NaT.
        due = np.array(col["due_on"], dtype="datetime64[D]")
    except ValueError:
        return None
    due_day = due.astype(np.int64).astype(np.float64)
    due_day[np.isnat(due)] = np.nan

    def ids(values: np.ndarray) -> np.ndarray:
        return np.where(values == MISSING_INT, NONE_ID, values)

    return ActionColumns(
        incident=col["incident"],
        owner_person=ids(col["owner_person"]),
        owner_team=ids(col["owner_team"]),
        due_day=due_day,
        created_day=np.floor(col["created"] / DAY),
        completed_day=np.floor(col["completed"] / DAY),
        status=status,
    )


def _actions(cur: Cursor) -> ActionColumns:
    fast = _actions_scanned(cur)
    if fast is not None:
        return fast
    c = _columns(cur.execute(ACTIONS).fetchall(), 9)

    def ids(values: list[Any]) -> np.ndarray:
        return np.array([NONE_ID if v is None else v for v in values], dtype=np.int64)

    def days(seconds: np.ndarray) -> np.ndarray:
        return np.floor(seconds / DAY)

    due = np.array(c[5], dtype="datetime64[D]")  # None becomes NaT
    due_day = due.astype(np.int64).astype(np.float64)
    due_day[np.isnat(due)] = np.nan
    return ActionColumns(
        incident=ids(c[1]),
        owner_person=ids(c[3]),
        owner_team=ids(c[4]),
        due_day=due_day,
        created_day=days(epoch_from_text(c[8])),
        completed_day=days(epoch_from_text(c[7])),
        status=np.array([ACTION_STATUSES.index(v) for v in c[6]], dtype=np.int8),
    )


def _services(cur: Cursor) -> dict[int, ServiceInfo]:
    return {
        r[0]: ServiceInfo(r[0], r[1], float(r[2]), float(r[3]), r[4])
        for r in cur.execute(
            "SELECT id, name, slo_target, cost_per_minute, owner_team_id FROM service"
        )
    }


def _teams(cur: Cursor) -> dict[int, TeamInfo]:
    return {r[0]: TeamInfo(r[0], r[1]) for r in cur.execute("SELECT id, name FROM team")}


def _people(cur: Cursor) -> dict[int, PersonInfo]:
    return {
        r[0]: PersonInfo(r[0], r[1], r[2], _zone(r[3]), r[4])
        for r in cur.execute("SELECT id, name, team_id, time_zone, hourly_rate FROM person")
    }


def _reviews(cur: Cursor) -> dict[int, ReviewInfo]:
    reviews: dict[int, ReviewInfo] = {}
    for incident_id, tier, status, approved in cur.execute(REVIEWS).fetchall():
        if incident_id not in reviews:  # the review of its own incident comes first
            reviews[incident_id] = ReviewInfo(incident_id, tier, status, _utc(approved))
    return reviews


def load_metric_data(db: Database) -> MetricData:
    """Everything `compute_figures` reads.

    The big tables are read in parts (ranges of ids), on READERS connections at once:
    SQLite builds each part's column strings without holding Python's lock, so one part
    is scanned while another is parsed. The connections read in one snapshot of the file
    (`snapshot_cursors`): a write committed meanwhile (another process importing) shows
    in none of them or in all.
    """
    with _cycle_gc_paused(), snapshot_cursors(db, READERS) as cursors:
        cur = cursors[0]
        merged = dict(cur.execute(MERGED, (MERGE_UNLINKED,)).fetchall())
        incident_ranges = _parts(cur, "incident", INCIDENT_PART_ROWS)
        event_ranges = _parts(cur, "timeline_event", EVENT_PART_ROWS)
        # Ordered so that the Python work (parsing, putting the parts together) of one
        # reader mostly meets SQLite work, which does not hold Python's lock, on the other.
        tasks = InOrder()
        reviews = tasks.add(_reviews)
        actions = tasks.add(_actions)
        event_parts = [tasks.add(_event_part(lo, hi)) for lo, hi in event_ranges]
        incident_parts = [tasks.add(_incident_part(lo, hi)) for lo, hi in incident_ranges[:1]]
        events = tasks.add(lambda c: _events(c, _joined(event_parts, SCANNED_EVENTS), merged))
        incident_parts += [tasks.add(_incident_part(lo, hi)) for lo, hi in incident_ranges[1:]]
        overrides = tasks.add(lambda c: c.execute(OVERRIDES).fetchall())
        services, teams, people = tasks.add(_services), tasks.add(_teams), tasks.add(_people)
        incidents = tasks.add(lambda c: _incidents(c, incident_parts, overrides, merged))
        tasks.run(cursors)
        return MetricData(
            incidents=incidents.result(),
            events=events.result(),
            services=services.result(),
            teams=teams.result(),
            people=people.result(),
            actions=actions.result(),
            reviews=reviews.result(),
        )


def compute_from_database(
    db: Database,
    period: Period,
    by: str = "service",
    *,
    policy_version: int | None = None,
    as_of: datetime | None = None,
    data: MetricData | None = None,
) -> Figures:
    """The figures under the stored policy `policy_version` (None: the current one).

    The one entry point for the command line and the window, so both show the same
    numbers. Pass `data` (from `load_metric_data`) to recompute without reading again.
    """
    record = policy_version_record(db, policy_version)
    return compute_figures(
        data if data is not None else load_metric_data(db),
        record.policy,
        period,
        by,
        policy_version=record.version,
        as_of=as_of,
    )


INCIDENT_ROWS = """
SELECT i.id, i.source, i.external_id, i.title, s.name, i.severity, i.status, i.started_at,
       i.resolved_at, r.status, i.external_cause, i.consistency_flags
FROM incident i
LEFT JOIN service s ON s.id = i.service_id
LEFT JOIN review r ON r.incident_id = i.id
WHERE i.id IN ({})
ORDER BY i.started_at IS NULL, i.started_at DESC
"""


def incident_rows(db: Database, ids: Sequence[int]) -> list[IncidentRow]:
    """The incident-list rows of `ids` (the incidents behind a figure), newest first."""
    unique = sorted({int(i) for i in ids})
    result: list[IncidentRow] = []
    with db.connection() as conn:
        cur = conn.connection.cursor()
        try:
            # SQLite caps the number of parameters; ask in slices.
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                sql = INCIDENT_ROWS.format(", ".join("?" * len(chunk)))
                for r in cur.execute(sql, chunk):
                    result.append(
                        IncidentRow(
                            id=r[0],
                            source=r[1],
                            external_id=r[2],
                            title=r[3],
                            service=r[4],
                            severity=Severity(r[5]) if r[5] else None,
                            status=IncidentStatus(r[6]),
                            started_at=_time(r[7]),
                            resolved_at=_time(r[8]),
                            review_status=ReviewStatus(r[9]) if r[9] else None,
                            external_cause=bool(r[10]),
                            flags=tuple(f for f in (r[11] or "").split(",") if f),
                        )
                    )
        finally:
            cur.close()
    result.sort(key=lambda row: (row.started_at is None, -(row.started_at or _EPOCH).timestamp()))
    return result


_EPOCH = datetime.fromtimestamp(0, UTC)
