"""Writing an import's organisation directory, in the import's one transaction.

Rows are found by the keys each source knows them by (`team_key`, `person_key`,
`service_key`; rotations and policies by their own source and external id), then by
what another source would share (a person's email, a team's or service's name).

The re-import rule lives here: a row's columns hold its effective values, and a field
someone typed by hand has a `directory_override` row. An import never writes such a
field's column: it records what the source says beside the typed value, and when the
two differ the caller hears of it (a conflict for the report), on every import until
someone settles it. Values arrive as the database stores them (times as `db_time` text,
dates as ISO text), so comparing them with the stored row is plain equality.
"""

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from irdesk.storage.bulk.dialect import stored_time
from irdesk.storage.bulk.import_transaction import ImportTransaction

TABLES = {
    "team": "team",
    "person": "person",
    "service": "service",
    "rotation": "rotation",
    "policy": "escalation_policy",
}
KEY_TABLES = {"team": "team_key", "person": "person_key", "service": "service_key"}
# The columns an import may set, per entity.
COLUMNS = {
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
    "rotation": (
        "name",
        "kind",
        "source",
        "external_id",
        "parent_id",
        "team_id",
        "time_zone",
        "turn_seconds",
        "starts_at",
        "ends_at",
    ),
    "policy": ("name", "source", "external_id", "team_id", "loops"),
}


class Conflict(NamedTuple):
    field: str
    typed: Any
    imported: Any


class Applied(NamedTuple):
    entity_id: int
    change: str  # "new", "updated" or "unchanged"
    changed: list[str]
    conflicts: list[Conflict]
    before: dict[str, Any] | None  # the row's columns before, None for a new row


def id_by_key(tx: ImportTransaction, entity: str, source: str, key: str) -> int | None:
    table = KEY_TABLES[entity]
    found = tx.conn.exec_driver_sql(
        f"SELECT {entity}_id FROM {table} WHERE source = ? AND key = ?", (source, key)
    ).scalar()
    return None if found is None else int(found)


def has_key_from(tx: ImportTransaction, entity: str, entity_id: int, source: str) -> bool:
    """Whether the row is already known to `source` by some key (so a name match with it
    would be two of that source's records, not one record seen by two sources)."""
    table = KEY_TABLES[entity]
    return (
        tx.conn.exec_driver_sql(
            f"SELECT 1 FROM {table} WHERE {entity}_id = ? AND source = ? LIMIT 1",
            (entity_id, source),
        ).scalar()
        is not None
    )


def add_key(tx: ImportTransaction, entity: str, source: str, key: str, entity_id: int) -> bool:
    """Remember the key; False when it was known already (to this row or another, in any
    case: the column compares without case)."""
    table = KEY_TABLES[entity]
    cursor = tx.conn.exec_driver_sql(
        f"INSERT INTO {table} (source, key, {entity}_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (source, key, entity_id),
    )
    return bool(cursor.rowcount)


def id_by_name(tx: ImportTransaction, entity: str, name: str) -> int | None:
    """A team or service by name, case aside (names are unique, case included)."""
    found = tx.conn.exec_driver_sql(
        f'SELECT id FROM {TABLES[entity]} WHERE name = ? COLLATE "NOCASE" ORDER BY id LIMIT 1',
        (name,),
    ).scalar()
    return None if found is None else int(found)


def person_by_email(tx: ImportTransaction, email: str) -> int | None:
    found = tx.conn.exec_driver_sql(
        'SELECT id FROM person WHERE email = ? COLLATE "NOCASE" ORDER BY id LIMIT 1', (email,)
    ).scalar()
    return None if found is None else int(found)


def id_by_external(tx: ImportTransaction, entity: str, source: str, external_id: str) -> int | None:
    """A rotation or policy by the source's own id."""
    found = tx.conn.exec_driver_sql(
        f"SELECT id FROM {TABLES[entity]} WHERE source = ? AND external_id = ?",
        (source, external_id),
    ).scalar()
    return None if found is None else int(found)


