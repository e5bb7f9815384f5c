"""Jira importers (REST JSON and CSV export) against the real samples in /work/shared/data
and the hand-written fixtures in tests/fixtures/jira."""

import copy
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from testdata import FIXTURES, SAMPLE_FILES, SHARED_DATA

from irdesk.domain.enums import EventKind, IncidentStatus, Severity
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.formats.jira import csv_export, json_issues
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import SourceFile
from irdesk.importers.records import IncidentRecord, ParsedFile, PersonRef

JIRA_FIXTURES = FIXTURES / "jira"
SEARCH_SAMPLE = SHARED_DATA / "jira_search_with_changelog.json"
CSV_SAMPLE_ES = SHARED_DATA / "jira_service_management_export_es.csv"
# Hand-written in Jira Cloud's API v3 shape: Atlassian document descriptions and comments,
# PagerDuty references, a reopened issue, histories newest first, a DST change (Madrid).
V3_FIXTURE = JIRA_FIXTURES / "jira_cloud_v3_search_adf.json"
# Hand-written GET /rest/api/2/issue/KEY?expand=changelog from a Server with a context path.
SERVER_ISSUE_FIXTURE = JIRA_FIXTURES / "jira_server_single_issue.json"
# Hand-written small exports: Spanish (é, ñ, em dash, a multi-line comment) and English.
CSV_FIXTURE_ES = JIRA_FIXTURES / "jira_export_small_es.csv"
CSV_FIXTURE_EN = JIRA_FIXTURES / "jira_export_small_en.csv"

MADRID = ImportOptions(zone=ZoneInfo("Europe/Madrid"))
ALL_SAMPLES = [path.name for path in SAMPLE_FILES]


def content_of(name: str, data: bytes) -> Content:
    return Content(SourceFile(name, data))


def parse_json_path(path: Path, options: ImportOptions | None = None) -> ParsedFile:
    return json_issues.parse(content_of(path.name, path.read_bytes()), options or ImportOptions())


def parse_json_value(value: Any, name: str = "search.json") -> ParsedFile:
    return json_issues.parse(content_of(name, json.dumps(value).encode()), ImportOptions())


def parse_csv_bytes(
    data: bytes, name: str = "export.csv", options: ImportOptions = MADRID
) -> ParsedFile:
    return csv_export.parse(content_of(name, data), options)


def sample_search() -> dict[str, Any]:
    return json.loads(SEARCH_SAMPLE.read_bytes())


def by_key(parsed: ParsedFile) -> dict[str, IncidentRecord]:
    return {incident.external_id: incident for incident in parsed.incidents}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def json_problem(value: Any, name: str = "search.json") -> ImportProblem:
    with pytest.raises(ImportProblem) as caught:
        parse_json_value(value, name)
    return caught.value


def csv_problem(text: str, options: ImportOptions = MADRID) -> ImportProblem:
    with pytest.raises(ImportProblem) as caught:
        parse_csv_bytes(text.encode(), "bad.csv", options)
    return caught.value


# --- Jira JSON: the search sample (jira_search_with_changelog.json) ------------------------------


def test_search_sample_gives_one_incident_per_issue() -> None:
    parsed = parse_json_path(SEARCH_SAMPLE)
    assert parsed.format == "jira"
    assert [i.external_id for i in parsed.incidents] == [f"UT-{n}" for n in range(26, 51)]
    assert {i.source for i in parsed.incidents} == {"jira"}
    assert parsed.warnings == []  # total 25 on one page, every changelog complete


def test_search_sample_issue_in_progress_ut26() -> None:
    issue = by_key(parse_json_path(SEARCH_SAMPLE))["UT-26"]
    assert issue.title == "Sample Item 26"
    assert issue.location == "issues[0]"
    assert issue.summary is None  # the sample has no descriptions
    assert issue.url == "https://actionableagile.atlassian.net/browse/UT-26"
    assert issue.aliases == ["UT-26", "https://actionableagile.atlassian.net/browse/UT-26"]
    assert issue.service == "Team 1"
    # "Test" is in the In Progress category (the file says so in UT-26's own status).
    assert issue.status is IncidentStatus.ACKNOWLEDGED
    assert issue.severity is None and issue.severity_raw is None  # priority is null
    # created "2015-11-21T07:03:02.000-0500"
    assert issue.started_at == issue.detected_at == utc(2015, 11, 21, 12, 3, 2)
    # first transition Backlog → Dev Active at "2015-11-21T07:14:01.643-0500"
    assert issue.acknowledged_at == utc(2015, 11, 21, 12, 14, 1, 643000)
    assert issue.mitigated_at is None and issue.resolved_at is None


