"""Findings of a review: blameless statements by category, linked to timeline events.

Text and category edits are compare-and-set on the finding's revision; moves,
links, deletes and restores (undo of a delete) are structural and audited too.
"""

from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from irdesk.domain.enums import FindingCategory
from irdesk.domain.models import (
    ActionFindingLink,
    ActionItem,
    Finding,
    FindingEventLink,
    Review,
    TimelineEvent,
    stored_id,
)
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.reviews import EDITABLE, ReviewRefused
from irdesk.storage.records.revisions import audited_edit, current_row

# The order categories are shown in.
CATEGORY_ORDER = (
    FindingCategory.CONTRIBUTING_FACTOR,
    FindingCategory.WENT_WELL,
    FindingCategory.LUCKY,
    FindingCategory.OPEN_QUESTION,
)


@dataclass(frozen=True)
class FindingRow:
    id: int
    review_id: int
    category: FindingCategory
    text: str
    position: int
    revision: int
    event_ids: tuple[int, ...]


@dataclass(frozen=True)
class DeletedFinding:
    """What a delete removed, so that undo can put it back with its links."""

    row: FindingRow
    action_ids: tuple[int, ...]


def _row(session: Session, finding: Finding) -> FindingRow:
    assert finding.id is not None
    events = session.exec(
        select(FindingEventLink.event_id)
        .where(FindingEventLink.finding_id == finding.id)
        .order_by(col(FindingEventLink.event_id))
    ).all()
    return FindingRow(
        id=finding.id,
        review_id=finding.review_id,
        category=finding.category,
        text=finding.text,
        position=finding.position,
        revision=finding.revision,
        event_ids=tuple(events),
    )


def _finding(session: Session, finding_id: int) -> Finding:
    return current_row(session, Finding, finding_id)


def _require_open_review(session: Session, review_id: int) -> None:
    """Findings are the review's content: fixed once it is approved (Reopen to change them)."""
    review = session.get(Review, review_id)
    if review is None:
        raise LookupError(f"review {review_id} does not exist")
    session.refresh(review)
    if review.status not in EDITABLE:
        raise ReviewRefused(
            f"the review is {review.status.value.replace('_', ' ')}; its findings can no longer "
            "change (reopen it first)"
        )


def display_key(row: FindingRow) -> tuple[int, int, int]:
    return (CATEGORY_ORDER.index(row.category), row.position, row.id)


def list_findings(session: Session, review_id: int) -> list[FindingRow]:
    """By category, then in the order the facilitator put them."""
    findings = session.exec(select(Finding).where(Finding.review_id == review_id)).all()
    return sorted((_row(session, f) for f in findings), key=display_key)


def get_finding(session: Session, finding_id: int) -> FindingRow:
    return _row(session, _finding(session, finding_id))


def add_finding(
    session: Session,
    review_id: int,
    category: FindingCategory,
    *,
    actor: str,
    text: str = "",
) -> FindingRow:
    _require_open_review(session, review_id)
    last = session.exec(
        select(func.max(Finding.position)).where(Finding.review_id == review_id)
    ).one()
    finding = Finding(
        review_id=review_id,
        category=FindingCategory(category),
        text=text,
        position=(last if last is not None else -1) + 1,
    )
    session.add(finding)
    session.flush()
    append_entry(
        session,
        actor=actor,
        action="add_finding",
        entity="finding",
        entity_id=finding.id,
        detail={"review_id": review_id, "category": finding.category.value, "text": text},
    )
    return _row(session, finding)


def set_text(session: Session, finding_id: int, revision: int, text: str, *, actor: str) -> int:
    _require_open_review(session, _finding(session, finding_id).review_id)
    return audited_edit(
        session,
        Finding,
        finding_id,
        revision,
        {"text": text},
        actor=actor,
        action="edit_finding",
        detail={"text": text},
    )


def set_category(
    session: Session, finding_id: int, revision: int, category: FindingCategory, *, actor: str
) -> int:
    category = FindingCategory(category)
    review_id = _finding(session, finding_id).review_id
    _require_open_review(session, review_id)
    last = session.exec(
        select(func.max(Finding.position)).where(Finding.review_id == review_id)
    ).one()
    # A finding moved to another category goes to its end.
    return audited_edit(
        session,
        Finding,
        finding_id,
        revision,
        {"category": category, "position": (last or 0) + 1},
        actor=actor,
        action="edit_finding",
        detail={"category": category.value},
    )


