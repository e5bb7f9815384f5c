"""Time arithmetic every step of the generator shares: whole seconds, spans, durations."""

import math
import random
from datetime import datetime, timedelta


def seconds(value: datetime) -> datetime:
    return value.replace(microsecond=0)


def lognormal(rng: random.Random, median_minutes: float, floor_seconds: int) -> timedelta:
    # Heavy-tailed like real response times, but capped so one draw cannot last a week.
    minutes = min(rng.lognormvariate(math.log(median_minutes), 0.9), median_minutes * 8)
    return timedelta(seconds=max(floor_seconds, round(minutes * 60)))


def spread(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` sorted whole-second times strictly inside (start, end) when there is room."""
    span = int((end - start).total_seconds())
    if span < 2:
        return [start for _ in range(count)]
    return sorted(start + timedelta(seconds=rng.randint(1, span - 1)) for _ in range(count))
