"""Read, in bulk, the columns the metrics need (`load_metric_data`), and the figures from
a database (`compute_from_database`).

Plain SQL on the raw connection: the figures are recomputed often and over large files,
and building ORM objects would cost more than the arithmetic. The big tables are read
in parts, a string per column and part (`metric_scans`), on two connections at once
(`snapshot_readers`), and a table's rows the ordinary way (`metric_row_reads`) only when
a value of it does not parse. Times become epoch seconds (numpy parses the stored UTC
text); a facilitator's lifecycle corrections replace the source's times, and their
classifications the source's severity, impact and flags (`metric_classifications`);
events of an incident linked into another count for the one it joined.
"""

import json
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import UTC, date, datetime, tzinfo
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from irdesk.domain.enums import MERGE_UNLINKED
from irdesk.domain.metrics.data import (
    LIFECYCLE,
    NONE_ID,
    ActionColumns,
    DatedValues,
    EventColumns,
    IncidentColumns,
    LeaveSpan,
    Memberships,
    MetricData,
    PersonInfo,
    ReviewInfo,
    RotationInfo,
    ServiceInfo,
    TeamInfo,
)
from irdesk.domain.metrics.figures import Figures, compute_figures
from irdesk.domain.metrics.kernels.lookups import find_keys
from irdesk.domain.metrics.selection import Period
from irdesk.domain.policy import Policy
from irdesk.storage.bulk import metric_facts
from irdesk.storage.bulk.batching import batches, cyclic_gc_paused
from irdesk.storage.bulk.dialect import SQLITE, Dialect
from irdesk.storage.bulk.incident_list import ROW_COLUMNS, incident_row
from irdesk.storage.bulk.metric_classifications import (
    apply_classifications,
    read_classifications,
)
from irdesk.storage.bulk.metric_reach import MARGIN, STORED, period_parts, whole_parts
from irdesk.storage.bulk.metric_row_reads import (
    actions_by_rows,
    events_by_rows,
    incident_fields_by_rows,
)
from irdesk.storage.bulk.metric_scans import (
    Cursor,
    EventArrays,
    Scanned,
    event_part,
    events_of_incidents,
    incident_part,
    resolves_in_id_order,
    scanned_actions,
    scanned_events,
    scanned_incident_fields,
)
from irdesk.storage.bulk.snapshot_readers import InOrder, snapshot_cursors
from irdesk.storage.database import Database
from irdesk.storage.reads.incident_row import IncidentRow
from irdesk.storage.records.policies import policy_version as policy_version_record

# Connections reading at once: SQLite runs a statement without holding Python's lock, so
# two connections scan on two cores while Python parses what they have read.
READERS = 2

# A literal, not a parameter: the same statement on a file's cursor and a server's.
MERGED = f"SELECT incident_id, into_id FROM incident_merge WHERE how <> '{MERGE_UNLINKED}'"
# A time as epoch seconds is written {column} (`_with_epochs`), here and below.
OVERRIDES = "SELECT incident_id, field, {value} FROM lifecycle_override"
# A review covers its own incident and the recurring ones linked to it. Only the reviews
# of the incidents read are read ({} is their ranges, `spans_sql`): a review of another
# incident counts in no figure, and a decade holds many.
REVIEWS = """
SELECT incident_id, tier, status, approved_at FROM review WHERE {0}
UNION ALL
SELECT l.incident_id, r.tier, r.status, r.approved_at
FROM review_incident l JOIN review r ON r.id = l.review_id WHERE {1}
"""


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def _with_epochs(sql: str, dialect: Dialect, *columns: str) -> str:
    """`sql` with each `{column}` replaced by that column as epoch seconds."""
    for column in columns:
        sql = sql.replace("{" + column + "}", dialect.epoch(column))
    return sql


def _utc(text: str | datetime | None) -> datetime | None:
    """`_time`, by one parse of the stored format (which has no offset of its own) with
    UTC's offset appended instead of a parse and then a replace. PostgreSQL's driver
    gives the stored (naive UTC) time itself."""
    if text is None:
        return None
    if isinstance(text, datetime):
        return text.replace(tzinfo=UTC)
    try:
        return datetime.fromisoformat(f"{text}+00:00")
    except ValueError:
        return _time(text)


