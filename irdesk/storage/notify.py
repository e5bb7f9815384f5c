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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from irdesk.storage.server import ServerError

if TYPE_CHECKING:
    from irdesk.storage.database import Database

CHANNEL = "irdesk_changes"
# Migration 0030's payload for any write to the incident table (an import, above all).
INCIDENTS = "incidents"

# An audit action's first word, as the status bar says it; every other word is "edited".
_VERBS = {
    "add": "added",
    "create": "added",
    "delete": "deleted",
    "remove": "removed",
    "restore": "restored",
    "link": "linked",
    "unlink": "unlinked",
    "classify": "classified",
    "share": "shared",
    "unshare": "unshared",
    "end": "ended",
    "record": "recorded",
    "export": "exported",
}
# The audit log's entity names as a sentence says them.
_THINGS = {
    "review": "the review",
    "finding": "a finding",
    "action_item": "an action item",
    "timeline_event": "the timeline",
    "feedback_note": "a feedback note",
    "note_reader": "a feedback note's readers",
    "person": "a person",
    "team": "a team",
    "service": "a service",
    "rotation": "a rotation",
    "policy_version": "the policy",
    "problem": "a problem",
    "packet": "a packet",
    "calibration_session": "a calibration session",
    "regulation_rule": "a regulation rule",
    "validation_sample": "a validation sample",
    "runbook": "a runbook",
    "runbook_step_record": "a runbook step",
}

# The directory's records, named in a sentence by what they are and their name.
_DIRECTORY = {
    "person": "person",
    "team": "team",
    "service": "service",
    "rotation": "rotation",
    "policy": "escalation policy",
}
# A record's field as the Organisation window labels it, where its column name says
# it otherwise.
_FIELD_WORDS = {
    "team_id": "team",
    "owner_team_id": "owner team",
    "slo_target": "SLO target",
    "slo_window_days": "SLO window",
    "rto_minutes": "RTO",
    "rpo_minutes": "RPO",
}
# An action on something a record holds (its leave, a rotation's members), audited
# under the record: the thing it changed.
_PART_OF = {"leave": "leave", "rotation_member": "members"}


@dataclass(frozen=True)
class Change:
    """One audited change another connection committed."""

    entity: str  # the audit log's name for the record: "review", "finding", …; INCIDENTS
    entity_id: int | None
    incident_id: int | None  # the incident it belongs to, when it belongs to one
    # How the change is told, not which record it is: left out of equality.
    actor: str = field(default="", compare=False)  # as the audit entry names them
    action: str = field(default="", compare=False)  # "edit_review", "add_finding", …
    incident_key: str = field(default="", compare=False)  # "INC-42", when it has one
    # A directory record's name and the field its audit entry names (migration 0031).
    name: str = field(default="", compare=False)  # "Ana Lima"
    changed_field: str = field(default="", compare=False)  # "time_zone"
    # The person a person's edit or a feedback note is about (0031); None: not told.
    person_id: int | None = field(default=None, compare=False)

    @classmethod
    def of(cls, payload: str) -> Change:
        data = json.loads(payload)
        return cls(
            str(data.get("entity", "")),
            data.get("id"),
            data.get("incident"),
            str(data.get("actor") or ""),
            str(data.get("action") or ""),
            str(data.get("key") or ""),
            str(data.get("name") or ""),
            str(data.get("field") or ""),
            data.get("person"),
        )

    def sentence(self) -> str:
        """Who changed what, for a status bar: "Dana edited the review of INC-42"."""
        said = self._said()
        return said[:1].upper() + said[1:]  # an actor such as "anonymous respondent"

    def _said(self) -> str:
        if self.entity == INCIDENTS:
            return "Incidents were imported or updated elsewhere"
        who = self.actor or "Someone"
        # The action's verb where the action is done to the record itself ("add_finding",
        # an incident "recorded"); "add_leave" on a person adds no person: "edited".
        own = self.entity == "incident" or self.action.endswith(self.entity)
        verb = _VERBS.get(self.action.split("_", 1)[0], "edited") if own else "edited"
        thing = _THINGS.get(self.entity, self.entity.replace("_", " "))
        if self.entity == "incident":
            return f"{who} {verb} {self.incident_key or 'an incident'}"
        # "the review of INC-42", "a finding on INC-42"
        joint = " of " if thing.startswith("the ") or self.entity == "timeline_event" else " on "
        place = f"{joint}{self.incident_key}" if self.incident_key else ""
        if self.entity == "timeline_event":
            return f"{who} edited the timeline{place}"  # "added the timeline" says otherwise
        if self.name and self.entity in _DIRECTORY:
            # "Bo edited person Ana Lima: time zone": which record, and what of it.
            what = self.changed_field or _PART_OF.get(self.action.partition("_")[2], "")
            said = f"{who} {verb} {_DIRECTORY[self.entity]} {self.name}"
            return f"{said}: {_FIELD_WORDS.get(what, what.replace('_', ' '))}" if what else said
        return f"{who} {verb} {thing}{place}"


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
