"""The append-only audit log: each entry's hash covers its content and the previous hash.

Editing or deleting any entry breaks every hash after it, so `verify_chain`
finds tampering with the file done outside irdesk.
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

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
