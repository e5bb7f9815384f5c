"""Writing parsed imports: one transaction, set-based, idempotent.

Rows go in through executemany, not the ORM's per-object path: an import of
200,000 log entries must take seconds. The same file imported twice changes
nothing; a newer export updates what changed. What a facilitator edited
(lifecycle overrides, corrected or hand-added events) is never overwritten:
a source that now disagrees is listed as a conflict instead.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from irdesk.domain.enums import ServiceTier
from irdesk.domain.lifecycle import LIFECYCLE_FIELDS, lifecycle_problems
from irdesk.domain.utc import utc_now
from irdesk.importers.records import EventRecord, IncidentRecord, ParsedFile, PersonRef

# Stay well under SQLite's limit on bound parameters in one statement.
CHUNK = 500
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
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


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
        for pid, name, email in conn.exec_driver_sql("SELECT id, name, email FROM person"):
            if email:
                self.by_email[email.casefold()] = pid
            self.by_name.setdefault(name.casefold(), pid)

    def resolve(self, ref: PersonRef | None) -> int | None:
        if ref is None or not (ref.name or ref.email):
            return None
        email = ref.email.casefold() if ref.email else None
        if email and email in self.by_email:
            return self.by_email[email]
        name = (ref.name or ref.email or "").strip()
        if name.casefold() in self.by_name and email is None:
            return self.by_name[name.casefold()]
        cursor = self.conn.exec_driver_sql(
            "INSERT INTO person (name, email) VALUES (?, ?)", (name, ref.email or None)
        )
        pid = int(cursor.lastrowid)
        if email:
            self.by_email[email] = pid
        self.by_name.setdefault(name.casefold(), pid)
        self.result.new_people.append(name)
        return pid


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
    columns = ", ".join(("id", "source", "external_id", "service_id", *COMPARED_FIELDS))
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for chunk in _chunks(keys, CHUNK // 2):
        where = " OR ".join("(source = ? AND external_id = ?)" for _ in chunk)
        params = tuple(value for key in chunk for value in key)
        for row in conn.exec_driver_sql(f"SELECT {columns} FROM incident WHERE {where}", params):
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
        values = _record_values(record)
        service_id = services.get(record.service) if record.service else None
        flags = ",".join(lifecycle_problems(record))
        outcome = IncidentOutcome(record.source, record.external_id, record.title, change="new")
        result.incidents.append(outcome)
        if key not in existing:
            inserts.append(
                (
                    record.source,
                    record.external_id,
                    *(db_time(v) if k in LIFECYCLE_FIELDS else v for k, v in values.items()),
                    service_id,
                    flags,
                    now,
                    now,
                )
            )
            continue
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
    if inserts:
        columns = ("source", "external_id", *_record_values(prepared[0].record).keys())
        columns += ("service_id", "consistency_flags", "created_at", "updated_at")
        marks = ",".join("?" * len(columns))
        conn.exec_driver_sql(
            f"INSERT INTO incident ({', '.join(columns)}, external_cause, approved_tech_debt,"
            f" regulatory_exposure) VALUES ({marks}, 0, 0, 0)",
            inserts,
        )
    for _key, changed, values, incident_id in updates:
        sets = ", ".join(f"{name} = ?" for name in changed)
        params = [db_time(values[n]) if n in LIFECYCLE_FIELDS else values[n] for n in changed]
        conn.exec_driver_sql(
            f"UPDATE incident SET {sets}, updated_at = ? WHERE id = ?", (*params, now, incident_id)
        )
    ids = {key: row["id"] for key, row in existing.items()}
    missing = [key for key in keys if key not in ids]
    ids.update(existing_ids(conn, missing))
    _refresh_flags(conn, [ids[(p.record.source, p.record.external_id)] for p in prepared])
    return ids


def existing_ids(conn: Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for chunk in _chunks(keys, CHUNK // 2):
        where = " OR ".join("(source = ? AND external_id = ?)" for _ in chunk)
        params = tuple(value for key in chunk for value in key)
        for iid, source, external_id in conn.exec_driver_sql(
            f"SELECT id, source, external_id FROM incident WHERE {where}", params
        ):
            found[(source, external_id)] = iid
    return found


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
            stamps = _Stamps(*(_from_db_time(v) for v in row[2:]))
            flags = ",".join(lifecycle_problems(stamps))
            if flags != row[1]:
                updates.append((flags, row[0]))
    if updates:
        conn.exec_driver_sql("UPDATE incident SET consistency_flags = ? WHERE id = ?", updates)


@dataclass
class _Stamps:
    started_at: datetime | None
    detected_at: datetime | None
    acknowledged_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    verified_at: datetime | None


def write_events(
    conn: Connection,
    events_by_incident: dict[int, list[EventRecord]],
    outcomes: dict[int, IncidentOutcome],
    people: People,
    result: WriteResult,
) -> None:
    ids = list(events_by_incident)
    existing: dict[tuple[int, str, str], tuple[int, str, str, str | None]] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for row in conn.exec_driver_sql(
            "SELECT incident_id, source, external_id, id, occurred_at, text, corrected_at"
            f" FROM timeline_event WHERE external_id IS NOT NULL AND incident_id IN ({marks})",
            tuple(chunk),
        ):
            existing[(row[0], row[1], row[2])] = (row[3], row[4], row[5], row[6])
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    for incident_id, events in events_by_incident.items():
        outcome = outcomes.get(incident_id)
        seen: set[tuple[str, str]] = set()
        for event in events:
            when = db_time(event.occurred_at)
            if event.external_id is not None:
                if (event.source, event.external_id) in seen:
                    continue  # the same event in two files of this import
                seen.add((event.source, event.external_id))
                old = existing.get((incident_id, event.source, event.external_id))
                if old is not None:
                    event_id, old_time, old_text, corrected_at = old
                    if old_time == when and old_text == event.text:
                        result.unchanged_events += 1
                    elif corrected_at is not None:
                        result.conflicts.append(
                            f"{outcome.key if outcome else incident_id}: event {event.external_id} "
                            "changed in the source but was corrected by hand; the correction stays."
                        )
                    else:
                        updates.append((when, event.text, event.kind.value, event_id))
                        result.updated_events += 1
                        if outcome:
                            outcome.updated_events += 1
                    continue
            inserts.append(
                (
                    incident_id,
                    when,
                    event.kind.value,
                    event.source,
                    event.external_id,
                    people.resolve(event.actor),
                    (event.actor.name or event.actor.email) if event.actor else None,
                    event.text,
                    int(event.is_key_moment),
                )
            )
            result.new_events += 1
            if outcome:
                outcome.new_events += 1
    if inserts:
        conn.exec_driver_sql(
            "INSERT INTO timeline_event (incident_id, occurred_at, kind, source, external_id,"
            " actor_person_id, actor_name, text, is_key_moment, added_by_facilitator)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            inserts,
        )
    if updates:
        conn.exec_driver_sql(
            "UPDATE timeline_event SET occurred_at = ?, text = ?, kind = ? WHERE id = ?", updates
        )
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
    for parsed in files:
        key = f"{parsed.sha256}/{parsed.name}"
        if key not in file_ids:
            cursor = conn.exec_driver_sql(
                "INSERT INTO source_file (import_id, name, size, sha256, format,"
                " importer_version, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    import_id,
                    parsed.name,
                    parsed.size,
                    parsed.sha256,
                    parsed.format,
                    importer_version,
                    now,
                ),
            )
            file_ids[key] = int(cursor.lastrowid)
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
    for incident_id, into_id, evidence in merges:
        cursor = conn.exec_driver_sql(
            "INSERT OR IGNORE INTO incident_merge (incident_id, into_id, how, evidence, created_at)"
            " VALUES (?, ?, 'reference', ?, ?)",
            (incident_id, into_id, evidence, now),
        )
        if cursor.rowcount:
            result.merges.append(
                f"{labels.get(incident_id, incident_id)} joins {labels.get(into_id, into_id)} ({evidence})"
            )
