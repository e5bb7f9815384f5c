"""Team against individual: a team's outcomes over a period beside each member's share of
its incidents, incident hours and resolutions, who carried it week by week, and flags
where the individual and team pictures disagree.

A team's incidents are those it is accountable for (`MetricData.incident_team`) that
count for people (not merged, not left out by the policy). A person's share counts their
part in those incidents only, whoever's team they are in. Under the policy's surge
treatment "exclude", a member's share leaves out the incidents of their own surge periods
(the team's outcomes keep them: the team still had them); under "adjust", their hours
without those incidents are shown beside.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from irdesk.domain.load_fairness import Surge, counted_rows, surges
from irdesk.domain.metrics.data import MetricData, from_epoch, impact_start_of
from irdesk.domain.metrics.people import MIN_RESOLVED_FOR_CONCENTRATION
from irdesk.domain.metrics.selection import Period
from irdesk.domain.metrics.service import responder_hours
from irdesk.domain.policy import Policy

WEEK = 7 * 86400.0
# Hours this many times a person's share of incidents is long work on few incidents.
HOURS_OVER_INCIDENTS = 2.0


@dataclass(frozen=True)
class MemberShare:
    person_id: int
    person: str
    member: bool  # of the team; else someone from elsewhere who took part
    incidents: int
    incident_share: float
    hours: float
    hours_share: float
    resolved: int
    resolved_share: float
    incident_ids: tuple[int, ...]
    # The policy's surge treatment "adjust": their hours without their surges' incidents.
    hours_outside_surges: float | None = None
    # "exclude" and "adjust": their surges, described, and the incidents left out for them.
    surges: tuple[str, ...] = ()
    surge_incident_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class WeekShare:
    first_day: date
    hours: float
    top_person: str
    top_share: float
    incident_ids: tuple[int, ...]


@dataclass(frozen=True)
class TeamPicture:
    team_id: int
    team: str
    first_day: date
    last_day: date
    incident_ids: tuple[int, ...]
    resolved: int
    median_resolve_min: float | None
    members: tuple[MemberShare, ...]
    weeks: tuple[WeekShare, ...]
    flags: tuple[str, ...]
    # The team's members' surges (a long incident, nights paged in a row), by start.
    surges: tuple[tuple[str, Surge], ...] = ()
    surge_treatment: str = "mark"  # the policy's, which the shares were made under
    # The policy's thresholds the surges were found under, for the text that says none were.
    surge_hours: float = Policy.surge_long_incident_hours
    surge_nights: int = Policy.surge_consecutive_nights


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def team_picture(
    data: MetricData, policy: Policy, period: Period, team_id: int, first: date, last: date
) -> TeamPicture:
    inc, ev = data.incidents, data.events
    rows, _ = counted_rows(data, policy, period)
    rows = rows[data.incident_team[rows] == team_id]
    ids = inc.ids[rows]
    r_rows, r_people, r_hours = responder_hours(data)
    mine = np.isin(r_rows, rows)
    r_rows, r_people, r_hours = r_rows[mine], r_people[mine], r_hours[mine]
    resolver = data.resolver_rows
    solved = (resolver >= 0) & np.isin(resolver, rows)
    s_rows, s_people = resolver[solved], ev.resolver_person[solved]
    team_people = {pid for pid, p in data.people.items() if p.team_id == team_id}
    people = sorted(team_people | set(r_people.tolist()) | set(s_people.tolist()))
    total_hours = float(r_hours.sum())
    treatment = policy.surge_treatment
    # A member's surges, as the person view finds them; someone from elsewhere is counted
    # as they are (their surges belong to their own team's picture).
    found = {pid: surges(data, policy, period, pid) if pid in team_people else () for pid in people}
    members = []
    r_ids, s_ids = inc.ids[r_rows], inc.ids[s_rows]
    for pid in people:
        theirs = [i for s in found[pid] for i in s.incident_ids]
        acted = r_people == pid
        kept = acted & ~np.isin(r_ids, theirs)
        if treatment == "exclude":
            acted = kept
        took = set(r_ids[acted].tolist())
        hours = float(r_hours[acted].sum())
        solved = s_people == pid
        if treatment == "exclude":
            solved &= ~np.isin(s_ids, theirs)
        resolved = int(solved.sum())
        info = data.people.get(pid)
        members.append(
            MemberShare(
                person_id=pid,
                person=info.name if info else f"person {pid}",
                member=pid in team_people,
                incidents=len(took),
                incident_share=_share(len(took), len(rows)),
                hours=hours,
                hours_share=_share(hours, total_hours),
                resolved=resolved,
                resolved_share=_share(resolved, len(s_rows)),
                incident_ids=tuple(sorted(took)),
                hours_outside_surges=(
                    float(r_hours[kept].sum()) if treatment == "adjust" else None
                ),
                surges=(tuple(s.describe() for s in found[pid]) if treatment != "mark" else ()),
                surge_incident_ids=tuple(sorted(set(theirs))) if treatment != "mark" else (),
            )
        )
    members.sort(key=lambda m: (-m.hours, m.person))
    start = impact_start_of(inc, rows)
    resolve = inc.resolved[rows] - start
    known = resolve[~np.isnan(resolve)]
    weeks = _weeks(data, period, rows, start, r_rows, r_people, r_hours)
    team = data.teams.get(team_id)
    return TeamPicture(
        team_id=team_id,
        team=team.name if team else f"team {team_id}",
        first_day=first,
        last_day=last,
        incident_ids=tuple(sorted(ids.tolist())),
        resolved=len(s_rows),
        median_resolve_min=float(np.median(known)) / 60.0 if len(known) else None,
        members=tuple(members),
        weeks=weeks,
        flags=disagreements(policy, members, weeks, len(rows)),
        surges=tuple(
            sorted(
                ((m.person, surge) for m in members if m.member for surge in found[m.person_id]),
                key=lambda pair: (pair[1].first_day, pair[0]),
            )
        ),
        surge_treatment=treatment,
        surge_hours=policy.surge_long_incident_hours,
        surge_nights=policy.surge_consecutive_nights,
    )


def _weeks(
    data: MetricData,
    period: Period,
    rows: np.ndarray,
    start: np.ndarray,
    r_rows: np.ndarray,
    r_people: np.ndarray,
    r_hours: np.ndarray,
) -> tuple[WeekShare, ...]:
    """Per week from the period's first day, by when each incident's impact began: who held
    the most of that week's incident hours, and what share."""
    low, _ = period.bounds
    week_of_row = dict(zip(rows.tolist(), ((start - low) // WEEK).tolist(), strict=True))
    out = []
    for week in sorted({int(w) for w in week_of_row.values() if not np.isnan(w)}):
        in_week = np.array([week_of_row.get(r) == week for r in r_rows.tolist()], dtype=bool)
        hours = float(r_hours[in_week].sum())
        if not hours:
            continue
        by_person: dict[int, float] = {}
        for pid, h in zip(r_people[in_week].tolist(), r_hours[in_week].tolist(), strict=True):
            by_person[pid] = by_person.get(pid, 0.0) + h
        top = min(by_person, key=lambda p: (-by_person[p], p))
        info = data.people.get(top)
        first_day = from_epoch(low + week * WEEK).date()
        out.append(
            WeekShare(
                first_day=first_day,
                hours=hours,
                top_person=info.name if info else f"person {top}",
                top_share=by_person[top] / hours,
                incident_ids=tuple(
                    sorted({int(data.incidents.ids[r]) for r in r_rows[in_week].tolist()})
                ),
            )
        )
    return tuple(out)


def disagreements(
    policy: Policy, members: list[MemberShare], weeks: tuple[WeekShare, ...], incidents: int
) -> tuple[str, ...]:
    """Where the team's picture and an individual's disagree, in words about the work."""
    out = []
    limit = policy.concentration_share
    enough = incidents >= MIN_RESOLVED_FOR_CONCENTRATION
    for m in members:
        if enough and m.hours_share > limit:
            out.append(
                f"{m.person} held {m.hours_share:.0%} of the team's incident hours "
                f"(more than the policy's {limit:.0%}): the team's figures rest on one person."
            )
        if (
            enough
            and m.hours_share >= 0.25
            and m.hours_share >= HOURS_OVER_INCIDENTS * m.incident_share
        ):
            out.append(
                f"{m.person} held {m.hours_share:.0%} of the hours on {m.incident_share:.0%} "
                "of the incidents: long work on few incidents."
            )
        if enough and m.resolved_share > limit and m.hours_share < 1 / max(len(members), 1):
            out.append(
                f"{m.person} resolved {m.resolved_share:.0%} of the incidents with "
                f"{m.hours_share:.0%} of the hours: others carried the work they closed."
            )
    carried = [w for w in weeks if w.top_share > limit]
    if len(weeks) >= 2 and len(carried) * 2 >= len(weeks):
        names = sorted({w.top_person for w in carried})
        out.append(
            f"In {len(carried)} of {len(weeks)} weeks one person held more than {limit:.0%} "
            f"of the hours ({', '.join(names)})."
        )
    return tuple(out)


def week_label(first_day: date) -> str:
    return f"{first_day:%Y-%m-%d} to {first_day + timedelta(days=6):%Y-%m-%d}"
