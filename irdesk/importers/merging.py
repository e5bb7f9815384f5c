"""The merge step: every file's view of an incident made one, with the events that belong to it.

Incidents are merged by (source, external id), the later file's fields winning. Event
batches join their incident by that key, or by a reference (referrals.py); batches whose
incident is not in this import are kept to be looked up in the database while writing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from irdesk.domain.lifecycle import derive_from_events
from irdesk.importers.problems import ImportProblem
from irdesk.importers.records import EventBatch, EventRecord, IncidentRecord, ParsedFile
from irdesk.storage.bulk import import_lookup
from irdesk.storage.bulk.import_lookup import IncidentKey
from irdesk.storage.bulk.import_transaction import ImportTransaction

# An EventBatch and the name of the file it came from.
FileBatch = tuple[EventBatch, str]
# What an incident's timeline gains from this import, by incident id.
EventsById = dict[int, list[EventRecord]]
# The files of this import each incident came from (or got events from), by incident id.
FilesById = dict[int, frozenset[str]]


@lru_cache(maxsize=1024)
def with_file(files: frozenset[str], name: str) -> frozenset[str]:
    """`files` and `name`, as one set shared by every incident that has the same files.

    An import of a million incidents from a handful of files holds a handful of sets,
    not a million: the cache hands back the set already made for that combination.
    """
    return files if name in files else files | {name}


@dataclass(slots=True)
class PreparedIncident:
    """An incident record after merging all files' views of it, ready to write."""

    record: IncidentRecord
    # The record's own events until more join (add_events makes it a list of its own).
    events: Sequence[EventRecord]
    # Names of the ParsedFiles it came from; shared with other incidents, never changed
    # in place (add_file makes or finds another).
    files: frozenset[str]

    def add_file(self, name: str) -> None:
        self.files = with_file(self.files, name)

    def add_events(self, more: Sequence[EventRecord]) -> None:
        if not more:
            return
        if isinstance(self.events, list):
            self.events.extend(more)
        else:
            self.events = [*self.events, *more]


def merge_records(parsed: list[ParsedFile]) -> dict[IncidentKey, PreparedIncident]:
    """The same incident in several files (pages, newer exports): the later file's fields win."""
    prepared: dict[IncidentKey, PreparedIncident] = {}
    for file in parsed:
        only_this = with_file(frozenset(), file.name)
        for record in file.incidents:
            key = (record.source, record.external_id)
            if key in prepared:
                earlier = prepared[key]
                earlier.add_events(record.events)
                earlier.add_file(file.name)
                record.aliases = [*earlier.record.aliases, *record.aliases]
                record.references = [*earlier.record.references, *record.references]
                earlier.record = record
            else:
                # The record's own list, taken over rather than copied: nothing reads a
                # record's events after the merge, and a copy each costs a big file dearly.
                prepared[key] = PreparedIncident(record, record.events, only_this)
    return prepared


def attach_keyed_batches(
    parsed: list[ParsedFile], prepared: dict[IncidentKey, PreparedIncident]
) -> tuple[list[FileBatch], list[FileBatch]]:
    """Batches keyed by an incident of this import join it. Returns the rest: those keyed
    by an incident that is not in this import, and those naming theirs by reference."""
    elsewhere: list[FileBatch] = []
    referring: list[FileBatch] = []
    for file in parsed:
        for batch in file.event_batches:
            if not batch.incident_external_id and batch.incident_ref:
                referring.append((batch, file.name))
                continue
            item = prepared.get((batch.source, batch.incident_external_id))
            if item is None:
                elsewhere.append((batch, file.name))
            else:
                item.add_events(batch.events)
                item.add_file(file.name)
    return elsewhere, referring


def fill_lifecycle(record: IncidentRecord, events: Sequence[EventRecord]) -> None:
    """The lifecycle times the record's source left out, from its events."""
    if not events:
        return  # nothing to derive, and a big file's incidents often have no events
    # An EventKind is its value, as a str: no need to ask every event for `.value`.
    derived = derive_from_events([(e.kind, e.occurred_at) for e in events])
    for name, value in derived.items():
        if getattr(record, name) is None:
            setattr(record, name, value)


def reference_index(prepared: dict[IncidentKey, PreparedIncident]) -> dict[str, IncidentKey]:
    """Casefolded name → incident, for every name an incident of this import goes by:
    "source:external_id", the external id, the URL and its aliases."""
    index: dict[str, IncidentKey] = {}
    for key, item in prepared.items():
        names = (f"{key[0]}:{key[1]}", key[1], item.record.url, *item.record.aliases)
        for name in names:
            if name:
                index.setdefault(name.casefold(), key)
    return index


def add_events(
    events: EventsById,
    files: FilesById,
    incident_id: int,
    more: list[EventRecord],
    file_name: str,
) -> None:
    events.setdefault(incident_id, []).extend(more)
    files[incident_id] = with_file(files.get(incident_id, frozenset()), file_name)


def attach_to_stored_by_key(
    tx: ImportTransaction, elsewhere: list[FileBatch], events: EventsById, files: FilesById
) -> None:
    """Batches keyed by an incident an earlier import stored join it; with none stored,
    the batch's file is a located problem."""
    ids = import_lookup.incident_ids(
        tx, [(batch.source, batch.incident_external_id) for batch, _ in elsewhere]
    )
    for batch, file_name in elsewhere:
        incident_id = ids.get((batch.source, batch.incident_external_id))
        if incident_id is None:
            raise ImportProblem(
                file_name,
                batch.location,
                f"events of a {batch.source} incident that is in this import or already "
                "in the database (import the incident list too)",
                field="incident",
                found=batch.incident_external_id,
            )
        add_events(events, files, incident_id, batch.events, file_name)
