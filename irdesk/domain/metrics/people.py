"""On-call load per person, its spread across each rotation, and hero-culture concentration.

A page is counted for the person paged (the importers put them in the page
event's actor). After hours means outside the policy's business hours or on a
weekend, in the person's own time zone. Shifts are windows of the policy's
shift length from local midnight.
"""

import functools
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

import numpy as np

from irdesk.domain.metrics.data import MetricData
from irdesk.domain.metrics.selection import (
    Period,
    accountability_exclusions,
    lookup,
    position_in,
    without,
)
from irdesk.domain.metrics.service import Responders, responder_hours
from irdesk.domain.metrics.stats import code_order, distinct, distinct_per_group, gini
from irdesk.domain.policy import Policy

DAY = 86400.0
# Fewer resolved incidents than this say nothing about concentration.
MIN_RESOLVED_FOR_CONCENTRATION = 4


def _offsets_of_days(days: list[int], zone: tzinfo) -> np.ndarray:
    noons = (datetime.fromtimestamp(d * DAY + DAY / 2, zone) for d in days)
    return np.array([n.utcoffset().total_seconds() for n in noons], dtype=np.float64)


# A zone's offsets are looked up per block of this many days and kept: the dashboard
# recomputes the figures on every change, over the same days, and a look-up costs a
# microsecond per day and zone.
OFFSET_BLOCK = 128


@functools.lru_cache(maxsize=256)
def _offset_block(zone: tzinfo, block: int) -> np.ndarray:
    first = block * OFFSET_BLOCK
    offsets = _offsets_of_days(list(range(first, first + OFFSET_BLOCK)), zone)
    offsets.flags.writeable = False
    return offsets


def day_offsets(days: np.ndarray, zone: tzinfo) -> np.ndarray:
    """`zone`'s offset from UTC in seconds on each day (days since the epoch, at noon UTC)."""
    if len(days) == 0:
        return np.zeros(0)
    whole = days.astype(np.int64)
    block = whole // OFFSET_BLOCK
    low, high = int(block.min()), int(block.max())
    if high - low >= 64:  # days far apart: only those
        return _offsets_of_days(whole.tolist(), zone)
    table = np.concatenate([_offset_block(zone, b) for b in range(low, high + 1)])
    result: np.ndarray = table[whole - low * OFFSET_BLOCK]
    return result


def local_seconds(times: np.ndarray, zone: tzinfo) -> np.ndarray:
    """Epoch seconds shifted into `zone`'s wall clock (offsets looked up once per day)."""
    if len(times) == 0:
        return times
    uniq, inverse = np.unique(np.floor(times / DAY), return_inverse=True)
    shifted: np.ndarray = times + day_offsets(uniq, zone)[inverse]
    return shifted


# Beyond this many days between the first and last page, look offsets up per distinct day.
DENSE_DAYS = 4000


def after_hours(local: np.ndarray, policy: Policy) -> np.ndarray:
    day = np.floor(local / DAY)
    seconds = local - day * DAY  # `local % DAY` to the last bit, without numpy's slow `%`
    seconds[seconds < 0] += DAY  # where local / DAY rounded up to a whole day
    hour = seconds / 3600.0
    shifted = day + 3  # 1970-01-01 was a Thursday: 0 is a Monday
    weekday = shifted - 7 * np.floor(shifted / 7)
    outside = (hour < policy.business_hours_start) | (hour >= policy.business_hours_end)
    result: np.ndarray = outside | (weekday >= 5)
    return result


def most_in_one_bucket(group: np.ndarray, buckets: np.ndarray, groups: int) -> np.ndarray:
    """For each group 0 … groups-1, the most entries sharing one (whole-numbered) bucket;
    0 for none."""
    most = np.zeros(groups, dtype=np.int64)
    if len(buckets) == 0:
        return most
    b = buckets.astype(np.int64)
    low, span = int(b.min()), int(b.max()) - int(b.min()) + 1
    if span * groups < 2**62:
        key = group.astype(np.int64) * span + (b - low)
        # 32-bit keys, when they fit, sort in half the time of 64-bit ones.
        key = np.sort(key.astype(np.int32) if span * groups < 2**31 else key)
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        g = key[starts] // span
    else:
        order = np.lexsort((b, group))
        g, b = group[order], b[order]
        starts = np.flatnonzero(np.r_[True, (g[1:] != g[:-1]) | (b[1:] != b[:-1])])
        g = g[starts]
    counts = np.diff(np.append(starts, len(buckets)))
    # g is sorted (the key sorts by group first): the largest count of each group's run.
    runs = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    most[g[runs]] = np.maximum.reduceat(counts, runs)
    return most


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

    @property
    def after_hours_share(self) -> float:
        return self.after_hours_pages / self.pages if self.pages else float("nan")


