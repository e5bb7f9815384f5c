"""Values typed by hand into the organisation directory, kept apart from what imports bring.

The row's column takes the typed value at once, so the figures and packets use it; the
`directory_override` row remembers it with who and why, and what the import had said.
Re-imports leave such a column alone and list the disagreement
(`storage/bulk/directory_writer`); clearing the override puts the import's value back.
Each change is written to the audit log in the same transaction.
"""

import json
from datetime import date
from typing import Any

from sqlmodel import Session, SQLModel

from irdesk.domain.enums import ServiceTier
from irdesk.domain.models import (
    DirectoryOverride,
    EscalationPolicy,
    Person,
    Rotation,
    Service,
    Team,
)
from irdesk.domain.utc import utc_now
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry

MODELS: dict[str, type[SQLModel]] = {
    "team": Team,
    "person": Person,
    "service": Service,
    "rotation": Rotation,
    "policy": EscalationPolicy,
}
# What a person may type per entity: the values imports bring, and those only people know.
EDITABLE = {
    "team": ("name", "rotation"),
    "person": (
        "name",
        "email",
        "team_id",
        "role",
        "time_zone",
        "hourly_rate",
        "start_date",
        "seniority",
    ),
    "service": (
        "name",
        "description",
        "owner_team_id",
        "tier",
        "slo_target",
        "slo_window_days",
        "cost_per_minute",
        "rto_minutes",
        "rpo_minutes",
    ),
    "rotation": ("name", "team_id", "time_zone"),
    "policy": ("name", "team_id"),
}


def _stored(value: Any) -> Any:
    """A value as the JSON of an override holds it (and as an import compares it)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, ServiceTier):
        return value.value
    return value


def _python(field: str, value: Any) -> Any:
    if value is None:
        return None
    if field == "start_date":
        return date.fromisoformat(value) if isinstance(value, str) else value
    if field == "tier":
        return ServiceTier(value)
    return value


def _require(session: Session, entity: str, entity_id: int, field: str) -> SQLModel:
    if field not in EDITABLE.get(entity, ()):
        raise ValueError(f"{entity} {field!r} is not typed by hand; one of {EDITABLE.get(entity)}")
    row = session.get(MODELS[entity], entity_id)
    if row is None:
        raise LookupError(f"{entity} {entity_id} does not exist")
    return row


def set_value(
    session: Session,
    entity: str,
    entity_id: int,
    field: str,
    value: Any,
    *,
    reason: str,
    actor: str,
) -> DirectoryOverride:
    """Type `field` by hand; a reason is required, and kept."""
    row = _require(session, entity, entity_id, field)
    if not reason.strip():
        raise EditRefused("say why the value is set by hand; the reason is kept with it")
    typed = _python(field, _stored(value))
    override = session.get(DirectoryOverride, (entity, entity_id, field))
    if override is None:
        # The column holds what the import brought until now: keep it beside the typed value.
        override = DirectoryOverride(
            entity=entity,
            entity_id=entity_id,
            field=field,
            value_json="null",
            imported_json=json.dumps(_stored(getattr(row, field))),
        )
    override.value_json = json.dumps(_stored(typed))
    override.reason = reason.strip()
    override.set_by = actor
    override.set_at = utc_now()
    setattr(row, field, typed)
    session.add(row)
    session.add(override)
    append_entry(
        session,
        actor=actor,
        action="type_directory_value",
        entity=entity,
        entity_id=entity_id,
        detail={
            "field": field,
            "value": _stored(typed),
            "imported": json.loads(override.imported_json or "null"),
            "reason": override.reason,
        },
    )
    session.flush()
    return override


def clear_value(session: Session, entity: str, entity_id: int, field: str, *, actor: str) -> bool:
    """Back to what the import said (empty if none ever did). False if nothing was typed."""
    row = _require(session, entity, entity_id, field)
    override = session.get(DirectoryOverride, (entity, entity_id, field))
    if override is None:
        return False
    imported = json.loads(override.imported_json or "null")
    setattr(row, field, _python(field, imported))
    session.add(row)
    session.delete(override)
    append_entry(
        session,
        actor=actor,
        action="clear_directory_value",
        entity=entity,
        entity_id=entity_id,
        detail={"field": field, "back_to": imported},
    )
    session.flush()
    return True
