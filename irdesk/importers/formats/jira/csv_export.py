"""Jira "Export Excel CSV (all fields)", in English or Spanish (format "jira-csv", source "jira").

Accepted files
--------------
The CSV that Jira (Software, Work Management, Service Management; Cloud and Data
Center) writes from an issue search, with the header in the interface language.
English and Spanish headers are recognised ("Issue key" / "Clave de incidencia",
"Summary" / "Resumen", "Created" / "Creada", "Resolved" / "Resuelta", …; see
``COLUMNS``). Repeated columns (comments, labels, components, watchers) are read by
position. UTF-8 with or without a byte-order mark, and Windows-1252 from spreadsheet
round trips, are read alike.

Dates are written in the interface language and carry no zone: ``18/jul/26 9:10 AM``,
``18/Jul/26 9:10 AM``, ``18/jul/26 21:10`` or ``2026-07-18 09:10``. Month names may be
English (jan…dec) or Spanish (ene, feb, mar, abr, may, jun, jul, ago, sep/sept, oct,
nov, dic). The zone is never guessed: without one given (``--tz Europe/Madrid``) the
import stops at the first date.

Each row becomes one incident keyed by its issue key, the same key the Jira JSON
importer uses, so a CSV and a JSON export of one issue update the same incident.

Lifecycle rules
---------------
A CSV export has no changelog; it holds only the current state and a few dates.

- ``started_at``: "Created" ("Creada"), the earliest moment the ticket records.
- ``detected_at``: "Created" as well: the incident was known once the ticket existed.
- ``acknowledged_at``: not set. The export has no history of status changes, so when
  work began is unknown; it is reported as missing, not guessed (import the JSON with
  ``expand=changelog`` for it).
- ``mitigated_at``: not set; Jira has no such notion.
- ``resolved_at``: "Resolved" ("Resuelta"); when that is empty on a resolved issue (a
  workflow that sets no resolution), "Status Category Changed" ("Categoría de estado
  cambiada"), the moment the issue entered the Done category. An unresolved issue
  has none.
- ``verified_at``: not set.

Status: from "Status Category" ("Categoría de estado": To Do / Por hacer, In Progress
/ En curso, Done / Listo) when the export has it, else from the status name (English
and Spanish, e.g. Resuelta, Completado, Cerrada → resolved; En curso, Pendiente →
acknowledged; Abierta, Por hacer → triggered), else resolved when the row has a
resolution or a resolved date, triggered otherwise (with a warning naming the status).

Timeline events
---------------
- the creation, a NOTE "Created" by the reporter (``KEY:created``, as the
  JSON importer names it);
- each comment cell ``date;author accountId;text`` (the text may hold newlines and
  semicolons), a NOTE at that date; the author's name is found through the export's
  own name/id column pairs (Assignee/Assignee Id, Reporter, Creator, Watchers);
- "Status Category Changed", a STATUS_CHANGE "Status category: Done (status: …)".

The ticket itself (status, resolution, "Assignee" / "Persona asignada", "Updated" /
"Actualizada") is kept for the action items that name the issue's key.

References (PagerDuty URLs and ``#12345`` incident numbers) are looked for in the
summary, description, environment, labels and custom fields, as for Jira JSON.
"""

import csv
import hashlib
from datetime import datetime
from typing import NamedTuple

from irdesk.domain.enums import EventKind, IncidentStatus
from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.formats.jira import SOURCE
from irdesk.importers.formats.jira.csv_dates import local_date
from irdesk.importers.formats.jira.references import find_references
from irdesk.importers.formats.jira.statuses import DONE, STATUS_FOR_CATEGORY, category_of_name
from irdesk.importers.problems import ImportProblem
from irdesk.importers.records import (
    EventRecord,
    IncidentRecord,
    ParsedFile,
    PersonRef,
    TicketState,
)
from irdesk.importers.recovery import Recovery

