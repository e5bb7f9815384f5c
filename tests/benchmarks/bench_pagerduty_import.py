"""Import speed and memory against the floor: plain json + sqlite3 executemany.

Generates 10,000 PagerDuty incidents with 200,000 log entries written as the
API pages them (incident pages of 100, one log-entry page per incident),
then, each in a fresh subprocess so peak memory is its own:

  floor   json.load of every file + sqlite3 executemany of the same rows
  import  `irdesk import` of the same folder into a fresh database

Run:  .venv/bin/python tests/benchmarks/bench_pagerduty_import.py [--incidents N]
"""

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

KINDS = (
    "notify_log_entry",
    "annotate_log_entry",
    "escalate_log_entry",
    "notify_log_entry",
    "annotate_log_entry",
)


def _ref(kind: str, ident: str, summary: str) -> dict[str, object]:
    return {
        "id": ident,
        "type": f"{kind}_reference",
        "summary": summary,
        "self": f"https://api.pagerduty.com/{kind}s/{ident}",
        "html_url": f"https://acme.pagerduty.com/{kind}s/{ident}",
    }


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(folder: Path, incidents: int, entries_per_incident: int) -> int:
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    total = 0
    page: list[dict[str, object]] = []
    for n in range(incidents):
        pid = f"Q{n:08d}"
        created = start + timedelta(minutes=37 * n)
        ack = created + timedelta(seconds=rng.randint(30, 900))
        resolved = ack + timedelta(seconds=rng.randint(600, 20000))
        user = _ref("user", f"PU{n % 40:05d}", f"Responder {n % 40}")
        page.append(
            {
                "id": pid,
                "type": "incident",
                "incident_number": 10000 + n,
                "title": f"Checkout latency above SLO on shard {n % 17}",
                "description": f"Checkout latency above SLO on shard {n % 17}",
                "created_at": _stamp(created),
                "updated_at": _stamp(resolved),
                "status": "resolved",
                "resolved_at": _stamp(resolved),
                "last_status_change_at": _stamp(resolved),
                "urgency": "high",
                "html_url": f"https://acme.pagerduty.com/incidents/{pid}",
                "service": _ref("service", f"PS{n % 5:05d}", f"service-{n % 5}"),
                "priority": {
                    "id": "PP1",
                    "type": "priority",
                    "summary": f"P{1 + n % 4}",
                    "name": f"P{1 + n % 4}",
                },
                "assignments": [],
                "acknowledgements": [],
                "first_trigger_log_entry": _ref(
                    "log_entry", f"T{pid}", "Triggered through the API."
                ),
            }
        )
        entries = [
            {
                "id": f"T{pid}",
                "type": "trigger_log_entry",
                "summary": "Triggered through the API.",
                "created_at": _stamp(created),
                "incident": _ref("incident", pid, "x"),
                "agent": _ref("service", "PS00001", "service-1"),
                "channel": {"type": "api"},
            },
            {
                "id": f"A{pid}",
                "type": "acknowledge_log_entry",
                "summary": f"Acknowledged by {user['summary']}",
                "created_at": _stamp(ack),
                "incident": _ref("incident", pid, "x"),
                "agent": user,
                "channel": {"type": "mobile"},
            },
        ]
        for k in range(entries_per_incident - 3):
            when = ack + (resolved - ack) * (k + 1) / entries_per_incident
            entries.append(
                {
                    "id": f"L{pid}{k:03d}",
                    "type": KINDS[k % len(KINDS)],
                    "summary": f"Note {k}: rolled back shard {n % 17}",
                    "created_at": _stamp(when),
                    "incident": _ref("incident", pid, "x"),
                    "agent": user,
                    "channel": {"type": "note", "summary": f"Note {k}: rolled back shard {n % 17}"},
                }
            )
        entries.append(
            {
                "id": f"R{pid}",
                "type": "resolve_log_entry",
                "summary": f"Resolved by {user['summary']}",
                "created_at": _stamp(resolved),
                "incident": _ref("incident", pid, "x"),
                "agent": user,
                "channel": {"type": "web"},
            }
        )
        total += len(entries)
        (folder / f"log_entries-{pid}.json").write_text(
            json.dumps(
                {
                    "log_entries": entries,
                    "limit": 100,
                    "offset": 0,
                    "more": False,
                    "total": len(entries),
                }
            )
        )
        if len(page) == 100 or n == incidents - 1:
            number = n // 100
            (folder / f"incidents-{number:04d}.json").write_text(
                json.dumps(
                    {
                        "incidents": page,
                        "limit": 100,
                        "offset": number * 100,
                        "more": n < incidents - 1,
                        "total": incidents,
                    }
                )
            )
            page = []
    return total


