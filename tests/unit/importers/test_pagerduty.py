"""PagerDuty importer against the real samples in /work/shared/data and a log-entries fixture."""

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from testdata import SHARED_DATA

from irdesk.domain.enums import EventKind, IncidentStatus, Severity
from irdesk.importers.formats import pagerduty
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import SourceFile
from irdesk.importers.records import EventBatch, IncidentRecord, ParsedFile, PersonRef

INCIDENTS_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
AIRBYTE_JSONL = SHARED_DATA / "pagerduty_incident_and_log_entry.jsonl"
# Hand-written in the shape GET /incidents/PGW5XNE/log_entries returns, for the sample's #11884.
LOG_ENTRIES_PAGE = (
    Path(__file__).resolve().parents[2] / "fixtures/pagerduty/log_entries_PGW5XNE.json"
)
OTHER_SAMPLES = [
    "jira_search_with_changelog.json",
    "jira_service_management_export_es.csv",
    "opsgenie_alerts_page.json",
    "opsgenie_alert_logs.json",
    "statuspage_incident_github_2019.json",
    "statuspage_incident_github_2023.json",
]


def content_of(name: str, data: bytes) -> Content:
    return Content(SourceFile(name, data))


def parse_path(path: Path, options: ImportOptions | None = None) -> ParsedFile:
    return pagerduty.parse(content_of(path.name, path.read_bytes()), options or ImportOptions())


def parse_json(name: str, value: Any, options: ImportOptions | None = None) -> ParsedFile:
    return pagerduty.parse(content_of(name, json.dumps(value).encode()), options or ImportOptions())


def sample_page() -> dict[str, Any]:
    return json.loads(INCIDENTS_PAGE.read_bytes())


def by_id(parsed: ParsedFile) -> dict[str, IncidentRecord]:
    return {incident.external_id: incident for incident in parsed.incidents}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- incidents page (pagerduty_incidents_page.json) -------------------------------------------


def test_incidents_page_gives_all_26_incidents_in_file_order() -> None:
    parsed = parse_path(INCIDENTS_PAGE)
    assert parsed.format == "pagerduty"
    assert len(parsed.incidents) == 26
    assert parsed.incidents[0].external_id == "PH4UE4E"
    assert parsed.incidents[-1].external_id == "PGW5XNE"
    assert [i.location for i in parsed.incidents[:2]] == ["incidents[0]", "incidents[1]"]
    assert parsed.event_batches == []
    assert parsed.warnings == []
    statuses = [i.status for i in parsed.incidents]
    assert statuses.count(IncidentStatus.TRIGGERED) == 1
    assert statuses.count(IncidentStatus.RESOLVED) == 25


def test_triggered_incident_12728() -> None:
    incident = by_id(parse_path(INCIDENTS_PAGE))["PH4UE4E"]
    assert incident.source == "pagerduty"
    assert incident.title == "Test"
    assert incident.summary is None  # description equals the title
    assert incident.url == "https://pdt-giran.pagerduty.com/incidents/PH4UE4E"
    assert incident.service == "BD: Analytics"
    assert (incident.severity_raw, incident.severity) == ("P4", Severity.SEV4)
    assert incident.status is IncidentStatus.TRIGGERED
    assert incident.started_at == incident.detected_at == utc(2021, 6, 3, 20, 16, 54)
    assert incident.started_at.tzinfo is UTC
    # Not resolved: last_status_change_at (an escalation here) is no resolution.
    assert incident.resolved_at is None
    assert incident.acknowledged_at is None
    assert list(incident.aliases) == [
        "#12728",
        "12728",
        "https://pdt-giran.pagerduty.com/incidents/PH4UE4E",
        "PH4UE4E",
    ]
    assert list(incident.references) == []
    [alert, assigned] = incident.events
    assert alert.kind is EventKind.ALERT
    assert alert.external_id == "RO1V3ZV6N8336V01DE7M6WWQY2"
    assert alert.text == "Triggered through the website"
    assert alert.occurred_at == utc(2021, 6, 3, 20, 16, 54)
    # Its `assignments`: whom PagerDuty holds responsible now, kept as an event.
    assert assigned.kind is EventKind.STATUS_CHANGE
    assert assigned.external_id == "assign:PZH62CI:2021-06-03T22:16:55Z"
    assert assigned.text == "Assigned to Michael Mandy"
    assert assigned.actor == PersonRef(name="Michael Mandy")
    assert assigned.occurred_at == utc(2021, 6, 3, 22, 16, 55)


