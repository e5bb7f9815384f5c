"""Expected storage failures: each becomes a clear message, never a crash dialog."""

from pathlib import Path


class DatabaseError(Exception):
    """A database file that cannot be opened as asked; the message is for the user."""

    def __init__(self, path: Path, problem: str, hint: str = "") -> None:
        self.path = path
        self.problem = problem
        self.hint = hint
        text = f"{path}: {problem}"
        super().__init__(f"{text} {hint}".strip())


class NotAnIrdeskDatabase(DatabaseError):
    pass


class CorruptDatabase(DatabaseError):
    pass


class NewerDatabase(DatabaseError):
    """Written by a newer irdesk: we refuse rather than risk damaging its data."""


class UpgradeRequired(DatabaseError):
    """An older schema, opened where upgrading was not allowed."""


class UpgradeFailed(DatabaseError):
    pass
