"""Opening an irdesk file: recognise it, refuse what is not ours, back up and upgrade.

Nothing here writes to a file before it has been recognised as an irdesk
database of a revision we know; the inspection uses a read-only connection.
"""

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError

from irdesk.storage import head_schema, schema
from irdesk.storage.errors import (
    CorruptDatabase,
    NewerDatabase,
    NotAnIrdeskDatabase,
    UpgradeFailed,
    UpgradeRequired,
    expected_error,
)

if TYPE_CHECKING:
    from sqlmodel import Session

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class FileState:
    """What a read-only look at an existing file found."""

    revision: str
    is_current: bool


def log_files(path: Path) -> tuple[Path, Path]:
    """The write-ahead log and its shared-memory index SQLite keeps beside the file `path`."""
    return Path(f"{path}-wal"), Path(f"{path}-shm")


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that cannot write and, for a closed file, leaves no -wal/-shm behind.

    With no write-ahead log beside the file, all its content is in the file and
    `immutable=1` reads it without creating SQLite's sidecar files. With a log
    present (another process has it open, or one crashed) we must read through it.
    """
    wal, _ = log_files(path)
    immutable = "" if wal.exists() else "&immutable=1"
    return sqlite3.connect(f"{path.as_uri()}?mode=ro{immutable}", uri=True)


def inspect_file(path: Path) -> FileState:
    """Recognise an irdesk database without changing a byte of it."""
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
    try:
        with contextlib.closing(read_only_connection(path)) as conn:
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
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabase(
            path, f"cannot be read: {exc}.", "Open a backup copy instead."
        ) from exc

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


def plaintext_backups(path: Path) -> list[Path]:
    """The backup copies beside `path` that still hold feedback notes in plain text.

    Every upgrade leaves a copy of the file as it was; those made before notes were
    sealed hold their words. Read only, through the read-only connection.
    """
    found = []
    for copy in sorted(path.parent.glob(f"{path.name}.backup-*")):
        try:
            with contextlib.closing(read_only_connection(copy)) as conn:
                tables = {
                    row[0]
                    for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
                columns = {row[1] for row in conn.execute("PRAGMA table_info(feedback_note)")}
                plain = 0
                if "text" in columns:
                    plain += conn.execute("SELECT count(*) FROM feedback_note").fetchone()[0]
                if "feedback_note_pending" in tables:
                    plain += conn.execute("SELECT count(*) FROM feedback_note_pending").fetchone()[
                        0
                    ]
        except sqlite3.DatabaseError:
            continue
        if plain:
            found.append(copy)
    return found


def backup_path(path: Path, revision: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.backup-{revision}-{stamp}")


PRIVATE = 0o600


def create_private(path: Path) -> None:
    """Make the empty file `path` readable by its owner only, before a byte is written.

    An irdesk file holds personnel data (even sealed, who has notes about whom), so no
    moment may exist in which the umask leaves it readable by others. SQLite gives a
    database's -wal and -shm the mode of the database file itself.
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))


def backup(path: Path, target: Path) -> Path:
    """A consistent copy via SQLite's backup API (it includes a WAL's contents)."""
    create_private(target)
    with (
        contextlib.closing(read_only_connection(path)) as source,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
    return target


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A deleted or rewritten row (a note's old ciphertext, an upgrade's plain text) is
    # overwritten with zeros, not left in a free page for anyone with the file to read.
    cursor.execute("PRAGMA secure_delete=ON")
    # The driver's `timeout` above sets SQLite's busy timeout for this connection.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
    )
    event.listen(engine, "connect", _configure_connection)
    return engine


def _stamp_and_flag(session: "Session", _context: Any, _instances: Any) -> None:
    """Keep `updated_at` and the incident consistency flags true on every write."""
    from irdesk.domain.models import ActionItem, Finding, Incident, Review
    from irdesk.domain.utc import utc_now

    now = utc_now()
    for obj in session.new | session.dirty:
        if isinstance(obj, Incident):
            obj.refresh_consistency_flags()
        if isinstance(obj, Incident | Review | Finding) and obj in session.dirty:
            obj.updated_at = now
        if isinstance(obj, ActionItem) and obj.completed_at is None and obj.status == "done":
            obj.completed_at = now


