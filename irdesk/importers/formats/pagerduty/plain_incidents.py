"""PagerDuty incidents read the fast way: the common, well-formed shape straight to a record.

A page of a million incidents spent most of its import in `incidents.incident`, which
makes a location for every field it reads and calls a checked reader for each, to say
where a wrong value is. `plain_incident` reads an incident with nothing to report in
plain dict lookups and gives up (Unusual) at anything else: a wrong type, a blank id, a
time that is not plain `…Z` UTC, v1's `*_on` names, a number given as text, and any
acknowledgement or assignment (those carry people and keys of their own; an incidents
page lists them only for open incidents). The caller then reads that incident again
with `incidents.incident`, which says what is wrong where, or takes its fallback. For
every incident it reads, it gives the record `incident` gives
(tests/unit/importers/test_pagerduty_incident_fast_path.py holds them together).
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from irdesk.domain.enums import EventKind, IncidentStatus, Severity
from irdesk.importers.formats.pagerduty.incidents import STATUSES, incident
from irdesk.importers.formats.pagerduty.log_entries import Unusual, plain_person, plain_text
from irdesk.importers.formats.pagerduty.reader import SOURCE, Reader
from irdesk.importers.formats.pagerduty.rules import RESOLVED, RESOLVED_KEY
from irdesk.importers.reading.timestamps import stored_time, utc_if_plain
from irdesk.importers.records import EventRecord, IncidentRecord
from irdesk.storage.bulk.stored_text import db_time


def read_incident(reader: Reader, value: object, location: str) -> IncidentRecord:
    """The incident the fast way, or the careful way when the fast way gives up."""
    try:
        return plain_incident(reader, value, location)
    except Unusual:
        return incident(reader, value, location)


def incident_reader(reader: Reader, prefix: str) -> Callable[[int, object], IncidentRecord]:
    """read_incident of each (index, item) of the array `prefix`: one call per incident
    of a big page, not one to place it and another to read it."""

    def read(index: int, value: object) -> IncidentRecord:
        location = f"{prefix}[{index}]"
        try:
            return plain_incident(reader, value, location)
        except Unusual:
            return incident(reader, value, location)

    return read


def row_reader(reader: Reader) -> Callable[[object], tuple[Any, ...] | None]:
    """plain_row of each incident of a big page: its incident row, or None."""

    def row(value: object) -> tuple[Any, ...] | None:
        try:
            return plain_row(reader, value)
        except Unusual:
            return None

    return row


def plain_row(reader: Reader, raw: object) -> tuple[Any, ...]:
    """The incident row (import_writer.PLAIN_FIELDS, in order) that a first import
    writes for an incident that `plain_incident` reads and that needs no other
    row: no event, no alias beyond its id and URL, no service, no clock offset.
    Unusual for anything else, and for whatever plain_incident gives up on.

    The streamed import of a page of a million writes these rows straight from the
    decoded dicts, without a record, a merge entry or an outcome for each
    (tests/unit/importers/test_streamed_rows.py holds them to the careful path's rows)."""
    # Any of _NEEDS_RECORD, even null: one set operation over the incident's few keys
    # rather than a lookup of each.
    if type(raw) is not dict or not _NEEDS_RECORD.isdisjoint(raw) or reader.offset:
        raise Unusual
    get = raw.get
    external_id = get("id")
    if type(external_id) is not str or not (external_id := external_id.strip()):
        raise Unusual
    created_text = get("created_at")
    # utc_if_plain, inline: this runs a million times.
    if type(created_text) is not str or created_text[-1:] != "Z":
        raise Unusual
    try:
        created_at = _from_iso(created_text)
    except ValueError:
        raise Unusual from None
    if created_at.tzinfo is not UTC:
        raise Unusual
    # plain_text, inline.
    title = get("title")
    if title is not None:
        if type(title) is not str:
            raise Unusual
        title = title.strip() or None
    status_text = get("status")
    if len(raw) == 4 and title is not None and status_text is not None:
        # id, created_at, title and status, and nothing else: no other field to read.
        description = url = severity_raw = severity = None
    else:
        description = plain_text(get("description"))
        title = title or description
        if title is None:
            title = plain_text(get("summary"))
            if title is None:
                raise Unusual
        url = plain_text(get("html_url"))
        severity_raw, severity = _priority(reader, get("priority"))
        acknowledgements = get("acknowledgements")
        if acknowledgements is not None and not (
            type(acknowledgements) is list and not acknowledgements
        ):
            raise Unusual
        assignments = get("assignments")
        if assignments is not None and not (type(assignments) is list and not assignments):
            raise Unusual
        last_change = get("last_status_change_at")
        if (
            last_change is not None
            and _optional_time(last_change) is not None
            and status_text is not None
            and _status(status_text) is IncidentStatus.RESOLVED
        ):
            raise Unusual  # resolved when its status last changed: a resolve event
    status = IncidentStatus.TRIGGERED if status_text is None else _status(status_text)
    # stored_time's test and text, inline.
    started = (
        f"{created_text[:10]} {created_text[11:19]}.000000"
        if len(created_text) == 20
        and created_text[4] == "-"
        and created_text[7] == "-"
        and created_text[10] in "Tt "
        and created_text[13] == ":"
        and created_text[16] == ":"
        else db_time(created_at)
    )
    return (
        SOURCE,
        external_id,
        title,
        description if description and description != title else None,  # summary
        url,
        _SEVERITY_TEXT[severity],
        severity_raw,
        _STATUS_TEXT[status],
        started,  # started_at, and detected_at; no other time, service or flag
    )


def _status(text: object) -> IncidentStatus:
    """The status as the API writes it, then as the careful reader reads it; Unusual
    for anything else."""
    if type(text) is not str:
        raise Unusual
    found = STATUSES.get(text) or STATUSES.get(text.strip().casefold())
    if found is None:
        raise Unusual
    return found


# Keys that give an incident an alias (its number), a service row, an event (its first
# trigger, its resolution) or a rule of v1's naming: the record path reads those.
_NEEDS_RECORD = frozenset(
    (
        "incident_number",
        "service",
        "first_trigger_log_entry",
        "resolved_at",
        "created_on",
        "last_status_change_on",
    )
)
_from_iso = datetime.fromisoformat

# Enum members' texts by member, as the rows store them.
_STATUS_TEXT = {status: status.value for status in IncidentStatus}
_SEVERITY_TEXT: dict[Severity | None, str | None] = {None: None}
_SEVERITY_TEXT.update((severity, severity.value) for severity in Severity)


def plain_incident(reader: Reader, raw: object, location: str) -> IncidentRecord:
    """`incidents.incident` for an incident with nothing to report; Unusual otherwise.
    The only side effects before giving up are the caches of people and severities.

    This runs once per incident of a page of a million: absent fields are told by one
    `is None` rather than a call each, and the record is built positionally."""
    if type(raw) is not dict:
        raise Unusual
    get = raw.get
    number = get("incident_number")
    if number is not None and type(number) is not int:
        raise Unusual  # text numbers, booleans and the rest: the careful reader decides
    external_id = get("id")
    if type(external_id) is not str or not (external_id := external_id.strip()):
        raise Unusual  # a blank id may fall back to the number, which needs the whole file
    created_text = get("created_at")
    created_at = utc_if_plain(created_text)
    if created_at is None or "created_on" in raw or "last_status_change_on" in raw:
        raise Unusual  # v1's names: which one wins is the careful reader's rule
    description = get("description")
    if description is not None:
        description = plain_text(description)
    title = get("title")
    if title is not None:
        title = plain_text(title)
    title = title or description
    if title is None:
        title = plain_text(get("summary"))
        if title is None:
            raise Unusual
    url = get("html_url")
    if url is not None:
        url = plain_text(url)

    service = get("service")
    service_name = service_key = None
    if service is not None:
        if type(service) is not dict:
            raise Unusual
        service_name = plain_text(service.get("summary"))
        service_key = plain_text(service.get("id"))

    severity_raw, severity = _priority(reader, get("priority"))

    last_change = get("last_status_change_at")
    if last_change is not None:
        last_change = _optional_time(last_change)
    explicit_resolved = get("resolved_at")
    if explicit_resolved is not None:
        explicit_resolved = _optional_time(explicit_resolved)
    # People and keys of their own: only null and [] are none.
    acknowledgements = get("acknowledgements")
    if acknowledgements is not None and not (
        type(acknowledgements) is list and not acknowledgements
    ):
        raise Unusual
    assignments = get("assignments")
    if assignments is not None and not (type(assignments) is list and not assignments):
        raise Unusual

    events: list[EventRecord] = []
    trigger = get("first_trigger_log_entry")
    if trigger is not None:
        if type(trigger) is not dict:
            raise Unusual
        trigger_id = trigger.get("id")
        if type(trigger_id) is not str or not (trigger_id := trigger_id.strip()):
            raise Unusual  # the careful reader keys it FIRST_TRIGGER_KEY, with a warning
        events.append(
            EventRecord(
                created_at,
                EventKind.ALERT,
                SOURCE,
                trigger_id,
                plain_text(trigger.get("summary")) or "Triggered",
            )
        )

    status_text = get("status")
    if status_text is None:
        status = IncidentStatus.TRIGGERED if explicit_resolved is None else IncidentStatus.RESOLVED
    else:
        if type(status_text) is not str:
            raise Unusual
        # As the API writes it, then as the careful reader reads it.
        found = STATUSES.get(status_text) or STATUSES.get(status_text.strip().casefold())
        if found is None:
            raise Unusual
        status = found
    resolved_at = explicit_resolved
    if resolved_at is None and status is IncidentStatus.RESOLVED:
        resolved_at = last_change
    if resolved_at is not None:
        closer = get("last_status_change_by")
        if closer is not None and type(closer) is not dict:
            raise Unusual
        name = None if closer is None else plain_text(closer.get("summary"))
        events.append(
            EventRecord(
                resolved_at,
                EventKind.RESOLVE,
                SOURCE,
                RESOLVED_KEY,
                RESOLVED.worded(name),
                plain_person(reader, closer),
            )
        )

    offset = reader.offset
    stored_start = None
    if offset:
        # The careful reader subtracts the clock offset from every time it reads.
        created_at -= offset
        resolved_at = None if resolved_at is None else resolved_at - offset
        for event in events:
            event.occurred_at -= offset
    else:
        stored_start = stored_time(created_text)

    if number is None:
        aliases: tuple[str, ...] = (
            (external_id,) if url is None or url == external_id else (url, external_id)
        )
    else:
        names = [f"#{number}", str(number)]
        if url is not None:
            names.append(url)
        names.append(external_id)
        aliases = tuple(dict.fromkeys(names))

    # Positionally, in IncidentRecord's order (keywords cost a third of the record).
    return IncidentRecord(
        SOURCE,
        external_id,
        title,
        location,
        description if description and description != title else None,  # summary
        url,
        service_name,
        severity,
        severity_raw,
        status,
        created_at,  # started_at
        created_at,  # detected_at
        None,  # acknowledged_at
        None,  # mitigated_at
        resolved_at,
        None,  # verified_at
        events or (),
        (),  # references
        aliases,
        service_key,
        False,  # partial
        None,  # ticket
        stored_start,
    )


def _optional_time(value: object) -> Any:
    """Reader.optional_time of a value that needs no problem (before the clock offset)."""
    if value == "":
        return None
    parsed = utc_if_plain(value)
    if parsed is None:
        raise Unusual
    return parsed


def _priority(reader: Reader, priority: object) -> tuple[str | None, Severity | None]:
    """The priority's text as exported and the severity it maps to; none without one."""
    if priority is None:
        return None, None
    if type(priority) is not dict:
        raise Unusual
    severity_raw = plain_text(priority.get("summary")) or plain_text(priority.get("name"))
    return severity_raw, _severity(reader, severity_raw)


def _severity(reader: Reader, raw: str | None) -> Severity | None:
    """ImportOptions.severity, asked once per distinct priority of the file."""
    if raw is None:
        return None
    known = reader.severities
    if raw not in known:
        known[raw] = reader.options.severity(SOURCE, raw)
    return known[raw]
