"""The full figure set for one period, grouping and policy version: `compute_figures`."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from irdesk.domain.metrics.data import MetricData
from irdesk.domain.metrics.durations import DurationRow, TrendSeries, duration_rows, trend_series
from irdesk.domain.metrics.followup import (
    ComplianceRow,
    FollowThroughRow,
    MismatchRow,
    RecurrenceGroup,
    compliance_rows,
    follow_through_rows,
    mismatch_rows,
    recurrence_groups,
)
from irdesk.domain.metrics.kernels.memory import collector_paused
from irdesk.domain.metrics.people import (
    ConcentrationRow,
    LoadRow,
    RotationRow,
    concentration_rows,
    load_rows,
    rotation_rows,
)
from irdesk.domain.metrics.selection import (
    GROUPINGS,
    Period,
    anchor_times,
    groups,
    in_period,
    index_of_ids,
    policy_exclusions,
    time_order,
)
from irdesk.domain.metrics.service import CostRow, SloRow, cost_rows, responder_hours, slo_rows
from irdesk.domain.policy import Policy


@dataclass(frozen=True)
class Figures:
    period: Period
    by: str
    policy: Policy
    policy_version: int | None  # None: the built-in defaults, never saved
    as_of: datetime
    incidents: int  # in the period, before any exclusion
    undated: np.ndarray  # ids of incidents with neither a start nor a detection time: no period
    durations: dict[str, tuple[DurationRow, ...]]  # kpi → "all" row, then per group
    trends: tuple[TrendSeries, ...]  # the primary KPI's rolling median per severity
    mismatches: tuple[MismatchRow, ...]
    slo: tuple[SloRow, ...]
    cost: tuple[CostRow, ...]
    load: tuple[LoadRow, ...]
    rotations: tuple[RotationRow, ...]
    concentration: tuple[ConcentrationRow, ...]
    follow_through: tuple[FollowThroughRow, ...]
    recurrence: tuple[RecurrenceGroup, ...]
    compliance: tuple[ComplianceRow, ...]
    # Incident id → why the policy leaves it out of team and individual figures.
    excluded_by_policy: dict[int, list[str]]


def compute_figures(
    data: MetricData,
    policy: Policy,
    period: Period,
    by: str = "service",
    *,
    policy_version: int | None = None,
    as_of: datetime | None = None,
) -> Figures:
    """Every figure of the dashboard for incidents that started in `period`, grouped `by`.

    `as_of` decides what is overdue (default: the period's end).
    """
    if by not in GROUPINGS:
        raise ValueError(f"cannot group by {by!r}; one of {', '.join(GROUPINGS)}")
    with collector_paused():  # hundreds of thousands of small objects, none in a cycle
        return _compute(data, policy, period, by, policy_version, as_of or period.end)


def _compute(
    data: MetricData,
    policy: Policy,
    period: Period,
    by: str,
    policy_version: int | None,
    as_of: datetime,
) -> Figures:
    anchors = anchor_times(data)
    rows = in_period(data, period, anchors)
    grouped = groups(data, rows, by)  # split once; each figure keeps the rows it counts
    timeline = time_order(data, anchors)  # sorted once for the trend and the recurrence
    responders = responder_hours(data)  # for both the cost and the on-call load
    # Half the figures on a second thread: numpy releases Python's lock while it sorts,
    # sums and indexes large arrays, so the two halves overlap on two cores. Safe because
    # every figure only reads `data` and the inputs computed above, and writes nothing
    # another figure reads.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="irdesk-figures") as pool:
        first = pool.submit(
            lambda: (
                duration_rows(data, policy, period, by, anchors, grouped),
                trend_series(data, policy, period, anchors, policy.primary_kpi, timeline),
                mismatch_rows(data, rows, by, grouped),
                slo_rows(data, period),
                follow_through_rows(data, period, as_of.date()),
                rotation_rows(data, period),
                # Here rather than below: over ten years the halves then take about as
                # long as each other (the load and the recurrence are the longest).
                cost_rows(data, policy, by, rows, grouped, responders),
            )
        )
        recurrence = recurrence_groups(data, policy, rows, anchors, timeline)
        # Row mask of the incidents that recur (they may need a full postmortem).
        recurring = np.zeros(len(data.incidents), dtype=bool)
        if recurrence:
            ids = np.concatenate([g.ids["count"] for g in recurrence])
            recurring[index_of_ids(data, ids)] = True
        load = load_rows(data, policy, period, rows, responders)
        concentration = concentration_rows(data, policy, rows)
        compliance = compliance_rows(data, policy, rows, recurring, as_of)
        durations, trends, mismatches, slo, follow_through, rotations, cost = first.result()
    return Figures(
        period=period,
        by=by,
        policy=policy,
        policy_version=policy_version,
        as_of=as_of,
        incidents=len(rows),
        undated=data.incidents.ids[np.isnan(anchors)],
        durations=durations,
        trends=trends,
        mismatches=mismatches,
        slo=slo,
        cost=cost,
        load=load,
        rotations=rotations,
        concentration=concentration,
        follow_through=follow_through,
        recurrence=recurrence,
        compliance=compliance,
        excluded_by_policy=policy_exclusions(data, policy, rows),
    )
