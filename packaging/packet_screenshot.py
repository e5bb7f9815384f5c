"""Render one page of a signed legal packet from the demo data, the way the README shows it.

    python packaging/packet_screenshot.py OUT.png [--page N] [--keep-pdf PATH]

Writes the demo organisation (fixed seed and anchor day) into a temporary
folder, exports the legal packet of its SEV1 incident with the richest
timeline, signs it with a throwaway identity, and renders page N with
pdftoppm (poppler-utils). Every page of every profile can be checked the same
way with --profile and --all.
"""

import argparse
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from sqlmodel import col, func, select

from irdesk.demo.generator import write_demo
from irdesk.domain.enums import Severity
from irdesk.domain.models import Incident, TimelineEvent
from irdesk.reports.packets.export import PacketRequest, SignRequest, export_packet
from irdesk.reports.signing.identity import create_identity
from irdesk.storage.database import Database, open_database

DEMO_ANCHOR = date(2026, 11, 2)
PASSPHRASE = b"screenshot only"


def richest_sev1(database: Database) -> int:
    with database.session() as session:
        row = session.exec(
            select(Incident.id)
            .join(TimelineEvent, col(TimelineEvent.incident_id) == col(Incident.id))
            .where(Incident.severity == Severity.SEV1)
            .group_by(col(Incident.id))
            .order_by(func.count().desc(), col(Incident.id))
            .limit(1)
        ).one()
    assert row is not None
    return row


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--page", type=int, default=4)
    parser.add_argument("--profile", default="legal")
    parser.add_argument("--dpi", type=int, default=100)
    parser.add_argument("--all", action="store_true", help="render every page: OUT-1.png, …")
    parser.add_argument("--keep-pdf", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db_path = root / "demo.db"
        write_demo(db_path, anchor=DEMO_ANCHOR)
        identity = root / "id.p12"
        create_identity(
            identity,
            name="Fatima Al-Sayed",
            role="Head of Reliability",
            organisation="Larkspur",
            email=None,
            passphrase=PASSPHRASE,
        )
        database = open_database(db_path)
        try:
            incident = richest_sev1(database)
            requests = {
                "executive": PacketRequest("executive", period="2026-Q3"),
                "manager": PacketRequest("manager", person="Emre Ağaoğlu"),
            }
            request = requests.get(args.profile, PacketRequest(args.profile, incident_id=incident))
            pdf = args.keep_pdf or root / "packet.pdf"
            export_packet(
                database,
                request,
                pdf,
                created_by="screenshot",
                sign=SignRequest(identity, PASSPHRASE),
            )
        finally:
            database.close()
        pages = [] if args.all else ["-f", str(args.page), "-l", str(args.page), "-singlefile"]
        target = args.out.with_suffix("")
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(args.dpi), *pages, str(pdf), str(target)], check=True
        )
    print(f"Wrote {args.out}" if not args.all else f"Wrote {target}-*.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
