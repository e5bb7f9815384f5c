"""Recognising an irdesk file with the standard library's sqlite3 alone, changing nothing.

Apart from storage/database so that what needs only to recognise a file (the window's
first look at the incident list, `irdesk db check`, `irdesk demo --force`) loads no
SQLAlchemy: importing it is most of what opening a file costs.
"""

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from irdesk.storage import schema
from irdesk.storage.errors import CorruptDatabase, NewerDatabase, NotAnIrdeskDatabase

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class FileState:
    """What a read-only look at an existing file found."""

    revision: str
    is_current: bool


def log_files(path: Path) -> tuple[Path, Path]:
    """The write-ahead log and its shared-memory index SQLite keeps beside the file `path`."""
    return Path(f"{path}-wal"), Path(f"{path}-shm")


def read_only_connection(path: Path, *, any_thread: bool = False) -> sqlite3.Connection:
    """A connection that cannot write and, for a closed file, leaves no -wal/-shm behind.

    With no write-ahead log beside the file, all its content is in the file and
    `immutable=1` reads it without creating SQLite's sidecar files. With a log
    present (another process has it open, or one crashed) we must read through it.
    """
    wal, _ = log_files(path)
    immutable = "" if wal.exists() else "&immutable=1"
    return sqlite3.connect(
        f"{path.as_uri()}?mode=ro{immutable}", uri=True, check_same_thread=not any_thread
    )


def inspect_file(path: Path, *, check_damage: bool = True) -> FileState:
    """Recognise an irdesk database without changing a byte of it, damage included
    unless not `check_damage`.

    Checking for damage reads every page of the file, so its cost grows with the file;
    opening a current file leaves it to `irdesk db check` (see storage/database).
    """
    _check_header(path)
    try:
        with contextlib.closing(read_only_connection(path)) as conn:
            if check_damage:
                _check_integrity(path, conn)
            return recognise(path, conn)
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabase(
            path, f"cannot be read: {exc}.", "Open a backup copy instead."
        ) from exc


def _check_header(path: Path) -> None:
    if not path.exists():
        raise NotAnIrdeskDatabase(path, "does not exist.")
    if path.is_dir():
        raise NotAnIrdeskDatabase(path, "is a folder, not a database file.")
    size = path.stat().st_size
    if size == 0:
        raise NotAnIrdeskDatabase(path, "is empty (0 bytes), not an irdesk database.")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotAnIrdeskDatabase(
            path, "is not an irdesk database (it is not an SQLite file at all)."
        )


def _check_integrity(path: Path, conn: sqlite3.Connection) -> None:
    check = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if check != ["ok"]:
        first = check[0].replace("*** in database main ***", "").strip().splitlines()
        more = len(check) - 1
        raise CorruptDatabase(
            path,
            f"is damaged: SQLite reports {(first or check)[0]!r}"
            + (f" and {more} more problem{'s' if more > 1 else ''}." if more else "."),
            "Open a backup copy instead; `irdesk db check` lists every problem.",
        )


def recognise(path: Path, conn: sqlite3.Connection) -> FileState:
    """The schema revision of the irdesk file `path` open on `conn`, without checking for
    damage; raises `NotAnIrdeskDatabase` or `NewerDatabase` for a file that is not one we
    can use."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    revision = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    if app_id != schema.APPLICATION_ID or revision is None:
        sample = ", ".join(sorted(tables)[:5]) or "no tables"
        raise NotAnIrdeskDatabase(
            path, f"is an SQLite database of another program (it holds {sample})."
        )
    known = schema.known_revisions()
    if revision not in known:
        raise NewerDatabase(
            path,
            f"was written by a newer irdesk (schema revision {revision}; this irdesk knows up to "
            f"{known[-1]}).",
            "Update irdesk to open it; the file has not been changed.",
        )
    return FileState(revision=revision, is_current=revision == known[-1])


def current_file_connection(path: Path, *, any_thread: bool = False) -> sqlite3.Connection | None:
    """A read-only connection to `path` if it is an irdesk file at the newest schema
    revision, else None: for a first look at a file, before (and never instead of)
    opening it, which checks for damage and says what is wrong with any other file.

    The damage check is left to the opening: it reads the whole file.
    """
    try:
        _check_header(path)
        conn = read_only_connection(path, any_thread=any_thread)
    except (NotAnIrdeskDatabase, OSError, sqlite3.Error):
        return None
    try:
        if recognise(path, conn).is_current:
            return conn
    except (NotAnIrdeskDatabase, NewerDatabase, sqlite3.Error):
        pass
    conn.close()
    return None
