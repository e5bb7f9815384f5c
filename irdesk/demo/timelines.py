"""Each demo incident's timeline, told by every tool that saw it: alerts, pages, chat, status page."""

import random
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from irdesk.demo.organisation import TEAMS, ServiceSpec
from irdesk.demo.times import seconds, spread
from irdesk.demo.wording import MONITOR_NOTES, RESPOND_NOTES
from irdesk.demo.working_state import Case, Member, Org
from irdesk.domain.enums import EventKind, ServiceTier, Severity
from irdesk.domain.models import TimelineEvent

# Alphabets for tool-style random ids. Without "o", no id can spell a word like "foo" or
# "todo" that would read as placeholder text in a customer's first look at the app.
ID_UPPER = "".join(c for c in string.ascii_uppercase + string.digits if c != "O")
ID_LOWER = "".join(c for c in string.ascii_lowercase + string.digits if c != "o")
EVENTS_PER_SEVERITY = {
    Severity.SEV1: (20, 30),
    Severity.SEV2: (15, 24),
    Severity.SEV3: (10, 17),
    Severity.SEV4: (8, 12),
    Severity.SEV5: (8, 11),
}


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
        actor: Member | None = None,
        *,
        actor_name: str | None = None,
        key: bool = False,
        tag: str | None = None,
        other: Member | None = None,
    ) -> None:
        if actor is not None:
            actor_name = actor.handle if source == "slack" else actor.person.name
        addressed = other or actor
        values = dict(self.ctx, other=addressed.short if addressed else "")
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


MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class _Story:
    """What every part of one incident's timeline is told from."""

    case: Case
    org: Org
    now: datetime
    spec: ServiceSpec
    started: datetime
    detected: datetime
    acknowledged: datetime | None
    mitigated: datetime | None
    resolved: datetime | None
    verified: datetime | None
    people: list[Member]
    primary: Member
    secondary: Member
    # While the problem is worked on in Slack, and who is there to work on it.
    work_start: datetime
    work_end: datetime
    working: list[Member]


def _story(case: Case, org: Org, now: datetime) -> _Story:
    t = case.times
    started, detected = t["started_at"], t["detected_at"]
    assert started is not None and detected is not None
    acknowledged, mitigated = t["acknowledged_at"], t["mitigated_at"]
    people = case.participants
    primary, secondary = people[0], people[1] if len(people) > 1 else people[0]
    working = [primary] + [p for p in people[1:] if p is not org.head]
    if acknowledged is None:
        working = [secondary]  # only the escalation has reached someone so far
    return _Story(
        case=case,
        org=org,
        now=now,
        spec=org.specs[case.scenario.service],
        started=started,
        detected=detected,
        acknowledged=acknowledged,
        mitigated=mitigated,
        resolved=t["resolved_at"],
        verified=t["verified_at"],
        people=people,
        primary=primary,
        secondary=secondary,
        work_start=acknowledged or detected + 15 * MINUTE,
        work_end=mitigated or now - MINUTE,
        working=working,
    )


def draft_timeline(rng: random.Random, case: Case, org: Org, now: datetime) -> None:
    """Tell the incident as its tools would have recorded it, in `case.events`.

    The parts are told in a fixed order, each drawing from `rng` in turn.
    """
    story = _story(case, org, now)
    line = _Timeline(rng, case.ctx)
    _detect_and_page(rng, line, story)
    _work_the_problem(rng, line, story)
    _tell_customers(rng, line, story)
    _resolve_and_verify(line, story)
    _chat_to_volume(rng, line, story)
    case.events = line.finish()
    case.tagged = line.tagged


def _detect_and_page(rng: random.Random, line: _Timeline, story: _Story) -> None:
    sc, severity = story.case.scenario, story.case.severity
    started, detected, acknowledged = story.started, story.detected, story.acknowledged
    primary, secondary = story.primary, story.secondary
    tool = "Datadog" if sc.alert_source == "datadog" else "Alertmanager"
    firing = "[Triggered] " if sc.alert_source == "datadog" else "FIRING: "
    warning = "[Warn] " if sc.alert_source == "datadog" else "FIRING (warning): "
    if severity.rank <= 3 and detected - started > 2 * MINUTE and rng.random() < 0.5:
        at = started + (detected - started) * rng.uniform(0.3, 0.8)
        line.add(seconds(at), EventKind.ALERT, sc.alert_source, warning + sc.alert, actor_name=tool)
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
        f"Notified {primary.person.name} via push and SMS ({story.case.ctx['rotation']}, level 1)",
        primary,  # as the PagerDuty importer does: a page's actor is the person paged
    )
    waited_until = acknowledged or story.now
    if waited_until - detected > 5 * MINUTE:
        line.add(
            detected + 5 * MINUTE,
            EventKind.PAGE,
            "pagerduty",
            f"Notified {primary.person.name} by phone call (not acknowledged after 5 minutes)",
            primary,
        )
    if waited_until - detected > 15 * MINUTE:
        line.add(
            detected + 15 * MINUTE,
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
            key=story.mitigated is None,
        )


