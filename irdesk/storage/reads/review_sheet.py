"""Everything the Review tab shows for one incident, read in one go on a worker thread.

Deliberately no feedback notes: they are not part of the review record and
must not reach any view of it.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from irdesk.domain.facilitation import Suggestion, suggest
from irdesk.domain.models import Incident, Person, Team
from irdesk.domain.tiering import TierProposal
from irdesk.domain.utc import utc_now
from irdesk.storage.reads import facilitation, queries
from irdesk.storage.records import action_items, findings, reviews


@dataclass(frozen=True)
class Named:
    id: int
    name: str


@dataclass(frozen=True)
class ReviewSheet:
    incident_id: int
    incident_label: str
    proposal: TierProposal  # under the current policy version
    review: reviews.ReviewRecord | None
    findings: tuple[findings.FindingRow, ...]
    actions: tuple[action_items.ActionRow, ...]
    events: tuple[queries.EventRow, ...]
    people: tuple[Named, ...]
    teams: tuple[Named, ...]
    # The due date a review started now would get (None once there is a review).
    proposed_due_on: date | None = None
    # Who should facilitate, from the pool (None: the pool is empty).
    facilitator_suggestion: Suggestion | None = None

    def person_name(self, person_id: int | None) -> str | None:
        return next((p.name for p in self.people if p.id == person_id), None)


def people(session: Session) -> tuple[Named, ...]:
    rows = session.exec(select(Person.id, Person.name).order_by(col(Person.name))).all()
    return tuple(Named(pid, name) for pid, name in rows if pid is not None)


def teams(session: Session) -> tuple[Named, ...]:
    rows = session.exec(select(Team.id, Team.name).order_by(col(Team.name))).all()
    return tuple(Named(tid, name) for tid, name in rows if tid is not None)


def load_sheet(session: Session, incident_id: int) -> ReviewSheet | None:
    """The sheet, its tier proposal under the current policy version."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        return None
    review = reviews.get_review(session, incident_id)
    plan = reviews.tier_plan(session, incident_id)
    return ReviewSheet(
        incident_id=incident_id,
        incident_label=f"{incident.external_id} — {incident.title}",
        proposal=plan.proposal,
        review=review,
        findings=tuple(findings.list_findings(session, review.id)) if review else (),
        actions=tuple(action_items.list_actions(session, review.id)) if review else (),
        events=tuple(queries.timeline(session, incident_id)),
        people=people(session),
        teams=teams(session),
        proposed_due_on=None if review else plan.due_on(plan.proposal.tier, utc_now().date()),
        facilitator_suggestion=_suggestion(session, incident_id),
    )


def _suggestion(session: Session, incident_id: int) -> Suggestion | None:
    pool = facilitation.pool_loads(session)
    if not pool:
        return None
    return suggest(pool, facilitation.responders(session, incident_id))
