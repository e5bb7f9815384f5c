"""The shortcuts that keep the figures fast give exactly what numpy's plain calls give.

Each helper replaces a slower numpy call (`np.quantile`, a stable `argsort`, `np.unique`,
a per-day zone look-up) over the hundred thousand incidents of the benchmark; these
check them against that call, to the last bit, on generated input that reaches each of
their branches (ties, NaN, small ids, 32-bit and 64-bit keys, far-apart days).
"""

import dataclasses
import math
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from metric_fixture import API, PERIOD, START, WEB, check_per_group_helpers, metric_data

from irdesk.domain.metrics.data import IncidentInput
from irdesk.domain.metrics.followup import mismatch_rows
from irdesk.domain.metrics.people import DAY, day_offsets
from irdesk.domain.metrics.selection import GROUPINGS, anchor_times, groups, in_period, time_order
from irdesk.domain.metrics.service import cost_rows
from irdesk.domain.metrics.stats import (
    code_order,
    distinct,
    sorted_quantile,
    stable_argsort,
    summary,
)
from irdesk.domain.policy import Policy

durations = st.lists(
    st.one_of(st.floats(0, 1e6, allow_nan=False), st.sampled_from([0.0, 1.5, 7.25])),
    min_size=1,
    max_size=80,
)


@given(durations, st.one_of(st.sampled_from([0.5, 0.9]), st.floats(0, 1)))
def test_a_quantile_of_sorted_values_is_numpys_to_the_last_bit(
    values: list[float], q: float
) -> None:
    v = np.array(values)
    assert sorted_quantile(np.sort(v), q) == float(np.quantile(v, q))


@given(durations)
def test_the_plain_summary_is_numpys_mean_median_and_p90(values: list[float]) -> None:
    v = np.array(values)
    mean, median, p90 = summary(v)
    assert (mean, median, p90) == (
        float(np.mean(v)),
        float(np.quantile(v, 0.5)),
        float(np.quantile(v, 0.9)),
    )


@given(
    st.lists(
        st.one_of(st.sampled_from([1.0, 2.0, float("nan")]), st.floats(-1e9, 1e9)),
        max_size=120,
    )
)
def test_the_fast_stable_sort_keeps_equal_values_and_nans_in_index_order(
    values: list[float],
) -> None:
    v = np.array(values, dtype=np.float64)
    assert stable_argsort(v).tolist() == np.argsort(v, kind="stable").tolist()


@given(st.lists(st.integers(0, 299), max_size=200), st.sampled_from([300, 70_000]))
def test_splitting_by_code_lists_each_codes_positions_in_order(
    codes: list[int], groups: int
) -> None:
    c = np.array(codes, dtype=np.int64)
    order, bounds = code_order(c, groups)
    for g in range(groups if groups < 1000 else 300):
        assert order[bounds[g] : bounds[g + 1]].tolist() == np.flatnonzero(c == g).tolist()
    assert bounds[-1] == len(c)


@given(
    st.lists(st.integers(0, 500), min_size=65, max_size=300),
    st.sampled_from([0, -(2**20), 2**33, -(2**40)]),
    st.sampled_from([np.int64, np.int32, np.int8]),
)
def test_distinct_is_numpys_unique_for_small_ids_and_wide_ones(
    values: list[int], shift: int, dtype: type
) -> None:
    """Small non-negative ids are counted, others sorted (as 32-bit numbers when they fit)."""
    v = np.array(values, dtype=np.int64)
    v[::7] += shift  # some far from the rest: the sorting paths
    v = v.astype(dtype) if np.can_cast(v.min(), dtype) and np.can_cast(v.max(), dtype) else v
    mine, theirs = distinct(v), np.unique(v)
    assert mine.dtype == theirs.dtype
    assert mine.tolist() == theirs.tolist()


@given(st.lists(st.tuples(st.integers(0, 99), st.integers(0, 100_000)), min_size=1, max_size=300))
def test_per_group_helpers_with_32_bit_keys_match_one_group_at_a_time(
    pairs: list[tuple[int, int]],
) -> None:
    """A hundred people by a hundred thousand incidents: the keys fit in 32 bits."""
    check_per_group_helpers(pairs, 100)


ZONES = ("Europe/London", "America/New_York", "Australia/Lord_Howe", "Africa/Casablanca")


def _offset_on(day: int, zone: ZoneInfo | timezone) -> float:
    noon = datetime.fromtimestamp(day * DAY + DAY / 2, UTC).astimezone(zone)
    return noon.utcoffset().total_seconds()  # type: ignore[union-attr]


@given(
    st.sampled_from(ZONES),
    st.integers(-800, 25_000),
    st.lists(st.integers(0, 900), min_size=1, max_size=40),
    st.booleans(),
)
def test_day_offsets_kept_per_block_are_the_zones_offset_on_each_day(
    zone_name: str, first: int, steps: list[int], far: bool
) -> None:
    """Through daylight-saving changes (Lord Howe moves half an hour, Casablanca around
    Ramadan), whether the days lie close together (blocks kept) or far apart."""
    zone = ZoneInfo(zone_name)
    days = first + np.cumsum(steps) * (40 if far else 1)
    expected = [_offset_on(d, zone) for d in days.tolist()]
    assert day_offsets(days.astype(np.float64), zone).tolist() == expected
    # Asked again (now from the kept blocks): the same.
    assert day_offsets(days.astype(np.float64), zone).tolist() == expected


def test_day_offsets_of_a_fixed_zone_and_of_no_days() -> None:
    five = timezone(timedelta(hours=5))
    assert day_offsets(np.arange(19_000.0, 19_400.0), five).tolist() == [18_000.0] * 400
    assert day_offsets(np.zeros(0), five).tolist() == []


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
