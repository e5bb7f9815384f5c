"""Opsgenie importer against the real samples in /work/shared/data and a closed-alert fixture."""

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from testdata import SHARED_DATA

from irdesk.domain.enums import EventKind, IncidentStatus, Severity
from irdesk.importers.formats import opsgenie
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import SourceFile, load_sources
from irdesk.importers.records import ParsedFile, PersonRef

ALERTS_PAGE = SHARED_DATA / "opsgenie_alerts_page.json"
ALERT_LOGS = SHARED_DATA / "opsgenie_alert_logs.json"
# Hand-written in the shape GET /v2/alerts returns: a closed alert with its report, and an
# acknowledged open one without.
CLOSED_PAGE = Path(__file__).resolve().parents[2] / "fixtures/opsgenie/alerts_closed_page.json"
ALERT_ID = "b7da6303-0da4-43e2-8e21-9e22faedc594-1637756080926"  # the sample alert's id
OTHER_SAMPLES = [
    "jira_search_with_changelog.json",
    "jira_service_management_export_es.csv",
    "pagerduty_incidents_page.json",
    "pagerduty_incident_and_log_entry.jsonl",
    "statuspage_incident_github_2019.json",
    "statuspage_incident_github_2023.json",
]


def content_of(name: str, data: bytes) -> Content:
    return Content(SourceFile(name, data))


def parse_file(file: SourceFile) -> ParsedFile:
    return opsgenie.parse(Content(file), ImportOptions())


def parse_path(path: Path, name: str | None = None) -> ParsedFile:
    return parse_file(SourceFile(name or path.name, path.read_bytes()))


def parse_json(name: str, value: Any) -> ParsedFile:
    return parse_file(SourceFile(name, json.dumps(value).encode()))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def logs_named(tmp_path: Path, name: str) -> SourceFile:
    """opsgenie_alert_logs.json as the user would save it, under a name that carries the id."""
    target = tmp_path / name
    shutil.copy(ALERT_LOGS, target)
    [file] = load_sources([target])
    return file


# --- alerts page (opsgenie_alerts_page.json) ----------------------------------------------------


def test_alerts_page_sample() -> None:
    parsed = parse_path(ALERTS_PAGE)
    assert parsed.format == "opsgenie"
    assert parsed.event_batches == [] and parsed.warnings == []
    [alert] = parsed.incidents
    assert alert.source == "opsgenie"
    assert alert.external_id == ALERT_ID
    assert alert.location == "data[0]"
    assert alert.title == "1234"
    assert (alert.severity_raw, alert.severity) == ("P3", Severity.SEV3)
    assert alert.status is IncidentStatus.TRIGGERED  # open, not acknowledged
    created = datetime(2021, 11, 24, 12, 14, 40, 926000, tzinfo=UTC)
    assert alert.started_at == alert.detected_at == created
    assert alert.acknowledged_at is None and alert.resolved_at is None
    assert alert.service is None and alert.url is None
    # The sample's alias is the id itself; it is listed once.
    assert alert.aliases == ["163", "#163", ALERT_ID]
    [event] = alert.events
    assert (event.kind, event.occurred_at, event.text, event.external_id) == (
        EventKind.ALERT,
        created,
        "1234",
        "created",
    )


def test_closed_alert_takes_ack_and_close_from_the_report() -> None:
    # tests/fixtures/opsgenie/alerts_closed_page.json
    closed, acknowledged = parse_path(CLOSED_PAGE).incidents
    created = datetime(2023, 11, 21, 10, 0, 5, 112000, tzinfo=UTC)
    assert closed.status is IncidentStatus.RESOLVED
    assert (closed.severity_raw, closed.severity) == ("P2", Severity.SEV2)
    assert closed.started_at == created
    assert closed.acknowledged_at == created + timedelta(milliseconds=95431)
    assert closed.resolved_at == created + timedelta(milliseconds=2471205)
    assert closed.resolved_at == datetime(2023, 11, 21, 10, 41, 16, 317000, tzinfo=UTC)
    assert closed.aliases == [
        "1791",
        "#1791",
        "checkout-latency-p99",
        "4c1d5e3a-7f2b-4e8a-9b6d-2a0c8f1e7d35-1700560805112",
    ]
    # Acknowledged but no report: the time is unknown, not guessed from updatedAt.
    assert acknowledged.status is IncidentStatus.ACKNOWLEDGED
    assert acknowledged.acknowledged_at is None
    assert acknowledged.resolved_at is None
    assert (acknowledged.severity_raw, acknowledged.severity) == ("P4", Severity.SEV4)


