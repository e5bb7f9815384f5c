"""The full figure set over 100,000 incidents, against pandas computing a subset of it.

Generates a database file of N incidents (default 100,000) over two years, with
pages, acknowledgements and resolutions by a hundred responders, reviews and
action items, written with bulk SQL inserts. Then, in the same run and from the
same file:

  irdesk  load_metric_data + compute_figures: every figure of the dashboard
          (durations per service with mean/median/p90, attainment and trend,
          SLO, cost, on-call load, Gini, concentration, follow-through,
          recurrence, compliance, severity mismatches) over the whole span
  pandas  read_sql of the same incident columns, then per-service and
          per-severity median and p90 of the four durations (groupby)

Each is timed from the file (irdesk: on a database already open; opening, which
runs SQLite's quick_check over the whole file, is timed once on its own) and
from what it has read into memory (what the dashboard redoes on every change of
period, grouping or policy version). Each runs several times; the best time is
reported. The per-service and per-severity medians and p90s of both are compared
and must agree.

Run:  .venv/bin/python tests/benchmarks/bench_metrics.py [--incidents N] [--repeat R]
Needs the bench extra:  .venv/bin/pip install -e '.[bench]'
"""

import argparse
import contextlib
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from irdesk.domain.metrics.figures import compute_figures
from irdesk.domain.metrics.selection import Period
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import Database, open_database
from irdesk.storage.records.policies import current_policy

START = datetime(2024, 12, 1, tzinfo=UTC)
DAYS = 730
SERVICES = 20
TEAMS = 10
PEOPLE = 100
ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "UTC")
TITLES = (
    "Elevated error rate on {s} after deploy",
    "{s} latency p99 above target in region {r}",
    "{s} unavailable: database connection pool exhausted",
    "Partial outage of {s} caused by upstream provider",
    "{s} returning stale data after cache invalidation failure",
    "Certificate expiry broke {s} health checks",
)
STAMP = "%Y-%m-%d %H:%M:%S.%f"


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else value.strftime(STAMP)


