"""Aggregates: mean, median and p90, plain or weighted, and the Gini coefficient.

The weighted quantile interpolates linearly between sorted values placed at their
cumulative weight, so with equal weights it is exactly numpy's (and pandas') default
linear quantile: equal weighting equals the plain figures.
"""

import numpy as np

from irdesk.domain.metrics.kernels.reductions import partitioned_quantiles, sum_of_products


def weighted_mean(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    if len(values) == 0:
        return float("nan")
    if weights is None:
        return float(np.mean(values))
    total = float(np.sum(weights))
    return sum_of_products(values, weights) / total if total > 0 else float("nan")


def weighted_quantile(values: np.ndarray, q: float, weights: np.ndarray | None = None) -> float:
    n = len(values)
    if n == 0:
        return float("nan")
    if weights is None:
        return partitioned_quantiles(values, (q,))[0]
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


def summary(values: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, float, float]:
    """(mean, median, p90); NaN each when there are no values."""
    if weights is None and len(values):
        # Both quantiles from one partition; the mean from the values as given (summing
        # in another order could change its last digit).
        median, p90 = partitioned_quantiles(values, (0.5, 0.9))
        return float(np.mean(values)), median, p90
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
