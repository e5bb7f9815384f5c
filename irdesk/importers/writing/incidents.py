"""Incidents: new ones inserted, changed ones updated, a facilitator's edits kept.

The same file imported twice changes nothing; a newer export updates what changed.
A lifecycle time a facilitator set by hand is never overwritten: a source that now
disagrees is listed as a conflict instead.
"""

from collections.abc import Collection, Mapping, Sequence
from itertools import islice
from typing import Any

from irdesk.domain.enums import IncidentStatus, ServiceTier, Severity
from irdesk.domain.lifecycle import LIFECYCLE_FIELDS, PARTIAL, joined_flags, lifecycle_problems
from irdesk.importers.merging import PreparedIncident
from irdesk.importers.records import IncidentRecord
from irdesk.importers.writing.outcomes import IncidentOutcome, WriteResult
from irdesk.storage.bulk import directory_writer, import_lookup, import_writer
from irdesk.storage.bulk.import_lookup import IncidentKey
from irdesk.storage.bulk.import_transaction import ImportTransaction
from irdesk.storage.bulk.import_writer import NewIncident, ServiceSettings
from irdesk.storage.bulk.stored_text import alias_text, db_time

# A service first seen in an import gets these until someone sets the real values.
NEW_SERVICE = ServiceSettings(tier=ServiceTier.TIER3.value, slo_target=99.9, cost_per_minute=0.0)
# Incidents written a slice of this many at a time (see write_incidents).
INSERT_BATCH = 10_000


def write_incidents(
    tx: ImportTransaction,
    prepared: Mapping[IncidentKey, PreparedIncident],
    result: WriteResult,
    *,
    allow_emptying: bool = False,
    any_stored: bool | None = None,
) -> dict[IncidentKey, int]:
    """Insert new incidents, update changed ones; returns the id of every key.

    A stored value the source no longer gives (a severity map left off the command line,
    a trimmed export) is kept unless `allow_emptying`; either way the report names it.
    `any_stored`: whether the database held incidents before the import, when the caller
    knows (an import written in several calls asks once, before the first).
    """
    services = _services(tx, prepared.values(), result)
    # Asked once: a first import looks nothing up, however many slices it writes.
    if any_stored is None:
        any_stored = import_lookup.any_incidents(tx)
    ids: dict[IncidentKey, int] = {}
    emptied: dict[str, list[str]] = {}  # field → keys of the incidents it would empty in
    # A slice of INSERT_BATCH incidents at a time, looked up, inserted and updated before
    # the next: what a slice needs (stored rows, rows to insert) is dropped after it, so a
    # file of a million holds a few thousand rows at once, not a million.
    pending = iter(prepared.items())
    while chunk := list(islice(pending, INSERT_BATCH)):
        ids.update(_write_slice(tx, chunk, services, any_stored, result, emptied, allow_emptying))
    lines = result.emptied_values if allow_emptying else result.kept_values
    lines.extend(_emptied_line(name, keys) for name, keys in emptied.items())
    return ids


def _write_slice(
    tx: ImportTransaction,
    prepared: Sequence[tuple[IncidentKey, PreparedIncident]],
    services: dict[IncidentKey, int],
    any_stored: bool,
    result: WriteResult,
    emptied: dict[str, list[str]],
    allow_emptying: bool,
) -> dict[IncidentKey, int]:
    """write_incidents for one slice of the incidents; the id of each of its keys."""
    # The merge's own keys, shared by the map of ids rather than made again.
    keys = [key for key, _ in prepared]
    existing = import_lookup.stored_incidents(tx, keys) if any_stored else {}
    overridden = import_lookup.overridden_fields(tx, [row["id"] for row in existing.values()])
    inserts: list[NewIncident] = []
    new_keys: list[IncidentKey] = []
    ids = {key: existing[key]["id"] for key in keys if key in existing}
    changes: list[tuple[int, dict[str, Any]]] = []
    partial: list[int] = []
    for key, item in prepared:
        record = item.record
        service_id = services.get(key)
        outcome = IncidentOutcome(record.source, record.external_id, record.title, change="new")
        result.incidents.append(outcome)
        if key not in existing:
            inserts.append(_new_incident(record, service_id))
            new_keys.append(key)
            continue
        values = _source_values(record)
        old = existing[key]
        if record.partial:
            partial.append(old["id"])
        changed = [name for name, value in values.items() if old[name] != value]
        for name in [n for n in changed if values[n] is None]:
            emptied.setdefault(name, []).append(outcome.key)
            if not allow_emptying:
                changed.remove(name)
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
            changes.append((old["id"], {name: values[name] for name in changed}))
    if inserts:
        # Keyed by the merge's own key tuples, not those read back: the map of ids lives
        # as long as the import, and a second tuple and two strings each would too.
        inserted = import_writer.insert_incidents(tx, inserts)
        ids.update(zip(new_keys, map(inserted.__getitem__, new_keys), strict=True))
    import_writer.update_incidents(tx, changes)
    # New rows got their flags from the same timestamps above; stored ones may be stale.
    import_writer.refresh_consistency_flags(tx, [row["id"] for row in existing.values()], partial)
    return ids