def test_resolved_at_from_resolutiondate_ut33() -> None:
    issue = by_key(parse_json_path(SEARCH_SAMPLE))["UT-33"]
    assert issue.status is IncidentStatus.RESOLVED
    # resolutiondate "2015-11-21T07:14:39.000-0500" (the transition itself is at .068)
    assert issue.resolved_at == utc(2015, 11, 21, 12, 14, 39)
    # Backlog → Done directly: nobody marked it in progress, so no acknowledgement is invented.
    assert issue.acknowledged_at is None


def test_resolved_at_from_last_done_transition_without_resolutiondate_ut27() -> None:
    issue = by_key(parse_json_path(SEARCH_SAMPLE))["UT-27"]
    raw = sample_search()["issues"][1]
    assert raw["key"] == "UT-27" and raw["fields"]["resolutiondate"] is None
    assert raw["fields"]["status"]["statusCategory"]["key"] == "done"
    assert issue.status is IncidentStatus.RESOLVED
    # Analysis Done → Done at "2015-12-14T07:14:17.848-0500"
    assert issue.resolved_at == utc(2015, 12, 14, 12, 14, 17, 848000)
    # Backlog → Analysis Active at "2015-11-26T06:36:10.994-0500"
    assert issue.acknowledged_at == utc(2015, 11, 26, 11, 36, 10, 994000)


def test_daylight_saving_offset_inside_one_file_ut41() -> None:
    issue = by_key(parse_json_path(SEARCH_SAMPLE))["UT-41"]
    # Created in winter (-0500), done in March 2016 after the change to -0400.
    assert issue.started_at == utc(2015, 11, 21, 12, 3, 3)
    assert issue.resolved_at == utc(2016, 3, 29, 11, 18, 59, 683000)
    # It went Backlog → Analysis Active → Backlog → …: the first move out counts.
    assert issue.acknowledged_at == utc(2015, 11, 26, 11, 41, 20, 229000)


def test_statuses_named_done_in_an_in_progress_category_are_not_resolved_ut44() -> None:
    issue = by_key(parse_json_path(SEARCH_SAMPLE))["UT-44"]
    # "Dev Done" sounds finished but the file puts it in the In Progress category.
    assert issue.status is IncidentStatus.ACKNOWLEDGED
    assert issue.resolved_at is None


def test_one_status_change_event_per_status_item_in_the_changelog() -> None:
    raw = sample_search()
    status_items: Counter[str] = Counter()
    resolution_items: Counter[str] = Counter()
    for issue in raw["issues"]:
        for history in issue["changelog"]["histories"]:
            for item in history["items"]:
                if item["field"] == "status":
                    status_items[issue["key"]] += 1
                elif item["field"] == "resolution":
                    resolution_items[issue["key"]] += 1
    assert sum(status_items.values()) == 64  # and 25 "Workflow" items, not events
    parsed = parse_json_path(SEARCH_SAMPLE)
    for incident in parsed.incidents:
        kinds = Counter(event.kind for event in incident.events)
        assert kinds[EventKind.STATUS_CHANGE] == status_items[incident.external_id]
        # every resolution in the sample still stands, so each marks the resolve
        assert kinds[EventKind.RESOLVE] == resolution_items[incident.external_id]
        assert kinds[EventKind.NOTE] == 1  # the creation; the sample has no comments
    assert sum(resolution_items.values()) == 4


