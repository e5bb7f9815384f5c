"""The record edits the screens make, as functions of the Database: each its own transaction.

The edits themselves (reviews, findings, action_items, feedback, event_edits) take
a session so that several can share one transaction. A screen's worker thread
wants one edit, all or nothing, and no session in its hands: these are those
doors. A refusal (ReviewRefused, EditConflict, …) rolls the transaction back and
reaches the caller unchanged.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlmodel import Session

from irdesk.domain.classification import EffectiveImpact
from irdesk.domain.enums import RunbookOutcome
from irdesk.domain.models import Incident, TimelineEvent, stored_id
from irdesk.domain.runbooks import StepFact
from irdesk.storage.database import Database
from irdesk.storage.reads.packet_data import find_incident
from irdesk.storage.records import (
    action_items,
    classifications,
    event_edits,
    feedback,
    finding_factors,
    finding_tags,
    findings,
    incident_roles,
    problems,
    reviews,
    runbooks,
)
from irdesk.storage.records.classifications import Classified
from irdesk.storage.records.event_edits import Corrected, EventState
from irdesk.storage.sealing import Keyring

P = ParamSpec("P")
T = TypeVar("T")


def in_transaction(
    edit: Callable[Concatenate[Session, P], T],
) -> Callable[Concatenate[Database, P], T]:
    """`edit`, taking the Database instead of a session: one transaction per call."""

    def run(db: Database, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with db.transaction() as session:
            return edit(session, *args, **kwargs)

    run.__name__ = edit.__name__
    run.__doc__ = edit.__doc__
    return run


# ------------------------------------------------------------------ a review

create_review = in_transaction(reviews.create_review)
set_summary = in_transaction(reviews.set_summary)
set_tier = in_transaction(reviews.set_tier)
set_facilitator = in_transaction(reviews.set_facilitator)
set_due_on = in_transaction(reviews.set_due_on)
set_attendees = in_transaction(reviews.set_attendees)
set_status = in_transaction(reviews.set_status)

# ------------------------------------------------------------- its findings

add_finding = in_transaction(findings.add_finding)
set_finding_text = in_transaction(findings.set_text)
set_finding_category = in_transaction(findings.set_category)
move_finding = in_transaction(findings.move_finding)
set_finding_events = in_transaction(findings.set_events)
delete_finding = in_transaction(findings.delete_finding)
restore_finding = in_transaction(findings.restore_finding)

# --------------------------------------------------------- its action items

add_action = in_transaction(action_items.add_action)
set_action_owner = in_transaction(action_items.set_owner)
set_action_findings = in_transaction(action_items.set_findings)
delete_action = in_transaction(action_items.delete_action)
restore_action = in_transaction(action_items.restore_action)


def edit_action(db: Database, action_id: int, revision: int, *, actor: str, **changes: Any) -> int:
    """`action_items.edit_action`; spelled out, as its keyword fields could be named anything."""
    with db.transaction() as session:
        return action_items.edit_action(session, action_id, revision, actor=actor, **changes)


# ---------------------------------------------------------- feedback notes

add_note = in_transaction(feedback.add_note)
edit_note = in_transaction(feedback.edit_note)
delete_note = in_transaction(feedback.delete_note)
restore_note = in_transaction(feedback.restore_note)
share_note = in_transaction(feedback.share_note)
publish_reader = in_transaction(feedback.publish_reader)
remove_reader = in_transaction(feedback.remove_reader)
unshare_note = in_transaction(feedback.unshare_note)
change_note_readers = in_transaction(feedback.change_readers)
set_recovery = in_transaction(feedback.set_recovery)


def seal_pending_notes(db: Database, *, actor: str, keyring: Keyring) -> int:
    """Seal an upgraded file's plain-text notes to `keyring`, then scrub what they left.

    Publishes the keyring's public key first, so a reader who unlocks is one others
    can name, whether or not any note was waiting.

    The scrub runs after the commit: VACUUM cannot run inside a transaction, and until
    the commit the old rows are still the file's content.
    """
    with db.transaction() as session:
        sealed = feedback.seal_pending(session, actor=actor, keyring=keyring)
    if sealed:
        db.scrub()
    return sealed


def reencrypt_backup(copy: Path, *, actor: str, keyring: Keyring) -> int:
    """Upgrade a backup copy that holds notes in plain text and seal them to `keyring`.

    The upgrade's own backup of the copy holds the same plain text: it is deleted.
    Returns how many notes were sealed.
    """
    from irdesk.storage.database import open_database

    database = open_database(copy, create=False)
    try:
        sealed = seal_pending_notes(database, actor=actor, keyring=keyring)
    finally:
        database.close()
    if database.backup_made is not None:
        database.backup_made.unlink(missing_ok=True)
    return sealed


# ------------------------------------------------- incident classification

classify = in_transaction(classifications.classify)
restore_classifications = in_transaction(classifications.restore)


def classify_named(
    db: Database,
    names: Sequence[str],
    changes: Mapping[str, Any],
    *,
    clear: Sequence[str] = (),
    actor: str,
) -> list[Classified]:
    """`classifications.classify` for incidents as people name them (INC-1022,
    pagerduty:PXXXX, 12728), at their revision now: the command line's door.
    LookupError naming the first name that finds no incident; nothing is written then."""
    with db.transaction() as session:
        targets = []
        for name in names:
            incident_id = find_incident(session, name)
            targets.append(
                (incident_id, classifications.classification_of(session, incident_id)[1])
            )
        return classifications.classify(session, targets, changes, clear=clear, actor=actor)


def read_classifications(db: Database, names: Sequence[str]) -> list[tuple[str, EffectiveImpact]]:
    """(SOURCE:ID, the values that count) of each incident named, for showing them."""
    with db.session() as session:
        found = []
        for name in names:
            incident = session.get(Incident, find_incident(session, name))
            assert incident is not None  # just found
            found.append(
                (
                    f"{incident.source}:{incident.external_id}",
                    classifications.effective_of(session, incident),
                )
            )
        return found


# ---------------------------------------------------------------- timeline

add_event = in_transaction(event_edits.add_event)
remove_added_event = in_transaction(event_edits.remove_added_event)
restore_event = in_transaction(event_edits.restore_event)
set_key_moment = in_transaction(event_edits.set_key_moment)
lifecycle_from_event = in_transaction(event_edits.lifecycle_from_event)
restore_lifecycle = in_transaction(event_edits.restore_lifecycle)
redo_lifecycle = in_transaction(event_edits.redo_lifecycle)


def correct_event(
    db: Database,
    event_id: int,
    *,
    revision: int,
    reason: str,
    actor: str,
    occurred_at: datetime | None = None,
    text: str | None = None,
) -> tuple[Corrected, EventState]:
    """`event_edits.correct_event`, handing back the event's state after it too: what a
    redo after an undo puts back."""
    with db.transaction() as session:
        done = event_edits.correct_event(
            session,
            event_id,
            revision=revision,
            reason=reason,
            actor=actor,
            occurred_at=occurred_at,
            text=text,
        )
        stored = session.get(TimelineEvent, event_id)
        assert stored is not None  # corrected in this very transaction
        return done, EventState.of(stored)


# ------------------------------------------------------------------ roles and tags

set_typed_role = in_transaction(incident_roles.set_typed_role)
set_finding_tag = in_transaction(finding_tags.set_finding_tag)
set_finding_factors = in_transaction(finding_factors.set_finding_factors)


def set_roles_named(
    db: Database, name: str, assignments: Sequence[tuple[str, str]], *, actor: str
) -> tuple[int, list[incident_roles.RoleSet]]:
    """Type each (person, role) for the incident as people name them ('none' clears),
    at the typed rows' revisions now: the command line's door. All or nothing."""
    with db.transaction() as session:
        incident_id = find_incident(session, name)
        done = []
        for person_text, role_text in assignments:
            person = incident_roles.find_person(session, person_text)
            person_id = stored_id(person.id)
            role = (
                None
                if role_text.strip().lower() in ("none", "")
                else incident_roles.parse_role(role_text)
            )
            revision = incident_roles.typed_revision(session, incident_id, person_id)
            done.append(
                incident_roles.set_typed_role(
                    session, incident_id, person_id, role, revision, actor=actor
                )
            )
        return incident_id, done


def read_roles_named(db: Database, name: str) -> tuple[str, list[incident_roles.RoleRow]]:
    """(SOURCE:ID, its roles) of the incident as people name it."""
    with db.session() as session:
        incident_id = find_incident(session, name)
        incident = session.get(Incident, incident_id)
        assert incident is not None  # just found
        label = f"{incident.source}:{incident.external_id}"
        return label, incident_roles.roles_of(session, incident_id)


# ------------------------------------------------------------------ runbooks

record_runbook_step = in_transaction(runbooks.record_step)


def save_runbooks(
    db: Database, drafts: Sequence[tuple[str, str, Sequence[str], str | None]], *, actor: str
) -> list[runbooks.SavedRunbook]:
    """Save each (service, title, steps, source) runbook: all of them, or none."""
    with db.transaction() as session:
        return [
            runbooks.save_runbook(
                session, service=service, title=title, steps=steps, source=source, actor=actor
            )
            for service, title, steps, source in drafts
        ]


def read_incident_steps(
    db: Database, incident_id: int
) -> tuple[str | None, list[runbooks.StepRow]]:
    """The runbook that applies to the incident (its title; None if none) and its steps."""
    with db.session() as session:
        return runbooks.incident_steps(session, incident_id)


def read_steps_named(db: Database, name: str) -> tuple[int, str | None, list[runbooks.StepRow]]:
    """(incident id, runbook title or None, steps) of the incident as people name it."""
    with db.session() as session:
        incident_id = find_incident(session, name)
        title, steps = runbooks.incident_steps(session, incident_id)
        return incident_id, title, steps


def read_step_facts(db: Database, start: datetime, end: datetime) -> list[StepFact]:
    """Every runbook step of incidents started in [start, end), for adherence figures."""
    with db.session() as session:
        return runbooks.step_facts(session, start, end)


def record_step_named(
    db: Database,
    name: str,
    position: int,
    *,
    outcome: RunbookOutcome | None,
    event_id: int | None,
    person: str | None,
    reason: str | None,
    actor: str,
) -> tuple[int, runbooks.StepRow]:
    """Record what became of step `position` of the incident as people name it, at the
    record's revision now: the command line's door. (incident id, the step now)."""
    with db.transaction() as session:
        incident_id = find_incident(session, name)
        title, steps = runbooks.incident_steps(session, incident_id)
        if title is None:
            raise runbooks.RunbookRefused(f"no runbook applies to {name}'s service")
        step = next((s for s in steps if s.position == position), None)
        if step is None:
            raise runbooks.RunbookRefused(
                f"the runbook {title!r} has steps 1 to {len(steps)}, not {position}"
            )
        person_id = stored_id(incident_roles.find_person(session, person).id) if person else None
        runbooks.record_step(
            session,
            incident_id,
            step.step_id,
            step.revision,
            outcome=outcome,
            event_id=event_id,
            person_id=person_id,
            justified=reason is not None,
            reason=reason,
            actor=actor,
        )
        _, after = runbooks.incident_steps(session, incident_id)
        return incident_id, next(s for s in after if s.step_id == step.step_id)


# ------------------------------------------------------------------ problems


def create_problem_named(
    db: Database, name: str, *, accountable_team: str, title: str | None, actor: str
) -> problems.ProblemView:
    """A problem from the recurrence group of the incident as people name it, under the
    current policy's recurrence rules: the command line's door."""
    with db.session() as session:
        incident_id = find_incident(session, name)
    return create_problem(
        db, incident_id, accountable_team=accountable_team, title=title, actor=actor
    )


def create_problem(
    db: Database, incident_id: int, *, accountable_team: str, title: str | None, actor: str
) -> problems.ProblemView:
    """A problem from the recurrence group of the incident, under the current policy."""
    from irdesk.domain.utc import utc_now
    from irdesk.storage.records.policies import current_policy_in

    with db.transaction() as session:
        problem_id = problems.create_problem(
            session,
            incident_id,
            accountable_team=accountable_team,
            title=title,
            policy=current_policy_in(session).policy,
            actor=actor,
        )
        return problems.problem_view(session, problem_id, utc_now())


def read_problems(db: Database, now: datetime) -> list[problems.ProblemView]:
    """Every problem with its incidents, open actions and figure as of `now`."""
    with db.session() as session:
        return problems.list_problems(session, now)
