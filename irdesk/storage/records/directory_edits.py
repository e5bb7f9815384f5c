"""Values typed by hand into the organisation directory, kept apart from what imports bring.

Each typed value is in force from a date (`directory_value`), until the next one of the
same field; before the first, the import's value stands. The figures take the value in
force when an incident happened (`storage/bulk/metric_data`). The row's column holds the
latest typed value, so the lists and packets show it; the `directory_override` row
remembers what the import had said. Re-imports leave such a column alone and list the
disagreement (`storage/bulk/directory_writer`); clearing the typed values puts the
import's value back. Each change is written to the audit log in the same transaction.
"""

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlmodel import Session, SQLModel, col, select

from irdesk.domain.enums import ServiceTier
from irdesk.domain.models import (
    DirectoryOverride,
    DirectoryValue,
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


# "From the start": a value typed for all time, as every value was before values had dates.
FROM_THE_START = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DatedValue:
    """One typed value and the moment (aware UTC) from which it is in force."""

    value: Any  # as the JSON holds it: a date as ISO text, a tier as its value
    effective_from: datetime
    reason: str | None = None
    set_by: str | None = None
    set_at: datetime | None = None


def history_of(session: Session, entity: str, entity_id: int, field: str) -> tuple[DatedValue, ...]:
    """The values typed for one field, oldest effective date first."""
    query = (
        select(DirectoryValue)
        .where(
            DirectoryValue.entity == entity,
            DirectoryValue.entity_id == entity_id,
            DirectoryValue.field == field,
        )
        .order_by(col(DirectoryValue.effective_from))
    )
    return tuple(
        DatedValue(json.loads(v.value_json), v.effective_from, v.reason, v.set_by, v.set_at)
        for v in session.exec(query).all()
    )


def _put_history(
    session: Session,
    row: SQLModel,
    entity: str,
    entity_id: int,
    field: str,
    history: Sequence[DatedValue],
) -> None:
    """Make `history` the field's typed values, and the column and override follow it."""
    for old in session.exec(
        select(DirectoryValue).where(
            DirectoryValue.entity == entity,
            DirectoryValue.entity_id == entity_id,
            DirectoryValue.field == field,
        )
    ).all():
        session.delete(old)
    session.flush()
    override = session.get(DirectoryOverride, (entity, entity_id, field))
    if not history:
        if override is not None:
            setattr(row, field, _python(field, json.loads(override.imported_json or "null")))
            session.add(row)
            session.delete(override)
        return
    ordered = sorted(history, key=lambda v: v.effective_from)
    for value in ordered:
        session.add(
            DirectoryValue(
                entity=entity,
                entity_id=entity_id,
                field=field,
                value_json=json.dumps(value.value),
                effective_from=value.effective_from,
                reason=value.reason,
                set_by=value.set_by,
                set_at=value.set_at or utc_now(),
            )
        )
    latest = ordered[-1]
    if override is None:
        # The column holds what the import brought until now: keep it beside the typed values.
        override = DirectoryOverride(
            entity=entity,
            entity_id=entity_id,
            field=field,
            value_json="null",
            imported_json=json.dumps(_stored(getattr(row, field))),
        )
    override.value_json = json.dumps(latest.value)
    override.reason = latest.reason
    override.set_by = latest.set_by
    override.set_at = latest.set_at or utc_now()
    setattr(row, field, _python(field, latest.value))
    session.add(row)
    session.add(override)


def _effective(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("an effective date is an aware datetime")
    if value > utc_now():
        raise EditRefused(
            f"Effective from: a day up to today, found {value.date().isoformat()}; "
            "a value typed for the future is not kept."
        )
    return value.astimezone(UTC)


def set_value(
    session: Session,
    entity: str,
    entity_id: int,
    field: str,
    value: Any,
    *,
    reason: str,
    actor: str,
    effective_from: datetime = FROM_THE_START,
    expected: Any = None,
    check: bool = False,
) -> DatedValue:
    """Type `field` by hand, in force from `effective_from`; a reason is required, and kept.

    A value typed for the same moment as an earlier one replaces it. With `check`, `value`
    is validated first (`checked`) and the column must still hold `expected`, the value
    the caller saw: directory rows have no revision, so the value itself is what
    compare-and-set compares.
    """
    row = _require(session, entity, entity_id, field)
    if not reason.strip():
        raise EditRefused("say why the value is set by hand; the reason is kept with it")
    when = _effective(effective_from)
    if check:
        value = checked(field, value)
        _still(session, row, entity, entity_id, field, expected)
        _unique(session, entity, entity_id, field, value)
    typed = DatedValue(
        _stored(_python(field, _stored(value))), when, reason.strip(), actor, utc_now()
    )
    before = history_of(session, entity, entity_id, field)
    override = session.get(DirectoryOverride, (entity, entity_id, field))
    imported = (
        json.loads(override.imported_json or "null")
        if override is not None
        else _stored(getattr(row, field))
    )
    _put_history(
        session,
        row,
        entity,
        entity_id,
        field,
        [v for v in before if v.effective_from != when] + [typed],
    )
    append_entry(
        session,
        actor=actor,
        action="type_directory_value",
        entity=entity,
        entity_id=entity_id,
        detail={
            "field": field,
            "value": typed.value,
            "effective_from": when.isoformat(),
            "imported": imported,
            "reason": typed.reason,
        },
    )
    session.flush()
    return typed


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
    """Back to what the import said (empty if none ever did), for all time: every typed
    value of the field goes. False if nothing was typed.

    With `check`, the column must still hold `expected` (see `set_value`).
    """
    row = _require(session, entity, entity_id, field)
    if check:
        _still(session, row, entity, entity_id, field, expected)
    override = session.get(DirectoryOverride, (entity, entity_id, field))
    if override is None:
        return False
    imported = json.loads(override.imported_json or "null")
    removed = history_of(session, entity, entity_id, field)
    _put_history(session, row, entity, entity_id, field, ())
    append_entry(
        session,
        actor=actor,
        action="clear_directory_value",
        entity=entity,
        entity_id=entity_id,
        detail={"field": field, "back_to": imported, "removed": _described(removed)},
    )
    session.flush()
    return True


def _described(history: Sequence[DatedValue]) -> list[dict[str, Any]]:
    return [{"value": v.value, "effective_from": v.effective_from.isoformat()} for v in history]


def restore_history(
    session: Session,
    entity: str,
    entity_id: int,
    field: str,
    history: Sequence[DatedValue],
    *,
    actor: str,
    expected: Any = None,
    check: bool = False,
) -> None:
    """Put back exactly `history` as the field's typed values: undo and redo come here."""
    row = _require(session, entity, entity_id, field)
    if check:
        _still(session, row, entity, entity_id, field, expected)
    _put_history(session, row, entity, entity_id, field, history)
    append_entry(
        session,
        actor=actor,
        action="restore_directory_values",
        entity=entity,
        entity_id=entity_id,
        detail={"field": field, "values": _described(history)},
    )
    session.flush()


@dataclass(frozen=True)
class TypedState:
    """One field as an edit left it, or found it: enough to go back."""

    value: Any  # the column's value, as the override's JSON holds it
    history: tuple[DatedValue, ...] = ()  # its typed values; none: the import's value stands

    @property
    def typed(self) -> bool:
        return bool(self.history)


@dataclass(frozen=True)
class Typed:
    """What `put_states` did to one field: before and after, for undo and redo."""

    entity: str
    entity_id: int
    field: str
    before: TypedState
    after: TypedState


def _state(session: Session, entity: str, entity_id: int, field: str) -> TypedState:
    row = _require(session, entity, entity_id, field)
    return TypedState(_stored(getattr(row, field)), history_of(session, entity, entity_id, field))


@dataclass(frozen=True)
class Typing:
    """A value to type, in force from `effective_from` (aware)."""

    value: Any
    effective_from: datetime
    reason: str


@dataclass(frozen=True)
class Change:
    """One field to change, named with the value the caller saw in its column: a value to
    type (`typing`), or else exactly the typed values to keep (`history`; none: back to
    the import's value)."""

    entity: str
    entity_id: int
    field: str
    expected: Any
    typing: Typing | None = None
    history: tuple[DatedValue, ...] = ()


def put_states(db: Database, changes: Sequence[Change], *, actor: str) -> list[Typed]:
    """One transaction: each change made, all or none.

    The window's typing, its "back to the imported value", undo and redo all come here.
    A column that no longer holds the value the caller saw refuses the whole edit
    (EditConflict); a value that cannot be typed, with a sentence naming the field
    (EditRefused).
    """
    done = []
    with db.transaction() as session:
        for change in changes:
            entity, entity_id, field = change.entity, change.entity_id, change.field
            before = _state(session, entity, entity_id, field)
            if change.typing is not None:
                set_value(
                    session,
                    entity,
                    entity_id,
                    field,
                    change.typing.value,
                    reason=change.typing.reason,
                    actor=actor,
                    effective_from=change.typing.effective_from,
                    expected=change.expected,
                    check=True,
                )
            elif change.history:
                restore_history(
                    session,
                    entity,
                    entity_id,
                    field,
                    change.history,
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