@dataclass(frozen=True)
class RotationRow:
    team_id: int
    team: str
    members: int  # people of the team ever paged
    pages: int
    gini: float
    ids: dict[str, np.ndarray] = field(repr=False, default_factory=dict)


def local_page_times(data: MetricData, people: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Wall-clock time of each page in the paged person's zone (UTC for someone unknown)."""
    if len(times) == 0:
        return times.copy()
    zones: dict[str, tuple[tzinfo, int]] = {}
    zone_of: dict[int, int] = {}
    for pid, person in data.people.items():
        zone_of[pid] = zones.setdefault(str(person.time_zone), (person.time_zone, len(zones)))[1]
    paged = distinct(people)
    # The zone of each page's person; the extra last row of offsets (zeros) is UTC.
    zone_of_paged = np.array([zone_of.get(p, len(zones)) for p in paged.tolist()], dtype=np.int64)
    zone = zone_of_paged[position_in(paged, people)]
    days = np.floor(times / DAY)
    first, span = days.min(), int(days.max() - days.min()) + 1
    if span <= DENSE_DAYS:  # one lookup per day of the span and zone: no sort
        lookup_days, day = first + np.arange(span), (days - first).astype(np.int64)
    else:
        lookup_days, day = np.unique(days, return_inverse=True)
    offsets = np.zeros((len(zones) + 1, len(lookup_days)))
    paged_zones = set(zone_of_paged.tolist())
    for tz, n in zones.values():
        if n in paged_zones:  # someone of this zone was paged
            offsets[n] = day_offsets(lookup_days, tz)
    shifted: np.ndarray = times + offsets[zone, day]
    return shifted


def load_rows(
    data: MetricData,
    policy: Policy,
    period: Period,
    rows: np.ndarray,
    responders: Responders | None = None,
) -> tuple[LoadRow, ...]:
    """`responders`: `responder_hours(data)`, when the caller has it already."""
    ev, inc = data.events, data.incidents
    low, high = period.bounds
    in_window = (ev.page_time >= low) & (ev.page_time < high)
    page_person, page_time = ev.page_person[in_window], ev.page_time[in_window]
    page_incident = ev.page_incident[in_window]
    local = local_page_times(data, page_person, page_time)
    late = after_hours(local, policy)
    p_rows, p_people, p_hours = responders if responders is not None else responder_hours(data)
    member = np.zeros(len(inc), dtype=bool)
    member[rows] = True
    mine = member[p_rows] if len(p_rows) else np.zeros(0, dtype=bool)
    p_rows, p_people, p_hours = p_rows[mine], p_people[mine], p_hours[mine]
    # Everyone paged in the period or acting in its incidents, as 0 … n-1 for bincount.
    ids = distinct(np.concatenate([page_person, p_people]))
    n = len(ids)
    who = position_in(ids, page_person)
    part_who = position_in(ids, p_people)
    pages = np.bincount(who, minlength=n)
    late_pages = np.bincount(who[late], minlength=n)
    hours = np.bincount(part_who, weights=p_hours, minlength=n)
    most_shift = most_in_one_bucket(who, np.floor(local / (policy.shift_hours * 3600.0)), n)
    most_week = most_in_one_bucket(who[late], np.floor((local[late] / DAY + 3) / 7), n)
    paged = distinct_per_group(who, page_incident, n)
    paged_late = distinct_per_group(who[late], page_incident[late], n)
    involved = distinct_per_group(
        np.concatenate([who, part_who]),
        np.concatenate([page_incident, inc.ids[p_rows]]).astype(np.int64, copy=False),
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
            )
        )
    result.sort(key=lambda r: (r.team, r.person))
    return tuple(result)


def rotation_rows(data: MetricData, period: Period) -> tuple[RotationRow, ...]:
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
    r_rows = data.resolver_rows
    member = np.zeros(len(inc), dtype=bool)
    member[counted] = True
    keep = (r_rows >= 0) & member[np.clip(r_rows, 0, None)]
    r_rows, r_people = r_rows[keep], ev.resolver_person[keep]
    team_of = data.incident_team
    excluded_teams = {reason: team_of[hit] for reason, hit in excluded.items()}
    teams = sorted(data.teams.items(), key=lambda kv: kv[1].name)
    # Resolutions split by team (in that order, the last part: no team), each in the order
    # given; who resolved them as 0 … n-1 in id order, so counting is a bincount.
    position = {team_id: n for n, (team_id, _) in enumerate(teams)}
    code = lookup(team_of[r_rows], position, len(teams)).astype(np.int64)
    order, bounds = code_order(code, len(teams) + 1)
    people = distinct(r_people)
    who = position_in(people, r_people)
    result = []
    for k, (team_id, team) in enumerate(teams):
        own = order[bounds[k] : bounds[k + 1]]
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
