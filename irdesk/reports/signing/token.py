"""Signing with a key that never leaves its hardware token or HSM (PKCS#11).

The private key stays on the token: irdesk asks the token to sign the packet's
digest and never sees the key. A token is named by its PKCS#11 module (the
vendor's library, e.g. /usr/lib/softhsm/libsofthsm2.so), its label and the
key's label; the certificate stored under the same label names the signer on
the packet. The PIN is given by the caller (a prompt or the environment, never
the command line). Needs the python-pkcs11 package, imported here only, so
irdesk without it still signs with PKCS#12 files.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from irdesk.reports.signing.identity import IdentityError
from irdesk.reports.signing.sign import sign_with

MISSING_LIBRARY = (
    "signing with a PKCS#11 token needs the python-pkcs11 package, which is not installed "
    "(pip install 'python-pkcs11~=0.9.3')"
)


@dataclass(frozen=True)
class TokenKey:
    module: Path
    token: str
    key: str
    pin: str = field(repr=False)

    def place(self) -> str:
        return f"key {self.key!r} on token {self.token!r} ({self.module})"


def _attribute(certificate: Any, key: str) -> str | None:
    value = certificate.subject.native.get(key)
    return str(value) if value else None


def sign_packet_with_token(
    pdf: bytes,
    token: TokenKey,
    *,
    field: str | None = None,
    reason: str | None = None,
    timestamp_url: str | None = None,
) -> tuple[bytes, str]:
    """The signed packet and the signer's name, as `sign_packet` does for a PKCS#12 file."""
    try:
        from pkcs11.exceptions import PKCS11Error as LibraryError
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.general import SigningError as PdfSigningError
        from pyhanko.sign.pkcs11 import PKCS11Error, PKCS11Signer, open_pkcs11_session
    except ImportError:
        raise IdentityError(MISSING_LIBRARY) from None
    if not token.module.is_file():
        raise IdentityError(f"{token.module} is not a file; name the token's PKCS#11 module")
    failures = (LibraryError, PKCS11Error, PdfSigningError, OSError)
    try:
        session = open_pkcs11_session(
            str(token.module), token_criteria=TokenCriteria(label=token.token), user_pin=token.pin
        )
    except failures as exc:
        raise IdentityError(f"{token.place()} cannot be opened: {_why(exc)}") from None
    try:
        signer = PKCS11Signer(session, key_label=token.key, cert_label=token.key)
        try:
            certificate = signer.signing_cert
        except failures as exc:
            raise IdentityError(f"{token.place()} cannot be used: {_why(exc)}") from None
        if certificate is None:
            raise IdentityError(f"{token.place()} has no certificate under that label")
        name = _attribute(certificate, "common_name") or "unnamed signer"
        signed = sign_with(
            pdf,
            signer,
            name=name,
            role=_attribute(certificate, "title"),
            field=field,
            reason=reason,
            timestamp_url=timestamp_url,
        )
    finally:
        session.close()
    return signed, name


def _why(exc: BaseException) -> str:
    """The library's reason, which for a wrong PIN or label is only its class's name."""
    text = str(exc).strip()
    named = type(exc).__name__
    if named == "PinIncorrect":
        return "the PIN is wrong"
    return text or named