def name_taken(tx: ImportTransaction, entity: str, name: str) -> bool:
    return (
        tx.conn.exec_driver_sql(
            f"SELECT 1 FROM {TABLES[entity]} WHERE name = ? LIMIT 1", (name,)
        ).scalar()
        is not None
    )


def apply_source_values(
    tx: ImportTransaction,
    entity: str,
    entity_id: int | None,
    values: Mapping[str, Any],
    *,
    fill_only: bool = False,
) -> Applied:
    """Insert a row (entity_id None) or bring one up to what the source says.

    None in `values` means the source does not say, and never clears a column. With
    `fill_only` (a record only named in passing) only empty columns are filled. A field
    typed by hand keeps its column; the source's value goes beside it, and a
    disagreement comes back in `conflicts`.
    """
    allowed = COLUMNS[entity]
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"an import does not set {entity} columns {sorted(unknown)}")
    table = TABLES[entity]
    said = {name: value for name, value in values.items() if value is not None}
    if entity_id is None:
        names = list(said)
        cursor = tx.conn.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            " RETURNING id",
            tuple(said[name] for name in names),
        )
        return Applied(int(cursor.scalar_one()), "new", names, [], None)
    stored = row_values(tx, entity, entity_id)
    typed = _overrides(tx, entity, entity_id)
    changes: dict[str, Any] = {}
    conflicts = []
    for name, value in said.items():
        if name in typed:
            typed_value, imported = typed[name]
            if imported != value:
                _record_imported(tx, entity, entity_id, name, value)
            if typed_value != value:
                conflicts.append(Conflict(name, typed_value, value))
        elif stored[name] != value and not (fill_only and stored[name] is not None):
            changes[name] = value
    if changes:
        sets = ", ".join(f"{name} = ?" for name in changes)
        tx.conn.exec_driver_sql(
            f"UPDATE {table} SET {sets} WHERE id = ?", (*changes.values(), entity_id)
        )
    change = "updated" if changes else "unchanged"
    return Applied(entity_id, change, list(changes), conflicts, stored)


def row_values(tx: ImportTransaction, entity: str, entity_id: int) -> dict[str, Any]:
    """The columns an import may set, as stored."""
    columns = COLUMNS[entity]
    row = tx.conn.exec_driver_sql(
        f"SELECT {', '.join(columns)} FROM {TABLES[entity]} WHERE id = ?", (entity_id,)
    ).one()
    # A server hands back a DATE as a date; a file, and the import, as its ISO text.
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in zip(columns, row, strict=True)
    }


def _overrides(tx: ImportTransaction, entity: str, entity_id: int) -> dict[str, tuple[Any, Any]]:
    """field → (typed value, what the last import said) for the row's hand-typed fields."""
    rows = tx.conn.exec_driver_sql(
        "SELECT field, value_json, imported_json FROM directory_override"
        " WHERE entity = ? AND entity_id = ?",
        (entity, entity_id),
    )
    return {
        field: (json.loads(value), None if imported is None else json.loads(imported))
        for field, value, imported in rows
    }


def _record_imported(
    tx: ImportTransaction, entity: str, entity_id: int, field: str, value: Any
) -> None:
    tx.conn.exec_driver_sql(
        "UPDATE directory_override SET imported_json = ?"
        " WHERE entity = ? AND entity_id = ? AND field = ?",
        (json.dumps(value), entity, entity_id, field),
    )


def add_team_member(tx: ImportTransaction, team_id: int, person_id: int, role: str | None) -> str:
    """ "new", "updated" (another role) or "unchanged"."""
    old = tx.conn.exec_driver_sql(
        "SELECT role FROM team_member WHERE team_id = ? AND person_id = ?", (team_id, person_id)
    ).first()
    if old is None:
        tx.conn.exec_driver_sql(
            "INSERT INTO team_member (team_id, person_id, role) VALUES (?, ?, ?)",
            (team_id, person_id, role),
        )
        return "new"
    if role is not None and old[0] != role:
        tx.conn.exec_driver_sql(
            "UPDATE team_member SET role = ? WHERE team_id = ? AND person_id = ?",
            (role, team_id, person_id),
        )
        return "updated"
    return "unchanged"


