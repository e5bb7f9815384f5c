"""Approved reviews, survey answers and two policy versions built by hand:
`from review_feedback_fixture import …` in a test module.

Policy v1 (the defaults: SEV1 and SEV2 get a full review) is in force from
2026-07-01; v2 ("Full reviews for SEV1 only") from 2026-10-01. Payments owns the
payments service (Ana, Ben, Cy, Dee), Search the search service (Eli, Fay).
Figures are as of AS_OF, 2026-12-07.

- demo:P-1 (payments, SEV2): resolved 08-03 10:00, approved 08-05 10:00 (48 h). Full, as
  v1 proposes. Attendees Ana, Ben, Cy; answers Ana (useful 4, safe 5, 3 h, named), Ben
  (2, 3, 1 h, anonymous), Cy (3, 4, 2 h, anonymous). Actions: A1 Ana, due 08-20, done
  08-18, linked (on time); A2 no owner, due 08-25, open (overdue).
- demo:S-1 (search, SEV3): resolved 09-10 12:00, approved 09-11 00:00 (12 h).
  Lightweight, as proposed. Attendees Eli, Fay; one answer, Eli (5, 5, 1 h, anonymous).
  Action: owned by the Search team, no due date, not linked.
- demo:P-2 (payments, SEV2): resolved 10-05 09:00, approved 10-06 21:00 (36 h). v2
  proposes lightweight; chosen full, "Card data involved". Approved over blame flags:
  "Quoted customer email". Attendees Ana, Ben, Cy, Dee; answers Ana (5, 5, 2 h, named),
  Ben (4, 4, 2 h, named), Cy (5, 4, 3 h, anonymous), Dee (4, 5, 1 h, anonymous).
  Actions: A3 Ben, due 10-20, done 10-25, linked (late: overdue); A4 Dee, due 2027-01-15,
  open (not yet due).
- demo:S-2 (search, SEV2): resolved 11-02 08:00, approved 11-10 20:00 (204 h).
  Lightweight, as v2 proposes. Attendees Eli, Fay; answers Eli (2, 2, 1 h, named), Fay
  (3, 2, 1 h, anonymous). Action: Fay, due 11-30, open, linked (overdue).

`add_factor_findings` adds contributing-factor findings and near misses with the factors
confirmed on them (default taxonomy; v2 adds "other"), and `add_notes` feedback notes
on the incidents, some sealed to a second reader only; both are described there.
"""

import json
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select, update

from irdesk.domain.enums import (
    ActionStatus,
    EventKind,
    FeedbackKind,
    FindingCategory,
    IncidentStatus,
    ReviewStatus,
    ReviewTier,
    ServiceTier,
    Severity,
)
from irdesk.domain.models import (
    ActionFindingLink,
    ActionItem,
    Finding,
    FindingEventLink,
    FindingFactorsRow,
    Incident,
    Person,
    PolicyVersion,
    Review,
    ReviewAttendee,
    Service,
    Team,
    TimelineEvent,
    stored_id,
)
from irdesk.domain.policy import Policy
from irdesk.storage.database import Database
from irdesk.storage.records.feedback import add_note
from irdesk.storage.records.policies import save_policy
from irdesk.storage.records.review_surveys import Answer, record_answers
from irdesk.storage.sealing import Keyring

AS_OF = date(2026, 12, 7)
ACTOR = "Facilitator Fox"


