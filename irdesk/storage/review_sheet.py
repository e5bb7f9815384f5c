"""Everything the Review tab shows for one incident, read in one go on a worker thread.

Deliberately no feedback notes: they are not part of the review record and
must not reach any view of it.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from irdesk.domain.models import Incident, Person, Team
from irdesk.domain.tiering import DEFAULT_RULES, TieringRules, TierProposal
from irdesk.storage import action_items, findings, queries, reviews


@dataclass(frozen=True)
class Named:
    id: int
    name: str


@dataclass(frozen=True)
class ReviewSheet:
    incident_id: int
    incident_label: str
    proposal: TierProposal
    review: reviews.ReviewRecord | None
    findings: tuple[findings.FindingRow, ...]
    actions: tuple[action_items.ActionRow, ...]
    events: tuple[queries.EventRow, ...]
    people: tuple[Named, ...]
    teams: tuple[Named, ...]

    def person_name(self, person_id: int | None) -> str | None:
        return next((p.name for p in self.people if p.id == person_id), None)


def people(session: Session) -> tuple[Named, ...]:
    rows = session.exec(select(Person.id, Person.name).order_by(col(Person.name))).all()
    return tuple(Named(pid, name) for pid, name in rows if pid is not None)


def teams(session: Session) -> tuple[Named, ...]:
    rows = session.exec(select(Team.id, Team.name).order_by(col(Team.name))).all()
    return tuple(Named(tid, name) for tid, name in rows if tid is not None)


def load_sheet(
    session: Session, incident_id: int, rules: TieringRules = DEFAULT_RULES
) -> ReviewSheet | None:
    incident = session.get(Incident, incident_id)
    if incident is None:
        return None
    review = reviews.get_review(session, incident_id)
    return ReviewSheet(
        incident_id=incident_id,
        incident_label=f"{incident.external_id} — {incident.title}",
        proposal=reviews.proposal_for(session, incident_id, rules),
        review=review,
        findings=tuple(findings.list_findings(session, review.id)) if review else (),
        actions=tuple(action_items.list_actions(session, review.id)) if review else (),
        events=tuple(queries.timeline(session, incident_id)),
        people=people(session),
        teams=teams(session),
    )
