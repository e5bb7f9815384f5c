"""The demo's reviews of its worst incidents: findings, the events they cite, action items."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from irdesk.demo.organisation import MANAGER_ROLE, TEAMS
from irdesk.demo.times import seconds
from irdesk.demo.working_state import Case, Member, Org
from irdesk.domain.enums import ActionStatus, FindingCategory, ReviewStatus, ReviewTier
from irdesk.domain.models import (
    ActionFindingLink,
    ActionItem,
    Finding,
    FindingEventLink,
    Review,
    ReviewAttendee,
    ReviewIncidentLink,
    TimelineEvent,
    stored_id,
)


def _review_status(rng: random.Random, due: date, anchor: date) -> ReviewStatus:
    late = (anchor - due).days
    S = ReviewStatus
    if late < 0:
        return rng.choice([S.DRAFT, S.DRAFT, S.IN_REVIEW])
    if late < 14:
        return rng.choice([S.DRAFT, S.IN_REVIEW])
    if late < 45:
        return rng.choices([S.IN_REVIEW, S.APPROVED, S.SIGNED], weights=[2, 5, 3])[0]
    if late < 120:
        return rng.choices([S.APPROVED, S.SIGNED], weights=[2, 8])[0]
    return rng.choices([S.SIGNED, S.ARCHIVED], weights=[4, 6])[0]


# What a remediation is drawn as: (title, description, the finding it answers).
Remedy = tuple[str, str, Finding]


def add_reviews(
    session: Session, rng: random.Random, org: Org, cases: list[Case], anchor: date, now: datetime
) -> tuple[int, int, int]:
    """The reviews of the incidents planned for one, with findings and action items.

    Returns how many reviews, findings and action items were written.
    """
    reviews = _draft_reviews(rng, org, cases, anchor, now)
    session.add_all([r for _, r, _ in reviews])
    session.flush()
    findings, remedies, links = _draft_findings(rng, cases, reviews)
    session.add_all(links)
    session.add_all([f for f, _ in findings])
    session.flush()
    actions = _draft_actions(rng, org, remedies, anchor, now)
    event_links = [
        FindingEventLink(finding_id=stored_id(f.id), event_id=stored_id(e.id))
        for f, events in findings
        for e in events
    ]
    session.add_all(event_links)
    session.add_all([a for a, _ in actions])
    session.flush()
    session.add_all(
        [
            ActionFindingLink(action_id=stored_id(a.id), finding_id=stored_id(f.id))
            for a, f in actions
        ]
    )
    return len(reviews), len(findings), len(actions)


def _draft_reviews(
    rng: random.Random, org: Org, cases: list[Case], anchor: date, now: datetime
) -> list[tuple[Case, Review, list[Member]]]:
    """A review for each case planned for one, with its facilitator, status and attendees."""
    reviewed = [c for c in cases if c.reviewed]
    hour = timedelta(hours=1)
    plans = []
    for case in reviewed:
        resolved = case.times["resolved_at"]
        assert resolved is not None
        full = case.severity.rank <= 2
        created = min(seconds(resolved + hour * rng.uniform(2, 30)), now - hour)
        due = resolved.date() + timedelta(days=5 if full else 10)
        plans.append((case, full, created, due, _review_status(rng, due, anchor)))
    # A postmortem that slipped: the latest one past its due date is still a draft.
    overdue = [i for i, plan in enumerate(plans) if plan[3] < anchor]
    if overdue:
        case, full, created, due, _ = plans[overdue[-1]]
        plans[overdue[-1]] = (case, full, created, due, ReviewStatus.DRAFT)

    reviews: list[tuple[Case, Review, list[Member]]] = []
    for case, full, created, due, status in plans:
        spec = org.specs[case.scenario.service]
        ctx = case.ctx
        candidates = [
            m
            for m in org.members
            if m not in case.participants
            and (m.person.role in (MANAGER_ROLE, "Staff Engineer", "Head of Reliability"))
        ]
        facilitator = rng.choice(candidates)
        approved_at = None
        if status in (ReviewStatus.APPROVED, ReviewStatus.SIGNED, ReviewStatus.ARCHIVED):
            day = due + timedelta(days=rng.randint(-3, 7))
            approved_at = datetime.combine(
                day, time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=UTC
            )
            approved_at = min(max(approved_at, created + timedelta(days=1)), now - hour)
        if status == ReviewStatus.SIGNED and approved_at:
            updated = approved_at + timedelta(days=rng.uniform(0.5, 3))
        elif status == ReviewStatus.ARCHIVED and approved_at:
            updated = approved_at + timedelta(days=rng.uniform(30, 60))
        elif approved_at:
            updated = approved_at
        else:
            updated = created + hour * rng.uniform(1, 240)
        manager = org.manager_of(case.participants[0])
        if full:
            reason = f"{case.severity}: the policy asks for a full postmortem for SEV1 and SEV2."
        elif case.scenario.kind == "external":
            reason = (
                "SEV3 caused by a third party: lightweight summary to record our own workarounds."
            )
        else:
            reason = rng.choice(
                [
                    "SEV3 with customer impact: lightweight summary.",
                    f"SEV3; {manager.person.name} asked for a written summary.",
                    f"SEV3 on a {spec.tier.value} service: lightweight summary.",
                ]
            )
        incident, started, mitigated = (
            case.incident,
            case.times["started_at"],
            case.times["mitigated_at"],
        )
        assert incident is not None and started is not None and mitigated is not None
        minutes = round((mitigated - started).total_seconds() / 60)
        users = incident.users_affected
        impact = f" Impact: {users:,} customers over {minutes} minutes." if users else ""
        review = Review(
            incident_id=stored_id(incident.id),
            tier=ReviewTier.FULL if full else ReviewTier.LIGHTWEIGHT,
            tier_reason=reason,
            status=status,
            facilitator_id=facilitator.person.id,
            due_on=due,
            summary=case.scenario.summary.format_map(ctx) + impact,
            approved_at=approved_at,
            created_at=created,
            updated_at=seconds(min(updated, now - hour)),
        )
        attendees = [*case.participants, facilitator]
        if manager not in attendees:
            attendees.append(manager)
        reviews.append((case, review, attendees))
    return reviews


def _draft_findings(
    rng: random.Random, cases: list[Case], reviews: list[tuple[Case, Review, list[Member]]]
) -> tuple[
    list[tuple[Finding, list[TimelineEvent]]],
    list[tuple[Review, Case, list[Remedy]]],
    list[ReviewAttendee | ReviewIncidentLink],
]:
    """Each review's findings with the events they cite, the remedies wanted, and its links."""
    # Findings, with the events they point at and the factor each remediation answers.
    findings: list[tuple[Finding, list[TimelineEvent]]] = []
    remedies: list[tuple[Review, Case, list[tuple[str, str, Finding]]]] = []
    links: list[ReviewAttendee | ReviewIncidentLink] = []
    for case, review, attendees in reviews:
        links += [
            ReviewAttendee(review_id=stored_id(review.id), person_id=stored_id(m.person.id))
            for m in sorted(
                {id(m): m for m in attendees}.values(), key=lambda m: stored_id(m.person.id)
            )
        ]
        sc, ctx, tagged = case.scenario, case.ctx, case.tagged
        full = review.tier == ReviewTier.FULL
        started, detected = case.times["started_at"], case.times["detected_at"]
        assert started is not None and detected is not None
        items: list[tuple[FindingCategory, str, list[TimelineEvent]]] = [
            (FindingCategory.CONTRIBUTING_FACTOR, sc.factors[0], [tagged["decisive"]]),
        ]
        slow_detection = full and detected - started > timedelta(minutes=8)
        if full:
            items.append((FindingCategory.CONTRIBUTING_FACTOR, sc.factors[1], []))
            if slow_detection:
                items.append(
                    (
                        FindingCategory.CONTRIBUTING_FACTOR,
                        f"Impact began at {started:%H:%M} UTC but the first alert fired at "
                        f"{detected:%H:%M}: the monitor needs a sustained breach before it fires.",
                        [tagged["alert"]],
                    )
                )
        items.append((FindingCategory.WENT_WELL, sc.went_well, [tagged["mitigate"]]))
        if full:
            items.append((FindingCategory.LUCKY, sc.lucky, []))
            if not slow_detection and "comms" in tagged:
                items.append(
                    (
                        FindingCategory.WENT_WELL,
                        "Customer updates went out on the cadence the comms runbook asks for.",
                        [tagged["comms"]],
                    )
                )
        if full or rng.random() < 0.5:
            items.append((FindingCategory.OPEN_QUESTION, sc.question, []))
        made = []
        for position, (category, text, events) in enumerate(items):
            at = review.created_at + timedelta(minutes=5 + 4 * position)
            finding = Finding(
                review_id=stored_id(review.id),
                category=category,
                text=text.format_map(ctx),
                position=position,
                created_at=at,
                updated_at=at,
            )
            findings.append((finding, events))
            made.append(finding)
        wanted = [(*sc.remediations[0], made[0])]
        if full or rng.random() < 0.5:
            wanted.append((*sc.remediations[1], made[1] if full else made[0]))
        if slow_detection:
            wanted.append(
                (
                    f"Fast-burn alert for {ctx['service']}",
                    "Alert on a fast error-budget burn rate so the page goes out within minutes "
                    "of impact, not after a sustained breach.",
                    made[2],
                )
            )
        if full and rng.random() < 0.5:
            wanted.append(
                (
                    f"Add the diagnosis steps from {ctx['ext']} to the {ctx['service']} runbook",
                    "Write down the checks that found the cause, in the order they were useful.",
                    made[0],
                )
            )
        remedies.append((review, case, wanted))
        # Earlier occurrences of the same problem nobody reviewed: this review covers them too.
        if not full:
            for other in cases:
                other_start, this_start = other.times["started_at"], started
                if (
                    other is not case
                    and not other.reviewed
                    and other.scenario is sc
                    and other_start is not None
                    and this_start - timedelta(days=30) < other_start < this_start
                    and other.incident is not None
                ):
                    links.append(
                        ReviewIncidentLink(
                            review_id=stored_id(review.id),
                            incident_id=stored_id(other.incident.id),
                        )
                    )
    return findings, remedies, links


