"""Rows and keys found by indexing instead of searching: masks, key tables, positions.

Incident rows, people and services are small non-negative integers, so a table as long as
the largest of them answers "is it there?" or "what belongs to it?" with one indexing
operation, where `np.isin`, `np.setdiff1d` or a dictionary look-up per value would sort,
search or run Python for each. Each kernel falls back to a binary search when the keys
are too large or negative for such a table.
"""

from collections.abc import Mapping

import numpy as np
from numpy.typing import DTypeLike

from irdesk.domain.metrics.kernels.sorting import is_dense


def row_mask(rows: np.ndarray, size: int) -> np.ndarray:
    """A mask over `size` rows, True at `rows`: membership then costs one index per row."""
    mask = np.zeros(size, dtype=bool)
    mask[rows] = True
    return mask


def marked(rows: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`mask[rows]`, False where `rows` holds -1 (no row)."""
    result: np.ndarray = (rows >= 0) & mask[np.clip(rows, 0, None)]
    return result


def rows_without(rows: np.ndarray, drop: np.ndarray) -> np.ndarray:
    """`rows` (in their order) but those in `drop`: `np.setdiff1d` without its sort, by
    marking the dropped rows in a mask. Both hold row indices (non-negative)."""
    if len(rows) == 0 or len(drop) == 0:
        return rows.copy()
    dropped = row_mask(drop, max(int(rows.max()), int(drop.max())) + 1)
    kept: np.ndarray = rows[~dropped[rows]]
    return kept


def lookup(
    keys: np.ndarray,
    table: Mapping[int, float],
    default: float,
    dtype: DTypeLike = np.float64,
) -> np.ndarray:
    """`table[k]` for each of `keys` (`default` where absent), as `dtype`, without a
    Python look-up per key: small keys index a dense copy of the table, others are
    searched among its sorted keys."""
    known = np.array(sorted(table), dtype=np.int64)
    values = np.array([table[k] for k in known.tolist()] + [default], dtype=dtype)
    if len(known) == 0:
        return np.full(len(keys), default, dtype=dtype)
    top = int(known[-1])
    if is_dense(int(known[0]), top, len(keys)):
        dense = np.full(top + 2, default, dtype=dtype)
        dense[known] = values[:-1]
        inside: np.ndarray = dense[np.where((keys >= 0) & (keys <= top), keys, top + 1)]
        return inside
    pos = np.searchsorted(known, keys)
    pos = np.where(known[np.clip(pos, 0, len(known) - 1)] == keys, pos, len(known))
    result: np.ndarray = values[pos]
    return result


def position_in(known: np.ndarray, keys: np.ndarray, dtype: DTypeLike = np.int64) -> np.ndarray:
    """The position of each of `keys` (integers) in `known` (sorted, distinct, holding
    every key): the keys renumbered 0 … len(known)-1, ready for `np.bincount`.

    A narrower `dtype` (int32 for a few hundred people) makes the positions in that type
    directly, from a table of that type: over millions of pages, half the memory of
    int64 positions for them and for everything gathered from them."""
    if len(known) and is_dense(int(known[0]), int(known[-1]), len(keys)):
        dense = np.zeros(int(known[-1]) + 1, dtype=dtype)
        dense[known] = np.arange(len(known))
        found: np.ndarray = dense[keys]
        return found
    searched: np.ndarray = np.searchsorted(known, keys).astype(dtype, copy=False)
    return searched


def find_keys(sorted_keys: np.ndarray, keys: np.ndarray, order: np.ndarray | None) -> np.ndarray:
    """For each of `keys`, its index among some keys, -1 where it is not among them.

    `sorted_keys` are those keys sorted and `order[i]` the index of `sorted_keys[i]`
    (None: the keys were in order already). Keys in order without gaps (consecutive ids,
    the usual case) need no search: the index is the offset from the first.
    """
    n = len(sorted_keys)
    if n == 0:
        return np.full(len(keys), -1, dtype=np.int64)
    first = int(sorted_keys[0])
    if order is None and int(sorted_keys[-1]) - first == n - 1:
        offset = keys.astype(np.int64) - first
        inside: np.ndarray = np.where((offset >= 0) & (offset < n), offset, -1)
        return inside
    pos = np.clip(np.searchsorted(sorted_keys, keys), 0, n - 1)
    found = sorted_keys[pos] == keys
    result: np.ndarray = np.where(found, order[pos] if order is not None else pos, -1)
    return result
