"""Consistency flags and phase boundaries: which lifecycle times contradict each other, what is stored, and which phase begins when.

An incident with a flag leaves the metrics (counted as excluded), so a flag raised on
times that agree drops a real incident from every figure, and one missed lets a
contradiction into them.
"""

from datetime import UTC, datetime, timedelta

from irdesk.domain.lifecycle import PARTIAL, joined_flags, problems_in, refreshed_flags

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_times_that_are_equal_do_not_contradict_each_other() -> None:
    # Detected the second it started, resolved the second it was mitigated: tools do that.
    same = {name: T0 for name in ("started_at", "detected_at", "mitigated_at", "resolved_at")}
    assert problems_in(same) == []


def test_each_time_before_the_one_it_must_follow_is_named() -> None:
    times = {
        "started_at": T0,
        "detected_at": T0 - timedelta(minutes=5),  # before the start
        "acknowledged_at": T0 + timedelta(minutes=1),
        "resolved_at": T0 + timedelta(hours=1),
        "verified_at": T0 + timedelta(minutes=30),  # before the resolution
    }
    assert problems_in(times) == ["detected_before_started", "verified_before_resolved"]
    # Only the later time is wrong here; a missing one contradicts nothing.
    assert problems_in({"started_at": T0, "detected_at": None}) == []
    assert problems_in({"detected_at": T0 - timedelta(seconds=1), "started_at": T0}) == [
        "detected_before_started"
    ]


def test_stored_flags_are_the_problems_then_partial_comma_separated() -> None:
    assert joined_flags([], partial=False) == ""
    assert joined_flags([], partial=True) == PARTIAL
    assert joined_flags(["a_before_b", "c_before_d"], partial=True) == (
        f"a_before_b,c_before_d,{PARTIAL}"
    )


def test_refreshed_flags_keep_partial_and_replace_the_problems() -> None:
    assert refreshed_flags(f"old_before_new,{PARTIAL}", ["x_before_y"]) == f"x_before_y,{PARTIAL}"
    assert refreshed_flags("old_before_new", []) == ""
    assert refreshed_flags("", ["x_before_y"]) == "x_before_y"
    # A problem whose name merely contains the word is not the partial flag.
    assert refreshed_flags("partially_before_x", []) == ""


def test_phases_beginning_at_the_same_moment_are_kept_in_response_order() -> None:
    from irdesk.domain.phases import Phase, phase_boundaries

    # Acknowledged the moment it was detected: responding and mitigating both begin then,
    # in that order (by name, "mitigating" would come first and hide "responding").
    lifecycle = {"started_at": T0, "detected_at": T0 + timedelta(minutes=2)}
    lifecycle["acknowledged_at"] = lifecycle["detected_at"]
    assert phase_boundaries(lifecycle) == [
        (T0, Phase.DETECTING),
        (T0 + timedelta(minutes=2), Phase.RESPONDING),
        (T0 + timedelta(minutes=2), Phase.MITIGATING),
    ]
