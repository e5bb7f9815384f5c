"""Expected storage failures: each becomes a clear message, never a crash dialog.

Two families. `DatabaseError`: the file itself cannot be used as asked. And the
answers to an edit that was not made, nothing written: `EditRefused` (the rules do
not allow it; each kind of record has its own subclass) and `EditConflict` (another
window changed or removed the record first), which callers handle apart because
they offer to reload or keep the user's version.
"""

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


class EditRefused(ValueError):
    """An edit the rules do not allow; the message says which, and nothing was written.

    A ValueError, so that a caller that already treats bad input as a message keeps working.
    """


class EditConflict(Exception):
    """The record changed (or went) since the caller read it; nothing was written.

    `message` replaces the general wording where a screen shows the text as it is.
    """

    def __init__(
        self, entity: str, entity_id: int, *, deleted: bool = False, message: str | None = None
    ) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.deleted = deleted
        what = "was deleted" if deleted else "was changed"
        super().__init__(message or f"{entity} {entity_id} {what} elsewhere (another window?)")
