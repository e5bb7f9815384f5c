"""`partitioned_quantiles`: the median and the p90 by one partition instead of a sort give
exactly what a plain Python quantile of the sorted values gives (and `np.quantile`):
on seeded random data (one value, two, ties, many equal values, far-apart values) and on
the durations of a real sample."""

import math

import numpy as np
import pytest
from testdata import SHARED_DATA

from irdesk.domain.metrics.durations import duration_minutes
from irdesk.domain.metrics.kernels.reductions import partitioned_quantiles
from irdesk.domain.metrics.stats import summary, weighted_quantile
from irdesk.domain.policy import KPIS, Policy
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import Database

COUNTED = 26 + 25  # times to detect and to resolve in the sample
QS = (0.5, 0.9, 0.0, 1.0, 0.25, 0.75, 0.99)


def plain_quantile(values: list[float], q: float) -> float:
    """Linear interpolation between the two sorted values around (n-1)·q, from the
    nearer one (numpy's `lerp`, so that the last bit agrees)."""
    ordered = sorted(values)
    n = len(ordered)
    at = (n - 1) * q
    if at >= n - 1:
        return ordered[-1]
    low = math.floor(at)
    t = at - low
    a, b = ordered[low], ordered[low + 1]
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


@pytest.mark.parametrize("seed", range(40))
def test_quantiles_by_one_partition_are_those_of_the_sorted_values(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.choice([1, 2, 3, 10, 101, 1000]))
    if seed % 3 == 0:  # many ties: minutes of incidents logged to the minute
        values = rng.integers(0, 5, n).astype(np.float64)
    elif seed % 3 == 1:
        values = rng.exponential(90.0, n)
    else:  # far apart: seconds to months
        values = np.exp(rng.uniform(-3, 12, n))
    given = values.copy()
    got = partitioned_quantiles(values, QS)
    assert got == [plain_quantile(values.tolist(), q) for q in QS]
    assert got == [float(np.quantile(values, q)) for q in QS]
    assert np.array_equal(values, given)  # the caller's values are left as they were


def test_no_values_have_no_quantile() -> None:
    assert all(math.isnan(x) for x in partitioned_quantiles(np.zeros(0), (0.5, 0.9)))


def test_on_a_real_sample_median_and_p90_are_the_plain_ones(database: Database) -> None:
    """/work/shared/data/pagerduty_incidents_page.json: 26 incidents, each detected when
    it started (26 times to detect of 0 minutes: every value tied) and 25 resolved (from
    4.62 minutes up); the sample has no acknowledgement or mitigation times."""
    run_import(database, [SHARED_DATA / "pagerduty_incidents_page.json"])
    data = load_metric_data(database)
    assert len(data.incidents) == 26
    policy = Policy()
    counted = 0
    for kpi in KPIS:
        minutes = duration_minutes(data, kpi, policy)
        values = minutes[minutes >= 0]
        counted += len(values)
        if len(values) == 0:  # the sample has no acknowledgement or mitigation times
            assert all(math.isnan(x) for x in summary(values))
            continue
        mean, median, p90 = summary(values)
        assert (median, p90) == (
            plain_quantile(values.tolist(), 0.5),
            plain_quantile(values.tolist(), 0.9),
        )
        assert mean == float(np.mean(values))
        assert weighted_quantile(values, 0.5) == median
    assert counted == COUNTED
