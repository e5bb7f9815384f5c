"""Per-group work in one pass over all groups instead of one pass per group.

The figures are tables with a row per service, team, severity or person. Selecting each
group's entries with a mask would read every entry once per group; these kernels sort or
count once and hand each group its slice.
"""

from typing import NamedTuple

import numpy as np

from irdesk.domain.metrics.kernels.lookups import position_in
from irdesk.domain.metrics.kernels.sorting import (
    distinct,
    first_of_each_run,
    fits_int32,
    is_dense,
    is_sorted,
    run_starts,
    stable_argsort,
)

# Packed keys must stay clear of int64's limits, with room for the arithmetic on them.
PACKED_KEY_LIMIT = 2**62


class CodeSplit(NamedTuple):
    """Positions split by code: `order[bounds[c] : bounds[c + 1]]` are the positions of
    code c, ascending."""

    order: np.ndarray
    bounds: np.ndarray

    def positions(self, code: int) -> np.ndarray:
        part: np.ndarray = self.order[self.bounds[code] : self.bounds[code + 1]]
        return part


def split_by_code(codes: np.ndarray, groups: int) -> CodeSplit:
    """The positions of each code 0 … groups-1, by one stable sort of the codes.

    Narrowed to 8 or 16 bits, the codes sort by numpy's radix sort (linear time, and
    stable, so each code's positions stay ascending); the bounds are the running count.
    """
    narrow = np.uint8 if groups <= 256 else np.uint16 if groups <= 65536 else np.int64
    order: np.ndarray = np.argsort(codes.astype(narrow), kind="stable")
    bounds = np.zeros(groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=groups), out=bounds[1:])
    return CodeSplit(order, bounds)


def split_rows_by_key(keys: np.ndarray, rows: np.ndarray) -> dict[int, np.ndarray]:
    """Key → its rows of `rows` (`keys[i]` is the key of `rows[i]`), each part sorted:
    the keys renumbered 0 … n-1, then one `split_by_code`."""
    if len(rows) == 0:
        return {}
    known = distinct(keys)
    split = split_by_code(position_in(known, keys), len(known))
    ordered = rows[split.order]
    bounds = split.bounds
    return {
        key: np.sort(ordered[bounds[n] : bounds[n + 1]]) for n, key in enumerate(known.tolist())
    }


