"""What the figures read of the big tables, kept in the file per block of incident ids so
that a read costs these, not the millions of rows behind them: the timeline facts
(`EventColumns`: every page, each person's first and last event in an incident, each
incident's resolver) and the incident columns (`IncidentColumns` as the incident table has
them: times, service, severity, impact, flags, titles).

A closed incident almost never changes, yet every read of the figures used to derive its
facts from every event again and parse every incident's columns from SQLite's text. Here
they are derived once per block of BLOCK incident ids (`build_block`, from the timeline's
index and the incident table as the uncached read takes them) and stored as raw
little-endian arrays (`metric_fact_blob`), beside a mark (`metric_fact_block`) saying which
rows they reflect: the highest event id and the highest incident id the file held when
they were derived (the watermarks), how many entries of each kind, and a CRC-32 of the
bytes. A blob whose length or checksum does not match its mark is rebuilt, never trusted.

How a change is never missed:
- a row added (an event, an incident): its id is above the watermark of every block
  built before it (ids only grow; see the next point for the one exception), so the rows
  above the lowest watermark of the blocks read (a handful, after the first read since
  an import) name the blocks to rebuild. An import pays nothing per row.
- a row edited (an event's incident, actor, time, kind; any incident column the figures
  read) or deleted: triggers (migrations 0028 and 0029) drop the mark of its block; and a
  delete of the file's newest rows lowers the watermarks to the newest id left, as SQLite
  gives a new row the id after the largest.
- a write committed between the read and the write-back of a rebuilt block: the
  triggers count edits (`metric_fact_state`), and the write-back, in a write
  transaction, stores nothing when the count moved since the read's snapshot.
- what the figures lay over the incident rows at each read, never stored: links between
  incidents (only the linked incidents' facts are reduced again, `linked_facts`), a
  facilitator's lifecycle corrections and classifications, the services' names and every
  other small table, and the policy.

A file opened where it cannot be written is read the same way and the rebuilt blocks are
simply not stored. PostgreSQL keeps its own read (`metric_server`): its tables are the
same but a server is shared by many writers, and nothing here is written there.
"""

import itertools
import sqlite3
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.exc import SQLAlchemyError

from irdesk.domain.enums import EventKind
from irdesk.domain.metrics.data import LIFECYCLE, EventColumns, epoch_from_text
from irdesk.domain.metrics.kernels.grouping import pair_spans
from irdesk.domain.metrics.kernels.lookups import find_keys
from irdesk.domain.metrics.kernels.sorting import run_starts
from irdesk.storage.bulk.column_scan import Column, read_columns
from irdesk.storage.bulk.metric_row_reads import incident_fields_by_rows
from irdesk.storage.bulk.metric_scans import (
    EVENTS_OF_INCIDENTS,
    PAGE_INITIAL,
    RESOLVE_INITIAL,
    SCANNED_EVENTS,
    Cursor,
    IncidentFields,
    incident_fields_of_part,
    incident_part,
)
from irdesk.storage.bulk.snapshot_readers import snapshot_cursors
from irdesk.storage.database import Database

# Incident ids per block: a year of a decade's file is some ten blocks, and rebuilding
# one after an edit reads some two hundred thousand events.
BLOCK = 10_000
# The layout of a blob; a change of the layout or of how the facts are derived raises it,
# and every stored block then counts as missing.
FORMAT = 2

