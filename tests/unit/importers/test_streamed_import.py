"""A large file's incidents written as they are parsed, a slice at a time (importers/streamed).

Every test here makes every JSON file "large" (read as a stream) and a slice two records
long, so that small hand-built PagerDuty pages, written out below, take the streamed path
over several slices. Samples: /work/shared/data/pagerduty_incidents_page.json (26
incidents), which must import the same streamed or whole.
"""

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.cli.main import main as irdesk_main
from irdesk.importers import streamed
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading import sources
from irdesk.storage.database import Database, open_database

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"


def incident(n: int, title: str, created: str, summary: str = "Disk alarm") -> dict[str, Any]:
    """A PagerDuty incident P<n> whose first trigger (log entry R<n>) is its one event."""
    return {
        "id": f"P{n}",
        "title": title,
        "status": "triggered",
        "created_at": created,
        "first_trigger_log_entry": {"id": f"R{n}", "summary": summary},
    }


def write_page(path: Path, incidents: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"incidents": incidents, "limit": 100, "more": False}))
    return path


FIVE = [
    incident(1, "Disk full", "2026-03-01T10:00:00Z"),
    incident(2, "DNS outage", "2026-03-02T10:00:00Z"),
    incident(3, "Queue backlog", "2026-03-03T10:00:00Z"),
    incident(4, "TLS expiry", "2026-03-04T10:00:00Z"),
    incident(5, "Login errors", "2026-03-05T10:00:00Z"),
]


def rows(db: Database, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db.path)) as conn, conn:
        return conn.execute(sql).fetchall()


def test_a_page_longer_than_a_slice_is_written_whole_slice_by_slice(
    tmp_path: Path, database: Database, slices: list[int]
) -> None:
    export = write_page(tmp_path / "incidents.json", FIVE)
    report = run_import(database, [export])
    assert slices == [2, 2, 1]  # streamed: three slices, not one merge
    assert report.files[0].streamed == {"pagerduty": 5}
    assert (report.count("new"), report.count("updated"), report.new_events) == (5, 0, 5)
    assert "Incidents: 5 new, 0 updated, 0 unchanged" in report.lines()
    assert not report.warnings  # not "holds no incidents": they were written as read
    assert rows(database, "SELECT external_id, title, started_at FROM incident ORDER BY id") == [
        ("P1", "Disk full", "2026-03-01 10:00:00.000000"),
        ("P2", "DNS outage", "2026-03-02 10:00:00.000000"),
        ("P3", "Queue backlog", "2026-03-03 10:00:00.000000"),
        ("P4", "TLS expiry", "2026-03-04 10:00:00.000000"),
        ("P5", "Login errors", "2026-03-05 10:00:00.000000"),
    ]
    assert rows(
        database,
        "SELECT i.external_id, e.external_id, e.kind, e.text FROM timeline_event e"
        " JOIN incident i ON i.id = e.incident_id ORDER BY e.id",
    ) == [(f"P{n}", f"R{n}", "alert", "Disk alarm") for n in range(1, 6)]
    # Every incident knows the file it came from, and the list's search finds each.
    assert rows(database, "SELECT count(*) FROM incident_source_file") == [(5,)]
    assert rows(
        database,
        "SELECT i.external_id FROM incident_search s JOIN incident i ON i.id = s.rowid"
        " WHERE incident_search MATCH 'backlog'",
    ) == [("P3",)]
    assert rows(database, "SELECT count(*) FROM incident_search") == [(5,)]


def test_a_re_import_of_a_changed_export_updates_the_moved_and_reworded_events(
    tmp_path: Path, database: Database, slices: list[int]
) -> None:
    run_import(database, [write_page(tmp_path / "old.json", FIVE)])
    newer = [*FIVE]
    # P2 was created an hour later than the old export said; P5's alert was reworded.
    newer[1] = incident(2, "DNS outage", "2026-03-02T11:00:00Z")
    newer[4] = incident(5, "Login errors", "2026-03-05T10:00:00Z", summary="Login 5xx alarm")
    slices.clear()
    report = run_import(database, [write_page(tmp_path / "new.json", newer)])
    assert slices == [2, 2, 1]
    assert (report.count("new"), report.count("updated"), report.count("unchanged")) == (0, 2, 3)
    assert (report.new_events, report.result.updated_events) == (0, 2)
    assert report.result.unchanged_events == 3
    assert rows(
        database,
        "SELECT i.external_id, e.occurred_at, e.text FROM timeline_event e"
        " JOIN incident i ON i.id = e.incident_id WHERE i.external_id IN ('P2', 'P5')"
        " ORDER BY 1",
    ) == [
        ("P2", "2026-03-02 11:00:00.000000", "Disk alarm"),
        ("P5", "2026-03-05 10:00:00.000000", "Login 5xx alarm"),
    ]
    assert rows(database, "SELECT started_at FROM incident WHERE external_id = 'P2'") == [
        ("2026-03-02 11:00:00.000000",)
    ]


def test_a_bad_record_near_the_end_changes_nothing(
    tmp_path: Path, database: Database, slices: list[int]
) -> None:
    run_import(database, [write_page(tmp_path / "old.json", FIVE[:2])])
    before = dump(database)
    bad = [*FIVE, incident(6, "Cache miss", "the sixth of March")]
    with pytest.raises(ImportProblem) as refused:
        run_import(database, [write_page(tmp_path / "new.json", bad)])
    assert slices == [2, 2, 2]  # refused in the last slice, after two were written
    assert "incidents[5]" in str(refused.value)
    assert "created_at" in str(refused.value)
    assert dump(database) == before


