"""The facilitator pool with each member's load, and who took part in an incident."""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from irdesk.domain.facilitation import (
    SHARE_WINDOW_DAYS,
    Facilitated,
    FacilitatorLoad,
    Suggestion,
    suggest,
)
from irdesk.domain.models import (
    Facilitator,
    IncidentRole,
    Person,
    Review,
    TimelineEvent,
    stored_id,
)
from irdesk.domain.utc import utc_now
from irdesk.storage.database import Database


def facilitated(session: Session) -> list[Facilitated]:
    """Every review with a facilitator, as the figures and loads read it."""
    rows = session.exec(
        select(Review.facilitator_id, Review.created_at, Review.approved_at).where(
            col(Review.facilitator_id).is_not(None)
        )
    ).all()
    return [Facilitated(fid, started, approved) for fid, started, approved in rows if fid]


def pool_loads(session: Session, now: datetime | None = None) -> list[FacilitatorLoad]:
    """The pool, by name, each member with their open and recent reviews."""
    now = now or utc_now()
    since = now - timedelta(days=SHARE_WINDOW_DAYS)
    by_person: dict[int, list[Facilitated]] = defaultdict(list)
    for review in facilitated(session):
        by_person[review.facilitator_id].append(review)
    members = session.exec(
        select(col(Person.id), col(Person.name), col(Facilitator.trained_on))
        .join(Facilitator, col(Facilitator.person_id) == col(Person.id))
        .order_by(col(Person.name))
    ).all()
    loads = []
    for stored, name, trained_on in members:
        person_id = stored_id(stored)
        mine = by_person.get(person_id, [])
        loads.append(
            FacilitatorLoad(
                person_id=person_id,
                name=name,
                trained_on=trained_on,
                open_reviews=sum(r.approved_at is None for r in mine),
                recent_reviews=sum(r.started_at >= since for r in mine),
                last_review_on=max((r.started_at.date() for r in mine), default=None),
            )
        )
    return loads


def responders(session: Session, incident_id: int) -> set[int]:
    """The people who acted on the incident's timeline or hold a role in it."""
    acted = session.exec(
        select(TimelineEvent.actor_person_id)
        .where(TimelineEvent.incident_id == incident_id)
        .where(col(TimelineEvent.actor_person_id).is_not(None))
        .distinct()
    ).all()
    roles = session.exec(
        select(IncidentRole.person_id)
        .where(IncidentRole.incident_id == incident_id)
        .where(col(IncidentRole.role).is_not(None))
    ).all()
    return {p for p in [*acted, *roles] if p is not None}


def suggestion_for(session: Session, incident_id: int) -> Suggestion:
    return suggest(pool_loads(session), responders(session, incident_id))


def pool_overview(db: Database) -> tuple[list[FacilitatorLoad], list[Facilitated]]:
    """The pool with its loads, and every facilitated review (for the figures)."""
    with db.session() as session:
        return pool_loads(session), facilitated(session)


def suggestion_named(db: Database, incident: str) -> Suggestion:
    """The suggestion for the incident as people name it (LookupError: no such incident)."""
    from irdesk.storage.reads.packet_data import find_incident

    with db.session() as session:
        return suggestion_for(session, find_incident(session, incident))
