"""Sorting as the metrics need it: stable, distinct, and on keys no wider than they must be."""

import numpy as np

# Integer keys inside [-2**31, 2**31) sort as int32: a sort of 32-bit keys moves half the
# bytes that one of 64-bit keys does, and the keys built here usually fit.
INT32_RANGE = (-(2**31), 2**31)

# Non-negative integers up to this many times the number of values (plus a little, for
# short arrays) are "small ids": a table as long as the largest id costs no more than
# the values themselves, so they are counted or indexed instead of sorted or searched.
DENSE_FACTOR = 4
DENSE_SLACK = 1024


def is_dense(low: int, high: int, count: int) -> bool:
    """Whether integers between `low` and `high` are small ids for `count` values."""
    return low >= 0 and high <= DENSE_FACTOR * count + DENSE_SLACK


def fits_int32(low: int, high: int) -> bool:
    return INT32_RANGE[0] <= low and high < INT32_RANGE[1]


def is_sorted(values: np.ndarray) -> bool:
    """Whether `values` are in ascending order already (ties allowed; integers).

    One comparison of each value with the next: the events arrive grouped by incident,
    so arrays of incident ids are often in order, and a kernel that checks this first
    can keep that order instead of sorting again.
    """
    return len(values) < 2 or bool(np.all(values[1:] >= values[:-1]))


def merge_order(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The stable order of `np.concatenate([first, second])` (integers): each position of
    `first` before an equal one of `second`.

    numpy's stable sort of integers wider than 16 bits is a timsort, which finds runs
    already in order and merges them: when both arrays are sorted (incident ids of the
    pages and of the participations, both grouped per incident) this is one linear merge,
    and any other input is still sorted correctly.
    """
    order: np.ndarray = np.argsort(np.concatenate([first, second]), kind="stable")
    return order


def stable_argsort(values: np.ndarray) -> np.ndarray:
    """`np.argsort(values, kind="stable")`, by the unstable sort and then putting each run
    of equal values back in index order.

    numpy's default sort of floats is vectorised and much quicker than its stable merge
    sort; ties are rare among timestamps, so repairing them afterwards costs little.
    NaN values tie with each other, as the stable sort keeps them in index order too.
    """
    order: np.ndarray = np.argsort(values)
    ordered = values[order]
    same = ordered[1:] == ordered[:-1]
    if ordered.dtype.kind == "f":
        same |= np.isnan(ordered[1:]) & np.isnan(ordered[:-1])
    if not same.any():
        return order
    # Positions inside runs of ties; each run is sorted by index on its own.
    tied = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
    run = np.cumsum(np.r_[True, ~same])[tied]
    order[tied] = order[tied][np.lexsort((order[tied], run))]
    return order


def first_of_each_run(ordered: np.ndarray) -> np.ndarray:
    """A mask over sorted values: True where a run of equal values starts."""
    first = np.empty(len(ordered), dtype=bool)
    if len(ordered):
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def run_starts(ordered: np.ndarray) -> np.ndarray:
    """The positions where each run of equal values of a sorted array starts."""
    starts: np.ndarray = np.flatnonzero(first_of_each_run(ordered))
    return starts


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values: `np.unique`, with the same dtype.

    numpy 2's `np.unique` hashes, which is slow on the long integer arrays here. Small
    ids (people, services) are counted instead (which occur, no sort at all); other
    integers are sorted as int32 when they fit; then each run of equal values gives one.
    """
    if len(values) > 64 and values.dtype.kind == "i":
        low, high = int(values.min()), int(values.max())
        if is_dense(low, high, len(values)):
            present: np.ndarray = np.flatnonzero(np.bincount(values, minlength=high + 1))
            return present.astype(values.dtype)
        if values.dtype.itemsize > 4 and fits_int32(low, high):
            ordered = np.sort(values.astype(np.int32)).astype(values.dtype)
        else:
            ordered = np.sort(values)
    else:
        ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    result: np.ndarray = ordered[first_of_each_run(ordered)]
    return result
