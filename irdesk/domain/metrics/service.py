"""Per service: SLO adherence and error budget; per group: what incidents cost.

SLO figures always count every incident of the service (external causes and
technical debt included: customers felt them); only an incident merged into
another is left out, because its impact is already counted there.
"""

from dataclasses import dataclass, field

import numpy as np

from irdesk.domain.metrics.data import MetricData, ServiceInfo
from irdesk.domain.metrics.kernels.grouping import overlap_unions, split_by_code
from irdesk.domain.metrics.kernels.lookups import lookup, position_in, row_mask
from irdesk.domain.metrics.kernels.sorting import distinct
from irdesk.domain.metrics.selection import (
    CONTRADICTORY,
    MERGED,
    Group,
    Period,
    groups,
    impact_end,
    impact_start,
    merged_exclusion,
    restricted,
    without,
)
from irdesk.domain.policy import Policy


@dataclass(frozen=True)
class SloRow:
    service_id: int
    service: str
    target: float  # percent
    window_minutes: float
    impact_minutes: float
    availability: float  # percent
    budget_minutes: float
    budget_consumed: float  # share of the error budget used; above 1 is a breach
    missing: int  # incidents without any start time
    excluded: dict[str, int]
    # Incidents with neither a mitigation nor a resolution time, counted as impact to
    # the window's end: right for an outage still going on, wrong for one nobody closed
    # in its source, so the count is shown and the incidents listed.
    still_open: int
    burn_times: np.ndarray = field(repr=False)  # epoch seconds
    burn_remaining: np.ndarray = field(repr=False)  # share of the budget left at each time
    ids: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    # False: nobody stated the service's target (an incident import's default).
    target_stated: bool = True
    window_days: int | None = None  # the service's own SLO window; None: the period

    @property
    def met(self) -> bool:
        return self.availability >= self.target


def _clipped(
    start: np.ndarray, end: np.ndarray, low: float, high: float
) -> tuple[np.ndarray, np.ndarray]:
    """Impact (start, end) clipped to [low, high]; the start stays NaN when unknown."""
    end = np.where(np.isnan(end), high, end)  # still going: impact until the window's end
    return np.clip(start, low, high), np.clip(end, low, high)


