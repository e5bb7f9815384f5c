"""PAdES signatures into the packet's pre-made fields, with pyHanko.

The first signature fills Signature1; a countersignature fills Signature2 as
an incremental update, so the bytes the first signature covers stay as they
were and it stays valid. The visible stamp shows name, role and time in the
packet's Unicode font.

Levels (ETSI EN 319 142): every signature is PAdES B-B. With a timestamp
authority (RFC 3161) it gets a signature timestamp, B-T, which proves it
existed before the certificate expired; and the certificates of both chains
(with any revocation data their issuers publish) are embedded in the
document's security store after it, B-LT, so it can be checked years later
without the signer's or the authority's servers.
"""

import asyncio
import io
from pathlib import Path
from typing import Any

from aiohttp import ClientError
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PdfSigningError
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from irdesk.reports.packets.fonts import BODY, CJK, font_path
from irdesk.reports.packets.text import has_cjk
from irdesk.reports.signing.identity import IdentityError, read_identity
from irdesk.reports.signing.stamp_font import StampFontFactory

FIRST_FIELD = "Signature1"
COUNTER_FIELD = "Signature2"
# Seconds to wait for the timestamp authority; it answers in well under one when it works.
TSA_TIMEOUT = 20


class SigningError(ValueError):
    """The packet cannot be signed (message says why)."""


def _stamp(text_sample: str) -> TextStampStyle:
    font = font_path(CJK if has_cjk(text_sample) else BODY)
    return TextStampStyle(
        stamp_text="Signed by %(signer)s\nRole: %(role)s\nTime: %(ts)s",
        timestamp_format="%Y-%m-%d %H:%M:%S UTC",
        border_width=1,
        text_box_style=TextBoxStyle(font=StampFontFactory(font), font_size=9),
    )


def empty_signature_fields(pdf: bytes) -> list[str]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return [
        name
        for name, value, _ref in fields.enumerate_sig_fields(reader, filled_status=False)
        if value is None
    ]


def sign_packet(
    pdf: bytes,
    identity_path: Path,
    passphrase: bytes,
    *,
    field: str | None = None,
    reason: str | None = None,
    timestamp_url: str | None = None,
) -> bytes:
    """`pdf` with a signature in `field` (default: the first empty one) as an incremental update.

    With `timestamp_url`, the signature is timestamped there and validation data is
    embedded (PAdES B-LT); without, it is PAdES B-B.
    """
    identity = read_identity(identity_path, passphrase)
    try:
        signer = signers.SimpleSigner.load_pkcs12(identity_path, passphrase=passphrase)
    except (ValueError, OSError) as exc:
        raise IdentityError(f"{identity_path} cannot be used for signing: {exc}") from None
    if signer is None:
        raise IdentityError(f"{identity_path} cannot be used for signing")
    return sign_with(
        pdf,
        signer,
        name=identity.name,
        role=identity.role,
        field=field,
        reason=reason,
        timestamp_url=timestamp_url,
    )


def sign_with(
    pdf: bytes,
    signer: signers.Signer,
    *,
    name: str,
    role: str | None,
    field: str | None = None,
    reason: str | None = None,
    timestamp_url: str | None = None,
) -> bytes:
    """`sign_packet` with any pyHanko signer: a PKCS#12 file's, or a token's (`token`)."""
    free = empty_signature_fields(pdf)
    if field is None:
        if not free:
            raise SigningError("every signature field of this packet is already signed")
        field = free[0]
    elif field not in free:
        raise SigningError(f"the packet has no empty signature field {field!r}")
    shown_role = role or "not stated"
    timestamper = None
    validation_context = None
    if timestamp_url:
        timestamper = HTTPTimeStamper(timestamp_url, timeout=TSA_TIMEOUT)
        validation_context = _embedding_context(signer, timestamper, timestamp_url)
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or ("Countersigned" if field == COUNTER_FIELD else "Prepared and signed"),
        name=name,
        embed_validation_info=validation_context is not None,
        validation_context=validation_context,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer, timestamper=timestamper, stamp_style=_stamp(name + shown_role)
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer,
            existing_fields_only=True,
            appearance_text_params={"role": shown_role},
            output=out,
        )
    except (TimeoutError, TimestampRequestError, ClientError, OSError, PdfSigningError) as exc:
        raise SigningError(_tsa_failure(timestamp_url, exc)) from None
    return out.getvalue()


def _tsa_failure(url: str | None, exc: BaseException) -> str:
    detail = str(exc) or type(exc).__name__
    if url is None:
        return f"the packet cannot be signed: {detail}"
    return f"the timestamp authority at {url} did not give a timestamp: {detail}"


def _anchors(certificates: list[Any]) -> list[Any]:
    """The self-signed certificates among a chain; the chain itself if it has none."""
    roots = [c for c in certificates if c.self_signed != "no"]
    return roots or certificates


def _embedding_context(
    signer: signers.Signer, timestamper: HTTPTimeStamper, url: str
) -> ValidationContext:
    """Where the signer's and the authority's chains end, to embed them (and their revocation data).

    Which roots the reader trusts is the reader's decision at verification; here the
    chains are only collected, so each is anchored at its own top certificate.
    """
    try:
        token = asyncio.run(timestamper.async_dummy_response("sha256"))
    except (TimeoutError, TimestampRequestError, ClientError, OSError) as exc:
        raise SigningError(_tsa_failure(url, exc)) from None
    tsa_certificates = list(token["content"]["certificates"] or [])
    own = [signer.signing_cert, *signer.cert_registry]
    return ValidationContext(
        trust_roots=_anchors([c.chosen for c in tsa_certificates]) + _anchors(own),
        other_certs=[c.chosen for c in tsa_certificates] + own,
        allow_fetching=True,
    )


def last_signer_certificate(pdf: bytes) -> str:
    """SHA-256 of the certificate of the packet's latest signature (file or token alike):
    what the audit log records, so an entry names the key that signed, not a name."""
    import hashlib

    signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    if not signatures:
        raise IdentityError("the packet holds no signature")
    return hashlib.sha256(signatures[-1].signer_cert.dump()).hexdigest()
