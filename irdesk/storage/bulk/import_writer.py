"""Writing an import's rows: set-based, in the import's one transaction.

Rows go in through executemany (COPY on a server, storage/bulk/dialect), not the ORM's
per-object path, which would cost far more per row than an export of hundreds of
thousands of log entries can afford. What
to insert and update is decided
by the importer; this module sends it, and checks in Python what SQLite's CHECK
constraints would, for the inserts that skip them.
"""

import contextlib
import json
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from enum import Enum
from itertools import islice
from operator import itemgetter
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from irdesk.domain.enums import EventKind, IncidentStatus, Severity
from irdesk.domain.lifecycle import LIFECYCLE_FIELDS, joined_flags, problems_in
from irdesk.domain.utc import utc_now
from irdesk.storage.bulk.batching import batches
from irdesk.storage.bulk.dialect import dialect
from irdesk.storage.bulk.import_lookup import SOURCE_FIELDS, IncidentKey
from irdesk.storage.bulk.import_transaction import ImportTransaction
from irdesk.storage.bulk.stored_text import db_time, from_db_time

# Rows written between two progress reports: few enough that a cancel is heard soon,
# enough that the reports cost nothing next to the writing.
PROGRESS_ROWS = 5_000
# Fewer rows than this go in with the indexes in place, however small the table.
BULK_ROWS = 10_000
# Incidents whose provenance links are built and inserted at once.
PROVENANCE_ROWS = 10_000
# A file's links go in as one JSON array of incident ids from this many on (see _insert_links).
LINKS_BY_JSON = 1_000

# (done, total) rows, before each slice of the writing and once at the end; raising from
# it stops the write (and the import's transaction rolls back).
RowProgress = Callable[[int, int], None]


class NewIncident(NamedTuple):
    """An incident to insert; times as db_time stores them, severity and status as text."""

    source: str
    external_id: str
    title: str
    summary: str | None
    url: str | None
    severity: str | None
    severity_raw: str | None
    status: str
    started_at: str | None
    detected_at: str | None
    acknowledged_at: str | None
    mitigated_at: str | None
    resolved_at: str | None
    verified_at: str | None
    service_id: int | None
    consistency_flags: str


# An event to insert: (incident_id, occurred_at as stored, kind as text, source,
# external_id, actor_person_id, actor_name, text, is_key_moment as 0 or 1). A plain tuple,
# not a NamedTuple: an import builds one for each of its events.
NewEvent = tuple[int, str | None, str | None, str, str | None, int | None, str | None, str, int]
# A stored event the source changed: (occurred_at as stored, text, kind as text, event id).
EventChange = tuple[str | None, str, str, int]

_SEVERITIES = frozenset(severity.value for severity in Severity)
_SEVERITIES_OR_NONE = _SEVERITIES | {None}
_STATUSES = frozenset(status.value for status in IncidentStatus)
_KINDS = frozenset(kind.value for kind in EventKind)
_UPDATABLE = frozenset((*SOURCE_FIELDS, "service_id"))


def insert_person(tx: ImportTransaction, name: str, email: str | None) -> int:
    cursor = tx.conn.exec_driver_sql(
        "INSERT INTO person (name, email) VALUES (?, ?) RETURNING id", (name, email)
    )
    return int(cursor.scalar_one())


class ServiceSettings(NamedTuple):
    tier: str  # a ServiceTier value
    slo_target: float
    cost_per_minute: float


def insert_services(
    tx: ImportTransaction, names: Iterable[str], settings: ServiceSettings
) -> dict[str, int]:
    """New services, all with the same settings, in the order given; their ids by name."""
    ids: dict[str, int] = {}
    for name in names:
        cursor = tx.conn.exec_driver_sql(
            "INSERT INTO service (name, tier, slo_target, cost_per_minute) VALUES (?, ?, ?, ?)"
            " RETURNING id",
            (name, *settings),
        )
        ids[name] = int(cursor.scalar_one())
    return ids


class IncidentKeyTaken(ValueError):
    """An incident to insert whose (source, external id) is stored already: an import
    that inserts as it reads met the same incident twice."""


