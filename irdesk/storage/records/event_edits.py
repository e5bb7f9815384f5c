"""A facilitator's edits of the timeline: added events, corrections, key moments.

Every change is a compare-and-set on ``timeline_event.revision``: the caller
says which revision it saw, and a row that has moved on since (another window,
another person on the same file) is refused with `EditConflict` instead of
being overwritten. Each change is written to the audit log in the same
transaction. A correction keeps what the source said (``original_occurred_at``,
``original_text``, the first time only) beside who corrected it and why.

Undo goes through the same doors: `remove_added_event` takes back an added
event, `restore_event` puts back an event's state from before a correction,
`restore_lifecycle` a lifecycle time from before `lifecycle_from_event`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from irdesk.domain.enums import EventKind
from irdesk.domain.lifecycle import LIFECYCLE_FIELDS
from irdesk.domain.models import LifecycleOverride, TimelineEvent
from irdesk.domain.utc import as_utc, utc_now
from irdesk.storage.errors import EditConflict, EditRefused
from irdesk.storage.reads import queries
from irdesk.storage.records import lifecycle_edits
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.revisions import ConflictWording, audited_edit, current_row

# The source of an event a facilitator adds by hand.
FACILITATOR_SOURCE = "facilitator"
MAX_TEXT = 4000
# The Timeline tab shows these as they are, so they speak of events, not table rows.
_EVENT_CONFLICT = ConflictWording(
    changed="event {id} was changed elsewhere since you saw it; reload to see the change",
    deleted="event {id} no longer exists; it was removed elsewhere",
)


@dataclass(frozen=True)
class EventState:
    """The editable part of an event, as it was before a change (for undo)."""

    occurred_at: datetime
    text: str
    original_occurred_at: datetime | None
    original_text: str | None
    corrected_by: str | None
    correction_reason: str | None
    corrected_at: datetime | None

    @classmethod
    def of(cls, event: TimelineEvent) -> "EventState":
        return cls(
            occurred_at=event.occurred_at,
            text=event.text,
            original_occurred_at=event.original_occurred_at,
            original_text=event.original_text,
            corrected_by=event.corrected_by,
            correction_reason=event.correction_reason,
            corrected_at=event.corrected_at,
        )

    def values(self) -> dict[str, Any]:
        return {
            "occurred_at": self.occurred_at,
            "text": self.text,
            "original_occurred_at": self.original_occurred_at,
            "original_text": self.original_text,
            "corrected_by": self.corrected_by,
            "correction_reason": self.correction_reason,
            "corrected_at": self.corrected_at,
        }


@dataclass(frozen=True)
class Edited:
    """What an edit left: the event's id and its new revision."""

    event_id: int
    revision: int


@dataclass(frozen=True)
class Corrected(Edited):
    before: EventState


@dataclass(frozen=True)
class OverrideState:
    """A lifecycle override as it stood: its value (None: "never happened") and reason."""

    value: datetime | None
    reason: str


@dataclass(frozen=True)
class LifecycleSet:
    incident_id: int
    field: str
    value: datetime
    reason: str
    before: OverrideState | None  # None: the source's value was in force


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _clean_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise EditRefused("the event needs a text: what happened")
    if len(cleaned) > MAX_TEXT:
        raise EditRefused(f"the text is {len(cleaned)} characters long; at most {MAX_TEXT} fit")
    return cleaned


def _event(session: Session, event_id: int) -> TimelineEvent:
    return current_row(session, TimelineEvent, event_id, wording=_EVENT_CONFLICT)


def add_event(
    session: Session,
    incident_id: int,
    *,
    occurred_at: datetime,
    kind: EventKind,
    text: str,
    actor: str,
    event_id: int | None = None,
) -> Edited:
    """Add an event by hand to the incident's timeline (`event_id`: redo puts it back as it was)."""
    when = as_utc(occurred_at)
    cleaned = _clean_text(text)
    if queries.incident_detail(session, incident_id) is None:
        raise EditConflict(
            "incident",
            incident_id,
            deleted=True,
            message=f"incident {incident_id} no longer exists",
        )
    if event_id is not None and session.get(TimelineEvent, event_id) is not None:
        raise EditConflict(
            "timeline_event",
            event_id,
            message=f"event {event_id} exists already; it cannot be added again",
        )
    event = TimelineEvent(
        id=event_id,
        incident_id=incident_id,
        occurred_at=when,
        kind=EventKind(kind),
        source=FACILITATOR_SOURCE,
        actor_name=None,
        text=cleaned,
        added_by_facilitator=True,
    )
    session.add(event)
    session.flush()
    assert event.id is not None
    append_entry(
        session,
        actor=actor,
        action="add_event",
        entity="timeline_event",
        entity_id=event.id,
        detail={
            "incident_id": incident_id,
            "occurred_at": when.isoformat(),
            "kind": event.kind.value,
            "text": cleaned,
        },
    )
    return Edited(event.id, event.revision)


def remove_added_event(session: Session, event_id: int, *, revision: int, actor: str) -> None:
    """Take back an event a facilitator added (undo); imported events are never removed."""
    event = _event(session, event_id)
    if not event.added_by_facilitator:
        raise EditRefused(f"event {event_id} came from {event.source}; only added events go")
    if event.revision != revision:
        raise EditConflict(
            "timeline_event",
            event_id,
            message=f"event {event_id} was changed elsewhere since you added it; it stays as it is",
        )
    detail = {"incident_id": event.incident_id, "text": event.text}
    session.delete(event)
    append_entry(
        session,
        actor=actor,
        action="remove_added_event",
        entity="timeline_event",
        entity_id=event_id,
        detail=detail,
    )
    session.flush()