def floor(folder: str, db: str) -> None:
    """The least any importer must do: read the JSON and insert the rows."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE incident (id INTEGER PRIMARY KEY, source TEXT, external_id TEXT, title TEXT, status TEXT, started_at TEXT, resolved_at TEXT, UNIQUE(source, external_id))"
    )
    conn.execute(
        "CREATE TABLE event (id INTEGER PRIMARY KEY, incident_key TEXT, source TEXT, external_id TEXT, occurred_at TEXT, kind TEXT, text TEXT)"
    )
    incidents, events = [], []
    for path in sorted(Path(folder).glob("*.json")):
        data = json.loads(path.read_text())
        for item in data.get("incidents", []):
            incidents.append(
                (
                    "pagerduty",
                    item["id"],
                    item["title"],
                    item["status"],
                    item["created_at"],
                    item.get("resolved_at"),
                )
            )
        for entry in data.get("log_entries", []):
            events.append(
                (
                    entry["incident"]["id"],
                    "pagerduty",
                    entry["id"],
                    entry["created_at"],
                    entry["type"],
                    entry["summary"],
                )
            )
    with conn:
        conn.executemany(
            "INSERT INTO incident (source, external_id, title, status, started_at, resolved_at) VALUES (?,?,?,?,?,?)",
            incidents,
        )
        conn.executemany(
            "INSERT INTO event (incident_key, source, external_id, occurred_at, kind, text) VALUES (?,?,?,?,?,?)",
            events,
        )
    conn.close()


def _timed_subprocess(args: list[str]) -> tuple[float, float]:
    began = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - began
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=20, help="log entries per incident")
    parser.add_argument("--floor-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("folder", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("db", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:
        floor(args.folder, args.db)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "export"
        folder.mkdir()
        entries = generate(folder, args.incidents, args.entries)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        print(
            f"{args.incidents:,} incidents, {entries:,} log entries, {size:.0f} MB of JSON in {len(list(folder.iterdir())):,} files"
        )
        floor_s, floor_mb = _timed_subprocess(
            [sys.executable, __file__, "--floor-only", str(folder), f"{tmp}/floor.db"]
        )
        # ru_maxrss of children is the maximum over all children so far: run the import second.
        import_s, import_mb = _timed_subprocess(
            [sys.executable, "-m", "irdesk", "import", str(folder), "--db", f"{tmp}/irdesk.db"]
        )
        again_s, _ = _timed_subprocess(
            [sys.executable, "-m", "irdesk", "import", str(folder), "--db", f"{tmp}/irdesk.db"]
        )
        print(f"floor (json + sqlite3 executemany): {floor_s:6.2f} s  peak {floor_mb:6.0f} MB")
        print(
            f"irdesk import:                      {import_s:6.2f} s  peak {import_mb:6.0f} MB (max of both runs)"
        )
        print(
            f"ratio import / floor:               {import_s / floor_s:6.2f}x  (target < 2x, peak < 500 MB)"
        )
        print(f"re-import of the same files (no-op): {again_s:6.2f} s")


if __name__ == "__main__":
    main()
