"""Checking a packet's signatures with pyHanko: what `irdesk verify` and the GUI report.

For each signature: who signed and with which key (the SHA-256 of its public
key, which no one can copy without the private key, unlike a name), when,
whether the signed bytes are intact and the cryptography holds ("valid"), and
whether the document changed after it. A countersignature added as an
incremental update is a change that only fills a form field, which PAdES
allows: the earlier signature stays valid and is reported as such, as pdfsig
does.

Who signed is decided by the reader, never by the packet: anyone can make a
certificate carrying any name. So a packet verifies only against what the
reader names (`Trust`): the keys that must have signed it (a certificate's key,
or a fingerprint), or the certificate authorities whose certificates are
accepted. Each signature must be accepted by one of them. Without any, the
report says the signatures are intact but the signer is unverified, and prints
the key fingerprint to compare: an intact packet by an unknown key is not a
verified one.
"""

import hashlib
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
from pyhanko.sign.ades.report import AdESIndeterminate, AdESSubIndic
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import (
    NoDSSFoundError,
    SignatureValidationError,
    ValidationInfoReadingError,
)
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


class TrustError(ValueError):
    """A --trust, --trust-fingerprint or --trust-roots argument cannot be used (says why)."""


def key_fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the certificate's public key (SubjectPublicKeyInfo, DER), in hex."""
    return hashlib.sha256(certificate.public_key.dump()).hexdigest()


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the whole certificate, as `openssl x509 -fingerprint -sha256` shows it."""
    return hashlib.sha256(certificate.dump()).hexdigest()


def subject_text(certificate: x509.Certificate) -> str:
    return str(certificate.subject.human_friendly)


@dataclass(frozen=True)
class ExpectedKey:
    """A key the reader says must have signed: from a certificate, or a bare fingerprint."""

    fingerprint: str  # the key's SHA-256, or (a bare fingerprint) the key's or certificate's
    source: str
    subject: str | None = None
    certificate_sha256: str | None = None

    def matches(self, certificate: x509.Certificate) -> bool:
        if self.certificate_sha256 is not None:
            return key_fingerprint(certificate) == self.fingerprint
        # A fingerprint alone may be of the key (as irdesk prints it) or of the whole
        # certificate (as openssl and pdfsig print it): either names one key.
        return self.fingerprint in (
            key_fingerprint(certificate),
            certificate_fingerprint(certificate),
        )

    def describe(self) -> str:
        who = f" ({self.subject}, from {self.source})" if self.subject else f" ({self.source})"
        return f"SHA-256 {self.fingerprint}{who}"


@dataclass(frozen=True)
class Trust:
    """What the reader vouches for; a signature is accepted by any one of it."""

    keys: tuple[ExpectedKey, ...] = ()
    roots: tuple[x509.Certificate, ...] = ()
    roots_source: str = ""

    @property
    def given(self) -> bool:
        return bool(self.keys or self.roots)

    def expected(self) -> str:
        parts = []
        if self.keys:
            parts.append("the key " + " or ".join(k.describe() for k in self.keys))
        if self.roots:
            parts.append(f"a certificate issued under the roots in {self.roots_source}")
        return " or ".join(parts)


def _read_certificates(path: Path) -> list[x509.Certificate]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrustError(f"{path} cannot be read: {exc.strerror or exc}") from None
    try:
        if pem.detect(data):
            found = [
                x509.Certificate.load(der)
                for kind, _headers, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"
            ]
        else:
            found = [x509.Certificate.load(data)]
        for certificate in found:
            certificate.native  # noqa: B018 - parse now, so a bad file fails here
    except (ValueError, TypeError) as exc:
        raise TrustError(f"{path} is not a certificate (PEM or DER): {exc}") from None
    if not found:
        raise TrustError(f"{path} holds no certificate")
    return found


CERTIFICATE_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


def normalised_fingerprint(text: str) -> str:
    digits = text.replace(":", "").replace(" ", "").lower()
    if len(digits) != 64 or any(c not in "0123456789abcdef" for c in digits):
        raise TrustError(
            f"{text!r} is not a SHA-256 fingerprint: expected 64 hexadecimal digits "
            "(colons allowed), as irdesk verify or openssl x509 -fingerprint -sha256 prints it"
        )
    return digits


def load_trust(
    certificates: list[Path] | None = None,
    fingerprints: list[str] | None = None,
    roots: list[Path] | None = None,
) -> Trust:
    """The reader's `Trust` from certificate files, fingerprints and root files or folders."""
    keys: list[ExpectedKey] = []
    for path in certificates or []:
        for certificate in _read_certificates(path):
            keys.append(
                ExpectedKey(
                    fingerprint=key_fingerprint(certificate),
                    source=path.name,
                    subject=subject_text(certificate),
                    certificate_sha256=certificate_fingerprint(certificate),
                )
            )
    for text in fingerprints or []:
        keys.append(ExpectedKey(normalised_fingerprint(text), source="the fingerprint given"))
    anchors: list[x509.Certificate] = []
    for path in roots or []:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in CERTIFICATE_SUFFIXES)
            if not files:
                raise TrustError(f"{path} holds no certificate files (*.pem, *.crt, *.cer, *.der)")
            for file in files:
                anchors += _read_certificates(file)
        else:
            anchors += _read_certificates(path)
    return Trust(
        keys=tuple(keys),
        roots=tuple(anchors),
        roots_source=", ".join(str(p) for p in roots or []),
    )


