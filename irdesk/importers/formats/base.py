"""What every source format provides, and the file content they all read from."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta, tzinfo
from functools import cached_property
from typing import Any

from irdesk.domain.enums import Severity
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading import sources
from irdesk.importers.reading.column_mapping import ColumnMapping
from irdesk.importers.reading.severity import map_severity
from irdesk.importers.reading.sources import SourceFile
from irdesk.importers.records import ParsedFile


@dataclass(frozen=True)
class ImportOptions:
    # For sources whose timestamps carry no zone (CSV exports): never guessed.
    zone: tzinfo | None = None
    # Per source name ("pagerduty", "jira", …): how far that tool's clock ran ahead.
    clock_offsets: Mapping[str, timedelta] = field(default_factory=dict)
    # A format name the user chose instead of detection.
    format: str | None = None
    # Per source: raw priority/impact (case-insensitive) → severity, over the defaults.
    severity_maps: Mapping[str, Mapping[str, Severity]] = field(default_factory=dict)
    # Slack: channel name → incident key ("#12728", "pagerduty:PH4UE4E", a URL), over the
    # link guessed from the channel's name or topic; a channel named here must link.
    slack_channels: Mapping[str, str] = field(default_factory=dict)
    # Slack: messages with this reaction (and pinned ones) become key moments.
    key_reaction: str = "pushpin"
    # Generic CSV/JSON: a mapping for this import only (the stored ones apply anyway).
    column_mapping: ColumnMapping | None = None
    # Recoverable problems (a blank title, a blank id beside a unique number) are read with
    # a fallback and a warning; strict refuses the import on them, as it was before.
    strict: bool = False
    # An unrecoverable record is left out and listed in the report, not the whole import.
    skip_bad_records: bool = False
    # A re-import may empty a stored field the files no longer give; by default the stored
    # value stays and the report lists it (a map missing from the command line must not
    # blank every severity).
    allow_emptying: bool = False
    # "source:external id" of tickets the preview marked as no incidents (a Jira backlog
    # story): written classified so, in the import's transaction.
    not_incidents: frozenset[str] = frozenset()

    def offset(self, source: str) -> timedelta:
        return self.clock_offsets.get(source, timedelta(0))

    def severity(self, source: str, raw: str | None) -> Severity | None:
        return map_severity(source, raw, self.severity_maps)


class Content:
    """One file with its parsed views computed once, shared by sniffing and parsing."""

    def __init__(self, file: SourceFile) -> None:
        self.file = file

    @property
    def name(self) -> str:
        return self.file.name

    @cached_property
    def first_char(self) -> str:
        head = self.file.data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
        return chr(head[0]) if head else ""

    @cached_property
    def json(self) -> Any:
        return sources.load_json(self.file)

    @cached_property
    def json_streamed(self) -> Any:
        """`json`, but for a large file its arrays (the top level's, or those of the top-level
        object) are read an element at a time (JsonArray), for formats that take their
        records one by one; `reading.json_stream.is_array` tells either kind of array."""
        # A small file, or one some sniffer already read whole: the whole reading, once.
        if "json" in self.__dict__ or not sources.reads_as_stream(self.file):
            return self.json
        return sources.load_json_streamed(self.file, from_bytes=0)

    def json_object(self) -> dict[str, Any] | None:
        """The file's top-level JSON object, or None for anything else. For sniffers,
        which must never raise on another format's file.

        A large file's object comes from the streamed reading (its arrays as JsonArray,
        which `json_stream.is_array` tells): a sniffer looks at its keys and first items,
        and a whole parse made for it would be kept for the file's own parse, defeating
        the streamed one."""
        if self.first_char != "{":
            return None
        try:
            data = self.json_streamed
        except ImportProblem:
            return None
        return data if isinstance(data, dict) else None

    @cached_property
    def json_lines(self) -> list[tuple[int, Any]]:
        return sources.load_json_lines(self.file)

    @cached_property
    def csv(self) -> tuple[list[str], list[tuple[int, list[str]]]]:
        return sources.load_csv(self.file)

    @cached_property
    def csv_streamed(self) -> tuple[list[str], Sequence[tuple[int, list[str]]]]:
        """`csv`, but a large file's rows are made one at a time as they are read
        (sources.CsvRows), for formats that take their records one by one."""
        if "csv" in self.__dict__:
            return self.csv
        return sources.load_csv_streamed(self.file)

    def parsed(self, format_name: str) -> ParsedFile:
        return ParsedFile(
            name=self.file.name, sha256=self.file.sha256, size=self.file.size, format=format_name
        )


@dataclass(frozen=True)
class SourceFormat:
    name: str  # "pagerduty"; also what --source takes
    label: str  # "PagerDuty REST API v2 (incidents, log entries)"
    sniff: Callable[[Content], bool]  # cheap and never raises for a file of another format
    parse: Callable[[Content, ImportOptions], ParsedFile]
