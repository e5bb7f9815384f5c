"""A team server's first import, written while it is read.

On a file, the client does all the work of an import, reading or writing. On a server
the writing is the server's work, in a process of its own: an import that reads every
file before it writes leaves the server idle while it parses, and then waits while the
server checks and indexes the rows (the events' foreign keys alone take as long as
parsing them). Here the main thread parses the files one by one while a writer thread
writes, in the import's one transaction, each slice of incidents whose records and
events have all come: the server works on one slice while the next is parsed. So that
it starts soon and ends with the last slice, a folder's files are read as the parser
reaches them (reading.sources.ListedSources), not all before the first is parsed, and
each slice carries the provenance of the files read since the one before.

The writer cannot see ahead what the whole merge (pipeline.py) decides across files, so
the overlap is taken only where it gives the same rows with the same ids, and that is
checked as the files come: an incident is written once a file of events of its own (a
log-entry page) joined it, in the order the merge writes them, and the slices number
new services in the order one call would. A file that adds to an incident written
already, a record naming another, a directory, events of an incident the import does
not hold, a large array read as it is written (streamed.py), or a service key under two
names raise NotOverlapped: the transaction rolls back and the import runs the usual way.
So does a bad file: read as parsed, it may come before another bad one that a whole
read names first, and the usual way names the one it always has.
Taken on a server that holds no incidents and no services yet (a team's first, large
import), where nothing stored can change an outcome or an order either; the rest goes
the usual way from the start.
"""

import queue
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.merging import PreparedIncident, fill_lifecycle, with_file
from irdesk.importers.problems import ImportProblem
from irdesk.importers.progress import WRITING, Progress
from irdesk.importers.records import EventRecord, IncidentRecord, ParsedFile
from irdesk.importers.writing.action_tickets import follow_tickets
from irdesk.importers.writing.events import new_incidents, write_events
from irdesk.importers.writing.incidents import write_incidents, write_names
from irdesk.importers.writing.links import write_links
from irdesk.importers.writing.outcomes import WriteResult
from irdesk.importers.writing.people import People
from irdesk.storage.bulk import import_lookup, import_writer
from irdesk.storage.bulk.import_lookup import IncidentKey
from irdesk.storage.bulk.import_transaction import ImportTransaction, import_transaction
from irdesk.storage.bulk.incident_roles import refresh_imported_roles
from irdesk.storage.database import Database
from irdesk.storage.records.actor import current_actor

# Incidents a slice holds: enough that its statements carry many rows (some 40,000
# events in an export of 20 an incident).
OVERLAP_SLICE = 2_000
# The first slice's: the server has nothing to do until it comes, and its work is the
# longer of the two, so it starts small and each slice is as large as all before it
# (up to OVERLAP_SLICE), which keeps the statements per incident few.
FIRST_SLICE = 250
# Slices parsed but not yet written: the parser runs at most this far ahead.
AHEAD = 2
# How often the progress hears how far the writing got once every file is read.
PROGRESS_SECONDS = 0.2
# The interpreter's switch interval while the two threads run (its default is 5 ms).
# Each of the writer's round trips ends waiting for the GIL, which the parser keeps
# until the interval forces it out: at the default, dozens of those waits a slice left
# the server idle. Letting the GIL go after every file instead (time.sleep(0)) cost the
# parser a third more CPU, measured per thread, as it hopped between cores; a shorter
# interval switches only when the writer asks. Process-wide, so restored after.
SWITCH_SECONDS = 0.001


class NotOverlapped(Exception):
    """The export needs the whole merge after all: rolled back, imported the usual way."""


def overlaps(db: Database) -> bool:
    """Whether `db` is on a server, where an import may write while it reads."""
    return db.engine.dialect.name == "postgresql"


