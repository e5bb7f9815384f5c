"""Reductions of an array to one number, exact to numpy's own and without its overhead."""

import math
from collections.abc import Sequence

import numpy as np


def sorted_quantile(ordered: np.ndarray, q: float) -> float:
    """`np.quantile(values, q)` (linear) of values already sorted and without NaN.

    Computed with numpy's own arithmetic, so it is the same to the last bit. One sort
    gives every quantile of a group (the median and the p90 from the same sort), where
    `np.quantile` partitions again and re-checks its input on each call. It reads only
    the entries at `_read_positions`, so values merely partitioned there do as well
    (`partitioned_quantiles`).
    """
    n = len(ordered)
    if n == 0:
        return float("nan")
    at = (n - 1) * q
    if at >= n - 1:
        return float(ordered[n - 1])
    low = math.floor(at)
    t = at - low
    a, b = float(ordered[low]), float(ordered[low + 1])
    step = b - a
    # numpy's lerp: from the nearer end, so the result is monotonic in q.
    return b - step * (1 - t) if t >= 0.5 else a + step * t


def _read_positions(n: int, q: float) -> list[int]:
    """The positions `sorted_quantile` reads of n sorted values for `q`."""
    at = (n - 1) * q
    if at >= n - 1:
        return [n - 1]
    low = math.floor(at)
    return [low, low + 1]


def partitioned_quantiles(values: np.ndarray, qs: Sequence[float]) -> list[float]:
    """`sorted_quantile(np.sort(values), q)` for each of `qs` (values without NaN), by
    one partition instead of a sort.

    A quantile reads at most two places of the sorted values (the order statistics
    around (n-1)·q); `np.partition` puts exactly those values there, in time linear in
    n, and `sorted_quantile` then does the same arithmetic on them. Over ten years the
    median and the p90 of every incident of the period (a million values, four spans,
    this period and the previous) were eight full sorts.
    """
    n = len(values)
    if n == 0:
        return [float("nan")] * len(qs)
    positions = sorted({k for q in qs for k in _read_positions(n, q)})
    arranged = np.partition(values, positions)
    return [sorted_quantile(arranged, q) for q in qs]


def partition_median(values: np.ndarray) -> float:
    """`np.median` of values without NaN, by one partition.

    `np.median` also scans for NaN and builds its result through the general quantile
    machinery; the trend takes hundreds of medians of short windows, where that fixed
    cost is most of the work.
    """
    n = len(values)
    half = n // 2
    if n % 2:
        return float(np.partition(values, half)[half])
    low, high = np.partition(values, [half - 1, half])[half - 1 : half + 1]
    return float((low + high) / 2.0)


def sum_of_products(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a·b, summed by numpy's pairwise sum rather than `np.dot`.

    On long arrays `np.dot` hands the work to OpenBLAS, which wakes its thread pool; the
    idle threads then spin on the core that the figures' second thread (or the next
    read) needs.
    """
    return float(np.sum(a * b))
