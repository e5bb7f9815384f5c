"""Session-wide material for packet tests: `from packet_fixtures import …` in a test module.

Generating keys and exporting five signed packets takes seconds, so each is
made once per test session and only read by the tests. The demo database
gets one incident with planted sensitive text (an email, an IP, a host, an
internal URL, markup-like text, a very long word, non-Latin names) and an
imported source file, so redaction and provenance have something to find.
"""

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from note_keys import MANAGER
from sqlmodel import col, func, select
from testdata import CopyDemo

from irdesk.domain.enums import EventKind, FeedbackKind
from irdesk.domain.models import (
    Incident,
    IncidentSourceFile,
    Person,
    Review,
    SourceFile,
    TimelineEvent,
)
from irdesk.reports.packets.export import ExportResult, PacketRequest, SignRequest, export_packet
from irdesk.reports.signing.identity import create_identity
from irdesk.storage.database import Database, open_database
from irdesk.storage.records import feedback

PASSPHRASE = b"correct horse battery"
COUNTER_PASSPHRASE = b"second signer's phrase"
EMAIL = "oncall.lead@larkspur.example"
IP = "10.20.30.40"
HOST = "pg-checkout-06"
URL = "https://grafana.larkspur.internal/d/checkout?orgId=1"
MARKUP = "<b>not bold</b> & <font size=40>big?</font> &amp; a<b"
LONG_WORD = "x" * 60 + "y" * 60
NAMES = ("Zoë Ñúñez", "王伟", "Ağaoğlu", "Ελένη")
FEEDBACK = "Kept calm on the bridge; FEEDBACK-ONLY-FOR-MANAGER-7731"
SOURCE_FILE = ("pagerduty-incidents-2026-06.json", "ab" * 32)
PROFILES = ("legal", "insurance", "postmortem", "executive", "manager")


@dataclass(frozen=True)
class PacketWorld:
    db_path: Path
    incident_id: int
    incident_ref: str
    person: str
    period: str
    identity: Path
    counter_identity: Path
    packets: dict[str, ExportResult]
    texts: dict[str, str]
    # The manager packet exported by a session that did not unlock.
    locked_manager: ExportResult


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=False, timeout=60)


def require_tools(*names: str) -> None:
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed (make test installs them)")


@dataclass(frozen=True)
class Signer:
    """Whoever a packet test signs as: the name is also the packet's maker."""

    name: str
    identity: Path


def make_signer(folder: Path, name: str, role: str) -> Signer:
    path = folder / f"{name.split()[0].lower()}.p12"
    create_identity(
        path, name=name, role=role, organisation="Larkspur", email=None, passphrase=PASSPHRASE
    )
    return Signer(name, path)


def squeezed(text: str) -> str:
    """A packet's text with every run of spaces and line ends as one space."""
    return " ".join(text.split())


def signed_packet_text(
    database: Database,
    request: PacketRequest,
    out: Path,
    signer: Signer,
    *,
    now: datetime,
    keyring: Any = None,
) -> str:
    """Export a packet signed by `signer`, check with poppler's pdfsig that one valid
    signature by them covers the whole file, and return its text, squeezed."""
    require_tools("pdfsig", "pdftotext")
    result = export_packet(
        database,
        request,
        out,
        created_by=signer.name,
        sign=SignRequest(signer.identity, PASSPHRASE),
        now=now,
        keyring=keyring,
    )
    assert result.signed_by == signer.name
    signatures = run_tool("pdfsig", str(out))
    assert signatures.returncode == 0, signatures.stderr
    assert signatures.stdout.count("Signature is Valid.") == 1
    assert "  - Total document signed" in signatures.stdout
    assert f"Signer Certificate Common Name: {signer.name}" in signatures.stdout
    return squeezed(pdf_text(out))


