"""Reads for themes across incidents: a finding's factors with what is suggested for
it, and the tagged findings of a period and of the period before it."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from irdesk.domain.enums import FindingCategory
from irdesk.domain.models import (
    Finding,
    FindingEventLink,
    FindingFactorsRow,
    Incident,
    Review,
    Service,
    Team,
    TimelineEvent,
    stored_id,
)
from irdesk.domain.themes import (
    Suggestion,
    TaggedFinding,
    Theme,
    ThemesReport,
    suggest_factors,
    themes,
)
from irdesk.storage.database import Database
from irdesk.storage.records import finding_factors
from irdesk.storage.records.policies import current_policy_in

COUNTED = (FindingCategory.CONTRIBUTING_FACTOR, FindingCategory.LUCKY)


@dataclass(frozen=True)
class FindingFactors:
    """What the factors control of a finding shows: the taxonomy, the confirmed
    factors and their revision, and what the finding's words suggest."""

    taxonomy: tuple[str, ...]
    factors: tuple[str, ...]
    revision: int
    suggestions: tuple[Suggestion, ...]


def finding_factors_in(session: Session, finding_id: int) -> FindingFactors:
    policy = current_policy_in(session).policy
    factors, revision = finding_factors.factors_of(session, finding_id)
    finding = session.get(Finding, finding_id)
    texts = [finding.text] if finding is not None else []
    texts += session.exec(
        select(TimelineEvent.text)
        .join(FindingEventLink, col(FindingEventLink.event_id) == col(TimelineEvent.id))
        .where(FindingEventLink.finding_id == finding_id)
    ).all()
    return FindingFactors(
        policy.factor_names(),
        factors,
        revision,
        tuple(suggest_factors(policy.contributing_factors, texts)),
    )


def read_finding_factors(db: Database, finding_id: int) -> FindingFactors:
    with db.session() as session:
        return finding_factors_in(session, finding_id)


def read_taxonomy(db: Database) -> tuple[str, ...]:
    with db.session() as session:
        return current_policy_in(session).policy.factor_names()


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def tagged_findings(session: Session, start: datetime, end: datetime) -> list[TaggedFinding]:
    """Contributing-factor and near-miss findings with confirmed factors, on incidents
    that started in [start, end). What went well and open questions are no themes."""
    # Columns rather than whole records: a year holds tens of thousands of findings,
    # and building an ORM object for each is most of the time such a read takes.
    in_period = (col(Incident.started_at) >= start, col(Incident.started_at) < end)
    incidents = {
        i: (ref, started, service)
        for i, ref, started, service in session.exec(
            select(
                Incident.id, Incident.external_id, Incident.started_at, Incident.service_id
            ).where(*in_period)
        )
    }
    factors_of = dict(
        session.exec(
            select(FindingFactorsRow.finding_id, FindingFactorsRow.factors_json)
            .join(Finding, col(Finding.id) == col(FindingFactorsRow.finding_id))
            .join(Review, col(Review.id) == col(Finding.review_id))
            .join(Incident, col(Incident.id) == col(Review.incident_id))
            .where(*in_period)
        ).all()
    )
    rows = session.exec(
        select(Finding.id, Finding.category, Finding.text, Review.incident_id)
        .join(Review, col(Review.id) == col(Finding.review_id))
        .join(Incident, col(Incident.id) == col(Review.incident_id))
        .where(*in_period)
        .where(col(Finding.category).in_(COUNTED))
        .order_by(col(Incident.started_at), col(Finding.review_id), col(Finding.position))
    ).all()
    teams = {t.id: t.name for t in session.exec(select(Team))}
    places = {
        s.id: (s.name, teams.get(s.owner_team_id) if s.owner_team_id else None)
        for s in session.exec(select(Service))
    }
    found = []
    for finding_id, category, text, incident_id in rows:
        stored = factors_of.get(stored_id(finding_id))
        factors = tuple(json.loads(stored)) if stored else ()
        ref, started, service_id = incidents[incident_id]
        if not factors or started is None:
            continue
        service, team = places.get(service_id or -1, (None, None))
        found.append(
            TaggedFinding(
                finding_id=stored_id(finding_id),
                incident_id=incident_id,
                incident_ref=ref,
                started_at=started,
                service=service,
                team=team,
                near_miss=category == FindingCategory.LUCKY,
                factors=factors,
                text=text,
            )
        )
    return found


def themes_in(session: Session, first_day: date, last_day: date) -> ThemesReport:
    """The themes of the days first_day..last_day (UTC), against as many days before."""
    return _themes(session, _start(first_day), _start(last_day + timedelta(days=1)))


def _themes(session: Session, start: datetime, end: datetime) -> ThemesReport:
    first_day, last_day = start.date(), (end - timedelta(microseconds=1)).date()
    current = tagged_findings(session, start, end)
    previous = tagged_findings(session, start - (end - start), start)
    return ThemesReport(
        first_day, last_day, themes(current, previous), {f.finding_id: f for f in current}
    )


def read_themes(db: Database, first_day: date, last_day: date) -> ThemesReport:
    with db.session() as session:
        return themes_in(session, first_day, last_day)


def read_themes_between(db: Database, start: datetime, end: datetime) -> list[Theme]:
    """The themes of a packet's period [start, end), most incidents first."""
    with db.session() as session:
        return _themes(session, start, end).themes
