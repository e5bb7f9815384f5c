"""The audit excerpt as a reader follows it: one line per edit session, not per autosave.

Typing a finding saves it every few hundred milliseconds, and each save is an audit
entry ("…before going hom", "…before going home"). The log keeps them all (the
packet's manifest hashes every record); the excerpt shows each run of edits by one
person to one record as one line: when it began and ended, how many saves, and the
values it left. Everything that is not an edit (status changes, additions, deletions,
exports) stays a line of its own.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from irdesk.storage.reads.packet_data import AuditRecord

# Edits to one record by one person with no pause longer than this are one session.
EDIT_SESSION_GAP = timedelta(minutes=15)


@dataclass
class AuditLine:
    first: AuditRecord
    last: AuditRecord
    saves: int = 1
    # The values the session left: each field's value in its latest save.
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def started_at(self) -> datetime:
        return self.first.occurred_at

    @property
    def ended_at(self) -> datetime:
        return self.last.occurred_at


def _detail(entry: AuditRecord) -> dict[str, Any]:
    loaded = json.loads(entry.detail) if entry.detail else {}
    return loaded if isinstance(loaded, dict) else {"detail": loaded}


def audit_lines(entries: list[AuditRecord]) -> list[AuditLine]:
    """`entries` (oldest first) with each edit session folded into one line."""
    lines: list[AuditLine] = []
    open_sessions: dict[tuple[str, str, str, int | None], AuditLine] = {}
    for entry in entries:
        if not entry.action.startswith("edit_"):
            lines.append(AuditLine(entry, entry, detail=_detail(entry)))
            continue
        key = (entry.actor, entry.action, entry.entity, entry.entity_id)
        session = open_sessions.get(key)
        if session is not None and entry.occurred_at - session.ended_at <= EDIT_SESSION_GAP:
            session.last = entry
            session.saves += 1
            session.detail.update(_detail(entry))
            continue
        session = AuditLine(entry, entry, detail=_detail(entry))
        open_sessions[key] = session
        lines.append(session)
    return lines
