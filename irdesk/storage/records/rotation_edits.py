"""Rotation membership typed by hand: a person added to a rotation from a day, and a
hand-added membership ended from a day.

A membership typed here has `how = "typed"`, which no import writes: a re-import keys its
own memberships by (rotation, person, how, start) and so never touches these. Memberships
an import brought are the on-call tool's; they are changed there and imported again.
Each change is written to the audit log in the same transaction; the window's undo
takes it back through the same functions.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from irdesk.domain.models import Person, Rotation, RotationMember, stored_id
from irdesk.domain.utc import utc_now
from irdesk.storage.database import Database
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry

TYPED = "typed"


@dataclass(frozen=True)
class Membership:
    """A typed membership as it stands, enough to put it back."""

    member_id: int
    rotation_id: int
    person_id: int
    starts_at: datetime
    ends_at: datetime | None


def _day(value: datetime, label: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError("a membership's day is an aware datetime")
    if value > utc_now():
        raise EditRefused(
            f"{label}: a day up to today, found {value.date().isoformat()}; "
            "a membership typed for the future is not kept."
        )
    return value.astimezone(UTC)


def add_member(
    db: Database, rotation_id: int, person_id: int, since: datetime, *, actor: str
) -> Membership:
    """`person_id` on `rotation_id` from `since`, until someone ends it."""
    since = _day(since, "From")
    with db.transaction() as session:
        rotation, person = session.get(Rotation, rotation_id), session.get(Person, person_id)
        if rotation is None or person is None:
            raise EditRefused("The rotation or the person is no longer in the directory.")
        member = RotationMember(
            rotation_id=rotation_id, person_id=person_id, how=TYPED, starts_at=since
        )
        session.add(member)
        session.flush()
        append_entry(
            session,
            actor=actor,
            action="add_rotation_member",
            entity="rotation",
            entity_id=rotation_id,
            detail={"person": person.name, "from": since.isoformat()},
        )
        return Membership(stored_id(member.id), rotation_id, person_id, since, None)


def set_member_end(
    db: Database, member_id: int, until: datetime | None, *, actor: str
) -> Membership:
    """A typed membership ended at `until` (None: open again). Memberships an import
    brought are refused in a sentence: they are the on-call tool's."""
    if until is not None:
        until = _day(until, "Until")
    with db.transaction() as session:
        member = session.get(RotationMember, member_id)
        if member is None:
            raise EditRefused("That membership is no longer in the directory.")
        if member.how != TYPED:
            raise EditRefused(
                f"Until: this membership comes from the on-call tool ({member.how}); change "
                "it there and import again, or add the person by hand."
            )
        assert member.starts_at is not None
        if until is not None and until <= member.starts_at:
            raise EditRefused(
                f"Until: a day after the membership's start "
                f"({member.starts_at.date().isoformat()}), found {until.date().isoformat()}."
            )
        member.ends_at = until
        session.add(member)
        person = session.get(Person, member.person_id)
        append_entry(
            session,
            actor=actor,
            action="end_rotation_member",
            entity="rotation",
            entity_id=member.rotation_id,
            detail={
                "person": person.name if person else member.person_id,
                "from": member.starts_at.isoformat(),
                "until": None if until is None else until.isoformat(),
            },
        )
        return Membership(member_id, member.rotation_id, member.person_id, member.starts_at, until)


def remove_member(db: Database, member_id: int, *, actor: str) -> None:
    """A typed membership taken off (undoing its adding)."""
    with db.transaction() as session:
        member = session.get(RotationMember, member_id)
        if member is None:
            return
        if member.how != TYPED:
            raise EditRefused("Only a membership typed by hand can be taken off.")
        person = session.get(Person, member.person_id)
        session.delete(member)
        append_entry(
            session,
            actor=actor,
            action="remove_rotation_member",
            entity="rotation",
            entity_id=member.rotation_id,
            detail={"person": person.name if person else member.person_id},
        )


def restore_member(db: Database, membership: Membership, *, actor: str) -> Membership:
    """A typed membership back as it was (redoing its adding), under a new id."""
    added = add_member(
        db, membership.rotation_id, membership.person_id, membership.starts_at, actor=actor
    )
    if membership.ends_at is None:
        return added
    return set_member_end(db, added.member_id, membership.ends_at, actor=actor)
