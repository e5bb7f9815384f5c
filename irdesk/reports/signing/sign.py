"""PAdES signatures into the packet's pre-made fields, with pyHanko.

The first signature fills Signature1; a countersignature fills Signature2 as
an incremental update, so the bytes the first signature covers stay as they
were and it stays valid. The visible stamp shows name, role and time in the
packet's Unicode font.
"""

import io
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle

from irdesk.reports.packets.fonts import BODY, CJK, font_path
from irdesk.reports.packets.text import has_cjk
from irdesk.reports.signing.identity import IdentityError, read_identity
from irdesk.reports.signing.stamp_font import StampFontFactory

FIRST_FIELD = "Signature1"
COUNTER_FIELD = "Signature2"


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
) -> bytes:
    """`pdf` with a signature in `field` (default: the first empty one) as an incremental update."""
    identity = read_identity(identity_path, passphrase)
    free = empty_signature_fields(pdf)
    if field is None:
        if not free:
            raise SigningError("every signature field of this packet is already signed")
        field = free[0]
    elif field not in free:
        raise SigningError(f"the packet has no empty signature field {field!r}")
    try:
        signer = signers.SimpleSigner.load_pkcs12(identity_path, passphrase=passphrase)
    except (ValueError, OSError) as exc:
        raise IdentityError(f"{identity_path} cannot be used for signing: {exc}") from None
    if signer is None:
        raise IdentityError(f"{identity_path} cannot be used for signing")
    role = identity.role or "not stated"
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or ("Countersigned" if field == COUNTER_FIELD else "Prepared and signed"),
        name=identity.name,
    )
    pdf_signer = signers.PdfSigner(meta, signer, stamp_style=_stamp(identity.name + role))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    pdf_signer.sign_pdf(
        writer, existing_fields_only=True, appearance_text_params={"role": role}, output=out
    )
    return out.getvalue()
