"""Values as the bulk SQL stores them: times as SQLAlchemy's text, aliases normalised.

Raw inserts must store exactly what the ORM stores, or rows written by an import and
rows written through the models would read differently.
"""

from datetime import UTC, datetime


def db_time(value: datetime | None) -> str | None:
    """The text SQLAlchemy's DateTime stores on SQLite, so raw and ORM rows read alike."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # Cutting off the "+00:00" is cheaper than replace(tzinfo=None), and an import
    # stores a time for every one of its events.
    return value.isoformat(" ", "microseconds")[:-6]


def from_db_time(text: str | None) -> datetime | None:
    """A stored time read back as aware UTC."""
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def alias_text(name: str) -> str:
    """How an alias is stored and looked up: casefolded, without a leading '#'."""
    return name.casefold().removeprefix("#")
