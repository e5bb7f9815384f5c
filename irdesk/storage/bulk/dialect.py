"""Where the bulk SQL differs between a file (SQLite) and a team's server (PostgreSQL).

The bulk modules write their SQL once, in the spelling both engines accept (`ON
CONFLICT DO NOTHING`, `RETURNING id`, `COLLATE "NOCASE"`, which the migrations make on
the server) with SQLite's `?` placeholders. What cannot be spelled once is here, in two
small classes behind one interface, chosen by the connection:

- placeholders: psycopg takes `%s`; `install` rewrites the driver-level statements of a
  server's engine, so no module spells its SQL twice;
- the import's transaction: SQLite's `BEGIN IMMEDIATE` and pragmas (a bigger page
  cache, no foreign-key checks) against a transaction-scoped advisory lock on the
  server, which serialises imports the way SQLite's write lock does while readers and
  reviewers go on;
- bulk rows: executemany against COPY (through a temporary table for rows that may be
  there already), which PostgreSQL takes several times faster than one INSERT per row
  (tests/benchmarks/bench_pg_import.py measures it against `psql \\copy`); a large
  insert in slices (an import's events, with progress between them) is one COPY there,
  sent by a thread of its own while the next slice's rows are formatted;
- SQLite-only speed-ups (CHECKs skipped for rows checked in Python, indexes rebuilt
  after a large insert) that the server does not need;
- stored times: SQLite hands back the text SQLAlchemy wrote, the server a datetime;
  `stored_time` makes both the text, so comparisons with `db_time` hold on both;
- a stored time as epoch seconds in SQL (`epoch`), for the metric reads: SQLite keeps
  times as UTC text and has julianday(), the server a `timestamp` (naive UTC, as irdesk
  writes it) and extract(epoch). Both are rounded to the millisecond, which julianday is
  exact to at today's dates, so the two give the same number for the same stored time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, overload

from irdesk.storage.bulk.stored_text import db_time

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

# Pages SQLite may keep in memory while an import writes, in KiB (negative: a size, not
# a page count). The default 2 MB makes a large import write pages out and read them back
# while it inserts and builds indexes; the connection returns to the pool with its own.
IMPORT_CACHE_KIB = 64 * 1024
# The advisory lock an import holds on a server, for its transaction: any constant
# distinct from the audit chain's (storage/records/audit).
IMPORT_LOCK = 0x1D5C_1A70


class Dialect(Protocol):
    """What a bulk module asks of the engine under its connection."""

    name: str

    def import_settings(self, conn: Connection) -> contextlib.AbstractContextManager[None]:
        """The connection set up for an import's writes, put back as it was after; entered
        before the import's transaction begins."""
        ...

    def begin_import(self, conn: Connection) -> None:
        """Take what keeps two imports from interleaving, in the transaction just begun."""
        ...

    def insert_rows(
        self,
        conn: Connection,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        constants: Mapping[str, int] | None = None,
    ) -> None:
        """Many new rows of `columns` into `table`, values as db_time and the ORM store
        them; `constants` are columns with the same value in every row."""
        ...

    def insert_slices(
        self,
        conn: Connection,
        table: str,
        columns: Sequence[str],
        slices: Iterable[Sequence[Sequence[Any]]],
        constants: Mapping[str, int] | None = None,
        before_each: Callable[[int], None] | None = None,
    ) -> int:
        """insert_rows of every slice in turn, `before_each` told the rows sent before
        it (raising from it stops the insert, and the caller's transaction rolls back);
        the rows inserted."""
        ...

    def insert_ignoring(
        self, conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Many rows of `columns` into `table`, each one already there (by a unique key)
        left as it is."""
        ...

    def checks_made_here(self, conn: Connection) -> contextlib.AbstractContextManager[None]:
        """The engine's CHECKs off for rows whose values were checked in Python, where
        that is measured to matter."""
        ...

    def indexes_built_after(
        self, conn: Connection, table: str, rows: int, at_least: int
    ) -> contextlib.AbstractContextManager[None]:
        """For an insert of `rows` at least as large as the table (and `at_least`): the
        table's indexes dropped and built after, where that is measured to matter."""
        ...

    # --- the metric reads ---------------------------------------------------------

    def epoch(self, column: str) -> str:
        """SQL for `column` (a stored time) as epoch seconds, to the millisecond; NULL
        stays NULL."""
        ...


@overload
def stored_time(value: str | datetime) -> str: ...
@overload
def stored_time(value: str | datetime | None) -> str | None: ...
def stored_time(value: str | datetime | None) -> str | None:
    """A time as read back by raw SQL, as the text `db_time` writes, on either engine."""
    if value is None or isinstance(value, str):
        return value
    return db_time(value if value.tzinfo else value.replace(tzinfo=UTC))


class SqliteDialect:
    name = "sqlite"

    @contextlib.contextmanager
    def import_settings(self, conn: Connection) -> Iterator[None]:
        """A page cache large enough for the inserts and index builds, and no
        foreign-key checks: every incident, person and file id an import writes was read
        from this database or inserted by it in the same transaction, and an import
        deletes nothing, so the checks (a large share of inserting many events) could
        never fail. Set on the driver's connection before the transaction begins: SQLite
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

    def begin_import(self, conn: Connection) -> None:
        """The write lock before the first read. Without it, the driver begins the
        transaction only at the first INSERT: two imports of the same file would both
        look up a service, both find it missing, and the second, once the first
        committed, would insert it again (a UNIQUE failure)."""
        raw = conn.connection.driver_connection
        assert raw is not None
        # SQLAlchemy's begin() sends nothing to pysqlite; this is the transaction.
        raw.execute("BEGIN IMMEDIATE")

    def insert_rows(
        self,
        conn: Connection,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        constants: Mapping[str, int] | None = None,
    ) -> None:
        rows = rows if isinstance(rows, list) else list(rows)
        if rows:
            fixed = constants or {}
            names = ", ".join((*columns, *fixed))
            values = ", ".join(("?",) * len(columns) + tuple(str(int(v)) for v in fixed.values()))
            conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({values})", rows)

    def insert_slices(
        self,
        conn: Connection,
        table: str,
        columns: Sequence[str],
        slices: Iterable[Sequence[Sequence[Any]]],
        constants: Mapping[str, int] | None = None,
        before_each: Callable[[int], None] | None = None,
    ) -> int:
        done = 0
        for rows in slices:
            if before_each:
                before_each(done)
            self.insert_rows(conn, table, columns, rows, constants)
            done += len(rows)
        return done

    def insert_ignoring(
        self, conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Staged in a temporary table and moved in one statement, in order. Each
        statement that writes the incident table makes its search index's trigger flush
        what FTS5 collected (a segment of its own, merged later), so a row per statement
        cost some seven times the row; one statement for all of them flushes once."""
        if not rows:
            return
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f"CREATE TEMP TABLE irdesk_incoming ({names})")
        try:
            conn.exec_driver_sql(f"INSERT INTO irdesk_incoming VALUES ({marks})", rows)
            # WHERE true: SQLite needs it to tell the upsert clause from a join's ON.
            conn.exec_driver_sql(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM irdesk_incoming"
                " WHERE true ORDER BY rowid ON CONFLICT DO NOTHING"
            )
        finally:
            conn.exec_driver_sql("DROP TABLE irdesk_incoming")

    @contextlib.contextmanager
    def checks_made_here(self, conn: Connection) -> Iterator[None]:
        """SQLite evaluates an IN-list CHECK such as timeline_event's `kind IN (…11
        values…)` by building a lookup table for every row, a large part of the cost of
        a bulk insert; the callers check the same in Python, once for all rows."""
        conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")

    @contextlib.contextmanager
    def indexes_built_after(
        self, conn: Connection, table: str, rows: int, at_least: int
    ) -> Iterator[None]:
        """SQLite builds an index from all its keys at once faster than it inserts them
        one by one; on a table already larger than the insert the rebuild would cost
        more. In the transaction, so a rollback brings the indexes back as they were."""
        (largest_id,) = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").one()
        if rows < max(largest_id, at_least):
            yield
            return
        indexes = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
            " AND sql IS NOT NULL",  # automatic indexes of UNIQUE constraints have none
            (table,),
        ).all()
        for name, _sql in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        yield
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)

    # --- the metric reads ---------------------------------------------------------

    def epoch(self, column: str) -> str:
        return f"round((julianday({column}) - 2440587.5) * 86400.0, 3)"


