"""Action items of a review: remediation with an owner, a due date, a status and a key.

An owner is a person or a team, never both (the schema's `action_single_owner`).
Field edits are compare-and-set on the item's revision and audited; an item
marked done records when, and loses that date if reopened.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from irdesk.domain.enums import ActionStatus, ReviewStatus
from irdesk.domain.models import (
    ActionFindingLink,
    ActionItem,
    ActionItemChange,
    Finding,
    Person,
    Review,
    Team,
    stored_id,
)
from irdesk.domain.utc import utc_now
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.reviews import EDITABLE
from irdesk.storage.records.revisions import audited_edit, current_row

OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
FIELDS = ("title", "description", "due_on", "status", "external_key")
EXTERNAL_KEY_MAX = 200


@dataclass(frozen=True)
class ActionChangeRow:
    """One change a ticket made to an action item, as the history shows it."""

    action_id: int
    field: str
    before: str | None
    after: str | None
    ticket: str
    changed_by: str | None
    changed_at: datetime | None
    recorded_by: str
    recorded_at: datetime
    file: str | None


@dataclass(frozen=True)
class ActionRow:
    id: int
    review_id: int
    title: str
    owner_person_id: int | None
    owner_team_id: int | None
    owner_name: str | None
    due_on: date | None
    status: ActionStatus
    external_key: str | None
    completed_at: datetime | None
    revision: int
    finding_ids: tuple[int, ...]
    # What its ticket changed, oldest first (see storage.bulk.action_tickets).
    ticket_changes: tuple[ActionChangeRow, ...] = ()

    def is_overdue(self, today: date) -> bool:
        return self.status in OPEN_STATUSES and self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class DeletedAction:
    row: ActionRow
    description: str | None


class ActionRefused(EditRefused):
    """Input the record cannot take; nothing was written."""


def _require_review(session: Session, review_id: int, *, adding: bool) -> None:
    """Items are added and removed while the review is open; their follow-through (status,
    owner, dates) is tracked after approval too, until the review is archived."""
    review = session.get(Review, review_id)
    if review is None:
        raise LookupError(f"review {review_id} does not exist")
    session.refresh(review)
    if adding and review.status not in EDITABLE:
        raise ActionRefused(
            f"the review is {review.status.value.replace('_', ' ')}; reopen it to add or "
            "remove action items"
        )
    if review.status == ReviewStatus.ARCHIVED:
        raise ActionRefused("the review is archived; its action items no longer change")


def _item(session: Session, action_id: int) -> ActionItem:
    return current_row(session, ActionItem, action_id)


def _row(session: Session, item: ActionItem) -> ActionRow:
    assert item.id is not None
    owner: str | None = None
    if item.owner_person_id is not None:
        person = session.get(Person, item.owner_person_id)
        owner = person.name if person else None
    elif item.owner_team_id is not None:
        team = session.get(Team, item.owner_team_id)
        owner = f"{team.name} (team)" if team else None
    findings = session.exec(
        select(ActionFindingLink.finding_id)
        .where(ActionFindingLink.action_id == item.id)
        .order_by(col(ActionFindingLink.finding_id))
    ).all()
    return ActionRow(
        id=item.id,
        review_id=item.review_id,
        title=item.title,
        owner_person_id=item.owner_person_id,
        owner_team_id=item.owner_team_id,
        owner_name=owner,
        due_on=item.due_on,
        status=item.status,
        external_key=item.external_key,
        completed_at=item.completed_at,
        revision=item.revision,
        finding_ids=tuple(findings),
        ticket_changes=tuple(ticket_changes(session, item.id)),
    )


def list_actions(session: Session, review_id: int) -> list[ActionRow]:
    items = session.exec(
        select(ActionItem).where(ActionItem.review_id == review_id).order_by(col(ActionItem.id))
    ).all()
    return [_row(session, item) for item in items]


def get_action(session: Session, action_id: int) -> ActionRow:
    return _row(session, _item(session, action_id))


def add_action(
    session: Session,
    review_id: int,
    *,
    actor: str,
    title: str = "",
    due_on: date | None = None,
    finding_ids: tuple[int, ...] = (),
) -> ActionRow:
    _require_review(session, review_id, adding=True)
    item = ActionItem(review_id=review_id, title=title, due_on=due_on)
    session.add(item)
    session.flush()
    assert item.id is not None
    session.add_all([ActionFindingLink(action_id=item.id, finding_id=f) for f in finding_ids])
    append_entry(
        session,
        actor=actor,
        action="add_action_item",
        entity="action_item",
        entity_id=item.id,
        detail={"review_id": review_id, "title": title, "finding_ids": list(finding_ids)},
    )
    session.flush()
    return _row(session, item)


def _clean_key(key: object) -> str | None:
    if key is None:
        return None
    text = str(key).strip()
    if len(text) > EXTERNAL_KEY_MAX:
        raise ActionRefused(f"the external key is longer than {EXTERNAL_KEY_MAX} characters")
    if any(ch.isspace() for ch in text):
        raise ActionRefused(f"an external key has no spaces (e.g. OPS-123), not {text!r}")
    return text or None


def edit_action(
    session: Session, action_id: int, revision: int, *, actor: str, **changes: Any
) -> int:
    """Change fields of FIELDS; status done stamps `completed_at`, reopening clears it."""
    if unknown := set(changes) - set(FIELDS):
        raise ActionRefused(f"not a field of an action item: {', '.join(sorted(unknown))}")
    _require_review(session, _item(session, action_id).review_id, adding=False)
    values = dict(changes)
    if "external_key" in values:
        values["external_key"] = _clean_key(values["external_key"])
    if "status" in values:
        status = ActionStatus(values["status"])
        values["status"] = status
        values["completed_at"] = utc_now() if status == ActionStatus.DONE else None
    return audited_edit(
        session,
        ActionItem,
        action_id,
        revision,
        values,
        actor=actor,
        action="edit_action_item",
        detail={k: _plain(v) for k, v in values.items()},
        stamp=False,
    )


def _plain(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def set_owner(
    session: Session,
    action_id: int,
    revision: int,
    *,
    person_id: int | None = None,
    team_id: int | None = None,
    actor: str,
) -> int:
    if person_id is not None and team_id is not None:
        raise ActionRefused("an action item is owned by a person or a team, not both")
    if person_id is not None and session.get(Person, person_id) is None:
        raise ActionRefused(f"person {person_id} does not exist")
    if team_id is not None and session.get(Team, team_id) is None:
        raise ActionRefused(f"team {team_id} does not exist")
    _require_review(session, _item(session, action_id).review_id, adding=False)
    values = {"owner_person_id": person_id, "owner_team_id": team_id}
    return audited_edit(
        session,
        ActionItem,
        action_id,
        revision,
        values,
        actor=actor,
        action="edit_action_item",
        # "field" reaches others' windows (a team database's notification): the Person
        # window reads again for an owner change, which may make an item its person's.
        detail={**values, "field": "owner"},
        stamp=False,
    )


def set_findings(session: Session, action_id: int, finding_ids: list[int], *, actor: str) -> None:
    """The findings this action item addresses; they must belong to the same review."""
    item = _item(session, action_id)
    _require_review(session, item.review_id, adding=False)
    chosen = sorted(set(finding_ids))
    same_review = set(
        session.exec(
            select(Finding.id).where(
                col(Finding.id).in_(chosen), Finding.review_id == item.review_id
            )
        ).all()
    )
    if missing := [f for f in chosen if f not in same_review]:
        raise ActionRefused(f"not a finding of this review: {', '.join(map(str, missing))}")
    session.execute(delete(ActionFindingLink).where(col(ActionFindingLink.action_id) == action_id))
    session.add_all([ActionFindingLink(action_id=action_id, finding_id=f) for f in chosen])
    append_entry(
        session,
        actor=actor,
        action="link_action_findings",
        entity="action_item",
        entity_id=action_id,
        detail={"finding_ids": chosen},
    )
    session.flush()


def delete_action(session: Session, action_id: int, *, actor: str) -> DeletedAction:
    item = _item(session, action_id)
    _require_review(session, item.review_id, adding=True)
    row = _row(session, item)
    description = item.description
    session.delete(item)
    append_entry(
        session,
        actor=actor,
        action="delete_action_item",
        entity="action_item",
        entity_id=action_id,
        detail={"title": row.title},
    )
    session.flush()
    return DeletedAction(row=row, description=description)


def restore_action(session: Session, deleted: DeletedAction, *, actor: str) -> ActionRow:
    row = deleted.row
    _require_review(session, row.review_id, adding=True)
    # The same id when it is still free, so earlier undo steps that name it still apply.
    item = ActionItem(
        id=row.id if session.get(ActionItem, row.id) is None else None,
        review_id=row.review_id,
        title=row.title,
        description=deleted.description,
        owner_person_id=row.owner_person_id,
        owner_team_id=row.owner_team_id,
        due_on=row.due_on,
        status=row.status,
        external_key=row.external_key,
        completed_at=row.completed_at,
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    findings = session.exec(select(Finding.id).where(col(Finding.id).in_(row.finding_ids))).all()
    session.add_all(
        [ActionFindingLink(action_id=item.id, finding_id=stored_id(f)) for f in findings]
    )
    append_entry(
        session,
        actor=actor,
        action="restore_action_item",
        entity="action_item",
        entity_id=item.id,
        detail={"was": row.id, "title": row.title},
    )
    session.flush()
    return _row(session, item)


def ticket_changes(session: Session, action_id: int) -> list[ActionChangeRow]:
    """The changes tickets made to one action item, oldest first."""
    rows = session.exec(
        select(ActionItemChange)
        .where(ActionItemChange.action_id == action_id)
        .order_by(col(ActionItemChange.id))
    ).all()
    return [
        ActionChangeRow(
            action_id=row.action_id,
            field=row.field,
            before=row.before,
            after=row.after,
            ticket=row.ticket,
            changed_by=row.changed_by,
            changed_at=row.changed_at,
            recorded_by=row.recorded_by,
            recorded_at=row.recorded_at,
            file=row.file,
        )
        for row in rows
    ]
