"""Phase rules of domain/phases.py: which phase a moment of the response falls in."""

from datetime import UTC, datetime, timedelta

from irdesk.domain.phases import Phase, PhaseLookup, phase_at

T0 = datetime(2026, 10, 14, 9, 0, tzinfo=UTC)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


FULL = {
    "started_at": minutes(0),
    "detected_at": minutes(10),
    "acknowledged_at": minutes(15),
    "mitigated_at": minutes(40),
    "resolved_at": minutes(90),
    "verified_at": minutes(120),
}


def test_each_marker_begins_its_phase() -> None:
    lookup = PhaseLookup(FULL)
    assert [lookup.phase_at(minutes(n)) for n in (-5, 0, 9, 10, 15, 39, 40, 90, 119, 120, 500)] == [
        Phase.BEFORE,
        Phase.DETECTING,
        Phase.DETECTING,
        Phase.RESPONDING,
        Phase.MITIGATING,
        Phase.MITIGATING,
        Phase.RECOVERING,
        Phase.VERIFYING,
        Phase.VERIFYING,
        Phase.AFTER,
        Phase.AFTER,
    ]


def test_a_missing_marker_lets_the_phase_before_it_run_on() -> None:
    times = {**FULL, "acknowledged_at": None, "verified_at": None}
    assert phase_at(times, minutes(20)) == Phase.RESPONDING
    # Nothing verified: resolution ends the response outright.
    assert phase_at(times, minutes(95)) == Phase.AFTER


def test_without_an_impact_start_the_time_before_detection_has_no_known_phase() -> None:
    times = {**FULL, "started_at": None}
    assert phase_at(times, minutes(5)) == Phase.UNKNOWN
    assert phase_at(times, minutes(11)) == Phase.RESPONDING
    assert phase_at({}, minutes(5)) == Phase.UNKNOWN


def test_contradictory_markers_never_send_the_phase_backwards() -> None:
    # The source says mitigated (20) before acknowledged (30).
    times = {**FULL, "mitigated_at": minutes(20), "acknowledged_at": minutes(30)}
    phases = [phase_at(times, minutes(n)) for n in (12, 20, 25, 30, 35)]
    assert phases == [
        Phase.RESPONDING,
        Phase.RECOVERING,
        Phase.RECOVERING,
        Phase.RECOVERING,
        Phase.RECOVERING,
    ]
