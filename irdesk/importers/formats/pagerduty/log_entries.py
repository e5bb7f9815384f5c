"""PagerDuty log entries as events: one EventBatch per incident, in time order.

Each entry is read the fast way first (plain_event), which builds no locations and
gives up at anything unusual; such an entry is then read the careful way
(checked_entry and careful_event), which says what is wrong where. Both follow the
entry type's rule in rules.py, and give the same event for any entry the fast way reads
(tests/unit/importers/test_pagerduty_fast_path.py holds them together).
"""

import operator
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from irdesk.importers.formats.pagerduty.incidents import from_reference
from irdesk.importers.formats.pagerduty.reader import (
    PERSON_TYPES,
    SOURCE,
    Reader,
    key_path,
    parsed_record,
)
from irdesk.importers.formats.pagerduty.rules import (
    BY_ACKNOWLEDGEMENT,
    BY_RESOLUTION,
    ENTRY,
    HOLDER_NAMES,
    RESOLVED_KEY,
    RULES_BY_TYPE,
    THE_PERSON_PAGED,
    Rule,
    ack_key,
    rule_for,
    unknown_rule,
)
from irdesk.importers.reading.timestamps import stored_time, utc_if_plain
from irdesk.importers.records import EventBatch, EventRecord, PersonRef

# --- the careful way ------------------------------------------------------------------------


class Entry(NamedTuple):
    """What every log entry has, read and checked; the rest depends on its rule."""

    raw: dict[str, Any]
    entry_id: str
    entry_type: str
    rule: Rule
    incident_id: str
    occurred_at: datetime
    agent: dict[str, Any] | None
    channel: dict[str, Any] | None
    actor: PersonRef | None


def checked_entry(reader: Reader, value: object, location: str) -> Entry:
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
    incident_id = reader.ident(incident, "id", key_path(location, "incident"), "PH4UE4E")
    occurred_at = reader.time(raw, "created_at", location)
    rule = rule_for(entry_type)
    if rule is None:
        reader.unknown_log_types[entry_type] = reader.unknown_log_types.get(entry_type, 0) + 1
        rule = unknown_rule(entry_type)
    agent = reader.child(raw, "agent", location)
    channel = reader.child(raw, "channel", location)
    # Read for every entry, whatever its rule reads: a wrong value is wrong either way.
    reader.text(raw, "summary", location)
    if channel is not None:
        reader.text(channel, "summary", key_path(location, "channel"))
    actor = reader.person(agent, key_path(location, "agent"))
    return Entry(raw, entry_id, entry_type, rule, incident_id, occurred_at, agent, channel, actor)


def careful_event(reader: Reader, entry: Entry, location: str) -> EventRecord:
    """The event of a checked entry, by its rule."""
    rule, raw, agent = entry.rule, entry.raw, entry.agent
    actor = entry.actor
    if rule.actor == THE_PERSON_PAGED:
        paged = reader.child(raw, "user", location)
        if paged is not None:
            actor = reader.person(paged, key_path(location, "user")) or actor
    external_id = entry.entry_id
    if rule.key == BY_ACKNOWLEDGEMENT:
        agent_id = None if agent is None else reader.text(agent, "id", key_path(location, "agent"))
        external_id = ack_key(agent_id, str(raw["created_at"]).strip())
    elif rule.key == BY_RESOLUTION:
        external_id = RESOLVED_KEY
    holders = (raw, agent, entry.channel)
    found = None
    for holder, key in rule.text:
        source = holders[holder]
        if source is not None:
            where = location if holder == ENTRY else key_path(location, HOLDER_NAMES[holder])
            found = reader.text(source, key, where)
            if found is not None:
                break
    text = rule.worded(found, entry.entry_type)
    return EventRecord(entry.occurred_at, rule.kind, SOURCE, external_id, text, actor)


# --- the fast way ---------------------------------------------------------------------------

_UNREAD = object()


class Unusual(Exception):
    """Raised by the plain readers below at anything checked_entry must look at."""


