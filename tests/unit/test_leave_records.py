"""Leave typed by hand (storage/records/leave), on a hand-built directory of two people:
checked, compare-and-set on the span's revision, audited under the person."""

import json
from datetime import date

import pytest
from sqlmodel import col, select

from irdesk.domain.models import AuditEntry, Person
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict, EditRefused
from irdesk.storage.records.leave import (
    add_leave,
    end_leave,
    list_leave,
    remove_leave,
    restore_leave,
)

MAY_4, MAY_6 = date(2021, 5, 4), date(2021, 5, 6)


@pytest.fixture
def ana(database: Database) -> int:
    with database.transaction() as session:
        person = Person(name="Ana")
        session.add_all([person, Person(name="Ben")])
        session.flush()
        assert person.id is not None
        return person.id


def audit(db: Database) -> list[tuple[str, str, dict[str, object]]]:
    with db.session() as session:
        rows = session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
        return [(e.action, e.entity, json.loads(e.detail_json)) for e in rows]


def test_added_ended_removed_and_put_back(database: Database, ana: int) -> None:
    added = add_leave(database, ana, MAY_4, None, "  parental leave ", actor="lead")
    assert (added.person, added.starts_on, added.ends_on, added.note) == (
        "Ana", MAY_4, None, "parental leave"
    )  # fmt: skip
    assert added.span() == "2021-05-04 to not ended"
    ended = end_leave(database, added.leave_id, added.revision, MAY_6, actor="lead")
    assert (ended.ends_on, ended.revision) == (MAY_6, added.revision + 1)
    assert list_leave(database) == [ended]
    remove_leave(database, ended.leave_id, ended.revision, actor="lead")
    assert list_leave(database) == []
    back = restore_leave(database, ended, actor="lead")
    assert (back.starts_on, back.ends_on, back.note) == (MAY_4, MAY_6, "parental leave")
    assert [(a, e) for a, e, _ in audit(database)] == [
        ("add_leave", "person"),
        ("end_leave", "person"),
        ("remove_leave", "person"),
        ("add_leave", "person"),
    ]
    assert audit(database)[1][2] == {"person": "Ana", "from": "2021-05-04", "until": "2021-05-06"}


def test_a_stale_revision_is_a_conflict_and_changes_nothing(database: Database, ana: int) -> None:
    added = add_leave(database, ana, MAY_4, None, None, actor="lead")
    end_leave(database, added.leave_id, added.revision, MAY_6, actor="other window")
    with pytest.raises(EditConflict, match="changed in another window"):
        end_leave(database, added.leave_id, added.revision, MAY_4, actor="lead")
    with pytest.raises(EditConflict, match="changed in another window"):
        remove_leave(database, added.leave_id, added.revision, actor="lead")
    assert [r.ends_on for r in list_leave(database)] == [MAY_6]


def test_refused_in_a_located_sentence(database: Database, ana: int) -> None:
    with pytest.raises(EditRefused, match=r"^Until: a day on or after .* \(2021-05-06\), found"):
        add_leave(database, ana, MAY_6, MAY_4, None, actor="lead")
    add_leave(database, ana, MAY_4, MAY_6, None, actor="lead")
    with pytest.raises(EditRefused, match=r"^From: Ana is already on leave 2021-05-04 to 2021"):
        add_leave(database, ana, date(2021, 5, 5), None, None, actor="lead")
    # The day after is free; another person's leave is theirs.
    add_leave(database, ana, date(2021, 5, 7), None, None, actor="lead")
    add_leave(database, ana + 1, MAY_4, None, None, actor="lead")
    assert [(r.person, r.starts_on) for r in list_leave(database)] == [
        ("Ana", MAY_4),
        ("Ana", date(2021, 5, 7)),
        ("Ben", MAY_4),
    ]
