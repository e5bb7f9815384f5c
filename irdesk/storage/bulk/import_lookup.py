"""What an import looks up before it writes: stored incidents, events, people, services.

Every lookup runs in the import's transaction and reads many keys at once, in batches
that stay under SQLite's limit on bound parameters.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from irdesk.domain.lifecycle import LIFECYCLE_FIELDS
from irdesk.storage.bulk.batching import BATCH_ROWS, batches
from irdesk.storage.bulk.dialect import stored_time
from irdesk.storage.bulk.import_transaction import ImportTransaction
from irdesk.storage.bulk.stored_text import alias_text, from_db_time

# (source, external id): how an import names an incident.
IncidentKey = tuple[str, str]

# The incident columns an import sets from its source, and compares on a re-import.
SOURCE_FIELDS = (
    "title",
    "summary",
    "url",
    "severity",
    "severity_raw",
    "status",
    *LIFECYCLE_FIELDS,
)


# An event an earlier import stored, as a re-import compares it: (id, occurred_at as
# stored, text, corrected_at, set once a facilitator corrected it by hand). A plain tuple:
# a re-import reads one for every event it holds.
StoredEvent = tuple[int, str, str, str | None]
# Stored events with an external id, by (incident id, source, external id).
StoredEvents = dict[tuple[int, str, str], StoredEvent]


class StoredIncident(NamedTuple):
    """An incident already in the database, with the times that bound its window."""

    id: int
    source: str
    external_id: str
    started_at: datetime | None
    detected_at: datetime | None
    resolved_at: datetime | None
    verified_at: datetime | None


def people(tx: ImportTransaction) -> list[tuple[int, str, str | None]]:
    """(id, name, email) of everyone stored."""
    rows = tx.conn.exec_driver_sql("SELECT id, name, email FROM person")
    return [(pid, name, email) for pid, name, email in rows]


def services(tx: ImportTransaction) -> dict[str, int]:
    """Service id by name."""
    rows = tx.conn.exec_driver_sql("SELECT id, name FROM service")
    return {name: sid for sid, name in rows}


def any_incidents(tx: ImportTransaction) -> bool:
    """Whether any incident is stored (a first import has nothing to look up)."""
    return bool(tx.conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM incident)").scalar())


def largest_incident_id(tx: ImportTransaction) -> int:
    """The largest incident id stored (0 for none): rows inserted after it are new."""
    (largest,) = tx.conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM incident").one()
    return int(largest)


def stored_incidents(
    tx: ImportTransaction, keys: Sequence[IncidentKey]
) -> dict[IncidentKey, dict[str, Any]]:
    """The stored incidents among `keys`: id, source, external_id, service_id and the
    SOURCE_FIELDS by name, lifecycle times as aware UTC."""
    columns = ("id", "source", "external_id", "service_id", *SOURCE_FIELDS)
    found: dict[IncidentKey, dict[str, Any]] = {}
    if tx.conn.exec_driver_sql("SELECT NOT EXISTS (SELECT 1 FROM incident)").scalar():
        return found  # a first import: nothing to look up, key by key
    for row in _incidents_by_key(tx, keys, columns):
        values = dict(row._mapping)
        for name in LIFECYCLE_FIELDS:
            values[name] = from_db_time(values[name])
        found[(values["source"], values["external_id"])] = values
    return found


def incident_ids(tx: ImportTransaction, keys: Sequence[IncidentKey]) -> dict[IncidentKey, int]:
    """The id of each stored incident among `keys`."""
    rows = _incidents_by_key(tx, keys, ("id", "source", "external_id"))
    return {(source, external_id): iid for iid, source, external_id in rows}


def _incidents_by_key(
    tx: ImportTransaction, keys: Sequence[IncidentKey], columns: Sequence[str]
) -> Iterator[Any]:
    """Rows of `columns` for the incidents with these (source, external id) keys."""
    selected = ", ".join(columns)
    for batch in batches(keys, BATCH_ROWS // 2):  # two parameters a key
        where = " OR ".join("(source = ? AND external_id = ?)" for _ in batch)
        params = tuple(value for key in batch for value in key)
        yield from tx.conn.exec_driver_sql(f"SELECT {selected} FROM incident WHERE {where}", params)


def overridden_fields(tx: ImportTransaction, incident_ids: Sequence[int]) -> set[tuple[int, str]]:
    """(incident id, field) for every lifecycle field a facilitator set by hand."""
    found: set[tuple[int, str]] = set()
    for batch in batches(incident_ids):
        marks = ",".join("?" * len(batch))
        rows = tx.conn.exec_driver_sql(
            f"SELECT incident_id, field FROM lifecycle_override WHERE incident_id IN ({marks})",
            tuple(batch),
        )
        found.update((incident_id, field) for incident_id, field in rows)
    return found


def stored_events(tx: ImportTransaction, incident_ids: Sequence[int]) -> StoredEvents:
    """The events with an external id of these incidents."""
    stored: StoredEvents = {}
    for batch in batches(incident_ids):
        marks = ",".join("?" * len(batch))
        for row in tx.conn.exec_driver_sql(
            "SELECT incident_id, source, external_id, id, occurred_at, text, corrected_at"
            f" FROM timeline_event WHERE external_id IS NOT NULL AND incident_id IN ({marks})",
            tuple(batch),
        ):
            # As db_time writes it on either engine: the importer compares it with its own.
            stored[(row[0], row[1], row[2])] = (
                row[3],
                stored_time(row[4]),
                row[5],
                stored_time(row[6]),
            )
    return stored


def incidents_by_reference(
    tx: ImportTransaction, references: Iterable[str]
) -> dict[str, StoredIncident]:
    """Incidents already in the database that each key names: "source:external_id", the
    URL, the external id ("#12728" also tries "12728"), or an alias an earlier import
    stored (PagerDuty's incident number 12728, an Opsgenie tiny id).
    """
    columns = "id, source, external_id, started_at, detected_at, resolved_at, verified_at"
    found: dict[str, StoredIncident] = {}
    for reference in sorted(set(references)):
        queries: list[tuple[str, tuple[str, ...]]] = []
        source, colon, external_id = reference.partition(":")
        if colon and "://" not in reference:
            queries.append(("source = ? AND external_id = ?", (source, external_id)))
        queries.append(("url = ?", (reference,)))
        queries.append(('external_id = ? COLLATE "NOCASE"', (reference,)))
        if reference.startswith("#") and len(reference) > 1:
            queries.append(('external_id = ? COLLATE "NOCASE"', (reference[1:],)))
        queries.append(
            (
                "id IN (SELECT incident_id FROM incident_alias WHERE alias = ?)",
                (alias_text(reference),),
            )
        )
        for where, params in queries:
            row = tx.conn.exec_driver_sql(
                f"SELECT {columns} FROM incident WHERE {where} ORDER BY id LIMIT 1", params
            ).first()
            if row is not None:
                found[reference] = StoredIncident(
                    row[0], row[1], row[2], *(from_db_time(value) for value in row[3:])
                )
                break
    return found


def any_citations(tx: ImportTransaction) -> bool:
    """Whether any stored incident cites another: when none does, an import need not ask
    which incidents cite each of its names (a million names for a big file)."""
    return bool(
        tx.conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM incident_reference)").scalar()
    )


def incidents_citing(
    tx: ImportTransaction, references: Sequence[str]
) -> Iterator[tuple[int, str, str, str]]:
    """(citing incident id, reference, its source, its external id) for every stored
    incident that cites one of `references` (casefolded, as stored), in id order per batch.
    """
    for batch in batches(references):
        marks = ",".join("?" * len(batch))
        rows = tx.conn.exec_driver_sql(
            "SELECT r.incident_id, r.reference, i.source, i.external_id"
            " FROM incident_reference r JOIN incident i ON i.id = r.incident_id"
            f" WHERE r.reference IN ({marks}) ORDER BY r.incident_id, r.reference",
            tuple(batch),
        )
        yield from rows
