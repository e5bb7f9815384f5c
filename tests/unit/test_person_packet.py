"""The manager packet for a person's period: the Period section as pdftotext reads it, on
the hand-built organisation of tests/person_fixture.py, and nothing from the notes about
anyone else."""

from datetime import date
from pathlib import Path

import pytest
from note_keys import MANAGER, OTHER_WORDS, WORDS
from packet_fixtures import pdf_text, require_tools
from person_fixture import FIRST, LAST, build

from irdesk.domain.enums import FeedbackKind, NoteDimension
from irdesk.reports.packets.export import PacketRequest, export_packet
from irdesk.storage.database import Database
from irdesk.storage.records import database_edits, feedback

pytestmark = pytest.mark.both_backends


def note(database: Database, person: int, incident: int, text: str, *dims: str) -> None:
    database_edits.add_note(
        database,
        person_id=person,
        incident_id=incident,
        kind=FeedbackKind.GROWTH,
        actor="tester",
        keyring=MANAGER,
        text=text,
        dimensions=list(dims),
    )


@pytest.fixture
def packet(database: Database, tmp_path: Path) -> tuple[str, bytes]:
    require_tools("pdftotext")
    ids = build(database)
    with database.transaction() as session:
        feedback.publish_reader(session, MANAGER.public)
    note(
        database,
        ids["Ana"],
        ids["PAY-1"],
        WORDS,
        NoteDimension.COMMUNICATION,
        NoteDimension.DOCUMENTATION,
    )
    note(database, ids["Ben"], ids["PAY-1"], OTHER_WORDS)
    out = tmp_path / "ana.pdf"
    export_packet(
        database,
        PacketRequest("manager", person="Ana", first_day=FIRST, last_day=LAST),
        out,
        created_by="tester",
        keyring=MANAGER,
    )
    return pdf_text(out), out.read_bytes()


def test_the_period_section_holds_the_facts(packet: tuple[str, bytes]) -> None:
    text = " ".join(packet[0].split())
    assert "Ana took part in 4 incidents between 2026-03-01 and 2026-04-30" in text
    for heading in (
        "Incidents and their part in each",
        "Load against their rotation and team",
        "Escalations received and passed on",
        "Action items they own",
        "Status updates during their incidents",
    ):
        assert heading in text
    assert "not counted: external cause" in text
    assert "12 min after the policy's time" in text
    assert "Alert on checkout latency" in text
    assert "Retire the old gateway" not in text  # due after the period


def test_her_notes_with_their_dimensions_and_nobody_elses(packet: tuple[str, bytes]) -> None:
    text, raw = packet
    flat = " ".join(text.split())
    assert WORDS in flat
    assert "about communication, documentation" in flat
    assert OTHER_WORDS not in flat
    assert OTHER_WORDS.encode() not in raw


def test_from_without_to_is_refused() -> None:
    with pytest.raises(ValueError, match="both --from and --to"):
        PacketRequest("manager", person="Ana", first_day=FIRST).check()
    with pytest.raises(ValueError, match="for the manager profile"):
        PacketRequest("executive", period="2026-Q1", first_day=FIRST, last_day=LAST).check()


def test_a_packet_for_part_of_the_period_counts_only_that_part(
    database: Database, tmp_path: Path
) -> None:
    """Ana took part in PAY-1, PAY-2, PAY-4 and PAY-3 (person_fixture.py); from 1 to 5 March
    only in PAY-1 (2 March): the overview, the incident list and the notes say 1, not 4."""
    require_tools("pdftotext")
    ids = build(database)
    with database.transaction() as session:
        feedback.publish_reader(session, MANAGER.public)
    note(database, ids["Ana"], ids["PAY-1"], WORDS)
    note(database, ids["Ana"], ids["PAY-3"], OTHER_WORDS)  # 1 April: after the days asked for
    out = tmp_path / "ana-march.pdf"
    export_packet(
        database,
        PacketRequest("manager", person="Ana", first_day=FIRST, last_day=date(2026, 3, 5)),
        out,
        created_by="tester",
        keyring=MANAGER,
    )
    text = " ".join(pdf_text(out).split())
    assert "Ana took part in 1 incident between 2026-03-01 and 2026-03-05" in text
    assert "Incidents taken part in, 2026-03-01 to 2026-03-05 1" in text
    assert "Feedback notes, 2026-03-01 to 2026-03-05 1" in text
    assert WORDS in text and OTHER_WORDS not in text
    incidents = text.split("Feedback notes Growth")[0].split("Incident Started Severity")[-1]
    assert "PAY-1" in incidents
    assert not any(other in incidents for other in ("PAY-2", "PAY-3", "PAY-4"))


def test_without_a_period_the_counts_say_they_are_all_time(
    database: Database, tmp_path: Path
) -> None:
    require_tools("pdftotext")
    build(database)
    out = tmp_path / "ana.pdf"
    export_packet(database, PacketRequest("manager", person="Ana"), out, created_by="tester")
    text = " ".join(pdf_text(out).split())
    assert "Incidents taken part in (all time) 4" in text
