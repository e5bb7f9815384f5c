"""The shortcuts the figures take with their inputs give what the plain way gives.

The kernels themselves are held to numpy's plain calls in test_kernels.py; these check
the shortcuts of the figures: both quantiles of a summary from one sort, the groups split
once and narrowed instead of split again, one time order shared by the trend and the
recurrence.
"""

import dataclasses
import math
from datetime import timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from metric_fixture import API, PERIOD, START, WEB, metric_data

from irdesk.domain.metrics.data import IncidentInput
from irdesk.domain.metrics.followup import mismatch_rows
from irdesk.domain.metrics.selection import GROUPINGS, anchor_times, groups, in_period, time_order
from irdesk.domain.metrics.service import cost_rows
from irdesk.domain.metrics.stats import summary
from irdesk.domain.policy import Policy

durations = st.lists(
    st.one_of(st.floats(0, 1e6, allow_nan=False), st.sampled_from([0.0, 1.5, 7.25])),
    min_size=1,
    max_size=80,
)


@given(durations)
def test_the_plain_summary_is_numpys_mean_median_and_p90(values: list[float]) -> None:
    v = np.array(values)
    mean, median, p90 = summary(v)
    assert (mean, median, p90) == (
        float(np.mean(v)),
        float(np.quantile(v, 0.5)),
        float(np.quantile(v, 0.9)),
    )


@st.composite
def shuffled_incidents(draw: st.DrawFn) -> list[IncidentInput]:
    """Ids out of row order, many at the same hour, some merged (a service may have only
    merged ones), some without any time."""
    count = draw(st.integers(min_value=1, max_value=30))
    ids = draw(st.permutations(range(1, count + 1)))
    result = []
    for n in range(count):
        start = START + timedelta(hours=draw(st.integers(-60, 250)))
        timed = draw(st.integers(0, 9)) > 0
        result.append(
            IncidentInput(
                id=ids[n],
                service_id=draw(st.sampled_from([API, WEB, None])),
                severity=draw(st.sampled_from(["SEV1", "SEV3", None])),
                customer_severity=draw(st.sampled_from(["SEV1", "SEV4", None])),
                started_at=start if timed else None,
                detected_at=start + timedelta(minutes=5) if timed else None,
                mitigated_at=start + timedelta(minutes=draw(st.integers(-10, 90))),
                merged=draw(st.booleans()),
            )
        )
    return result


def plain(value: object) -> object:
    """Rows as comparable values: arrays as lists, NaN as a word."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return value


@settings(max_examples=60, deadline=None)
@given(shuffled_incidents())
def test_groups_split_once_and_narrowed_equal_groups_split_again(
    incidents: list[IncidentInput],
) -> None:
    """compute_figures splits the period's incidents once and lets mismatches and cost
    drop the merged ones from each group: the same rows as splitting what is left."""
    data = metric_data(incidents)
    rows = in_period(data, PERIOD)
    for by in GROUPINGS:
        grouped = groups(data, rows, by)
        assert plain(mismatch_rows(data, rows, by, grouped)) == plain(mismatch_rows(data, rows, by))
        once = cost_rows(data, Policy(), by, rows, grouped)
        assert plain(once) == plain(cost_rows(data, Policy(), by, rows))


@settings(max_examples=60, deadline=None)
@given(shuffled_incidents())
def test_the_shared_time_order_is_by_time_then_id(incidents: list[IncidentInput]) -> None:
    data = metric_data(incidents)
    anchors = anchor_times(data)
    ids = data.incidents.ids
    timed = [r for r in range(len(ids)) if not math.isnan(anchors[r])]
    expected = sorted(timed, key=lambda r: (anchors[r], ids[r]))
    assert time_order(data, anchors).tolist() == expected