def tamper_page_content(pdf: bytes) -> bytes:
    """The same file with one byte of page 1's content stream changed."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    number = page.raw_get("/Contents").idnum
    found = re.search(rb"\n%d 0 obj" % number, pdf)
    assert found is not None
    start = pdf.index(b"stream", found.end()) + len(b"stream\n") + 30
    changed = bytearray(pdf)
    changed[start] = ord("A") if changed[start] != ord("A") else ord("B")
    return bytes(changed)


def append_page_content(pdf: bytes) -> bytes:
    """The file with text drawn on page 1 in an incremental update: every signed byte kept."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (ALTERED) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _plant(database: Database) -> tuple[int, str, str]:
    """An incident with a review and planted text; a person with a known feedback note."""
    with database.transaction() as session:
        incident = session.exec(
            select(Incident)
            .join(Review, col(Review.incident_id) == col(Incident.id))
            .join(TimelineEvent, col(TimelineEvent.incident_id) == col(Incident.id))
            .group_by(col(Incident.id))
            .order_by(func.count().desc(), col(Incident.id))
            .limit(1)
        ).one()
        assert incident.id is not None and incident.started_at is not None
        at = incident.started_at + timedelta(minutes=3)
        zoe = session.exec(select(Person).where(Person.name == "Zoë Ñúñez")).one()
        session.add(
            TimelineEvent(
                incident_id=incident.id,
                occurred_at=at,
                kind=EventKind.NOTE,
                source="slack",
                actor_person_id=zoe.id,
                text=f"Paged {EMAIL}; {HOST} at {IP} refuses connections, see {URL} — {MARKUP} "
                f"{LONG_WORD} with 王伟, Emre Ağaoğlu and Ελένη Παπαδοπούλου",
                is_key_moment=True,
            )
        )
        # The last event (the planted one comes early), so both are in the packet as typed.
        corrected = session.exec(
            select(TimelineEvent)
            .where(TimelineEvent.incident_id == incident.id)
            .order_by(col(TimelineEvent.occurred_at).desc())
            .limit(1)
        ).one()
        corrected.original_text = corrected.text
        corrected.text = "Alert fired (corrected wording)"
        corrected.corrected_by = "Kwame Mensah"
        corrected.correction_reason = "the alert named the wrong region"
        corrected.corrected_at = at
        session.add(corrected)
        source_file = SourceFile(
            import_id="test-import",
            name=SOURCE_FILE[0],
            size=123,
            sha256=SOURCE_FILE[1],
            format="pagerduty",
            importer_version="test",
        )
        session.add(source_file)
        session.flush()
        session.add(IncidentSourceFile(incident_id=incident.id, source_file_id=source_file.id))
        subject = session.exec(select(Person).where(Person.name == "Emre Ağaoğlu")).one()
        feedback.add_note(
            session,
            person_id=subject.id,
            incident_id=incident.id,
            kind=FeedbackKind.RECOGNITION,
            actor="tester",
            keyring=MANAGER,
            text=FEEDBACK,
        )
        quarter = (incident.started_at.month - 1) // 3 + 1
        return (
            incident.id,
            f"{incident.source}:{incident.external_id}",
            (f"{incident.started_at.year}-Q{quarter}"),
        )


def make_packet_world(tmp_path_factory: pytest.TempPathFactory, copy_demo: CopyDemo) -> PacketWorld:
    """The `packet_world` fixture's making (tests/conftest.py holds the fixture itself)."""
    require_tools("pdftotext", "pdfsig", "qpdf")
    folder = tmp_path_factory.mktemp("packets")
    db_path = folder / "demo.db"
    copy_demo(db_path, anchor=date(2026, 11, 28))
    identity = folder / "facilitator.p12"
    create_identity(
        identity,
        name="Zoë Ñúñez",
        role="Review Facilitator",
        organisation="Larkspur",
        email=None,
        passphrase=PASSPHRASE,
    )
    counter = folder / "compliance.p12"
    create_identity(
        counter,
        name="王伟",
        role="Compliance Officer",
        organisation=None,
        email=None,
        passphrase=COUNTER_PASSPHRASE,
    )
    database = open_database(db_path)
    try:
        incident_id, ref, period = _plant(database)
        requests = {
            "legal": PacketRequest("legal", incident_id=ref),
            "insurance": PacketRequest("insurance", incident_id=incident_id),
            "postmortem": PacketRequest("postmortem", incident_id=incident_id),
            "executive": PacketRequest("executive", period=period),
            "manager": PacketRequest("manager", person="Emre Ağaoğlu"),
        }
        now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
        packets = {
            name: export_packet(
                database,
                request,
                folder / f"{name}.pdf",
                created_by="tester",
                sign=SignRequest(identity, PASSPHRASE),
                now=now,
                # The manager packet is made by a reader of the note, unlocked.
                keyring=MANAGER if name == "manager" else None,
            )
            for name, request in requests.items()
        }
        locked = export_packet(
            database,
            requests["manager"],
            folder / "manager-locked.pdf",
            created_by="tester",
            now=now,
        )
    finally:
        database.close()
    return PacketWorld(
        db_path=db_path,
        incident_id=incident_id,
        incident_ref=ref,
        person="Emre Ağaoğlu",
        period=period,
        identity=identity,
        counter_identity=counter,
        packets=packets,
        texts={name: pdf_text(result.path) for name, result in packets.items()},
        locked_manager=locked,
    )
