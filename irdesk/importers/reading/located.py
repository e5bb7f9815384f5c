"""Reading JSON so that every bad value is reported where it is.

Two ways, one set of messages: a `JsonNode` is an object that knows its path
("issues[3].fields.created"), for Jira and Statuspage; a `JsonReader` reads values
by (object, key, location), for PagerDuty and Opsgenie, whose exports run to hundreds
of thousands of entries. Either reports a wrong value as an ImportProblem naming the
file, the place, the field and what was expected. Formats subclass them for their own
kinds of value.
"""

from datetime import datetime
from typing import Any, Self

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.timestamps import parse_timestamp


def join(path: str, key: str | int) -> str:
    """'issues' + 3 → 'issues[3]'; 'issues[3]' + 'key' → 'issues[3].key'."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class JsonNode:
    """One JSON object of one file and its path; `source` names whose clock offset applies."""

    source = ""

    def __init__(self, file: str, path: str, value: dict[str, Any]) -> None:
        self.file = file
        self.path = path
        self.value = value

    def problem(self, key: str, expected: str, found: object) -> ImportProblem:
        return ImportProblem(self.file, join(self.path, key), expected, field=key, found=found)

    def text(self, key: str, expected: str) -> str:
        """A required, non-blank string, as the file has it (surrounding spaces kept)."""
        value = self.value.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.problem(key, expected, value)
        return value

    def optional_text(self, key: str, expected: str = "text") -> str | None:
        """A string, or None when missing, null or empty."""
        value = self.value.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self.problem(key, expected, value)
        return value

    def child(self, key: str) -> Self | None:
        """An object, or None when missing or null."""
        value = self.value.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.problem(key, "an object", value)
        return type(self)(self.file, join(self.path, key), value)

    def children(self, key: str, expected: str = "a list") -> list[Self]:
        """A list of objects; missing or null is an empty list."""
        value = self.value.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.problem(key, expected, value)
        path = join(self.path, key)
        nodes = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise ImportProblem(
                    self.file, join(path, index), "an object", field=key, found=item
                )
            nodes.append(type(self)(self.file, join(path, index), item))
        return nodes

    def time(self, key: str, options: ImportOptions) -> datetime:
        return parse_timestamp(
            self.value.get(key),
            file=self.file,
            location=join(self.path, key),
            field=key,
            zone=options.zone,
            offset=options.offset(self.source),
        )

    def optional_time(self, key: str, options: ImportOptions) -> datetime | None:
        if self.value.get(key) in (None, ""):
            return None
        return self.time(key, options)


class JsonReader:
    """Typed access to one file's JSON values by (object, key, location); for the formats
    whose hot loops cannot afford a node per value. Every wrong value is an ImportProblem."""

    source = ""

    def __init__(self, file: str, options: ImportOptions) -> None:
        self.file = file
        self.options = options

    def problem(
        self, location: str, expected: str, *, field: str | None = None, found: object = None
    ) -> ImportProblem:
        return ImportProblem(self.file, location, expected, field=field, found=found)

    def mapping(self, value: object, location: str, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.problem(location, what, found=value)
        return value

    def text(self, raw: dict[str, Any], key: str, location: str) -> str | None:
        """An optional string, stripped; null and blank are absent."""
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.problem(location, "text", field=key, found=value)
        return value.strip() or None

    def time(self, raw: dict[str, Any], key: str, location: str) -> datetime:
        return parse_timestamp(
            raw.get(key),
            file=self.file,
            location=location,
            field=key,
            zone=self.options.zone,
            offset=self.options.offset(self.source),
        )