# Why a chain to the reader's roots does not hold, in words (pyHanko names it by code).
CHAIN_REASONS: dict[AdESSubIndic, str] = {
    AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND: (
        "no chain leads from its certificate, issued by {issuer}, to a root you named"
    ),
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE: (
        "its certificate was not valid at the time of checking (valid from {not_before} "
        "to {not_after}), and nothing proves the signature was made while it was"
    ),
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED: (
        "its certificate was not valid at the time of checking (valid from {not_before} "
        "to {not_after})"
    ),
    AdESIndeterminate.REVOKED_NO_POE: "its certificate was revoked",
    AdESIndeterminate.REVOKED_CA_NO_POE: "a certificate above it in the chain was revoked",
    AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE: (
        "its certificate or one above it may not be used this way (key usage or "
        "basic constraints do not allow signing documents)"
    ),
    AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE: "its chain uses an algorithm no longer accepted",
    AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE_NO_POE: (
        "its chain uses an algorithm no longer accepted"
    ),
    AdESIndeterminate.TRY_LATER: "the revocation information for its chain is missing or stale",
    AdESIndeterminate.NO_POE: "the signature's time cannot be proven",
}


def _chain_reason(status: Any, certificate: x509.Certificate) -> str:
    template = CHAIN_REASONS.get(
        status.trust_problem_indic, "its certificate does not chain to a root you named"
    )
    validity = certificate["tbs_certificate"]["validity"]
    return template.format(
        issuer=certificate.issuer.human_friendly,
        not_before=f"{validity['not_before'].native:%Y-%m-%d}",
        not_after=f"{validity['not_after'].native:%Y-%m-%d}",
    )


@dataclass(frozen=True)
class SignatureReport:
    number: int  # its place among the document's signatures, first signed first
    field: str
    signer: str
    role: str | None
    signed_at: datetime | None
    intact: bool
    valid: bool
    covers_whole_file: bool
    changes_after: str
    allowed_changes: bool
    key_sha256: str = ""
    subject: str = ""
    issuer: str = ""
    self_signed: bool = False
    # Set when the reader named what to trust: what accepted the signer, or why nothing did.
    accepted_by: str | None = None
    refusal: str | None = None
    level: str = "B-B"  # the PAdES baseline level it meets (see `pades_level`)
    timestamp: datetime | None = None  # from an intact RFC 3161 signature timestamp
    timestamp_authority: str | None = None

    @property
    def ok(self) -> bool:
        """The signed bytes are intact and nothing but allowed changes came after."""
        return self.intact and self.valid and self.allowed_changes

    @property
    def trusted(self) -> bool:
        return self.accepted_by is not None

    def signed_by(self) -> str:
        made = "self-signed" if self.self_signed else f"issued by {self.issuer}"
        return f"key SHA-256 {self.key_sha256} ({self.subject}, {made})"


