"""A packet with one enormous unbroken word against the same packet without it.

Makes the demo organisation, picks the incident with the most timeline events (as
the packet tests do), and times, in this process after one warm-up run of each:

  floor   `export_packet` of that incident's legal packet, signed: the normal packet
  long    the same, after one event of the incident is given a 200,000-character word
          (hex digests end to end, as a pasted hash dump would be)

The two are made in one run, so a busy machine slows both alike. Once, a word this
long took the packet from seconds to minutes: the email pattern retried every
character of it, and reportlab re-measured the word for every line it cut.

Target: the long-word packet costs at most 2x the normal one.

Run:  .venv/bin/python tests/benchmarks/bench_long_words.py [--chars N] [--runs N]
"""

import argparse
import hashlib
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlmodel import col, func, select

from irdesk.demo.generator import write_demo
from irdesk.domain.models import Incident, TimelineEvent
from irdesk.reports.packets.export import PacketRequest, SignRequest, export_packet
from irdesk.reports.signing.identity import create_identity
from irdesk.storage.database import Database, open_database

PASSPHRASE = b"benchmark passphrase"


def hex_word(chars: int) -> str:
    digests = (hashlib.sha256(str(n).encode()).hexdigest() for n in range(chars // 64 + 1))
    return "".join(digests)[:chars]


def demo_database(path: Path, word: str | None) -> tuple[Database, int]:
    write_demo(path, anchor=date(2026, 11, 28))
    database = open_database(path)
    with database.transaction() as session:
        incident = session.exec(
            select(Incident)
            .join(TimelineEvent, col(TimelineEvent.incident_id) == col(Incident.id))
            .group_by(col(Incident.id))
            .order_by(func.count().desc(), col(Incident.id))
            .limit(1)
        ).one()
        assert incident.id is not None
        if word is not None:
            event = session.exec(
                select(TimelineEvent)
                .where(TimelineEvent.incident_id == incident.id)
                .order_by(col(TimelineEvent.id))
                .limit(1)
            ).one()
            event.text = f"{event.text} {word} (end of the dump)"
            session.add(event)
        return database, incident.id


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
    parser.add_argument("--chars", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        identity = root / "id.p12"
        create_identity(
            identity,
            name="Bench Signer",
            role="SRE",
            organisation=None,
            email=None,
            passphrase=PASSPHRASE,
        )
        normal_db, normal_id = demo_database(root / "normal.db", None)
        long_db, long_id = demo_database(root / "long.db", hex_word(args.chars))
        counter = iter(range(10**6))

        def packet(database: Database, incident_id: int) -> None:
            export_packet(
                database,
                PacketRequest("legal", incident_id=incident_id),
                root / f"packet-{next(counter)}.pdf",
                created_by="bench",
                sign=SignRequest(identity, PASSPHRASE),
            )

        def normal() -> None:
            packet(normal_db, normal_id)

        def long() -> None:
            packet(long_db, long_id)

        timed(normal, 1)
        timed(long, 1)
        # Interleaved, so that a change in the machine's load falls on both alike.
        floor_times, long_times = [], []
        for _ in range(args.runs):
            floor_times += timed(normal, 1)
            long_times += timed(long, 1)
        normal_db.close()
        long_db.close()
    f = statistics.median(t[0] for t in floor_times)
    w = statistics.median(t[0] for t in long_times)
    f_cpu = statistics.median(t[1] for t in floor_times)
    w_cpu = statistics.median(t[1] for t in long_times)
    print(f"word: {args.chars:,} characters, runs: {args.runs} (median after a warm-up)")
    print(f"floor (legal packet, signed):              {f:.3f} s wall, {f_cpu:.3f} s CPU")
    print(f"long  (the same, one event with the word): {w:.3f} s wall, {w_cpu:.3f} s CPU")
    print(f"ratio: {w / f:.2f}x wall, {w_cpu / f_cpu:.2f}x CPU  (target: at most 2x)")


if __name__ == "__main__":
    main()
