"""The one transaction an import writes in, on a connection set up for bulk writes.

An import is all or nothing: everything it writes goes in one transaction, which a
failure (or a cancel from its progress callback) rolls back, and a dry run rolls back
too. The code that decides what to write holds an ImportTransaction without looking
inside; only storage.bulk's import_lookup and import_writer send SQL through it.
"""

import contextlib
from collections.abc import Iterator

from sqlalchemy import Connection

from irdesk.storage.bulk.dialect import dialect
from irdesk.storage.database import Database, failures_named


class ImportTransaction:
    """One import's connection, inside its transaction."""

    __slots__ = ("conn",)

    def __init__(self, conn: Connection) -> None:
        self.conn = conn


@contextlib.contextmanager
def import_transaction(db: Database, *, dry_run: bool = False) -> Iterator[ImportTransaction]:
    """A transaction committed when the block ends, or rolled back: when the block raises
    (anything, a cancel included) and for a dry run.

    It takes the write lock (on a server, the import lock) before its first read.
    Without that, the driver begins the transaction only at the first INSERT: two imports of the same file would both look
    up a service, both find it missing, and the second, once the first committed, would
    insert it again (a UNIQUE failure). With it, the second waits (the busy timeout) for
    the first to finish and then reads what the first wrote, reporting it unchanged; a
    lock held for longer is the one-sentence `DatabaseBusy`. A locked, read-only or full
    file is a `DatabaseError` naming it, after the rollback.
    """
    with (
        failures_named(db.path),
        db.engine.connect() as conn,
        dialect(conn).import_settings(conn),
    ):
        transaction = conn.begin()
        try:
            dialect(conn).begin_import(conn)
            yield ImportTransaction(conn)
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
