"""On-call load per person, its spread across each rotation, and hero-culture concentration.

A page is counted for the person paged (the importers put them in the page
event's actor). After hours means outside the policy's business hours or on a
weekend, in the person's own time zone. Shifts are windows of the policy's
shift length from local midnight.
"""

from dataclasses import dataclass, field
from datetime import tzinfo
from zoneinfo import ZoneInfo

import numpy as np

from irdesk.domain.metrics.data import NONE_ID, MetricData
from irdesk.domain.metrics.kernels.calendar import (
    SATURDAY,
    split_days,
    wall_clock_times,
    week_index,
    weekday,
)
from irdesk.domain.metrics.kernels.grouping import (
    CodeSplit,
    distinct_per_group,
    fullest_bucket_per_group,
    inside_intervals,
    split_by_code,
)
from irdesk.domain.metrics.kernels.lookups import lookup, marked, position_in, row_mask
from irdesk.domain.metrics.kernels.sorting import distinct, merge_order
from irdesk.domain.metrics.selection import Period, accountability_exclusions, without
from irdesk.domain.metrics.service import Responders, responder_hours
from irdesk.domain.metrics.stats import gini
from irdesk.domain.policy import Policy

# Fewer resolved incidents than this say nothing about concentration.
MIN_RESOLVED_FOR_CONCENTRATION = 4


def after_hours(local: np.ndarray, policy: Policy) -> np.ndarray:
    """Whether each wall-clock time is outside the policy's business hours or on a weekend."""
    day, seconds = split_days(local)
    hour = np.divide(seconds, 3600.0, out=seconds)
    outside = (hour < policy.business_hours_start) | (hour >= policy.business_hours_end)
    result: np.ndarray = outside | (weekday(day) >= SATURDAY)
    return result


@dataclass(frozen=True)
class LoadRow:
    person_id: int
    person: str
    team: str
    pages: int
    after_hours_pages: int
    incident_hours: float
    most_pages_in_a_shift: int
    most_after_hours_pages_in_a_week: int
    flags: tuple[str, ...]
    ids: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    # The zone their after-hours pages were judged in, and whether it is their own or the
    # policy's (nobody recorded theirs).
    time_zone: str = ""
    own_zone: bool = True

    @property
    def after_hours_share(self) -> float:
        return self.after_hours_pages / self.pages if self.pages else float("nan")


@dataclass(frozen=True)
class RotationRow:
    team_id: int  # NONE_ID for a rotation of no team
    team: str
    members: int  # a directory rotation's members in the period; else people of the team paged
    pages: int
    gini: float
    ids: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    rotation_id: int | None = None  # None: the team stands in for a rotation (no directory)
    rotation: str = ""


def zone_of(data: MetricData, person_id: int, policy: Policy) -> tuple[tzinfo, bool]:
    """(the zone a person's pages are judged in, whether it is their own)."""
    person = data.people.get(person_id)
    if person is not None and person.time_zone is not None:
        return person.time_zone, True
    return ZoneInfo(policy.default_time_zone), False


def local_page_times(
    data: MetricData, people: np.ndarray, times: np.ndarray, policy: Policy
) -> np.ndarray:
    """Wall-clock time of each page in the paged person's zone (the policy's for someone
    whose zone is unknown)."""
    if len(times) == 0:
        return times.copy()
    # The zones of the people paged, each numbered once (zones compared by name).
    zones: list[tzinfo] = []
    number_of: dict[str, int] = {}
    paged = distinct(people)
    zone_of_paged = []
    for pid in paged.tolist():
        person_zone, _ = zone_of(data, pid, policy)
        if str(person_zone) not in number_of:
            number_of[str(person_zone)] = len(zones)
            zones.append(person_zone)
        zone_of_paged.append(number_of[str(person_zone)])
    # Small zone numbers, looked up by person id in one gather.
    zone = lookup(people, dict(zip(paged.tolist(), zone_of_paged, strict=True)), 0, np.int16)
    if data.dated.has("person", "time_zone"):
        # A zone typed from a date: each page in the zone in force when it was sent.
        current = np.empty(len(zones), dtype=object)
        current[:] = zones
        in_force = data.dated.at("person", "time_zone", people, times, current[zone])
        default = ZoneInfo(policy.default_time_zone)
        for n in np.flatnonzero(np.isin(people, data.dated.keys("person", "time_zone"))):
            found = in_force[n]
            found = found if found is not None else default
            if str(found) not in number_of:
                number_of[str(found)] = len(zones)
                zones.append(found)
            zone[n] = number_of[str(found)]
    return wall_clock_times(times, zone, zones)


