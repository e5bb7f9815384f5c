"""Reading PagerDuty's JSON with located problems: ids, references and people."""

from collections import Counter
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from typing import Any

from irdesk.domain.enums import Severity
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.reading.located import JsonReader
from irdesk.importers.reading.timestamps import parse_timestamp
from irdesk.importers.records import PersonRef
from irdesk.importers.recovery import Recovery

SOURCE = "pagerduty"

# Reference types that name a person; everything else (services, integrations,
# escalation policies) acted automatically and is nobody to give feedback to.
PERSON_TYPES = frozenset({"user_reference", "user"})


def key_path(location: str, key: str) -> str:
    """`incidents[3]` + `service` → `incidents[3].service`; `line 4` + `x` → `line 4, x`."""
    if not location:
        return key
    if location.startswith("line ") and "," not in location:
        return f"{location}, {key}"
    return f"{location}.{key}"


class Reader(JsonReader):
    """JsonReader with PagerDuty's ids, references and people, read once each."""

    source = SOURCE

    def __init__(self, file: str, options: ImportOptions) -> None:
        super().__init__(file, options)
        self.offset: timedelta = options.offset(SOURCE)
        self.unknown_log_types: dict[str, int] = {}
        # One PersonRef per person: a page names the same few people thousands of times.
        self.people: dict[tuple[str | None, str | None], PersonRef] = {}
        self.agents: dict[tuple[object, ...], PersonRef | None] = {}
        # Each distinct priority's severity, mapped once (a million incidents, a few priorities).
        self.severities: dict[str, Severity | None] = {}
        # Set by the file's parse: recoverable problems become warnings (see recovery.py);
        # without it (a reader on its own, in tests) every problem is refused.
        self.recovery: Recovery | None = None
        # The file's incidents, whose numbers are counted only when an incident's id is
        # blank: a blanked id falls back to the number only when no other has it. Counted
        # up front, a page of a million would be decoded once more for nothing.
        self._numbered: Iterable[object] = ()
        self._numbers: Counter[object] | None = None

    def count_numbers(self, incidents: Iterable[object]) -> None:
        """The incidents whose numbers incident_numbers counts (read again on its first use)."""
        self._numbered, self._numbers = incidents, None

    @property
    def incident_numbers(self) -> Counter[object]:
        """How many incidents of the file carry each incident number."""
        if self._numbers is None:
            self._numbers = Counter()
            for item in self._numbered:
                number = item.get("incident_number") if isinstance(item, dict) else None
                if isinstance(number, str) and number.strip().isdigit():
                    number = int(number)
                self._numbers[number] += 1
        return self._numbers

    def array(self, value: object, location: str, field: str | None, what: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.problem(location, what, field=field, found=value)
        return value

    def ident(self, raw: dict[str, Any], key: str, location: str, example: str) -> str:
        """A non-empty id: records are keyed by it, so an empty one would merge strangers."""
        if key not in raw or raw[key] is None:
            raise self.problem(
                location, f"a PagerDuty id such as {example!r}; it is missing", field=key
            )
        value = raw[key]
        if not isinstance(value, str) or not value.strip():
            raise self.problem(
                location, f"a non-empty PagerDuty id such as {example!r}", field=key, found=value
            )
        return value.strip()

    def child(self, raw: dict[str, Any], key: str, location: str) -> dict[str, Any] | None:
        """An optional nested object (a reference such as `service`); null is absent."""
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.problem(location, "an object", field=key, found=value)
        return value

    def items(self, raw: dict[str, Any], key: str, location: str) -> list[Any]:
        """An optional list; null is empty."""
        value = raw.get(key)
        if value is None:
            return []
        return self.array(value, location, key, "a list")

    # The clock offset read once (self.offset), not asked of the options for every time
    # of every incident.
    def time(self, raw: dict[str, Any], key: str, location: str) -> datetime:
        return parse_timestamp(
            raw.get(key),
            file=self.file,
            location=location,
            field=key,
            zone=self.options.zone,
            offset=self.offset,
        )

    def optional_time(self, raw: dict[str, Any], key: str, location: str) -> datetime | None:
        value = raw.get(key)
        if value is None or value == "":
            return None  # most incidents lack most times: no call for those
        return parse_timestamp(
            value,
            file=self.file,
            location=location,
            field=key,
            zone=self.options.zone,
            offset=self.offset,
        )

    def person(self, ref: dict[str, Any] | None, location: str) -> PersonRef | None:
        """A user reference as a person; services and integrations are no one."""
        if ref is None:
            return None
        kind = self.text(ref, "type", location)
        if kind is not None and kind not in PERSON_TYPES:
            return None
        # A reference carries `summary`; an included full user object carries `name`.
        name = self.text(ref, "summary", location) or self.text(ref, "name", location)
        email = self.text(ref, "email", location)
        if name is None and email is None:
            return None
        return self.person_named(name, email)

    def person_named(self, name: str | None, email: str | None) -> PersonRef:
        person = self.people.get((name, email))
        if person is None:
            person = self.people[(name, email)] = PersonRef(name=name, email=email)
        return person


def ref_name(reader: Reader, ref: dict[str, Any] | None, location: str) -> str | None:
    """The name a reference gives its object (`summary`), if any."""
    return None if ref is None else reader.text(ref, "summary", location)


def parsed_record(reader: Reader) -> AbstractContextManager[None]:
    """Reading one record of the file: left out on a problem when the import says so."""
    return reader.recovery.record() if reader.recovery is not None else nullcontext()
