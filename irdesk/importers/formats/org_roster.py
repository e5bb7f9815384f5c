"""A roster of people: one row per person with their team, zone, hourly rate, start date.

Accepted files
--------------
A CSV (or a JSON array of flat objects) read as the generic importer reads tables
(`generic.read_table`: the same dialects, encodings and located rows), whose columns
are recognised by name, compared as column mappings compare them (`normalise`: case,
spacing, ``_``/``-``/camelCase aside):

- the person: ``name`` (or full name, person, employee) and/or ``email``; one of them
  is required in every row, and keys the person (email first);
- ``team``, ``role`` (or title, job title), ``time zone`` (or timezone, tz, zone),
  ``hourly rate`` (or rate, hourly cost), ``start date`` (or started, hire date),
  ``seniority`` (or level).

A file is taken for a roster when it has a person column and at least two of team,
time zone, hourly rate and start date, and no incident columns (title, severity, …),
so an incident table never reads as one. A Rails zone name ("Eastern Time (US &
Canada)") is mapped to IANA with a warning; any other bad cell stops the import with its
line and column. Rows are keyed ``roster:<email or name>``, so a re-import of the same
roster changes nothing.
"""

from datetime import date

from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.formats.generic import read_header, read_table
from irdesk.importers.org_records import PersonRecord, TeamMemberRecord, TeamRecord
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.column_mapping import normalise
from irdesk.importers.reading.zones import UnknownZone, iana_zone
from irdesk.importers.records import ParsedFile

SOURCE = "roster"
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "person", "employee", "display name"),
    "email": ("email", "e mail", "email address", "mail"),
    "team": ("team", "team name", "squad"),
    "role": ("role", "title", "job title", "position"),
    "time_zone": ("time zone", "timezone", "tz", "zone", "time zone name"),
    "hourly_rate": ("hourly rate", "rate", "hourly cost", "cost per hour", "rate per hour"),
    "start_date": ("start date", "started", "started on", "hire date", "start"),
    "seniority": ("seniority", "level", "grade"),
}
_DESCRIBING = ("team", "time_zone", "hourly_rate", "start_date")
# Columns of an incident table: such a file is never a roster.
_INCIDENT_COLUMNS = frozenset({"title", "severity", "priority", "status", "started at", "created"})


def columns_of(header: list[str]) -> dict[str, str]:
    """Roster field → the header's own spelling of its column (the first that matches)."""
    by_name = {normalise(column): column for column in reversed(header)}
    found = {}
    for name, spellings in COLUMNS.items():
        for spelling in spellings:
            if spelling in by_name:
                found[name] = by_name[spelling]
                break
    return found


def sniff(content: Content) -> bool:
    header = read_header(content)
    if header is None or _INCIDENT_COLUMNS & {normalise(c) for c in header}:
        return False
    found = columns_of(header)
    person = "name" in found or "email" in found
    return person and sum(name in found for name in _DESCRIBING) >= 2


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    table = read_table(content)
    columns = columns_of(table.header)
    out = parsed.directory
    teams: set[str] = set()
    for location, cells in table.rows:

        def cell(
            name: str, location: str = location, cells: dict[str, object] = cells
        ) -> str | None:
            column = columns.get(name)
            value = cells.get(column) if column else None
            if value is None:
                return None
            text = str(value).strip()
            return text or None

        def bad(name: str, expected: str, location: str = location) -> ImportProblem:
            return ImportProblem(
                content.name, location, expected, field=columns[name], found=cell(name)
            )

        name, email = cell("name"), cell("email")
        if name is None and email is None:
            field = columns.get("name") or columns["email"]
            raise ImportProblem(
                content.name, location, "the person's name or email", field=field, found=""
            )
        key = (email or name or "").casefold()
        zone = cell("time_zone")
        if zone is not None:
            try:
                zone, translated = iana_zone(zone)
            except UnknownZone:
                raise bad("time_zone", "an IANA time zone such as Europe/Berlin") from None
            if translated:
                parsed.warnings.append(
                    f"{location}: time zone {cell('time_zone')!r} is not an IANA name; read as {zone}"
                )
        rate = cell("hourly_rate")
        hourly_rate = None
        if rate is not None:
            try:
                hourly_rate = float(rate.replace(",", ""))
            except ValueError:
                raise bad("hourly_rate", "a number (an hourly rate)") from None
            if hourly_rate < 0:
                raise bad("hourly_rate", "a rate of 0 or more")
        started = cell("start_date")
        start_date = None
        if started is not None:
            try:
                start_date = date.fromisoformat(started)
            except ValueError:
                raise bad("start_date", "a date like 2024-03-01") from None
        out.people.append(
            PersonRecord(
                SOURCE,
                key,
                location,
                name=name or email,
                email=email,
                role=cell("role"),
                time_zone=zone,
                hourly_rate=hourly_rate,
                start_date=start_date,
                seniority=cell("seniority"),
            )
        )
        team = cell("team")
        if team is not None:
            if team.casefold() not in teams:
                teams.add(team.casefold())
                out.teams.append(TeamRecord(SOURCE, team, team, location))
            out.team_members.append(TeamMemberRecord(SOURCE, team, key))
    return parsed


FORMAT = SourceFormat(
    name="roster",
    label="roster CSV (people, team, time zone, hourly rate, start date)",
    sniff=sniff,
    parse=parse,
)
