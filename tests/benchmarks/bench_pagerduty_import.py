"""Import speed and memory against the floor: plain json + sqlite3 executemany.

Generates 10,000 PagerDuty incidents with 200,000 log entries written as the
API pages them (incident pages of 100, one log-entry page per incident),
then, each in a fresh subprocess so time and peak memory are its own:

  floor   json.loads of every file + sqlite3 executemany of the same rows into
          irdesk's schema as the migrations create it, its indexes and search index
          included (import_floor.py)
  import  `irdesk import` of the same folder into a fresh database (and again,
          a no-op, to see what idempotence costs)

The records carry what the API sends and irdesk reads, compact as the API writes
them: incidents as GET /incidents lists them; log entries with id, type, summary,
created_at, channel, and `incident` and `agent` as full references {id, type,
summary, self, html_url}. That is about 120 MB: the references alone are some 330
bytes an entry, so a smaller export of as many entries would not be a real one. --short-refs drops
self and html_url from every reference (about 75 MB) to show how the ratio moves
with the size of the JSON (hardly: most of either side's time is per row).

Run:  .venv/bin/python tests/benchmarks/bench_pagerduty_import.py [--incidents N]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import import_floor

# The log entries between each incident's acknowledgement and resolution.
MIDDLE_KINDS = (
    "notify_log_entry",
    "annotate_log_entry",
    "escalate_log_entry",
    "notify_log_entry",
    "annotate_log_entry",
)
# The API writes compact JSON; indented or spaced output would only inflate the floor.
COMPACT = (",", ":")


def _ref(kind: str, path: str, ident: str, summary: str, full: bool) -> dict[str, object]:
    """A PagerDuty reference as the API embeds it: {id, type, summary, self, html_url}."""
    ref: dict[str, object] = {"id": ident, "type": f"{kind}_reference", "summary": summary}
    if full:
        ref["self"] = f"https://api.pagerduty.com/{path}/{ident}"
        ref["html_url"] = f"https://acme.pagerduty.com/{path}/{ident}"
    return ref


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _incident(n: int, created: datetime, resolved: datetime, full: bool) -> dict[str, object]:
    pid = f"P{n:06d}"
    title = f"Checkout 5xx on shard {n % 17}"
    return {
        "id": pid,
        "type": "incident",
        "summary": f"[#{10000 + n}] {title}",
        "self": f"https://api.pagerduty.com/incidents/{pid}",
        "html_url": f"https://acme.pagerduty.com/incidents/{pid}",
        "incident_number": 10000 + n,
        "title": title,
        "description": title,
        "created_at": _stamp(created),
        "updated_at": _stamp(resolved),
        "status": "resolved",
        "resolved_at": _stamp(resolved),
        "last_status_change_at": _stamp(resolved),
        "urgency": "high",
        "service": _ref("service", "service-directory", f"PS{n % 5:05d}", f"service-{n % 5}", full),
        "priority": {"id": f"PP{n % 4}", "type": "priority", "summary": f"P{1 + n % 4}"},
        "assignments": [],
        "acknowledgements": [],
        "first_trigger_log_entry": _ref(
            "trigger_log_entry", "log_entries", f"R{n:06d}T", "Triggered through the API", full
        ),
    }


def _entry(
    ident: str, kind: str, summary: str, when: datetime, refs: tuple[dict, dict], channel: dict
) -> dict[str, object]:
    """A log entry with the fields irdesk reads: id, type, summary, time, incident, agent,
    channel (the API adds self, html_url, service, teams, contexts; irdesk ignores them)."""
    incident, agent = refs
    return {
        "id": ident,
        "type": kind,
        "summary": summary,
        "created_at": _stamp(when),
        "incident": incident,
        "agent": agent,
        "channel": channel,
    }


def _log_entries(
    n: int, times: tuple[datetime, datetime, datetime], count: int, full: bool
) -> list[dict[str, object]]:
    """One incident's log entries: trigger, acknowledge, notes and pages, resolve."""
    created, ack, resolved = times
    incident = _ref(
        "incident", "incidents", f"P{n:06d}", f"[#{10000 + n}] Checkout 5xx on shard {n % 17}", full
    )
    service = _ref("service", "service-directory", f"PS{n % 5:05d}", f"service-{n % 5}", full)
    name = f"Responder {n % 40}"
    user = _ref("user", "users", f"PU{n % 40:05d}", name, full)
    entries = [
        _entry(
            f"R{n:06d}T",
            "trigger_log_entry",
            "Triggered through the API",
            created,
            (incident, service),
            {"type": "api"},
        ),
        _entry(
            f"R{n:06d}A",
            "acknowledge_log_entry",
            f"Acknowledged by {name}",
            ack,
            (incident, user),
            {"type": "mobile"},
        ),
    ]
    for k in range(count - 3):
        kind = MIDDLE_KINDS[k % len(MIDDLE_KINDS)]
        when = ack + (resolved - ack) * (k + 1) / count
        channel: dict[str, object] = {"type": "sms"}
        summary = f"Notified {name} by SMS"
        if kind == "annotate_log_entry":
            channel = {"type": "note", "summary": f"Rolled back shard {n % 17}, step {k}"}
            summary = f"Note added by {name}"
        elif kind == "escalate_log_entry":
            channel, summary = {"type": "timeout"}, "Escalated to level 2"
        entries.append(_entry(f"R{n:06d}L{k:02d}", kind, summary, when, (incident, user), channel))
    entries.append(
        _entry(
            f"R{n:06d}R",
            "resolve_log_entry",
            f"Resolved by {name}",
            resolved,
            (incident, user),
            {"type": "web_ui"},
        )
    )
    return entries


