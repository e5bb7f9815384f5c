"""A located import error: which file, where in it, which field, what was expected."""


class ImportProblem(Exception):
    """Bad input. Raised before anything is written; the message is for the user."""

    def __init__(
        self,
        file: str,
        location: str,
        expected: str,
        *,
        field: str | None = None,
        found: object = None,
        needs_zone: bool = False,
        channel: str | None = None,
    ) -> None:
        self.file = file
        # The chat channel whose link (one the user gave) found no incident.
        self.channel = channel
        # The file is fine but its times carry no zone: the user must name one.
        self.needs_zone = needs_zone
        self.location = location
        self.field = field
        self.expected = expected
        self.found = found
        where = f"{file}, {location}" if location else file
        what = f"field {field!r}: " if field else ""
        shown = f", found {_short(found)}" if found is not None else ""
        super().__init__(f"{where}: {what}expected {expected}{shown}")


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
