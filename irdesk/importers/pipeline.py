"""One import, end to end: read and parse every file, merge, write in one transaction, report.

Parsing all files comes first, so a bad file stops the import before a row
is written; the writing runs in one transaction, so a failure there leaves
the database as it was. A dry run does all of it and rolls back.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from irdesk import __version__
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
from irdesk.importers.parsing import parse_files
from irdesk.importers.progress import WRITING, Progress
from irdesk.importers.records import ParsedFile
from irdesk.importers.referrals import ReferralLog, attach_referring, attach_to_stored_by_reference
from irdesk.importers.report import ImportReport, import_report
from irdesk.importers.writing.directory import write_directory
from irdesk.importers.writing.events import write_events
from irdesk.importers.writing.incidents import write_incidents, write_names
from irdesk.importers.writing.links import write_links
from irdesk.importers.writing.outcomes import WriteResult
from irdesk.importers.writing.people import People
from irdesk.storage.bulk import import_writer
from irdesk.storage.bulk.batching import cyclic_gc_paused
from irdesk.storage.bulk.import_lookup import IncidentKey
from irdesk.storage.bulk.import_transaction import ImportTransaction, import_transaction
from irdesk.storage.database import Database

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
    parsed = parse_files(paths, options, progress, skipped)
    merged = _merge(parsed)
    result = WriteResult()
    if progress:
        progress(WRITING, 0, 1)
    with import_transaction(db, dry_run=dry_run) as tx:
        _write(tx, parsed, merged, result, progress)
    return import_report(parsed, result, merged.referrals, skipped, dry_run)


@dataclass
class _Merged:
    """The import's incidents with the events that found them, and the batches whose
    incident must be looked for in the database."""

    incidents: dict[IncidentKey, PreparedIncident]
    keyed_elsewhere: list[FileBatch]  # by (source, external id)
    referring_elsewhere: list[FileBatch]  # by reference
    referrals: ReferralLog


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


def _write(
    tx: ImportTransaction,
    parsed: list[ParsedFile],
    merged: _Merged,
    result: WriteResult,
    progress: Progress | None,
) -> None:
    # The directory first: incidents then find the services it brought by their keys.
    write_directory(tx, parsed, result)
    prepared = merged.incidents
    ids = write_incidents(tx, list(prepared.values()), result) if prepared else {}
    write_names(tx, {ids[key]: item for key, item in prepared.items()})
    events: EventsById = {ids[key]: item.events for key, item in prepared.items()}
    incident_files: FilesById = {ids[key]: set(item.files) for key, item in prepared.items()}
    attach_to_stored_by_key(tx, merged.keyed_elsewhere, events, incident_files)
    attach_to_stored_by_reference(
        tx, merged.referring_elsewhere, merged.referrals, events, incident_files
    )
    outcomes = {ids[(o.source, o.external_id)]: o for o in result.incidents}
    write_events(tx, events, outcomes, People(tx, result), result, progress)
    write_links(tx, prepared, ids, result)
    import_writer.write_provenance(tx, parsed, incident_files, IMPORTER_VERSION)
