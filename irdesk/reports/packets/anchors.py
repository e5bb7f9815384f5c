"""The audit-log anchors packet files carry, for checking a database's log against them.

A packet row in the database can be deleted together with the newest audit entries;
the PDF that left the building cannot. An anchor is used only from a packet whose
signatures all hold (an unsigned packet's anchor is used, and said to be unsigned):
one whose signed bytes changed could carry any anchor.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from irdesk.storage.records.audit import AnchorClaim, AuditAnchor


@dataclass
class PacketAnchors:
    """What a set of packet files says about the audit log."""

    claims: list[AnchorClaim] = field(default_factory=list)
    # Packets read but holding no anchor to use, each with why (one sentence).
    skipped: list[str] = field(default_factory=list)
    # Packets whose anchor cannot be trusted: a failure of the check.
    problems: list[str] = field(default_factory=list)


def packet_files(folder: Path) -> list[Path]:
    """Every PDF in `folder` and below, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())


def read_anchors(paths: Iterable[Path]) -> PacketAnchors:
    from irdesk.reports.signing.verify import PacketReadError, verify_packet

    found = PacketAnchors()
    for path in paths:
        try:
            report = verify_packet(path)
        except PacketReadError as exc:
            found.skipped.append(f"{exc}; skipped")
            continue
        manifest = report.manifest or {}
        anchor = AuditAnchor.from_json(manifest.get("audit_log"))
        uid = str(manifest.get("packet_id", "?"))
        if not manifest:
            found.skipped.append(f"{path}: not an irdesk packet (no manifest); skipped")
        elif anchor is None:
            found.skipped.append(
                f"{path}: packet {uid} was exported before packets carried the audit log's "
                "anchor; skipped"
            )
        # Whose key signed does not matter here, only that the signed bytes are intact.
        elif _signed(report.signatures, report.problems) and not report.intact():
            found.problems.append(
                f"{path}: packet {uid}'s signature does not hold, so its audit-log anchor "
                "cannot be trusted (irdesk verify says why)"
            )
        else:
            unsigned = "" if _signed(report.signatures, report.problems) else " (unsigned)"
            found.claims.append(AnchorClaim(uid, anchor, f"{path}{unsigned}"))
    return found


def _signed(signatures: list[object], problems: list[str]) -> bool:
    """Signed, validly or not: a signature that failed to validate is a problem, not a report."""
    return bool(signatures) or any("not signed" not in problem for problem in problems)
