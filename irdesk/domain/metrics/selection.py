"""Which incidents a figure counts: the period, the grouping, exclusions, weights.

Exclusions are always counted and named, never silent: an incident merged into
another is the same outage (counted there); external causes and approved
technical debt leave team and individual figures when the policy says so, but
never service or SLO figures.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from irdesk.domain.metrics.data import MetricData, epoch, impact_start_of
from irdesk.domain.metrics.kernels.grouping import split_rows_by_key
from irdesk.domain.metrics.kernels.lookups import marked, row_mask, rows_without
from irdesk.domain.metrics.kernels.sorting import distinct, is_sorted, stable_argsort
from irdesk.domain.policy import Policy
from irdesk.domain.utc import as_utc

GROUPINGS = ("service", "team", "severity", "person")
MERGED = "merged into another incident"
EXTERNAL = "external cause"
TECH_DEBT = "approved technical debt"
CONTRADICTORY = "timestamps contradict each other"


@dataclass(frozen=True)
class Period:
    """Half-open [start, end), aware UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", as_utc(self.start))
        object.__setattr__(self, "end", as_utc(self.end))
        if self.end <= self.start:
            raise ValueError(
                f"the period ends ({self.end:%Y-%m-%d}) before it starts ({self.start:%Y-%m-%d})"
            )

    def previous(self) -> "Period":
        return Period(self.start - (self.end - self.start), self.start)

    @property
    def bounds(self) -> tuple[float, float]:
        return epoch(self.start), epoch(self.end)

    @property
    def minutes(self) -> float:
        return (self.end - self.start) / timedelta(minutes=1)


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    rows: np.ndarray  # indices into the incident columns


# Every incident, for `impact_start` and `impact_end`: a slice selects without copying.
EVERY = slice(None)


def impact_start(data: MetricData, rows: np.ndarray | slice = EVERY) -> np.ndarray:
    """When each incident's impact started: its start, else its detection (NaN: neither)."""
    return impact_start_of(data.incidents, rows)


def impact_end(data: MetricData, rows: np.ndarray | slice = EVERY) -> np.ndarray:
    """When each incident's impact ended: its mitigation, else its resolution (NaN:
    neither, the impact still going or never closed in its source)."""
    inc = data.incidents
    mitigated = inc.mitigated[rows]
    end: np.ndarray = np.where(np.isnan(mitigated), inc.resolved[rows], mitigated)
    return end


def anchor_times(data: MetricData) -> np.ndarray:
    """When an incident counts as happening, for periods and time order: its impact start."""
    return impact_start(data)


def reach(period: Period, policy: Policy, longest_slo_window_days: int) -> Period:
    """The anchor times whose incidents the figures of `period` count: the period's own,
    the previous period's (the change of each median), the trend's window before its
    first point, and the longest SLO window ending with the period. An incident anchored
    earlier counts only through an impact lasting into that span, or pages in the period.
    """
    start = min(
        period.previous().start,
        period.start - timedelta(days=policy.trend_window_days),
        period.end - timedelta(days=longest_slo_window_days),
    )
    return Period(start, period.end)


def time_order(data: MetricData, anchors: np.ndarray) -> np.ndarray:
    """The rows that have an anchor time, by that time; at the same moment by id, whatever
    the input order. Sorted once: any subset taken in this order is in time order too."""
    inc = data.incidents
    # Rows in id order: a stable sort keeps ties by id.
    in_id_order = inc.id_order[1] is None
    order = stable_argsort(anchors) if in_id_order else np.lexsort((inc.ids, anchors))
    timed: np.ndarray = order[: np.count_nonzero(~np.isnan(anchors))]  # NaN sorts last
    return timed


def in_period(data: MetricData, period: Period, anchors: np.ndarray | None = None) -> np.ndarray:
    """Indices of the incidents of the period (merged ones included; callers exclude them)."""
    t = anchor_times(data) if anchors is None else anchors
    low, high = period.bounds
    return np.flatnonzero((t >= low) & (t < high))


def accountability_exclusions(
    data: MetricData, policy: Policy, rows: np.ndarray
) -> dict[str, np.ndarray]:
    """Reason → incident rows left out of team and individual figures."""
    inc = data.incidents
    reasons: dict[str, np.ndarray] = {}
    taken = np.zeros(len(rows), dtype=bool)
    checks = [(MERGED, inc.merged[rows])]
    if policy.exclude_external_cause:
        checks.append((EXTERNAL, inc.external_cause[rows]))
    if policy.exclude_approved_tech_debt:
        checks.append((TECH_DEBT, inc.tech_debt[rows]))
    for reason, hit in checks:
        new = hit & ~taken
        if new.any():
            reasons[reason] = rows[new]
        taken |= hit
    return reasons


