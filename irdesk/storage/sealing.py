"""Sealing feedback notes to their readers: the only place that encrypts or decrypts one.

Each note has a key of its own (AES-256-GCM, a fresh 96-bit nonce per write). That key
is wrapped for every reader of the note with X25519 + HKDF-SHA256 + AES-256-GCM: an
ephemeral key pair per wrap, agreed with the reader's public key, the shared secret
stretched by HKDF into a key-encryption key. The construction is the one HPKE and ECIES
use, made only of the `cryptography` library's primitives.

Why X25519 and not RSA-OAEP with the identity's signing key: a key is used for one
purpose only (the RSA key signs packets; reusing it to decrypt would let a signing
oracle and a decryption oracle meet), X25519 keys are 32 bytes, a wrap is 92 bytes
instead of 256, and generating a key pair is instant where RSA takes a noticeable
moment on a laptop.

The associated data binds each ciphertext to its note and person, and each wrapped key
to its note and reader, so a row copied onto another note or reader does not open.
The database holds only what `seal` and `wrap` return and the readers' public keys;
the plaintext and the private keys stay in memory, in a `Keyring` the caller drops.
"""

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE = 12
PUBLIC = 32
WRAP_INFO = b"irdesk feedback-note key wrap v1"


class SealError(ValueError):
    """A note or its key does not open with this keyring: not a reader, or tampered."""


def fingerprint(public_key: bytes) -> str:
    """What people compare to tell keys apart: SHA-256 of the raw public key, in hex."""
    return hashlib.sha256(public_key).hexdigest()


def short_fingerprint(value: str) -> str:
    """The first 16 hex digits in groups of four, as lists and messages show them."""
    return " ".join(value[i : i + 4] for i in range(0, 16, 4))


def raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class PublicReader:
    """Someone notes can be sealed to: a name and an X25519 public key."""

    name: str
    public_key: bytes
    certificate_fingerprint: str | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


@dataclass(frozen=True)
class Keyring:
    """An unlocked reader: kept in memory for one session, never written anywhere."""

    name: str
    private_key: X25519PrivateKey = field(repr=False)
    certificate_fingerprint: str | None = None

    @property
    def public(self) -> PublicReader:
        return PublicReader(
            self.name, raw_public(self.private_key.public_key()), self.certificate_fingerprint
        )

    @property
    def fingerprint(self) -> str:
        return self.public.fingerprint


def new_note_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _note_aad(note_id: int, person_id: int) -> bytes:
    return f"irdesk feedback note v1|{note_id}|{person_id}".encode()


def _wrap_aad(note_id: int, reader_fingerprint: str) -> bytes:
    return f"irdesk feedback-note key v1|{note_id}|{reader_fingerprint}".encode()


def seal(note_key: bytes, payload: dict[str, Any], *, note_id: int, person_id: int) -> bytes:
    """nonce ‖ AES-256-GCM(payload as JSON), bound to the note and the person it is about."""
    nonce = os.urandom(NONCE)
    plain = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return nonce + AESGCM(note_key).encrypt(nonce, plain, _note_aad(note_id, person_id))


def unseal(note_key: bytes, sealed: bytes, *, note_id: int, person_id: int) -> dict[str, Any]:
    try:
        plain = AESGCM(note_key).decrypt(
            sealed[:NONCE], sealed[NONCE:], _note_aad(note_id, person_id)
        )
    except (InvalidTag, ValueError):
        raise SealError(f"note {note_id} does not open: it was altered or moved") from None
    value: dict[str, Any] = json.loads(plain)
    return value


def _kek(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=WRAP_INFO + ephemeral + recipient
    ).derive(shared)


def wrap(note_key: bytes, reader: PublicReader, *, note_id: int) -> bytes:
    """ephemeral public key ‖ nonce ‖ AES-256-GCM(note key) under the agreed key."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(reader.public_key))
    kek = _kek(shared, ephemeral_public, reader.public_key)
    nonce = os.urandom(NONCE)
    aad = _wrap_aad(note_id, reader.fingerprint)
    return ephemeral_public + nonce + AESGCM(kek).encrypt(nonce, note_key, aad)


def unwrap(wrapped: bytes, keyring: Keyring, *, note_id: int) -> bytes:
    own = keyring.public
    ephemeral_public = wrapped[:PUBLIC]
    nonce = wrapped[PUBLIC : PUBLIC + NONCE]
    try:
        shared = keyring.private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        kek = _kek(shared, ephemeral_public, own.public_key)
        return AESGCM(kek).decrypt(
            nonce, wrapped[PUBLIC + NONCE :], _wrap_aad(note_id, own.fingerprint)
        )
    except (InvalidTag, ValueError):
        raise SealError(f"the key of note {note_id} does not open for {keyring.name}") from None
