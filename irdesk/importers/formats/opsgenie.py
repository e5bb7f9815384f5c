"""Opsgenie REST API: alerts and alert logs (v2), incidents (v1).

Accepted files
--------------
- An incidents page, ``{"data": [incident, ...], "paging", "took", "requestId"}`` as
  ``GET /v1/incidents`` returns it, or one incident as ``GET /v1/incidents/{id}`` does.
  A record with ``impactStartDate`` or ``impactEndDate`` is an incident, whatever else it
  shares with an alert (``tinyId``, ``message``, ``priority``); see "Incidents" below.
- An alerts page, ``{"data": [alert, ...], "paging": {...}, "took", "requestId"}`` as
  ``GET /v2/alerts`` returns it, or one alert ``{"data": {alert}, "took", "requestId"}`` as
  ``GET /v2/alerts/{id}`` returns it. Each alert becomes one incident.
- An alert's logs, ``{"data": [{"createdAt", "log", "offset", "owner", "type"}, ...],
  "took", "requestId"}`` as ``GET /v2/alerts/{id}/logs`` returns it. The entries do not
  name their alert, so the alert id comes from a wrapper ``{"alertId": "...", "data":
  [...]}`` or else from the file name: ``<alertId>.json``, ``alert-<alertId>-logs.json``
  or ``<alertId>_logs.json`` (for example
  ``b7da6303-0da4-43e2-8e21-9e22faedc594-1637756080926.json``). A logs file named
  otherwise is refused with that explanation.

Lifecycle rules (where each irdesk timestamp comes from)
--------------------------------------------------------
- started_at: the alert's ``createdAt``. Opsgenie knows nothing earlier than the alert;
  when impact began before it, the facilitator corrects started_at.
- detected_at: ``createdAt`` too: the alert is the detection.
- acknowledged_at: ``createdAt`` + ``report.ackTime`` (milliseconds after creation) when
  the report has it. An alert marked acknowledged without a report gets none: the time
  is not guessed (``updatedAt`` moves with any change).
- mitigated_at: never set; Opsgenie has no mitigated state.
- resolved_at: ``createdAt`` + ``report.closeTime`` (milliseconds) when ``status`` is
  closed and the report has it; otherwise none, for the same reason.
- verified_at: never set.
- status: closed → resolved; open and ``acknowledged`` → acknowledged; open → triggered.

Incidents (v1)
--------------
Fields read: ``id``, ``tinyId``, ``message``, ``description``, ``status``, ``priority``,
``createdAt``, ``impactStartDate``, ``impactEndDate`` and ``links.web``.

- started_at: ``impactStartDate`` (when the impact began, which Opsgenie lets responders
  set before the incident was opened); ``createdAt`` without it.
- detected_at: ``createdAt``: the incident was known once it was opened.
- acknowledged_at: never set; the incident API records no acknowledgement.
- mitigated_at: ``impactEndDate``: the impact ended.
- resolved_at: ``impactEndDate`` when ``status`` is resolved or closed (Opsgenie keeps no
  resolution time of its own, and ``updatedAt`` moves with any change); none otherwise.
- status: resolved or closed → resolved; open with an impact end → mitigated; open →
  triggered.
- ``impactedServices`` names services by id only, so it does not set the service.

Events: an ALERT at ``createdAt`` (key ``created``, text its message) and a MITIGATE at
``impactEndDate`` (key ``impact-ended``).

Timeline events
---------------
An alert gives one ALERT event at ``createdAt`` (key ``created``, text its message). Log
entries are keyed by their ``offset``; the actor is ``owner`` when it is an email address
(``System`` and integrations are no person). Kinds come from the log text, then the log
type: "unacknowledged" → STATUS_CHANGE, "acknowledged" → ACKNOWLEDGE, "closed" →
RESOLVE, "reopened" / "snoozed" / "priority" → STATUS_CHANGE, "escalat" / "assign" /
"ownership" / "responder" → ESCALATE, "created" → ALERT, "viewed" → NOTE (a view is
neither an acknowledgement nor a page), notifications sent to a recipient → PAGE, notes →
NOTE; otherwise ``alertAction`` → ACTION and ``alertRecipient`` / ``system`` → NOTE.
"""

