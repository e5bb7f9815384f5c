"""Problems that span teams: a recurrence group extended across services by similarity.

A recurrence group holds incidents of one service with similar titles, each within the
policy's window of the previous (metrics.followup). A problem starts from one and adds
incidents of other services whose titles are as similar (the same Jaccard measure and
threshold) to a title of the group, and that started within the window of one of its
incidents: the same cause showing in another team's service. Its figure: repeat
incidents (all but the first) and the time since the last.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from irdesk.domain.metrics.followup import similarity, title_words


@dataclass(frozen=True)
class Candidate:
    """An incident that may belong to a problem: its title, service and start."""

    incident_id: int
    title: str
    service_id: int | None
    started_at: datetime | None


def extended_across_services(
    group: Sequence[Candidate],
    others: Iterable[Candidate],
    *,
    threshold: float,
    window: timedelta,
) -> list[int]:
    """The ids of `others` (incidents of other services) that join the group."""
    services = {c.service_id for c in group}
    seeds = [(title_words(c.title), c.started_at) for c in group if c.started_at is not None]
    joined = []
    for other in others:
        if other.service_id in services or other.started_at is None:
            continue
        words = title_words(other.title)
        if any(
            abs(other.started_at - when) <= window and similarity(words, seed) >= threshold
            for seed, when in seeds
        ):
            joined.append(other.incident_id)
    return joined


@dataclass(frozen=True)
class ProblemFigure:
    """Repeat incidents of a problem and how long since the last one started."""

    incidents: int
    repeats: int  # every incident after the first
    last: datetime | None
    since_last: timedelta | None


def problem_figure(starts: Sequence[datetime | None], now: datetime) -> ProblemFigure:
    """The figure of a problem whose incidents started at `starts` (None: unknown)."""
    known = sorted(t for t in starts if t is not None)
    last = known[-1] if known else None
    return ProblemFigure(
        incidents=len(starts),
        repeats=max(len(starts) - 1, 0),
        last=last,
        since_last=(now - last) if last is not None else None,
    )
