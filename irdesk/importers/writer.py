"""Writing parsed imports: one transaction, set-based, idempotent.

Rows go in through executemany, not the ORM's per-object path: an import of
200,000 log entries must take seconds. The same file imported twice changes
nothing; a newer export updates what changed. What a facilitator edited
(lifecycle overrides, corrected or hand-added events) is never overwritten:
a source that now disagrees is listed as a conflict instead.
"""

import contextlib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from irdesk.domain.enums import EventKind, ServiceTier
from irdesk.domain.lifecycle import LIFECYCLE_FIELDS, lifecycle_problems, problems_in
from irdesk.domain.utc import utc_now
from irdesk.importers.records import EventRecord, IncidentRecord, ParsedFile, PersonRef

# Stay well under SQLite's limit on bound parameters in one statement.
CHUNK = 500
# Rows written between two progress reports: a few tens of milliseconds, as long as a
# cancel waits.
PROGRESS_ROWS = 5_000
WRITING_EVENTS = "Writing timeline events"
# Fewer rows than this go in with the indexes in place, however small the table.
BULK_ROWS = 10_000
Progress = Callable[[str, int, int], None]  # (what, done, total); raising stops the import
# A service first seen in an import gets these until someone sets the real values.
NEW_SERVICE = {"tier": ServiceTier.TIER3.value, "slo_target": 99.9, "cost_per_minute": 0.0}
COMPARED_FIELDS = (
    "title",
    "summary",
    "url",
    "severity",
    "severity_raw",
    "status",
    *LIFECYCLE_FIELDS,
)


def db_time(value: datetime | None) -> str | None:
    """The text SQLAlchemy's DateTime stores on SQLite, so raw and ORM rows read alike."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # Cutting off the "+00:00" is cheaper than replace(tzinfo=None), 280,000 times an import.
    return value.isoformat(" ", "microseconds")[:-6]


def _from_db_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class IncidentOutcome:
    source: str
    external_id: str
    title: str
    change: str  # "new", "updated", "unchanged"
    changed_fields: list[str] = field(default_factory=list)
    new_events: int = 0
    updated_events: int = 0

    @property
    def key(self) -> str:
        return f"{self.source}:{self.external_id}"


@dataclass
class WriteResult:
    incidents: list[IncidentOutcome] = field(default_factory=list)
    new_events: int = 0
    updated_events: int = 0
    unchanged_events: int = 0
    new_people: list[str] = field(default_factory=list)
    uncertain_people: list[str] = field(default_factory=list)
    new_services: list[str] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


@dataclass
class PreparedIncident:
    """An incident record after merging all files' views of it, ready to write."""

    record: IncidentRecord
    events: list[EventRecord]
    files: set[str]  # names of the ParsedFiles it came from


class People:
    """Matches a source's person to a Person: by email, then by name; creates the rest."""

    def __init__(self, conn: Connection, result: WriteResult) -> None:
        self.conn = conn
        self.result = result
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.resolved: dict[tuple[str | None, str | None], int | None] = {}
        # For the review list: names that differ only in spacing, case or accents.
        self.by_squashed: dict[str, str] = {}
        for pid, name, email in conn.exec_driver_sql("SELECT id, name, email FROM person"):
            if email:
                self.by_email[email.casefold()] = pid
            self.by_name.setdefault(name.casefold(), pid)
            self.by_squashed.setdefault(_squash(name), _shown(name, email))

    def resolve_cached(self, ref: PersonRef | None) -> int | None:
        """resolve, once per distinct ref: its answer cannot change within an import."""
        if ref is None:
            return None
        # Keyed by a tuple: a dataclass's __hash__ and __eq__ run in Python, 200,000 times.
        key = (ref.name, ref.email)
        if key not in self.resolved:
            self.resolved[key] = self.resolve(ref)
        return self.resolved[key]

    def resolve(self, ref: PersonRef | None) -> int | None:
        if ref is None or not (ref.name or ref.email):
            return None
        email = ref.email.casefold() if ref.email else None
        if email and email in self.by_email:
            return self.by_email[email]
        name = (ref.name or ref.email or "").strip()
        if name.casefold() in self.by_name and email is None:
            return self.by_name[name.casefold()]
        # Not certain enough to merge: a new person, listed for someone to check.
        similar = self.by_squashed.get(_squash(name))
        if similar is not None:
            self.result.uncertain_people.append(
                f"{_shown(name, ref.email)} may be the same person as {similar}"
            )
        cursor = self.conn.exec_driver_sql(
            "INSERT INTO person (name, email) VALUES (?, ?)", (name, ref.email or None)
        )
        pid = int(cursor.lastrowid)
        if email:
            self.by_email[email] = pid
        self.by_name.setdefault(name.casefold(), pid)
        self.by_squashed.setdefault(_squash(name), _shown(name, ref.email))
        self.result.new_people.append(name)
        return pid


