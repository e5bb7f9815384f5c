"""A big import's bounded path: incidents written a slice at a time, provenance in chunks,
large files read as a stream (sniffers included), with the same result as the whole path.

Samples: every export in /work/shared/data (SAMPLE_FILES: pagerduty_incidents_page.json,
pagerduty_incident_and_log_entry.jsonl, opsgenie_alerts_page.json, opsgenie_alert_logs.json,
jira_search_with_changelog.json, jira_service_management_export_es.csv,
statuspage_incident_github_2019.json, statuspage_incident_github_2023.json) and the JSON
directory exports of /work/shared/org-data (pagerduty_users.json, opsgenie_teams.json, …);
plus a hand-built page of three PagerDuty incidents whose titles are written out below.
"""

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from testdata import ORG_DATA, SAMPLE_FILES, SHARED_DATA
from testdata import database_dump as dump

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.parsing import parse_files
from irdesk.importers.pipeline import run_import
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading import sources
from irdesk.importers.writing import incidents as incidents_writing
from irdesk.storage.bulk import import_writer
from irdesk.storage.database import Database, open_database

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
# Opsgenie's alert logs do not name their alert; this sample's file name does not either,
# so it is refused on its own (test_opsgenie covers it under an alert id's name).
IMPORTABLE = [path for path in SAMPLE_FILES if path.name != "opsgenie_alert_logs.json"]
JSON_FILES = [path for path in SAMPLE_FILES if path.suffix == ".json"]
ORG_JSON_FILES = sorted(ORG_DATA.glob("*.json"))


