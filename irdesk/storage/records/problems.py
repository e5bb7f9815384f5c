"""Problems: made from an incident's recurrence group, extended across services, with an
accountable team; read back with their incidents, reviews, open actions and figure.

The group is the metrics' own (`reads.tier_facts.recurrence_group_of`), so a problem
holds what the Review tab and the dashboard call recurring; incidents of other
services join by `domain.problems.extended_across_services`. Contributing teams are
the teams owning the services of its incidents, other than the accountable one.
Creating one is audited.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from irdesk.domain.enums import ActionStatus
from irdesk.domain.models import (
    ActionItem,
    Incident,
    IncidentClassification,
    Person,
    Problem,
    ProblemIncident,
    ProblemTeam,
    Review,
    Service,
    Team,
    stored_id,
)
from irdesk.domain.policy import Policy
from irdesk.domain.problems import (
    Candidate,
    ProblemFigure,
    extended_across_services,
    problem_figure,
)
from irdesk.storage.errors import EditRefused
from irdesk.storage.reads.tier_facts import recurrence_group_of
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.merges import label

OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ProblemRefused(EditRefused):
    """A problem irdesk cannot make; nothing was written."""


@dataclass(frozen=True)
class ProblemIncidentRow:
    incident_id: int
    label: str
    title: str
    service: str | None
    started_at: datetime | None
    review: str | None  # the review's status, None without one


@dataclass(frozen=True)
class OpenActionRow:
    action_id: int
    incident: str
    title: str
    owner: str | None
    due_on: date | None
    status: ActionStatus


@dataclass(frozen=True)
class ProblemView:
    id: int
    title: str
    accountable_team: str | None
    contributing_teams: tuple[str, ...]
    incidents: tuple[ProblemIncidentRow, ...]
    open_actions: tuple[OpenActionRow, ...]
    figure: ProblemFigure


def _team_named(session: Session, name: str) -> Team:
    team = session.exec(select(Team).where(func.lower(Team.name) == name.strip().lower())).first()
    if team is None:
        known = ", ".join(sorted(session.exec(select(Team.name)).all())[:10]) or "none yet"
        raise ProblemRefused(f"no team named {name!r} (teams: {known})")
    return team


def create_problem(
    session: Session,
    incident_id: int,
    *,
    accountable_team: str,
    title: str | None,
    policy: Policy,
    actor: str,
) -> int:
    """A problem from the recurrence group holding the incident; its id."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise LookupError(f"incident {incident_id} does not exist")
    team = _team_named(session, accountable_team)
    group = recurrence_group_of(session, incident, policy)
    if group is None:
        raise ProblemRefused(
            f"{label(incident)} does not recur (no similar incident of its service within "
            f"{policy.recurrence_window_days} days): there is no problem to make from it"
        )
    group_ids = [int(i) for i in group.ids["count"].tolist()]
    not_incidents = select(IncidentClassification.incident_id).where(
        col(IncidentClassification.not_incident)
    )
    rows = session.exec(
        select(Incident.id, Incident.title, Incident.service_id, Incident.started_at).where(
            col(Incident.id).not_in(not_incidents)
        )
    ).all()
    candidates = [Candidate(stored_id(i), t, s, w) for i, t, s, w in rows]
    in_group = set(group_ids)
    joined = extended_across_services(
        [c for c in candidates if c.incident_id in in_group],
        [c for c in candidates if c.incident_id not in in_group],
        threshold=policy.recurrence_title_similarity,
        window=timedelta(days=policy.recurrence_window_days),
    )
    problem = Problem(
        title=(title or "").strip() or group.title,
        accountable_team_id=team.id,
        created_by=actor,
    )
    session.add(problem)
    session.flush()
    problem_id = stored_id(problem.id)
    members = sorted(in_group | set(joined))
    session.add_all(ProblemIncident(problem_id=problem_id, incident_id=i) for i in members)
    owners = session.exec(
        select(Service.owner_team_id)
        .join(Incident, col(Incident.service_id) == col(Service.id))
        .where(col(Incident.id).in_(members), col(Service.owner_team_id).is_not(None))
        .distinct()
    ).all()
    contributing = sorted({o for o in owners if o is not None and o != team.id})
    session.add_all(ProblemTeam(problem_id=problem_id, team_id=t) for t in contributing)
    session.flush()
    append_entry(
        session,
        actor=actor,
        action="create_problem",
        entity="problem",
        entity_id=problem_id,
        detail={
            "title": problem.title,
            "accountable_team": team.name,
            "incident_ids": members,
            "from_other_services": sorted(joined),
        },
    )
    return problem_id


def problem_view(session: Session, problem_id: int, now: datetime) -> ProblemView:
    problem = session.get(Problem, problem_id)
    if problem is None:
        raise LookupError(f"no problem {problem_id}")
    teams = {stored_id(t.id): t.name for t in session.exec(select(Team)).all()}
    ids = session.exec(
        select(ProblemIncident.incident_id).where(ProblemIncident.problem_id == problem_id)
    ).all()
    incidents = session.exec(
        select(Incident)
        .where(col(Incident.id).in_(ids))
        .order_by(col(Incident.started_at), col(Incident.id))
    ).all()
    services = {stored_id(s.id): s.name for s in session.exec(select(Service)).all()}
    reviews = {
        r.incident_id: r
        for r in session.exec(select(Review).where(col(Review.incident_id).in_(ids)))
    }
    rows = tuple(
        ProblemIncidentRow(
            incident_id=stored_id(i.id),
            label=label(i),
            title=i.title,
            service=services.get(i.service_id) if i.service_id else None,
            started_at=i.started_at,
            review=reviews[stored_id(i.id)].status.value if stored_id(i.id) in reviews else None,
        )
        for i in incidents
    )
    labels = {r.incident_id: r.label for r in rows}
    review_incident = {stored_id(r.id): r.incident_id for r in reviews.values()}
    actions = session.exec(
        select(ActionItem)
        .where(
            col(ActionItem.review_id).in_(list(review_incident)), col(ActionItem.status).in_(OPEN)
        )
        .order_by(col(ActionItem.due_on), col(ActionItem.id))
    ).all()
    people = {stored_id(p.id): p.name for p in session.exec(select(Person)).all()}
    open_actions = tuple(
        OpenActionRow(
            action_id=stored_id(a.id),
            incident=labels[review_incident[a.review_id]],
            title=a.title,
            owner=people.get(a.owner_person_id)
            if a.owner_person_id
            else (teams.get(a.owner_team_id) if a.owner_team_id else None),
            due_on=a.due_on,
            status=a.status,
        )
        for a in actions
    )
    contributing = session.exec(
        select(ProblemTeam.team_id).where(ProblemTeam.problem_id == problem_id)
    ).all()
    return ProblemView(
        id=problem_id,
        title=problem.title,
        accountable_team=teams.get(problem.accountable_team_id)
        if problem.accountable_team_id
        else None,
        contributing_teams=tuple(sorted(teams[t] for t in contributing if t in teams)),
        incidents=rows,
        open_actions=open_actions,
        figure=problem_figure([r.started_at for r in rows], now),
    )


def list_problems(session: Session, now: datetime) -> list[ProblemView]:
    ids = session.exec(select(Problem.id).order_by(col(Problem.id))).all()
    return [problem_view(session, stored_id(i), now) for i in ids]
