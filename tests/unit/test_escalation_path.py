"""The escalation path by hand: every expected value below is worked out in the comments."""

from datetime import UTC, datetime, timedelta

from irdesk.domain.enums import EventKind
from irdesk.domain.escalation import (
    DELAY_FROM_ALERT,
    PathEvent,
    PrescribedLevel,
    analyse,
    prescribed_starts,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANA, BEN, CAL = 1, 2, 3


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


TWO_LEVELS = [
    PrescribedLevel(1, 30, frozenset({ANA}), ("Ana",)),
    PrescribedLevel(2, 30, frozenset({BEN}), ("Ben",)),
]


def test_late_escalation_from_level_one() -> None:
    # Paged level 1 at T0, escalated to level 2 at T0+42, acknowledged at T0+50.
    path = analyse(
        TWO_LEVELS,
        [
            PathEvent(at(0), EventKind.PAGE, ANA),
            PathEvent(at(42), EventKind.ESCALATE, BEN),
            PathEvent(at(50), EventKind.ACKNOWLEDGE, BEN),
        ],
    )
    one, two = path.levels
    assert path.started_at == T0
    assert path.acknowledged_at == at(50)
    # Level 1: 42 minutes against the 30 prescribed, 12 late.
    assert (one.prescribed_minutes, one.actual_minutes, one.late_minutes) == (30, 42, 12)
    assert (one.reached_at, one.left_at) == (T0, at(42))
    assert not one.acknowledged_here
    # Level 2, the last: prescribed from minute 30, reached at 42, acknowledged there.
    assert two.prescribed_start_min == 30
    assert two.reached_at == at(42)
    assert two.prescribed_minutes is None and two.late_minutes is None
    assert two.acknowledged_here
    assert path.skipped == () and path.repeated == ()
    assert path.late_minutes == 12


THREE_LEVELS = [
    PrescribedLevel(1, 15, frozenset({ANA}), ("Ana",)),
    PrescribedLevel(2, 15, frozenset({BEN}), ("Ben",)),
    PrescribedLevel(3, 30, frozenset({CAL}), ("Cal",)),
]


def test_a_skipped_level() -> None:
    # Paged Ana (level 1) at T0, someone escalated straight to Cal (level 3) at T0+10.
    path = analyse(
        THREE_LEVELS,
        [
            PathEvent(at(0), EventKind.ALERT),
            PathEvent(at(0), EventKind.PAGE, ANA),
            PathEvent(at(10), EventKind.ESCALATE, CAL),
            PathEvent(at(20), EventKind.ACKNOWLEDGE, CAL),
        ],
    )
    one, two, three = path.levels
    assert path.skipped == (2,)
    assert two.skipped and two.reached_at is None
    # Level 1 was left after 10 of its 15 minutes: 5 early, not late.
    assert (one.actual_minutes, one.late_minutes) == (10, -5)
    assert three.acknowledged_here and three.reached_at == at(10)
    assert path.late_minutes == 0


def test_a_repeated_level_after_a_loop() -> None:
    # Nobody answered: level 1, level 2 at +30, back to level 1 at +60 (the policy loops).
    path = analyse(
        TWO_LEVELS,
        [
            PathEvent(at(0), EventKind.PAGE, ANA),
            PathEvent(at(30), EventKind.ESCALATE, BEN),
            PathEvent(at(60), EventKind.ESCALATE, ANA),
            PathEvent(at(65), EventKind.ACKNOWLEDGE, ANA),
        ],
    )
    assert path.repeated == (1,)
    assert path.levels[0].times_reached == 2
    assert path.levels[0].late_minutes == 0
    assert path.skipped == ()


def test_an_escalation_naming_nobody_goes_one_level_up() -> None:
    path = analyse(
        TWO_LEVELS, [PathEvent(at(0), EventKind.ALERT), PathEvent(at(35), EventKind.ESCALATE)]
    )
    # The alert reaches no level by itself; the escalation goes from none to level 1.
    assert [o.reached_at for o in path.levels] == [at(35), None]
    assert path.acknowledged_at is None


def test_opsgenie_delays_count_from_the_alert() -> None:
    levels = [PrescribedLevel(1, 0), PrescribedLevel(2, 10), PrescribedLevel(3, 25)]
    assert prescribed_starts(levels, DELAY_FROM_ALERT) == {1: 0, 2: 10, 3: 25}
    assert prescribed_starts(levels, "per_level") == {1: 0, 2: 0, 3: 10}
