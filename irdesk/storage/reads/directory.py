"""The organisation directory as the Organisation window and `irdesk org` show it.

Frozen rows, read in one session per call. Names stand in for ids (a person's team, a
rotation's schedule) so a row can be shown as it is; the ids stay for drill-down.
Membership "on a date" is every membership whose interval meets that UTC day; a
membership without dates (a layer without an end, a rotation's participants) is open
on that side.
"""

import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from irdesk.domain.models import (
    DirectoryOverride,
    EscalationLevel,
    EscalationPolicy,
    EscalationTarget,
    Person,
    PersonKey,
    Rotation,
    RotationMember,
    Service,
    ServiceKey,
    Team,
    TeamKey,
    TeamMember,
    stored_id,
)
from irdesk.storage.database import Database
from irdesk.storage.records.directory_edits import DatedValue, history_of

LISTS = ("teams", "people", "rotations", "services", "policies")


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    rotation: str | None  # the rotation the team staffs
    members: int
    keys: tuple[str, ...]  # "pagerduty:PQ9K7I8", the names the tools know it by


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    email: str | None
    team: str | None
    teams: tuple[str, ...]
    role: str | None
    time_zone: str | None
    hourly_rate: float | None
    start_date: date | None
    seniority: str | None
    keys: tuple[str, ...]
    typed: tuple[str, ...]  # fields someone typed by hand


@dataclass(frozen=True)
class RotationRow:
    id: int
    name: str
    kind: str  # schedule or layer
    schedule: str | None  # a layer's schedule
    team: str | None
    time_zone: str | None
    source: str | None
    external_id: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    turn_seconds: int | None


@dataclass(frozen=True)
class MemberRow:
    rotation_id: int
    rotation: str
    schedule: str | None
    person_id: int
    person: str
    how: str
    starts_at: datetime | None
    ends_at: datetime | None
    position: int | None
    escalation_level: int | None
    member_id: int = 0


@dataclass(frozen=True)
class ServiceRow:
    id: int
    name: str
    tier: str
    owner_team: str | None
    slo_target: float
    slo_window_days: int | None
    cost_per_minute: float
    rto_minutes: float | None
    rpo_minutes: float | None
    keys: tuple[str, ...]
    typed: tuple[str, ...]


@dataclass(frozen=True)
class LevelRow:
    level: int
    delay_minutes: float
    notify: str | None
    condition: str | None
    targets: tuple[str, ...]  # "person Kyler Kuhn", "rotation Daily Engineering Rotation"


@dataclass(frozen=True)
class PolicyRow:
    id: int
    name: str
    team: str | None
    source: str | None
    loops: int | None
    levels: tuple[LevelRow, ...]


@dataclass(frozen=True)
class TeamMemberRow:
    team_id: int
    team: str
    person_id: int
    person: str
    role: str | None  # as the source says: admin, lead, …


@dataclass(frozen=True)
class TypedValueRow:
    """A value typed by hand, beside what the latest import said."""

    entity: str
    entity_id: int
    field: str
    value: Any  # as JSON holds it: a date as ISO text, a tier as its value
    imported: Any
    reason: str | None
    set_by: str | None
    set_at: datetime
    # Every value typed for the field, oldest effective date first; `value` is the last.
    history: tuple[DatedValue, ...] = ()


def _names(session: Session, model: Any) -> dict[int, str]:
    return {stored_id(row.id): row.name for row in session.exec(select(model)).all()}


def _keys(session: Session, model: Any, column: str) -> dict[int, tuple[str, ...]]:
    keys: dict[int, list[str]] = defaultdict(list)
    for row in session.exec(select(model).order_by(model.source, model.key)).all():
        keys[getattr(row, column)].append(f"{row.source}:{row.key}")
    return {owner: tuple(found) for owner, found in keys.items()}


