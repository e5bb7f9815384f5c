"""Incident roles: found by imports of the real samples, typed by hand, kept apart.

Samples: /work/shared/data/pagerduty_incidents_page.json (26 incidents; its
acknowledgements lists are all empty, PagerDuty empties them on resolution) with
tests/fixtures/pagerduty/log_entries_PGW5XNE.json (hand-written log entries for its
incident PGW5XNE: Giran Moodley notified 13:48:52 and acknowledging 13:50:07, Bryce
Blake notified 13:52:01 after an escalation at 13:52:00), and its incident 12728
(PH4UE4E), triggered and assigned to Michael Mandy; /work/shared/org-data's
PagerDuty services and escalation policies.
"""

import json
from pathlib import Path

import pytest
from sqlmodel import col, select
from testdata import FIXTURES, ORG_DATA, SHARED_DATA
from testdata import database_dump as dump

from irdesk.domain.enums import IncidentRoleKind
from irdesk.domain.models import AuditEntry, ServicePolicy
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict
from irdesk.storage.reads.packet_data import find_incident
from irdesk.storage.records import database_edits
from irdesk.storage.records.incident_roles import RoleRefused, find_person, parse_role

pytestmark = pytest.mark.both_backends

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
PD_LOG = FIXTURES / "pagerduty" / "log_entries_PGW5XNE.json"


@pytest.fixture
def imported(database: Database) -> Database:
    run_import(database, [PD_PAGE, PD_LOG])
    return database


def roles(db: Database, name: str) -> list[tuple[str, str, str, bool]]:
    _, rows = database_edits.read_roles_named(db, name)
    return [(r.person, r.role.value, r.source, r.superseded) for r in rows]


def person_id(db: Database, name: str) -> int:
    with db.session() as session:
        found = find_person(session, name).id
        assert found is not None
        return found


def test_the_acknowledger_becomes_responder_and_the_paged_on_call(imported: Database) -> None:
    assert roles(imported, "PGW5XNE") == [
        ("Giran Moodley", "responder", "import", False),
        ("Giran Moodley", "oncall_primary", "import", False),
        ("Bryce Blake", "oncall_secondary", "import", False),
    ]
    _, rows = database_edits.read_roles_named(imported, "PGW5XNE")
    assert [r.how for r in rows] == [
        "acknowledged 13:50",
        "paged 13:48",
        "paged after escalation 13:52",
    ]


def test_the_page_alone_names_no_acknowledger(database: Database) -> None:
    run_import(database, [PD_PAGE])
    # The real page holds no acknowledgement and no log entry: no role is invented.
    assert roles(database, "PGW5XNE") == []


def test_a_typed_role_survives_a_reimport(imported: Database) -> None:
    incident = database_edits.read_roles_named(imported, "PGW5XNE")
    bryce = person_id(imported, "Bryce Blake")
    with imported.session() as session:
        incident_id = find_incident(session, "PGW5XNE")
    done = database_edits.set_typed_role(
        imported, incident_id, bryce, IncidentRoleKind.COMMANDER, 0, actor="ana"
    )
    assert (done.before, done.after, done.revision) == (None, IncidentRoleKind.COMMANDER, 1)
    before = dump(imported)
    run_import(imported, [PD_PAGE, PD_LOG])
    assert dump(imported) == before
    assert roles(imported, "PGW5XNE") == [
        ("Bryce Blake", "commander", "typed", False),
        ("Giran Moodley", "responder", "import", False),
        ("Giran Moodley", "oncall_primary", "import", False),
        ("Bryce Blake", "oncall_secondary", "import", True),
    ]
    assert incident[1][0].revision == 0


def test_typed_roles_are_compare_and_set_and_audited(imported: Database) -> None:
    with imported.session() as session:
        incident_id = find_incident(session, "PGW5XNE")
    giran = person_id(imported, "giran moodley")
    database_edits.set_typed_role(
        imported, incident_id, giran, IncidentRoleKind.SCRIBE, 0, actor="ana"
    )
    with pytest.raises(EditConflict):
        database_edits.set_typed_role(
            imported, incident_id, giran, IncidentRoleKind.COMMANDER, 0, actor="ben"
        )
    undone = database_edits.set_typed_role(imported, incident_id, giran, None, 1, actor="ana")
    assert undone.revision == 2
    assert ("Giran Moodley", "scribe", "typed", False) not in roles(imported, "PGW5XNE")
    with imported.session() as session:
        entries = session.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "set_incident_role")
            .order_by(col(AuditEntry.id))
        ).all()
    assert [(e.actor, e.entity, e.entity_id) for e in entries] == [
        ("ana", "incident", incident_id),
        ("ana", "incident", incident_id),
    ]
    assert '"to": "scribe"' in entries[0].detail_json and '"to": null' in entries[1].detail_json


