"""The register packet and the executive packet's business continuity, on the hand-built
register of tests/register_fixture.py, read with poppler's pdftotext and pdfsig."""

from pathlib import Path

import pytest
from packet_fixtures import Signer, pdf_text, require_tools, signed_packet_text, squeezed
from register_fixture import NOW, build_register

from irdesk.reports.packets.export import PacketRequest, export_packet
from irdesk.storage.database import Database

pytestmark = pytest.mark.both_backends


# Who signs the packets here (the `signer` fixture of tests/conftest.py).
SIGNER = ("Casey Compliance", "Compliance officer")


def test_the_register_packet_is_signed_and_lists_every_notice(
    database: Database, signer: Signer, tmp_path: Path
) -> None:
    build_register(database)
    text = signed_packet_text(
        database,
        PacketRequest(profile="register", period="2026-Q4"),
        tmp_path / "register-2026-Q4.pdf",
        signer,
        now=NOW,
    )
    assert "Review packet: Compliance register" in text
    assert "Register as of 2026-12-07 12:00:00 UTC" in text
    assert "notices late or overdue: 2 (marked ⚠)" in text
    for expected in [
        "demo:REG-1 GDPR Art. 33 2026-10-04 08:00 UTC 2026-10-03 15:00 UTC "
        "Dana Privacy (DPO) on time",
        "⚠ late by 3 h 30 min",
        "⚠ overdue by 3 d 6 h",
        "demo:REG-1 Lee Counsel legal to counsel and auditors, 2026-10-05",
        "GDPR initial notice within 72 h of detection",
        # REG-1, REG-2 and OPS-4 are payments' (RTO 60 min); REG-3's search has none.
        "2 of 3 incidents of services with an RTO recovered within it.",
        "payments demo:REG-1",
        "1 h 35 min missed by 35 min",
    ]:
        assert expected in text, expected
    # The incident with no exposure is in no register row, only the continuity count.
    assert "demo:OPS-4" not in text


def test_the_executive_packet_names_the_rto_miss(database: Database, tmp_path: Path) -> None:
    require_tools("pdftotext")
    build_register(database)
    out = tmp_path / "executive-2026-Q4.pdf"
    export_packet(
        database,
        PacketRequest(profile="executive", period="2026-Q4"),
        out,
        created_by="Casey Compliance",
        now=NOW,
    )
    text = squeezed(pdf_text(out))
    assert "Business continuity" in text
    # REG-1: payments' RTO is 60 minutes; impact 07:50 to 09:25 is 95.
    assert "missed by 35 min" in text
    assert (
        "2 of 3 incidents of services with an RTO recovered within it; 1 not recovered" not in text
    )
    assert "3 of 4 incidents" not in text
    assert "2 of 3 incidents of services with an RTO recovered within it." in text
