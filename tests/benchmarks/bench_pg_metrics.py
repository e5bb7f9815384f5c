"""The full figure set over 100,000 incidents read from PostgreSQL, against pandas reading
a subset of it from the same server, in the same run.

The organisation is bench_metrics.py's (N incidents, default 100,000, over two years,
with their pages, acknowledgements, resolutions, reviews and action items), written into
a file and copied into a database on a throwaway cluster (tests/pg_cluster.py: initdb
and pg_ctl in a temporary folder, a Unix socket, no network). Then, each several times,
the best time kept:

  irdesk  load_metric_data + compute_figures on the server (`metric_server`: binary
          COPY into numpy): every figure of the dashboard over the whole span
  floor   pandas read_sql of the incident columns from the same server (epoch seconds
          by extract), then per-service and per-severity median and p90 of the four
          durations (groupby)

The medians and p90s of both are compared and must agree; the figures from the server
must be those from the file.

Run:  .venv/bin/python tests/benchmarks/bench_pg_metrics.py [--incidents N] [--repeat R]
Needs Debian's postgresql package (the server) and the bench extra (pandas).
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import text

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import pg_cluster  # noqa: E402
from bench_metrics import DAYS, KPIS, START, _pandas_figures, generate  # noqa: E402

from irdesk.domain.metrics.figures import compute_figures  # noqa: E402
from irdesk.domain.metrics.selection import Period  # noqa: E402
from irdesk.domain.metrics.tables import figures_json  # noqa: E402
from irdesk.storage.bulk.metric_data import load_metric_data  # noqa: E402
from irdesk.storage.copy import copy_database  # noqa: E402
from irdesk.storage.database import Database, open_database  # noqa: E402
from irdesk.storage.records.policies import current_policy  # noqa: E402
from irdesk.storage.server import ServerAddress, open_server_database  # noqa: E402

PERIOD = Period(START, START + timedelta(days=DAYS + 1))
PANDAS_SQL = """
SELECT s.name AS service, i.severity AS severity,
       extract(epoch FROM i.detected_at - i.started_at)::float8 / 60 AS time_to_detect,
       extract(epoch FROM i.acknowledged_at - i.detected_at)::float8 / 60 AS time_to_acknowledge,
       extract(epoch FROM i.mitigated_at - i.started_at)::float8 / 60 AS time_to_mitigate,
       extract(epoch FROM i.resolved_at - i.started_at)::float8 / 60 AS time_to_resolve
FROM incident i LEFT JOIN service s ON s.id = i.service_id
"""


CLUSTER: list[Path] = []  # the cluster's folder, once started


def timed(work):  # type: ignore[no-untyped-def]
    """(wall, this process's CPU, the server's CPU, the result) of `work()`."""
    served = pg_cluster.server_cpu_seconds(CLUSTER[0]) if CLUSTER else 0.0
    begin, cpu = time.perf_counter(), time.process_time()
    out = work()
    wall, used = time.perf_counter() - begin, time.process_time() - cpu
    server = pg_cluster.server_cpu_seconds(CLUSTER[0]) - served if CLUSTER else 0.0
    return wall, used, server, out


def ours(db: Database, by: str):  # type: ignore[no-untyped-def]
    record = current_policy(db)
    data = load_metric_data(db)
    return compute_figures(data, record.policy, PERIOD, by, policy_version=record.version)


def pandas_floor(db: Database) -> dict[str, pd.DataFrame]:
    with db.engine.connect() as conn:
        frame = pd.read_sql(text(PANDAS_SQL), conn)
    return _pandas_figures(frame)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if pg_cluster.bindir() is None:
        print("PostgreSQL's server is not installed (apt-get install postgresql)")
        return 1
    base = Path(tempfile.mkdtemp(prefix="irdesk-bench-pg-"))
    base.chmod(0o755)  # under root the server runs as postgres, who must reach its folder
    try:
        url = pg_cluster.start(base / "cluster")
        CLUSTER.append(base / "cluster")
        admin = pg_cluster.engine(url)
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE bench")
        admin.dispose()
        path = base / "bench.db"
        seconds, *_ = timed(lambda: generate(path, args.incidents))
        print(f"generated {args.incidents:,} incidents into a file in {seconds:.1f} s")
        file = open_database(path)
        address = ServerAddress(url.replace("/postgres?", "/bench?"))
        # `irdesk db copy`'s own copier, which makes the schema in the empty database.
        seconds, *_ = timed(lambda: copy_database(str(path), address.url))
        served = open_server_database(address)
        with served.engine.connect() as conn:
            events = conn.exec_driver_sql("SELECT count(*) FROM timeline_event").scalar()
        print(f"copied into PostgreSQL ({events:,} timeline events) in {seconds:.1f} s")
        with served.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        try:
            runs = {
                by: [timed(lambda by=by: ours(served, by)) for _ in range(args.repeat)]
                for by in ("service", "severity")
            }
            floors = [timed(lambda: pandas_floor(served)) for _ in range(args.repeat)]
            same = all(
                figures_json(runs[by][0][3]) == figures_json(ours(file, by))
                for by in ("service", "severity")
            )
        finally:
            file.close()
            served.close()
        worst_gap = 0.0
        for by in ("service", "severity"):
            table = floors[0][3][by]
            for kpi in KPIS:
                for r in runs[by][0][3].durations[kpi][1:]:
                    gap = max(
                        abs(r.median - table.loc[r.label, ("median", kpi)]),
                        abs(r.p90 - table.loc[r.label, ("p90", kpi)]),
                    )
                    worst_gap = max(worst_gap, gap)
        seconds = max(min(run[0] for run in rs) for rs in runs.values())
        cpu = max(min(run[1] for run in rs) for rs in runs.values())
        server = max(min(run[2] for run in rs) for rs in runs.values())
        floor, floor_cpu = min(f[0] for f in floors), min(f[1] for f in floors)
        floor_server = min(f[2] for f in floors)
        print(f"best of {args.repeat} runs; for irdesk the slower of by service and by severity")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'':<44} {'irdesk':>9} {'floor':>9} {'ratio':>7}")
        print(
            f"{'the full figure set from PostgreSQL':<44} {seconds:8.3f}s {floor:8.3f}s"
            f" {seconds / floor:6.2f}x"
        )
        print(f"{'  the same in CPU time (this process)':<44} {cpu:8.3f}s {floor_cpu:8.3f}s")
        print(f"{'  CPU time of the server':<44} {server:8.3f}s {floor_server:8.3f}s")
        print("floor: pandas read_sql of the incident columns, medians/p90s by service, severity")
        print(f"largest difference between their medians/p90s: {worst_gap:.1e} minutes")
        print(f"the figures from PostgreSQL are those from the file: {'yes' if same else 'NO'}")
        print(f"from PostgreSQL <= 1 s: {'met' if seconds <= 1.0 else 'NOT met'}")
        return 0 if same and worst_gap < 1e-3 else 1
    finally:
        pg_cluster.stop(base / "cluster")
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
