"""A PagerDuty incident as an IncidentRecord, with the events the incident itself records.

The lifecycle rules (where each irdesk timestamp comes from) are in the package's
docstring; the events an incident records share their keys and words with the log
entries of the same moments (rules.py), so that importing both gives one event each.
"""

import re
from datetime import datetime
from typing import Any

from irdesk.domain.enums import EventKind, IncidentStatus
from irdesk.importers.formats.pagerduty.reader import SOURCE, Reader, key_path, ref_name
from irdesk.importers.formats.pagerduty.rules import (
    ACKNOWLEDGED,
    RESOLVED,
    RESOLVED_KEY,
    ack_key,
    assignment_key,
)
from irdesk.importers.problems import ImportProblem
from irdesk.importers.records import EventRecord, IncidentRecord

# The alert event's key when the first trigger log entry's id was blanked.
FIRST_TRIGGER_KEY = "first-trigger"

STATUSES = {
    "triggered": IncidentStatus.TRIGGERED,
    "acknowledged": IncidentStatus.ACKNOWLEDGED,
    "resolved": IncidentStatus.RESOLVED,
}


def _incident_number(reader: Reader, raw: dict[str, Any], location: str) -> int | None:
    value = raw.get("incident_number")
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise reader.problem(
            location, "a whole incident number such as 12728", field="incident_number", found=value
        )
    return value


def _status(reader: Reader, raw: dict[str, Any], location: str) -> IncidentStatus | None:
    value = raw.get("status")
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().casefold() not in STATUSES:
        raise reader.problem(
            location, "one of triggered, acknowledged, resolved", field="status", found=value
        )
    return STATUSES[value.strip().casefold()]


def _key(reader: Reader, raw: dict[str, Any], location: str, number: int | None) -> str:
    """The incident's id; a blanked one falls back to its number, when no other incident
    of the file has that number (the number is an alias other tools already use)."""
    try:
        return reader.ident(raw, "id", location, "PH4UE4E")
    except ImportProblem as problem:
        if number is None or reader.recovery is None or reader.options.strict:
            raise
        if reader.incident_numbers[number] > 1:
            raise reader.problem(
                location,
                f"an id; without one, an incident number no other incident of the file has "
                f"(#{number} is on {reader.incident_numbers[number]} incidents)",
                field="id",
                found=raw.get("id"),
            ) from None
        reader.recovery.fallback(problem, f"keyed by its incident number {number}")
        return str(number)


def _trigger_key(reader: Reader, trigger: dict[str, Any], where: str) -> str:
    try:
        return reader.ident(trigger, "id", where, "R2XQ6NVNQ6QKN5")
    except ImportProblem as problem:
        if reader.recovery is None:
            raise
        # An incident has one first trigger: a key of its own keeps re-imports to one event.
        reader.recovery.fallback(problem, f"its alert event is keyed {FIRST_TRIGGER_KEY!r}")
        return FIRST_TRIGGER_KEY


