"""Time to detect, acknowledge, mitigate and resolve.

Each is the minutes between two lifecycle times of an incident (`SPANS`): start to
detection, detection to acknowledgement, start to mitigation, start to resolution (to
verification when the policy counts it). Per group: how many incidents were counted,
missing (a time absent: never zero) and excluded, with the reason (merged into another;
for team and person groups, the policy's accountability exclusions; times that
contradict each other); mean, median and p90, weighted per policy; the share inside the
severity's target; the median of the previous period of the same length. The trend is
each severity's rolling median, sampled weekly back from the period's end.
"""

from dataclasses import dataclass, field

import numpy as np

from irdesk.domain.metrics.data import MetricData
from irdesk.domain.metrics.kernels.calendar import DAY
from irdesk.domain.metrics.kernels.grouping import split_by_code, windows_in_sorted
from irdesk.domain.metrics.kernels.lookups import row_mask
from irdesk.domain.metrics.kernels.reductions import partition_median
from irdesk.domain.metrics.selection import (
    CONTRADICTORY,
    Group,
    Period,
    excluded_for,
    groups,
    in_period,
    time_order,
    weights,
    without,
)
from irdesk.domain.metrics.stats import summary, weighted_quantile
from irdesk.domain.policy import KPIS, Policy

# kpi → (start field, end field); resolve ends at verification when the policy says so.
SPANS = {
    "time_to_detect": ("started", "detected"),
    "time_to_acknowledge": ("detected", "acknowledged"),
    "time_to_mitigate": ("started", "mitigated"),
    "time_to_resolve": ("started", "resolved"),
}
KPI_LABELS = {
    "time_to_detect": "Time to detect",
    "time_to_acknowledge": "Time to acknowledge",
    "time_to_mitigate": "Time to mitigate",
    "time_to_resolve": "Time to resolve",
}
ALL = "all"


def span(kpi: str, policy: Policy) -> tuple[str, str]:
    start, end = SPANS[kpi]
    if kpi == "time_to_resolve" and policy.verification_counts:
        end = "verified"
    return start, end


def duration_minutes(data: MetricData, kpi: str, policy: Policy) -> np.ndarray:
    """One value per incident, NaN where a timestamp is missing; may be negative (contradictory)."""
    start, end = span(kpi, policy)
    inc = data.incidents
    result: np.ndarray = (inc.time(end) - inc.time(start)) / 60.0
    return result


@dataclass(frozen=True)
class DurationRow:
    kpi: str
    key: str
    label: str
    count: int
    missing: int
    excluded: dict[str, int]
    mean: float
    median: float
    p90: float
    attained: int  # inside the target for their severity (weighted share in `attainment`)
    evaluated: int  # had a target
    attainment: float  # NaN when nothing had a target
    previous_median: float
    values: np.ndarray = field(repr=False)  # minutes, of the counted incidents
    ids: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    @property
    def excluded_count(self) -> int:
        return sum(self.excluded.values())

    @property
    def change(self) -> float:
        """Median minus the previous period's median: negative is faster."""
        return self.median - self.previous_median


def _targets(data: MetricData, kpi: str, policy: Policy) -> np.ndarray:
    """Each incident's target in minutes for its severity; NaN where it has none."""
    table = np.full(6, np.nan)
    for rank in range(1, 6):
        seconds = policy.threshold_seconds(kpi, f"SEV{rank}")
        if seconds is not None:
            table[rank] = seconds / 60.0
    result: np.ndarray = table[data.incidents.severity.astype(np.int64)]
    return result


def _row(
    data: MetricData,
    policy: Policy,
    kpi: str,
    group: Group,
    excluded: dict[str, np.ndarray],
    rows: np.ndarray,
    minutes: np.ndarray,
    targets: np.ndarray,
    previous_rows: np.ndarray,
) -> DurationRow:
    """`rows`: the group's rows without the `excluded` ones; `targets`: `_targets`."""
    ids = data.incidents.ids
    values = minutes[rows]
    missing = rows[np.isnan(values)]
    bad = rows[values < 0]  # NaN compares False
    ok = values >= 0
    counted = rows[ok]
    reasons = {reason: len(r) for reason, r in excluded.items()}
    excluded_rows = list(excluded.values())
    if len(bad):
        reasons[CONTRADICTORY] = len(bad)
        excluded_rows.append(bad)
    v = values[ok]
    w = weights(data, policy, counted)
    mean, median, p90 = summary(v, w)
    target = targets[counted]
    has_target = ~np.isnan(target)
    inside = v <= target  # False where there is no target (NaN compares False)
    evaluated, attained = int(np.count_nonzero(has_target)), int(np.count_nonzero(inside))
    if evaluated == 0:
        attainment = float("nan")
    elif w is None:
        attainment = attained / evaluated
    else:
        total = float(np.sum(w[has_target]))
        attainment = float(np.sum(w[inside]) / total) if total > 0 else float("nan")
    counted_ids = ids[counted]
    previous = minutes[previous_rows]
    kept = previous_rows[previous >= 0]
    # The previous period's median is weighted like this period's.
    previous_median = weighted_quantile(minutes[kept], 0.5, weights(data, policy, kept))
    return DurationRow(
        kpi=kpi,
        key=group.key,
        label=group.label,
        count=len(counted),
        missing=len(missing),
        excluded=reasons,
        mean=mean,
        median=median,
        p90=p90,
        attained=attained,
        evaluated=evaluated,
        attainment=attainment,
        previous_median=previous_median,
        values=v,
        ids={
            "count": counted_ids,
            "missing": ids[missing],
            "excluded": ids[np.concatenate(excluded_rows)] if excluded_rows else ids[:0],
            "attained": counted_ids[inside],
            "missed": counted_ids[has_target ^ inside],  # inside implies a target
        },
    )


