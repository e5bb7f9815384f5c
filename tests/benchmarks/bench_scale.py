"""A decade of an enterprise's incidents on one laptop: every cost against its floor.

The organisation (scale_org.py): 1,000,000 incidents and 20,000,000 timeline events over
ten years from PagerDuty and Opsgenie, 40 teams, 300 services, 800 responders on 40
schedules. It is generated once per seed and kept under CACHE/seed-N (a second run starts
from it): the whole organisation written into irdesk's schema by executemany, and a
fraction (--fraction, default 1 %) written as the tools export it.

Each step runs in a child process of its own, so its time, CPU time and peak memory are
its own; each is printed beside its floor, run in the same way in the same run:

  import        `irdesk import` of the fraction's export files   floor: json.loads of the
                same files + executemany of the same rows into irdesk's schema, its indexes
                and search index included (import_floor.py)
                (the whole organisation cannot go through the importer in the time; its
                bulk write, the fastest honest path, is timed when the cache is made)
  file size     the import's database over the floor's, per the same rows
  window        `irdesk --db` until the incident list is painted   floor: a bare QMainWindow
  dashboard     the full figure set over the last year, and over all ten, from the file
                floor: pandas read_sql of the period's incident columns, then per-service
                and per-severity median and p90 of the four durations
  packet        `irdesk packet --profile executive` for the last whole year
                floor: that year's figures from the file + a one-table reportlab PDF
  list          measure_list from scale_list_probe.py, when that module exists

A step running past STEP_TIMEOUT is stopped and shown as such: from the cache, a run ends
within about ten minutes whatever the machine's load. (The packet is recorded in the
cached file, as irdesk records every packet: one row a run.)

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_scale.py
          [--incidents N] [--events N] [--seed S] [--fraction F]
Needs the bench extra (pandas):  .venv/bin/pip install -e '.[bench]'
"""

import argparse
import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CACHE = Path("/tmp/irdesk-bench-scale")
HERE = Path(__file__).resolve().parent
STEP_TIMEOUT = 150  # seconds: a step that runs longer is reported as such, not waited for
LAST_YEAR = "2025"  # the last whole calendar year of the organisation's decade


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu: float
    peak_mb: float
    out: str = ""

    def __str__(self) -> str:
        return f"{self.seconds:8.2f} s  cpu {self.cpu:7.2f} s  {self.peak_mb:6.0f} MB"


def child(
    args: list[str], env: dict[str, str] | None = None, timeout: float = STEP_TIMEOUT
) -> Measured | None:
    """Run `args` as a process of its own: wall and CPU seconds, peak resident MB, stdout.
    None when it ran longer than `timeout` (it is then stopped)."""
    began = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(args, stdout=out, env=env)
        deadline = began + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                return None
            time.sleep(0.02)
        elapsed = time.perf_counter() - began
        out.seek(0)
        text = out.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code:
        raise SystemExit(f"{' '.join(args)} exited {code}:\n{text}")
    return Measured(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)


