"""The kernels behind the figures give exactly what the plain numpy (or Python) call gives.

Each kernel replaces a slower plain call (`np.quantile`, a stable `argsort`, `np.unique`,
`np.setdiff1d`, a per-day zone look-up, a loop per group); these check them against that
call, to the last bit, on generated input that reaches each of their branches (ties, NaN,
small ids, 32-bit and 64-bit keys, far-apart values and days).
"""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from irdesk.domain.metrics.kernels.calendar import (
    DAY,
    day_offsets,
    split_days,
    wall_clock_times,
    week_index,
    weekday,
)
from irdesk.domain.metrics.kernels.grouping import (
    distinct_per_group,
    fullest_bucket_per_group,
    inside_intervals,
    last_per_group,
    overlap_unions,
    pack_pairs,
    sorted_pairs,
    split_by_code,
    split_rows_by_key,
    windows_in_sorted,
)
from irdesk.domain.metrics.kernels.lookups import (
    find_keys,
    lookup,
    marked,
    position_in,
    row_mask,
    rows_without,
)
from irdesk.domain.metrics.kernels.reductions import (
    partition_median,
    sorted_quantile,
    sum_of_products,
)
from irdesk.domain.metrics.kernels.sorting import distinct, run_starts, stable_argsort

durations = st.lists(
    st.one_of(st.floats(0, 1e6, allow_nan=False), st.sampled_from([0.0, 1.5, 7.25])),
    min_size=1,
    max_size=80,
)

# --- reductions ----------------------------------------------------------------


@given(durations, st.one_of(st.sampled_from([0.5, 0.9]), st.floats(0, 1)))
def test_a_quantile_of_sorted_values_is_numpys_to_the_last_bit(
    values: list[float], q: float
) -> None:
    v = np.array(values)
    assert sorted_quantile(np.sort(v), q) == float(np.quantile(v, q))


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60))
def test_the_trend_median_is_numpys_median(values: list[float]) -> None:
    assert partition_median(np.array(values)) == float(np.median(values))


@given(durations)
def test_a_sum_of_products_is_the_pairwise_sum_of_the_products(values: list[float]) -> None:
    v = np.array(values)
    w = np.arange(len(v), dtype=np.float64)
    assert sum_of_products(v, w) == float(np.sum(v * w))
    assert np.isclose(sum_of_products(v, w), float(np.dot(v, w)))


# --- sorting -------------------------------------------------------------------


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


@given(st.lists(st.integers(-3, 3), max_size=40))
def test_runs_start_where_a_sorted_value_changes(values: list[int]) -> None:
    ordered = np.sort(np.array(values, dtype=np.int64))
    expected = [i for i in range(len(ordered)) if i == 0 or ordered[i] != ordered[i - 1]]
    assert run_starts(ordered).tolist() == expected


# --- grouping ------------------------------------------------------------------


@given(st.lists(st.integers(0, 299), max_size=200), st.sampled_from([300, 70_000]))
def test_splitting_by_code_lists_each_codes_positions_in_order(
    codes: list[int], groups: int
) -> None:
    c = np.array(codes, dtype=np.int64)
    split = split_by_code(c, groups)
    for g in range(groups if groups < 1000 else 300):
        assert split.positions(g).tolist() == np.flatnonzero(c == g).tolist()
    assert split.bounds[-1] == len(c)


@given(st.lists(st.tuples(st.sampled_from([-1, 3, 7, 2**40]), st.integers(0, 99)), max_size=60))
def test_rows_split_by_key_are_each_keys_rows_sorted(pairs: list[tuple[int, int]]) -> None:
    keys = np.array([k for k, _ in pairs], dtype=np.int64)
    rows = np.array([r for _, r in pairs], dtype=np.int64)
    parts = split_rows_by_key(keys, rows)
    assert list(parts) == sorted(set(keys.tolist()))
    for key, part in parts.items():
        assert part.tolist() == sorted(rows[keys == key].tolist())


def check_per_group_helpers(pairs: list[tuple[int, int]], groups: int) -> None:
    """distinct_per_group and fullest_bucket_per_group against the obvious loop per group."""
    group = np.array([g for g, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=np.int64)
    distinct_values = distinct_per_group(group, values, groups)
    fullest = fullest_bucket_per_group(group, values.astype(np.float64), groups)
    for g in range(groups):
        mine = values[group == g]
        assert distinct_values[g].tolist() == sorted(set(mine.tolist()))
        counts = [int((mine == v).sum()) for v in set(mine.tolist())]
        assert fullest[g] == max(counts, default=0)


@given(st.lists(st.tuples(st.integers(0, 99), st.integers(0, 100_000)), min_size=1, max_size=300))
def test_per_group_helpers_with_32_bit_keys_match_one_group_at_a_time(
    pairs: list[tuple[int, int]],
) -> None:
    """A hundred people by a hundred thousand incidents: the keys fit in 32 bits."""
    check_per_group_helpers(pairs, 100)


@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from([-3, 0, 1, 7, 2**40, -(2**61)])),
        max_size=40,
    )
)
def test_per_group_distinct_values_and_fullest_bucket_match_one_group_at_a_time(
    pairs: list[tuple[int, int]],
) -> None:
    """Values far apart take the helpers' other path (a two-key sort)."""
    check_per_group_helpers(pairs, 5)
    values = np.array([v for _, v in pairs], dtype=np.int64)
    assert distinct(values).tolist() == sorted(set(values.tolist()))


