"""The demo's incidents: how many, how bad, when, which story, who responds, and their rows."""

import random
from datetime import UTC, datetime, time, timedelta

from irdesk.demo.organisation import DOMAIN, MANAGER_ROLE, REGIONS, SERVICES, TEAMS
from irdesk.demo.scenarios import SCENARIOS, Scenario
from irdesk.demo.times import lognormal, seconds
from irdesk.demo.working_state import Case, Member, Org
from irdesk.domain.enums import IncidentStatus, ServiceTier, Severity
from irdesk.domain.models import Incident

SOURCE = "demo"
# Incidents fall in about the six months before the anchor day.
WINDOW_DAYS = 182

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


def _durations(
    rng: random.Random, severity: Severity, external: bool, night: bool
) -> list[timedelta]:
    medians: list[float] = list(MEDIANS[severity])
    if night:
        medians[1] *= 1.8  # phones on the nightstand
    if external:
        medians[2] *= 2  # waiting on a provider before a workaround
    return [lognormal(rng, m, f) for m, f in zip(medians, FLOORS_SECONDS, strict=True)]


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
    started = seconds(now - sum(reached, timedelta()) - since)
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


def plan_incidents(rng: random.Random, now: datetime) -> list[Case]:
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
        Case(
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
            Case(
                severity=severity,
                scenario=internal(severity, False),
                status=status,
                times=_open_times(rng, severity, status, now),
            )
        )
    cases.sort(key=lambda c: c.times["started_at"] or now)
    return cases


def incident_context(rng: random.Random, case: Case, org: Org, number: int) -> dict[str, str]:
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


def pick_participants(rng: random.Random, case: Case, org: Org) -> list[Member]:
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


def build_incident(rng: random.Random, case: Case, org: Org) -> Incident:
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
