"""Reductions of an array to one number, exact to numpy's own and without its overhead."""

import math

import numpy as np


def sorted_quantile(ordered: np.ndarray, q: float) -> float:
    """`np.quantile(values, q)` (linear) of values already sorted and without NaN.

    Computed with numpy's own arithmetic, so it is the same to the last bit. One sort
    gives every quantile of a group (the median and the p90 from the same sort), where
    `np.quantile` partitions again and re-checks its input on each call.
    """
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
