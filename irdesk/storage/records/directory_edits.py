"""Values typed by hand into the organisation directory, kept apart from what imports bring.

The row's column takes the typed value at once, so the figures and packets use it; the
`directory_override` row remembers it with who and why, and what the import had said.
Re-imports leave such a column alone and list the disagreement
(`storage/bulk/directory_writer`); clearing the override puts the import's value back.
Each change is written to the audit log in the same transaction.
"""

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlmodel import Session, SQLModel, select

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
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict, EditRefused
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


# What each checked field is called in a refusal, so the sentence names what the user typed in.
LABELS = {
    "time_zone": "Time zone",
    "hourly_rate": "Hourly rate",
    "slo_target": "SLO target",
    "slo_window_days": "SLO window",
    "cost_per_minute": "Cost per minute",
    "rto_minutes": "RTO",
    "rpo_minutes": "RPO",
    "name": "Name",
    "start_date": "Start date",
    "tier": "Tier",
    "role": "Role",
    "seniority": "Seniority",
    "email": "Email",
    "team_id": "Team",
    "owner_team_id": "Owner team",
}


def _number(field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise EditRefused(f"{LABELS[field]}: expected a number, found {value!r}.")
    return float(value)


def checked(field: str, value: Any) -> Any:
    """`value` if a person may type it into `field`; EditRefused naming the field if not.

    The database's own checks (an SLO above 100 %, a negative cost) would refuse some of
    these too, but as a constraint failure no one can read; the zone has no check there.
    """
    if value is None:
        if field == "name":
            raise EditRefused("Name: a name cannot be empty.")
        return None
    if field == "time_zone":
        name = str(value).strip()
        known = {zone.lower(): zone for zone in available_timezones()}
        found = known.get(name.lower())
        try:
            ZoneInfo(found or name)
        except (ZoneInfoNotFoundError, ValueError):
            found = None
        if found is None:
            raise EditRefused(
                f"Time zone: “{name}” is not an IANA time zone, such as Europe/Madrid or UTC."
            )
        return found
    if field in {"hourly_rate", "cost_per_minute", "rto_minutes", "rpo_minutes"}:
        if _number(field, value) < 0:
            raise EditRefused(f"{LABELS[field]}: cannot be negative, found {value:g}.")
        return float(value)
    if field == "slo_target":
        if not 0 < _number(field, value) <= 100:
            raise EditRefused(f"SLO target: a percentage above 0 and at most 100, found {value:g}.")
        return float(value)
    if field == "slo_window_days":
        if _number(field, value) != int(value) or int(value) < 1:
            raise EditRefused(f"SLO window: a whole number of days, 1 or more, found {value!r}.")
        return int(value)
    if field == "start_date" and not isinstance(value, date):
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise EditRefused(
                f"Start date: expected a date such as 2021-04-12, found {value!r}."
            ) from None
    if field == "tier":
        try:
            return ServiceTier(value)
        except ValueError:
            tiers = ", ".join(t.value for t in ServiceTier)
            raise EditRefused(f"Tier: one of {tiers}, found {value!r}.") from None
    if isinstance(value, str):
        if not value.strip() and field == "name":
            raise EditRefused("Name: a name cannot be empty.")
        return value.strip() or None
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
    expected: Any = None,
    check: bool = False,
) -> DirectoryOverride:
    """Type `field` by hand; a reason is required, and kept.

    With `check`, `value` is validated first (`checked`) and the column must still hold
    `expected`, the value the caller saw: directory rows have no revision, so the value
    itself is what compare-and-set compares.
    """
    row = _require(session, entity, entity_id, field)
    if not reason.strip():
        raise EditRefused("say why the value is set by hand; the reason is kept with it")
    if check:
        value = checked(field, value)
        _still(session, row, entity, entity_id, field, expected)
        _unique(session, entity, entity_id, field, value)
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


# Columns the schema keeps unique: a duplicate is refused here in words, not by a constraint.
UNIQUE = {("person", "email"), ("service", "name"), ("team", "name")}


def _unique(session: Session, entity: str, entity_id: int, field: str, value: Any) -> None:
    if (entity, field) not in UNIQUE or value is None:
        return
    model: Any = MODELS[entity]
    other = session.exec(
        select(model).where(getattr(model, field) == value, model.id != entity_id)
    ).first()
    if other is not None:
        raise EditRefused(f"{LABELS.get(field, field)}: {other.name} already has {value!r}.")


def _still(
    session: Session, row: SQLModel, entity: str, entity_id: int, field: str, expected: Any
) -> None:
    """EditConflict when the column no longer holds what the caller saw."""
    session.refresh(row)
    if _stored(getattr(row, field)) != _stored(expected):
        raise EditConflict(
            entity,
            entity_id,
            deleted=False,
            message=(
                f"{LABELS.get(field, field)} was changed meanwhile (to "
                f"{_stored(getattr(row, field))!r}), in another window or by an import."
            ),
        )


def clear_value(
    session: Session,
    entity: str,
    entity_id: int,
    field: str,
    *,
    actor: str,
    expected: Any = None,
    check: bool = False,
) -> bool:
    """Back to what the import said (empty if none ever did). False if nothing was typed.

    With `check`, the column must still hold `expected` (see `set_value`).
    """
    row = _require(session, entity, entity_id, field)
    if check:
        _still(session, row, entity, entity_id, field, expected)
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


@dataclass(frozen=True)
class TypedState:
    """One field as a typed-by-hand edit left it, or found it: enough to go back."""

    value: Any  # the column's value, as the override's JSON holds it
    typed: bool  # whether a person had typed it (else the import's value stands)
    reason: str | None = None


@dataclass(frozen=True)
class Typed:
    """What `type_value` did: the field before and after, for undo and redo."""

    entity: str
    entity_id: int
    field: str
    before: TypedState
    after: TypedState


def _state(session: Session, entity: str, entity_id: int, field: str) -> TypedState:
    row = _require(session, entity, entity_id, field)
    override = session.get(DirectoryOverride, (entity, entity_id, field))
    return TypedState(
        _stored(getattr(row, field)),
        override is not None,
        override.reason if override is not None else None,
    )


@dataclass(frozen=True)
class Change:
    """One field to put in `state`, named with the value the caller saw there."""

    entity: str
    entity_id: int
    field: str
    state: TypedState
    expected: Any


def put_states(db: Database, changes: Sequence[Change], *, actor: str) -> list[Typed]:
    """One transaction: each field becomes its `state` (typed with its value, or the
    import's), all or none.

    The window's typing and its undo and redo all come here. A column that no longer holds
    the value the caller saw refuses the whole edit (EditConflict); a value that cannot be
    typed, with a sentence naming the field (EditRefused).
    """
    done = []
    with db.transaction() as session:
        for change in changes:
            entity, entity_id, field = change.entity, change.entity_id, change.field
            before = _state(session, entity, entity_id, field)
            if change.state.typed:
                set_value(
                    session,
                    entity,
                    entity_id,
                    field,
                    change.state.value,
                    reason=change.state.reason or "",
                    actor=actor,
                    expected=change.expected,
                    check=True,
                )
            else:
                clear_value(
                    session,
                    entity,
                    entity_id,
                    field,
                    actor=actor,
                    expected=change.expected,
                    check=True,
                )
            after = _state(session, entity, entity_id, field)
            done.append(Typed(entity, entity_id, field, before, after))
    return done
