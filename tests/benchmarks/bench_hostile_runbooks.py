"""Reading a folder of hostile Markdown runbooks against a folder of plain ones.

Writes two folders of the same size in a temporary place and times, in this process
after one warm-up run of each, `importers.runbooks.read_folder`:

  floor    one 512 KiB runbook of plain checklist lines ("- [ ] Restart the consumer 17")
  hostile  one 512 KiB runbook made to cost: lines stacked with unclosed link brackets,
           backticks and angle brackets up to the line limit, nesting 64 spaces deep
           and beyond, and 300 steps of 4,000-character markup

The two are made in one run, so a busy machine slows both alike. Target: the hostile
folder costs at most 4x the plain one (the reader's patterns cannot run past the next
bracket, so markup costs time in proportion to its length).

Run:  .venv/bin/python tests/benchmarks/bench_hostile_runbooks.py [--runs N]
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from irdesk.importers.runbooks import MAX_FILE_BYTES, MAX_STEPS, read_folder

TARGET = 4.0


def plain(size: int) -> str:
    lines, total, n = [], 0, 0
    while total < size:
        line = f"- [ ] Restart the consumer {n}\n"
        if len(lines) >= MAX_STEPS:
            line = f"Notes on step {n}: nothing to check.\n"
        lines.append(line)
        total += len(line)
        n += 1
    return "".join(lines)[:size]


def hostile(size: int) -> str:
    stacked = "- [ ] " + "[a](" * 500 + "`" * 1000 + "<" * 1000 + "![x](" * 300 + "\n"
    deep = "".join(" " * (2 * d) + "- [ ] deep\n" for d in range(40))
    body = deep + stacked * (MAX_STEPS - 40)
    filler = "[" * 4000 + "\n"
    while len(body) + len(filler) < size:
        body += filler
    return body[:size]


def timed(folder: Path, runs: int) -> float:
    read_folder(folder)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read_folder(folder)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    size = MAX_FILE_BYTES - 1024
    with tempfile.TemporaryDirectory(prefix="irdesk-bench-") as scratch:
        floor_dir, hostile_dir = Path(scratch, "plain"), Path(scratch, "hostile")
        floor_dir.mkdir()
        hostile_dir.mkdir()
        (floor_dir / "svc.md").write_text(plain(size))
        (hostile_dir / "svc.md").write_text(hostile(size))
        floor = timed(floor_dir, args.runs)
        cost = timed(hostile_dir, args.runs)
    ratio = cost / floor
    print(f"floor   plain 512 KiB runbook      {floor * 1000:8.1f} ms (median of {args.runs})")
    print(f"hostile 512 KiB of stacked markup  {cost * 1000:8.1f} ms")
    print(f"ratio   {ratio:.2f}x (target ≤ {TARGET:g}x): {'met' if ratio <= TARGET else 'NOT met'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