def test_open_alert_with_a_close_time_is_not_resolved() -> None:
    page = json.loads(CLOSED_PAGE.read_bytes())
    page["data"][0]["status"] = "open"
    alert = parse_json("reopened.json", page).incidents[0]
    assert alert.status is IncidentStatus.ACKNOWLEDGED
    assert alert.resolved_at is None
    assert alert.acknowledged_at is not None


def test_single_alert_response() -> None:
    page = json.loads(ALERTS_PAGE.read_bytes())
    single = {"data": page["data"][0], "took": 0.004, "requestId": "r"}
    [alert] = parse_json("alert.json", single).incidents
    assert alert.external_id == ALERT_ID and alert.location == "data"


# --- alert logs (opsgenie_alert_logs.json) -------------------------------------------------------


def test_logs_named_after_their_alert(tmp_path: Path) -> None:
    parsed = parse_file(logs_named(tmp_path, f"{ALERT_ID}.json"))
    assert parsed.incidents == []
    [batch] = parsed.event_batches
    assert batch.source == "opsgenie"
    assert batch.incident_external_id == ALERT_ID
    # The file lists newest first; the batch reads oldest first.
    ack, viewed = batch.events
    assert ack.kind is EventKind.ACKNOWLEDGE
    assert ack.occurred_at == datetime(2023, 8, 3, 9, 24, 58, 894000, tzinfo=UTC)
    assert ack.text == "Alert acknowledged via web[Default API-Acknowledge Alert]"
    assert ack.external_id == "1691054698894_1691054698894140450"
    assert ack.actor == PersonRef(email="demisto@demisto.local")
    assert viewed.kind is EventKind.NOTE
    assert viewed.text == "Viewed on [web]"
    # Two fractional digits: 05.03 is 30 ms.
    assert viewed.occurred_at == datetime(2023, 8, 3, 9, 26, 5, 30000, tzinfo=UTC)
    assert viewed.external_id == "1621054765030_1691034765030249435"


@pytest.mark.parametrize("name", [f"alert-{ALERT_ID}-logs.json", f"{ALERT_ID}_logs.json"])
def test_other_log_file_names(tmp_path: Path, name: str) -> None:
    [batch] = parse_file(logs_named(tmp_path, name)).event_batches
    assert batch.incident_external_id == ALERT_ID


def test_logs_inside_a_zip_take_the_member_name() -> None:
    data = ALERT_LOGS.read_bytes()
    [batch] = parse_file(SourceFile(f"export.zip!logs/{ALERT_ID}.json", data)).event_batches
    assert batch.incident_external_id == ALERT_ID


def test_logs_wrapped_with_their_alert_id() -> None:
    page = json.loads(ALERT_LOGS.read_bytes())
    page["alertId"] = ALERT_ID
    parsed = parse_json("anything.json", page)
    assert parsed.event_batches[0].incident_external_id == ALERT_ID
    assert parsed.warnings == []


def test_logs_whose_name_gives_no_alert_id_are_refused() -> None:
    # The sample's own name says nothing about its alert.
    with pytest.raises(ImportProblem) as caught:
        parse_path(ALERT_LOGS)
    message = str(caught.value)
    assert message.startswith("opsgenie_alert_logs.json: ")
    assert "named after its alert id" in message
    assert "alert-<alertId>-logs.json" in message
    assert '"alertId"' in message


