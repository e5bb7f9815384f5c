"""A tiny PKI for the signing tests: certificate authorities, issued identities, a local TSA.

Made with `cryptography`; the timestamp authority is pyHanko's own test
timestamper (`DummyTimeStamper`) answering RFC 3161 requests over HTTP on
127.0.0.1, so a packet is timestamped exactly as it would be by a real one.
"""

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper

ISSUED_PASSPHRASE = b"issued!!"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_ca(
    folder: Path, common: str, *, days: int = 3650
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A root CA, its certificate written to folder/COMMON.pem."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    (folder / f"{common}.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key, certificate


def _issue(
    ca_key: ec.EllipticCurvePrivateKey,
    ca: x509.Certificate,
    common: str,
    *,
    days: int,
    timestamping: bool = False,
) -> tuple[ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey, x509.Certificate]:
    # pyHanko's test timestamper signs with RSA only.
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if timestamping
        else ec.generate_private_key(ec.SECP256R1())
    )
    now = dt.datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=True, ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return key, builder.sign(ca_key, hashes.SHA256())


def issue_identity(
    folder: Path,
    ca_key: ec.EllipticCurvePrivateKey,
    ca: x509.Certificate,
    *,
    days: int = 30,
    name: str = "issued.p12",
) -> Path:
    """A PKCS#12 identity for "Zoë Ñúñez" issued by `ca`, valid `days` from now."""
    key, certificate = _issue(ca_key, ca, "Zoë Ñúñez", days=days)
    path = folder / name
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"issued",
            key,
            certificate,
            [ca],
            serialization.BestAvailableEncryption(ISSUED_PASSPHRASE),
        )
    )
    return path


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


@contextmanager
def timestamp_authority(folder: Path) -> Iterator[str]:
    """A TSA at http://127.0.0.1:PORT/ for the `with`; its root is folder/Test TSA Root.pem."""
    root_key, root = make_ca(folder, "Test TSA Root")
    key, certificate = _issue(root_key, root, "Test TSA", days=3650, timestamping=True)
    stamper = DummyTimeStamper(
        tsa_cert=_asn1(certificate),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        certs_to_embed=[_asn1(root)],
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            answer = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test's output is not the place for an access log

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