def correct_event(
    session: Session,
    event_id: int,
    *,
    revision: int,
    reason: str,
    actor: str,
    occurred_at: datetime | None = None,
    text: str | None = None,
) -> Corrected:
    """Correct an event's time and/or text; the source's first version stays beside it."""
    if not reason.strip():
        raise EditRefused("say why the event is corrected; the reason is kept with it")
    event = _event(session, event_id)
    before = EventState.of(event)
    when = as_utc(occurred_at) if occurred_at is not None else before.occurred_at
    new_text = _clean_text(text) if text is not None else before.text
    if when == before.occurred_at and new_text == before.text:
        raise EditRefused("the time and text are as they were; nothing to correct")
    values: dict[str, Any] = {
        "occurred_at": when,
        "text": new_text,
        "corrected_by": actor,
        "correction_reason": reason.strip(),
        "corrected_at": utc_now(),
    }
    # The source's own version is kept once: a second correction does not lose it.
    if before.original_occurred_at is None and when != before.occurred_at:
        values["original_occurred_at"] = before.occurred_at
    if before.original_text is None and new_text != before.text:
        values["original_text"] = before.text
    new_revision = audited_edit(
        session,
        TimelineEvent,
        event_id,
        revision,
        values,
        wording=_EVENT_CONFLICT,
        actor=actor,
        action="correct_event",
        detail={
            "occurred_at": when.isoformat(),
            "previous_occurred_at": before.occurred_at.isoformat(),
            "text": new_text,
            "previous_text": before.text,
            "reason": reason.strip(),
        },
    )
    return Corrected(event_id, new_revision, before)


def restore_event(
    session: Session, event_id: int, *, revision: int, state: EventState, actor: str
) -> Edited:
    """Put an event back as `state` had it (undo or redo of a correction)."""
    _event(session, event_id)
    new_revision = audited_edit(
        session,
        TimelineEvent,
        event_id,
        revision,
        state.values(),
        wording=_EVENT_CONFLICT,
        actor=actor,
        action="restore_event",
        detail={
            "occurred_at": state.occurred_at.isoformat(),
            "text": state.text,
            "corrected": state.corrected_at is not None,
        },
    )
    return Edited(event_id, new_revision)


def set_key_moment(
    session: Session, event_id: int, *, revision: int, key_moment: bool, actor: str
) -> Edited:
    _event(session, event_id)
    new_revision = audited_edit(
        session,
        TimelineEvent,
        event_id,
        revision,
        {"is_key_moment": key_moment},
        wording=_EVENT_CONFLICT,
        actor=actor,
        action="mark_key_moment" if key_moment else "unmark_key_moment",
    )
    return Edited(event_id, new_revision)


def _override_state(session: Session, incident_id: int, field: str) -> OverrideState | None:
    override = session.get(LifecycleOverride, (incident_id, field))
    if override is None:
        return None
    return OverrideState(override.value, override.reason or "")


def lifecycle_from_event(
    session: Session,
    incident_id: int,
    event_id: int,
    field: str,
    *,
    actor: str,
    reason: str | None = None,
) -> LifecycleSet:
    """'This is when we detected': set the incident's `field` to the event's time."""
    if field not in LIFECYCLE_FIELDS:
        raise ValueError(f"{field!r} is not a lifecycle time; one of {', '.join(LIFECYCLE_FIELDS)}")
    event = _event(session, event_id)
    if event.incident_id not in queries.merged_ids(session, incident_id):
        raise EditRefused(f"event {event_id} is not on the timeline of incident {incident_id}")
    before = _override_state(session, incident_id, field)
    label = field.removesuffix("_at")
    why = reason or f"set from timeline event {event_id} ({event.kind.value}: {event.text[:80]})"
    if before is not None and before.value == event.occurred_at:
        raise EditRefused(f"{label} is already set to this event's time")
    lifecycle_edits.set_override(
        session, incident_id, field, event.occurred_at, reason=why, actor=actor
    )
    return LifecycleSet(incident_id, field, event.occurred_at, why, before)


def _lifecycle_conflict(change: LifecycleSet) -> EditConflict:
    label = change.field.removesuffix("_at")
    return EditConflict(
        "lifecycle_override",
        change.incident_id,
        message=f"{label} was changed elsewhere since; it stays as it is",
    )


def restore_lifecycle(session: Session, change: LifecycleSet, *, actor: str) -> None:
    """Undo `lifecycle_from_event`, unless the time was changed again since."""
    current = _override_state(session, change.incident_id, change.field)
    if current is None or current.value != change.value:
        raise _lifecycle_conflict(change)
    if change.before is None:
        lifecycle_edits.clear_override(session, change.incident_id, change.field, actor=actor)
    else:
        lifecycle_edits.set_override(
            session,
            change.incident_id,
            change.field,
            change.before.value,
            reason=change.before.reason or "undone",
            actor=actor,
        )


def redo_lifecycle(session: Session, change: LifecycleSet, *, actor: str) -> None:
    """Set the time again as `change` set it, unless it was changed elsewhere since."""
    current = _override_state(session, change.incident_id, change.field)
    if current != change.before:
        raise _lifecycle_conflict(change)
    lifecycle_edits.set_override(
        session,
        change.incident_id,
        change.field,
        change.value,
        reason=change.reason,
        actor=actor,
    )
