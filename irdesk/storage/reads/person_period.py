"""One person's period read from the file: what `domain/person_period` computes from, and
the result.

The figures come from the same columns as the dashboard's (`load_metric_data`), so an
incident's effective times, classification and exclusions are the ones every other
figure uses; roles, escalation paths, action items, status updates and notes are read
here. Notes are read with the keyring of whoever asks: the ones it cannot open are
counted, never shown.
"""

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlmodel import Session, col, select

from irdesk.domain.enums import EventKind
from irdesk.domain.load_fairness import held_shares, surges
from irdesk.domain.metrics.data import MetricData, from_epoch
from irdesk.domain.metrics.people import zone_of
from irdesk.domain.metrics.selection import Period
from irdesk.domain.models import (
    ActionItem,
    Incident,
    IncidentRole,
    Review,
    TimelineEvent,
)
from irdesk.domain.person_period import (
    Cadence,
    EscalationStep,
    IncidentPart,
    NoteFact,
    OwnedAction,
    PersonPeriod,
    cadence,
    days_late,
    figures,
    incident_parts,
)
from irdesk.domain.policy import Policy
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import Database
from irdesk.storage.reads.escalations import PATH_KINDS, incident_escalation
from irdesk.storage.reads.packet_data import find_person
from irdesk.storage.reads.review_sheet import people
from irdesk.storage.records.feedback import list_notes
from irdesk.storage.records.incident_roles import roles_of
from irdesk.storage.records.policies import current_policy
from irdesk.storage.sealing import Keyring

UPDATE_KINDS = (EventKind.COMMUNICATION, EventKind.STATUS_CHANGE)


def period_of(first_day: date, last_day: date) -> Period:
    """Whole UTC days, both included."""
    if last_day < first_day:
        raise ValueError(f"the period ends ({last_day}) before it starts ({first_day})")
    start = datetime.combine(first_day, time.min, tzinfo=UTC)
    return Period(start, datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=UTC))


def person_period(
    db: Database,
    name: str,
    first_day: date,
    last_day: date,
    *,
    keyring: Keyring | None = None,
    data: MetricData | None = None,
    policy: Policy | None = None,
) -> PersonPeriod:
    """The person called `name` (PacketDataError when nobody or several are) over the days
    given; `data` and `policy` when the caller has them already."""
    period = period_of(first_day, last_day)
    data = data if data is not None else load_metric_data(db)
    policy = policy if policy is not None else current_policy(db).policy
    with db.session() as session:
        person = find_person(session, name)
        assert person.id is not None
        return _read(session, data, policy, period, person.id, keyring, first_day, last_day)


def _read(
    session: Session,
    data: MetricData,
    policy: Policy,
    period: Period,
    person_id: int,
    keyring: Keyring | None,
    first_day: date,
    last_day: date,
) -> PersonPeriod:
    roles = _roles(session, person_id)
    labels = _labels(session, data)
    parts = incident_parts(data, policy, period, person_id, roles, labels)
    shown, _, rotations, peers = figures(data, policy, period, person_id)
    info = data.people.get(person_id)
    team = data.teams.get(info.team_id) if info and info.team_id is not None else None
    zone, own = zone_of(data, person_id, policy)
    ids = [p.incident_id for p in parts]
    # Only a path they were on (paged, escalated to, acknowledging) can have reached them.
    on_path = set(
        session.exec(
            select(TimelineEvent.incident_id).where(
                TimelineEvent.actor_person_id == person_id,
                col(TimelineEvent.kind).in_(PATH_KINDS),
                col(TimelineEvent.incident_id).in_(ids),
            )
        )
    )
    notes, locked = _notes(session, person_id, keyring, set(ids), period, labels)
    actions, owned = _actions(session, person_id, first_day, last_day, labels)
    return PersonPeriod(
        person_id=person_id,
        person=info.name if info else f"person {person_id}",
        team=team.name if team else "",
        time_zone=str(zone),
        own_zone=own,
        first_day=first_day,
        last_day=last_day,
        incidents=parts,
        figures=shown,
        escalations=tuple(
            step
            for p in parts
            if p.incident_id in on_path
            for step in _escalations(session, p.incident_id, p.label, person_id)
        ),
        actions=actions,
        owned_actions=owned,
        cadence=_cadences(session, data, parts, person_id),
        notes=notes,
        locked_notes=locked,
        shares=held_shares(data, policy, period, person_id),
        surges=surges(data, policy, period, person_id),
        rotation=rotations,
        surge_treatment=policy.surge_treatment,
        surge_hours=policy.surge_long_incident_hours,
        surge_nights=policy.surge_consecutive_nights,
        peers=peers,
    )


