"""Any CSV or JSON export, read through a column mapping (format "csv").

Accepted files
--------------
- CSV with a header row (comma, semicolon or tab; UTF-8, or Windows-1252 as
  spreadsheets write it);
- a JSON array of flat objects, one per incident; its "header" is every key in the
  order first seen.

Such a file is recognised only when a mapping fits its header: the one the user set
for this header before (MappingStore, by header signature) or the one this import
carries (ImportOptions.column_mapping). Without one, detection fails as for any file
irdesk does not read, and the mapping dialog can offer `suggest_mapping`. This format
comes last in detection, so a mapping never takes a file from a real importer.

Fields
------
The mapping names a column for each field; ``external_id`` and ``title`` are
required. Incidents are keyed ``(mapping.source, external_id)``.

- Times: ISO 8601, or the mapping's ``date_format`` (a strptime pattern). A time
  without a zone takes the mapping's ``zone``, else ImportOptions.zone; with neither,
  the import stops at the first such cell: a zone is never guessed.
- Severity: the source's severity map (ImportOptions.severity_maps[source]), else
  SEV1..SEV5 written out ("SEV2", "sev 2", "Sev-2"); anything else keeps only the raw value.
- Status: triggered/acknowledged/mitigated/resolved and common synonyms (open,
  investigating, identified, monitoring, closed, done, …); empty or unknown values
  follow the times (resolved_at → resolved, …), unknown ones with a warning.
- Aliases: the id, "#<id>" when it is a number (so chat channels named inc-<id> link),
  and the URL.

Every bad cell stops the import with its line (or ``[index]`` in JSON), its column
and what was expected.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import overload
from zoneinfo import ZoneInfo

from irdesk.domain.enums import IncidentStatus, Severity
from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.column_mapping import (
    ColumnMapping,
    MappingStore,
    MappingStoreError,
    normalise,
)
from irdesk.importers.reading.json_stream import is_array
from irdesk.importers.reading.sources import SourceFile
from irdesk.importers.reading.timestamps import parse_timestamp
from irdesk.importers.records import IncidentRecord, IncidentStream, ParsedFile
from irdesk.importers.recovery import Recovery, read_incidents

STATUSES: dict[str, IncidentStatus] = {
    **dict.fromkeys(
        ("triggered", "open", "new", "investigating", "active", "firing", "reported"),
        IncidentStatus.TRIGGERED,
    ),
    **dict.fromkeys(
        ("acknowledged", "acked", "identified", "in progress", "assigned", "working"),
        IncidentStatus.ACKNOWLEDGED,
    ),
    **dict.fromkeys(("mitigated", "monitoring", "workaround"), IncidentStatus.MITIGATED),
    **dict.fromkeys(
        ("resolved", "closed", "done", "fixed", "completed", "complete", "postmortem"),
        IncidentStatus.RESOLVED,
    ),
}
_SEVERITIES = {f"sev{rank}": Severity(f"SEV{rank}") for rank in range(1, 6)}
# How far the JSON "header" looks for keys: a whole big file is read only by parse.
_SNIFF_ITEMS = 200


@dataclass
class Table:
    """A file's header and rows: (location for messages, cell by header column)."""

    header: list[str]
    rows: Sequence[tuple[str, dict[str, object]]]


