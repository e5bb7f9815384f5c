"""Timestamps as the tools write them, turned into aware UTC, with located errors."""

from datetime import UTC, datetime, timedelta, tzinfo

from irdesk.importers.problems import ImportProblem


def parse_timestamp(
    value: object,
    *,
    file: str,
    location: str,
    field: str,
    zone: tzinfo | None = None,
    offset: timedelta = timedelta(0),
) -> datetime:
    """ISO 8601 with Z, ±HH:MM or ±HHMM and any fraction. A zone-less value needs `zone`.

    `offset` corrects a source whose clock ran fast (positive) or slow (negative).
    """
    if not isinstance(value, str) or not value.strip():
        raise ImportProblem(file, location, "an ISO 8601 timestamp", field=field, found=value)
    try:
        parsed = datetime.fromisoformat(value if value[-1] == "Z" else value.strip())
    except ValueError:
        raise ImportProblem(
            file,
            location,
            "an ISO 8601 timestamp such as 2026-10-14T09:30:00Z",
            field=field,
            found=value,
        ) from None
    if parsed.tzinfo is None:
        if zone is None:
            raise ImportProblem(
                file,
                location,
                "a timestamp with a time zone; this source has none, so give one (--tz Europe/Madrid)",
                field=field,
                found=value,
                needs_zone=True,
            )
        parsed = parsed.replace(tzinfo=zone)
    if parsed.tzinfo is not UTC:
        parsed = parsed.astimezone(UTC)
    return parsed - offset if offset else parsed


def optional_timestamp(
    value: object,
    *,
    file: str,
    location: str,
    field: str,
    zone: tzinfo | None = None,
    offset: timedelta = timedelta(0),
) -> datetime | None:
    if value is None or value == "":
        return None
    return parse_timestamp(
        value, file=file, location=location, field=field, zone=zone, offset=offset
    )


def utc_if_plain(value: object) -> datetime | None:
    """The common case of parse_timestamp, for hot loops: `…Z` text as aware UTC.

    None for anything else (offsets, blanks, wrong types, bad text), which then needs
    parse_timestamp and its located problems; this never raises. For a value it
    returns, parse_timestamp returns the same (before any clock offset).
    """
    if not isinstance(value, str) or value[-1:] != "Z":
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is UTC else None


def stored_time(value: str) -> str | None:
    """The database's text for a `YYYY-MM-DDTHH:MM:SSZ` time, without making a datetime.

    None for any other shape. Used with utc_if_plain in hot loops, where formatting a
    datetime for every entry costs more than this slicing. The result equals
    irdesk.storage.bulk.stored_text.db_time of the parsed value
    (tests/unit/importers/test_timestamps.py holds them together).
    """
    if (
        len(value) == 20
        and value[4] == "-"
        and value[7] == "-"
        and value[10] in "Tt "
        and value[13] == ":"
        and value[16] == ":"
        and value[19] == "Z"
    ):
        return f"{value[:10]} {value[11:19]}.000000"
    return None
