"""One incident's timeline as the Timeline tab and walk mode read it.

`queries.timeline` answers the side pane; walking and editing the record also
need each event's revision (for compare-and-set edits), what a correction kept
and who made it, and the effective lifecycle the phases hang on. Rows are read
as plain columns rather than ORM objects: an incident can have thousands of
events, and an ORM object per event is what would make opening it feel slow.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from irdesk.domain.enums import EventKind
from irdesk.domain.models import Person, TimelineEvent, stored_id
from irdesk.storage.reads import queries


@dataclass(frozen=True)
class RecordEvent:
    """One timeline event with everything the walk shows and an edit needs."""

    id: int
    incident_id: int
    occurred_at: datetime
    kind: EventKind
    source: str
    actor: str | None
    text: str
    is_key_moment: bool
    added_by_facilitator: bool
    original_occurred_at: datetime | None
    original_text: str | None
    corrected_by: str | None
    correction_reason: str | None
    corrected_at: datetime | None
    revision: int

    @property
    def corrected(self) -> bool:
        return self.corrected_at is not None


@dataclass(frozen=True)
class IncidentTimeline:
    """The incident, its effective lifecycle and its merged timeline, in time order."""

    detail: queries.IncidentDetail
    events: tuple[RecordEvent, ...]

    @property
    def incident_id(self) -> int:
        return stored_id(self.detail.incident.id)

    @property
    def lifecycle(self) -> dict[str, datetime | None]:
        return self.detail.lifecycle


def record_events(session: Session, incident_id: int) -> list[RecordEvent]:
    """The events of the incident and of those merged into it, in time order."""
    e = TimelineEvent
    statement = queries.timeline_columns(
        session,
        incident_id,
        e.id,
        e.incident_id,
        e.occurred_at,
        e.kind,
        e.source,
        Person.name,
        e.actor_name,
        e.text,
        e.is_key_moment,
        e.added_by_facilitator,
        e.original_occurred_at,
        e.original_text,
        e.corrected_by,
        e.correction_reason,
        e.corrected_at,
        e.revision,
    )
    return [
        RecordEvent(
            id=row[0],
            incident_id=row[1],
            occurred_at=row[2],
            kind=row[3],
            source=row[4],
            actor=row[5] or row[6],
            text=row[7],
            is_key_moment=row[8],
            added_by_facilitator=row[9],
            original_occurred_at=row[10],
            original_text=row[11],
            corrected_by=row[12],
            correction_reason=row[13],
            corrected_at=row[14],
            revision=row[15],
        )
        for row in session.exec(statement)
    ]


def incident_timeline(session: Session, incident_id: int) -> IncidentTimeline | None:
    # The events are read once: their number is the detail's event count.
    events = tuple(record_events(session, incident_id))
    detail = queries.incident_detail(session, incident_id, event_count=len(events))
    if detail is None:
        return None
    return IncidentTimeline(detail=detail, events=events)
