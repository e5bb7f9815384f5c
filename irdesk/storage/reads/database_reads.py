"""The reads the screens make, as functions of the Database: each in one session of its own.

The read models (queries, review_sheet, timeline_records) take a session so that a
larger read can share one. A screen's worker thread wants one answer and no
session in its hands: these are those doors, plus the two reads only a screen
makes (a feedback window's notes, a record's revision now).
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import SQLModel, col, select

from irdesk.domain.enums import FindingTag
from irdesk.domain.models import (
    ActionItem,
    FeedbackNote,
    Finding,
    Incident,
    Person,
    Review,
    stored_id,
)
from irdesk.storage.database import Database
from irdesk.storage.reads import queries, review_sheet, timeline_records
from irdesk.storage.reads.escalations import (
    EscalationSummaryRow,
    IncidentEscalation,
    escalation_summary,
    incident_escalation,
)
from irdesk.storage.reads.incident_row import IncidentRow
from irdesk.storage.reads.review_sheet import Named, ReviewSheet
from irdesk.storage.reads.timeline_records import IncidentTimeline
from irdesk.storage.records import feedback, finding_tags, incident_roles, revisions
from irdesk.storage.records.feedback import NoteRow, ReaderChoice, ReaderRow
from irdesk.storage.records.incident_roles import RoleRow
from irdesk.storage.sealing import Keyring

# The records a screen edits field by field (compare-and-set on their revision), by
# the name the screens key them with.
REVISIONED: dict[str, type[SQLModel]] = {
    "review": Review,
    "finding": Finding,
    "action": ActionItem,
    "note": FeedbackNote,
}


def list_incidents(db: Database) -> list[IncidentRow]:
    """Every incident as the incident list shows it (`queries.list_incidents`)."""
    with db.session() as session:
        return queries.list_incidents(session)


def load_review_sheet(db: Database, incident_id: int) -> ReviewSheet | None:
    """What the Review tab shows for the incident; None if it is gone."""
    with db.session() as session:
        return review_sheet.load_sheet(session, incident_id)


def load_timeline(db: Database, incident_id: int) -> IncidentTimeline | None:
    """The incident's timeline as the Timeline tab walks and edits it; None if it is gone."""
    with db.session() as session:
        return timeline_records.incident_timeline(session, incident_id)


@dataclass(frozen=True)
class FeedbackView:
    """The feedback notes of one incident, and the people they can be about."""

    incident_label: str
    involved: tuple[int, ...]  # people with a part in the incident, offered first
    people: tuple[Named, ...]
    notes: tuple[NoteRow, ...]
    readers: tuple[ReaderRow, ...] = ()
    pending: int = 0  # notes of an older file waiting to be sealed


def load_feedback(
    db: Database, incident_id: int, keyring: Keyring | None = None
) -> FeedbackView | None:
    """The incident's feedback notes as `keyring` may read them; None if the incident is gone.

    Read apart from the review sheet on purpose: the notes never reach a view of the review.
    """
    with db.session() as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            return None
        return FeedbackView(
            incident_label=f"{incident.external_id} — {incident.title}",
            involved=tuple(feedback.involved_people(session, incident_id)),
            people=review_sheet.people(session),
            notes=tuple(feedback.list_notes(session, incident_id=incident_id, keyring=keyring)),
            readers=tuple(feedback.list_readers(session)),
            pending=feedback.pending_count(session),
        )


@dataclass(frozen=True)
class NoteListing:
    """A note with the names people know it by, for `irdesk notes list` and `export`."""

    note: NoteRow
    person: str
    incident: str | None
    author: str | None


