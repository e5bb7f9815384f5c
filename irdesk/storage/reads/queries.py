"""Read-only questions the windows and commands ask, answered as plain rows.

Rows are frozen dataclasses, detached from any session, so they can cross
from a worker thread to the GUI thread safely.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func
from sqlmodel import Session, col, select

from irdesk.domain.classification import EffectiveImpact, effective_impact
from irdesk.domain.enums import MERGE_UNLINKED, EventKind, ReviewStatus
from irdesk.domain.lifecycle import effective_lifecycle
from irdesk.domain.models import (
    Incident,
    IncidentMerge,
    LifecycleOverride,
    Person,
    Review,
    Service,
    Team,
    TimelineEvent,
    stored_id,
)
from irdesk.storage.reads.incident_row import IncidentRow
from irdesk.storage.records.classifications import classification_of, classifications


@dataclass(frozen=True)
class IncidentDetail:
    incident: Incident
    service: Service | None
    owner_team: Team | None
    review: Review | None
    event_count: int
    overrides: dict[str, LifecycleOverride]
    # The values that count (the classification over the source's) and its revision.
    impact: EffectiveImpact | None = None
    classification_revision: int = 0

    @property
    def lifecycle(self) -> dict[str, datetime | None]:
        """The times that count: a facilitator's where set, the source's otherwise."""
        return effective_lifecycle(
            self.incident, {name: o.value for name, o in self.overrides.items()}
        )


@dataclass(frozen=True)
class EventRow:
    id: int
    occurred_at: datetime
    kind: EventKind
    source: str
    actor: str | None
    text: str
    is_key_moment: bool
    corrected: bool


def list_incidents(session: Session) -> list[IncidentRow]:
    """Every incident, newest impact first (of two that started together, the one stored
    last), no start time last.

    An incident merged into another (the same outage seen by a second tool) is
    shown through that one, not as a row of its own.
    """
    merged = select(IncidentMerge.incident_id).where(IncidentMerge.how != MERGE_UNLINKED)
    statement = (
        select(Incident, Service.name, Review.status)
        .join(Service, col(Incident.service_id) == col(Service.id), isouter=True)
        .join(Review, col(Review.incident_id) == col(Incident.id), isouter=True)
        .where(col(Incident.id).not_in(merged))
        .order_by(
            col(Incident.started_at).is_(None),
            col(Incident.started_at).desc(),
            col(Incident.id).desc(),
        )
    )
    rows = session.exec(statement).all()
    classified = classifications(session)
    impacts = {
        stored_id(i.id): effective_impact(i, classified.get(stored_id(i.id))) for i, _, _ in rows
    }
    return [
        IncidentRow(
            id=stored_id(incident.id),
            source=incident.source,
            external_id=incident.external_id,
            title=incident.title,
            service=service_name,
            severity=impacts[stored_id(incident.id)].severity,
            status=incident.status,
            started_at=incident.started_at,
            resolved_at=incident.resolved_at,
            # sqlmodel's select() types a column through a TypeVar that widens an enum
            # to str and drops the None of an outer join; the value is the enum, or None.
            review_status=cast(ReviewStatus | None, review_status),
            external_cause=impacts[stored_id(incident.id)].external_cause,
            flags=tuple(incident.flags),
        )
        for incident, service_name, review_status in rows
    ]


def incident_detail(
    session: Session, incident_id: int, *, event_count: int | None = None
) -> IncidentDetail | None:
    """The incident's facts; `event_count` is its timeline's length where the caller has
    read the timeline already (else it is counted here)."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        return None
    service = session.get(Service, incident.service_id) if incident.service_id else None
    owner = session.get(Team, service.owner_team_id) if service and service.owner_team_id else None
    review = session.exec(select(Review).where(Review.incident_id == incident_id)).first()
    count = event_count
    if count is None:
        count = session.exec(
            select(func.count())
            .select_from(TimelineEvent)
            .where(col(TimelineEvent.incident_id).in_(merged_ids(session, incident_id)))
        ).one()
    overrides = session.exec(
        select(LifecycleOverride).where(LifecycleOverride.incident_id == incident_id)
    ).all()
    classification, revision = classification_of(session, incident_id)
    return IncidentDetail(
        incident=incident,
        service=service,
        owner_team=owner,
        review=review,
        event_count=count,
        overrides={o.field: o for o in overrides},
        impact=effective_impact(incident, classification),
        classification_revision=revision,
    )


def merged_ids(session: Session, incident_id: int) -> list[int]:
    """The incident and every incident merged into it: one outage, one timeline."""
    joined = session.exec(
        select(IncidentMerge.incident_id).where(
            IncidentMerge.into_id == incident_id, IncidentMerge.how != MERGE_UNLINKED
        )
    ).all()
    return [incident_id, *joined]


def timeline_columns(session: Session, incident_id: int, *columns: Any) -> Any:
    """SELECT `columns` of the events of the incident and of those merged into it, with
    the actor's Person joined, in time order."""
    e = TimelineEvent
    return (
        select(*columns)
        .join(Person, col(e.actor_person_id) == col(Person.id), isouter=True)
        .where(col(e.incident_id).in_(merged_ids(session, incident_id)))
        .order_by(col(e.occurred_at), col(e.id))
    )


def timeline(session: Session, incident_id: int) -> list[EventRow]:
    """The events of the incident and of those merged into it, in time order."""
    # Plain columns, not ORM objects: an incident can have thousands of events, and an
    # ORM object per event is what would make opening it slow.
    e = TimelineEvent
    statement = timeline_columns(
        session,
        incident_id,
        e.id,
        e.occurred_at,
        e.kind,
        e.source,
        Person.name,
        e.actor_name,
        e.text,
        e.is_key_moment,
        e.corrected_at,
    )
    return [
        EventRow(
            id=event_id,
            occurred_at=occurred_at,
            kind=kind,
            source=source,
            actor=person_name or actor_name,
            text=text,
            is_key_moment=is_key_moment,
            corrected=corrected_at is not None,
        )
        for (
            event_id,
            occurred_at,
            kind,
            source,
            person_name,
            actor_name,
            text,
            is_key_moment,
            corrected_at,
        ) in session.exec(statement)
    ]
