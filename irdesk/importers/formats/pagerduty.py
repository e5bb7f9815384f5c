"""PagerDuty REST API v2: incidents and their log entries.

Accepted files
--------------
- An incidents page, ``{"incidents": [...], "limit", "offset", "more", "total"}`` as
  ``GET /incidents`` returns it (``total`` may be null), a bare JSON list of incidents, or
  one incident ``{"incident": {...}}`` as ``GET /incidents/{id}`` returns it.
- A log-entries page, ``{"log_entries": [...], "limit", "offset", "more", "total"}`` as
  ``GET /log_entries`` or ``GET /incidents/{id}/log_entries`` returns it, or a bare list of
  log entries. Each entry names its incident (``incident.id``); the entries come back as one
  EventBatch per incident, in time order.
- Airbyte's PagerDuty connector output: JSON Lines of ``{"stream", "data", "emitted_at"}``.
  Streams ``incidents`` and ``incident_logs`` (also ``log_entries``) are read; any other
  stream (users, services, teams, …) is skipped with a warning.

Lifecycle rules (where each irdesk timestamp comes from)
--------------------------------------------------------
- started_at: the incident's ``created_at``. PagerDuty knows nothing earlier than its own
  trigger; when impact began before the alert, the facilitator corrects started_at.
- detected_at: ``created_at`` too: the trigger is the detection.
- acknowledged_at: the earliest ``acknowledgements[].at``. PagerDuty empties that list
  once an incident resolves, so resolved incidents in an incidents page usually have
  none; the ACKNOWLEDGE events from the incident's log entries are then what it can be
  derived from.
- mitigated_at: never set; PagerDuty has no mitigated state.
- resolved_at: ``resolved_at`` (API responses since 2023). Without that field (or with it
  null) and ``status`` resolved: ``last_status_change_at`` (v1: ``last_status_change_on``),
  because a resolved PagerDuty incident cannot change status again, so its last status
  change is its resolution.
- verified_at: never set.

Timeline events
---------------
From an incident alone: ALERT at ``created_at`` for ``first_trigger_log_entry`` (keyed by
that log entry's id, text its summary); one ACKNOWLEDGE per ``acknowledgements[]`` entry
(keyed ``ack:<acknowledger id>:<at>``); RESOLVE at resolved_at when resolved (keyed
``resolved``, actor ``last_status_change_by``).

From log entries: keyed by the log entry id, except acknowledge and resolve entries,
which take the keys above so that an incident and its log entries imported in any order
give one event per moment, not two. Kinds: trigger → ALERT, notify → PAGE (actor: the
person notified), acknowledge → ACKNOWLEDGE, escalate / assign / delegate /
repeat_escalation_path / exhaust_escalation_path / responder_request → ESCALATE,
annotate → NOTE (text: the note), resolve → RESOLVE, status_update → COMMUNICATION,
unacknowledge / snooze / unsnooze / reach_ack_limit / urgency_change / priority_change /
merge → STATUS_CHANGE, anything else → NOTE (with a warning naming the type). The actor
is ``agent`` when it is a user; services and integrations are no person.
"""

import operator
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from irdesk.domain.enums import EventKind, IncidentStatus
from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.located import JsonReader
from irdesk.importers.reading.timestamps import (
    optional_timestamp,
    stored_time,
    utc_if_plain,
)
from irdesk.importers.records import (
    EventBatch,
    EventRecord,
    IncidentRecord,
    ParsedFile,
    PersonRef,
)

SOURCE = "pagerduty"

INCIDENT_STREAMS = frozenset({"incidents"})
LOG_ENTRY_STREAMS = frozenset({"incident_logs", "log_entries"})

STATUSES = {
    "triggered": IncidentStatus.TRIGGERED,
    "acknowledged": IncidentStatus.ACKNOWLEDGED,
    "resolved": IncidentStatus.RESOLVED,
}

