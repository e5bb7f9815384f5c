"""The incident list's filter on a team database of 100,000 incidents stays interactive.

On a throwaway cluster (tests/pg_cluster.py), a database at the head schema gets
100,000 incidents written by one INSERT … SELECT (five titles, four services, a start
every five minutes). Each query is what the window asks for on a keystroke: the count
(up to 1,001) and the first page of 60 rows, through `IncidentPages.of_server`.

  floor     the unfiltered first page in the list's own order (what opening shows)
  filters   a common word, two words of one incident, a word matching nothing, a
            word sorted by title, two words sorted by duration

The server has no FTS5: a word is looked for in each row's words (dialect's
`PostgresListSpelling.contains`), so a filter reads every incident once. Medians of 7,
as ratios to the floor measured in the same run. Target: every filter ≤ 10x the floor.

Run:  .venv/bin/python tests/benchmarks/bench_pg_incident_list.py [--incidents N]
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: pg_cluster

import pg_cluster

from irdesk.storage import server
from irdesk.storage.bulk.incident_pages import IncidentPages, ListQuery

PAGE = 60
TARGET = 10.0
FILL = """
INSERT INTO service (name, tier, slo_target, cost_per_minute)
SELECT 'service-' || g, 'tier2', 99.9, 0 FROM generate_series(1, 4) g;
INSERT INTO incident (source, external_id, title, severity, status, started_at, resolved_at,
    service_id, external_cause, approved_tech_debt, regulatory_exposure, consistency_flags,
    created_at, updated_at)
SELECT 'bench', 'B-' || g,
    (ARRAY['Checkout latency', 'Search timeouts', 'Payment gateway 5xx', 'Login errors',
           'Queue backlog'])[1 + mod(g, 5)] || ' on node ' || g,
    'SEV' || (1 + mod(g, 5)), 'resolved',
    timestamp '2025-01-01' + g * interval '5 minutes',
    timestamp '2025-01-01' + g * interval '5 minutes' + mod(g, 300) * interval '1 minute',
    (SELECT min(id) FROM service) + mod(g, 4), false, false, false, '', now(), now()
FROM generate_series(1, {n}) g;
ANALYZE;
"""
FILTERS = [
    ("checkout", "started"),
    ("node 4242", "started"),
    ("zzqx", "started"),
    ("pay", "title"),
    ("sev2 search", "duration"),
]


def median_seconds(work: Callable[[], object], reps: int = 7) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100_000)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="irdesk-bench-pg-list-"))
    folder = base / "cluster"
    try:
        url = pg_cluster.start(folder)
        admin = pg_cluster.engine(url)
        with admin.connect() as conn:
            conn.exec_driver_sql('CREATE DATABASE "list"')
        admin.dispose()
        address = server.ServerAddress(url.replace("/postgres?", "/list?"))
        server.upgrade(address)
        db = server.open_server_database(address)
        raw = db.engine.raw_connection()
        try:
            with raw.cursor() as cursor:
                cursor.execute(FILL.format(n=args.incidents))
            raw.commit()
        finally:
            raw.close()
        pages = IncidentPages.of_server(db.engine)
        floor = median_seconds(lambda: pages.page(ListQuery(), 0, PAGE))
        print(f"{args.incidents:,} incidents; floor (unfiltered first page): {floor * 1000:.1f} ms")
        worst = 0.0
        for text, sort in FILTERS:
            query = ListQuery.filtered(text, sort=sort)
            took = median_seconds(lambda q=query: (pages.count(q, 1001), pages.page(q, 0, PAGE)))
            worst = max(worst, took / floor)
            print(f"  {text!r:14} by {sort:9} {took * 1000:7.1f} ms  {took / floor:5.1f}x floor")
        db.close()
        print(
            f"worst {worst:.1f}x floor (target ≤ {TARGET:.0f}x): {'met' if worst <= TARGET else 'MISSED'}"
        )
        return 0 if worst <= TARGET else 1
    finally:
        pg_cluster.stop(folder)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