def insert_incidents(tx: ImportTransaction, rows: Sequence[NewIncident]) -> dict[IncidentKey, int]:
    """Insert new incidents; returns their ids by (source, external id). Raises
    IncidentKeyTaken, the rows of the call not inserted, when a key is stored already."""
    _check_new_incidents(rows)
    conn = tx.conn
    now = db_time(utc_now())
    (largest_before,) = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM incident").one()
    columns = (
        *NewIncident._fields,
        "created_at",
        "updated_at",
        "external_cause",
        "approved_tech_debt",
        "regulatory_exposure",
    )
    # The values were checked above; the IN-list CHECKs on severity and status would cost
    # SQLite a lookup table per row.
    with _checks_made_here(conn):
        dialect(conn).insert_ignoring(
            conn, "incident", columns, [(*row, now, now, False, False, False) for row in rows]
        )
    # This transaction's inserts are the rows after the largest id before them.
    # .all(): one fetch of every row, where iterating the result fetches them one by one.
    new_rows = conn.exec_driver_sql(
        "SELECT id, source, external_id FROM incident WHERE id > ?", (largest_before,)
    ).all()
    ids = {(source, external_id): iid for iid, source, external_id in new_rows}
    if len(ids) < len(rows):
        # The insert above skipped a key stored already (values are checked above, so
        # nothing else is skipped): take this call's rows out again and say so.
        conn.exec_driver_sql("DELETE FROM incident WHERE id > ?", (largest_before,))
        taken = next(row for row in rows if (row.source, row.external_id) not in ids)
        raise IncidentKeyTaken(f"incident {taken.source}:{taken.external_id} is stored already")
    return ids


# The search index's insert trigger, whose words expression fills the index for many
# rows at once (search_filled_after).
_SEARCH_TRIGGER = "incident_search_insert"
_SEARCH_WORDS = re.compile(
    r"INSERT INTO incident_search \(rowid, words\) VALUES \(NEW\.id,(?P<words>.*)\);\s*END\s*$",
    re.DOTALL,
)


@contextlib.contextmanager
def search_filled_after(tx: ImportTransaction) -> Iterator[bool]:
    """For a first import of many incidents: True, and the search index's insert trigger
    off until the end, when one statement fills the index for every incident inserted
    meanwhile and the trigger is made again (as import_floor does). Through the trigger,
    each executemany row is a statement whose words FTS5 writes as a segment of its own.
    False (and nothing changed) on a server, or when the trigger is not the one expected.
    In the import's transaction: a rollback brings the trigger back."""
    conn = tx.conn
    if dialect(conn).name != "sqlite":
        yield False
        return
    trigger = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_SEARCH_TRIGGER,)
    ).scalar()
    words = _SEARCH_WORDS.search(trigger) if isinstance(trigger, str) else None
    if not isinstance(trigger, str) or words is None:
        yield False
        return
    (largest_before,) = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM incident").one()
    conn.exec_driver_sql(f"DROP TRIGGER {_SEARCH_TRIGGER}")
    yield True
    conn.exec_driver_sql(
        "INSERT INTO incident_search (rowid, words) SELECT incident.id,"
        f" {words.group('words').replace('NEW.', 'incident.')} FROM incident"
        " WHERE incident.id > ? ORDER BY incident.id",
        (largest_before,),
    )
    conn.exec_driver_sql(trigger)


# A plain row: NewIncident's first nine fields. Detected when started, no later time, no
# service, no flag: the rest is written out in the statement, not bound a million times.
PLAIN_FIELDS = NewIncident._fields[:9]