def test_empty_alert_id_in_a_wrapper_is_refused() -> None:
    page = json.loads(ALERT_LOGS.read_bytes())
    page["alertId"] = ""
    with pytest.raises(ImportProblem) as caught:
        parse_json(f"{ALERT_ID}.json", page)
    assert "field 'alertId'" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "log_type", "kind"),
    [
        ("Alert acknowledged via web", "system", EventKind.ACKNOWLEDGE),
        ("Alert unacknowledged via web", "alertAction", EventKind.STATUS_CHANGE),
        ("Alert closed via API", "alertAction", EventKind.RESOLVE),
        ("Alert reopened: closed by mistake", "alertAction", EventKind.STATUS_CHANGE),
        ("Viewed on [web]", "alertRecipient", EventKind.NOTE),
        ("Sent [SMS] notification to dana@example.com", "alertRecipient", EventKind.PAGE),
        ("Alert escalated to next level", "system", EventKind.ESCALATE),
        ("Alert created via API", "system", EventKind.ALERT),
        ("Added tags [db]", "alertAction", EventKind.ACTION),
        ("Delivered", "alertRecipient", EventKind.NOTE),
    ],
)
def test_log_kinds(text: str, log_type: str, kind: EventKind) -> None:
    assert opsgenie.log_kind(text, log_type) is kind


def test_system_owner_is_no_person() -> None:
    page = json.loads(ALERT_LOGS.read_bytes())
    page["data"][0]["owner"] = "System"
    batch = parse_json(f"{ALERT_ID}.json", page).event_batches[0]
    assert [e.actor for e in batch.events] == [PersonRef(email="demisto@demisto.local"), None]


# --- bad input ----------------------------------------------------------------------------------


def problem_for(name: str, value: Any) -> str:
    with pytest.raises(ImportProblem) as caught:
        parse_json(name, value)
    return str(caught.value)


def test_missing_and_empty_alert_id() -> None:
    page = json.loads(CLOSED_PAGE.read_bytes())
    del page["data"][1]["id"]
    message = problem_for("alerts-no-id.json", page)
    assert "alerts-no-id.json, data[1]: field 'id'" in message and "missing" in message
    page = json.loads(CLOSED_PAGE.read_bytes())
    page["data"][1]["id"] = ""
    assert "alerts-empty-id.json, data[1]: field 'id'" in problem_for("alerts-empty-id.json", page)


@pytest.mark.parametrize("value", ["yesterday", "2021-13-45T00:00:00Z"])
def test_bad_created_at(value: str) -> None:
    page = json.loads(ALERTS_PAGE.read_bytes())
    page["data"][0]["createdAt"] = value
    message = problem_for("alerts-time.json", page)
    assert "alerts-time.json, data[0]: field 'createdAt'" in message
    assert value in message


def test_negative_ack_time() -> None:
    page = json.loads(CLOSED_PAGE.read_bytes())
    page["data"][0]["report"]["ackTime"] = -5
    assert "data[0].report: field 'ackTime'" in problem_for("alerts-report.json", page)


def test_unknown_status() -> None:
    page = json.loads(ALERTS_PAGE.read_bytes())
    page["data"][0]["status"] = "pending"
    assert "data[0]: field 'status'" in problem_for("alerts-status.json", page)


def test_data_that_is_not_a_list_and_an_alert_that_is_a_string() -> None:
    page = json.loads(ALERTS_PAGE.read_bytes())
    page["data"] = "none"
    assert "alerts.json: field 'data'" in problem_for("alerts.json", page)
    page = json.loads(ALERTS_PAGE.read_bytes())
    page["data"].append("163")
    assert "alerts.json, data[1]: expected an Opsgenie alert" in problem_for("alerts.json", page)


def test_log_entry_with_empty_offset_or_bad_time() -> None:
    page = json.loads(ALERT_LOGS.read_bytes())
    page["data"][1]["offset"] = ""
    assert "data[1]: field 'offset'" in problem_for(f"{ALERT_ID}.json", page)
    page = json.loads(ALERT_LOGS.read_bytes())
    page["data"][0]["createdAt"] = "2023-08-03"
    assert "data[0]: field 'createdAt'" in problem_for(f"{ALERT_ID}.json", page)


# --- sniffing -----------------------------------------------------------------------------------


def test_sniff_accepts_the_opsgenie_samples_and_fixture() -> None:
    for path in (ALERTS_PAGE, ALERT_LOGS, CLOSED_PAGE):
        assert opsgenie.sniff(content_of(path.name, path.read_bytes())), path.name


@pytest.mark.parametrize("name", OTHER_SAMPLES)
def test_sniff_refuses_other_tools_samples(name: str) -> None:
    path = SHARED_DATA / name
    assert not opsgenie.sniff(content_of(name, path.read_bytes()))