class PackedPairs(NamedTuple):
    """Integer pairs (major, minor) as one key each, `major * span + (minor - low)`: the
    keys sort as the pairs do (by major, then minor), so one sort of plain integers orders
    them, and equal pairs have equal keys."""

    keys: np.ndarray
    low: int
    span: int

    def major(self, keys: np.ndarray) -> np.ndarray:
        result: np.ndarray = keys // self.span
        return result

    def unpack(
        self, keys: np.ndarray, overwrite_keys: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """(major, minor as int64) of each key. With `overwrite_keys` the remainder is
        worked out in `keys` itself (like numpy's `overwrite_input`): no copy of a long
        array, and the arithmetic stays in the keys' own (often 32-bit) type."""
        major = self.major(keys)
        rest = keys if overwrite_keys else keys.copy()
        rest -= major * self.span  # the remainder, without numpy's slower `%`
        minor = rest.astype(np.int64)
        minor += self.low
        return major, minor


def pack_pairs(major: np.ndarray, minor: np.ndarray, majors: int) -> PackedPairs | None:
    """`PackedPairs` of `major` (0 … majors-1) and `minor` (integers, at least one), as
    int32 when the keys fit (they sort faster); None when minor spans too wide a range
    for the keys to fit in int64."""
    low = int(minor.min())
    span = int(minor.max()) - low + 1
    if span * majors >= PACKED_KEY_LIMIT:
        return None
    # In place after the first product: on every recomputation these arrays are long,
    # and fresh memory for each step costs page faults.
    keys = major.astype(np.int64, copy=False) * span
    keys += minor
    keys -= low
    if fits_int32(0, span * majors - 1):
        keys = keys.astype(np.int32)
    return PackedPairs(keys, low, span)


def _lexsorted_pairs(major: np.ndarray, minor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`sorted_pairs` of pairs too wide to pack, by numpy's two-key sort."""
    order = np.lexsort((minor, major))
    g, v = major[order], minor[order]
    new = np.r_[True, (g[1:] != g[:-1]) | (v[1:] != v[:-1])]
    return order, np.flatnonzero(new)


def sorted_pairs(major: np.ndarray, minor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts): the positions of the integer pairs (major, minor) sorted by major,
    then minor, then position; and where each run of equal pairs starts in that order.
    One stable sort of the packed keys when they pack, else a two-key sort."""
    if len(major) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    low, high = int(major.min()), int(major.max())
    pairs = pack_pairs(major, minor, high + 1) if low >= 0 else None
    if pairs is None:
        return _lexsorted_pairs(major, minor)
    order: np.ndarray = np.argsort(pairs.keys, kind="stable")
    return order, run_starts(pairs.keys[order])


def pair_spans(
    major: np.ndarray, minor: np.ndarray, first: np.ndarray, last: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions, earliest, latest): for each distinct pair (major, minor), in
    `sorted_pairs` order, the position of its first entry, the least of its `first`
    values and the greatest of its `last` values (pass the same times twice for an
    entry's own span)."""
    order, starts = sorted_pairs(major, minor)
    if len(order) == 0:
        return order, first[:0], last[:0]
    earliest: np.ndarray = np.minimum.reduceat(first[order], starts)
    latest: np.ndarray = np.maximum.reduceat(last[order], starts)
    return order[starts], earliest, latest


def first_appearances(run: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A mask: True where `values[i]` (integers) has not occurred earlier in its run
    (`run[i]`, a non-negative run number): what `dict.fromkeys` keeps of each run's values,
    in its order, for every run at once.

    One stable sort of the (run, value) pairs (`sorted_pairs`): equal pairs stay in
    position order, so the first of each run of equal pairs is the earliest occurrence.
    """
    keep = np.zeros(len(values), dtype=bool)
    order, starts = sorted_pairs(run, values)
    keep[order[starts]] = True
    return keep


def distinct_per_group(group: np.ndarray, values: np.ndarray, groups: int) -> list[np.ndarray]:
    """For each group 0 … groups-1, the sorted distinct `values` (int64) it has: one
    `distinct` of the packed (group, value) pairs instead of one per group, or, when the
    values are in order already, `distinct_per_group_of_sorted` (no sort of the pairs)."""
    if len(values) == 0:
        return [values[:0].astype(np.int64)] * groups
    if is_sorted(values):
        return distinct_per_group_of_sorted(group, values, groups)
    pairs = pack_pairs(group, values, groups)
    if pairs is not None:
        g, v = pairs.unpack(distinct(pairs.keys), overwrite_keys=True)
    else:
        group = group.astype(np.int64, copy=False)
        order, starts = _lexsorted_pairs(group, values)
        g, v = group[order[starts]], values[order[starts]]
    bounds = np.searchsorted(g, np.arange(groups + 1))
    return [v[bounds[i] : bounds[i + 1]] for i in range(groups)]


def distinct_per_group_of_sorted(
    group: np.ndarray, values: np.ndarray, groups: int
) -> list[np.ndarray]:
    """`distinct_per_group` of `values` in ascending order (incident ids of events, which
    come grouped per incident).

    A stable split by group (`split_by_code`, a radix sort of the small group codes in
    linear time) keeps each group's values in their ascending order (dropping some
    entries keeps it too), so each group's distinct values are those differing from the
    value before them in the group: one comparison of neighbours instead of a sort of
    the packed pairs.
    """
    if len(values) == 0:
        return [values[:0].astype(np.int64)] * groups
    # The same (group, value) again right after itself (one person paged again and again
    # in one incident: half the pages of a large organisation) adds nothing to either
    # set: dropped first, by comparing neighbours, the split below moves half as much.
    fresh = first_of_each_run(values)
    fresh[1:] |= group[1:] != group[:-1]
    group, values = group[fresh], values[fresh]
    split = split_by_code(group, groups)
    # Gathered as int32 when they fit: the gather and the comparison then move half the
    # bytes (incident ids of ten years of pages are millions of values).
    narrow = values.dtype.itemsize > 4 and fits_int32(int(values[0]), int(values[-1]))
    ordered = (values.astype(np.int32) if narrow else values)[split.order]
    keep = first_of_each_run(ordered)
    starts = split.bounds[:-1]
    keep[starts[starts < len(ordered)]] = True  # a group's first value, whatever came before
    kept = np.flatnonzero(keep)
    v = ordered[kept].astype(np.int64, copy=False)
    bounds = np.searchsorted(kept, split.bounds)  # each group's part of the kept values
    return [v[bounds[i] : bounds[i + 1]] for i in range(groups)]


def fullest_bucket_per_group(group: np.ndarray, buckets: np.ndarray, groups: int) -> np.ndarray:
    """For each group 0 … groups-1, the most entries sharing one (whole-numbered) bucket;
    0 for none.

    When the packed (group, bucket) keys are small ids for this many entries (a few
    hundred people by the shifts of ten years), one `np.bincount` of the keys counts every
    bucket of every group; laid out as a table with a row per group, each row's maximum
    is the answer, with no sort at all. Otherwise one sort of the packed keys: each run of
    equal keys is one bucket of one group, and the runs come group by group."""
    fullest = np.zeros(groups, dtype=np.int64)
    if len(buckets) == 0:
        return fullest
    whole = buckets.astype(np.int64)
    pairs = pack_pairs(group, whole, groups)
    if pairs is not None and is_dense(0, groups * pairs.span - 1, len(buckets)):
        counts = np.bincount(pairs.keys, minlength=groups * pairs.span)
        most: np.ndarray = counts.reshape(groups, pairs.span).max(axis=1).astype(np.int64)
        return most
    if pairs is not None:
        keys = np.sort(pairs.keys)
        starts = run_starts(keys)
        g = pairs.major(keys[starts])
    else:
        order, starts = _lexsorted_pairs(group, whole)
        g = group[order[starts]]
    sizes = np.diff(np.append(starts, len(buckets)))
    # g is sorted: the largest size within each group's run of buckets.
    runs = run_starts(g)
    fullest[g[runs]] = np.maximum.reduceat(sizes, runs)
    return fullest


def last_per_group(entries: np.ndarray, group: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Of `entries` (ascending positions into `group` and `time`), each group's latest by
    `time`; among equal times the last position. A NaN time never wins, unless every
    time of the group is NaN.

    A stable sort by group alone, then the latest time of each run (`np.fmax.reduceat`):
    sorting by group and time together would be a slower, two-key sort.
    """
    if len(entries) == 0:
        return entries
    order = entries[np.argsort(group[entries], kind="stable")]
    g, t = group[order], time[order]
    starts = run_starts(g)
    member = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(order)]))
    latest = np.fmax.reduceat(t, starts)
    best = np.flatnonzero((t == latest[member]) | np.isnan(latest[member]))
    last_of_run = np.r_[member[best][1:] != member[best][:-1], True]
    result: np.ndarray = order[best[last_of_run]]
    return result


