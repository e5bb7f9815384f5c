"""Wall-clock time: epoch seconds in a person's zone, days, weekdays and weeks.

Time zones are looked up through `datetime`, one Python call per value; over a hundred
thousand pages that would be most of the on-call figures' work. Offsets change at most
a few times a year, so they are looked up once per day (at noon UTC, away from the
changes, which happen at night) and spread to every time of that day by indexing.
"""

import functools
from collections.abc import Sequence
from datetime import datetime, tzinfo

import numpy as np

DAY = 86400.0
# 1970-01-01, day 0 of the epoch, was a Thursday: three days after a Monday. Adding this
# to a day number makes weeks (and weekdays, 0 = Monday) begin on Mondays.
DAYS_FROM_MONDAY_AT_EPOCH = 3
SATURDAY = 5  # weekday numbers 0 = Monday … 6 = Sunday, as `datetime.weekday`

# A zone's offsets are looked up per block of this many days and kept: the dashboard
# recomputes the figures on every change, over the same days, and the look-up is the
# costly part.
OFFSET_BLOCK = 128
# Days further apart than this many blocks are looked up one by one, not as blocks.
MAX_BLOCKS = 64
# Beyond this many days between the first and last time, `wall_clock_times` looks offsets
# up only for the days that occur instead of every day of the span.
DENSE_DAYS = 4000


def split_days(local: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(day number, seconds into the day) of wall-clock epoch seconds.

    The seconds are `local % DAY` to the last bit, computed as one multiply and subtract:
    numpy's float `%` also divides and fixes the sign per value.
    """
    # In place where the arithmetic allows: over ten years of pages each fresh array is
    # tens of megabytes, and the memory for it costs as much as the arithmetic.
    day = local / DAY
    np.floor(day, out=day)
    seconds = day * DAY
    np.subtract(local, seconds, out=seconds)
    seconds[seconds < 0] += DAY  # where local / DAY rounded up to a whole day
    return day, seconds


def weekday(day: np.ndarray) -> np.ndarray:
    """0 = Monday … 6 = Sunday of day numbers (as floats), like `datetime.weekday`."""
    shifted = day + DAYS_FROM_MONDAY_AT_EPOCH
    weeks = shifted / 7
    np.floor(weeks, out=weeks)
    weeks *= 7
    result: np.ndarray = np.subtract(shifted, weeks, out=shifted)
    return result


def week_index(local: np.ndarray) -> np.ndarray:
    """The Monday-to-Sunday week of wall-clock epoch seconds, numbered from the week of
    1970-01-01 (Monday 1969-12-29) as 0; equal numbers, the same week."""
    result: np.ndarray = local / DAY
    result += DAYS_FROM_MONDAY_AT_EPOCH
    result /= 7
    np.floor(result, out=result)
    return result


def _offset_at(moment: datetime) -> float:
    offset = moment.utcoffset()  # never None: the moment is aware
    return 0.0 if offset is None else offset.total_seconds()


def _offsets_of_days(days: list[int], zone: tzinfo) -> np.ndarray:
    noons = (datetime.fromtimestamp(d * DAY + DAY / 2, zone) for d in days)
    return np.array([_offset_at(noon) for noon in noons], dtype=np.float64)


@functools.lru_cache(maxsize=256)
def _offset_block(zone: tzinfo, block: int) -> np.ndarray:
    first = block * OFFSET_BLOCK
    offsets = _offsets_of_days(list(range(first, first + OFFSET_BLOCK)), zone)
    offsets.flags.writeable = False  # shared by every caller from the cache
    return offsets


def day_offsets(days: np.ndarray, zone: tzinfo) -> np.ndarray:
    """`zone`'s offset from UTC in seconds on each day (whole days since the epoch, the
    offset at noon UTC), from the blocks kept by `_offset_block`."""
    if len(days) == 0:
        return np.zeros(0)
    whole = days.astype(np.int64)
    block = whole // OFFSET_BLOCK
    low, high = int(block.min()), int(block.max())
    if high - low >= MAX_BLOCKS:
        return _offsets_of_days(whole.tolist(), zone)
    table = np.concatenate([_offset_block(zone, b) for b in range(low, high + 1)])
    result: np.ndarray = table[whole - low * OFFSET_BLOCK]
    return result


def wall_clock_times(
    times: np.ndarray, zone_code: np.ndarray, zones: Sequence[tzinfo]
) -> np.ndarray:
    """Epoch seconds shifted into the wall clock of `zones[zone_code[i]]` each.

    A table of offsets, one row per zone and one column per day of the span (or per day
    that occurs, when the span is long), filled by `day_offsets`; each time then takes its
    offset by one index into the flattened table (zone × columns + column), which is one
    gather where indexing by the two arrays would be two.
    """
    if len(times) == 0:
        return times.copy()
    days = times / DAY
    np.floor(days, out=days)
    first = days.min()
    span = int(days.max() - first) + 1
    if span <= DENSE_DAYS:
        table_days = first + np.arange(span)
        days -= first
        day = days.astype(np.intp)
    else:
        table_days, day = np.unique(days, return_inverse=True)
        span = len(table_days)
    offsets = np.array([day_offsets(table_days, zone) for zone in zones], dtype=np.float64)
    cell = np.multiply(zone_code, span, dtype=np.intp)
    cell += day
    shifted: np.ndarray = offsets.ravel()[cell]
    shifted += times
    return shifted
