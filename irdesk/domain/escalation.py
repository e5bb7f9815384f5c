"""An incident's escalation: the path its policy prescribed against the path it took.

The policy's levels each say how long an unacknowledged incident stays there before
moving on. PagerDuty states that delay per level (time at this level); Opsgenie states
it from the alert (when this level is notified). Both become the minute each level is
due to start, so one comparison serves both.

The path taken comes from the timeline: the first alert or page starts it (T0), a page
of someone the policy names at a level reaches that level, an escalation reaches the
level of the person it names, else the next one; the first acknowledgement ends it.
A level is *late* when it was left after its prescribed time; *skipped* when a later
level was reached without it; *repeated* when it was reached again after the path had
moved on (a policy's loops, or a manual re-escalation).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from irdesk.domain.enums import EventKind

DELAY_PER_LEVEL = "per_level"  # PagerDuty: minutes at this level before the next
DELAY_FROM_ALERT = "from_alert"  # Opsgenie: minutes after the alert this level starts


@dataclass(frozen=True)
class PrescribedLevel:
    level: int
    delay_minutes: float
    # Who the level pages: person ids (rotations and teams resolved at the incident's time).
    people: frozenset[int] = frozenset()
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class PathEvent:
    at: datetime
    kind: EventKind
    person_id: int | None = None


@dataclass(frozen=True)
class LevelOutcome:
    level: int
    targets: tuple[str, ...]
    prescribed_start_min: float | None
    prescribed_minutes: float | None
    reached_at: datetime | None
    left_at: datetime | None
    actual_minutes: float | None
    late_minutes: float | None
    skipped: bool
    times_reached: int
    acknowledged_here: bool


@dataclass(frozen=True)
class EscalationPath:
    started_at: datetime | None
    acknowledged_at: datetime | None
    levels: tuple[LevelOutcome, ...]
    skipped: tuple[int, ...]
    repeated: tuple[int, ...]
    # Levels reached that the policy does not have (an escalation past its last level).
    unknown: tuple[int, ...] = field(default=())

    @property
    def late_minutes(self) -> float:
        return sum(o.late_minutes for o in self.levels if o.late_minutes and o.late_minutes > 0)


def prescribed_starts(levels: Sequence[PrescribedLevel], delays: str) -> dict[int, float]:
    """The minute after T0 each level is due, by the policy's own way of stating delays."""
    ordered = sorted(levels, key=lambda lv: lv.level)
    if delays == DELAY_FROM_ALERT:
        return {lv.level: lv.delay_minutes for lv in ordered}
    starts: dict[int, float] = {}
    clock = 0.0
    for lv in ordered:
        starts[lv.level] = clock
        clock += lv.delay_minutes
    return starts


def minutes_text(minutes: float) -> str:
    """Minutes on the escalation path, as the table, the summary and the chart write them.

    To the hundredth, trailing zeros dropped (2 min, 3.15 min): the policy's delays are
    whole minutes, so the part of a minute beyond one is what the review asks about,
    and a table rounding 1.15 to "1 min" beside a chart saying "+1.15 min" reads as
    two different answers.
    """
    return f"{round(minutes, 2):g} min"


def _minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60.0


def _level_of(person: int | None, levels: Sequence[PrescribedLevel]) -> int | None:
    if person is None:
        return None
    for lv in sorted(levels, key=lambda lv: lv.level):
        if person in lv.people:
            return lv.level
    return None


def reached_levels(
    levels: Sequence[PrescribedLevel], events: Sequence[PathEvent]
) -> tuple[datetime | None, datetime | None, list[tuple[int, datetime]]]:
    """T0, the first acknowledgement, and each (level, when) the path reached, in order."""
    ordered = sorted(events, key=lambda e: e.at)
    start = next((e.at for e in ordered if e.kind in (EventKind.ALERT, EventKind.PAGE)), None)
    acked = next((e.at for e in ordered if e.kind == EventKind.ACKNOWLEDGE), None)
    path: list[tuple[int, datetime]] = []
    current: int | None = None
    for event in ordered:
        if acked is not None and event.at > acked:
            break
        if event.kind == EventKind.PAGE:
            level = _level_of(event.person_id, levels) or (current or 1)
        elif event.kind == EventKind.ESCALATE:
            level = _level_of(event.person_id, levels) or (current or 0) + 1
        else:
            continue
        if level != current:
            path.append((level, event.at))
            current = level
    return start, acked, path


def analyse(
    levels: Sequence[PrescribedLevel], events: Sequence[PathEvent], delays: str = DELAY_PER_LEVEL
) -> EscalationPath:
    start, acked, path = reached_levels(levels, events)
    starts = prescribed_starts(levels, delays)
    by_level: Mapping[int, PrescribedLevel] = {lv.level: lv for lv in levels}
    numbers = sorted(by_level)
    reached: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for index, (level, at) in enumerate(path):
        left = path[index + 1][1] if index + 1 < len(path) else None
        reached.setdefault(level, []).append((at, left))
    skipped: list[int] = []
    repeated = sorted(level for level, visits in reached.items() if len(visits) > 1)
    for (a, _), (b, _) in pairwise(path):
        skipped += [n for n in numbers if a < n < b and n not in reached]
    last_level = path[-1][0] if path else None
    outcomes = []
    for number in numbers:
        lv = by_level[number]
        visits = reached.get(number, [])
        first_at, first_left = visits[0] if visits else (None, None)
        following = [n for n in numbers if n > number]
        prescribed = starts[following[0]] - starts[number] if following else None
        actual = _minutes(first_left, first_at) if first_at and first_left else None
        late = actual - prescribed if actual is not None and prescribed is not None else None
        outcomes.append(
            LevelOutcome(
                level=number,
                targets=lv.targets,
                prescribed_start_min=starts[number],
                prescribed_minutes=prescribed,
                reached_at=first_at,
                left_at=first_left,
                actual_minutes=actual,
                late_minutes=late,
                skipped=number in skipped,
                times_reached=len(visits),
                acknowledged_here=acked is not None and number == last_level,
            )
        )
    unknown = tuple(sorted({level for level, _ in path if level not in by_level}))
    return EscalationPath(
        start, acked, tuple(outcomes), tuple(sorted(set(skipped))), tuple(repeated), unknown
    )
