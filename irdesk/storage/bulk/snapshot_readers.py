"""Reading on several connections at once, all of them in one snapshot of the database.

A file: SQLite runs a statement without holding Python's lock, so connections scanning
different parts of the data use different cores (`InOrder`). Each
connection reads in its own transaction, and a transaction sees the file as it
was when it began; so the readers agree only when no write was committed while
they were beginning. `PRAGMA data_version`, asked on one more connection before
and after, says whether any was: it changes whenever another connection
commits. When one was, the readers start again (`snapshot_cursors`).

A server: each connection is a backend of its own, working while the others do. The
first reader's transaction exports its snapshot (`pg_export_snapshot`) and the others
take it, so all see the same committed state whatever is written meanwhile, at once.
"""

import contextlib
import queue
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar, cast

from irdesk.storage.database import Database

T = TypeVar("T")
ATTEMPTS = 5  # a writer committing during each of them would have to be very busy


def _begin(cur: sqlite3.Cursor) -> None:
    # A deferred BEGIN takes its snapshot at the first read, so read something.
    cur.execute("BEGIN")
    cur.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()


def _end(cur: sqlite3.Cursor) -> None:
    if cur.connection.in_transaction:
        cur.execute("ROLLBACK")  # nothing was written: ending the read is all it does


def _data_version(cur: sqlite3.Cursor) -> int:
    version: int = cur.execute("PRAGMA data_version").fetchone()[0]
    return version


@contextlib.contextmanager
def snapshot_cursors(db: Database, count: int) -> Iterator[list[Any]]:
    """`count` driver cursors on separate connections, each in a read transaction, all
    seeing the same committed state of the database (or, should writers keep committing
    to a file while they begin, one cursor: everything then reads in one transaction)."""
    if db.engine.dialect.name == "postgresql":
        with _server_snapshot_cursors(db, count) as cursors:
            yield cursors
        return
    with contextlib.ExitStack() as stack:

        def cursor() -> sqlite3.Cursor:
            raw = stack.enter_context(db.connection()).connection
            cur = cast(sqlite3.Cursor, raw.cursor())  # the sqlite3 driver's own cursor
            stack.callback(cur.close)
            return cur

        probe = cursor()
        readers = [cursor() for _ in range(count)]
        for cur in readers:
            stack.callback(_end, cur)
        for _ in range(ATTEMPTS):
            before = _data_version(probe)
            for cur in readers:
                _begin(cur)
            if _data_version(probe) == before:
                break
            for cur in readers:
                _end(cur)
        else:
            readers = readers[:1]
            _begin(readers[0])
        yield readers


# A read that never writes, and sees one snapshot from its first statement to its last.
SERVER_SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"


@contextlib.contextmanager
def _server_snapshot_cursors(db: Database, count: int) -> Iterator[list[Any]]:
    with contextlib.ExitStack() as stack:
        cursors = []
        for _ in range(count):
            conn = stack.enter_context(db.connection())
            cur = conn.connection.cursor()  # psycopg's own: no statement is rewritten
            stack.callback(cur.close)
            cursors.append(cur)
        first = cursors[0]
        first.execute(SERVER_SNAPSHOT)
        (snapshot,) = first.execute("SELECT pg_export_snapshot()").fetchone()
        if not re.fullmatch(r"[0-9A-F-]+", snapshot):  # SET takes no parameter: checked
            raise ValueError(f"the server named its snapshot {snapshot!r}")
        for cur in cursors[1:]:
            cur.execute(SERVER_SNAPSHOT)
            cur.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        yield cursors


class InOrder:
    """Tasks run on several cursors at once (`run`), one thread per cursor, each task
    given a cursor of its own for the time it runs. A task starts only after every task
    added before it has started, so it may wait for the result of an earlier one."""

    def __init__(self) -> None:
        self._tasks: list[tuple[Callable[[sqlite3.Cursor], Any], Future[Any]]] = []

    def add(self, task: Callable[[sqlite3.Cursor], T]) -> "Future[T]":
        future: Future[T] = Future()
        self._tasks.append((task, future))
        return future

    def run(self, cursors: Sequence[sqlite3.Cursor]) -> None:
        """Returns once every task has finished; their results are in their futures."""
        pending: queue.SimpleQueue[tuple[Callable[[sqlite3.Cursor], Any], Future[Any]]]
        pending = queue.SimpleQueue()
        for item in self._tasks:
            pending.put(item)

        def work(cur: sqlite3.Cursor) -> None:
            while True:
                try:
                    task, future = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    future.set_result(task(cur))
                except BaseException as exc:  # for whoever reads the result
                    future.set_exception(exc)

        helpers = [
            threading.Thread(target=work, args=(cur,), name="irdesk-reader", daemon=True)
            for cur in cursors[1:]
        ]
        for thread in helpers:
            thread.start()
        work(cursors[0])
        for thread in helpers:
            thread.join()
