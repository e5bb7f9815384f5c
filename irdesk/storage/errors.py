"""Expected storage failures: each becomes a clear message, never a crash dialog.

Two families. `DatabaseError`: the file itself cannot be used as asked. And the
answers to an edit that was not made, nothing written: `EditRefused` (the rules do
not allow it; each kind of record has its own subclass) and `EditConflict` (another
window changed or removed the record first), which callers handle apart because
they offer to reload or keep the user's version.
"""

import errno
import tempfile
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


class ServerStopped(DatabaseError):
    """A team database's server that dropped the connection or refused the work while a
    command ran (restarted, shut down, the connection ended by its administrator, no
    connection left, a cancelled statement): its transaction is rolled back."""


# Every message below is one sentence after the file's name: what happened, what to do,
# and that the data is as it was (SQLite, or the server, rolled the transaction back).
UNCHANGED = "(nothing was changed)"


def busy(path: Path) -> DatabaseBusy:
    return DatabaseBusy(
        path,
        "is being written by another irdesk or another program;",
        f"try again when it has finished {UNCHANGED}.",
    )


def read_only_file(path: Path) -> DatabaseNotWritable:
    return DatabaseNotWritable(
        path,
        "is read-only;",
        f"change its permissions or copy it somewhere you can write to {UNCHANGED}.",
    )


def read_only_folder(path: Path) -> DatabaseNotWritable:
    # SQLite keeps its write-ahead log beside the file, so the folder must be writable too.
    return DatabaseNotWritable(
        path,
        f"is in a read-only folder ({path.parent}), where SQLite must keep its journal;",
        f"move the file to a folder you can write to {UNCHANGED}.",
    )


def disk_full(path: Path, doing: str = "") -> DatabaseNotWritable:
    return DatabaseNotWritable(
        path,
        f"could not be written{doing}: the disk is full;",
        f"free some space and try again {UNCHANGED}.",
    )


def no_room_for_backup(
    path: Path, needed: int | None = None, free: int | None = None
) -> DatabaseNotWritable:
    """An upgrade refused (or stopped) before it changed anything, for want of disk space."""
    room = (
        f"its backup needs {_megabytes(needed)} and the folder has {_megabytes(free)} free"
        if needed is not None and free is not None
        else f"the disk filled up while its backup was being written in {path.parent}"
    )
    return DatabaseNotWritable(
        path, f"was not upgraded: {room};", f"free some space and try again {UNCHANGED}."
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def io_error(path: Path) -> DatabaseNotWritable:
    return DatabaseNotWritable(
        path,
        "could not be written: the disk reported an input/output error;",
        f"check the disk and try again {UNCHANGED}.",
    )


def cannot_open(path: Path) -> DatabaseNotWritable:
    return DatabaseNotWritable(
        path,
        "cannot be opened for writing (its folder may be read-only, missing or full);",
        f"check the folder and try again {UNCHANGED}.",
    )


def server_stopped(exc: BaseException, path: Path) -> ServerStopped | None:
    """psycopg's OperationalError (raised by the driver, or wrapped by SQLAlchemy) as one
    sentence naming the server's database; None for anything else.

    The driver is imported only when the error came from it: a file's commands never load
    it. Its other errors (a constraint, a permission) are the caller's to answer."""
    original = getattr(exc, "orig", None) or exc
    if not type(original).__module__.startswith("psycopg"):
        return None
    import psycopg

    if not isinstance(original, psycopg.OperationalError):
        return None
    lines = str(original).strip().splitlines()
    reason = lines[0].strip().rstrip(".") if lines else "the connection was lost"
    return ServerStopped(
        path,
        f"the server stopped the command ({reason});",
        f"try again once it answers {UNCHANGED}.",
    )


def expected_error(exc: BaseException, path: Path) -> DatabaseError | None:
    """SQLite's run-time failures a user can act on, as messages; None for anything else (a bug).

    SQLAlchemy wraps the driver's exception (`orig`); Python's sqlite3 names SQLite's
    extended result code, which tells a read-only folder from a read-only file.
    """
    if isinstance(exc, DatabaseError):
        return exc
    stopped = server_stopped(exc, path)
    if stopped is not None:
        return stopped
    original = getattr(exc, "orig", None) or exc
    code = str(getattr(original, "sqlite_errorname", "") or "")
    text = str(original).lower()
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return busy(path)
    if "database table is locked" in text:
        return busy(path)
    if code == "SQLITE_READONLY_DIRECTORY":
        return read_only_folder(path)
    if code.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return read_only_file(path)
    if code == "SQLITE_FULL" or "database or disk is full" in text or "disk is full" in text:
        return disk_full(path)
    if code.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return io_error(path)
    if code.startswith("SQLITE_CANTOPEN") or "unable to open database file" in text:
        # SQLite could not make its journal beside the file; the folder says why.
        return _why_not_beside(path) or cannot_open(path)
    if isinstance(original, OSError):
        return expected_os_error(original, path)
    return None


def _why_not_beside(path: Path) -> DatabaseError | None:
    """Try to make (and at once remove) a file beside `path`: the error that gives, named."""
    try:
        with tempfile.TemporaryFile(dir=path.parent, prefix=f".{path.name}-probe-"):
            return None
    except OSError as exc:
        exc.filename = exc.filename or str(path.parent)
        return expected_os_error(exc, path)


def expected_os_error(exc: OSError, path: Path, doing: str = "") -> DatabaseError | None:
    """A file operation irdesk does beside SQLite (a backup, a rename), as a message."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return disk_full(path, doing)
    if exc.errno == errno.EROFS:
        return read_only_folder(path)
    if exc.errno in (errno.EACCES, errno.EPERM):
        where = Path(exc.filename) if exc.filename else path
        return read_only_folder(path) if where != path else read_only_file(path)
    if exc.errno == errno.EIO:
        return io_error(path)
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
