"""How long a facilitator waits for the window: from `irdesk --db demo.db` to its incident list.

Runs, as separate processes, alternately and several times each:

- the floor: a bare Qt window (QApplication and an empty QMainWindow, shown, painted,
  closed), the least any PySide6 window can cost on this machine;
- irdesk through its real entry point (`python -m irdesk --db FILE`, i.e.
  `irdesk.cli.main:main`) on a demo database written once by `irdesk demo`, told by
  IRDESK_EXIT_WHEN_SHOWN to end once the incidents are listed and painted (the target),
  and, for the record, once its window is painted (the list still loading) and once the
  database is open behind the list (the screens can read and edit it; closed the
  user's way).

Each time is the wall clock from starting the process to its end: interpreter start-up
counts for both, teardown for neither (both leave with os._exit once painted and
closed). The processes' CPU time is printed beside it: on a machine shared with other
work it moves less than the wall clock. Bytecode is cached (in the scratch folder,
whatever PYTHONDONTWRITEBYTECODE says) as an installed irdesk has it; --no-bytecode
compiles every module from source on every run instead, as a checkout with
PYTHONDONTWRITEBYTECODE=1 does. Prints min/median/max of each, the ratio of the
medians, and whether the targets hold: irdesk within TARGET_SECONDS and within
TARGET_RATIO times the floor measured in the same run.

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_startup.py [--runs N]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.5
TARGET_RATIO = 3.0

BARE_WINDOW = """
import os
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1400, 850)
window.show()


def shown() -> None:
    window.repaint()
    window.close()


QTimer.singleShot(0, shown)
os._exit(app.exec())  # as irdesk does under IRDESK_EXIT_WHEN_SHOWN: no interpreter teardown
"""


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of `command`."""
    cpu = cpu_of_children()
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} exited {done.returncode}\n{done.stdout}{done.stderr}"
        )
    return elapsed, cpu_of_children() - cpu


def summary(runs: list[tuple[float, float]]) -> str:
    wall = [w for w, _ in runs]
    cpu = statistics.median(c for _, c in runs)
    return (
        f"min {min(wall):.3f} s, median {statistics.median(wall):.3f} s, "
        f"max {max(wall):.3f} s (CPU median {cpu:.3f} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-bytecode", action="store_true", help="compile from source each run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        env = dict(os.environ, IRDESK_HOME=str(folder / "home"))
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        if args.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
        database = folder / "demo.db"
        subprocess.run(
            [sys.executable, "-m", "irdesk", "demo", str(database)],
            env=env,
            check=True,
            capture_output=True,
        )
        bare_script = folder / "bare_window.py"
        bare_script.write_text(BARE_WINDOW, encoding="utf-8")
        bare = [sys.executable, str(bare_script)]
        irdesk = [sys.executable, "-m", "irdesk", "--db", str(database)]
        list_env = dict(env, IRDESK_EXIT_WHEN_SHOWN="list")
        window_env = dict(env, IRDESK_EXIT_WHEN_SHOWN="window")
        ready_env = dict(env, IRDESK_EXIT_WHEN_SHOWN="ready")
        # One unmeasured run of each fills the file cache, the bytecode cache and the
        # settings file.
        timed(bare, env)
        timed(irdesk, ready_env)
        floor: list[tuple[float, float]] = []
        ours: list[tuple[float, float]] = []
        window: list[tuple[float, float]] = []
        ready: list[tuple[float, float]] = []
        for _ in range(args.runs):
            floor.append(timed(bare, env))
            ours.append(timed(irdesk, list_env))
            window.append(timed(irdesk, window_env))
            ready.append(timed(irdesk, ready_env))
    ours_median = statistics.median(w for w, _ in ours)
    ratio = ours_median / statistics.median(w for w, _ in floor)
    within_seconds = ours_median <= TARGET_SECONDS
    within_ratio = ratio <= TARGET_RATIO
    bytecode = "compiled from source each run" if args.no_bytecode else "bytecode cached"
    print(f"{args.runs} runs each, alternating, on {os.cpu_count()} cores, {bytecode}")
    floor_median = statistics.median(w for w, _ in floor)
    window_ratio = statistics.median(w for w, _ in window) / floor_median
    ready_ratio = statistics.median(w for w, _ in ready) / floor_median
    print(f"bare QMainWindow (floor):          {summary(floor)}")
    print(f"irdesk --db demo.db, its window:   {summary(window)} ({window_ratio:.2f}x)")
    print(f"irdesk --db demo.db, its list:     {summary(ours)} ({ratio:.2f}x)")
    print(f"irdesk --db demo.db, file open:    {summary(ready)} ({ready_ratio:.2f}x)")
    print(
        f"targets for the list: median <= {TARGET_SECONDS} s "
        f"{'met' if within_seconds else 'NOT met'}; "
        f"<= {TARGET_RATIO:g}x the floor's median {'met' if within_ratio else 'NOT met'}"
    )
    return 0 if within_seconds and within_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