# Our name for a column → the header Jira writes for it, per interface language.
COLUMNS: dict[str, tuple[str, ...]] = {
    "key": ("Issue key", "Clave de incidencia", "Clave de la incidencia"),
    "summary": ("Summary", "Resumen"),
    "status": ("Status", "Estado"),
    "status_category": ("Status Category", "Categoría de estado"),
    "status_category_changed": ("Status Category Changed", "Categoría de estado cambiada"),
    "priority": ("Priority", "Prioridad"),
    "resolution": ("Resolution", "Resolución"),
    "created": ("Created", "Creada", "Creado"),
    "resolved": ("Resolved", "Resuelta", "Resuelto", "Fecha de resolución"),
    "updated": ("Updated", "Actualizada", "Actualizado"),
    "description": ("Description", "Descripción"),
    "environment": ("Environment", "Entorno"),
    "components": ("Component/s", "Componente/s", "Componentes"),
    "labels": ("Labels", "Etiquetas"),
    "reporter": ("Reporter", "Informador"),
    "reporter_id": ("Reporter Id", "ID del informador"),
    "assignee": ("Assignee", "Persona asignada", "Responsable"),
    "assignee_id": ("Assignee Id", "ID de la persona asignada"),
    "creator": ("Creator", "Creador"),
    "creator_id": ("Creator Id", "ID del creador"),
    "watchers": ("Watchers", "Interesados"),
    "watchers_id": ("Watchers Id", "ID de los interesados"),
    "comment": ("Comment", "Comentario"),
}
CUSTOM_FIELD_PREFIXES = ("custom field (", "campo personalizado (")
# Name column → the column holding the same people's account ids, position by position.
PERSON_ID_COLUMNS = (
    ("reporter", "reporter_id"),
    ("assignee", "assignee_id"),
    ("creator", "creator_id"),
    ("watchers", "watchers_id"),
)
# A file is this format when its header has all of these.
REQUIRED = ("key", "summary", "created")

UNRESOLVED = {"unresolved", "sin resolver", "no resuelta", "none", "ninguna"}


class _Header(NamedTuple):
    names: list[str]
    positions: dict[str, list[int]]  # our column name → positions, in header order
    custom: list[int]  # positions of custom field columns


def _read_header(names: list[str]) -> _Header:
    wanted = {alias.casefold(): column for column, aliases in COLUMNS.items() for alias in aliases}
    positions: dict[str, list[int]] = {}
    custom = []
    for position, name in enumerate(names):
        folded = name.strip().casefold()
        column = wanted.get(folded)
        if column:
            positions.setdefault(column, []).append(position)
        elif folded.startswith(CUSTOM_FIELD_PREFIXES):
            custom.append(position)
    return _Header(names, positions, custom)


def sniff(content: Content) -> bool:
    # Only the header line is looked at: content.csv would read the whole file.
    if content.first_char in ("", "{", "[", "<"):
        return False
    head = content.file.data[:65536]
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = line.decode("cp1252", errors="replace")
    for delimiter in (",", ";", "\t"):
        try:
            names = next(csv.reader([text], delimiter=delimiter), [])
        except csv.Error:
            continue
        found = _read_header(names).positions
        if all(column in found for column in REQUIRED):
            return True
    return False


class _Row:
    """One data row, read by our column names, with located errors."""

    def __init__(self, file: str, line: int, cells: list[str], header: _Header) -> None:
        self.file = file
        self.line = line
        self.cells = cells
        self.header = header

    @property
    def location(self) -> str:
        return f"line {self.line}"

    def column_name(self, column: str, index: int = 0) -> str:
        positions = self.header.positions.get(column)
        return self.header.names[positions[index]] if positions else COLUMNS[column][0]

    def all(self, column: str) -> list[tuple[str, str]]:
        """(header name, value) for every non-empty cell of a possibly repeated column."""
        return [
            (self.header.names[p], self.cells[p].strip())
            for p in self.header.positions.get(column, [])
            if self.cells[p].strip()
        ]

    def first(self, column: str) -> str | None:
        values = self.all(column)
        return values[0][1] if values else None

    def required(self, column: str, expected: str) -> str:
        value = self.first(column)
        if value is None:
            raise ImportProblem(
                self.file, self.location, expected, field=self.column_name(column), found=""
            )
        return value


