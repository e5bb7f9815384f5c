"""The calibration packet on the hand-built reviews of tests/review_feedback_fixture.py,
signed and read with poppler's pdfsig and pdftotext: teams side by side for 2026-Q4,
the override and its reason, review health with the two-answer group withheld, and the
session held with the policy version it led to."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from note_keys import HR, MANAGER
from packet_fixtures import Signer, pdf_text, require_tools, signed_packet_text, squeezed
from review_feedback_fixture import ACTOR, add_factor_findings, add_notes, build_reviews

from irdesk.reports.packets.export import PacketRequest, export_packet
from irdesk.storage.database import Database
from irdesk.storage.records.calibration_sessions import SessionDraft, record_session
from irdesk.storage.sealing import short_fingerprint

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


# Who signs the packets here (the `signer` fixture of tests/conftest.py).
SIGNER = ("Robin Review-Owner", "Head of reliability")
Q4 = PacketRequest(profile="calibration", period="2026-Q4", as_of=NOW)


def test_the_calibration_packet_is_signed_and_withholds_small_groups(
    database: Database, signer: Signer, tmp_path: Path
) -> None:
    build_reviews(database)
    record_session(
        database,
        None,
        0,
        SessionDraft(
            held_on=date(2026, 12, 3),
            period_from=date(2026, 10, 1),
            period_to=date(2026, 12, 31),
            attendees=("Ana", "Eli"),
            discussed="Payments chose a full review v2 would not ask for",
            decisions="Card data makes a review full",
            policy_version=2,
        ),
        actor=ACTOR,
    )
    text = signed_packet_text(database, Q4, tmp_path / "calibration-2026-Q4.pdf", signer, now=NOW)
    assert "Review packet: Calibration" in text
    for expected in [
        # Q4 alone: P-2 for Payments (36 h to approval), S-2 for Search (204 h).
        "Measure Payments Search",
        "Reviews approved 1 1",
        "Resolution to approval (median) 36.0 h 8.5 d",
        "Action items with an owner 2 of 2 (100%) 1 of 1 (100%)",
        "… linked to a finding 1 of 2 (50%) 1 of 1 (100%)",
        "… done on time (of those due) 0 of 1 (0%) 0 of 1 (0%)",
        "Payments demo:P-2 full, proposed lightweight Card data involved",
        "Payments demo:P-2 approved over blame flags Quoted customer email",
        # Four answers on P-2: shown, with no earlier quarter to compare.
        "full · Payments · 2026-Q4 v2 1 4 8.0 4.5 4.5 1 of 2 (50%)",
        # Two answers on S-2: withheld, with no figure of theirs anywhere.
        "lightweight · Search · 2026-Q4 v2 1 fewer than 3 — — — 1 of 1 (100%)",
        "v2 2026-10-01 Full reviews for SEV1 only",
        "2026-12-03 Ana, Eli Payments chose a full review v2 would not ask for "
        "Card data makes a review full v2: Full reviews for SEV1 only",
    ]:
        assert expected in text, expected
    # P-2 was chosen full where v2 proposed lightweight (pdftotext drops the spaces here).
    assert "Fullreviews:chosen/proposed1/00/0" in text.replace(" ", "")
    # S-2's answers were useful 2 and 3, safe 2 and 2: neither mean reaches the page.
    assert "2.5" not in text
    assert " 2.0 " not in text


def test_the_packet_compares_tagging_and_the_notes_its_maker_may_read(
    database: Database, signer: Signer, tmp_path: Path
) -> None:
    """2026-Q4 holds P-2 (Payments) and S-2 (Search). Their findings: P-2 a near miss
    tagged dependency as suggested, and change added by hand; S-2 "other" (tooling
    rejected) and a near miss tagged coordination (detection rejected). Notes: Cy's on
    P-2 and Fay's on S-2 are sealed to HR only; Dee's on P-2, to the packet's maker,
    names no dimension."""
    ids = build_reviews(database)
    add_factor_findings(database)
    add_notes(database, ids, MANAGER, HR)
    out = tmp_path / "calibration-2026-Q4.pdf"
    text = signed_packet_text(database, Q4, out, signer, now=NOW, keyring=MANAGER)
    reader = f"Morgan Manager ({short_fingerprint(MANAGER.fingerprint)})"
    for expected in [
        "Contributing factors by team",
        "Findings: contributing factors and near misses 2 2",
        "… tagged with a factor 2 of 2 (100%) 2 of 2 (100%)",
        "… tagged “other” 0 of 2 (0%) 1 of 2 (50%)",
        "Factor: change (of tagged) 1 of 2 (50%) 0 of 2 (0%)",
        "Factor: coordination (of tagged) 0 of 2 (0%) 1 of 2 (50%)",
        "Factor: dependency (of tagged) 1 of 2 (50%) 0 of 2 (0%)",
        "Suggestions confirmed 1 of 1 (100%) 1 of 3 (33%)",
        "Suggestions rejected 0 of 1 (0%) 2 of 3 (67%)",
        "Factors added without a suggestion 1 1",
        # Two findings a team: too few to flag a difference.
        "No team tags differently from the others.",
        "Feedback-note dimensions",
        f"Feedback-note dimensions read with the keys of {reader}: 1 of 3 notes opened; "
        "2 locked to other readers, counted and not read.",
        "Feedback notes 2 1",
        "… locked (counted, not read) 1 1",
        "… about procedure 0 of 1 (0%) —",
        "… naming no dimension 1 of 1 (100%) —",
    ]:
        assert expected in text, expected
    # Cy's note on P-2 names procedure, sealed to HR: it is counted, never read.
    assert "1 of 1 (100%) —" not in text.split("… about procedure")[1].split("…")[0]
    assert "Note on" not in text


def test_a_packet_made_without_keys_counts_the_notes_only(
    database: Database, tmp_path: Path
) -> None:
    require_tools("pdftotext")
    ids = build_reviews(database)
    add_notes(database, ids, MANAGER, HR)
    out = tmp_path / "calibration-2026-Q4.pdf"
    export_packet(
        database,
        Q4,
        out,
        created_by="Robin Review-Owner",
        now=NOW,
    )
    text = squeezed(pdf_text(out))
    for expected in [
        "No reader's keys were used: 3 feedback notes counted, none read.",
        "Feedback notes 2 1",
        "… locked (counted, not read) 2 1",
        "… about communication — —",
    ]:
        assert expected in text, expected