def test_resolved_p1_incident_11884_takes_resolution_from_last_status_change() -> None:
    incident = by_id(parse_path(INCIDENTS_PAGE))["PGW5XNE"]
    assert incident.title == "Critical: Office 365 Server Offline"
    assert incident.service == "ID: Production"
    assert (incident.severity_raw, incident.severity) == ("P1", Severity.SEV1)
    assert incident.status is IncidentStatus.RESOLVED
    assert incident.started_at == utc(2021, 5, 4, 13, 48, 51)
    # The pre-2023 shape has no resolved_at: last_status_change_at of a resolved incident.
    assert incident.resolved_at == utc(2021, 5, 4, 14, 0, 0)
    # PagerDuty emptied the acknowledgements on resolution.
    assert incident.acknowledged_at is None
    assert incident.mitigated_at is None
    assert [e.kind for e in incident.events] == [EventKind.ALERT, EventKind.RESOLVE]
    resolve = incident.events[1]
    assert resolve.external_id == "resolved"
    assert resolve.occurred_at == utc(2021, 5, 4, 14, 0, 0)
    assert resolve.text == "Resolved by Giran Moodley"
    assert resolve.actor == PersonRef(name="Giran Moodley")
    assert "#11884" in incident.aliases


def test_p3_incident_summary_keeps_the_description_that_differs_from_the_title() -> None:
    incident = by_id(parse_path(INCIDENTS_PAGE))["PE8XPNI"]
    assert incident.title.endswith("inserting long string to see cutoff here...")
    assert incident.summary == (
        "Warning: ''Produce - Walk In Mid'' probe temperature has risen above 24°C for more "
        "than 30 minutes"
    )
    assert (incident.severity_raw, incident.severity) == ("P3", Severity.SEV3)
    assert incident.resolved_at == utc(2021, 5, 3, 19, 10, 47)
    assert incident.service == "WD: Storage"


def test_every_sample_incident_has_aware_utc_times_and_a_resolution_when_resolved() -> None:
    for incident in parse_path(INCIDENTS_PAGE).incidents:
        assert incident.started_at is not None and incident.started_at.utcoffset() == timedelta(0)
        if incident.status is IncidentStatus.RESOLVED:
            assert incident.resolved_at is not None
            assert incident.resolved_at >= incident.started_at
            assert incident.events[-1].kind is EventKind.RESOLVE


def test_acknowledgements_give_the_earliest_acknowledged_at_and_one_event_each() -> None:
    # pagerduty_incidents_page.json has no acknowledgement left (resolved incidents lose
    # them), so #12728 is given two, as an export taken while it was acknowledged would be.
    page = sample_page()
    raw = page["incidents"][0]
    raw["status"] = "acknowledged"
    raw["acknowledgements"] = [
        {
            "at": "2021-06-03T20:31:02Z",
            "acknowledger": {"id": "PZH62CI", "type": "user_reference", "summary": "Michael Mandy"},
        },
        {
            "at": "2021-06-03T20:19:40Z",
            "acknowledger": {
                "id": "P689ZFT",
                "type": "service_reference",
                "summary": "BD: Analytics",
            },
        },
    ]
    incident = parse_json("acknowledged.json", page).incidents[0]
    assert incident.status is IncidentStatus.ACKNOWLEDGED
    assert incident.acknowledged_at == utc(2021, 6, 3, 20, 19, 40)
    acks = [e for e in incident.events if e.kind is EventKind.ACKNOWLEDGE]
    assert [(e.external_id, e.text, e.actor) for e in acks] == [
        (
            "ack:PZH62CI:2021-06-03T20:31:02Z",
            "Acknowledged by Michael Mandy",
            PersonRef(name="Michael Mandy"),
        ),
        # Acknowledged through the API by a service: nobody's action.
        ("ack:P689ZFT:2021-06-03T20:19:40Z", "Acknowledged by BD: Analytics", None),
    ]


