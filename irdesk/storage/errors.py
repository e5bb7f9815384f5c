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


class DatabaseBusy(DatabaseError):
    """Another program held a write lock for longer than the busy timeout."""


class DatabaseNotWritable(DatabaseError):
    """Read-only file or folder, full disk, or an I/O error: the change was not saved."""


def expected_error(exc: BaseException, path: Path) -> DatabaseError | None:
    """SQLite's run-time failures a user can act on, as messages; None for anything else (a bug)."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "database is locked" in text or "database table is locked" in text:
        return DatabaseBusy(
            path,
            "is locked by another program or irdesk window, so the change could not be saved.",
            "Close the other program or try again in a moment; nothing was changed.",
        )
    if "readonly" in text or "read-only" in text:
        return DatabaseNotWritable(
            path,
            "cannot be written (the file or its folder is read-only).",
            "Copy it somewhere you can write to, or change its permissions; nothing was changed.",
        )
    if "disk is full" in text or "database or disk is full" in text:
        return DatabaseNotWritable(
            path, "cannot be written: the disk is full.", "Free some space; nothing was changed."
        )
    if "disk i/o error" in text:
        return DatabaseNotWritable(
            path, "could not be written (disk I/O error).", "Check the disk; nothing was changed."
        )
    return None
