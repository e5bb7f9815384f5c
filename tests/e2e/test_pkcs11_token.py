"""Signing a packet with a key on a PKCS#11 token: SoftHSM2, set up in a temporary folder.

The token is initialised by the test (SOFTHSM2_CONF names a configuration of its
own), the key imported with softhsm2-util and the certificate stored beside it
with python-pkcs11; the PIN comes from IRDESK_PKCS11_PIN, never the command line.
"""

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, date
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from testdata import CopyDemo

from irdesk.cli.main import main

pytestmark = pytest.mark.slow

MODULES = (
    Path("/usr/lib/softhsm/libsofthsm2.so"),
    Path("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
    Path("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"),
)
PIN = "123456"


def _module() -> Path:
    if shutil.which("softhsm2-util") is None:
        pytest.skip("softhsm2 is not installed (Debian package softhsm2)")
    for module in MODULES:
        if module.is_file():
            return module
    pytest.skip("softhsm2's PKCS#11 module libsofthsm2.so was not found")


@pytest.fixture
def token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    module = _module()
    pkcs11 = pytest.importorskip("pkcs11", reason="the python-pkcs11 package is not installed")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))

    def util(*args: str) -> None:
        subprocess.run(["softhsm2-util", *args], check=True, capture_output=True, timeout=60)

    util("--init-token", "--free", "--label", "irdesk-test", "--pin", PIN, "--so-pin", "654321")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    util(
        "--import", str(key_file), "--token", "irdesk-test", "--label", "signer",
        "--id", "01", "--pin", PIN,
    )  # fmt: skip
    key_file.unlink()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Aiko Tanaka"),
            x509.NameAttribute(NameOID.TITLE, "Compliance Officer"),
        ]
    )
    now = dt.datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
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
        .sign(key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    library = pkcs11.lib(str(module))
    with library.get_token(token_label="irdesk-test").open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
                pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
                pkcs11.Attribute.TOKEN: True,
                pkcs11.Attribute.LABEL: "signer",
                pkcs11.Attribute.ID: b"\x01",
                pkcs11.Attribute.VALUE: der,
                pkcs11.Attribute.SUBJECT: subject.public_bytes(),
            }
        )
    pem = tmp_path / "signer.pem"
    pem.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return module, str(pem)


def test_a_packet_signed_on_a_token_verifies_against_the_token_key(
    token: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    copy_demo: CopyDemo,
) -> None:
    module, pem = token
    db = tmp_path / "demo.db"
    copy_demo(db, anchor=date(2026, 11, 28))
    out = tmp_path / "packet.pdf"
    args = ["packet", "INC-1022", "--profile", "legal", "--db", str(db), "--out", str(out)]
    token_args = ["--pkcs11-module", str(module), "--pkcs11-token", "irdesk-test"]
    token_args += ["--pkcs11-key", "signer"]

    monkeypatch.setenv("IRDESK_PKCS11_PIN", "000000")
    assert main([*args, *token_args]) == 1
    err = capsys.readouterr().err
    assert "key 'signer' on token 'irdesk-test'" in err and "the PIN is wrong" in err
    assert "Traceback" not in err and not out.exists()

    monkeypatch.setenv("IRDESK_PKCS11_PIN", PIN)
    wrong = {
        ("--pkcs11-token", "no-such-token"): "token 'no-such-token'",
        ("--pkcs11-key", "no-such-key"): "key 'no-such-key'",
    }
    for (option, value), named in wrong.items():
        changed = [*token_args]
        changed[changed.index(option) + 1] = value
        assert main([*args, *changed]) == 1
        err = capsys.readouterr().err
        assert named in err and "No packet was written." in err and "Traceback" not in err
    assert main([*args, *token_args, "--sign", pem]) == 1  # a token or a file, not both
    assert "not both" in capsys.readouterr().err
    assert main([*args, *token_args]) == 0, capsys.readouterr().err
    assert "signed by Aiko Tanaka" in capsys.readouterr().out
    # The audit log names the token's certificate, as it does a file's.
    certificate = x509.load_pem_x509_certificate(Path(pem).read_bytes())
    with closing(sqlite3.connect(db)) as conn:
        (detail,) = conn.execute(
            "SELECT detail_json FROM audit_entry WHERE action = 'export_packet'"
        ).fetchone()
    assert json.loads(detail)["signer_certificates"] == [
        certificate.fingerprint(hashes.SHA256()).hex()
    ]
    assert main(["verify", str(out), "--trust", pem]) == 0
    shown = capsys.readouterr().out
    assert "Aiko Tanaka (Compliance Officer)" in shown and "result: OK" in shown
    pdfsig = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid." in pdfsig.stdout
    assert PIN not in [*args, *token_args]  # the PIN never on the command line
