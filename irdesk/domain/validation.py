"""Validation samples: the review system checking its own data against a person's reading.

A sample draws N incidents per source with a recorded seed; a reviewer confirms or
corrects each lifecycle time and the severity. The report gives, per source and
field, how often the record was wrong (with a Wilson score interval: it stays inside
[0, 1] and keeps its coverage for the small samples a reviewer can check by hand,
where the normal approximation does not) and the median correction in minutes with
a distribution-free order-statistic interval (see `median_interval`).

Plain Python: no database, no Qt.
"""

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# The times a reviewer can read off a tool's page; verified_at is rarely there.
CHECKED_TIMES = (
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
)
CHECKED_FIELDS = (*CHECKED_TIMES, "severity")
FIELD_LABELS = {
    "started_at": "Started",
    "detected_at": "Detected",
    "acknowledged_at": "Acknowledged",
    "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
    "severity": "Severity",
}
# Two-sided 95 %: the standard normal's 0.975 quantile.
Z_95 = 1.959963984540054
MAX_PER_SOURCE = 1000


class ValidationError(ValueError):
    """A sample cannot be drawn or a finding recorded as asked; the message says why."""


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for a proportion `successes / trials`.

    centre = (p + z²/2n) / (1 + z²/n)
    half   = z / (1 + z²/n) · √(p(1 − p)/n + z²/4n²)
    """
    if trials <= 0:
        raise ValueError("a proportion needs at least one trial")
    if not 0 <= successes <= trials:
        raise ValueError(f"{successes} successes out of {trials} trials")
    n = float(trials)
    p = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _binomial_half_cdf(k: int, n: int) -> float:
    """P(B ≤ k) for B ~ Binomial(n, ½), exactly."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2.0**n


def median_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float] | None:
    """A distribution-free interval for the median: two order statistics.

    The number of values below the true median is Binomial(n, ½) whatever the
    distribution, so [x₍ₖ₎, x₍ₙ₊₁₋ₖ₎] (1-based, sorted) covers it with probability
    1 − 2·P(B ≤ k − 1); k is the largest rank keeping that at least `level`. Chosen
    over a bootstrap because it is exact for the few corrections a sample holds
    (a bootstrap's percentiles undercover there) and needs no random numbers, so a
    packet's figures recompute to the same digits. None when n is too small for any
    pair to reach `level` (fewer than 6 values at 95 %).
    """
    n = len(values)
    alpha = (1.0 - level) / 2.0
    k = 0
    while k + 1 <= n // 2 and _binomial_half_cdf(k, n) <= alpha:
        k += 1
    if k == 0:
        return None
    ordered = sorted(values)
    return ordered[k - 1], ordered[n - k]


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def draw(
    candidates: Mapping[str, Iterable[int]], per_source: int, seed: int
) -> dict[str, list[int]]:
    """Up to `per_source` incident ids from each source, the same for the same seed.

    Each source draws from its own generator seeded by (seed, source), so adding a
    source leaves the others' draws as they were; candidates are sorted first, so the
    order a query returned them in does not matter.
    """
    if not 1 <= per_source <= MAX_PER_SOURCE:
        raise ValidationError(
            f"--per-source {per_source}: draw between 1 and {MAX_PER_SOURCE} incidents per source"
        )
    if seed < 0:
        raise ValidationError(f"--seed {seed}: the seed must be 0 or more")
    drawn: dict[str, list[int]] = {}
    for source in sorted(candidates):
        ids = sorted(set(candidates[source]))
        chooser = random.Random(f"{seed}:{source}")
        drawn[source] = sorted(chooser.sample(ids, min(per_source, len(ids))))
    return drawn


@dataclass(frozen=True)
class Check:
    """One field of one incident as the reviewer left it."""

    source: str
    field: str
    corrected: bool
    # corrected − recorded in minutes; None when confirmed, for severity, or when
    # either time is missing (a time added or removed has no size).
    minutes: float | None = None


@dataclass(frozen=True)
class FieldFigures:
    source: str
    field: str
    checked: int
    corrected: int
    rate: float
    rate_low: float
    rate_high: float
    median_minutes: float | None
    median_low: float | None
    median_high: float | None
    sized: int  # corrections with a size in minutes (the median's n)

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "field": self.field,
            "checked": self.checked,
            "corrected": self.corrected,
            "discrepancy_rate": self.rate,
            "discrepancy_rate_ci95": [self.rate_low, self.rate_high],
            "median_correction_minutes": self.median_minutes,
            "median_correction_ci95": (
                None if self.median_low is None else [self.median_low, self.median_high]
            ),
            "corrections_with_minutes": self.sized,
        }


CI_METHODS = {
    "discrepancy_rate": "Wilson score interval, 95 %",
    "median_correction": (
        "order-statistic (binomial) interval, 95 %, distribution-free and exact for small n; "
        "none below 6 sized corrections"
    ),
    "correction_sign": "corrected minus recorded, in minutes",
}


def field_figures(checks: Iterable[Check]) -> list[FieldFigures]:
    """Per source and field (sources sorted, fields in lifecycle order): rate and median."""
    grouped: dict[tuple[str, str], list[Check]] = {}
    for check in checks:
        grouped.setdefault((check.source, check.field), []).append(check)
    order = {name: n for n, name in enumerate(CHECKED_FIELDS)}
    out: list[FieldFigures] = []
    for source, name in sorted(grouped, key=lambda k: (k[0], order.get(k[1], 99))):
        group = grouped[(source, name)]
        corrected = sum(c.corrected for c in group)
        low, high = wilson_interval(corrected, len(group))
        sizes = [c.minutes for c in group if c.corrected and c.minutes is not None]
        interval = median_interval(sizes)
        out.append(
            FieldFigures(
                source=source,
                field=name,
                checked=len(group),
                corrected=corrected,
                rate=corrected / len(group),
                rate_low=low,
                rate_high=high,
                median_minutes=median(sizes),
                median_low=None if interval is None else interval[0],
                median_high=None if interval is None else interval[1],
                sized=len(sizes),
            )
        )
    return out