def _draft_actions(
    rng: random.Random,
    org: Org,
    remedies: list[tuple[Review, Case, list[Remedy]]],
    anchor: date,
    now: datetime,
) -> list[tuple[ActionItem, Finding]]:
    """An action item for each remedy, with the finding it answers."""
    hour = timedelta(hours=1)
    prefixes = {name: key for name, _, key in TEAMS}
    counters = {name: rng.randint(120, 420) for name, _, _ in TEAMS}
    actions: list[tuple[ActionItem, Finding]] = []
    for review, case, wanted in remedies:
        spec = org.specs[case.scenario.service]
        team = org.teams[spec.team]
        rotation = org.rotation(spec.team)
        for i, (title, description, finding) in enumerate(wanted):
            created = review.created_at + timedelta(minutes=40 + 3 * i)
            due = created.date() + timedelta(days=rng.randint(14, 45))
            S = ActionStatus
            if review.status == ReviewStatus.DRAFT:
                progress = rng.choices([S.OPEN, S.IN_PROGRESS], weights=[7, 3])[0]
            elif due < anchor:
                progress = rng.choices(
                    [S.DONE, S.OPEN, S.IN_PROGRESS, S.WONT_DO], weights=[55, 20, 18, 7]
                )[0]
            else:
                progress = rng.choices([S.OPEN, S.IN_PROGRESS, S.DONE], weights=[45, 40, 15])[0]
            completed = None
            if progress == S.DONE:
                latest = (due - created.date()).days + 10
                completed = min(
                    seconds(created + timedelta(days=rng.uniform(2, latest))), now - hour
                )
            by_person = rng.random() < 0.65
            key = None
            if rng.random() < 0.7:
                counters[spec.team] += rng.randint(1, 9)
                key = f"{prefixes[spec.team]}-{counters[spec.team]}"
            item = ActionItem(
                review_id=stored_id(review.id),
                title=title.format_map(case.ctx),
                description=description.format_map(case.ctx),
                owner_person_id=rng.choice(rotation).person.id if by_person else None,
                owner_team_id=None if by_person else team.id,
                due_on=due,
                status=progress,
                external_key=key,
                completed_at=completed,
                created_at=created,
            )
            actions.append((item, finding))
    return actions
