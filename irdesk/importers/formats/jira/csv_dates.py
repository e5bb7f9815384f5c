"""Dates as a Jira CSV export writes them: in the interface language, without a zone.

``18/jul/26 9:10 AM``, ``18/Jul/26 9:10 AM``, ``18/jul/26 21:10`` or ``2026-07-18 09:10``,
month names in English or Spanish. The zone is never guessed: without one given, the
first date stops the import with a problem that asks for it.
"""

import re
from datetime import UTC, datetime

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.formats.jira import SOURCE
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.timestamps import parse_timestamp

MONTHS: dict[str, int] = {
    # English
    **{
        name: number
        for number, name in enumerate(
            ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
            start=1,
        )
    },
    "sept": 9,
    # Spanish (mar and may are the same words)
    "ene": 1,
    "abr": 4,
    "ago": 8,
    "dic": 12,
}
# "18/jul/26 9:10 AM", "18/Jul/2026 21:10", "18/jul./26 9:10 p. m."
LOCAL_DATE = re.compile(
    r"""^\s*(?P<day>\d{1,2})/(?P<month>[^\W\d_]+)\.?/(?P<year>\d{2}|\d{4})
        \s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?
        \s*(?P<half>[ap])?(?:\.?\s?m\.?)?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
ISO_LIKE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}")
NO_ZONE = (
    "a time zone for these dates: Jira CSV exports write local times without one, so "
    "give the zone they were exported in (--tz Europe/Madrid)"
)


def local_date(
    raw: str, *, file: str, location: str, field: str, options: ImportOptions
) -> datetime:
    """A Jira CSV date, in options.zone, as aware UTC."""
    if ISO_LIKE.match(raw):
        return parse_timestamp(
            raw,
            file=file,
            location=location,
            field=field,
            zone=options.zone,
            offset=options.offset(SOURCE),
        )
    match = LOCAL_DATE.match(raw)
    if match is None:
        raise ImportProblem(
            file,
            location,
            "a Jira date such as 18/jul/26 9:10 AM or 2026-07-18 09:10",
            field=field,
            found=raw,
        )
    month_name = match["month"].casefold()
    month = MONTHS.get(month_name)
    if month is None:
        raise ImportProblem(
            file,
            location,
            "a month name in English (jan…dec) or Spanish (ene…dic), as in 18/jul/26 9:10 AM",
            field=field,
            found=raw,
        )
    year = int(match["year"])
    if len(match["year"]) == 2:
        # The pivot Python's %y uses, the usual one for two-digit years.
        year += 2000 if year < 69 else 1900
    hour = int(match["hour"])
    if match["half"]:
        if not 1 <= hour <= 12:
            raise ImportProblem(
                file, location, "an hour from 1 to 12 before AM/PM", field=field, found=raw
            )
        hour = hour % 12 + (12 if match["half"].casefold() == "p" else 0)
    if options.zone is None:
        raise ImportProblem(file, location, NO_ZONE, field=field, found=raw, needs_zone=True)
    try:
        local = datetime(
            year,
            month,
            int(match["day"]),
            hour,
            int(match["minute"]),
            int(match["second"] or 0),
            tzinfo=options.zone,
        )
    except ValueError as exc:
        raise ImportProblem(
            file, location, f"a real date and time ({exc})", field=field, found=raw
        ) from None
    return local.astimezone(UTC) - options.offset(SOURCE)
