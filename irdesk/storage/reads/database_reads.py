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
from irdesk.domain.models import ActionItem, FeedbackNote, Finding, Incident, Person, Review
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
from irdesk.storage.records.feedback import NoteRow
from irdesk.storage.records.incident_roles import RoleRow

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


def load_feedback(db: Database, incident_id: int) -> FeedbackView | None:
    """The incident's feedback notes; None if the incident is gone.

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
            notes=tuple(feedback.list_notes(session, incident_id=incident_id)),
        )


def current_revision(db: Database, kind: str, record_id: int) -> int | None:
    """The revision of record `kind` (a key of REVISIONED) now; None if it is gone."""
    with db.session() as session:
        return revisions.current_revision(session, REVISIONED[kind], record_id)


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