def generate(path: Path, incidents: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    open_database(path).close()  # the real schema
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA synchronous=OFF")
        conn.executemany(
            "INSERT INTO team (id, name, rotation) VALUES (?, ?, ?)",
            [(t, f"Team {t}", f"rotation-{t}") for t in range(1, TEAMS + 1)],
        )
        conn.executemany(
            "INSERT INTO person (id, name, email, team_id, role, time_zone, hourly_rate)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p,
                    f"Person {p}",
                    f"p{p}@bench.example",
                    1 + p % TEAMS,
                    "Engineer",
                    ZONES[p % len(ZONES)],
                    60.0 + p % 50,
                )
                for p in range(1, PEOPLE + 1)
            ],
        )
        conn.executemany(
            "INSERT INTO service (id, name, tier, slo_target, cost_per_minute, owner_team_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    s,
                    f"service-{s:02d}",
                    "tier1" if s <= 5 else "tier2",
                    99.9,
                    10.0 * s,
                    1 + s % TEAMS,
                )
                for s in range(1, SERVICES + 1)
            ],
        )
        incident_rows, event_rows, review_rows, action_rows = [], [], [], []
        event_id = review_id = 0
        for i in range(1, incidents + 1):
            service = rng.randint(1, SERVICES)
            team = 1 + service % TEAMS
            rotation = [p for p in range(1, PEOPLE + 1) if 1 + p % TEAMS == team]
            rank = rng.choices((1, 2, 3, 4, 5), weights=(2, 8, 30, 35, 25))[0]
            started = START + timedelta(seconds=rng.uniform(0, DAYS * 86400))
            detected = started + timedelta(minutes=rng.lognormvariate(1.8, 0.8))
            acked = detected + timedelta(minutes=rng.lognormvariate(1.5, 0.9))
            mitigated = acked + timedelta(minutes=rng.lognormvariate(3.2, 0.8))
            resolved = mitigated + timedelta(minutes=rng.lognormvariate(3.0, 0.9))
            verified = resolved + timedelta(minutes=rng.lognormvariate(3.5, 0.5))
            gaps = rng.random()
            if gaps < 0.02:
                detected = None  # missing data, reported as missing
            elif gaps < 0.03:
                acked = None
            title = rng.choice(TITLES).format(s=f"service-{service:02d}", r=rng.randint(1, 4))
            incident_rows.append(
                (
                    i,
                    "bench",
                    f"B{i}",
                    title,
                    service,
                    f"SEV{rank}",
                    f"P{rank}",
                    f"SEV{min(5, rank + (rng.random() < 0.2))}",
                    "resolved",
                    _stamp(started),
                    _stamp(detected),
                    _stamp(acked),
                    _stamp(mitigated),
                    _stamp(resolved),
                    _stamp(verified),
                    rng.randint(0, 100_000),
                    None,
                    rng.random() < 0.04,
                    rng.random() < 0.01,
                    rng.random() < 0.02,
                    "",
                    _stamp(started),
                    _stamp(resolved),
                )
            )
            primary = rng.choice(rotation)
            helper = rng.choice(rotation)
            page_at = detected or started
            for n in range(1 + (rng.random() < 0.4)):
                event_id += 1
                event_rows.append(
                    (
                        event_id,
                        i,
                        _stamp(page_at + timedelta(minutes=5 * n)),
                        "page",
                        "bench",
                        f"page{event_id}",
                        primary,
                        "Notified",
                    )
                )
            for kind, at, who in (
                ("acknowledge", acked or mitigated, primary),
                ("action", mitigated, helper),
                ("resolve", resolved, rng.choice((primary, helper))),
            ):
                event_id += 1
                event_rows.append(
                    (event_id, i, _stamp(at), kind, "bench", f"e{event_id}", who, kind)
                )
            if rank <= 2 or rng.random() < 0.05:
                review_id += 1
                status = rng.choice(("draft", "in_review", "approved", "signed"))
                approved = resolved + timedelta(days=rng.uniform(1, 12))
                review_rows.append(
                    (
                        review_id,
                        i,
                        "full" if rank <= 2 else "lightweight",
                        status,
                        _stamp(approved) if status in ("approved", "signed") else None,
                        _stamp(resolved),
                        _stamp(resolved),
                    )
                )
                due = (resolved + timedelta(days=rng.randint(14, 45))).date().isoformat()
                done = rng.random() < 0.6
                action_rows.append(
                    (
                        review_id,
                        review_id,
                        f"Fix {title[:40]}",
                        primary,
                        due,
                        "done" if done else "open",
                        _stamp(resolved + timedelta(days=rng.uniform(5, 60))) if done else None,
                        _stamp(resolved),
                    )
                )
        conn.executemany(
            "INSERT INTO incident (id, source, external_id, title, service_id, severity,"
            " severity_raw, customer_severity, status, started_at, detected_at, acknowledged_at,"
            " mitigated_at, resolved_at, verified_at, users_affected, downtime_cost,"
            " external_cause, approved_tech_debt, regulatory_exposure, consistency_flags,"
            " created_at, updated_at) VALUES (" + ", ".join("?" * 23) + ")",
            incident_rows,
        )
        conn.executemany(
            "INSERT INTO timeline_event (id, incident_id, occurred_at, kind, source, external_id,"
            " actor_person_id, text, is_key_moment, added_by_facilitator)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
            event_rows,
        )
        conn.executemany(
            "INSERT INTO review (id, incident_id, tier, status, approved_at, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            review_rows,
        )
        conn.executemany(
            "INSERT INTO action_item (id, review_id, title, owner_person_id, due_on, status,"
            " completed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            action_rows,
        )
        conn.commit()


class Run(NamedTuple):
    cold: float  # seconds from the file
    warm: float  # seconds from columns already read
    cold_cpu: float  # the same in CPU seconds of the process (both threads)
    warm_cpu: float
    medians: dict[str, dict[str, tuple[float, float]]]


def run_irdesk(db: Database, by: str) -> Run:
    """The times of one run, and its medians and p90s.

    The database is open already: opening runs SQLite's quick_check over the whole file
    (timed on its own in main), which the window and the command do once, not per figure.
    CPU time is reported too: on a machine shared with other work it changes less than
    the wall-clock time does.
    """
    begin, begin_cpu = time.perf_counter(), time.process_time()
    data = load_metric_data(db)
    record = current_policy(db)
    period = Period(START, START + timedelta(days=DAYS + 1))
    figures = compute_figures(data, record.policy, period, by, policy_version=record.version)
    cold, cold_cpu = time.perf_counter() - begin, time.process_time() - begin_cpu
    # What the dashboard does on each change of period, grouping or policy version.
    begin, begin_cpu = time.perf_counter(), time.process_time()
    compute_figures(data, record.policy, period, by, policy_version=record.version)
    warm, warm_cpu = time.perf_counter() - begin, time.process_time() - begin_cpu
    medians = {
        kpi: {r.label: (r.median, r.p90) for r in rows[1:]}
        for kpi, rows in figures.durations.items()
    }
    return Run(cold, warm, cold_cpu, warm_cpu, medians)


