"""A demo organisation, so the app opens on something real the first time.

Everything is drawn from one ``random.Random(seed)`` and dated relative to an
``anchor`` day, never the clock: the same seed and anchor give the same rows,
timestamps included, so screenshots, documentation and tests agree.
"""

import json
import math
import random
import shutil
import string
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from irdesk.demo.content import (
    DEFAULT_POLICY_SETTINGS,
    GROWTH_NOTES,
    MANAGER_ROLE,
    MONITOR_NOTES,
    PEOPLE,
    PROCEDURAL_NOTES,
    RECOGNITION_NOTES,
    REGIONS,
    RESPOND_NOTES,
    REVISED_POLICY_SETTINGS,
    SCENARIOS,
    SERVICES,
    TEAMS,
    Scenario,
    ServiceSpec,
)
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
    FeedbackNote,
    Finding,
    FindingEventLink,
    Incident,
    Person,
    Policy,
    PolicyVersion,
    Review,
    ReviewAttendee,
    ReviewIncidentLink,
    Service,
    Team,
    TimelineEvent,
)
from irdesk.storage.database import Database, open_database

DEFAULT_SEED = 2026
SOURCE = "demo"
# RFC 2606 reserves .example: the demo's addresses can never reach a real mailbox.
DOMAIN = "larkspur.example"
WINDOW_DAYS = 182
# Alphabets for tool-style random ids. Without "o", no id can spell a word like "foo" or
# "todo" that would read as placeholder text in a customer's first look at the app.
ID_UPPER = "".join(c for c in string.ascii_uppercase + string.digits if c != "O")
ID_LOWER = "".join(c for c in string.ascii_lowercase + string.digits if c != "o")


@dataclass(frozen=True)
class DemoSummary:
    services: int
    teams: int
    people: int
    incidents: int
    events: int
    reviews: int
    findings: int
    action_items: int
    feedback_notes: int


# Minutes: detect after start, acknowledge after detection, mitigate after acknowledgement,
# resolve after mitigation, verify after resolution. Worse incidents get faster attention.
MEDIANS = {
    Severity.SEV1: (3, 2, 22, 15, 30),
    Severity.SEV2: (4, 3, 28, 20, 30),
    Severity.SEV3: (6, 5, 30, 30, 45),
    Severity.SEV4: (10, 9, 40, 60, 60),
    Severity.SEV5: (15, 14, 55, 120, 60),
}
FLOORS_SECONDS = (30, 20, 180, 120, 300)
EVENTS_PER_SEVERITY = {
    Severity.SEV1: (20, 30),
    Severity.SEV2: (15, 24),
    Severity.SEV3: (10, 17),
    Severity.SEV4: (8, 12),
    Severity.SEV5: (8, 11),
}
USERS_PER_SEVERITY = {
    Severity.SEV1: (20_000, 120_000),
    Severity.SEV2: (5_000, 30_000),
    Severity.SEV3: (500, 8_000),
    Severity.SEV4: (40, 1_500),
    Severity.SEV5: (0, 200),
}
# Which services break at which severity: the tier-3 service is never a SEV1, and the
# tier-1 services, with the most investment, have fewer minor incidents.
SERVICE_WEIGHTS = {
    Severity.SEV1: (45, 45, 10, 0),
    Severity.SEV2: (30, 30, 25, 15),
    Severity.SEV3: (22, 16, 32, 30),
    Severity.SEV4: (18, 14, 34, 34),
    Severity.SEV5: (10, 8, 40, 42),
}


# --- working state ------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # identity: two members are never "equal" people
class _Member:
    person: Person
    short: str
    handle: str
    team: str | None


@dataclass
class _Org:
    teams: dict[str, Team]
    services: dict[str, Service]
    specs: dict[str, ServiceSpec]
    members: list[_Member]

    def team_members(self, team: str) -> list[_Member]:
        return [m for m in self.members if m.team == team]

    def rotation(self, team: str) -> list[_Member]:
        return [m for m in self.team_members(team) if m.person.role != MANAGER_ROLE]

    def manager_of(self, member: _Member) -> _Member:
        """The line manager; managers and people outside a team report to the head of reliability."""
        if member.team is not None and member.person.role != MANAGER_ROLE:
            for m in self.team_members(member.team):
                if m.person.role == MANAGER_ROLE:
                    return m
        return self.head

    @property
    def head(self) -> _Member:
        return next(m for m in self.members if m.team is None)


@dataclass
class _Case:
    """One incident on its way into the database."""

    severity: Severity
    scenario: Scenario
    status: IncidentStatus
    times: dict[str, datetime | None]
    flagged: bool = False
    reviewed: bool = False
    ctx: dict[str, str] = field(default_factory=dict)
    incident: Incident | None = None
    events: list[TimelineEvent] = field(default_factory=list)
    tagged: dict[str, TimelineEvent] = field(default_factory=dict)
    participants: list[_Member] = field(default_factory=list)


def _seconds(value: datetime) -> datetime:
    return value.replace(microsecond=0)