def test_status_change_events_carry_history_id_author_and_time() -> None:
    issue = by_key(parse_json_path(SEARCH_SAMPLE))["UT-33"]
    created, resolve, status = issue.events
    assert (created.kind, created.external_id, created.text) == (
        EventKind.NOTE,
        "UT-33:created",
        "Created (status: Backlog)",
    )
    assert created.occurred_at == utc(2015, 11, 21, 12, 3, 2)
    admin = PersonRef(name="Daniel Vacanti [Administrator]", email="daniel@actionableagile.com")
    assert (resolve.kind, resolve.external_id, resolve.text) == (
        EventKind.RESOLVE,
        "10158:0",
        "Resolution: Done",
    )
    assert (status.kind, status.external_id, status.text, status.actor) == (
        EventKind.STATUS_CHANGE,
        "10158:1",
        "Status: Backlog → Done",
        admin,
    )
    assert status.occurred_at == utc(2015, 11, 21, 12, 14, 39, 68000)
    assert all(event.occurred_at.tzinfo is UTC for event in issue.events)


def test_clock_offset_for_jira_is_applied() -> None:
    options = ImportOptions(clock_offsets={"jira": timedelta(minutes=2)})
    issue = by_key(parse_json_path(SEARCH_SAMPLE, options))["UT-26"]
    assert issue.started_at == utc(2015, 11, 21, 12, 1, 2)


def test_truncated_changelog_and_partial_page_are_warned_about() -> None:
    raw = sample_search()
    raw["total"] = 60
    raw["issues"][0]["changelog"]["total"] = 9
    parsed = parse_json_value(raw, "page-1.json")
    assert len(parsed.warnings) == 2
    page, changelog = parsed.warnings
    assert page.startswith("this page holds issues 1–25 of 60")
    assert "UT-26" in changelog and "9 entries" in changelog and "holds 4" in changelog


# --- Jira JSON: v3 and Server shapes (tests/fixtures/jira) --------------------------------------


def test_v3_document_description_comments_and_references() -> None:
    parsed = parse_json_path(V3_FIXTURE)
    (issue,) = parsed.incidents
    assert issue.external_id == "OPS-7"
    assert issue.summary == (
        "Card payments fail with 502; paged as #12728.\n"
        "See the PagerDuty incident\nOwner: @Marta Ruiz\n"
        "• roll back gateway 4.2"
    )
    assert issue.severity is Severity.SEV1 and issue.severity_raw == "Highest"
    assert issue.service == "Checkout"
    assert issue.references == ["#12728", "pagerduty:Q1ABCD2", "pagerduty:PH4UE4E"]
    (comment,) = [e for e in issue.events if e.external_id == "comment:30001"]
    assert comment.kind is EventKind.NOTE
    assert comment.text == "Rolled back; errors down to 0.1 %."
    assert comment.actor == PersonRef(name="Jon Bell", email="jon@acme.example")
    assert comment.occurred_at == utc(2026, 3, 29, 1, 10)


def test_v3_reopened_issue_is_not_resolved_and_histories_are_put_in_time_order() -> None:
    (issue,) = parse_json_path(V3_FIXTURE).incidents
    assert issue.status is IncidentStatus.ACKNOWLEDGED
    assert issue.resolved_at is None
    # created 01:30+0100 and acknowledged 01:42:10+0100, on the night Madrid moves to +0200
    assert issue.started_at == utc(2026, 3, 29, 0, 30)
    assert issue.acknowledged_at == utc(2026, 3, 29, 0, 42, 10)
    assert [e.text for e in issue.events] == [
        "Created (status: To Do)",
        "Status: To Do → In Progress",
        "Rolled back; errors down to 0.1 %.",
        "Resolution: Done",
        "Status: In Progress → Done",
        "Resolution cleared (was Done)",
        "Status: Done → In Progress",
    ]
    # A resolution later cleared must not read as a resolve (the pipeline fills
    # resolved_at from RESOLVE events).
    assert EventKind.RESOLVE not in {e.kind for e in issue.events}


def test_single_issue_from_a_server_with_a_context_path() -> None:
    parsed = parse_json_path(SERVER_ISSUE_FIXTURE)
    (issue,) = parsed.incidents
    assert issue.location == "issue"
    assert issue.url == "https://jira.example.org/jira/browse/OPS-8"
    assert issue.severity is Severity.SEV2
    assert issue.status is IncidentStatus.RESOLVED
    assert issue.resolved_at == utc(2025, 11, 2, 16, 30, 15)
    # "step #1" is not an incident number
    assert issue.references == ["pagerduty:PXYZ123"]
    (warning,) = parsed.warnings
    assert "OPS-8" in warning and "2 entries" in warning