def _squash(name: str) -> str:
    """'Zoë Ñúñez', 'zoe nunez' and 'ZoeNunez' alike: letters and digits, no accents."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in plain if c.isalnum())


def _shown(name: str, email: str | None) -> str:
    return f"{name} <{email}>" if email else name


def _services(conn: Connection, names: Iterable[str], result: WriteResult) -> dict[str, int]:
    known = {name: sid for sid, name in conn.exec_driver_sql("SELECT id, name FROM service")}
    for name in sorted(set(names) - known.keys()):
        cursor = conn.exec_driver_sql(
            "INSERT INTO service (name, tier, slo_target, cost_per_minute) VALUES (?, ?, ?, ?)",
            (name, NEW_SERVICE["tier"], NEW_SERVICE["slo_target"], NEW_SERVICE["cost_per_minute"]),
        )
        known[name] = int(cursor.lastrowid)
        result.new_services.append(name)
    return known


def _existing_incidents(
    conn: Connection, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    columns = ("id", "source", "external_id", "service_id", *COMPARED_FIELDS)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if conn.exec_driver_sql("SELECT NOT EXISTS (SELECT 1 FROM incident)").scalar():
        return found  # a first import: nothing to look up, key by key
    for row in _incidents_by_key(conn, keys, columns):
        values = dict(row._mapping)
        for name in LIFECYCLE_FIELDS:
            values[name] = _from_db_time(values[name])
        found[(values["source"], values["external_id"])] = values
    return found


def _overrides(conn: Connection, ids: Sequence[int]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        found.update(
            conn.exec_driver_sql(
                f"SELECT incident_id, field FROM lifecycle_override WHERE incident_id IN ({marks})",
                tuple(chunk),
            ).all()
        )
    return found


def _record_values(record: IncidentRecord) -> dict[str, Any]:
    return {
        "title": record.title,
        "summary": record.summary,
        "url": record.url,
        "severity": record.severity.value if record.severity else None,
        "severity_raw": record.severity_raw,
        "status": record.status.value,
        **{name: getattr(record, name) for name in LIFECYCLE_FIELDS},
    }


INSERT_COLUMNS = (
    "source",
    "external_id",
    *COMPARED_FIELDS,
    "service_id",
    "consistency_flags",
    "created_at",
    "updated_at",
)


def _insert_row(record: IncidentRecord, service_id: int | None, now: str | None) -> tuple[Any, ...]:
    """A new incident's values in INSERT_COLUMNS order (10,000 of them in a large import)."""
    if not record.source or not record.external_id:
        # incident's CHECKs, made here since the insert skips SQLite's.
        raise ValueError(f"incident refuses source {record.source!r} or key {record.external_id!r}")
    return (
        record.source,
        record.external_id,
        record.title,
        record.summary,
        record.url,
        record.severity.value if record.severity else None,
        record.severity_raw,
        record.status.value,
        *(db_time(getattr(record, name)) for name in LIFECYCLE_FIELDS),
        service_id,
        ",".join(lifecycle_problems(record)),
        now,
        now,
    )


