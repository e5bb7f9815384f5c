"""Runbooks and their steps, and what became of each step in an incident.

Saving a runbook again (a re-import of its file, or steps typed in) keeps the steps
whose text is unchanged, by their text, so what was recorded against them stays;
a step no longer in the runbook is deleted when nothing was recorded against it and
retired otherwise. A step's record in an incident is one row, compare-and-set on its
revision and audited: followed (by a timeline event, whose actor is the person unless
someone else is named), skipped or deviated from, justified with a reason or not.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from irdesk.domain.enums import RunbookOutcome
from irdesk.domain.models import (
    Incident,
    Person,
    Runbook,
    RunbookStep,
    RunbookStepRecord,
    Service,
    Team,
    TimelineEvent,
    stored_id,
)
from irdesk.domain.runbooks import StepFact
from irdesk.domain.utc import utc_now
from irdesk.storage.errors import EditConflict, EditRefused
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.merges import label_of
from irdesk.storage.records.revisions import audited_edit

REASON_MAX = 2000


class RunbookRefused(EditRefused):
    """A runbook or step record irdesk cannot take; nothing was written."""


@dataclass(frozen=True)
class SavedRunbook:
    service: str
    title: str
    steps: int
    added: int
    kept: int
    retired: int
    removed: int


@dataclass(frozen=True)
class StepRow:
    """One step of the runbook that applies to an incident, with what became of it."""

    step_id: int
    position: int
    text: str
    outcome: RunbookOutcome | None
    event_id: int | None
    person_id: int | None
    person: str | None
    justified: bool
    reason: str | None
    revision: int  # of the step's record; 0 while none exists


def save_runbook(
    session: Session,
    *,
    service: str,
    title: str,
    steps: Sequence[str],
    source: str | None,
    actor: str,
) -> SavedRunbook:
    """Create or replace the runbook of `service` (named without regard to case)."""
    service = service.strip()
    texts = [" ".join(step.split()) for step in steps]
    if not service:
        raise RunbookRefused("a runbook names its service")
    if not any(texts):
        raise RunbookRefused(f"the runbook of {service} has no steps")
    book = session.exec(
        select(Runbook).where(func.lower(Runbook.service_name) == service.lower())
    ).first()
    if book is None:
        book = Runbook(service_name=service, title=title or service, source=source)
        session.add(book)
        session.flush()
    else:
        book.title = title or service
        book.source = source
        book.revision += 1
        book.updated_at = utc_now()
    book_id = stored_id(book.id)
    old = session.exec(select(RunbookStep).where(RunbookStep.runbook_id == book_id)).all()
    by_text: dict[str, list[RunbookStep]] = {}
    for step in sorted(old, key=lambda s: s.position):
        by_text.setdefault(step.text, []).append(step)
    kept = added = 0
    used: set[int] = set()
    # Retired steps sit after the live ones, so positions stay unique and ordered.
    position = 0
    for text in filter(None, texts):
        position += 1
        matches = by_text.get(text)
        if matches:
            step = matches.pop(0)
            step.position, step.retired = position, False
            used.add(stored_id(step.id))
            kept += 1
        else:
            session.add(RunbookStep(runbook_id=book_id, position=position, text=text))
            added += 1
    retired = removed = 0
    for step in old:
        if stored_id(step.id) in used:
            continue
        recorded = session.exec(
            select(func.count()).where(RunbookStepRecord.step_id == step.id)
        ).one()
        if recorded:
            position += 1
            step.position, step.retired = position, True
            retired += 1
        else:
            session.delete(step)
            removed += 1
    session.flush()
    append_entry(
        session,
        actor=actor,
        action="save_runbook",
        entity="runbook",
        entity_id=book_id,
        detail={"service": service, "source": source, "steps": len([t for t in texts if t])},
    )
    return SavedRunbook(service, book.title, kept + added, added, kept, retired, removed)


def _runbook_of(session: Session, incident_id: int) -> Runbook | None:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise LookupError(f"incident {incident_id} does not exist")
    service = session.get(Service, incident.service_id) if incident.service_id else None
    if service is None:
        return None
    return session.exec(
        select(Runbook).where(func.lower(Runbook.service_name) == service.name.lower())
    ).first()


def incident_steps(session: Session, incident_id: int) -> tuple[str | None, list[StepRow]]:
    """The title of the runbook for the incident's service (None: none applies) and its
    steps in order, with what became of each; retired steps only where recorded."""
    book = _runbook_of(session, incident_id)
    if book is None:
        return None, []
    steps = session.exec(
        select(RunbookStep)
        .where(RunbookStep.runbook_id == book.id)
        .order_by(col(RunbookStep.position))
    ).all()
    records = {
        r.step_id: r
        for r in session.exec(
            select(RunbookStepRecord).where(RunbookStepRecord.incident_id == incident_id)
        ).all()
    }
    rows = []
    for step in steps:
        record = records.get(stored_id(step.id))
        if step.retired and record is None:
            continue
        person = session.get(Person, record.person_id) if record and record.person_id else None
        rows.append(
            StepRow(
                step_id=stored_id(step.id),
                position=step.position,
                text=step.text,
                outcome=record.outcome if record else None,
                event_id=record.event_id if record else None,
                person_id=record.person_id if record else None,
                person=person.name if person else None,
                justified=record.justified if record else False,
                reason=record.reason if record else None,
                revision=record.revision if record else 0,
            )
        )
    return book.title, rows


def record_step(
    session: Session,
    incident_id: int,
    step_id: int,
    revision: int,
    *,
    outcome: RunbookOutcome | None,
    event_id: int | None = None,
    person_id: int | None = None,
    justified: bool = False,
    reason: str | None = None,
    actor: str,
) -> int:
    """Record (or, with outcome None, clear) what became of a step; the new revision."""
    book = _runbook_of(session, incident_id)
    step = session.get(RunbookStep, step_id)
    if book is None or step is None or step.runbook_id != book.id:
        raise RunbookRefused(f"step {step_id} is not in the runbook of this incident's service")
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > REASON_MAX:
        raise RunbookRefused(f"a reason is at most {REASON_MAX} characters")
    if outcome == RunbookOutcome.FOLLOWED and justified:
        raise RunbookRefused("a followed step needs no justification")
    if justified and reason is None:
        raise RunbookRefused("a justified skip or deviation says why (a reason)")
    if event_id is not None:
        event = session.get(TimelineEvent, event_id)
        if event is None or event.incident_id != incident_id:
            raise RunbookRefused(f"event {event_id} is not on this incident's timeline")
        if person_id is None:
            person_id = event.actor_person_id
    record = session.exec(
        select(RunbookStepRecord).where(
            RunbookStepRecord.incident_id == incident_id, RunbookStepRecord.step_id == step_id
        )
    ).first()
    detail = {
        "incident": label_of(session, incident_id),
        "step": step.text,
        "outcome": outcome.value if outcome else None,
        "event_id": event_id,
        "justified": justified,
        "reason": reason,
    }
    if record is None:
        if revision != 0:
            raise EditConflict("runbook_step_record", step_id, deleted=True)
        if outcome is None:
            return 0
        record = RunbookStepRecord(
            incident_id=incident_id,
            step_id=step_id,
            outcome=outcome,
            event_id=event_id,
            person_id=person_id,
            justified=justified,
            reason=reason,
            set_by=actor,
            # 0 stands for "no record yet", so a writer who saw none conflicts with this.
            revision=1,
        )
        session.add(record)
        session.flush()
        append_entry(
            session,
            actor=actor,
            action="record_runbook_step",
            entity="runbook_step_record",
            entity_id=record.id,
            detail=detail,
        )
        return record.revision
    if outcome is None:
        if record.revision != revision:
            raise EditConflict("runbook_step_record", stored_id(record.id))
        session.delete(record)
        append_entry(
            session,
            actor=actor,
            action="clear_runbook_step",
            entity="runbook_step_record",
            entity_id=record.id,
            detail=detail,
        )
        session.flush()
        return 0
    return audited_edit(
        session,
        RunbookStepRecord,
        stored_id(record.id),
        revision,
        {
            "outcome": outcome,
            "event_id": event_id,
            "person_id": person_id,
            "justified": justified,
            "reason": reason,
            "set_by": actor,
            "set_at": utc_now(),
        },
        actor=actor,
        action="record_runbook_step",
        detail=detail,
        stamp=False,
    )


def step_facts(session: Session, start: datetime, end: datetime) -> list[StepFact]:
    """Every step of the runbooks that applied to incidents started in [start, end), with
    what became of it (None: nothing recorded), for the adherence figures."""
    books = {
        b.service_name.lower(): b for b in session.exec(select(Runbook)).all() if b.id is not None
    }
    if not books:
        return []
    services = {
        stored_id(s.id): s.name.lower()
        for s in session.exec(select(Service)).all()
        if s.name.lower() in books
    }
    incidents = session.exec(
        select(Incident).where(
            col(Incident.service_id).in_(list(services)),
            col(Incident.started_at) >= start,
            col(Incident.started_at) < end,
        )
    ).all()
    people = {stored_id(p.id): p for p in session.exec(select(Person)).all()}
    teams = {stored_id(t.id): t.name for t in session.exec(select(Team)).all()}
    facts: list[StepFact] = []
    for incident in incidents:
        assert incident.service_id is not None
        incident_id = stored_id(incident.id)
        book = books[services[incident.service_id]]
        _, rows = incident_steps(session, incident_id)
        records = {
            r.step_id: r
            for r in session.exec(
                select(RunbookStepRecord).where(RunbookStepRecord.incident_id == incident_id)
            ).all()
        }
        for row in rows:
            record = records.get(row.step_id)
            person = people.get(record.person_id) if record and record.person_id else None
            facts.append(
                StepFact(
                    incident_id=incident_id,
                    incident=label_of(session, incident_id),
                    runbook=book.title,
                    step=row.text,
                    outcome=row.outcome,
                    justified=row.justified,
                    person=person.name if person else None,
                    team=teams.get(person.team_id) if person and person.team_id else None,
                )
            )
    return facts
