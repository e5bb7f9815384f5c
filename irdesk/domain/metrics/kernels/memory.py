"""How this process takes memory for the kernels' large arrays (`keep_array_memory`), and
the cycle collector paused while the figures make their many small objects
(`collector_paused`).

Over ten years of a large organisation, the figures make arrays of tens of megabytes
(millions of pages), most of them temporaries freed a moment later. By default, on
Linux, the first reading of the figures in a fresh process was a fifth slower than the
second in the same process (ten years of the 1,000,000-incident file, read and figures:
9.7 s of CPU against 8.2 s, with 290,000 page faults against 80,000), for two reasons,
both about memory the process has not used before:

- glibc's `malloc` hands every block above its mmap threshold (128 KiB at start, raised
  only after such a block is freed) to the kernel as a fresh mapping, and gives it back
  on `free`: each large temporary is new memory, faulted in and zeroed page by page.
- numpy asks the kernel for transparent huge pages for every large array
  (`madvise(MADV_HUGEPAGE)`). Where the kernel's THP defrag setting is `madvise` (the
  usual default), each such fault may stall while the kernel compacts memory to find
  2 MiB of contiguous pages: on a machine whose memory is full of file cache, the same
  comparison over six million pages took 0.05 s one time and 0.75 s the next.

`keep_array_memory` turns both off, once, at start-up: blocks come from the heap and
freed ones stay there for the next temporary (they are faulted in once, not once per
use), and pages are ordinary 4 KiB ones (a fault costs the same every time). The price
is that the process keeps, rather than returns, the memory of its largest figure set
until it exits (that memory is used again by the next one), and its peak is higher: over
ten years of the million incidents 1.83 GiB against 1.63 GiB, for 0.7 s less CPU.
"""

import ctypes
import gc
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

# numpy's documented switch for its huge-page requests, read when numpy is imported.
NUMPY_HUGE_PAGES = "NUMPY_MADVISE_HUGEPAGE"
# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_MAX = -4
# Free memory at the heap's top kept rather than returned to the system: the most mallopt
# takes (an int), more than the largest figure set's temporaries.
KEEP_FREE_BYTES = 2**31 - 1
# The heap grows by at least this much at a time: fewer, larger requests to the kernel.
GROW_BYTES = 64 << 20


@cache
def keep_array_memory() -> bool:
    """Keep freed memory for the next large array and ask for no huge pages (see the
    module's docstring). Once per process, at start-up, before the first figures; True
    when glibc's `malloc` took the settings, False elsewhere (macOS, Windows, musl),
    where only numpy's is changed. A user's own NUMPY_MADVISE_HUGEPAGE is left as set."""
    _ask_numpy_for_no_huge_pages()
    if not sys.platform.startswith("linux"):
        return False
    try:
        process = ctypes.CDLL(None)  # the symbols already loaded: libc among them
        process.gnu_get_libc_version  # glibc's own: musl's mallopt does nothing  # noqa: B018
        mallopt = process.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success. Every block from the heap (none mapped on its own):
    # with no mappings, the threshold that only rises after the first free has no effect.
    return all(
        mallopt(parameter, value) == 1
        for parameter, value in (
            (M_MMAP_MAX, 0),
            (M_TRIM_THRESHOLD, KEEP_FREE_BYTES),
            (M_TOP_PAD, GROW_BYTES),
        )
    )


def _ask_numpy_for_no_huge_pages() -> None:
    if NUMPY_HUGE_PAGES in os.environ:
        return
    # Through the variable, so that start-up need not import numpy (the command line
    # mostly does not); numpy reads it when imported. Already imported: its setter.
    os.environ[NUMPY_HUGE_PAGES] = "0"
    numpy = sys.modules.get("numpy")
    multiarray = getattr(getattr(numpy, "_core", None), "multiarray", None)
    setter = getattr(multiarray, "_set_madvise_hugepage", None)
    if setter is not None:
        setter(False)


# --- the cycle collector, paused while the figures make their objects ----------------

_pause_lock = threading.Lock()
_pauses = 0  # figure sets being computed now (the window computes on a worker thread)
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while the block runs, then as it was.

    A figure set over ten years of a million incidents makes some 280,000 objects (a
    recurrence group per chain, a list of reasons per excluded incident), none of them in
    a reference cycle. Each 700 of them start a collection, and every so often one of all
    the objects alive, the loaded incidents' included: 0.25 to 0.75 s of 3.5 s of CPU. Paused,
    they are looked at once, by the first collection after the block. Nested and
    concurrent blocks share one pause; the last to leave restores the collector."""
    global _pauses, _was_enabled
    with _pause_lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
