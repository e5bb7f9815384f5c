"""Approved reviews and their survey answers, read for review health and calibration.

A review belongs to the team owning its incident's service, and to the quarter it
was approved in. The tier proposed is `domain.tiering`'s under the policy version
in force when the review was approved (the newest saved before that moment), and so
is the taxonomy a finding's suggested factors come from.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from irdesk.domain.calibration import (
    NoteFact,
    SessionRecord,
    TagFact,
    TeamCalibration,
    TeamNotes,
    TeamTagging,
    calibrate,
    team_notes,
    team_tagging,
)
from irdesk.domain.enums import ActionStatus
from irdesk.domain.models import (
    ActionFindingLink,
    ActionItem,
    Finding,
    FindingEventLink,
    FindingFactorsRow,
    Incident,
    Review,
    ReviewSurvey,
    Service,
    Team,
    TimelineEvent,
    stored_id,
)
from irdesk.domain.policy import Policy
from irdesk.domain.review_health import (
    NO_TEAM,
    ActionFact,
    HealthRow,
    ReviewFact,
    SurveyAnswer,
    health_rows,
)
from irdesk.domain.themes import suggest_factors
from irdesk.domain.tiering import TieringRules, propose_tier
from irdesk.domain.utc import as_utc
from irdesk.storage.database import Database
from irdesk.storage.reads.themes import COUNTED
from irdesk.storage.reads.tier_facts import service_recurrences, tier_facts_of, times_in_force
from irdesk.storage.records.calibration_sessions import sessions_in
from irdesk.storage.records.classifications import classifications
from irdesk.storage.records.feedback import note_dimensions
from irdesk.storage.records.policies import PolicyRecord, versions_in
from irdesk.storage.records.review_surveys import APPROVED
from irdesk.storage.sealing import Keyring, short_fingerprint


def day_span(first: date, last: date) -> tuple[datetime, datetime]:
    """[first 00:00, the day after last 00:00) in UTC."""
    start = datetime.combine(first, time(), tzinfo=UTC)
    return start, datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC)


def in_force(
    versions: list[PolicyRecord], moment: datetime, defaults: PolicyRecord
) -> PolicyRecord:
    """The newest version saved at or before `moment` (`defaults` before any was)."""
    for record in versions:  # newest first
        if record.created_at is not None and as_utc(record.created_at) <= moment:
            return record
    return defaults


def _actions(session: Session, review_ids: list[int]) -> dict[int, list[ActionFact]]:
    linked = set(
        session.exec(
            select(ActionFindingLink.action_id)
            .join(ActionItem, col(ActionItem.id) == col(ActionFindingLink.action_id))
            .where(col(ActionItem.review_id).in_(review_ids))
        ).all()
    )
    out: dict[int, list[ActionFact]] = {}
    # Columns, not rows: a year's action items are thousands of objects otherwise (and
    # the typed select takes four columns at a time).
    of_reviews = col(ActionItem.review_id).in_(review_ids)
    done_and_owner = {
        i: (done, person, team)
        for i, done, person, team in session.exec(
            select(
                col(ActionItem.id),
                col(ActionItem.completed_at),
                col(ActionItem.owner_person_id),
                col(ActionItem.owner_team_id),
            ).where(of_reviews)
        )
    }
    items = session.exec(
        select(
            col(ActionItem.id),
            col(ActionItem.review_id),
            col(ActionItem.due_on),
            col(ActionItem.status),
        )
        .where(of_reviews)
        .order_by(col(ActionItem.id))
    )
    for item_id, review_id, due_on, status in items:
        completed_at, person, team = done_and_owner[item_id]
        out.setdefault(review_id, []).append(
            ActionFact(
                due_on=due_on,
                status=ActionStatus(status),
                completed_on=as_utc(completed_at).date() if completed_at else None,
                has_owner=person is not None or team is not None,
                linked=item_id in linked,
            )
        )
    return out


def review_facts_in(session: Session, first: date, last: date) -> list[ReviewFact]:
    """Reviews approved from `first` to `last` (whole UTC days), oldest approval first."""
    start, end = day_span(first, last)
    rows = session.exec(
        select(Review, Incident)
        .join(Incident, col(Incident.id) == col(Review.incident_id))
        .where(
            col(Review.status).in_(APPROVED),
            col(Review.approved_at).is_not(None),
            col(Review.approved_at) >= start,
            col(Review.approved_at) < end,
        )
        .order_by(col(Review.approved_at), col(Review.id))
    ).all()
    teams = {
        s.id: t.name
        for s, t in session.exec(
            select(Service, Team).join(Team, col(Team.id) == col(Service.owner_team_id))
        )
    }
    ids = [stored_id(r.id) for r, _ in rows]
    actions = _actions(session, ids)
    incident_ids = [stored_id(i.id) for _, i in rows]
    resolved = times_in_force(session, col(Incident.id).in_(incident_ids))
    versions = versions_in(session)
    defaults = PolicyRecord(version=None, policy=Policy())
    classified = classifications(session, incident_ids)
    # Recurrences per policy version and service: found once, not once per review.
    recurring: dict[tuple[int | None, int], dict[int, int]] = {}
    facts = []
    for review, incident in rows:
        assert review.approved_at is not None
        approved = as_utc(review.approved_at)
        policy = in_force(versions, approved, defaults)
        count = 0
        if incident.service_id is not None:
            key = (policy.version, incident.service_id)
            if key not in recurring:
                recurring[key] = service_recurrences(session, incident.service_id, policy.policy)
            count = recurring[key].get(stored_id(incident.id), 0)
        rules = TieringRules.from_policy(policy.policy, policy.version)
        facts_now = tier_facts_of(incident, classified.get(stored_id(incident.id)), count)
        proposed = propose_tier(facts_now, rules).tier
        end_time = resolved[stored_id(incident.id)]["resolved_at"]
        facts.append(
            ReviewFact(
                review_id=stored_id(review.id),
                label=f"{incident.source}:{incident.external_id}",
                team=teams.get(incident.service_id, NO_TEAM) if incident.service_id else NO_TEAM,
                tier=review.tier,
                proposed=proposed,
                tier_reason=review.tier_reason,
                blame_override=review.blameless_override_reason,
                resolved_at=as_utc(end_time) if end_time else None,
                approved_at=approved,
                policy_version=policy.version,
                actions=tuple(actions.get(stored_id(review.id), [])),
            )
        )
    return facts


def answers_in(session: Session, review_ids: list[int]) -> list[SurveyAnswer]:
    """The answers on those reviews, never who gave them."""
    rows = session.exec(
        select(ReviewSurvey.review_id, ReviewSurvey.useful, ReviewSurvey.safe, ReviewSurvey.hours)
        .where(col(ReviewSurvey.review_id).in_(review_ids))
        .order_by(col(ReviewSurvey.review_id), col(ReviewSurvey.id))
    ).all()
    return [SurveyAnswer(r, u, s, h) for r, u, s, h in rows]


def read_review_facts(
    database: Database, first: date, last: date
) -> tuple[list[ReviewFact], list[SurveyAnswer]]:
    with database.session() as session:
        facts = review_facts_in(session, first, last)
        return facts, answers_in(session, [f.review_id for f in facts])


@dataclass(frozen=True)
class ReviewHealth:
    rows: list[HealthRow]
    # Every saved version, oldest first: (number, saved at, note), the table's context.
    versions: list[tuple[int, datetime, str | None]]


def read_review_health(database: Database, first: date, last: date, as_of: date) -> ReviewHealth:
    with database.session() as session:
        facts = review_facts_in(session, first, last)
        answers = answers_in(session, [f.review_id for f in facts])
        versions = [
            (int(v.version), as_utc(v.created_at), v.note)
            for v in reversed(versions_in(session))
            if v.created_at is not None and v.version is not None
        ]
    return ReviewHealth(health_rows(facts, answers, as_of), versions)


@dataclass(frozen=True)
class Calibration:
    teams: list[TeamCalibration]
    sessions: list[SessionRecord]
    notes: list[TeamNotes] = field(default_factory=list)
    # Whose keys opened the notes ("name (fingerprint)"); None: nobody's, counts only.
    notes_reader: str | None = None
    tagging: list[TeamTagging] = field(default_factory=list)
    # The calibrated reviews' incidents: another's edit of a review elsewhere leaves the
    # window unread.
    incident_ids: frozenset[int] = frozenset()


def _incidents_of(session: Session, review_ids: list[int]) -> dict[int, int]:
    return {
        stored_id(r): i
        for r, i in session.exec(
            select(Review.id, Review.incident_id).where(col(Review.id).in_(review_ids))
        )
    }


def note_facts_in(
    session: Session, facts: list[ReviewFact], keyring: Keyring | None
) -> list[NoteFact]:
    """The feedback notes on the calibrated reviews' incidents, under each one's team."""
    incidents = _incidents_of(session, [f.review_id for f in facts])
    team_of = {incidents[f.review_id]: f.team for f in facts}
    return [
        NoteFact(team_of[incident], opened, dimensions)
        for incident, opened, dimensions in note_dimensions(session, list(team_of), keyring)
        if incident in team_of
    ]


def tag_facts_in(session: Session, facts: list[ReviewFact]) -> list[TagFact]:
    """The calibrated reviews' contributing-factor and near-miss findings: their confirmed
    factors, and what their words (and linked events') suggest under the policy the
    review was approved under, so a suggestion is judged by the taxonomy then in force."""
    by_review = {f.review_id: f for f in facts}
    rows = session.exec(
        select(Finding.id, Finding.review_id, Finding.text)
        .where(col(Finding.review_id).in_(list(by_review)))
        .where(col(Finding.category).in_(COUNTED))
        .order_by(col(Finding.review_id), col(Finding.position), col(Finding.id))
    ).all()
    ids = [stored_id(i) for i, _, _ in rows]
    chosen = {
        f: tuple(json.loads(text))
        for f, text in session.exec(
            select(FindingFactorsRow.finding_id, FindingFactorsRow.factors_json).where(
                col(FindingFactorsRow.finding_id).in_(ids)
            )
        )
    }
    linked: dict[int, list[str]] = defaultdict(list)
    for linked_id, event_text in session.exec(
        select(FindingEventLink.finding_id, TimelineEvent.text)
        .join(TimelineEvent, col(TimelineEvent.id) == col(FindingEventLink.event_id))
        .where(col(FindingEventLink.finding_id).in_(ids))
    ):
        linked[linked_id].append(event_text or "")
    taxonomies = {v.version: v.policy.contributing_factors for v in versions_in(session)}
    defaults = Policy().contributing_factors
    out = []
    for finding_id, review_id, text in rows:
        fact = by_review[review_id]
        taxonomy = taxonomies.get(fact.policy_version, defaults)
        words = [text, *linked.get(stored_id(finding_id), [])]
        out.append(
            TagFact(
                team=fact.team,
                factors=chosen.get(stored_id(finding_id), ()),
                decided=stored_id(finding_id) in chosen,
                suggested=tuple(s.factor for s in suggest_factors(taxonomy, words)),
            )
        )
    return out


def read_calibration(
    database: Database, first: date, last: date, as_of: date, keyring: Keyring | None = None
) -> Calibration:
    """`keyring`: the unlocked reader whose notes' dimensions are compared; without one
    the notes are only counted."""
    with database.session() as session:
        facts = review_facts_in(session, first, last)
        sessions = sessions_in(session, first, last)
        notes = note_facts_in(session, facts, keyring)
        tags = tag_facts_in(session, facts)
        incidents = frozenset(_incidents_of(session, [f.review_id for f in facts]).values())
    teams = calibrate(facts, as_of)
    names = [t.team for t in teams]
    reader = f"{keyring.name} ({short_fingerprint(keyring.fingerprint)})" if keyring else None
    return Calibration(
        teams, sessions, team_notes(names, notes), reader, team_tagging(names, tags), incidents
    )