def _typed(session: Session, entity: str) -> dict[int, tuple[str, ...]]:
    typed: dict[int, list[str]] = defaultdict(list)
    query = select(DirectoryOverride).where(DirectoryOverride.entity == entity)
    for row in session.exec(query.order_by(col(DirectoryOverride.field))).all():
        typed[row.entity_id].append(row.field)
    return {owner: tuple(fields) for owner, fields in typed.items()}


def list_teams(db: Database) -> list[TeamRow]:
    with db.session() as session:
        keys = _keys(session, TeamKey, "team_id")
        members: dict[int, int] = defaultdict(int)
        for member in session.exec(select(TeamMember)).all():
            members[member.team_id] += 1
        return [
            TeamRow(
                stored_id(t.id),
                t.name,
                t.rotation,
                members[stored_id(t.id)],
                keys.get(stored_id(t.id), ()),
            )
            for t in session.exec(select(Team).order_by(col(Team.name))).all()
        ]


def list_people(db: Database) -> list[PersonRow]:
    with db.session() as session:
        teams = _names(session, Team)
        keys = _keys(session, PersonKey, "person_id")
        typed = _typed(session, "person")
        member_of: dict[int, list[str]] = defaultdict(list)
        for member in session.exec(select(TeamMember)).all():
            member_of[member.person_id].append(teams[member.team_id])
        rows = []
        for p in session.exec(select(Person).order_by(col(Person.name), col(Person.id))).all():
            pid = stored_id(p.id)
            rows.append(
                PersonRow(
                    pid,
                    p.name,
                    p.email,
                    teams.get(p.team_id) if p.team_id is not None else None,
                    tuple(sorted(member_of[pid])),
                    p.role,
                    p.time_zone,
                    p.hourly_rate,
                    p.start_date,
                    p.seniority,
                    keys.get(pid, ()),
                    typed.get(pid, ()),
                )
            )
        return rows


def team_members(db: Database) -> list[TeamMemberRow]:
    """Who belongs to which team, by team then name. Team membership has no dates: the
    tools say who is in a team now; what changes over time is rotation membership."""
    with db.session() as session:
        teams = _names(session, Team)
        people = _names(session, Person)
        rows = [
            TeamMemberRow(m.team_id, teams[m.team_id], m.person_id, people[m.person_id], m.role)
            for m in session.exec(select(TeamMember)).all()
        ]
    return sorted(rows, key=lambda r: (r.team, r.person, r.person_id))


def typed_values(db: Database, entity: str) -> list[TypedValueRow]:
    """Every value typed by hand for `entity` ("person", "service", …)."""
    with db.session() as session:
        query = select(DirectoryOverride).where(DirectoryOverride.entity == entity)
        return [
            TypedValueRow(
                o.entity,
                o.entity_id,
                o.field,
                json.loads(o.value_json),
                json.loads(o.imported_json or "null"),
                o.reason,
                o.set_by,
                o.set_at,
                history_of(session, o.entity, o.entity_id, o.field),
            )
            for o in session.exec(
                query.order_by(col(DirectoryOverride.entity_id), col(DirectoryOverride.field))
            ).all()
        ]


def list_rotations(db: Database) -> list[RotationRow]:
    with db.session() as session:
        teams = _names(session, Team)
        rotations = session.exec(select(Rotation).order_by(col(Rotation.name))).all()
        names = {stored_id(r.id): r.name for r in rotations}
        return [
            RotationRow(
                stored_id(r.id),
                r.name,
                r.kind,
                names.get(r.parent_id) if r.parent_id is not None else None,
                teams.get(r.team_id) if r.team_id is not None else None,
                r.time_zone,
                r.source,
                r.external_id,
                r.starts_at,
                r.ends_at,
                r.turn_seconds,
            )
            for r in rotations
        ]


