"""The metrics' big tables read by column scans (`column_scan`), incidents and timeline
events in parts (ranges of ids) so that two connections can share them.

Each reader gives None when a value does not parse (a time in another format, a title
holding the separator); the table is then read the ordinary way (`metric_row_reads`).
"""

import itertools
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, NamedTuple

import numpy as np

from irdesk.domain.enums import EventKind
from irdesk.domain.metrics.data import (
    ACTION_STATUSES,
    LIFECYCLE,
    NONE_ID,
    ActionColumns,
    factorize_titles,
)
from irdesk.domain.metrics.kernels.calendar import DAY
from irdesk.storage.bulk import service_and_flags
from irdesk.storage.bulk.column_scan import (
    MISSING_INT,
    Column,
    distinct_initials,
    empty_column,
    read_columns,
)

Cursor = Any  # sqlite3.Cursor
Scanned = dict[str, Any]  # column name → values, as read_columns returns them
# IncidentColumns' fields but `merged`, as both ways of reading give them.
IncidentFields = dict[str, Any]


class EventArrays(NamedTuple):
    """Every timeline event with a person as actor, in id order, as both ways of reading
    give them (`EventColumns.from_events` takes them)."""

    incident: np.ndarray
    person: np.ndarray
    time: np.ndarray
    is_page: np.ndarray
    is_resolve: np.ndarray


# --- parts ---------------------------------------------------------------------

# Rows read by one statement: enough parts for the readers to share the work evenly,
# few enough that each statement's fixed cost stays small. An incident has four times
# the values of an event.
INCIDENT_PART_ROWS = 12_500
EVENT_PART_ROWS = 50_000
# A part of the events read by incident: an incident has some twenty events.
EVENT_PART_INCIDENTS = EVENT_PART_ROWS // 20
MAX_PARTS = 16


def id_ranges(cur: Cursor, table: str, rows: int) -> list[tuple[int, int]]:
    """Consecutive id ranges covering the table, inclusive, of about `rows` ids each;
    none for an empty table."""
    # Two subqueries: SQLite finds a lone min() or max() of the rowid at once, but
    # scans the whole table for both in one SELECT.
    first, last = cur.execute(
        f"SELECT (SELECT min(id) FROM {table}), (SELECT max(id) FROM {table})"
    ).fetchone()
    if first is None:
        return []
    return split_range(first, last, rows)