def overlap_unions(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Intervals [start, end] joined where they overlap or touch: (start, end) of each
    union, in time order. After one sort by start, a running maximum of the ends says
    how far the union so far reaches; an interval starting beyond it begins a new one."""
    if len(starts) == 0:
        return np.zeros(0), np.zeros(0)
    order = stable_argsort(starts)
    s, e = starts[order], ends[order]
    reach = np.maximum.accumulate(e)
    first = np.flatnonzero(np.r_[True, s[1:] > reach[:-1]])
    return s[first], np.maximum.reduceat(e, first)


def windows_in_sorted(
    times: np.ndarray, window_ends: np.ndarray, length: float
) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi): `times[lo[i]:hi[i]]` (sorted times) are those inside the window
    [window_ends[i] - length, window_ends[i]), found by binary search."""
    lo = np.searchsorted(times, window_ends - length, side="left")
    hi = np.searchsorted(times, window_ends, side="left")
    return lo, hi


def inside_intervals(
    keys: np.ndarray,
    times: np.ndarray,
    interval_keys: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> np.ndarray:
    """Whether each (key, time) falls inside some half-open interval [start, end) of the
    same key. Each key's intervals are joined (`overlap_unions`) so that they are disjoint
    and in order; a binary search then finds the one interval each time could be in. One
    pass per distinct key of the intervals (a directory's people: few) instead of one
    comparison of every time with every interval."""
    result = np.zeros(len(keys), dtype=bool)
    if len(keys) == 0 or len(interval_keys) == 0:
        return result
    # Keys grouped already (pages gathered person by person) need no sort: each key's
    # entries are then a slice, read and written in place.
    order = None if is_sorted(keys) else stable_argsort(keys)
    sorted_keys = keys if order is None else keys[order]
    for key in distinct(interval_keys).tolist():
        lo = int(np.searchsorted(sorted_keys, key, side="left"))
        hi = int(np.searchsorted(sorted_keys, key, side="right"))
        if lo == hi:
            continue
        mine = interval_keys == key
        union_starts, union_ends = overlap_unions(starts[mine], ends[mine])
        rows = slice(lo, hi) if order is None else order[lo:hi]
        t = times[rows]
        k = np.searchsorted(union_starts, t, side="right") - 1
        hit = k >= 0
        hit[hit] = t[hit] < union_ends[k[hit]]
        result[rows] = hit
    return result
