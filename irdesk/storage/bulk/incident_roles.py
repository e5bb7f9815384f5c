"""The roles an import finds for its incidents, written beside the typed ones.

An import replaces the rows it wrote before (source 'import') for every incident it
touches and never reads or writes a typed row, so a facilitator's role survives any
number of re-imports. What counts as the source saying so:

- an acknowledgement by a person: responder;
- a page (a notification) of a person before any escalation: on-call primary; after
  one: on-call secondary (an assignment before the first page escalates nothing);
- the source's assignment of the incident to a person (PagerDuty's `assignments`, kept
  as an event keyed ASSIGNMENT_KEY_PREFIX…), read as a page is: on-call primary unless
  an escalation after a page came before it, then secondary;
- the service's escalation policy at the incident's detection (else its start): a
  person targeted at level 1 is on-call primary, at level 2 secondary; a schedule
  targeted there contributes whoever its dated entries (final or rendered schedule,
  on-call intervals, on-call answers) put on call at that instant. A layer's own dates
  say only who takes turns, not whose turn it was, so they count for nothing here.
"""

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime
from operator import itemgetter

from irdesk.domain.enums import (
    ASSIGNMENT_KEY_PREFIX,
    ROLE_IMPORTED,
    EventKind,
    IncidentRoleKind,
)
from irdesk.domain.utc import utc_now
from irdesk.storage.bulk.batching import batches
from irdesk.storage.bulk.dialect import dialect
from irdesk.storage.bulk.import_transaction import ImportTransaction
from irdesk.storage.bulk.import_writer import NewEvent
from irdesk.storage.bulk.stored_text import db_time

# Membership rows that say whose turn it was, not only who takes turns.
ON_CALL_HOW = ("final", "rendered", "oncall", "snapshot")
# Incidents read at once: well under SQLite's limit of variables in one statement.
ROLE_BATCH = 500
LEVEL_ROLES = {1: IncidentRoleKind.ONCALL_PRIMARY, 2: IncidentRoleKind.ONCALL_SECONDARY}
# New role rows sent at once: a server takes each insert as a COPY of its own, whose
# start and foreign-key checks cost the same for 500 incidents' rows as for 10,000.
ROLE_ROWS = 10_000

Found = tuple[int, IncidentRoleKind, str]  # person id, role, how
# The kind an assignment event is read as (see _events_by_incident).
ASSIGNED = "assigned"


def refresh_imported_roles(
    tx: ImportTransaction,
    incident_ids: Iterable[int],
    inserted: Mapping[int, Sequence[NewEvent]] | None = None,
) -> int:
    """Bring the imported roles of these incidents to what the data says now; the number
    of rows added or removed. Rows that stay are left as they were (their time too), so
    importing the same files again changes nothing. Read a batch of incidents at a time:
    an import of many incidents with no roles to find costs three queries a batch.

    `inserted`: the incidents this import inserted, each with the events it inserted for
    it (all its events: the incident is new). Their roles come from those rows, without
    reading back what was just written, and they have no stored roles to look up: an
    import of a million new incidents, most without events, reads nothing for them.
    """
    changed = 0
    now = db_time(utc_now())
    inserted = inserted or {}
    any_policies = bool(inserted) and _any_service_policy(tx)
    # Sorted straight from a set, not through another copy of one: a big import's ids.
    unique = incident_ids if isinstance(incident_ids, AbstractSet) else set(incident_ids)
    inserts: list[tuple[int, int, str, str, str, str | None]] = []
    for batch in batches(sorted(unique), ROLE_BATCH):
        stored_ids = [i for i in batch if i not in inserted] if inserted else batch
        if not stored_ids and not any_policies and not any(inserted[i] for i in batch):
            continue  # new incidents without events or policies: no role to find
        events = _events_by_incident(tx, stored_ids) if stored_ids else {}
        for incident_id in batch:
            if inserted.get(incident_id):
                events[incident_id] = _role_events(inserted[incident_id])
        policies = _policies_by_incident(tx, batch) if any_policies or stored_ids else {}
        stored_rows = _stored_by_incident(tx, stored_ids) if stored_ids else {}
        # A batch's changes go in one executemany each, not a statement per role row.
        deletes: list[tuple[int]] = []
        updates: list[tuple[str, int]] = []
        for incident_id in batch:
            found = _from_events(events.get(incident_id, []))
            if incident_id in policies:
                policy_id, instant = policies[incident_id]
                found += on_call_at(tx, policy_id, instant)
            wanted: dict[tuple[int, str], str] = {}
            for person_id, role, how in found:
                wanted.setdefault((person_id, _ROLE_TEXT[role]), how)
            stored = stored_rows.get(incident_id, {})
            for key, (row_id, stored_how) in stored.items():
                if key not in wanted:
                    deletes.append((row_id,))
                elif wanted[key] != stored_how:
                    updates.append((wanted[key], row_id))
            for (person_id, role_value), how in wanted.items():
                if (person_id, role_value) not in stored:
                    inserts.append((incident_id, person_id, role_value, ROLE_IMPORTED, how, now))
        changed += len(deletes)
        if len(inserts) < ROLE_ROWS:
            _write_roles(tx, deletes, updates, [])
            continue
        changed += len(inserts)
        _write_roles(tx, deletes, updates, inserts)
        inserts = []
    changed += len(inserts)
    _write_roles(tx, [], [], inserts)
    return changed