def at(month: int, day: int, hour: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _policies(database: Database) -> None:
    save_policy(database, Policy(), note="Starting policy", author=ACTOR)
    # v2 also lets a finding be tagged "other", for what fits no factor of the taxonomy.
    v2 = Policy(
        full_review_severities=("SEV1",),
        lightweight_review_severities=("SEV2", "SEV3"),
        contributing_factors={**Policy().contributing_factors, "other": []},
    )
    save_policy(database, v2, note="Full reviews for SEV1 only", author=ACTOR)
    with database.transaction() as session:
        for version, saved in ((1, at(7, 1)), (2, at(10, 1))):
            session.execute(
                update(PolicyVersion)
                .where(col(PolicyVersion.version) == version)
                .values(created_at=saved)
            )


def build_reviews(database: Database) -> dict[str, int]:
    """Write the reviews above; the review ids by incident, and the people's ids by name."""
    _policies(database)
    ids: dict[str, int] = {}
    answers: list[Answer] = []
    with database.transaction() as session:
        payments_team, search_team = Team(name="Payments"), Team(name="Search")
        session.add_all([payments_team, search_team])
        session.flush()
        people = {}
        for name, team in (
            ("Ana", payments_team),
            ("Ben", payments_team),
            ("Cy", payments_team),
            ("Dee", payments_team),
            ("Eli", search_team),
            ("Fay", search_team),
        ):
            person = Person(name=name, team_id=team.id)
            session.add(person)
            session.flush()
            people[name] = stored_id(person.id)
            ids[name] = people[name]
        payments = Service(
            name="payments", tier=ServiceTier.TIER1, slo_target=99.9, owner_team_id=payments_team.id
        )
        search = Service(
            name="search", tier=ServiceTier.TIER2, slo_target=99.5, owner_team_id=search_team.id
        )
        session.add_all([payments, search])
        session.flush()
        specs = [
            # id, title, service, severity, resolved, approved, tier, reason, blame, attendees
            ("P-1", "Card authorisations declined", payments, Severity.SEV2, at(8, 3, 10),
             at(8, 5, 10), ReviewTier.FULL, None, None, ["Ana", "Ben", "Cy"]),
            ("S-1", "Stale results in suggestions", search, Severity.SEV3, at(9, 10, 12),
             at(9, 11), ReviewTier.LIGHTWEIGHT, None, None, ["Eli", "Fay"]),
            ("P-2", "Refund export double-counted", payments, Severity.SEV2, at(10, 5, 9),
             at(10, 6, 21), ReviewTier.FULL, "Card data involved", "Quoted customer email",
             ["Ana", "Ben", "Cy", "Dee"]),
            ("S-2", "Index rebuild stalled overnight", search, Severity.SEV2, at(11, 2, 8),
             at(11, 10, 20), ReviewTier.LIGHTWEIGHT, None, None, ["Eli", "Fay"]),
        ]  # fmt: skip
        for key, title, service, severity, resolved, approved, tier, reason, blame, came in specs:
            incident = Incident(
                source="demo",
                external_id=key,
                title=title,
                service_id=service.id,
                severity=severity,
                status=IncidentStatus.RESOLVED,
                started_at=resolved - timedelta(hours=1),
                detected_at=resolved - timedelta(hours=1),
                resolved_at=resolved,
            )
            session.add(incident)
            session.flush()
            review = Review(
                incident_id=stored_id(incident.id),
                tier=tier,
                tier_reason=reason,
                status=ReviewStatus.APPROVED,
                blameless_override_reason=blame,
                approved_at=approved,
                summary="",
            )
            session.add(review)
            session.flush()
            ids[key] = stored_id(review.id)
            session.add_all([ReviewAttendee(review_id=ids[key], person_id=people[n]) for n in came])
            finding = Finding(review_id=ids[key], category=FindingCategory.WENT_WELL, text="f")
            session.add(finding)
            session.flush()
            ids[f"{key} finding"] = stored_id(finding.id)
        actions = [
            # review, owner person, owner team, due, status, completed, linked
            ("P-1", "Ana", None, date(2026, 8, 20), ActionStatus.DONE, at(8, 18), True),
            ("P-1", None, None, date(2026, 8, 25), ActionStatus.OPEN, None, False),
            ("S-1", None, search_team.id, None, ActionStatus.OPEN, None, False),
            ("P-2", "Ben", None, date(2026, 10, 20), ActionStatus.DONE, at(10, 25), True),
            ("P-2", "Dee", None, date(2027, 1, 15), ActionStatus.OPEN, None, False),
            ("S-2", "Fay", None, date(2026, 11, 30), ActionStatus.OPEN, None, True),
        ]
        for n, (key, owner, team_id, due, status, done, linked) in enumerate(actions, start=1):
            item = ActionItem(
                review_id=ids[key],
                title=f"A{n}",
                owner_person_id=people[owner] if owner else None,
                owner_team_id=team_id,
                due_on=due,
                status=status,
                completed_at=done,
            )
            session.add(item)
            session.flush()
            if linked:
                session.add(
                    ActionFindingLink(
                        action_id=stored_id(item.id), finding_id=ids[f"{key} finding"]
                    )
                )
    said = [
        ("P-1", "Ana", 4, 5, 3.0, False),
        ("P-1", "Ben", 2, 3, 1.0, True),
        ("P-1", "Cy", 3, 4, 2.0, True),
        ("S-1", "Eli", 5, 5, 1.0, True),
        ("P-2", "Ana", 5, 5, 2.0, False),
        ("P-2", "Ben", 4, 4, 2.0, False),
        ("P-2", "Cy", 5, 4, 3.0, True),
        ("P-2", "Dee", 4, 5, 1.0, True),
        ("S-2", "Eli", 2, 2, 1.0, False),
        ("S-2", "Fay", 3, 2, 1.0, True),
    ]
    for key, name, useful, safe, hours, anonymous in said:
        answers.append(
            Answer(
                review_id=ids[key],
                person_id=ids[name],
                useful=useful,
                safe=safe,
                hours=hours,
                comment=None,
                anonymous=anonymous,
                answered_on=AS_OF,
            )
        )
    record_answers(database, answers, actor=ACTOR)
    return ids


def review_of(database: Database, key: str) -> int:
    with database.session() as session:
        found = session.exec(
            select(Review.id)
            .join(Incident, col(Incident.id) == col(Review.incident_id))
            .where(Incident.external_id == key)
        ).one()
        return stored_id(found)


# The review-health table's cells from 2026-07-01 to 2026-12-07, written out by hand.
EXPECTED_HEALTH = [
    {"tier": "full", "team": "Payments", "period": "2026-Q3", "policy": "v1", "reviews": "1",
     "answers": "3", "hours": "6.0", "useful": "3.0", "safe": "4.0",
     "overdue": "1 of 2 (50%)"},
    {"tier": "full", "team": "Payments", "period": "2026-Q4", "policy": "v2", "reviews": "1",
     "answers": "4", "hours": "8.0", "useful": "4.5  ▲ +1.5", "safe": "4.5  ▲ +0.5",
     "overdue": "1 of 2 (50%)"},
    {"tier": "lightweight", "team": "Search", "period": "2026-Q3", "policy": "v1",
     "reviews": "1", "answers": "fewer than 3", "hours": "—", "useful": "—", "safe": "—",
     "overdue": "no due dates"},
    {"tier": "lightweight", "team": "Search", "period": "2026-Q4", "policy": "v2",
     "reviews": "1", "answers": "fewer than 3", "hours": "—", "useful": "—", "safe": "—",
     "overdue": "1 of 1 (100%)"},
]  # fmt: skip

# Calibration from 2026-07-01 to 2026-12-07: each team's column, by hand.
EXPECTED_TEAMS = {
    "Payments": {
        "reviews": "2",
        "tiers": "2 / 1",
        "overrides": "1",
        "blame": "1",
        "wait": "42.0 h",  # median of 48 and 36
        "owner": "3 of 4 (75%)",
        "due": "4 of 4 (100%)",
        "linked": "2 of 4 (50%)",
        "on_time": "1 of 3 (33%)",  # A1 of A1, A2, A3 (A4 not yet due)
    },
    "Search": {
        "reviews": "2",
        "tiers": "0 / 0",
        "overrides": "0",
        "blame": "0",
        "wait": "4.5 d",  # median of 12 and 204 hours: 108 h
        "owner": "2 of 2 (100%)",
        "due": "1 of 2 (50%)",
        "linked": "1 of 2 (50%)",
        "on_time": "0 of 1 (0%)",
    },
}


# Findings whose factors are compared across teams: incident, category, text, a linked
# event's text, and the factors confirmed (None: never decided).
FACTOR_FINDINGS = [
    # suggests capacity (memory) and change (deploy); change confirmed, capacity rejected
    ("P-1", FindingCategory.CONTRIBUTING_FACTOR, "The deploy raised memory use", None,
     ("change",)),
    # suggests detection (alert), confirmed
    ("P-1", FindingCategory.CONTRIBUTING_FACTOR, "Alert fired late", None, ("detection",)),
    # a near miss: suggests dependency (vendor), confirmed
    ("P-2", FindingCategory.LUCKY, "A vendor fix landed in time", None, ("dependency",)),
    # suggests nothing; change added by hand
    ("P-2", FindingCategory.CONTRIBUTING_FACTOR, "Refund totals were summed twice", None,
     ("change",)),
    # suggests capacity (disk); never decided: a pending suggestion, untagged
    ("S-1", FindingCategory.CONTRIBUTING_FACTOR, "Index rebuild ran out of disk", None, None),
    # suggests nothing; decided with no factor: untagged
    ("S-1", FindingCategory.CONTRIBUTING_FACTOR, "Nobody knew who owned the rebuild", None,
     ()),
    # suggests tooling (script), rejected; "other" added by hand (v2's taxonomy)
    ("S-2", FindingCategory.CONTRIBUTING_FACTOR, "Rebuild script needed a manual step", None,
     ("other",)),
    # a near miss; its linked event suggests coordination (on-call) and detection (paged):
    # coordination confirmed, detection rejected
    ("S-2", FindingCategory.LUCKY, "The engineer happened to be awake",
     "Paged the on-call engineer", ("coordination",)),
]  # fmt: skip


def add_factor_findings(database: Database) -> None:
    """The findings above, on the reviews `build_reviews` wrote."""
    with database.transaction() as session:
        for position, (key, category, text, event, factors) in enumerate(FACTOR_FINDINGS, 1):
            review_id = review_of_in(session, key)
            finding = Finding(review_id=review_id, category=category, text=text, position=position)
            session.add(finding)
            session.flush()
            finding_id = stored_id(finding.id)
            if event is not None:
                review = session.get(Review, review_id)
                assert review is not None
                row = TimelineEvent(
                    incident_id=review.incident_id,
                    occurred_at=at(11, 2, 7),
                    kind=EventKind.PAGE,
                    source="demo",
                    text=event,
                )
                session.add(row)
                session.flush()
                session.add(FindingEventLink(finding_id=finding_id, event_id=stored_id(row.id)))
            if factors is not None:
                session.add(
                    FindingFactorsRow(
                        finding_id=finding_id,
                        factors_json=json.dumps(list(factors)),
                        set_by=ACTOR,
                        revision=1,
                    )
                )


# Feedback notes: incident, about whom, written by the reader (True) or the other
# (False), and the dimensions it names.
NOTES = [
    ("P-1", "Ana", True, ("technical_resolution", "communication")),
    ("P-1", "Ben", True, ("documentation",)),
    ("P-2", "Cy", False, ("procedure",)),  # sealed to the other reader only
    ("P-2", "Dee", True, ()),
    ("S-1", "Eli", True, ("communication",)),
    ("S-2", "Fay", False, ("technical_resolution",)),  # sealed to the other reader only
]


def add_notes(database: Database, ids: dict[str, int], reader: Keyring, other: Keyring) -> None:
    """The notes above, each sealed to its author only (no recovery reader is set)."""
    with database.transaction() as session:
        for key, name, by_reader, dimensions in NOTES:
            review = session.get(Review, review_of_in(session, key))
            assert review is not None
            add_note(
                session,
                person_id=ids[name],
                incident_id=review.incident_id,
                kind=FeedbackKind.GROWTH,
                actor=ACTOR,
                keyring=reader if by_reader else other,
                text=f"Note on {name}",
                dimensions=dimensions,
            )


# The notes' column per team from 2026-07-01 to 2026-12-07, by hand: unlocked by the
# reader (Payments: 3 of 4 open, one names no dimension; Search: 1 of 2 open) …
EXPECTED_NOTES_UNLOCKED = {
    "Payments": {
        "notes": "4",
        "locked": "1",
        "technical_resolution": "1 of 3 (33%)",
        "communication": "1 of 3 (33%)",
        "documentation": "1 of 3 (33%)",
        "procedure": "0 of 3 (0%)",
        "none": "1 of 3 (33%)",
    },
    "Search": {
        "notes": "2",
        "locked": "1",
        "technical_resolution": "0 of 1 (0%)",
        "communication": "1 of 1 (100%)",
        "documentation": "0 of 1 (0%)",
        "procedure": "0 of 1 (0%)",
        "none": "0 of 1 (0%)",
    },
}
# … and without any reader's keys: counts only.
EXPECTED_NOTES_LOCKED = {
    team: {k: v if k == "notes" else "—" for k, v in cells.items()} | {"locked": cells["notes"]}
    for team, cells in EXPECTED_NOTES_UNLOCKED.items()
}

# How the teams tag, by hand (rows in tagging_measures' order).
EXPECTED_TAGGING = {
    "Payments": {
        "findings": "4",
        "tagged": "4 of 4 (100%)",
        "untagged": "0 of 4 (0%)",
        "other": "0 of 4 (0%)",
        "factor:change": "2 of 4 (50%)",
        "factor:coordination": "0 of 4 (0%)",
        "factor:dependency": "1 of 4 (25%)",
        "factor:detection": "1 of 4 (25%)",
        "confirmed": "3 of 4 (75%)",
        "rejected": "1 of 4 (25%)",
        "added": "1",
        "pending": "0",
    },
    "Search": {
        "findings": "4",
        "tagged": "2 of 4 (50%)",
        "untagged": "2 of 4 (50%)",
        "other": "1 of 2 (50%)",
        "factor:change": "0 of 2 (0%)",
        "factor:coordination": "1 of 2 (50%)",
        "factor:dependency": "0 of 2 (0%)",
        "factor:detection": "0 of 2 (0%)",
        "confirmed": "1 of 3 (33%)",
        "rejected": "2 of 3 (67%)",
        "added": "1",
        "pending": "1",
    },
}
# Search's base of tagged findings (2) is under three: only the tags and the rejections
# are compared, each once (two teams).
EXPECTED_FLAGS = [
    "Payments tags 4 of 4 (100%) findings; Search 2 of 4 (50%).",
    "Payments rejects 1 of 4 (25%) suggestions; Search 2 of 3 (67%).",
]


def review_of_in(session: Session, key: str) -> int:
    found = session.exec(
        select(Review.id)
        .join(Incident, col(Incident.id) == col(Review.incident_id))
        .where(Incident.external_id == key)
    ).one()
    return stored_id(found)
