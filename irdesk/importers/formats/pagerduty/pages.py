"""Which PagerDuty file this is, and reading it whole: pages, single incidents, Airbyte lines."""

from collections.abc import Sequence
from typing import Any

from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.formats.pagerduty.incidents import incident
from irdesk.importers.formats.pagerduty.log_entries import batches
from irdesk.importers.formats.pagerduty.plain_incidents import (
    incident_reader,
    read_incident,
    row_reader,
)
from irdesk.importers.formats.pagerduty.reader import SOURCE, Reader, parsed_record
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.json_stream import JsonArray, is_array
from irdesk.importers.records import ParsedFile
from irdesk.importers.recovery import Recovery, read_incidents

INCIDENT_STREAMS = frozenset({"incidents"})
LOG_ENTRY_STREAMS = frozenset({"incident_logs", "log_entries"})


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
            if is_array(items) and items and looks_like(items[0]):
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
        data = content.json_streamed
    except ImportProblem:
        if first != "{":
            return False
        try:
            lines = content.json_lines
        except ImportProblem:
            return False
        return _airbyte_lines_look_like_pagerduty(lines)
    if is_array(data):
        return bool(data) and (_looks_like_incident(data[0]) or _looks_like_log_entry(data[0]))
    if not isinstance(data, dict):
        return False
    if _is_airbyte_record(data):
        return _airbyte_lines_look_like_pagerduty([(1, data)])
    return _looks_like_page(data)


def _parse_airbyte(reader: Reader, lines: list[tuple[int, Any]], parsed: ParsedFile) -> None:
    log_entries: list[tuple[int | str, object]] = []
    skipped: dict[str, int] = {}
    reader.count_numbers(
        record["data"]
        for _number, record in lines
        if _is_airbyte_record(record) and record["stream"] in INCIDENT_STREAMS
    )
    for number, record in lines:
        location = f"line {number}"
        if not _is_airbyte_record(record):
            raise reader.problem(
                location, "an Airbyte record {stream, data, emitted_at}", found=record
            )
        stream = record["stream"]
        if stream in INCIDENT_STREAMS:
            with parsed_record(reader):
                parsed.incidents.append(read_incident(reader, record["data"], location))
        elif stream in LOG_ENTRY_STREAMS:
            log_entries.append((location, record["data"]))
        else:
            skipped[str(stream)] = skipped.get(str(stream), 0) + 1
    parsed.event_batches.extend(batches(reader, log_entries))
    for stream, count in skipped.items():
        parsed.warnings.append(
            f"{parsed.name}: skipped {count} record(s) of stream {stream!r}; "
            "irdesk reads the incidents and incident_logs streams"
        )


def _parse_list(reader: Reader, key: str, items: Sequence[Any], parsed: ParsedFile) -> None:
    # `items` may be a JsonArray of a large page: each element is decoded as it is read
    # and dropped once it is a record, never all of them at once.
    prefix = key or ""
    if key == "incidents" or (not key and items and _looks_like_incident(items[0])):
        reader.count_numbers(items)
        assert reader.recovery is not None  # set by parse
        streamed = isinstance(items, JsonArray)
        read_incidents(
            reader.recovery,
            items,
            incident_reader(reader, prefix),
            SOURCE,
            streamed=streamed,
            # Streamed, the incidents' log entries are read only as the import writes them
            # (parse warns at once otherwise).
            finished=(lambda: _warn_unknown_types(reader, parsed)) if streamed else None,
            plain=row_reader(reader),
        )
    else:
        parsed.event_batches.extend(batches(reader, enumerate(items), prefix))


def _page_items(reader: Reader, data: dict[str, Any], key: str, what: str) -> Sequence[Any]:
    """A page's list, whole or (in a large file) read an element at a time."""
    items = data[key]
    if not is_array(items):
        raise reader.problem("", what, field=key, found=items)
    return items  # type: ignore[no-any-return]


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    reader = Reader(content.name, options)
    reader.recovery = Recovery(parsed, options)
    try:
        data = content.json_streamed
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
        elif is_array(data):
            _parse_list(reader, "", data, parsed)
        elif isinstance(data, dict) and "incidents" in data:
            items = _page_items(reader, data, "incidents", "a list of incidents")
            _parse_list(reader, "incidents", items, parsed)
        elif isinstance(data, dict) and "log_entries" in data:
            items = _page_items(reader, data, "log_entries", "a list of log entries")
            _parse_list(reader, "log_entries", items, parsed)
        elif isinstance(data, dict) and "incident" in data:
            reader.count_numbers([data["incident"]])
            parsed.incidents.append(incident(reader, data["incident"], "incident"))
        else:
            raise reader.problem(
                "",
                "a PagerDuty page with 'incidents' or 'log_entries'",
                found=list(data)[:6] if isinstance(data, dict) else data,
            )
    if parsed.incident_stream is None:
        _warn_unknown_types(reader, parsed)
    return parsed


def _warn_unknown_types(reader: Reader, parsed: ParsedFile) -> None:
    for entry_type, count in reader.unknown_log_types.items():
        parsed.warnings.append(
            f"{parsed.name}: {count} log entr{'y' if count == 1 else 'ies'} of unknown type "
            f"{entry_type!r} imported as notes"
        )


FORMAT = SourceFormat(
    name="pagerduty",
    label="PagerDuty REST API v2 (incidents, log entries; Airbyte JSON Lines)",
    sniff=sniff,
    parse=parse,
)