def me(*step: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--step", *step]


# --- the cache -------------------------------------------------------------------


def cached(args: argparse.Namespace) -> Path:
    """The folder of this seed and size, made first when it is not there (or half made)."""
    folder = CACHE / f"seed-{args.seed}-{args.incidents}-{args.events}-{args.fraction}"
    if (folder / "meta.json").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"generating into {folder} (once per seed) …", flush=True)
    made = child(
        me("write", str(folder), str(args.incidents), str(args.events), str(args.seed)),
        timeout=float("inf"),
    )
    assert made is not None
    share = round(args.incidents * args.fraction)
    exported = child(
        me(
            "export",
            str(folder),
            str(share),
            str(share * args.events // args.incidents),
            str(args.seed),
        )
    )
    assert exported is not None
    counts = json.loads(made.out)
    meta = {"write": made.__dict__ | {"out": ""}, **counts, **json.loads(exported.out)}
    (folder / "meta.json").write_text(json.dumps(meta))
    return folder


def step_write(folder: str, incidents: str, events: str, seed: str) -> None:
    from scale_org import write_database

    written = write_database(Path(folder) / "org.db", int(incidents), int(events), int(seed))
    print(json.dumps({"incidents": int(incidents), "events": written}))


def step_export(folder: str, incidents: str, events: str, seed: str) -> None:
    from scale_org import write_exports

    n, e = write_exports(Path(folder) / "export", int(incidents), int(events), int(seed))
    print(json.dumps({"export_incidents": n, "export_events": e}))


# --- import and its floor ---------------------------------------------------------

# The rows go into irdesk's schema, its indexes and search index included
# (import_floor.py): work any import of them into an irdesk file does.


def _floor_rows(name: str, data: dict) -> tuple[list[tuple], list[tuple]]:
    if "incidents" in data:  # a PagerDuty incidents page
        return [
            (
                "pagerduty",
                i["id"],
                i["title"],
                i["status"],
                i["service"]["summary"],
                i["priority"]["summary"],
                i["created_at"],
                i.get("resolved_at"),
            )
            for i in data["incidents"]
        ], []
    if "log_entries" in data:
        return [], [
            (
                e["incident"]["id"],
                "pagerduty",
                e["id"],
                e["created_at"],
                e["type"],
                e["agent"]["summary"],
                e["summary"],
            )
            for e in data["log_entries"]
        ]
    if name.startswith("alerts-"):
        return [
            (
                "opsgenie",
                a["id"],
                a["message"],
                a["status"],
                a["tags"][0],
                a["priority"],
                a["createdAt"],
                None,
            )
            for a in data["data"]
        ], []
    alert = name.removeprefix("alert-").removesuffix("-logs.json")
    return [], [
        (alert, "opsgenie", e["offset"], e["createdAt"], e["type"], e["owner"], e["log"])
        for e in data["data"]
    ]


def step_floor_import(folder: str, db: str) -> None:
    import import_floor

    conn = import_floor.connect(db)
    incidents, events = [], []
    for path in sorted(Path(folder).glob("*.json")):
        more, more_events = _floor_rows(path.name, json.loads(path.read_text()))
        incidents += more
        events += more_events
    import_floor.write(conn, incidents, events)


# --- the dashboard and its floor ----------------------------------------------------


def _period(span: str):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from irdesk.domain.metrics.selection import Period

    if span == "year":
        return Period(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    return Period(datetime(2016, 12, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))


def step_figures(db_path: str, span: str) -> None:
    """What the dashboard computes for the period, from the file (open already: the window
    opens it once), timed inside so that interpreter start-up does not count."""
    from irdesk.domain.metrics.figures import compute_figures
    from irdesk.domain.metrics.kernels.memory import keep_array_memory
    from irdesk.storage.bulk.metric_data import load_metric_data
    from irdesk.storage.database import open_database
    from irdesk.storage.records.policies import current_policy

    keep_array_memory()  # as `irdesk` itself starts (cli/main.py)
    db = open_database(Path(db_path))
    period = _period(span)
    record = current_policy(db)
    # Cold: the timeline facts the figures keep in the file (`metric_facts`) are derived
    # by this read (the first after an upgrade or an import); warm: they are read.
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        marks = "SELECT count(*) FROM metric_fact_block"
        stored = conn.execute(marks).fetchone()[0]
    begin, cpu = time.perf_counter(), time.process_time()
    data = load_metric_data(db, period, record.policy)
    figures = compute_figures(data, record.policy, period, "service", policy_version=record.version)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - begin,
                "cpu": time.process_time() - cpu,
                "incidents": figures.incidents,
                "facts": "warm" if stored else "cold",
            }
        )
    )


PANDAS_SQL = """
SELECT s.name AS service, i.severity AS severity,
       (julianday(i.detected_at) - julianday(i.started_at)) * 1440.0 AS time_to_detect,
       (julianday(i.acknowledged_at) - julianday(i.detected_at)) * 1440.0 AS time_to_acknowledge,
       (julianday(i.mitigated_at) - julianday(i.started_at)) * 1440.0 AS time_to_mitigate,
       (julianday(i.resolved_at) - julianday(i.started_at)) * 1440.0 AS time_to_resolve
FROM incident i LEFT JOIN service s ON s.id = i.service_id
WHERE i.started_at >= ? AND i.started_at < ?
"""
KPIS = ("time_to_detect", "time_to_acknowledge", "time_to_mitigate", "time_to_resolve")


def step_pandas(db_path: str, span: str) -> None:
    import pandas as pd

    period = _period(span)
    bounds = tuple(t.strftime("%Y-%m-%d %H:%M:%S") for t in (period.start, period.end))
    begin, cpu = time.perf_counter(), time.process_time()
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        frame = pd.read_sql(PANDAS_SQL, conn, params=bounds)
    for by in ("service", "severity"):
        grouped = frame.groupby(by)[list(KPIS)]
        pd.concat({"median": grouped.median(), "p90": grouped.quantile(0.9)}, axis=1)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - begin,
                "cpu": time.process_time() - cpu,
                "incidents": len(frame),
            }
        )
    )


def step_packet_floor(db_path: str, out: str) -> None:
    from reportlab.platypus import SimpleDocTemplate, Table

    step_figures(db_path, "year")
    rows = [["figure", "value"]] + [[f"row {n}", str(n)] for n in range(40)]
    SimpleDocTemplate(out).build([Table(rows)])


def step_list(db_path: str) -> None:
    try:
        from scale_list_probe import measure_list, report  # type: ignore[import-not-found]
    except ImportError:
        print("list: see bench_incident_list.py")
        return
    print(report(measure_list(db_path)))


BARE_WINDOW = """
import os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1400, 850)
window.show()
def shown():
    window.repaint()
    window.close()
QTimer.singleShot(0, shown)
os._exit(app.exec())
"""


# --- the table ------------------------------------------------------------------


def inner(m: Measured | None, what: str = "seconds") -> float | None:
    """The time a step measured inside its process (without interpreter start-up)."""
    return None if m is None else float(json.loads(m.out.splitlines()[-1])[what])


