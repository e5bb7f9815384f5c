"""The register's edits: when notice was given and by whom, and the regulations' rules.

Each is compare-and-set on its row's revision (0: no row written yet) and appended
to the audit log in the same transaction, naming the values before and after.
A notice is audited under its incident, a rule under `regulation_rule`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, func, select

from irdesk.domain.models import Incident, IncidentNotification, RegulationRule, stored_id
from irdesk.domain.utc import as_utc
from irdesk.storage.database import Database
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.revisions import ConflictWording, compare_and_set

NOTICE_WORDING = ConflictWording(
    changed="the notice of incident {id} was recorded elsewhere (another window?)",
    deleted="incident {id} was deleted elsewhere",
)
RULE_WORDING = ConflictWording(
    changed="the rule {id} was changed elsewhere (another window?)",
    deleted="the rule {id} was deleted elsewhere",
)


class RegisterRefused(EditRefused):
    """A notice or rule the rules do not allow; the message names what and why."""


@dataclass(frozen=True)
class NoticeState:
    notified_at: datetime | None
    notified_by: str | None


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def notice_of(session: Session, incident_id: int) -> tuple[NoticeState, int]:
    row = session.exec(
        select(IncidentNotification).where(IncidentNotification.incident_id == incident_id),
        execution_options={"populate_existing": True},
    ).first()
    if row is None:
        return NoticeState(None, None), 0
    at = as_utc(row.notified_at) if row.notified_at else None
    return NoticeState(at, row.notified_by), row.revision


def set_notice(
    session: Session,
    incident_id: int,
    revision: int,
    value: NoticeState,
    *,
    actor: str,
) -> int:
    """Record when notice was given and by whom, if the record is still at `revision`.

    Both or neither: a time without a name (or a name without a time) is refused, as
    is a time without a zone. Returns the new revision (the same when nothing changed).
    """
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NOTICE_WORDING.conflict("incident", incident_id, deleted=True)
    label = f"{incident.source}:{incident.external_id}"
    by = (value.notified_by or "").strip() or None
    if (value.notified_at is None) != (by is None):
        raise RegisterRefused(f"{label}: a notice needs both when it was given and by whom.")
    if value.notified_at is not None and value.notified_at.tzinfo is None:
        raise RegisterRefused(f"{label}: the notice time needs a time zone (e.g. …T17:00+01:00).")
    value = NoticeState(as_utc(value.notified_at) if value.notified_at else None, by)
    before, current = notice_of(session, incident_id)
    if current != revision:
        raise NOTICE_WORDING.conflict("incident_notification", incident_id, deleted=False)
    if before == value:
        return revision
    values: dict[str, Any] = {
        "notified_at": value.notified_at,
        "notified_by": value.notified_by,
        "set_by": actor,
    }
    if current == 0:
        session.add(IncidentNotification(incident_id=incident_id, revision=1, **values))
        session.flush()
        new_revision = 1
    else:
        row_id = session.exec(
            select(IncidentNotification.id).where(IncidentNotification.incident_id == incident_id)
        ).one()
        new_revision = compare_and_set(
            session,
            IncidentNotification,
            stored_id(row_id),
            revision,
            values,
            wording=NOTICE_WORDING,
        )
    append_entry(
        session,
        actor=actor,
        action="record_notice",
        entity="incident",
        entity_id=incident_id,
        detail={
            "notified_at": {"from": _iso(before.notified_at), "to": _iso(value.notified_at)},
            "notified_by": {"from": before.notified_by, "to": value.notified_by},
        },
    )
    return new_revision


def set_rule(
    session: Session,
    regulation: str,
    revision: int,
    *,
    within_hours: float,
    notice: str = "initial notice",
    actor: str,
) -> int:
    """Make `regulation`'s rule a `notice` due `within_hours` of detection; the new revision.

    A new rule is written at revision 0; an existing one only at its current revision.
    """
    name = regulation.strip()
    if not name:
        raise RegisterRefused("a rule needs the regulation's name (e.g. GDPR).")
    if not within_hours > 0 or within_hours != within_hours:
        raise RegisterRefused(
            f"{name}: the notice must be due a positive number of hours after detection."
        )
    row = session.exec(
        select(RegulationRule).where(func.lower(RegulationRule.regulation) == name.lower()),
        execution_options={"populate_existing": True},
    ).first()
    current = row.revision if row is not None else 0
    if current != revision:
        raise RULE_WORDING.conflict(
            "regulation_rule", stored_id(row.id) if row else 0, deleted=False
        )
    before = None if row is None else {"notice": row.notice, "within_hours": row.within_hours}
    after: dict[str, str | float] = {
        "notice": notice.strip() or "initial notice",
        "within_hours": float(within_hours),
    }
    if before == after:
        return revision
    if row is None:
        row = RegulationRule(
            regulation=name,
            notice=str(after["notice"]),
            within_hours=float(after["within_hours"]),
            revision=1,
            set_by=actor,
        )
        session.add(row)
        session.flush()
        new_revision = 1
    else:
        new_revision = compare_and_set(
            session,
            RegulationRule,
            stored_id(row.id),
            revision,
            {**after, "set_by": actor},
            wording=RULE_WORDING,
        )
    append_entry(
        session,
        actor=actor,
        action="set_regulation_rule",
        entity="regulation_rule",
        entity_id=stored_id(row.id),
        detail={"regulation": name, "from": before, "to": after},
    )
    return new_revision


def record_notice(
    database: Database, incident_id: int, revision: int, value: NoticeState, *, actor: str
) -> int:
    """`set_notice` in a transaction of its own (for a screen's worker and the CLI)."""
    with database.transaction() as session:
        return set_notice(session, incident_id, revision, value, actor=actor)


def save_rule(
    database: Database,
    regulation: str,
    revision: int,
    *,
    within_hours: float,
    notice: str = "initial notice",
    actor: str,
) -> int:
    with database.transaction() as session:
        return set_rule(
            session, regulation, revision, within_hours=within_hours, notice=notice, actor=actor
        )


def rule_revision(session: Session, regulation: str) -> int:
    row = session.exec(
        select(RegulationRule.revision).where(
            func.lower(RegulationRule.regulation) == regulation.strip().lower()
        )
    ).first()
    return 0 if row is None else int(row)


def current_rule_revision(database: Database, regulation: str) -> int:
    with database.session() as session:
        return rule_revision(session, regulation)


def record_notice_named(
    database: Database, name: str, value: NoticeState, *, actor: str
) -> tuple[str, NoticeState]:
    """The command line's notice: the incident as people name it, at its revision now.

    LookupError when no incident goes by `name`; RegisterRefused as `set_notice`.
    """
    from irdesk.storage.reads.packet_data import find_incident

    with database.transaction() as session:
        incident_id = find_incident(session, name)
        _before, revision = notice_of(session, incident_id)
        set_notice(session, incident_id, revision, value, actor=actor)
        incident = session.get(Incident, incident_id)
        assert incident is not None
        after, _ = notice_of(session, incident_id)
        return f"{incident.source}:{incident.external_id}", after