def _session_class() -> "type[Session]":
    """sqlmodel's Session, with `_stamp_and_flag` on every flush.

    Imported on the first session rather than with this module: the ORM and the models
    are a good part of a headless command's start-up, and `irdesk import` writes through
    plain connections and never needs them. Every Session irdesk makes comes from here.
    """
    from sqlmodel import Session

    if not event.contains(Session, "before_flush", _stamp_and_flag):
        event.listen(Session, "before_flush", _stamp_and_flag)
    return Session


@dataclass
class Database:
    """An open irdesk file. Pass it to whoever needs the data; there is no global one."""

    path: Path
    engine: Engine
    backup_made: Path | None = field(default=None)

    def session(self) -> "Session":
        return _session_class()(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Session"]:
        """One all-or-nothing unit of work: commit on success, roll back on any error.

        A locked, read-only or full database raises a `DatabaseError` the user can act
        on rather than SQLAlchemy's OperationalError.
        """
        try:
            with self.session() as session, session.begin():
                yield session
        except OperationalError as exc:
            raise expected_error(exc, self.path) or exc from exc

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        """A raw connection in one transaction, for set-based writes; errors as above."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise expected_error(exc, self.path) or exc from exc

    def scrub(self) -> None:
        """Leave no freed bytes behind: fold the write-ahead log in, rebuild, empty the log.

        The write-ahead log keeps every page's older versions until a checkpoint; VACUUM
        writes the file anew without its free pages; TRUNCATE leaves the log at 0 bytes.
        """
        try:
            with self.engine.connect() as conn:
                raw = conn.execution_options(isolation_level="AUTOCOMMIT")
                raw.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                raw.exec_driver_sql("VACUUM")
                raw.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except OperationalError as exc:
            raise expected_error(exc, self.path) or exc from exc

    def close(self) -> None:
        self.engine.dispose()


def _create(path: Path) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = None
    create_private(path)
    try:
        head_schema.create(path)
        engine = make_engine(path)
    except BaseException:
        if engine is not None:
            engine.dispose()
        for leftover in (path, *log_files(path)):
            leftover.unlink(missing_ok=True)
        raise
    return Database(path=path, engine=engine)


def _upgrade(path: Path, state: FileState) -> Path:
    saved = backup(path, backup_path(path, state.revision))
    engine = make_engine(path)
    try:
        with engine.begin() as conn:
            schema.upgrade(conn)
    except Exception as exc:
        engine.dispose()
        for leftover in log_files(path):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(saved, path)
        raise UpgradeFailed(
            path,
            f"could not be upgraded from schema revision {state.revision}: {exc}.",
            f"The file was restored from the backup {saved.name}.",
        ) from exc
    engine.dispose()
    return saved


def open_database(
    path: Path,
    *,
    create: bool = True,
    upgrade: bool = True,
    on_backup: Callable[[Path], None] | None = None,
) -> Database:
    """Open `path`, creating it if missing and `create`, upgrading an older schema if `upgrade`.

    Raises a `DatabaseError` subclass, with the file unchanged, for anything
    that is not an irdesk database this version can use.
    """
    path = Path(path).expanduser().resolve()
    if not path.exists():
        if not create:
            raise NotAnIrdeskDatabase(path, "does not exist.")
        return _create(path)
    state = inspect_file(path)
    saved = None
    if not state.is_current:
        if not upgrade:
            raise UpgradeRequired(
                path,
                f"uses the older schema revision {state.revision}.",
                "Run `irdesk db upgrade` on it (a backup is made first).",
            )
        saved = _upgrade(path, state)
        if on_backup is not None:
            on_backup(saved)
    return Database(path=path, engine=make_engine(path), backup_made=saved)