@given(st.lists(st.tuples(st.integers(0, 20), st.sampled_from([-5, 0, 3, 9, 2**40])), min_size=1))
def test_packed_pairs_sort_as_the_pairs_and_unpack_to_them(pairs: list[tuple[int, int]]) -> None:
    major = np.array([a for a, _ in pairs], dtype=np.int64)
    minor = np.array([b for _, b in pairs], dtype=np.int64)
    packed = pack_pairs(major, minor, 21)
    if packed is None:  # too wide for one integer key: only far-apart minors
        assert int(minor.max()) - int(minor.min()) >= 2**40
        return
    assert np.argsort(packed.keys, kind="stable").tolist() == np.lexsort((minor, major)).tolist()
    a, b = packed.unpack(packed.keys)
    assert (a.tolist(), b.tolist()) == (major.tolist(), minor.tolist())
    a, b = packed.unpack(packed.keys.copy(), overwrite_keys=True)
    assert (a.tolist(), b.tolist()) == (major.tolist(), minor.tolist())
    order, starts = sorted_pairs(major, minor)
    assert order.tolist() == np.lexsort((minor, major)).tolist()
    seen = [(int(major[i]), int(minor[i])) for i in order]
    assert starts.tolist() == [i for i in range(len(seen)) if i == 0 or seen[i] != seen[i - 1]]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 5), st.one_of(st.sampled_from([1.0, 2.0, float("nan")]), st.floats(0, 9))
        ),
        max_size=40,
    ),
    st.data(),
)
def test_the_last_per_group_is_the_latest_by_time_then_position(
    entries: list[tuple[int, float]], data: st.DataObject
) -> None:
    group = np.array([g for g, _ in entries], dtype=np.int64)
    time = np.array([t for _, t in entries], dtype=np.float64)
    chosen = sorted(data.draw(st.sets(st.integers(0, max(len(entries) - 1, 0)))))
    chosen = [c for c in chosen if c < len(entries)]
    expected = {}
    for g in {int(group[i]) for i in chosen}:
        own = [i for i in chosen if group[i] == g]
        timed = [i for i in own if not np.isnan(time[i])]
        if timed:  # the latest time, the last of equals; NaN never wins
            latest = max(time[i] for i in timed)
            expected[g] = max(i for i in timed if time[i] == latest)
        else:
            expected[g] = max(own)
    mine = last_per_group(np.array(chosen, dtype=np.int64), group, time)
    assert sorted(mine.tolist()) == sorted(expected.values())


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 20)), max_size=30))
def test_overlapping_intervals_join_into_one(spans: list[tuple[int, int]]) -> None:
    starts = np.array([s for s, _ in spans], dtype=np.float64)
    ends = starts + np.array([d for _, d in spans], dtype=np.float64)
    expected: list[list[float]] = []
    for s, e in sorted(zip(starts.tolist(), ends.tolist(), strict=True)):
        if expected and s <= expected[-1][1]:
            expected[-1][1] = max(expected[-1][1], e)
        else:
            expected.append([s, e])
    union_starts, union_ends = overlap_unions(starts, ends)
    assert [list(p) for p in zip(union_starts.tolist(), union_ends.tolist(), strict=True)] == (
        expected
    )


@given(st.lists(st.integers(0, 100), max_size=40), st.lists(st.integers(0, 120), max_size=5))
def test_windows_hold_the_sorted_times_inside_them(times: list[int], ends: list[int]) -> None:
    t = np.sort(np.array(times, dtype=np.float64))
    e = np.array(ends, dtype=np.float64)
    lo, hi = windows_in_sorted(t, e, 10.0)
    for a, b, end in zip(lo.tolist(), hi.tolist(), e.tolist(), strict=True):
        assert t[a:b].tolist() == [x for x in t.tolist() if end - 10.0 <= x < end]


# --- lookups -------------------------------------------------------------------


@given(st.lists(st.integers(0, 60), max_size=40), st.lists(st.integers(0, 60), max_size=40))
def test_rows_without_is_setdiff_in_the_original_order(rows: list[int], drop: list[int]) -> None:
    r, d = np.array(rows, dtype=np.int64), np.array(drop, dtype=np.int64)
    assert rows_without(r, d).tolist() == [x for x in rows if x not in set(drop)]
    mask = row_mask(r, 61)
    assert np.flatnonzero(mask).tolist() == sorted(set(rows))
    marks = marked(np.r_[-1, d], mask)
    assert marks.tolist() == [False] + [x in set(rows) for x in drop]


