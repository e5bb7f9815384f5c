"""One large file's incidents written as they are parsed, a slice at a time.

An import that reads all its records, merges them and only then writes holds every
record, the merge's map and an outcome for each incident at once: a gigabyte for a page of
a million. When the import is one file whose incidents come as an IncidentStream and
nothing else needs them all in view (no events of other files to attach, no directory,
no incident naming another), each slice of STREAM_SLICE records is merged, written and
dropped before the next is parsed, in the import's one transaction as before: a bad
record near the end still changes nothing.

A first import (nothing stored to compare with) takes the format's rows where it offers
them (IncidentStream.plain_slices): a slice whose incidents need nothing but their incident
rows goes straight into the table, without a record, a merge entry or an outcome for each,
and the search index is filled once at the end (import_writer.search_filled_after); any
other slice is written the record way below.

What the merge would have done across slices it cannot see is checked as it goes: a key
met a second time (the file lists an incident twice) or a record that names another
raises NotStreamable, the transaction rolls back, and the import runs again the whole way.
"""

from collections.abc import Iterator, Sequence
from itertools import islice

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.merging import PreparedIncident, fill_lifecycle, with_file
from irdesk.importers.progress import WRITING, Progress
from irdesk.importers.records import IncidentRecord, IncidentStream, ParsedFile, PlainRows
from irdesk.importers.writing.action_tickets import follow_tickets
from irdesk.importers.writing.events import new_incidents, write_events
from irdesk.importers.writing.incidents import write_incidents, write_names
from irdesk.importers.writing.links import write_links
from irdesk.importers.writing.outcomes import IncidentOutcome, WriteResult
from irdesk.importers.writing.people import People
from irdesk.storage.bulk import import_lookup, import_writer
from irdesk.storage.bulk.import_lookup import IncidentKey
from irdesk.storage.bulk.import_transaction import ImportTransaction
from irdesk.storage.bulk.import_writer import NewEvent
from irdesk.storage.bulk.incident_roles import refresh_imported_roles
from irdesk.storage.records.actor import current_actor

# Records parsed, written and dropped together: enough that each statement carries many
# rows, few enough that a slice's records cost a few megabytes.
STREAM_SLICE = 10_000
# Outcomes kept for the report (the preview's ticket list reads them); the rest are counted.
OUTCOMES_KEPT = 1_000


class NotStreamable(Exception):
    """The file needs the whole merge after all: written again the usual way."""


def streamable(parsed: list[ParsedFile]) -> bool:
    """Whether this import is one file of streamed incidents and nothing else."""
    if len(parsed) != 1:
        return False
    (file,) = parsed
    return (
        file.incident_stream is not None
        and not file.incidents
        and not file.event_batches
        and not file.directory
    )


def write_streamed(
    tx: ImportTransaction,
    file: ParsedFile,
    result: WriteResult,
    progress: Progress | None,
    options: ImportOptions,
    importer_version: str,
) -> None:
    """Write `file`'s streamed incidents a slice at a time. Raises NotStreamable (the
    caller rolls back and imports the usual way) or whatever parsing a record raises."""
    stream = file.incident_stream
    assert stream is not None
    file.incident_stream = None
    any_stored = import_lookup.any_incidents(tx)
    # A first import needs no comparison with stored rows: a slice whose incidents need
    # nothing but their rows goes straight in (_write_rows), the rest the record way.
    if stream.plain_slices is None or any_stored or options.not_incidents:
        slices: Iterator[PlainRows | list[IncidentRecord]] = _slices(stream.records)
        _write_slices(
            tx, file, stream, slices, any_stored, result, progress, options, importer_version
        )
    else:
        with import_writer.search_filled_after(tx) as fast:
            slices = stream.plain_slices(STREAM_SLICE) if fast else _slices(stream.records)
            _write_slices(
                tx, file, stream, slices, any_stored, result, progress, options, importer_version
            )
    # Listed in one order, as an import that writes them all at once lists them.
    result.new_services.sort()
    if progress:
        progress(WRITING, stream.count, stream.count)