# Log entry type (without the "_log_entry" suffix) → event kind.
LOG_ENTRY_KINDS: dict[str, EventKind] = {
    "trigger": EventKind.ALERT,
    "notify": EventKind.PAGE,
    "acknowledge": EventKind.ACKNOWLEDGE,
    "escalate": EventKind.ESCALATE,
    "assign": EventKind.ESCALATE,
    "delegate": EventKind.ESCALATE,
    "repeat_escalation_path": EventKind.ESCALATE,
    "exhaust_escalation_path": EventKind.ESCALATE,
    "responder_request": EventKind.ESCALATE,
    "annotate": EventKind.NOTE,
    "resolve": EventKind.RESOLVE,
    "status_update": EventKind.COMMUNICATION,
    "unacknowledge": EventKind.STATUS_CHANGE,
    "reach_ack_limit": EventKind.STATUS_CHANGE,
    "snooze": EventKind.STATUS_CHANGE,
    "unsnooze": EventKind.STATUS_CHANGE,
    "urgency_change": EventKind.STATUS_CHANGE,
    "priority_change": EventKind.STATUS_CHANGE,
    "merge": EventKind.STATUS_CHANGE,
    "reach_trigger_limit": EventKind.NOTE,
    "link": EventKind.NOTE,
}

# The full types of the log entries above, as the API writes them, for the fast path.
_KINDS_BY_TYPE: dict[str, EventKind] = {
    f"{short}_log_entry": kind for short, kind in LOG_ENTRY_KINDS.items()
}

# Reference types that name a person; everything else (services, integrations,
# escalation policies) acted automatically and is nobody to give feedback to.
PERSON_TYPES = frozenset({"user_reference", "user"})

# The key of the RESOLVE event: a PagerDuty incident resolves once and cannot reopen.
RESOLVED_KEY = "resolved"


# --- JSON reading with located problems ------------------------------------------------


def _key_path(location: str, key: str) -> str:
    """`incidents[3]` + `service` → `incidents[3].service`; `line 4` + `x` → `line 4, x`."""
    if not location:
        return key
    if location.startswith("line ") and "," not in location:
        return f"{location}, {key}"
    return f"{location}.{key}"


