"""One big JSON file: time and peak memory of importing it, against the floor.

Generates one PagerDuty incidents page (the envelope of GET /incidents, as in
/work/shared/data/pagerduty_incidents_page.json) holding 1,000,000 small incidents,
about 92 MB of compact JSON, then, each in a fresh subprocess so time and peak memory are
its own:

  floor   json.load of the file + sqlite3 executemany of the same rows into a table with
          the indexes irdesk's incident table has
  import  `irdesk import` of the file into a fresh database

A file this size is read an element of its array at a time (importers/reading/json_stream)
and its incidents are written as they are parsed, a slice at a time, in the import's one
transaction (importers/streamed), so the peak is the file's text and one slice, not a
record, a merge entry and an outcome for each of the million (target: < 1 GB).

Run:  .venv/bin/python tests/benchmarks/bench_big_json.py [--incidents N]
"""

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def generate(path: Path, incidents: int) -> None:
    """A page of `incidents` incidents, written as the API writes JSON: compact."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with path.open("w") as out:
        out.write('{"incidents":[')
        for n in range(incidents):
            created = (start + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
            # What irdesk needs of an incident and little more: some 92 bytes each.
            item = {"id": f"P{n:07d}", "title": f"Disk {n % 9}", "created_at": created}
            item["status"] = "triggered"
            out.write(("," if n else "") + json.dumps(item, separators=(",", ":")))
        out.write(f'],"limit":{incidents},"offset":0,"more":false,"total":null}}')


FLOOR_SCHEMA = """
CREATE TABLE incident (id INTEGER PRIMARY KEY, source TEXT, external_id TEXT, title TEXT,
    status TEXT, started_at TEXT, UNIQUE (source, external_id));
CREATE INDEX ix_incident_started_at ON incident (started_at);
"""


def floor(path: str, db: str) -> None:
    """The least any importer must do: read the JSON and insert the rows."""
    with open(path, "rb") as handle:  # noqa: PTH123
        data = json.load(handle)
    rows = [
        ("pagerduty", item["id"], item["title"], item["status"], item["created_at"])
        for item in data["incidents"]
    ]
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # as irdesk's connections
    conn.executescript(FLOOR_SCHEMA)
    with conn:
        conn.executemany(
            "INSERT INTO incident (source, external_id, title, status, started_at)"
            " VALUES (?,?,?,?,?)",
            rows,
        )
    conn.close()


def _timed_subprocess(args: list[str]) -> tuple[float, float, float]:
    """Wall time, the process's CPU time (user + system) and its peak resident MB."""
    began = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    code = os.waitstatus_to_exitcode(status)
    if code:
        raise subprocess.CalledProcessError(code, args)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--floor-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("db", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:
        floor(args.file, args.db)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "incidents.json"
        generate(path, args.incidents)
        os.sync()  # the file on disk, so its write-back does not land in a timed run
        print(f"{args.incidents:,} incidents, {path.stat().st_size / 1e6:.0f} MB of JSON")
        floor_s, floor_cpu, floor_mb = _timed_subprocess(
            [sys.executable, __file__, "--floor-only", str(path), f"{tmp}/floor.db"]
        )
        command = [sys.executable, "-m", "irdesk", "import", str(path), "--db", f"{tmp}/i.db"]
        import_s, import_cpu, import_mb = _timed_subprocess(command)
        print(
            f"floor (json.load + executemany): {floor_s:6.2f} s  cpu {floor_cpu:6.2f} s"
            f"  peak {floor_mb:6.0f} MB"
        )
        print(
            f"irdesk import:                   {import_s:6.2f} s  cpu {import_cpu:6.2f} s"
            f"  peak {import_mb:6.0f} MB"
        )
        print(
            f"ratio import / floor:            {import_s / floor_s:6.2f}x"
            f"  cpu {import_cpu / floor_cpu:6.2f}x  peak {import_mb / floor_mb:5.2f}x"
            "  (target: peak < 1 GB, time <= 1.5x)"
        )


if __name__ == "__main__":
    main()
