"""The timeline's record edits, worker side: each edit with the undo and redo it makes possible.

Compare-and-set: a fresh edit expects the revision the user saw, or the one this
window's own last edit left if that is newer (two K presses in a row on one event
are not a conflict). Undo and redo expect exactly what this window's own last edit
left, so a change made meanwhile in another window is never overwritten: storage
refuses the undo instead.

Each builder below returns an `Edit`: a function of the Database that makes the
change and hands back an `EditOutcome` carrying its undo and redo, themselves
edits. The controller runs them on the window's background tasks; each imports the
storage edits where it runs, on the worker, so the window is built without them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from irdesk.domain.enums import EventKind
from irdesk.gui.common.refusals import Refused, refusing
from irdesk.gui.timeline.event_dialog import EventInput

if TYPE_CHECKING:
    from irdesk.domain.enums import RunbookOutcome
    from irdesk.storage.database import Database
    from irdesk.storage.reads.timeline_records import RecordEvent
    from irdesk.storage.records.event_edits import EventState
    from irdesk.storage.records.runbooks import StepRow


class RevisionBook:
    """The revision of each event after this window's own last edit of it (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revisions: dict[int, int] = {}

    def expected(self, event_id: int, seen: int) -> int:
        with self._lock:
            return max(seen, self._revisions.get(event_id, seen))

    def own(self, event_id: int) -> int:
        with self._lock:
            return self._revisions.get(event_id, 0)

    def record(self, event_id: int, revision: int) -> None:
        with self._lock:
            self._revisions[event_id] = revision

    def clear(self) -> None:
        with self._lock:
            self._revisions.clear()


@dataclass(frozen=True)
class EditOutcome:
    """What a worker hands back for an edit storage accepted: what to select and say."""

    select: int | None = None
    message: str = ""
    undo: Callable[[Database], EditOutcome] | None = field(default=None, compare=False)
    redo: Callable[[Database], EditOutcome] | None = field(default=None, compare=False)


Edit = Callable[["Database"], EditOutcome]


def run_edit(db: Database, edit: Edit) -> EditOutcome | Refused:
    """Worker side: a refused edit (conflict, bad input) writes nothing and says why."""
    return refusing(lambda: edit(db))


def short(text: str, limit: int = 40) -> str:
    """An event's text as an undo text names it: one line, cut short."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def adding(book: RevisionBook, actor: str, incident_id: int, value: EventInput) -> Edit:
    """Add an event; undo takes it back, redo adds it again under the same id."""

    def add(db: Database, event_id: int | None = None) -> EditOutcome:
        from irdesk.storage.records import database_edits

        added = database_edits.add_event(
            db,
            incident_id,
            occurred_at=value.occurred_at,
            kind=EventKind(value.kind),
            text=value.text,
            actor=actor,
            event_id=event_id,
        )
        book.record(added.event_id, added.revision)
        new_id = added.event_id

        def remove(db: Database) -> EditOutcome:
            from irdesk.storage.records import database_edits

            database_edits.remove_added_event(db, new_id, revision=book.own(new_id), actor=actor)
            return EditOutcome(message="Added event taken back")

        return EditOutcome(
            select=new_id,
            message="Event added (Ctrl+Z undoes)",
            undo=remove,
            redo=lambda db: add(db, new_id),
        )

    return add


def correcting(book: RevisionBook, actor: str, event: RecordEvent, value: EventInput) -> Edit:
    """Correct an event's time or text; undo puts back its state before, redo the one after."""
    event_id = event.id

    def restore(state: EventState, message: str) -> Edit:
        def apply(db: Database) -> EditOutcome:
            from irdesk.storage.records import database_edits

            done = database_edits.restore_event(
                db, event_id, revision=book.own(event_id), state=state, actor=actor
            )
            book.record(event_id, done.revision)
            return EditOutcome(select=event_id, message=message)

        return apply

    def correct(db: Database) -> EditOutcome:
        from irdesk.storage.records import database_edits

        done, after = database_edits.correct_event(
            db,
            event_id,
            revision=book.expected(event_id, event.revision),
            occurred_at=value.occurred_at,
            text=value.text,
            reason=value.reason,
            actor=actor,
        )
        book.record(event_id, done.revision)
        return EditOutcome(
            select=event_id,
            message="Event corrected; the original is kept (Ctrl+Z undoes)",
            undo=restore(done.before, "Correction taken back"),
            redo=restore(after, "Correction made again"),
        )

    return correct


