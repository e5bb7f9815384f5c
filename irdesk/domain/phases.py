"""Which phase of the response each moment of an incident falls in.

The phases follow the effective lifecycle (a facilitator's corrections where
set), each beginning at one lifecycle marker:

=============  ==================  ==========================================
phase          begins at           what the room is looking at
=============  ==================  ==========================================
before impact  (first event)       warnings and changes before anything broke
detecting      ``started_at``      impact, but nobody knows yet
responding     ``detected_at``     an alert fired; waiting for a human to take it
mitigating     ``acknowledged_at`` someone is on it; impact continues
recovering     ``mitigated_at``    impact stopped; fixing for good
verifying      ``resolved_at``     resolved, stability being confirmed (only when
                                   ``verified_at`` is known)
after          ``verified_at``     follow-up; or ``resolved_at`` when nothing
                                   was verified
=============  ==================  ==========================================

Before the first marker a moment is "before impact" when the impact start is
known, and of no known phase when it is not (the source never said when impact
began, so irdesk does not guess). A missing marker starts no phase: the phase before it runs on (no
acknowledgement recorded → detected to mitigated is all "responding"). When the
source's markers contradict each other (mitigated before acknowledged), a moment
takes the latest phase whose marker it has reached, so the phases never run
backwards along the timeline.
"""

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum


class Phase(StrEnum):
    UNKNOWN = "phase not known"
    BEFORE = "before impact"
    DETECTING = "detecting"
    RESPONDING = "responding"
    MITIGATING = "mitigating"
    RECOVERING = "recovering"
    VERIFYING = "verifying"
    AFTER = "after"


PHASE_ORDER = tuple(Phase)

# The lifecycle marker that begins each phase (BEFORE has none).
PHASE_STARTS = (
    ("started_at", Phase.DETECTING),
    ("detected_at", Phase.RESPONDING),
    ("acknowledged_at", Phase.MITIGATING),
    ("mitigated_at", Phase.RECOVERING),
)


def phase_boundaries(lifecycle: Mapping[str, datetime | None]) -> list[tuple[datetime, Phase]]:
    """(time, phase beginning then) for every marker present, in time order, never backwards."""
    starts: list[tuple[datetime, Phase]] = [
        (when, phase) for field, phase in PHASE_STARTS if (when := lifecycle.get(field)) is not None
    ]
    resolved, verified = lifecycle.get("resolved_at"), lifecycle.get("verified_at")
    if resolved is not None:
        starts.append((resolved, Phase.VERIFYING if verified is not None else Phase.AFTER))
    if verified is not None:
        starts.append((verified, Phase.AFTER))
    starts.sort(key=lambda pair: (pair[0], PHASE_ORDER.index(pair[1])))
    # A contradictory source (mitigated before acknowledged): keep the furthest phase reached.
    boundaries: list[tuple[datetime, Phase]] = []
    furthest = -1
    for when, phase in starts:
        rank = PHASE_ORDER.index(phase)
        if rank > furthest:
            boundaries.append((when, phase))
            furthest = rank
    return boundaries


class PhaseLookup:
    """`phase_at(t)` for many moments of one incident: one bisection each."""

    def __init__(self, lifecycle: Mapping[str, datetime | None]) -> None:
        self.boundaries = phase_boundaries(lifecycle)
        self._times = [when for when, _ in self.boundaries]
        self._first = Phase.BEFORE if lifecycle.get("started_at") is not None else Phase.UNKNOWN

    def phase_at(self, when: datetime) -> Phase:
        # A moment exactly at a marker belongs to the phase that marker begins.
        position = bisect_right(self._times, when)
        return self._first if position == 0 else self.boundaries[position - 1][1]

    def phases(self, moments: Sequence[datetime]) -> list[Phase]:
        return [self.phase_at(when) for when in moments]


def phase_at(lifecycle: Mapping[str, datetime | None], when: datetime) -> Phase:
    return PhaseLookup(lifecycle).phase_at(when)
