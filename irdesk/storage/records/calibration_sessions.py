"""Calibration sessions as recorded: who came, what was discussed and decided, and the
policy version the session led to. Written and changed compare-and-set on the row's
revision (0: a new session), each change audited under `calibration_session`; a
session recorded by mistake is withdrawn the same way (the window's undo).
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from irdesk.domain.calibration import SessionRecord
from irdesk.domain.models import CalibrationSession, PolicyVersion, stored_id
from irdesk.storage.database import Database
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.revisions import ConflictWording, compare_and_set, current_row

WORDING = ConflictWording(
    changed="calibration session {id} was changed elsewhere (another window?)",
    deleted="calibration session {id} was deleted elsewhere",
)


class CalibrationRefused(EditRefused):
    """A session the record does not take; the message says why."""


@dataclass(frozen=True)
class SessionDraft:
    held_on: date
    period_from: date
    period_to: date
    attendees: tuple[str, ...]
    discussed: str
    decisions: str
    policy_version: int | None  # the version number it led to


def _record(session: Session, row: CalibrationSession) -> SessionRecord:
    version = session.get(PolicyVersion, row.policy_version_id) if row.policy_version_id else None
    return SessionRecord(
        id=stored_id(row.id),
        held_on=row.held_on,
        period_from=row.period_from,
        period_to=row.period_to,
        attendees=tuple(n for n in row.attendees.splitlines() if n.strip()),
        discussed=row.discussed,
        decisions=row.decisions,
        policy_version=version.version if version else None,
        policy_note=version.note if version else None,
        recorded_by=row.recorded_by,
        revision=row.revision,
    )


def sessions_in(session: Session, first: date, last: date) -> list[SessionRecord]:
    """Sessions whose period overlaps [first, last], latest held first."""
    rows = session.exec(
        select(CalibrationSession)
        .where(CalibrationSession.period_from <= last, CalibrationSession.period_to >= first)
        .order_by(col(CalibrationSession.held_on).desc(), col(CalibrationSession.id).desc())
    )
    return [_record(session, r) for r in rows]


def read_sessions(database: Database, first: date, last: date) -> list[SessionRecord]:
    with database.session() as session:
        return sessions_in(session, first, last)


def _version_id(session: Session, number: int | None) -> int | None:
    if number is None:
        return None
    found = session.exec(select(PolicyVersion.id).where(PolicyVersion.version == number)).first()
    if found is None:
        raise CalibrationRefused(f"there is no policy version {number} to link the session to.")
    return found


def save_session(
    session: Session, session_id: int | None, revision: int, draft: SessionDraft, *, actor: str
) -> SessionRecord:
    """Write a new session (`session_id` None) or change one still at `revision`."""
    if draft.period_from > draft.period_to:
        raise CalibrationRefused("the period must start on or before the day it ends.")
    names = [n.strip() for n in draft.attendees if n.strip()]
    if not names:
        raise CalibrationRefused("a session needs at least one attendee.")
    values = {
        "held_on": draft.held_on,
        "period_from": draft.period_from,
        "period_to": draft.period_to,
        "attendees": "\n".join(names),
        "discussed": draft.discussed.strip(),
        "decisions": draft.decisions.strip(),
        "policy_version_id": _version_id(session, draft.policy_version),
        "recorded_by": actor,
    }
    if session_id is None:
        row = CalibrationSession(revision=1, **values)  # type: ignore[arg-type]
        session.add(row)
        session.flush()
        session_id = stored_id(row.id)
        action = "record_calibration"
    else:
        compare_and_set(session, CalibrationSession, session_id, revision, values, wording=WORDING)
        action = "edit_calibration"
    detail = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
    detail["policy_version"] = draft.policy_version
    append_entry(
        session,
        actor=actor,
        action=action,
        entity="calibration_session",
        entity_id=session_id,
        detail=detail,
    )
    saved = session.get(CalibrationSession, session_id, populate_existing=True)
    assert saved is not None
    return _record(session, saved)


def record_session(
    database: Database, session_id: int | None, revision: int, draft: SessionDraft, *, actor: str
) -> SessionRecord:
    with database.transaction() as session:
        return save_session(session, session_id, revision, draft, actor=actor)


def withdraw_session(
    database: Database, session_id: int, revision: int, *, actor: str
) -> SessionDraft:
    """Take back a session recorded by mistake (undo), if still at `revision`; what it
    held, so a redo records it again. Audited."""
    with database.transaction() as session:
        row = current_row(session, CalibrationSession, session_id, wording=WORDING)
        if row.revision != revision:
            raise WORDING.conflict("calibration_session", session_id, deleted=False)
        record = _record(session, row)
        session.delete(row)
        session.flush()
        append_entry(
            session,
            actor=actor,
            action="withdraw_calibration",
            entity="calibration_session",
            entity_id=session_id,
            detail={"held_on": record.held_on.isoformat(), "revision": revision},
        )
    return SessionDraft(
        held_on=record.held_on,
        period_from=record.period_from,
        period_to=record.period_to,
        attendees=record.attendees,
        discussed=record.discussed,
        decisions=record.decisions,
        policy_version=record.policy_version,
    )
