"""A team database on a PostgreSQL server: its address, its upgrade and its check.

A file is the default: one person, one laptop. An organisation's reviews live on a
server instead, addressed as `postgresql://[USER@]HOST[:PORT]/DATABASE` or
`postgresql:///DATABASE?host=/socket/folder`. Who connects, and with what password,
comes from where libpq looks for it (a `~/.pgpass` file, a `pg_service.conf` entry
named by `?service=`, the PG* environment variables), never from the command line
or irdesk's settings: an address with a password in it is refused before it is used.

The schema is the same Alembic chain as a file's; PostgreSQL runs each upgrade in
one transaction with its DDL, so a failed upgrade leaves the server as it was and no
backup copy is made (the server's own backups, `pg_dump`, are the administrator's).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import PosixPath
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from irdesk.storage import schema
from irdesk.storage.addresses import is_server_address

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from irdesk.storage.database import Database, OnUpgradeProgress
    from irdesk.storage.records.audit import AnchorClaim


class ServerError(Exception):
    """A server address or server database irdesk cannot use; the message is for the user."""


@dataclass(frozen=True)
class ServerAddress:
    """A PostgreSQL address as the user wrote it, checked to carry no password."""

    url: str

    @classmethod
    def parse(cls, text: str) -> ServerAddress:
        if not is_server_address(text):
            raise ServerError(f"{text} is not a PostgreSQL address (postgresql://…).")
        parts = urlsplit(text)
        if parts.password is not None:
            raise ServerError(
                f"{parts.scheme}://{parts.username or ''}@{parts.hostname or ''}…: the address "
                "holds a password, which the command line would leave in your shell's history "
                "and the process list; put it in ~/.pgpass (or a pg_service.conf entry) and "
                "leave it out of the address."
            )
        # A service entry (pg_service.conf) may name the database itself.
        named_elsewhere = any(
            item.split("=", 1)[0] in ("service", "dbname") for item in parts.query.split("&")
        )
        if not parts.path.strip("/") and not named_elsewhere:
            raise ServerError(f"{text}: name the database after the host (postgresql://HOST/NAME).")
        return cls(text)

    @property
    def shown(self) -> str:
        """The address without its query (a socket folder), but for the service entry
        that names the database when the address itself does not."""
        parts = urlsplit(self.url)
        service = [item for item in parts.query.split("&") if item.startswith("service=")]
        named = f"?{service[0]}" if service and not parts.path.strip("/") else ""
        return f"{parts.scheme}://{parts.netloc}{parts.path}{named}"

    def engine(self) -> Engine:
        from sqlalchemy import create_engine

        from irdesk.storage.bulk import dialect

        driver_url = "postgresql+psycopg://" + self.url.split("://", 1)[1]
        engine = create_engine(driver_url, pool_pre_ping=True)
        dialect.install(engine)  # the bulk SQL's placeholders, as written for both engines
        return engine


class ServerLocation(PosixPath):
    """A server database where a file's path goes (`--db`, `Database.path`), so every
    command and message that names its database names the server's the same way.

    It shows as the address without its query, exists (the server says otherwise when
    asked), and is already absolute.
    """

    address: ServerAddress

    def __new__(cls, address: ServerAddress) -> ServerLocation:
        self = super().__new__(cls, address.shown)
        self.address = address
        return self

    if sys.version_info >= (3, 12):

        def __init__(self, address: ServerAddress) -> None:
            super().__init__(address.shown)

    # pathlib makes the paths it derives (`parent`, `with_name`) without `__new__`: they
    # hold no address and are the plain (folded) paths they look like, found nowhere.

    def __str__(self) -> str:
        address = self.__dict__.get("address")
        return super().__str__() if address is None else address.shown

    def __repr__(self) -> str:
        return f"ServerLocation({str(self)!r})"

    def exists(self, *, follow_symlinks: bool = True) -> bool:
        return "address" in self.__dict__ or super().exists()

    def expanduser(self) -> ServerLocation:
        return self

    def resolve(self, strict: bool = False) -> ServerLocation:
        return self


def current_revision(conn: Connection) -> str | None:
    """The schema revision Alembic recorded on the server; None for an empty database."""
    from sqlalchemy import inspect

    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return None if row is None else str(row[0])


# Where a file's upgrade tells of its backup copy, a server's says why there is none.
NO_BACKUP = (
    "no backup copy is made of a server (pg_dump keeps one); the steps run in one "
    "transaction, so a failed step changes nothing"
)


def upgrade(
    address: ServerAddress, on_progress: OnUpgradeProgress | None = None
) -> tuple[str | None, str]:
    """Bring the server's schema to this irdesk's head: (revision before, after).

    A database written by a newer irdesk is refused, as a newer file is. `on_progress`
    hears the steps a file's upgrade tells, but the backup copy: the migrations run in
    one transaction, so a failed step leaves the server as it was (a copy to go back to
    after a successful upgrade is the administrator's: pg_dump).
    """
    from irdesk.storage.database import UpgradeProgress

    def tell(progress: UpgradeProgress) -> None:
        if on_progress is not None:
            on_progress(progress)

    def step(number: int, steps: int, name: str) -> None:
        tell(UpgradeProgress("migrating", f"step {number} of {steps}: {name}", number - 1, steps))

    engine = address.engine()
    try:
        with reported(address), engine.begin() as conn:
            tell(UpgradeProgress("checking", "reading its schema revision"))
            before = current_revision(conn)
            _refuse_unknown(address, before)
            if before != schema.head_revision():
                tell(UpgradeProgress("checking", NO_BACKUP))
                schema.upgrade(conn, on_step=step if on_progress is not None else None)
                tell(UpgradeProgress("checking", "committing the upgrade"))
    finally:
        engine.dispose()
    if before != schema.head_revision():
        tell(UpgradeProgress("done", "done", 1, 1))
    return before, schema.head_revision()


def open_server_database(address: ServerAddress, *, may_upgrade: bool = False) -> Database:
    """The server database as a `Database` every storage function takes, as a file's.

    One at an older revision is upgraded first when `may_upgrade` (a writing command), else
    refused with the command to run; one from a newer irdesk is refused either way.
    """
    from irdesk.storage.database import Database

    engine = address.engine()
    try:
        with reported(address), engine.connect() as conn:
            revision = current_revision(conn)
        _refuse_unknown(address, revision)
        if revision != schema.head_revision():
            if not may_upgrade:
                raise ServerError(
                    f"{address.shown}: its schema revision is {revision or 'none'}; run "
                    f"`irdesk db upgrade {address.shown}` first (nothing was changed)."
                )
            upgrade(address)
    except BaseException:
        engine.dispose()
        raise
    # Messages name the address as shown: no socket folder or service in the query.
    location = ServerLocation(address)
    _name_stopped_commands(engine, location)
    return Database(path=location, engine=engine)


def _name_stopped_commands(engine: Engine, location: ServerLocation) -> None:
    """Every statement of the database's engine that the server stops (a connection ended,
    a shutdown, a cancelled statement) raises `errors.ServerStopped` naming `location`,
    wherever it runs: in a session, a transaction or a plain read, as SQLite's failures
    become sentences in `failures_named`. A failed connect stays the opener's to name, and
    the pool's liveness check its own to recover from (it reconnects)."""
    from sqlalchemy import event
    from sqlalchemy.engine import ExceptionContext

    from irdesk.storage.errors import server_stopped

    def named(context: ExceptionContext) -> BaseException | None:
        if context.is_pre_ping or context.connection is None:
            return None
        return server_stopped(context.original_exception, location)

    event.listen(engine, "handle_error", named)