def _person(value: str | None) -> PersonRef | None:
    if not value:
        return None
    return PersonRef(email=value) if "@" in value else PersonRef(name=value)


def _people_by_account(rows: list[_Row]) -> dict[str, str]:
    """Account id → the name (or email) Jira wrote next to it in the same export."""
    people: dict[str, str] = {}
    for row in rows:
        for name_column, id_column in PERSON_ID_COLUMNS:
            names = row.header.positions.get(name_column, [])
            ids = row.header.positions.get(id_column, [])
            for name_position, id_position in zip(names, ids, strict=False):
                name, account = row.cells[name_position].strip(), row.cells[id_position].strip()
                if name and account:
                    people.setdefault(account, name)
    return people


def _comments(
    row: _Row, key: str, people: dict[str, str], options: ImportOptions
) -> list[EventRecord]:
    events = []
    for column, cell in row.all("comment"):
        # "date;accountId;text": the text is everything after the second semicolon.
        parts = cell.split(";", 2)
        if len(parts) < 2:
            raise ImportProblem(
                row.file,
                row.location,
                "a comment as 'date;author;text'",
                field=column,
                found=cell,
            )
        when = local_date(
            parts[0], file=row.file, location=row.location, field=column, options=options
        )
        author = parts[1].strip() if len(parts) == 3 else ""
        text = parts[-1].strip()
        # Line endings inside a cell depend on the tool that last saved the file.
        normalised = cell.replace("\r\n", "\n")
        digest = hashlib.sha256(normalised.encode()).hexdigest()[:16]
        events.append(
            EventRecord(
                when,
                EventKind.NOTE,
                SOURCE,
                # No comment id in a CSV: its content names it, stable across re-exports.
                f"{key}:comment:{digest}",
                text,
                _person(people.get(author)),
            )
        )
    return events


def _resolution(row: _Row) -> str | None:
    value = row.first("resolution")
    # Some exports spell out the absence of a resolution instead of leaving it empty.
    return None if value is None or value.casefold() in UNRESOLVED else value


def _status(
    row: _Row, resolved_raw: str | None, parsed: ParsedFile, unknown: set[str]
) -> tuple[IncidentStatus, str | None]:
    """The incident status and the status category the row is in (if known)."""
    category = category_of_name(row.first("status_category"))
    if category is None:
        category = category_of_name(row.first("status"))
    if category is not None:
        resolved = category == DONE or _resolution(row) is not None
        return (IncidentStatus.RESOLVED if resolved else STATUS_FOR_CATEGORY[category]), category
    if _resolution(row) or resolved_raw:
        return IncidentStatus.RESOLVED, DONE
    status = row.first("status")
    if status and status not in unknown:
        unknown.add(status)
        parsed.warnings.append(
            f"status {status!r} (first at {row.location}) is not one irdesk "
            "knows; its issues are imported as triggered"
        )
    return IncidentStatus.TRIGGERED, None