def insert_plain_incidents(
    tx: ImportTransaction, rows: Sequence[tuple[Any, ...]], source_file_id: int
) -> None:
    """New incidents (PLAIN_FIELDS, a plain tuple each) straight into the table, each
    linked to the file it came from. For a first import inside search_filled_after: one
    executemany, no staging table, no ids read back. Raises IncidentKeyTaken when a key
    is stored already (the caller rolls the import back)."""
    if not rows:
        return
    _check_new_incidents(rows)
    conn = tx.conn
    now = db_time(utc_now())
    (largest_before,) = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM incident").one()
    names = ", ".join(PLAIN_FIELDS)
    marks = ", ".join(f"?{n}" for n in range(1, len(PLAIN_FIELDS) + 1))
    started = len(PLAIN_FIELDS)  # started_at, the last: detected_at too
    try:
        with _checks_made_here(conn):
            # The time written out (db_time's digits, no quote in them), not bound.
            conn.exec_driver_sql(
                f"INSERT INTO incident ({names}, detected_at, consistency_flags, created_at,"
                " updated_at, external_cause, approved_tech_debt, regulatory_exposure)"
                f" VALUES ({marks}, ?{started}, '', '{now}', '{now}', 0, 0, 0)",
                rows,
            )
    except IntegrityError:
        raise IncidentKeyTaken("an incident of this import is stored already") from None
    conn.exec_driver_sql(
        "INSERT INTO incident_source_file (incident_id, source_file_id)"
        " SELECT id, ? FROM incident WHERE id > ? ORDER BY id",
        (source_file_id, largest_before),
    )


def _check_new_incidents(rows: Sequence[tuple[Any, ...]]) -> None:
    """incident's CHECKs, made here since the insert skips SQLite's: a source and a key,
    a known status, and a known severity or none. Over whole columns at once (map and
    sets, no Python loop per row); a row is looked for only to name it."""
    if (
        all(map(itemgetter(0), rows))
        and all(map(itemgetter(1), rows))
        and set(map(itemgetter(7), rows)) <= _STATUSES
        and set(map(itemgetter(5), rows)) <= _SEVERITIES_OR_NONE
    ):
        return
    # By position: NewIncident's, or a plain row's (its first fields).
    bad = next(
        row
        for row in rows
        if not row[0] or not row[1] or row[7] not in _STATUSES or row[5] not in _SEVERITIES_OR_NONE
    )
    raise ValueError(
        f"incident refuses source {bad[0]!r}, key {bad[1]!r}, "
        f"status {bad[7]!r} or severity {bad[5]!r}"
    )


def update_incidents(
    tx: ImportTransaction, changes: Sequence[tuple[int, Mapping[str, Any]]]
) -> None:
    """(incident id, {column: new value}) for each changed incident: SOURCE_FIELDS (times
    as aware datetimes) and service_id."""
    now = db_time(utc_now())
    for incident_id, values in changes:
        unknown = values.keys() - _UPDATABLE
        if unknown:
            raise ValueError(f"an import does not set incident columns {sorted(unknown)}")
        sets = ", ".join(f"{name} = ?" for name in values)
        params = [
            db_time(value) if name in LIFECYCLE_FIELDS else value for name, value in values.items()
        ]
        tx.conn.exec_driver_sql(
            f"UPDATE incident SET {sets}, updated_at = ? WHERE id = ?", (*params, now, incident_id)
        )


def refresh_consistency_flags(
    tx: ImportTransaction, incident_ids: Sequence[int], partial: Collection[int] = ()
) -> None:
    """Recompute consistency flags from the stored timestamps (imports change them in bulk);
    the incidents in `partial` are still known only by reference, the others no longer."""
    conn = tx.conn
    columns = ", ".join(LIFECYCLE_FIELDS)
    updates = []
    for batch in batches(incident_ids):
        marks = ",".join("?" * len(batch))
        rows = conn.exec_driver_sql(
            f"SELECT id, consistency_flags, {columns} FROM incident WHERE id IN ({marks})",
            tuple(batch),
        )
        for row in rows:
            times = dict(zip(LIFECYCLE_FIELDS, map(from_db_time, row[2:]), strict=True))
            flags = joined_flags(problems_in(times), partial=row[0] in partial)
            if flags != row[1]:
                updates.append((flags, row[0]))
    if updates:
        conn.exec_driver_sql("UPDATE incident SET consistency_flags = ? WHERE id = ?", updates)