def keying(book: RevisionBook, actor: str, event: RecordEvent, marked: bool) -> Edit:
    """Mark or unmark a key moment; undo and redo flip it back and forth."""
    event_id = event.id

    def setting(value: bool, expected: Callable[[], int], message: str) -> Edit:
        def apply(db: Database) -> EditOutcome:
            from irdesk.storage.records import database_edits

            done = database_edits.set_key_moment(
                db, event_id, revision=expected(), key_moment=value, actor=actor
            )
            book.record(event_id, done.revision)
            return EditOutcome(
                select=event_id,
                message=message,
                undo=setting(not value, lambda: book.own(event_id), "Key moment taken back"),
                redo=setting(value, lambda: book.own(event_id), "Key moment set again"),
            )

        return apply

    message = "Marked as a key moment" if marked else "No longer a key moment"
    return setting(
        marked, lambda: book.expected(event_id, event.revision), f"{message} (Ctrl+Z undoes)"
    )


def lifecycle_from(actor: str, incident_id: int, event: RecordEvent, field_name: str) -> Edit:
    """Set a lifecycle time to the event's; undo restores the time it had before."""
    label = field_name.removesuffix("_at").capitalize()

    def set_time(db: Database) -> EditOutcome:
        from irdesk.storage.records import database_edits

        change = database_edits.lifecycle_from_event(
            db, incident_id, event.id, field_name, actor=actor
        )

        def undo(db: Database) -> EditOutcome:
            from irdesk.storage.records import database_edits

            database_edits.restore_lifecycle(db, change, actor=actor)
            return EditOutcome(select=event.id, message=f"{label} time restored")

        def redo(db: Database) -> EditOutcome:
            from irdesk.storage.records import database_edits

            database_edits.redo_lifecycle(db, change, actor=actor)
            return EditOutcome(select=event.id, message=f"{label} time set again")

        return EditOutcome(
            select=event.id,
            message=f"{label} is now this event's time (Ctrl+Z undoes)",
            undo=undo,
            redo=redo,
        )

    return set_time


@dataclass(frozen=True)
class StepChoice:
    """What the Runbook Step dialog chose for one step (outcome None: not recorded)."""

    outcome: RunbookOutcome | None
    event_id: int | None
    person_id: int | None
    justified: bool
    reason: str | None


def recording_step(actor: str, incident_id: int, step: StepRow, choice: StepChoice) -> Edit:
    """Record what became of a runbook step; undo puts back what was recorded before."""
    before = StepChoice(step.outcome, step.event_id, step.person_id, step.justified, step.reason)
    revision = [step.revision]

    def setting(value: StepChoice, message: str, back: StepChoice, again: StepChoice) -> Edit:
        def apply(db: Database) -> EditOutcome:
            from irdesk.storage.records import database_edits

            revision[0] = database_edits.record_runbook_step(
                db,
                incident_id,
                step.step_id,
                revision[0],
                outcome=value.outcome,
                event_id=value.event_id,
                person_id=value.person_id,
                justified=value.justified,
                reason=value.reason,
                actor=actor,
            )
            return EditOutcome(
                select=value.event_id,
                message=message,
                undo=setting(back, f"Step {step.position} put back", back, again),
                redo=setting(again, f"Step {step.position} recorded again", back, again),
            )

        return apply

    said = choice.outcome.value if choice.outcome else "not recorded"
    return setting(choice, f"Step {step.position} {said} (Ctrl+Z undoes)", before, choice)
