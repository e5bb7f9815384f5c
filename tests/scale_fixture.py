"""A file of many small incidents for the incident list's benchmarks, written fast.

The rows go in with executemany on one sqlite3 connection, as a bulk import's floor
would write them; the schema, its indexes and the search index's triggers are the
ones a new irdesk file has, so what is measured on it is what a user's file costs.
Incidents span ten years, newest last by id; the newest NEWEST_WITH_TIMELINES of them
carry a timeline of a few dozen events each (the ones a user scrolls to first).
"""

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from irdesk.storage.database import open_database

SERVICES = [
    "payments-api",
    "checkout",
    "search-index",
    "login-service",
    "email-relay",
    "cdn-edge",
    "billing",
    "inventory",
    "orders-db",
    "notifications",
    "mobile-gateway",
    "auth-proxy",
    "reports-etl",
    "ledger",
    "recommendations",
    "catalog",
    "shipping",
    "pricing",
    "warehouse-sync",
    "fraud-scoring",
]
SYMPTOMS = [
    "latency spike",
    "error rate above SLO",
    "queue backlog",
    "disk nearly full",
    "certificate expiring",
    "timeouts from upstream",
    "memory leak",
    "replica lag",
    "5xx burst",
    "deploy rolled back",
    "cache stampede",
    "connection pool exhausted",
    "cron job failed",
    "DNS resolution errors",
]
PLACES = ("eu-west-1", "us-east-1", "ap-south-1", "canary", "blue pool", "green pool")
SOURCES = ("pagerduty", "opsgenie", "jira", "statuspage")
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV3", "SEV4", "SEV4", "SEV5", None)
STATUSES = ("resolved",) * 17 + ("acknowledged", "triggered", "mitigated")
REVIEW_STATUSES = ("draft", "in_review", "approved", "signed")
NEWEST_WITH_TIMELINES = 5_000
EVENT_KINDS = ("alert", "page", "acknowledge", "note", "status_change", "escalate")
START = datetime(2016, 12, 1, tzinfo=UTC)
SPAN_S = 10 * 365 * 24 * 3600
BATCH = 50_000


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _incidents(count: int, rng: random.Random, first: int, last: int):  # type: ignore[no-untyped-def]
    now = _time(datetime(2026, 12, 1, tzinfo=UTC))
    step = SPAN_S / count
    for n in range(first, last):
        started = START + timedelta(seconds=n * step + rng.random() * step)
        resolved = started + timedelta(minutes=rng.randint(3, 600))
        status = rng.choice(STATUSES)
        service = rng.randrange(len(SERVICES)) + 1
        title = (
            f"{rng.choice(SYMPTOMS).capitalize()} on {SERVICES[service - 1]} ({rng.choice(PLACES)})"
        )
        flags = "resolved_before_start" if n % 997 == 0 else ""
        yield (
            n + 1,
            SOURCES[n % len(SOURCES)],
            f"INC-{n + 1:07d}",
            title,
            service,
            rng.choice(SEVERITIES),
            status,
            _time(started),
            _time(resolved) if status == "resolved" else None,
            flags,
            now,
        )


def write_scale_file(path: Path, count: int, seed: int = 19) -> None:
    """Write `count` incidents (and the newest ones' timelines) into the new file `path`."""
    open_database(path).close()  # the head schema: tables, indexes, search index, triggers
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        with conn:
            conn.executemany(
                "INSERT INTO service (id, name, tier, slo_target, cost_per_minute)"
                " VALUES (?, ?, 'tier2', 99.9, 0)",
                [(n + 1, name) for n, name in enumerate(SERVICES)],
            )
        for first in range(0, count, BATCH):
            with conn:
                conn.executemany(
                    "INSERT INTO incident (id, source, external_id, title, service_id, severity,"
                    " status, started_at, resolved_at, consistency_flags, external_cause,"
                    " approved_tech_debt, regulatory_exposure, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?11, ?11)",
                    _incidents(count, rng, first, min(count, first + BATCH)),
                )
        newest = range(max(1, count - NEWEST_WITH_TIMELINES + 1), count + 1)
        with conn:
            conn.executemany(
                "INSERT INTO review (incident_id, tier, status, created_at, updated_at)"
                " VALUES (?, 'full', ?, '2026-12-01 00:00:00', '2026-12-01 00:00:00')",
                [(i, rng.choice(REVIEW_STATUSES)) for i in newest if i % 7 == 0],
            )
            conn.executemany(
                "INSERT INTO timeline_event (incident_id, occurred_at, kind, source, text,"
                " is_key_moment, added_by_facilitator)"
                " SELECT id, datetime(started_at, ? || ' minutes'), ?, source, ?, 0, 0"
                " FROM incident WHERE id = ?",
                (
                    (str(minute), rng.choice(EVENT_KINDS), f"Event {minute} of the incident", i)
                    for i in newest
                    for minute in range(rng.randint(20, 60))
                ),
            )
        conn.execute("PRAGMA optimize")
    finally:
        conn.close()
