"""Jira REST issues with their changelog, as JSON (format "jira", source "jira").

Accepted files
--------------
- a search page, ``GET /rest/api/2/search?expand=changelog`` (or ``/rest/api/3/…``):
  ``{startAt, maxResults, total, issues: [...]}``; the newer ``/search/jql`` page
  ``{issues, nextPageToken, isLast}`` too;
- one issue, ``GET /rest/api/2/issue/KEY?expand=changelog``: ``{id, key, fields, changelog}``.

Each issue becomes one incident keyed by its issue key ("OPS-123"). Descriptions and
comments may be plain text (API v2) or Atlassian document JSON (API v3), which is
flattened to text. Times carry offsets such as ``-0500`` that change with daylight
saving inside one file; each is converted on its own.

Lifecycle rules
---------------
Jira records when a ticket was opened and how its status moved, not when impact began.
These are the rules irdesk applies; a facilitator can correct any of them in the review.

- ``started_at``: ``fields.created``, the earliest moment the ticket records.
- ``detected_at``: ``fields.created`` as well: the incident was known once the ticket existed.
- ``acknowledged_at``: the time of the first changelog transition into a status of the
  *In Progress* category (someone started working on it). An issue moved straight from
  To Do to Done has none: it is reported as missing, not guessed.
- ``mitigated_at``: not set; Jira has no such notion.
- ``resolved_at``: ``fields.resolutiondate``; when the issue is resolved without one (a
  workflow that sets no resolution), the time of the last changelog transition into a
  *Done*-category status. An issue that is not resolved now has none, even if it was
  Done once and then reopened.
- ``verified_at``: not set.

A changelog entry names only the status, not its category. The category of a status is
taken from the file itself (issues currently in that status carry it, by status id and
name), then from well-known names in English and Spanish (To Do, Backlog, Open,
Abierta… are *To Do*; Done, Closed, Resolved, Resuelta, Completado… are *Done*). A status
known neither way counts as *In Progress*: leaving the initial status for a status that
is not Done means work began.

Status: resolved when the current status is in the Done category or the issue has a
resolution; acknowledged when it is in the In Progress category; triggered otherwise.

Timeline events
---------------
- the creation, a NOTE "Created (status: Backlog)" by the reporter (external id
  ``KEY:created``, the same as the Jira CSV importer gives it);
- every changelog ``status`` item, a STATUS_CHANGE "Status: To Do → In Progress" by the
  history's author (external id ``HISTORY_ID:ITEM_INDEX``);
- ``resolution`` items: the resolution that still stands is a RESOLVE "Resolution: Done";
  earlier ones and clearings ("Resolution cleared (was Done)") are NOTEs, so that a
  reopened issue is not taken for resolved;
- comments (``fields.comment.comments``), NOTEs by their authors (``comment:ID``).

The ticket itself (status name, resolution, assignee, ``fields.updated`` and the author
of the last history entry) is kept for the action items that name the issue's key.

Recovered with a warning (refused under ``--strict``): an issue whose ``summary`` is
empty or missing takes its key as its title.

Warnings: a changelog or comment list cut short by its own ``maxResults`` (fetch the
issue's full changelog), issues without a changelog (searched without
``expand=changelog``), and a page that holds only part of the search result.

References to other tools (for linking across sources) are looked for in the summary,
description, environment, labels and custom fields: PagerDuty incident URLs
(``…pagerduty.com/incidents/ID`` → ``pagerduty:ID``) and incident numbers
(``#12345``). Aliases: the issue key and its browse URL.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from irdesk.domain.enums import EventKind, IncidentStatus
from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.formats.jira import SOURCE
from irdesk.importers.formats.jira.documents import adf_links, adf_text
from irdesk.importers.formats.jira.references import find_references
from irdesk.importers.formats.jira.statuses import (
    DONE,
    IN_PROGRESS,
    NEW,
    STATUS_FOR_CATEGORY,
    Categories,
    category_of_name,
    status_categories,
)
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.json_stream import JsonArray, is_array
from irdesk.importers.reading.located import JsonNode, join
from irdesk.importers.records import (
    EventRecord,
    IncidentRecord,
    ParsedFile,
    PersonRef,
    TicketState,
)
from irdesk.importers.recovery import Recovery, read_incidents

# --- located access to JSON values -------------------------------------------------


class _Node(JsonNode):
    """A Jira JSON object; Jira writes some identifiers as numbers."""

    source = SOURCE

    def optional_id(self, key: str) -> str | None:
        """An identifier as Jira writes them (text, sometimes a number); None when empty."""
        value = self.value.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            raise self.problem(key, "an identifier", value)
        return value.strip()


def _rich_text(node: _Node, key: str) -> tuple[str | None, list[str]]:
    """(text, link targets) of a v2 text or v3 document field."""
    value = node.value.get(key)
    if value is None or value == "":
        return None, []
    if isinstance(value, str):
        return value, []
    if isinstance(value, dict) and value.get("type") == "doc":
        return adf_text(value) or None, list(adf_links(value))
    raise node.problem(key, "text or an Atlassian document", value)


def _strings(value: object) -> Iterator[str]:
    """Every string inside a custom field value, however nested."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