# The arrays of a block, in the order they are stored, each of `count` entries of one of
# the four kinds; the first of each kind is the incident's id. Stored little-endian
# whatever the machine.
PAGES = ("page_incident", "page_person", "page_time")
PARTS = ("part_incident", "part_person", "part_first", "part_last")
# The resolver's time and event id let linked incidents choose theirs again (the latest
# resolution; of equal times, the last in id order, as `EventColumns.from_events` does).
RESOLVERS = ("resolver_incident", "resolver_person", "resolver_time", "resolver_event")
# IncidentColumns' fields as the incident table has them (`metric_scans`), the titles as
# codes into the block's own title texts; the one-byte arrays last.
INCIDENTS = (
    "ids",
    "title_codes",
    "service",
    *LIFECYCLE,
    "users_affected",
    "downtime_cost",
    "severity",
    "customer_severity",
    "external_cause",
    "tech_debt",
    "regulatory",
)
EVENT_KINDS = (PAGES, PARTS, RESOLVERS)
KINDS = (*EVENT_KINDS, INCIDENTS)
_FLOATS = {"page_time", "part_first", "part_last", "resolver_time", *LIFECYCLE}
_DTYPES = {
    **{name: "<f8" for name in (*_FLOATS, "users_affected", "downtime_cost")},
    "severity": "i1",
    "customer_severity": "i1",
    "external_cause": "?",
    "tech_debt": "?",
    "regulatory": "?",
}
# After the arrays: each distinct title's length in bytes (<i8), then the titles' UTF-8.


def _dtype(name: str) -> str:
    return _DTYPES.get(name, "<i8")


def _width(names: tuple[str, ...]) -> int:
    return sum(np.dtype(_dtype(name)).itemsize for name in names)


@dataclass(frozen=True)
class Facts:
    """A block's facts (or several blocks' one after the other), per incident as its own
    rows have them: name → array, for the names of KINDS, and the texts the incidents'
    `title_codes` index."""

    arrays: dict[str, np.ndarray]
    titles: tuple[str, ...] = ()

    def count(self, names: tuple[str, ...]) -> int:
        return len(self.arrays[names[0]])

    def counts(self) -> tuple[int, ...]:
        """What a mark records: the entries of each kind, the titles, their bytes."""
        encoded = sum(len(t.encode()) for t in self.titles)
        return (*(self.count(names) for names in KINDS), len(self.titles), encoded)

    def encode(self) -> bytes:
        texts = [t.encode() for t in self.titles]
        return b"".join(
            [
                *(
                    np.ascontiguousarray(self.arrays[name], dtype=_dtype(name)).tobytes()
                    for names in KINDS
                    for name in names
                ),
                np.array([len(t) for t in texts], dtype="<i8").tobytes(),
                *texts,
            ]
        )

    @staticmethod
    def decode(blob: bytes | None, counts: Sequence[int], checksum: int) -> "Facts | None":
        """The facts of a stored blob; None when its length or checksum is not its mark's
        (`counts` as `Facts.counts` gives them)."""
        *entries, titles, title_bytes = counts
        size = sum(n * _width(names) for n, names in zip(entries, KINDS, strict=True))
        if blob is None or len(blob) != size + 8 * titles + title_bytes:
            return None
        if zlib.crc32(blob) != checksum:
            return None
        arrays: dict[str, np.ndarray] = {}
        offset = 0
        for n, names in zip(entries, KINDS, strict=True):
            for name in names:
                arrays[name] = np.frombuffer(blob, dtype=_dtype(name), count=n, offset=offset)
                offset += n * np.dtype(_dtype(name)).itemsize
        lengths = np.frombuffer(blob, dtype="<i8", count=titles, offset=offset).tolist()
        offset += 8 * titles
        texts = []
        try:
            for length in lengths:
                texts.append(blob[offset : offset + length].decode())
                offset += length
        except UnicodeDecodeError:
            return None
        codes = arrays["title_codes"]
        if offset != len(blob) or (len(codes) and not 0 <= codes.min() <= codes.max() < titles):
            return None
        return Facts(arrays, tuple(texts))

    @staticmethod
    def joined(parts: Sequence["Facts"], kinds: tuple[tuple[str, ...], ...] = KINDS) -> "Facts":
        """The parts one after the other, their titles numbered again in order of first
        appearance (as one read of all their incidents would number them); only the
        arrays of `kinds` (the events' and the incidents' can be joined on two readers
        at once: numpy copies without Python's lock)."""
        if not parts:
            return Facts.empty()
        arrays = {
            name: np.concatenate([p.arrays[name] for p in parts])
            for names in kinds
            for name in names
            if name != "title_codes"
        }
        if INCIDENTS not in kinds:
            return Facts(arrays)
        # Every part's texts in one list, numbered by C-level loops (dict.fromkeys, map)
        # rather than a Python step per text: a decade has some hundred thousand.
        texts = list(itertools.chain.from_iterable(p.titles for p in parts))
        code = {t: n for n, t in enumerate(dict.fromkeys(texts))}
        numbers = np.fromiter(map(code.__getitem__, texts), dtype=np.int64, count=len(texts))
        codes, start = [], 0
        for part in parts:
            renumber = numbers[start : start + len(part.titles)]
            start += len(part.titles)
            codes.append(renumber[part.arrays["title_codes"]])
        arrays["title_codes"] = np.concatenate(codes)
        return Facts(arrays, tuple(code))

    @staticmethod
    def empty() -> "Facts":
        return Facts({name: np.zeros(0, dtype=_dtype(name)) for names in KINDS for name in names})

    def within(self, spans: Sequence[tuple[int, int]]) -> "Facts":
        """Only the entries of incidents in `spans` (sorted inclusive id ranges, apart)."""
        bounds = np.array([b for lo, hi in spans for b in (lo, hi + 1)], dtype=np.int64)
        arrays = {}
        for names in KINDS:
            incident = self.arrays[names[0]]
            keep = np.searchsorted(bounds, incident, side="right") % 2 == 1
            if keep.all():
                arrays.update({name: self.arrays[name] for name in names})
            else:
                arrays.update({name: self.arrays[name][keep] for name in names})
        return Facts(arrays, self.titles)

    def incident_fields(self) -> IncidentFields:
        """The incidents as `metric_scans` reads them (IncidentColumns' fields but
        `merged`), each in the machine's byte order and writable: the caller lays
        corrections over them. Copied only when not so already (a joined array is)."""
        fields: IncidentFields = {"title_texts": self.titles}
        for name in INCIDENTS:
            array = self.arrays[name]
            native = np.dtype(_dtype(name)).newbyteorder("=")
            writable = array.flags.writeable and array.flags.owndata
            fields[name] = array if writable and array.dtype == native else array.astype(native)
        return fields


