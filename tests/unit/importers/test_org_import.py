"""The organisation directory imported with the incident samples, through `run_import`.

Samples: every incident export in /work/shared/data (as test_pipeline.py imports them)
and every on-call directory export in /work/shared/org-data (PagerDuty, Opsgenie,
Backstage), in one batch; the roster fixture in tests/fixtures/roster (made up).
"""

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from testdata import FIXTURES, ORG_DATA, SHARED_DATA
from testdata import database_dump as dump

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import ImportReport, run_import
from irdesk.importers.problems import ImportProblem
from irdesk.storage.database import Database, open_database
from irdesk.storage.reads import directory
from irdesk.storage.records import directory_edits

pytestmark = pytest.mark.both_backends

OPTIONS = ImportOptions(zone=ZoneInfo("Europe/Madrid"))  # the Jira CSV's dates have none
INCIDENT_SAMPLES = sorted(
    p
    for p in SHARED_DATA.iterdir()
    # The Opsgenie alert log needs its alert's id in its name (test_opsgenie.py).
    if p.suffix in {".json", ".jsonl", ".csv"} and p.name != "opsgenie_alert_logs.json"
)
# The ScheduleDuty CSVs are input rosters for a PagerDuty tool, not a directory export.
ORG_SAMPLES = [
    *sorted(p for p in ORG_DATA.iterdir() if p.suffix in {".json", ".yaml"}),
    ORG_DATA / "backstage_acme",
]
ROSTER = FIXTURES / "roster" / "team_roster.csv"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, ImportReport]]:
    """Everything imported once; the tests below only read."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IRDESK_HOME", str(tmp_path_factory.mktemp("home")))
        db = open_database(tmp_path_factory.mktemp("org") / "org.db")
        report = run_import(db, [*INCIDENT_SAMPLES, *ORG_SAMPLES], OPTIONS)
        yield db, report
        db.close()


def people(db: Database) -> dict[str, directory.PersonRow]:
    return {p.name: p for p in directory.list_people(db)}


def test_people_keep_their_zones_from_every_tool(imported: tuple[Database, ImportReport]) -> None:
    """pagerduty_users.json (America/Lima, Asia/Hong_Kong), opsgenie_users.json
    (Europe/Kirov), pagerduty_users_apiary.json (Eastern Time → America/New_York)."""
    db, _ = imported
    found = people(db)
    assert found["Earline Greenholt"].time_zone == "America/Lima"
    assert found["Earline Greenholt"].team == "Engineering"
    assert found["Kyler Kuhn"].time_zone == "Asia/Hong_Kong"
    assert found["john doe"].time_zone == "Europe/Kirov"
    assert found["John Smith"].time_zone == "America/New_York"
    assert "pagerduty:PXPGF42" in found["Earline Greenholt"].keys


def test_the_apiary_zone_is_mapped_with_a_warning(imported: tuple[Database, ImportReport]) -> None:
    _, report = imported
    apiary = str(ORG_DATA / "pagerduty_users_apiary.json")
    assert (
        f"{apiary}: users[0]: time zone 'Eastern Time (US & Canada)' is not an IANA name; "
        "read as America/New_York"
    ) in report.warnings


def test_opsgenie_rotation_members_on_a_date(imported: tuple[Database, ImportReport]) -> None:
    """opsgenie_schedule_first_line.json: "Ops" (olivia, bob, chris) ended 2019-09-04;
    "Ops minus bob" took over; the on-calls of 2019-10-15 name three people."""
    db, _ = imported

    def members(on: date, rotation: str) -> set[str]:
        return {m.person for m in directory.rotation_members(db, on) if m.rotation == rotation}

    assert members(date(2019, 8, 1), "Ops") == {"olivia@dxw.com", "bob@dxw.com", "chris@dxw.com"}
    assert members(date(2019, 9, 10), "Ops") == set()
    assert members(date(2019, 9, 10), "Ops minus bob") == {"olivia@dxw.com", "chris@dxw.com"}
    assert members(date(2019, 10, 15), "first_line") == {
        "systems@dxw.com",
        "chris@dxw.com",
        "robbie.paul@dxw.com",
    }
    assert members(date(2019, 10, 16), "first_line") == set()


def test_pagerduty_rendered_entries_on_a_date(imported: tuple[Database, ImportReport]) -> None:
    """pagerduty_schedule_rendered.json: PXPGF42 (Earline Greenholt in pagerduty_users.json,
    whatever the schedule's reference calls them) is on Layer 1 on 2015-11-09 and on the
    final schedule on 2015-11-10."""
    db, _ = imported
    on_9th = [m for m in directory.rotation_members(db, date(2015, 11, 9)) if m.how == "rendered"]
    assert [(m.rotation, m.person) for m in on_9th] == [("Layer 1", "Earline Greenholt")]
    on_10th = [m for m in directory.rotation_members(db, date(2015, 11, 10)) if m.how == "final"]
    assert [(m.schedule, m.rotation, m.person) for m in on_10th] == [
        (None, "Daily Engineering Rotation", "Earline Greenholt")
    ]


def test_escalation_policies_keep_their_levels(imported: tuple[Database, ImportReport]) -> None:
    """pagerduty_escalation_policies.json: 30 minutes; opsgenie_escalations.json: 0, 5, 10."""
    db, _ = imported
    policies = {p.name: p for p in directory.list_policies(db)}
    [level] = policies["Engineering Escalation Policy"].levels
    assert level.delay_minutes == 30
    assert level.targets == ("person PagerDuty Admin", "rotation Daily Engineering Rotation")
    engineering = policies["Engineering_escalation"]
    assert [lv.delay_minutes for lv in engineering.levels] == [0, 5, 10]
    assert engineering.team == "Engineering"
    assert engineering.levels[2].targets == ("team Engineering",)
    # pagerduty_schedule_rendered.json: the schedule belongs to team PQ9K7I8 (Engineering).
    teams = {t.name: t for t in directory.list_teams(db)}
    assert teams["Engineering"].rotation == "Daily Engineering Rotation"


def test_service_owners_come_from_the_backstage_catalog(
    imported: tuple[Database, ImportReport],
) -> None:
    """backstage_acme/artist-lookup-component.yaml is owned by team-a; giantswarm's
    alertmanager-to-github by team-atlas ("Team Atlas"), cadvisor by team-Phoenix."""
    db, _ = imported
    services = {s.name: s for s in directory.list_services(db)}
    assert services["artist-lookup"].owner_team == "team-a"
    assert services["alertmanager-to-github"].owner_team == "Team Atlas"
    assert services["cadvisor"].owner_team == "Team Phoenix"
    assert services["playback-order"].owner_team is None  # owned by user:guest
    assert "pagerduty:P6V1UFE" in services["example-website"].keys


def test_giantswarm_team_phoenix_is_one_team_despite_duplicate_and_case(
    imported: tuple[Database, ImportReport],
) -> None:
    """backstage_giantswarm_2026-01-08_groups.yaml defines team-phoenix twice; the
    components file writes team-Phoenix once and names 7 groups nobody defines."""
    db, report = imported
    phoenix = [t for t in directory.list_teams(db) if "phoenix" in t.name.casefold()]
    assert [(t.name, t.keys) for t in phoenix] == [
        ("Team Phoenix", ("backstage:giantswarm/team-phoenix",))
    ]
    assert (
        "backstage: team giantswarm/team-Phoenix is written giantswarm/team-phoenix elsewhere; "
        "read as the same team"
    ) in report.warnings
    assert (
        "backstage: team giantswarm/unspecified is defined nowhere in this import or the "
        "database (91 reference(s)); their team is left empty"
    ) in report.warnings
    assert any("is defined twice" in warning for warning in report.warnings)


def test_the_same_files_again_change_nothing(
    imported: tuple[Database, ImportReport], tmp_path: Path
) -> None:
    db, first = imported
    assert first.result.directory["people"]["new"] > 0
    before = dump(db)
    again = run_import(db, [*INCIDENT_SAMPLES, *ORG_SAMPLES], OPTIONS)
    assert not again.changed_anything
    assert all(c["new"] == c["updated"] == 0 for c in again.result.directory.values())
    assert "People: 0 new, 0 updated, 97 unchanged" in again.lines()
    assert dump(db) == before


def test_incidents_link_to_directory_services_by_the_tools_service_id(
    database: Database, tmp_path: Path
) -> None:
    """pagerduty_incidents_page.json's incidents are on service P6ZOTJ8 ("ID: Production").
    No real directory sample lists that service, so pagerduty_services.json is copied
    with its id set to P6ZOTJ8: the incidents join it whichever comes first, and its
    directory name replaces the incidents' summary."""
    services = json.loads((ORG_DATA / "pagerduty_services.json").read_text())
    services["services"][0]["id"] = "P6ZOTJ8"
    catalog = tmp_path / "pagerduty_services_P6ZOTJ8.json"
    catalog.write_text(json.dumps(services))
    page = SHARED_DATA / "pagerduty_incidents_page.json"

    run_import(database, [page])
    run_import(database, [catalog])
    by_name = {s.name: s for s in directory.list_services(database)}
    assert "ID: Production" not in by_name
    linked = by_name["My Application Service"]
    assert "pagerduty:P6ZOTJ8" in linked.keys
    assert linked.owner_team == "Engineering"
    with database.engine.connect() as conn:
        on_it = conn.exec_driver_sql(
            "SELECT count(*) FROM incident WHERE service_id = ?", (linked.id,)
        ).scalar()
    assert on_it == sum(
        1 for i in json.loads(page.read_text())["incidents"] if i["service"]["id"] == "P6ZOTJ8"
    )


def test_a_hand_typed_value_survives_a_reimport_and_is_listed(database: Database) -> None:
    """pagerduty_users.json: Kyler Kuhn's zone typed as Europe/London stays; the import's
    Asia/Hong_Kong is kept beside it and comes back when the typed value is cleared."""
    users = ORG_DATA / "pagerduty_users.json"
    run_import(database, [users])
    kyler = people(database)["Kyler Kuhn"]
    with database.transaction() as session:
        directory_edits.set_value(
            session,
            "person",
            kyler.id,
            "time_zone",
            "Europe/London",
            reason="moved to the London office",
            actor="test",
        )
    report = run_import(database, [users])
    assert report.result.conflicts == [
        "person Kyler Kuhn: time_zone was typed by hand as 'Europe/London', the import says "
        "'Asia/Hong_Kong'; the typed value stays."
    ]
    assert people(database)["Kyler Kuhn"].time_zone == "Europe/London"
    assert people(database)["Kyler Kuhn"].typed == ("time_zone",)
    with database.transaction() as session:
        assert directory_edits.clear_value(session, "person", kyler.id, "time_zone", actor="test")
    assert people(database)["Kyler Kuhn"].time_zone == "Asia/Hong_Kong"


def test_a_roster_fills_rates_and_start_dates_of_the_same_people(database: Database) -> None:
    """tests/fixtures/roster/team_roster.csv (made up) beside pagerduty_users.json."""
    report = run_import(database, [ORG_DATA / "pagerduty_users.json", ROSTER])
    found = people(database)
    assert found["Kyler Kuhn"].hourly_rate == 85
    assert found["Kyler Kuhn"].start_date == date(2021, 4, 12)
    assert found["Kyler Kuhn"].seniority == "senior"
    assert set(found["Kyler Kuhn"].keys) == {
        "pagerduty:PAM4FGS",
        "roster:126_dvm_kyler_kuhn@beahan.name",
    }
    assert found["Earline Greenholt"].hourly_rate == 110.5
    assert found["john doe"].time_zone == "America/New_York"
    assert found["john doe"].team == "Platform"
    assert any("'Eastern Time (US & Canada)'" in warning for warning in report.warnings)


@pytest.mark.parametrize(
    ("sample", "change", "message"),
    [
        (
            "pagerduty_escalation_policies.json",
            lambda text: text.replace(
                '"escalation_delay_in_minutes": 30', '"escalation_delay_in_minutes": "thirty"'
            ),
            "escalation_policies[0].escalation_rules[0].escalation_delay_in_minutes: field 'escalation_delay_in_minutes': "
            "expected minutes, 0 or more, found 'thirty'",
        ),
        (
            "opsgenie_users.json",
            lambda text: text.replace('"Europe/Kirov"', '"Mars/Olympus_Mons"'),
            "data[0].timeZone: field 'timeZone': expected an IANA time zone such as Europe/Berlin, "
            "found 'Mars/Olympus_Mons'",
        ),
        (
            "backstage_giantswarm_2026-01-08_groups.yaml",
            lambda text: text.replace(
                "    members:\n        - QuentinBisson", "    members:\n  - QuentinBisson", 1
            ),
            "expected valid YAML",
        ),
    ],
)
def test_a_bad_directory_file_is_refused_where_it_is_and_nothing_is_written(
    database: Database, tmp_path: Path, sample: str, change: object, message: str
) -> None:
    bad = tmp_path / sample
    bad.write_text(change((ORG_DATA / sample).read_text()))  # type: ignore[operator]
    before = dump(database)
    with pytest.raises(ImportProblem) as refused:
        run_import(database, [SHARED_DATA / "pagerduty_incidents_page.json", bad])
    assert str(refused.value).startswith(f"{bad}, ")
    assert message in str(refused.value)
    assert dump(database) == before