# --- the format -----------------------------------------------------------------------


def _is_issue(value: object) -> bool:
    return isinstance(value, dict) and "key" in value and isinstance(value.get("fields"), dict)


def sniff(content: Content) -> bool:
    data = content.json_object()
    if data is None:
        return False
    if _is_issue(data):
        return True
    issues = data.get("issues")
    if not is_array(issues):
        return False
    if issues:
        return _is_issue(issues[0])
    # An empty result page is still recognisably Jira's.
    return "startAt" in data or "isLast" in data


def _person(node: _Node | None) -> PersonRef | None:
    if node is None:
        return None
    # Jira Cloud: displayName (+ emailAddress when visible); Server: name/key as well.
    name = node.value.get("displayName") or node.value.get("name")
    email = node.value.get("emailAddress")
    name = name if isinstance(name, str) and name.strip() else None
    email = email if isinstance(email, str) and "@" in email else None
    return PersonRef(name=name, email=email) if name or email else None


def _browse_url(self_url: str | None, key: str) -> str | None:
    # ".../rest/api/2/issue/10125" → ".../browse/KEY", keeping a server's context path.
    if not self_url or "/rest/api/" not in self_url:
        return None
    return f"{self_url.split('/rest/api/', 1)[0]}/browse/{key}"


def _issues(data: object, file: str, parsed: ParsedFile) -> tuple[str | None, Sequence[Any]]:
    """("issues", the page's issues) for a search page, (None, [the issue]) for a single
    issue; warns about a partial page. A large page's issues are a JsonArray."""
    if not isinstance(data, dict):
        raise ImportProblem(
            file,
            "top level",
            "a Jira search result {startAt, maxResults, total, issues: [...]}",
            found=data,
        )
    if _is_issue(data):
        return None, [data]
    issues = data.get("issues")
    if not is_array(issues):
        raise ImportProblem(
            file,
            "issues",
            "a list of issues (a Jira search result with expand=changelog)",
            field="issues",
            found=issues,
        )
    start, total = data.get("startAt", 0), data.get("total")
    if isinstance(start, int) and isinstance(total, int) and total > start + len(issues):
        parsed.warnings.append(
            f"this page holds issues {start + 1}–{start + len(issues)} of {total}; "
            "import the other pages too for the complete set"
        )
    elif data.get("isLast") is False or data.get("nextPageToken"):
        parsed.warnings.append(
            "this page is not the last one of the search; import the other pages too"
        )
    return "issues", issues