@pytest.mark.parametrize(
    "data",
    [
        b"tinyId,message\n163,1234\n",
        b'{"data": [',  # cut short
        b"",
        b'[{"tinyId": "163"}]',
        b'{"data": [{"id": 1, "name": "a row of some other API"}]}',
    ],
)
def test_sniff_refuses_other_content_without_raising(data: bytes) -> None:
    assert not opsgenie.sniff(content_of("other.json", data))


# --- v1 incidents ------------------------------------------------------------------------------

# The shape GET /v1/incidents returns, as assumed here (the Opsgenie Incident API's fields;
# no stored documentation or sample of it was found): {data: [incident], paging, took,
# requestId}, each incident {id, tinyId, message, status (open|resolved|closed), priority,
# createdAt, updatedAt, impactStartDate, impactEndDate, impactedServices (service ids),
# tags, links {web, api}}. Values follow the real alert sample (opsgenie_alerts_page.json).
INCIDENT_ID = "70413a06-38d6-4c85-92b8-5ebc900d42e2"
INCIDENTS_PAGE: dict[str, Any] = {
    "data": [
        {
            "id": INCIDENT_ID,
            "tinyId": "42",
            "message": "Checkout errors above 5 %",
            "status": "resolved",
            "tags": ["checkout"],
            "createdAt": "2021-11-24T12:20:00.5Z",
            "updatedAt": "2021-11-24T14:02:11.03Z",
            "priority": "P2",
            "impactedServices": ["cb17b0a6-5b9c-4a0c-8b4b-2d5b1a2f9d41"],
            "impactStartDate": "2021-11-24T12:14:40.926Z",
            "impactEndDate": "2021-11-24T13:40:00Z",
            "links": {
                "web": "https://app.opsgenie.com/incident/detail/" + INCIDENT_ID,
                "api": "https://api.opsgenie.com/v1/incidents/" + INCIDENT_ID,
            },
        },
        {
            "id": "9c1d1a3e-8f8e-4f5b-9a57-0c6d2f0a7c10",
            "tinyId": "43",
            "message": "Search latency",
            "status": "open",
            "createdAt": "2021-11-25T08:00:00Z",
            "priority": "P3",
            "impactedServices": [],
            "impactStartDate": "2021-11-25T07:55:00Z",
            "impactEndDate": None,
        },
    ],
    "paging": {"first": "https://api.opsgenie.com/v1/incidents?offset=0&limit=20"},
    "took": 0.104,
    "requestId": "cd63a8b5-cae5-4e3c-9c29-3c38a2fd5a3e",
}


def test_v1_incidents_are_read_as_incidents_with_their_impact() -> None:
    content = content_of("opsgenie_incidents.json", json.dumps(INCIDENTS_PAGE).encode())
    assert opsgenie.sniff(content)
    resolved, still_open = opsgenie.parse(content, ImportOptions()).incidents
    assert resolved.external_id == INCIDENT_ID
    assert resolved.title == "Checkout errors above 5 %"
    assert resolved.started_at == datetime(2021, 11, 24, 12, 14, 40, 926000, tzinfo=UTC)
    assert resolved.detected_at == datetime(2021, 11, 24, 12, 20, 0, 500000, tzinfo=UTC)
    assert (
        resolved.mitigated_at == resolved.resolved_at == datetime(2021, 11, 24, 13, 40, tzinfo=UTC)
    )
    assert resolved.acknowledged_at is None
    assert resolved.status is IncidentStatus.RESOLVED
    assert (resolved.severity_raw, resolved.severity) == ("P2", Severity.SEV2)
    assert resolved.url == "https://app.opsgenie.com/incident/detail/" + INCIDENT_ID
    assert resolved.aliases[:2] == ["42", "#42"]
    assert [(e.kind, e.external_id) for e in resolved.events] == [
        (EventKind.ALERT, "created"),
        (EventKind.MITIGATE, "impact-ended"),
    ]
    assert still_open.status is IncidentStatus.TRIGGERED
    assert still_open.started_at == datetime(2021, 11, 25, 7, 55, tzinfo=UTC)
    assert (still_open.mitigated_at, still_open.resolved_at) == (None, None)


def test_alerts_stay_alerts() -> None:
    [alert] = parse_path(ALERTS_PAGE).incidents
    assert alert.started_at == alert.detected_at
    assert [e.kind for e in alert.events] == [EventKind.ALERT]