# --- deriving a block from the timeline ---------------------------------------------

EVENT_IDS = (*SCANNED_EVENTS, Column("id", "id", "int", nullable=False))
# The same rows, the ordinary way, for a block whose column scan met a value it could not
# parse (a time in another format), in the index's order as the scan reads them.
EVENTS_OF_INCIDENTS_BY_ROWS = f"""
SELECT incident_id, actor_person_id, occurred_at,
       kind = '{EventKind.PAGE.value}', kind = '{EventKind.RESOLVE.value}', id
FROM timeline_event INDEXED BY ix_timeline_incident_time
WHERE incident_id BETWEEN ? AND ? AND actor_person_id IS NOT NULL
ORDER BY incident_id, occurred_at, actor_person_id, kind, id
"""


def block_range(block: int) -> tuple[int, int]:
    return block * BLOCK, block * BLOCK + BLOCK - 1


def _events_of_block(cur: Cursor, block: int) -> dict[str, np.ndarray]:
    """The block's events with a person as actor, in the timeline index's order (incident,
    time as stored, actor): incident, person, time, is_page, is_resolve, id."""
    lo, hi = block_range(block)
    col = read_columns(cur, EVENT_IDS, EVENTS_OF_INCIDENTS, (lo, hi))
    if col is not None:
        kind = col.pop("kind")
        return {**col, "is_page": kind == PAGE_INITIAL, "is_resolve": kind == RESOLVE_INITIAL}
    rows = cur.execute(EVENTS_OF_INCIDENTS_BY_ROWS, (lo, hi)).fetchall()
    return {
        "incident": np.array([r[0] for r in rows], dtype=np.int64),
        "person": np.array([r[1] for r in rows], dtype=np.int64),
        "time": epoch_from_text([r[2] for r in rows]),
        "is_page": np.array([bool(r[3]) for r in rows], dtype=bool),
        "is_resolve": np.array([bool(r[4]) for r in rows], dtype=bool),
        "id": np.array([r[5] for r in rows], dtype=np.int64),
    }