class PostgresDialect:
    name = "postgresql"

    @contextlib.contextmanager
    def import_settings(self, conn: Connection) -> Iterator[None]:
        # The server's own settings serve an import: its buffers are the administrator's,
        # and its foreign keys stay on (a team's other writers are not this import).
        yield

    def begin_import(self, conn: Connection) -> None:
        """One import at a time, as SQLite's write lock gives: the second waits for the
        first to commit, then reads what it wrote (a service, an incident) instead of
        inserting it again. Readers, reviews and notes do not wait for it."""
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({IMPORT_LOCK})")

    def insert_rows(
        self,
        conn: Connection,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        constants: Mapping[str, int] | None = None,
    ) -> None:
        """COPY, through psycopg's copy in text form: the server parses the times'
        text as a timestamp and 0/1 as a boolean, as it would from an INSERT."""
        self.insert_slices(conn, table, columns, (rows,), constants)

    def insert_slices(
        self,
        conn: Connection,
        table: str,
        columns: Sequence[str],
        slices: Iterable[Iterable[Sequence[Any]]],
        constants: Mapping[str, int] | None = None,
        before_each: Callable[[int], None] | None = None,
    ) -> int:
        """One COPY for every slice. A COPY per slice made client and server take turns:
        the server checks a statement's foreign keys when it ends, so the client waited
        for the checks of one slice before formatting the next, and the server then
        waited for it. Sent by psycopg's queued writer, a thread that waits on the
        socket (without the GIL) while this one formats the next rows, and the server
        works in its own process."""
        from psycopg.copy import QueuedLibpqWriter

        raw = conn.connection.driver_connection
        assert raw is not None
        fixed = tuple(constants.values()) if constants else ()
        names = ", ".join((*columns, *(constants or {})))
        done = 0
        with raw.cursor() as cursor:
            statement = f"COPY {table} ({names}) FROM STDIN"
            with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
                write = copy.write_row
                for rows in slices:
                    if before_each:
                        before_each(done)
                    if fixed:
                        for row in rows:
                            write((*row, *fixed))
                    else:
                        for row in rows:
                            write(row)
                    # Slices are sized (the protocol's); insert_rows's one may be an
                    # iterator, and nobody asks for its count.
                    done += len(rows) if isinstance(rows, Sized) else 0
        return done

    def insert_ignoring(
        self, conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """COPY into a temporary table, then one INSERT … SELECT that skips the rows
        already there: an executemany would cost a round trip a row."""
        if not rows:
            return
        names = ", ".join(columns)
        conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE irdesk_incoming ON COMMIT DROP AS"
            f" SELECT {names} FROM {table} WITH NO DATA"
        )
        self.insert_rows(conn, "irdesk_incoming", columns, rows)
        conn.exec_driver_sql(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM irdesk_incoming"
            " ON CONFLICT DO NOTHING"
        )
        conn.exec_driver_sql("DROP TABLE irdesk_incoming")

    @contextlib.contextmanager
    def checks_made_here(self, conn: Connection) -> Iterator[None]:
        # The server checks an IN-list CHECK for the cost of a comparison or two.
        yield

    @contextlib.contextmanager
    def indexes_built_after(
        self, conn: Connection, table: str, rows: int, at_least: int
    ) -> Iterator[None]:
        # Dropping a server's index takes a lock every reader of the table waits on.
        yield

    # --- the metric reads ---------------------------------------------------------

    def epoch(self, column: str) -> str:
        # numeric before rounding: round(double precision, int) does not exist here.
        return f"round(extract(epoch FROM {column})::numeric, 3)::float8"