import re
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any

from irdesk.domain.enums import EventKind, IncidentStatus
from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.json_stream import JsonArray, is_array
from irdesk.importers.reading.located import JsonReader
from irdesk.importers.records import (
    EventBatch,
    EventRecord,
    IncidentRecord,
    ParsedFile,
    PersonRef,
)
from irdesk.importers.recovery import Recovery, read_incidents

SOURCE = "opsgenie"

# Opsgenie alert ids are UUIDs, some with the creation time in milliseconds appended
# ("b7da6303-0da4-43e2-8e21-9e22faedc594-1637756080926").
ALERT_ID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:-\d+)?", re.I
)
LOG_FILE_NAMES = (
    re.compile(rf"^alert-({ALERT_ID.pattern})-logs$", re.I),
    re.compile(rf"^({ALERT_ID.pattern})_logs$", re.I),
    re.compile(rf"^({ALERT_ID.pattern})$", re.I),
)

# Checked in order against the lower-cased log text: "unacknowledged" before
# "acknowledged", "reopened" before "closed".
LOG_TEXT_KINDS: tuple[tuple[str, EventKind], ...] = (
    ("unacknowledged", EventKind.STATUS_CHANGE),
    ("acknowledged", EventKind.ACKNOWLEDGE),
    ("reopened", EventKind.STATUS_CHANGE),
    ("closed", EventKind.RESOLVE),
    ("snoozed", EventKind.STATUS_CHANGE),
    ("viewed", EventKind.NOTE),
    ("escalat", EventKind.ESCALATE),
    ("assign", EventKind.ESCALATE),
    ("ownership", EventKind.ESCALATE),
    ("responder", EventKind.ESCALATE),
    ("priority", EventKind.STATUS_CHANGE),
    ("created", EventKind.ALERT),
    ("note", EventKind.NOTE),
)
LOG_TYPE_KINDS = {
    "alertaction": EventKind.ACTION,
    "alertrecipient": EventKind.NOTE,
    "alertnote": EventKind.NOTE,
    "system": EventKind.NOTE,
}
NOTIFICATION_WORDS = ("notif", "sent", "call", "sms", "email", "push")

CREATED_KEY = "created"
IMPACT_ENDED_KEY = "impact-ended"
INCIDENT_STATUSES = {"open", "resolved", "closed"}


# --- JSON reading with located problems ------------------------------------------------


def _key_path(location: str, key: str) -> str:
    return f"{location}.{key}" if location else key


class _Reader(JsonReader):
    """JsonReader with Opsgenie's ids and durations."""

    source = SOURCE

    def ident(self, raw: dict[str, Any], key: str, location: str, what: str) -> str:
        """A non-empty id: records are keyed by it, so an empty one would merge strangers."""
        if raw.get(key) is None:
            raise self.problem(location, f"{what}; it is missing", field=key)
        value = raw[key]
        if not isinstance(value, str) or not value.strip():
            raise self.problem(location, f"a non-empty {what}", field=key, found=value)
        return value.strip()

    def millis(self, raw: dict[str, Any], key: str, location: str) -> timedelta | None:
        """A duration in milliseconds (report.ackTime, report.closeTime)."""
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.problem(
                location, "milliseconds since the alert was created", field=key, found=value
            )
        return timedelta(milliseconds=value)


def _person(owner: str | None) -> PersonRef | None:
    # Opsgenie writes "System" or an integration name for what nobody did by hand.
    if owner is None or "@" not in owner:
        return None
    return PersonRef(email=owner)


# --- alerts -----------------------------------------------------------------------------------


