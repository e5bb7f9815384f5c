"""`irdesk db copy`: a whole database, or a period's incidents, from a file to a server
or back, keeping every id, revision and audit hash.

A team starts on a laptop and moves to a server; a manager takes a quarter offline.
Both want the same records, not an export of them: the same ids (packets and the audit
log name records by id), the same revisions (a window open on the old copy must still
conflict, not overwrite), the notes' ciphertext byte for byte (the server never holds
their words, nor does the copy), and an audit chain that still verifies.

Rows go through the tables' own column types, so a time read from a file as text
reaches a server as a timestamp and back unchanged. The destination is written in one
transaction: a new file appears under its name only once complete, a server's schema
is made in the same transaction as its rows (PostgreSQL's DDL is transactional), so a
failed copy leaves nothing behind. The destination must hold no irdesk rows: a copy
merges nothing, because two databases' ids collide.

A period's copy keeps the incidents that started in it and everything hanging off them
(reviews, findings, action items, notes, packets, roles, timelines), found by following
the foreign keys; the organisation (people, teams, services, policies, readers' keys)
comes whole, as the figures and the notes' readers need it. The audit log comes whole
too: each entry's hash covers the one before, so a chain with entries left out cannot
verify, and an audit log that hid the other incidents' edits would no longer be one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from irdesk.storage import schema
from irdesk.storage.addresses import is_server_address
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table

    from irdesk.storage.server import ServerAddress

# Rows read and written at a time: few round trips, and memory that does not grow with the
# database.
BATCH = 2000

Report = Callable[[int, int], None]  # (rows copied so far, rows to copy)


class CopyRefused(Exception):
    """A copy that cannot be made; one sentence naming the database at fault."""


@dataclass(frozen=True)
class Period:
    """Whole UTC days, both included: the incidents that started in them."""

    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=UTC)

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


@dataclass
class CopySummary:
    source: str
    destination: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """irdesk's tables, each after the tables it refers to."""
    from sqlmodel import SQLModel

    import irdesk.domain.models  # noqa: F401  (registers the tables)

    return list(SQLModel.metadata.sorted_tables)


def copy_database(
    source: str,
    destination: str,
    *,
    period: Period | None = None,
    report: Report | None = None,
) -> CopySummary:
    """Copy `source` into `destination` (each a file's path or a postgresql:// address).

    Raises `CopyRefused` (nothing written) for a source or destination irdesk cannot use.
    """
    if period is not None and period.last_day < period.first_day:
        raise CopyRefused(
            f"--to {period.last_day} is before --from {period.first_day}; "
            "name the period's first day first."
        )
    # The destination refuses itself when it is the source: the source holds records.
    with (
        _source(source) as (source_engine, source_name),
        _destination(destination) as (conn, destination_name),
    ):
        summary = CopySummary(source_name, destination_name)
        with source_engine.connect() as read:
            _copy_rows(read, conn, period, summary, report)
        _reset_sequences(conn)
    return summary


def _copy_rows(
    read: Connection,
    write: Connection,
    period: Period | None,
    summary: CopySummary,
    report: Report | None,
) -> None:
    from sqlalchemy import func, select

    ordered = tables()
    plan = _Selection(ordered, period)
    total = sum(
        int(read.execute(select(func.count()).select_from(table)).scalar_one()) for table in ordered
    )
    done = 0
    for table in ordered:
        keys = list(table.primary_key.columns)
        result = read.execution_options(yield_per=BATCH).execute(select(table).order_by(*keys))
        copied = 0
        for batch in result.partitions():
            rows = [dict(row._mapping) for row in batch]
            kept = [row for row in rows if plan.keeps(table, row)]
            if kept:
                _insert(write, table, kept)
                copied += len(kept)
            done += len(rows)
            if report is not None:
                report(done, total)
        summary.rows[table.name] = copied