def _latest(incident: np.ndarray, time: np.ndarray, event: np.ndarray) -> np.ndarray:
    """The position of each incident's latest entry by time (a NaN time never wins unless
    all are NaN), of equal times the highest event id; in incident order."""
    if len(incident) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((event, np.where(np.isnan(time), -np.inf, time), incident))
    ends = np.r_[run_starts(incident[order])[1:], len(order)] - 1
    result: np.ndarray = order[ends]
    return result


def _incidents_of_block(cur: Cursor, block: int) -> IncidentFields:
    """The block's incidents as the uncached read takes them, in id order."""
    lo, hi = block_range(block)
    part = incident_part(lo, hi)(cur)
    return incident_fields_by_rows(cur, (lo, hi)) if part is None else incident_fields_of_part(part)


def facts_of_events(ev: dict[str, np.ndarray]) -> Facts:
    """The facts of events as `_events_of_block` gives them, per incident as read (and no
    incidents: `build_block` adds them)."""
    incident, person, time = ev["incident"], ev["person"], ev["time"]
    pages = ev["is_page"]
    firsts, first, last = pair_spans(incident, person, time, time)
    resolves = np.flatnonzero(ev["is_resolve"])
    latest = resolves[_latest(incident[resolves], time[resolves], ev["id"][resolves])]
    return Facts(
        {
            "page_incident": incident[pages],
            "page_person": person[pages],
            "page_time": time[pages],
            "part_incident": incident[firsts],
            "part_person": person[firsts],
            "part_first": first,
            "part_last": last,
            "resolver_incident": incident[latest],
            "resolver_person": person[latest],
            "resolver_time": time[latest],
            "resolver_event": ev["id"][latest],
            **{name: Facts.empty().arrays[name] for name in INCIDENTS},
        }
    )


def build_block(cur: Cursor, block: int) -> Facts:
    """A block's facts derived from its timeline and incident rows (on `cur`, in its
    snapshot)."""
    facts = facts_of_events(_events_of_block(cur, block))
    incidents = _incidents_of_block(cur, block)
    return Facts(
        {**facts.arrays, **{name: incidents[name] for name in INCIDENTS}},
        tuple(incidents["title_texts"]),
    )


# --- links between incidents ---------------------------------------------------------


def linked_facts(facts: Facts, merged: dict[int, int]) -> EventColumns:
    """The figures' EventColumns: the events of an incident linked into another count for
    the one it joined, so its pages move there, and the pairs and resolvers of the
    incidents that gained some are reduced again (first of firsts, last of lasts, the
    latest resolution)."""
    a = facts.arrays
    page_incident, part_incident = a["page_incident"], a["part_incident"]
    resolver_incident = a["resolver_incident"]
    part_person, first, last = a["part_person"], a["part_first"], a["part_last"]
    resolver_person = a["resolver_person"]
    if merged and (len(part_incident) or len(resolver_incident) or len(page_incident)):
        source = np.array(sorted(merged), dtype=np.int64)
        target = np.array([merged[i] for i in source.tolist()], dtype=np.int64)

        def relabel(incident: np.ndarray) -> np.ndarray:
            linked = find_keys(source, incident, None)  # -1: not linked into another
            moved: np.ndarray = np.where(linked >= 0, target[np.maximum(linked, 0)], incident)
            return moved

        page_incident = relabel(page_incident)
        part_incident = relabel(part_incident)
        resolver_incident = relabel(resolver_incident)
        # Only where a link moved something may a pair or an incident occur twice; a
        # whole sort of the pairs is still cheap next to the figures.
        firsts, first, last = pair_spans(part_incident, part_person, first, last)
        part_incident, part_person = part_incident[firsts], part_person[firsts]
        latest = _latest(resolver_incident, a["resolver_time"], a["resolver_event"])
        resolver_incident, resolver_person = resolver_incident[latest], resolver_person[latest]
    return EventColumns(
        page_incident=page_incident,
        page_person=a["page_person"],
        page_time=a["page_time"],
        part_incident=part_incident,
        part_person=part_person,
        part_first=first,
        part_last=last,
        resolver_incident=resolver_incident,
        resolver_person=resolver_person,
    )