@dataclass
class ServerCheck:
    """What `irdesk db check` finds on a server database (read-only)."""

    address: ServerAddress
    revision: str | None
    head: str
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # None: intact (or no log yet); otherwise the first audit entry whose hash fails.
    audit_broken_at: int | None = None
    anchors_checked: int = 0
    anchor_problems: list[str] = field(default_factory=list)

    @property
    def is_current(self) -> bool:
        return self.revision == self.head

    @property
    def ok(self) -> bool:
        return (
            self.is_current
            and not self.problems
            and self.audit_broken_at is None
            and not self.anchor_problems
        )


COUNTED_TABLES = ("incident", "timeline_event", "person", "service", "review", "finding")


def check(address: ServerAddress, anchors: Iterable[AnchorClaim] = ()) -> ServerCheck:
    """Schema revision, schema drift, broken indexes and unvalidated constraints, and
    the audit log as a chain held to its packets' anchors (and to `anchors`, read from
    packet files), as a file's check does.

    SQLite's page-level `integrity_check` has no counterpart a client can run on a
    server (its storage is the server's to guard); what a client can see is whether
    the tables are the ones this irdesk expects and whether the server marked an index
    invalid (an interrupted concurrent build) or a constraint not validated.
    """
    engine = address.engine()
    try:
        with reported(address), engine.connect() as conn:
            revision = current_revision(conn)
            _refuse_unknown(address, revision)
            report = ServerCheck(address, revision, schema.head_revision())
            if revision is None:
                report.problems.append("it holds no irdesk schema yet: run `irdesk db upgrade`")
                return report
            if report.is_current:
                report.problems.extend(_schema_drift(conn))
            report.problems.extend(_invalid_objects(conn))
            for table in COUNTED_TABLES:
                count = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
                report.counts[table] = int(count)
            if report.is_current:
                _check_audit(conn, report, list(anchors))
            conn.rollback()
    finally:
        engine.dispose()
    return report


