"""The incident list on a file of a million incidents: open, scroll, filter, select.

Writes the file once (tests/scale_fixture: executemany into a new irdesk file, the
search index kept by its triggers) and caches it, then runs
tests/benchmarks/scale_list_probe.measure_list on it and prints each figure beside
its floor from the same run (a bare QTableView over a minimal lazy model of the same
rows) with the ratio, the CPU time of each beside its floor's (what a loaded machine
does not stretch), and the targets: open within 1 s, scroll and filter steps within
50 ms (95th percentile), selecting an incident within 300 ms.

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_incident_list.py
      [--incidents N] [--cache FOLDER] [--runs N]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from scale_fixture import write_scale_file  # noqa: E402
from scale_list_probe import measure_list, median_of, report  # noqa: E402


def cached_file(folder: Path, incidents: int) -> Path:
    path = folder / f"incident-list-{incidents}.db"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        started = time.perf_counter()
        write_scale_file(building, incidents)
        building.replace(path)
        print(f"wrote {incidents:,} incidents in {time.perf_counter() - started:.0f} s: {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "irdesk-bench-cache"
    )
    parser.add_argument("--runs", type=int, default=1, help="runs (medians printed)")
    args = parser.parse_args(argv)
    path = cached_file(args.cache, args.incidents)
    size_mb = path.stat().st_size / 1e6
    runs = [measure_list(path) for _ in range(args.runs)]
    figures = median_of(runs)
    print(f"{args.incidents:,} incidents, {size_mb:,.0f} MB; median of {args.runs} run(s)")
    print(report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