def test_resolved_at_field_wins_over_last_status_change() -> None:
    # The 2023 shape of pagerduty_incident_and_log_entry.jsonl, resolved.
    record = json.loads(AIRBYTE_JSONL.read_text().splitlines()[0])
    record["data"].update(
        status="resolved",
        resolved_at="2023-10-07T07:40:00Z",
        last_status_change_at="2023-10-07T07:41:30Z",
    )
    incident = parse_json("resolved.jsonl", record).incidents[0]
    assert incident.resolved_at == utc(2023, 10, 7, 7, 40)


def test_options_apply_clock_offset_and_severity_overrides() -> None:
    options = ImportOptions(
        clock_offsets={"pagerduty": timedelta(minutes=2)},
        severity_maps={"pagerduty": {"P4": Severity.SEV3}},
    )
    incident = by_id(parse_path(INCIDENTS_PAGE, options))["PH4UE4E"]
    assert incident.started_at == utc(2021, 6, 3, 20, 14, 54)
    assert incident.events[0].occurred_at == utc(2021, 6, 3, 20, 14, 54)
    assert (incident.severity_raw, incident.severity) == ("P4", Severity.SEV3)


def test_null_priority_leaves_severity_empty() -> None:
    page = sample_page()
    page["incidents"][0]["priority"] = None
    incident = parse_json("no-priority.json", page).incidents[0]
    assert (incident.severity_raw, incident.severity) == (None, None)


def test_bare_list_and_single_incident_envelope() -> None:
    raw = sample_page()["incidents"][25]
    assert parse_json("list.json", [raw]).incidents[0].external_id == "PGW5XNE"
    single = parse_json("one.json", {"incident": raw})
    assert single.incidents[0].location == "incident"
    assert pagerduty.sniff(content_of("one.json", json.dumps({"incident": raw}).encode()))


# --- Airbyte JSON Lines (pagerduty_incident_and_log_entry.jsonl) -------------------------------


def test_airbyte_jsonl_incident_in_2023_shape() -> None:
    parsed = parse_path(AIRBYTE_JSONL)
    [incident] = parsed.incidents
    assert incident.external_id == "Q2U8NVNBMCM7JW"
    assert incident.location == "line 1"
    assert incident.title == "admin"
    assert incident.service == "asd"
    assert (incident.severity_raw, incident.severity) == ("P1", Severity.SEV1)
    assert incident.status is IncidentStatus.TRIGGERED
    assert incident.started_at == utc(2023, 10, 7, 7, 25, 26)
    # resolved_at is in this shape but null: still open, and last_status_change_at is no stand-in.
    assert incident.resolved_at is None
    assert list(incident.aliases[:2]) == ["#1", "1"]
    assert incident.events[0].external_id == "R21I9CLEE8JB0F7ICF7XBE1CMI"


def test_airbyte_jsonl_annotate_entry_is_a_note_batch() -> None:
    parsed = parse_path(AIRBYTE_JSONL)
    [batch] = parsed.event_batches
    assert batch == EventBatch(
        source="pagerduty",
        incident_external_id="Q2U8NVNBMCM7JW",
        location="line 2",
        events=batch.events,
        fallback=batch.fallback,
    )
    # What the entry's `incident` reference says, for when the incident itself is missing.
    assert batch.fallback is not None
    assert (batch.fallback.title, batch.fallback.partial) == ("admin", True)
    [note] = batch.events
    assert note.kind is EventKind.NOTE
    assert note.text == "sdgsdf"  # the note (channel.summary), not "Note added by …"
    assert note.occurred_at == utc(2023, 10, 7, 7, 28, 46)
    assert note.external_id == "RNUYTXSTD6TFUACXJH8FS2I4TM"
    assert note.actor == PersonRef(name="testertester")
    # The incident's alert and its assignment to "tester tester", and the note.
    assert parsed.event_count == 3


