"""The directory formats read the real on-call exports in /work/shared/org-data.

Each test names its sample; values are the files' own. Parsing only: the import into a
database is test_org_import.py's.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from testdata import ORG_DATA, SHARED_DATA

from irdesk.importers import registry
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.org_records import FROM_FINAL, FROM_LAYER, FROM_RENDERED, FROM_SNAPSHOT
from irdesk.importers.parsing import parse_files
from irdesk.importers.reading.sources import SourceFile
from irdesk.importers.records import ParsedFile


def parsed(name: str) -> ParsedFile:
    [file] = parse_files([ORG_DATA / name], ImportOptions())
    return file


def detected(path: Path) -> str:
    return registry.detect(Content(SourceFile(path.name, path.read_bytes()))).name


@pytest.mark.parametrize(
    ("name", "format_name"),
    [
        ("pagerduty_users.json", "pagerduty-directory"),
        ("pagerduty_schedule_rendered.json", "pagerduty-directory"),
        ("pagerduty_v1_schedule_primary.json", "pagerduty-directory"),
        ("pagerduty_oncalls.json", "pagerduty-directory"),
        ("opsgenie_teams.json", "opsgenie-directory"),
        ("opsgenie_sdk_team_responses.json", "opsgenie-directory"),
        ("opsgenie_schedule_oncalls_2019-10-15.json", "opsgenie-directory"),
        ("opsgenie_escalations.json", "opsgenie-directory"),
        ("backstage_giantswarm_2026-01-08_groups.yaml", "backstage"),
        ("backstage_acme/team-a-group.yaml", "backstage"),
    ],
)
def test_directory_files_are_recognised_from_their_content(name: str, format_name: str) -> None:
    assert detected(ORG_DATA / name) == format_name


@pytest.mark.parametrize(
    "name",
    [
        "pagerduty_incidents_page.json",
        "opsgenie_alerts_page.json",
        "statuspage_incident_github_2019.json",
        "jira_search_with_changelog.json",
    ],
)
def test_incident_exports_stay_with_their_incident_importers(name: str) -> None:
    assert not detected(SHARED_DATA / name).endswith("directory")


def test_pagerduty_users_keep_their_iana_zones_and_teams() -> None:
    """pagerduty_users.json: two users, America/Lima and Asia/Hong_Kong, both in PQ9K7I8."""
    file = parsed("pagerduty_users.json")
    people = {p.key: p for p in file.directory.people if p.complete}
    assert people["PXPGF42"].name == "Earline Greenholt"
    assert people["PXPGF42"].time_zone == "America/Lima"
    assert people["PXPGF42"].role == "Director of Engineering"
    assert people["PAM4FGS"].time_zone == "Asia/Hong_Kong"
    assert people["PAM4FGS"].email == "126_dvm_kyler_kuhn@beahan.name"
    assert {(m.team_key, m.person_key) for m in file.directory.team_members} == {
        ("PQ9K7I8", "PXPGF42"),
        ("PQ9K7I8", "PAM4FGS"),
    }
    assert file.warnings == []


def test_a_rails_zone_name_is_mapped_to_iana_with_a_warning() -> None:
    """pagerduty_users_apiary.json: "Eastern Time (US & Canada)", and a page saying more: true."""
    file = parsed("pagerduty_users_apiary.json")
    [john] = file.directory.people
    assert (john.name, john.time_zone) == ("John Smith", "America/New_York")
    assert (
        "users[0]: time zone 'Eastern Time (US & Canada)' is not an IANA name; "
        "read as America/New_York"
    ) in file.warnings
    assert any("more: true" in warning for warning in file.warnings)


def test_opsgenie_users_name_people_by_email_with_their_zones() -> None:
    """opsgenie_users.json: john doe in Europe/Kirov, jane doe in Europe/Moscow, 2 of 8."""
    people = {p.name: p for p in parsed("opsgenie_users.json").directory.people}
    assert people["john doe"].time_zone == "Europe/Kirov"
    assert people["john doe"].email == "john.doe@opsgenie.com"
    assert people["john doe"].role == "Admin"
    assert people["jane doe"].time_zone == "Europe/Moscow"
    assert parsed("opsgenie_users.json").warnings == [
        "holds 2 of 8 (totalCount); import the other pages too"
    ]


def test_pagerduty_rendered_schedule_gives_dated_entries_of_layer_and_schedule() -> None:
    """pagerduty_schedule_rendered.json: layer PG68P1M rendered 2015-11-09 08:00–17:00 -05:00,
    the final schedule 2015-11-10, both PXPGF42; the layer's own start 2015-11-06 21:00."""
    directory = parsed("pagerduty_schedule_rendered.json").directory
    by_how = {(m.rotation_key, m.how): m for m in directory.members}
    rendered = by_how[("PG68P1M", FROM_RENDERED)]
    assert (rendered.person_key, rendered.starts_at, rendered.ends_at) == (
        "PXPGF42",
        datetime(2015, 11, 9, 13, tzinfo=UTC),
        datetime(2015, 11, 9, 22, tzinfo=UTC),
    )
    final = by_how[("PI7DH85", FROM_FINAL)]
    assert final.starts_at == datetime(2015, 11, 10, 13, tzinfo=UTC)
    layer = by_how[("PG68P1M", FROM_LAYER)]
    assert (layer.starts_at, layer.ends_at) == (datetime(2015, 11, 7, 2, tzinfo=UTC), None)
    [schedule] = [r for r in directory.rotations if r.key == "PI7DH85" and r.complete]
    assert (schedule.name, schedule.time_zone, schedule.team_key) == (
        "Daily Engineering Rotation",
        "America/New_York",
        "PQ9K7I8",
    )


