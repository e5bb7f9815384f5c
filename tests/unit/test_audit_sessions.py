"""The legal packet's audit excerpt: one line per edit session, every other entry as it is."""

import json
from datetime import UTC, datetime, timedelta

from irdesk.reports.packets.audit_sessions import EDIT_SESSION_GAP, audit_lines
from irdesk.storage.reads.packet_data import AuditRecord

T0 = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)


def entry(n: int, seconds: float, action: str, entity_id: int, **detail: object) -> AuditRecord:
    return AuditRecord(
        id=n,
        occurred_at=T0 + timedelta(seconds=seconds),
        actor="Ada",
        action=action,
        entity="finding",
        detail=json.dumps(detail),
        entity_id=entity_id,
    )


def test_autosaves_of_one_finding_are_one_line_with_the_text_it_was_left_with() -> None:
    entries = [
        entry(1, 0, "add_finding", 7, text=""),
        entry(2, 1, "edit_finding", 7, text="The runbook was written before going hom"),
        entry(3, 1.4, "edit_finding", 7, text="The runbook was written before going home"),
        entry(4, 2, "edit_finding", 8, text="Alerts fired late"),  # another finding
        entry(5, 3, "edit_finding", 7, category="went_well"),
        entry(6, 60, "set_review_status", 1, to="approved"),
    ]
    lines = audit_lines(entries)
    assert [(line.first.id, line.last.id, line.saves) for line in lines] == [
        (1, 1, 1),
        (2, 5, 3),
        (4, 4, 1),
        (6, 6, 1),
    ]
    assert lines[1].detail == {
        "text": "The runbook was written before going home",
        "category": "went_well",
    }
    assert lines[1].started_at == T0 + timedelta(seconds=1)
    assert lines[1].ended_at == T0 + timedelta(seconds=3)


def test_a_pause_longer_than_the_gap_starts_another_session() -> None:
    later = EDIT_SESSION_GAP.total_seconds() + 1
    lines = audit_lines(
        [
            entry(1, 0, "edit_finding", 7, text="first"),
            entry(2, later, "edit_finding", 7, text="second"),
        ]
    )
    assert [line.saves for line in lines] == [1, 1]
    assert [line.detail["text"] for line in lines] == ["first", "second"]


def test_status_changes_are_never_folded_together() -> None:
    lines = audit_lines(
        [
            entry(1, 0, "set_review_status", 1, to="approved"),
            entry(2, 1, "set_review_status", 1, to="signed"),
        ]
    )
    assert [line.detail["to"] for line in lines] == ["approved", "signed"]
