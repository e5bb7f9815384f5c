"""One big file of incidents: time and peak memory of importing it, against the floor.

Generates one file holding 1,000,000 small incidents in the chosen --format:

  pagerduty  a PagerDuty incidents page (the envelope of GET /incidents, as in
             /work/shared/data/pagerduty_incidents_page.json), about 92 MB of compact JSON
  opsgenie   an Opsgenie alerts page ({"data": [...], "took", "requestId"}, as in
             /work/shared/data/opsgenie_alerts_page.json), about 89 MB
  csv        a CSV table of id, title, created_at, status, imported through a column mapping
             (--column external_id=id …), about 48 MB

then, each in a fresh subprocess so time and peak memory are its own:

  floor   the file read whole (json.load, or csv.reader into a list) + sqlite3 executemany
          of the same rows into irdesk's schema as the migrations create it, its indexes
          and search index included (import_floor.py)
  import  `irdesk import` of the file into a fresh database

A file this size is read an element of its array (or a row) at a time
(importers/reading/json_stream, sources.CsvRows) and its incidents are written as they
are parsed, a slice at a time, in the import's one transaction (importers/streamed), so
the peak is the file's text and one slice, not a record, a merge entry and an outcome for
each of the million (target: < 1 GB). Into an empty database the PagerDuty page's
incidents, which need nothing but their rows, go in as rows straight from the decoded
JSON (plain_incidents.plain_row), and the search index is filled once at the end.

The import does more than the floor: it writes each incident's link to the file it came
from (incident_source_file, a million rows), which the floor leaves out; that is counted
against it.

Run:  .venv/bin/python tests/benchmarks/bench_big_json.py [--incidents N] [--format F]
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import import_floor

FORMATS = ("pagerduty", "opsgenie", "csv")
CSV_COLUMNS = ("id", "title", "created_at", "status")


def _items(incidents: int) -> Iterator[tuple[str, str, str, str]]:
    """(id, title, created, status) of each incident: what irdesk needs and little more."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(incidents):
        created = (start + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        yield f"P{n:07d}", f"Disk {n % 9}", created, "triggered" if n % 2 else "resolved"


def generate(path: Path, incidents: int, form: str = "pagerduty") -> None:
    """A file of `incidents` incidents in `form`, written as each tool writes: compact."""
    with path.open("w", newline="") as out:
        if form == "csv":
            writer = csv.writer(out)
            writer.writerow(CSV_COLUMNS)
            writer.writerows(_items(incidents))
            return
        out.write('{"incidents":[' if form == "pagerduty" else '{"data":[')
        for n, (ident, title, created, status) in enumerate(_items(incidents)):
            if form == "pagerduty":
                item = {"id": ident, "title": title, "created_at": created, "status": status}
            else:
                # Opsgenie's alert, "open" or "closed"; its real ids are UUIDs, left short here
                # to keep the file under the 100 MB an export may be.
                item = {
                    "id": f"A{n:07d}",
                    "message": title,
                    "status": "open" if status == "triggered" else "closed",
                    "createdAt": created,
                }
            out.write(("," if n else "") + json.dumps(item, separators=(",", ":")))
        if form == "pagerduty":
            out.write(f'],"limit":{incidents},"offset":0,"more":false,"total":null}}')
        else:
            out.write('],"took":0.1,"requestId":"bench"}')


def _floor_rows(path: str, form: str) -> list[import_floor.IncidentRow]:
    if form == "csv":
        with open(path, newline="") as handle:  # noqa: PTH123
            table = list(csv.reader(handle))
        return [
            ("csv", ident, title, status, None, None, created, None)
            for ident, title, created, status in table[1:]
        ]
    with open(path, "rb") as handle:  # noqa: PTH123
        data = json.load(handle)
    if form == "opsgenie":
        return [
            (
                "opsgenie",
                item["id"],
                item["message"],
                item["status"],
                None,
                None,
                item["createdAt"],
                None,
            )
            for item in data["data"]
        ]
    return [
        (
            "pagerduty",
            item["id"],
            item["title"],
            item["status"],
            None,
            None,
            item["created_at"],
            None,
        )
        for item in data["incidents"]
    ]


def floor(path: str, db: str, form: str = "pagerduty") -> None:
    """The least any importer must do: read the file and insert the rows (import_floor)."""
    rows = _floor_rows(path, form)
    import_floor.write(import_floor.connect(db), rows, [])


def _timed_subprocess(
    args: list[str], env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Wall time, the process's CPU time (user + system) and its peak resident MB."""
    began = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, env=env)
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
    parser.add_argument("--format", choices=FORMATS, default="pagerduty", dest="form")
    parser.add_argument("--floor-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("db", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:
        floor(args.file, args.db, args.form)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("incidents.csv" if args.form == "csv" else "incidents.json")
        generate(path, args.incidents, args.form)
        os.sync()  # the file on disk, so its write-back does not land in a timed run
        print(f"{args.incidents:,} incidents, {path.stat().st_size / 1e6:.0f} MB of {args.form}")
        floor_only = [sys.executable, __file__, "--floor-only", "--format", args.form]
        floor_s, floor_cpu, floor_mb = _timed_subprocess(
            [*floor_only, str(path), f"{tmp}/floor.db"]
        )
        command = [sys.executable, "-m", "irdesk", "import", str(path), "--db", f"{tmp}/i.db"]
        if args.form == "csv":
            for field, column in zip(
                ("external_id", "title", "started_at", "status"), CSV_COLUMNS, strict=True
            ):
                command += ["--column", f"{field}={column}"]
            command += ["--source-name", "bench"]
        # The mapping is remembered under IRDESK_HOME: a throwaway one, not the user's.
        env = {**os.environ, "IRDESK_HOME": f"{tmp}/home"}
        import_s, import_cpu, import_mb = _timed_subprocess(command, env)
        print(
            f"floor (read whole + executemany): {floor_s:6.2f} s  cpu {floor_cpu:6.2f} s"
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