def _page(key: str, items: list[dict[str, object]], offset: int, more: bool, total: int) -> str:
    envelope = {key: items, "limit": 100, "offset": offset, "more": more, "total": total}
    return json.dumps(envelope, separators=COMPACT)


def generate(folder: Path, incidents: int, entries_per_incident: int, full_refs: bool) -> int:
    """Write the export as the API pages it; returns the number of log entries."""
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    total = 0
    page: list[dict[str, object]] = []
    for n in range(incidents):
        created = start + timedelta(minutes=37 * n)
        ack = created + timedelta(seconds=rng.randint(30, 900))
        resolved = ack + timedelta(seconds=rng.randint(600, 20000))
        page.append(_incident(n, created, resolved, full_refs))
        entries = _log_entries(n, (created, ack, resolved), entries_per_incident, full_refs)
        total += len(entries)
        (folder / f"log_entries-P{n:06d}.json").write_text(
            _page("log_entries", entries, 0, False, len(entries))
        )
        if len(page) == 100 or n == incidents - 1:
            number = n // 100
            more = n < incidents - 1
            (folder / f"incidents-{number:04d}.json").write_text(
                _page("incidents", page, number * 100, more, incidents)
            )
            page = []
    return total


def _floor_rows(data: dict) -> tuple[list[tuple], list[tuple]]:
    incidents = [
        (
            "pagerduty",
            item["id"],
            item["title"],
            item["status"],
            (item.get("service") or {}).get("summary"),
            (item.get("priority") or {}).get("summary"),
            item["created_at"],
            item.get("resolved_at"),
        )
        for item in data.get("incidents", [])
    ]
    events = [
        (
            entry["incident"]["id"],
            "pagerduty",
            entry["id"],
            entry["created_at"],
            entry["type"],
            entry["agent"]["summary"],
            entry["summary"],
        )
        for entry in data.get("log_entries", [])
    ]
    return incidents, events


def floor(folder: str, db: str) -> None:
    """The least any importer must do: read the JSON and insert the rows (import_floor)."""
    conn = import_floor.connect(db)
    incidents, events = [], []
    for path in sorted(Path(folder).glob("*.json")):
        more_incidents, more_events = _floor_rows(json.loads(path.read_text()))
        incidents += more_incidents
        events += more_events
    import_floor.write(conn, incidents, events)


def _compile_irdesk() -> None:
    """irdesk's bytecode written beside its sources, as pip and the bundle ship it.

    An installed irdesk starts from bytecode; a checkout run under
    PYTHONDONTWRITEBYTECODE (as some shells and CI images set it) compiles its hundred
    modules from source in every process, some 0.15 s of CPU that no user pays. Python
    still reads bytecode under that variable, so compiling once puts the measured start-up
    where a user's is.
    """
    package = Path(__file__).resolve().parents[2] / "irdesk"
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(package)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _timed_subprocess(args: list[str]) -> tuple[float, float, float]:
    """Wall time, that process's own CPU time (user + system) and peak resident memory in MB.

    The CPU time is what to compare on a shared machine: other processes stretch the wall
    time of a run, hardly its CPU time.
    """
    began = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, args)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=20, help="log entries per incident")
    parser.add_argument(
        "--short-refs",
        action="store_true",
        help="references as {id, type, summary} only (about half the JSON)",
    )
    parser.add_argument("--keep", type=Path, help="write the export here, and keep it")
    parser.add_argument("--floor-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("folder", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("db", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:
        floor(args.folder, args.db)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "export"
        folder.mkdir(parents=True, exist_ok=True)
        entries = generate(folder, args.incidents, args.entries, not args.short_refs)
        files = list(folder.iterdir())
        size = sum(p.stat().st_size for p in files) / 1e6
        _compile_irdesk()
        os.sync()  # the export on disk, so its write-back does not land in a timed run
        print(
            f"{args.incidents:,} incidents, {entries:,} log entries, "
            f"{size:.0f} MB of JSON in {len(files):,} files"
        )
        floor_s, floor_cpu, floor_mb = _timed_subprocess(
            [sys.executable, __file__, "--floor-only", str(folder), f"{tmp}/floor.db"]
        )
        command = [
            sys.executable,
            "-m",
            "irdesk",
            "import",
            str(folder),
            "--db",
            f"{tmp}/irdesk.db",
        ]
        import_s, import_cpu, import_mb = _timed_subprocess(command)
        again_s, again_cpu, again_mb = _timed_subprocess(command)
        print(
            f"floor (json + sqlite3 executemany): {floor_s:6.2f} s  cpu {floor_cpu:6.2f} s"
            f"  peak {floor_mb:6.0f} MB"
        )
        print(
            f"irdesk import:                      {import_s:6.2f} s  cpu {import_cpu:6.2f} s"
            f"  peak {import_mb:6.0f} MB"
        )
        print(
            f"ratio import / floor:               {import_s / floor_s:6.2f}x"
            f"  cpu {import_cpu / floor_cpu:6.2f}x  (target <= 1.3x, peak < 500 MB)"
        )
        print(
            f"re-import of the same files (no-op): {again_s:6.2f} s  cpu {again_cpu:6.2f} s"
            f"  peak {again_mb:6.0f} MB"
        )


if __name__ == "__main__":
    main()