def test_legacy_v1_schedule_layers_embed_their_users_in_member_order() -> None:
    """pagerduty_v1_schedule_primary.json: Schedule Layer 2 has Bob Smith then Sarah Jones."""
    file = parsed("pagerduty_v1_schedule_primary.json")
    layer_2 = [m for m in file.directory.members if m.rotation_key == "POM1B2S"]
    assert [(m.person_key, m.position) for m in layer_2] == [("PPSFHH7", 1), ("PRDFNAL", 2)]
    people = {p.key: p for p in file.directory.people}
    assert (people["PRDFNAL"].name, people["PRDFNAL"].email) == ("Sarah Jones", "sarah@acme.com")
    assert any("'Eastern Time (US & Canada)'" in warning for warning in file.warnings)


def test_pagerduty_escalation_policy_levels_delays_and_targets() -> None:
    """pagerduty_escalation_policies.json: one rule, 30 minutes, PEYSGVF then PI7DH85."""
    [policy] = parsed("pagerduty_escalation_policies.json").directory.policies
    assert (policy.name, policy.loops, policy.team_key) == (
        "Engineering Escalation Policy",
        0,
        "PQ9K7I8",
    )
    [level] = policy.levels
    assert level.delay_minutes == 30
    assert [(t.kind, t.key, t.name) for t in level.targets] == [
        ("person", "PEYSGVF", "PagerDuty Admin"),
        ("rotation", "PI7DH85", "Daily Engineering Rotation"),
    ]


def test_opsgenie_escalation_rules_are_levels_with_their_delays() -> None:
    """opsgenie_escalations.json: Engineering_escalation at 0, 5 and 10 minutes."""
    policies = {p.name: p for p in parsed("opsgenie_escalations.json").directory.policies}
    engineering = policies["Engineering_escalation"]
    assert [(lv.delay_minutes, lv.notify) for lv in engineering.levels] == [
        (0, "default"),
        (5, "next"),
        (10, "all"),
    ]
    assert [t.kind for lv in engineering.levels for t in lv.targets] == [
        "rotation",
        "rotation",
        "team",
    ]
    integration = policies["Integration Team_escalation"]
    assert integration.levels[1].targets[0].name == "dv@paloaltonetworks.com"


def test_opsgenie_sdk_fixture_reads_the_team_responses_and_their_members() -> None:
    """opsgenie_sdk_team_responses.json: GetTeamResponse has 3 members (1 admin)."""
    directory = parsed("opsgenie_sdk_team_responses.json").directory
    roles = sorted((m.role or "") for m in directory.team_members)
    assert roles == ["admin", "user", "user"]
    assert {t.name for t in directory.teams} >= {"ops_team", "TeamName", "TeamName2"}


def test_opsgenie_on_calls_take_their_day_from_the_file_name() -> None:
    """opsgenie_schedule_oncalls_2019-10-15.json: 3 people on first_line that day."""
    directory = parsed("opsgenie_schedule_oncalls_2019-10-15.json").directory
    assert {m.how for m in directory.members} == {FROM_SNAPSHOT}
    assert {m.starts_at for m in directory.members} == {datetime(2019, 10, 15, tzinfo=UTC)}
    assert sorted(p.email or "" for p in directory.people) == [
        "chris@dxw.com",
        "robbie.paul@dxw.com",
        "systems@dxw.com",
    ]


def test_backstage_groups_read_members_from_spec_members_and_warn_of_the_duplicate() -> None:
    """backstage_giantswarm_2026-01-08_groups.yaml: team-phoenix is defined twice."""
    file = parsed("backstage_giantswarm_2026-01-08_groups.yaml")
    atlas = [m.person_key for m in file.directory.team_members if m.team_key.endswith("atlas")]
    assert atlas == [
        "giantswarm/QuentinBisson",
        "giantswarm/Rotfuks",
        "giantswarm/TheoBrigitte",
        "giantswarm/hervenicol",
    ]
    assert [w for w in file.warnings if "team-phoenix" in w] == [
        "document 5 (team-phoenix): group giantswarm/team-phoenix is defined twice "
        "(first in document 4 (team-phoenix)); both read, their members together"
    ]


def test_backstage_component_links_to_its_pagerduty_service() -> None:
    """backstage_pagerduty_plugin_entities.yaml: example-website has service-id P6V1UFE."""
    file = parsed("backstage_pagerduty_plugin_entities.yaml")
    services = {s.name: s for s in file.directory.services}
    assert services["example-website"].also_known_as == [("pagerduty", "P6V1UFE")]
    assert services["example-website"].owner_team_key == "default/guests"
    assert services["second-service"].also_known_as == []
    assert file.warnings == ["skipped 1 API, 1 System (no people, teams or services)"]