def test_airbyte_jsonl_other_streams_are_skipped_with_a_warning() -> None:
    lines = AIRBYTE_JSONL.read_text().splitlines()
    users = json.dumps({"stream": "users", "data": {"id": "PLOD9FO"}, "emitted_at": 1})
    parsed = pagerduty.parse(
        content_of("mixed.jsonl", "\n".join([lines[0], users, users, lines[1]]).encode()),
        ImportOptions(),
    )
    assert len(parsed.incidents) == 1
    assert len(parsed.event_batches) == 1
    [warning] = parsed.warnings
    assert "'users'" in warning and "2 record(s)" in warning


# --- log entries page (tests/fixtures/pagerduty/log_entries_PGW5XNE.json) ----------------------


def test_log_entries_page_becomes_one_batch_in_time_order() -> None:
    parsed = parse_path(LOG_ENTRIES_PAGE)
    assert parsed.incidents == []
    [batch] = parsed.event_batches
    assert batch.source == "pagerduty"
    assert batch.incident_external_id == "PGW5XNE"
    # The file lists newest first; the batch reads oldest first.
    assert [(e.kind, e.actor.name if e.actor else None) for e in batch.events] == [
        (EventKind.ALERT, "Giran Moodley"),
        (EventKind.ESCALATE, None),  # assigned by the escalation policy, via the service
        (EventKind.PAGE, "Giran Moodley"),  # a page counts for the person paged
        (EventKind.ACKNOWLEDGE, "Giran Moodley"),
        (EventKind.NOTE, "Giran Moodley"),
        (EventKind.ESCALATE, "Giran Moodley"),
        (EventKind.PAGE, "Bryce Blake"),
        (EventKind.RESOLVE, "Giran Moodley"),
    ]
    times = [e.occurred_at for e in batch.events]
    assert times == sorted(times)
    assert times[0] == utc(2021, 5, 4, 13, 48, 51)
    note = batch.events[4]
    assert note.text.startswith("Microsoft 365 service health shows an Exchange Online outage")
    assert batch.events[2].text == "Notified Giran Moodley by push notification."
    assert batch.events[5].external_id == "R8WD2LF6YA0PX4T7K3E9Q1MBNV"
    assert parsed.warnings == []


def test_log_entries_share_keys_and_words_with_the_incident_page() -> None:
    # pagerduty_incidents_page.json's #11884 and its log entries: the trigger and the
    # resolution must be one event each, whichever file is imported first.
    incident = by_id(parse_path(INCIDENTS_PAGE))["PGW5XNE"]
    [batch] = parse_path(LOG_ENTRIES_PAGE).event_batches
    from_logs = {e.external_id: e for e in batch.events}
    for event in incident.events:
        twin = from_logs[event.external_id]
        assert (twin.kind, twin.occurred_at, twin.text) == (
            event.kind,
            event.occurred_at,
            event.text,
        )


def test_acknowledge_log_entry_matches_the_incidents_acknowledgement() -> None:
    # #11884 exported while acknowledged would list the acknowledgement the log records.
    page = sample_page()
    raw = page["incidents"][25]
    raw["status"] = "acknowledged"
    raw["acknowledgements"] = [
        {
            "at": "2021-05-04T13:50:07Z",
            "acknowledger": {"id": "PPT6IUJ", "type": "user_reference", "summary": "Giran Moodley"},
        }
    ]
    incident = parse_json("acknowledged.json", page).incidents[25]
    [ack] = [e for e in incident.events if e.kind is EventKind.ACKNOWLEDGE]
    [batch] = parse_path(LOG_ENTRIES_PAGE).event_batches
    [logged] = [e for e in batch.events if e.kind is EventKind.ACKNOWLEDGE]
    assert (logged.external_id, logged.occurred_at, logged.text) == (
        ack.external_id,
        ack.occurred_at,
        ack.text,
    )