def _write_slices(
    tx: ImportTransaction,
    file: ParsedFile,
    stream: IncidentStream,
    slices: Iterator[PlainRows | list[IncidentRecord]],
    any_stored: bool,
    result: WriteResult,
    progress: Progress | None,
    options: ImportOptions,
    importer_version: str,
) -> None:
    """Each slice written and dropped before the next is read: rows straight in, records
    merged and written as merge_records and write_incidents would."""
    # One byte per incident stored before the import: set once a slice finds it, so that
    # finding it again means the file lists it twice (a megabyte for a million).
    met = bytearray(import_lookup.largest_incident_id(tx) + 1)
    people = People(tx, result)
    only_this = with_file(frozenset(), file.name)
    file_id: int | None = None
    done = 0
    for chunk in slices:
        if progress:
            progress(WRITING, done, stream.count)
        if isinstance(chunk, PlainRows):
            if file_id is None:
                import_writer.write_provenance(tx, [file], (), importer_version)
                file_id = import_writer.source_file_id(tx, file)
            _write_rows(tx, chunk, file_id, result)
            done += len(chunk)
            file.streamed[stream.source] = file.streamed.get(stream.source, 0) + len(chunk)
            continue
        prepared = _prepared(chunk, only_this)
        del chunk
        kept = len(result.incidents)
        try:
            ids = write_incidents(
                tx,
                prepared,
                result,
                allow_emptying=options.allow_emptying,
                any_stored=any_stored,
            )
        except import_writer.IncidentKeyTaken:
            raise NotStreamable from None
        _check_met_once(result, kept, ids, met)
        write_names(tx, prepared, ids)
        events = {ids[key]: list(item.events) for key, item in prepared.items() if item.events}
        inserted_events: dict[int, Sequence[NewEvent]] = {}
        if events:
            outcomes = {
                ids[(o.source, o.external_id)]: o
                for o in result.incidents[kept:]
                if ids[(o.source, o.external_id)] in events
            }
            inserted_events = write_events(tx, events, outcomes, people, result)
        write_links(tx, prepared, ids, result)
        refresh_imported_roles(
            tx, set(ids.values()), new_incidents(result.incidents[kept:], ids, inserted_events)
        )
        follow_tickets(tx, prepared, people, result, actor=current_actor())
        import_writer.write_provenance(
            tx, [file], ((ids[key], item.files) for key, item in prepared.items()), importer_version
        )
        _mark_not_incidents(tx, ids, options)
        done += len(prepared)
        file.streamed[stream.source] = file.streamed.get(stream.source, 0) + len(prepared)
        result.fold_outcomes(OUTCOMES_KEPT)


def _write_rows(tx: ImportTransaction, rows: PlainRows, file_id: int, result: WriteResult) -> None:
    """A slice of new incidents that need nothing but their rows: inserted and linked to
    their file; the report keeps the first OUTCOMES_KEPT as outcomes and counts the rest."""
    try:
        import_writer.insert_plain_incidents(tx, rows, file_id)
    except import_writer.IncidentKeyTaken:
        raise NotStreamable from None  # listed twice: the whole merge decides
    room = OUTCOMES_KEPT - len(result.incidents)
    if room > 0:
        # source, external_id and title: a plain row's first three fields.
        result.incidents.extend(
            IncidentOutcome(row[0], row[1], row[2], "new") for row in rows[:room]
        )
    counted = len(rows) - max(room, 0)
    if counted > 0:
        result.incident_counts["new"] = result.incident_counts.get("new", 0) + counted


def _check_met_once(
    result: WriteResult, kept: int, ids: dict[IncidentKey, int], met: bytearray
) -> None:
    """NotStreamable when a slice found stored an incident this import wrote already:
    one an earlier slice inserted (an id past `met`), or found stored too."""
    for outcome in result.incidents[kept:]:
        if outcome.change == "new":
            continue  # inserted: had an earlier slice inserted it, the insert had failed
        incident_id = ids[(outcome.source, outcome.external_id)]
        if incident_id >= len(met) or met[incident_id]:
            raise NotStreamable
        met[incident_id] = 1


def _slices(records: Iterator[IncidentRecord]) -> Iterator[list[IncidentRecord]]:
    while chunk := list(islice(records, STREAM_SLICE)):
        yield chunk


def _prepared(
    chunk: list[IncidentRecord], files: frozenset[str]
) -> dict[IncidentKey, PreparedIncident]:
    """One slice merged as merge_records would; NotStreamable where that needs more."""
    prepared: dict[IncidentKey, PreparedIncident] = {}
    for record in chunk:
        key = (record.source, record.external_id)
        # The same incident twice, or one naming another: the whole merge decides those.
        if key in prepared or record.references:
            raise NotStreamable
        prepared[key] = PreparedIncident(record, record.events, files)
        fill_lifecycle(record, record.events)
    return prepared


def _mark_not_incidents(
    tx: ImportTransaction, ids: dict[IncidentKey, int], options: ImportOptions
) -> None:
    if not options.not_incidents:
        return
    marked = [i for (source, key), i in ids.items() if f"{source}:{key}" in options.not_incidents]
    if marked:
        from irdesk.storage.bulk.import_classifications import mark_not_incidents

        mark_not_incidents(tx, marked, actor=current_actor())
