"""Other people's changes to a team database, as they commit (PostgreSQL's LISTEN/NOTIFY).

The server sends one notification per audit entry (migration 0026's trigger), at
commit, naming the entity, its id and the incident it belongs to. A listener holds a
connection of its own, outside the engine's pool, that does nothing but LISTEN; its
socket becomes readable when a notification arrives, so a window can watch it with a
socket notifier instead of polling. Notifications from this Database's own connections
are left out: a window already knows what it saved itself.

A file has no counterpart: `listen` answers None for one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from irdesk.storage.server import ServerError

if TYPE_CHECKING:
    from irdesk.storage.database import Database

CHANNEL = "irdesk_changes"


@dataclass(frozen=True)
class Change:
    """One audited change another connection committed."""

    entity: str  # the audit log's name for the record: "review", "finding", …
    entity_id: int | None
    incident_id: int | None  # the incident it belongs to, when it belongs to one

    @classmethod
    def of(cls, payload: str) -> Change:
        data = json.loads(payload)
        return cls(str(data.get("entity", "")), data.get("id"), data.get("incident"))


class ChangeListener:
    """LISTENs on a connection of its own to the server `db` is open on."""

    def __init__(self, db: Database) -> None:
        from sqlalchemy import event
        from sqlalchemy.exc import DBAPIError

        self._shown = str(db.path)
        self._engine = db.engine
        self._own: set[int] = set()
        event.listen(self._engine, "checkout", self._checked_out)
        try:
            pooled = self._engine.raw_connection()
            conn: Any = pooled.driver_connection
            pooled.detach()  # its own, for as long as the listener lives
            conn.rollback()  # the pool's liveness check may have left a transaction open
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
        except DBAPIError as exc:
            event.remove(self._engine, "checkout", self._checked_out)
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ServerError(f"{db.path}: cannot follow others' changes: {reason}.") from exc
        self._conn = conn

    def _checked_out(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        self._own.add(int(dbapi_connection.info.backend_pid))

    def fileno(self) -> int:
        """The socket to watch: readable when a notification (or anything else) arrives."""
        return int(self._conn.pgconn.socket)

    def changes(self) -> list[Change]:
        """What arrived since the last call, without waiting; others' changes only.

        ServerError when the connection is lost (the server restarted, the network went).
        """
        import psycopg

        pgconn = self._conn.pgconn
        try:
            pgconn.consume_input()
        except psycopg.OperationalError as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "connection lost"
            raise ServerError(
                f"{self._shown}: others' changes no longer show ({reason}); open it again "
                "to see them."
            ) from exc
        found = []
        while (notice := pgconn.notifies()) is not None:
            if notice.be_pid in self._own:
                continue
            found.append(Change.of(notice.extra.decode()))
        return found

    def close(self) -> None:
        from sqlalchemy import event

        if event.contains(self._engine, "checkout", self._checked_out):
            event.remove(self._engine, "checkout", self._checked_out)
        self._conn.close()


def listen(db: Database) -> ChangeListener | None:
    """A listener on `db`'s server; None for a file, which nobody else writes meanwhile.

    ServerError, for the user, when the server refuses the connection.
    """
    if db.engine.dialect.name != "postgresql":
        return None
    return ChangeListener(db)