def test_log_entries_for_two_incidents_give_two_batches() -> None:
    page = json.loads(LOG_ENTRIES_PAGE.read_bytes())
    other = copy.deepcopy(page["log_entries"][0])
    other["id"] = "RXXXXOTHERINCIDENTENTRY01"
    other["incident"]["id"] = "PH4UE4E"
    page["log_entries"].append(other)
    parsed = parse_json("two.json", page)
    assert [b.incident_external_id for b in parsed.event_batches] == ["PGW5XNE", "PH4UE4E"]
    assert parsed.event_batches[1].location == "log_entries[8]"


@pytest.mark.parametrize(
    ("entry_type", "kind"),
    [
        ("status_update_log_entry", EventKind.COMMUNICATION),
        ("snooze_log_entry", EventKind.STATUS_CHANGE),
        ("unacknowledge_log_entry", EventKind.STATUS_CHANGE),
        ("priority_change_log_entry", EventKind.STATUS_CHANGE),
        ("reach_trigger_limit_log_entry", EventKind.NOTE),
        ("repeat_escalation_path_log_entry", EventKind.ESCALATE),
        ("delegate_log_entry", EventKind.ESCALATE),
    ],
)
def test_other_log_entry_types(entry_type: str, kind: EventKind) -> None:
    page = json.loads(LOG_ENTRIES_PAGE.read_bytes())
    page["log_entries"][0]["type"] = entry_type
    [batch] = parse_json("types.json", page).event_batches
    changed = next(e for e in batch.events if e.external_id == "R2GY7UK0MF5WB8S3P6C9V4LQDA")
    assert changed.kind is kind
    assert changed.text == "Resolved by Giran Moodley."  # the entry's own summary


def test_unknown_log_entry_type_is_a_note_with_a_warning() -> None:
    page = json.loads(LOG_ENTRIES_PAGE.read_bytes())
    page["log_entries"][0]["type"] = "teleport_log_entry"
    parsed = parse_json("unknown.json", page)
    assert any(e.kind is EventKind.NOTE for e in parsed.event_batches[0].events)
    [warning] = parsed.warnings
    assert "teleport_log_entry" in warning


# --- bad input: located problems ------------------------------------------------------------


def problem_for(name: str, value: Any, options: ImportOptions | None = None) -> str:
    with pytest.raises(ImportProblem) as caught:
        parse_json(name, value, options)
    return str(caught.value)


# A blank id beside a unique incident number is recovered (test_recovery.py); strict
# refuses it, as every import did before.
STRICT = ImportOptions(strict=True)


def test_missing_incident_id() -> None:
    page = sample_page()
    del page["incidents"][3]["id"]
    message = problem_for("page-missing-id.json", page, STRICT)
    assert "page-missing-id.json" in message
    assert "incidents[3]" in message
    assert "'id'" in message and "missing" in message


def test_empty_incident_id_is_refused() -> None:
    page = sample_page()
    page["incidents"][3]["id"] = "  "
    message = problem_for("page-empty-id.json", page, STRICT)
    assert "page-empty-id.json, incidents[3]: field 'id'" in message


@pytest.mark.parametrize("value", ["yesterday", "2021-13-45T00:00:00Z"])
def test_bad_created_at(value: str) -> None:
    page = sample_page()
    page["incidents"][2]["created_at"] = value
    message = problem_for("page-bad-time.json", page)
    assert "page-bad-time.json, incidents[2]: field 'created_at'" in message
    assert value in message


def test_bad_acknowledgement_time_is_located_inside_the_list() -> None:
    page = sample_page()
    page["incidents"][0]["acknowledgements"] = [{"at": "soon", "acknowledger": None}]
    message = problem_for("page-bad-ack.json", page)
    assert "incidents[0].acknowledgements[0]: field 'at'" in message