def _status(reader: _Reader, raw: dict[str, Any], location: str) -> IncidentStatus:
    status = reader.text(raw, "status", location)
    acknowledged = raw.get("acknowledged")
    if acknowledged is not None and not isinstance(acknowledged, bool):
        raise reader.problem(location, "true or false", field="acknowledged", found=acknowledged)
    if status is None or status.casefold() == "open":
        return IncidentStatus.ACKNOWLEDGED if acknowledged else IncidentStatus.TRIGGERED
    if status.casefold() in ("closed", "resolved"):
        return IncidentStatus.RESOLVED
    raise reader.problem(location, "open or closed", field="status", found=raw.get("status"))


def _alert(reader: _Reader, value: object, location: str) -> IncidentRecord:
    raw = reader.mapping(value, location, "an Opsgenie alert object")
    external_id = reader.ident(raw, "id", location, "Opsgenie alert id")
    tiny_id = raw.get("tinyId")
    if tiny_id is not None and (isinstance(tiny_id, bool) or not isinstance(tiny_id, str | int)):
        raise reader.problem(location, "a short alert number", field="tinyId", found=tiny_id)
    tiny = str(tiny_id).strip() if tiny_id is not None else ""
    title = reader.text(raw, "message", location)
    if title is None:
        if not tiny:
            raise reader.problem(
                location, "the alert's message", field="message", found=raw.get("message")
            )
        title = f"Opsgenie alert #{tiny}"
    description = reader.text(raw, "description", location)
    severity_raw = reader.text(raw, "priority", location)
    status = _status(reader, raw, location)
    created_at = reader.time(raw, "createdAt", location)

    acknowledged_at = resolved_at = None
    report = raw.get("report")
    if report is not None:
        where = _key_path(location, "report")
        report = reader.mapping(report, where, "a report object {ackTime, closeTime}")
        ack_after = reader.millis(report, "ackTime", where)
        close_after = reader.millis(report, "closeTime", where)
        if ack_after is not None:
            acknowledged_at = created_at + ack_after
        if close_after is not None and status is IncidentStatus.RESOLVED:
            resolved_at = created_at + close_after

    alias = reader.text(raw, "alias", location)
    aliases = [tiny, f"#{tiny}" if tiny else "", alias or "", external_id]
    return IncidentRecord(
        source=SOURCE,
        external_id=external_id,
        title=title,
        location=location,
        summary=description if description and description != title else None,
        severity=reader.options.severity(SOURCE, severity_raw),
        severity_raw=severity_raw,
        status=status,
        started_at=created_at,
        detected_at=created_at,
        acknowledged_at=acknowledged_at,
        resolved_at=resolved_at,
        events=[
            EventRecord(
                occurred_at=created_at,
                kind=EventKind.ALERT,
                source=SOURCE,
                external_id=CREATED_KEY,
                text=title,
            )
        ],
        aliases=list(dict.fromkeys(a for a in aliases if a)),
    )


# --- incidents (v1) ----------------------------------------------------------------------------


def _is_incident(value: object) -> bool:
    return isinstance(value, dict) and ("impactStartDate" in value or "impactEndDate" in value)


