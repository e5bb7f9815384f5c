"""On-call load per person, its spread across each rotation, and hero-culture concentration.

A page is counted for the person paged (the importers put them in the page
event's actor). After hours means outside the policy's business hours or on a
weekend, in the person's own time zone. Shifts are windows of the policy's
shift length from local midnight.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

import numpy as np

from irdesk.domain.metrics.data import MetricData
from irdesk.domain.metrics.selection import (
    Period,
    accountability_exclusions,
    index_of_ids,
    team_per_row,
    without,
)
from irdesk.domain.metrics.service import responder_hours
from irdesk.domain.metrics.stats import gini
from irdesk.domain.policy import Policy

DAY = 86400.0
# Fewer resolved incidents than this say nothing about concentration.
MIN_RESOLVED_FOR_CONCENTRATION = 4


def local_seconds(times: np.ndarray, zone: tzinfo) -> np.ndarray:
    """Epoch seconds shifted into `zone`'s wall clock (offsets looked up once per day)."""
    if len(times) == 0:
        return times
    days = np.floor(times / DAY)
    uniq, inverse = np.unique(days, return_inverse=True)
    offsets = np.array(
        [
            (
                datetime.fromtimestamp(d * DAY + DAY / 2, UTC).astimezone(zone).utcoffset()
            ).total_seconds()
            for d in uniq
        ]
    )
    shifted: np.ndarray = times + offsets[inverse]
    return shifted


