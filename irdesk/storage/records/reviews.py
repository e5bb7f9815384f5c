"""The review record of one incident: tier, facilitator, attendees, due date, summary, status.

Every write is compare-and-set on the review's `revision` (storage.revisions)
and audited in the same transaction. Approving a review whose findings or
summary still carry blameless-language flags needs an override reason, which
is stored on the review and in the audit log.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from irdesk.domain.blameless import BlameFlag, BlamelessChecker
from irdesk.domain.enums import ReviewStatus, ReviewTier
from irdesk.domain.models import AuditEntry, Finding, Incident, Person, Review, ReviewAttendee
from irdesk.domain.tiering import TieringRules, TierProposal, propose_tier
from irdesk.domain.utc import utc_now
from irdesk.storage.errors import EditRefused
from irdesk.storage.reads.tier_facts import IncidentTiering, incident_tiering
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.policies import PolicyRecord, current_policy_in
from irdesk.storage.records.revisions import audited_edit, compare_and_set, current_row

# Where a review may go from each status; "back" moves let a reviewer reopen a draft.
TRANSITIONS: dict[ReviewStatus, tuple[ReviewStatus, ...]] = {
    ReviewStatus.DRAFT: (ReviewStatus.IN_REVIEW,),
    ReviewStatus.IN_REVIEW: (ReviewStatus.APPROVED, ReviewStatus.DRAFT),
    ReviewStatus.APPROVED: (ReviewStatus.SIGNED, ReviewStatus.IN_REVIEW),
    ReviewStatus.SIGNED: (ReviewStatus.ARCHIVED,),
    ReviewStatus.ARCHIVED: (),
}
EDITABLE = (ReviewStatus.DRAFT, ReviewStatus.IN_REVIEW)


class ReviewRefused(EditRefused):
    """A change the rules do not allow; the message says which and nothing was written."""


class OpenBlameFlags(ReviewRefused):
    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(
            f"{count} blameless-language flag{'s are' if count != 1 else ' is'} still open; "
            "reword the findings, or approve with an override and say why"
        )


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    incident_id: int
    tier: ReviewTier
    tier_reason: str | None
    status: ReviewStatus
    facilitator_id: int | None
    due_on: date | None
    summary: str
    blameless_override_reason: str | None
    approved_at: datetime | None
    revision: int
    attendee_ids: tuple[int, ...]

    def is_overdue(self, today: date) -> bool:
        return self.status in EDITABLE and self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class OpenFlag:
    """A flag and where it is: a finding's id, or None for the summary."""

    finding_id: int | None
    flag: BlameFlag


def _record(session: Session, review: Review) -> ReviewRecord:
    assert review.id is not None
    attendees = session.exec(
        select(ReviewAttendee.person_id)
        .where(ReviewAttendee.review_id == review.id)
        .order_by(col(ReviewAttendee.person_id))
    ).all()
    return ReviewRecord(
        id=review.id,
        incident_id=review.incident_id,
        tier=review.tier,
        tier_reason=review.tier_reason,
        status=review.status,
        facilitator_id=review.facilitator_id,
        due_on=review.due_on,
        summary=review.summary or "",
        blameless_override_reason=review.blameless_override_reason,
        approved_at=review.approved_at,
        revision=review.revision,
        attendee_ids=tuple(attendees),
    )


def _review(session: Session, review_id: int) -> Review:
    return current_row(session, Review, review_id)


def get_review(session: Session, incident_id: int) -> ReviewRecord | None:
    review = session.exec(select(Review).where(Review.incident_id == incident_id)).first()
    return _record(session, review) if review is not None else None


def review_by_id(session: Session, review_id: int) -> ReviewRecord:
    return _record(session, _review(session, review_id))


@dataclass(frozen=True)
class TierPlan:
    """The proposal for an incident under a policy version, and how its due date is set."""

    proposal: TierProposal
    rules: TieringRules
    tiering: IncidentTiering

    def due_on(self, tier: ReviewTier, today: date) -> date:
        return self.rules.due_on(tier, self.tiering.resolved_on, today)


def tier_plan(session: Session, incident_id: int, policy: PolicyRecord | None = None) -> TierPlan:
    """The tier the policy (default: the current version) proposes for the incident."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise LookupError(f"incident {incident_id} does not exist")
    record = policy if policy is not None else current_policy_in(session)
    rules = TieringRules.from_policy(record.policy, record.version)
    tiering = incident_tiering(session, incident, record.policy)
    return TierPlan(propose_tier(tiering.facts, rules), rules, tiering)


def proposal_for(
    session: Session, incident_id: int, policy: PolicyRecord | None = None
) -> TierProposal:
    return tier_plan(session, incident_id, policy).proposal


def create_review(
    session: Session,
    incident_id: int,
    *,
    actor: str,
    policy: PolicyRecord | None = None,
    today: date | None = None,
) -> ReviewRecord:
    """Start the incident's review with the proposed tier, due the policy's deadline after
    the incident was resolved (after `today` while it is unresolved)."""
    if get_review(session, incident_id) is not None:
        raise ReviewRefused("this incident already has a review")
    plan = tier_plan(session, incident_id, policy)
    proposal = plan.proposal
    due_on = plan.due_on(proposal.tier, today or utc_now().date())
    review = Review(incident_id=incident_id, tier=proposal.tier, due_on=due_on, summary="")
    session.add(review)
    session.flush()
    append_entry(
        session,
        actor=actor,
        action="create_review",
        entity="review",
        entity_id=review.id,
        detail={
            "incident_id": incident_id,
            "tier": proposal.tier.value,
            "proposed_because": proposal.explanation,
            "due_on": due_on.isoformat(),
        },
    )
    return _record(session, review)


def _require_editable(review: Review) -> None:
    if review.status not in EDITABLE:
        raise ReviewRefused(
            f"the review is {review.status.value.replace('_', ' ')}; move it back to in review "
            "to change it"
        )


def _edit(
    session: Session, review_id: int, revision: int, values: dict[str, Any], *, actor: str
) -> int:
    review = _review(session, review_id)
    _require_editable(review)
    return audited_edit(
        session,
        Review,
        review_id,
        revision,
        values,
        actor=actor,
        action="edit_review",
        detail={k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()},
    )


def set_summary(session: Session, review_id: int, revision: int, text: str, *, actor: str) -> int:
    return _edit(session, review_id, revision, {"summary": text}, actor=actor)


def set_due_on(
    session: Session, review_id: int, revision: int, due_on: date | None, *, actor: str
) -> int:
    return _edit(session, review_id, revision, {"due_on": due_on}, actor=actor)


def set_facilitator(
    session: Session, review_id: int, revision: int, person_id: int | None, *, actor: str
) -> int:
    if person_id is not None and session.get(Person, person_id) is None:
        raise ReviewRefused(f"person {person_id} does not exist")
    return _edit(session, review_id, revision, {"facilitator_id": person_id}, actor=actor)


def due_set_by_hand(session: Session, review_id: int) -> bool:
    """Whether someone chose the due date (set_due_on), read from the review's audit trail."""
    entries = session.exec(
        select(AuditEntry.detail_json).where(
            AuditEntry.entity == "review",
            AuditEntry.entity_id == review_id,
            AuditEntry.action == "edit_review",
        )
    ).all()
    for text in entries:
        detail = json.loads(text)
        if "due_on" in detail and "tier" not in detail:  # a tier change moves it by rule
            return True
    return False