def _incident(reader: _Reader, value: object, location: str) -> IncidentRecord:
    raw = reader.mapping(value, location, "an Opsgenie incident object")
    external_id = reader.ident(raw, "id", location, "Opsgenie incident id")
    tiny_id = raw.get("tinyId")
    if tiny_id is not None and (isinstance(tiny_id, bool) or not isinstance(tiny_id, str | int)):
        raise reader.problem(location, "a short incident number", field="tinyId", found=tiny_id)
    tiny = str(tiny_id).strip() if tiny_id is not None else ""
    title = reader.text(raw, "message", location)
    if title is None:
        if not tiny:
            raise reader.problem(
                location, "the incident's message", field="message", found=raw.get("message")
            )
        title = f"Opsgenie incident #{tiny}"
    status_text = (reader.text(raw, "status", location) or "open").casefold()
    if status_text not in INCIDENT_STATUSES:
        raise reader.problem(
            location, "open, resolved or closed", field="status", found=raw.get("status")
        )
    created_at = reader.time(raw, "createdAt", location)
    impact_start = (
        reader.time(raw, "impactStartDate", location)
        if raw.get("impactStartDate") not in (None, "")
        else None
    )
    impact_end = (
        reader.time(raw, "impactEndDate", location)
        if raw.get("impactEndDate") not in (None, "")
        else None
    )
    closed = status_text in ("resolved", "closed")
    if closed:
        status = IncidentStatus.RESOLVED
    elif impact_end is not None:
        status = IncidentStatus.MITIGATED
    else:
        status = IncidentStatus.TRIGGERED
    links = raw.get("links")
    url = (
        reader.text(links, "web", _key_path(location, "links")) if isinstance(links, dict) else None
    )
    description = reader.text(raw, "description", location)
    severity_raw = reader.text(raw, "priority", location)
    events = [EventRecord(created_at, EventKind.ALERT, SOURCE, CREATED_KEY, title)]
    if impact_end is not None:
        events.append(
            EventRecord(impact_end, EventKind.MITIGATE, SOURCE, IMPACT_ENDED_KEY, "Impact ended")
        )
    aliases = [tiny, f"#{tiny}" if tiny else "", url or "", external_id]
    return IncidentRecord(
        source=SOURCE,
        external_id=external_id,
        title=title,
        location=location,
        summary=description if description and description != title else None,
        url=url,
        severity=reader.options.severity(SOURCE, severity_raw),
        severity_raw=severity_raw,
        status=status,
        started_at=impact_start or created_at,
        detected_at=created_at,
        mitigated_at=impact_end,
        resolved_at=impact_end if closed else None,
        events=events,
        aliases=list(dict.fromkeys(a for a in aliases if a)),
    )


def _record(reader: _Reader, value: object, location: str) -> IncidentRecord:
    """An incident or an alert, each as what it is."""
    if _is_incident(value):
        return _incident(reader, value, location)
    return _alert(reader, value, location)


# --- alert logs ------------------------------------------------------------------------------


def log_kind(text: str, log_type: str | None) -> EventKind:
    """The event kind of one log entry, from its words first and its type second."""
    lowered = text.casefold()
    for word, kind in LOG_TEXT_KINDS:
        if word in lowered:
            return kind
    kind_of_type = (log_type or "").casefold()
    if kind_of_type == "alertrecipient" and any(w in lowered for w in NOTIFICATION_WORDS):
        return EventKind.PAGE
    return LOG_TYPE_KINDS.get(kind_of_type, EventKind.NOTE)


def _log(reader: _Reader, value: object, location: str) -> EventRecord:
    raw = reader.mapping(value, location, "an Opsgenie alert log entry object")
    offset = reader.ident(raw, "offset", location, "log offset such as '1691054698894_1691…'")
    text = reader.text(raw, "log", location)
    log_type = reader.text(raw, "type", location)
    return EventRecord(
        occurred_at=reader.time(raw, "createdAt", location),
        kind=log_kind(text or "", log_type),
        source=SOURCE,
        external_id=offset,
        text=text or log_type or "Log entry",
        actor=_person(reader.text(raw, "owner", location)),
    )


def alert_id_from_name(name: str) -> str | None:
    """The alert id a logs file's name gives, or None: `<id>.json`, `alert-<id>-logs.json`…"""
    # Zip members are shown as "export.zip!folder/<id>.json".
    base = PurePosixPath(name.rsplit("!", 1)[-1].replace("\\", "/")).name
    stem = base[: -len(".json")] if base.casefold().endswith(".json") else base
    for pattern in LOG_FILE_NAMES:
        match = pattern.match(stem)
        if match:
            return match.group(1)
    return None


