"""Leave typed by hand: a person away from one day through another (or not ended yet).

The on-call tools' exports hold no absences, so leave is entered here, from the
Organisation window or `irdesk org leave`. Each change is compare-and-set on the row's
revision and written to the audit log in the same transaction, under the person; the
window's undo takes it back through the same functions. The figures read it as a surge
(`domain/load_fairness`).
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from irdesk.domain.models import Leave, Person, stored_id
from irdesk.domain.utc import utc_now
from irdesk.storage.database import Database
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.revisions import ConflictWording, compare_and_set, current_row

WORDING = ConflictWording(
    changed="This leave was changed in another window; look again before changing it.",
    deleted="This leave was removed in another window.",
)


@dataclass(frozen=True)
class LeaveRow:
    """A span of leave as it stands, enough to show it and to put it back."""

    leave_id: int
    person_id: int
    person: str
    starts_on: date
    ends_on: date | None
    note: str | None
    revision: int

    def span(self) -> str:
        end = "not ended" if self.ends_on is None else self.ends_on.isoformat()
        return f"{self.starts_on.isoformat()} to {end}"


def _row(leave: Leave, person: str) -> LeaveRow:
    return LeaveRow(
        stored_id(leave.id),
        leave.person_id,
        person,
        leave.starts_on,
        leave.ends_on,
        leave.note,
        leave.revision,
    )


def _check_end(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise EditRefused(
            f"Until: a day on or after the leave's first day ({starts_on.isoformat()}), "
            f"found {ends_on.isoformat()}."
        )


def _overlap(others: list[Leave], starts_on: date, ends_on: date | None, person: str) -> None:
    for other in others:
        other_end = other.ends_on or date.max
        if other.starts_on <= (ends_on or date.max) and starts_on <= other_end:
            end = "not ended" if other.ends_on is None else other.ends_on.isoformat()
            raise EditRefused(
                f"From: {person} is already on leave {other.starts_on.isoformat()} to {end}; "
                "end or remove that span first."
            )


def list_leave(db: Database, person_id: int | None = None) -> list[LeaveRow]:
    """Every span (or one person's), by person and first day."""
    with db.session() as session:
        query = select(Leave, Person.name).join(Person, col(Person.id) == col(Leave.person_id))
        if person_id is not None:
            query = query.where(col(Leave.person_id) == person_id)
        found = session.exec(query.order_by(col(Person.name), col(Leave.starts_on))).all()
        return [_row(leave, name) for leave, name in found]


def add_leave(
    db: Database,
    person_id: int,
    starts_on: date,
    ends_on: date | None,
    note: str | None,
    *,
    actor: str,
) -> LeaveRow:
    """`person_id` away from `starts_on` through `ends_on` (None: until someone ends it)."""
    _check_end(starts_on, ends_on)
    note = (note or "").strip() or None
    with db.transaction() as session:
        person = session.get(Person, person_id)
        if person is None:
            raise EditRefused("Person: they are no longer in the directory.")
        others = list(session.exec(select(Leave).where(col(Leave.person_id) == person_id)))
        _overlap(others, starts_on, ends_on, person.name)
        leave = Leave(
            person_id=person_id,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note,
            created_by=actor,
            created_at=utc_now(),
        )
        session.add(leave)
        session.flush()
        append_entry(
            session,
            actor=actor,
            action="add_leave",
            entity="person",
            entity_id=person_id,
            detail={
                "leave": stored_id(leave.id),
                "from": starts_on.isoformat(),
                "until": None if ends_on is None else ends_on.isoformat(),
            },
        )
        return _row(leave, person.name)


def end_leave(
    db: Database, leave_id: int, revision: int, ends_on: date | None, *, actor: str
) -> LeaveRow:
    """The span ends on `ends_on` (None: open again), if it is still at `revision`."""
    with db.transaction() as session:
        leave = current_row(session, Leave, leave_id, wording=WORDING)
        person = session.get(Person, leave.person_id)
        name = person.name if person else f"person {leave.person_id}"
        _check_end(leave.starts_on, ends_on)
        others = session.exec(
            select(Leave).where(col(Leave.person_id) == leave.person_id, col(Leave.id) != leave_id)
        )
        _overlap(list(others), leave.starts_on, ends_on, name)
        new_revision = compare_and_set(
            session, Leave, leave_id, revision, {"ends_on": ends_on}, wording=WORDING
        )
        append_entry(
            session,
            actor=actor,
            action="end_leave",
            entity="person",
            entity_id=leave.person_id,
            detail={
                "person": name,
                "from": leave.starts_on.isoformat(),
                "until": None if ends_on is None else ends_on.isoformat(),
            },
        )
        return LeaveRow(
            leave_id, leave.person_id, name, leave.starts_on, ends_on, leave.note, new_revision
        )


def remove_leave(db: Database, leave_id: int, revision: int, *, actor: str) -> None:
    """The span taken off, if it is still at `revision`."""
    with db.transaction() as session:
        leave = current_row(session, Leave, leave_id, wording=WORDING)
        if leave.revision != revision:
            raise WORDING.conflict("leave", leave_id, deleted=False)
        person = session.get(Person, leave.person_id)
        session.delete(leave)
        append_entry(
            session,
            actor=actor,
            action="remove_leave",
            entity="person",
            entity_id=leave.person_id,
            detail={
                "person": person.name if person else leave.person_id,
                "from": leave.starts_on.isoformat(),
                "until": None if leave.ends_on is None else leave.ends_on.isoformat(),
            },
        )


def restore_leave(db: Database, row: LeaveRow, *, actor: str) -> LeaveRow:
    """A removed span back as it was (undoing its removal, redoing its adding), under a
    new id."""
    return add_leave(db, row.person_id, row.starts_on, row.ends_on, row.note, actor=actor)
