"""A forged packet never verifies: trust is bound to a key or to a CA the reader names.

The forgery: a packet exported from an altered copy of the database and signed by
a new self-made identity carrying the real signer's name, role and organisation.
Its signature is intact and valid; only the key tells it apart.
"""

import datetime as dt
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from packet_fixtures import PASSPHRASE, PacketWorld, packet_world, require_tools, run_tool

from irdesk.cli.main import main
from irdesk.reports.packets.export import PacketRequest, SignRequest, export_packet
from irdesk.reports.signing.identity import create_identity, read_identity
from irdesk.reports.signing.sign import sign_packet
from irdesk.reports.signing.verify import load_trust, verify_packet
from irdesk.storage.database import open_database

__all__ = ["packet_world"]  # the fixture, imported for pytest

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
    with sqlite3.connect(copy) as conn:
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


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _ca(folder: Path, common: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    (folder / f"{common}.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key, certificate


def _issued_identity(
    folder: Path, ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate
) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name("Zoë Ñúñez"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    path = folder / "issued.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"issued", key, certificate, [ca], serialization.BestAvailableEncryption(b"issued!!")
        )
    )
    return path


def test_a_ca_issued_identity_verifies_with_its_root_and_fails_with_another(
    forgery: Forgery, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours, other = tmp_path / "ours", tmp_path / "other"
    ours.mkdir()
    other.mkdir()
    ca_key, ca = _ca(ours, "Larkspur Signing CA")
    _ca(other, "Some Other CA")
    identity = _issued_identity(tmp_path, ca_key, ca)
    packet = tmp_path / "issued.pdf"
    packet.write_bytes(sign_packet(forgery.unsigned.read_bytes(), identity, b"issued!!"))

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
