"""Statuspage importer against the githubstatus.com samples in /work/shared/data."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from testdata import SAMPLE_FILES, SHARED_DATA

from irdesk.domain.enums import EventKind, IncidentStatus, Severity
from irdesk.importers.formats import statuspage
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import SourceFile
from irdesk.importers.records import ParsedFile

SAMPLE_2019 = SHARED_DATA / "statuspage_incident_github_2019.json"
SAMPLE_2023 = SHARED_DATA / "statuspage_incident_github_2023.json"
ALL_SAMPLES = [path.name for path in SAMPLE_FILES]


def content_of(name: str, data: bytes) -> Content:
    return Content(SourceFile(name, data))


def parse_path(path: Path, options: ImportOptions | None = None) -> ParsedFile:
    return statuspage.parse(content_of(path.name, path.read_bytes()), options or ImportOptions())


def parse_value(value: Any, name: str = "incident.json") -> ParsedFile:
    return statuspage.parse(content_of(name, json.dumps(value).encode()), ImportOptions())


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_bytes())


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def problem_for(value: Any, name: str = "incident.json") -> ImportProblem:
    with pytest.raises(ImportProblem) as caught:
        parse_value(value, name)
    return caught.value


# --- statuspage_incident_github_2019.json --------------------------------------------------------


def test_2019_incident_fields_and_lifecycle_exactly_as_in_the_file() -> None:
    parsed = parse_path(SAMPLE_2019)
    assert parsed.format == "statuspage" and parsed.warnings == []
    (incident,) = parsed.incidents
    assert (incident.source, incident.external_id) == ("statuspage", "rgy28jwprr1c")
    assert incident.title == "Notifications degredation"  # sic
    assert incident.location == "incident"
    assert incident.url == "http://stspg.io/b7f033572"
    assert incident.aliases == [
        "rgy28jwprr1c",
        "http://stspg.io/b7f033572",
        "https://www.githubstatus.com/incidents/rgy28jwprr1c",
    ]
    assert incident.severity is Severity.SEV1 and incident.severity_raw == "critical"
    assert incident.status is IncidentStatus.RESOLVED
    # components is [] in this file; the updates name the one affected
    assert incident.service == "Notifications"
    assert incident.started_at == utc(2019, 9, 23, 16, 12, 1, 644000)  # started_at
    assert incident.detected_at == utc(2019, 9, 23, 16, 12, 1, 654000)  # created_at
    assert incident.acknowledged_at == utc(2019, 9, 23, 16, 22, 14, 769000)  # "identified"
    assert incident.mitigated_at == utc(2019, 9, 23, 16, 28, 27, 36000)  # monitoring_at
    assert incident.resolved_at == utc(2019, 9, 23, 16, 37, 46, 707000)  # resolved_at
    assert incident.verified_at is None


def test_2019_updates_are_communications_in_time_order() -> None:
    (incident,) = parse_path(SAMPLE_2019).incidents
    assert len(incident.events) == 4
    assert {e.kind for e in incident.events} == {EventKind.COMMUNICATION}
    assert [e.external_id for e in incident.events] == [
        "rkvg0nxqpgfc",
        "x18xdct3cd4s",
        "pv8bd50rfbxt",
        "y7yhygsyjy1s",
    ]
    investigating, identified, monitoring, resolved = incident.events
    assert investigating.text == "Investigating — We are investigating a delay in webhook delivery."
    assert identified.occurred_at == utc(2019, 9, 23, 16, 22, 14, 769000)
    assert identified.text == (
        "Identified — Webhooks have recovered, GitHub updates via the Slack integration are "
        "behind as we work through the backlog\n"
        "Components: Notifications: major outage → degraded performance"
    )
    assert monitoring.text == (
        "Monitoring — A fix has been implemented and we are monitoring the results."
    )
    assert resolved.text.endswith("Components: Notifications: degraded performance → operational")
    assert all(e.actor is None for e in incident.events)


# --- statuspage_incident_github_2023.json --------------------------------------------------------


def test_2023_incident_has_29_updates_and_8_components() -> None:
    raw = load(SAMPLE_2023)["incident"]
    listed = {component["name"] for component in raw["components"]}
    assert len(listed) == 8
    (incident,) = parse_path(SAMPLE_2023).incidents
    assert incident.external_id == "t2xwk9mz56f4"
    assert len(incident.events) == 29
    assert {e.external_id for e in incident.events} == {u["id"] for u in raw["incident_updates"]}
    times = [e.occurred_at for e in incident.events]
    assert times == sorted(times)
    # Every component of the incident shows up changing status in some update's text.
    seen = set()
    for event in incident.events:
        for line in event.text.splitlines():
            if line.startswith("Components: "):
                seen |= {change.split(":")[0] for change in line[12:].split("; ")}
    assert seen == listed
    assert incident.severity is Severity.SEV2 and incident.severity_raw == "major"
    # It began with Pull Requests (the first update names only that component).
    assert incident.service == "Pull Requests"


def test_2023_lifecycle_with_neither_identified_nor_monitoring() -> None:
    (incident,) = parse_path(SAMPLE_2023).incidents
    assert incident.started_at == utc(2023, 2, 18, 3, 45, 31, 283000)
    assert incident.detected_at == utc(2023, 2, 18, 3, 45, 31, 291000)
    # 28 "investigating" updates and one "resolved": nothing is invented in between.
    assert incident.acknowledged_at is None
    assert incident.mitigated_at is None  # monitoring_at is null
    assert incident.resolved_at == utc(2023, 2, 18, 5, 2, 16, 705000)


def test_2023_null_affected_components_and_same_old_and_new_status() -> None:
    raw = load(SAMPLE_2023)["incident"]
    updates = {u["id"]: u for u in raw["incident_updates"]}
    assert updates["99c5twjtk86v"]["affected_components"] is None
    (incident,) = parse_path(SAMPLE_2023).incidents
    events = {e.external_id: e for e in incident.events}
    assert events["99c5twjtk86v"].text == "Resolved — This incident has been resolved."
    # old_status equals new_status in this update; the change shows against the update before.
    assert all(
        c["old_status"] == c["new_status"] for c in updates["ykwlv17k2pnd"]["affected_components"]
    )
    assert events["ykwlv17k2pnd"].text.endswith(
        "\nComponents: Pull Requests: operational → partial outage"
    )


# --- shapes and options --------------------------------------------------------------------------


def test_list_form_with_both_samples() -> None:
    first, second = load(SAMPLE_2019), load(SAMPLE_2023)
    listing = {"page": first["page"], "incidents": [first["incident"], second["incident"]]}
    data = json.dumps(listing).encode()
    assert statuspage.sniff(content_of("incidents.json", data))
    parsed = statuspage.parse(content_of("incidents.json", data), ImportOptions())
    assert [(i.external_id, i.location) for i in parsed.incidents] == [
        ("rgy28jwprr1c", "incidents[0]"),
        ("t2xwk9mz56f4", "incidents[1]"),
    ]
    assert [len(i.events) for i in parsed.incidents] == [4, 29]


def test_page_zone_offsets_and_clock_offset() -> None:
    raw = load(SAMPLE_2019)
    raw["incident"]["created_at"] = "2019-09-23T12:12:01.654-04:00"  # a page in New York
    (incident,) = parse_value(raw).incidents
    assert incident.detected_at == utc(2019, 9, 23, 16, 12, 1, 654000)
    options = ImportOptions(clock_offsets={"statuspage": timedelta(seconds=30)})
    (incident,) = parse_path(SAMPLE_2019, options).incidents
    assert incident.resolved_at == utc(2019, 9, 23, 16, 37, 16, 707000)
    assert incident.events[0].occurred_at == utc(2019, 9, 23, 16, 11, 31, 706000)


def test_resolved_incident_without_resolved_at_takes_the_last_resolved_update() -> None:
    raw = load(SAMPLE_2019)
    raw["incident"]["resolved_at"] = None
    raw["incident"]["monitoring_at"] = None
    (incident,) = parse_value(raw).incidents
    assert incident.resolved_at == utc(2019, 9, 23, 16, 37, 46, 707000)
    assert incident.mitigated_at == utc(2019, 9, 23, 16, 28, 27, 36000)  # first "monitoring"


def test_severity_map_override() -> None:
    options = ImportOptions(severity_maps={"statuspage": {"Critical": Severity.SEV2}})
    (incident,) = parse_path(SAMPLE_2019, options).incidents
    assert incident.severity is Severity.SEV2


# --- bad input -------------------------------------------------------------------------------------


def test_missing_or_empty_incident_id() -> None:
    raw = load(SAMPLE_2019)
    del raw["incident"]["id"]
    problem = problem_for(raw, "rgy.json")
    assert (problem.file, problem.location, problem.field) == ("rgy.json", "incident.id", "id")
    raw["incident"]["id"] = ""
    assert problem_for(raw).location == "incident.id"


def test_malformed_dates_are_located() -> None:
    raw = load(SAMPLE_2019)
    raw["incident"]["created_at"] = "23/09/2019"
    problem = problem_for(raw)
    assert (problem.location, problem.field, problem.found) == (
        "incident.created_at",
        "created_at",
        "23/09/2019",
    )
    raw = load(SAMPLE_2023)
    raw["incident"]["incident_updates"][2]["display_at"] = "soon"
    problem = problem_for(raw)
    assert (problem.location, problem.field) == (
        "incident.incident_updates[2].display_at",
        "display_at",
    )


def test_wrong_shapes_are_located() -> None:
    raw = load(SAMPLE_2019)
    raw["incident"]["incident_updates"] = {"id": "x"}
    problem = problem_for(raw)
    assert (problem.location, problem.field) == (
        "incident.incident_updates",
        "incident_updates",
    )
    problem = problem_for({"page": {"id": "p"}, "incidents": {"id": "x"}})
    assert (problem.location, problem.field) == ("incidents", "incidents")
    problem = problem_for({"page": {"id": "p"}, "incidents": [load(SAMPLE_2019)["incident"], 3]})
    assert problem.location == "incidents[1]"
    raw = load(SAMPLE_2019)
    raw["incident"]["incident_updates"][0]["affected_components"] = "Notifications"
    assert problem_for(raw).location == "incident.incident_updates[0].affected_components"
    assert problem_for({"page": {"id": "p"}}).location == "top level"


def test_unknown_status() -> None:
    raw = load(SAMPLE_2019)
    raw["incident"]["incident_updates"][1]["status"] = "fixed"
    problem = problem_for(raw)
    assert (problem.location, problem.field, problem.found) == (
        "incident.incident_updates[1].status",
        "status",
        "fixed",
    )
    assert "investigating" in str(problem)


def test_duplicate_incident_in_a_list() -> None:
    incident = load(SAMPLE_2019)["incident"]
    problem = problem_for({"page": {"id": "p"}, "incidents": [incident, incident]})
    assert problem.location == "incidents[1].id" and "incidents[0]" in str(problem)


# --- sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_sniff_only_claims_its_own_samples(name: str) -> None:
    content = content_of(name, (SHARED_DATA / name).read_bytes())
    assert statuspage.sniff(content) is name.startswith("statuspage_")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01binary",
        b'{"incident": {',  # cut short
        b'{"incidents": [], "limit": 25, "offset": 0, "more": false, "total": null}',  # PagerDuty
        b'{"page": "github", "incident": {"incident_updates": []}}',
        b"[1, 2, 3]",
        b"id,name,status\nrgy28jwprr1c,Outage,resolved\n",
    ],
)
def test_sniff_refuses_other_content_without_raising(data: bytes) -> None:
    assert not statuspage.sniff(content_of("other.txt", data))


def test_sniff_accepts_an_empty_incident_list() -> None:
    data = b'{"page": {"id": "kctbh9vrtdwd", "name": "GitHub"}, "incidents": []}'
    assert statuspage.sniff(content_of("incidents.json", data))
    assert statuspage.parse(content_of("incidents.json", data), ImportOptions()).incidents == []
