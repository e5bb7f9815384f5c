"""Load over time, fairly: the on-call time a person held against the pages they got, and
the surges (a long incident, nights paged one after another, leave: their own, or a
teammate's they covered for) that a period's figures should be read beside. What counts as a surge, and what it does to the person's figures
(marked, excluded, or shown beside a figure without it), is the policy's
(`surge_long_incident_hours`, `surge_consecutive_nights`, `surge_treatment`).

Held time is the union of a person's dated memberships of a rotation within the period
(a schedule layer's open dates count as held throughout: every member of the layer takes
turns). Their expected pages are the rotation's pages in the period (to anyone on it,
while on it) times their share of the rotation's held time. Only incidents that count
for people (not merged, not left out by the policy) are counted.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from irdesk.domain.metrics.data import MetricData, from_epoch
from irdesk.domain.metrics.kernels.grouping import inside_intervals
from irdesk.domain.metrics.kernels.sorting import distinct
from irdesk.domain.metrics.people import after_hours, local_page_times
from irdesk.domain.metrics.selection import Period, anchor_times, in_period, policy_exclusions
from irdesk.domain.metrics.service import responder_hours
from irdesk.domain.policy import Policy

LONG_INCIDENT = "long incident"
NIGHTS_PAGED = "nights paged in a row"
ON_LEAVE = "on leave"
# A teammate's leave, named: "covering for Ana Silva on leave".
COVERING = "covering for {name} on leave"


@dataclass(frozen=True)
class HeldShare:
    """One rotation a person was on in the period."""

    rotation_id: int
    rotation: str
    members: int
    held_hours: float
    share: float  # of the rotation's held time
    rotation_pages: int
    pages: int  # theirs, while on it
    after_hours_pages: int
    incident_ids: tuple[int, ...]

    @property
    def expected_pages(self) -> float:
        return self.rotation_pages * self.share


@dataclass(frozen=True)
class Surge:
    kind: str  # LONG_INCIDENT, NIGHTS_PAGED, ON_LEAVE or COVERING with the name
    first_day: date
    last_day: date
    amount: float  # hours of the incident, nights in a row, or days of leave
    incident_ids: tuple[int, ...]

    @property
    def unit(self) -> str:
        """What `amount` counts, when not hours."""
        unit = "night" if self.kind == NIGHTS_PAGED else "day"
        return unit if self.amount == 1 else f"{unit}s"

    def span(self) -> str:
        first, last = self.first_day.isoformat(), self.last_day.isoformat()
        return first if first == last else f"{first} to {last}"

    def describe(self) -> str:
        """What and when, as a reason a figure names: "long incident 2026-03-03"."""
        return f"{self.kind} {self.span()}"


TREATMENT_WORDS = {
    "mark": "marked; counted in their figures",
    "exclude": "left out of their figures",
    "adjust": "counted; their figures also shown without it",
}


def surge_reasons(found: Sequence[Surge]) -> dict[int, tuple[str, ...]]:
    """Incident id → the surges it belongs to, described."""
    out: dict[int, list[str]] = {}
    for surge in found:
        for incident_id in surge.incident_ids:
            out.setdefault(incident_id, []).append(surge.describe())
    return {i: tuple(dict.fromkeys(reasons)) for i, reasons in out.items()}


def surge_incidents(
    data: MetricData, policy: Policy, period: Period, people: Iterable[int]
) -> dict[int, frozenset[int]]:
    """Person → the incidents of their surges in the period (the ones "exclude" leaves out
    of their figures and "adjust" shows their figures without)."""
    return {
        pid: frozenset(i for s in surges(data, policy, period, pid) for i in s.incident_ids)
        for pid in people
    }


def counted_rows(
    data: MetricData, policy: Policy, period: Period
) -> tuple[np.ndarray, dict[int, list[str]]]:
    """(rows of the incidents of the period that count for people, id → exclusion reasons)."""
    rows = in_period(data, period, anchor_times(data))
    excluded = policy_exclusions(data, policy, rows)
    inc = data.incidents
    keep = ~inc.merged[rows] & ~np.isin(inc.ids[rows], list(excluded))
    return rows[keep], excluded


def _union_hours(starts: np.ndarray, ends: np.ndarray, low: float, high: float) -> float:
    """Hours covered by the intervals, each clipped to [low, high), overlaps counted once."""
    spans = sorted(
        (max(s, low), min(e, high)) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    )
    total, reach = 0.0, low
    for start, end in spans:
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total / 3600.0


def held_shares(
    data: MetricData, policy: Policy, period: Period, person_id: int
) -> tuple[HeldShare, ...]:
    m, ev, inc = data.memberships, data.events, data.incidents
    low, high = period.bounds
    rows, _ = counted_rows(data, policy, period)
    counted = np.isin(ev.page_incident, inc.ids[rows])
    when = (ev.page_time >= low) & (ev.page_time < high) & counted
    meets = (m.start < high) & (m.end > low)
    out = []
    for rotation_id in distinct(m.rotation[meets & (m.person == person_id)]).tolist():
        mine = np.flatnonzero(meets & (m.rotation == rotation_id))
        members = distinct(m.person[mine])
        held = {
            int(p): _union_hours(
                m.start[mine][m.person[mine] == p], m.end[mine][m.person[mine] == p], low, high
            )
            for p in members.tolist()
        }
        total = sum(held.values())
        on_it = when & inside_intervals(
            ev.page_person, ev.page_time, m.person[mine], m.start[mine], m.end[mine]
        )
        theirs = on_it & (ev.page_person == person_id)
        local = local_page_times(data, ev.page_person[theirs], ev.page_time[theirs], policy)
        info = data.rotations.get(rotation_id)
        out.append(
            HeldShare(
                rotation_id=rotation_id,
                rotation=info.name if info is not None else f"rotation {rotation_id}",
                members=len(members),
                held_hours=held[person_id],
                share=held[person_id] / total if total else 0.0,
                rotation_pages=int(on_it.sum()),
                pages=int(theirs.sum()),
                after_hours_pages=int(after_hours(local, policy).sum()),
                incident_ids=tuple(sorted(set(ev.page_incident[theirs].tolist()))),
            )
        )
    out.sort(key=lambda h: (h.rotation, h.rotation_id))
    return tuple(out)


def no_surge_text(hours: float, nights: int, *, team: bool = False) -> str:
    """What a period without a surge says: the thresholds in force and that leave counts,
    so that "none" answers a question the reader can see (a 3-hour incident is no surge
    under a 4-hour threshold; a page on a day of leave would have been one)."""
    if team:
        return (
            f"No member had a surge in this period: no incident took {hours:g} h or more of a "
            f"member's time, none was paged after hours on {nights} or more nights in a row, "
            "and none was paged on leave or worked covering a teammate's leave (the policy's "
            "thresholds)."
        )
    return (
        f"No surge in this period: no incident took {hours:g} h or more of their time, no "
        f"after-hours pages on {nights} or more nights in a row, no page on their leave and "
        "no work covering a teammate's leave (the policy's thresholds)."
    )


def surges(data: MetricData, policy: Policy, period: Period, person_id: int) -> tuple[Surge, ...]:
    """A counted incident that took the policy's `surge_long_incident_hours` or more of
    theirs; after-hours pages on `surge_consecutive_nights` or more nights in a row (in
    their zone; a page before the working day belongs to the night before); their leave
    (the pages they got while away) and a teammate's (the incidents they were paged for
    or joined while covering)."""
    ev, inc = data.events, data.incidents
    rows, _ = counted_rows(data, policy, period)
    out = []
    r_rows, r_people, r_hours = responder_hours(data)
    mine = (
        (r_people == person_id)
        & np.isin(r_rows, rows)
        & (r_hours >= policy.surge_long_incident_hours)
    )
    for row, hours in zip(r_rows[mine].tolist(), r_hours[mine].tolist(), strict=True):
        begin = inc.started[row] if not np.isnan(inc.started[row]) else inc.detected[row]
        end = inc.resolved[row] if not np.isnan(inc.resolved[row]) else begin
        out.append(
            Surge(
                LONG_INCIDENT,
                from_epoch(float(begin)).date(),
                from_epoch(float(end)).date(),
                float(hours),
                (int(inc.ids[row]),),
            )
        )
    paged = (ev.page_person == person_id) & np.isin(ev.page_incident, inc.ids[rows])
    local = local_page_times(data, ev.page_person[paged], ev.page_time[paged], policy)
    late = after_hours(local, policy)
    nights: dict[date, set[int]] = {}
    for seconds, incident in zip(
        local[late].tolist(), ev.page_incident[paged][late].tolist(), strict=True
    ):
        moment = from_epoch(seconds)  # wall-clock time, read as if UTC
        night = moment.date()
        if moment.hour < policy.business_hours_start:
            night -= timedelta(days=1)
        nights.setdefault(night, set()).add(int(incident))
    for run in _runs(sorted(nights)):
        if len(run) >= policy.surge_consecutive_nights:
            ids = sorted(set().union(*(nights[n] for n in run)))
            out.append(Surge(NIGHTS_PAGED, run[0], run[-1], float(len(run)), tuple(ids)))
    out.extend(_leave_surges(data, policy, period, person_id, inc.ids[rows]))
    out.sort(key=lambda s: (s.first_day, s.kind))
    return tuple(out)


def _leave_surges(
    data: MetricData, policy: Policy, period: Period, person_id: int, counted: np.ndarray
) -> list[Surge]:
    """Their own leave and their teammates' that meet the period, each with the counted
    incidents of theirs inside it: a page sent, or their first part in an incident, on one
    of its days (in their zone). A span still open is read up to the period's end."""
    me = data.people.get(person_id)
    team = me.team_id if me is not None else None
    first_day = from_epoch(period.bounds[0]).date()
    last_day = from_epoch(period.bounds[1] - 1).date()
    spans = [
        span
        for span in data.leave
        if span.first_day <= last_day
        and (span.last_day is None or span.last_day >= first_day)
        and (
            span.person_id == person_id
            or (team is not None and _team_of(data, span.person_id) == team)
        )
    ]
    if not spans:
        return []
    ev = data.events
    paged = (ev.page_person == person_id) & np.isin(ev.page_incident, counted)
    joined = (ev.part_person == person_id) & np.isin(ev.part_incident, counted)
    pages = _on_days(data, policy, person_id, ev.page_time[paged], ev.page_incident[paged])
    parts = _on_days(data, policy, person_id, ev.part_first[joined], ev.part_incident[joined])
    out = []
    for span in spans:
        last = span.last_day if span.last_day is not None else last_day
        away = span.person_id == person_id
        # Their own pages in their leave; a teammate's leave also counts the work they
        # joined, as covering is more than answering the pager.
        found = pages if away else pages + parts
        ids = sorted({i for day, i in found if span.first_day <= day <= last})
        absent = data.people.get(span.person_id)
        kind = (
            ON_LEAVE
            if away
            else COVERING.format(name=absent.name if absent else f"person {span.person_id}")
        )
        days_away = float((last - span.first_day).days + 1)
        out.append(Surge(kind, span.first_day, last, days_away, tuple(ids)))
    return out


def _on_days(
    data: MetricData, policy: Policy, person_id: int, times: np.ndarray, incidents: np.ndarray
) -> list[tuple[date, int]]:
    """(their day, incident) of each moment, the day in their zone."""
    people = np.full(len(times), person_id, dtype=np.int64)
    local = local_page_times(data, people, times, policy)
    return [
        (from_epoch(t).date(), int(i))
        for t, i in zip(local.tolist(), incidents.tolist(), strict=True)
    ]


def _team_of(data: MetricData, person_id: int) -> int | None:
    info = data.people.get(person_id)
    return info.team_id if info is not None else None


def _runs(days: list[date]) -> list[list[date]]:
    """Sorted days split into runs of consecutive ones."""
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs
