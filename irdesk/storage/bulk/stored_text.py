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


def from_db_time(value: str | datetime | None) -> datetime | None:
    """A stored time read back as aware UTC: SQLite's text, or a server's naive datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def alias_text(name: str) -> str:
    """How an alias is stored and looked up: casefolded, without a leading '#'."""
    return name.casefold().removeprefix("#")
