"""What the directory formats share: located reading of references, zones and numbers."""

from collections.abc import Sequence
from typing import Any

from irdesk.importers.formats.base import Content
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.json_stream import is_array
from irdesk.importers.reading.located import JsonNode
from irdesk.importers.reading.zones import UnknownZone, iana_zone


class OrgNode(JsonNode):
    """A JSON object of a directory export; every wrong value is a located ImportProblem."""

    def key(self, key: str = "id") -> str:
        """The source's id of the object, as text (ids are keys, never display names)."""
        value = self.value.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.text(key, "an id")

    def zone(self, key: str, warnings: list[str]) -> str | None:
        """An IANA zone; a Rails name ("Eastern Time (US & Canada)") is mapped, with a warning."""
        raw = self.optional_text(key, "a time zone name")
        if raw is None:
            return None
        try:
            zone, translated = iana_zone(raw)
        except UnknownZone:
            raise self.problem(key, "an IANA time zone such as Europe/Berlin", raw) from None
        if translated:
            warnings.append(f"{self.path}: time zone {raw!r} is not an IANA name; read as {zone}")
        return zone

    def number(self, key: str, expected: str = "a number") -> float | None:
        value = self.value.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.problem(key, expected, value)
        return float(value)

    def whole(self, key: str, expected: str = "a whole number") -> int | None:
        value = self.value.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.problem(key, expected, value)
        return value


def root_object(content: Content, expected: str) -> OrgNode:
    data: Any = content.json
    if not isinstance(data, dict):
        raise ImportProblem(content.name, "top level", expected, found=type(data).__name__)
    return OrgNode(content.name, "", data)


def list_of_objects(value: object) -> Sequence[dict[str, Any]] | None:
    """`value` when it is an array (whole, or a large file's JsonArray) whose items are
    all objects (an empty one too), else None."""
    if is_array(value) and all(isinstance(item, dict) for item in value):
        return value
    return None