def insert_aliases(tx: ImportTransaction, rows: Sequence[tuple[str, int]]) -> None:
    """(alias as alias_text makes it, incident id); one already stored is left as it is."""
    if rows:
        dialect(tx.conn).insert_ignoring(tx.conn, "incident_alias", ("alias", "incident_id"), rows)


def insert_references(tx: ImportTransaction, rows: Sequence[tuple[str, int]]) -> None:
    """(reference casefolded, citing incident id); one already stored is left as it is."""
    if rows:
        dialect(tx.conn).insert_ignoring(
            tx.conn, "incident_reference", ("reference", "incident_id"), rows
        )


EVENT_COLUMNS = (
    *("incident_id", "occurred_at", "kind", "source", "external_id", "actor_person_id"),
    *("actor_name", "text", "is_key_moment"),
)
IMPORTED_EVENT = {"added_by_facilitator": False}
UPDATE_EVENT = "UPDATE timeline_event SET occurred_at = ?, text = ?, kind = ? WHERE id = ?"


def write_events(
    tx: ImportTransaction,
    inserts: Sequence[NewEvent],
    changes: Sequence[EventChange],
    progress: RowProgress | None = None,
) -> None:
    """Inserted in slices of PROGRESS_ROWS (one COPY on a server), reporting before each,
    so that a raising callback stops the write between two slices."""
    _check_new_events(inserts)
    conn = tx.conn
    total = len(inserts) + len(changes)
    with _checks_made_here(conn), _indexes_built_after(conn, "timeline_event", len(inserts)):
        done = dialect(conn).insert_slices(
            conn,
            "timeline_event",
            EVENT_COLUMNS,
            batches(inserts, PROGRESS_ROWS),
            IMPORTED_EVENT,
            None if progress is None else lambda sent: progress(sent, total),
        )
    # The rare updates keep SQLite's own checks.
    for changed in batches(changes, PROGRESS_ROWS):
        if progress:
            progress(done, total)
        conn.exec_driver_sql(UPDATE_EVENT, changed)
        done += len(changed)
    if total and progress:
        progress(total, total)


def _check_new_events(rows: Sequence[NewEvent]) -> None:
    """timeline_event's CHECKs, made here since the insert skips SQLite's: a known kind,
    and an external id that is None or not empty."""
    kinds = set(map(itemgetter(2), rows))
    if not kinds <= _KINDS or "" in map(itemgetter(4), rows):
        bad = next(row for row in rows if row[2] not in _KINDS or row[4] == "")
        raise ValueError(
            f"timeline_event of incident {bad[0]} refuses kind {bad[2]!r} or key {bad[4]!r}"
        )


def _checks_made_here(conn: Connection) -> contextlib.AbstractContextManager[None]:
    """The engine's CHECKs off for rows whose values were checked in Python (dialect)."""
    return dialect(conn).checks_made_here(conn)


def _indexes_built_after(
    conn: Connection, table: str, rows: int
) -> contextlib.AbstractContextManager[None]:
    """For an insert at least as large as the table: its indexes built after (dialect)."""
    return dialect(conn).indexes_built_after(conn, table, rows, BULK_ROWS)


