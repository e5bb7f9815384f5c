"""The roles an import finds for its incidents, written beside the typed ones.

An import replaces the rows it wrote before (source 'import') for every incident it
touches and never reads or writes a typed row, so a facilitator's role survives any
number of re-imports. What counts as the source saying so:

- an acknowledgement by a person: responder;
- a page (a notification) of a person before any escalation: on-call primary; after
  one: on-call secondary (an assignment before the first page escalates nothing);
- the service's escalation policy at the incident's detection (else its start): a
  person targeted at level 1 is on-call primary, at level 2 secondary; a schedule
  targeted there contributes whoever its dated entries (final or rendered schedule,
  on-call intervals, on-call answers) put on call at that instant. A layer's own dates
  say only who takes turns, not whose turn it was, so they count for nothing here.
"""

from collections.abc import Iterable
from datetime import datetime

from irdesk.domain.enums import ROLE_IMPORTED, EventKind, IncidentRoleKind
from irdesk.domain.utc import utc_now
from irdesk.storage.bulk.import_transaction import ImportTransaction
from irdesk.storage.bulk.stored_text import db_time

# Membership rows that say whose turn it was, not only who takes turns.
ON_CALL_HOW = ("final", "rendered", "oncall", "snapshot")
LEVEL_ROLES = {1: IncidentRoleKind.ONCALL_PRIMARY, 2: IncidentRoleKind.ONCALL_SECONDARY}

Found = tuple[int, IncidentRoleKind, str]  # person id, role, how


def refresh_imported_roles(tx: ImportTransaction, incident_ids: Iterable[int]) -> int:
    """Bring the imported roles of these incidents to what the data says now; the number
    of rows added or removed. Rows that stay are left as they were (their time too), so
    importing the same files again changes nothing."""
    changed = 0
    now = db_time(utc_now())
    for incident_id in sorted(set(incident_ids)):
        wanted: dict[tuple[int, str], str] = {}
        for person_id, role, how in _from_events(tx, incident_id) + _from_schedule(tx, incident_id):
            wanted.setdefault((person_id, role.value), how)
        stored = {
            (int(person), str(role)): (int(row_id), how)
            for row_id, person, role, how in tx.conn.exec_driver_sql(
                "SELECT id, person_id, role, how FROM incident_role"
                " WHERE incident_id = ? AND source = 'import'",
                (incident_id,),
            ).all()
        }
        for key, (row_id, how) in stored.items():
            if key not in wanted:
                tx.conn.exec_driver_sql("DELETE FROM incident_role WHERE id = ?", (row_id,))
                changed += 1
            elif wanted[key] != how:
                tx.conn.exec_driver_sql(
                    "UPDATE incident_role SET how = ? WHERE id = ?", (wanted[key], row_id)
                )
        for (person_id, role_value), how in wanted.items():
            if (person_id, role_value) not in stored:
                tx.conn.exec_driver_sql(
                    "INSERT INTO incident_role"
                    " (incident_id, person_id, role, source, how, set_at, revision)"
                    " VALUES (?, ?, ?, ?, ?, ?, 0)",
                    (incident_id, person_id, role_value, ROLE_IMPORTED, how, now),
                )
                changed += 1
    return changed


def incidents_with_policies(tx: ImportTransaction) -> list[int]:
    """Incidents whose service has an escalation policy: a directory import can change
    who was on call for any of them."""
    rows = tx.conn.exec_driver_sql(
        "SELECT i.id FROM incident i JOIN service_policy sp ON sp.service_id = i.service_id"
    ).all()
    return [int(r[0]) for r in rows]


def _clock(stored: object) -> str:
    return str(stored)[11:16]


def _from_events(tx: ImportTransaction, incident_id: int) -> list[Found]:
    rows = tx.conn.exec_driver_sql(
        "SELECT kind, actor_person_id, occurred_at FROM timeline_event"
        " WHERE incident_id = ? AND kind IN (?, ?, ?) ORDER BY occurred_at, id",
        (incident_id, EventKind.PAGE.value, EventKind.ACKNOWLEDGE.value, EventKind.ESCALATE.value),
    ).all()
    found: list[Found] = []
    escalated = paged = False
    for kind, person, when in rows:
        # PagerDuty's first assignment is an ESCALATE event too; only one after a page
        # moves the incident on.
        if kind == EventKind.ESCALATE.value and paged:
            escalated = True
        paged = paged or kind == EventKind.PAGE.value
        if person is None:
            continue
        if kind == EventKind.ACKNOWLEDGE.value:
            found.append((int(person), IncidentRoleKind.RESPONDER, f"acknowledged {_clock(when)}"))
        elif kind == EventKind.PAGE.value and not escalated:
            found.append((int(person), IncidentRoleKind.ONCALL_PRIMARY, f"paged {_clock(when)}"))
        elif kind == EventKind.PAGE.value:
            found.append(
                (
                    int(person),
                    IncidentRoleKind.ONCALL_SECONDARY,
                    f"paged after escalation {_clock(when)}",
                )
            )
    return found


def _from_schedule(tx: ImportTransaction, incident_id: int) -> list[Found]:
    row = tx.conn.exec_driver_sql(
        "SELECT sp.policy_id, COALESCE(i.detected_at, i.started_at) FROM incident i"
        " JOIN service_policy sp ON sp.service_id = i.service_id WHERE i.id = ?",
        (incident_id,),
    ).first()
    if row is None or row[1] is None:
        return []
    policy_id, instant = int(row[0]), row[1]
    return on_call_at(tx, policy_id, instant)


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
