"""Imports that keep the good records: recoverable problems read with a fallback and a
warning naming file, place and field; unrecoverable ones refuse the import, unless
skip_bad_records leaves the record out and lists it; strict refuses both, as before.

Every input is a real sample from /work/shared/data, damaged the way the files irdesk had
never seen were: jira_search_with_changelog.json (25 issues, UT-26…), with one summary
blanked or the field gone; pagerduty_incidents_page.json (26 incidents, numbers
11860–12728) with its ids blanked; pagerduty_incident_and_log_entry.jsonl's log entry
without its incident.
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.domain.lifecycle import PARTIAL
from irdesk.domain.models import Incident
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.importers.problems import ImportProblem
from irdesk.storage.database import Database
from irdesk.storage.reads import database_reads
from irdesk.storage.reads.packet_data import find_incident

pytestmark = pytest.mark.both_backends

JIRA = SHARED_DATA / "jira_search_with_changelog.json"
PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
PD_LINES = SHARED_DATA / "pagerduty_incident_and_log_entry.jsonl"
STRICT = ImportOptions(strict=True)
SKIP = ImportOptions(skip_bad_records=True)


def derived(tmp_path: Path, sample: Path, change: Callable[[Any], None]) -> Path:
    data = json.loads(sample.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / sample.name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def stored(database: Database, name: str) -> Incident:
    """The incident people name `name` ("#12728"), as the command line finds it."""
    with database.session() as session:
        found = session.get(Incident, find_incident(session, name))
        assert found is not None
        return found


def titles(database: Database) -> dict[str, str]:
    return {row.external_id: row.title for row in database_reads.list_incidents(database)}


# --- Jira: an issue without a summary takes its key as its title ------------------------------


def _blank_summary(data: Any) -> None:
    data["issues"][2]["fields"]["summary"] = ""


def _no_summary(data: Any) -> None:
    for issue in data["issues"]:
        del issue["fields"]["summary"]


def test_a_jira_issue_with_an_empty_summary_is_titled_by_its_key(
    database: Database, tmp_path: Path
) -> None:
    path = derived(tmp_path, JIRA, _blank_summary)
    report = run_import(database, [path])
    assert report.count("new") == 25
    assert titles(database)["UT-28"] == "UT-28"
    assert titles(database)["UT-29"] == "Sample Item 29"  # the others as they were
    assert (
        f"{path}: issues[2].fields.summary: field 'summary': expected a non-empty summary, "
        "found ''; its key UT-28 is its title"
    ) in report.warnings
    assert "Warnings:" in report.lines()


def test_a_jira_response_without_summaries_is_titled_by_keys(
    database: Database, tmp_path: Path
) -> None:
    path = derived(tmp_path, JIRA, _no_summary)
    report = run_import(database, [path])
    assert report.count("new") == 25
    assert set(titles(database).items()) == {(key, key) for key in titles(database)}
    recovered = [w for w in report.warnings if "field 'summary'" in w]
    assert len(recovered) == 25
    assert recovered[0] == (
        f"{path}: issues[0].fields.summary: field 'summary': expected a non-empty summary; "
        "its key UT-26 is its title"
    )


def test_strict_refuses_an_empty_summary_as_before(database: Database, tmp_path: Path) -> None:
    path = derived(tmp_path, JIRA, _blank_summary)
    before = dump(database)
    with pytest.raises(ImportProblem, match=r"issues\[2\]\.fields\.summary: field 'summary'"):
        run_import(database, [path], STRICT)
    assert dump(database) == before


# --- unrecoverable records: refused whole, or left out and listed -------------------------------


def _bad_created(data: Any) -> None:
    data["issues"][4]["fields"]["created"] = "yesterday"


def test_an_unrecoverable_record_refuses_the_whole_import(
    database: Database, tmp_path: Path
) -> None:
    path = derived(tmp_path, JIRA, _bad_created)
    before = dump(database)
    with pytest.raises(ImportProblem) as error:
        run_import(database, [PD_PAGE, path])
    assert str(error.value).startswith(f"{path}, issues[4].fields.created: field 'created'")
    assert dump(database) == before


def test_skip_bad_records_leaves_the_record_out_and_lists_it(
    database: Database, tmp_path: Path
) -> None:
    path = derived(tmp_path, JIRA, _bad_created)
    report = run_import(database, [PD_PAGE, path], SKIP)
    assert report.count("new") == 26 + 24
    assert "UT-30" not in titles(database)
    assert [item.line() for item in report.left_out] == [
        f"{path}, issues[4].fields.created: field 'created': expected an ISO 8601 timestamp "
        "such as 2026-10-14T09:30:00Z, found 'yesterday'"
    ]
    lines = report.lines()
    assert lines[lines.index("Left out (--skip-bad-records):") + 1].startswith(f"  {path}, ")


def test_strict_with_skip_leaves_out_what_it_would_otherwise_recover(
    database: Database, tmp_path: Path
) -> None:
    path = derived(tmp_path, JIRA, _blank_summary)
    report = run_import(database, [path], ImportOptions(strict=True, skip_bad_records=True))
    assert report.count("new") == 24
    assert [item.location for item in report.left_out] == ["issues[2].fields.summary"]


# --- PagerDuty: blanked ids fall back to the incident number ------------------------------------


def _blank_ids(data: Any) -> None:
    for incident in data["incidents"]:
        incident["id"] = ""
        incident["first_trigger_log_entry"]["id"] = ""


def test_pagerduty_incidents_with_blanked_ids_are_keyed_by_their_numbers(
    database: Database, tmp_path: Path
) -> None:
    path = derived(tmp_path, PD_PAGE, _blank_ids)
    report = run_import(database, [path])
    assert report.count("new") == 26
    assert titles(database)["12728"] == "Test"
    assert (
        f"{path}: incidents[0]: field 'id': expected a non-empty PagerDuty id such as "
        "'PH4UE4E', found ''; keyed by its incident number 12728"
    ) in report.warnings
    assert (
        f"{path}: incidents[0].first_trigger_log_entry: field 'id': expected a non-empty "
        "PagerDuty id such as 'R2XQ6NVNQ6QKN5', found ''; its alert event is keyed "
        "'first-trigger'"
    ) in report.warnings
    # The numbers keep working as the names other tools use: "#12728" finds it.
    assert stored(database, "#12728").external_id == "12728"
    # The same file again changes nothing: the fallback keys are stable.
    again = run_import(database, [path])
    assert (again.count("unchanged"), again.new_events) == (26, 0)


def test_a_blanked_id_with_a_shared_number_is_unrecoverable(
    database: Database, tmp_path: Path
) -> None:
    def change(data: Any) -> None:
        _blank_ids(data)
        data["incidents"][5]["incident_number"] = data["incidents"][4]["incident_number"]

    path = derived(tmp_path, PD_PAGE, change)
    before = dump(database)
    with pytest.raises(ImportProblem, match=r"incidents\[4\]: field 'id': .* no other incident"):
        run_import(database, [path])
    assert dump(database) == before
    report = run_import(database, [path], SKIP)
    assert report.count("new") == 24
    assert [item.location for item in report.left_out] == ["incidents[4]", "incidents[5]"]


def test_strict_refuses_blanked_ids(database: Database, tmp_path: Path) -> None:
    path = derived(tmp_path, PD_PAGE, _blank_ids)
    with pytest.raises(ImportProblem, match=r"incidents\[0\]: field 'id'"):
        run_import(database, [path], STRICT)


# --- PagerDuty: log entries whose incident is missing make it from their reference -------------


def _log_entries_only(tmp_path: Path) -> Path:
    lines = PD_LINES.read_text(encoding="utf-8").splitlines()
    entries = [line for line in lines if json.loads(line)["stream"] == "incident_logs"]
    path = tmp_path / "pagerduty_log_entries_only.jsonl"
    path.write_text("\n".join(entries) + "\n", encoding="utf-8")
    return path


def test_log_entries_without_their_incident_make_a_partial_incident(
    database: Database, tmp_path: Path
) -> None:
    path = _log_entries_only(tmp_path)
    report = run_import(database, [path])
    assert (report.count("new"), report.new_events) == (1, 1)
    assert (
        f"{path}: line 1: field 'incident': pagerduty incident Q2U8NVNBMCM7JW is neither in "
        "this import nor in the database; made from the entries' reference to it ('admin') "
        "and marked partial until the incident itself is imported"
    ) in report.warnings
    made = stored(database, "#1")
    assert (made.external_id, made.title) == ("Q2U8NVNBMCM7JW", "admin")
    assert made.url == "https://dev-pixil.pagerduty.com/incidents/Q2U8NVNBMCM7JW"
    assert made.flags == [PARTIAL]
    # The incident itself, imported later, completes it and clears the mark.
    run_import(database, [PD_LINES])
    completed = stored(database, "#1")
    assert completed.flags == []
    assert completed.started_at is not None and completed.started_at.minute == 25


def test_log_entries_without_their_incident_under_strict_are_refused(
    database: Database, tmp_path: Path
) -> None:
    path = _log_entries_only(tmp_path)
    before = dump(database)
    with pytest.raises(ImportProblem, match=r"line 1: field 'incident'.*import the incident list"):
        run_import(database, [path], STRICT)
    assert dump(database) == before


# --- Jira CSV (jira_service_management_export_es.csv, 3 tickets): a row left out ---------------


def test_a_jira_csv_row_with_a_bad_date_is_left_out_when_asked(
    database: Database, tmp_path: Path
) -> None:
    text = (SHARED_DATA / "jira_service_management_export_es.csv").read_text(encoding="utf-8-sig")
    assert text.count("18/jul/26 9:09 AM") == 1  # IHS-4's creation, and nothing else
    path = tmp_path / "jira_service_management_export_es.csv"
    path.write_text(text.replace("18/jul/26 9:09 AM", "mañana"), encoding="utf-8")
    zone = ZoneInfo("Europe/Madrid")
    with pytest.raises(ImportProblem, match="'Creada'"):
        run_import(database, [path], ImportOptions(zone=zone))
    report = run_import(database, [path], ImportOptions(zone=zone, skip_bad_records=True))
    assert sorted(titles(database)) == ["IHS-3", "IHS-5"]
    [left_out] = report.left_out
    assert (left_out.file, "'Creada'" in left_out.why) == (str(path), True)


def test_the_partial_mark_survives_recomputing_the_lifecycle_flags() -> None:
    # A facilitator's edit recomputes the flags from the times; the mark is about the record.
    incident = Incident(
        source="pagerduty",
        external_id="Q2U8NVNBMCM7JW",
        title="admin",
        consistency_flags=PARTIAL,
        detected_at=datetime(2023, 10, 7, 7, 28, tzinfo=UTC),
        resolved_at=datetime(2023, 10, 7, 7, 0, tzinfo=UTC),
    )
    incident.refresh_consistency_flags()
    assert incident.flags == ["resolved_before_detected", PARTIAL]