class _StreamedRows(Sequence[tuple[str, dict[str, object]]]):
    """The rows of a large JSON array, each made when it is asked for: a million rows are
    never all in memory at once. Every element was checked to be an object already."""

    def __init__(self, items: Sequence[object]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> tuple[str, dict[str, object]]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, dict[str, object]]]: ...
    def __getitem__(
        self, index: int | slice
    ) -> tuple[str, dict[str, object]] | list[tuple[str, dict[str, object]]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        position = range(len(self))[index]
        return _row(position, self._items[position])  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[tuple[str, dict[str, object]]]:
        for index, item in enumerate(self._items):
            yield _row(index, item)  # type: ignore[arg-type]


def _row(index: int, item: dict[object, object]) -> tuple[str, dict[str, object]]:
    return f"[{index}]", {str(key): value for key, value in item.items()}


def _json_table(content: Content, limit: int | None = None) -> Table:
    # A large array comes as a JsonArray, read an element at a time.
    data = content.json_streamed
    if not is_array(data):
        raise ImportProblem(
            content.name, "top level", "a JSON array of objects, one per incident", found=data
        )
    header: dict[str, None] = {}
    for index, item in enumerate(data if limit is None else data[:limit]):
        if not isinstance(item, dict):
            raise ImportProblem(content.name, f"[{index}]", "an object (one incident)", found=item)
        header.update(dict.fromkeys(str(key) for key in item))
    items = data if limit is None else data[:limit]
    rows: Sequence[tuple[str, dict[str, object]]] = (
        [_row(index, item) for index, item in enumerate(items)]
        if isinstance(items, list)
        else _StreamedRows(items)
    )
    return Table(list(header), rows)


def _csv_table(content: Content) -> Table:
    # A large file's rows come as CsvRows, each parsed as it is read.
    header, raw_rows = content.csv_streamed
    if isinstance(raw_rows, list):
        return Table(list(header), [_csv_row(header, line, cells) for line, cells in raw_rows])
    return Table(list(header), _StreamedCsvRows(header, raw_rows))


def _csv_row(header: list[str], line: int, cells: list[str]) -> tuple[str, dict[str, object]]:
    row: dict[str, object] = {}
    for name, cell in zip(header, cells, strict=False):
        row.setdefault(name, cell)  # a repeated column: the first one counts
    return f"line {line}", row


class _StreamedCsvRows(Sequence[tuple[str, dict[str, object]]]):
    """The rows of a large CSV file, each made when it is asked for (as _StreamedRows)."""

    def __init__(self, header: list[str], rows: Sequence[tuple[int, list[str]]]) -> None:
        self._header = header
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> tuple[str, dict[str, object]]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, dict[str, object]]]: ...
    def __getitem__(
        self, index: int | slice
    ) -> tuple[str, dict[str, object]] | list[tuple[str, dict[str, object]]]:
        if isinstance(index, slice):
            return [_csv_row(self._header, *row) for row in self._rows[index]]
        return _csv_row(self._header, *self._rows[index])

    def __iter__(self) -> Iterator[tuple[str, dict[str, object]]]:
        for line, cells in self._rows:
            yield _csv_row(self._header, line, cells)


def read_table(content: Content) -> Table:
    """The file as a table; raises a located ImportProblem for a file that is none."""
    if content.first_char in ("[", "{"):
        return _json_table(content)
    return _csv_table(content)


def read_header(content: Content) -> list[str] | None:
    """The file's column names, or None for a file that is no table; never raises."""
    try:
        if content.first_char == "[":
            return _json_table(content, _SNIFF_ITEMS).header or None
        if content.first_char in ("", "{", "<"):
            return None
        header, _rows = content.csv_streamed
    except ImportProblem:
        return None
    return header if len(header) > 1 else None  # one column is plain text, not a table


def _stored(header: Sequence[str]) -> ColumnMapping | None:
    try:
        return MappingStore().for_header(header)
    except MappingStoreError:
        return None  # an unreadable store recognises nothing; the dialog reports it


def mapping_for(header: Sequence[str], options: ImportOptions) -> ColumnMapping | None:
    """This import's mapping when it fits the header, else the one stored for it."""
    if options.column_mapping is not None and options.column_mapping.fits(header):
        return options.column_mapping
    stored = _stored(header)
    return stored if stored is not None and stored.fits(header) else None


def sniff_with(content: Content, options: ImportOptions) -> bool:
    header = read_header(content)
    return header is not None and mapping_for(header, options) is not None


def sniff(content: Content) -> bool:
    """Only files whose header has a stored mapping (see sniff_with for this import's own)."""
    return sniff_with(content, ImportOptions())