def _lognormal(rng: random.Random, median_minutes: float, floor_seconds: int) -> timedelta:
    # Heavy-tailed like real response times, but capped so one draw cannot last a week.
    minutes = min(rng.lognormvariate(math.log(median_minutes), 0.9), median_minutes * 8)
    return timedelta(seconds=max(floor_seconds, round(minutes * 60)))


def _spread(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` sorted whole-second times strictly inside (start, end) when there is room."""
    span = int((end - start).total_seconds())
    if span < 2:
        return [start for _ in range(count)]
    return sorted(start + timedelta(seconds=rng.randint(1, span - 1)) for _ in range(count))


# --- organisation and policy ------------------------------------------------------


def _add_org(session: Session, origin: datetime) -> _Org:
    teams = {name: Team(name=name, rotation=rotation) for name, rotation, _ in TEAMS}
    session.add_all(teams.values())
    session.flush()
    members = [
        _Member(
            person=Person(
                name=name,
                email=f"{local}@{DOMAIN}",
                team_id=teams[team].id if team else None,
                role=role,
                time_zone=zone,
                hourly_rate=rate,
            ),
            short=short,
            handle=local,
            team=team,
        )
        for name, short, local, team, role, zone, rate in PEOPLE
    ]
    services = {
        spec.name: Service(
            name=spec.name,
            description=spec.description,
            tier=spec.tier,
            slo_target=spec.slo,
            cost_per_minute=spec.cost_per_minute,
            owner_team_id=teams[spec.team].id,
        )
        for spec in SERVICES
    }
    policy = Policy(name="Default", created_at=origin)
    session.add_all([m.person for m in members])
    session.add_all(services.values())
    session.add(policy)
    session.flush()
    session.add(
        PolicyVersion(
            policy_id=policy.id,
            version=1,
            settings_json=json.dumps(DEFAULT_POLICY_SETTINGS, sort_keys=True),
            note="Defaults from the review curriculum, adopted when irdesk was introduced.",
            author="Fatima Al-Sayed",
            created_at=origin,
        )
    )
    # A later change, so that figures and packets show which version they used.
    session.add(
        PolicyVersion(
            policy_id=policy.id,
            version=2,
            settings_json=json.dumps(REVISED_POLICY_SETTINGS, sort_keys=True),
            note="Judge trends as well as thresholds; SEV1 acknowledged within 5 minutes.",
            author="Fatima Al-Sayed",
            created_at=origin + timedelta(days=WINDOW_DAYS // 2),
        )
    )
    return _Org(
        teams=teams,
        services=services,
        specs={spec.name: spec for spec in SERVICES},
        members=members,
    )


# --- incidents ----------------------------------------------------------------


def _durations(
    rng: random.Random, severity: Severity, external: bool, night: bool
) -> list[timedelta]:
    medians = list(MEDIANS[severity])
    if night:
        medians[1] *= 1.8  # phones on the nightstand
    if external:
        medians[2] *= 2  # waiting on a provider before a workaround
    return [_lognormal(rng, m, f) for m, f in zip(medians, FLOORS_SECONDS, strict=True)]


def _closed_times(
    rng: random.Random, severity: Severity, external: bool, now: datetime
) -> dict[str, datetime | None]:
    day = (now - timedelta(days=rng.uniform(4, WINDOW_DAYS))).date()
    # Most incidents follow the working day's deploys; some arrive at night.
    hour = rng.randint(8, 18) if rng.random() < 0.7 else rng.randint(0, 23)
    started = datetime.combine(day, time(hour, rng.randint(0, 59), rng.randint(0, 59)), tzinfo=UTC)
    ttd, tta, ttm, ttr, ttv = _durations(rng, severity, external, hour < 7)
    detected = started + ttd
    acknowledged = detected + tta
    mitigated = acknowledged + ttm
    resolved = mitigated + ttr
    verified = resolved + ttv if rng.random() > 0.08 else None  # not every team verifies
    return {
        "started_at": started,
        "detected_at": detected,
        "acknowledged_at": acknowledged,
        "mitigated_at": mitigated,
        "resolved_at": resolved,
        "verified_at": verified,
    }


def _open_times(
    rng: random.Random, severity: Severity, status: IncidentStatus, now: datetime
) -> dict[str, datetime | None]:
    ttd, tta, ttm, _, _ = _durations(rng, severity, False, False)
    reached, waited = {
        # A triggered incident has waited long enough for the automatic escalation.
        IncidentStatus.TRIGGERED: ([ttd], (17, 45)),
        IncidentStatus.ACKNOWLEDGED: ([ttd, tta], (20, 150)),
        # Mitigated in the evening, kept open overnight to see the fix hold.
        IncidentStatus.MITIGATED: ([ttd, tta, ttm], (120, 480)),
    }[status]
    since = timedelta(minutes=rng.randint(*waited))
    started = _seconds(now - sum(reached, timedelta()) - since)
    names = ["detected_at", "acknowledged_at", "mitigated_at"]
    times: dict[str, datetime | None] = dict.fromkeys(
        ["started_at", *names, "resolved_at", "verified_at"]
    )
    times["started_at"] = started
    moment = started
    for name, delta in zip(names, reached, strict=False):
        moment += delta
        times[name] = moment
    return times


def _plan(rng: random.Random, now: datetime) -> list[_Case]:
    """Decide every incident's severity, times, story and special role, oldest first."""
    total = rng.randint(78, 84)
    open_count = rng.randint(2, 3)
    closed_count = total - open_count
    severities = [Severity.SEV1] * rng.randint(2, 3) + [Severity.SEV2] * rng.randint(6, 8)
    severities += rng.choices(
        [Severity.SEV3, Severity.SEV4, Severity.SEV5],
        weights=[42, 40, 18],
        k=closed_count - len(severities),
    )
    rng.shuffle(severities)
    by_kind: dict[str, list[Scenario]] = {"internal": [], "external": [], "tech_debt": []}
    for scenario in SCENARIOS:
        by_kind[scenario.kind].append(scenario)

    indices = range(closed_count)
    external = rng.sample([i for i in indices if severities[i].rank <= 3], rng.randint(3, 5))
    tech_debt = rng.sample(
        [i for i in indices if severities[i].rank >= 4 and i not in external], rng.randint(1, 2)
    )
    special: dict[int, Scenario] = dict(
        zip(external, rng.sample(by_kind["external"], len(external)), strict=True)
    )
    special |= dict(zip(tech_debt, rng.sample(by_kind["tech_debt"], len(tech_debt)), strict=True))
    closed = sorted(
        (
            (_closed_times(rng, severity, i in external, now), severity, special.get(i))
            for i, severity in enumerate(severities)
        ),
        key=lambda item: item[0]["started_at"] or now,
    )

    # Every SEV1 and SEV2 is reviewed, and some SEV3s: a couple of recent ones, so the
    # review list has work in progress as well as history.
    reviewed = {i for i, (_, severity, _) in enumerate(closed) if severity.rank <= 2}
    sev3 = [i for i, (_, severity, _) in enumerate(closed) if severity == Severity.SEV3]
    recent = sev3[-6:]
    picked = rng.sample(recent, min(2, len(recent)))
    picked += rng.sample([i for i in sev3 if i not in picked], rng.randint(2, 4))
    reviewed |= set(picked)
    ordinary = [
        i
        for i, (_, severity, scenario) in enumerate(closed)
        if i not in reviewed and scenario is None and severity.rank >= 3
    ]
    flagged = set(rng.sample(ordinary, rng.randint(1, 2)))

    service_names = [spec.name for spec in SERVICES]
    # Reviewed incidents get stories of their own, so no two reviews read the same.
    unused = list(by_kind["internal"])

    def internal(severity: Severity, distinct: bool) -> Scenario:
        service = rng.choices(service_names, weights=SERVICE_WEIGHTS[severity])[0]
        choices = [s for s in by_kind["internal"] if s.service == service]
        if distinct:
            allowed = [
                s for s in unused if SERVICE_WEIGHTS[severity][service_names.index(s.service)]
            ]
            fresh = [s for s in unused if s.service == service] or allowed or choices
            choice = rng.choice(fresh)
            if choice in unused:
                unused.remove(choice)
            return choice
        return rng.choice(choices)

    cases = [
        _Case(
            severity=severity,
            scenario=scenario or internal(severity, i in reviewed),
            status=IncidentStatus.RESOLVED,
            times=times,
            flagged=i in flagged,
            reviewed=i in reviewed,
        )
        for i, (times, severity, scenario) in enumerate(closed)
    ]
    states = (
        [IncidentStatus.MITIGATED, IncidentStatus.ACKNOWLEDGED, IncidentStatus.TRIGGERED]
        if open_count == 3
        else rng.choice(
            [
                [IncidentStatus.MITIGATED, IncidentStatus.ACKNOWLEDGED],
                [IncidentStatus.ACKNOWLEDGED, IncidentStatus.TRIGGERED],
            ]
        )
    )
    for status in states:
        severity = rng.choice([Severity.SEV3, Severity.SEV4])
        cases.append(
            _Case(
                severity=severity,
                scenario=internal(severity, False),
                status=status,
                times=_open_times(rng, severity, status, now),
            )
        )
    cases.sort(key=lambda c: c.times["started_at"] or now)
    return cases


def _context(rng: random.Random, case: _Case, org: _Org, number: int) -> dict[str, str]:
    spec = org.specs[case.scenario.service]
    started = case.times["started_at"]
    assert started is not None
    release = rng.randint(2, 4)
    low, high = case.scenario.n_range
    return {
        "ext": f"INC-{number}",
        "service": spec.name,
        "component": spec.component,
        "rotation": next(rot for name, rot, _ in TEAMS if name == spec.team),
        "region": rng.choice(REGIONS),
        "deploy": f"{started:%Y.%m.%d}-{release}",
        "prev_deploy": f"{started:%Y.%m.%d}-{release - 1}",
        "p99": f"{rng.uniform(2.4, 9.5):.1f}",
        "pct": f"{rng.uniform(2.5, 38.0):.1f}",
        "n": str(rng.randint(low, high)),
        "host": f"{spec.host_prefix}{rng.randint(1, 6)}",
        "start": f"{started:%H:%M}",
        "domain": DOMAIN,
        "tickets": str(rng.randint(3, 60)),
    }


def _participants(rng: random.Random, case: _Case, org: _Org) -> list[_Member]:
    team = org.specs[case.scenario.service].team
    rotation = org.rotation(team)
    started = case.times["started_at"]
    assert started is not None
    week = started.isocalendar().week
    primary = rotation[week % len(rotation)]
    if rng.random() < 0.15:  # shift swaps happen
        primary = rng.choice(rotation)
    secondary = rotation[(rotation.index(primary) + 1) % len(rotation)]
    people = [primary, secondary]
    if case.severity.rank >= 4 and rng.random() < 0.5:
        people = [primary]
    if case.severity.rank <= 2:
        others = [
            m for m in org.members if m.team not in (team, None) and m.person.role != MANAGER_ROLE
        ]
        people.append(rng.choice(others))
    if case.severity == Severity.SEV1:
        people += [org.manager_of(primary), org.head]
    return people


class _Timeline:
    """Collects one incident's events from every source, then orders and keys them."""

    def __init__(self, rng: random.Random, ctx: dict[str, str]) -> None:
        self.rng = rng
        self.ctx = ctx
        self.items: list[TimelineEvent] = []
        self.tagged: dict[str, TimelineEvent] = {}

    def add(
        self,
        at: datetime,
        kind: EventKind,
        source: str,
        text: str,
        actor: _Member | None = None,
        *,
        actor_name: str | None = None,
        key: bool = False,
        tag: str | None = None,
        other: _Member | None = None,
    ) -> None:
        if actor is not None:
            actor_name = actor.handle if source == "slack" else actor.person.name
        values = dict(self.ctx, other=(other or actor).short if (other or actor) else "")
        event = TimelineEvent(
            incident_id=0,
            occurred_at=at,
            kind=kind,
            source=source,
            actor_person_id=actor.person.id if actor else None,
            actor_name=actor_name,
            text=text.format_map(values),
            is_key_moment=key,
        )
        self.items.append(event)
        if tag is not None:
            self.tagged.setdefault(tag, event)

    def finish(self) -> list[TimelineEvent]:
        self.items.sort(key=lambda e: e.occurred_at)  # stable: same-second events keep their order
        used: set[tuple[str, str]] = set()
        for event in self.items:
            while True:
                key = self._external_id(event)
                if (event.source, key) not in used:
                    break
            used.add((event.source, key))
            event.external_id = key
        return self.items

    def _external_id(self, event: TimelineEvent) -> str:
        rng, epoch = self.rng, int(event.occurred_at.timestamp())
        if event.source == "datadog":
            return str(rng.randrange(10**18, 10**19))
        if event.source == "prometheus":
            return f"{rng.getrandbits(64):016x}:{epoch}"
        if event.source == "pagerduty":
            return "R" + "".join(rng.choices(ID_UPPER, k=25))
        if event.source == "slack":
            return f"{epoch}.{rng.randrange(10**6):06d}"
        return "".join(rng.choices(ID_LOWER, k=12))


def _draft_timeline(rng: random.Random, case: _Case, org: _Org, now: datetime) -> None:
    t = case.times
    started, detected = t["started_at"], t["detected_at"]
    assert started is not None and detected is not None
    acknowledged, mitigated, resolved, verified = (
        t["acknowledged_at"],
        t["mitigated_at"],
        t["resolved_at"],
        t["verified_at"],
    )
    sc, ctx, spec = case.scenario, case.ctx, org.specs[case.scenario.service]
    people = case.participants
    primary, secondary = people[0], people[1] if len(people) > 1 else people[0]
    line = _Timeline(rng, ctx)
    tool = "Datadog" if sc.alert_source == "datadog" else "Alertmanager"
    firing = "[Triggered] " if sc.alert_source == "datadog" else "FIRING: "
    warning = "[Warn] " if sc.alert_source == "datadog" else "FIRING (warning): "
    minute = timedelta(minutes=1)

    # Detection and paging.
    if case.severity.rank <= 3 and detected - started > 2 * minute and rng.random() < 0.5:
        at = started + (detected - started) * rng.uniform(0.3, 0.8)
        line.add(
            _seconds(at), EventKind.ALERT, sc.alert_source, warning + sc.alert, actor_name=tool
        )
    line.add(
        detected,
        EventKind.ALERT,
        sc.alert_source,
        firing + sc.alert,
        actor_name=tool,
        key=True,
        tag="alert",
    )
    line.add(
        detected + timedelta(seconds=rng.randint(5, 40)),
        EventKind.PAGE,
        "pagerduty",
        f"Notified {primary.person.name} via push and SMS ({ctx['rotation']}, level 1)",
        primary,  # as the PagerDuty importer does: a page's actor is the person paged
    )
    waited_until = acknowledged or now
    if waited_until - detected > 5 * minute:
        line.add(
            detected + 5 * minute,
            EventKind.PAGE,
            "pagerduty",
            f"Notified {primary.person.name} by phone call (not acknowledged after 5 minutes)",
            primary,
        )
    if waited_until - detected > 15 * minute:
        line.add(
            detected + 15 * minute,
            EventKind.ESCALATE,
            "pagerduty",
            f"Escalated to level 2: {secondary.person.name} (not acknowledged within 15 minutes)",
            actor_name="PagerDuty",
            key=acknowledged is None,
            tag="escalate",
        )
    if acknowledged is not None:
        line.add(
            acknowledged,
            EventKind.ACKNOWLEDGE,
            "pagerduty",
            f"Acknowledged by {primary.person.name}",
            primary,
            key=mitigated is None,
        )

    # Working the problem, in Slack.
    work_start = acknowledged or detected + 15 * minute
    work_end = mitigated or now - minute
    working = [primary] + [p for p in people[1:] if p is not org.head]
    if acknowledged is None:
        working = [secondary]  # only the escalation has reached someone so far
    # Helpers from other teams advise; the owning team changes its own service.
    owners = [p for p in working if p.team == spec.team] or working
    if case.severity.rank <= 2:
        helper = people[2]
        at = _spread(rng, work_start, work_start + (work_end - work_start) / 3, 1)[0]
        line.add(
            at,
            EventKind.ESCALATE,
            "pagerduty",
            f"Escalated to {helper.person.name} ({next(r for n, r, _ in TEAMS if n == helper.team)})",
            primary,
            tag="escalate",
        )
    if case.severity == Severity.SEV1:
        at = _spread(rng, work_start, work_start + (work_end - work_start) / 4, 1)[0]
        line.add(
            at,
            EventKind.NOTE,
            "slack",
            "I'm incident commander for this one. {other}, keep driving the fix; I'll run comms with support.",
            org.head,
            other=primary,
        )
    notes = list(sc.notes) if acknowledged is not None else list(sc.notes[:1])
    for at, text in zip(
        _spread(rng, work_start, work_start + (work_end - work_start) * 0.75, len(notes)),
        notes,
        strict=True,
    ):
        line.add(at, EventKind.NOTE, "slack", text, rng.choice(working), other=primary)
    actions = list(sc.actions)
    if mitigated is not None:
        decisive_at = _seconds(max(work_start + minute / 2, mitigated - minute * rng.uniform(1, 8)))
        earlier = _spread(
            rng, work_start + (work_end - work_start) / 2, decisive_at, len(actions) - 1
        )
        for at, text in zip(earlier, actions[:-1], strict=True):
            line.add(at, EventKind.ACTION, "slack", text, rng.choice(owners))
        fixer = rng.choice(owners)
        line.add(
            decisive_at,
            EventKind.ACTION,
            "slack",
            actions[-1],
            fixer,
            key=case.severity.rank <= 2,
            tag="decisive",
        )
        line.add(
            mitigated, EventKind.MITIGATE, "slack", sc.mitigation, fixer, key=True, tag="mitigate"
        )
    elif acknowledged is not None and len(actions) > 1:
        at = _spread(rng, work_start + (work_end - work_start) / 2, work_end, 1)[0]
        line.add(at, EventKind.ACTION, "slack", actions[0], primary)

    # Telling customers (status page) or support (Slack).
    public = case.severity.rank <= 2 or (case.severity.rank == 3 and spec.tier != ServiceTier.TIER3)
    impact = "major outage" if case.severity == Severity.SEV1 else "partial outage"
    name = spec.component.lower()
    # (time, phase, component status, message)
    phases: list[tuple[datetime, str, str, str]] = []
    first_update = detected + minute * rng.uniform(6, 15)
    if first_update < work_end:
        phases.append(
            (
                first_update,
                "Investigating",
                impact,
                f"We are seeing {spec.problem}. Some customers may be unable to {spec.cannot}. "
                "We are investigating and will post an update within 30 minutes.",
            )
        )
    if mitigated is not None and acknowledged is not None:
        phases.append(
            (
                acknowledged + (mitigated - acknowledged) * rng.uniform(0.5, 0.8),
                "Identified",
                impact,
                f"We have identified the cause of the {name} issue and are applying a fix.",
            )
        )
        phases.append(
            (
                mitigated + minute * rng.uniform(1, 5),
                "Monitoring",
                "degraded performance",
                f"A fix has been applied and we are seeing recovery for {name}. "
                "We are monitoring the results.",
            )
        )
    if resolved is not None:
        phases.append(
            (
                resolved + minute * rng.uniform(1, 10),
                "Resolved",
                "operational",
                f"This incident has been resolved and service for {name} is back to normal. "
                "We apologise for the disruption.",
            )
        )
    comms = people[-1] if case.severity == Severity.SEV1 else secondary
    if public:
        for at, phase, status, message in phases:
            line.add(
                _seconds(at),
                EventKind.STATUS_CHANGE,
                "statuspage",
                f"Incident status set to {phase}; {spec.component}: {status}",
                actor_name="Statuspage",
            )
            line.add(
                _seconds(at) + timedelta(seconds=rng.randint(2, 20)),
                EventKind.COMMUNICATION,
                "statuspage",
                f"{phase} — {message}",
                actor_name="Statuspage",
                tag="comms",
            )
    elif phases:
        line.add(
            _seconds(phases[0][0]),
            EventKind.COMMUNICATION,
            "slack",
            f"Posted to #support-escalations: {name} affected since {{start}} UTC, we're on it, "
            "next update in 30 minutes.",
            comms,
            tag="comms",
        )
        if mitigated is not None:
            line.add(
                _seconds(mitigated + minute * rng.uniform(2, 6)),
                EventKind.COMMUNICATION,
                "slack",
                f"Posted to #support-escalations: {name} has recovered, no customer action needed.",
                comms,
            )

    if resolved is not None:
        line.add(
            resolved, EventKind.RESOLVE, "pagerduty", f"Resolved by {primary.person.name}", primary
        )
    if verified is not None and resolved is not None:
        stable = int((verified - resolved).total_seconds() // 60)
        line.add(
            verified,
            EventKind.VERIFY,
            "slack",
            f"verified: {spec.name} stable for {stable} minutes since resolving, errors and "
            "latency at baseline",
            primary,
        )

    # Filler chat up to a realistic volume for the severity.
    low, high = EVENTS_PER_SEVERITY[case.severity]
    extra = max(0, rng.randint(low, high) - len(line.items))
    if mitigated is not None:
        watch_end = resolved or now - minute
        monitoring = min(extra, rng.randint(1, 2))
        for at, text in zip(
            _spread(rng, mitigated, watch_end, monitoring),
            rng.sample(MONITOR_NOTES, monitoring),
            strict=True,
        ):
            line.add(at, EventKind.NOTE, "slack", text, rng.choice(working))
        extra -= monitoring
    pool = RESPOND_NOTES
    if acknowledged is None:  # nobody else has joined yet to be spoken to
        pool = tuple(text for text in RESPOND_NOTES if "{other}" not in text)
    chatter = rng.sample(pool, min(extra, len(pool)))
    for at, text in zip(_spread(rng, work_start, work_end, len(chatter)), chatter, strict=True):
        speaker = rng.choice(working)
        buddy = next((p for p in people if p is not speaker), org.manager_of(speaker))
        line.add(at, EventKind.NOTE, "slack", text, speaker, other=buddy)

    case.events = line.finish()
    case.tagged = line.tagged


def _build_incident(rng: random.Random, case: _Case, org: _Org) -> Incident:
    t, ctx, spec = case.times, case.ctx, org.specs[case.scenario.service]
    started, detected, mitigated = t["started_at"], t["detected_at"], t["mitigated_at"]
    assert started is not None and detected is not None
    low, high = USERS_PER_SEVERITY[case.severity]
    users = rng.randint(low, high) if case.status != IncidentStatus.TRIGGERED else None
    minutes = (mitigated - started).total_seconds() / 60 if mitigated else None
    resolved = t["resolved_at"]
    if case.flagged:
        # Someone closed the ticket by hand and typed the wrong time: kept as the source said.
        resolved = detected - timedelta(minutes=rng.randint(20, 300))
    customer = case.severity
    if spec.tier != ServiceTier.TIER1 and case.severity != Severity.SEV5 and rng.random() < 0.5:
        customer = Severity(f"SEV{case.severity.rank + 1}")
    if minutes is not None:
        summary = f"{spec.component} was affected for {round(minutes)} minutes" + (
            f"; about {users:,} customers were affected." if users else "."
        )
    else:
        summary = "Investigation ongoing; customer impact is still being assessed."
    return Incident(
        source=SOURCE,
        external_id=ctx["ext"],
        title=rng.choice(case.scenario.titles).format_map(ctx),
        summary=summary,
        service_id=org.services[spec.name].id,
        severity=case.severity,
        severity_raw=f"P{case.severity.rank}",
        customer_severity=customer,
        status=case.status,
        started_at=started,
        detected_at=detected,
        acknowledged_at=t["acknowledged_at"],
        mitigated_at=mitigated,
        resolved_at=resolved,
        verified_at=t["verified_at"],
        users_affected=users,
        downtime_cost=round(minutes * spec.cost_per_minute, 2) if minutes is not None else None,
        external_cause=case.scenario.kind == "external",
        approved_tech_debt=case.scenario.kind == "tech_debt",
        # Card payments and large checkout outages are reportable in our markets.
        regulatory_exposure=(spec.name == "payments-gateway" and case.severity.rank <= 3)
        or (spec.name == "checkout-api" and case.severity == Severity.SEV1),
        created_at=detected,
        updated_at=max(e.occurred_at for e in case.events),
    )


# --- reviews, findings, action items ----------------------------------------------


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


def _add_reviews(
    session: Session, rng: random.Random, org: _Org, cases: list[_Case], anchor: date, now: datetime
) -> tuple[int, int, int]:
    reviewed = [c for c in cases if c.reviewed]
    hour = timedelta(hours=1)
    plans = []
    for case in reviewed:
        resolved = case.times["resolved_at"]
        assert resolved is not None
        full = case.severity.rank <= 2
        created = min(_seconds(resolved + hour * rng.uniform(2, 30)), now - hour)
        due = resolved.date() + timedelta(days=5 if full else 10)
        plans.append((case, full, created, due, _review_status(rng, due, anchor)))
    # A postmortem that slipped: the latest one past its due date is still a draft.
    overdue = [i for i, plan in enumerate(plans) if plan[3] < anchor]
    if overdue:
        case, full, created, due, _ = plans[overdue[-1]]
        plans[overdue[-1]] = (case, full, created, due, ReviewStatus.DRAFT)

    reviews: list[tuple[_Case, Review, list[_Member]]] = []
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
            incident_id=incident.id,
            tier=ReviewTier.FULL if full else ReviewTier.LIGHTWEIGHT,
            tier_reason=reason,
            status=status,
            facilitator_id=facilitator.person.id,
            due_on=due,
            summary=case.scenario.summary.format_map(ctx) + impact,
            approved_at=approved_at,
            created_at=created,
            updated_at=_seconds(min(updated, now - hour)),
        )
        attendees = [*case.participants, facilitator]
        if manager not in attendees:
            attendees.append(manager)
        reviews.append((case, review, attendees))
    session.add_all([r for _, r, _ in reviews])
    session.flush()

    # Findings, with the events they point at and the factor each remediation answers.
    findings: list[tuple[Finding, list[TimelineEvent]]] = []
    remedies: list[tuple[Review, _Case, list[tuple[str, str, Finding]]]] = []
    links: list[ReviewAttendee | ReviewIncidentLink] = []
    for case, review, attendees in reviews:
        links += [
            ReviewAttendee(review_id=review.id, person_id=m.person.id)
            for m in sorted({id(m): m for m in attendees}.values(), key=lambda m: m.person.id or 0)
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
                review_id=review.id,
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
                        ReviewIncidentLink(review_id=review.id, incident_id=other.incident.id)
                    )
    session.add_all(links)
    session.add_all([f for f, _ in findings])
    session.flush()

    prefixes = {name: key for name, _, key in TEAMS}
    counters = {name: rng.randint(120, 420) for name, _, _ in TEAMS}
    actions: list[tuple[ActionItem, Finding]] = []
    event_links = [
        FindingEventLink(finding_id=f.id, event_id=e.id) for f, events in findings for e in events
    ]
    for review, case, wanted in remedies:
        spec = org.specs[case.scenario.service]
        team = org.teams[spec.team]
        rotation = org.rotation(spec.team)
        for i, (title, description, finding) in enumerate(wanted):
            created = review.created_at + timedelta(minutes=40 + 3 * i)
            due = created.date() + timedelta(days=rng.randint(14, 45))
            S = ActionStatus
            if review.status == ReviewStatus.DRAFT:
                status = rng.choices([S.OPEN, S.IN_PROGRESS], weights=[7, 3])[0]
            elif due < anchor:
                status = rng.choices(
                    [S.DONE, S.OPEN, S.IN_PROGRESS, S.WONT_DO], weights=[55, 20, 18, 7]
                )[0]
            else:
                status = rng.choices([S.OPEN, S.IN_PROGRESS, S.DONE], weights=[45, 40, 15])[0]
            completed = None
            if status == S.DONE:
                latest = (due - created.date()).days + 10
                completed = min(
                    _seconds(created + timedelta(days=rng.uniform(2, latest))), now - hour
                )
            by_person = rng.random() < 0.65
            key = None
            if rng.random() < 0.7:
                counters[spec.team] += rng.randint(1, 9)
                key = f"{prefixes[spec.team]}-{counters[spec.team]}"
            item = ActionItem(
                review_id=review.id,
                title=title.format_map(case.ctx),
                description=description.format_map(case.ctx),
                owner_person_id=rng.choice(rotation).person.id if by_person else None,
                owner_team_id=None if by_person else team.id,
                due_on=due,
                status=status,
                external_key=key,
                completed_at=completed,
                created_at=created,
            )
            actions.append((item, finding))
    session.add_all(event_links)
    session.add_all([a for a, _ in actions])
    session.flush()
    session.add_all([ActionFindingLink(action_id=a.id, finding_id=f.id) for a, f in actions])
    return len(reviews), len(findings), len(actions)


def _feedback_notes(
    rng: random.Random, org: _Org, cases: list[_Case], now: datetime
) -> list[FeedbackNote]:
    pairs = [
        (case, member)
        for case in cases
        if case.reviewed
        for member in case.participants
        if member is not org.head
    ]
    count = rng.randint(12, 18)
    chosen = rng.sample(pairs, min(count, len(pairs)))
    chosen.sort(key=lambda pair: (pair[0].times["started_at"] or now, pair[1].person.id or 0))
    kinds = [FeedbackKind.PROCEDURAL_COMPLIANCE] * rng.randint(3, 5)
    kinds += [FeedbackKind.GROWTH] * rng.randint(3, 5)
    kinds += [FeedbackKind.RECOGNITION] * (len(chosen) - len(kinds))
    rng.shuffle(kinds)
    recognition = rng.randrange(len(RECOGNITION_NOTES))
    growth = rng.randrange(len(GROWTH_NOTES))
    procedural = 0  # in order, so both justified and unjustified deviations appear
    notes = []
    for (case, member), kind in zip(chosen, kinds, strict=True):
        acknowledged, detected = case.times["acknowledged_at"], case.times["detected_at"]
        assert acknowledged is not None and detected is not None
        other = next((p for p in case.participants if p is not member), org.manager_of(member))
        values = dict(
            case.ctx,
            other=other.short,
            tta=str(max(1, round((acknowledged - detected).total_seconds() / 60))),
        )
        justified = None
        if kind == FeedbackKind.RECOGNITION:
            text = RECOGNITION_NOTES[recognition % len(RECOGNITION_NOTES)]
            recognition += 1
        elif kind == FeedbackKind.GROWTH:
            text = GROWTH_NOTES[growth % len(GROWTH_NOTES)]
            growth += 1
            # A quick acknowledgement is no growth area: take the next note instead.
            if "{tta}" in text and int(values["tta"]) < 10:
                text = GROWTH_NOTES[growth % len(GROWTH_NOTES)]
                growth += 1
        else:
            text, justified = PROCEDURAL_NOTES[procedural % len(PROCEDURAL_NOTES)]
            procedural += 1
        resolved = case.times["resolved_at"]
        assert resolved is not None
        at = min(_seconds(resolved + timedelta(days=rng.uniform(1, 6))), now - timedelta(hours=1))
        assert case.incident is not None
        notes.append(
            FeedbackNote(
                person_id=member.person.id,
                author_id=org.manager_of(member).person.id,
                incident_id=case.incident.id,
                kind=kind,
                text=text.format_map(values),
                deviation_justified=justified,
                created_at=at,
                updated_at=at,
            )
        )
    return notes


# --- entry points ---------------------------------------------------------------


def generate_demo(db: Database, *, seed: int = DEFAULT_SEED, anchor: date) -> DemoSummary:
    """Fill an empty, freshly created database with the demo organisation, in one transaction.

    `anchor` is "today" for the data: incidents fall in the six months before it.
    Raises ValueError if the database already holds incidents.
    """
    rng = random.Random(seed)
    now = datetime.combine(anchor, time.min, tzinfo=UTC)
    with db.transaction() as session:
        existing = session.exec(select(func.count()).select_from(Incident)).one()
        if existing:
            raise ValueError(
                f"{db.path} already holds {existing} incidents; the demo organisation only goes "
                "into a new, empty database."
            )
        org = _add_org(session, now - timedelta(days=WINDOW_DAYS + 14))
        cases = _plan(rng, now)
        number = rng.randint(1000, 1040)
        for case in cases:
            number += rng.randint(1, 4)  # other services' incidents share the numbering
            case.ctx = _context(rng, case, org, number)
            case.participants = _participants(rng, case, org)
            _draft_timeline(rng, case, org, now)
            case.incident = _build_incident(rng, case, org)
        session.add_all([c.incident for c in cases if c.incident])
        session.flush()
        events = []
        for case in cases:
            assert case.incident is not None
            for event in case.events:
                event.incident_id = case.incident.id  # not yet in the session: no update issued
            events += case.events
        session.add_all(events)
        session.flush()
        reviews, findings, actions = _add_reviews(session, rng, org, cases, anchor, now)
        notes = _feedback_notes(rng, org, cases, now)
        session.add_all(notes)
    return DemoSummary(
        services=len(org.services),
        teams=len(org.teams),
        people=len(org.members),
        incidents=len(cases),
        events=len(events),
        reviews=reviews,
        findings=findings,
        action_items=actions,
        feedback_notes=len(notes),
    )


def _companions(path: Path) -> list[Path]:
    return [Path(f"{path}-wal"), Path(f"{path}-shm")]


def write_demo(
    path: Path, *, seed: int = DEFAULT_SEED, anchor: date, overwrite: bool = False
) -> DemoSummary:
    """Create a new demo database at `path`; the file appears complete or not at all.

    Raises FileExistsError if `path` exists and `overwrite` is false.
    """
    path = Path(path).expanduser().resolve()
    if path.exists() and not overwrite:
        raise FileExistsError(
            f"{path} already exists; choose another file or allow overwriting it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # A private folder next to the target: same file system, so the final rename is atomic,
    # and the temporary database's own -wal/-shm files stay inside it.
    scratch = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        draft = scratch / path.name
        db = open_database(draft)
        try:
            summary = generate_demo(db, seed=seed, anchor=anchor)
        finally:
            db.close()
        if any(p.exists() for p in _companions(draft)):
            raise RuntimeError(f"{draft} still has its write-ahead log after closing")
        if path.exists() and not overwrite:
            raise FileExistsError(
                f"{path} appeared while the demo was being written; it was left untouched."
            )
        # A stale log next to the target would be replayed into the new file.
        for leftover in _companions(path):
            leftover.unlink(missing_ok=True)
        draft.replace(path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return summary
