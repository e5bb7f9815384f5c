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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from irdesk.storage import schema
from irdesk.storage.records.audit import (
    AnchorClaim,
    AuditAnchor,
    ChainEntry,
    anchor_problems,
    first_broken,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from irdesk.storage.database import Database

SCHEMES = ("postgresql://", "postgres://")


class ServerError(Exception):
    """A server address or server database irdesk cannot use; the message is for the user."""


def is_server_address(text: str) -> bool:
    return text.startswith(SCHEMES)


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
        if not parts.path.strip("/"):
            raise ServerError(f"{text}: name the database after the host (postgresql://HOST/NAME).")
        return cls(text)

    @property
    def shown(self) -> str:
        """The address without its query (a socket folder or a service name)."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    def engine(self) -> Engine:
        from sqlalchemy import create_engine

        driver_url = "postgresql+psycopg://" + self.url.split("://", 1)[1]
        return create_engine(driver_url, pool_pre_ping=True)


def current_revision(conn: Connection) -> str | None:
    """The schema revision Alembic recorded on the server; None for an empty database."""
    from sqlalchemy import inspect

    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return None if row is None else str(row[0])


def upgrade(address: ServerAddress) -> tuple[str | None, str]:
    """Bring the server's schema to this irdesk's head: (revision before, after).

    A database written by a newer irdesk is refused, as a newer file is.
    """
    engine = address.engine()
    try:
        with _reported(address), engine.begin() as conn:
            before = current_revision(conn)
            _refuse_unknown(address, before)
            if before != schema.head_revision():
                schema.upgrade(conn)
    finally:
        engine.dispose()
    return before, schema.head_revision()


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
        with _reported(address), engine.connect() as conn:
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
def _reported(address: ServerAddress) -> Iterator[None]:
    """The driver's failures a user can act on (no server, no such database, a refused
    login, a missing grant) as one sentence naming the address."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        yield
    except (OperationalError, ProgrammingError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ServerError(f"{address.shown}: {reason} (nothing was changed).") from exc


@contextlib.contextmanager
def reading(address: ServerAddress) -> Iterator[Database]:
    """The server's database for reading (the figures, a packet), at this irdesk's head
    revision; no server, a refused login or an older schema as one ServerError."""
    from irdesk.storage.database import Database

    engine = address.engine()
    try:
        with _reported(address):
            with engine.connect() as conn:
                revision = current_revision(conn)
            if revision != schema.head_revision():
                _refuse_unknown(address, revision)
                raise ServerError(
                    f"{address.shown}: its schema is at revision {revision or 'none'}, not this "
                    f"irdesk's; run `irdesk db upgrade {address.shown}` first (nothing was changed)."
                )
            yield Database(path=Path(address.shown), engine=engine)
    finally:
        engine.dispose()