PANDAS_SQL = """
SELECT s.name AS service, i.severity AS severity,
       (julianday(i.detected_at) - julianday(i.started_at)) * 1440.0 AS time_to_detect,
       (julianday(i.acknowledged_at) - julianday(i.detected_at)) * 1440.0 AS time_to_acknowledge,
       (julianday(i.mitigated_at) - julianday(i.started_at)) * 1440.0 AS time_to_mitigate,
       (julianday(i.resolved_at) - julianday(i.started_at)) * 1440.0 AS time_to_resolve
FROM incident i LEFT JOIN service s ON s.id = i.service_id
"""
KPIS = ("time_to_detect", "time_to_acknowledge", "time_to_mitigate", "time_to_resolve")


def _pandas_figures(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    out = {}
    for by in ("service", "severity"):
        grouped = frame.groupby(by)[list(KPIS)]
        out[by] = pd.concat({"median": grouped.median(), "p90": grouped.quantile(0.9)}, axis=1)
    return out


def run_pandas(path: Path) -> tuple[float, float, dict[str, pd.DataFrame]]:
    """(seconds from the file, seconds from the frame already read, the figures)."""
    begin = time.perf_counter()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        frame = pd.read_sql(PANDAS_SQL, conn)
    out = _pandas_figures(frame)
    cold = time.perf_counter() - begin
    begin = time.perf_counter()
    _pandas_figures(frame)
    return cold, time.perf_counter() - begin, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        begin = time.perf_counter()
        generate(path, args.incidents)
        print(
            f"generated {args.incidents:,} incidents in {time.perf_counter() - begin:.1f} s "
            f"({path.stat().st_size / 1e6:.0f} MB)"
        )
        begin = time.perf_counter()
        db = open_database(path)
        opened = time.perf_counter() - begin
        try:
            ours = {
                by: [run_irdesk(db, by) for _ in range(args.repeat)]
                for by in ("service", "severity")
            }
        finally:
            db.close()
        theirs = [run_pandas(path) for _ in range(args.repeat)]
        worst_gap = 0.0
        for by in ("service", "severity"):
            medians = ours[by][0].medians
            table = theirs[0][2][by]
            for kpi in KPIS:
                for label, (median, p90) in medians[kpi].items():
                    ref_median = table.loc[label, ("median", kpi)]
                    ref_p90 = table.loc[label, ("p90", kpi)]
                    worst_gap = max(worst_gap, abs(median - ref_median), abs(p90 - ref_p90))
        cold = max(min(run.cold for run in runs) for runs in ours.values())
        warm = max(min(run.warm for run in runs) for runs in ours.values())
        cold_cpu = max(min(run.cold_cpu for run in runs) for runs in ours.values())
        warm_cpu = max(min(run.warm_cpu for run in runs) for runs in ours.values())
        pandas_cold = min(run[0] for run in theirs)
        pandas_warm = min(run[1] for run in theirs)
        print(f"best of {args.repeat} runs; for irdesk the slower of by service and by severity")
        print("                                          from the file   columns in memory")
        print(f"irdesk, the full figure set                {cold:8.3f} s      {warm:8.3f} s")
        print(
            f"irdesk, the same in CPU time               {cold_cpu:8.3f} s      {warm_cpu:8.3f} s"
        )
        print(
            f"pandas, medians/p90s by service, severity  {pandas_cold:8.3f} s      {pandas_warm:8.3f} s"
        )
        print(f"opening the file (irdesk's quick_check of all of it), once: {opened:.3f} s")
        print(f"largest difference between their medians/p90s: {worst_gap:.1e} minutes")
        for name, ours_s, theirs_s in (
            ("from the file", cold, pandas_cold),
            ("in memory", warm, pandas_warm),
        ):
            print(
                f"{name}: < 0.5 s {'met' if ours_s < 0.5 else 'NOT met'}; "
                f"no slower than pandas {'met' if ours_s <= theirs_s else 'NOT met'}"
            )
        ok = worst_gap < 1e-3
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