def _outages(s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Overlapping impact of one service is one outage: (end of each outage, its minutes)."""
    starts, ends = overlap_unions(s, e)
    return ends, (ends - starts) / 60.0


DAY_SECONDS = 86400.0


def slo_window(info: ServiceInfo, period: Period) -> tuple[float, float]:
    """(start, end) in epoch seconds of the window a service's SLO is judged over: its own
    window of days ending with the period, or the period when the directory gives none."""
    low, high = period.bounds
    if info.slo_window_days:
        return high - info.slo_window_days * DAY_SECONDS, high
    return low, high


def slo_rows(data: MetricData, period: Period) -> tuple[SloRow, ...]:
    inc = data.incidents
    _, high = period.bounds
    services = sorted(data.services.items(), key=lambda kv: kv[1].name)
    windows = [slo_window(info, period) for _, info in services]
    low = min((w[0] for w in windows), default=period.bounds[0])
    start, end = impact_start(data), impact_end(data)
    known = ~np.isnan(start)
    # Any impact overlapping a window counts, including an incident that began before it.
    overlaps = known & (start < high) & (np.isnan(end) | (end > low))
    unknown = ~known & (end >= low) & (end < high)
    candidates = np.flatnonzero(overlaps | unknown)
    candidate_merged = inc.merged[candidates]
    candidate_open = np.isnan(end[candidates])
    c_start, c_end = start[candidates], end[candidates]
    # The candidates split by service (in that order, the last part: no known service).
    position = {service_id: n for n, (service_id, _) in enumerate(services)}
    code = lookup(inc.service[candidates], position, len(services), np.int64)
    by_service = split_by_code(code, len(services) + 1)
    result = []
    for n, (service_id, info) in enumerate(services):
        own_low, own_high = windows[n]
        window = (own_high - own_low) / 60.0
        own = by_service.positions(n)
        # Only what meets this service's own window (the candidates meet the widest).
        cs, ce = c_start[own], c_end[own]
        meets = np.where(
            np.isnan(cs), (ce >= own_low) & (ce < own_high), np.isnan(ce) | (ce > own_low)
        )
        own = own[meets]
        s_all, e_all = _clipped(c_start[own], c_end[own], own_low, own_high)
        merged = candidate_merged[own]
        excluded = {MERGED: candidates[own][merged]} if merged.any() else {}
        kept = ~merged
        rows, s, e = candidates[own][kept], s_all[kept], e_all[kept]
        missing = rows[np.isnan(s)]
        contradictory = rows[~np.isnan(s) & (e < s)]
        good = ~np.isnan(s) & (e >= s)
        still_open = rows[good & candidate_open[own][kept]]
        counted = rows[good]
        ends, minutes = _outages(s[good], e[good])
        impact = float(minutes.sum())
        budget = (1.0 - info.slo_target / 100.0) * window
        used = np.concatenate([[0.0], np.cumsum(minutes), [impact]])
        reasons = {reason: len(r) for reason, r in excluded.items()}
        if len(contradictory):
            reasons[CONTRADICTORY] = len(contradictory)
        result.append(
            SloRow(
                service_id=service_id,
                service=info.name,
                target=info.slo_target,
                window_minutes=window,
                impact_minutes=impact,
                availability=100.0 * (1.0 - impact / window),
                budget_minutes=budget,
                budget_consumed=impact / budget if budget > 0 else float(impact > 0),
                missing=len(missing),
                excluded=reasons,
                still_open=len(still_open),
                burn_times=np.concatenate([[own_low], ends, [own_high]]),
                burn_remaining=1.0 - used / budget if budget > 0 else np.zeros(len(used)),
                ids={
                    "count": inc.ids[counted],
                    "missing": inc.ids[missing],
                    "still_open": inc.ids[still_open],
                },
                target_stated=info.slo_stated,
                window_days=info.slo_window_days,
            )
        )
    return tuple(result)


@dataclass(frozen=True)
class CostRow:
    key: str
    label: str
    count: int
    missing: int  # incidents whose downtime cannot be measured
    downtime_minutes: float
    downtime_cost: float
    responder_hours: float
    responder_cost: float
    ids: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    @property
    def total(self) -> float:
        return self.downtime_cost + self.responder_cost


# (incident row, person id, hours) per participation: what `responder_hours` gives.
Responders = tuple[np.ndarray, np.ndarray, np.ndarray]


def responder_hours(data: MetricData) -> Responders:
    """(incident row, person id, hours) per participation: from a person's first event in the
    incident to its resolution (or their last event, when later or unresolved)."""
    ev, inc = data.events, data.incidents
    rows = data.part_rows
    known = rows >= 0
    rows, people = rows[known], ev.part_person[known]
    first, last = ev.part_first[known], ev.part_last[known]
    resolved = inc.resolved[rows]
    end = np.where(np.isnan(resolved), last, np.fmax(resolved, last))
    return rows, people, np.clip(end - first, 0, None) / 3600.0


def _own_time(
    incidents: int,
    rows: np.ndarray,
    p_rows: np.ndarray,
    p_people: np.ndarray,
    p_hours: np.ndarray,
    p_rate: np.ndarray,
) -> dict[int, tuple[float, float]]:
    """Person id → (hours, their cost) over their participations in the incidents of `rows`:
    a person's group holds exactly the incidents they took part in. One split of the
    participations by person instead of a search of all of them per person."""
    inside = np.flatnonzero(row_mask(rows, incidents)[p_rows])
    people = distinct(p_people[inside])
    by_person = split_by_code(position_in(people, p_people[inside]), len(people))
    result = {}
    for k, pid in enumerate(people.tolist()):
        mine = inside[by_person.positions(k)]  # in their order: the same sums
        result[pid] = (float(np.sum(p_hours[mine])), float(np.sum(p_hours[mine] * p_rate[mine])))
    return result


def cost_rows(
    data: MetricData,
    policy: Policy,
    by: str,
    rows: np.ndarray,
    grouped: list[Group] | None = None,
    responders: Responders | None = None,
) -> tuple[CostRow, ...]:
    """What the incidents of `rows` cost (downtime of an incident still going is missing).
    `grouped` and `responders`: `groups(data, rows, by)` and `responder_hours(data)`, when
    the caller has them already."""
    inc = data.incidents
    rows = without(rows, merged_exclusion(data, rows))
    grouped = groups(data, rows, by) if grouped is None else restricted(grouped, ~inc.merged)
    minutes = (impact_end(data) - impact_start(data)) / 60.0
    per_minute = data.cost_per_minute
    # An incident's own downtime cost (a facilitator's classification over the source's)
    # is what it cost; the service's price per minute only estimates the rest.
    downtime = np.where(np.isnan(inc.downtime_cost), minutes * per_minute, inc.downtime_cost)
    p_rows, p_people, p_hours = responders if responders is not None else responder_hours(data)
    rates = {
        pid: (p.hourly_rate if p.hourly_rate is not None else policy.default_hourly_rate)
        for pid, p in data.people.items()
    }
    p_rate = lookup(p_people, rates, policy.default_hourly_rate)
    if data.dated.has("person", "hourly_rate") and len(p_rows):
        # The rate in force when the incident started; an unknown one is the policy's.
        started = impact_start(data)[p_rows]
        p_rate = data.dated.at("person", "hourly_rate", p_people, started, p_rate)
        p_rate = np.where(np.isnan(p_rate), policy.default_hourly_rate, p_rate)
    hours_by_row = np.bincount(p_rows, weights=p_hours, minlength=len(inc))
    cost_by_row = np.bincount(p_rows, weights=p_hours * p_rate, minlength=len(inc))
    own_time = (
        _own_time(len(inc), rows, p_rows, p_people, p_hours, p_rate) if by == "person" else {}
    )
    result = []
    for group in [Group("all", "All", rows), *grouped]:
        r = group.rows
        m = minutes[r]
        ok = m >= 0  # NaN compares False: missing
        priced = ok | ~np.isnan(inc.downtime_cost[r])  # a stated cost needs no minutes
        if by == "person" and group.key != "all":
            # A person's own time; the downtime belongs to the services, not to them.
            hours, cost = own_time.get(int(group.key), (0.0, 0.0))
            result.append(
                CostRow(
                    group.key,
                    group.label,
                    len(r),
                    0,
                    0.0,
                    0.0,
                    hours,
                    cost,
                    ids={"count": inc.ids[r]},
                )
            )
            continue
        result.append(
            CostRow(
                key=group.key,
                label=group.label,
                count=len(r),
                missing=len(r) - int(np.count_nonzero(priced)),
                downtime_minutes=float(np.sum(m[ok])),
                downtime_cost=float(np.sum(downtime[r[priced]])),
                responder_hours=float(np.sum(hours_by_row[r])),
                responder_cost=float(np.sum(cost_by_row[r])),
                ids={"count": inc.ids[r], "missing": inc.ids[r[~priced]]},
            )
        )
    return tuple(result)