@dataclass(frozen=True)
class VerifyReport:
    path: Path
    signatures: list[SignatureReport]
    unsigned_fields: list[str]
    manifest: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)
    trust_given: bool = False

    def intact(self) -> bool:
        """Every signature intact and valid, nothing but allowed changes after it.

        Says nothing about who signed: a forger's own signature is intact too.
        """
        return not self.problems and bool(self.signatures) and all(s.ok for s in self.signatures)

    def ok(self) -> bool:
        """Intact, and every signature made by a key (or under a root) the reader named."""
        return self.intact() and self.trust_given and all(s.trusted for s in self.signatures)

    def verdict(self) -> str:
        if self.ok():
            return "OK"
        if self.intact() and not self.trust_given:
            return "NOT VERIFIED"
        return "FAILED"


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


def _acceptance(
    number: int, status: Any, certificate: x509.Certificate, trust: Trust
) -> tuple[str | None, str | None]:
    """(what accepted the signer, None) or (None, the sentence saying why nothing did)."""
    for key in trust.keys:
        if key.matches(certificate):
            return f"signed by the key you named ({key.source})", None
    if trust.roots and status.trusted:
        anchor = status.validation_path[0] if status.validation_path else None
        root = anchor.subject.human_friendly if anchor is not None else "a root you named"
        return f"its certificate chains to {root}", None
    self_signed = certificate.self_signed != "no"
    made = "self-signed" if self_signed else f"issued by {certificate.issuer.human_friendly}"
    reasons = []
    if trust.keys:
        reasons.append(
            "that is not the key you named: " + " or ".join(k.describe() for k in trust.keys)
        )
    if trust.roots:
        reasons.append(
            f"it is not accepted under the roots in {trust.roots_source}: "
            + _chain_reason(status, certificate)
        )
    return None, (
        f"signature {number} was made by key SHA-256 {key_fingerprint(certificate)} "
        f"({subject_text(certificate)}, {made}); " + "; and ".join(reasons)
    )


PADES_SUBFILTER = "/ETSI.CAdES.detached"


def _dss_certificates(reader: PdfFileReader) -> tuple[set[str], list[x509.Certificate]]:
    """The certificates in the document's security store, by fingerprint, and as themselves."""
    try:
        certificates = list(DocumentSecurityStore.read_dss(reader).load_certs())
    except (NoDSSFoundError, ValidationInfoReadingError, PdfError, KeyError, TypeError, ValueError):
        return set(), []
    return {certificate_fingerprint(c) for c in certificates}, certificates


def pades_level(signature: Any, status: Any, stored: set[str]) -> str:
    """The PAdES baseline level (ETSI EN 319 142-1) the signature meets.

    B-B: a PAdES (CAdES-detached) signature; B-T: with an intact signature timestamp,
    which proves when it existed; B-LT: and the document's security store holds the
    certificates of the signer and of the timestamp authority, so it can be checked
    without reaching either.
    """
    subfilter = str(signature.sig_object.get("/SubFilter", "none"))
    if subfilter != PADES_SUBFILTER:
        return f"not PAdES ({subfilter.lstrip('/')})"
    stamp = status.timestamp_validity
    if stamp is None or not (stamp.intact and stamp.valid):
        return "B-B"
    needed = {
        certificate_fingerprint(status.signing_cert),
        certificate_fingerprint(stamp.signing_cert),
    }
    return "B-LT" if needed <= stored else "B-T"


def _at_proven_time(
    signature: Any, status: Any, trust: Trust, stored: list[x509.Certificate]
) -> Any:
    """The signature checked again at its timestamp's time, when only expiry failed it.

    A certificate that expired after the signature was made (as a timestamp the reader's
    roots vouch for proves) does not undo it: that is what B-T and B-LT are for.
    """
    stamp = status.timestamp_validity
    if (
        not trust.roots
        or status.trusted
        or stamp is None
        or not stamp.trusted
        or status.trust_problem_indic
        not in (AdESIndeterminate.OUT_OF_BOUNDS_NO_POE, AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED)
    ):
        return status
    context = ValidationContext(
        trust_roots=list(trust.roots),
        other_certs=stored,
        moment=stamp.timestamp,
        allow_fetching=False,
    )
    try:
        return validate_pdf_signature(signature, context)
    except (SignatureValidationError, PdfError, ValueError):
        return status