def split_range(first: int, last: int, rows: int) -> list[tuple[int, int]]:
    """Consecutive ranges covering `first` … `last`, inclusive, of about `rows` ids each
    (at most MAX_PARTS of them)."""
    count = max(1, min(MAX_PARTS, (last - first + 1) // rows))
    edges = [first + (last + 1 - first) * k // count for k in range(count + 1)]
    return [(lo, hi - 1) for lo, hi in itertools.pairwise(edges)]


def incident_ranges(cur: Cursor) -> list[tuple[int, int]]:
    return id_ranges(cur, "incident", INCIDENT_PART_ROWS)


def event_ranges(cur: Cursor) -> list[tuple[int, int]]:
    return id_ranges(cur, "timeline_event", EVENT_PART_ROWS)


def joined(parts: list["Future[Scanned | None]"], columns: tuple[Column, ...]) -> Scanned | None:
    """The parts' numbers one after the other; None when any part did not parse."""
    scanned = [p.result() for p in parts]
    parsed = [p for p in scanned if p is not None]
    if len(parsed) < len(scanned):
        return None
    whole: Scanned = {}
    for column in columns:
        values = [p[column.name] for p in parsed]
        whole[column.name] = np.concatenate(values) if values else empty_column(column)
    return whole


# --- incidents -----------------------------------------------------------------

# The incident's id is not scanned: in a part of the table whose ids have no gaps (the
# usual case) the rows' ids are the part's range; only a part with gaps reads them.
SCANNED_INCIDENTS = (
    Column("title", "title", "text", nullable=False),
    Column("severity", "severity", "rank"),
    Column("customer_severity", "customer_severity", "rank"),
    *(Column(name, f"{name}_at", "time") for name in LIFECYCLE),
    Column("users_affected", "users_affected", "int"),
    Column("downtime_cost", "downtime_cost", "float"),
    Column("service_and_flags", service_and_flags.packing_sql(), "int", nullable=False),
)
INCIDENT_IDS = (Column("id", "id", "int", nullable=False),)
NUMBERS_OF_INCIDENTS = tuple(c for c in SCANNED_INCIDENTS if c.kind != "text")
# NOT INDEXED: the rows in id order (an index could otherwise serve a narrow range).
INCIDENTS_PART = "FROM incident NOT INDEXED WHERE id BETWEEN ? AND ?"


def incident_part(lo: int, hi: int) -> Callable[[Cursor], Scanned | None]:
    """A task reading the incidents of ids `lo` … `hi`."""

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


def scanned_incident_fields(parts: list["Future[Scanned | None]"]) -> IncidentFields | None:
    """The incidents from their parts (ranges of ids read in id order, NOT INDEXED, one
    after the other); None when a part did not parse."""
    col = joined(parts, INCIDENT_IDS + NUMBERS_OF_INCIDENTS)
    if col is None:
        return None
    scanned = [p.result() for p in parts]
    return _fields(col, _merged_titles([p for p in scanned if p is not None]))


def incident_fields_of_part(part: Scanned) -> IncidentFields:
    """The incidents of one part as `incident_part` read them."""
    return _fields(part, part["title"])


def _fields(col: Scanned, titles: dict[str, Any]) -> IncidentFields:
    users = col["users_affected"]
    return {
        "ids": col["id"],
        **titles,
        **service_and_flags.unpack(col["service_and_flags"]),
        "severity": col["severity"],
        "customer_severity": col["customer_severity"],
        **{name: col[name] for name in LIFECYCLE},
        "users_affected": np.where(users == MISSING_INT, np.nan, users.astype(np.float64)),
        "downtime_cost": col["downtime_cost"],
    }


# --- timeline events -----------------------------------------------------------

# The kinds whose first byte no other kind shares: an "initial" column tells them apart.
EVENT_KIND_INITIALS = distinct_initials(EventKind)
# The metrics need to tell pages and resolutions from the rest, and each has its own.
PAGE_INITIAL = EVENT_KIND_INITIALS[EventKind.PAGE]
RESOLVE_INITIAL = EVENT_KIND_INITIALS[EventKind.RESOLVE]
SCANNED_EVENTS = (
    Column("incident", "incident_id", "int", nullable=False),
    Column("person", "actor_person_id", "int", nullable=False),
    Column("time", "occurred_at", "time", nullable=False),
    Column("kind", "kind", "initial", nullable=False),
)
EVENTS_SOURCE = "FROM timeline_event NOT INDEXED WHERE actor_person_id IS NOT NULL"
EVENTS_PART = f"{EVENTS_SOURCE} AND id BETWEEN ? AND ?"
# The timeline's index holds every column read (migration 0027): the events of a range
# of incidents are one range of it, read without the table, in the index's order.
EVENTS_OF_INCIDENTS = """FROM timeline_event INDEXED BY ix_timeline_incident_time
WHERE incident_id BETWEEN ? AND ? AND actor_person_id IS NOT NULL"""


def event_part(lo: int, hi: int) -> Callable[[Cursor], Scanned | None]:
    """A task reading the events (with a person as actor) of ids `lo` … `hi`, in id order."""

    def read(cur: Cursor) -> Scanned | None:
        return read_columns(cur, SCANNED_EVENTS, EVENTS_PART, (lo, hi))

    return read


def events_of_incidents(first: int, last: int) -> Callable[[Cursor], Scanned | None]:
    """A task reading the events (with a person as actor) of the incidents of ids `first`
    … `last`, by incident and time (`resolves_in_id_order` makes up for that order)."""

    def read(cur: Cursor) -> Scanned | None:
        return read_columns(cur, SCANNED_EVENTS, EVENTS_OF_INCIDENTS, (first, last))

    return read


def scanned_events(parts: list["Future[Scanned | None]"]) -> EventArrays | None:
    """The events from their parts; None when a part did not parse."""
    col = joined(parts, SCANNED_EVENTS)
    if col is None:
        return None
    kind = col["kind"]
    return EventArrays(
        col["incident"], col["person"], col["time"], kind == PAGE_INITIAL, kind == RESOLVE_INITIAL
    )


# An incident's resolutions in the order its events were read from the timeline's index
# (time as stored, actor, then id: the kind is the same), with their ids.
RESOLVES_OF_INCIDENT = f"""
SELECT id FROM timeline_event INDEXED BY ix_timeline_incident_time
WHERE incident_id = ? AND kind = '{EventKind.RESOLVE.value}' AND actor_person_id IS NOT NULL
ORDER BY occurred_at, actor_person_id, id
"""


def resolves_in_id_order(cur: Cursor, read: EventArrays) -> EventArrays:
    """`read` (in the timeline index's order) with each incident's resolutions at the same
    moment in id order among themselves, as a read in id order has them: the resolver is
    the actor of the last of equals (`EventColumns.from_events`). Only incidents resolved
    twice at one moment are asked about, each with a look-up in the index (on `cur`, in
    the snapshot the events were read in); the others' rows stay as read. Only that
    incident's resolutions move, each with its person and time, so the pages and each
    person's first and last event in an incident stay the same."""
    rows = np.flatnonzero(read.is_resolve)
    if len(rows) < 2:
        return read
    incident, time = read.incident[rows], read.time[rows]
    by_moment = np.lexsort((time, incident))
    same = (np.diff(incident[by_moment]) == 0) & (np.diff(time[by_moment]) == 0)
    tied = np.unique(incident[by_moment[1:][same]])
    if len(tied) == 0:
        return read
    person, time = read.person.copy(), read.time.copy()
    for incident_id in tied.tolist():
        mine = rows[incident == incident_id]  # ascending: as the index gave them
        ids = np.array([r[0] for r in cur.execute(RESOLVES_OF_INCIDENT, (incident_id,))])
        by_time_then_id = np.lexsort((ids, time[mine]))
        person[mine], time[mine] = person[mine][by_time_then_id], time[mine][by_time_then_id]
    return read._replace(person=person, time=time)


# --- action items --------------------------------------------------------------

# Action statuses by first byte (-1: none of them); each status has its own.
ACTION_STATUS_INITIALS = distinct_initials(ACTION_STATUSES)
if len(ACTION_STATUS_INITIALS) != len(ACTION_STATUSES):
    raise AssertionError("two action statuses share a first letter")
STATUS_OF_INITIAL = np.full(256, -1, dtype=np.int8)
STATUS_OF_INITIAL[list(ACTION_STATUS_INITIALS.values())] = [
    ACTION_STATUSES.index(s) for s in ACTION_STATUS_INITIALS
]
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
# The items one period's follow-through can count (`followup.follow_through_rows`): due
# within it, or with no due date and created within it. Compared as stored text, the
# bounds a day wider than the period on either side (`period_actions`).
OF_PERIOD = """
WHERE (a.due_on >= :low_day AND a.due_on < :high_day)
   OR (ifnull(a.due_on, '') = '' AND a.created_at >= :low AND a.created_at < :high)
"""


def scanned_actions(cur: Cursor, bounds: dict[str, str] | None = None) -> ActionColumns | None:
    """The action items; with `bounds` (`period_actions`), those a period can count."""
    source = ACTIONS_SOURCE if bounds is None else ACTIONS_SOURCE + OF_PERIOD
    col = read_columns(cur, SCANNED_ACTIONS, source, bounds or ())
    if col is None:
        return None
    status = STATUS_OF_INITIAL[col["status"]]
    if (status < 0).any():
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
