"""Signing identities: a self-signed certificate and key in a passphrase-protected PKCS#12.

For organisations without their own PKI. The certificate names the person and
their role; a company-issued PKCS#12 is used the same way.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from irdesk.storage.files import (
    PRIVATE,
    SHARED,
    FileWriteError,
    TargetExists,
    check_target,
    write_atomically,
)

MIN_PASSPHRASE = 8
VALID_DAYS = 3 * 365


class IdentityError(ValueError):
    """The identity file cannot be made or opened (message says why)."""


@dataclass(frozen=True)
class Identity:
    name: str
    role: str | None
    organisation: str | None
    certificate_pem: bytes
    # SHA-256 of the public key (SubjectPublicKeyInfo): what `irdesk verify` shows and pins.
    key_sha256: str


def key_sha256(certificate: x509.Certificate) -> str:
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).hexdigest()


def create_identity(
    path: Path,
    *,
    name: str,
    role: str | None,
    organisation: str | None,
    email: str | None,
    passphrase: bytes,
    overwrite: bool = False,
    now: dt.datetime | None = None,
    certificate_path: Path | None = None,
) -> Identity:
    """Write the PKCS#12 identity to `path`, and its certificate to `certificate_path` if given.

    The key file is readable by its owner only from its first byte (never made and
    then narrowed, which leaves a moment when others may open it), is written
    through a fresh temporary file, and replaces a regular file only with
    `overwrite`; a link, device or folder in its place is refused either way.
    """
    if not name.strip():
        raise IdentityError("the identity needs the signer's name")
    if len(passphrase) < MIN_PASSPHRASE:
        raise IdentityError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    if certificate_path is not None and certificate_path.absolute() == path.absolute():
        raise IdentityError(f"{path} cannot hold both the identity and its certificate")
    # Both checked before the key is made, so a refusal leaves neither file half done.
    for target in (path, certificate_path):
        if target is None:
            continue
        try:
            check_target(target, replace=overwrite)
        except TargetExists:
            raise IdentityError(
                f"{target} already exists; choose another file (or --force)"
            ) from None
        except FileWriteError as exc:
            raise IdentityError(str(exc)) from None
    now = now or dt.datetime.now(dt.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name.strip())]
    if role:
        attributes.append(x509.NameAttribute(NameOID.TITLE, role.strip()))
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation.strip()))
    if email:
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email.strip()))
    subject = x509.Name(attributes)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    certificate = builder.sign(key, hashes.SHA256())
    blob = pkcs12.serialize_key_and_certificates(
        name.strip().encode(),
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(passphrase),
    )
    certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
    try:
        write_atomically(path, blob, replace=overwrite, mode=PRIVATE)
        if certificate_path is not None:
            write_atomically(certificate_path, certificate_pem, replace=overwrite, mode=SHARED)
    except TargetExists as exc:
        raise IdentityError(f"{exc} Choose another file (or --force).") from None
    except FileWriteError as exc:
        raise IdentityError(str(exc)) from None
    return Identity(
        name=name.strip(),
        role=role,
        organisation=organisation,
        certificate_pem=certificate_pem,
        key_sha256=key_sha256(certificate),
    )


def _attribute(certificate: x509.Certificate, oid: x509.ObjectIdentifier) -> str | None:
    values = certificate.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def read_identity(path: Path, passphrase: bytes) -> Identity:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IdentityError(f"{path} cannot be read: {exc.strerror or exc}") from None
    try:
        _key, certificate, _chain = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:
        raise IdentityError(
            f"{path} cannot be opened: wrong passphrase, or not a PKCS#12 identity"
        ) from None
    if certificate is None:
        raise IdentityError(f"{path} holds no certificate")
    return Identity(
        name=_attribute(certificate, NameOID.COMMON_NAME) or "unnamed signer",
        role=_attribute(certificate, NameOID.TITLE),
        organisation=_attribute(certificate, NameOID.ORGANIZATION_NAME),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
        key_sha256=key_sha256(certificate),
    )
