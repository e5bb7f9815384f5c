"""Feedback notes: one person's part in an incident, for a manager's conversation.

Sensitive personnel data. Nothing in the review record reads this module: the
review tab, its models and packets of the review profile never see a note. The
audit log records that a note changed, never what it says, so the log can be
shown without revealing notes.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from irdesk.domain.enums import FeedbackKind
from irdesk.domain.models import (
    FeedbackNote,
    Incident,
    Person,
    Review,
    ReviewAttendee,
    TimelineEvent,
)
from irdesk.storage.errors import EditRefused
from irdesk.storage.reads.queries import merged_ids
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.revisions import audited_edit, current_row


@dataclass(frozen=True)
class NoteRow:
    id: int
    person_id: int
    incident_id: int | None
    author_id: int | None
    kind: FeedbackKind
    text: str
    deviation_justified: bool | None
    revision: int
    updated_at: datetime


class FeedbackRefused(EditRefused):
    """Input a note cannot take; nothing was written."""


def _row(note: FeedbackNote) -> NoteRow:
    assert note.id is not None
    return NoteRow(
        id=note.id,
        person_id=note.person_id,
        incident_id=note.incident_id,
        author_id=note.author_id,
        kind=note.kind,
        text=note.text,
        deviation_justified=note.deviation_justified,
        revision=note.revision,
        updated_at=note.updated_at,
    )


def _note(session: Session, note_id: int) -> FeedbackNote:
    return current_row(session, FeedbackNote, note_id)


def list_notes(
    session: Session, *, incident_id: int, person_id: int | None = None
) -> list[NoteRow]:
    statement = select(FeedbackNote).where(FeedbackNote.incident_id == incident_id)
    if person_id is not None:
        statement = statement.where(FeedbackNote.person_id == person_id)
    notes = session.exec(statement.order_by(col(FeedbackNote.id))).all()
    return [_row(n) for n in notes]


def get_note(session: Session, note_id: int) -> NoteRow:
    return _row(_note(session, note_id))


def add_note(
    session: Session,
    *,
    person_id: int,
    incident_id: int,
    kind: FeedbackKind,
    actor: str,
    text: str = "",
    author_id: int | None = None,
) -> NoteRow:
    if session.get(Person, person_id) is None:
        raise FeedbackRefused(f"person {person_id} does not exist")
    if session.get(Incident, incident_id) is None:
        raise FeedbackRefused(f"incident {incident_id} does not exist")
    note = FeedbackNote(
        person_id=person_id,
        incident_id=incident_id,
        author_id=author_id,
        kind=FeedbackKind(kind),
        text=text,
    )
    session.add(note)
    session.flush()
    append_entry(
        session,
        actor=actor,
        action="add_feedback_note",
        entity="feedback_note",
        entity_id=note.id,
        detail={"person_id": person_id, "incident_id": incident_id, "kind": note.kind.value},
    )
    return _row(note)


_UNSET: Any = object()


def edit_note(
    session: Session,
    note_id: int,
    revision: int,
    *,
    actor: str,
    text: str | None = None,
    kind: FeedbackKind | None = None,
    deviation_justified: bool | None = _UNSET,
) -> int:
    values: dict[str, Any] = {}
    if text is not None:
        values["text"] = text
    if kind is not None:
        values["kind"] = FeedbackKind(kind)
    if deviation_justified is not _UNSET:
        values["deviation_justified"] = deviation_justified
    if not values:
        raise FeedbackRefused("nothing to change")
    # Which fields changed, never the words: the audit log is not a place for personnel notes.
    detail: dict[str, Any] = {"fields": sorted(values)}
    if "kind" in values:
        detail["kind"] = values["kind"].value
    return audited_edit(
        session,
        FeedbackNote,
        note_id,
        revision,
        values,
        actor=actor,
        action="edit_feedback_note",
        detail=detail,
    )


def delete_note(session: Session, note_id: int, *, actor: str) -> NoteRow:
    note = _note(session, note_id)
    row = _row(note)
    session.delete(note)
    append_entry(
        session,
        actor=actor,
        action="delete_feedback_note",
        entity="feedback_note",
        entity_id=note_id,
        detail={"person_id": row.person_id},
    )
    session.flush()
    return row


def restore_note(session: Session, row: NoteRow, *, actor: str) -> NoteRow:
    note = FeedbackNote(
        person_id=row.person_id,
        incident_id=row.incident_id,
        author_id=row.author_id,
        kind=row.kind,
        text=row.text,
        deviation_justified=row.deviation_justified,
    )
    session.add(note)
    session.flush()
    append_entry(
        session,
        actor=actor,
        action="restore_feedback_note",
        entity="feedback_note",
        entity_id=note.id,
        detail={"was": row.id, "person_id": row.person_id},
    )
    return _row(note)


def involved_people(session: Session, incident_id: int) -> list[int]:
    """People with a part in the incident: its timeline's actors and the review's attendees."""
    actors = session.exec(
        select(TimelineEvent.actor_person_id)
        .where(col(TimelineEvent.incident_id).in_(merged_ids(session, incident_id)))
        .where(col(TimelineEvent.actor_person_id).is_not(None))
        .distinct()
    ).all()
    review = session.exec(select(Review).where(Review.incident_id == incident_id)).first()
    attendees: list[int] = []
    if review is not None:
        attendees = list(
            session.exec(
                select(ReviewAttendee.person_id).where(ReviewAttendee.review_id == review.id)
            ).all()
        )
        if review.facilitator_id is not None:
            attendees.append(review.facilitator_id)
    return sorted({p for p in (*actors, *attendees) if p is not None})
