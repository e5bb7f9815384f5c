"""A facilitator's corrections of lifecycle timestamps, kept beside what the source said.

Imports never touch these; each change is written to the audit log in the
same transaction.
"""

from datetime import datetime

from sqlmodel import Session

from irdesk.domain.lifecycle import LIFECYCLE_FIELDS
from irdesk.domain.models import Incident, LifecycleOverride
from irdesk.domain.utc import as_utc, utc_now
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry


def _require(session: Session, incident_id: int, field: str) -> Incident:
    if field not in LIFECYCLE_FIELDS:
        raise ValueError(f"{field!r} is not a lifecycle time; one of {', '.join(LIFECYCLE_FIELDS)}")
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise LookupError(f"incident {incident_id} does not exist")
    return incident


def set_override(
    session: Session,
    incident_id: int,
    field: str,
    value: datetime | None,
    *,
    reason: str,
    actor: str,
) -> LifecycleOverride:
    """Set `field` by hand (None: "this never happened"); a reason is required."""
    incident = _require(session, incident_id, field)
    if not reason.strip():
        raise EditRefused("say why the time is corrected; the reason is kept with the change")
    value = as_utc(value) if value is not None else None
    override = session.get(LifecycleOverride, (incident_id, field))
    if override is None:
        override = LifecycleOverride(incident_id=incident_id, field=field)
    override.value = value
    override.reason = reason.strip()
    override.set_by = actor
    override.set_at = utc_now()
    session.add(override)
    source_value = getattr(incident, field)
    append_entry(
        session,
        actor=actor,
        action="override_lifecycle",
        entity="incident",
        entity_id=incident_id,
        detail={
            "field": field,
            "value": value.isoformat() if value else None,
            "source_value": source_value.isoformat() if source_value else None,
            "reason": override.reason,
        },
    )
    session.flush()
    return override


def clear_override(session: Session, incident_id: int, field: str, *, actor: str) -> bool:
    """Back to the source's value. False if there was no override."""
    _require(session, incident_id, field)
    override = session.get(LifecycleOverride, (incident_id, field))
    if override is None:
        return False
    session.delete(override)
    append_entry(
        session,
        actor=actor,
        action="clear_lifecycle_override",
        entity="incident",
        entity_id=incident_id,
        detail={"field": field},
    )
    session.flush()
    return True