def _roles(session: Session, person_id: int) -> dict[int, tuple[str, ...]]:
    """Incident id → the labels of their roles in it, as the Roles panel shows them (a typed
    role over the imported ones)."""
    incidents = set(
        session.exec(select(IncidentRole.incident_id).where(IncidentRole.person_id == person_id))
    )
    out: dict[int, tuple[str, ...]] = {}
    for incident_id in sorted(incidents):
        mine = [
            r.label
            for r in roles_of(session, incident_id)
            if r.person_id == person_id and not r.superseded
        ]
        if mine:
            out[incident_id] = tuple(dict.fromkeys(mine))
    return out


def _labels(session: Session, data: MetricData) -> dict[int, tuple[str, str, str | None]]:
    """Incident id → (the ID the list shows, title, effective severity)."""
    severity = dict(zip(data.incidents.ids.tolist(), data.incidents.severity.tolist(), strict=True))
    out = {}
    for incident_id, external_id, title in session.exec(
        select(Incident.id, Incident.external_id, Incident.title)
    ):
        if incident_id is None:
            continue
        rank = severity.get(incident_id, 0)
        out[incident_id] = (external_id, title, f"SEV{rank}" if rank else None)
    return out


def _escalations(
    session: Session, incident_id: int, label: str, person_id: int
) -> list[EscalationStep]:
    """The levels of the incident's path that reached them after its first, and the
    levels they were on when the path moved on."""
    found = incident_escalation(session, incident_id)
    if found is None or found.policy is None:
        return []
    levels = {lv.level: lv for lv in found.levels}
    path = found.path
    first = min((o.reached_at for o in path.levels if o.reached_at is not None), default=None)
    out = []
    for outcome in path.levels:
        level = levels.get(outcome.level)
        if level is None or person_id not in level.people or outcome.reached_at is None:
            continue
        reached = (
            (outcome.reached_at - path.started_at).total_seconds() / 60.0
            if path.started_at is not None
            else None
        )
        if outcome.reached_at != first:
            due = outcome.prescribed_start_min
            out.append(
                EscalationStep(
                    incident_id=incident_id,
                    label=label,
                    direction="received",
                    level=outcome.level,
                    reached_after_min=reached,
                    due_after_min=due,
                    minutes_at_level=outcome.actual_minutes,
                    policy_minutes_at_level=outcome.prescribed_minutes,
                    against_min=reached - due if reached is not None and due is not None else None,
                )
            )
        if outcome.left_at is not None:
            out.append(
                EscalationStep(
                    incident_id=incident_id,
                    label=label,
                    direction="passed on",
                    level=outcome.level,
                    reached_after_min=reached,
                    due_after_min=outcome.prescribed_start_min,
                    minutes_at_level=outcome.actual_minutes,
                    policy_minutes_at_level=outcome.prescribed_minutes,
                    against_min=outcome.late_minutes,
                )
            )
    return out