# --- Jira JSON: bad input -----------------------------------------------------------------------


def test_issues_not_a_list() -> None:
    problem = json_problem({"startAt": 0, "maxResults": 50, "total": 1, "issues": {"key": "X-1"}})
    assert (problem.file, problem.location, problem.field) == ("search.json", "issues", "issues")
    assert "a list of issues" in str(problem)


def test_missing_and_empty_issue_keys() -> None:
    raw = sample_search()
    del raw["issues"][3]["key"]
    problem = json_problem(raw)
    assert (problem.location, problem.field) == ("issues[3].key", "key")
    raw = sample_search()
    raw["issues"][5]["key"] = "  "
    problem = json_problem(raw)
    assert (problem.location, problem.field) == ("issues[5].key", "key")
    assert "search.json, issues[5].key" in str(problem)


def test_duplicate_issue_key() -> None:
    raw = sample_search()
    raw["issues"][2]["key"] = "UT-26"
    problem = json_problem(raw)
    assert problem.location == "issues[2].key" and "issues[0]" in str(problem)


def test_malformed_created_date() -> None:
    raw = sample_search()
    raw["issues"][0]["fields"]["created"] = "21/11/2015 07:03"
    problem = json_problem(raw)
    assert (problem.file, problem.location, problem.field) == (
        "search.json",
        "issues[0].fields.created",
        "created",
    )
    assert problem.found == "21/11/2015 07:03"


def test_malformed_changelog_date() -> None:
    raw = sample_search()
    raw["issues"][4]["changelog"]["histories"][2]["created"] = "yesterday"
    problem = json_problem(raw)
    assert (problem.location, problem.field) == (
        "issues[4].changelog.histories[2].created",
        "created",
    )


def test_wrong_types_are_located() -> None:
    raw = sample_search()
    raw["issues"][1] = "UT-27"
    assert json_problem(raw).location == "issues[1]"
    raw = sample_search()
    raw["issues"][2]["fields"]["description"] = 42
    problem = json_problem(raw)
    assert (problem.location, problem.field) == ("issues[2].fields.description", "description")
    raw = sample_search()
    raw["issues"][6]["changelog"]["histories"] = {"id": "1"}
    assert json_problem(raw).location == "issues[6].changelog.histories"
    assert json_problem([1, 2]).location == "top level"


# --- Jira CSV: the Spanish Service Management sample (jira_service_management_export_es.csv) ----


def test_spanish_sample_tickets_titles_and_times_in_madrid() -> None:
    parsed = parse_csv_bytes(CSV_SAMPLE_ES.read_bytes(), CSV_SAMPLE_ES.name)
    assert parsed.format == "jira-csv" and parsed.warnings == []
    issues = by_key(parsed)
    assert sorted(issues) == ["IHS-3", "IHS-4", "IHS-5"]
    assert issues["IHS-3"].title == "Laptop won't boot after Windows update"
    assert issues["IHS-4"].title == "Unable to connect to company VPN"
    assert issues["IHS-5"].title == "Account locked after multiple failed login attempts"
    # "18/jul/26 9:10 AM" in Madrid (CEST, +02:00)
    assert issues["IHS-5"].started_at == issues["IHS-5"].detected_at == utc(2026, 7, 18, 7, 10)
    assert issues["IHS-4"].started_at == utc(2026, 7, 18, 7, 9)
    assert issues["IHS-3"].started_at == utc(2026, 7, 18, 7, 8)
    for issue in issues.values():
        assert issue.source == "jira"
        assert issue.status is IncidentStatus.RESOLVED  # Completado / Resuelta, category Listo
        assert issue.severity is Severity.SEV3 and issue.severity_raw == "Medium"
        assert issue.acknowledged_at is None  # a CSV has no history
    # "Resuelta" (Resolved) is empty in the sample: "Categoría de estado cambiada" 10:53 AM
    assert issues["IHS-5"].resolved_at == utc(2026, 7, 18, 8, 53)
    assert issues["IHS-5"].summary is not None
    assert issues["IHS-5"].summary.startswith("My account got locked")