# --- what is stored, and what must be built ----------------------------------------

COUNTS = ("pages", "parts", "resolvers", "incidents", "titles", "title_bytes")
MARKS = f"""
SELECT block, format, watermark, incident_watermark, {", ".join(COUNTS)}, checksum
FROM metric_fact_block WHERE block BETWEEN ? AND ?
"""
# As bytes whatever was stored: a damaged value could be text.
BLOB = "SELECT CAST(facts AS BLOB) FROM metric_fact_blob WHERE block = ?"
EDITS = "SELECT ifnull((SELECT edits FROM metric_fact_state WHERE id = 1), 0)"
NEWEST = """
SELECT ifnull((SELECT max(id) FROM timeline_event), 0), ifnull((SELECT max(id) FROM incident), 0)
"""
# The incidents of the file, from the two ends of the table.
INCIDENT_SPAN = "SELECT (SELECT min(id) FROM incident), (SELECT max(id) FROM incident)"
ADDED = (
    Column("incident", "incident_id", "int", nullable=False),
    Column("id", "id", "int", nullable=False),
)
ADDED_SOURCE = "FROM timeline_event WHERE id > ?"
ADDED_INCIDENTS = (Column("id", "id", "int", nullable=False),)
ADDED_INCIDENTS_SOURCE = "FROM incident WHERE id > ?"


@dataclass(frozen=True)
class Mark:
    block: int
    watermark: int  # the highest event id when built
    incident_watermark: int  # the highest incident id when built
    counts: tuple[int, ...]  # as `Facts.counts` gives them
    checksum: int


@dataclass
class Plan:
    """What one read takes from the store and what it builds, in one snapshot."""

    blocks: list[int]
    stored: dict[int, Mark]  # the blocks whose stored facts are current
    newest: int  # the snapshot's highest event id: the watermark of what is built now
    edits: int  # the snapshot's count of edits
    newest_incident: int = 0  # the snapshot's highest incident id
    built: dict[int, Facts] = field(default_factory=dict)  # filled by the read


# The first incident at or after an id: one seek in the table.
NEXT_INCIDENT = "SELECT min(id) FROM incident WHERE id >= ?"