def _actions(
    session: Session,
    person_id: int,
    first_day: date,
    last_day: date,
    labels: dict[int, tuple[str, str, str | None]],
) -> tuple[tuple[OwnedAction, ...], frozenset[int]]:
    """Their action items due in the period (created in it, when undated), as the
    follow-through figure counts them, lateness as of the period's last day; and the ids
    of every action item they own."""
    rows = session.exec(
        select(ActionItem, Review.incident_id)
        .join(Review, col(Review.id) == ActionItem.review_id)
        .where(ActionItem.owner_person_id == person_id)
        .order_by(col(ActionItem.due_on), col(ActionItem.id))
    ).all()
    out = []
    owned = frozenset(item.id for item, _ in rows if item.id is not None)
    for item, incident_id in rows:
        when = item.due_on or item.created_at.astimezone(UTC).date()
        if not first_day <= when <= last_day or item.id is None:
            continue
        done = item.completed_at.astimezone(UTC).date() if item.completed_at else None
        status = item.status.value
        out.append(
            OwnedAction(
                action_id=item.id,
                incident_id=incident_id,
                label=labels.get(incident_id, (str(incident_id), "", None))[0],
                title=item.title,
                status=status,
                due_on=item.due_on,
                completed_on=done,
                days_late=days_late(status, item.due_on, done, last_day),
            )
        )
    return tuple(out), owned


def _cadences(
    session: Session, data: MetricData, parts: tuple[IncidentPart, ...], person_id: int
) -> tuple[Cadence, ...]:
    """Each incident's status updates, read in one query, measured from its detection
    (else start) to its resolution; incidents with neither time are left out."""
    ids = [p.incident_id for p in parts]
    updates: dict[int, list[tuple[datetime, bool]]] = {i: [] for i in ids}
    for incident_id, at, who in session.exec(
        select(
            TimelineEvent.incident_id, TimelineEvent.occurred_at, TimelineEvent.actor_person_id
        ).where(col(TimelineEvent.incident_id).in_(ids), col(TimelineEvent.kind).in_(UPDATE_KINDS))
    ):
        updates[incident_id].append((at.astimezone(UTC), who == person_id))
    inc = data.incidents
    rows = inc.rows_of(np.array(ids, dtype=np.int64)).tolist()
    out = []
    for part, row in zip(parts, rows, strict=True):
        if row < 0:
            continue
        begin_at = inc.detected[row] if not np.isnan(inc.detected[row]) else inc.started[row]
        if np.isnan(begin_at):
            continue
        end_at = inc.resolved[row]
        out.append(
            cadence(
                part.incident_id,
                part.label,
                from_epoch(float(begin_at)),
                None if np.isnan(end_at) else from_epoch(float(end_at)),
                updates[part.incident_id],
            )
        )
    return tuple(out)


def _notes(
    session: Session,
    person_id: int,
    keyring: Keyring | None,
    incidents: set[int],
    period: Period,
    labels: dict[int, tuple[str, str, str | None]],
) -> tuple[tuple[NoteFact, ...], int]:
    """The notes about them on the period's incidents (or written in it, on none): the ones
    `keyring` opens, and how many it cannot."""
    who = {p.id: p.name for p in people(session)}
    shown, locked = [], 0
    for note in list_notes(session, person_id=person_id, keyring=keyring):
        if note.incident_id is not None:
            if note.incident_id not in incidents:
                continue
        elif not period.start <= note.created_at.astimezone(UTC) < period.end:
            continue
        if not (note.readable and note.kind is not None):
            locked += 1
            continue
        shown.append(
            NoteFact(
                incident_id=note.incident_id,
                label=labels.get(note.incident_id, ("", "", None))[0] if note.incident_id else "",
                kind=note.kind.value,
                written_at=note.created_at,
                author=who.get(note.author_id) if note.author_id is not None else None,
                text=note.text,
                dimensions=note.dimensions,
            )
        )
    return tuple(shown), locked


def people_names(db: Database) -> list[str]:
    """Everyone a period can be asked for, by name."""
    with db.session() as session:
        return sorted({p.name for p in people(session)}, key=str.casefold)