class Membership(NamedTuple):
    """A dated rotation membership, times as db_time stores them."""

    rotation_id: int
    person_id: int
    how: str
    starts_at: str | None
    ends_at: str | None
    position: int | None
    escalation_level: int | None


def add_membership(tx: ImportTransaction, row: Membership) -> str:
    """Known again by (rotation, person, how, start); "new", "updated" or "unchanged"."""
    old = tx.conn.exec_driver_sql(
        "SELECT id, ends_at, position, escalation_level FROM rotation_member"
        " WHERE rotation_id = ? AND person_id = ? AND how = ?"
        " AND starts_at IS NOT DISTINCT FROM ?",
        (row.rotation_id, row.person_id, row.how, row.starts_at),
    ).first()
    if old is None:
        tx.conn.exec_driver_sql(
            "INSERT INTO rotation_member (rotation_id, person_id, how, starts_at, ends_at,"
            " position, escalation_level) VALUES (?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        return "new"
    if (stored_time(old[1]), *old[2:]) == (row.ends_at, row.position, row.escalation_level):
        return "unchanged"
    tx.conn.exec_driver_sql(
        "UPDATE rotation_member SET ends_at = ?, position = ?, escalation_level = ? WHERE id = ?",
        (row.ends_at, row.position, row.escalation_level, old[0]),
    )
    return "updated"


# One escalation level as stored and as imported: (delay, notify, condition, targets),
# each target (kind, person_id, rotation_id, team_id, name).
Target = tuple[str, int | None, int | None, int | None, str | None]
Level = tuple[float, str | None, str | None, tuple[Target, ...]]


def replace_levels(tx: ImportTransaction, policy_id: int, levels: Sequence[Level]) -> bool:
    """The policy's levels as the source lists them; False (nothing written) when the
    stored ones are the same. Levels belong to their source: they are not typed by hand."""
    if _stored_levels(tx, policy_id) == list(levels):
        return False
    tx.conn.exec_driver_sql("DELETE FROM escalation_level WHERE policy_id = ?", (policy_id,))
    for number, (delay, notify, condition, targets) in enumerate(levels, start=1):
        cursor = tx.conn.exec_driver_sql(
            "INSERT INTO escalation_level (policy_id, level, delay_minutes, notify, condition)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            (policy_id, number, delay, notify, condition),
        )
        level_id = int(cursor.scalar_one())
        for position, target in enumerate(targets, start=1):
            tx.conn.exec_driver_sql(
                "INSERT INTO escalation_target (level_id, position, kind, person_id,"
                " rotation_id, team_id, name) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (level_id, position, *target),
            )
    return True


def _stored_levels(tx: ImportTransaction, policy_id: int) -> list[Level]:
    levels = tx.conn.exec_driver_sql(
        "SELECT id, delay_minutes, notify, condition FROM escalation_level"
        " WHERE policy_id = ? ORDER BY level",
        (policy_id,),
    ).all()
    stored = []
    for level_id, delay, notify, condition in levels:
        targets = tx.conn.exec_driver_sql(
            "SELECT kind, person_id, rotation_id, team_id, name FROM escalation_target"
            " WHERE level_id = ? ORDER BY position",
            (level_id,),
        ).all()
        stored.append((float(delay), notify, condition, tuple(tuple(t) for t in targets)))
    return stored


def link_service_policy(
    tx: ImportTransaction, service_id: int, policy_id: int, source: str
) -> bool:
    """The service pages through the policy now; False when it already did."""
    current = tx.conn.exec_driver_sql(
        "SELECT policy_id FROM service_policy WHERE service_id = ?", (service_id,)
    ).scalar()
    if current == policy_id:
        return False
    tx.conn.exec_driver_sql(
        "INSERT INTO service_policy (service_id, policy_id, source) VALUES (?, ?, ?)"
        " ON CONFLICT (service_id) DO UPDATE SET policy_id = excluded.policy_id,"
        " source = excluded.source",
        (service_id, policy_id, source),
    )
    return True