class _Reader(JsonReader):
    """JsonReader with PagerDuty's ids, references and people, read once each."""

    source = SOURCE

    def __init__(self, file: str, options: ImportOptions) -> None:
        super().__init__(file, options)
        self.offset: timedelta = options.offset(SOURCE)
        self.unknown_log_types: dict[str, int] = {}
        # One PersonRef per person: a page names the same few people thousands of times.
        self.people: dict[tuple[str | None, str | None], PersonRef] = {}
        self.agents: dict[tuple[object, ...], PersonRef | None] = {}

    def array(self, value: object, location: str, field: str | None, what: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.problem(location, what, field=field, found=value)
        return value

    def ident(self, raw: dict[str, Any], key: str, location: str, example: str) -> str:
        """A non-empty id: records are keyed by it, so an empty one would merge strangers."""
        if key not in raw or raw[key] is None:
            raise self.problem(
                location, f"a PagerDuty id such as {example!r}; it is missing", field=key
            )
        value = raw[key]
        if not isinstance(value, str) or not value.strip():
            raise self.problem(
                location, f"a non-empty PagerDuty id such as {example!r}", field=key, found=value
            )
        return value.strip()

    def child(self, raw: dict[str, Any], key: str, location: str) -> dict[str, Any] | None:
        """An optional nested object (a reference such as `service`); null is absent."""
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.problem(location, "an object", field=key, found=value)
        return value

    def items(self, raw: dict[str, Any], key: str, location: str) -> list[Any]:
        """An optional list; null is empty."""
        value = raw.get(key)
        if value is None:
            return []
        return self.array(value, location, key, "a list")

    def optional_time(self, raw: dict[str, Any], key: str, location: str) -> datetime | None:
        return optional_timestamp(
            raw.get(key),
            file=self.file,
            location=location,
            field=key,
            zone=self.options.zone,
            offset=self.options.offset(SOURCE),
        )

    def person(self, ref: dict[str, Any] | None, location: str) -> PersonRef | None:
        """A user reference as a person; services and integrations are no one."""
        if ref is None:
            return None
        kind = self.text(ref, "type", location)
        if kind is not None and kind not in PERSON_TYPES:
            return None
        # A reference carries `summary`; an included full user object carries `name`.
        name = self.text(ref, "summary", location) or self.text(ref, "name", location)
        email = self.text(ref, "email", location)
        if name is None and email is None:
            return None
        return self.person_named(name, email)

    def person_named(self, name: str | None, email: str | None) -> PersonRef:
        person = self.people.get((name, email))
        if person is None:
            person = self.people[(name, email)] = PersonRef(name=name, email=email)
        return person


def _ref_name(reader: _Reader, ref: dict[str, Any] | None, location: str) -> str | None:
    return None if ref is None else reader.text(ref, "summary", location)


def _acknowledged_text(name: str | None) -> str:
    # The same words from an incident's acknowledgements and from its log entry, so the
    # event they share does not flip between two texts on each import.
    return f"Acknowledged by {name}" if name else "Acknowledged"


def _resolved_text(name: str | None) -> str:
    return f"Resolved by {name}" if name else "Resolved"


def _ack_key(agent_id: str | None, at: str) -> str:
    return f"ack:{agent_id or ''}:{at}"


# --- incidents ----------------------------------------------------------------------------


def _incident_number(reader: _Reader, raw: dict[str, Any], location: str) -> int | None:
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


def _status(reader: _Reader, raw: dict[str, Any], location: str) -> IncidentStatus | None:
    value = raw.get("status")
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().casefold() not in STATUSES:
        raise reader.problem(
            location, "one of triggered, acknowledged, resolved", field="status", found=value
        )
    return STATUSES[value.strip().casefold()]


def _incident(reader: _Reader, value: object, location: str) -> IncidentRecord:
    raw = reader.mapping(value, location, "a PagerDuty incident object")
    external_id = reader.ident(raw, "id", location, "PH4UE4E")
    title = (
        reader.text(raw, "title", location)
        or reader.text(raw, "description", location)
        or reader.text(raw, "summary", location)
    )
    if title is None:
        raise reader.problem(location, "an incident title", field="title", found=raw.get("title"))
    description = reader.text(raw, "description", location)
    url = reader.text(raw, "html_url", location)
    number = _incident_number(reader, raw, location)

    service = reader.child(raw, "service", location)
    service_name = _ref_name(reader, service, _key_path(location, "service"))

    priority = reader.child(raw, "priority", location)
    severity_raw = None
    if priority is not None:
        where = _key_path(location, "priority")
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
        where = _key_path(location, "first_trigger_log_entry")
        events.append(
            EventRecord(
                occurred_at=created_at,
                kind=EventKind.ALERT,
                source=SOURCE,
                external_id=reader.ident(trigger, "id", where, "R2XQ6NVNQ6QKN5"),
                text=reader.text(trigger, "summary", where) or "Triggered",
            )
        )

    acknowledged_at: datetime | None = None
    ack_location = _key_path(location, "acknowledgements")
    for index, item in enumerate(reader.items(raw, "acknowledgements", location)):
        where = f"{ack_location}[{index}]"
        ack = reader.mapping(item, where, "an acknowledgement object {at, acknowledger}")
        at = reader.time(ack, "at", where)
        acknowledger = reader.child(ack, "acknowledger", where)
        who = _key_path(where, "acknowledger")
        agent_id = None if acknowledger is None else reader.text(acknowledger, "id", who)
        events.append(
            EventRecord(
                occurred_at=at,
                kind=EventKind.ACKNOWLEDGE,
                source=SOURCE,
                external_id=_ack_key(agent_id, str(ack["at"]).strip()),
                text=_acknowledged_text(_ref_name(reader, acknowledger, who)),
                actor=reader.person(acknowledger, who),
            )
        )
        if acknowledged_at is None or at < acknowledged_at:
            acknowledged_at = at

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
        who = _key_path(location, "last_status_change_by")
        events.append(
            EventRecord(
                occurred_at=resolved_at,
                kind=EventKind.RESOLVE,
                source=SOURCE,
                external_id=RESOLVED_KEY,
                text=_resolved_text(_ref_name(reader, closer, who)),
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
        severity=reader.options.severity(SOURCE, severity_raw),
        severity_raw=severity_raw,
        status=status,
        started_at=created_at,
        detected_at=created_at,
        acknowledged_at=acknowledged_at,
        resolved_at=resolved_at,
        events=events,
        aliases=list(dict.fromkeys(aliases)),
    )


# --- log entries --------------------------------------------------------------------------


def _log_kind(reader: _Reader, entry_type: str) -> EventKind:
    short = entry_type.removesuffix("_reference").removesuffix("_log_entry")
    kind = LOG_ENTRY_KINDS.get(short)
    if kind is None:
        reader.unknown_log_types[entry_type] = reader.unknown_log_types.get(entry_type, 0) + 1
        return EventKind.NOTE
    return kind


class _Entry(NamedTuple):
    """What every log entry has, read and checked; the rest depends on its kind."""

    raw: dict[str, Any]
    entry_id: str
    entry_type: str
    kind: EventKind
    incident_id: str
    occurred_at: datetime
    stored_at: str | None  # occurred_at as the database stores it, when that was cheap to know
    agent: dict[str, Any] | None
    channel: dict[str, Any] | None
    summary: str | None
    channel_summary: str | None
    actor: PersonRef | None


def _checked_entry(reader: _Reader, value: object, location: str) -> _Entry:
    """Any log entry, every wrong value a located ImportProblem."""
    raw = reader.mapping(value, location, "a PagerDuty log entry object")
    entry_id = reader.ident(raw, "id", location, "R2XQ6NVNQ6QKN5")
    entry_type = reader.text(raw, "type", location)
    if entry_type is None:
        raise reader.problem(location, "a log entry type such as 'trigger_log_entry'", field="type")
    incident = reader.child(raw, "incident", location)
    if incident is None:
        raise reader.problem(
            location, "the incident this entry belongs to ({id: …})", field="incident"
        )
    incident_id = reader.ident(incident, "id", _key_path(location, "incident"), "PH4UE4E")
    occurred_at = reader.time(raw, "created_at", location)
    kind = _log_kind(reader, entry_type)
    agent = reader.child(raw, "agent", location)
    channel = reader.child(raw, "channel", location)
    summary = reader.text(raw, "summary", location)
    channel_summary = (
        None if channel is None else reader.text(channel, "summary", _key_path(location, "channel"))
    )
    actor = reader.person(agent, _key_path(location, "agent"))
    return _Entry(
        raw,
        entry_id,
        entry_type,
        kind,
        incident_id,
        occurred_at,
        None,
        agent,
        channel,
        summary,
        channel_summary,
        actor,
    )


_UNREAD = object()


class _Unusual(Exception):
    """Raised by the plain readers below at anything _checked_entry must look at."""


def _plain_text(value: object) -> str | None:
    """_Reader.text of a value that needs no problem: text stripped, null or blank None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Unusual
    return value.strip() or None


def _plain_person(reader: _Reader, ref: dict[str, Any] | None) -> PersonRef | None:
    """_Reader.person of a reference that needs no problem."""
    if ref is None:
        return None
    # A page names the same few agents on every entry: each distinct one is read once.
    try:
        key = (ref.get("type"), ref.get("summary"), ref.get("name"), ref.get("email"))
        person = reader.agents.get(key, _UNREAD)
    except TypeError:  # a list or object where text belongs
        raise _Unusual from None
    if person is _UNREAD:
        person = reader.agents[key] = _read_person(reader, ref)
    return person


def _read_person(reader: _Reader, ref: dict[str, Any]) -> PersonRef | None:
    kind = _plain_text(ref.get("type"))
    if kind is not None and kind not in PERSON_TYPES:
        return None
    name = _plain_text(ref.get("summary")) or _plain_text(ref.get("name"))
    email = _plain_text(ref.get("email"))
    if name is None and email is None:
        return None
    return reader.person_named(name, email)


def _plain_event(reader: _Reader, value: object) -> tuple[str, EventRecord]:
    """(incident id, event) as _checked_entry and _event make them, for an entry with
    nothing to report, without building locations or the intermediate _Entry.

    Nearly every entry of a real export is like that, and with 200,000 of them each
    object and call per entry shows. Raises _Unusual at anything else (a wrong type, an
    unknown entry type, a time that is not plain UTC), so that the caller reads that
    entry again the slow way and reports it; the only side effect before that is the
    cache of people read.
    """
    if not isinstance(value, dict):
        raise _Unusual
    # The checks of _checked_entry and the readers, inlined: this runs once per entry.
    entry_type = value.get("type")
    kind = _KINDS_BY_TYPE.get(entry_type) if isinstance(entry_type, str) else None
    incident = value.get("incident")
    created_at = value.get("created_at")
    occurred_at = utc_if_plain(created_at)
    if kind is None or occurred_at is None or not isinstance(incident, dict):
        raise _Unusual
    agent = value.get("agent")
    channel = value.get("channel")
    external_id = value.get("id")
    incident_id = incident.get("id")
    summary = value.get("summary")
    if channel is None:
        channel_summary = None
    elif isinstance(channel, dict):
        channel_summary = channel.get("summary")
    else:
        raise _Unusual
    if (
        not (agent is None or isinstance(agent, dict))
        or not isinstance(external_id, str)
        or not (external_id := external_id.strip())
        or not isinstance(incident_id, str)
        or not (incident_id := incident_id.strip())
        or not (summary is None or isinstance(summary, str))
        or not (channel_summary is None or isinstance(channel_summary, str))
    ):
        raise _Unusual
    summary = (summary.strip() or None) if summary else None
    actor = _plain_person(reader, agent)
    # What _event does per kind.
    if kind is EventKind.NOTE and entry_type.startswith("annotate"):
        # The note itself is in the channel; `summary` only says "Note added by …".
        note = (channel_summary.strip() or None) if channel_summary else None
        if note is None and channel is not None:
            note = _plain_text(channel.get("notes")) or _plain_text(channel.get("content"))
        text = note or summary or "Note added"
    elif kind is EventKind.ACKNOWLEDGE:
        agent_id = None if agent is None else _plain_text(agent.get("id"))
        external_id = _ack_key(agent_id, created_at.strip())
        text = _acknowledged_text(None if agent is None else _plain_text(agent.get("summary")))
    elif kind is EventKind.RESOLVE:
        external_id = RESOLVED_KEY
        text = _resolved_text(None if agent is None else _plain_text(agent.get("summary")))
    elif kind is EventKind.PAGE:
        # The person paged is what on-call load counts; the agent is the escalation policy.
        paged = value.get("user")
        if paged is not None:
            if not isinstance(paged, dict):
                raise _Unusual
            actor = _plain_person(reader, paged) or actor
        text = summary or _plain_text(channel_summary) or "Notified"
    elif kind is EventKind.COMMUNICATION:
        text = (
            _plain_text(value.get("message"))
            or summary
            or _plain_text(channel_summary)
            or "Status update"
        )
    else:
        text = (
            summary
            or _plain_text(channel_summary)
            or entry_type.removesuffix("_log_entry").replace("_", " ")
        )
    if reader.offset:
        occurred_at -= reader.offset
        stored_at = None
    else:
        stored_at = stored_time(created_at)
    return incident_id, EventRecord(
        occurred_at, kind, SOURCE, external_id, text, actor, False, stored_at
    )


def _event(reader: _Reader, entry: _Entry, where: "_Where") -> EventRecord:
    """The event for a read log entry: its key, text and actor depend on its kind.

    The entry's location is built only by the kinds that read more of it.
    """
    kind, agent, channel = entry.kind, entry.agent, entry.channel
    summary, channel_summary = entry.summary, entry.channel_summary
    external_id = entry.entry_id
    actor = entry.actor
    if kind is EventKind.NOTE and entry.entry_type.startswith("annotate"):
        # The note itself is in the channel; `summary` only says "Note added by …".
        note = channel_summary
        if note is None and channel is not None:
            channel_where = _key_path(where.text(), "channel")
            note = reader.text(channel, "notes", channel_where) or reader.text(
                channel, "content", channel_where
            )
        text = note or summary or "Note added"
    elif kind is EventKind.ACKNOWLEDGE:
        agent_where = _key_path(where.text(), "agent")
        agent_id = None if agent is None else reader.text(agent, "id", agent_where)
        external_id = _ack_key(agent_id, str(entry.raw["created_at"]).strip())
        text = _acknowledged_text(_ref_name(reader, agent, agent_where))
    elif kind is EventKind.RESOLVE:
        external_id = RESOLVED_KEY
        text = _resolved_text(_ref_name(reader, agent, _key_path(where.text(), "agent")))
    elif kind is EventKind.PAGE:
        # The person paged is what on-call load counts; the agent is the escalation policy.
        location = where.text()
        paged = reader.child(entry.raw, "user", location)
        if paged is not None:
            actor = reader.person(paged, _key_path(location, "user")) or actor
        text = summary or channel_summary or "Notified"
    elif kind is EventKind.COMMUNICATION:
        text = (
            reader.text(entry.raw, "message", where.text())
            or summary
            or channel_summary
            or "Status update"
        )
    else:
        text = (
            summary
            or channel_summary
            or entry.entry_type.removesuffix("_log_entry").replace("_", " ")
        )
    return EventRecord(
        entry.occurred_at, kind, SOURCE, external_id, text, actor, stored_at=entry.stored_at
    )


class _Where:
    """Where a log entry is, as text only when asked: most entries never need it."""

    __slots__ = ("key", "prefix")

    def __init__(self, prefix: str | None, key: int | str) -> None:
        self.prefix, self.key = prefix, key

    def text(self) -> str:
        return str(self.key) if self.prefix is None else f"{self.prefix}[{self.key}]"


def _batches(
    reader: _Reader, entries: Iterable[tuple[int | str, object]], prefix: str | None = None
) -> list[EventBatch]:
    """One batch per incident, in the order incidents first appear, events in time order.

    `entries` are (index, entry) under the JSON array `prefix`, or (location, entry)
    without one.
    """
    batches: dict[str, EventBatch] = {}
    where = _Where(prefix, 0)
    for key, value in entries:
        where.key = key
        try:
            incident_id, event = _plain_event(reader, value)
        except _Unusual:  # read it again, the slow way, to say what is wrong where
            entry = _checked_entry(reader, value, where.text())
            incident_id, event = entry.incident_id, _event(reader, entry, where)
        batch = batches.get(incident_id)
        if batch is None:
            batch = batches[incident_id] = EventBatch(
                source=SOURCE, incident_external_id=incident_id, location=where.text()
            )
        batch.events.append(event)
    for batch in batches.values():
        batch.events = oldest_first(batch.events)
    return list(batches.values())


_OCCURRED_AT = operator.attrgetter("occurred_at")


def oldest_first(events: list[EventRecord]) -> list[EventRecord]:
    """Events in time order, ties in the order they happened.

    The API lists newest first; entries of the same second (a trigger and its assignment)
    would keep that reversed order under a plain stable sort, so a newest-first list is
    turned around before sorting.
    """
    if len(events) > 1 and events[0].occurred_at > events[-1].occurred_at:
        events = events[::-1]
    return sorted(events, key=_OCCURRED_AT)


# --- file shapes ------------------------------------------------------------------------------


def _looks_like_incident(value: object) -> bool:
    return isinstance(value, dict) and (
        value.get("type") == "incident" or "incident_number" in value
    )


def _looks_like_log_entry(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("type"), str)
        and value["type"].endswith("_log_entry")
    )


def _is_airbyte_record(value: object) -> bool:
    return isinstance(value, dict) and "stream" in value and "data" in value


def _looks_like_page(data: dict[str, Any]) -> bool:
    """A PagerDuty page, not another tool's list: Statuspage also has `incidents`."""
    # Only PagerDuty's envelope has paging like this around the list; with it, even a
    # damaged page is recognised, so the user hears what is wrong rather than "unknown".
    envelope = "limit" in data and "more" in data
    for key, looks_like in (
        ("incidents", _looks_like_incident),
        ("log_entries", _looks_like_log_entry),
    ):
        if key in data:
            items = data[key]
            if isinstance(items, list) and items and looks_like(items[0]):
                return True
            return envelope
    return _looks_like_incident(data.get("incident"))


def _airbyte_lines_look_like_pagerduty(lines: list[tuple[int, Any]]) -> bool:
    # Airbyte connectors share the record shape (Opsgenie's also has an `incidents`
    # stream), so the data must look like PagerDuty's.
    for _number, record in lines[:50]:
        if not _is_airbyte_record(record):
            return False
        stream, data = record["stream"], record["data"]
        if stream in INCIDENT_STREAMS and _looks_like_incident(data):
            return True
        if stream in LOG_ENTRY_STREAMS and _looks_like_log_entry(data):
            return True
    return False


def sniff(content: Content) -> bool:
    first = content.first_char
    if not first or first not in "{[":
        return False
    try:
        data = content.json
    except ImportProblem:
        if first != "{":
            return False
        try:
            lines = content.json_lines
        except ImportProblem:
            return False
        return _airbyte_lines_look_like_pagerduty(lines)
    if isinstance(data, list):
        return bool(data) and (_looks_like_incident(data[0]) or _looks_like_log_entry(data[0]))
    if not isinstance(data, dict):
        return False
    if _is_airbyte_record(data):
        return _airbyte_lines_look_like_pagerduty([(1, data)])
    return _looks_like_page(data)


def _parse_airbyte(reader: _Reader, lines: list[tuple[int, Any]], parsed: ParsedFile) -> None:
    log_entries: list[tuple[int | str, object]] = []
    skipped: dict[str, int] = {}
    for number, record in lines:
        location = f"line {number}"
        if not _is_airbyte_record(record):
            raise reader.problem(
                location, "an Airbyte record {stream, data, emitted_at}", found=record
            )
        stream = record["stream"]
        if stream in INCIDENT_STREAMS:
            parsed.incidents.append(_incident(reader, record["data"], location))
        elif stream in LOG_ENTRY_STREAMS:
            log_entries.append((location, record["data"]))
        else:
            skipped[str(stream)] = skipped.get(str(stream), 0) + 1
    parsed.event_batches.extend(_batches(reader, log_entries))
    for stream, count in skipped.items():
        parsed.warnings.append(
            f"{parsed.name}: skipped {count} record(s) of stream {stream!r}; "
            "irdesk reads the incidents and incident_logs streams"
        )


def _parse_list(reader: _Reader, key: str, items: list[Any], parsed: ParsedFile) -> None:
    prefix = key or ""
    if key == "incidents" or (not key and items and _looks_like_incident(items[0])):
        parsed.incidents.extend(
            _incident(reader, item, f"{prefix}[{index}]") for index, item in enumerate(items)
        )
    else:
        parsed.event_batches.extend(_batches(reader, enumerate(items), prefix))


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    reader = _Reader(content.name, options)
    try:
        data = content.json
    except ImportProblem as problem:
        # Not one JSON document: Airbyte's JSON Lines, if every line is an object.
        try:
            lines = content.json_lines
        except ImportProblem:
            raise problem from None
        _parse_airbyte(reader, lines, parsed)
    else:
        if _is_airbyte_record(data):
            _parse_airbyte(reader, [(1, data)], parsed)
        elif isinstance(data, list):
            _parse_list(reader, "", data, parsed)
        elif isinstance(data, dict) and "incidents" in data:
            items = reader.array(data["incidents"], "", "incidents", "a list of incidents")
            _parse_list(reader, "incidents", items, parsed)
        elif isinstance(data, dict) and "log_entries" in data:
            items = reader.array(data["log_entries"], "", "log_entries", "a list of log entries")
            _parse_list(reader, "log_entries", items, parsed)
        elif isinstance(data, dict) and "incident" in data:
            parsed.incidents.append(_incident(reader, data["incident"], "incident"))
        else:
            raise reader.problem(
                "",
                "a PagerDuty page with 'incidents' or 'log_entries'",
                found=list(data)[:6] if isinstance(data, dict) else data,
            )
    for entry_type, count in reader.unknown_log_types.items():
        parsed.warnings.append(
            f"{parsed.name}: {count} log entr{'y' if count == 1 else 'ies'} of unknown type "
            f"{entry_type!r} imported as notes"
        )
    return parsed


FORMAT = SourceFormat(
    name="pagerduty",
    label="PagerDuty REST API v2 (incidents, log entries; Airbyte JSON Lines)",
    sniff=sniff,
    parse=parse,
)
