"""One import, end to end: read and parse every file, merge, write in one transaction, report.

Parsing all files comes first, so a bad file stops the import before a row
is written; the writing runs in one transaction, so a failure there leaves
the database as it was. A single large file of incidents is the exception: it is
parsed as it is written, in the same one transaction (streamed.py); so is a team
server's first import, where that gives the same rows (overlapped.py). A dry run does
all of it and rolls back. What one bad record does (a fallback, the import refused,
or the record left out) is recovery.py's to say; severity maps remembered from
earlier imports apply here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

from irdesk import __version__
from irdesk.domain.enums import IncidentStatus
from irdesk.importers import overlapped
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.merging import (
    EventsById,
    FileBatch,
    FilesById,
    PreparedIncident,
    attach_keyed_batches,
    attach_to_stored_by_key,
    fill_lifecycle,
    merge_records,
)
from irdesk.importers.parsing import parse_files, parsed_one_by_one
from irdesk.importers.progress import WRITING, Progress
from irdesk.importers.reading.column_mapping import MappingStore, MappingStoreError
from irdesk.importers.records import IncidentRecord, LeftOut, ParsedFile
from irdesk.importers.referrals import ReferralLog, attach_referring, attach_to_stored_by_reference
from irdesk.importers.report import ImportReport, import_report
from irdesk.importers.streamed import NotStreamable, streamable, write_streamed
from irdesk.importers.writing.action_tickets import follow_tickets
from irdesk.importers.writing.directory import write_directory
from irdesk.importers.writing.events import new_incidents, write_events
from irdesk.importers.writing.incidents import write_incidents, write_names
from irdesk.importers.writing.links import write_links
from irdesk.importers.writing.outcomes import WriteResult
from irdesk.importers.writing.people import People
from irdesk.storage.bulk import import_lookup, import_writer
from irdesk.storage.bulk.batching import cyclic_gc_paused
from irdesk.storage.bulk.import_lookup import IncidentKey
from irdesk.storage.bulk.import_transaction import ImportTransaction, import_transaction
from irdesk.storage.bulk.incident_roles import incidents_with_policies, refresh_imported_roles
from irdesk.storage.database import Database
from irdesk.storage.records.actor import current_actor

__all__ = ["IMPORTER_VERSION", "ImportReport", "Progress", "parse_files", "run_import"]

IMPORTER_VERSION = f"irdesk {__version__}"


def run_import(
    db: Database,
    paths: Iterable[Path],
    options: ImportOptions | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import `paths` into `db`, all or nothing. Raises ImportProblem for bad input."""
    with cyclic_gc_paused():
        return _run_import(db, paths, options or ImportOptions(), dry_run, progress)


def _run_import(
    db: Database,
    paths: Iterable[Path],
    options: ImportOptions,
    dry_run: bool,
    progress: Progress | None,
) -> ImportReport:
    skipped: list[str] = []
    options, remembered = _with_remembered_severities(options)
    paths = list(paths)  # read twice when a streamed write has to start again
    if overlapped.overlaps(db):
        try:
            files = parsed_one_by_one(paths, options, progress, skipped, read_as_parsed=True)
            done = overlapped.write_overlapped(
                db, files, options, progress, dry_run, IMPORTER_VERSION
            )
        except overlapped.NotOverlapped:
            done = None  # rolled back: read again, the usual way
        if done is not None:
            parsed, result = done
            report = import_report(parsed, result, ReferralLog(), skipped, dry_run)
            report.notes += remembered
            return report
        skipped.clear()
    parsed = parse_files(paths, options, progress, skipped, streams=True)
    if streamable(parsed):
        result = WriteResult()
        try:
            with import_transaction(db, dry_run=dry_run) as tx:
                write_streamed(tx, parsed[0], result, progress, options, IMPORTER_VERSION)
        except NotStreamable:
            # Rolled back: read again, this time whole, and merge before writing.
            skipped.clear()
            parsed = parse_files(paths, options, progress, skipped)
        else:
            report = import_report(parsed, result, ReferralLog(), skipped, dry_run)
            report.notes += remembered
            return report
    for file in parsed:
        file.materialise()
    merged = _merge(parsed)
    result = WriteResult()
    if progress:
        progress(WRITING, 0, 1)
    with import_transaction(db, dry_run=dry_run) as tx:
        _adopt_orphans(tx, parsed, merged, options)
        ids = _write(tx, parsed, merged, result, progress, options)
        marked = [
            i
            for (source, external), i in ids.items()
            if f"{source}:{external}" in options.not_incidents
        ]
        if marked:
            # Only then: the edit needs the ORM, which an import otherwise never loads.
            from irdesk.storage.bulk.import_classifications import mark_not_incidents

            mark_not_incidents(tx, marked, actor=current_actor())
    report = import_report(parsed, result, merged.referrals, skipped, dry_run, merged.left_out)
    report.notes += remembered
    return report


def _with_remembered_severities(options: ImportOptions) -> tuple[ImportOptions, list[str]]:
    """The options with the severity maps remembered from earlier imports under the ones
    given now, and a line for each source a remembered map applies to."""
    try:
        stored = MappingStore().severity_maps()
    except MappingStoreError:
        return options, []  # unreadable: the maps given now and the defaults still hold
    notes = []
    merged = {source: dict(table) for source, table in stored.items()}
    for source, table in options.severity_maps.items():
        merged.setdefault(source, {}).update(table)
    for source, table in sorted(stored.items()):
        used = {
            raw: sev
            for raw, sev in table.items()
            if raw not in options.severity_maps.get(source, {})
        }
        if used:
            pairs = ", ".join(f"{raw}={sev.value}" for raw, sev in used.items())
            notes.append(f"Remembered severity map for {source}: {pairs}")
    return replace(options, severity_maps=merged), notes


