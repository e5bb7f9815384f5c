"""Which column of a user's own CSV or JSON export holds which incident field.

A tool irdesk has no importer for (an in-house tracker, a spreadsheet) is read
through a mapping the user sets once in the mapping dialog. irdesk remembers it
per header signature, so the next export with the same columns imports without
asking again.

The signature ignores column order and spelling details (case, surrounding
space, ``_``/``-``/``.``/camelCase versus space): a mapping names columns, not positions,
so an export whose columns were reordered still reads correctly with it. Adding,
removing or renaming a column makes a new signature, because a mapping may then
point at a column that is gone.

The same file remembers severity maps per source (`--severity jira:Blocker=SEV1`), so
that a re-import without them maps as the import before it did.

This module depends on nothing else in irdesk.importers, so ImportOptions can
carry a ColumnMapping without an import cycle.
"""

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from irdesk.domain.enums import Severity
from irdesk.storage.files import write_atomically
from irdesk.storage.paths import config_dir

# Every incident field a mapping can fill, in the order the dialog shows them.
FIELDS = (
    "external_id",
    "title",
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "severity",
    "service",
    "status",
    "url",
    "summary",
)
REQUIRED_FIELDS = ("external_id", "title")
TIME_FIELDS = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")
STORE_FILE = "column-mappings.json"
STORE_VERSION = 1
# Severity maps (--severity SOURCE:VALUE=SEVn) are remembered in the same file, per source.
SEVERITY_KEY = "severity_maps"
SEVERITY_VALUES = frozenset(severity.value for severity in Severity)
# JSON APIs write startedAt where spreadsheets write "Started at".
_CAMEL_CASE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


class MappingStoreError(ValueError):
    """The stored mappings file cannot be read; nothing is overwritten until it can."""


@dataclass(frozen=True)
class ColumnMapping:
    """field → column name. Incomplete mappings exist (a dialog's suggestion); see `missing`."""

    source: str  # what these incidents are keyed under: "servicenow", "ops-tracker"
    columns: Mapping[str, str] = field(default_factory=dict)
    # A strptime pattern ("%d/%m/%Y %H:%M") for times that are not ISO 8601.
    date_format: str | None = None
    # An IANA zone name for zone-less times; over ImportOptions.zone, being specific to this export.
    zone: str | None = None

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise ValueError("a column mapping needs a source name (what the incidents come from)")
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise ValueError(
                f"unknown incident field(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}"
            )
        empty = sorted(name for name, column in self.columns.items() if not column.strip())
        if empty:
            raise ValueError(f"no column named for {', '.join(empty)}")
        if self.zone is not None:
            try:
                ZoneInfo(self.zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone {self.zone!r}; use a name like Europe/Madrid"
                ) from None

    def missing(self) -> list[str]:
        """Required fields without a column: such a mapping cannot import anything yet."""
        return [name for name in REQUIRED_FIELDS if name not in self.columns]

    @property
    def is_complete(self) -> bool:
        return not self.missing()

    def absent_columns(self, header: Sequence[str]) -> list[str]:
        """Mapped columns the header lacks (compared like the signature compares names)."""
        present = {normalise(name) for name in header}
        return [column for column in self.columns.values() if normalise(column) not in present]

    def fits(self, header: Sequence[str]) -> bool:
        return self.is_complete and not self.absent_columns(header)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "columns": {name: self.columns[name] for name in FIELDS if name in self.columns},
            "date_format": self.date_format,
            "zone": self.zone,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> "ColumnMapping":
        columns = value.get("columns")
        if not isinstance(columns, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
        ):
            raise ValueError("columns must map field names to column names")
        date_format, zone = value.get("date_format"), value.get("zone")
        return cls(
            source=str(value.get("source") or ""),
            columns=dict(columns),
            date_format=date_format if isinstance(date_format, str) and date_format else None,
            zone=zone if isinstance(zone, str) and zone else None,
        )


def normalise(column: str) -> str:
    """'  Resolved_At ', 'resolvedAt' → 'resolved at': how two headers are compared."""
    text = _CAMEL_CASE.sub(" ", column.lstrip("\ufeff"))
    return " ".join(re.sub(r"[_\-.]+", " ", text).split()).casefold()


def header_signature(header: Sequence[str]) -> str:
    """A stable key for a header: the same columns in any order give the same signature."""
    names = sorted(normalise(name) for name in header)
    # A unit separator cannot occur in a normalised name, so no two headers collide by joining.
    digest = hashlib.sha256("\x1f".join(names).encode("utf-8")).hexdigest()
    return f"v1:{digest[:24]}"


