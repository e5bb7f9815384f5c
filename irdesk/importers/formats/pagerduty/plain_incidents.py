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

from typing import Any

from irdesk.domain.enums import EventKind, IncidentStatus, Severity
from irdesk.importers.formats.pagerduty.incidents import STATUSES, incident
from irdesk.importers.formats.pagerduty.log_entries import Unusual, plain_person, plain_text
from irdesk.importers.formats.pagerduty.reader import SOURCE, Reader
from irdesk.importers.formats.pagerduty.rules import RESOLVED, RESOLVED_KEY
from irdesk.importers.reading.timestamps import stored_time, utc_if_plain
from irdesk.importers.records import EventRecord, IncidentRecord

# A time absent, as optional_time reads it: null or "" (or no key at all).
_ABSENT = (None, "")


def read_incident(reader: Reader, value: object, location: str) -> IncidentRecord:
    """The incident the fast way, or the careful way when the fast way gives up."""
    try:
        return plain_incident(reader, value, location)
    except Unusual:
        return incident(reader, value, location)


def plain_incident(reader: Reader, raw: object, location: str) -> IncidentRecord:
    """`incidents.incident` for an incident with nothing to report; Unusual otherwise.
    The only side effects before giving up are the caches of people and severities."""
    if not isinstance(raw, dict):
        raise Unusual
    get = raw.get
    number = get("incident_number")
    if not (number is None or (type(number) is int)):
        raise Unusual  # text numbers, booleans and the rest: the careful reader decides
    external_id = get("id")
    if not isinstance(external_id, str) or not (external_id := external_id.strip()):
        raise Unusual  # a blank id may fall back to the number, which needs the whole file
    description = plain_text(get("description"))
    title = plain_text(get("title")) or description or plain_text(get("summary"))
    if title is None:
        raise Unusual
    url = plain_text(get("html_url"))

    service = get("service")
    service_name = service_key = None
    if service is not None:
        if not isinstance(service, dict):
            raise Unusual
        service_name = plain_text(service.get("summary"))
        service_key = plain_text(service.get("id"))

    priority = get("priority")
    severity_raw = None
    if priority is not None:
        if not isinstance(priority, dict):
            raise Unusual
        severity_raw = plain_text(priority.get("summary")) or plain_text(priority.get("name"))

    if "created_on" in raw or "last_status_change_on" in raw:
        raise Unusual  # v1's names: which one wins is the careful reader's rule
    created_text = get("created_at")
    created_at = utc_if_plain(created_text)
    if created_at is None:
        raise Unusual
    last_change = _optional_time(get("last_status_change_at"))
    explicit_resolved = _optional_time(get("resolved_at"))
    for key in ("acknowledgements", "assignments"):
        listed = get(key)
        if not (listed is None or (type(listed) is list and not listed)):
            raise Unusual  # people and keys of their own; only null and [] are none

    events: list[EventRecord] = []
    trigger = get("first_trigger_log_entry")
    if trigger is not None:
        if not isinstance(trigger, dict):
            raise Unusual
        trigger_id = trigger.get("id")
        if not isinstance(trigger_id, str) or not (trigger_id := trigger_id.strip()):
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
        if not isinstance(status_text, str):
            raise Unusual
        status = STATUSES.get(status_text.strip().casefold())  # type: ignore[assignment]
        if status is None:
            raise Unusual
    resolved_at = explicit_resolved
    if resolved_at is None and status is IncidentStatus.RESOLVED:
        resolved_at = last_change
    if resolved_at is not None:
        closer = get("last_status_change_by")
        if not (closer is None or isinstance(closer, dict)):
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

    names = [] if number is None else [f"#{number}", str(number)]
    if url is not None:
        names.append(url)
    names.append(external_id)

    return IncidentRecord(
        source=SOURCE,
        external_id=external_id,
        title=title,
        location=location,
        summary=description if description and description != title else None,
        url=url,
        service=service_name,
        service_key=service_key,
        severity=_severity(reader, severity_raw),
        severity_raw=severity_raw,
        status=status,
        started_at=created_at,
        detected_at=created_at,
        resolved_at=resolved_at,
        events=events or (),
        aliases=tuple(dict.fromkeys(names)),
        stored_start=stored_start,
    )


def _optional_time(value: object) -> Any:
    """Reader.optional_time of a value that needs no problem (before the clock offset)."""
    if value in _ABSENT:
        return None
    parsed = utc_if_plain(value)
    if parsed is None:
        raise Unusual
    return parsed


def _severity(reader: Reader, raw: str | None) -> Severity | None:
    """ImportOptions.severity, asked once per distinct priority of the file."""
    if raw is None:
        return None
    known = reader.severities
    if raw not in known:
        known[raw] = reader.options.severity(SOURCE, raw)
    return known[raw]
