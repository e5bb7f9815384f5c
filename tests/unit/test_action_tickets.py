"""Action items follow their Jira tickets: status, done date and assignee on re-import.

Samples: /work/shared/data/jira_search_with_changelog.json (UT-33: Done with resolution
Done, resolutiondate 2015-11-21T07:14:39-0500; UT-35: "Dev Active", In Progress
category; UT-27: Done with no resolutiondate, its last transition into Done at
2015-12-14T07:14:17.848-0500) and /work/shared/data/jira_service_management_export_es.csv
(IHS-3: "Completado", assigned to Diego Fuentes Arellano). The hand-built ticket below
is written in the test, with the values it must give.
"""

import json
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.domain.enums import ActionStatus
from irdesk.domain.metrics.followup import follow_through_rows
from irdesk.domain.metrics.selection import Period
from irdesk.domain.models import AuditEntry, Person
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import Database
from irdesk.storage.reads import packet_data
from irdesk.storage.records import action_items, reviews

pytestmark = pytest.mark.both_backends

JIRA_JSON = SHARED_DATA / "jira_search_with_changelog.json"
JIRA_CSV = SHARED_DATA / "jira_service_management_export_es.csv"
ACTOR = "facilitator"
# The CSV's dates are local, without a zone: the export was made in Madrid.
MADRID = ImportOptions(zone=ZoneInfo("Europe/Madrid"))


def find_incident(db: Database, name: str) -> int:
    with db.session() as session:
        return packet_data.find_incident(session, name)


def _review_with_actions(db: Database, keys: dict[str, date | None]) -> dict[str, int]:
    """A review of the sample's UT-50 with one action item per key (due on its date)."""
    incident = find_incident(db, "jira:UT-50")
    ids: dict[str, int] = {}
    with db.transaction() as session:
        review = reviews.create_review(session, incident, actor=ACTOR, today=date(2016, 4, 1))
        assert review.id is not None
        for key, due in keys.items():
            row = action_items.add_action(
                session, review.id, actor=ACTOR, title=f"Follow {key}", due_on=due
            )
            action_items.edit_action(session, row.id, row.revision, actor=ACTOR, external_key=key)
            ids[key] = row.id
    return ids


def _action(db: Database, action_id: int) -> action_items.ActionRow:
    with db.session() as session:
        return action_items.get_action(session, action_id)


def test_action_items_take_their_tickets_status_and_done_date(database: Database) -> None:
    run_import(database, [JIRA_JSON])
    # Keys as people type them: any case.
    ids = _review_with_actions(
        database, {"UT-33": date(2015, 11, 20), "ut-35": None, "UT-27": None}
    )
    report = run_import(database, [JIRA_JSON])

    done = _action(database, ids["UT-33"])
    assert done.status == ActionStatus.DONE
    assert done.completed_at == datetime(2015, 11, 21, 12, 14, 39, tzinfo=UTC)
    assert _action(database, ids["ut-35"]).status == ActionStatus.IN_PROGRESS
    no_date = _action(database, ids["UT-27"])
    assert no_date.status == ActionStatus.DONE
    assert no_date.completed_at == datetime(2015, 12, 14, 12, 14, 17, 848000, tzinfo=UTC)
    assert "Action items following their tickets:" in report.lines()

    with database.session() as session:
        history = action_items.ticket_changes(session, ids["UT-33"])
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "follow_ticket")).all()
    assert [(h.field, h.before, h.after) for h in history] == [
        ("status", "open", "done"),
        ("completed_at", None, "2015-11-21T12:14:39+00:00"),
    ]
    assert {h.ticket for h in history} == {"jira:UT-33"}
    assert history[0].changed_at == datetime(2015, 11, 21, 12, 14, 39, tzinfo=UTC)
    assert history[0].file == str(JIRA_JSON)
    assert sorted(e.entity_id for e in audit) == sorted(ids.values())

    # The same file again: nothing to follow, nothing written.
    before = dump(database)
    again = run_import(database, [JIRA_JSON])
    assert dump(database) == before
    assert not again.result.action_changes


def test_an_edit_after_the_import_stands_until_the_ticket_moves(database: Database) -> None:
    run_import(database, [JIRA_JSON])
    ids = _review_with_actions(database, {"UT-35": None})
    run_import(database, [JIRA_JSON])
    item = _action(database, ids["UT-35"])
    assert item.status == ActionStatus.IN_PROGRESS
    with database.transaction() as session:
        action_items.edit_action(session, item.id, item.revision, actor=ACTOR, status="wont_do")
    run_import(database, [JIRA_JSON])
    assert _action(database, ids["UT-35"]).status == ActionStatus.WONT_DO


