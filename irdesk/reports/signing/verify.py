"""Checking a packet's signatures with pyHanko: what `irdesk verify` and the GUI report.

For each signature: who signed, when, whether the signed bytes are intact and
the cryptography holds ("valid"), whether the signer's certificate chains to
a certificate the reader trusts ("trusted"), and whether the document changed
after it. A countersignature added as an incremental update is a change that
only fills a form field, which PAdES allows: the earlier signature stays
valid and is reported as such, as pdfsig does.

Trust: a self-signed identity (`irdesk identity create`) is valid but
untrusted unless its certificate is given with `trust`; an untrusted but
valid packet passes unless the caller requires trust. Integrity (what
pdfsig's "Signature is Valid" means) is what decides by default.
"""

import io
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from asn1crypto import pem, x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from irdesk.reports.packets.manifest import MANIFEST_NAME

# pyHanko logs a traceback for every self-signed certificate it cannot chain; our report says it.
logging.getLogger("pyhanko.sign.validation").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
# …and one for every suspicious later revision, which our report names too.
logging.getLogger("pyhanko.sign.diff_analysis").setLevel(logging.CRITICAL)

CHANGES = {
    ModificationLevel.NONE: "no changes",
    ModificationLevel.LTA_UPDATES: "validation data added only",
    ModificationLevel.FORM_FILLING: "only later signatures or form fields filled",
    ModificationLevel.ANNOTATIONS: "annotations added",
    ModificationLevel.OTHER: "content changed",
}
ALLOWED = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}


class PacketReadError(ValueError):
    """The file is not a PDF pyHanko can read (message says why)."""


@dataclass(frozen=True)
class SignatureReport:
    number: int  # its place among the document's signatures, first signed first
    field: str
    signer: str
    role: str | None
    signed_at: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    changes_after: str
    allowed_changes: bool

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.allowed_changes


@dataclass(frozen=True)
class VerifyReport:
    path: Path
    signatures: list[SignatureReport]
    unsigned_fields: list[str]
    manifest: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)

    def ok(self, *, require_trust: bool = False) -> bool:
        if self.problems or not self.signatures:
            return False
        return all(s.ok and (s.trusted or not require_trust) for s in self.signatures)


def load_trust(paths: list[Path]) -> list[x509.Certificate]:
    certificates = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValueError(f"{path} cannot be read: {exc.strerror or exc}") from None
        try:
            if pem.detect(data):
                for _type, _headers, der in pem.unarmor(data, multiple=True):
                    certificates.append(x509.Certificate.load(der))
            else:
                certificates.append(x509.Certificate.load(data))
            for certificate in certificates:
                certificate.native  # noqa: B018 - parse now, so a bad file fails here
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{path} is not a certificate (PEM or DER): {exc}") from None
    return certificates


def _manifest(reader: PdfFileReader) -> dict[str, Any] | None:
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for index in range(0, len(names), 2):
            if str(names[index]) == MANIFEST_NAME:
                spec = names[index + 1].get_object()
                return json.loads(spec["/EF"]["/F"].get_object().data)
    except (KeyError, TypeError, ValueError, PdfError):
        return None
    return None


def _attribute(name: Any, key: str) -> str | None:
    value = name.native.get(key)
    return str(value) if value else None


def verify_packet(path: Path, *, trust: list[Path] | None = None) -> VerifyReport:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PacketReadError(f"{path} cannot be read: {exc.strerror or exc}") from None
    roots = load_trust(trust or [])
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
        unsigned = [
            name
            for name, value, _ref in fields.enumerate_sig_fields(reader, filled_status=False)
            if value is None
        ]
    except (PdfError, ValueError, KeyError) as exc:
        raise PacketReadError(f"{path} is not a readable PDF: {exc}") from None
    reports, problems = [], []
    for number, signature in enumerate(signatures, 1):
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(signature, context)
        except (SignatureValidationError, PdfError, ValueError) as exc:
            problems.append(
                f"signature {number} [{signature.field_name}] is INVALID: the bytes it signed "
                f"were changed or damaged, so it cannot be checked (pyHanko: {exc})"
            )
            continue
        certificate = status.signing_cert
        level = status.modification_level
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        reports.append(
            SignatureReport(
                number=number,
                field=signature.field_name,
                signer=_attribute(certificate.subject, "common_name") or "unknown signer",
                role=_attribute(certificate.subject, "title"),
                signed_at=status.signer_reported_dt,
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                covers_whole_file=whole,
                changes_after="no changes"
                if whole
                else CHANGES.get(level, "unknown changes")
                if level
                else "unknown changes",
                allowed_changes=whole or (level in ALLOWED and status.docmdp_ok is not False),
            )
        )
    if not signatures:
        problems.append("the packet is not signed")
    return VerifyReport(
        path=path,
        signatures=reports,
        unsigned_fields=unsigned,
        manifest=_manifest(reader),
        problems=problems,
    )


def report_lines(report: VerifyReport, *, require_trust: bool = False) -> list[str]:
    lines = [str(report.path)]
    if report.manifest:
        m = report.manifest
        policy = m.get("policy", {})
        # Format 1 manifests named the policy and its version number only.
        label = policy.get("label") or f"{policy.get('name')} v{policy.get('version')}"
        lines.append(f"  packet {m.get('packet_id')}, profile {m.get('profile')}, policy {label}")
    else:
        lines.append("  no irdesk manifest attached")
    for s in report.signatures:
        when = s.signed_at.strftime("%Y-%m-%d %H:%M:%S UTC") if s.signed_at else "time unknown"
        role = f" ({s.role})" if s.role else ""
        verdict = "valid" if s.intact and s.valid else "INVALID (the signed bytes do not match)"
        trust = "trusted" if s.trusted else "signer not trusted (self-signed or unknown issuer)"
        changed = (
            s.changes_after if s.allowed_changes else f"MODIFIED after signing: {s.changes_after}"
        )
        lines.append(f"  signature {s.number} [{s.field}]: {s.signer}{role}, {when}")
        lines.append(f"    {verdict}; {trust}")
        lines.append(f"    after it: {changed}")
    for name in report.unsigned_fields:
        lines.append(f"  signature field {name}: not signed yet")
    lines += [f"  problem: {p}" for p in report.problems]
    ok = report.ok(require_trust=require_trust)
    lines.append("  result: " + ("OK" if ok else "FAILED"))
    return lines
