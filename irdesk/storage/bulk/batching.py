"""What every bulk read or write shares: rows in bounded batches, and the cycle collector held off."""

import contextlib
import gc
from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# SQLite allows 32,766 bound parameters in one statement; a batch of this many rows of a
# few dozen columns each stays well inside that.
BATCH_ROWS = 500


def batches(items: Sequence[T], size: int = BATCH_ROWS) -> Iterator[Sequence[T]]:
    """`items` in consecutive slices of at most `size`, in order."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Hold off Python's cycle collector while bulk work builds many small objects.

    A bulk read or an import keeps hundreds of thousands of tuples and records alive,
    none of them in a cycle: every collection walks all of them for nothing. Reference
    counting still frees everything, and later collections find what cycles there are.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # What survived goes straight to the oldest generation, where repeated
            # collections would have moved it, instead of one young collection walking
            # all of it.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
