"""Timeline events: new ones inserted, changed ones updated, hand corrections kept.

An event is known again by its (source, external id) within its incident. One a
facilitator corrected by hand keeps the correction: a source that now says otherwise
is listed as a conflict.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from irdesk.domain.enums import EventKind
from irdesk.importers.progress import WRITING_EVENTS, Progress
from irdesk.importers.records import EventRecord, PersonRef
from irdesk.importers.writing.outcomes import IncidentOutcome, WriteResult
from irdesk.importers.writing.people import People
from irdesk.storage.bulk import import_lookup, import_writer
from irdesk.storage.bulk.import_lookup import IncidentKey, StoredEvent, StoredEvents
from irdesk.storage.bulk.import_transaction import ImportTransaction
from irdesk.storage.bulk.import_writer import EventChange, NewEvent
from irdesk.storage.bulk.stored_text import db_time

# The text stored for each kind: a dict lookup rather than enum .value (a descriptor
# call) for every event. Anything else is None, which import_writer refuses.
_KIND_TEXT: dict[object, str] = {kind: kind.value for kind in EventKind}


@dataclass
class _EventRows:
    """What write_events will send to the database, with the counts the report needs."""

    inserts: list[NewEvent] = field(default_factory=list)
    updates: list[EventChange] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    unchanged: int = 0


def write_events(
    tx: ImportTransaction,
    events_by_incident: dict[int, list[EventRecord]],
    outcomes: dict[int, IncidentOutcome],
    people: People,
    result: WriteResult,
    progress: Progress | None = None,
) -> dict[int, Sequence[NewEvent]]:
    """Insert new events, update changed ones; `progress` hears how far the writing got.
    Returns the rows inserted, by incident (refresh_imported_roles reads a new incident's
    roles from them rather than from the table)."""
    # An incident this import inserted has no stored events to compare with: a server's
    # import written in slices would otherwise look for each slice's, and find none.
    stored = import_lookup.stored_events(
        tx,
        [
            incident_id
            for incident_id in events_by_incident
            if (outcome := outcomes.get(incident_id)) is None or outcome.change != "new"
        ],
    )
    rows = _EventRows()
    spans: list[tuple[int, int, int]] = []  # (incident id, its first and last insert + 1)
    for incident_id, events in events_by_incident.items():
        outcome = outcomes.get(incident_id)
        label = outcome.key if outcome else str(incident_id)
        inserted, updated = len(rows.inserts), len(rows.updates)
        _incident_event_rows(incident_id, events, stored, people, rows, label)
        spans.append((incident_id, inserted, len(rows.inserts)))
        if outcome:
            outcome.new_events += len(rows.inserts) - inserted
            outcome.updated_events += len(rows.updates) - updated
    result.new_events += len(rows.inserts)
    result.updated_events += len(rows.updates)
    result.unchanged_events += rows.unchanged
    result.conflicts.extend(rows.conflicts)

    rows_written = None if progress is None else partial(progress, WRITING_EVENTS)
    import_writer.write_events(tx, rows.inserts, rows.updates, rows_written)
    for outcome in outcomes.values():
        if outcome.change == "unchanged" and (outcome.new_events or outcome.updated_events):
            outcome.change = "updated"
            outcome.changed_fields = [*outcome.changed_fields, "timeline"]
    inserts = rows.inserts
    return {incident_id: inserts[start:end] for incident_id, start, end in spans if end > start}


def _incident_event_rows(
    incident_id: int,
    events: list[EventRecord],
    stored: StoredEvents,
    people: People,
    rows: _EventRows,
    label: str,
) -> None:
    """Add one incident's new events to rows.inserts and changed ones to rows.updates."""
    seen: set[tuple[str, str]] = set()
    resolve = people.resolve_cached
    append = rows.inserts.append
    # Locals, and no lookup of stored events in a fresh database: this runs per event.
    any_stored = bool(stored)
    kind_text = _KIND_TEXT.get
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
        actor = event.actor
        if actor is not last_actor:
            last_actor = actor
            actor_id = resolve(actor)
            actor_name = (actor.name or actor.email) if actor else None
        append(
            (
                incident_id,
                when,
                kind_text(event.kind),
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
    old: StoredEvent,
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


def new_incidents(
    outcomes: Iterable[IncidentOutcome],
    ids: Mapping[IncidentKey, int],
    inserted: Mapping[int, Sequence[NewEvent]],
) -> dict[int, Sequence[NewEvent]]:
    """The incidents these outcomes inserted, each with the events inserted for it (none
    for most of a big page): what refresh_imported_roles needs to read nothing for them."""
    return {
        incident_id: inserted.get(incident_id, ())
        for o in outcomes
        if o.change == "new"
        for incident_id in (ids[(o.source, o.external_id)],)
    }