class _Row:
    """One row read through the mapping, with located errors."""

    def __init__(
        self,
        file: str,
        location: str,
        cells: Mapping[str, object],
        columns: Mapping[str, str],
        mapping: ColumnMapping,
        zone: tzinfo | None,
        options: ImportOptions,
    ) -> None:
        self.file = file
        self.location = location
        self.cells = cells
        self.columns = columns  # field → the header's own spelling of its column
        self.mapping = mapping
        self.zone = zone
        self.options = options

    def problem(self, name: str, expected: str, found: object) -> ImportProblem:
        return ImportProblem(
            self.file, self.location, expected, field=self.columns[name], found=found
        )

    def text(self, name: str) -> str | None:
        if name not in self.columns:
            return None
        value = self.cells.get(self.columns[name])
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        if not isinstance(value, str):
            raise self.problem(name, "a single value (text, number or date)", value)
        return value.strip() or None

    def required(self, name: str, expected: str) -> str:
        value = self.text(name)
        if value is None:
            raise self.problem(name, expected, self.cells.get(self.columns[name], ""))
        return value

    def time(self, name: str) -> datetime | None:
        value = self.text(name)
        if value is None:
            return None
        offset = self.options.offset(self.mapping.source)
        pattern = self.mapping.date_format
        if pattern is None:
            return parse_timestamp(
                value,
                file=self.file,
                location=self.location,
                field=self.columns[name],
                zone=self.zone,
                offset=offset,
            )
        try:
            parsed = datetime.strptime(value, pattern)  # noqa: DTZ007 (the zone is added below)
        except ValueError:
            example = datetime(2026, 10, 14, 9, 30, tzinfo=UTC).strftime(pattern)
            raise self.problem(name, f"a time like {example} ({pattern})", value) from None
        if parsed.tzinfo is None:
            if self.zone is None:
                raise self.problem(
                    name,
                    "a time with a zone; these have none, so set one in the column mapping "
                    "or give one (--tz Europe/Madrid)",
                    value,
                )
            parsed = parsed.replace(tzinfo=self.zone)
        return parsed.astimezone(UTC) - offset


def _severity(source: str, raw: str | None, options: ImportOptions) -> Severity | None:
    mapped = options.severity(source, raw)
    if mapped is not None or raw is None:
        return mapped
    return _SEVERITIES.get("".join(raw.split()).replace("-", "").replace("_", "").casefold())


def _status_from_times(record: IncidentRecord) -> IncidentStatus:
    if record.resolved_at is not None:
        return IncidentStatus.RESOLVED
    if record.mitigated_at is not None:
        return IncidentStatus.MITIGATED
    if record.acknowledged_at is not None:
        return IncidentStatus.ACKNOWLEDGED
    return IncidentStatus.TRIGGERED


def _header_columns(header: Sequence[str], mapping: ColumnMapping) -> dict[str, str]:
    """field → the column as this file spells it (mappings match names loosely)."""
    spelled: dict[str, str] = {}
    for column in header:
        spelled.setdefault(normalise(column), column)
    return {name: spelled[normalise(column)] for name, column in mapping.columns.items()}


