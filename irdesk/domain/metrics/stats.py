"""Aggregates: mean, median and p90, plain or weighted, and the Gini coefficient; and the
sorting helpers every figure shares (distinct values, splitting by a small code, a fast
stable sort), each giving exactly what the plain numpy call gives, only faster over the
hundred thousand incidents the dashboard recomputes on every change.

The weighted quantile interpolates linearly between sorted values placed at
their cumulative weight, so with equal weights it is exactly numpy's (and
pandas') default linear quantile: equal weighting equals the plain figures.
"""

import math

import numpy as np


def weighted_mean(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    if len(values) == 0:
        return float("nan")
    if weights is None:
        return float(np.mean(values))
    total = float(np.sum(weights))
    # Not np.dot: over 100,000 values it wakes OpenBLAS's threads, which then spin on
    # the core the other half of compute_figures (or the next read) needs.
    return float(np.sum(values * weights) / total) if total > 0 else float("nan")


def weighted_quantile(values: np.ndarray, q: float, weights: np.ndarray | None = None) -> float:
    n = len(values)
    if n == 0:
        return float("nan")
    if weights is None:
        return sorted_quantile(np.sort(values), q)
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cumulative = np.cumsum(w)
    span = cumulative[-1] - w[-1]
    if cumulative[-1] <= 0:
        return float("nan")
    if n == 1 or span <= 0:
        return float(v[-1])
    positions = (cumulative - w) / span
    return float(np.interp(q, positions, v))


def sorted_quantile(ordered: np.ndarray, q: float) -> float:
    """`np.quantile(values, q)` (linear) of values already sorted and without NaN, by numpy's
    own arithmetic so the result is the same to the last bit: a sort (vectorised) beats
    `np.quantile`'s partition and its hundred microseconds of checks per call."""
    n = len(ordered)
    if n == 0:
        return float("nan")
    at = (n - 1) * q
    if at >= n - 1:
        return float(ordered[-1])
    low = math.floor(at)
    t = at - low
    a, b = float(ordered[low]), float(ordered[low + 1])
    step = b - a
    # numpy's lerp: from the nearer end, so the result is monotonic in q.
    return b - step * (1 - t) if t >= 0.5 else a + step * t


def middle(values: np.ndarray) -> float:
    """`np.median` of values without NaN, by one partition and without its checks (the
    trend takes hundreds of medians)."""
    n = len(values)
    half = n // 2
    if n % 2:
        return float(np.partition(values, half)[half])
    low, high = np.partition(values, [half - 1, half])[half - 1 : half + 1]
    return float((low + high) / 2.0)


def summary(values: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, float, float]:
    """(mean, median, p90); NaN each when there are no values."""
    if weights is None and len(values):
        # Both quantiles from one sort; the mean from the values as given (summing in
        # another order could change its last digit).
        ordered = np.sort(values)
        return float(np.mean(values)), sorted_quantile(ordered, 0.5), sorted_quantile(ordered, 0.9)
    return (
        weighted_mean(values, weights),
        weighted_quantile(values, 0.5, weights),
        weighted_quantile(values, 0.9, weights),
    )


def gini(values: np.ndarray) -> float:
    """0 when everyone carries the same load, towards 1 when one person carries it all."""
    n = len(values)
    total = float(np.sum(values))
    if n == 0 or total <= 0:
        return 0.0
    ranked = np.sort(values.astype(np.float64))
    index = np.arange(1, n + 1)
    return float(2.0 * np.dot(index, ranked) / (n * total) - (n + 1) / n)


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values: `np.unique` by sorting (or counting, for small ids).
    numpy 2's default `np.unique` hashes, which is several times slower on the
    hundred-thousand-long id arrays here."""
    if len(values) > 64 and values.dtype.kind == "i":
        low, high = int(values.min()), int(values.max())
        if low >= 0 and high <= 4 * len(values) + 1024:
            # Small ids (people, services): mark which occur, no sort.
            present: np.ndarray = np.flatnonzero(np.bincount(values, minlength=high + 1))
            return present.astype(values.dtype)
        if values.dtype.itemsize > 4 and low >= -(2**31) and high < 2**31:
            # Sorting 32-bit numbers takes half the time of 64-bit ones.
            ordered = np.sort(values.astype(np.int32)).astype(values.dtype)
        else:
            ordered = np.sort(values)
    else:
        ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    result: np.ndarray = ordered[first]
    return result


def stable_argsort(values: np.ndarray) -> np.ndarray:
    """`np.argsort(values, kind="stable")`, by the vectorised unstable sort (several times
    faster on floats) and then putting each run of equal values back in index order."""
    order: np.ndarray = np.argsort(values)
    ordered = values[order]
    same = ordered[1:] == ordered[:-1]
    if ordered.dtype.kind == "f":
        same |= np.isnan(ordered[1:]) & np.isnan(ordered[:-1])
    if not same.any():
        return order
    # Positions inside runs of ties; each run is sorted by index on its own.
    tied = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
    run = np.cumsum(np.r_[True, ~same])[tied]
    order[tied] = order[tied][np.lexsort((order[tied], run))]
    return order


def code_order(codes: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(order, bounds) for codes 0 … groups-1: `order[bounds[g]:bounds[g + 1]]` are the
    positions of code g, ascending. One stable sort of small integers, which numpy does by
    radix (linear time) when they fit in 16 bits."""
    small = codes.astype(np.uint8 if groups <= 256 else np.uint16 if groups <= 65536 else np.int64)
    order: np.ndarray = np.argsort(small, kind="stable")
    bounds = np.zeros(groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=groups), out=bounds[1:])
    return order, bounds


def distinct_per_group(group: np.ndarray, values: np.ndarray, groups: int) -> list[np.ndarray]:
    """For each group 0 … groups-1, the sorted distinct `values` (int64) it has: one sort
    for all groups instead of one per group."""
    if len(values) == 0:
        return [values[:0].astype(np.int64)] * groups
    group = group.astype(np.int64, copy=False)
    low = int(values.min())
    span = int(values.max()) - low + 1
    if span * groups < 2**62:
        # In place: these arrays run to millions of bytes, and fresh memory for each
        # costs page faults on every recomputation.
        key = group * span
        key += values
        key -= low
        if span * groups < 2**31:  # 32-bit keys sort in half the time of 64-bit ones
            key = key.astype(np.int32)
        key = distinct(key)
        g = key // span
        key -= g * span  # the remainder, without numpy's slower `%`
        v = key.astype(np.int64)
        v += low
    else:  # values too far apart to share one integer key with the group
        order = np.lexsort((values, group))
        g, v = group[order], values[order]
        new = np.r_[True, (g[1:] != g[:-1]) | (v[1:] != v[:-1])]
        g, v = g[new], v[new]
    bounds = np.searchsorted(g, np.arange(groups + 1))
    return [v[bounds[i] : bounds[i + 1]] for i in range(groups)]