def test_spanish_sample_comments_become_notes_with_their_text() -> None:
    issue = by_key(parse_csv_bytes(CSV_SAMPLE_ES.read_bytes(), CSV_SAMPLE_ES.name))["IHS-4"]
    notes = [e for e in issue.events if e.kind is EventKind.NOTE and e.text != "Created"]
    assert len(notes) == 2
    root_cause, reply = notes
    assert root_cause.text.startswith("Root Cause Analysis:\n\n* Verified network interface")
    assert "Verified successful connection after reconfiguration." in root_cause.text
    assert reply.text.startswith("Hi Carlos, we found that your VPN profile was missing")
    # "18/jul/26 10:45 AM" in Madrid
    assert root_cause.occurred_at == reply.occurred_at == utc(2026, 7, 18, 8, 45)
    # The comment names an account id; the export's own columns name the person.
    assert root_cause.actor == PersonRef(name="Diego Fuentes Arellano")
    assert root_cause.external_id != reply.external_id
    created = issue.events[0]
    assert created.external_id == "IHS-4:created"
    assert created.actor == PersonRef(email="carlos.ruiz@ithelpdesk-demo.com")


def test_spanish_sample_without_zone_asks_for_tz_where_the_first_date_is() -> None:
    with pytest.raises(ImportProblem) as caught:
        parse_csv_bytes(CSV_SAMPLE_ES.read_bytes(), CSV_SAMPLE_ES.name, ImportOptions())
    problem = caught.value
    message = str(problem)
    assert "--tz" in message and problem.file == CSV_SAMPLE_ES.name
    assert problem.field == "Creada" and problem.found == "18/jul/26 9:10 AM"
    # IHS-5's record spans lines 2-10 (its comments hold newlines)
    assert problem.location in {f"line {n}" for n in range(2, 11)}


# --- Jira CSV: small fixtures (tests/fixtures/jira) ---------------------------------------------


def test_small_spanish_export_with_repeated_columns_and_accents() -> None:
    issues = by_key(parse_csv_bytes(CSV_FIXTURE_ES.read_bytes(), CSV_FIXTURE_ES.name))
    pay12, pay13 = issues["PAY-12"], issues["PAY-13"]
    assert pay12.title == "Caída del servicio de pagos — señal perdida en España"
    assert pay12.status is IncidentStatus.RESOLVED and pay12.severity is Severity.SEV2
    # "02/ene/26 11:05 PM" in Madrid winter time (+01:00); Resuelta "03/ene/26 1:15 AM"
    assert pay12.started_at == utc(2026, 1, 2, 22, 5)
    assert pay12.resolved_at == utc(2026, 1, 3, 0, 15)
    assert pay12.references == ["#12728"]
    comments = [e for e in pay12.events if e.external_id and ":comment:" in e.external_id]
    assert [(c.text, c.actor) for c in comments] == [
        ("Reinicié el balanceador; señal recuperada", PersonRef(name="José Núñez")),
        ("Confirmo: los pagos vuelven a funcionar", PersonRef(name="Begoña Ibáñez")),
    ]
    assert pay13.status is IncidentStatus.ACKNOWLEDGED and pay13.resolved_at is None
    # "18/ago/26 9:10 AM": Spanish month name, summer time
    assert pay13.started_at == utc(2026, 8, 18, 7, 10)
    (comment,) = [e for e in pay13.events if e.external_id and ":comment:" in e.external_id]
    assert comment.text == "Sigue lento;\nrevisad el índice de categorías"


def test_cp1252_and_bom_copies_import_like_the_utf8_export() -> None:
    utf8 = CSV_FIXTURE_ES.read_bytes()
    text = utf8.decode("utf-8")
    cp1252 = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        cp1252.decode("utf-8")  # the copy really is not UTF-8
    bom = b"\xef\xbb\xbf" + utf8

    def summary(data: bytes) -> list[tuple[Any, ...]]:
        content = content_of("copy.csv", data)
        assert csv_export.sniff(content)
        return [
            (
                i.external_id,
                i.title,
                i.started_at,
                i.resolved_at,
                [(e.text, e.actor) for e in i.events],
            )
            for i in csv_export.parse(content, MADRID).incidents
        ]

    expected = summary(utf8)
    assert summary(cp1252) == expected
    assert summary(bom) == expected
    assert expected[0][1] == "Caída del servicio de pagos — señal perdida en España"
    assert expected[0][4][0][1] == PersonRef(name="Begoña Ibáñez")