def _check_audit(conn: Connection, report: ServerCheck, anchors: list[AnchorClaim]) -> None:
    # Here, not at the top: the audit module brings the ORM's models, which every
    # command given a server address would otherwise load (a second of an import's start).
    from irdesk.storage.records.audit import (
        AnchorClaim,
        AuditAnchor,
        ChainEntry,
        anchor_problems,
        first_broken,
    )

    entries = conn.exec_driver_sql(
        "SELECT id, occurred_at, actor, action, entity, entity_id, detail_json, prev_hash, hash"
        " FROM audit_entry ORDER BY id"
    ).all()
    report.counts["audit_entry"] = len(entries)
    # The server keeps UTC without a zone, as a file does; the hash was made over UTC.
    report.audit_broken_at = first_broken(
        (row[0], row[1].replace(tzinfo=UTC), *row[2:]) for row in entries
    )
    chain = [ChainEntry.of(row[8], row[3], row[6]) for row in entries]
    recorded = conn.exec_driver_sql(
        "SELECT packet_uid, audit_entries, audit_head FROM packet"
        " WHERE audit_entries IS NOT NULL AND audit_head IS NOT NULL ORDER BY id"
    ).all()
    claims = [
        AnchorClaim(uid, AuditAnchor(count, head), f"packet {uid}'s record")
        for uid, count, head in recorded
    ] + anchors
    report.anchors_checked = len(claims)
    report.anchor_problems = anchor_problems(chain, claims)


def _refuse_unknown(address: ServerAddress, revision: str | None) -> None:
    if revision is not None and revision not in schema.known_revisions():
        raise ServerError(
            f"{address.shown}: its schema revision {revision} was written by a newer irdesk; "
            "upgrade irdesk to use it (nothing was changed)."
        )


def _schema_drift(conn: Connection) -> list[str]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import irdesk.domain.models  # noqa: F401  (registers the tables)

    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "include_name": _irdesk_object}
    )
    return [
        f"schema differs from this irdesk's: {diff}"
        for diff in compare_metadata(context, SQLModel.metadata)
    ]


def _irdesk_object(name: str | None, kind: str, _parents: object) -> bool:
    """Leave out what `irdesk db roles` adds beside the schema (its `irdesk_` tables)."""
    return not (kind == "table" and name is not None and name.startswith("irdesk_"))


def _invalid_objects(conn: Connection) -> list[str]:
    indexes = conn.exec_driver_sql(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)"
    ).scalars()
    constraints = conn.exec_driver_sql(
        "SELECT conname FROM pg_constraint WHERE NOT convalidated"
        " AND connamespace = current_schema()::regnamespace"
    ).scalars()
    return [
        f"index {name} is marked invalid: rebuild it (REINDEX INDEX {name})" for name in indexes
    ] + [
        f"constraint {name} was never validated (ALTER TABLE … VALIDATE CONSTRAINT {name})"
        for name in constraints
    ]


@contextlib.contextmanager
def reported(address: ServerAddress) -> Iterator[None]:
    """The driver's failures a user can act on (no server, no such database, a refused
    login, a missing grant) as one sentence naming the address."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        yield
    except (OperationalError, ProgrammingError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ServerError(f"{address.shown}: {reason} (nothing was changed).") from exc
