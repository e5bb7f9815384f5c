"""Atlassian Statuspage incidents from the public status API (format and source "statuspage").

Accepted files
--------------
- one incident, ``GET /api/v2/incidents/{id}.json``: ``{page: {...}, incident: {...}}``;
- a list, ``GET /api/v2/incidents.json`` (or ``unresolved.json``, ``summary.json``):
  ``{page: {...}, incidents: [...]}``.

Each incident becomes one incident keyed by its Statuspage id ("rgy28jwprr1c").
Times may carry the page's own zone offset; each is converted to UTC on its own.
Severity comes from ``impact`` (critical, major, minor, none, maintenance).

Lifecycle rules
---------------
- ``started_at``: the incident's ``started_at`` (when the page says impact began),
  else its ``created_at``.
- ``detected_at``: ``created_at``, when the incident was opened on the page.
- ``acknowledged_at``: the first update with status *identified* (the cause is known
  and being worked on). An incident that never posts *identified* has none: it is
  reported as missing, not guessed.
- ``mitigated_at``: ``monitoring_at``, else the first update with status *monitoring*
  (a fix is in place and being watched).
- ``resolved_at``: ``resolved_at``; when that is empty on a resolved incident, the
  last update with status *resolved*.
- ``verified_at``: not set.

For scheduled maintenance the same rules read *in_progress* for identified,
*verifying* for monitoring and *completed* for resolved.

Status: investigating → triggered, identified → acknowledged, monitoring → mitigated,
resolved and postmortem → resolved (scheduled maintenance: scheduled → triggered,
in_progress → acknowledged, verifying → mitigated, completed → resolved).

Timeline events
---------------
Every incident update is a COMMUNICATION at its ``display_at`` (else ``created_at``):
"Identified — <body>", external id the update's id. When an update shows a component
in a status other than before (its own ``old_status``, or the status the previous
update listed for it), a line "Components: Notifications: major outage → degraded
performance; …" follows. Some pages list old and new status alike in every update;
comparing with the previous update still shows the change then. (In GitHub's 2023
sample the listed statuses also trail the text by one update: "Packages is
experiencing degraded performance" still lists Packages as operational, and the change
shows on the next update. irdesk reports what the file lists, where it lists it.)

Service: the first component named in the updates, in time order (where the incident
began), else the first of the incident's ``components``, else the page's name.
Aliases: the incident id, its shortlink and its page URL (``<page url>/incidents/<id>``).
"""

from datetime import datetime

from irdesk.domain.enums import EventKind, IncidentStatus
from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.json_stream import JsonArray, is_array
from irdesk.importers.reading.located import JsonNode, join
from irdesk.importers.records import EventRecord, IncidentRecord, ParsedFile
from irdesk.importers.recovery import Recovery, read_incidents

SOURCE = "statuspage"

STATUSES: dict[str, IncidentStatus] = {
    "investigating": IncidentStatus.TRIGGERED,
    "identified": IncidentStatus.ACKNOWLEDGED,
    "monitoring": IncidentStatus.MITIGATED,
    "resolved": IncidentStatus.RESOLVED,
    "postmortem": IncidentStatus.RESOLVED,
    # Scheduled maintenance uses its own words for the same steps.
    "scheduled": IncidentStatus.TRIGGERED,
    "in_progress": IncidentStatus.ACKNOWLEDGED,
    "verifying": IncidentStatus.MITIGATED,
    "completed": IncidentStatus.RESOLVED,
}
_EXPECTED_STATUS = "a Statuspage status (" + ", ".join(STATUSES) + ")"


def _looks_like_incident(value: object) -> bool:
    return isinstance(value, dict) and (
        "incident_updates" in value or ("shortlink" in value and "impact" in value)
    )


def sniff(content: Content) -> bool:
    data = content.json_object()
    # Both shapes carry the page; PagerDuty's {incidents: [...]} has none.
    if data is None or not isinstance(data.get("page"), dict):
        return False
    if "incident" in data:
        return _looks_like_incident(data["incident"])
    incidents = data.get("incidents")
    if not is_array(incidents):
        return False
    return not incidents or _looks_like_incident(incidents[0])


class _Node(JsonNode):
    """A Statuspage JSON object; its texts are read without surrounding spaces."""

    source = SOURCE

    def text(self, key: str, expected: str) -> str:
        return super().text(key, expected).strip()

    def status(self, key: str = "status") -> str:
        value = self.text(key, _EXPECTED_STATUS)
        if value not in STATUSES:
            raise self.problem(key, _EXPECTED_STATUS, value)
        return value

    def objects(self, key: str) -> list["_Node"]:
        """A list of objects; null or missing is an empty list (affected_components can be null)."""
        return self.children(key, "a list (or null)")


def _words(value: str) -> str:
    """'degraded_performance' → 'degraded performance'."""
    return value.replace("_", " ")


def _component_changes(update: _Node, last_seen: dict[str, str]) -> tuple[list[str], list[str]]:
    """(names listed, "name: old → new" for each change) for one update, in time order."""
    names: list[str] = []
    changes: list[str] = []
    for component in update.objects("affected_components"):
        name = component.text("name", "a component name")
        new = component.optional_text("new_status")
        code = component.optional_text("code") or name
        names.append(name)
        before = last_seen.get(code) or component.optional_text("old_status")
        if new is not None:
            if before is not None and before != new:
                changes.append(f"{name}: {_words(before)} → {_words(new)}")
            last_seen[code] = new
    return names, changes


