"""`irdesk register` as a user runs it: subprocesses, on the hand-built register of
tests/register_fixture.py and on /work/shared/data/pagerduty_incidents_page.json (PE8XPNI:
triggered 2021-05-03 19:01:52 UTC, resolved 19:10:47)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from register_fixture import EXPECTED_CELLS, build_register
from testdata import SHARED_DATA, database_dump

from irdesk.storage.database import open_database

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
AS_OF = ("--as-of", "2026-12-07T12:00Z")


def irdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def hand_built(tmp_path: Path) -> Path:
    path = tmp_path / "register.db"
    database = open_database(path)
    build_register(database)
    database.close()
    return path


pytestmark = pytest.mark.slow


def test_json_rows_are_the_cells_written_out_by_hand(hand_built: Path) -> None:
    done = irdesk("register", "--db", str(hand_built), "--format", "json", *AS_OF)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["as_of"] == "2026-12-07T12:00:00+00:00"
    assert [r["cells"] for r in data["rows"]] == EXPECTED_CELLS
    assert [r["notice"]["breached"] for r in data["rows"]] == [False, True, True]
    assert data["rows"][0]["continuity"] == {
        "recovery_minutes": 95.0,
        "rto_minutes": 60.0,
        "rpo_minutes": 15.0,
        "rto_missed_by_minutes": 35.0,
    }
    assert data["rows"][0]["legal_signoff"] == ["Lee Counsel"]


def test_the_table_marks_breaches_and_counts_them(hand_built: Path) -> None:
    done = irdesk("register", "--db", str(hand_built), *AS_OF)
    assert done.returncode == 0, done.stderr
    assert "⚠ overdue by 3 d 6 h" in done.stdout
    assert "⚠ late by 3 h 30 min" in done.stdout
    assert done.stdout.rstrip().endswith(
        "3 incidents; 2 notices late or overdue (as of 2026-12-07 12:00 UTC)."
    )


def test_bad_input_is_one_located_sentence_and_changes_nothing(hand_built: Path) -> None:
    before = database_dump(hand_built)
    for args, message in [
        (
            ("notice", "demo:REG-3", "--at", "2026-12-05 10:00", "--by", "Dana"),
            "--at: '2026-12-05 10:00' has no time zone",
        ),
        (
            ("notice", "demo:REG-3", "--at", "2026-12-05T10:00Z"),
            "--by: who gave notice is needed with --at",
        ),
        (
            ("notice", "demo:REG-9", "--at", "2026-12-05T10:00Z", "--by", "D"),
            "no incident 'demo:REG-9'",
        ),
        (("rule", "GDPR", "--hours", "-3"), "--hours: expected more than 0 hours, got '-3'"),
    ]:
        done = irdesk("register", *args, "--db", str(hand_built))
        assert done.returncode == 1, args
        assert done.stderr.startswith(f"irdesk: error: {message}"), done.stderr
        assert done.stdout == ""
    assert database_dump(hand_built) == before


def test_a_real_sample_notified_late_then_the_rule_relaxed(tmp_path: Path) -> None:
    db = str(tmp_path / "pd.db")
    assert irdesk("import", str(PD_PAGE), "--db", db).returncode == 0
    assert irdesk("register", "rule", "GDPR", "--hours", "72", "--db", db).returncode == 0
    done = irdesk(
        "classify",
        "PE8XPNI",
        "--regulatory-exposure",
        "GDPR Art. 33",
        "--notification-deadline",
        "2021-06-30T00:00Z",
        "--db",
        db,
    )
    assert done.returncode == 0, done.stderr
    done = irdesk(
        "register", "notice", "PE8XPNI", "--at", "2021-05-07T09:00+02:00", "--by", "DPO", "--db", db
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "pagerduty:PE8XPNI: notice given 2021-05-07 07:00 UTC by DPO\n"
    row = json.loads(irdesk("register", "--db", db, "--format", "json").stdout)["rows"][0]
    cells = row["cells"]
    assert (cells["incident"], cells["detected"], cells["deadline"]) == (
        "pagerduty:PE8XPNI",
        "2021-05-03 19:01 UTC",
        "2021-05-06 19:01 UTC",
    )
    # 07:00 on the 7th against 19:01:52 on the 6th.
    assert cells["status"] == "⚠ late by 11 h 58 min"
    assert cells["recovery"] == "9 min"
    assert cells["rto"] == "—"
    done = irdesk("register", "rule", "gdpr", "--hours", "96", "--notice", "notice", "--db", db)
    assert done.stdout == "gdpr: notice within 96 h of detection\n"
    cells = json.loads(irdesk("register", "--db", db, "--format", "json").stdout)["rows"][0][
        "cells"
    ]
    assert (cells["rule"], cells["status"]) == ("notice within 96 h of detection", "on time")


def test_irdesk_packet_register_is_signed_and_pdfsig_accepts_it(
    hand_built: Path, tmp_path: Path
) -> None:
    from packet_fixtures import PASSPHRASE, pdf_text, require_tools, run_tool

    from irdesk.reports.signing.identity import create_identity

    require_tools("pdfsig", "pdftotext")
    identity = tmp_path / "officer.p12"
    create_identity(
        identity,
        name="Casey Compliance",
        role=None,
        organisation=None,
        email=None,
        passphrase=PASSPHRASE,
    )
    phrase = tmp_path / "phrase.txt"
    phrase.write_bytes(PASSPHRASE + b"\n")
    out = tmp_path / "register-2026-Q4.pdf"
    done = irdesk(
        "packet",
        "--profile",
        "register",
        "--period",
        "2026-Q4",
        "--out",
        str(out),
        "--sign",
        str(identity),
        "--passphrase-file",
        str(phrase),
        "--db",
        str(hand_built),
    )
    assert done.returncode == 0, done.stderr
    signatures = run_tool("pdfsig", str(out))
    assert signatures.returncode == 0, signatures.stderr
    assert signatures.stdout.count("Signature is Valid.") == 1
    assert "Signer Certificate Common Name: Casey Compliance" in signatures.stdout
    text = " ".join(pdf_text(out).split())
    assert "Review packet: Compliance register" in text
    assert "⚠ late by 3 h 30 min" in text
    assert "1 h 35 min missed by 35 min" in text