@given(
    st.dictionaries(st.sampled_from([0, 2, 5, 9, 40_000, 2**40]), st.integers(-9, 9)),
    st.lists(st.sampled_from([-1, 0, 1, 2, 5, 9, 40_000, 2**40]), max_size=30),
)
def test_lookup_is_the_tables_value_or_the_default(table: dict[int, int], keys: list[int]) -> None:
    k = np.array(keys, dtype=np.int64)
    expected = [float(table.get(key, -99)) for key in keys]
    assert lookup(k, table, -99).tolist() == expected
    assert lookup(k, table, -99, np.int64).tolist() == [int(x) for x in expected]


@given(st.sets(st.sampled_from([0, 1, 3, 4, 8, 2**35]), min_size=1), st.data())
def test_positions_in_sorted_keys(known_set: set[int], data: st.DataObject) -> None:
    known = np.array(sorted(known_set), dtype=np.int64)
    keys = data.draw(st.lists(st.sampled_from(sorted(known_set)), max_size=30))
    k = np.array(keys, dtype=np.int64)
    assert position_in(known, k).tolist() == [sorted(known_set).index(x) for x in keys]


@given(st.lists(st.integers(1, 40), unique=True, max_size=20), st.booleans())
def test_found_keys_are_their_index_and_absent_ones_minus_one(
    ids: list[int], ordered: bool
) -> None:
    keys = np.array(sorted(ids) if ordered else ids, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    in_order = bool(np.all(keys[1:] > keys[:-1]))
    found = find_keys(keys[order], np.arange(-1, 45), None if in_order else order)
    expected = [keys.tolist().index(x) if x in ids else -1 for x in range(-1, 45)]
    assert found.tolist() == expected


# --- calendar ------------------------------------------------------------------

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


@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(17_000 * 86_400, 21_000 * 86_400)),
        min_size=1,
        max_size=30,
    ),
    st.booleans(),
)
def test_wall_clock_times_shift_each_time_by_its_zones_offset_that_day(
    entries: list[tuple[int, int]], far: bool
) -> None:
    """Days close together (a table per day of the span) or far apart (per day present)."""
    zones = [ZoneInfo("Europe/London"), ZoneInfo("Asia/Tokyo"), UTC]
    codes = np.array([z for z, _ in entries], dtype=np.int64)
    times = np.array([t for _, t in entries], dtype=np.float64) + 0.25
    if far:
        times[0] -= 9_000 * DAY
    shifted = wall_clock_times(times, codes, zones)
    expected = [
        t + _offset_on(int(np.floor(t / DAY)), zones[z])
        for z, t in zip(codes.tolist(), times.tolist(), strict=True)
    ]
    assert shifted.tolist() == expected


# Wall-clock epoch seconds to the millisecond, 1938 to 2128.
wall_clock = st.integers(-(10**12), 5 * 10**12).map(lambda ms: ms / 1e3)


@given(st.lists(wall_clock, min_size=1, max_size=40))
def test_days_seconds_weekdays_and_weeks_of_wall_clock_times(values: list[float]) -> None:
    local = np.array(values, dtype=np.float64)
    day, seconds = split_days(local.copy())
    assert seconds.tolist() == (local % DAY).tolist()
    assert day.tolist() == np.floor(local / DAY).tolist()
    for t, d, wd, week in zip(
        values, day.tolist(), weekday(day).tolist(), week_index(local).tolist(), strict=True
    ):
        when = date(1970, 1, 1) + timedelta(days=int(d))
        assert wd == when.weekday()  # 0 = Monday
        # Weeks run Monday to Sunday; week 0 began on Monday 1969-12-29.
        assert week == (when - date(1969, 12, 29)).days // 7, t


edge = st.sampled_from([-np.inf, np.inf, 0.0, 10.0, 20.0])
moment = st.one_of(st.integers(-5, 40).map(float), edge)


@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(-5, 40).map(float)), max_size=40),
    st.lists(st.tuples(st.integers(0, 4), moment, moment), max_size=12),
)
def test_inside_intervals_is_any_interval_of_the_key_holding_the_time(
    points: list[tuple[int, float]], intervals: list[tuple[int, float, float]]
) -> None:
    keys = np.array([p[0] for p in points], dtype=np.int64)
    times = np.array([p[1] for p in points], dtype=np.float64)
    owners = np.array([i[0] for i in intervals], dtype=np.int64)
    starts = np.array([i[1] for i in intervals], dtype=np.float64)
    ends = np.array([i[2] for i in intervals], dtype=np.float64)
    plain = [any(k == o and s <= t < e for o, s, e in intervals) for k, t in points]
    assert inside_intervals(keys, times, owners, starts, ends).tolist() == plain