def set_tier(
    session: Session,
    review_id: int,
    revision: int,
    tier: ReviewTier,
    reason: str | None,
    *,
    actor: str,
    policy: PolicyRecord | None = None,
) -> int:
    """Choose the tier; one other than the proposal needs a reason, kept as `tier_reason`.

    A due date nobody set by hand moves to the new tier's deadline under the policy,
    counted as when the review started: from the incident's resolution, or from the day
    the review started while the incident is unresolved.
    """
    review = _review(session, review_id)
    plan = tier_plan(session, review.incident_id, policy)
    proposed = plan.proposal.tier
    reason = (reason or "").strip() or None
    if tier != proposed and reason is None:
        raise ReviewRefused(
            f"{plan.proposal.source} proposes a {proposed.value} review; say why this one is "
            f"{tier.value}"
        )
    values: dict[str, Any] = {"tier": tier, "tier_reason": reason if tier != proposed else None}
    if tier != review.tier and not due_set_by_hand(session, review_id):
        values["due_on"] = plan.due_on(tier, review.created_at.date())
    return _edit(session, review_id, revision, values, actor=actor)


def set_attendees(
    session: Session, review_id: int, revision: int, person_ids: list[int], *, actor: str
) -> int:
    review = _review(session, review_id)
    _require_editable(review)
    chosen = sorted(set(person_ids))
    known = set(session.exec(select(Person.id).where(col(Person.id).in_(chosen))).all())
    if missing := [p for p in chosen if p not in known]:
        raise ReviewRefused(f"no such person: {', '.join(map(str, missing))}")
    new_revision = compare_and_set(session, Review, review_id, revision, {})
    session.execute(delete(ReviewAttendee).where(col(ReviewAttendee.review_id) == review_id))
    session.add_all([ReviewAttendee(review_id=review_id, person_id=p) for p in chosen])
    append_entry(
        session,
        actor=actor,
        action="set_attendees",
        entity="review",
        entity_id=review_id,
        detail={"person_ids": chosen},
    )
    session.flush()
    return new_revision


def people_names(session: Session) -> list[str]:
    return list(session.exec(select(Person.name)).all())


def open_flags(session: Session, review_id: int) -> list[OpenFlag]:
    """Blameless-language flags in the review's summary and findings, as the editor shows them."""
    review = _review(session, review_id)
    checker = BlamelessChecker(people_names(session))
    found = [OpenFlag(None, flag) for flag in checker.flags(review.summary or "")]
    findings = session.exec(
        select(Finding).where(Finding.review_id == review_id).order_by(col(Finding.position))
    ).all()
    for finding in findings:
        found += [OpenFlag(finding.id, flag) for flag in checker.flags(finding.text)]
    return found


def set_status(
    session: Session,
    review_id: int,
    revision: int,
    status: ReviewStatus,
    *,
    actor: str,
    override_reason: str | None = None,
) -> int:
    """Move the review along; approving with open flags needs `override_reason`."""
    review = _review(session, review_id)
    if status not in TRANSITIONS[review.status]:
        allowed = ", ".join(s.value for s in TRANSITIONS[review.status]) or "nothing"
        raise ReviewRefused(
            f"a review cannot go from {review.status.value} to {status.value} "
            f"(from {review.status.value}: {allowed})"
        )
    values: dict[str, Any] = {"status": status}
    detail: dict[str, Any] = {"from": review.status.value, "to": status.value}
    if status == ReviewStatus.APPROVED:
        flags = open_flags(session, review_id)
        reason = (override_reason or "").strip()
        if flags and not reason:
            raise OpenBlameFlags(len(flags))
        values["blameless_override_reason"] = reason if flags else None
        values["approved_at"] = utc_now()
        detail["open_flags"] = len(flags)
        if flags:
            detail["blameless_override_reason"] = reason
    elif review.status == ReviewStatus.APPROVED and status == ReviewStatus.IN_REVIEW:
        values["approved_at"] = None
    return audited_edit(
        session,
        Review,
        review_id,
        revision,
        values,
        actor=actor,
        action="set_review_status",
        detail=detail,
    )
