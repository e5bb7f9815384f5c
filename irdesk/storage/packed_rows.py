"""Many rows in one string: numbers and timestamps packed at fixed widths by SQLite.

Fetching 500,000 rows through the sqlite3 module builds millions of Python
objects, and that, not SQLite, is most of the time. Here SQLite concatenates
each row's fields at fixed widths (numbers offset so that every value has the
same number of digits, timestamps as stored) into one string, which numpy
cuts into columns without a Python object per value: several times faster.

A value that does not fit its width (a negative number, a timestamp stored in
another format) makes the string's length come out wrong; `read_packed` then
returns None and the caller reads the rows the ordinary way.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

# Stands in for a missing time; numpy parses it, and no incident is that old.
MISSING_TIME = "1000-01-01 00:00:00.000000"
TIME_WIDTH = len(MISSING_TIME)


@dataclass(frozen=True)
class Packed:
    name: str
    sql: str  # an SQL expression: an integer, or a timestamp as irdesk stores them
    width: int = 0  # digits, for integers; 0 for a timestamp

    @property
    def size(self) -> int:
        return self.width or TIME_WIDTH

    def expression(self) -> str:
        if self.width:
            # Offset so that every value has `width` digits: 2000… + value, or 1000… for NULL.
            low = 10 ** (self.width - 1)
            return f"ifnull(({self.sql}) + {2 * low}, {low})"
        return f"ifnull({self.sql}, '{MISSING_TIME}')"


def packed_query(fields: tuple[Packed, ...], source: str) -> str:
    """SELECT count(*), one string of every row's fields; `source` is "FROM … WHERE …"."""
    row = " || ".join(f.expression() for f in fields)
    return f"SELECT count(*), group_concat({row}, '') {source}"


def _integers(raw: np.ndarray, start: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    digits = (raw[:, start : start + width] - 48).astype(np.int64)
    values = digits @ (10 ** np.arange(width - 1, -1, -1, dtype=np.int64))
    offset = 2 * 10 ** (width - 1)
    present = values >= offset
    return np.where(present, values - offset, 0), present


def _times(raw: np.ndarray, start: int) -> np.ndarray | None:
    text = np.ascontiguousarray(raw[:, start : start + TIME_WIDTH]).view(f"S{TIME_WIDTH}").ravel()
    try:
        parsed = text.astype("datetime64[us]")
    except ValueError:
        return None  # not the format irdesk writes
    seconds = parsed.astype(np.int64).astype(np.float64) / 1e6
    seconds[text == MISSING_TIME.encode()] = np.nan
    return seconds


def read_packed(
    cur: Any, fields: tuple[Packed, ...], source: str, params: tuple[Any, ...] = ()
) -> dict[str, tuple[np.ndarray, np.ndarray]] | None:
    """name → (values, present) per field, in no particular row order; None when a value did
    not fit its width. Times come back as epoch seconds (NaN when missing)."""
    count, text = cur.execute(packed_query(fields, source), params).fetchone()
    width = sum(f.size for f in fields)
    if not count:
        return {
            f.name: (np.zeros(0, np.float64 if not f.width else np.int64), np.zeros(0, bool))
            for f in fields
        }
    if text is None or not text.isascii() or len(text) != count * width:
        return None
    raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8).reshape(count, width)
    result: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    start = 0
    for f in fields:
        if f.width:
            result[f.name] = _integers(raw, start, f.width)
        else:
            seconds = _times(raw, start)
            if seconds is None:
                return None
            result[f.name] = (seconds, ~np.isnan(seconds))
        start += f.size
    return result