SQLITE = SqliteDialect()
POSTGRESQL = PostgresDialect()


def dialect(conn: Connection) -> Dialect:
    """The dialect of the engine under `conn`."""
    return POSTGRESQL if conn.dialect.name == "postgresql" else SQLITE


def install(engine: Engine) -> None:
    """Let a server's engine take the bulk SQL as written, with SQLite's `?` placeholders.

    Only statements sent as written (exec_driver_sql) are rewritten; SQLAlchemy compiles
    its own for the server already. With parameters, psycopg reads `%` as the start of
    a placeholder, so a literal one is doubled first.
    """
    from sqlalchemy import event

    if engine.dialect.name != "postgresql" or event.contains(
        engine, "before_cursor_execute", _qmark_to_format
    ):
        return
    event.listen(engine, "before_cursor_execute", _qmark_to_format, retval=True)


def _qmark_to_format(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, _many: bool
) -> tuple[str, Any]:
    if context is not None and context.compiled is None and parameters and "?" in statement:
        statement = statement.replace("%", "%%").replace("?", "%s")
    return statement, parameters


# ---- The incident list's SQL (storage/bulk/incident_pages) -----------------------------
# Kept in a block of its own: the list is read on a connection of its own, sqlite3's or a
# server's, with no SQLAlchemy Connection to choose a Dialect from.