def _parse_incident(
    node: _Node, page: _Node | None, options: ImportOptions, seen: dict[str, str]
) -> IncidentRecord:
    incident_id = node.text("id", "a non-empty incident id")
    if incident_id in seen:
        raise node.problem(
            "id", f"each incident once; it is already at {seen[incident_id]}", incident_id
        )
    seen[incident_id] = node.path
    title = node.text("name", "a non-empty incident name")
    status = node.status()
    impact = node.optional_text("impact")
    created = node.time("created_at", options)
    started = node.optional_time("started_at", options) or created
    monitoring_at = node.optional_time("monitoring_at", options)
    resolved_at = node.optional_time("resolved_at", options)
    shortlink = node.optional_text("shortlink")

    updates = []
    for position, update in enumerate(node.objects("incident_updates")):
        key = "display_at" if update.value.get("display_at") else "created_at"
        updates.append((update.time(key, options), position, update))
    updates.sort(key=lambda entry: (entry[0], entry[1]))

    events: list[EventRecord] = []
    first_by_status: dict[str, datetime] = {}
    last_by_status: dict[str, datetime] = {}
    last_seen: dict[str, str] = {}
    components_in_order: list[str] = []
    for when, _position, update in updates:
        update_status = update.status()
        first_by_status.setdefault(update_status, when)
        last_by_status[update_status] = when
        names, changes = _component_changes(update, last_seen)
        components_in_order += names
        body = (update.optional_text("body") or "").strip()
        heading = _words(update_status).capitalize()
        text = f"{heading} — {body}" if body else heading
        if changes:
            text += "\nComponents: " + "; ".join(changes)
        update_id = update.value.get("id")
        events.append(
            EventRecord(
                when,
                EventKind.COMMUNICATION,
                SOURCE,
                update_id.strip() if isinstance(update_id, str) and update_id.strip() else None,
                text,
            )
        )

    if resolved_at is None and STATUSES[status] is IncidentStatus.RESOLVED:
        resolved_at = last_by_status.get("resolved") or last_by_status.get("completed")

    listed = [c.text("name", "a component name") for c in node.objects("components")]
    page_name = page.optional_text("name") if page else None
    service = next(iter(components_in_order + listed), None) or page_name

    page_url = page.optional_text("url") if page else None
    incident_page = f"{page_url.rstrip('/')}/incidents/{incident_id}" if page_url else None
    aliases = [incident_id, *(u for u in (shortlink, incident_page) if u)]
    return IncidentRecord(
        source=SOURCE,
        external_id=incident_id,
        title=title,
        location=node.path,
        url=shortlink or incident_page,
        service=service,
        severity=options.severity(SOURCE, impact),
        severity_raw=impact,
        status=STATUSES[status],
        started_at=started,
        detected_at=created,
        acknowledged_at=first_by_status.get("identified") or first_by_status.get("in_progress"),
        mitigated_at=monitoring_at
        or first_by_status.get("monitoring")
        or first_by_status.get("verifying"),
        resolved_at=resolved_at,
        events=events,
        aliases=aliases,
    )


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    data = content.json_streamed
    file = content.name
    expected = "a Statuspage incident {page, incident} or incident list {page, incidents}"
    if not isinstance(data, dict):
        raise ImportProblem(file, "top level", expected, found=data)
    top = _Node(file, "", data)
    page_value = data.get("page")
    if page_value is not None and not isinstance(page_value, dict):
        raise ImportProblem(file, "page", "the page object", field="page", found=page_value)
    page = _Node(file, "page", page_value) if page_value else None
    seen: dict[str, str] = {}
    recovery = Recovery(parsed, options)
    if "incident" in data:
        incident = data["incident"]
        if not isinstance(incident, dict):
            raise ImportProblem(
                file, "incident", "an incident object", field="incident", found=incident
            )
        nodes = [_Node(file, "incident", incident)]
    elif "incidents" in data:
        incidents = data["incidents"]
        if isinstance(incidents, JsonArray):
            # A large list, read an element at a time as the import writes it.
            _check_objects(top, incidents)
            read_incidents(
                recovery,
                incidents,
                lambda index, item: _parse_incident(
                    _Node(file, join("incidents", index), item), page, options, seen
                ),
                SOURCE,
                streamed=True,
            )
            return parsed
        if not isinstance(incidents, list):
            # objects() would take null for an empty list; a list page without one is broken.
            raise top.problem("incidents", "a list of incidents", incidents)
        nodes = top.objects("incidents")
    else:
        raise ImportProblem(file, "top level", expected, found="keys " + ", ".join(list(data)[:6]))
    read_incidents(
        recovery,
        nodes,
        lambda _index, node: _parse_incident(node, page, options, seen),
        SOURCE,
        streamed=False,
    )
    return parsed


def _check_objects(top: _Node, incidents: JsonArray) -> None:
    """What JsonNode.objects checks of a list, for one read an element at a time: every
    element an object, before any is read."""
    index = incidents.first_non_object()
    if index is not None:
        raise ImportProblem(
            top.file,
            join("incidents", index),
            "an object",
            field="incidents",
            found=incidents[index],
        )


FORMAT = SourceFormat(
    name="statuspage",
    label="Atlassian Statuspage API v2 incidents (JSON)",
    sniff=sniff,
    parse=parse,
)
