"""Opening an irdesk file: recognise it, refuse what is not ours, back up and upgrade.

Nothing here writes to a file before it has been recognised as an irdesk
database of a revision we know; the inspection (storage/inspection) uses a read-only
connection.
"""

import contextlib
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
    NotAnIrdeskDatabase,
    UpgradeFailed,
    UpgradeRequired,
    expected_error,
)
from irdesk.storage.inspection import FileState, inspect_file, log_files, read_only_connection

if TYPE_CHECKING:
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 5000


def backup_path(path: Path, revision: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.backup-{revision}-{stamp}")


def backup(path: Path, target: Path) -> Path:
    """A consistent copy via SQLite's backup API (it includes a WAL's contents)."""
    with (
        contextlib.closing(read_only_connection(path)) as source,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
    return target


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
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

    def close(self) -> None:
        self.engine.dispose()


def _create(path: Path) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = None
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