class ImportedFile(Protocol):
    """A file an import read, as its provenance records it."""

    @property
    def name(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def sha256(self) -> str: ...
    @property
    def format(self) -> str: ...


def write_provenance(
    tx: ImportTransaction,
    files: Sequence[ImportedFile],
    incident_files: Iterable[tuple[int, AbstractSet[str]]],
    importer_version: str,
    *,
    new_incidents: bool = False,
) -> None:
    """Record the files read and which incidents each one gave (names as in `files`): (incident
    id, names) pairs, an incident in several pairs linked to the files of all of them.
    `new_incidents`: every incident was inserted by this import and is in one pair only,
    so no link can be there already and the links go straight in, not staged."""
    provenance = Provenance(tx, importer_version)
    provenance.add_files(files)
    provenance.add_links(incident_files, new_incidents=new_incidents)


class Provenance:
    """One import's provenance, written in one go (write_provenance) or as the import goes
    (importers/overlapped): the files as they are read, each incident's links to them
    once it is written. The files get the ids they would get in one go."""

    def __init__(self, tx: ImportTransaction, importer_version: str) -> None:
        self.conn = tx.conn
        self.now = db_time(utc_now())
        self.import_id = uuid.uuid4().hex
        self.importer_version = importer_version
        # Files by "sha256/name", stored before or by this import: the same file imported
        # again is the same provenance, not a new record of it.
        self.file_ids: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.largest_id = 0  # of the files this import inserted so far

    def add_files(self, files: Sequence[ImportedFile]) -> None:
        """Record these files (those recorded already left as they are)."""
        conn = self.conn
        file_ids = self.file_ids
        hashes = sorted({f.sha256 for f in files if f"{f.sha256}/{f.name}" not in file_ids})
        for batch in batches(hashes):
            marks = ",".join("?" * len(batch))
            for file_id, name, sha256 in conn.exec_driver_sql(
                f"SELECT id, name, sha256 FROM source_file WHERE sha256 IN ({marks})"
                " ORDER BY id DESC",
                tuple(batch),
            ):
                file_ids[f"{sha256}/{name}"] = file_id
        new_files: dict[str, ImportedFile] = {}
        for file in files:
            key = f"{file.sha256}/{file.name}"
            if key not in file_ids:
                new_files.setdefault(key, file)
        if new_files:
            # One bulk insert (a file's executemany, a server's COPY: an export of 10,000
            # files would otherwise be 10,000 statements there) and one query for the ids.
            dialect(conn).insert_rows(
                conn,
                "source_file",
                (
                    "import_id",
                    "name",
                    "size",
                    "sha256",
                    "format",
                    "importer_version",
                    "imported_at",
                ),
                [
                    (
                        self.import_id,
                        f.name,
                        f.size,
                        f.sha256,
                        f.format,
                        self.importer_version,
                        self.now,
                    )
                    for f in new_files.values()
                ],
            )
            for file_id, name, sha256 in conn.exec_driver_sql(
                "SELECT id, name, sha256 FROM source_file WHERE import_id = ? AND id > ?",
                (self.import_id, self.largest_id),
            ):
                file_ids[f"{sha256}/{name}"] = file_id
                self.largest_id = max(self.largest_id, file_id)
        self.by_name.update((f.name, file_ids[f"{f.sha256}/{f.name}"]) for f in files)

    def add_links(
        self, incident_files: Iterable[tuple[int, AbstractSet[str]]], *, new_incidents: bool
    ) -> None:
        """Link each incident to the files it names, recorded already by add_files;
        `new_incidents` as write_provenance's."""
        conn = self.conn
        # The links go in PROVENANCE_ROWS at a time: a file of a million incidents never
        # holds a million link rows at once, only the map it was given.
        pending = iter(incident_files)
        while chunk := list(islice(pending, PROVENANCE_ROWS)):
            if new_incidents:
                dialect(conn).insert_rows(
                    conn,
                    "incident_source_file",
                    ("incident_id", "source_file_id"),
                    _link_rows(chunk, self.by_name),
                )
            else:
                _insert_links(conn, chunk, self.by_name)


def source_file_id(tx: ImportTransaction, file: ImportedFile) -> int:
    """The id write_provenance links `file`'s incidents to (it recorded the file first):
    the first record of the same name and content."""
    return int(
        tx.conn.exec_driver_sql(
            "SELECT min(id) FROM source_file WHERE sha256 = ? AND name = ?",
            (file.sha256, file.name),
        ).scalar_one()
    )


def _insert_links(
    conn: Connection,
    chunk: list[tuple[int, AbstractSet[str]]],
    file_ids: Mapping[str, int],
) -> None:
    """Each incident linked to the files it names (their ids by name), those links stored
    already left as they are."""
    if dialect(conn).name != "sqlite":
        _insert_link_rows(conn, _link_rows(chunk, file_ids))
        return
    # Incidents of the same files share one set of names (merging.with_file): grouped by
    # it first, one dict step an incident.
    by_names: dict[frozenset[str], list[int]] = {}
    for incident_id, names in chunk:
        shared = names if isinstance(names, frozenset) else frozenset(names)
        by_names.setdefault(shared, []).append(incident_id)
    by_file: dict[int, list[int]] = {}
    for names, incident_ids in by_names.items():
        for name in names:
            by_file.setdefault(file_ids[name], []).extend(incident_ids)
    # A file that gave many incidents (a page of a million) has its incident ids read from
    # one JSON array (json_each) in one statement, half the cost of binding two values a
    # row into a staging table; the files of a few incidents each (an export of a log
    # entries file per incident) go in together the staged way, not a statement each.
    few: list[tuple[int, int]] = []
    for file_id, incident_ids in by_file.items():
        if len(incident_ids) < LINKS_BY_JSON:
            few.extend((incident_id, file_id) for incident_id in incident_ids)
            continue
        conn.exec_driver_sql(
            "INSERT INTO incident_source_file (incident_id, source_file_id)"
            " SELECT value, ? FROM json_each(?) WHERE true ORDER BY key ON CONFLICT DO NOTHING",
            (file_id, json.dumps(incident_ids)),
        )
    _insert_link_rows(conn, few)


def _link_rows(
    chunk: list[tuple[int, AbstractSet[str]]], file_ids: Mapping[str, int]
) -> list[tuple[int, int]]:
    """(incident id, file id) of each incident and each file it names."""
    return [(i, file_ids[name]) for i, names in chunk for name in sorted(names)]


def _insert_link_rows(conn: Connection, links: list[tuple[int, int]]) -> None:
    if links:
        dialect(conn).insert_ignoring(
            conn, "incident_source_file", ("incident_id", "source_file_id"), links
        )


class LinkOutcome(Enum):
    LINKED = "linked"
    ALREADY_LINKED = "already linked"  # by hand or by an earlier import: left as it is
    SAME_INCIDENT = "same incident"  # the target is linked into the incident itself
    OTHERS_LINKED_INTO_IT = "others linked into it"  # links are one level deep


class Link(NamedTuple):
    incident_id: int
    requested_into: int
    into_id: int  # the requested incident's own target when it has one
    evidence: str
    outcome: LinkOutcome


def link_by_reference(
    tx: ImportTransaction, requests: Sequence[tuple[int, int, str]]
) -> list[Link]:
    """(incident, into, evidence) requests, linked in order; what became of each."""
    conn = tx.conn
    now = db_time(utc_now())
    done = []
    for incident_id, requested_into, evidence in requests:
        # Links are one level deep: into the incident's own target if it has one, and never
        # from an incident that others are already linked into.
        into_id = _merge_target(conn, requested_into)
        if into_id == incident_id:
            outcome = LinkOutcome.SAME_INCIDENT
        elif _has_merged_into_it(conn, incident_id):
            outcome = LinkOutcome.OTHERS_LINKED_INTO_IT
        else:
            cursor = conn.exec_driver_sql(
                "INSERT INTO incident_merge"
                " (incident_id, into_id, how, evidence, created_at)"
                " VALUES (?, ?, 'reference', ?, ?) ON CONFLICT DO NOTHING",
                (incident_id, into_id, evidence, now),
            )
            outcome = LinkOutcome.LINKED if cursor.rowcount else LinkOutcome.ALREADY_LINKED
        done.append(Link(incident_id, requested_into, into_id, evidence, outcome))
    return done


def _merge_target(conn: Connection, incident_id: int) -> int:
    into = conn.exec_driver_sql(
        "SELECT into_id FROM incident_merge WHERE incident_id = ? AND how != 'unlinked'",
        (incident_id,),
    ).scalar()
    return incident_id if into is None else int(into)


def _has_merged_into_it(conn: Connection, incident_id: int) -> bool:
    return (
        conn.exec_driver_sql(
            "SELECT 1 FROM incident_merge WHERE into_id = ? AND how != 'unlinked' LIMIT 1",
            (incident_id,),
        ).scalar()
        is not None
    )