class ListSpelling(Protocol):
    """Where the incident list's page, count and filter SQL differ between the engines."""

    name: str
    # The sort keys' case-blind collation: SQLite's built-in, or the one migration 0008
    # makes on the server (quoted there: unquoted, PostgreSQL folds it to lower case).
    nocase: str
    # The list's own order, newest first with the incidents without a start last.
    newest_first: str

    # The filter's words: SQLite's FTS5 trigram index (migration 0017) where there is one,
    # else `contains`, true where the incident's words (`?`, casefolded) hold the word.
    indexed_words: bool
    contains: str

    def duration(self, start: str, end: str) -> str:
        """An expression ordering the incidents by the time from `start` to `end`."""
        ...


class SqliteListSpelling:
    name = "sqlite"
    nocase = "COLLATE NOCASE"
    # SQLite puts NULL below every time, so descending leaves the incidents without a
    # start last, and the index on started_at (which holds the id too) yields the rows
    # in this order without sorting them.
    newest_first = "i.started_at DESC, i.id DESC"
    indexed_words = True
    contains = ""  # the index's rows are read instead (incident_pages)

    def duration(self, start: str, end: str) -> str:
        return f"julianday({end}) - julianday({start})"


class PostgresListSpelling:
    name = "postgresql"
    nocase = 'COLLATE "NOCASE"'
    # PostgreSQL puts NULL above every value: descending would list them first.
    newest_first = "i.started_at DESC NULLS LAST, i.id DESC"
    # No FTS5 there: the same words the index holds (title, external id, source, service
    # name), read row by row. The default collation, as the service's name may not be
    # compared by strpos under a case-blind (nondeterministic) one.
    indexed_words = False
    contains = (
        "strpos(lower((i.title || ' ' || i.external_id || ' ' || i.source || ' ' ||"
        " COALESCE(s.name, '')) COLLATE \"default\"), ?) > 0"
    )

    def duration(self, start: str, end: str) -> str:
        # The times are timestamps there; their difference's seconds order as the days do.
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"


SQLITE_LIST = SqliteListSpelling()
POSTGRESQL_LIST = PostgresListSpelling()
