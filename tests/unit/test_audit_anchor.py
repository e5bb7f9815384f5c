"""The audit log held to the anchors packets carry: cutting or rewriting it is found.

A real import (PagerDuty's demo page), a correction recorded in the log, a signed
packet; then the log is cut or rewritten behind irdesk's back, as anyone with the
file and irdesk's own hash function could, and `irdesk db check` and
`irdesk verify --db` say so.
"""

import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from testdata import SHARED_DATA

from irdesk.cli.main import main
from irdesk.reports.signing.identity import create_identity
from irdesk.reports.signing.verify import verify_packet
from irdesk.storage.database import open_database
from irdesk.storage.records.audit import _entry_hash
from irdesk.storage.records.lifecycle_edits import set_override

PASSPHRASE = "anchor test phrase"


@dataclass(frozen=True)
class Exported:
    db: Path
    packets: Path
    pdf: Path
    packet_uid: str
    head: str


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """One import, one audited correction, one signed packet: made once, copied per test."""
    folder = tmp_path_factory.mktemp("anchor")
    db = folder / "reviews.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IRDESK_HOME", str(folder / "home"))
        patch.setenv("IRDESK_PASSPHRASE", PASSPHRASE)
        pagerduty = SHARED_DATA / "pagerduty_incidents_page.json"
        assert main(["import", str(pagerduty), "--db", str(db)]) == 0
        database = open_database(db)
        with contextlib.closing(sqlite3.connect(db)) as conn:
            (incident,) = conn.execute(
                "SELECT id FROM incident WHERE external_id = 'PH4UE4E'"
            ).fetchone()
        with database.transaction() as session:
            set_override(session, incident, "started_at", None, reason="no impact", actor="Zoë")
        database.close()
        identity = folder / "zoe.p12"
        create_identity(
            identity,
            name="Zoë Ñúñez",
            role="Review Facilitator",
            organisation=None,
            email=None,
            passphrase=PASSPHRASE.encode(),
        )
        packets = folder / "packets"
        pdf = packets / "legal.pdf"
        command = ["packet", "pagerduty:PH4UE4E", "--profile", "legal", "--out", str(pdf)]
        assert main([*command, "--sign", str(identity), "--db", str(db)]) == 0
    manifest = verify_packet(pdf).manifest
    assert manifest is not None
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (head,) = conn.execute("SELECT hash FROM audit_entry ORDER BY id LIMIT 1").fetchone()
    return Exported(db, packets, pdf, manifest["packet_id"], head)


@pytest.fixture
def db(exported: Exported, tmp_path: Path) -> Path:
    copy = tmp_path / "reviews.db"
    with (
        contextlib.closing(sqlite3.connect(exported.db)) as source,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
    return copy


def sql(path: Path, *statements: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        for statement in statements:
            conn.execute(statement)


def trusting(pdf: Path) -> tuple[str, str]:
    """--trust-fingerprint for the key that signed `pdf`: the signer is not the question here."""
    return ("--trust-fingerprint", verify_packet(pdf).signatures[0].key_sha256)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out + err


def test_the_packet_carries_the_logs_anchor_and_every_check_holds_it(
    exported: Exported, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = verify_packet(exported.pdf).manifest
    assert manifest is not None
    # One entry (the correction) when the packet was made; its export is the second.
    assert manifest["audit_log"] == {"entries": 1, "head": exported.head}
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT audit_entries, audit_head FROM packet").fetchall() == [
            (1, exported.head)
        ]
        (detail,) = conn.execute(
            "SELECT detail_json FROM audit_entry WHERE action = 'export_packet'"
        ).fetchone()
    assert f'"audit_anchor": {{"entries": 1, "head": "{exported.head}"}}' in detail

    code, out = run(capsys, "db", "check", str(db))
    assert code == 0 and "  packet anchors:  ok (1)\n" in out
    code, out = run(capsys, "db", "check", str(db), "--packets", str(exported.packets))
    assert code == 0 and "  packet anchors:  ok (2)\n" in out
    code, out = run(capsys, "verify", str(exported.pdf), *trusting(exported.pdf), "--db", str(db))
    assert code == 0, out
    assert f"audit log of {db}: holds the 1 entries this packet saw, and its export" in out


def test_the_newest_entry_removed_with_its_packet_row_is_found_by_the_packet_file(
    exported: Exported, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(db, "DELETE FROM audit_entry WHERE action = 'export_packet'", "DELETE FROM packet")

    # What the database alone can show: nothing is wrong. This is why packets carry anchors.
    code, out = run(capsys, "db", "check", str(db))
    assert code == 0 and "  audit log:       ok\n" in out

    code, out = run(capsys, "db", "check", str(db), "--packets", str(exported.packets))
    assert code == 1
    assert "  packet anchors:  BROKEN (1 of 1)\n" in out
    assert (
        f"    {exported.pdf}: the log holds no record of exporting packet {exported.packet_uid}: "
        "its newest entries were removed\n"
    ) in out
    assert out.endswith(f"irdesk: error: {db} failed its check.\n")

    code, out = run(capsys, "verify", str(exported.pdf), *trusting(exported.pdf), "--db", str(db))
    assert code == 1
    assert f"audit log of {db}: BROKEN: {exported.pdf}: the log holds no record" in out


def test_entries_cut_below_the_anchor_are_counted(
    exported: Exported, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(db, "DELETE FROM audit_entry", "DELETE FROM packet")
    code, out = run(capsys, "db", "check", str(db), "--packets", str(exported.packets))
    assert code == 1
    assert (
        f"{exported.pdf}: packet {exported.packet_uid} was exported when the log had 1 entries, "
        "and it has 0: entries were removed"
    ) in out


def rehash_everything(path: Path) -> None:
    """What someone with the file and irdesk's code can do: make every hash hold again."""
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        previous = "0" * 64
        rows = conn.execute(
            "SELECT id, occurred_at, actor, action, entity, entity_id, detail_json"
            " FROM audit_entry ORDER BY id"
        ).fetchall()
        for entry_id, when, actor, action, entity, entity_id, detail in rows:
            occurred = datetime.fromisoformat(when).replace(tzinfo=UTC)
            new = _entry_hash(previous, occurred, actor, action, entity, entity_id, detail)
            conn.execute(
                "UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE id = ?",
                (previous, new, entry_id),
            )
            previous = new


def test_a_rewritten_and_rehashed_log_is_found_by_the_anchor(
    exported: Exported, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(db, "UPDATE audit_entry SET actor = 'someone else' WHERE id = 1")
    rehash_everything(db)

    code, out = run(capsys, "db", "check", str(db))
    assert "  audit log:       ok\n" in out  # the chain holds again
    assert code == 1
    assert (
        f"packet {exported.packet_uid}'s record: the log's first 1 entries are not the ones "
        f"packet {exported.packet_uid} saw: they were rewritten"
    ) in out

    # The packet row rewritten too: the signed file still knows.
    sql(db, "UPDATE packet SET audit_head = (SELECT hash FROM audit_entry WHERE id = 1)")
    code, out = run(capsys, "db", "check", str(db))
    assert code == 0
    code, out = run(capsys, "verify", str(exported.pdf), *trusting(exported.pdf), "--db", str(db))
    assert code == 1 and "they were rewritten" in out