def test_small_english_export() -> None:
    parsed = parse_csv_bytes(
        CSV_FIXTURE_EN.read_bytes(),
        CSV_FIXTURE_EN.name,
        ImportOptions(zone=ZoneInfo("America/New_York")),
    )
    issues = by_key(parsed)
    ops101, ops102, ops103 = issues["OPS-101"], issues["OPS-102"], issues["OPS-103"]
    # "18/Jul/26 9:10 AM" New York (EDT, -04:00); Resolved ISO-like "2026-07-18 10:45"
    assert ops101.started_at == utc(2026, 7, 18, 13, 10)
    assert ops101.resolved_at == utc(2026, 7, 18, 14, 45)
    assert ops101.service == "Checkout"  # the first of the repeated Component/s
    assert ops101.severity is Severity.SEV1
    assert ops101.references == ["pagerduty:PH4UE4E"]  # from a custom field
    comments = [e for e in ops101.events if e.external_id and ":comment:" in e.external_id]
    assert [c.text for c in comments] == [
        'Rolling back; "v2.3" looks bad',
        "Error rate back to normal",
    ]
    assert comments[0].actor == PersonRef(name="Ana Smith")
    assert comments[1].actor is None  # acc-zed is named nowhere in the export
    assert ops102.status is IncidentStatus.TRIGGERED and ops102.severity is Severity.SEV4
    assert ops102.started_at == utc(2026, 7, 19, 1, 40)  # 9:40 PM EDT
    # an ISO date with an offset needs no zone; an unknown status is warned about
    assert ops103.started_at == utc(2026, 7, 19, 8, 0)
    assert ops103.status is IncidentStatus.TRIGGERED
    (warning,) = parsed.warnings
    assert "'Triage'" in warning and "line 4" in warning


def test_no_zone_names_file_line_and_column() -> None:
    with pytest.raises(ImportProblem) as caught:
        parse_csv_bytes(CSV_FIXTURE_ES.read_bytes(), CSV_FIXTURE_ES.name, ImportOptions())
    problem = caught.value
    assert (problem.file, problem.location, problem.field) == (
        CSV_FIXTURE_ES.name,
        "line 2",
        "Creada",
    )
    assert "--tz" in str(problem)
    assert str(problem).startswith("jira_export_small_es.csv, line 2: field 'Creada'")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("18/jul/26 9:10 AM", utc(2026, 7, 18, 7, 10)),
        ("18/Jul/26 9:10 AM", utc(2026, 7, 18, 7, 10)),
        ("18/JUL/2026 09:10 PM", utc(2026, 7, 18, 19, 10)),
        ("18/jul/26 21:10", utc(2026, 7, 18, 19, 10)),
        ("1/ene/26 12:05 AM", utc(2025, 12, 31, 23, 5)),
        ("1/ene/26 12:05 PM", utc(2026, 1, 1, 11, 5)),
        ("5/sept/26 8:00 AM", utc(2026, 9, 5, 6, 0)),
        ("5/sep/26 8:00 a. m.", utc(2026, 9, 5, 6, 0)),
        ("3/dic/26 6:00 p. m.", utc(2026, 12, 3, 17, 0)),
        ("3/ago/26 6:00:30 PM", utc(2026, 8, 3, 16, 0, 30)),
        ("2026-07-18 09:10", utc(2026, 7, 18, 7, 10)),
    ],
)
def test_localised_date_forms(raw: str, expected: datetime) -> None:
    parsed = parse_csv_bytes(f"Issue key,Summary,Created\nOPS-1,Outage,{raw}\n".encode())
    assert parsed.incidents[0].started_at == expected


# --- Jira CSV: bad input ------------------------------------------------------------------------


def fixture_es() -> str:
    return CSV_FIXTURE_ES.read_text(encoding="utf-8")


def test_unknown_month_name() -> None:
    problem = csv_problem(fixture_es().replace("02/ene/26 11:05 PM", "02/foo/26 11:05 PM"))
    assert (problem.file, problem.location, problem.field) == ("bad.csv", "line 2", "Creada")
    assert "month name" in str(problem) and problem.found == "02/foo/26 11:05 PM"