def pages_in(data: MetricData, period: Period) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person, time, incident) of the pages sent in `period`. When every page is in it
    (a long period) these are the columns themselves, not copies: nothing writes to them,
    and over ten years each copy is tens of megabytes."""
    ev = data.events
    low, high = period.bounds
    in_window = (ev.page_time >= low) & (ev.page_time < high)
    if in_window.all():
        return ev.page_person, ev.page_time, ev.page_incident
    return ev.page_person[in_window], ev.page_time[in_window], ev.page_incident[in_window]


def load_rows(
    data: MetricData,
    policy: Policy,
    period: Period,
    rows: np.ndarray,
    responders: Responders | None = None,
) -> tuple[LoadRow, ...]:
    """`responders`: `responder_hours(data)`, when the caller has it already."""
    inc = data.incidents
    page_person, page_time, page_incident = pages_in(data, period)
    local = local_page_times(data, page_person, page_time, policy)
    late = after_hours(local, policy)
    p_rows, p_people, p_hours = responders if responders is not None else responder_hours(data)
    mine = row_mask(rows, len(inc))[p_rows] if len(p_rows) else np.zeros(0, dtype=bool)
    p_rows, p_people, p_hours = p_rows[mine], p_people[mine], p_hours[mine]
    # Everyone paged in the period or acting in its incidents, as 0 … n-1 for bincount.
    ids = distinct(np.concatenate([page_person, p_people]))
    n = len(ids)
    who = position_in(ids, page_person, np.int32)
    part_who = position_in(ids, p_people, np.int32)
    pages = np.bincount(who, minlength=n)
    late_pages = np.bincount(who[late], minlength=n)
    hours = np.bincount(part_who, weights=p_hours, minlength=n)
    shift = local / (policy.shift_hours * 3600.0)
    np.floor(shift, out=shift)
    most_shift = fullest_bucket_per_group(who, shift, n)
    most_week = fullest_bucket_per_group(who[late], week_index(local[late]), n)
    paged = distinct_per_group(who, page_incident, n)
    paged_late = distinct_per_group(who[late], page_incident[late], n)
    # The pages' and the participations' incidents, merged into one ascending list (each
    # is grouped by incident already), so that the distinct count needs no sort of pairs.
    part_incident = inc.ids[p_rows]
    merged = merge_order(page_incident, part_incident)
    involved = distinct_per_group(
        np.concatenate([who, part_who])[merged],
        np.concatenate([page_incident, part_incident]).astype(np.int64, copy=False)[merged],
        n,
    )
    result = []
    for k, pid in enumerate(ids.tolist()):
        person = data.people.get(pid)
        flags = []
        if most_shift[k] > policy.pages_per_shift:
            flags.append(f"{most_shift[k]} pages in one shift (limit {policy.pages_per_shift})")
        if most_week[k] > policy.after_hours_pages_per_week:
            flags.append(
                f"{most_week[k]} after-hours pages in one week "
                f"(limit {policy.after_hours_pages_per_week})"
            )
        team = data.teams.get(person.team_id) if person and person.team_id is not None else None
        zone, own = zone_of(data, pid, policy)
        result.append(
            LoadRow(
                person_id=pid,
                person=person.name if person else f"person {pid}",
                team=team.name if team else "",
                pages=int(pages[k]),
                after_hours_pages=int(late_pages[k]),
                incident_hours=float(hours[k]),
                most_pages_in_a_shift=int(most_shift[k]),
                most_after_hours_pages_in_a_week=int(most_week[k]),
                flags=tuple(flags),
                ids={"count": involved[k], "pages": paged[k], "after_hours": paged_late[k]},
                time_zone=str(zone),
                own_zone=own,
            )
        )
    result.sort(key=lambda r: (r.team, r.person))
    return tuple(result)


def rotation_rows(data: MetricData, period: Period) -> tuple[RotationRow, ...]:
    """The spread of pages across each rotation of the directory, by who was on it when;
    the teams stand in for rotations where the directory has no memberships (the demo)."""
    if len(data.memberships):
        return directory_rotation_rows(data, period)
    return team_rotation_rows(data, period)


def _pages_of(paged: np.ndarray, by_person: CodeSplit, people: np.ndarray) -> np.ndarray:
    """The positions of the pages of `people` (sorted) among pages split `by_person` over
    the distinct people `paged`: person by person, each person's ascending. Grouped by
    person is the order `inside_intervals` wants, and the counts taken from them do not
    depend on it, so they are not sorted back into one ascending list."""
    k = np.searchsorted(paged, people)
    found = k < len(paged)
    found[found] = paged[k[found]] == people[found]  # a person never paged has no pages
    parts = [by_person.positions(j) for j in k[found].tolist()]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def directory_rotation_rows(data: MetricData, period: Period) -> tuple[RotationRow, ...]:
    """Per rotation: its members are the people whose membership meets the period, each
    with the pages they got while on it (a page while on two rotations counts for both);
    a member never paged counts as 0, which is what an even spread is measured against."""
    m = data.memberships
    low, high = period.bounds
    page_person, page_time, page_incident = pages_in(data, period)
    meets = (m.start < high) & (m.end > low)
    # The period's pages split once by the person paged: each rotation then searches its
    # own members' pages rather than every page of the period.
    paged = distinct(page_person)
    by_person = split_by_code(position_in(paged, page_person), len(paged))
    result = []
    for rotation_id in distinct(m.rotation[meets]).tolist():
        mine = np.flatnonzero(meets & (m.rotation == rotation_id))
        members = distinct(m.person[mine])
        theirs = _pages_of(paged, by_person, members)
        on_it = theirs[
            inside_intervals(
                page_person[theirs], page_time[theirs], m.person[mine], m.start[mine], m.end[mine]
            )
        ]
        pages = np.bincount(
            position_in(members, page_person[on_it]), minlength=len(members)
        ).astype(np.float64)
        info = data.rotations.get(rotation_id)
        team_id = info.team_id if info is not None and info.team_id is not None else NONE_ID
        team = data.teams.get(team_id)
        result.append(
            RotationRow(
                team_id=team_id,
                team=team.name if team else "",
                members=len(members),
                pages=int(pages.sum()),
                gini=gini(pages),
                ids={"count": distinct(page_incident[on_it])},
                rotation_id=rotation_id,
                rotation=info.name if info is not None else f"rotation {rotation_id}",
            )
        )
    result.sort(key=lambda r: (r.rotation, r.rotation_id))
    return tuple(result)


def team_rotation_rows(data: MetricData, period: Period) -> tuple[RotationRow, ...]:
    ev = data.events
    low, high = period.bounds
    ever_paged = set(distinct(ev.page_person).tolist())
    in_window = (ev.page_time >= low) & (ev.page_time < high)
    page_person = ev.page_person[in_window]
    people = distinct(page_person)
    who = position_in(people, page_person)  # the paged people as 0 … n-1
    pages_of = np.bincount(who, minlength=len(people))
    counts = dict(zip(people.tolist(), pages_of.tolist(), strict=True))
    teams = sorted(data.teams.items(), key=lambda kv: kv[1].name)
    position = {team_id: n for n, (team_id, _) in enumerate(teams)}
    # Each page in the period, by the position of the paged person's team (-1: no team).
    team_of_person = {
        pid: position.get(p.team_id, -1) for pid, p in data.people.items() if p.team_id is not None
    }
    team_of = np.array([team_of_person.get(p, -1) for p in people.tolist()], dtype=np.int64)
    team_of_page = team_of[who]
    known = team_of_page >= 0
    paged = distinct_per_group(team_of_page[known], ev.page_incident[in_window][known], len(teams))
    result = []
    for n, (team_id, team) in enumerate(teams):
        roster = [
            pid for pid, p in data.people.items() if p.team_id == team_id and pid in ever_paged
        ]
        if not roster:
            continue
        pages = np.array([counts.get(pid, 0) for pid in roster], dtype=np.float64)
        result.append(
            RotationRow(
                team_id=team_id,
                team=team.name,
                members=len(roster),
                pages=int(pages.sum()),
                gini=gini(pages),
                ids={"count": paged[n]},
                rotation=team.name,
            )
        )
    return tuple(result)


@dataclass(frozen=True)
class ConcentrationRow:
    team_id: int
    team: str
    resolved: int  # incidents of the team's services with a known resolver
    top_person: str
    top_share: float
    flagged: bool
    excluded: dict[str, int]
    ids: dict[str, np.ndarray] = field(repr=False, default_factory=dict)


def concentration_rows(
    data: MetricData, policy: Policy, rows: np.ndarray
) -> tuple[ConcentrationRow, ...]:
    inc, ev = data.incidents, data.events
    excluded = accountability_exclusions(data, policy, rows)
    counted = without(rows, excluded)
    keep = marked(data.resolver_rows, row_mask(counted, len(inc)))
    r_rows, r_people = data.resolver_rows[keep], ev.resolver_person[keep]
    team_of = data.incident_team
    excluded_teams = {reason: team_of[hit] for reason, hit in excluded.items()}
    teams = sorted(data.teams.items(), key=lambda kv: kv[1].name)
    # Resolutions split by team (in that order, the last part: no team), each in the order
    # given; who resolved them as 0 … n-1 in id order, so counting is a bincount.
    position = {team_id: n for n, (team_id, _) in enumerate(teams)}
    by_team = split_by_code(lookup(team_of[r_rows], position, len(teams), np.int64), len(teams) + 1)
    people = distinct(r_people)
    who = position_in(people, r_people)
    result = []
    for k, (team_id, team) in enumerate(teams):
        own = by_team.positions(k)
        if len(own) == 0:
            continue
        counts = np.bincount(who[own], minlength=len(people))
        top = int(np.argmax(counts))  # the first of equals: the lowest person id
        share = float(counts[top] / len(own))
        top_id = int(people[top])
        person = data.people.get(top_id)
        left_out = {reason: int((t == team_id).sum()) for reason, t in excluded_teams.items()}
        result.append(
            ConcentrationRow(
                team_id=team_id,
                team=team.name,
                resolved=len(own),
                top_person=person.name if person else f"person {top_id}",
                top_share=share,
                flagged=share > policy.concentration_share
                and len(own) >= MIN_RESOLVED_FOR_CONCENTRATION,
                excluded={reason: n for reason, n in left_out.items() if n},
                ids={
                    "count": inc.ids[r_rows[own]],
                    "top": inc.ids[r_rows[own][who[own] == top]],
                },
            )
        )
    return tuple(result)