def test_incidents_that_are_not_a_list() -> None:
    page = sample_page()
    page["incidents"] = {"PH4UE4E": page["incidents"][0]}
    message = problem_for("page-not-a-list.json", page)
    assert "page-not-a-list.json" in message
    assert "field 'incidents'" in message and "a list of incidents" in message
    # Still recognised as PagerDuty by its envelope, so the user hears this, not "unknown format".
    assert pagerduty.sniff(content_of("page-not-a-list.json", json.dumps(page).encode()))


def test_an_incident_that_is_a_string() -> None:
    page = sample_page()
    page["incidents"][1] = "PE8XPNI"
    message = problem_for("page-string.json", page)
    assert "page-string.json, incidents[1]" in message
    assert "incident object" in message and "'PE8XPNI'" in message


def test_unknown_status() -> None:
    page = sample_page()
    page["incidents"][4]["status"] = "closed"
    message = problem_for("page-status.json", page)
    assert "incidents[4]: field 'status'" in message


def test_priority_that_is_not_an_object() -> None:
    page = sample_page()
    page["incidents"][5]["priority"] = "P1"
    assert "incidents[5]: field 'priority'" in problem_for("page-priority.json", page)


def test_log_entry_with_bad_time_and_empty_incident_id() -> None:
    page = json.loads(LOG_ENTRIES_PAGE.read_bytes())
    page["log_entries"][6]["created_at"] = "2021-05-04 13:48"
    assert "log_entries[6]: field 'created_at'" in problem_for("logs-time.json", page)
    page = json.loads(LOG_ENTRIES_PAGE.read_bytes())
    page["log_entries"][2]["incident"]["id"] = ""
    assert "log_entries[2].incident: field 'id'" in problem_for("logs-ref.json", page)
    page = json.loads(LOG_ENTRIES_PAGE.read_bytes())
    del page["log_entries"][1]["incident"]
    assert "log_entries[1]: field 'incident'" in problem_for("logs-no-ref.json", page)


def test_bad_jsonl_line_is_located_by_line() -> None:
    lines = AIRBYTE_JSONL.read_text().splitlines()
    bad = json.loads(lines[1])
    bad["data"]["created_at"] = "yesterday"
    data = "\n".join([lines[0], json.dumps(bad)]).encode()
    with pytest.raises(ImportProblem) as caught:
        pagerduty.parse(content_of("airbyte.jsonl", data), ImportOptions())
    assert "airbyte.jsonl, line 2: field 'created_at'" in str(caught.value)


def test_a_page_without_incidents_or_log_entries() -> None:
    message = problem_for("other.json", {"users": [], "limit": 25, "more": False})
    assert "other.json" in message and "'incidents' or 'log_entries'" in message


# --- sniffing -----------------------------------------------------------------------------------


def test_sniff_accepts_the_pagerduty_samples_and_fixture() -> None:
    for path in (INCIDENTS_PAGE, AIRBYTE_JSONL, LOG_ENTRIES_PAGE):
        assert pagerduty.sniff(content_of(path.name, path.read_bytes())), path.name


@pytest.mark.parametrize("name", OTHER_SAMPLES)
def test_sniff_refuses_other_tools_samples(name: str) -> None:
    path = SHARED_DATA / name
    assert not pagerduty.sniff(content_of(name, path.read_bytes()))


@pytest.mark.parametrize(
    "data",
    [
        b"id,title,created_at\nPH4UE4E,Test,2021-06-03T20:16:54Z\n",
        b'{"incidents": [',  # cut short
        b"",
        b"\x00\x01binary",
        b'{"page": {"id": "kctbh9vrtdwd"}, "incidents": []}',  # a Statuspage incidents list
        b'{"stream": "alerts", "data": {"tinyId": "163"}, "emitted_at": 1}\n',  # Opsgenie via Airbyte
        b"[1, 2, 3]",
    ],
)
def test_sniff_refuses_other_content_without_raising(data: bytes) -> None:
    assert not pagerduty.sniff(content_of("other.txt", data))
