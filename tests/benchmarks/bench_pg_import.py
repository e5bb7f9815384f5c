"""Import speed on PostgreSQL against the floor: `psql \\copy` of the same rows.

The export is bench_pagerduty_import.py's: 10,000 PagerDuty incidents with 200,000
log entries as the API pages them. On a throwaway cluster (tests/pg_cluster.py), each
timed in a fresh subprocess:

  import        `irdesk import FOLDER --db postgresql://…` into an empty database at
                the head schema: a first import, written while it is read
                (importers/overlapped), its bulk rows by COPY (storage/bulk/dialect)
  usual way     the same import read whole before it is written, as an import into a
                server that holds incidents already is (for the gain of the overlap)
  floor         `psql \\copy` into another such database of the very rows the import
                wrote, in every table it wrote (dumped from the first with COPY TO, not
                timed), parents first: the least a client can do to put them there
  floor + json  the floor plus json.loads of every export file, as the SQLite
                benchmark's floor reads them: no importer can skip reading its input

Wall times (the server's work is part of either), same run. Target: import / floor ≤
1.5x. Beside each, the CPU time of the client (the timed process and its children) and
of the server (its processes: pg_cluster.server_cpu_seconds), so that a loaded
machine's waits can be told from work. The overlap gains by keeping both of two cores
busy, the client parsing while the server checks and indexes: on a machine whose
cores others keep busy there is no idle core to gain, and the wall times follow the
CPU times of all three. So `--rounds N` times them N times in turns, a different order
each round, and reports each round's ratios and their medians.

Run:  .venv/bin/python tests/benchmarks/bench_pg_import.py [--incidents N] [--rounds N]
"""

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: pg_cluster
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pg_cluster
from bench_pagerduty_import import generate

COUNTED = ("incident", "timeline_event")


def _written_tables(url: str) -> list[str]:
    """The tables the import wrote rows to, parents before children (foreign keys)."""
    from sqlmodel import SQLModel

    import irdesk.domain.models  # noqa: F401  (registers the tables)

    engine = pg_cluster.engine(url)
    with engine.connect() as conn:
        written = [
            table.name
            for table in SQLModel.metadata.sorted_tables
            if conn.exec_driver_sql(f'SELECT EXISTS (SELECT 1 FROM "{table.name}")').scalar()
        ]
    engine.dispose()
    return written


def _database(cluster: str, name: str) -> str:
    admin = pg_cluster.engine(cluster)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    url = cluster.replace("/postgres?", f"/{name}?")
    from irdesk.storage import server

    server.upgrade(server.ServerAddress(url))
    return url


def floor_only(url: str, dumps: str, tables: list[str], with_json: str | None) -> None:
    """psql's \\copy of the dumped rows, in one transaction as the import's; first
    json.loads of the export when `with_json` names its folder."""
    if with_json:
        for path in sorted(Path(with_json).glob("*.json")):
            json.loads(path.read_text())
    script = "BEGIN;\n" + "".join(
        f"\\copy {table} FROM '{dumps}/{table}.copy'\n" for table in tables
    )
    script += "COMMIT;\n"
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url],
        input=script,
        text=True,
        check=True,
        capture_output=True,
    )


def _dump(url: str, dumps: Path, tables: list[str]) -> None:
    for table in tables:
        subprocess.run(
            ["psql", "-X", "-q", "-d", url, "-c", f"\\copy {table} TO '{dumps}/{table}.copy'"],
            check=True,
            capture_output=True,
        )


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


class Timing:
    """Wall seconds, the client's CPU seconds, the server's CPU seconds of one run."""

    def __init__(self, cluster: Path, args: list[str]) -> None:
        began, cpu, served = (
            time.perf_counter(),
            _children_cpu(),
            pg_cluster.server_cpu_seconds(cluster),
        )
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        self.wall = time.perf_counter() - began
        self.client = _children_cpu() - cpu
        time.sleep(0.2)  # the backend's exit, reaped by the postmaster
        self.server = pg_cluster.server_cpu_seconds(cluster) - served

    def line(self, label: str) -> str:
        return (
            f"{label:<38} {self.wall:6.2f} s   (CPU: client {self.client:5.2f} s,"
            f" server {self.server:5.2f} s)"
        )


