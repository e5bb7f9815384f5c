"""A person's period and a team's picture against the floor: the dashboard's whole figure
set computed from the same columns.

Writes the demo organisation (fixed seed and anchor day), then times, best of R runs
each, over the last 90 days, each from the open file as its window does:

  floor   load_metric_data + compute_figures: the dashboard, every figure for everyone
  person  person_period for the person who took part in the most incidents (the same
          columns read, then their incidents, load against rotation and team medians,
          on-call share, surges, escalation paths, action items, status-update gaps)
  team    team_picture_named for that person's team (the same columns read)

and prints each with its ratio to the floor. Target: each within 3x the floor, as a
window that shows one person should cost no more than the dashboard that shows all.

Run:  .venv/bin/python tests/benchmarks/bench_person_period.py [--repeat R]
"""

import argparse
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from irdesk.demo.generator import write_demo
from irdesk.domain.metrics.figures import compute_figures
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import open_database
from irdesk.storage.reads.person_period import period_of, person_period
from irdesk.storage.reads.team_picture import team_picture_named
from irdesk.storage.records.policies import current_policy

ANCHOR = date(2026, 11, 28)
TARGET = 3.0


def best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="irdesk-bench-") as scratch:
        path = Path(scratch) / "demo.db"
        write_demo(path, anchor=ANCHOR)
        db = open_database(path)
        try:
            data = load_metric_data(db)
            policy = current_policy(db).policy
            first, last = ANCHOR - timedelta(days=89), ANCHOR
            period = period_of(first, last)
            busiest, _ = Counter(data.events.part_person.tolist()).most_common(1)[0]
            person = data.people[busiest]
            team = data.teams[person.team_id].name if person.team_id is not None else None
            floor = best(args.repeat, lambda: compute_figures(load_metric_data(db), policy, period))
            own = best(args.repeat, lambda: person_period(db, person.name, first, last))
            rows = [
                ("floor: the dashboard's figures (everyone)", floor),
                (f"person: {person.name}", own),
            ]
            if team is not None:
                picture = best(
                    args.repeat,
                    lambda: team_picture_named(db, team, first, last),
                )
                rows.append((f"team: {team}", picture))
            print(f"demo organisation, {len(data.incidents)} incidents, {first} to {last}")
            for name, seconds in rows:
                ratio = seconds / floor
                verdict = (
                    ""
                    if name.startswith("floor")
                    else ("  within target" if ratio <= TARGET else f"  OVER {TARGET:g}x")
                )
                print(f"  {name:<45} {seconds * 1000:8.1f} ms  {ratio:5.2f}x floor{verdict}")
        finally:
            db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