def test_skip_bad_records_leaves_the_bad_one_out_and_writes_the_rest(
    tmp_path: Path, database: Database, slices: list[int]
) -> None:
    bad = [*FIVE[:3], incident(6, "Cache miss", "the sixth of March"), *FIVE[3:]]
    export = write_page(tmp_path / "incidents.json", bad)
    report = run_import(database, [export], ImportOptions(skip_bad_records=True))
    assert report.count("new") == 5
    assert [(item.location, "created_at" in item.why) for item in report.left_out] == [
        ("incidents[3]", True)
    ]
    assert rows(database, "SELECT count(*) FROM incident") == [(5,)]


def test_an_incident_listed_twice_is_merged_as_a_whole_import_merges_it(
    tmp_path: Path, slices: list[int]
) -> None:
    # P1 again in the last slice, retitled: the later entry wins, as for any import.
    twice = [*FIVE, incident(1, "Disk full on db-1", "2026-03-01T10:00:00Z")]
    export = write_page(tmp_path / "incidents.json", twice)
    database = open_database(tmp_path / "streamed.db")
    report = run_import(database, [export])
    assert report.count("new") == 5
    assert report.files[0].streamed == {}  # written again the whole way
    assert rows(database, "SELECT title FROM incident WHERE external_id = 'P1'") == [
        ("Disk full on db-1",)
    ]
    assert rows(database, "SELECT count(*) FROM timeline_event") == [(5,)]
    # The same in a database that held incidents already (the duplicate found by lookup).
    again = write_page(tmp_path / "again.json", [*twice, incident(7, "Late", "2026-03-07T10:00Z")])
    report = run_import(database, [again])
    assert (report.count("new"), report.count("updated")) == (1, 0)
    database.close()


def test_a_huge_import_keeps_a_sample_of_outcomes_and_counts_the_rest(
    tmp_path: Path, database: Database, slices: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streamed, "OUTCOMES_KEPT", 2)
    report = run_import(database, [write_page(tmp_path / "incidents.json", FIVE)])
    assert [o.external_id for o in report.result.incidents] == ["P1", "P2"]
    assert (report.count("new"), report.count("unchanged")) == (5, 0)
    assert report.changed_anything
    again = run_import(database, [write_page(tmp_path / "incidents.json", FIVE)])
    assert (again.count("new"), again.count("unchanged")) == (0, 5)
    assert not again.changed_anything


def test_the_real_page_imports_the_same_streamed_or_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = open_database(tmp_path / "whole.db")
    whole_report = run_import(whole, [PD_PAGE])
    monkeypatch.setattr(sources, "STREAM_JSON_FROM_BYTES", 0)
    monkeypatch.setattr(streamed, "STREAM_SLICE", 3)
    streamed_db = open_database(tmp_path / "streamed.db")
    streamed_report = run_import(streamed_db, [PD_PAGE])
    assert streamed_report.files[0].streamed == {"pagerduty": 26}
    assert streamed_report.lines() == whole_report.lines()
    for table in ("incident", "timeline_event", "person", "service", "incident_alias"):
        columns = "*" if table != "incident" else "source, external_id, title, status, started_at"
        query = f"SELECT {columns} FROM {table} ORDER BY 1, 2"
        if table in ("incident", "timeline_event"):
            assert rows(streamed_db, query) == rows(whole, query), table
    # And again: the same file streamed changes nothing.
    before = dump(streamed_db)
    again = run_import(streamed_db, [PD_PAGE])
    assert again.count("new") == 0 and not again.changed_anything
    assert dump(streamed_db) == before
    whole.close()
    streamed_db.close()


def test_the_command_refuses_a_bad_record_late_in_a_stream_in_one_sentence(
    tmp_path: Path, slices: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "incidents.db"
    assert (
        irdesk_main(["import", str(write_page(tmp_path / "old.json", FIVE)), "--db", str(target)])
        == 0
    )
    capsys.readouterr()
    with closing(sqlite3.connect(target)) as conn, conn:
        before = conn.execute("SELECT external_id, title FROM incident ORDER BY id").fetchall()
    # P3 retitled in the second slice, written before the last slice meets a bad status.
    bad = [*FIVE[:2], incident(3, "Queue backlog, retitled", "2026-03-03T10:00:00Z"), *FIVE[3:]]
    bad.append(
        {"id": "P6", "title": "Cache miss", "created_at": "2026-03-06T10:00:00Z", "status": "lost"}
    )
    code = irdesk_main(["import", str(write_page(tmp_path / "new.json", bad)), "--db", str(target)])
    out, err = capsys.readouterr()
    assert code == 1
    assert slices == [2, 2, 1, 2, 2]  # the third slice of the second import failed
    assert "Traceback" not in out + err
    [sentence] = [line for line in err.splitlines() if "incidents[5]" in line]
    assert "status" in sentence and "lost" in sentence
    with closing(sqlite3.connect(target)) as conn, conn:
        after = conn.execute("SELECT external_id, title FROM incident ORDER BY id").fetchall()
    assert after == before  # P3's new title rolled back with the rest
    assert ("P3", "Queue backlog") in after