def small_slices(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """Incidents written, and their provenance linked, `size` at a time."""
    monkeypatch.setattr(incidents_writing, "INSERT_BATCH", size)
    monkeypatch.setattr(import_writer, "PROVENANCE_ROWS", size)


def every_file_streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every JSON file read as a large one is: its arrays an element at a time."""
    monkeypatch.setattr(sources, "STREAM_JSON_FROM_BYTES", 0)


def page(path: Path, titles: list[str]) -> Path:
    """A PagerDuty GET /incidents page of one incident per title, ids P1, P2, …"""
    incidents = [
        {
            "id": f"P{n}",
            "title": title,
            "status": "triggered",
            "created_at": f"2026-03-0{n}T10:00:00Z",
        }
        for n, title in enumerate(titles, start=1)
    ]
    path.write_text(json.dumps({"incidents": incidents, "limit": 100, "more": False}))
    return path


def stored(db: Database) -> tuple[list[tuple[object, ...]], ...]:
    """What an import writes, without its ids and clock times: incidents, the files each
    came from, and timeline events."""
    with closing(sqlite3.connect(db.path)) as conn, conn:
        incidents = conn.execute(
            "SELECT source, external_id, title, status, severity, started_at, detected_at,"
            " acknowledged_at, resolved_at, consistency_flags FROM incident ORDER BY 1, 2"
        ).fetchall()
        files = conn.execute(
            "SELECT i.external_id, f.name FROM incident_source_file l"
            " JOIN incident i ON i.id = l.incident_id JOIN source_file f ON f.id = l.source_file_id"
            " ORDER BY 1, 2"
        ).fetchall()
        events = conn.execute(
            "SELECT i.external_id, e.source, e.external_id, e.occurred_at, e.kind, e.text"
            " FROM timeline_event e JOIN incident i ON i.id = e.incident_id ORDER BY 1, 2, 3, 4, 6"
        ).fetchall()
    return incidents, files, events


def test_one_more_incident_than_a_slice_imports_all_with_their_provenance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: Database
) -> None:
    small_slices(monkeypatch, 2)
    export = page(tmp_path / "incidents.json", ["Disk full", "DNS outage", "Queue backlog"])
    report = run_import(database, [export])
    assert (report.count("new"), report.count("unchanged")) == (3, 0)
    incidents, files, _events = stored(database)
    assert [(row[1], row[2]) for row in incidents] == [
        ("P1", "Disk full"),
        ("P2", "DNS outage"),
        ("P3", "Queue backlog"),
    ]
    assert files == [("P1", str(export)), ("P2", str(export)), ("P3", str(export))]


def test_a_re_import_in_slices_changes_nothing_and_finds_every_incident_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: Database
) -> None:
    small_slices(monkeypatch, 2)
    export = page(tmp_path / "incidents.json", ["Disk full", "DNS outage", "Queue backlog"])
    run_import(database, [export])
    before = dump(database)
    again = run_import(database, [export])
    assert (again.count("new"), again.count("unchanged")) == (0, 3)
    assert dump(database) == before


def test_a_newer_export_in_slices_updates_the_changed_incident_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: Database
) -> None:
    small_slices(monkeypatch, 2)
    run_import(database, [page(tmp_path / "old.json", ["Disk full", "DNS outage", "Queue"])])
    newer = page(tmp_path / "new.json", ["Disk full", "DNS outage", "Queue backlog", "TLS"])
    report = run_import(database, [newer])
    assert (report.count("new"), report.count("updated"), report.count("unchanged")) == (1, 1, 2)
    incidents, files, _events = stored(database)
    assert [row[2] for row in incidents] == ["Disk full", "DNS outage", "Queue backlog", "TLS"]
    # The incidents of both exports name both files; the new one only the newer export.
    assert [name for key, name in files if key == "P3"] == sorted(
        [str(tmp_path / "new.json"), str(tmp_path / "old.json")]
    )
    assert [name for key, name in files if key == "P4"] == [str(newer)]


def test_the_real_samples_import_alike_in_slices_of_one_and_read_as_streams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Jira CSV writes local times: the zone it was exported in, as a user gives it.
    options = ImportOptions(zone=ZoneInfo("Europe/Madrid"))
    whole = open_database(tmp_path / "whole.db")
    run_import(whole, IMPORTABLE, options)
    small_slices(monkeypatch, 1)
    every_file_streamed(monkeypatch)
    sliced = open_database(tmp_path / "sliced.db")
    run_import(sliced, IMPORTABLE, options)
    rows = stored(sliced)
    assert rows == stored(whole)
    incidents, files, events = rows
    assert len([row for row in incidents if row[0] == "pagerduty"]) >= 26
    assert {name for _key, name in files} == {str(path) for path in IMPORTABLE}
    assert events
    # And again, sliced and streamed: the same files change nothing.
    before = dump(sliced)
    again = run_import(sliced, IMPORTABLE, options)
    assert again.count("new") == 0
    assert dump(sliced) == before
    whole.close()
    sliced.close()


def test_a_large_pagerduty_page_is_never_parsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # The directory formats are asked first; their look must not be a whole parse, which
    # the incident format's streamed reading would then be handed.
    whole_parses: list[str] = []
    load_json = sources.load_json

    def counted(file: sources.SourceFile) -> object:
        whole_parses.append(file.name)
        return load_json(file)

    monkeypatch.setattr(sources, "load_json", counted)
    every_file_streamed(monkeypatch)
    [parsed] = parse_files([PD_PAGE], ImportOptions())
    assert parsed.format == "pagerduty"
    assert len(parsed.incidents) == 26
    assert whole_parses == []


@pytest.mark.parametrize("path", [*JSON_FILES, *ORG_JSON_FILES], ids=lambda path: path.name)
def test_a_file_read_as_a_stream_is_recognised_as_the_same_format(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = recognised(path)
    every_file_streamed(monkeypatch)
    assert recognised(path) == whole


def recognised(path: Path) -> str:
    """The format a file is parsed as, or the located problem it is refused with."""
    try:
        [parsed] = parse_files([path], ImportOptions())
    except ImportProblem as problem:
        return str(problem)
    return parsed.format