def test_the_csv_assignee_becomes_the_owner_and_counts_in_follow_through(
    database: Database,
) -> None:
    run_import(database, [JIRA_JSON, JIRA_CSV], MADRID)
    ids = _review_with_actions(database, {"IHS-3": date(2026, 7, 1)})
    period = Period(datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC))
    as_of = date(2026, 8, 1)

    def diego_row() -> tuple[int, int, int] | None:
        rows = follow_through_rows(load_metric_data(database), period, as_of)
        for row in rows:
            if row.owner_kind == "person" and row.label == "Diego Fuentes Arellano":
                return row.done_on_time, row.done_late, row.open_overdue
        return None

    assert diego_row() is None  # nobody owns it yet
    run_import(database, [JIRA_CSV], MADRID)
    item = _action(database, ids["IHS-3"])
    assert item.owner_name == "Diego Fuentes Arellano"
    assert item.status == ActionStatus.DONE
    assert item.completed_at is not None
    # Done on 18 July 2026, due 1 July: late, for the person the ticket is assigned to.
    assert diego_row() == (0, 1, 0)


def _ticket(key: str, status: str, category: str, resolution: str | None) -> dict[str, object]:
    return {
        "key": key,
        "fields": {
            "summary": "Add a disk alarm",
            "created": "2026-11-02T09:00:00.000+0100",
            "updated": "2026-11-20T16:30:00.000+0100",
            "status": {"name": status, "statusCategory": {"key": category}},
            "resolution": {"name": resolution} if resolution else None,
            "resolutiondate": "2026-11-20T16:30:00.000+0100" if resolution else None,
            "assignee": {"displayName": "Ada Byron", "emailAddress": "ada@example.org"},
        },
        "changelog": {
            "histories": [
                {
                    "id": "1",
                    "created": "2026-11-20T16:30:00.000+0100",
                    "author": {"displayName": "Grace Hopper"},
                    "items": [{"field": "status", "fromString": "To Do", "toString": status}],
                }
            ]
        },
    }


def _write(path: Path, *issues: dict[str, object]) -> Path:
    path.write_text(json.dumps({"startAt": 0, "total": len(issues), "issues": list(issues)}))
    return path


def test_a_hand_built_ticket_closed_without_the_work(database: Database, tmp_path: Path) -> None:
    incident = _write(tmp_path / "incident.json", _ticket("OPS-1", "To Do", "new", None))
    run_import(database, [incident])
    incident_id = find_incident(database, "jira:OPS-1")
    with database.transaction() as session:
        review = reviews.create_review(session, incident_id, actor=ACTOR)
        assert review.id is not None
        row = action_items.add_action(session, review.id, actor=ACTOR, title="Disk alarm")
        action_items.edit_action(
            session,
            row.id,
            row.revision,
            actor=ACTOR,
            # The browse URL names the ticket as well as its key does.
            external_key="https://acme.atlassian.net/browse/OPS-2",
        )
    ticket = _ticket("OPS-2", "Closed", "done", "Won't Do")
    ticket["self"] = "https://acme.atlassian.net/rest/api/2/issue/10002"
    run_import(database, [_write(tmp_path / "ticket.json", ticket)])

    item = _action(database, row.id)
    assert item.status == ActionStatus.WONT_DO
    assert item.completed_at is None  # not done: no done date
    assert item.owner_name == "Ada Byron"
    with database.session() as session:
        history = action_items.ticket_changes(session, row.id)
        ada = session.exec(select(Person).where(col(Person.email) == "ada@example.org")).one()
    assert ada.id == item.owner_person_id
    assert [(h.field, h.before, h.after, h.changed_by) for h in history] == [
        ("status", "open", "wont_do", "Grace Hopper"),
        ("owner", None, "Ada Byron", "Grace Hopper"),
    ]
    assert history[0].changed_at == datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    assert history[0].recorded_by


@pytest.mark.parametrize("resolution", ["Done", "Hecho"])
def test_a_resolution_that_is_not_a_refusal_means_done(
    database: Database, tmp_path: Path, resolution: str
) -> None:
    run_import(database, [_write(tmp_path / "a.json", _ticket("OPS-3", "To Do", "new", None))])
    with database.transaction() as session:
        review = reviews.create_review(session, find_incident(database, "jira:OPS-3"), actor=ACTOR)
        assert review.id is not None
        row = action_items.add_action(session, review.id, actor=ACTOR, title="x")
        action_items.edit_action(session, row.id, row.revision, actor=ACTOR, external_key="OPS-3")
    run_import(
        database,
        [_write(tmp_path / "b.json", _ticket("OPS-3", "Closed", "done", resolution))],
    )
    item = _action(database, row.id)
    assert item.status == ActionStatus.DONE
    assert item.completed_at == datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