def after_hours(local: np.ndarray, policy: Policy) -> np.ndarray:
    hour = (local % DAY) / 3600.0
    weekday = (np.floor(local / DAY).astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    outside = (hour < policy.business_hours_start) | (hour >= policy.business_hours_end)
    result: np.ndarray = outside | (weekday >= 5)
    return result


def _most_in_one(buckets: np.ndarray) -> int:
    if len(buckets) == 0:
        return 0
    return int(np.unique(buckets, return_counts=True)[1].max())


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


def _by_person(people: np.ndarray) -> dict[int, np.ndarray]:
    """Person id → positions in `people`."""
    if len(people) == 0:
        return {}
    order = np.argsort(people, kind="stable")
    uniq, starts = np.unique(people[order], return_index=True)
    return dict(zip(uniq.tolist(), np.split(order, starts[1:]), strict=True))


def load_rows(
    data: MetricData, policy: Policy, period: Period, rows: np.ndarray
) -> tuple[LoadRow, ...]:
    ev, inc = data.events, data.incidents
    low, high = period.bounds
    in_window = (ev.page_time >= low) & (ev.page_time < high)
    page_person, page_time = ev.page_person[in_window], ev.page_time[in_window]
    page_incident = ev.page_incident[in_window]
    # Wall-clock time of each page in the paged person's zone, one pass per zone.
    local = page_time.copy()
    zones: dict[str, tuple[tzinfo, list[int]]] = {}
    for pid, person in data.people.items():
        zones.setdefault(str(person.time_zone), (person.time_zone, []))[1].append(pid)
    for zone, members in zones.values():
        mask = np.isin(page_person, members)
        local[mask] = local_seconds(page_time[mask], zone)
    late_all = after_hours(local, policy)
    p_rows, p_people, p_hours = responder_hours(data)
    member = np.zeros(len(inc), dtype=bool)
    member[rows] = True
    mine = member[p_rows] if len(p_rows) else np.zeros(0, dtype=bool)
    p_rows, p_people, p_hours = p_rows[mine], p_people[mine], p_hours[mine]
    pages_of, parts_of = _by_person(page_person), _by_person(p_people)
    shift = policy.shift_hours * 3600.0
    empty = np.zeros(0, dtype=np.int64)
    result = []
    for pid in sorted(set(pages_of) | set(parts_of)):
        person = data.people.get(pid)
        mine_pages = pages_of.get(pid, empty)
        mine_parts = parts_of.get(pid, empty)
        t, late = local[mine_pages], late_all[mine_pages]
        most_shift = _most_in_one(np.floor(t / shift))
        most_week = _most_in_one(np.floor((t[late] / DAY + 3) / 7))
        flags = []
        if most_shift > policy.pages_per_shift:
            flags.append(f"{most_shift} pages in one shift (limit {policy.pages_per_shift})")
        if most_week > policy.after_hours_pages_per_week:
            flags.append(
                f"{most_week} after-hours pages in one week "
                f"(limit {policy.after_hours_pages_per_week})"
            )
        paged = np.unique(page_incident[mine_pages])
        team = data.teams.get(person.team_id) if person and person.team_id is not None else None
        result.append(
            LoadRow(
                person_id=pid,
                person=person.name if person else f"person {pid}",
                team=team.name if team else "",
                pages=len(mine_pages),
                after_hours_pages=int(late.sum()),
                incident_hours=float(np.sum(p_hours[mine_parts])),
                most_pages_in_a_shift=most_shift,
                most_after_hours_pages_in_a_week=most_week,
                flags=tuple(flags),
                ids={
                    "count": np.union1d(paged, inc.ids[p_rows[mine_parts]]),
                    "pages": paged,
                    "after_hours": np.unique(page_incident[mine_pages][late]),
                },
            )
        )
    result.sort(key=lambda r: (r.team, r.person))
    return tuple(result)


def rotation_rows(data: MetricData, period: Period) -> tuple[RotationRow, ...]:
    ev = data.events
    low, high = period.bounds
    ever_paged = set(np.unique(ev.page_person).tolist())
    in_window = (ev.page_time >= low) & (ev.page_time < high)
    counts = dict(zip(*np.unique(ev.page_person[in_window], return_counts=True), strict=True))
    result = []
    for team_id, team in sorted(data.teams.items(), key=lambda kv: kv[1].name):
        roster = [
            pid for pid, p in data.people.items() if p.team_id == team_id and pid in ever_paged
        ]
        if not roster:
            continue
        pages = np.array([counts.get(pid, 0) for pid in roster], dtype=np.float64)
        paged = in_window & np.isin(ev.page_person, roster)
        result.append(
            RotationRow(
                team_id=team_id,
                team=team.name,
                members=len(roster),
                pages=int(pages.sum()),
                gini=gini(pages),
                ids={"count": np.unique(ev.page_incident[paged])},
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
    r_rows = index_of_ids(data, ev.resolver_incident)
    member = np.zeros(len(inc), dtype=bool)
    member[counted] = True
    keep = (r_rows >= 0) & member[np.clip(r_rows, 0, None)]
    r_rows, r_people = r_rows[keep], ev.resolver_person[keep]
    team_of = team_per_row(data, np.arange(len(inc)))
    excluded_teams = {reason: team_of[hit] for reason, hit in excluded.items()}
    result = []
    for team_id, team in sorted(data.teams.items(), key=lambda kv: kv[1].name):
        own = team_of[r_rows] == team_id
        if not own.any():
            continue
        people, counts = np.unique(r_people[own], return_counts=True)
        top = int(np.argmax(counts))
        share = float(counts[top] / counts.sum())
        top_id = int(people[top])
        person = data.people.get(top_id)
        left_out = {reason: int((t == team_id).sum()) for reason, t in excluded_teams.items()}
        result.append(
            ConcentrationRow(
                team_id=team_id,
                team=team.name,
                resolved=int(counts.sum()),
                top_person=person.name if person else f"person {top_id}",
                top_share=share,
                flagged=share > policy.concentration_share
                and counts.sum() >= MIN_RESOLVED_FOR_CONCENTRATION,
                excluded={reason: n for reason, n in left_out.items() if n},
                ids={
                    "count": inc.ids[r_rows[own]],
                    "top": inc.ids[r_rows[own][r_people[own] == top_id]],
                },
            )
        )
    return tuple(result)