@dataclass
class _Merged:
    """The import's incidents with the events that found them, and the batches whose
    incident must be looked for in the database."""

    incidents: dict[IncidentKey, PreparedIncident]
    keyed_elsewhere: list[FileBatch]  # by (source, external id)
    referring_elsewhere: list[FileBatch]  # by reference
    referrals: ReferralLog
    left_out: list[LeftOut] = field(default_factory=list)


def _merge(parsed: list[ParsedFile]) -> _Merged:
    incidents = merge_records(parsed)
    keyed_elsewhere, referring = attach_keyed_batches(parsed, incidents)
    for item in incidents.values():
        fill_lifecycle(item.record, item.events)
    # Batches naming their incident by reference join after the lifecycle is filled: chat
    # around an incident must not move its start, and their window needs its times.
    referrals = ReferralLog()
    referring_elsewhere = attach_referring(referring, incidents, referrals)
    return _Merged(incidents, keyed_elsewhere, referring_elsewhere, referrals)


def _adopt_orphans(
    tx: ImportTransaction, parsed: list[ParsedFile], merged: _Merged, options: ImportOptions
) -> None:
    """Batches keyed by an incident neither this import nor the database holds: made a
    partial incident from their own reference to it (a recoverable problem), or left out
    under skip_bad_records; the rest stay for attach_to_stored_by_key, which refuses them."""
    if not merged.keyed_elsewhere:
        return
    keys = [(batch.source, batch.incident_external_id) for batch, _ in merged.keyed_elsewhere]
    stored = import_lookup.incident_ids(tx, keys)
    files = {file.name: file for file in parsed}
    remaining: list[FileBatch] = []
    adopted: list[PreparedIncident] = []
    for batch, file_name in merged.keyed_elsewhere:
        key = (batch.source, batch.incident_external_id)
        item = None if key in stored else merged.incidents.get(key)
        if item is None and key not in stored and batch.fallback is not None and not options.strict:
            item = merged.incidents[key] = PreparedIncident(batch.fallback, [], frozenset())
            adopted.append(item)
            files[file_name].warnings.append(
                f"{batch.location}: field 'incident': {batch.source} incident "
                f"{batch.incident_external_id} is neither in this import nor in the database; "
                f"made from the entries' reference to it ({batch.fallback.title!r}) and "
                "marked partial until the incident itself is imported"
            )
        if item is not None:
            item.add_events(batch.events)
            item.add_file(file_name)
        elif key not in stored and options.skip_bad_records:
            merged.left_out.append(
                LeftOut(
                    file_name,
                    batch.location,
                    f"field 'incident': {len(batch.events)} event(s) of {batch.source} incident "
                    f"{batch.incident_external_id}, which is neither in this import nor in the "
                    "database",
                )
            )
        else:
            remaining.append((batch, file_name))
    for item in adopted:
        fill_lifecycle(item.record, item.events)
        item.record.status = _status_from_times(item.record)
    merged.keyed_elsewhere = remaining


def _status_from_times(record: IncidentRecord) -> IncidentStatus:
    # A partial incident's status is only what its events show.
    if record.resolved_at is not None:
        return IncidentStatus.RESOLVED
    if record.mitigated_at is not None:
        return IncidentStatus.MITIGATED
    if record.acknowledged_at is not None:
        return IncidentStatus.ACKNOWLEDGED
    return IncidentStatus.TRIGGERED


def _write(
    tx: ImportTransaction,
    parsed: list[ParsedFile],
    merged: _Merged,
    result: WriteResult,
    progress: Progress | None,
    options: ImportOptions,
) -> dict[IncidentKey, int]:
    """Write the import; the id of each incident it holds."""
    # The directory first: incidents then find the services it brought by their keys.
    write_directory(tx, parsed, result)
    prepared = merged.incidents
    ids = (
        write_incidents(tx, prepared, result, allow_emptying=options.allow_emptying)
        if prepared
        else {}
    )
    write_names(tx, prepared, ids)
    # Incidents without events have nothing to write to their timelines; leaving them out
    # spares a big import a map, and a lookup of stored events, the size of the file.
    events: EventsById = {
        ids[key]: list(item.events) for key, item in prepared.items() if item.events
    }
    # The files that gave events to stored incidents; this import's own incidents keep
    # theirs in `prepared` (provenance reads both), not in a second map of them all.
    stored_files: FilesById = {}
    attach_to_stored_by_key(tx, merged.keyed_elsewhere, events, stored_files)
    attach_to_stored_by_reference(
        tx, merged.referring_elsewhere, merged.referrals, events, stored_files
    )
    # Only the outcomes of incidents whose timelines change: the rest have nothing to count.
    people = People(tx, result)
    outcomes = (
        {
            incident_id: o
            for o in result.incidents
            if (incident_id := ids[(o.source, o.external_id)]) in events
        }
        if events
        else {}
    )
    inserted_events = write_events(tx, events, outcomes, people, result, progress)
    write_links(tx, prepared, ids, result)
    # After the events and the directory: roles come from both.
    touched = set(ids.values())
    touched.update(events)
    if any(file.directory for file in parsed):
        touched.update(incidents_with_policies(tx))
    refresh_imported_roles(tx, touched, new_incidents(result.incidents, ids, inserted_events))
    del touched, inserted_events
    follow_tickets(tx, prepared, people, result, actor=current_actor())
    incident_files = chain(
        ((ids[key], item.files) for key, item in prepared.items()), stored_files.items()
    )
    import_writer.write_provenance(tx, parsed, incident_files, IMPORTER_VERSION)
    return ids