def _alert_id(reader: _Reader, data: dict[str, Any], parsed: ParsedFile) -> str:
    from_name = alert_id_from_name(reader.file)
    if "alertId" in data:
        alert_id = reader.ident(data, "alertId", "", "Opsgenie alert id")
        if from_name is not None and from_name != alert_id:
            parsed.warnings.append(
                f"{reader.file}: the file name names alert {from_name}, its alertId says "
                f"{alert_id}; the logs were added to {alert_id}"
            )
        return alert_id
    if from_name is None:
        raise reader.problem(
            "",
            "a file named after its alert id, because Opsgenie alert logs do not say which "
            "alert they belong to: '<alertId>.json' (e.g. "
            "'b7da6303-0da4-43e2-8e21-9e22faedc594-1637756080926.json'), "
            "'alert-<alertId>-logs.json' or '<alertId>_logs.json'; or the page wrapped as "
            '{"alertId": "…", "data": […]}',
            found=PurePosixPath(reader.file.rsplit("!", 1)[-1]).name,
        )
    return from_name


# --- file shapes ------------------------------------------------------------------------------


def _is_alert(value: object) -> bool:
    return isinstance(value, dict) and "tinyId" in value


def _is_log(value: object) -> bool:
    return isinstance(value, dict) and "log" in value and "offset" in value


def _streamed_object(content: Content) -> dict[str, Any] | None:
    """The top-level object, its big arrays read an element at a time; None for anything
    else, never a problem: for sniffing."""
    if content.first_char != "{":
        return None
    try:
        data = content.json_streamed
    except ImportProblem:
        return None
    return data if isinstance(data, dict) else None


def sniff(content: Content) -> bool:
    data = _streamed_object(content)
    if data is None or "data" not in data:
        return False
    items = data["data"]
    if "alertId" in data:
        return True
    # Opsgenie's envelope: every response carries these two.
    envelope = "requestId" in data and "took" in data
    if is_array(items) and items:
        return _is_alert(items[0]) or _is_incident(items[0]) or _is_log(items[0]) or envelope
    return _is_alert(items) or _is_incident(items) or envelope


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    reader = _Reader(content.name, options)
    data = reader.mapping(
        content.json_streamed, "", 'an Opsgenie response {"data": [...], "took", "requestId"}'
    )
    if "data" not in data:
        raise reader.problem(
            "", 'an Opsgenie response {"data": [...], "took", "requestId"}', found=list(data)[:6]
        )
    items = data["data"]
    if isinstance(items, dict):
        parsed.incidents.append(_record(reader, items, "data"))
        return parsed
    # In a large page, `items` is a JsonArray: each alert decoded as it is read.
    if not is_array(items):
        raise reader.problem("", "a list of alerts or alert logs", field="data", found=items)
    if not items:
        parsed.warnings.append(f"{parsed.name}: the page has no alerts or log entries")
        return parsed
    if "alertId" in data or (
        _is_log(items[0]) and not _is_alert(items[0]) and not _is_incident(items[0])
    ):
        batch = EventBatch(
            source=SOURCE, incident_external_id=_alert_id(reader, data, parsed), location="data"
        )
        events = [_log(reader, item, f"data[{i}]") for i, item in enumerate(items)]
        # The API lists newest first; a timeline reads oldest first, ties as they happened.
        if len(events) > 1 and events[0].occurred_at > events[-1].occurred_at:
            events.reverse()
        batch.events = sorted(events, key=lambda event: event.occurred_at)
        parsed.event_batches.append(batch)
    else:
        read_incidents(
            Recovery(parsed, options),
            items,
            lambda i, item: _record(reader, item, f"data[{i}]"),
            SOURCE,
            streamed=isinstance(items, JsonArray),
        )
    return parsed


FORMAT = SourceFormat(
    name="opsgenie",
    label="Opsgenie REST API (v2 alerts, alert logs; v1 incidents)",
    sniff=sniff,
    parse=parse,
)