def _blocks_of(cur: Cursor, spans: Sequence[tuple[int, int]]) -> list[int]:
    """The blocks of `spans` that hold an incident: one seek per block, so that ids far
    apart make no run of empty blocks."""
    blocks: list[int] = []
    for lo, hi in sorted(spans):
        at = max(lo, 0, (blocks[-1] + 1) * BLOCK if blocks else 0)
        while at <= hi:
            found = cur.execute(NEXT_INCIDENT, (at,)).fetchone()[0]
            if found is None or found > hi:
                break
            blocks.append(int(found) // BLOCK)
            at = (blocks[-1] + 1) * BLOCK
    return blocks


def has_store(cur: Cursor) -> bool:
    """Whether the file has the store as this code keeps it (a file being upgraded to
    0029 has not yet)."""
    found = cur.execute(
        "SELECT count(*) FROM pragma_table_info('metric_fact_block')"
        " WHERE name = 'incident_watermark'"
    ).fetchone()[0]
    return bool(found)


def _drop_added(cur: Cursor, stored: dict[int, Mark], newest: int, *, incident: bool) -> bool:
    """Drop from `stored` each block with a row (an event, or an incident) above its
    watermark; False when the rows above the lowest could not be read as numbers."""
    if not stored:
        return True
    lowest = min(m.incident_watermark if incident else m.watermark for m in stored.values())
    if lowest >= newest:
        return True
    columns, source = (
        (ADDED_INCIDENTS, ADDED_INCIDENTS_SOURCE) if incident else (ADDED, ADDED_SOURCE)
    )
    added = read_columns(cur, columns, source, (lowest,))
    if added is None:  # an id that is not a plain integer
        return False
    owner = added["id"] if incident else added["incident"]
    for block, row in zip((owner // BLOCK).tolist(), added["id"].tolist(), strict=True):
        mark = stored.get(block)
        if mark is not None and row > (mark.incident_watermark if incident else mark.watermark):
            del stored[block]
    return True


def plan(cur: Cursor, spans: Sequence[tuple[int, int]] | None) -> Plan:
    """Which blocks a read of the incidents in `spans` (None: all) and their events needs,
    and which of them are stored and current (on `cur`, in the read's snapshot)."""
    if spans is None:
        low, high = cur.execute(INCIDENT_SPAN).fetchone()
        spans = [] if low is None else [(int(low), int(high))]
    blocks = _blocks_of(cur, spans)
    newest, newest_incident = (int(n) for n in cur.execute(NEWEST).fetchone())
    edits = int(cur.execute(EDITS).fetchone()[0])
    if not blocks:
        return Plan(blocks, {}, newest, edits, newest_incident)
    wanted = set(blocks)
    stored = {
        r[0]: Mark(r[0], r[2], r[3], tuple(r[4:-1]), r[-1])
        for r in cur.execute(MARKS, (blocks[0], blocks[-1]))
        if r[1] == FORMAT and r[0] in wanted
    }
    if not _drop_added(cur, stored, newest, incident=False) or not _drop_added(
        cur, stored, newest_incident, incident=True
    ):
        stored = {}
    return Plan(blocks, stored, newest, edits, newest_incident)


def _inside(block: int, spans: Sequence[tuple[int, int]] | None) -> bool:
    """Whether every incident id of `block` lies in one of `spans` (None: all)."""
    if spans is None:
        return True
    lo, hi = block_range(block)
    return any(first <= lo and hi <= last for first, last in spans)


def block_task(
    plan_: Plan, block: int, spans: Sequence[tuple[int, int]] | None = None
) -> Callable[[Cursor], Facts]:
    """A task giving a block's facts: the stored ones when current and intact, else the
    timeline's (kept in `plan_.built` for the write-back); of these, the entries of the
    incidents in `spans` (None: all). Most blocks lie inside a span and need no look."""

    def read(cur: Cursor) -> Facts:
        facts = None
        mark = plan_.stored.get(block)
        if mark is not None:
            row = cur.execute(BLOB, (block,)).fetchone()
            facts = Facts.decode(None if row is None else row[0], mark.counts, mark.checksum)
            if facts is None:
                del plan_.stored[block]
        if facts is None:
            facts = build_block(cur, block)
            plan_.built[block] = facts
        return facts if _inside(block, spans) else facts.within(spans or [])

    return read


def _raw(conn: Any) -> sqlite3.Connection:
    raw: sqlite3.Connection = conn.connection.dbapi_connection
    return raw


def store(engine: Any, plan_: Plan) -> bool:
    """Write the blocks the read built, and move the watermark of those it found current
    to the read's; nothing when the timeline was edited since the read's snapshot (the
    facts could be stale) or the file cannot be written now (read-only, or another
    writer holds it: the next read tries again). True when stored."""
    if not plan_.built and not _behind(plan_):
        return False
    try:
        with engine.connect() as conn:
            raw = _raw(conn)
            (timeout,) = raw.execute("PRAGMA busy_timeout").fetchone()
            raw.execute("PRAGMA busy_timeout = 0")  # never keep the figures waiting
            try:
                return _store(raw, plan_)
            finally:
                raw.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    except (sqlite3.Error, SQLAlchemyError):
        return False


def _store(raw: sqlite3.Connection, plan_: Plan) -> bool:
    if raw.in_transaction:
        raw.rollback()
    raw.execute("BEGIN IMMEDIATE")
    try:
        (edits,) = raw.execute(EDITS).fetchone()
        if edits != plan_.edits:
            raw.rollback()
            return False
        for block, facts in plan_.built.items():
            blob = facts.encode()
            raw.execute(
                "INSERT OR REPLACE INTO metric_fact_block (block, format, watermark,"
                f" incident_watermark, {', '.join(COUNTS)}, checksum)"
                f" VALUES (?, ?, ?, ?, {', '.join('?' * len(COUNTS))}, ?)",
                (
                    block,
                    FORMAT,
                    plan_.newest,
                    plan_.newest_incident,
                    *facts.counts(),
                    zlib.crc32(blob),
                ),
            )
            raw.execute(
                "INSERT OR REPLACE INTO metric_fact_blob (block, facts) VALUES (?, ?)",
                (block, blob),
            )
        # Never lowered here: a later read may have moved a mark further meanwhile.
        raw.executemany(
            "UPDATE metric_fact_block SET watermark = max(watermark, ?),"
            " incident_watermark = max(incident_watermark, ?) WHERE block = ?",
            [(plan_.newest, plan_.newest_incident, b) for b in _behind(plan_)],
        )
        raw.commit()
        return True
    except sqlite3.Error:
        raw.rollback()
        raise


def _behind(plan_: Plan) -> list[int]:
    """The blocks found current whose watermarks are below the read's."""
    return [
        b
        for b, m in plan_.stored.items()
        if m.watermark < plan_.newest or m.incident_watermark < plan_.newest_incident
    ]


# --- checking the store ------------------------------------------------------------


def check_store(cur: Cursor) -> list[str]:
    """Each stored block that is current but does not hold what its timeline says (its
    blob damaged, or facts that differ from the ones derived again): a sentence each.
    A block that is not current is no problem: a read rebuilds it."""
    if not has_store(cur):
        return []
    problems = []
    blocks = [r[0] for r in cur.execute("SELECT block FROM metric_fact_block ORDER BY block")]
    for start in range(0, len(blocks), 100):
        part = blocks[start : start + 100]
        found = plan(cur, [block_range(b) for b in part])
        for block in part:
            mark = found.stored.get(block)
            if mark is None:
                continue
            row = cur.execute(BLOB, (block,)).fetchone()
            facts = Facts.decode(None if row is None else row[0], mark.counts, mark.checksum)
            lo, hi = block_range(block)
            if facts is None:
                problems.append(
                    f"the stored figure facts of incidents {lo}–{hi} are damaged "
                    "(they are rebuilt on the next read of the figures)"
                )
            elif facts.encode() != build_block(cur, block).encode():
                problems.append(
                    f"the stored figure facts of incidents {lo}–{hi} differ from their"
                    " incidents and timeline"
                )
    return problems


# --- building ahead of the first read ------------------------------------------------

# Blocks built per write: each write is short, so that an edit waiting for the file is
# not kept waiting long, and progress can be told.
BUILD_BATCH = 8


def build_missing(
    db: Database, on_progress: Callable[[int, int], None] | None = None, batch: int = BUILD_BATCH
) -> int:
    """Build and store every block that is missing or stale, `batch` at a time, each
    batch in a snapshot of its own and written at once (`store`): what the first read of
    the figures after an upgrade or a big import would otherwise do, done ahead, say in
    the background once an import ends. Gives way: it stops when a write is refused (an
    edit since the batch's snapshot, another writer, a read-only file), and the next
    read builds what is left. `on_progress(done, total)` after each batch. The number of
    blocks stored. Nothing on a server, which reads its own way (`metric_server`)."""
    if db.engine.dialect.name != "sqlite":
        return 0
    stored = 0
    total: int | None = None
    rounds = 1
    while rounds > 0:
        rounds -= 1
        with snapshot_cursors(db, 1) as (cur,):
            if not has_store(cur):
                return stored
            found = plan(cur, None)
            missing = [b for b in found.blocks if b not in found.stored]
            if total is None:
                # Enough rounds for what is missing now; rows another writer adds
                # meanwhile are left to the next read.
                total = len(missing)
                rounds = -(-total // batch)
            for block in missing[:batch]:
                found.built[block] = build_block(cur, block)
        if not found.built:
            return stored
        found.stored = {}  # only the batch's blocks are written
        if not store(db.engine, found):
            return stored
        stored += len(found.built)
        if on_progress is not None:
            on_progress(min(stored, total), total)
    return stored
