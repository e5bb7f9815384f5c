"""User text that once broke packets: dollar signs in names and enormous unbroken words.

The demo organisation, with one incident's service renamed `deploy-${ENV}_$ api` and
its events' sources set to math-looking text, one event holding a 30,000-character
word and an action item whose description is longer than a page: every profile still
exports, and pdftotext (poppler, not irdesk) reads each name exactly as typed and each
long word's every character in order.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from packet_fixtures import PROFILES, pdf_text, require_tools
from sqlmodel import col, func, select
from testdata import CopyDemo

from irdesk.domain.enums import EventKind
from irdesk.domain.models import ActionItem, Incident, Person, Review, Service, TimelineEvent
from irdesk.reports.packets.export import PacketRequest, export_packet
from irdesk.storage.database import open_database

SERVICE = "deploy-${ENV}_$ api"
SOURCES = (r"$\undefinedmacro$", "costs $5 and $6")
# Not one letter repeated: a word whose characters can be checked in order.
HUGE_WORD = "".join(chr(0x41 + (n * 7) % 26) + str(n % 10) for n in range(15_000))
# In a table cell: a row taller than a page once failed the whole packet.
HUGE_CELL = "".join(chr(0x61 + (n * 5) % 26) + str(n % 7) for n in range(6_000))


@dataclass(frozen=True)
class Exported:
    texts: dict[str, str]


def squash(text: str) -> str:
    """pdftotext wraps lines where the page did: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, copy_demo: CopyDemo) -> Exported:
    require_tools("pdftotext")
    folder = tmp_path_factory.mktemp("user-text")
    db_path = folder / "demo.db"
    copy_demo(db_path, anchor=date(2026, 11, 28))
    database = open_database(db_path)
    try:
        with database.transaction() as session:
            incident = session.exec(
                select(Incident)
                .join(Review, col(Review.incident_id) == col(Incident.id))
                .join(TimelineEvent, col(TimelineEvent.incident_id) == col(Incident.id))
                .group_by(col(Incident.id))
                .order_by(func.count().desc(), col(Incident.id))
                .limit(1)
            ).one()
            assert incident.started_at is not None and incident.service_id is not None
            service = session.get(Service, incident.service_id)
            assert service is not None
            service.name = SERVICE
            session.add(service)
            events = session.exec(
                select(TimelineEvent).where(TimelineEvent.incident_id == incident.id)
            ).all()
            for event, source in zip(events, SOURCES, strict=False):
                event.source = source
                session.add(event)
            session.add(
                TimelineEvent(
                    incident_id=incident.id,
                    occurred_at=incident.started_at + timedelta(minutes=2),
                    kind=EventKind.NOTE,
                    source="slack",
                    text=f"before {HUGE_WORD} after",
                )
            )
            review = session.exec(select(Review).where(Review.incident_id == incident.id)).one()
            session.add(
                ActionItem(review_id=review.id, title="Read the dump", description=HUGE_CELL)
            )
            person = session.exec(select(Person).where(Person.name == "Emre Ağaoğlu")).one()
            quarter = (incident.started_at.month - 1) // 3 + 1
            period = f"{incident.started_at.year}-Q{quarter}"
            requests = {
                "legal": PacketRequest("legal", incident_id=incident.id),
                "insurance": PacketRequest("insurance", incident_id=incident.id),
                "postmortem": PacketRequest("postmortem", incident_id=incident.id),
                "executive": PacketRequest("executive", period=period),
                "manager": PacketRequest("manager", person=person.name),
            }
        texts = {}
        for profile, request in requests.items():
            out: Path = folder / f"{profile}.pdf"
            export_packet(database, request, out, created_by="tester")
            texts[profile] = pdf_text(out)
    finally:
        database.close()
    return Exported(texts)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_exports_with_dollars_in_names(exported: Exported, profile: str) -> None:
    assert "Data manifest" in exported.texts[profile]


@pytest.mark.parametrize("profile", ["legal", "insurance", "postmortem", "executive"])
def test_the_service_name_prints_as_typed(exported: Exported, profile: str) -> None:
    assert squash(SERVICE) in squash(exported.texts[profile])


@pytest.mark.parametrize("profile", ["legal", "insurance", "postmortem"])
def test_event_sources_print_as_typed(exported: Exported, profile: str) -> None:
    for source in SOURCES:
        assert squash(source) in squash(exported.texts[profile]), source


def without_page_furniture(text: str, *also: str) -> str:
    """The page's text without the header and footer lines a long word runs through
    (and the lines `also`: a table's header, repeated on each page, and its other cells)."""
    page = [r"irdesk review packet · .*", r"[A-Z —]+", r"Packet PKT-\S+", r"Page \d+"]
    furniture = re.compile("|".join([*page, *map(re.escape, also)]))
    return "\n".join(line for line in text.splitlines() if not furniture.fullmatch(line.strip()))


def test_a_huge_word_keeps_every_character_in_order(exported: Exported) -> None:
    text = squash(without_page_furniture(exported.texts["legal"]))
    # Across lines and pages, never shortened, nothing added.
    assert squash(f"before {HUGE_WORD} after") in text


@pytest.mark.parametrize("profile", ["legal", "postmortem"])
def test_a_table_cell_longer_than_a_page_continues_on_the_next(
    exported: Exported, profile: str
) -> None:
    cells = ("Action", "Owner", "Due", "Status", "Ticket", "—", "open")
    text = squash(without_page_furniture(exported.texts[profile], *cells))
    assert squash(f"Read the dump {HUGE_CELL}") in text