def test_set_by_name_all_or_nothing(imported: Database) -> None:
    _, done = database_edits.set_roles_named(
        imported, "PGW5XNE", [("Giran Moodley", "incident commander")], actor="ana"
    )
    assert done[0].after is IncidentRoleKind.COMMANDER
    with pytest.raises(RoleRefused, match="no person named 'Nobody'"):
        database_edits.set_roles_named(
            imported, "PGW5XNE", [("Bryce Blake", "scribe"), ("Nobody", "scribe")], actor="ana"
        )
    assert ("Bryce Blake", "scribe", "typed", False) not in roles(imported, "PGW5XNE")


def test_roles_as_people_type_them() -> None:
    assert parse_role("on-call primary") is IncidentRoleKind.ONCALL_PRIMARY
    assert parse_role("IC") is IncidentRoleKind.COMMANDER
    assert parse_role("Team Lead") is IncidentRoleKind.TEAM_LEAD
    with pytest.raises(RoleRefused, match="no role 'hero'"):
        parse_role("hero")


def test_services_are_linked_to_their_policies(database: Database) -> None:
    # pagerduty_services.json's PIJ90N7 names policy PT20YPA, which no sample holds;
    # pagerduty_escalation_policies.json's PANZZEQ lists PIJ90N7 among its services.
    run_import(
        database,
        [ORG_DATA / "pagerduty_services.json", ORG_DATA / "pagerduty_escalation_policies.json"],
    )
    with database.session() as session:
        links = session.exec(select(ServicePolicy)).all()
        assert len(links) == 1
    before = dump(database)
    run_import(
        database,
        [ORG_DATA / "pagerduty_services.json", ORG_DATA / "pagerduty_escalation_policies.json"],
    )
    assert dump(database) == before


def test_the_assignee_of_a_triggered_incident_is_on_call_primary(database: Database) -> None:
    # Incident 12728 (PH4UE4E) is triggered and assigned to Michael Mandy at 22:16:55.
    run_import(database, [PD_PAGE])
    assert roles(database, "PH4UE4E") == [("Michael Mandy", "oncall_primary", "import", False)]
    _, rows = database_edits.read_roles_named(database, "PH4UE4E")
    assert [r.how for r in rows] == ["assigned 22:16"]


def test_an_assignment_outlives_the_export_that_emptied_it_and_yields_to_a_typed_role(
    database: Database, tmp_path: Path
) -> None:
    run_import(database, [PD_PAGE])
    mandy = person_id(database, "Michael Mandy")
    with database.session() as session:
        incident_id = find_incident(session, "PH4UE4E")
    database_edits.set_typed_role(
        database, incident_id, mandy, IncidentRoleKind.COMMANDER, 0, actor="ana"
    )
    # PagerDuty empties `assignments` once an incident resolves.
    page = json.loads(PD_PAGE.read_text())
    later = next(i for i in page["incidents"] if i["id"] == "PH4UE4E")
    later["assignments"] = []
    (tmp_path / "later.json").write_text(json.dumps(page))
    run_import(database, [tmp_path / "later.json"])
    assert roles(database, "PH4UE4E") == [
        ("Michael Mandy", "commander", "typed", False),
        ("Michael Mandy", "oncall_primary", "import", True),
    ]


def _ref(kind: str, ident: str, name: str) -> dict[str, str]:
    return {"id": ident, "type": f"{kind}_reference", "summary": name}


def test_a_hand_built_assignment_after_an_escalation_is_secondary(
    database: Database, tmp_path: Path
) -> None:
    # Ann is paged at 10:01, the incident escalates at 10:16 and is assigned to Bob at
    # 10:16:30: Ann on-call primary, Bob secondary; nobody acknowledged, so no responder.
    incident = {
        "id": "PHAND01",
        "incident_number": 1,
        "title": "Queue backlog",
        "status": "triggered",
        "created_at": "2026-11-02T10:00:00Z",
        "service": _ref("service", "PSVC001", "Queue"),
        "assignments": [{"at": "2026-11-02T10:16:30Z", "assignee": _ref("user", "PBOB", "Bob")}],
    }
    entries = [
        {
            "id": "RNOTIFY1",
            "type": "notify_log_entry",
            "created_at": "2026-11-02T10:01:00Z",
            "agent": _ref("service", "PSVC001", "Queue"),
            "user": _ref("user", "PANN", "Ann"),
            "incident": _ref("incident", "PHAND01", "[#1] Queue backlog"),
        },
        {
            "id": "RESCALATE1",
            "type": "escalate_log_entry",
            "created_at": "2026-11-02T10:16:00Z",
            "agent": _ref("service", "PSVC001", "Queue"),
            "incident": _ref("incident", "PHAND01", "[#1] Queue backlog"),
        },
    ]
    (tmp_path / "incidents.json").write_text(json.dumps({"incidents": [incident]}))
    (tmp_path / "log.json").write_text(json.dumps({"log_entries": entries}))
    run_import(database, [tmp_path / "incidents.json", tmp_path / "log.json"])
    assert roles(database, "PHAND01") == [
        ("Ann", "oncall_primary", "import", False),
        ("Bob", "oncall_secondary", "import", False),
    ]
    _, rows = database_edits.read_roles_named(database, "PHAND01")
    assert [r.how for r in rows] == ["paged 10:01", "assigned 10:16"]
