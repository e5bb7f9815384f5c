"""irdesk identity / packet / countersign / verify as a compliance officer runs them.

Passphrases come from files (--passphrase-file) or the IRDESK_PASSPHRASE
variable, never from the command line.
"""

import errno
import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from packet_fixtures import pdf_text, require_tools, run_tool, tamper_page_content
from test_cli import irdesk
from testdata import CopyDemo

from irdesk.cli.main import main

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_db(tmp_path: Path, copy_demo: CopyDemo) -> Path:
    path = tmp_path / "demo.db"
    from datetime import date

    copy_demo(path, anchor=date(2026, 11, 28))
    return path


def _secret(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_sign_countersign_verify_and_a_tampered_copy(demo_db: Path, tmp_path: Path) -> None:
    require_tools("pdfsig")
    first = _secret(tmp_path, "first.txt", "facilitator phrase")
    second = _secret(tmp_path, "second.txt", "compliance phrase")
    made = irdesk(
        "identity",
        "create",
        str(tmp_path / "fac.p12"),
        "--name",
        "Ελένη Παπαδοπούλου",
        "--role",
        "Review Facilitator",
        "--passphrase-file",
        str(first),
    )
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "fac.pem").read_text().startswith("-----BEGIN CERTIFICATE-----")
    env = {**os.environ, "IRDESK_PASSPHRASE": "compliance phrase"}
    made = irdesk(
        "identity",
        "create",
        str(tmp_path / "comp.p12"),
        "--name",
        "Aiko Tanaka",
        "--role",
        "Compliance Officer",
        env=env,
    )
    assert made.returncode == 0, made.stderr

    packet = tmp_path / "legal.pdf"
    exported = irdesk(
        "packet",
        "demo:INC-1022",
        "--profile",
        "legal",
        "--out",
        str(packet),
        "--sign",
        str(tmp_path / "fac.p12"),
        "--passphrase-file",
        str(first),
        "--db",
        str(demo_db),
    )
    assert exported.returncode == 0, exported.stderr
    assert "signed by Ελένη Παπαδοπούλου" in exported.stdout
    assert "Summary" in pdf_text(packet)

    countersigned = irdesk(
        "countersign",
        str(packet),
        "--sign",
        str(tmp_path / "comp.p12"),
        "--passphrase-file",
        str(second),
        "--db",
        str(demo_db),
    )
    assert countersigned.returncode == 0, countersigned.stderr
    with closing(sqlite3.connect(demo_db)) as conn, conn:
        (signers,) = conn.execute("SELECT signers_json FROM packet").fetchone()
        actions = [a for (a,) in conn.execute("SELECT action FROM audit_entry ORDER BY id")]
    assert signers == '["Ελένη Παπαδοπούλου", "Aiko Tanaka"]'
    assert actions[-2:] == ["export_packet", "countersign_packet"]

    # Intact, but nobody named the signers: not verified, and the keys are shown to compare.
    unverified = irdesk("verify", str(packet))
    assert unverified.returncode == 1, unverified.stdout
    assert "Ελένη Παπαδοπούλου (Review Facilitator)" in unverified.stdout
    assert "after it: only later signatures or form fields filled" in unverified.stdout
    assert unverified.stdout.count("valid; signer UNVERIFIED") == 2
    assert unverified.stdout.count("signed with key SHA-256 ") == 2
    assert "result: NOT VERIFIED" in unverified.stdout
    assert "Key fingerprint (SHA-256)" in made.stdout
    comp_key = made.stdout.rsplit("Key fingerprint (SHA-256), to give readers by another way: ")[
        1
    ].strip()
    assert f"signed with key SHA-256 {comp_key} (Title: Compliance Officer" in unverified.stdout
    trusted = irdesk(
        "verify",
        str(packet),
        "--trust",
        str(tmp_path / "fac.pem"),
        "--trust",
        str(tmp_path / "comp.pem"),
    )
    assert trusted.returncode == 0 and trusted.stdout.count("signed by the key you named") == 2
    assert "result: OK" in trusted.stdout

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(tamper_page_content(packet.read_bytes()))
    failed = irdesk("verify", str(tampered))
    assert failed.returncode == 1
    assert "INVALID" in failed.stdout and "result: FAILED" in failed.stdout
    assert "Signature is Valid." not in run_tool("pdfsig", str(tampered)).stdout