def _insert(write: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """`rows` into `table`: on a server through COPY, which a big copy measured several
    times faster than the driver's batched INSERTs; each value bound as the ORM binds it
    (UTC times, enum values), so either way the same rows arrive."""
    if write.dialect.name != "postgresql":
        write.execute(table.insert(), rows)
        return
    from irdesk.storage.bulk.dialect import dialect

    quote = write.dialect.identifier_preparer.quote
    binders = [(c.name, c.type.bind_processor(write.dialect)) for c in table.columns]
    dialect(write).insert_rows(
        write,
        quote(table.name),
        [quote(name) for name, _ in binders],
        [
            tuple(
                row[name] if bind is None or row[name] is None else bind(row[name])
                for name, bind in binders
            )
            for row in rows
        ],
    )


class _Selection:
    """Which rows a period's copy keeps: its incidents and whatever refers to them."""

    def __init__(self, ordered: list[Table], period: Period | None) -> None:
        self.period = period
        # The tables whose rows belong to one incident, directly or through another's.
        self.scoped: set[str] = {"incident"}
        for table in ordered:
            if any(fk.column.table.name in self.scoped for fk in table.foreign_keys):
                self.scoped.add(table.name)
        # The columns a foreign key points at, and the values of them that were kept.
        self.referenced: dict[str, list[str]] = {}
        for table in ordered:
            for fk in table.foreign_keys:
                columns = self.referenced.setdefault(fk.column.table.name, [])
                if fk.column.name not in columns:
                    columns.append(fk.column.name)
        self.kept: dict[tuple[str, str], set[Any]] = {}

    def keeps(self, table: Table, row: dict[str, Any]) -> bool:
        if self.period is None:
            return True
        if table.name not in self.scoped:
            return True
        if table.name == "incident":
            keep = self.period.holds(row["started_at"] or row.get("detected_at"))
        else:
            keep = all(
                row[fk.parent.name] is None
                or row[fk.parent.name]
                in self.kept.get((fk.column.table.name, fk.column.name), set())
                for fk in table.foreign_keys
                if fk.column.table.name in self.scoped
            )
        if keep:
            for column in self.referenced.get(table.name, ()):
                self.kept.setdefault((table.name, column), set()).add(row[column])
        return keep


def _reset_sequences(conn: Connection) -> None:
    """On a server, each id sequence continues after the highest id copied (an insert with
    its own id does not advance it); a file's next id is its highest plus one anyway."""
    from sqlalchemy import Integer, func, select

    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        sequence = func.pg_get_serial_sequence(table.name, keys[0].name)
        highest = select(func.coalesce(func.max(keys[0]), 0)).scalar_subquery()
        conn.execute(select(func.setval(sequence, highest + 1, False)))


@contextlib.contextmanager
def _source(text: str) -> Iterator[tuple[Engine, str]]:
    from irdesk.storage import server

    if is_server_address(text):
        address = _address(text)
        engine = address.engine()
        try:
            with _server_failures(address), engine.connect() as conn:
                revision = server.current_revision(conn)
            _require_head(address.shown, revision, "copy from")
            yield engine, address.shown
        finally:
            engine.dispose()
        return
    from irdesk.storage.database import open_database

    path = Path(text).expanduser()
    if not path.exists():
        raise CopyRefused(f"{path} does not exist; name the database to copy from.")
    try:
        database = open_database(path, create=False, upgrade=False)
    except DatabaseError as exc:
        raise CopyRefused(str(exc)) from exc
    try:
        yield database.engine, str(database.path)
    finally:
        database.close()


@contextlib.contextmanager
def _destination(text: str) -> Iterator[tuple[Connection, str]]:
    """One transaction on an empty destination, committed only if the block succeeds."""
    from irdesk.storage import server

    if is_server_address(text):
        address = _address(text)
        engine = address.engine()
        try:
            with _server_failures(address), engine.begin() as conn:
                revision = server.current_revision(conn)
                if revision is None:
                    schema.upgrade(conn)
                else:
                    _require_head(address.shown, revision, "copy into")
                    _require_empty(conn, address.shown)
                yield conn, address.shown
        finally:
            engine.dispose()
        return
    from irdesk.storage.database import creating_database, open_database

    path = Path(text).expanduser()
    if path.is_dir():
        raise CopyRefused(f"{path} is a folder; name the database file to copy into.")
    if not path.exists():
        with creating_database(path) as new, new.database.connection() as conn:
            yield conn, str(new.database.path)
            new.keep()
        return
    try:
        database = open_database(path, create=False, upgrade=False)
    except DatabaseError as exc:
        raise CopyRefused(str(exc)) from exc
    try:
        with database.connection() as conn:
            _require_empty(conn, str(database.path))
            yield conn, str(database.path)
    finally:
        database.close()


def _address(text: str) -> ServerAddress:
    from irdesk.storage import server

    try:
        return server.ServerAddress.parse(text)
    except server.ServerError as exc:
        raise CopyRefused(str(exc)) from exc


@contextlib.contextmanager
def _server_failures(address: ServerAddress) -> Iterator[None]:
    from irdesk.storage import server

    try:
        with server.reported(address):
            yield
    except server.ServerError as exc:
        raise CopyRefused(str(exc)) from exc


def _require_head(shown: str, revision: str | None, doing: str) -> None:
    head = schema.head_revision()
    if revision == head:
        return
    if revision is None:
        raise CopyRefused(f"{shown} holds no irdesk database; there is nothing to {doing}.")
    if revision not in schema.known_revisions():
        raise CopyRefused(
            f"{shown} was written by a newer irdesk (schema revision {revision}); "
            "upgrade irdesk to copy it (nothing was copied)."
        )
    raise CopyRefused(
        f"{shown} uses the older schema revision {revision}; run `irdesk db upgrade` on it "
        f"first (nothing was copied)."
    )


def _require_empty(conn: Connection, shown: str) -> None:
    from sqlalchemy import exists, select

    for table in tables():
        if conn.execute(select(exists().select_from(table))).scalar():
            raise CopyRefused(
                f"{shown} already holds irdesk records (its {table.name} table is not empty); "
                "copy into a new file or an empty database, as a copy merges nothing "
                "(nothing was copied)."
            )