def _write_roles(
    tx: ImportTransaction,
    deletes: list[tuple[int]],
    updates: list[tuple[str, int]],
    inserts: list[tuple[int, int, str, str, str, str | None]],
) -> None:
    """Role rows removed and changed (one batch's), then added (up to ROLE_ROWS of
    several batches'), in that order."""
    if deletes:
        tx.conn.exec_driver_sql("DELETE FROM incident_role WHERE id = ?", deletes)
    if updates:
        tx.conn.exec_driver_sql("UPDATE incident_role SET how = ? WHERE id = ?", updates)
    if inserts:
        dialect(tx.conn).insert_rows(
            tx.conn,
            "incident_role",
            ("incident_id", "person_id", "role", "source", "how", "set_at"),
            inserts,
            {"revision": 0},
        )


EventRow = tuple[str, int | None, str]  # kind, actor person id, stored time


def _events_by_incident(tx: ImportTransaction, ids: Sequence[int]) -> dict[int, list[EventRow]]:
    marks = ",".join("?" * len(ids))
    # An assignment is a status change keyed as one; it reads as ASSIGNED here.
    rows = tx.conn.exec_driver_sql(
        "SELECT incident_id, CASE WHEN kind = ? THEN ? ELSE kind END, actor_person_id,"
        " occurred_at FROM timeline_event"
        f" WHERE incident_id IN ({marks})"
        " AND (kind IN (?, ?, ?) OR (kind = ? AND substr(external_id, 1, ?) = ?))"
        " ORDER BY incident_id, occurred_at, id",
        (
            EventKind.STATUS_CHANGE.value,
            ASSIGNED,
            *ids,
            EventKind.PAGE.value,
            EventKind.ACKNOWLEDGE.value,
            EventKind.ESCALATE.value,
            EventKind.STATUS_CHANGE.value,
            len(ASSIGNMENT_KEY_PREFIX),
            ASSIGNMENT_KEY_PREFIX,
        ),
    ).all()
    out: dict[int, list[EventRow]] = {}
    for incident_id, kind, person, when in rows:
        out.setdefault(int(incident_id), []).append(
            (str(kind), None if person is None else int(person), str(when))
        )
    return out


def _role_events(rows: Sequence[NewEvent]) -> list[EventRow]:
    """_events_by_incident's rows for one incident, from the rows inserted for it: in
    time order, ties in insertion order (the order of their ids)."""
    # By position, not by unpacking: a big import's every event passes here, and most
    # (notes, alerts, resolutions) are dropped at the first test.
    out = [
        (kind, row[5], when)
        for row in rows
        if (
            (kind := row[2]) in _ROLE_KINDS
            or (
                kind == _STATUS_CHANGE
                and (key := row[4]) is not None
                and key.startswith(ASSIGNMENT_KEY_PREFIX)
                and (kind := ASSIGNED)
            )
        )
        and (when := row[1]) is not None
    ]
    out.sort(key=_WHEN)  # stable: ties keep their insertion order
    return out


def _any_service_policy(tx: ImportTransaction) -> bool:
    return tx.conn.exec_driver_sql("SELECT 1 FROM service_policy LIMIT 1").first() is not None


