"""The themes of a year over two years of reviews, against reading the same rows.

Generates the incidents, services, teams and reviews of bench_metrics.py (default
100,000 incidents over two years), then three findings per review (two contributing
factors, one "where we got lucky"), each with one to three confirmed factors, written
with bulk SQL inserts. Then, in the same run and from the same file:

  irdesk  read_themes for the last 365 days: the period's and the year before's
          tagged findings read, counted per factor, service and team, trended
  floor   the same join in sqlite3 alone (finding × finding_factors × review ×
          incident, both years), every row fetched into a Python list, nothing
          counted: what any themes read must at least do

Each runs several times; the best time is reported, with the ratio to the floor.
The incidents counted per factor are checked against a count in SQL.

Run:  .venv/bin/python tests/benchmarks/bench_themes.py [--incidents N] [--repeat R]
Needs the bench extra:  .venv/bin/pip install -e '.[bench]'
"""

import argparse
import contextlib
import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_metrics import DAYS, START, generate

from irdesk.domain.policy import Policy
from irdesk.storage.database import open_database
from irdesk.storage.reads.themes import read_themes

FLOOR_SQL = (
    "SELECT f.id, f.category, f.text, ff.factors_json, i.id, i.external_id, i.started_at,"
    " i.service_id FROM finding f JOIN finding_factors ff ON ff.finding_id = f.id"
    " JOIN review r ON r.id = f.review_id JOIN incident i ON i.id = r.incident_id"
    " WHERE i.started_at >= ? AND i.started_at < ?"
    " AND f.category IN ('contributing_factor', 'lucky')"
)


def add_findings(path: Path, seed: int = 7) -> int:
    rng = random.Random(seed)
    factors = Policy().factor_names()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA synchronous=OFF")
        reviews = [r for (r,) in conn.execute("SELECT id FROM review")]
        findings, tags = [], []
        stamp = "2026-01-01 00:00:00.000000"
        for review in reviews:
            for position, category in enumerate(("contributing_factor",) * 2 + ("lucky",)):
                finding = len(findings) + 1
                findings.append((finding, review, category, "A finding.", position, stamp, stamp))
                chosen = sorted(rng.sample(factors, rng.randint(1, 3)))
                tags.append((finding, json.dumps(chosen), "bench", stamp, 1))
        conn.executemany(
            "INSERT INTO finding (id, review_id, category, text, position, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            findings,
        )
        conn.executemany(
            "INSERT INTO finding_factors (finding_id, factors_json, set_by, set_at, revision)"
            " VALUES (?, ?, ?, ?, ?)",
            tags,
        )
        conn.commit()
    return len(findings)


def best(repeat: int, run: object) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - began)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    last = (START + timedelta(days=DAYS - 1)).date()
    first = last - timedelta(days=364)
    with tempfile.TemporaryDirectory(prefix="irdesk-bench-") as scratch:
        path = Path(scratch) / "themes.db"
        generate(path, args.incidents)
        tagged = add_findings(path)
        db = open_database(path, create=False)
        try:
            report = read_themes(db, first, last)
            took = best(args.repeat, lambda: read_themes(db, first, last))
        finally:
            db.close()
        before = (first - (last - first + timedelta(days=1))).isoformat()
        bounds = (before, (last + timedelta(days=1)).isoformat())
        with contextlib.closing(sqlite3.connect(path)) as conn:
            floor = best(args.repeat, lambda: conn.execute(FLOOR_SQL, bounds).fetchall())
            expected = _incidents_per_factor(conn, first, last)
    shown = {t.factor: len(t.incidents) for t in report.themes}
    print(f"{args.incidents} incidents, {tagged} tagged findings; themes of {first} to {last}")
    print(f"best of {args.repeat} runs")
    print(f"irdesk read_themes (both years, counted)     {took:8.3f} s")
    print(f"floor: the same rows fetched by sqlite3      {floor:8.3f} s")
    print(f"ratio: {took / floor:.1f}× the floor")
    if shown != expected:
        print(f"MISMATCH: irdesk {shown} against SQL {expected}")
        return 1
    print("incidents per factor agree with a count in SQL")
    return 0


def _incidents_per_factor(conn: sqlite3.Connection, first: date, last: date) -> dict[str, int]:
    rows = conn.execute(
        "SELECT je.value, count(DISTINCT i.id) FROM finding f"
        " JOIN finding_factors ff ON ff.finding_id = f.id, json_each(ff.factors_json) je"
        " JOIN review r ON r.id = f.review_id JOIN incident i ON i.id = r.incident_id"
        " WHERE i.started_at >= ? AND i.started_at < ? AND f.category = 'contributing_factor'"
        " GROUP BY je.value",
        (first.isoformat(), (last + timedelta(days=1)).isoformat()),
    )
    return dict(rows.fetchall())


if __name__ == "__main__":
    sys.exit(main())