def _changelog(
    issue: _Node, key: str, options: ImportOptions, parsed: ParsedFile
) -> list[tuple[datetime, int, _Node]]:
    """(time, position, history) in time order; Jira returns either order by endpoint."""
    changelog = issue.child("changelog")
    if changelog is None:
        return []
    histories = changelog.children("histories")
    total = changelog.value.get("total")
    if isinstance(total, int) and total > len(histories):
        parsed.warnings.append(
            f"{issue.path or 'issue'} ({key}): the changelog has {total} entries "
            f"and the file holds {len(histories)}; the timeline misses the rest (fetch "
            f"/rest/api/3/issue/{key}/changelog for all of them)"
        )
    timed = [
        (history.time("created", options), index, history)
        for index, history in enumerate(histories)
    ]
    return sorted(timed, key=lambda entry: (entry[0], entry[1]))


def _parse_issue(
    path: str,
    raw: object,
    categories: Categories,
    options: ImportOptions,
    recovery: Recovery,
    seen: dict[str, str],
) -> IncidentRecord:
    parsed = recovery.parsed
    file = parsed.name
    location = path or "issue"
    if not isinstance(raw, dict):
        raise ImportProblem(file, location, "an issue object", found=raw)
    issue = _Node(file, path, raw)
    key = issue.text("key", "a non-empty issue key such as OPS-123").strip()
    if key in seen:
        raise ImportProblem(
            file,
            join(path, "key"),
            f"each issue once; {key} is already at {seen[key]}",
            field="key",
            found=key,
        )
    seen[key] = location
    fields = issue.child("fields")
    if fields is None:
        raise issue.problem("fields", "the issue's fields (an object)", None)
    try:
        title = fields.text("summary", "a non-empty summary").strip()
    except ImportProblem as problem:
        # The key names the issue in Jira and in every reference to it.
        recovery.fallback(problem, f"its key {key} is its title")
        title = key
    created = fields.time("created", options)
    description, description_links = _rich_text(fields, "description")

    status = fields.child("status")
    status_name = status.optional_text("name") if status else None
    category_node = status.child("statusCategory") if status else None
    category_key = category_node.value.get("key") if category_node else None
    if category_key not in (NEW, IN_PROGRESS, DONE):
        category_key = category_of_name(status_name) or NEW
    resolution = fields.child("resolution")
    is_resolved = category_key == DONE or resolution is not None
    incident_status = IncidentStatus.RESOLVED if is_resolved else STATUS_FOR_CATEGORY[category_key]

    priority = fields.child("priority")
    severity_raw = priority.optional_text("name") if priority else None
    components = fields.children("components")
    service = next(
        (name for c in components if (name := c.optional_text("name", "a component name"))),
        None,
    )
    self_url = issue.optional_text("self", "the issue's API URL")
    url = _browse_url(self_url, key)

    history = _changelog(issue, key, options, parsed)
    events: list[EventRecord] = []
    status_items: list[tuple[datetime, _Node]] = []
    resolution_events: list[tuple[str | None, EventRecord]] = []  # (new resolution, event)
    for when, _position, entry in history:
        history_id = entry.optional_id("id")
        actor = _person(entry.child("author"))
        for index, item in enumerate(entry.children("items")):
            field_name = item.value.get("fieldId") or item.value.get("field")
            if field_name not in ("status", "resolution"):
                continue
            before = item.optional_text("fromString") or "(none)"
            after = item.optional_text("toString")
            external_id = f"{history_id}:{index}" if history_id else None
            if field_name == "status":
                status_items.append((when, item))
                text = f"Status: {before} → {after or '(none)'}"
                events.append(
                    EventRecord(when, EventKind.STATUS_CHANGE, SOURCE, external_id, text, actor)
                )
            else:
                text = f"Resolution: {after}" if after else f"Resolution cleared (was {before})"
                event = EventRecord(when, EventKind.NOTE, SOURCE, external_id, text, actor)
                resolution_events.append((after, event))
                events.append(event)
    # Only the resolution that still stands marks the resolve; see the module docstring.
    if resolution_events and resolution_events[-1][0] and is_resolved:
        resolution_events[-1][1].kind = EventKind.RESOLVE

    # The status an issue was created in is the "from" of its first transition.
    first_from = status_items[0][1].optional_text("fromString") if status_items else None
    initial_status = first_from or status_name or "unknown"
    events.insert(
        0,
        EventRecord(
            created,
            EventKind.NOTE,
            SOURCE,
            f"{key}:created",
            f"Created (status: {initial_status})",
            _person(fields.child("reporter")) or _person(fields.child("creator")),
        ),
    )

    acknowledged_at = next(
        (
            when
            for when, item in status_items
            if categories.of(item.value.get("to"), item.value.get("toString")) == IN_PROGRESS
        ),
        None,
    )
    resolved_at = fields.optional_time("resolutiondate", options)
    if resolved_at is None and is_resolved:
        resolved_at = next(
            (
                when
                for when, item in reversed(status_items)
                if categories.of(item.value.get("to"), item.value.get("toString")) == DONE
            ),
            None,
        )

    events.extend(_comments(fields, key, options, parsed))
    # Time order for the timeline; the sort is stable, so a history's items keep theirs.
    events.sort(key=lambda event: event.occurred_at)

    last_change = history[-1] if history else None
    ticket = TicketState(
        status_name=status_name,
        resolution=resolution.optional_text("name") if resolution else None,
        assignee=_person(fields.child("assignee")),
        changed_at=fields.optional_time("updated", options)
        or (last_change[0] if last_change else None),
        changed_by=_person(last_change[2].child("author")) if last_change else None,
    )

    environment, environment_links = _rich_text(fields, "environment")
    reference_texts = [title, description or "", environment or ""]
    reference_texts += description_links + environment_links
    for name, value in fields.value.items():
        if name == "labels" or name.startswith("customfield_"):
            reference_texts.extend(_strings(value))

    return IncidentRecord(
        source=SOURCE,
        external_id=key,
        title=title,
        location=location,
        summary=description,
        url=url,
        service=service,
        severity=options.severity(SOURCE, severity_raw),
        severity_raw=severity_raw,
        status=incident_status,
        started_at=created,
        detected_at=created,
        acknowledged_at=acknowledged_at,
        resolved_at=resolved_at,
        events=events,
        references=find_references(reference_texts),
        aliases=[key, *([url] if url else [])],
        ticket=ticket,
    )