def write_incidents(
    conn: Connection, prepared: Sequence[PreparedIncident], result: WriteResult
) -> dict[tuple[str, str], int]:
    """Insert new incidents, update changed ones; returns the id of every key."""
    now = db_time(utc_now())
    services = _services(conn, (p.record.service for p in prepared if p.record.service), result)
    keys = [(p.record.source, p.record.external_id) for p in prepared]
    existing = _existing_incidents(conn, keys)
    overridden = _overrides(conn, [row["id"] for row in existing.values()])
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[str, list[str], dict[str, Any], int]] = []
    for item in prepared:
        record = item.record
        key = (record.source, record.external_id)
        service_id = services.get(record.service) if record.service else None
        outcome = IncidentOutcome(record.source, record.external_id, record.title, change="new")
        result.incidents.append(outcome)
        if key not in existing:
            inserts.append(_insert_row(record, service_id, now))
            continue
        values = _record_values(record)
        old = existing[key]
        changed = [name for name, value in values.items() if old[name] != value]
        if service_id is not None and old["service_id"] != service_id:
            changed.append("service_id")
            values["service_id"] = service_id
        for name in changed:
            if (old["id"], name) in overridden:
                result.conflicts.append(
                    f"{outcome.key}: the source now says {name} = {values[name]}, "
                    "but a facilitator set it by hand; the facilitator's value stays."
                )
        outcome.change = "updated" if changed else "unchanged"
        outcome.changed_fields = changed
        if changed:
            updates.append((outcome.key, changed, values, old["id"]))
    ids = {key: row["id"] for key, row in existing.items()}
    if inserts:
        (largest_before,) = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM incident").one()
        columns = INSERT_COLUMNS
        marks = ",".join("?" * len(columns))
        # Severity and status come from their enums and the keys were checked above; the
        # IN-list CHECKs cost SQLite a lookup table per row.
        with _checks_made_here(conn):
            conn.exec_driver_sql(
                f"INSERT INTO incident ({', '.join(columns)}, external_cause, approved_tech_debt,"
                f" regulatory_exposure) VALUES ({marks}, 0, 0, 0)",
                inserts,
            )
        # This transaction's inserts are the rows after the largest id before them.
        new_rows = conn.exec_driver_sql(
            "SELECT id, source, external_id FROM incident WHERE id > ?", (largest_before,)
        )
        ids.update({(source, external_id): iid for iid, source, external_id in new_rows})
    for _key, changed, values, incident_id in updates:
        sets = ", ".join(f"{name} = ?" for name in changed)
        params = [db_time(values[n]) if n in LIFECYCLE_FIELDS else values[n] for n in changed]
        conn.exec_driver_sql(
            f"UPDATE incident SET {sets}, updated_at = ? WHERE id = ?", (*params, now, incident_id)
        )
    # New rows got their flags from the same timestamps above; stored ones may be stale.
    _refresh_flags(conn, [row["id"] for row in existing.values()])
    return ids


def alias_text(name: str) -> str:
    """How an alias is stored and looked up: casefolded, without a leading '#'."""
    return name.casefold().removeprefix("#")


def write_aliases(conn: Connection, incidents: dict[int, "PreparedIncident"]) -> None:
    """Remember the names incidents go by beyond their key and URL, for later imports."""
    rows = []
    for incident_id, item in incidents.items():
        record = item.record
        known = {alias_text(record.external_id), alias_text(record.url or "")}
        for alias in dict.fromkeys(alias_text(name) for name in record.aliases if name):
            if alias and alias not in known:
                rows.append((alias, incident_id))
    if rows:
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO incident_alias (alias, incident_id) VALUES (?, ?)", rows
        )


def write_references(conn: Connection, incidents: dict[int, "PreparedIncident"]) -> None:
    """Remember what incidents cite, so that a cited incident imported later finds them."""
    rows = {
        (reference.casefold(), incident_id)
        for incident_id, item in incidents.items()
        for reference in item.record.references
        if reference
    }
    if rows:
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO incident_reference (reference, incident_id) VALUES (?, ?)",
            sorted(rows),
        )


