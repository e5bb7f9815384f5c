"""Escalation paths read from the file: one incident's, and a table per team and period.

The prescribed path is the policy of the incident's service (`service_policy`), its
levels and targets; a schedule target stands for whoever was on call at the incident's
detection (else its start), or for all its members when no dated entry covers it.
The path taken is the timeline's alerts, pages, escalations and acknowledgements.
`domain/escalation` compares the two; this module only gathers.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import or_
from sqlmodel import Session, col, select

from irdesk.domain.enums import EventKind, FindingTag
from irdesk.domain.escalation import (
    DELAY_FROM_ALERT,
    DELAY_PER_LEVEL,
    EscalationPath,
    PathEvent,
    PrescribedLevel,
    analyse,
)
from irdesk.domain.models import (
    EscalationLevel,
    EscalationPolicy,
    EscalationTarget,
    Finding,
    FindingTagRow,
    Incident,
    Person,
    Review,
    Rotation,
    RotationMember,
    Service,
    ServicePolicy,
    Team,
    TimelineEvent,
)
from irdesk.domain.utc import as_utc

PATH_KINDS = (EventKind.ALERT, EventKind.PAGE, EventKind.ESCALATE, EventKind.ACKNOWLEDGE)
# Sources that state a level's delay from the alert rather than from the previous level.
FROM_ALERT_SOURCES = frozenset({"opsgenie"})
NO_TEAM = "(no team)"


@dataclass(frozen=True)
class IncidentEscalation:
    incident_id: int
    policy: str | None
    path: EscalationPath
    # The policy's levels as resolved at the incident's time (who each would page).
    levels: tuple[PrescribedLevel, ...] = ()


def _members(session: Session, rotation_id: int, instant: datetime | None) -> frozenset[int]:
    layers = select(Rotation.id).where(Rotation.parent_id == rotation_id)
    rows = session.exec(
        select(RotationMember).where(
            or_(
                col(RotationMember.rotation_id) == rotation_id,
                col(RotationMember.rotation_id).in_(layers),
            )
        )
    ).all()
    if instant is not None:
        at = as_utc(instant)
        on_call = frozenset(
            r.person_id
            for r in rows
            if r.how != "layer"
            and r.starts_at is not None
            and r.starts_at <= at
            and (r.ends_at is None or at < r.ends_at)
        )
        if on_call:
            return on_call
    return frozenset(r.person_id for r in rows)


def prescribed_levels(
    session: Session, policy_id: int, instant: datetime | None
) -> list[PrescribedLevel]:
    levels = session.exec(
        select(EscalationLevel)
        .where(EscalationLevel.policy_id == policy_id)
        .order_by(col(EscalationLevel.level))
    ).all()
    out = []
    for level in levels:
        targets = session.exec(
            select(EscalationTarget)
            .where(EscalationTarget.level_id == level.id)
            .order_by(col(EscalationTarget.position))
        ).all()
        people: set[int] = set()
        names: list[str] = []
        for target in targets:
            if target.person_id is not None:
                people.add(target.person_id)
                person = session.get(Person, target.person_id)
                names.append(person.name if person else target.name or "a person")
            elif target.rotation_id is not None:
                people |= _members(session, target.rotation_id, instant)
                rotation = session.get(Rotation, target.rotation_id)
                names.append(rotation.name if rotation else target.name or "a schedule")
            else:
                names.append(target.name or target.kind)
        out.append(
            PrescribedLevel(level.level, level.delay_minutes, frozenset(people), tuple(names))
        )
    return out


def _policy_of(session: Session, incident: Incident) -> EscalationPolicy | None:
    if incident.service_id is None:
        return None
    link = session.get(ServicePolicy, incident.service_id)
    return session.get(EscalationPolicy, link.policy_id) if link else None


def incident_escalation(session: Session, incident_id: int) -> IncidentEscalation | None:
    """The incident's path against its policy; None for an incident no longer there."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        return None
    events = session.exec(
        select(TimelineEvent)
        .where(TimelineEvent.incident_id == incident_id, col(TimelineEvent.kind).in_(PATH_KINDS))
        .order_by(col(TimelineEvent.occurred_at), col(TimelineEvent.id))
    ).all()
    path_events = [PathEvent(e.occurred_at, e.kind, e.actor_person_id) for e in events]
    policy = _policy_of(session, incident)
    if policy is None:
        return IncidentEscalation(incident_id, None, analyse([], path_events))
    instant = incident.detected_at or incident.started_at
    levels = prescribed_levels(session, _id(policy.id), instant)
    delays = DELAY_FROM_ALERT if policy.source in FROM_ALERT_SOURCES else DELAY_PER_LEVEL
    return IncidentEscalation(
        incident_id, policy.name, analyse(levels, path_events, delays), tuple(levels)
    )


