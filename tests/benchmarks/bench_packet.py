"""Packet export speed against the floor: bare reportlab and matplotlib doing the same drawing.

Makes a database with one incident of 2,000 timeline events (with a review,
findings and action items), then times, in this process after one warm-up
run of each (fonts registered, modules imported):

  floor   the same 2,000 event paragraphs with a bare reportlab SimpleDocTemplate
          (default styles) plus four matplotlib charts of the events saved as PNG
  packet  `export_packet` of the legal profile, signed: read from the database,
          redact, draw the four charts, compose (cover, contents, sections,
          signature page, manifest page), add the fields and manifest, sign
          with a PKCS#12 identity, write the file and record it

Target (issue 6): packet under 2 s and at most 3x the floor.

Run:  .venv/bin/python tests/benchmarks/bench_packet.py [--events N] [--runs N]
"""

import argparse
import io
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from irdesk.domain.enums import (
    ActionStatus,
    EventKind,
    FindingCategory,
    IncidentStatus,
    ReviewTier,
    ServiceTier,
    Severity,
)
from irdesk.domain.models import (
    ActionItem,
    Finding,
    Incident,
    Person,
    Review,
    Service,
    TimelineEvent,
)
from irdesk.reports.packets.export import PacketRequest, SignRequest, export_packet
from irdesk.reports.signing.identity import create_identity
from irdesk.storage.database import Database, open_database

PASSPHRASE = b"benchmark passphrase"
KINDS = list(EventKind)
SOURCES = ("pagerduty", "slack", "datadog", "statuspage")


def make_database(path: Path, events: int) -> tuple[Database, int]:
    database = open_database(path)
    start = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    with database.transaction() as session:
        people = [Person(name=f"Responder {n}", role="SRE") for n in range(12)]
        service = Service(name="checkout-api", tier=ServiceTier.TIER1, slo_target=99.9)
        session.add_all([*people, service])
        session.flush()
        incident = Incident(
            source="bench",
            external_id="INC-1",
            title="Checkout failing for a long time",
            summary="A long incident with many events.",
            service_id=service.id,
            severity=Severity.SEV1,
            status=IncidentStatus.RESOLVED,
            started_at=start,
            detected_at=start + timedelta(minutes=3),
            acknowledged_at=start + timedelta(minutes=5),
            mitigated_at=start + timedelta(hours=5),
            resolved_at=start + timedelta(hours=6),
        )
        session.add(incident)
        session.flush()
        assert incident.id is not None
        session.add_all(
            TimelineEvent(
                incident_id=incident.id,
                occurred_at=start + timedelta(seconds=10 * n),
                kind=KINDS[n % len(KINDS)],
                source=SOURCES[n % len(SOURCES)],
                external_id=str(n),
                actor_person_id=people[n % len(people)].id,
                text=f"Event {n}: checked pool saturation on pg-main-{n % 7}; p99 at "
                f"{n % 900} ms & <rising>, restarting workers in eu-west-1 (step {n})",
            )
            for n in range(events)
        )
        review = Review(incident_id=incident.id, tier=ReviewTier.FULL, facilitator_id=people[0].id)
        session.add(review)
        session.flush()
        assert review.id is not None
        session.add_all(
            Finding(review_id=review.id, category=FindingCategory.CONTRIBUTING_FACTOR, text=f"F{n}")
            for n in range(6)
        )
        session.add_all(
            ActionItem(review_id=review.id, title=f"Action {n}", status=ActionStatus.OPEN)
            for n in range(4)
        )
        return database, incident.id


def floor(texts: list[str], times: list[datetime], out: Path) -> None:
    styles = getSampleStyleSheet()
    story = [Paragraph(escape(text), styles["Normal"]) for text in texts]
    SimpleDocTemplate(str(out)).build(story)
    for n in range(4):
        figure = Figure(figsize=(6.6, 2.2), dpi=150)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        if n % 2:
            axes.hist(times, bins=24)
        else:
            axes.scatter(times, [i % 11 for i in range(len(times))], s=14)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=150)


def timed(work: object, runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds per run: CPU time is what to compare on a busy machine."""
    results = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()  # type: ignore[operator]
        results.append((time.perf_counter() - wall, time.process_time() - cpu))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        database, incident_id = make_database(root / "bench.db", args.events)
        identity = root / "id.p12"
        create_identity(
            identity,
            name="Bench Signer",
            role="SRE",
            organisation=None,
            email=None,
            passphrase=PASSPHRASE,
        )
        with database.session() as session:
            from irdesk.storage.reads.queries import timeline

            rows = timeline(session, incident_id)
        texts = [
            f"{r.occurred_at:%Y-%m-%d %H:%M:%S} {r.kind} · {r.source} · {r.actor} — {r.text}"
            for r in rows
        ]
        times = [r.occurred_at for r in rows]
        counter = iter(range(10**6))

        def packet() -> None:
            export_packet(
                database,
                PacketRequest("legal", incident_id=incident_id),
                root / f"packet-{next(counter)}.pdf",
                created_by="bench",
                sign=SignRequest(identity, PASSPHRASE),
            )

        def bare() -> None:
            floor(texts, times, root / "floor.pdf")

        cold_packet = timed(packet, 1)[0][0]
        timed(bare, 1)
        floor_times = timed(bare, args.runs)
        packet_times = timed(packet, args.runs)
        database.close()
    f = statistics.median(t[0] for t in floor_times)
    p = statistics.median(t[0] for t in packet_times)
    f_cpu = statistics.median(t[1] for t in floor_times)
    p_cpu = statistics.median(t[1] for t in packet_times)
    print(f"events: {args.events}, runs: {args.runs} (median after a warm-up)")
    print(f"floor  (SimpleDocTemplate + 4 matplotlib PNGs): {f:.3f} s wall, {f_cpu:.3f} s CPU")
    print(f"packet (legal, 4 charts, signed, recorded):     {p:.3f} s wall, {p_cpu:.3f} s CPU")
    print(f"first packet of the process (cold):             {cold_packet:.3f} s wall")
    print(f"ratio: {p / f:.2f}x wall, {p_cpu / f_cpu:.2f}x CPU  (target: under 2 s, at most 3x)")


if __name__ == "__main__":
    main()