def rotation_members(db: Database, on: date | None = None) -> list[MemberRow]:
    """Every membership, or only those meeting the UTC day `on`; by rotation, then start."""
    with db.session() as session:
        rotations = {stored_id(r.id): r for r in session.exec(select(Rotation)).all()}
        people = _names(session, Person)
        query = select(RotationMember)
        if on is not None:
            start = datetime.combine(on, time(), tzinfo=UTC)
            end = start + timedelta(days=1)
            query = query.where(
                (col(RotationMember.starts_at).is_(None)) | (col(RotationMember.starts_at) < end),
                (col(RotationMember.ends_at).is_(None)) | (col(RotationMember.ends_at) > start),
            )
        rows = []
        for m in session.exec(query).all():
            rotation = rotations[m.rotation_id]
            parent = rotations.get(rotation.parent_id) if rotation.parent_id is not None else None
            rows.append(
                MemberRow(
                    m.rotation_id,
                    rotation.name,
                    parent.name if parent else None,
                    m.person_id,
                    people[m.person_id],
                    m.how,
                    m.starts_at,
                    m.ends_at,
                    m.position,
                    m.escalation_level,
                    stored_id(m.id),
                )
            )
    earliest = datetime.min.replace(tzinfo=UTC)
    return sorted(
        rows,
        key=lambda r: (
            r.schedule or r.rotation,
            r.rotation,
            r.starts_at or earliest,
            r.position or 0,
            r.person,
        ),
    )


def list_services(db: Database) -> list[ServiceRow]:
    with db.session() as session:
        teams = _names(session, Team)
        keys = _keys(session, ServiceKey, "service_id")
        typed = _typed(session, "service")
        return [
            ServiceRow(
                stored_id(s.id),
                s.name,
                s.tier.value,
                teams.get(s.owner_team_id) if s.owner_team_id is not None else None,
                s.slo_target,
                s.slo_window_days,
                s.cost_per_minute,
                s.rto_minutes,
                s.rpo_minutes,
                keys.get(stored_id(s.id), ()),
                typed.get(stored_id(s.id), ()),
            )
            for s in session.exec(select(Service).order_by(col(Service.name))).all()
        ]


def list_policies(db: Database) -> list[PolicyRow]:
    with db.session() as session:
        teams = _names(session, Team)
        people = _names(session, Person)
        rotations = _names(session, Rotation)
        targets: dict[int, list[str]] = defaultdict(list)
        query = select(EscalationTarget).order_by(
            col(EscalationTarget.level_id), col(EscalationTarget.position)
        )
        for t in session.exec(query).all():
            named = {"person": people, "rotation": rotations, "team": teams}[t.kind]
            target_id = {"person": t.person_id, "rotation": t.rotation_id, "team": t.team_id}[
                t.kind
            ]
            shown = named.get(target_id) if target_id is not None else None
            targets[t.level_id].append(f"{t.kind} {shown or t.name or '?'}")
        levels: dict[int, list[LevelRow]] = defaultdict(list)
        query_levels = select(EscalationLevel).order_by(
            col(EscalationLevel.policy_id), col(EscalationLevel.level)
        )
        for level in session.exec(query_levels).all():
            levels[level.policy_id].append(
                LevelRow(
                    level.level,
                    level.delay_minutes,
                    level.notify,
                    level.condition,
                    tuple(targets[stored_id(level.id)]),
                )
            )
        return [
            PolicyRow(
                stored_id(p.id),
                p.name,
                teams.get(p.team_id) if p.team_id is not None else None,
                p.source,
                p.loops,
                tuple(levels[stored_id(p.id)]),
            )
            for p in session.exec(select(EscalationPolicy).order_by(col(EscalationPolicy.name)))
        ]


def export_directory(db: Database) -> dict[str, Any]:
    """The whole directory as plain JSON values: lists of rows, times in ISO 8601."""

    def plain(rows: list[Any]) -> list[dict[str, Any]]:
        return [_jsonable(asdict(row)) for row in rows]

    return {
        "teams": plain(list_teams(db)),
        "people": plain(list_people(db)),
        "rotations": plain(list_rotations(db)),
        "rotation_members": plain(rotation_members(db)),
        "services": plain(list_services(db)),
        "policies": plain(list_policies(db)),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