def test_malformed_dates() -> None:
    problem = csv_problem(fixture_es().replace('03/ene/26 1:15 AM,"Los', 'ayer,"Los'))
    assert (problem.location, problem.field) == ("line 2", "Resuelta")
    problem = csv_problem(fixture_es().replace("02/ene/26 11:05 PM", "31/feb/26 11:05 PM"))
    assert problem.field == "Creada" and "real date" in str(problem)
    problem = csv_problem(fixture_es().replace("02/ene/26 11:05 PM", "02/ene/26 13:05 PM"))
    assert problem.field == "Creada"


def test_bad_comment_date_names_the_comment_column() -> None:
    problem = csv_problem(fixture_es().replace("02/ene/26 11:20 PM;acc-jose", "mañana;acc-jose"))
    assert (problem.location, problem.field) == ("line 2", "Comentario")


def test_row_with_fewer_cells() -> None:
    text = fixture_es() + "Fila cortada,PAY-99,20099,Abierta\n"
    problem = csv_problem(text)
    assert problem.file == "bad.csv"
    assert problem.location == "line 5"  # the fixture's PAY-13 record is on lines 3-4
    assert problem.field == "Prioridad"  # the first missing column
    assert problem.found == "4 cells"


def test_missing_key_column_and_empty_key() -> None:
    header, rest = fixture_es().split("\n", 1)
    problem = csv_problem(header.replace("Clave de incidencia", "Clave") + "\n" + rest)
    assert (problem.location, problem.field) == ("line 1", "Issue key")
    assert "Clave de incidencia" in str(problem)
    problem = csv_problem(fixture_es().replace(",PAY-12,", ",,"))
    assert (problem.location, problem.field) == ("line 2", "Clave de incidencia")


def test_duplicate_key_in_csv() -> None:
    problem = csv_problem(fixture_es().replace(",PAY-13,", ",PAY-12,"))
    assert problem.location == "line 3" and "line 2" in str(problem)  # where PAY-13 starts


# --- sniffing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_sniff_only_claims_its_own_sample(name: str) -> None:
    content = content_of(name, (SHARED_DATA / name).read_bytes())
    assert json_issues.sniff(content) is (name == "jira_search_with_changelog.json")
    assert csv_export.sniff(content) is (name == "jira_service_management_export_es.csv")


def test_sniff_accepts_the_fixtures() -> None:
    for path in (V3_FIXTURE, SERVER_ISSUE_FIXTURE):
        assert json_issues.sniff(content_of(path.name, path.read_bytes())), path.name
    for path in (CSV_FIXTURE_ES, CSV_FIXTURE_EN):
        assert csv_export.sniff(content_of(path.name, path.read_bytes())), path.name


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01binary",
        b'{"issues": [',  # cut short
        b'{"issues": {"key": "X-1"}}',
        b'{"page": {"id": "p"}, "incidents": []}',
        b"[1, 2, 3]",
        b"id,title,created_at\nPH4UE4E,Test,2021-06-03T20:16:54Z\n",
        b"Summary,Created\nx,18/Jul/26 9:10 AM\n",  # no issue key column
        "Résumé,Clé\n".encode("cp1252"),
    ],
)
def test_sniff_refuses_other_content_without_raising(data: bytes) -> None:
    content = content_of("other.txt", data)
    assert not json_issues.sniff(content)
    assert not csv_export.sniff(content)


def test_search_without_changelog_is_warned_about() -> None:
    raw = sample_search()
    for issue in raw["issues"][:3]:
        del issue["changelog"]
    parsed = parse_json_value(raw)
    assert parsed.warnings == [
        "3 of 25 issues have no changelog (searched without expand=changelog): "
        "when work began on them is unknown"
    ]
    ut26 = by_key(parsed)["UT-26"]
    assert ut26.acknowledged_at is None and len(ut26.events) == 1


def test_empty_search_page_is_jira_and_yields_nothing() -> None:
    page = {"startAt": 0, "maxResults": 50, "total": 0, "issues": []}
    assert json_issues.sniff(content_of("empty.json", json.dumps(page).encode()))
    assert parse_json_value(copy.deepcopy(page)).incidents == []
