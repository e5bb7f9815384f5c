"""Review health and calibration speed against the floor: bare sqlite3 reading the same rows.

Makes a database of N approved reviews (default 1,000) over a year, on 8 services of
8 teams, each with four attendees, four survey answers and three action items, then
times, in this process after one warm-up run of each:

  floor        bare sqlite3: the reviews joined to their incidents and services, their
               action items and their survey answers, fetched as tuples
  health       `read_review_health` over the year (what Review Health… and
               `irdesk review-health` read)
  calibration  `read_calibration` over the year (the tier each policy proposes, per
               review, is the expensive part: it looks for recurrences on the service)

Prints each median, the floor from the same run, and the ratio.

Run:  .venv/bin/python tests/benchmarks/bench_review_health.py [--reviews N] [--runs N]
"""

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from irdesk.domain.enums import (
    ActionStatus,
    IncidentStatus,
    ReviewStatus,
    ReviewTier,
    ServiceTier,
    Severity,
)
from irdesk.domain.models import (
    ActionItem,
    Incident,
    Person,
    Review,
    ReviewAttendee,
    ReviewSurvey,
    Service,
    Team,
    stored_id,
)
from irdesk.storage.database import Database, open_database
from irdesk.storage.reads.review_facts import read_calibration, read_review_health

FIRST, LAST = date(2026, 1, 1), date(2026, 12, 31)
WORDS = [
    "cache",
    "queue",
    "index",
    "disk",
    "network",
    "certificate",
    "quota",
    "schema",
    "deploy",
    "cron",
    "dns",
    "lock",
]


def make_database(path: Path, reviews: int) -> Database:
    database = open_database(path)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with database.transaction() as session:
        teams = [Team(name=f"Team {n}") for n in range(8)]
        session.add_all(teams)
        session.flush()
        services = [
            Service(
                name=f"service-{n}",
                tier=ServiceTier.TIER1,
                slo_target=99.9,
                owner_team_id=teams[n].id,
            )
            for n in range(8)
        ]
        people = [Person(name=f"Person {n}") for n in range(32)]
        session.add_all([*services, *people])
        session.flush()
        for n in range(reviews):
            resolved = start + timedelta(hours=8 * n)
            title = " ".join(WORDS[(n * k) % len(WORDS)] for k in (1, 3, 5)) + f" #{n}"
            incident = Incident(
                source="bench",
                external_id=f"INC-{n}",
                title=title,
                service_id=services[n % 8].id,
                severity=(Severity.SEV2, Severity.SEV3)[n % 2],
                status=IncidentStatus.RESOLVED,
                started_at=resolved - timedelta(hours=1),
                detected_at=resolved - timedelta(hours=1),
                resolved_at=resolved,
            )
            session.add(incident)
            session.flush()
            review = Review(
                incident_id=stored_id(incident.id),
                tier=(ReviewTier.FULL, ReviewTier.LIGHTWEIGHT)[n % 2],
                status=ReviewStatus.APPROVED,
                approved_at=resolved + timedelta(hours=30),
                summary="",
            )
            session.add(review)
            session.flush()
            rid = stored_id(review.id)
            attendees = [stored_id(people[(n + k) % 32].id) for k in range(4)]
            session.add_all([ReviewAttendee(review_id=rid, person_id=p) for p in attendees])
            session.add_all(
                [
                    ReviewSurvey(
                        review_id=rid,
                        useful=1 + (n + k) % 5,
                        safe=1 + (n * k) % 5,
                        hours=1.5,
                        anonymous=True,
                        answered_on=resolved.date(),
                    )
                    for k in range(4)
                ]
            )
            session.add_all(
                [
                    ActionItem(
                        review_id=rid,
                        title=f"A{k}",
                        owner_person_id=attendees[k],
                        due_on=resolved.date() + timedelta(days=14),
                        status=(ActionStatus.DONE, ActionStatus.OPEN)[k % 2],
                        completed_at=resolved + timedelta(days=10) if k % 2 == 0 else None,
                    )
                    for k in range(3)
                ]
            )
    return database


def floor(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "SELECT r.id, r.tier, r.tier_reason, r.blameless_override_reason, r.approved_at, "
            "i.source, i.external_id, i.resolved_at, s.owner_team_id FROM review r "
            "JOIN incident i ON i.id = r.incident_id LEFT JOIN service s ON s.id = i.service_id "
            "WHERE r.approved_at >= '2026-01-01' AND r.approved_at < '2027-01-01'"
        ).fetchall()
        conn.execute(
            "SELECT review_id, due_on, status, completed_at, owner_person_id FROM action_item"
        ).fetchall()
        conn.execute("SELECT review_id, useful, safe, hours FROM review_survey").fetchall()


def timed(work: Callable[[], object], runs: int) -> float:
    work()  # warm-up: modules imported, caches filled
    times = []
    for _ in range(runs):
        begun = time.perf_counter()
        work()
        times.append(time.perf_counter() - begun)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.db"
        database = make_database(path, args.reviews)
        try:
            base = timed(lambda: floor(path), args.runs)
            health = timed(lambda: read_review_health(database, FIRST, LAST, LAST), args.runs)
            calibration = timed(lambda: read_calibration(database, FIRST, LAST, LAST), args.runs)
        finally:
            database.close()
    print(f"{args.reviews} approved reviews, median of {args.runs} runs")
    print(f"floor (bare sqlite3, same rows)  {base * 1000:8.1f} ms")
    print(f"review health                    {health * 1000:8.1f} ms  {health / base:6.1f}x")
    print(
        f"calibration                      {calibration * 1000:8.1f} ms  {calibration / base:6.1f}x"
    )


if __name__ == "__main__":
    main()