def _policies_by_incident(tx: ImportTransaction, ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    marks = ",".join("?" * len(ids))
    rows = tx.conn.exec_driver_sql(
        "SELECT i.id, sp.policy_id, COALESCE(i.detected_at, i.started_at) FROM incident i"
        f" JOIN service_policy sp ON sp.service_id = i.service_id WHERE i.id IN ({marks})",
        tuple(ids),
    ).all()
    return {int(i): (int(p), str(t)) for i, p, t in rows if t is not None}


def _stored_by_incident(
    tx: ImportTransaction, ids: Sequence[int]
) -> dict[int, dict[tuple[int, str], tuple[int, str | None]]]:
    marks = ",".join("?" * len(ids))
    rows = tx.conn.exec_driver_sql(
        "SELECT incident_id, id, person_id, role, how FROM incident_role"
        f" WHERE incident_id IN ({marks}) AND source = 'import'",
        tuple(ids),
    ).all()
    out: dict[int, dict[tuple[int, str], tuple[int, str | None]]] = {}
    for incident_id, row_id, person, role, how in rows:
        out.setdefault(int(incident_id), {})[(int(person), str(role))] = (int(row_id), how)
    return out


def incidents_with_policies(tx: ImportTransaction) -> list[int]:
    """Incidents whose service has an escalation policy: a directory import can change
    who was on call for any of them."""
    rows = tx.conn.exec_driver_sql(
        "SELECT i.id FROM incident i JOIN service_policy sp ON sp.service_id = i.service_id"
    ).all()
    return [int(r[0]) for r in rows]


def _clock(stored: object) -> str:
    return str(stored)[11:16]


# The kinds' stored texts as plain strings: an enum member's .value is a descriptor call,
# and _from_events compares every event of an import against three of them.
_ESCALATE = EventKind.ESCALATE.value
_PAGE = EventKind.PAGE.value
_ACKNOWLEDGE = EventKind.ACKNOWLEDGE.value
_ROLE_TEXT = {role: role.value for role in IncidentRoleKind}
_STATUS_CHANGE = EventKind.STATUS_CHANGE.value
_ROLE_KINDS = frozenset((_ESCALATE, _PAGE, _ACKNOWLEDGE))
_WHEN = itemgetter(2)


def _from_events(rows: Sequence[EventRow]) -> list[Found]:
    found: list[Found] = []
    escalated = paged = False
    for kind, person, when in rows:
        # PagerDuty's first assignment is an ESCALATE event too; only one after a page
        # moves the incident on.
        if kind == _ESCALATE and paged:
            escalated = True
        paged = paged or kind == _PAGE
        if person is None:
            continue
        if kind == _ACKNOWLEDGE:
            found.append((person, IncidentRoleKind.RESPONDER, f"acknowledged {_clock(when)}"))
        elif kind == _PAGE and not escalated:
            found.append((person, IncidentRoleKind.ONCALL_PRIMARY, f"paged {_clock(when)}"))
        elif kind == ASSIGNED:
            role = (
                IncidentRoleKind.ONCALL_SECONDARY if escalated else IncidentRoleKind.ONCALL_PRIMARY
            )
            found.append((person, role, f"assigned {_clock(when)}"))
        elif kind == _PAGE:
            found.append(
                (
                    person,
                    IncidentRoleKind.ONCALL_SECONDARY,
                    f"paged after escalation {_clock(when)}",
                )
            )
    return found


def on_call_at(tx: ImportTransaction, policy_id: int, instant: str | datetime) -> list[Found]:
    """Who the policy's first two levels paged at `instant` (a stored time)."""
    targets = tx.conn.exec_driver_sql(
        "SELECT l.level, t.kind, t.person_id, t.rotation_id FROM escalation_level l"
        " JOIN escalation_target t ON t.level_id = l.id"
        " WHERE l.policy_id = ? AND l.level IN (1, 2) ORDER BY l.level, t.position",
        (policy_id,),
    ).all()
    found: list[Found] = []
    marks = ",".join("?" * len(ON_CALL_HOW))
    for level, kind, person, rotation in targets:
        role = LEVEL_ROLES[int(level)]
        if kind == "person" and person is not None:
            found.append((int(person), role, f"escalation level {level}"))
        elif kind == "rotation" and rotation is not None:
            members = tx.conn.exec_driver_sql(
                "SELECT DISTINCT m.person_id, r.name FROM rotation_member m"
                " JOIN rotation r ON r.id = ?"
                " WHERE (m.rotation_id = r.id OR m.rotation_id IN"
                "  (SELECT id FROM rotation WHERE parent_id = r.id))"
                f" AND m.how IN ({marks}) AND m.starts_at IS NOT NULL AND m.starts_at <= ?"
                " AND (m.ends_at IS NULL OR m.ends_at > ?)",
                (rotation, *ON_CALL_HOW, instant, instant),
            ).all()
            for member, name in members:
                found.append((int(member), role, f"on call for {name}, level {level}"))
    return found