def row(name: str, ours: Measured | None, floor: Measured | None, seconds=None) -> str:  # type: ignore[no-untyped-def]
    if ours is None or floor is None:
        return f"{name:<34} {'(ran past ' + str(STEP_TIMEOUT) + ' s)':>44}"
    a, b = seconds if seconds else (ours.seconds, floor.seconds)
    return f"{name:<34} {a:9.2f} s {b:9.2f} s {a / b:7.2f}x   {ours.peak_mb:7.0f} MB {floor.peak_mb:7.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=20_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fraction", type=float, default=0.01)
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    if args.step:
        steps = {
            "write": step_write,
            "export": step_export,
            "floor-import": step_floor_import,
            "figures": step_figures,
            "pandas": step_pandas,
            "packet-floor": step_packet_floor,
            "list": step_list,
        }
        steps[args.step[0]](*args.step[1:])
        return 0
    began = time.perf_counter()
    folder = cached(args)
    meta = json.loads((folder / "meta.json").read_text())
    db = folder / "org.db"
    write = Measured(**meta["write"])
    print(
        f"organisation: {meta['incidents']:,} incidents, {meta['events']:,} timeline events; "
        f"{db.stat().st_size / 1e9:.2f} GB ({db.stat().st_size / meta['events']:.0f} bytes an event)"
    )
    print(f"  its bulk write into irdesk's schema (executemany, when the cache was made): {write}")
    verdicts: list[str] = []
    print(f"{'':<34} {'irdesk':>11} {'floor':>11} {'ratio':>8}   {'peak':>10} {'floor peak':>10}")

    def show(line: str) -> None:
        print(line, flush=True)  # each figure as soon as it is measured

    with tempfile.TemporaryDirectory(prefix="bench-scale-", dir=folder) as tmp:
        export = folder / "export"
        floor_import = child(me("floor-import", str(export), f"{tmp}/floor.db"))
        imported = child(
            [sys.executable, "-m", "irdesk", "import", str(export), "--db", f"{tmp}/irdesk.db"]
        )
        share = f"{meta['export_incidents']:,} inc., {meta['export_events']:,} events"
        show(row(f"import ({share})", imported, floor_import))
        sizes = [Path(tmp, name).stat().st_size for name in ("irdesk.db", "floor.db")]
        show(
            f"{'file size of that import':<34} {sizes[0] / 1e6:9.1f} MB{sizes[1] / 1e6:8.1f} MB"
            f" {sizes[0] / sizes[1]:7.2f}x"
        )
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", IRDESK_HOME=tmp)
        bare = child([sys.executable, "-c", BARE_WINDOW], env)
        window = child(
            [sys.executable, "-m", "irdesk", "--db", str(db)],
            env | {"IRDESK_EXIT_WHEN_SHOWN": "list"},
        )
        show(row("window open, list painted", window, bare))
        for span, label in (("year", f"dashboard, {LAST_YEAR}"), ("ten", "dashboard, ten years")):
            ours = child(me("figures", str(db), span))
            theirs = child(me("pandas", str(db), span))
            seconds = (inner(ours), inner(theirs)) if ours and theirs else None
            facts = json.loads(ours.out).get("facts", "") if ours else ""
            show(row(f"{label} (file, {facts})", ours, theirs, seconds))
            if ours and theirs:
                show(
                    f"{'  the same in CPU time':<34} {inner(ours, 'cpu'):9.2f} s "
                    f"{inner(theirs, 'cpu'):9.2f} s   ({json.loads(ours.out)['incidents']:,} incidents)"
                )
            if seconds:
                target = 1.0 if span == "year" else 5.0
                verdicts.append(
                    f"{label}: <= {target:.0f} s {'met' if seconds[0] <= target else 'NOT met'}"
                    + (
                        f"; no slower than pandas {'met' if seconds[0] <= seconds[1] else 'NOT met'}"
                        if span == "year"
                        else ""
                    )
                )
        packet_floor = child(me("packet-floor", str(db), f"{tmp}/floor.pdf"))
        packet = child(
            [
                sys.executable,
                "-m",
                "irdesk",
                "packet",
                "--profile",
                "executive",
                "--period",
                LAST_YEAR,
                "--out",
                f"{tmp}/packet.pdf",
                "--db",
                str(db),
            ],
            env,
        )
        show(row(f"executive packet, {LAST_YEAR}", packet, packet_floor))
        if packet and packet_floor:
            # On a loaded machine the wall times wait for the cores; CPU time does not.
            pages = packet.out.split(" pages")[0].rsplit(" ", 1)[-1]
            show(
                f"{'  the same in CPU time':<34} {packet.cpu:9.2f} s {packet_floor.cpu:9.2f} s "
                f"{packet.cpu / packet_floor.cpu:7.2f}x   ({pages} pages)"
            )
        listed = child(me("list", str(db)), env)
        list_text = listed.out.strip() if listed else f"(ran past {STEP_TIMEOUT} s)"
    print(list_text)
    for verdict in verdicts:
        print(verdict)
    print(
        "import: the fraction through the real importer; dashboard: times measured inside the"
        " process (file open already); the rest: the process from start to end."
    )
    print(f"bench_scale ran {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
