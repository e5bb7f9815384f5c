"""The append-only audit log: each entry's hash covers its content and the previous hash.

The hash covers every field of an entry, `detail_json` (what changed) included, and
the previous entry's hash. Editing or deleting an entry breaks every hash after it,
so `verify_chain` finds tampering with the file done outside irdesk, unless whoever
did it recomputed every later hash, which anyone with this module can.

A chain alone cannot show that its newest entries were removed, nor tell a rewritten
chain from the real one. So each exported packet carries an anchor, the number of
entries and the newest hash at that moment, in its signed manifest and in its packet
row; `anchor_problems` holds the chain to every anchor it is given. An anchor proves
the first N entries are the ones the packet saw, and that the packet's own export was
recorded after them; entries after the newest anchor prove nothing beyond the chain.
"""

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from irdesk.domain.models import AuditEntry, stored_id
from irdesk.domain.utc import utc_now

GENESIS = "0" * 64


def _entry_hash(
    prev_hash: str,
    occurred_at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    detail_json: str,
) -> str:
    payload = json.dumps(
        [prev_hash, occurred_at.isoformat(), actor, action, entity, entity_id, detail_json],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def take_the_chain(session: Session) -> None:
    """Make this transaction the only one extending the chain until it ends.

    Two writers that both read the newest entry and then append would each chain to
    it: a fork no check could tell from tampering. A file has one writer at a time
    (SQLite's write lock); a server lets many transactions write at once, so there the
    chain is taken with a transaction-scoped advisory lock, released at commit or
    rollback.
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.connection().exec_driver_sql(
            "SELECT pg_advisory_xact_lock(hashtext('irdesk audit chain'))"
        )


def append_entry(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    detail: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> AuditEntry:
    """Add an entry in the caller's transaction, so the change and its record commit together."""
    take_the_chain(session)
    last = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(1)).first()
    prev_hash = last.hash if last else GENESIS
    # Stored times lose sub-microsecond detail; hash what will be read back.
    when = occurred_at or utc_now()
    detail_json = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False)
    entry = AuditEntry(
        occurred_at=when,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail_json=detail_json,
        prev_hash=prev_hash,
        hash=_entry_hash(prev_hash, when, actor, action, entity, entity_id, detail_json),
    )
    session.add(entry)
    session.flush()
    return entry


# (id, occurred_at, actor, action, entity, entity_id, detail_json, prev_hash, hash)
AuditRow = tuple[int, datetime, str, str, str, int | None, str, str, str]


def first_broken(rows: Iterable[AuditRow]) -> int | None:
    """The id of the first entry (rows in id order) whose hash does not hold, or None."""
    prev_hash = GENESIS
    for entry_id, when, actor, action, entity, entity_id, detail, stored_prev, stored in rows:
        expected = _entry_hash(prev_hash, when, actor, action, entity, entity_id, detail)
        if stored_prev != prev_hash or stored != expected:
            return entry_id
        prev_hash = stored
    return None


def verify_chain(session: Session) -> int | None:
    """The id of the first entry whose hash does not hold, or None if the whole chain is intact."""
    entries = session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))
    return first_broken(
        (
            stored_id(e.id),
            e.occurred_at,
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            e.detail_json,
            e.prev_hash,
            e.hash,
        )
        for e in entries
    )


@dataclass(frozen=True)
class AuditAnchor:
    """The log as it stood at one moment: how many entries, and the newest one's hash."""

    entries: int
    head: str

    def to_json(self) -> dict[str, object]:
        return {"entries": self.entries, "head": self.head}

    @classmethod
    def from_json(cls, data: object) -> "AuditAnchor | None":
        """The anchor a manifest carries, or None for one without (or with a malformed) one."""
        if not isinstance(data, dict):
            return None
        entries, head = data.get("entries"), data.get("head")
        if not isinstance(entries, int) or entries < 0 or not isinstance(head, str):
            return None
        return cls(entries, head)


def current_anchor(session: Session) -> AuditAnchor:
    """The log's anchor now, in the caller's session (so its transaction's entries count)."""
    count = session.exec(select(func.count()).select_from(AuditEntry)).one()
    last = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(1)).first()
    return AuditAnchor(int(count), last.hash if last else GENESIS)


@dataclass(frozen=True)
class AnchorClaim:
    """An anchor, the packet it belongs to, and where it was read (a packet row, a PDF)."""

    packet_uid: str
    anchor: AuditAnchor
    source: str


@dataclass(frozen=True)
class ChainEntry:
    """What anchors are checked against: an entry's hash, and the packet it exported if any."""

    hash: str
    exported: str | None  # the packet_uid of an export_packet entry

    @classmethod
    def of(cls, hash: str, action: str, detail_json: str) -> "ChainEntry":
        exported = None
        if action == "export_packet":
            try:
                uid = json.loads(detail_json).get("packet_uid")
            except (ValueError, AttributeError):
                uid = None
            exported = uid if isinstance(uid, str) else None
        return cls(hash, exported)


def anchor_problems(chain: Sequence[ChainEntry], claims: Iterable[AnchorClaim]) -> list[str]:
    """One sentence per anchor the chain (entries in id order) does not hold."""
    problems = []
    for claim in claims:
        n, uid, source = claim.anchor.entries, claim.packet_uid, claim.source
        if len(chain) < n:
            problems.append(
                f"{source}: packet {uid} was exported when the log had {n} entries, and it "
                f"has {len(chain)}: entries were removed"
            )
            continue
        head = chain[n - 1].hash if n else GENESIS
        if head != claim.anchor.head:
            problems.append(
                f"{source}: the log's first {n} entries are not the ones packet {uid} saw: "
                "they were rewritten"
            )
            continue
        if not any(entry.exported == uid for entry in chain[n:]):
            problems.append(
                f"{source}: the log holds no record of exporting packet {uid}: "
                "its newest entries were removed"
            )
    return problems