def existing_ids(conn: Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    rows = _incidents_by_key(conn, keys, ("id", "source", "external_id"))
    return {(source, external_id): iid for iid, source, external_id in rows}


def _incidents_by_key(
    conn: Connection, keys: Sequence[tuple[str, str]], columns: Sequence[str]
) -> Iterator[Any]:
    """Rows of `columns` for the incidents with these (source, external id) keys."""
    selected = ", ".join(columns)
    for chunk in _chunks(keys, CHUNK // 2):  # two parameters a key
        where = " OR ".join("(source = ? AND external_id = ?)" for _ in chunk)
        params = tuple(value for key in chunk for value in key)
        yield from conn.exec_driver_sql(f"SELECT {selected} FROM incident WHERE {where}", params)


def _refresh_flags(conn: Connection, ids: Sequence[int]) -> None:
    """Recompute consistency flags from the stored timestamps (imports change them in bulk)."""
    columns = ", ".join(LIFECYCLE_FIELDS)
    updates = []
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = conn.exec_driver_sql(
            f"SELECT id, consistency_flags, {columns} FROM incident WHERE id IN ({marks})",
            tuple(chunk),
        )
        for row in rows:
            times = dict(zip(LIFECYCLE_FIELDS, map(_from_db_time, row[2:]), strict=True))
            flags = ",".join(problems_in(times))
            if flags != row[1]:
                updates.append((flags, row[0]))
    if updates:
        conn.exec_driver_sql("UPDATE incident SET consistency_flags = ? WHERE id = ?", updates)


# Existing event of an incident by (source, external id): (id, occurred_at, text, corrected_at).
_StoredEvents = dict[tuple[int, str, str], tuple[int, str, str, str | None]]


def _stored_events(conn: Connection, incident_ids: Sequence[int]) -> _StoredEvents:
    stored: _StoredEvents = {}
    for chunk in _chunks(incident_ids):
        marks = ",".join("?" * len(chunk))
        for row in conn.exec_driver_sql(
            "SELECT incident_id, source, external_id, id, occurred_at, text, corrected_at"
            f" FROM timeline_event WHERE external_id IS NOT NULL AND incident_id IN ({marks})",
            tuple(chunk),
        ):
            stored[(row[0], row[1], row[2])] = (row[3], row[4], row[5], row[6])
    return stored


@dataclass
class _EventRows:
    """What write_events will send to the database, with the counts the report needs."""

    inserts: list[tuple[Any, ...]] = field(default_factory=list)
    updates: list[tuple[Any, ...]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    unchanged: int = 0


# The kinds timeline_event's CHECK allows, as the text stored; checked here while SQLite
# skips the CHECKs. A dict lookup, not enum .value (a descriptor call), 200,000 times.
_KIND_TEXT: dict[object, str] = {kind: kind.value for kind in EventKind}


def _incident_event_rows(
    incident_id: int,
    events: list[EventRecord],
    stored: _StoredEvents,
    people: People,
    rows: _EventRows,
    label: str,
) -> None:
    """Add one incident's new events to rows.inserts and changed ones to rows.updates."""
    seen: set[tuple[str, str]] = set()
    resolve = people.resolve_cached
    append = rows.inserts.append
    # Locals and no lookup of stored events in a fresh database: this runs per event.
    any_stored = bool(stored)
    # Runs of events by the same person (readers share one PersonRef per person).
    last_actor: PersonRef | None = None
    actor_id: int | None = None
    actor_name: str | None = None
    for event in events:
        when = event.stored_at or db_time(event.occurred_at)
        source, external_id = event.source, event.external_id
        if external_id is not None:
            key = (source, external_id)
            if key in seen:
                continue  # the same event in two files of this import
            seen.add(key)
            old = stored.get((incident_id, source, external_id)) if any_stored else None
            if old is not None:
                _compare(event, when, old, rows, label)
                continue
        kind = _KIND_TEXT.get(event.kind)
        if kind is None or external_id == "":
            raise ValueError(
                f"{label}: timeline_event refuses kind {event.kind!r} or key {external_id!r}"
            )
        actor = event.actor
        if actor is not last_actor:
            last_actor = actor
            actor_id = resolve(actor)
            actor_name = (actor.name or actor.email) if actor else None
        append(
            (
                incident_id,
                when,
                kind,
                source,
                external_id,
                actor_id,
                actor_name,
                event.text,
                1 if event.is_key_moment else 0,
            )
        )


def _compare(
    event: EventRecord,
    when: str | None,
    old: tuple[int, str, str, str | None],
    rows: _EventRows,
    label: str,
) -> None:
    event_id, old_time, old_text, corrected_at = old
    if old_time == when and old_text == event.text:
        rows.unchanged += 1
    elif corrected_at is not None:
        rows.conflicts.append(
            f"{label}: event {event.external_id} changed in the source but was corrected by "
            "hand; the correction stays."
        )
    else:
        rows.updates.append((when, event.text, event.kind.value, event_id))


INSERT_EVENT = (
    "INSERT INTO timeline_event (incident_id, occurred_at, kind, source, external_id,"
    " actor_person_id, actor_name, text, is_key_moment, added_by_facilitator)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
)
UPDATE_EVENT = "UPDATE timeline_event SET occurred_at = ?, text = ?, kind = ? WHERE id = ?"


def _send_event_rows(conn: Connection, rows: _EventRows, progress: Progress | None) -> None:
    """executemany in slices, reporting before each, so a raising callback stops the write.

    A slice takes a few tens of milliseconds, which is how long a cancel may wait.
    """
    total = len(rows.inserts) + len(rows.updates)
    done = 0
    with _checks_made_here(conn), _indexes_built_after(conn, "timeline_event", len(rows.inserts)):
        for chunk in _chunks(rows.inserts, PROGRESS_ROWS):
            _report(progress, done, total)
            conn.exec_driver_sql(INSERT_EVENT, chunk)
            done += len(chunk)
    for chunk in _chunks(rows.updates, PROGRESS_ROWS):
        _report(progress, done, total)
        conn.exec_driver_sql(UPDATE_EVENT, chunk)
        done += len(chunk)
    if total:
        _report(progress, total, total)


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress:
        progress(WRITING_EVENTS, done, total)


@contextlib.contextmanager
def _indexes_built_after(conn: Connection, table: str, rows: int) -> Iterator[None]:
    """For an insert at least as large as the table: its indexes dropped, then built anew.

    SQLite builds an index from all its keys at once faster than it inserts them one
    by one; on a table already larger than the insert the rebuild would cost more. In the
    transaction, so a rollback brings the indexes back as they were.
    """
    (largest_id,) = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").one()
    if rows < max(largest_id, BULK_ROWS):
        yield
        return
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
        " AND sql IS NOT NULL",  # automatic indexes of UNIQUE constraints have none
        (table,),
    ).all()
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)


# Pages SQLite may keep in memory while an import writes, in KiB (negative: a size, not
# a page count). The default 2 MB makes a large import write pages out and read them back
# while it inserts and builds indexes; the connection returns to the pool with its own.
IMPORT_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def bulk_write_settings(conn: Connection) -> Iterator[None]:
    """The connection set up for an import's writes, and put back as it was after.

    A page cache large enough for its inserts and index builds. And no foreign-key
    checks: every incident, person and file id an import writes was read from this
    database or inserted by it in the same transaction, and an import deletes
    nothing, so the checks (a fifth of inserting 200,000 events) could never fail.
    Both are set on the driver's connection before the transaction begins: SQLite
    ignores `foreign_keys` inside one, and through SQLAlchemy's connection the pragmas
    would begin the transaction that the caller begins next.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    (cache_before,) = raw.execute("PRAGMA cache_size").fetchone()
    (keys_before,) = raw.execute("PRAGMA foreign_keys").fetchone()
    raw.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {int(cache_before)}")
        raw.execute(f"PRAGMA foreign_keys = {int(keys_before)}")


@contextlib.contextmanager
def _checks_made_here(conn: Connection) -> Iterator[None]:
    """SQLite's CHECK constraints off for rows whose values were checked in Python.

    SQLite (3.40) evaluates timeline_event's `kind IN (…11 values…)` by building a lookup
    table for every row: a third of the time of inserting 200,000 events.
    _incident_event_rows makes the same checks (a kind of EventKind, an external id that
    is None or not empty), so the inserts skip them; the rare updates keep SQLite's.
    Incidents' severity and status IN-lists cost the same (40 % of their insert);
    write_incidents checks what their enums do not.
    """
    conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")


def write_events(
    conn: Connection,
    events_by_incident: dict[int, list[EventRecord]],
    outcomes: dict[int, IncidentOutcome],
    people: People,
    result: WriteResult,
    progress: Progress | None = None,
) -> None:
    """Insert new events, update changed ones; `progress` hears how far the writing got."""
    stored = _stored_events(conn, list(events_by_incident))
    rows = _EventRows()
    for incident_id, events in events_by_incident.items():
        outcome = outcomes.get(incident_id)
        label = outcome.key if outcome else str(incident_id)
        inserted, updated = len(rows.inserts), len(rows.updates)
        _incident_event_rows(incident_id, events, stored, people, rows, label)
        if outcome:
            outcome.new_events += len(rows.inserts) - inserted
            outcome.updated_events += len(rows.updates) - updated
    result.new_events += len(rows.inserts)
    result.updated_events += len(rows.updates)
    result.unchanged_events += rows.unchanged
    result.conflicts.extend(rows.conflicts)
    _send_event_rows(conn, rows, progress)
    for outcome in outcomes.values():
        if outcome.change == "unchanged" and (outcome.new_events or outcome.updated_events):
            outcome.change = "updated"
            outcome.changed_fields.append("timeline")


def write_provenance(
    conn: Connection,
    files: Sequence[ParsedFile],
    incident_files: dict[int, set[str]],
    import_id: str,
    importer_version: str,
) -> None:
    now = db_time(utc_now())
    # The same file imported again is the same provenance, not a new record of it.
    file_ids: dict[str, int] = {}
    hashes = sorted({parsed.sha256 for parsed in files})
    for chunk in _chunks(hashes):
        marks = ",".join("?" * len(chunk))
        for file_id, name, sha256 in conn.exec_driver_sql(
            f"SELECT id, name, sha256 FROM source_file WHERE sha256 IN ({marks}) ORDER BY id DESC",
            tuple(chunk),
        ):
            file_ids[f"{sha256}/{name}"] = file_id
    new_files: dict[str, ParsedFile] = {}
    for parsed in files:
        key = f"{parsed.sha256}/{parsed.name}"
        if key not in file_ids:
            new_files.setdefault(key, parsed)
    if new_files:
        # One executemany and one query for the ids, not 10,000 single inserts.
        conn.exec_driver_sql(
            "INSERT INTO source_file (import_id, name, size, sha256, format,"
            " importer_version, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (import_id, f.name, f.size, f.sha256, f.format, importer_version, now)
                for f in new_files.values()
            ],
        )
        for file_id, name, sha256 in conn.exec_driver_sql(
            "SELECT id, name, sha256 FROM source_file WHERE import_id = ?", (import_id,)
        ):
            file_ids[f"{sha256}/{name}"] = file_id
    by_name = {parsed.name: file_ids[f"{parsed.sha256}/{parsed.name}"] for parsed in files}
    links = [
        (incident_id, by_name[name])
        for incident_id, names in incident_files.items()
        for name in sorted(names)
    ]
    conn.exec_driver_sql(
        "INSERT OR IGNORE INTO incident_source_file (incident_id, source_file_id) VALUES (?, ?)",
        links,
    ) if links else None


def write_merges(
    conn: Connection,
    merges: Sequence[tuple[int, int, str]],
    result: WriteResult,
    labels: dict[int, str],
) -> None:
    """(incident, into, evidence): a link already made (by hand or earlier) is left as it is."""
    now = db_time(utc_now())
    for incident_id, requested_into, evidence in merges:
        # Links are one level deep: into the incident's own target if it has one, and never
        # from an incident that others are already linked into.
        into_id = _merge_target(conn, requested_into)
        if into_id == incident_id:
            continue
        if _has_merged_into_it(conn, incident_id):
            result.conflicts.append(
                f"{labels.get(incident_id, incident_id)} names {labels.get(requested_into, requested_into)}, "
                "but other incidents are linked into it; link them by hand if they are one outage."
            )
            continue
        cursor = conn.exec_driver_sql(
            "INSERT OR IGNORE INTO incident_merge (incident_id, into_id, how, evidence, created_at)"
            " VALUES (?, ?, 'reference', ?, ?)",
            (incident_id, into_id, evidence, now),
        )
        if cursor.rowcount:
            result.merges.append(
                f"{labels.get(incident_id, incident_id)} joins {labels.get(into_id, into_id)} ({evidence})"
            )


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