class MappingStore:
    """Mappings by header signature, in one JSON file under the config folder."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else config_dir() / STORE_FILE

    def _document(self) -> dict[str, Any]:
        """The whole file: column mappings, and the severity maps kept beside them."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise MappingStoreError(f"cannot read {self.path}: {exc}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingStoreError(f"{self.path} is not valid JSON ({exc.msg})") from exc
        if not isinstance(data, dict) or not isinstance(data.get("mappings", {}), dict):
            raise MappingStoreError(f"{self.path} holds no column mappings")
        return data

    def _read(self) -> dict[str, Any]:
        entries: dict[str, Any] = self._document().get("mappings", {})
        return entries

    def load_all(self) -> dict[str, ColumnMapping]:
        """Every readable entry; one a newer or hand-edited file garbled is left out, not fatal."""
        mappings = {}
        for signature, entry in self._read().items():
            if not isinstance(entry, dict):
                continue
            try:
                mappings[signature] = ColumnMapping.from_json(entry)
            except ValueError:
                continue
        return mappings

    def get(self, signature: str) -> ColumnMapping | None:
        return self.load_all().get(signature)

    def for_header(self, header: Sequence[str]) -> ColumnMapping | None:
        return self.get(header_signature(header))

    def save(self, header: Sequence[str], mapping: ColumnMapping) -> str:
        """Remember `mapping` for `header`; returns the signature it is stored under."""
        missing = mapping.missing()
        if missing:
            raise ValueError(f"a column mapping needs a column for {', '.join(missing)}")
        absent = mapping.absent_columns(header)
        if absent:
            raise ValueError(f"the header has no column {', '.join(map(repr, absent))}")
        signature = header_signature(header)
        entries = self._read()
        # The header is kept for people reading the file; only the signature is looked up.
        entries[signature] = {**mapping.to_json(), "header": list(header)}
        self._write(entries)
        return signature

    def delete(self, signature: str) -> bool:
        entries = self._read()
        if entries.pop(signature, None) is None:
            return False
        self._write(entries)
        return True

    def severity_maps(self) -> dict[str, dict[str, Severity]]:
        """Per source, raw priority → severity, as remembered from earlier imports'
        --severity options; an entry a newer or hand-edited file garbled is left out."""
        stored = self._document().get(SEVERITY_KEY)
        maps: dict[str, dict[str, Severity]] = {}
        if not isinstance(stored, dict):
            return maps
        for source, table in stored.items():
            if not isinstance(table, dict):
                continue
            for raw, value in table.items():
                if isinstance(raw, str) and value in SEVERITY_VALUES:
                    maps.setdefault(source, {})[raw] = Severity(value)
        return maps

    def remember_severity_maps(self, maps: Mapping[str, Mapping[str, Severity]]) -> None:
        """Add `maps` to the remembered ones, per source and raw value; the newest wins."""
        if not any(maps.values()):
            return
        document = self._document()
        stored = document.get(SEVERITY_KEY)
        stored = stored if isinstance(stored, dict) else {}
        for source, table in maps.items():
            known = stored.get(source)
            known = known if isinstance(known, dict) else {}
            # One entry per value whatever its case: map_severity compares casefolded.
            for raw, severity in table.items():
                for old in [k for k in known if k.casefold() == raw.casefold()]:
                    del known[old]
                known[raw] = severity.value
            stored[source] = known
        self._write(document.get("mappings", {}), severity_maps=stored)

    def _write(
        self, entries: dict[str, Any], *, severity_maps: dict[str, Any] | None = None
    ) -> None:
        # The one careful write (storage.files): a crash mid-write leaves the old file whole.
        if severity_maps is None:
            severity_maps = self._document().get(SEVERITY_KEY)
        document: dict[str, Any] = {"version": STORE_VERSION, "mappings": entries}
        if severity_maps:
            document[SEVERITY_KEY] = severity_maps
        text = json.dumps(document, indent=2, ensure_ascii=False)
        write_atomically(self.path, (text + "\n").encode("utf-8"), replace=True)


# Normalised column names each field is guessed from, best first. A name may serve two
# fields ("created" is when impact started and when it was detected, for most trackers).
_GUESSES: dict[str, tuple[str, ...]] = {
    "external_id": (
        "id",
        "key",
        "number",
        "incident id",
        "incident key",
        "incident number",
        "incident",
        "ticket",
        "ticket id",
        "ticket number",
        "issue key",
        "issue id",
        "reference",
        "ref",
        "no",
        "#",
    ),
    "title": (
        "title",
        "incident title",
        "headline",
        "name",
        "subject",
        "short description",
        "summary",
    ),
    "started_at": (
        "started at",
        "started",
        "start",
        "start time",
        "impact start",
        "impact started",
        "began",
        "began at",
        "created at",
        "created",
        "opened at",
        "opened",
        "date",
    ),
    "detected_at": (
        "detected at",
        "detected",
        "detection time",
        "alerted at",
        "reported at",
        "reported",
    ),
    "acknowledged_at": ("acknowledged at", "acknowledged", "ack time", "acked at", "acked"),
    "mitigated_at": ("mitigated at", "mitigated", "mitigation time", "workaround at"),
    "resolved_at": (
        "resolved at",
        "resolved",
        "resolution time",
        "resolution date",
        "closed at",
        "closed",
        "ended at",
        "end",
        "end time",
        "fixed at",
    ),
    "severity": ("severity", "sev", "priority", "impact", "urgency"),
    "service": ("service", "affected service", "component", "system", "application", "app"),
    "status": ("status", "state"),
    "url": ("url", "link", "permalink", "web url", "html url"),
    "summary": ("description", "details", "summary", "notes"),
}
# Suffixes that say "this column is an identifier", for headers none of the names match.
_ID_SUFFIXES = (" id", " key", " number", " no")


def suggest_mapping(header: Sequence[str], source: str = "csv") -> ColumnMapping:
    """A first guess for the mapping dialog; may lack required fields (see `missing`)."""
    by_name: dict[str, str] = {}
    for column in header:
        by_name.setdefault(normalise(column), column)
    columns: dict[str, str] = {}
    used: set[str] = set()
    for name, guesses in _GUESSES.items():
        for guess in guesses:
            column = by_name.get(guess)
            # One column is one field, except times: "created" may stand for start and detection.
            if column is not None and (column not in used or name in TIME_FIELDS):
                columns[name] = column
                used.add(column)
                break
    if "external_id" not in columns:
        for key, column in by_name.items():
            if key.endswith(_ID_SUFFIXES) and column not in used:
                columns["external_id"] = column
                used.add(column)
                break
    return ColumnMapping(source=source, columns=columns)