def duration_rows(
    data: MetricData,
    policy: Policy,
    period: Period,
    by: str,
    anchors: np.ndarray,
    grouped: list[Group] | None = None,
) -> dict[str, tuple[DurationRow, ...]]:
    """kpi → the "all" row, then one row per group. `grouped`: `groups` of the period's
    incidents, when the caller has it already."""
    rows = in_period(data, period, anchors)
    before = in_period(data, period.previous(), anchors)
    excluded = excluded_for(data, policy, rows, by)
    excluded_before = excluded_for(data, policy, before, by)
    result: dict[str, tuple[DurationRow, ...]] = {}
    if grouped is None:
        grouped = groups(data, rows, by)
    current_groups = [Group(ALL, "All", rows), *grouped]
    previous_groups = {g.key: g for g in groups(data, without(before, excluded_before), by)}
    previous_groups[ALL] = Group(ALL, "All", without(before, excluded_before))
    # Each group's excluded and kept rows, through masks over all incidents (no sorting).
    hit_masks = {reason: row_mask(hit, len(data.incidents)) for reason, hit in excluded.items()}
    any_hit = np.logical_or.reduce(list(hit_masks.values())) if hit_masks else None
    excluded_per_group, kept_per_group = [], []
    for group in current_groups:
        parts = {reason: group.rows[mask[group.rows]] for reason, mask in hit_masks.items()}
        excluded_per_group.append({k: v for k, v in parts.items() if len(v)})
        kept_per_group.append(group.rows if any_hit is None else group.rows[~any_hit[group.rows]])
    for kpi in KPIS:
        minutes = duration_minutes(data, kpi, policy)
        targets = _targets(data, kpi, policy)
        out = []
        for group, group_excluded, kept in zip(
            current_groups, excluded_per_group, kept_per_group, strict=True
        ):
            prev = previous_groups.get(group.key)
            prev_rows = prev.rows if prev is not None else rows[:0]
            out.append(
                _row(data, policy, kpi, group, group_excluded, kept, minutes, targets, prev_rows)
            )
        result[kpi] = tuple(out)
    return result


@dataclass(frozen=True)
class TrendSeries:
    """The rolling median of one KPI for one severity, sampled weekly, with its target."""

    kpi: str
    key: str
    label: str
    times: np.ndarray  # epoch seconds: the end of each rolling window
    medians: np.ndarray  # minutes; NaN where the window held nothing
    target: float  # minutes; NaN when the severity has none
    ids: tuple[np.ndarray, ...] = field(repr=False, default=())  # incidents behind each point


def trend_series(
    data: MetricData,
    policy: Policy,
    period: Period,
    anchors: np.ndarray,
    kpi: str,
    timeline: np.ndarray | None = None,
) -> tuple[TrendSeries, ...]:
    """`timeline`: `time_order(data, anchors)`, when the caller has it already."""
    inc = data.incidents
    low, high = period.bounds
    week, window = 7 * DAY, policy.trend_window_days * DAY
    points = np.arange(high, low, -week)[::-1]
    if len(points) < 2:
        points = np.array([low + (high - low) / 2, high])
    minutes = duration_minutes(data, kpi, policy)
    if timeline is None:
        timeline = time_order(data, anchors)
    usable = timeline[~inc.merged[timeline] & (minutes[timeline] >= 0)]
    # Split by severity keeping time order: each severity's incidents by time, ties by id.
    by_severity = split_by_code(inc.severity[usable], 6)
    series = []
    for rank in range(1, 6):
        order = usable[by_severity.positions(rank)]
        if len(order) == 0:
            continue
        t, m, ids = anchors[order], minutes[order], inc.ids[order]
        lo, hi = windows_in_sorted(t, points, window)
        if not (hi > lo).any():
            continue
        medians = np.array(
            [partition_median(m[a:b]) if b > a else np.nan for a, b in zip(lo, hi, strict=True)]
        )
        seconds = policy.threshold_seconds(kpi, f"SEV{rank}")
        series.append(
            TrendSeries(
                kpi=kpi,
                key=f"SEV{rank}",
                label=f"SEV{rank}",
                times=points,
                medians=medians,
                target=seconds / 60.0 if seconds is not None else float("nan"),
                ids=tuple(ids[a:b] for a, b in zip(lo, hi, strict=True)),
            )
        )
    return tuple(series)