def parse_with(
    content: Content,
    mapping: ColumnMapping,
    options: ImportOptions,
    *,
    limit: int | None = None,
) -> ParsedFile:
    """The file read through `mapping`; `limit` rows only, for the mapping dialog's preview."""
    parsed = content.parsed(FORMAT.name)
    table = read_table(content)
    first = "line 1" if content.first_char not in ("[", "{") else "top level"
    missing = mapping.missing()
    if missing:
        raise ImportProblem(
            content.name, first, f"a column mapping with a column for {', '.join(missing)}"
        )
    absent = mapping.absent_columns(table.header)
    if absent:
        raise ImportProblem(
            content.name,
            first,
            f"the column(s) the mapping names: {', '.join(map(repr, absent))}",
            found="columns " + ", ".join(table.header[:8]),
        )
    columns = _header_columns(table.header, mapping)
    zone = ZoneInfo(mapping.zone) if mapping.zone else options.zone
    source = mapping.source
    # Where each id was first met, by row index: a large file's location texts are made
    # again only for the problem. Written as it is read (stream), a million rows would
    # keep a million ids here; the streamed write finds an id met twice itself, and the
    # import is then read again whole, which says where.
    seen: dict[str, int] = {}
    stream: IncidentStream | None = None
    unknown_statuses: dict[str, int] = {}
    rows = table.rows if limit is None else table.rows[:limit]

    def read(index: int, item: tuple[str, Mapping[str, object]]) -> IncidentRecord:
        location, cells = item
        row = _Row(content.name, location, cells, columns, mapping, zone, options)
        external_id = row.required("external_id", "an incident id in every row")
        if stream is None or stream.whole:
            if external_id in seen:
                raise row.problem(
                    "external_id",
                    f"each incident once; it is already at {rows[seen[external_id]][0]}",
                    external_id,
                )
            seen[external_id] = index
        severity_raw = row.text("severity")
        url = row.text("url")
        record = IncidentRecord(
            source=source,
            external_id=external_id,
            title=row.required("title", "an incident title in every row"),
            location=location,
            summary=row.text("summary"),
            url=url,
            service=row.text("service"),
            severity=_severity(source, severity_raw, options),
            severity_raw=severity_raw,
            started_at=row.time("started_at"),
            detected_at=row.time("detected_at"),
            acknowledged_at=row.time("acknowledged_at"),
            mitigated_at=row.time("mitigated_at"),
            resolved_at=row.time("resolved_at"),
        )
        status = row.text("status")
        known = (
            STATUSES.get(" ".join(status.replace("_", " ").split()).casefold()) if status else None
        )
        if status is not None and known is None:
            unknown_statuses[status] = unknown_statuses.get(status, 0) + 1
        record.status = known or _status_from_times(record)
        aliases = [external_id]
        if external_id.isdigit():
            aliases.append(f"#{external_id}")
        if url:
            aliases.append(url)
        record.aliases = aliases
        return record

    def warn() -> None:
        for status, count in unknown_statuses.items():
            parsed.warnings.append(
                f"status {status!r} ({count} row(s)) is none irdesk knows; "
                "those incidents take their status from their times"
            )

    stream = read_incidents(
        Recovery(parsed, options),
        rows,
        read,
        source,
        streamed=isinstance(rows, _StreamedRows | _StreamedCsvRows),
        finished=warn,
    )
    return parsed


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    header = read_header(content)
    mapping = mapping_for(header, options) if header is not None else None
    if mapping is None:
        read_table(content)  # a file that is no table says where it breaks
        given = options.column_mapping
        absent = given.absent_columns(header) if given is not None and header else []
        if absent:
            # The user named the columns (--column, or the dialog): say which are not there.
            raise ImportProblem(
                content.name,
                "line 1" if content.first_char not in ("[", "{") else "top level",
                f"the column{'s' if len(absent) > 1 else ''} the mapping names: "
                + ", ".join(repr(name) for name in absent),
                found="columns " + ", ".join(header[:12]),
            )
        raise ImportProblem(
            content.name,
            "line 1" if content.first_char not in ("[", "{") else "top level",
            "a column mapping for these columns (set one in the column mapping dialog)",
            found="columns " + ", ".join(header[:8]) if header else "no columns",
        )
    return parse_with(content, mapping, options)


@dataclass(frozen=True)
class _GenericFormat(SourceFormat):
    """Recognises files by this import's own mapping too (parsing.ReadsWithImport)."""

    def sniff_in_import(
        self, content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
    ) -> bool:
        return sniff_with(content, options)

    def parse_in_import(
        self, content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
    ) -> ParsedFile:
        return parse(content, options)


FORMAT = _GenericFormat(
    name="csv",
    label="CSV or JSON with a column mapping",
    sniff=sniff,
    parse=parse,
)
