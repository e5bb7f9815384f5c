"""The edits that bring action items to their tickets (see `action_tickets`), audited.

The ordinary compare-and-set edit of an action item, made through an ORM session on
the import's own connection, so the item, its history and its audit entry commit or
roll back with the import.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from irdesk.domain.enums import ReviewStatus
from irdesk.domain.models import (
    ActionItem,
    ActionItemChange,
    ActionTicket,
    Person,
    Review,
    Team,
)
from irdesk.domain.utc import utc_now
from irdesk.storage.bulk.action_tickets import TicketUpdate
from irdesk.storage.bulk.import_transaction import ImportTransaction
from irdesk.storage.records.revisions import audited_edit


def follow_tickets(
    tx: ImportTransaction, updates: Iterable[TicketUpdate], *, actor: str
) -> list[str]:
    """Apply each ticket to its action item; a line for each item that changed."""
    lines: list[str] = []
    now = utc_now()
    # The session joins the import's transaction: the ordinary audited edit, committed or
    # rolled back with the import.
    with Session(bind=tx.conn) as session:
        for update in updates:
            line = _follow(session, update, actor=actor, now=now)
            if line:
                lines.append(line)
        session.flush()
    return lines


def _follow(session: Session, update: TicketUpdate, *, actor: str, now: datetime) -> str | None:
    item = session.get(ActionItem, update.action_id, populate_existing=True)
    review = session.get(Review, item.review_id) if item else None
    if item is None or review is None or review.status == ReviewStatus.ARCHIVED:
        return None
    seen = session.get(ActionTicket, update.action_id)
    values: dict[str, Any] = {}
    changes: list[tuple[str, str | None, str | None]] = []
    if (seen is None or seen.status != update.status) and item.status != update.status:
        values["status"] = update.status
        changes.append(("status", item.status.value, update.status.value))
    if (seen is None or seen.done_at != update.done_at) and item.completed_at != update.done_at:
        values["completed_at"] = update.done_at
        changes.append(("completed_at", _iso(item.completed_at), _iso(update.done_at)))
    assignee = update.assignee_person_id
    if (
        assignee is not None
        and (seen is None or seen.assignee_person_id != assignee)
        and item.owner_person_id != assignee
    ):
        # One owner: the ticket's assignee replaces a team owner too.
        values["owner_person_id"] = assignee
        values["owner_team_id"] = None
        changes.append(("owner", _owner_name(session, item), _person_name(session, assignee)))
    if values:
        assert item.id is not None
        audited_edit(
            session,
            ActionItem,
            item.id,
            item.revision,
            values,
            actor=actor,
            action="follow_ticket",
            detail={
                "ticket": update.ticket,
                "file": update.file,
                "changes": [list(change) for change in changes],
            },
            stamp=False,
        )
        session.add_all(
            ActionItemChange(
                action_id=item.id,
                field=name,
                before=before,
                after=after,
                ticket=update.ticket,
                changed_by=update.changed_by,
                changed_at=update.changed_at,
                recorded_by=actor,
                recorded_at=now,
                file=update.file,
            )
            for name, before, after in changes
        )
    state = (update.ticket, update.status, update.done_at, assignee)
    if seen is None or (seen.ticket, seen.status, seen.done_at, seen.assignee_person_id) != state:
        # Stamped when the ticket is first seen in this state: the same file again
        # writes nothing.
        session.merge(
            ActionTicket(
                action_id=update.action_id,
                ticket=update.ticket,
                status=update.status,
                done_at=update.done_at,
                assignee_person_id=assignee,
                seen_at=now,
            )
        )
    if not changes:
        return None
    said = "; ".join(f"{name} {before or '—'} → {after or '—'}" for name, before, after in changes)
    return f"action item {item.id} ({item.title or 'untitled'}) follows {update.ticket}: {said}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person_name(session: Session, person_id: int | None) -> str | None:
    person = session.get(Person, person_id) if person_id is not None else None
    return person.name if person else None


def _owner_name(session: Session, item: ActionItem) -> str | None:
    if item.owner_person_id is not None:
        return _person_name(session, item.owner_person_id)
    team = session.get(Team, item.owner_team_id) if item.owner_team_id is not None else None
    if team is not None:
        return f"{team.name} (team)"
    return None
