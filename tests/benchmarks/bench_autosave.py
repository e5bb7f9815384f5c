"""How long one autosave takes: a finding's text written compare-and-set with its audit entry.

The Review tab saves at most every 400 ms of typing; each save is one transaction
(`storage.findings.set_text`: the compare-and-set UPDATE plus a hash-chained audit
entry). This times N such saves on a copy of the demo organisation, growing the
text as typing would, and prints the median, 95th percentile and worst, which must
stay far below the 400 ms between saves (and under a frame, so the worker is free).

Run:  .venv/bin/python tests/benchmarks/bench_autosave.py [--saves N]
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from irdesk.demo.generator import DEFAULT_SEED, write_demo
from irdesk.domain.enums import FindingCategory
from irdesk.storage.database import open_database
from irdesk.storage.records import findings, reviews

SENTENCE = "Retries had no backoff or jitter, so every timeout became two more requests. "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "demo.db"
        write_demo(path, seed=DEFAULT_SEED, anchor=date(2026, 11, 2))
        db = open_database(path)
        try:
            with db.transaction() as session:
                review_id = next(
                    r.id
                    for r in (reviews.get_review(session, i) for i in range(1, 200))
                    if r is not None and r.status in reviews.EDITABLE
                )
                row = findings.add_finding(
                    session, review_id, FindingCategory.CONTRIBUTING_FACTOR, actor="bench"
                )
            revision, text, times = row.revision, "", []
            for n in range(args.saves):
                text += SENTENCE[n % len(SENTENCE)] * 8
                start = time.perf_counter()
                with db.transaction() as session:
                    revision = findings.set_text(session, row.id, revision, text, actor="bench")
                times.append((time.perf_counter() - start) * 1000)
        finally:
            db.close()
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{args.saves} saves (text up to {len(text):,} characters): "
        f"median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, worst {times[-1]:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