@dataclass
class _Pending:
    """An incident of this import as the merge would hold it, not yet written."""

    record: IncidentRecord
    own_events: list[EventRecord]  # its records' events, in file order
    batch_events: list[EventRecord] = field(default_factory=list)  # then its batches'
    files: frozenset[str] = frozenset()
    joined: bool = False  # a batch of events from a file joined it

    def prepared(self) -> PreparedIncident:
        events = [*self.own_events, *self.batch_events]
        fill_lifecycle(self.record, events)
        return PreparedIncident(self.record, events, self.files)


@dataclass
class _Merge:
    """merge_records and attach_keyed_batches, a file at a time, handing out the
    incidents the whole merge could not change any more."""

    pending: dict[IncidentKey, _Pending] = field(default_factory=dict)
    # Keys in the merge's order: first met as a record.
    order: list[IncidentKey] = field(default_factory=list)
    written: set[IncidentKey] = field(default_factory=set)
    # Batches of an incident no record has named yet (a later file may).
    waiting: dict[IncidentKey, list[tuple[list[EventRecord], str]]] = field(default_factory=dict)
    # Files read since the last slice was handed out: the next one records them.
    unrecorded: list[ParsedFile] = field(default_factory=list)
    # New services in the order the slices insert them, and each service key's name.
    services: list[str] = field(default_factory=list)
    service_keys: dict[tuple[str, str], str] = field(default_factory=dict)
    # How far from the head of `order` every incident has been joined by events.
    joined_to: int = 0
    # The incidents the file read last named: held back until a file names none of them.
    recent: set[IncidentKey] = field(default_factory=set)

    def add(self, file: ParsedFile) -> None:
        if file.incident_stream is not None or file.directory:
            raise NotOverlapped
        self.unrecorded.append(file)
        only_this = with_file(frozenset(), file.name)
        # Pages of events in an incident's order (a global log-entry list) carry one
        # incident's events over into the next page: what this file named waits a file.
        self.recent = {(r.source, r.external_id) for r in file.incidents}
        self.recent.update((b.source, b.incident_external_id) for b in file.event_batches)
        for record in file.incidents:
            key = (record.source, record.external_id)
            if key in self.written or record.references:
                raise NotOverlapped
            self._check_service(record)
            earlier = self.pending.get(key)
            if earlier is None:
                item = self.pending[key] = _Pending(record, list(record.events), files=only_this)
                self.order.append(key)
                for events, name in self.waiting.pop(key, ()):
                    item.batch_events.extend(events)
                    item.files = with_file(item.files, name)
                    item.joined = True
                continue
            earlier.own_events.extend(record.events)
            earlier.files = with_file(earlier.files, file.name)
            record.aliases = [*earlier.record.aliases, *record.aliases]
            earlier.record = record
        for batch in file.event_batches:
            key = (batch.source, batch.incident_external_id)
            if not batch.incident_external_id or key in self.written:
                raise NotOverlapped
            item = self.pending.get(key)
            if item is None:
                self.waiting.setdefault(key, []).append((batch.events, file.name))
                continue
            item.batch_events.extend(batch.events)
            item.files = with_file(item.files, file.name)
            item.joined = True

    def _check_service(self, record: IncidentRecord) -> None:
        if record.service_key and record.service:
            known = self.service_keys.setdefault(
                (record.source, record.service_key), record.service
            )
            if known != record.service:
                raise NotOverlapped  # one call would make two services; slices, one

    def ready(self, at_end: bool = False, idle: bool = False) -> Iterator["_Slice"]:
        """Slices from the head of the merge's order, each joined by a file of events and
        not named by the file read last; at the end, every incident left. `idle`: the
        writer waits for work, and gets what is ready from half a slice on."""
        if at_end:
            end = len(self.order)
        else:
            # Joined stays joined: the scan goes on from where the last one stopped (one
            # it passed that a later file names is not handed out yet, and joins as usual).
            while (
                self.joined_to < len(self.order)
                and self.pending[self.order[self.joined_to]].joined
                and self.order[self.joined_to] not in self.recent
            ):
                self.joined_to += 1
            end = self.joined_to
        start = len(self.written)
        while True:
            size = min(OVERLAP_SLICE, max(FIRST_SLICE, start))
            if idle and end - start >= max(1, size // 2):
                # The server would otherwise wait while the slice fills: it gets less
                # sooner. Not less than half: each slice costs the server statements of
                # its own, and a loaded machine's parser leaves the writer idle often.
                size = min(OVERLAP_SLICE, end - start)
                idle = False
            if end - start < (1 if at_end else size):
                return
            keys = self.order[start : min(end, start + size)]
            yield self._hand_out(keys)
            start += len(keys)

    def _hand_out(self, keys: list[IncidentKey]) -> "_Slice":
        prepared = {}
        new_names = set()
        for key in keys:
            item = self.pending.pop(key)
            self.written.add(key)
            prepared[key] = item.prepared()
            if item.record.service:
                new_names.add(item.record.service)
        new = sorted(new_names.difference(self.services))
        # One call inserts every new service in sorted order; slices must not do otherwise.
        if new and self.services and new[0] < self.services[-1]:
            raise NotOverlapped
        self.services.extend(new)
        files, self.unrecorded = self.unrecorded, []
        return _Slice(prepared, files)

    def finish(self) -> None:
        if self.waiting:
            raise NotOverlapped  # events of incidents the import does not hold


@dataclass
class _Slice:
    """Incidents to write, and the files read since the last slice (among them every
    file these incidents came from), whose provenance goes in with them."""

    prepared: dict[IncidentKey, PreparedIncident]
    files: list[ParsedFile]

    def __len__(self) -> int:
        return len(self.prepared)


class _Writer(threading.Thread):
    """Writes the slices the parser hands it, in the import's transaction, until told
    to stop; the first failure is kept for the parser to raise."""

    def __init__(self, write: Callable[[_Slice], None]) -> None:
        super().__init__(name="irdesk import writer", daemon=True)
        self.write = write
        self.slices: queue.Queue[_Slice | None] = queue.Queue(AHEAD)
        self.failure: BaseException | None = None
        self.stopping = False
        self.busy = False  # writing a slice
        self.done = 0  # incidents written

    def run(self) -> None:
        while (prepared := self.slices.get()) is not None:
            self.busy = True
            if self.failure is None and not self.stopping:
                try:
                    self.write(prepared)
                except BaseException as failure:  # raised again in the parser's thread
                    self.failure = failure
                self.done += len(prepared)
            self.busy = False

    @property
    def idle(self) -> bool:
        """Waiting for a slice, none queued."""
        return not self.busy and self.slices.empty()

    def put(self, prepared: _Slice) -> None:
        if self.failure is not None:
            raise self.failure
        self.slices.put(prepared)

    def finish(self, waiting: Callable[[int], None] | None = None) -> None:
        """Every slice written; `waiting` told the incidents written every so often
        meanwhile (raising from it stops the writer, as a cancel does)."""
        self.slices.put(None)
        while self.is_alive():
            if waiting:
                waiting(self.done)
            self.join(PROGRESS_SECONDS)
        if self.failure is not None:
            raise self.failure

    def stop(self) -> None:
        """After a failure of the parser's: the slice in hand finished, the rest not
        written, before the transaction rolls back."""
        self.stopping = True
        self.slices.put(None)
        self.join()


def write_overlapped(
    db: Database,
    files: Iterator[ParsedFile],
    options: ImportOptions,
    progress: Progress | None,
    dry_run: bool,
    importer_version: str,
) -> tuple[list[ParsedFile], WriteResult] | None:
    """Read `files` (parsing.parsed_one_by_one) and write them at once: the files parsed
    and what was written; None, having read nothing, where the database holds incidents
    or services already. Raises NotOverlapped (rolled back) or whatever the usual way
    would raise."""
    result = WriteResult()
    with import_transaction(db, dry_run=dry_run) as tx:
        if import_lookup.any_incidents(tx) or import_lookup.services(tx):
            return None
        actor = current_actor()  # read here: the settings file, once, in this thread
        people = People(tx, result)
        ids: dict[IncidentKey, int] = {}
        # Written with each slice, not after the last: the server records the files and
        # links while the next slice is read, and the import ends with its last slice.
        provenance = import_writer.Provenance(tx, importer_version)

        def write(piece: _Slice) -> None:
            written = _write_slice(tx, piece.prepared, result, people, options, actor)
            ids.update(written)
            provenance.add_files(piece.files)
            provenance.add_links(
                ((written[key], item.files) for key, item in piece.prepared.items()),
                new_incidents=True,
            )

        merge = _Merge()
        writer = _Writer(write)
        writer.start()
        parsed: list[ParsedFile] = []
        _short_switches(True)
        try:
            for file in files:
                parsed.append(file)
                merge.add(file)
                for prepared in merge.ready(idle=writer.idle):
                    writer.put(prepared)
            merge.finish()
            total = len(merge.order)
            for prepared in merge.ready(at_end=True):
                writer.put(prepared)
            # Progress is the caller's (a window's), heard in this thread only.
            writer.finish(None if progress is None else lambda done: progress(WRITING, done, total))
        except ImportProblem as problem:
            # Read as parsed, a bad file may be met before another one that the usual
            # way, reading every file first, would name: it says which, as it always has.
            writer.stop()
            raise NotOverlapped from problem
        except BaseException:
            writer.stop()
            raise
        finally:
            _short_switches(False)
        provenance.add_files(merge.unrecorded)  # read after the last slice
        _mark_not_incidents(tx, ids, options, actor)
    result.new_services.sort()
    return parsed, result


# The interval found before the first of the imports running at once (a window may run
# one while a command runs another) and how many run: the last to end restores it.
_switches = threading.Lock()
_switch_found = [0.0, 0]


def _short_switches(on: bool) -> None:
    with _switches:
        if on:
            if _switch_found[1] == 0:
                _switch_found[0] = sys.getswitchinterval()
                sys.setswitchinterval(SWITCH_SECONDS)
            _switch_found[1] += 1
        else:
            _switch_found[1] -= 1
            if _switch_found[1] == 0:
                sys.setswitchinterval(_switch_found[0])


def _write_slice(
    tx: ImportTransaction,
    prepared: dict[IncidentKey, PreparedIncident],
    result: WriteResult,
    people: People,
    options: ImportOptions,
    actor: str,
) -> dict[IncidentKey, int]:
    """pipeline._write for one slice, in the writer's thread; the ids of its incidents."""
    kept = len(result.incidents)
    ids = write_incidents(
        tx, prepared, result, allow_emptying=options.allow_emptying, any_stored=False
    )
    write_names(tx, prepared, ids)
    events = {ids[key]: list(item.events) for key, item in prepared.items() if item.events}
    inserted = {}
    if events:
        outcomes = {
            incident_id: o
            for o in result.incidents[kept:]
            if (incident_id := ids[(o.source, o.external_id)]) in events
        }
        inserted = write_events(tx, events, outcomes, people, result)
    write_links(tx, prepared, ids, result)
    touched = set(ids.values())
    refresh_imported_roles(tx, touched, new_incidents(result.incidents[kept:], ids, inserted))
    follow_tickets(tx, prepared, people, result, actor=actor)
    return ids


def _mark_not_incidents(
    tx: ImportTransaction, ids: dict[IncidentKey, int], options: ImportOptions, actor: str
) -> None:
    marked = [i for (source, key), i in ids.items() if f"{source}:{key}" in options.not_incidents]
    if marked:
        # Only then: the edit needs the ORM, which an import otherwise never loads.
        from irdesk.storage.bulk.import_classifications import mark_not_incidents

        mark_not_incidents(tx, marked, actor=actor)