def plain_text(value: object) -> str | None:
    """Reader.text of a value that needs no problem: text stripped, null or blank None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Unusual
    return value.strip() or None


def plain_person(reader: Reader, ref: dict[str, Any] | None) -> PersonRef | None:
    """Reader.person of a reference that needs no problem."""
    if ref is None:
        return None
    # A page names the same few agents on every entry: each distinct one is read once.
    try:
        key = (ref.get("type"), ref.get("summary"), ref.get("name"), ref.get("email"))
        person = reader.agents.get(key, _UNREAD)
    except TypeError:  # a list or object where text belongs
        raise Unusual from None
    if person is _UNREAD:
        person = reader.agents[key] = _read_person(reader, ref)
    return person


def _read_person(reader: Reader, ref: dict[str, Any]) -> PersonRef | None:
    kind = plain_text(ref.get("type"))
    if kind is not None and kind not in PERSON_TYPES:
        return None
    name = plain_text(ref.get("summary")) or plain_text(ref.get("name"))
    email = plain_text(ref.get("email"))
    if name is None and email is None:
        return None
    return reader.person_named(name, email)


def plain_event(reader: Reader, value: object) -> tuple[str, EventRecord]:
    """(incident id, event) as checked_entry and careful_event make them, for an entry
    with nothing to report, without building locations or the intermediate Entry.

    Nearly every entry of a real export is like that, and an export holds hundreds of
    thousands of them: each object and call per entry shows. Raises Unusual at anything
    else (a wrong type, an unknown entry type, a time that is not plain UTC), so that the
    caller reads that entry again the careful way and reports it; the only side effect
    before that is the cache of people read.
    """
    if not isinstance(value, dict):
        raise Unusual
    # The checks of checked_entry and the readers, inlined: this runs once per entry.
    entry_type = value.get("type")
    rule = RULES_BY_TYPE.get(entry_type) if isinstance(entry_type, str) else None
    incident = value.get("incident")
    created_at = value.get("created_at")
    occurred_at = utc_if_plain(created_at)
    if rule is None or occurred_at is None or not isinstance(incident, dict):
        raise Unusual
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
        raise Unusual
    if (
        not (agent is None or isinstance(agent, dict))
        or not isinstance(external_id, str)
        or not (external_id := external_id.strip())
        or not isinstance(incident_id, str)
        or not (incident_id := incident_id.strip())
        or not (summary is None or isinstance(summary, str))
        or not (channel_summary is None or isinstance(channel_summary, str))
    ):
        raise Unusual
    actor = plain_person(reader, agent)
    # The entry's rule, followed as careful_event follows it; its fields as locals.
    kind, texts, wording, _otherwise, key_rule, actor_rule = rule
    if actor_rule == THE_PERSON_PAGED:
        paged = value.get("user")
        if paged is not None:
            if not isinstance(paged, dict):
                raise Unusual
            actor = plain_person(reader, paged) or actor
    if key_rule == BY_ACKNOWLEDGEMENT:
        agent_id = None if agent is None else plain_text(agent.get("id"))
        external_id = ack_key(agent_id, created_at.strip())
    elif key_rule == BY_RESOLUTION:
        external_id = RESOLVED_KEY
    holders = (value, agent, channel)
    found = None
    for holder, key in texts:
        source = holders[holder]
        if source is not None:
            # plain_text, inlined.
            found = source.get(key)
            if found is not None:
                if not isinstance(found, str):
                    raise Unusual
                found = found.strip() or None
                if found is not None:
                    break
    # A text found and taken as it is, the common case, needs no call to rule.worded.
    text = found if found is not None and wording is None else rule.worded(found, entry_type)
    if reader.offset:
        occurred_at -= reader.offset
        stored_at = None
    else:
        stored_at = stored_time(created_at)
    return incident_id, EventRecord(
        occurred_at, kind, SOURCE, external_id, text, actor, False, stored_at
    )


# --- batches --------------------------------------------------------------------------------


class _Where:
    """Where a log entry is, as text only when asked: most entries never need it."""

    __slots__ = ("key", "prefix")

    def __init__(self, prefix: str | None, key: int | str) -> None:
        self.prefix, self.key = prefix, key

    def text(self) -> str:
        return str(self.key) if self.prefix is None else f"{self.prefix}[{self.key}]"


def batches(
    reader: Reader, entries: Iterable[tuple[int | str, object]], prefix: str | None = None
) -> list[EventBatch]:
    """One batch per incident, in the order incidents first appear, events in time order.

    `entries` are (index, entry) under the JSON array `prefix`, or (location, entry)
    without one.
    """
    found: dict[str, EventBatch] = {}
    references: dict[str, object] = {}  # the first entry's `incident` of each batch
    where = _Where(prefix, 0)
    for key, value in entries:
        where.key = key
        try:
            incident_id, event = plain_event(reader, value)
        except Unusual:  # read it again, the careful way, to say what is wrong where
            read = _careful(reader, value, where.text())
            if read is None:
                continue  # left out, and listed in the report
            incident_id, event = read
        batch = found.get(incident_id)
        if batch is None:
            batch = found[incident_id] = EventBatch(
                source=SOURCE, incident_external_id=incident_id, location=where.text()
            )
            references[incident_id] = value.get("incident") if isinstance(value, dict) else None
        batch.events.append(event)
    for incident_id, batch in found.items():
        batch.events = oldest_first(batch.events)
        batch.fallback = from_reference(references[incident_id], incident_id, batch.location)
    return list(found.values())


def _careful(reader: Reader, value: object, location: str) -> tuple[str, EventRecord] | None:
    """(incident id, event) of an entry the fast way gave up on; None when it was left out."""
    with parsed_record(reader):
        entry = checked_entry(reader, value, location)
        return entry.incident_id, careful_event(reader, entry, location)
    return None


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