def _count(url: str, table: str) -> int:
    engine = pg_cluster.engine(url)
    with engine.connect() as conn:
        found = int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())
    engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=20, help="log entries per incident")
    parser.add_argument("--rounds", type=int, default=1, help="times each is timed, in turns")
    parser.add_argument("--floor-only", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:
        url, dumps, tables, with_json = args.floor_only
        floor_only(url, dumps, tables.split(","), with_json or None)
        return
    if pg_cluster.bindir() is None:
        sys.exit("PostgreSQL's server is not installed: apt-get install postgresql")
    base = Path(tempfile.mkdtemp(prefix="irdesk-bench-pg-"))
    try:
        folder = base / "export"
        folder.mkdir()
        entries = generate(folder, args.incidents, args.entries, True)
        os.sync()
        cluster = pg_cluster.start(base / "cluster")
        print(f"{args.incidents:,} incidents, {entries:,} log entries, into PostgreSQL")
        _rounds(base, cluster, folder, args.rounds)
    finally:
        pg_cluster.stop(base / "cluster")
        shutil.rmtree(base, ignore_errors=True)


# The import read whole before it is written: the overlap (importers/overlapped) off.
USUAL_WAY = (
    "import sys, irdesk.importers.overlapped as o; o.overlaps = lambda db: False;"
    " from irdesk.cli.main import main; sys.exit(main(sys.argv[1:]))"
)


def _rounds(base: Path, cluster: str, folder: Path, rounds: int) -> None:
    runs = base / "cluster"
    imported = _database(cluster, "imported")
    first = Timing(runs, [sys.executable, "-m", "irdesk", "import", str(folder), "--db", imported])
    rows = {table: _count(imported, table) for table in COUNTED}
    tables = _written_tables(imported)
    dumps = base / "dumps"
    dumps.mkdir()
    _dump(imported, dumps, tables)
    named = ",".join(tables)
    print(f"rows: {rows['incident']:,} incidents, {rows['timeline_event']:,} events")
    print(f"tables written: {named}")
    floor = [sys.executable, __file__, "--floor-only"]
    commands = {
        "floor (psql \\copy of the same rows):": lambda url: [*floor, url, str(dumps), named, ""],
        "floor + json.loads of the export:": lambda url: [
            *floor,
            url,
            str(dumps),
            named,
            str(folder),
        ],
        "irdesk import (COPY, overlapped):": lambda url: [
            sys.executable,
            "-m",
            "irdesk",
            "import",
            str(folder),
            "--db",
            url,
        ],
        "irdesk import, read whole first:": lambda url: [
            sys.executable,
            "-c",
            USUAL_WAY,
            "import",
            str(folder),
            "--db",
            url,
        ],
    }
    labels = list(commands)
    timed: dict[str, list[Timing]] = {label: [] for label in labels}
    timed[labels[2]].append(first)
    made = 0
    for number in range(rounds):
        order = labels[:]
        random.Random(number).shuffle(order)
        for label in order:
            if number == 0 and label == labels[2]:
                continue  # the first import above is this round's
            made += 1
            timed[label].append(Timing(runs, commands[label](_database(cluster, f"run{made}"))))
        print(
            f"round {number + 1}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        for label in labels:
            print("  " + timed[label][-1].line(label))
        _ratios({label: [timed[label][-1]] for label in labels}, labels, "  ")
    if rounds > 1:
        print(f"medians of {rounds} rounds")
        _ratios(timed, labels, "  ")


def _ratios(timed: dict[str, list[Timing]], labels: list[str], indent: str) -> None:
    floor, with_json, overlapped, usual = (timed[label] for label in labels)

    def ratio(upper: list[Timing], lower: list[Timing]) -> float:
        return statistics.median(a.wall / b.wall for a, b in zip(upper, lower, strict=True))

    server = statistics.median(
        a.server / max(b.server, 1e-9) for a, b in zip(overlapped, floor, strict=True)
    )
    print(
        f"{indent}{'ratio import / floor:':<38} {ratio(overlapped, floor):6.2f}x  (target ≤ 1.5x)"
    )
    print(f"{indent}{'ratio import / floor + json:':<38} {ratio(overlapped, with_json):6.2f}x")
    print(f"{indent}{'ratio read whole first / floor:':<38} {ratio(usual, floor):6.2f}x")
    print(f"{indent}{'server CPU, import / floor:':<38} {server:6.2f}x")


if __name__ == "__main__":
    main()