def _parse_row(
    row: _Row,
    people: dict[str, str],
    options: ImportOptions,
    parsed: ParsedFile,
    unknown: set[str],
) -> IncidentRecord:
    key = row.required("key", "a non-empty issue key such as OPS-123")
    title = row.required("summary", "a non-empty summary")

    def date(column: str, raw: str | None) -> datetime | None:
        if raw is None:
            return None
        return local_date(
            raw,
            file=row.file,
            location=row.location,
            field=row.column_name(column),
            options=options,
        )

    created = local_date(
        row.required("created", "the date the issue was created"),
        file=row.file,
        location=row.location,
        field=row.column_name("created"),
        options=options,
    )
    resolved_raw = row.first("resolved")
    status, category = _status(row, resolved_raw, parsed, unknown)
    category_changed = date("status_category_changed", row.first("status_category_changed"))
    resolved_at = date("resolved", resolved_raw)
    if resolved_at is None and status is IncidentStatus.RESOLVED:
        resolved_at = category_changed

    status_name = row.first("status")
    events = [
        EventRecord(
            created,
            EventKind.NOTE,
            SOURCE,
            f"{key}:created",
            "Created",
            _person(row.first("reporter")),
        )
    ]
    events.extend(_comments(row, key, people, options))
    if category_changed is not None:
        shown = row.first("status_category") or category or "unknown"
        events.append(
            EventRecord(
                category_changed,
                EventKind.STATUS_CHANGE,
                SOURCE,
                f"{key}:status-category:{category_changed.isoformat()}",
                f"Status category: {shown} (status: {status_name or 'unknown'})",
            )
        )

    events.sort(key=lambda event: event.occurred_at)  # stable: the creation stays first

    priority = row.first("priority")
    texts = [title, row.first("description") or "", row.first("environment") or ""]
    texts += [value for _name, value in row.all("labels")]
    texts += [row.cells[p] for p in row.header.custom]
    return IncidentRecord(
        source=SOURCE,
        external_id=key,
        title=title,
        location=row.location,
        summary=row.first("description"),
        service=row.first("components"),
        severity=options.severity(SOURCE, priority),
        severity_raw=priority,
        status=status,
        started_at=created,
        detected_at=created,
        resolved_at=resolved_at,
        events=events,
        references=find_references(texts),
        aliases=[key],
        ticket=TicketState(
            status_name=status_name,
            resolution=_resolution(row),
            assignee=_person(row.first("assignee")),
            changed_at=date("updated", row.first("updated")),
        ),
    )


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    names, raw_rows = content.csv
    header = _read_header(names)
    for column in REQUIRED:
        if column not in header.positions:
            raise ImportProblem(
                content.name,
                "line 1",
                f"a column {' or '.join(repr(a) for a in COLUMNS[column])} (a Jira CSV export)",
                field=COLUMNS[column][0],
                found=", ".join(names[:6]) + ("…" if len(names) > 6 else ""),
            )
    rows = []
    recovery = Recovery(parsed, options)
    for line, cells in raw_rows:
        with recovery.record():
            rows.append(_checked_row(content.name, line, cells, names, header))

    people = _people_by_account(rows)
    seen: dict[str, str] = {}
    unknown: set[str] = set()
    for row in rows:
        with recovery.record():
            record = _parse_row(row, people, options, parsed, unknown)
            if record.external_id in seen:
                raise ImportProblem(
                    content.name,
                    row.location,
                    f"each issue once; {record.external_id} is already at "
                    f"{seen[record.external_id]}",
                    field=row.column_name("key"),
                    found=record.external_id,
                )
            seen[record.external_id] = row.location
            parsed.incidents.append(record)
    return parsed


def _checked_row(
    file: str, line: int, cells: list[str], names: list[str], header: _Header
) -> "_Row":
    """A row with one cell per header column; a cut or overfull one is a located problem."""
    if len(cells) < len(names):
        raise ImportProblem(
            file,
            f"line {line}",
            f"{len(names)} cells, one per header column (the row may be cut short)",
            field=names[len(cells)],
            found=f"{len(cells)} cells",
        )
    if len(cells) > len(names) and any(cell.strip() for cell in cells[len(names) :]):
        raise ImportProblem(
            file,
            f"line {line}",
            f"{len(names)} cells, one per header column (a stray delimiter or quote?)",
            found=f"{len(cells)} cells",
        )
    return _Row(file, line, cells, header)


FORMAT = SourceFormat(
    name="jira-csv",
    label="Jira CSV export, all fields (English or Spanish)",
    sniff=sniff,
    parse=parse,
)
