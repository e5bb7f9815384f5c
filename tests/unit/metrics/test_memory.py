"""`keep_array_memory`: a large array freed is memory the next one uses without faulting
it in again, and numpy asks for no huge pages (each check in a fresh interpreter: the
settings are for the whole process, as `irdesk` makes them at start-up).
`collector_paused`: the cycle collector off inside, as it was after."""

import gc
import json
import os
import subprocess
import sys
import textwrap
import threading

import pytest

from irdesk.domain.metrics.kernels.memory import NUMPY_HUGE_PAGES, collector_paused

glibc_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None,
    reason="mallopt is glibc's",
)

# 64 MiB of float64 made, freed, made again: how many pages each making faulted in.
REUSE = """
import json, resource, sys
{setup}
import numpy as np
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
counts = []
for _ in range(2):
    before = faults()
    block = np.ones(8 << 20)
    counts.append(faults() - before)
    del block
print(json.dumps({{"faults": counts, "kept": {kept}}}))
"""


def run(setup: str, kept: str = "None", env: dict[str, str] | None = None) -> dict[str, object]:
    script = REUSE.format(setup=textwrap.dedent(setup), kept=kept)
    environment = {k: v for k, v in os.environ.items() if k != NUMPY_HUGE_PAGES}
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


@glibc_only
def test_a_freed_large_array_is_reused_without_faulting_it_in_again() -> None:
    plain = run("")
    kept = run(
        "from irdesk.domain.metrics.kernels.memory import keep_array_memory\n"
        "ok = keep_array_memory()",
        kept="ok",
    )
    assert kept["kept"] is True
    first, second = kept["faults"]  # type: ignore[misc]
    # 64 MiB is 16,384 pages of 4 KiB: the first making faults them in, the second reuses.
    assert first >= 8_000
    assert second < first / 10
    # By default glibc maps such a block on its own and unmaps it when freed: the second
    # making faults it in again (or, with huge pages, in fewer, larger faults).
    plain_second = plain["faults"][1]  # type: ignore[index]
    assert plain_second > second


def hugepage_setting(env: dict[str, str], call_before_numpy: bool) -> bool:
    keep = (
        "from irdesk.domain.metrics.kernels.memory import keep_array_memory\nkeep_array_memory()\n"
    )
    script = (keep if call_before_numpy else "") + "import numpy as np\n"
    script += "" if call_before_numpy else keep
    # The setter returns the setting it replaces: the one in force.
    script += "print(np._core.multiarray._set_madvise_hugepage(True))\n"
    environment = {k: v for k, v in os.environ.items() if k != NUMPY_HUGE_PAGES}
    environment.update(env)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, check=True
    )
    return done.stdout.strip() == "True"


@pytest.mark.skipif(sys.platform != "linux", reason="numpy asks for huge pages on Linux only")
@pytest.mark.parametrize("call_before_numpy", [True, False])
def test_numpy_asks_for_no_huge_pages_whether_imported_before_or_after(
    call_before_numpy: bool,
) -> None:
    assert hugepage_setting({}, call_before_numpy) is False


@pytest.mark.skipif(sys.platform != "linux", reason="numpy asks for huge pages on Linux only")
def test_a_users_own_numpy_setting_is_left_as_set() -> None:
    assert hugepage_setting({NUMPY_HUGE_PAGES: "1"}, call_before_numpy=True) is True


def test_starting_the_command_line_does_not_import_numpy() -> None:
    script = (
        "import sys\nfrom irdesk.domain.metrics.kernels.memory import keep_array_memory\n"
        "keep_array_memory()\nprint('numpy' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_the_collector_is_paused_inside_and_restored_after_even_on_an_error() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # a figure set inside another's (or on another thread)
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_figures_on_another_thread_restore_the_collector_when_the_last_one_ends() -> None:
    inside, leave = threading.Event(), threading.Event()

    def figures() -> None:
        with collector_paused():
            inside.set()
            leave.wait(10)

    worker = threading.Thread(target=figures)
    worker.start()
    inside.wait(10)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the worker's block still runs
    leave.set()
    worker.join(10)
    assert gc.isenabled()