def _work_the_problem(rng: random.Random, line: _Timeline, story: _Story) -> None:
    """In Slack: helpers, notes, the actions tried and the one that mitigated it."""
    case, sc, org = story.case, story.case.scenario, story.org
    primary, working, mitigated = story.primary, story.working, story.mitigated
    work_start, work_end = story.work_start, story.work_end
    # Helpers from other teams advise; the owning team changes its own service.
    owners = [p for p in working if p.team == story.spec.team] or working
    if case.severity.rank <= 2:
        helper = story.people[2]
        at = spread(rng, work_start, work_start + (work_end - work_start) / 3, 1)[0]
        line.add(
            at,
            EventKind.ESCALATE,
            "pagerduty",
            f"Escalated to {helper.person.name} ({next(r for n, r, _ in TEAMS if n == helper.team)})",
            primary,
            tag="escalate",
        )
    if case.severity == Severity.SEV1:
        at = spread(rng, work_start, work_start + (work_end - work_start) / 4, 1)[0]
        line.add(
            at,
            EventKind.NOTE,
            "slack",
            "I'm incident commander for this one. {other}, keep driving the fix; I'll run comms with support.",
            org.head,
            other=primary,
        )
    notes = list(sc.notes) if story.acknowledged is not None else list(sc.notes[:1])
    for at, text in zip(
        spread(rng, work_start, work_start + (work_end - work_start) * 0.75, len(notes)),
        notes,
        strict=True,
    ):
        line.add(at, EventKind.NOTE, "slack", text, rng.choice(working), other=primary)
    actions = list(sc.actions)
    if mitigated is not None:
        decisive_at = seconds(max(work_start + MINUTE / 2, mitigated - MINUTE * rng.uniform(1, 8)))
        earlier = spread(
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
    elif story.acknowledged is not None and len(actions) > 1:
        at = spread(rng, work_start + (work_end - work_start) / 2, work_end, 1)[0]
        line.add(at, EventKind.ACTION, "slack", actions[0], primary)


def _tell_customers(rng: random.Random, line: _Timeline, story: _Story) -> None:
    """Updates on the status page for what customers notice; a note to support otherwise."""
    severity, spec = story.case.severity, story.spec
    acknowledged, mitigated, resolved = story.acknowledged, story.mitigated, story.resolved
    public = severity.rank <= 2 or (severity.rank == 3 and spec.tier != ServiceTier.TIER3)
    impact = "major outage" if severity == Severity.SEV1 else "partial outage"
    name = spec.component.lower()
    # (time, phase, component status, message)
    phases: list[tuple[datetime, str, str, str]] = []
    first_update = story.detected + MINUTE * rng.uniform(6, 15)
    if first_update < story.work_end:
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
                mitigated + MINUTE * rng.uniform(1, 5),
                "Monitoring",
                "degraded performance",
                f"A fix has been applied and we are seeing recovery for {name}. "
                "We are monitoring the results.",
            )
        )
    if resolved is not None:
        phases.append(
            (
                resolved + MINUTE * rng.uniform(1, 10),
                "Resolved",
                "operational",
                f"This incident has been resolved and service for {name} is back to normal. "
                "We apologise for the disruption.",
            )
        )
    comms = story.people[-1] if severity == Severity.SEV1 else story.secondary
    if public:
        for at, phase, status, message in phases:
            line.add(
                seconds(at),
                EventKind.STATUS_CHANGE,
                "statuspage",
                f"Incident status set to {phase}; {spec.component}: {status}",
                actor_name="Statuspage",
            )
            line.add(
                seconds(at) + timedelta(seconds=rng.randint(2, 20)),
                EventKind.COMMUNICATION,
                "statuspage",
                f"{phase} — {message}",
                actor_name="Statuspage",
                tag="comms",
            )
    elif phases:
        line.add(
            seconds(phases[0][0]),
            EventKind.COMMUNICATION,
            "slack",
            f"Posted to #support-escalations: {name} affected since {{start}} UTC, we're on it, "
            "next update in 30 minutes.",
            comms,
            tag="comms",
        )
        if mitigated is not None:
            line.add(
                seconds(mitigated + MINUTE * rng.uniform(2, 6)),
                EventKind.COMMUNICATION,
                "slack",
                f"Posted to #support-escalations: {name} has recovered, no customer action needed.",
                comms,
            )


def _resolve_and_verify(line: _Timeline, story: _Story) -> None:
    resolved, verified, primary = story.resolved, story.verified, story.primary
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
            f"verified: {story.spec.name} stable for {stable} minutes since resolving, errors "
            "and latency at baseline",
            primary,
        )


def _chat_to_volume(rng: random.Random, line: _Timeline, story: _Story) -> None:
    """Filler chat up to a realistic volume for the severity."""
    mitigated, working = story.mitigated, story.working
    low, high = EVENTS_PER_SEVERITY[story.case.severity]
    extra = max(0, rng.randint(low, high) - len(line.items))
    if mitigated is not None:
        watch_end = story.resolved or story.now - MINUTE
        monitoring = min(extra, rng.randint(1, 2))
        for at, text in zip(
            spread(rng, mitigated, watch_end, monitoring),
            rng.sample(MONITOR_NOTES, monitoring),
            strict=True,
        ):
            line.add(at, EventKind.NOTE, "slack", text, rng.choice(working))
        extra -= monitoring
    pool: tuple[str, ...] = RESPOND_NOTES
    if story.acknowledged is None:  # nobody else has joined yet to be spoken to
        pool = tuple(text for text in RESPOND_NOTES if "{other}" not in text)
    chatter = rng.sample(pool, min(extra, len(pool)))
    spoken = spread(rng, story.work_start, story.work_end, len(chatter))
    for at, text in zip(spoken, chatter, strict=True):
        speaker = rng.choice(working)
        buddy = next((p for p in story.people if p is not speaker), story.org.manager_of(speaker))
        line.add(at, EventKind.NOTE, "slack", text, speaker, other=buddy)
