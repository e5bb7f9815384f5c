"""The validation report's arithmetic, against values worked out by hand."""

import pytest

from irdesk.domain.validation import (
    Check,
    ValidationError,
    draw,
    field_figures,
    median_interval,
    wilson_interval,
)


def test_wilson_three_of_twenty_by_hand() -> None:
    # p = 0.15, z² = 3.841459, z²/n = 0.192073; centre = (0.15 + 0.096036) / 1.192073
    # = 0.206395; half = 1.959964 / 1.192073 · √(0.006375 + 0.002401) = 0.154026.
    low, high = wilson_interval(3, 20)
    assert low == pytest.approx(0.0524, abs=5e-5)
    assert high == pytest.approx(0.3604, abs=5e-5)


def test_wilson_none_of_ten_starts_at_zero() -> None:
    # p = 0: centre = half = (z²/20) / (1 + z²/10) = 0.192073 / 1.384146 = 0.138767.
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(0.2775, abs=5e-5)


def test_wilson_refuses_no_trials() -> None:
    with pytest.raises(ValueError, match="at least one trial"):
        wilson_interval(0, 0)


def test_median_interval_by_order_statistics() -> None:
    # n = 5: P(B ≤ 0) = 1/32 = 0.03125 > 0.025, so no pair reaches 95 %.
    assert median_interval([1, 2, 3, 4, 5]) is None
    # n = 6: P(B ≤ 0) = 1/64 ≤ 0.025 < P(B ≤ 1) = 7/64, so k = 1: [x₁, x₆].
    assert median_interval([6, 1, 5, 2, 4, 3]) == (1, 6)
    # n = 10: P(B ≤ 1) = 11/1024 = 0.0107 ≤ 0.025 < P(B ≤ 2) = 56/1024, so k = 2: [x₂, x₉].
    assert median_interval(list(range(10, 0, -1))) == (2, 9)


def test_seeded_draw_is_redrawn_identically() -> None:
    candidates = {"pagerduty": range(1, 101), "jira": [205, 201, 209, 203]}
    first = draw(candidates, 5, seed=20261207)
    again = draw({"jira": [209, 203, 201, 205], "pagerduty": list(range(100, 0, -1))}, 5, 20261207)
    assert first == again
    assert len(first["pagerduty"]) == 5
    assert first["jira"] == [201, 203, 205, 209]  # fewer than asked: all of them
    assert draw(candidates, 5, seed=1)["pagerduty"] != first["pagerduty"]
    # Another source joining leaves the others' draws as they were.
    assert draw({**candidates, "opsgenie": [1]}, 5, 20261207)["pagerduty"] == first["pagerduty"]


def test_draw_refuses_a_bad_size() -> None:
    with pytest.raises(ValidationError, match="--per-source 0"):
        draw({"x": [1]}, 0, 1)


def test_field_figures_by_hand() -> None:
    checks = [Check("pagerduty", "detected_at", True, m) for m in (4.0, -2.0, 10.0)]
    checks += [Check("pagerduty", "detected_at", False)] * 17
    checks += [Check("pagerduty", "severity", True), Check("pagerduty", "severity", False)]
    detected, severity = field_figures(checks)
    assert (detected.checked, detected.corrected, detected.rate) == (20, 3, 0.15)
    assert detected.median_minutes == 4.0  # sorted -2, 4, 10
    assert detected.median_low is None  # 3 sizes: too few for 95 %
    assert (severity.field, severity.rate, severity.median_minutes) == ("severity", 0.5, None)