def _emptied_line(name: str, keys: list[str], shown: int = 5) -> str:
    more = f", … {len(keys) - shown} more" if len(keys) > shown else ""
    return f"{name}: {len(keys)} incident(s) ({', '.join(keys[:shown])}{more})"


def _services(
    tx: ImportTransaction, prepared: Collection[PreparedIncident], result: WriteResult
) -> dict[IncidentKey, int]:
    """Each incident's service id: by the tool's own service id when a directory import
    (or an earlier incident) made it known, else by name; services not stored yet are
    added with NEW_SERVICE, and remember the tool's id for the directory to find them."""
    known = import_lookup.services(tx)
    by_key: dict[tuple[str, str], int | None] = {}
    for item in prepared:
        record = item.record
        if record.service_key and (record.source, record.service_key) not in by_key:
            by_key[(record.source, record.service_key)] = directory_writer.id_by_key(
                tx, "service", record.source, record.service_key
            )
    names = {
        p.record.service
        for p in prepared
        if p.record.service and by_key.get((p.record.source, p.record.service_key or "")) is None
    }
    new = sorted(names - known.keys())
    known.update(import_writer.insert_services(tx, new, NEW_SERVICE))
    result.new_services.extend(new)
    ids: dict[IncidentKey, int] = {}
    for item in prepared:
        record = item.record
        service_key = (record.source, record.service_key or "")
        service_id = by_key.get(service_key)
        if service_id is None and record.service:
            service_id = known[record.service]
            if record.service_key:
                directory_writer.add_key(tx, "service", *service_key, service_id)
                by_key[service_key] = service_id
        if service_id is not None:
            ids[(record.source, record.external_id)] = service_id
    return ids


def _source_values(record: IncidentRecord) -> dict[str, Any]:
    """The record's values of import_lookup.SOURCE_FIELDS, as a stored incident has them."""
    return {
        "title": record.title,
        "summary": record.summary,
        "url": record.url,
        "severity": record.severity.value if record.severity else None,
        "severity_raw": record.severity_raw,
        "status": record.status.value,
        **{name: getattr(record, name) for name in LIFECYCLE_FIELDS},
    }


# Enum members' texts by member: a dict lookup, not a descriptor call per incident.
_STATUS_TEXT = {status: status.value for status in IncidentStatus}
_SEVERITY_TEXT: dict[Severity | None, str | None] = {None: None}
_SEVERITY_TEXT.update((severity, severity.value) for severity in Severity)


def _new_incident(record: IncidentRecord, service_id: int | None) -> NewIncident:
    # Positional, and db_time only for the times there are: this runs for every new
    # incident, and most incidents of a big page have two times of six.
    started = record.started_at
    started_at = (
        record.stored_start
        if record.stored_start is not None
        else None
        if started is None
        else db_time(started)
    )
    detected = record.detected_at
    resolved = record.resolved_at
    later = (record.acknowledged_at, record.mitigated_at, resolved, record.verified_at)
    acknowledged_at, mitigated_at, resolved_at, verified_at = (
        (None, None, None, None)
        if later == _NO_TIMES
        else (None if value is None else db_time(value) for value in later)
    )
    # The common shape (detected when started, perhaps resolved, no other time) breaks a
    # rule only by resolving before it started: three comparisons instead of seven
    # attribute pairs read through lifecycle_problems for every incident.
    if (
        detected is started
        and later[0] is None
        and later[1] is None
        and later[3] is None
        and (resolved is None or started is None or not resolved < started)
    ):
        flags = PARTIAL if record.partial else ""
    else:
        flags = joined_flags(lifecycle_problems(record), partial=record.partial)
    return NewIncident(
        record.source,
        record.external_id,
        record.title,
        record.summary,
        record.url,
        _SEVERITY_TEXT[record.severity],
        record.severity_raw,
        _STATUS_TEXT[record.status],
        started_at,
        # Most sources detect when they start (PagerDuty's created_at is both): one text.
        started_at if detected is started else db_time(detected),
        acknowledged_at,
        mitigated_at,
        resolved_at,
        verified_at,
        service_id,
        flags,
    )


_NO_TIMES = (None, None, None, None)


def write_names(
    tx: ImportTransaction,
    prepared: Mapping[IncidentKey, PreparedIncident],
    ids: Mapping[IncidentKey, int],
) -> None:
    """Remember the names incidents go by beyond their key and URL, and the names they
    cite, so that an incident imported later finds them, or is found by them."""
    aliases = []
    references = set()
    for key, item in prepared.items():
        record = item.record
        if record.references:
            incident_id = ids[key]
            references.update((ref.casefold(), incident_id) for ref in record.references if ref)
        # Most incidents' only aliases are their key and URL, stored already: those skip
        # the normalising below.
        names = record.aliases
        if len(names) == 1 and names[0] == record.external_id:
            continue  # the usual shape of a big page's incident, told in two steps
        own = (record.external_id, record.url)
        if all(name in own for name in names):
            continue
        known = {alias_text(record.external_id), alias_text(record.url or "")}
        for alias in dict.fromkeys(alias_text(name) for name in record.aliases if name):
            if alias and alias not in known:
                aliases.append((alias, ids[key]))
    import_writer.insert_aliases(tx, aliases)
    import_writer.insert_references(tx, sorted(references))
