"""Opening an irdesk file: recognise it, refuse what is not ours, back up and upgrade.

Nothing here writes to a file before it has been recognised as an irdesk
database of a revision we know; the inspection (storage/inspection) uses a read-only
connection.
"""

import contextlib
import errno
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError

from irdesk.storage import durable_files, head_schema, schema
from irdesk.storage.addresses import looks_like_server_address
from irdesk.storage.errors import (
    DatabaseError,
    DatabaseNotWritable,
    NotAnIrdeskDatabase,
    UpgradeFailed,
    UpgradeRequired,
    expected_error,
    expected_os_error,
    no_room_for_backup,
    server_stopped,
)
from irdesk.storage.inspection import FileState, inspect_file, log_files, read_only_connection

if TYPE_CHECKING:
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 5000


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


@dataclass(frozen=True)
class UpgradeProgress:
    """How far upgrading a file got, in the words the terminal and the window both show.

    `done` of `total` (bytes while copying, migrations while migrating) for a bar;
    `total` 0 when there is nothing to count.
    """

    stage: Literal["checking", "copying", "migrating", "done"]
    text: str
    done: int = 0
    total: int = 0


OnUpgradeProgress = Callable[[UpgradeProgress], None]

# The backup copies this much at a time, so its progress can be told while it runs.
BACKUP_STEP_BYTES = 32 * 1024 * 1024


def size_text(size: int) -> str:
    """1.2 GB, 36.5 MB: a file's size as the upgrade's progress writes it."""
    if size >= 1_000_000_000:
        return f"{size / 1_000_000_000:.1f} GB"
    return f"{size / 1_000_000:.1f} MB"


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


def backup(path: Path, target: Path, on_copied: Callable[[int, int], None] | None = None) -> Path:
    """A consistent, checked copy of `path` at `target`, which exists only once complete.

    SQLite's backup API (which includes a write-ahead log's contents) writes a hidden
    file beside `target`; its `quick_check` must pass, and it is flushed to the disk,
    before the rename. A full disk, a damaged copy or a kill leaves nothing named
    `target`. Raises `DatabaseNotWritable` (no room, read-only folder) or
    `UpgradeFailed` (the copy did not check out), `path` untouched either way.
    `on_copied(bytes, of_bytes)` is told before the copy starts and as it goes.
    """
    _room_for_copy(path, target)
    partial = durable_files.partial_name(target, "partial")
    with durable_files.removed_on_failure(partial, *_journals(partial)):
        try:
            create_private(partial)  # personnel data: owner-only from the first byte
            with (
                contextlib.closing(read_only_connection(path)) as source,
                contextlib.closing(sqlite3.connect(partial)) as copy,
            ):
                if on_copied is None:
                    source.backup(copy)
                else:
                    _backup_in_steps(source, copy, on_copied)
                check = quick_check(copy)
            if check != ["ok"]:
                raise UpgradeFailed(
                    path,
                    f"could not be backed up: the copy failed SQLite's check ({check[0]});",
                    "run `irdesk db check` on it to see what SQLite finds (nothing was changed).",
                )
            durable_files.move_into_place(partial, target, replace=True)
        except sqlite3.Error as exc:
            raise _backup_failure(exc, path) from exc
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise no_room_for_backup(path) from exc
            raise expected_os_error(exc, path) or exc from exc
    return target


