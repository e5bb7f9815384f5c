"""The floor an import is measured against: the same rows, inserted by executemany into
irdesk's schema as the migrations create it.

Importing incidents into an irdesk file maintains that file's indexes and its search
index (incident_search: FTS5 trigram words of each incident, filled by a trigger on
incident). That is work any correct import of those rows into that file does, so the
floor does it too: its schema is head_schema.sql, the migrations' own result. It fills
the search index the cheapest way, in one statement after the rows: through the
trigger, each row of an executemany is a statement of its own, after which FTS5 writes
what it collected as a segment of its own, to be merged later (some five times the
cost of the whole insert). It does nothing else an import need not do: SQLite's CHECKs are off (an import checks the same
values in Python, once for all rows, and turns them off too), foreign keys are off (as
in an import's transaction), and the only lookups are the service and incident ids its
rows need. One transaction, WAL and synchronous=NORMAL, as irdesk's connections.

bench_pagerduty_import.py, bench_big_json.py and bench_scale.py share it, so their
floors agree on what an import must do.
"""

import sqlite3
from collections.abc import Sequence
from pathlib import Path

SCHEMA = Path(__file__).resolve().parents[2] / "irdesk" / "storage" / "head_schema.sql"

# The tools' event types as irdesk's event kinds (timeline_event.kind is one of these).
KINDS = {
    "trigger_log_entry": "alert",
    "acknowledge_log_entry": "acknowledge",
    "notify_log_entry": "page",
    "annotate_log_entry": "note",
    "escalate_log_entry": "escalate",
    "resolve_log_entry": "resolve",
    "assign_log_entry": "status_change",
}
# PagerDuty's and Opsgenie's priorities as irdesk's severities (the default map).
SEVERITIES = {f"P{n}": f"SEV{n}" for n in range(1, 6)}
# An incident row holds (source, external id, title, status, service name or None,
# priority or None, started at, resolved at or None); an event row (incident's external
# id, source, external id, occurred at, the tool's type, actor's name, text).
IncidentRow = tuple[str, str, str, str, str | None, str | None, str, str | None]
EventRow = tuple[str, str, str, str, str, str | None, str]

_NOW = "2026-12-07 00:00:00.000000"


def connect(db: str) -> sqlite3.Connection:
    """A new file at irdesk's newest schema, set up as irdesk's connections are."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA.read_text())
    return conn


def write(
    conn: sqlite3.Connection, incidents: Sequence[IncidentRow], events: Sequence[EventRow]
) -> None:
    """The rows in one transaction: services by name, incidents, then their events."""
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("PRAGMA ignore_check_constraints = ON")
    names = sorted({row[4] for row in incidents if row[4] is not None})
    conn.executemany(
        "INSERT INTO service (name, tier, slo_target, cost_per_minute) VALUES (?, 'tier3', 99.9, 0)",
        [(name,) for name in names],
    )
    services = dict(conn.execute("SELECT name, id FROM service"))
    (trigger,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'incident_search_insert'"
    ).fetchone()
    conn.execute("DROP TRIGGER incident_search_insert")
    conn.executemany(
        "INSERT INTO incident (source, external_id, title, status, service_id, severity,"
        " severity_raw, started_at, detected_at, resolved_at, external_cause,"
        " approved_tech_debt, regulatory_exposure, consistency_flags, created_at, updated_at)"
        f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, '', '{_NOW}', '{_NOW}')",
        [
            (
                source,
                key,
                title,
                status,
                None if service is None else services[service],
                SEVERITIES.get(priority),  # type: ignore[arg-type]
                priority,
                started,
                started,
                resolved,
            )
            for source, key, title, status, service, priority, started, resolved in incidents
        ],
    )
    # The trigger's words, for every row at once; then the trigger back, as the file had it.
    conn.execute(
        "INSERT INTO incident_search (rowid, words) SELECT incident.id,"
        " incident.title || ' ' || incident.external_id || ' ' || incident.source || ' ' ||"
        " COALESCE((SELECT name FROM service WHERE service.id = incident.service_id), '')"
        " FROM incident"
    )
    conn.execute(trigger)
    if events:
        ids = {
            (s, k): i for i, s, k in conn.execute("SELECT id, source, external_id FROM incident")
        }
        conn.executemany(
            "INSERT INTO timeline_event (incident_id, occurred_at, kind, source, external_id,"
            " actor_name, text, is_key_moment, added_by_facilitator)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)",
            [
                (ids[(source, incident)], at, KINDS.get(kind, "note"), source, key, actor, text)
                for incident, source, key, at, kind, actor, text in events
            ],
        )
    conn.execute("PRAGMA ignore_check_constraints = OFF")
    conn.execute("COMMIT")
    conn.close()