def move_finding(session: Session, finding_id: int, step: int, *, actor: str) -> bool:
    """Swap with the neighbour `step` (-1 up, +1 down) within its category; False at an end."""
    finding = _finding(session, finding_id)
    _require_open_review(session, finding.review_id)
    same = [
        row for row in list_findings(session, finding.review_id) if row.category == finding.category
    ]
    index = next(i for i, row in enumerate(same) if row.id == finding_id)
    other_index = index + step
    if not 0 <= other_index < len(same):
        return False
    # Positions may tie (or be sparse); renumber the category, then swap the two.
    order = [row.id for row in same]
    order[index], order[other_index] = order[other_index], order[index]
    base = min(row.position for row in same)
    for offset, row_id in enumerate(order):
        row = session.get(Finding, row_id)
        assert row is not None
        row.position = base + offset
        session.add(row)
    append_entry(
        session,
        actor=actor,
        action="move_finding",
        entity="finding",
        entity_id=finding_id,
        detail={"step": step, "order": order},
    )
    session.flush()
    return True


def set_events(session: Session, finding_id: int, event_ids: list[int], *, actor: str) -> None:
    """Link the finding to exactly these timeline events."""
    finding = _finding(session, finding_id)
    _require_open_review(session, finding.review_id)
    chosen = sorted(set(event_ids))
    known = set(
        session.exec(select(TimelineEvent.id).where(col(TimelineEvent.id).in_(chosen))).all()
    )
    if missing := [e for e in chosen if e not in known]:
        raise LookupError(f"no such timeline event: {', '.join(map(str, missing))}")
    session.execute(delete(FindingEventLink).where(col(FindingEventLink.finding_id) == finding_id))
    session.add_all([FindingEventLink(finding_id=finding_id, event_id=e) for e in chosen])
    append_entry(
        session,
        actor=actor,
        action="link_finding_events",
        entity="finding",
        entity_id=finding.id,
        detail={"event_ids": chosen},
    )
    session.flush()


def delete_finding(session: Session, finding_id: int, *, actor: str) -> DeletedFinding:
    finding = _finding(session, finding_id)
    _require_open_review(session, finding.review_id)
    row = _row(session, finding)
    actions = session.exec(
        select(ActionFindingLink.action_id).where(ActionFindingLink.finding_id == finding_id)
    ).all()
    session.delete(finding)
    append_entry(
        session,
        actor=actor,
        action="delete_finding",
        entity="finding",
        entity_id=finding_id,
        detail={"category": row.category.value, "text": row.text},
    )
    session.flush()
    return DeletedFinding(row=row, action_ids=tuple(actions))


def restore_finding(session: Session, deleted: DeletedFinding, *, actor: str) -> FindingRow:
    """Undo a delete: the finding comes back with the links that still can."""
    row = deleted.row
    _require_open_review(session, row.review_id)
    # The same id when it is still free, so earlier undo steps that name it still apply.
    finding = Finding(
        id=row.id if session.get(Finding, row.id) is None else None,
        review_id=row.review_id,
        category=row.category,
        text=row.text,
        position=row.position,
    )
    session.add(finding)
    session.flush()
    assert finding.id is not None
    events = session.exec(
        select(TimelineEvent.id).where(col(TimelineEvent.id).in_(row.event_ids))
    ).all()
    actions = session.exec(
        select(ActionItem.id).where(col(ActionItem.id).in_(deleted.action_ids))
    ).all()
    session.add_all(
        [FindingEventLink(finding_id=finding.id, event_id=stored_id(e)) for e in events]
    )
    session.add_all(
        [ActionFindingLink(action_id=stored_id(a), finding_id=finding.id) for a in actions]
    )
    append_entry(
        session,
        actor=actor,
        action="restore_finding",
        entity="finding",
        entity_id=finding.id,
        detail={"was": row.id, "category": row.category.value, "text": row.text},
    )
    session.flush()
    return _row(session, finding)