def _backup_in_steps(
    source: sqlite3.Connection,
    copy: sqlite3.Connection,
    on_copied: Callable[[int, int], None],
) -> None:
    (page_size,) = source.execute("PRAGMA page_size").fetchone()
    (pages,) = source.execute("PRAGMA page_count").fetchone()
    on_copied(0, pages * page_size)

    def copied(_status: int, remaining: int, total: int) -> None:
        on_copied((total - remaining) * page_size, total * page_size)

    step = max(1, BACKUP_STEP_BYTES // page_size)
    source.backup(copy, pages=step, progress=copied)


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's quick check: ["ok"], or the problems it found."""
    return [row[0] for row in conn.execute("PRAGMA quick_check")]


def _journals(path: Path) -> tuple[Path, ...]:
    return (Path(f"{path}-journal"), *log_files(path))


def _room_for_copy(path: Path, target: Path) -> None:
    """Refuse before writing a byte when the folder has no room for a copy of `path`."""
    wal, _ = log_files(path)
    needed = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    try:
        free = shutil.disk_usage(target.parent).free
    except OSError:
        return  # unknown: the copy itself will say if it does not fit
    if free < needed:
        raise no_room_for_backup(path, needed, free)


def _backup_failure(exc: sqlite3.Error, path: Path) -> DatabaseError:
    found = expected_error(exc, path)
    if found is not None and "disk is full" in str(found):
        return no_room_for_backup(path)
    return found or UpgradeFailed(path, f"could not be backed up: {exc};", "nothing was changed.")


def restore(saved: Path, path: Path) -> None:
    """Put the backup `saved` back as `path`: a complete copy renamed over it, never a
    half-written file in its place."""
    partial = durable_files.partial_name(path, "restoring")
    with durable_files.removed_on_failure(partial):
        shutil.copyfile(saved, partial)
        durable_files.remove_quietly(*log_files(path))
        durable_files.move_into_place(partial, path, replace=True)


@contextlib.contextmanager
def failures_named(path: Path) -> Iterator[None]:
    """SQLite's failures a user can act on (locked, read-only, full), and a server's that
    stopped the command (`errors.server_stopped`), as a `DatabaseError` naming `path`;
    the transaction they interrupted has been rolled back by then.

    The one place storage turns them into messages: the CLI's top-level handler and the
    window's error boxes show the `DatabaseError` as it is. Anything else is a bug.
    A server's engine names its failures the same way outside this block
    (`server.open_server_database`); here are also those of a driver's own cursor.
    """
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as exc:
        raise expected_error(exc, path) or exc from exc
    except Exception as exc:
        stopped = server_stopped(exc, path)
        if stopped is None:
            raise
        raise stopped from exc


# SQLite's result codes for a file or folder it cannot write to (or make its journal in).
NOT_WRITABLE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_IOERR")


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A deleted or rewritten row (a note's old ciphertext, an upgrade's plain text) is
    # overwritten with zeros, not left in a free page for anyone with the file to read.
    cursor.execute("PRAGMA secure_delete=ON")
    # The driver's `timeout` above sets SQLite's busy timeout for this connection.
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as exc:
        # A file that is not in WAL mode yet, in a folder (or on a disk) irdesk cannot
        # write to: it can still be read as it is, and a write fails later with the
        # message that names why (`failures_named`).
        code = str(getattr(exc, "sqlite_errorname", ""))
        if not code.startswith(NOT_WRITABLE) and "readonly" not in str(exc):
            raise
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
        with failures_named(self.path), self.session() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        """A raw connection in one transaction, for set-based writes; errors as above."""
        with failures_named(self.path), self.engine.begin() as conn:
            yield conn

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
    """A new file holding the head schema, under the name `path` only once complete.

    Another process that created `path` meanwhile wins: its file is opened instead.
    """
    with failures_named(path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise expected_os_error(exc, path) or exc from exc
        partial = durable_files.partial_name(path, "new")
        with durable_files.removed_on_failure(partial, *_journals(partial)):
            create_private(partial)  # personnel data: owner-only from the first byte
            head_schema.create(partial)
            if not durable_files.move_into_place(partial, path, replace=False):
                durable_files.remove_quietly(partial)
                return open_database(path, create=False)
    return Database(path=path, engine=make_engine(path))


@contextlib.contextmanager
def creating_database(path: Path) -> Iterator["NewDatabase"]:
    """A new database for work that must finish before the file appears (an import into a
    file that did not exist): made under a hidden name and moved to `path` after the
    block if the block called `keep()`; removed otherwise, or when the block fails.

    So a failed, cancelled or killed import never leaves an empty-schema file where the
    user will find it. The Database's `path` is `path` already, so messages name the
    file the user asked for.
    """
    path = Path(path).expanduser().resolve()
    partial = durable_files.partial_name(path, "new")
    with failures_named(path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise expected_os_error(exc, path) or exc from exc
        with durable_files.removed_on_failure(partial, *_journals(partial)):
            create_private(partial)
            head_schema.create(partial)
    new = NewDatabase(Database(path=path, engine=make_engine(partial)))
    with durable_files.removed_on_failure(partial, *_journals(partial)):
        try:
            yield new
        finally:
            new.database.close()
        _fold_log(partial)
        if not new.kept:
            durable_files.remove_quietly(partial, *_journals(partial))
            return
        try:
            moved = durable_files.move_into_place(partial, path, replace=False)
        except OSError as exc:
            raise expected_os_error(exc, path) or exc from exc
        if not moved:
            raise DatabaseNotWritable(
                path,
                "was created by another program while this one was being written;",
                "run the command again to write into it (nothing was changed).",
            )


def _fold_log(path: Path) -> None:
    """Everything in the file itself, no write-ahead log beside it, before it is moved."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # Closing the last connection removes the emptied log; one SQLite kept is stale now.
    durable_files.remove_quietly(*log_files(path))


@dataclass
class NewDatabase:
    database: Database
    kept: bool = False

    def keep(self) -> None:
        self.kept = True


def _upgrade(path: Path, state: FileState, on_progress: OnUpgradeProgress | None) -> Path:
    on_copied: Callable[[int, int], None] | None = None
    on_step: schema.StepStarted | None = None
    if on_progress is not None:
        tell = on_progress

        def copied(done: int, total: int) -> None:
            text = f"backup copy: {size_text(done)} of {size_text(total)}"
            tell(UpgradeProgress("copying", text, done, total))

        def step(number: int, steps: int, name: str) -> None:
            tell(
                UpgradeProgress("migrating", f"step {number} of {steps}: {name}", number - 1, steps)
            )

        on_copied, on_step = copied, step

    saved = backup(path, backup_path(path, state.revision), on_copied)
    engine = make_engine(path)
    try:
        with engine.begin() as conn:
            if on_step is None:
                schema.upgrade(conn)
            else:
                schema.upgrade(conn, on_step=on_step)
    except Exception as exc:
        engine.dispose()
        why = expected_error(exc, path)
        try:
            restore(saved, path)
        except OSError as restoring:
            raise UpgradeFailed(
                path,
                f"could not be upgraded ({why or exc}), nor put back as it was ({restoring});",
                f"copy the backup {saved} over it by hand.",
            ) from exc
        raise UpgradeFailed(
            path,
            f"could not be upgraded from schema revision {state.revision}"
            + (f": {why.problem.rstrip(';')};" if why else f": {exc};"),
            f"it was restored from the backup {saved.name}, so nothing was changed.",
        ) from exc
    engine.dispose()
    return saved


def _refuse_server_address(path: Path | str) -> None:
    """A team database's address is not a file name: resolving it would make a folder
    named "postgresql:" in the working directory. The CLI's --db and the window's Open
    Team Database… choose `server.open_server_database` themselves, each deciding
    whether it may upgrade a schema the whole team shares, so this one refuses rather
    than guess that for them."""
    if looks_like_server_address(path):
        raise NotAnIrdeskDatabase(
            Path(str(path)),
            "is a PostgreSQL address, not a file: open it with "
            "irdesk.storage.server.open_server_database.",
        )


def open_database(
    path: Path,
    *,
    create: bool = True,
    upgrade: bool = True,
    on_backup: Callable[[Path], None] | None = None,
    on_progress: OnUpgradeProgress | None = None,
) -> Database:
    """Open `path`, creating it if missing and `create`, upgrading an older schema if `upgrade`.

    An upgrade tells `on_progress` what it is doing: the file's check, the backup copy
    (bytes), each migration by name, then "done".

    Raises a `DatabaseError` subclass, with the file unchanged, for anything
    that is not an irdesk database this version can use.
    """
    _refuse_server_address(path)
    path = Path(path).expanduser().resolve()
    if not path.exists():
        if not create:
            raise NotAnIrdeskDatabase(path, "does not exist.")
        return _create(path)
    # Opening reads the header and the schema revision only, in a time that does not grow
    # with the file: reading every page for damage would make a decade of incidents slow
    # to open, and SQLite reports a damaged page when a read reaches it. `irdesk db check`
    # reads them all, and so does an upgrade, before it rewrites the file.
    state = inspect_file(path, check_damage=False)
    saved = None
    if not state.is_current:
        if not upgrade:
            inspect_file(path)  # a damaged file is named as such, not as an older one
            raise UpgradeRequired(
                path,
                f"uses the older schema revision {state.revision}.",
                "Run `irdesk db upgrade` on it (a backup is made first).",
            )
        if on_progress is not None:
            on_progress(UpgradeProgress("checking", "checking the file for damage"))
        inspect_file(path)  # refuses a damaged file before the backup copies it
        saved = _upgrade(path, state, on_progress)
        if on_backup is not None:
            on_backup(saved)
        if on_progress is not None:
            on_progress(UpgradeProgress("done", "done", 1, 1))
    return Database(path=path, engine=make_engine(path), backup_made=saved)