def verify_packet(
    path: Path, *, trust: Trust | None = None, now: datetime | None = None
) -> VerifyReport:
    """Every signature of the packet at `path`, checked against `trust` as of `now`."""
    trust = trust or Trust()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PacketReadError(f"{path} cannot be read: {exc.strerror or exc}") from None
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
    stored_fingerprints, stored = _dss_certificates(reader)
    for number, signature in enumerate(signatures, 1):
        # Only the reader's roots: a certificate the packet carries vouches for nothing,
        # though the ones in its security store may complete a chain to those roots.
        context = ValidationContext(
            trust_roots=list(trust.roots), other_certs=stored, moment=now, allow_fetching=False
        )
        try:
            status = validate_pdf_signature(signature, context)
            status = _at_proven_time(signature, status, trust, stored)
        except (SignatureValidationError, PdfError, ValueError) as exc:
            problems.append(
                f"signature {number} [{signature.field_name}] is INVALID: the bytes it signed "
                f"were changed or damaged, so it cannot be checked (pyHanko: {exc})"
            )
            continue
        stamp = status.timestamp_validity
        stamped = stamp is not None and stamp.intact and stamp.valid
        certificate = status.signing_cert
        level = status.modification_level
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        accepted_by, refusal = (
            _acceptance(number, status, certificate, trust) if trust.given else (None, None)
        )
        reports.append(
            SignatureReport(
                number=number,
                field=signature.field_name,
                signer=_attribute(certificate.subject, "common_name") or "unknown signer",
                role=_attribute(certificate.subject, "title"),
                signed_at=status.signer_reported_dt,
                intact=status.intact,
                valid=status.valid,
                covers_whole_file=whole,
                changes_after="no changes"
                if whole
                else CHANGES.get(level, "unknown changes")
                if level
                else "unknown changes",
                allowed_changes=whole or (level in ALLOWED and status.docmdp_ok is not False),
                key_sha256=key_fingerprint(certificate),
                subject=subject_text(certificate),
                issuer=str(certificate.issuer.human_friendly),
                self_signed=certificate.self_signed != "no",
                accepted_by=accepted_by,
                refusal=refusal,
                level=pades_level(signature, status, stored_fingerprints),
                timestamp=stamp.timestamp if stamped else None,
                timestamp_authority=subject_text(stamp.signing_cert) if stamped else None,
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
        trust_given=trust.given,
    )


UNVERIFIED = (
    "the signatures are intact, but nothing you named vouches for who made them; "
    "compare the key fingerprints above with the ones the signers gave you, then verify "
    "again with --trust CERT.pem, --trust-fingerprint SHA256 or --trust-roots CA.pem"
)


def report_lines(report: VerifyReport) -> list[str]:
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
        if s.accepted_by:
            trust = s.accepted_by
        elif s.refusal:
            trust = "NOT the signer you named (see below)"
        else:
            trust = "signer UNVERIFIED (no --trust, --trust-fingerprint or --trust-roots given)"
        changed = (
            s.changes_after if s.allowed_changes else f"MODIFIED after signing: {s.changes_after}"
        )
        lines.append(f"  signature {s.number} [{s.field}]: {s.signer}{role}, {when}")
        lines.append(f"    signed with {s.signed_by()}")
        lines.append(f"    {verdict}; {trust}")
        lines.append(f"    after it: {changed}")
        lines.append(
            f"    level: PAdES {s.level}" if "PAdES" not in s.level else f"    level: {s.level}"
        )
        if s.timestamp is not None:
            stamped_at = s.timestamp.strftime("%Y-%m-%d %H:%M:%S UTC")
            lines.append(f"    timestamp: {stamped_at}, by {s.timestamp_authority}")
    for name in report.unsigned_fields:
        lines.append(f"  signature field {name}: not signed yet")
    lines += [f"  problem: {p}" for p in report.problems]
    lines += [f"  problem: {s.refusal}" for s in report.signatures if s.refusal]
    verdict = report.verdict()
    if verdict == "OK":
        lines.append("  result: OK (intact, and signed by the keys you named)")
    elif verdict == "NOT VERIFIED":
        lines.append(f"  result: NOT VERIFIED: {UNVERIFIED}")
    else:
        lines.append("  result: FAILED")
    return lines
