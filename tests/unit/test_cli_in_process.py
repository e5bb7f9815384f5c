"""`irdesk db check`, `irdesk countersign` and the Review tab's sheet, in this process.

The end-to-end tests run these as subprocesses, which say the exit code is right but
leave the code unmeasured; here the same outcomes are asserted through `main([...])`
and the functions behind it, on copies of the session's demo database and packets.
"""

import contextlib
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from packet_fixtures import (
    COUNTER_PASSPHRASE,
    FEEDBACK,
    PacketWorld,
    tamper_page_content,
)

from irdesk.cli.main import main
from irdesk.reports.signing.countersign import CountersignRefused, countersign_packet
from irdesk.reports.signing.identity import read_identity
from irdesk.reports.signing.verify import verify_packet
from irdesk.storage.check import check_database
from irdesk.storage.database import open_database
from irdesk.storage.reads.review_sheet import load_sheet
from irdesk.storage.schema_revisions import REVISIONS


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of a closed or open SQLite file (its WAL folded in)."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
    return target


def secret(folder: Path, text: bytes) -> Path:
    path = folder / "phrase.txt"
    path.write_bytes(text + b"\n")
    return path


def packet_rows(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (count,) = conn.execute("SELECT count(*) FROM packet").fetchone()
        return int(count)


def audit_actions(db: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return [a for (a,) in conn.execute("SELECT action FROM audit_entry ORDER BY id")]


# --- irdesk db check ---------------------------------------------------------------------


def test_check_of_an_intact_database_lists_its_rows_and_exits_zero(
    packet_world: PacketWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = copy_database(packet_world.db_path, tmp_path / "demo.db")
    assert main(["db", "check", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == str(db)
    assert out[1:6] == [
        f"  schema revision: {REVISIONS[-1]} (current)",
        "  integrity:       ok",
        "  foreign keys:    ok",
        "  audit log:       ok",
        f"  packet anchors:  ok ({packet_rows(db)})",  # one for each packet recorded
    ]
    assert out[6].startswith("  rows:            incident 78, timeline_event ")
    assert out[6].endswith(f", audit_entry {len(audit_actions(db))}")


def test_check_of_a_damaged_file_lists_what_sqlite_found_and_exits_one(
    packet_world: PacketWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = copy_database(packet_world.db_path, tmp_path / "demo.db")
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        leaves = conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'ix_timeline_incident_time'"
            " AND pagetype = 'leaf' ORDER BY pageno LIMIT 2"
        ).fetchall()
    data = bytearray(db.read_bytes())
    for (number,) in leaves:  # scribble over two page headers of an index
        start = (number - 1) * page_size
        data[start + 1 : start + 12] = b"\xff" * 11
    db.write_bytes(bytes(data))

    report = check_database(db)
    assert not report.ok and report.integrity != ["ok"]
    assert report.counts == {}  # the damaged pages are not read for counts

    assert main(["db", "check", str(db)]) == 1
    captured = capsys.readouterr()
    assert "  integrity:       DAMAGED" in captured.out
    assert "  foreign keys:    not checked (the file is damaged)" in captured.out
    problems = [line for line in captured.out.splitlines() if line.startswith("    ")]
    assert problems == [f"    {line}" for line in report.integrity]
    assert captured.err == f"irdesk: error: {db} failed its check.\n"


def test_check_names_the_first_audit_entry_edited_behind_irdesks_back(
    packet_world: PacketWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = copy_database(packet_world.db_path, tmp_path / "demo.db")
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE audit_entry SET actor = 'someone else' WHERE id = 3")

    report = check_database(db)
    assert report.audit_broken_at == 3
    assert not report.ok

    assert main(["db", "check", str(db)]) == 1
    captured = capsys.readouterr()
    assert "  audit log:       TAMPERED: entry 3 does not match its hash" in captured.out
    assert captured.err == f"irdesk: error: {db} failed its check.\n"


# --- the Review tab's sheet --------------------------------------------------------------


def test_the_review_sheet_holds_the_review_timeline_and_people_but_no_feedback(
    packet_world: PacketWorld, tmp_path: Path
) -> None:
    db = open_database(copy_database(packet_world.db_path, tmp_path / "demo.db"))
    try:
        with db.session() as session:
            sheet = load_sheet(session, packet_world.incident_id)
            missing = load_sheet(session, 10_000)
    finally:
        db.close()
    assert missing is None
    assert sheet is not None
    external_id = packet_world.incident_ref.split(":", 1)[1]
    assert sheet.incident_label.startswith(f"{external_id} — ")
    assert sheet.review is not None and sheet.proposed_due_on is None
    assert sheet.findings and all(f.review_id == sheet.review.id for f in sheet.findings)
    texts = [event.text for event in sheet.events]
    assert "Alert fired (corrected wording)" in texts  # the correction, not the original
    assert any(text.startswith("Paged oncall.lead@larkspur.example") for text in texts)
    assert [e.occurred_at for e in sheet.events] == sorted(e.occurred_at for e in sheet.events)
    names = [person.name for person in sheet.people]
    assert "Zoë Ñúñez" in names and names == sorted(names)
    assert sheet.person_name(sheet.people[0].id) == names[0]
    assert sheet.person_name(None) is None
    # Feedback notes are personnel data: no review view reads them.
    assert FEEDBACK not in repr(sheet)


# --- irdesk countersign ------------------------------------------------------------------


def countersign_world(packet_world: PacketWorld, folder: Path) -> tuple[Path, Path, Path]:
    """A copy of the legal packet and of the database that exported it, and the phrase."""
    packet = folder / "legal.pdf"
    shutil.copyfile(packet_world.packets["legal"].path, packet)
    db = copy_database(packet_world.db_path, folder / "demo.db")
    return packet, db, secret(folder, COUNTER_PASSPHRASE)


def test_a_countersignature_is_recorded_in_the_database_that_exported_the_packet(
    packet_world: PacketWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packet, db, phrase = countersign_world(packet_world, tmp_path)
    before = audit_actions(db)
    args = ["countersign", str(packet), "--sign", str(packet_world.counter_identity)]
    assert main([*args, "--passphrase-file", str(phrase), "--db", str(db)]) == 0

    out = capsys.readouterr().out.splitlines()
    digest = hashlib.sha256(packet.read_bytes()).hexdigest()
    assert out[0] == f"Countersigned {packet} as 王伟. SHA-256 {digest}."
    assert out[1].startswith("Signature 1 was made with key SHA-256 ")
    assert out[1].endswith("(not checked: compare it with the signer's).")
    assert len(out) == 2  # recorded: no note saying otherwise
    assert audit_actions(db) == [*before, "countersign_packet"]
    with contextlib.closing(sqlite3.connect(db)) as conn:
        uid = packet_world.packets["legal"].packet_uid
        (signers, sha256) = conn.execute(
            "SELECT signers_json, sha256 FROM packet WHERE packet_uid = ?", (uid,)
        ).fetchone()
    assert signers == '["Zoë Ñúñez", "王伟"]' and sha256 == digest
    # The entry names the key that countersigned: its certificate's SHA-256.
    pem = read_identity(packet_world.counter_identity, COUNTER_PASSPHRASE).certificate_pem
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (detail,) = conn.execute(
            "SELECT detail_json FROM audit_entry WHERE action = 'countersign_packet'"
        ).fetchone()
    certificate = x509.load_pem_x509_certificate(pem).fingerprint(hashes.SHA256()).hex()
    assert json.loads(detail)["signer_certificate"] == certificate
    assert len(verify_packet(packet).signatures) == 2


def test_a_packet_another_database_exported_is_countersigned_but_not_recorded(
    packet_world: PacketWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packet, _db, phrase = countersign_world(packet_world, tmp_path)
    other = tmp_path / "other.db"
    open_database(other).close()
    out = tmp_path / "countersigned.pdf"
    args = ["countersign", str(packet), "--sign", str(packet_world.counter_identity)]
    args += ["--passphrase-file", str(phrase), "--db", str(other), "--out", str(out)]
    assert main(args) == 0

    uid = packet_world.packets["legal"].packet_uid
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"(packet {uid} was not exported from {other}; not recorded)"
    )
    assert audit_actions(other) == []
    assert packet.read_bytes() == packet_world.packets["legal"].path.read_bytes()
    assert len(verify_packet(out).signatures) == 2


def test_a_wrong_passphrase_changes_neither_the_packet_nor_the_database(
    packet_world: PacketWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packet, db, _phrase = countersign_world(packet_world, tmp_path)
    wrong = secret(tmp_path, b"not the phrase")
    before = (packet.read_bytes(), audit_actions(db))
    args = ["countersign", str(packet), "--sign", str(packet_world.counter_identity)]
    assert main([*args, "--passphrase-file", str(wrong), "--db", str(db)]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "wrong passphrase" in captured.err
    assert captured.err.rstrip().endswith("The packet was not changed.")
    assert (packet.read_bytes(), audit_actions(db)) == before


def test_a_packet_altered_after_signing_is_refused(
    packet_world: PacketWorld, tmp_path: Path
) -> None:
    packet, db, _phrase = countersign_world(packet_world, tmp_path)
    altered = tamper_page_content(packet.read_bytes())
    packet.write_bytes(altered)
    database = open_database(db)
    try:
        with pytest.raises(CountersignRefused, match="does not verify as it is"):
            countersign_packet(
                packet,
                packet_world.counter_identity,
                COUNTER_PASSPHRASE,
                actor="tester",
                database=database,
            )
    finally:
        database.close()
    assert packet.read_bytes() == altered
    assert audit_actions(db)[-1] == "export_packet"
