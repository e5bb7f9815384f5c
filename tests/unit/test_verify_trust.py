"""A forged packet never verifies: trust is bound to a key or to a CA the reader names.

The forgery: a packet exported from an altered copy of the database and signed by
a new self-made identity carrying the real signer's name, role and organisation.
Its signature is intact and valid; only the key tells it apart.
"""

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from packet_fixtures import PASSPHRASE, PacketWorld, require_tools, run_tool
from pki import ISSUED_PASSPHRASE, issue_identity, make_ca, timestamp_authority

from irdesk.cli.main import main
from irdesk.reports.packets.export import PacketRequest, SignRequest, export_packet
from irdesk.reports.signing.identity import create_identity, read_identity
from irdesk.reports.signing.sign import sign_packet
from irdesk.reports.signing.verify import load_trust, verify_packet
from irdesk.storage.database import open_database

FORGED_TITLE = "Nothing happened, nobody was paged"


@dataclass(frozen=True)
class Forgery:
    genuine: Path
    forged: Path
    unsigned: Path  # from the same copy, for a signer of the test's own making
    real_pem: Path
    real_key_sha256: str
    forged_key_sha256: str


@pytest.fixture(scope="module")
def forgery(packet_world: PacketWorld, tmp_path_factory: pytest.TempPathFactory) -> Forgery:
    folder = tmp_path_factory.mktemp("forgery")
    real = read_identity(packet_world.identity, PASSPHRASE)
    real_pem = folder / "real-signer.pem"
    real_pem.write_bytes(real.certificate_pem)
    # The forger's own identity, with every name the real signer's certificate shows.
    fake = folder / "fake.p12"
    forged_identity = create_identity(
        fake,
        name=real.name,
        role=real.role,
        organisation=real.organisation,
        email=None,
        passphrase=b"forger's phrase",
    )
    copy = folder / "altered.db"
    shutil.copy(packet_world.db_path, copy)
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute(
            "UPDATE incident SET title = ? WHERE id = ?", (FORGED_TITLE, packet_world.incident_id)
        )
    conn.close()
    database = open_database(copy)
    try:
        forged = export_packet(
            database,
            PacketRequest("legal", incident_id=packet_world.incident_id),
            folder / "forged.pdf",
            created_by="forger",
            sign=SignRequest(fake, b"forger's phrase"),
            now=datetime(2026, 11, 28, 9, 0, tzinfo=UTC),
        )
        unsigned = export_packet(
            database,
            PacketRequest("legal", incident_id=packet_world.incident_id),
            folder / "unsigned.pdf",
            created_by="tester",
        )
    finally:
        database.close()
    return Forgery(
        genuine=packet_world.packets["legal"].path,
        forged=forged.path,
        unsigned=unsigned.path,
        real_pem=real_pem,
        real_key_sha256=real.key_sha256,
        forged_key_sha256=forged_identity.key_sha256,
    )


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["verify", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


def test_the_forgery_is_intact_and_carries_the_real_name(forgery: Forgery) -> None:
    report = verify_packet(forgery.forged)
    assert report.intact() and not report.ok()  # what made it pass before
    assert report.signatures[0].signer == verify_packet(forgery.genuine).signatures[0].signer
    assert forgery.real_key_sha256 != forgery.forged_key_sha256


def test_the_forgery_fails_with_trust_and_names_both_keys(
    forgery: Forgery, capsys: pytest.CaptureFixture[str]
) -> None:
    for extra in ((), ("--require-trust",)):
        code, out = _verify(capsys, str(forgery.forged), "--trust", str(forgery.real_pem), *extra)
        assert code == 1
        assert "result: FAILED" in out and "result: OK" not in out
        (sentence,) = [line for line in out.splitlines() if "problem: signature 1 was made" in line]
        assert f"key SHA-256 {forgery.forged_key_sha256}" in sentence
        assert "Common Name: Zoë Ñúñez" in sentence and "self-signed" in sentence
        assert f"not the key you named: SHA-256 {forgery.real_key_sha256}" in sentence
        assert "from real-signer.pem" in sentence


def test_the_forgery_fails_with_trust_fingerprint(
    forgery: Forgery, capsys: pytest.CaptureFixture[str]
) -> None:
    colons = ":".join(
        forgery.real_key_sha256[i : i + 2] for i in range(0, 64, 2)
    ).upper()  # as openssl writes fingerprints
    for fingerprint in (forgery.real_key_sha256, colons):
        code, out = _verify(capsys, str(forgery.forged), "--trust-fingerprint", fingerprint)
        assert code == 1 and "result: FAILED" in out
        assert f"made by key SHA-256 {forgery.forged_key_sha256}" in out
        assert f"not the key you named: SHA-256 {forgery.real_key_sha256}" in out


def test_the_forgery_fails_with_the_real_certificate_as_a_root(
    forgery: Forgery, capsys: pytest.CaptureFixture[str]
) -> None:
    # Same subject and issuer name as the real self-signed certificate, another key: the
    # chain is checked by signature, not by name.
    code, out = _verify(capsys, str(forgery.forged), "--trust-roots", str(forgery.real_pem))
    assert code == 1 and "result: FAILED" in out
    assert f"signature 1 was made by key SHA-256 {forgery.forged_key_sha256}" in out
    assert "it is not accepted under the roots in" in out
    code, out = _verify(capsys, str(forgery.genuine), "--trust-roots", str(forgery.real_pem))
    assert code == 0, out


def test_without_trust_the_forgery_is_not_verified_and_shows_its_key(
    forgery: Forgery, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _verify(capsys, str(forgery.forged))
    assert code == 1
    assert "signer UNVERIFIED" in out and "result: NOT VERIFIED: the signatures are intact" in out
    assert f"signed with key SHA-256 {forgery.forged_key_sha256}" in out


def test_the_genuine_packet_verifies_by_certificate_or_fingerprint(
    forgery: Forgery, capsys: pytest.CaptureFixture[str]
) -> None:
    real_cert = load_trust([forgery.real_pem]).keys[0].certificate_sha256
    assert real_cert is not None
    for args in (
        ("--trust", str(forgery.real_pem)),
        ("--trust-fingerprint", forgery.real_key_sha256),
        ("--trust-fingerprint", real_cert),  # the certificate's, as pdfsig and openssl show
    ):
        code, out = _verify(capsys, str(forgery.genuine), *args)
        assert code == 0, out
        assert "result: OK" in out and f"signed with key SHA-256 {forgery.real_key_sha256}" in out
    require_tools("pdfsig")
    shown = run_tool("pdfsig", str(forgery.genuine)).stdout
    assert "Signature is Valid." in shown and "Total document signed" in shown


def test_a_countersignature_by_another_key_fails_unless_named(
    forgery: Forgery, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    countersigned = tmp_path / "countersigned.pdf"
    countersigned.write_bytes(_countersigned(forgery.genuine, tmp_path))
    code, out = _verify(capsys, str(countersigned), "--trust", str(forgery.real_pem))
    assert code == 1 and "problem: signature 2 was made by key" in out
    assert "problem: signature 1" not in out
    both = ("--trust", str(forgery.real_pem), "--trust", str(tmp_path / "counter.pem"))
    code, out = _verify(capsys, str(countersigned), *both)
    assert code == 0 and out.count("signed by the key you named") == 2, out


def _countersigned(packet: Path, folder: Path) -> bytes:
    made = create_identity(
        folder / "counter.p12",
        name="王伟",
        role="Compliance Officer",
        organisation=None,
        email=None,
        passphrase=b"counter phrase",
        certificate_path=folder / "counter.pem",
    )
    assert made.key_sha256
    return sign_packet(packet.read_bytes(), folder / "counter.p12", b"counter phrase")


def test_a_bad_fingerprint_or_certificate_is_one_sentence(
    forgery: Forgery, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _verify(capsys, str(forgery.genuine), "--trust-fingerprint", "abc")
    assert code == 1 and "'abc' is not a SHA-256 fingerprint" in out
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    code, out = _verify(capsys, str(forgery.genuine), "--trust", str(junk))
    assert code == 1 and f"{junk} is not a certificate" in out
    code, out = _verify(capsys, str(forgery.genuine), "--trust-roots", str(tmp_path))
    assert code == 1 and f"{junk} is not a certificate" in out  # a folder's files are read too
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out = _verify(capsys, str(forgery.genuine), "--trust-roots", str(empty))
    assert code == 1 and f"{empty} holds no certificate files" in out


# --- a certificate authority the reader names -------------------------------------------


def test_a_ca_issued_identity_verifies_with_its_root_and_fails_with_another(
    forgery: Forgery, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours, other = tmp_path / "ours", tmp_path / "other"
    ours.mkdir()
    other.mkdir()
    ca_key, ca = make_ca(ours, "Larkspur Signing CA")
    make_ca(other, "Some Other CA")
    identity = issue_identity(tmp_path, ca_key, ca)
    packet = tmp_path / "issued.pdf"
    packet.write_bytes(sign_packet(forgery.unsigned.read_bytes(), identity, ISSUED_PASSPHRASE))

    for roots in (ours / "Larkspur Signing CA.pem", ours):  # a file, or a folder of them
        code, out = _verify(capsys, str(packet), "--trust-roots", str(roots))
        assert code == 0, out
        assert "its certificate chains to Common Name: Larkspur Signing CA" in out
        assert "issued by Common Name: Larkspur Signing CA" in out

    code, out = _verify(capsys, str(packet), "--trust-roots", str(other))
    assert code == 1 and "result: FAILED" in out
    assert (
        f"it is not accepted under the roots in {other}: no chain leads from its certificate, "
        "issued by Common Name: Larkspur Signing CA, to a root you named"
    ) in out
    # The CA's own certificate given as a key to pin is not a root: the sentence says so.
    code, out = _verify(capsys, str(packet), "--trust", str(ours / "Larkspur Signing CA.pem"))
    assert code == 1 and "not the key you named" in out
    require_tools("pdfsig")
    assert "Signature is Valid." in run_tool("pdfsig", str(packet)).stdout


def test_countersign_with_trust_refuses_the_forgery(
    forgery: Forgery,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _countersigned(forgery.genuine, tmp_path)  # makes counter.p12
    monkeypatch.setenv("IRDESK_PASSPHRASE", "counter phrase")
    base = [
        "countersign",
        "--sign",
        str(tmp_path / "counter.p12"),
        "--trust",
        str(forgery.real_pem),
    ]
    before = forgery.forged.read_bytes()
    out = tmp_path / "out.pdf"
    assert main([*base, str(forgery.forged), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "forged.pdf was not signed by the signer you named, so it was not countersigned" in err
    assert f"made by key SHA-256 {forgery.forged_key_sha256}" in err
    assert "The packet was not changed." in err
    assert forgery.forged.read_bytes() == before and not out.exists()
    assert main([*base, str(forgery.genuine), "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    assert (
        f"Signature 1 was made with key SHA-256 {forgery.real_key_sha256} (as you named)" in shown
    )


# --- signatures that hold up years later ---------------------------------------------------


@pytest.fixture(scope="module")
def roots_and_tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A folder holding the signing CA's and the TSA's roots, and the TSA's address."""
    folder = tmp_path_factory.mktemp("roots")
    with timestamp_authority(folder) as url:
        yield folder, url


def test_a_timestamped_packet_is_b_lt_and_verifies_after_the_certificate_expires(
    forgery: Forgery, roots_and_tsa: tuple[Path, str], tmp_path: Path
) -> None:
    roots, url = roots_and_tsa
    ca_key, ca = make_ca(roots, "Short-lived Signing CA")
    # Valid for a day: a month later only the timestamp proves it signed in time.
    identity = issue_identity(tmp_path, ca_key, ca, days=1)
    unsigned = forgery.unsigned.read_bytes()
    stamped = tmp_path / "stamped.pdf"
    stamped.write_bytes(sign_packet(unsigned, identity, ISSUED_PASSPHRASE, timestamp_url=url))
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(sign_packet(unsigned, identity, ISSUED_PASSPHRASE))
    trust = load_trust(roots=[roots])

    today = verify_packet(stamped, trust=trust)
    assert today.ok(), today.signatures
    (signature,) = today.signatures
    assert signature.level == "B-LT" and signature.timestamp is not None
    assert signature.timestamp_authority == "Common Name: Test TSA"
    assert verify_packet(plain, trust=trust).signatures[0].level == "B-B"

    later = datetime.now(UTC) + dt.timedelta(days=30)
    assert verify_packet(stamped, trust=trust, now=later).ok()
    expired = verify_packet(plain, trust=trust, now=later)
    assert expired.intact() and not expired.ok()
    (refused,) = expired.signatures
    assert refused.refusal is not None
    assert "its certificate was not valid at the time of checking" in refused.refusal
    assert "nothing proves the signature was made while it was" in refused.refusal

    require_tools("pdfsig")
    shown = run_tool("pdfsig", str(stamped)).stdout
    assert "Signature is Valid." in shown


def test_packet_and_verify_on_the_command_line_with_a_timestamp(
    forgery: Forgery,
    roots_and_tsa: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _roots, url = roots_and_tsa
    made = create_identity(
        tmp_path / "id.p12",
        name="Zoë Ñúñez",
        role=None,
        organisation=None,
        email=None,
        passphrase=b"a long phrase",
        certificate_path=tmp_path / "id.pem",
    )
    monkeypatch.setenv("IRDESK_PASSPHRASE", "a long phrase")
    db = tmp_path / "copy.db"
    shutil.copy(forgery.unsigned.parent / "altered.db", db)
    out = tmp_path / "packet.pdf"
    base = ["packet", "INC-1022", "--profile", "postmortem", "--db", str(db)]
    signing = ["--sign", str(tmp_path / "id.p12")]
    assert main([*base, *signing, "--timestamp-url", url, "--out", str(out)]) == 0
    capsys.readouterr()
    code, shown = _verify(capsys, str(out), "--trust", str(tmp_path / "id.pem"))
    assert code == 0, shown
    assert (
        "level: PAdES B-LT" in shown
        and "timestamp: " in shown
        and "by Common Name: Test TSA" in shown
    )
    assert f"signed with key SHA-256 {made.key_sha256}" in shown

    # The setting instead of the option; and an authority that does not answer.
    monkeypatch.setenv("IRDESK_TIMESTAMP_URL", "http://127.0.0.1:9/")
    failed = tmp_path / "failed.pdf"
    assert main([*base, *signing, "--out", str(failed)]) == 1
    err = capsys.readouterr().err
    assert "irdesk: error: the timestamp authority at http://127.0.0.1:9/ did not give" in err
    assert "No packet was written." in err and "Traceback" not in err
    assert not failed.exists()
