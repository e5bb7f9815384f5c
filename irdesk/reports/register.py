"""The compliance register as text, one way for the window, `irdesk register` and the packet.

`domain.register.cells` writes each row; this adds who each packet profile is for,
which only the packet profiles know, and the JSON `irdesk register` prints.
"""

from datetime import datetime
from typing import Any

from irdesk.domain.register import COLUMNS, RegisterRow, cells
from irdesk.reports.packets.profiles import PROFILES


def audience(profile: str) -> str:
    known = PROFILES.get(profile)
    return known.audience if known else profile


def register_cells(row: RegisterRow) -> dict[str, str]:
    return cells(row, audience)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def register_json(rows: list[RegisterRow], now: datetime) -> dict[str, Any]:
    """The register for scripts: each row's cells as the window shows them, and raw values."""
    return {
        "as_of": now.isoformat(),
        "columns": [{"key": c.key, "label": c.label} for c in COLUMNS],
        "rows": [
            {
                "incident_id": r.incident_id,
                "cells": register_cells(r),
                "notice": {
                    "status": r.notice.status.value,
                    "breached": r.notice.breached,
                    "deadline": _iso(r.notice.deadline),
                    "minutes": r.notice.minutes,
                    "notified_at": _iso(r.notified_at),
                    "notified_by": r.notified_by,
                },
                "legal_signoff": list(r.legal_signoff),
                "packets": [
                    {
                        "packet_uid": p.packet_uid,
                        "profile": p.profile,
                        "audience": audience(p.profile),
                        "created_at": p.created_at.isoformat(),
                        "created_by": p.created_by,
                        "signers": list(p.signers),
                    }
                    for p in r.packets
                ],
                "continuity": {
                    "recovery_minutes": r.recovery_minutes,
                    "rto_minutes": r.rto_minutes,
                    "rpo_minutes": r.rpo_minutes,
                    "rto_missed_by_minutes": r.rto_missed_by,
                },
            }
            for r in rows
        ],
    }