def _zone(name: str | None) -> tzinfo | None:
    """None for a zone nobody gave or no zone database knows: the policy's zone counts then,
    and the load table says so."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


# --- the small tables ------------------------------------------------------------


# The target both importers give a service nobody described (tier 3, 99.9 %).
IMPORT_DEFAULT_SLO = 99.9
# A service's SLO target is the directory's unless the service has no entry there: the
# import's default with nothing to say anyone described the service (no owner, no SLO
# window, no target typed by hand). The keys cannot tell: an incident import keys the
# services it makes by the tool's id too.
SERVICES = f"""
SELECT s.id, s.name, s.slo_target, s.cost_per_minute, s.owner_team_id, s.slo_window_days,
       s.slo_target <> {IMPORT_DEFAULT_SLO}
       OR s.owner_team_id IS NOT NULL
       OR s.slo_window_days IS NOT NULL
       OR EXISTS (SELECT 1 FROM directory_override o
                  WHERE o.entity = 'service' AND o.entity_id = s.id AND o.field = 'slo_target')
FROM service s
"""
# A person's team: their own, else the first team they are a member of.
PEOPLE = """
SELECT p.id, p.name,
       coalesce(p.team_id, (SELECT min(m.team_id) FROM team_member m WHERE m.person_id = p.id)),
       p.time_zone, p.hourly_rate
FROM person p
"""
# A layer is named under its schedule, as the on-call tools show it.
ROTATIONS = """
SELECT r.id, CASE WHEN s.id IS NULL THEN r.name ELSE s.name || ' › ' || r.name END,
       coalesce(r.team_id, s.team_id)
FROM rotation r LEFT JOIN rotation s ON s.id = r.parent_id
"""
MEMBERSHIPS = "SELECT rotation_id, person_id, {starts_at}, {ends_at} FROM rotation_member"

# Values typed from a date that the figures take as they were when an incident happened;
# beside each, what the import had said (in force before the first).
DATED = """
SELECT v.entity, v.entity_id, v.field, v.value_json, {v.effective_from}, o.imported_json
FROM directory_value v
LEFT JOIN directory_override o
       ON o.entity = v.entity AND o.entity_id = v.entity_id AND o.field = v.field
WHERE (v.entity, v.field) IN (VALUES ('service', 'cost_per_minute'),
                                     ('service', 'owner_team_id'),
                                     ('person', 'time_zone'),
                                     ('person', 'hourly_rate'))
ORDER BY v.entity, v.entity_id, v.field, v.effective_from
"""


def _figure_value(field: str, value: Any) -> Any:
    """A typed or imported value as `DatedValues` holds it for the figures."""
    if field == "time_zone":
        return _zone(value)
    if field == "owner_team_id":
        return NONE_ID if value is None else int(value)
    if field == "hourly_rate":
        return float("nan") if value is None else float(value)
    return 0.0 if value is None else float(value)


def _dated(cur: Cursor, dialect: Dialect = SQLITE) -> DatedValues:
    found: dict[tuple[str, str, int], tuple[list[float], list[Any], Any]] = {}
    for entity, entity_id, field, value, start, imported in cur.execute(
        _with_epochs(DATED, dialect, "v.effective_from")
    ):
        key = (entity, field, entity_id)
        if key not in found:
            found[key] = ([], [], _figure_value(field, json.loads(imported or "null")))
        found[key][0].append(start)
        found[key][1].append(_figure_value(field, json.loads(value)))
    return DatedValues(
        {
            key: (np.array(starts, dtype=np.float64), tuple(values), before)
            for key, (starts, values, before) in found.items()
        }
    )


def _services(cur: Cursor) -> dict[int, ServiceInfo]:
    return {
        r[0]: ServiceInfo(r[0], r[1], float(r[2]), float(r[3]), r[4], r[5], bool(r[6]))
        for r in cur.execute(SERVICES)
    }


def _rotations(cur: Cursor) -> dict[int, RotationInfo]:
    return {r[0]: RotationInfo(r[0], r[1], r[2]) for r in cur.execute(ROTATIONS)}


def _memberships(cur: Cursor, dialect: Dialect = SQLITE) -> Memberships:
    rows = cur.execute(_with_epochs(MEMBERSHIPS, dialect, "starts_at", "ends_at")).fetchall()
    start = np.array([-np.inf if r[2] is None else r[2] for r in rows], dtype=np.float64)
    end = np.array([np.inf if r[3] is None else r[3] for r in rows], dtype=np.float64)
    return Memberships(
        rotation=np.array([r[0] for r in rows], dtype=np.int64),
        person=np.array([r[1] for r in rows], dtype=np.int64),
        start=start,
        end=end,
    )


def _day(value: Any) -> date:
    """A stored day: SQLite gives its text, PostgreSQL a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _leave(cur: Cursor) -> tuple[LeaveSpan, ...]:
    rows = cur.execute("SELECT person_id, starts_on, ends_on FROM leave ORDER BY id").fetchall()
    return tuple(LeaveSpan(r[0], _day(r[1]), None if r[2] is None else _day(r[2])) for r in rows)