def _id(value: int | None) -> int:
    assert value is not None
    return value


@dataclass(frozen=True)
class EscalationSummaryRow:
    """One team's incidents in one month: where the escalation delays came from."""

    team: str
    period: str  # YYYY-MM, UTC
    incidents: int
    with_policy: int
    late_levels: int
    late_minutes: float
    skipped_levels: int
    repeated_levels: int
    tags: tuple[tuple[str, int], ...]  # (finding tag, findings) in FindingTag's order
    incident_ids: tuple[int, ...]


def escalation_summary(
    session: Session, first_day: date, last_day: date
) -> list[EscalationSummaryRow]:
    """Per owning team and month, incidents whose impact started (else whose detection
    fell) within the days given, both included."""
    start = datetime.combine(first_day, time.min, tzinfo=UTC)
    end = datetime.combine(last_day, time.max, tzinfo=start.tzinfo)
    incidents = session.exec(select(Incident)).all()
    groups: dict[tuple[str, str], list[Incident]] = defaultdict(list)
    for incident in incidents:
        when = incident.started_at or incident.detected_at
        if when is None or not start <= when <= end:
            continue
        team = NO_TEAM
        service = session.get(Service, incident.service_id) if incident.service_id else None
        if service is not None and service.owner_team_id is not None:
            owner = session.get(Team, service.owner_team_id)
            team = owner.name if owner else NO_TEAM
        groups[(team, when.strftime("%Y-%m"))].append(incident)
    out = []
    for (team, period), members in sorted(groups.items()):
        ids = tuple(sorted(_id(i.id) for i in members))
        paths = [incident_escalation(session, i) for i in ids]
        known = [p for p in paths if p is not None and p.policy is not None]
        late = [o for p in known for o in p.path.levels if o.late_minutes and o.late_minutes > 0]
        tags = _tag_counts(session, ids)
        out.append(
            EscalationSummaryRow(
                team=team,
                period=period,
                incidents=len(ids),
                with_policy=len(known),
                late_levels=len(late),
                late_minutes=round(sum(o.late_minutes or 0 for o in late), 1),
                skipped_levels=sum(len(p.path.skipped) for p in known),
                repeated_levels=sum(len(p.path.repeated) for p in known),
                tags=tuple((t.value, tags.get(t, 0)) for t in FindingTag),
                incident_ids=ids,
            )
        )
    return out


def _tag_counts(session: Session, incident_ids: tuple[int, ...]) -> dict[FindingTag, int]:
    rows = session.exec(
        select(FindingTagRow.tag)
        .join(Finding, col(Finding.id) == FindingTagRow.finding_id)
        .join(Review, col(Review.id) == Finding.review_id)
        .where(col(Review.incident_id).in_(incident_ids), col(FindingTagRow.tag).is_not(None))
    ).all()
    counts: dict[FindingTag, int] = defaultdict(int)
    for tag in rows:
        if tag is not None:
            counts[FindingTag(tag)] += 1
    return dict(counts)
