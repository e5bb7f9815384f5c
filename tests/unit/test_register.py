"""The compliance register on a hand-built database (tests/register_fixture.py): every
row written out, the notice edits audited and compare-and-set, the rules editable.
"""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from register_fixture import ACTOR, EXPECTED_CELLS, NOW, at, build_register
from sqlmodel import select

from irdesk.domain.models import AuditEntry
from irdesk.domain.register import (
    NoticeStatus,
    Rule,
    notice,
    notice_deadline,
    recovery_minutes,
    rule_for,
    span,
)
from irdesk.reports.register import register_cells
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict
from irdesk.storage.reads.register import read_register, read_rules
from irdesk.storage.records.register import (
    NoticeState,
    RegisterRefused,
    record_notice,
    save_rule,
)


@pytest.fixture
def register(database: Database) -> tuple[Database, dict[str, int]]:
    return database, build_register(database)


def test_every_row_as_written_out_by_hand(register: tuple[Database, dict[str, int]]) -> None:
    database, _ids = register
    rows = read_register(database, NOW)
    assert [register_cells(r) for r in rows] == EXPECTED_CELLS
    assert [r.notice.status for r in rows] == [
        NoticeStatus.ON_TIME,
        NoticeStatus.LATE,
        NoticeStatus.OVERDUE,
    ]
    assert [r.notice.breached for r in rows] == [False, True, True]
    assert rows[0].rto_missed_by == 35
    assert rows[0].rpo_minutes == 15


def test_the_same_register_before_the_deadline_passed(
    register: tuple[Database, dict[str, int]],
) -> None:
    database, _ids = register
    rows = read_register(database, at(12, 3, 6))
    assert register_cells(rows[2])["status"] == "due in 1 d"


def test_a_notice_is_recorded_audited_and_undone(register: tuple[Database, dict[str, int]]) -> None:
    database, ids = register
    given = NoticeState(datetime(2026, 12, 7, 13, 15, tzinfo=timezone(timedelta(hours=1))), "Dana")
    assert record_notice(database, ids["REG-3"], 0, given, actor="Dana") == 1
    row = read_register(database, NOW)[2]
    assert register_cells(row)["notified_at"] == "2026-12-07 12:15 UTC"
    assert register_cells(row)["status"] == "⚠ late by 3 d 6 h"  # days drop the minutes
    with pytest.raises(EditConflict):
        record_notice(database, ids["REG-3"], 0, NoticeState(None, None), actor="Eve")
    assert record_notice(database, ids["REG-3"], 1, NoticeState(None, None), actor="Dana") == 2
    assert register_cells(read_register(database, NOW)[2])["status"] == "⚠ overdue by 3 d 6 h"
    with database.session() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "record_notice")).all()
    # Two from the fixture, then the notice and its undoing.
    assert [e.actor for e in entries] == [ACTOR, ACTOR, "Dana", "Dana"]
    assert '"to": "2026-12-07T12:15:00+00:00"' in entries[2].detail_json


def test_half_a_notice_is_refused_in_one_sentence(
    register: tuple[Database, dict[str, int]],
) -> None:
    database, ids = register
    with pytest.raises(RegisterRefused, match=r"^demo:REG-3: a notice needs both when it was"):
        record_notice(database, ids["REG-3"], 0, NoticeState(NOW, None), actor="Dana")
    with pytest.raises(RegisterRefused, match="time zone"):
        record_notice(
            database, ids["REG-3"], 0, NoticeState(NOW.replace(tzinfo=None), "D"), actor="D"
        )


def test_a_rule_edited_moves_every_deadline(register: tuple[Database, dict[str, int]]) -> None:
    database, _ids = register
    assert read_rules(database) == [Rule("GDPR", "initial notice", 72.0, 1)]
    with pytest.raises(EditConflict):
        save_rule(database, "gdpr", 0, within_hours=24, actor="Counsel")
    save_rule(database, "gdpr", 1, within_hours=24, notice="early warning", actor="Counsel")
    row = read_register(database, NOW)[1]
    cells = register_cells(row)
    assert cells["rule"] == "early warning within 24 h of detection"
    assert cells["deadline"] == "2026-11-03 10:00 UTC"
    assert cells["status"] == "⚠ late by 2 d 3 h"
    with pytest.raises(RegisterRefused, match="positive number of hours"):
        save_rule(database, "GDPR", 2, within_hours=0, actor="Counsel")


def test_rules_match_the_longest_name_the_regulation_starts_with() -> None:
    rules = [Rule("GDPR", "notice", 72), Rule("GDPR Art. 34", "tell the people", 24)]
    assert rule_for("gdpr art. 33", rules) == rules[0]
    assert rule_for("GDPR Art. 34(1)", rules) == rules[1]
    assert rule_for("HIPAA", rules) is None
    assert rule_for(None, rules) is None


def test_the_stricter_deadline_counts() -> None:
    rule = Rule("GDPR", "notice", 72)
    detected = datetime(2026, 1, 1, tzinfo=UTC)
    sooner = datetime(2026, 1, 2, tzinfo=UTC)
    assert notice_deadline(detected_at=detected, classified=sooner, rule=rule) == sooner
    assert notice_deadline(detected_at=detected, classified=None, rule=rule) == datetime(
        2026, 1, 4, tzinfo=UTC
    )
    assert notice_deadline(detected_at=None, classified=None, rule=rule) is None
    assert notice(None, None, detected).text == "no deadline"


def test_spans_and_recovery() -> None:
    assert [span(m) for m in (0, 35, 60, 95, 2880, 2940, 4710)] == [
        "0 min",
        "35 min",
        "1 h",
        "1 h 35 min",
        "2 d",
        "2 d 1 h",
        "3 d 6 h",
    ]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert (
        recovery_minutes(
            {"started_at": None, "detected_at": start, "resolved_at": start + timedelta(minutes=5)}
        )
        == 5
    )
    assert (
        recovery_minutes({"started_at": start, "detected_at": start, "resolved_at": None}) is None
    )
