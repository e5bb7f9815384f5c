"""Many rows in one table scan, one string per column: `read_columns`.

Fetching 500,000 rows through the sqlite3 module builds millions of Python
objects, and that, not SQLite, is most of the time. Here one query returns, per
column, SQLite's `group_concat` of the column over the rows it reads (a table, or
a range of its ids): a single string that numpy parses without a Python object
per value. Every aggregate of one query walks the same rows in the same order, so
the columns line up. Each column is a plain column reference, a cheap `ifnull` or
plain arithmetic: SQLite calls a function (substr, char, CASE …) or concatenates
far more slowly than it appends a value, and appends a value more slowly than it
adds two numbers.

Numbers cross as SQLite's text: integers exactly, reals to 15 significant digits
(a cost in cents is exact far beyond any budget).

Whatever does not parse (a timestamp stored in another format, a title holding
the separator) makes `read_columns` return None, and the caller reads the rows
the ordinary way.
"""

import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np

# Stands in for a missing time; numpy parses it, and no incident is that old.
MISSING_TIME = "1000-01-01 00:00:00.000000"
TIME_WIDTH = len(MISSING_TIME)
MISSING_MICROSECONDS = int(np.datetime64(MISSING_TIME, "us").astype(np.int64))
# Stands in for a missing integer; no id, count or flag is that value.
MISSING_INT = -(2**62)
TEXT_SEPARATOR = "\x1f"  # the ASCII unit separator: not found in titles

Kind = Literal["int", "float", "time", "text", "initial", "rank"]
RANK_WIDTH = 4  # SEV1 … SEV5

Word = TypeVar("Word", bound=str)


def distinct_initials(words: Iterable[Word]) -> dict[Word, int]:
    """Each of `words` whose first byte no other of them shares → that byte: the words an
    "initial" column tells apart. (The others it tells apart only as a group.)"""
    firsts = {word: word.encode()[0] for word in words}
    shared = Counter(firsts.values())
    return {word: first for word, first in firsts.items() if shared[first] == 1}


@dataclass(frozen=True)
class Column:
    """`sql` is a column (or cheap expression) of the source; `kind` says how to parse it:
    int and float (NULL kept as missing), time (irdesk's stored UTC text, as epoch
    seconds, NaN when missing), text (NULL as ""), initial (the first byte of a NOT NULL
    text, enough to tell a few known words apart), rank (the digit of a four-character
    code such as SEV3; 0 when NULL)."""

    name: str
    sql: str
    kind: Kind
    nullable: bool = True

    def aggregate(self) -> str:
        value = self.sql
        if self.kind == "time":
            value = f"ifnull({value}, '{MISSING_TIME}')" if self.nullable else value
            return f"group_concat({value}, '')"
        if self.kind == "rank":
            value = f"ifnull({value}, 'SEV0')" if self.nullable else value
            return f"group_concat({value}, '')"
        if self.kind == "text":
            value = f"ifnull({value}, '')" if self.nullable else value
            # The separator written into the SQL itself: char(31) would be called per row.
            return f"group_concat({value}, '{TEXT_SEPARATOR}')"
        if self.nullable and self.kind == "int":
            value = f"ifnull({value}, {MISSING_INT})"
        elif self.nullable and self.kind == "float":
            value = f"ifnull({value}, 'nan')"
        return f"group_concat({value}, ',')"


def columns_query(columns: tuple[Column, ...], source: str) -> str:
    """SELECT count(*) and one string per column; `source` is "FROM … WHERE …".

    Each string comes as a blob, its bytes as SQLite built them: numpy reads bytes, and
    Python's text would be decoded only to be encoded again."""
    blobs = ", ".join(f"CAST({c.aggregate()} AS BLOB)" for c in columns)
    return f"SELECT count(*), {blobs} {source}"


def _numbers(text: bytes, count: int, dtype: type) -> np.ndarray | None:
    with warnings.catch_warnings():
        # numpy warns, and stops, at the first value it cannot read.
        warnings.simplefilter("error")
        try:
            values: np.ndarray = np.fromstring(text, dtype=dtype, sep=",")
        except (ValueError, DeprecationWarning):
            return None
    return values if len(values) == count else None


def _times(text: bytes, count: int) -> np.ndarray | None:
    if len(text) != count * TIME_WIDTH or not text.isascii():
        return None  # not all in the format irdesk writes
    stamps = np.frombuffer(text, dtype=f"S{TIME_WIDTH}")
    try:
        microseconds = stamps.astype("datetime64[us]").view(np.int64)
    except ValueError:
        return None
    seconds: np.ndarray = microseconds / 1e6
    seconds[microseconds == MISSING_MICROSECONDS] = np.nan
    return seconds


def _initials(text: bytes, count: int) -> np.ndarray | None:
    if not text.isascii():
        return None
    raw = np.frombuffer(text, dtype=np.uint8)
    starts = np.r_[0, np.flatnonzero(raw == ord(",")) + 1]
    if len(starts) != count or starts[-1] >= len(raw):
        return None  # a value held a comma, or was empty
    result: np.ndarray = raw[starts]
    return result


def _ranks(text: bytes, count: int) -> np.ndarray | None:
    if len(text) != count * RANK_WIDTH or not text.isascii():
        return None
    digits = np.frombuffer(text, dtype=np.uint8)[RANK_WIDTH - 1 :: RANK_WIDTH]
    ranks = digits.astype(np.int8) - ord("0")
    return ranks if bool(np.all((ranks >= 0) & (ranks <= 9))) else None


def _texts(text: bytes, count: int) -> list[str] | None:
    try:
        values = text.decode().split(TEXT_SEPARATOR)
    except UnicodeDecodeError:
        return None  # the ordinary read reports it
    return values if len(values) == count else None


def _parse(column: Column, text: bytes, count: int) -> Any:
    if column.kind == "int":
        return _numbers(text, count, np.int64)
    if column.kind == "float":
        return _numbers(text, count, np.float64)
    if column.kind == "time":
        return _times(text, count)
    if column.kind == "initial":
        return _initials(text, count)
    if column.kind == "rank":
        return _ranks(text, count)
    return _texts(text, count)


def empty_column(column: Column) -> Any:
    """What `read_columns` gives for a column of no rows."""
    if column.kind == "text":
        return []
    dtype = {
        "int": np.int64,
        "float": np.float64,
        "time": np.float64,
        "initial": np.uint8,
        "rank": np.int8,
    }
    return np.zeros(0, dtype=dtype[column.kind])


def read_columns(
    cur: Any,
    columns: tuple[Column, ...],
    source: str,
    params: tuple[Any, ...] | dict[str, Any] = (),
) -> dict[str, Any] | None:
    """name → numpy array (a list of str for text) per column, rows in the table's scan
    order; None when a column did not parse. Missing ints are MISSING_INT, missing floats
    and times NaN."""
    count, *texts = cur.execute(columns_query(columns, source), params).fetchone()
    if not count:
        return {c.name: empty_column(c) for c in columns}
    result: dict[str, Any] = {}
    for column, text in zip(columns, texts, strict=True):
        parsed = None if text is None else _parse(column, text, count)
        if parsed is None:
            return None
        result[column.name] = parsed
    return result
