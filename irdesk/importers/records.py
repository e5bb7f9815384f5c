"""What a parser makes of a file: plain records, before any database id exists.

Parsers fill these; the pipeline merges them (merging.py), turns them into rows
(writing/) and has irdesk.storage.bulk write those. Times are aware UTC by the time a
record is built.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from irdesk.domain.enums import EventKind, IncidentStatus, Severity
from irdesk.importers.org_records import Directory


@dataclass(frozen=True)
class PersonRef:
    """Someone as a source names them; matched to a Person by email, then by name."""

    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class TicketState:
    """A ticket as a tracker shows it now, for the action items that name it by its key."""

    status_name: str | None = None
    resolution: str | None = None
    assignee: PersonRef | None = None
    # The ticket's last change, when the export says: its time and who made it.
    changed_at: datetime | None = None
    changed_by: PersonRef | None = None


# Slots on the two records an import makes one of per incident and per event: no
# per-instance __dict__, about half the memory of each (a big file holds millions).
@dataclass(slots=True)
class EventRecord:
    occurred_at: datetime
    kind: EventKind
    source: str
    external_id: str | None
    text: str
    actor: PersonRef | None = None
    is_key_moment: bool = False
    # occurred_at as the database stores it, when the reader had that text for free;
    # set only at construction (nothing moves an event's time afterwards).
    stored_at: str | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class IncidentRecord:
    source: str
    external_id: str
    title: str
    location: str  # where in the file it came from, for messages: "incidents[3]", "line 12"
    summary: str | None = None
    url: str | None = None
    service: str | None = None
    severity: Severity | None = None
    severity_raw: str | None = None
    status: IncidentStatus = IncidentStatus.TRIGGERED
    started_at: datetime | None = None
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    verified_at: datetime | None = None
    # By default the shared empty tuple: most incidents of a big page have no events.
    events: Sequence[EventRecord] = ()
    # Keys of incidents in other sources this one names ("pagerduty:PH4UE4E", "#12728", URLs).
    # Read-only sequences, by default the one shared empty tuple rather than a list each.
    references: Sequence[str] = ()
    # Keys other sources may use to name this one (its number, its URL).
    aliases: Sequence[str] = ()
    # The tool's own id of the service (PagerDuty's P6ZOTJ8): links the incident to a
    # directory service that tool's export brought, whatever either is named.
    service_key: str | None = None
    # Made from another record's reference to it (a log entry's `incident`), not from the
    # incident itself: stored with the PARTIAL consistency flag until the incident is imported.
    partial: bool = False
    # What a tracker's ticket says of itself (status, resolution, assignee): action items
    # whose external key is this record's key follow it.
    ticket: TicketState | None = None
    # started_at as the database stores it, when the reader had that text for free; set
    # only at construction, and only with started_at (the merge fills only absent times).
    stored_start: str | None = field(default=None, compare=False, repr=False)


@dataclass
class EventBatch:
    """Events for an incident described in another file (log entries, alert logs)."""

    source: str
    incident_external_id: str  # "" when the batch names its incident by incident_ref
    location: str
    events: list[EventRecord] = field(default_factory=list)
    # A key the incident is known by in any source ("#12728", "INC-1042", a URL,
    # "pagerduty:PH4UE4E"), for sources that only know how people name it (chat channels);
    # used when incident_external_id is empty.
    incident_ref: str | None = None
    # False: an incident nobody can find only skips the batch, with a warning. For links
    # irdesk guessed (from a channel's name), not ones the user asked for.
    required: bool = True
    # (before, after): keep only events from the incident's start − before to its
    # resolution (or verification) + after; chat goes on long before and after an outage.
    window: tuple[timedelta, timedelta] | None = None
    # The chat channel the events came from, so the user can be asked to link it.
    channel: str | None = None
    # The incident as the events' own reference describes it (title, URL), created as a
    # partial incident when neither this import nor the database holds it.
    fallback: IncidentRecord | None = None


@dataclass(frozen=True)
class LeftOut:
    """A record left out of an import by --skip-bad-records, and why."""

    file: str
    location: str
    why: str

    def line(self) -> str:
        return f"{self.file}, {self.location or 'whole file'}: {self.why}"


@dataclass
class IncidentStream:
    """The incidents of a large array, each parsed when the import asks for the next.

    A page of a million incidents held as records costs a gigabyte; parsed as it is
    written, a slice at a time, it costs one slice. A problem in a record is raised (or
    the record left out) when it is reached, inside the import's transaction.
    """

    # Elements of the array: the records, less any left out by --skip-bad-records.
    count: int
    records: Iterator["IncidentRecord"]
    source: str  # what ImportOptions.clock_offsets and the preview know the records by
    # Set by ParsedFile.materialise: the records are read all at once after all. A check
    # the streamed write makes anyway (an incident listed twice) is then the format's own.
    whole: bool = False
    # For a format with a row reader (recovery.read_incidents' `plain`): the same
    # incidents a slice of at most N at a time (plain_slices(N)), each slice a PlainRows
    # when every incident of it is plain, else its records. Used instead of `records`
    # by a first import, which has nothing stored to compare the incidents with.
    plain_slices: Callable[[int], Iterator["PlainRows | list[IncidentRecord]"]] | None = None


class PlainRows(list[tuple[Any, ...]]):
    """A slice of incidents as the incident rows a first import inserts
    (import_writer.PLAIN_FIELDS): nothing else to write for any of them."""

    __slots__ = ()


@dataclass
class ParsedFile:
    name: str
    sha256: str
    size: int
    format: str
    incidents: list[IncidentRecord] = field(default_factory=list)
    event_batches: list[EventBatch] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Chat channels skipped because no incident could be found for them.
    unlinked_channels: list[str] = field(default_factory=list)
    # What an on-call directory export (users, teams, schedules, …) holds.
    directory: Directory = field(default_factory=Directory)
    # Records left out under ImportOptions.skip_bad_records (see recovery.py).
    left_out: list[LeftOut] = field(default_factory=list)
    # A large file's incidents, not yet parsed (see IncidentStream); None once they are in
    # `incidents`, which then holds them all, or once the import wrote them as they came.
    incident_stream: IncidentStream | None = field(default=None, compare=False, repr=False)
    # How many incidents the import wrote straight from incident_stream, by source: they
    # are not kept in `incidents`.
    streamed: dict[str, int] = field(default_factory=dict)

    def materialise(self) -> None:
        """Every streamed incident parsed into `incidents`, for the imports that need them
        all at once (several files to merge, events to attach)."""
        if self.incident_stream is not None:
            stream, self.incident_stream = self.incident_stream, None
            stream.whole = True
            self.incidents.extend(stream.records)

    @property
    def event_count(self) -> int:
        return sum(len(i.events) for i in self.incidents) + sum(
            len(b.events) for b in self.event_batches
        )