def _comments(
    fields: _Node, key: str, options: ImportOptions, parsed: ParsedFile
) -> list[EventRecord]:
    holder = fields.child("comment")
    if holder is None:
        return []
    comments = holder.children("comments")
    total = holder.value.get("total")
    if isinstance(total, int) and total > len(comments):
        parsed.warnings.append(
            f"{key}: {total} comments, the file holds {len(comments)}; the timeline misses the rest"
        )
    events = []
    for comment in comments:
        body, _links = _rich_text(comment, "body")
        comment_id = comment.optional_id("id")
        events.append(
            EventRecord(
                comment.time("created", options),
                EventKind.NOTE,
                SOURCE,
                f"comment:{comment_id}" if comment_id else None,
                body or "",
                _person(comment.child("author")),
            )
        )
    return events


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    key, issues = _issues(content.json_streamed, content.name, parsed)
    # One look at every issue before any is read: the file's status categories, and how
    # many were searched without their changelog.
    categories = Categories(status_categories(issues))
    without = sum(1 for raw in issues if isinstance(raw, dict) and "changelog" not in raw)
    seen: dict[str, str] = {}
    recovery = Recovery(parsed, options)
    read_incidents(
        recovery,
        issues,
        lambda index, raw: _parse_issue(
            "" if key is None else join(key, index), raw, categories, options, recovery, seen
        ),
        SOURCE,
        streamed=isinstance(issues, JsonArray),
    )
    if without:
        parsed.warnings.append(
            f"{without} of {len(issues)} issues have no changelog (searched without "
            "expand=changelog): when work began on them is unknown"
        )
    return parsed


FORMAT = SourceFormat(
    name="jira",
    label="Jira REST API issues with changelog (JSON)",
    sniff=sniff,
    parse=parse,
)
