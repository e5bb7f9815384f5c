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
    rows = session.exec(
        select(Finding, FindingFactorsRow, Incident)
        .join(FindingFactorsRow, col(FindingFactorsRow.finding_id) == col(Finding.id))
        .join(Review, col(Review.id) == col(Finding.review_id))
        .join(Incident, col(Incident.id) == col(Review.incident_id))
        .where(col(Incident.started_at) >= start, col(Incident.started_at) < end)
        .where(col(Finding.category).in_(COUNTED))
        .order_by(col(Incident.started_at), col(Finding.review_id), col(Finding.position))
    ).all()
    teams = {t.id: t.name for t in session.exec(select(Team))}
    places = {
        s.id: (s.name, teams.get(s.owner_team_id) if s.owner_team_id else None)
        for s in session.exec(select(Service))
    }
    found = []
    for finding, tags, incident in rows:
        factors = tuple(json.loads(tags.factors_json))
        if not factors or incident.started_at is None:
            continue
        service, team = places.get(incident.service_id or -1, (None, None))
        found.append(
            TaggedFinding(
                finding_id=stored_id(finding.id),
                incident_id=stored_id(incident.id),
                incident_ref=incident.external_id,
                started_at=incident.started_at,
                service=service,
                team=team,
                near_miss=finding.category == FindingCategory.LUCKY,
                factors=factors,
                text=finding.text,
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
