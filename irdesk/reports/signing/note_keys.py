"""The encryption key beside a signing identity: what feedback notes are sealed to.

An identity `ID.p12` holds the RSA key that signs packets. Notes are sealed to a
separate X25519 key (storage/sealing says why), kept in the sibling file
`ID.p12.notes-key`: PKCS#8, encrypted with the identity's passphrase, created 0600
before its first byte. Unlocking opens the PKCS#12 first, so a wrong passphrase is
caught there, and names the reader after the certificate; an identity made before
notes were sealed gets its encryption key on its first unlock.
"""

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from irdesk.reports.signing.identity import IdentityError
from irdesk.storage.sealing import Keyring

SUFFIX = ".notes-key"


def note_key_path(identity: Path) -> Path:
    return identity.with_name(identity.name + SUFFIX)


def _write_private(path: Path, data: bytes) -> None:
    """0600 from the first byte (O_EXCL: never into a file someone else prepared)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def create_note_key(identity: Path, passphrase: bytes, *, overwrite: bool = False) -> Path:
    path = note_key_path(identity)
    if overwrite:
        path.unlink(missing_ok=True)
    key = X25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    try:
        _write_private(path, pem)
    except FileExistsError:
        raise IdentityError(f"{path} already exists; it was left as it was") from None
    return path


def unlock(identity: Path, passphrase: bytes) -> Keyring:
    """The reader `identity` names, with its encryption key, in memory only."""
    try:
        data = identity.read_bytes()
    except OSError as exc:
        raise IdentityError(f"{identity} cannot be read: {exc.strerror or exc}") from None
    try:
        _key, certificate, _chain = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:
        raise IdentityError(
            f"{identity} cannot be opened: wrong passphrase, or not a PKCS#12 identity"
        ) from None
    if certificate is None:
        raise IdentityError(f"{identity} holds no certificate")
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = str(names[0].value) if names else identity.stem
    path = note_key_path(identity)
    if not path.exists():
        create_note_key(identity, passphrase)
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), passphrase)
    except (ValueError, TypeError):
        raise IdentityError(
            f"{path} cannot be opened with the identity's passphrase: it belongs to another "
            "identity or was altered"
        ) from None
    except OSError as exc:
        raise IdentityError(f"{path} cannot be read: {exc.strerror or exc}") from None
    if not isinstance(private, X25519PrivateKey):
        raise IdentityError(f"{path} does not hold an encryption key for notes")
    der = certificate.public_bytes(serialization.Encoding.DER)
    return Keyring(
        name=name,
        private_key=private,
        certificate_fingerprint=hashlib.sha256(der).hexdigest(),
    )
