"""Joining and leaving the facilitator pool, audited under the person."""

from datetime import date

from sqlmodel import Session, func, select

from irdesk.domain.models import Facilitator, Person, stored_id
from irdesk.storage.database import Database
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry


class PoolRefused(EditRefused):
    """A pool change naming no one the directory knows; the message says who."""


def _person(session: Session, name: str) -> Person:
    found = session.exec(select(Person).where(func.lower(Person.name) == name.lower())).all()
    if len(found) != 1:
        known = "nobody" if not found else f"{len(found)} people"
        raise PoolRefused(
            f"facilitator {name!r}: expected one person of that name in the directory, "
            f"found {known}."
        )
    return found[0]


def join_pool(session: Session, name: str, trained_on: date | None, *, actor: str) -> Person:
    """Add the person named `name` (or update when they were trained)."""
    person = _person(session, name)
    person_id = stored_id(person.id)
    row = session.get(Facilitator, person_id)
    before = None if row is None else (row.trained_on.isoformat() if row.trained_on else "")
    if row is None:
        row = Facilitator(person_id=person_id, trained_on=trained_on, set_by=actor)
    else:
        row.trained_on, row.set_by = trained_on, actor
    session.add(row)
    append_entry(
        session,
        actor=actor,
        action="join_facilitator_pool",
        entity="person",
        entity_id=person.id,
        detail={"trained_on": trained_on.isoformat() if trained_on else None, "before": before},
    )
    return person


def leave_pool(session: Session, name: str, *, actor: str) -> Person:
    person = _person(session, name)
    row = session.get(Facilitator, person.id)
    if row is None:
        raise PoolRefused(f"facilitator {person.name!r}: not in the facilitator pool.")
    session.delete(row)
    append_entry(
        session, actor=actor, action="leave_facilitator_pool", entity="person", entity_id=person.id
    )
    return person


def join_pool_named(db: Database, name: str, trained_on: date | None, *, actor: str) -> str:
    """`join_pool` in its own transaction; the person's name as the directory has it."""
    with db.transaction() as session:
        return join_pool(session, name, trained_on, actor=actor).name


def leave_pool_named(db: Database, name: str, *, actor: str) -> str:
    with db.transaction() as session:
        return leave_pool(session, name, actor=actor).name
