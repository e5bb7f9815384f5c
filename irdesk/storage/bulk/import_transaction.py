"""The one transaction an import writes in, on a connection set up for bulk writes.

An import is all or nothing: everything it writes goes in one transaction, which a
failure (or a cancel from its progress callback) rolls back, and a dry run rolls back
too. The code that decides what to write holds an ImportTransaction without looking
inside; only storage.bulk's import_lookup and import_writer send SQL through it.
"""

import contextlib
from collections.abc import Iterator

from sqlalchemy import Connection

from irdesk.storage.database import Database, failures_named

# Pages SQLite may keep in memory while an import writes, in KiB (negative: a size, not
# a page count). The default 2 MB makes a large import write pages out and read them back
# while it inserts and builds indexes; the connection returns to the pool with its own.
IMPORT_CACHE_KIB = 64 * 1024


class ImportTransaction:
    """One import's connection, inside its transaction."""

    __slots__ = ("conn",)

    def __init__(self, conn: Connection) -> None:
        self.conn = conn


@contextlib.contextmanager
def import_transaction(db: Database, *, dry_run: bool = False) -> Iterator[ImportTransaction]:
    """A transaction committed when the block ends, or rolled back: when the block raises
    (anything, a cancel included) and for a dry run.

    It takes the write lock before its first read. Without that, the driver begins the
    transaction only at the first INSERT: two imports of the same file would both look
    up a service, both find it missing, and the second, once the first committed, would
    insert it again (a UNIQUE failure). With it, the second waits (the busy timeout) for
    the first to finish and then reads what the first wrote, reporting it unchanged; a
    lock held for longer is the one-sentence `DatabaseBusy`. A locked, read-only or full
    file is a `DatabaseError` naming it, after the rollback.
    """
    with (
        failures_named(db.path),
        db.engine.connect() as conn,
        _bulk_write_settings(conn),
    ):
        transaction = conn.begin()
        try:
            raw = conn.connection.driver_connection
            assert raw is not None
            # SQLAlchemy's begin() sends nothing to pysqlite; this is the transaction.
            raw.execute("BEGIN IMMEDIATE")
            yield ImportTransaction(conn)
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()


@contextlib.contextmanager
def _bulk_write_settings(conn: Connection) -> Iterator[None]:
    """The connection set up for an import's writes, and put back as it was after.

    A page cache large enough for its inserts and index builds. And no foreign-key
    checks: every incident, person and file id an import writes was read from this
    database or inserted by it in the same transaction, and an import deletes
    nothing, so the checks (a large share of inserting many events) could never fail.
    Both are set on the driver's connection before the transaction begins: SQLite
    ignores `foreign_keys` inside one, and through SQLAlchemy's connection the pragmas
    would begin the transaction that the caller begins next.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    (cache_before,) = raw.execute("PRAGMA cache_size").fetchone()
    (keys_before,) = raw.execute("PRAGMA foreign_keys").fetchone()
    raw.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {int(cache_before)}")
        raw.execute(f"PRAGMA foreign_keys = {int(keys_before)}")
