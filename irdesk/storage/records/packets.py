"""The record of every packet that left the building: the packet table and the audit log.

An export and a countersignature each add their audit entry in the same
transaction as the packet row they write, and write the PDF itself (`write`) inside
that transaction: a file that cannot be written leaves nothing recorded.
"""

import json
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlmodel import Session, select

from irdesk.domain.enums import ReviewStatus
from irdesk.domain.models import Packet, Review
from irdesk.storage.database import Database
from irdesk.storage.records.audit import AuditAnchor, append_entry, current_anchor
from irdesk.storage.records.reviews import set_status


def audit_anchor(database: Database) -> AuditAnchor:
    """The audit log's anchor for a packet about to be made: its manifest carries it."""
    with database.session() as session:
        return current_anchor(session)


def record_packet(
    database: Database,
    *,
    packet_uid: str,
    profile: str,
    incident_id: int | None,
    review_id: int | None,
    subject: str | None,
    policy_version_id: int | None,
    sha256: str,
    file_name: str,
    signers: list[str],
    created_by: str,
    created_at: datetime,
    write: Callable[[], None],
    audit: AuditAnchor | None = None,
    signer_certificates: Sequence[str] = (),
) -> None:
    """Record the export (with `audit`, the anchor its manifest carries), then `write` it.

    `signer_certificates`: SHA-256 of each signer's certificate, so the audit log
    names the key that signed, not only the name the certificate claims.
    """
    with database.transaction() as session:
        packet = Packet(
            packet_uid=packet_uid,
            profile=profile,
            incident_id=incident_id,
            review_id=review_id,
            subject=subject,
            policy_version_id=policy_version_id,
            sha256=sha256,
            file_name=file_name,
            signers_json=json.dumps(signers, ensure_ascii=False),
            created_by=created_by,
            created_at=created_at,
            audit_entries=audit.entries if audit else None,
            audit_head=audit.head if audit else None,
        )
        session.add(packet)
        session.flush()
        append_entry(
            session,
            actor=created_by,
            action="export_packet",
            entity="packet",
            entity_id=packet.id,
            detail={
                "packet_uid": packet_uid,
                "profile": profile,
                "incident_id": incident_id,
                "subject": subject,
                "sha256": sha256,
                "file_name": file_name,
                "signers": signers,
                **({"audit_anchor": audit.to_json()} if audit else {}),
                **(
                    {"signer_certificates": list(signer_certificates)}
                    if signer_certificates
                    else {}
                ),
            },
            occurred_at=created_at,
        )
        if review_id is not None and signers:
            _mark_signed(session, review_id, actor=created_by)
        write()


def _mark_signed(session: Session, review_id: int, *, actor: str) -> None:
    """An approved review becomes Signed with its first signed packet (then it can be archived)."""
    review = session.get(Review, review_id, populate_existing=True)
    if review is not None and review.status == ReviewStatus.APPROVED:
        set_status(session, review_id, review.revision, ReviewStatus.SIGNED, actor=actor)


def record_countersignature(
    database: Database,
    *,
    packet_uid: str,
    signer: str,
    sha256: str,
    actor: str,
    write: Callable[[], None],
    signer_certificate: str | None = None,
) -> bool:
    """Note a countersignature on a packet this database exported, then `write` the file.

    False, and the file written all the same, when this database did not export it.
    `signer_certificate`: SHA-256 of the countersigner's certificate, as for an export.
    """
    with database.transaction() as session:
        recorded = _note_countersignature(
            session,
            packet_uid=packet_uid,
            signer=signer,
            sha256=sha256,
            actor=actor,
            signer_certificate=signer_certificate,
        )
        write()
    return recorded


def _note_countersignature(
    session: Session,
    *,
    packet_uid: str,
    signer: str,
    sha256: str,
    actor: str,
    signer_certificate: str | None,
) -> bool:
    packet = session.exec(select(Packet).where(Packet.packet_uid == packet_uid)).first()
    if packet is None:
        return False
    signers = [*json.loads(packet.signers_json), signer]
    previous = packet.sha256
    packet.signers_json = json.dumps(signers, ensure_ascii=False)
    packet.sha256 = sha256
    session.add(packet)
    append_entry(
        session,
        actor=actor,
        action="countersign_packet",
        entity="packet",
        entity_id=packet.id,
        detail={
            "packet_uid": packet_uid,
            "signer": signer,
            "sha256": sha256,
            "previous_sha256": previous,
            **({"signer_certificate": signer_certificate} if signer_certificate else {}),
        },
    )
    session.flush()
    return True