def policy_exclusions(data: MetricData, policy: Policy, rows: np.ndarray) -> dict[int, list[str]]:
    """Incident id → every reason the policy leaves it out of team and individual figures
    (all of them, where `accountability_exclusions` names the first), in id order."""
    inc = data.incidents
    checks = []
    if policy.exclude_external_cause:
        checks.append((EXTERNAL, inc.external_cause[rows]))
    if policy.exclude_approved_tech_debt:
        checks.append((TECH_DEBT, inc.tech_debt[rows]))
    if not checks:
        return {}
    # Which reasons hold for each incident, as one bit per reason: each combination's list
    # of names is then made once, not appended to reason by reason, incident by incident.
    combination = np.zeros(len(rows), dtype=np.int64)
    for bit, (_, hit) in enumerate(checks):
        combination[hit] |= 1 << bit
    names = [
        [reason for bit, (reason, _) in enumerate(checks) if c >> bit & 1]
        for c in range(1 << len(checks))
    ]
    excluded = np.flatnonzero(combination)
    ids, combination = inc.ids[rows[excluded]], combination[excluded]
    if not is_sorted(ids):
        order = np.argsort(ids, kind="stable")
        ids, combination = ids[order], combination[order]
    return {i: list(names[c]) for i, c in zip(ids.tolist(), combination.tolist(), strict=True)}


def merged_exclusion(data: MetricData, rows: np.ndarray) -> dict[str, np.ndarray]:
    hit = data.incidents.merged[rows]
    return {MERGED: rows[hit]} if hit.any() else {}


def excluded_for(
    data: MetricData, policy: Policy, rows: np.ndarray, by: str
) -> dict[str, np.ndarray]:
    if by in ("team", "person"):
        return accountability_exclusions(data, policy, rows)
    return merged_exclusion(data, rows)


def without(rows: np.ndarray, excluded: dict[str, np.ndarray]) -> np.ndarray:
    """`rows` (in their order) but the excluded ones."""
    if not excluded:
        return rows
    return rows_without(rows, np.concatenate(list(excluded.values())))


def index_of_ids(data: MetricData, ids: np.ndarray) -> np.ndarray:
    """Row index of each incident id; -1 for ids not among the incidents."""
    return data.incidents.rows_of(ids)


def team_per_row(data: MetricData, rows: np.ndarray) -> np.ndarray:
    """The team owning each incident's service; -1 for none."""
    result: np.ndarray = data.incident_team[rows]
    return result


def groups(data: MetricData, rows: np.ndarray, by: str) -> list[Group]:
    """The incidents of `rows` per group, in a stable, readable order; a person's are the
    incidents they were paged for or acted in."""
    inc = data.incidents
    if by == "severity":
        parts = split_rows_by_key(inc.severity[rows].astype(np.int64), rows)
        return [
            Group(f"SEV{k}" if k else "none", f"SEV{k}" if k else "no severity", parts[k])
            for k in sorted(parts, key=lambda k: k or 9)
        ]
    if by == "service":
        parts = split_rows_by_key(inc.service[rows], rows)
        named = [(data.services[k].name if k in data.services else "no service", k) for k in parts]
        return [Group(str(k), name, parts[k]) for name, k in sorted(named)]
    if by == "team":
        owner = team_per_row(data, rows)
        parts = split_rows_by_key(owner, rows)
        named = [(data.teams[k].name if k in data.teams else "no team", k) for k in parts]
        return [Group(str(k), name, parts[k]) for name, k in sorted(named)]
    if by == "person":
        # Each participation (incident, person) in one of `rows`.
        taking_part = marked(data.part_rows, row_mask(rows, len(inc)))
        parts = split_rows_by_key(data.events.part_person[taking_part], data.part_rows[taking_part])
        named = [(data.people[k].name if k in data.people else f"person {k}", k) for k in parts]
        return [Group(str(k), name, distinct(parts[k])) for name, k in sorted(named)]
    raise ValueError(f"cannot group by {by!r}; one of {', '.join(GROUPINGS)}")


def restricted(grouped: list[Group], keep: np.ndarray) -> list[Group]:
    """`grouped` with only the rows where `keep` (a mask over all incidents) holds, empty
    groups dropped: what `groups` gives for those rows, without splitting them again."""
    result = []
    for group in grouped:
        rows = group.rows[keep[group.rows]]
        if len(rows):
            result.append(Group(group.key, group.label, rows))
    return result


def impact_minutes(data: MetricData, rows: np.ndarray, until: float) -> np.ndarray:
    """Minutes from `impact_start` to `impact_end` (`until` while the impact goes on)."""
    end = impact_end(data, rows)
    end = np.where(np.isnan(end), until, end)
    minutes: np.ndarray = (end - impact_start(data, rows)) / 60.0
    return minutes


def weights(data: MetricData, policy: Policy, rows: np.ndarray) -> np.ndarray | None:
    """Business-impact weights per policy; None for equal weighting (the plain figures)."""
    inc = data.incidents
    if policy.weighting == "equal":
        return None
    if policy.weighting == "severity":
        table = np.array(
            [policy.severity_weights["SEV5"]]  # no severity: the lightest weight
            + [policy.severity_weights[f"SEV{r}"] for r in range(1, 6)],
            dtype=np.float64,
        )
        by_severity: np.ndarray = table[inc.severity[rows].astype(np.int64)]
        return by_severity
    cost = inc.downtime_cost[rows].copy()
    gap = np.isnan(cost)
    if gap.any():
        per_minute = data.cost_per_minute[rows][gap]
        minutes = impact_minutes(data, rows[gap], float("nan"))
        cost[gap] = np.nan_to_num(np.clip(minutes, 0, None) * per_minute)
    by_cost: np.ndarray = np.clip(cost, 0, None)
    return by_cost