def incident(reader: Reader, value: object, location: str) -> IncidentRecord:
    raw = reader.mapping(value, location, "a PagerDuty incident object")
    number = _incident_number(reader, raw, location)
    external_id = _key(reader, raw, location, number)
    title = (
        reader.text(raw, "title", location)
        or reader.text(raw, "description", location)
        or reader.text(raw, "summary", location)
    )
    if title is None:
        raise reader.problem(location, "an incident title", field="title", found=raw.get("title"))
    description = reader.text(raw, "description", location)
    url = reader.text(raw, "html_url", location)

    service = reader.child(raw, "service", location)
    service_name = service_key = None
    if service is not None:  # the places in messages made only when there is a service
        service_name = ref_name(reader, service, key_path(location, "service"))
        service_key = reader.text(service, "id", key_path(location, "service"))

    priority = reader.child(raw, "priority", location)
    severity_raw = None
    if priority is not None:
        where = key_path(location, "priority")
        severity_raw = reader.text(priority, "summary", where) or reader.text(
            priority, "name", where
        )

    # v1 called these *_on; the rest of the v1 shape is long gone, the names linger in exports.
    created_key = "created_at" if "created_at" in raw or "created_on" not in raw else "created_on"
    created_at = reader.time(raw, created_key, location)
    changed_key = (
        "last_status_change_on"
        if "last_status_change_at" not in raw and "last_status_change_on" in raw
        else "last_status_change_at"
    )
    last_change = reader.optional_time(raw, changed_key, location)
    explicit_resolved = reader.optional_time(raw, "resolved_at", location)

    events: list[EventRecord] = []
    trigger = reader.child(raw, "first_trigger_log_entry", location)
    if trigger is not None:
        where = key_path(location, "first_trigger_log_entry")
        events.append(
            EventRecord(
                occurred_at=created_at,
                kind=EventKind.ALERT,
                source=SOURCE,
                external_id=_trigger_key(reader, trigger, where),
                text=reader.text(trigger, "summary", where) or "Triggered",
            )
        )

    acknowledged_at: datetime | None = None
    for index, item in enumerate(reader.items(raw, "acknowledgements", location)):
        where = f"{key_path(location, 'acknowledgements')}[{index}]"
        ack = reader.mapping(item, where, "an acknowledgement object {at, acknowledger}")
        at = reader.time(ack, "at", where)
        acknowledger = reader.child(ack, "acknowledger", where)
        who = key_path(where, "acknowledger")
        agent_id = None if acknowledger is None else reader.text(acknowledger, "id", who)
        events.append(
            EventRecord(
                occurred_at=at,
                kind=EventKind.ACKNOWLEDGE,
                source=SOURCE,
                external_id=ack_key(agent_id, str(ack["at"]).strip()),
                text=ACKNOWLEDGED.worded(ref_name(reader, acknowledger, who)),
                actor=reader.person(acknowledger, who),
            )
        )
        if acknowledged_at is None or at < acknowledged_at:
            acknowledged_at = at

    # Who the incident is assigned to now: PagerDuty empties the list on resolution, so
    # the event keeps what an earlier export said.
    for index, item in enumerate(reader.items(raw, "assignments", location)):
        where = f"{key_path(location, 'assignments')}[{index}]"
        assignment = reader.mapping(item, where, "an assignment object {at, assignee}")
        assignee = reader.child(assignment, "assignee", where)
        who = key_path(where, "assignee")
        if assignee is None:
            continue
        assignee_id = reader.text(assignee, "id", who)
        events.append(
            EventRecord(
                occurred_at=reader.time(assignment, "at", where),
                kind=EventKind.STATUS_CHANGE,
                source=SOURCE,
                external_id=assignment_key(assignee_id, str(assignment["at"]).strip()),
                text=f"Assigned to {ref_name(reader, assignee, who) or 'someone'}",
                actor=reader.person(assignee, who),
            )
        )

    status = _status(reader, raw, location)
    if status is None:
        # No status at all (a trimmed export): say what the timestamps say.
        if explicit_resolved is not None:
            status = IncidentStatus.RESOLVED
        elif acknowledged_at is not None:
            status = IncidentStatus.ACKNOWLEDGED
        else:
            status = IncidentStatus.TRIGGERED
    resolved_at = explicit_resolved
    if resolved_at is None and status is IncidentStatus.RESOLVED:
        resolved_at = last_change
    if resolved_at is not None:
        closer = reader.child(raw, "last_status_change_by", location)
        who = key_path(location, "last_status_change_by")
        events.append(
            EventRecord(
                occurred_at=resolved_at,
                kind=EventKind.RESOLVE,
                source=SOURCE,
                external_id=RESOLVED_KEY,
                text=RESOLVED.worded(ref_name(reader, closer, who)),
                actor=reader.person(closer, who),
            )
        )

    aliases: list[str] = []
    if number is not None:
        aliases += [f"#{number}", str(number)]
    if url is not None:
        aliases.append(url)
    aliases.append(external_id)

    return IncidentRecord(
        source=SOURCE,
        external_id=external_id,
        title=title,
        location=location,
        summary=description if description and description != title else None,
        url=url,
        service=service_name,
        service_key=service_key,
        severity=reader.options.severity(SOURCE, severity_raw),
        severity_raw=severity_raw,
        status=status,
        started_at=created_at,
        detected_at=created_at,
        acknowledged_at=acknowledged_at,
        resolved_at=resolved_at,
        events=events or (),  # no list kept for an incident without events
        aliases=tuple(dict.fromkeys(aliases)),
    )


# A PagerDuty incident's summary: "[#12728] Test", its number and its title.
NUMBERED_SUMMARY = re.compile(r"\[#(\d+)\]\s*(.*)", re.DOTALL)


def from_reference(ref: object, incident_id: str, location: str) -> IncidentRecord | None:
    """The incident as a log entry's `incident` reference describes it (its summary and
    URL), marked partial; None when the reference has no summary to name it by. Only its
    title, number and URL are known: its times come from its events."""
    if not isinstance(ref, dict):
        return None
    summary, url = ref.get("summary"), ref.get("html_url")
    if not isinstance(summary, str) or not summary.strip():
        return None
    summary = summary.strip()
    url = url.strip() or None if isinstance(url, str) else None
    match = NUMBERED_SUMMARY.fullmatch(summary)
    title = (match.group(2).strip() if match else "") or summary
    aliases = [f"#{match.group(1)}", match.group(1)] if match else []
    return IncidentRecord(
        source=SOURCE,
        external_id=incident_id,
        title=title,
        location=location,
        url=url,
        aliases=[*aliases, *([url] if url else []), incident_id],
        partial=True,
    )