def list_all_notes(
    db: Database, *, person: str | None = None, keyring: Keyring | None = None
) -> list[NoteListing]:
    """Every note (or those about `person`, by name), as `keyring` may read them."""
    with db.session() as session:
        people = {p.id: p.name for p in review_sheet.people(session)}
        person_id = None
        if person is not None:
            matches = [i for i, name in people.items() if name.casefold() == person.casefold()]
            if not matches:
                raise feedback.FeedbackRefused(f"nobody is called {person!r}")
            person_id = matches[0]
        rows = feedback.list_notes(session, person_id=person_id, keyring=keyring)
        incidents = {
            i.id: i.external_id
            for i in session.exec(
                select(Incident).where(col(Incident.id).in_({r.incident_id for r in rows}))
            )
        }
        return [
            NoteListing(
                note=row,
                person=people.get(row.person_id, f"person {row.person_id}"),
                incident=incidents.get(row.incident_id) if row.incident_id else None,
                author=people.get(row.author_id) if row.author_id else None,
            )
            for row in rows
        ]


def list_note_readers(db: Database) -> list[ReaderRow]:
    with db.session() as session:
        return feedback.list_readers(session)


def note_reader_choice(db: Database, person_id: int, keyring: Keyring | None) -> ReaderChoice:
    """The readers offered for a new note about `person_id`, the usual ones ticked."""
    with db.session() as session:
        return feedback.reader_choice(session, person_id, keyring)


def current_revision(db: Database, kind: str, record_id: int) -> int | None:
    """The revision of record `kind` (a key of REVISIONED) now; None if it is gone."""
    with db.session() as session:
        return revisions.current_revision(session, REVISIONED[kind], record_id)


def pending_notes(db: Database) -> int:
    """Notes an upgrade left waiting for a reader to seal them to."""
    with db.session() as session:
        return feedback.pending_count(session)


def find_note_reader(db: Database, wanted: str) -> ReaderRow:
    with db.session() as session:
        return feedback.find_reader(session, wanted)


@dataclass(frozen=True)
class NoteTargets:
    person_id: int
    incident_id: int | None
    reader_ids: tuple[int, ...]


def note_targets(
    db: Database, *, person: str, incident: str | None, readers: list[str]
) -> NoteTargets:
    """What a new note names, by the names people use: the person as the list shows
    them, the incident's ID (INC-1022), readers by name or fingerprint."""
    from irdesk.storage.reads.packet_data import find_incident, find_person

    with db.session() as session:
        found = find_person(session, person)
        return NoteTargets(
            person_id=stored_id(found.id),
            incident_id=find_incident(session, incident) if incident else None,
            reader_ids=tuple(feedback.find_reader(session, r).id for r in readers),
        )


@dataclass(frozen=True)
class RolesView:
    """An incident's roles, and the people a role can be typed for."""

    incident_id: int
    roles: list[RoleRow]
    people: list[tuple[int, str]]  # (id, name), by name
    # person id → the revision of their typed role (cleared ones too), for the next edit
    typed_revisions: dict[int, int]


def load_roles(db: Database, incident_id: int) -> RolesView:
    with db.session() as session:
        people = session.exec(select(Person.id, Person.name).order_by(col(Person.name))).all()
        return RolesView(
            incident_id,
            incident_roles.roles_of(session, incident_id),
            [(int(pid), name) for pid, name in people if pid is not None],
            incident_roles.typed_revisions(session, incident_id),
        )


def load_escalation(db: Database, incident_id: int) -> IncidentEscalation | None:
    with db.session() as session:
        return incident_escalation(session, incident_id)


def read_finding_tag(db: Database, finding_id: int) -> tuple[FindingTag | None, int]:
    with db.session() as session:
        return finding_tags.tag_of(session, finding_id)


def read_finding_tags(
    db: Database, finding_ids: list[int]
) -> dict[int, tuple[FindingTag | None, int]]:
    with db.session() as session:
        return {i: finding_tags.tag_of(session, i) for i in finding_ids}


def read_escalation_summary(
    db: Database, first_day: date, last_day: date
) -> list[EscalationSummaryRow]:
    with db.session() as session:
        return escalation_summary(session, first_day, last_day)
