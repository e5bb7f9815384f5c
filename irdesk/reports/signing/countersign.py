"""The second signature: verify the packet as it is, sign the next field, record it."""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from irdesk.reports.signing.identity import read_identity
from irdesk.reports.signing.sign import last_signer_certificate, sign_packet
from irdesk.reports.signing.verify import Trust, verify_packet
from irdesk.storage.database import Database
from irdesk.storage.files import SHARED, write_atomically

if TYPE_CHECKING:
    from irdesk.reports.signing.token import TokenKey
from irdesk.storage.records.packets import record_countersignature


class CountersignRefused(ValueError):
    """The packet does not verify as it is, so it is not countersigned."""


@dataclass(frozen=True)
class CountersignResult:
    path: Path
    signer: str
    sha256: str
    packet_uid: str | None
    recorded: bool
    # The keys of the signatures countersigned over, for the countersigner to compare.
    earlier_keys: tuple[str, ...] = ()


def countersign_packet(
    packet: Path,
    identity: Path | None,
    passphrase: bytes,
    *,
    actor: str,
    out: Path | None = None,
    database: Database | None = None,
    overwrite: bool = False,
    trust: Trust | None = None,
    timestamp_url: str | None = None,
    token: "TokenKey | None" = None,
) -> CountersignResult:
    """Fill the packet's next signature field; record it if `database` exported the packet.

    A packet that does not verify as it is (invalid, modified, unsigned) is refused:
    a countersignature must not vouch for a document already broken. With `trust`,
    so is one whose earlier signatures were not made by the keys it names. Without `out`
    the packet itself is updated; an existing `out` is replaced only with `overwrite`.
    """
    before = verify_packet(packet, trust=trust)
    if not before.intact():
        raise CountersignRefused(
            f"{packet.name} does not verify as it is; it was not countersigned "
            "(irdesk verify shows why)"
        )
    if before.trust_given and not before.ok():
        refusals = "; ".join(s.refusal for s in before.signatures if s.refusal)
        raise CountersignRefused(
            f"{packet.name} was not signed by the signer you named, so it was not "
            f"countersigned: {refusals}"
        )
    if token is not None:
        from irdesk.reports.signing.token import sign_packet_with_token

        signed, signer = sign_packet_with_token(
            packet.read_bytes(), token, timestamp_url=timestamp_url
        )
    else:
        assert identity is not None
        signer = read_identity(identity, passphrase).name
        signed = sign_packet(packet.read_bytes(), identity, passphrase, timestamp_url=timestamp_url)
    digest = hashlib.sha256(signed).hexdigest()
    target = out or packet
    replace = overwrite or out is None
    packet_uid = (before.manifest or {}).get("packet_id")
    recorded = False
    if database is not None and packet_uid:
        recorded = record_countersignature(
            database,
            packet_uid=str(packet_uid),
            signer=signer,
            sha256=digest,
            actor=actor,
            signer_certificate=last_signer_certificate(signed),
            write=lambda: write_atomically(target, signed, replace=replace, mode=SHARED),
        )
    else:
        write_atomically(target, signed, replace=replace, mode=SHARED)
    return CountersignResult(
        path=target,
        signer=signer,
        sha256=digest,
        packet_uid=str(packet_uid) if packet_uid else None,
        recorded=recorded,
        earlier_keys=tuple(s.key_sha256 for s in before.signatures),
    )