def _teams(cur: Cursor) -> dict[int, TeamInfo]:
    return {r[0]: TeamInfo(r[0], r[1]) for r in cur.execute("SELECT id, name FROM team")}


def _people(cur: Cursor) -> dict[int, PersonInfo]:
    return {r[0]: PersonInfo(r[0], r[1], r[2], _zone(r[3]), r[4]) for r in cur.execute(PEOPLE)}


def spans_sql(column: str, spans: Sequence[tuple[int, int]] | None) -> str:
    """A condition that `column` lies in one of `spans` (inclusive id ranges; None: any)."""
    if spans is None:
        return "1 = 1"
    ranges = [f"{column} BETWEEN {int(lo)} AND {int(hi)}" for lo, hi in spans]
    return "(" + " OR ".join(ranges) + ")" if ranges else "0 = 1"


def joined_spans(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Inclusive id ranges with the adjacent ones joined: fewer terms for `spans_sql`."""
    spans: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if spans and lo <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
        else:
            spans.append((lo, hi))
    return spans


def _reviews(cur: Cursor, spans: Sequence[tuple[int, int]] | None = None) -> dict[int, ReviewInfo]:
    reviews: dict[int, ReviewInfo] = {}
    sql = REVIEWS.format(spans_sql("incident_id", spans), spans_sql("l.incident_id", spans))
    for incident_id, tier, status, approved in cur.execute(sql).fetchall():
        if incident_id not in reviews:  # the review of its own incident comes first
            reviews[incident_id] = ReviewInfo(incident_id, tier, status, _utc(approved))
    return reviews


def _overrides(cur: Cursor, dialect: Dialect = SQLITE) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = cur.execute(_with_epochs(OVERRIDES, dialect, "value")).fetchall()
    return rows


# --- the big tables, whichever way they were read ----------------------------------


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
    classified: "Future[list[tuple[Any, ...]]]",
    merged: dict[int, int],
) -> IncidentColumns:
    fields = scanned_incident_fields(parts)
    if fields is None:
        fields = incident_fields_by_rows(cur)
    return incident_columns(fields, overrides.result(), classified.result(), merged)


def incident_columns(
    fields: dict[str, Any],
    overrides: list[tuple[Any, ...]],
    classified: list[tuple[Any, ...]],
    merged: dict[int, int],
) -> IncidentColumns:
    """The incidents as read, with the facilitators' corrections and classifications."""
    _apply_overrides(overrides, fields["ids"], {name: fields[name] for name in LIFECYCLE})
    fields = apply_classifications(classified, fields)
    return IncidentColumns(**fields, merged=np.isin(fields["ids"], list(merged)))


def _events(
    cur: Cursor,
    parts: list["Future[Scanned | None]"],
    merged: dict[int, int],
    by_incident: bool = False,
) -> EventColumns:
    read: EventArrays | None = scanned_events(parts)
    if read is None:
        read = events_by_rows(cur)
    elif by_incident:
        read = resolves_in_id_order(cur, read)
    return event_columns(read, merged)


def event_columns(read: EventArrays, merged: dict[int, int]) -> EventColumns:
    """The events as read, those of a linked incident counting for the one it joined."""
    incident = read.incident
    if merged and len(incident):
        # Events of an incident linked into another count for the one it joined.
        source = np.array(sorted(merged), dtype=np.int64)
        target = np.array([merged[i] for i in source.tolist()], dtype=np.int64)
        linked = find_keys(source, incident, None)  # -1: not linked into another
        incident = np.where(linked >= 0, target[linked], incident)
    return EventColumns.from_events(incident, read.person, read.time, read.is_page, read.is_resolve)


def period_actions(period: Period) -> dict[str, str]:
    """The bounds of `metric_scans.OF_PERIOD` for `period`, a day wider on either side:
    a value stored in another form (an offset, a "T") still sorts within a day."""
    low, high = period.start - MARGIN, period.end + MARGIN
    return {
        "low_day": low.date().isoformat(),
        "high_day": high.date().isoformat(),
        "low": low.strftime(STORED),
        "high": high.strftime(STORED),
    }


def _actions(cur: Cursor, bounds: dict[str, str] | None = None) -> ActionColumns:
    scanned = scanned_actions(cur, bounds)
    return scanned if scanned is not None else actions_by_rows(cur, bounds)


def load_metric_data(
    db: Database,
    period: Period | None = None,
    policy: Policy | None = None,
    *,
    cached: bool = True,
) -> MetricData:
    """Everything `compute_figures` reads; with `period` and `policy`, everything it reads
    for that period under that policy (`metric_reach`; of the action items, those the
    period's follow-through counts): the figures of the period come out the same, and a
    year of a decade's file costs about a year.

    The big tables are read in parts (ranges of ids) on READERS connections at once,
    all in one snapshot of the file (`snapshot_cursors`): a write committed meanwhile
    (another process importing) shows in none of them or in all.

    The readers take the tasks in the order they are added (`InOrder`). A task is mostly
    SQLite work, which runs without Python's lock (a part's scan), or mostly Python work,
    which holds it (building rows into objects, parsing, joining the parts); the order
    below puts Python work on one reader while SQLite work is queued for the other, so
    that both cores stay busy. A task may wait for tasks added before it: those have
    started by then, so the wait ends.

    The incidents and the timeline's events are taken as the columns and facts derived
    from them and kept in the file (`metric_facts`), those missing or stale derived again
    and stored; `cached=False` derives them all from the rows (the reference the stored
    ones are held to).
    """
    if db.engine.dialect.name == "postgresql":
        from irdesk.storage.bulk.metric_server import load_server_metric_data

        return load_server_metric_data(db, period, policy)
    with cyclic_gc_paused(), snapshot_cursors(db, READERS) as cursors:
        cur = cursors[0]
        merged = dict(cur.execute(MERGED).fetchall())
        spans: list[tuple[int, int]] | None = None  # the incidents read: all
        if period is None or policy is None:
            parts = whole_parts(cur)
        else:
            parts = period_parts(cur, period, policy)
            spans = joined_spans(parts.incidents)
        incident_id_ranges = parts.incidents
        # Only the action items the period's follow-through can count.
        bounds = None if period is None or policy is None else period_actions(period)
        facts = metric_facts.plan(cur, spans) if cached and metric_facts.has_store(cur) else None
        tasks = InOrder()
        # Python work (a named tuple per review) beside the action items' scan.
        reviews = tasks.add(lambda c: _reviews(c, spans))
        actions = tasks.add(lambda c: _actions(c, bounds))
        if facts is not None:
            # The blocks (a blob each, or rebuilt from their rows), the small tables, and
            # last the blocks joined into the events and, on the other reader at once,
            # into the incidents.
            blocks = [tasks.add(metric_facts.block_task(facts, b, spans)) for b in facts.blocks]
            small = _SmallTables.add(tasks)
            events = tasks.add(lambda c: _stored_events(blocks, merged))
            incidents = tasks.add(
                lambda c: incident_columns(
                    _joined(blocks, (metric_facts.INCIDENTS,)).incident_fields(),
                    small.overrides.result(),
                    small.classified.result(),
                    merged,
                )
            )
            tasks.run(cursors)
        else:
            # The events' scans, then one incident part so that the other reader has
            # SQLite work while the first joins the event parts (which waits for all of
            # them).
            read_part = events_of_incidents if parts.events_by_incident else event_part
            event_parts = [tasks.add(read_part(lo, hi)) for lo, hi in parts.events]
            incident_parts = [tasks.add(incident_part(lo, hi)) for lo, hi in incident_id_ranges[:1]]
            events = tasks.add(lambda c: _events(c, event_parts, merged, parts.events_by_incident))
            # The other incident parts, the small tables, and last the incidents joined.
            incident_parts += [
                tasks.add(incident_part(lo, hi)) for lo, hi in incident_id_ranges[1:]
            ]
            small = _SmallTables.add(tasks)
            incidents = tasks.add(
                lambda c: _incidents(c, incident_parts, small.overrides, small.classified, merged)
            )
            tasks.run(cursors)
        data = MetricData(
            incidents=incidents.result(),
            events=events.result(),
            services=small.services.result(),
            teams=small.teams.result(),
            people=small.people.result(),
            actions=actions.result(),
            reviews=reviews.result(),
            rotations=small.rotations.result(),
            memberships=small.memberships.result(),
            dated=small.dated.result(),
            leave=small.leave.result(),
        )
    if facts is not None:
        # After the snapshot ends: the write waits for no reader of this read.
        metric_facts.store(db.engine, facts)
    return data


class _SmallTables(NamedTuple):
    """The small tables every read takes whole, queued in this order on either path."""

    overrides: "Future[list[tuple[Any, ...]]]"
    classified: "Future[list[tuple[Any, ...]]]"
    services: "Future[dict[int, ServiceInfo]]"
    teams: "Future[dict[int, TeamInfo]]"
    people: "Future[dict[int, PersonInfo]]"
    rotations: "Future[dict[int, RotationInfo]]"
    memberships: "Future[Memberships]"
    dated: "Future[DatedValues]"
    leave: "Future[tuple[LeaveSpan, ...]]"

    @classmethod
    def add(cls, tasks: InOrder) -> "_SmallTables":
        # Arguments are evaluated left to right: the order the readers take them in.
        return cls(
            tasks.add(_overrides),
            tasks.add(read_classifications),
            tasks.add(_services),
            tasks.add(_teams),
            tasks.add(_people),
            tasks.add(_rotations),
            tasks.add(_memberships),
            tasks.add(_dated),
            tasks.add(_leave),
        )


def _joined(
    blocks: list["Future[metric_facts.Facts]"], kinds: tuple[tuple[str, ...], ...]
) -> metric_facts.Facts:
    return metric_facts.Facts.joined([b.result() for b in blocks], kinds)


def _stored_events(
    blocks: list["Future[metric_facts.Facts]"], merged: dict[int, int]
) -> EventColumns:
    """The events' facts from their blocks, with linked incidents counted once."""
    return metric_facts.linked_facts(_joined(blocks, metric_facts.EVENT_KINDS), merged)


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
        data if data is not None else load_metric_data(db, period, record.policy),
        record.policy,
        period,
        by,
        policy_version=record.version,
        as_of=as_of,
    )


INCIDENT_ROWS = f"""{ROW_COLUMNS}
WHERE i.id IN ({{}})
ORDER BY i.started_at IS NULL, i.started_at DESC
"""


def incident_rows(db: Database, ids: Sequence[int]) -> list[IncidentRow]:
    """The incident-list rows of `ids` (the incidents behind a figure), newest first."""
    unique = sorted({int(i) for i in ids})
    result: list[IncidentRow] = []
    with db.connection() as conn:
        # SQLite caps the number of parameters; ask in batches. Through the connection,
        # not its driver's cursor: a server's engine takes the `?` as written (`dialect`).
        for chunk in batches(unique):
            sql = INCIDENT_ROWS.format(", ".join("?" * len(chunk)))
            for r in conn.exec_driver_sql(sql, tuple(chunk)):
                result.append(incident_row(r))
    result.sort(key=lambda row: (row.started_at is None, -(row.started_at or _EPOCH).timestamp()))
    return result


_EPOCH = datetime.fromtimestamp(0, UTC)