def test_a_wrong_passphrase_writes_nothing_and_records_nothing(
    demo_db: Path, tmp_path: Path
) -> None:
    right = _secret(tmp_path, "right.txt", "the right phrase")
    wrong = _secret(tmp_path, "wrong.txt", "not the phrase")
    identity = tmp_path / "id.p12"
    assert (
        irdesk(
            "identity", "create", str(identity), "--name", "Kwame", "--passphrase-file", str(right)
        ).returncode
        == 0
    )
    out = tmp_path / "p.pdf"
    result = irdesk(
        "packet",
        "4",
        "--profile",
        "postmortem",
        "--out",
        str(out),
        "--sign",
        str(identity),
        "--passphrase-file",
        str(wrong),
        "--db",
        str(demo_db),
    )
    assert result.returncode == 1
    assert "wrong passphrase" in result.stderr and "No packet was written." in result.stderr
    assert not out.exists()
    with closing(sqlite3.connect(demo_db)) as conn, conn:
        assert conn.execute("SELECT count(*) FROM packet").fetchone() == (0,)


def test_usage_errors_name_what_is_wrong(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # In-process: each case is about the command line, not about a fresh process.
    out = str(tmp_path / "x.pdf")
    cases = {
        ("packet", "--profile", "manager", "--period", "2026-Q3", "--out", out): "about a person",
        ("packet", "4", "--profile", "legal"): "--out FILE",
        ("packet", "--profile", "executive", "--period", "2026-Q5", "--out", out): "like 2026-Q3",
        ("packet", "4", "--profile", "board", "--out", out): "unknown profile 'board'",
        # A period given as days says how a period is named.
        (
            "packet",
            "--profile",
            "calibration",
            "--from",
            "2026-07-01",
            "--to",
            "2026-09-30",
            "--out",
            out,
        ): "about a period (--period 2026-Q3, 2026-07 or 2026)",
    }
    for args, message in cases.items():
        assert main([*args, "--db", str(demo_db)]) == 1, args
        assert message in capsys.readouterr().err
    args = ["packet", "no-such", "--profile", "legal", "--out", out, "--db", str(demo_db)]
    assert main(args) == 1
    assert "no incident 'no-such'" in capsys.readouterr().err
    args = ["packet", "--profile", "executive", "--period", "2026-Q3", "--policy-version", "9"]
    assert main([*args, "--out", out, "--db", str(demo_db)]) == 1
    assert "there is no policy version 9 in demo.db (versions: 1, 2)" in capsys.readouterr().err
    missing = tmp_path / "no-such-passphrase.txt"
    args = ["packet", "INC-1022", "--profile", "legal", "--out", out, "--sign", str(missing)]
    assert main([*args, "--passphrase-file", str(missing), "--db", str(demo_db)]) == 1
    assert f"cannot read the passphrase file {missing}" in capsys.readouterr().err
    assert not Path(out).exists()


def test_an_existing_packet_is_replaced_only_with_force(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "INC-1022-legal.pdf"
    out.write_bytes(b"%PDF- a signed packet that already left the building")
    args = ["packet", "INC-1022", "--profile", "legal", "--out", str(out), "--db", str(demo_db)]
    assert main(args) == 1
    assert "already exists; add --force" in capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF- a signed packet")
    with closing(sqlite3.connect(demo_db)) as conn, conn:
        assert conn.execute("SELECT count(*) FROM packet").fetchone() == (0,)
    conn.close()
    assert main([*args, "--force"]) == 0  # "INC-1022": the ID the list shows
    assert "Wrote" in capsys.readouterr().out
    assert pdf_text(out).count("INC-1022") > 0


def test_an_unsigned_packet_does_not_verify(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "unsigned.pdf"
    args = ["packet", "--profile", "executive", "--period", "2026-Q3", "--out", str(out)]
    assert main([*args, "--db", str(demo_db)]) == 0
    assert "not signed" in capsys.readouterr().out
    assert main(["verify", str(out)]) == 1
    shown = capsys.readouterr().out
    assert "problem: the packet is not signed" in shown
    assert "signature field Signature1: not signed yet" in shown


def test_the_redaction_preview_lists_what_will_be_removed(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["packet", "demo:INC-1022", "--profile", "insurance", "--preview", "--db", str(demo_db)]
    assert main(args) == 0
    assert "name: 'Emre Ağaoğlu' -> 'Site Reliability Engineer'" in capsys.readouterr().out


def test_the_preview_lists_exactly_what_the_export_removes(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for profile in ("insurance", "postmortem"):
        base = ["packet", "demo:INC-1022", "--profile", profile, "--db", str(demo_db)]
        assert main([*base, "--preview"]) == 0
        preview = capsys.readouterr().out
        listed = [line.strip() for line in preview.splitlines() if line.startswith("  ")]
        total = int(preview.split(" removes ")[1].split(" piece")[0])
        assert main([*base, "--out", str(tmp_path / f"{profile}.pdf")]) == 0
        exported = capsys.readouterr().out
        assert f"Redacted {total} pieces of text" in exported, (preview, exported)
        assert listed and total == sum(int(line.rsplit("(", 1)[1].rstrip("x)")) for line in listed)


def test_a_link_planted_at_the_old_partial_name_is_not_written_through(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"someone else's file")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    planted = out_dir / ".legal.pdf.partial"
    planted.symlink_to(victim)
    args = ["packet", "INC-1022", "--profile", "legal", "--db", str(demo_db)]
    assert main([*args, "--out", str(out_dir / "legal.pdf")]) == 0, capsys.readouterr().err
    assert planted.is_symlink() and planted.readlink() == victim
    assert victim.read_bytes() == b"someone else's file"
    assert sorted(p.name for p in out_dir.iterdir()) == [".legal.pdf.partial", "legal.pdf"]
    assert (out_dir / "legal.pdf").read_bytes().startswith(b"%PDF")


def test_a_link_fifo_or_device_as_out_is_refused_even_with_force(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"someone else's file")
    link = tmp_path / "link.pdf"
    link.symlink_to(victim)
    fifo = tmp_path / "fifo.pdf"
    os.mkfifo(fifo)
    cases = {link: "is a symbolic link", fifo: "is a named pipe (FIFO)"}
    # /dev/null is only checked, and refused before any work: the write never comes near it.
    cases[Path("/dev/null")] = "is a device"
    args = ["packet", "INC-1022", "--profile", "legal", "--db", str(demo_db), "--force"]
    for out, kind in cases.items():
        assert main([*args, "--out", str(out)]) == 1, out
        err = capsys.readouterr().err
        assert f"irdesk: error: {out} {kind}" in err and "No packet was written." in err
        assert "Traceback" not in err
    assert link.readlink() == victim and victim.read_bytes() == b"someone else's file"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    with closing(sqlite3.connect(demo_db)) as conn, conn:
        assert conn.execute("SELECT count(*) FROM packet").fetchone() == (0,)
    conn.close()


def test_a_failure_mid_write_leaves_no_packet_no_temporary_file_and_no_record(
    demo_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from irdesk.storage import files

    def disk_full(_handle: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    monkeypatch.setattr(files.os, "fsync", disk_full)
    args = ["packet", "INC-1022", "--profile", "legal", "--db", str(demo_db)]
    assert main([*args, "--out", str(out_dir / "legal.pdf")]) == 1
    err = capsys.readouterr().err
    assert f"irdesk: error: cannot write {out_dir / 'legal.pdf'}: No space left on device" in err
    assert "No packet was written." in err and "Traceback" not in err
    assert list(out_dir.iterdir()) == []
    with closing(sqlite3.connect(demo_db)) as conn, conn:
        assert conn.execute("SELECT count(*) FROM packet").fetchone() == (0,)
    conn.close()
