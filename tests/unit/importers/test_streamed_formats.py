"""Every format whose one file can hold a huge array of incidents streams it as PagerDuty's
page does (importers/streamed): Opsgenie alerts, Statuspage incident lists, Jira search
pages, and the generic JSON and CSV formats read through a column mapping.

Each test makes its files "large" (read an element or a row at a time) and a slice two
records long, then checks that the import is the one a whole read makes, and that a bad
record in the last slice refuses the import in one located sentence, changing nothing.
Samples: /work/shared/data/opsgenie_alerts_page.json, statuspage_incident_github_2019.json
and statuspage_incident_github_2023.json (put into one list page),
jira_search_with_changelog.json.
"""

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.cli.main import main as irdesk_main
from irdesk.importers import streamed
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import ImportReport, run_import
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading import sources
from irdesk.importers.reading.column_mapping import ColumnMapping
from irdesk.storage.database import Database, open_database

OPSGENIE_PAGE = SHARED_DATA / "opsgenie_alerts_page.json"
STATUSPAGE_2019 = SHARED_DATA / "statuspage_incident_github_2019.json"
STATUSPAGE_2023 = SHARED_DATA / "statuspage_incident_github_2023.json"
JIRA_PAGE = SHARED_DATA / "jira_search_with_changelog.json"

MAPPING = ColumnMapping(
    source="ops-tracker",
    columns={"external_id": "id", "title": "title", "started_at": "opened", "status": "state"},
)
BY_MAPPING = ImportOptions(column_mapping=MAPPING)


def rows(db: Database, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db.path)) as conn, conn:
        return conn.execute(sql).fetchall()


INCIDENTS = "SELECT source, external_id, title, status, started_at FROM incident ORDER BY 1, 2"
EVENTS = (
    "SELECT i.external_id, e.kind, e.occurred_at, e.text FROM timeline_event e"
    " JOIN incident i ON i.id = e.incident_id ORDER BY 1, 2, 3, 4"
)


def whole_then_streamed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
    options: ImportOptions = ImportOptions(),  # noqa: B008 (frozen)
) -> tuple[ImportReport, Database, Database]:
    """`path` imported whole into one database and streamed (two records a slice) into
    another; the streamed import's report and both databases, checked to hold the same."""
    whole = open_database(tmp_path / "whole.db")
    whole_report = run_import(whole, [path], options)
    with monkeypatch.context() as small:
        small.setattr(sources, "STREAM_JSON_FROM_BYTES", 0)
        small.setattr(streamed, "STREAM_SLICE", 2)
        streamed_db = open_database(tmp_path / "streamed.db")
        report = run_import(streamed_db, [path], options)
    assert report.lines() == whole_report.lines()
    assert rows(streamed_db, INCIDENTS) == rows(whole, INCIDENTS)
    assert rows(streamed_db, EVENTS) == rows(whole, EVENTS)
    return report, whole, streamed_db


def refused_late(
    database: Database,
    good: Path,
    bad: Path,
    options: ImportOptions = ImportOptions(),  # noqa: B008
) -> ImportProblem:
    """`good` imported, then `bad` refused: the problem, the database as it was."""
    run_import(database, [good], options)
    before = dump(database)
    with pytest.raises(ImportProblem) as refused:
        run_import(database, [bad], options)
    assert dump(database) == before
    return refused.value


# --- Opsgenie ---------------------------------------------------------------------------------


def alert(n: int, message: str, created: str, status: str = "open") -> dict[str, Any]:
    return {
        "id": f"a{n:07d}-0000-4000-8000-000000000000",
        "tinyId": str(n),
        "message": message,
        "status": status,
        "createdAt": created,
        "priority": "P3",
    }


FIVE_ALERTS = [
    alert(1, "Disk full", "2026-03-01T10:00:00Z"),
    alert(2, "DNS outage", "2026-03-02T10:00:00Z"),
    alert(3, "Queue backlog", "2026-03-03T10:00:00Z", status="closed"),
    alert(4, "TLS expiry", "2026-03-04T10:00:00Z"),
    alert(5, "Login errors", "2026-03-05T10:00:00Z"),
]


def opsgenie_page(path: Path, alerts: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"data": alerts, "took": 0.01, "requestId": "r-1"}))
    return path


def test_the_real_opsgenie_page_imports_the_same_streamed_or_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, whole, streamed_db = whole_then_streamed(tmp_path, monkeypatch, OPSGENIE_PAGE)
    assert report.files[0].streamed == {"opsgenie": 1}
    assert rows(streamed_db, "SELECT external_id, title FROM incident") == [
        ("b7da6303-0da4-43e2-8e21-9e22faedc594-1637756080926", "1234")
    ]
    whole.close()
    streamed_db.close()


def test_an_opsgenie_page_longer_than_a_slice_is_written_slice_by_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = opsgenie_page(tmp_path / "alerts.json", FIVE_ALERTS)
    report, whole, streamed_db = whole_then_streamed(tmp_path, monkeypatch, page)
    assert report.files[0].streamed == {"opsgenie": 5}
    assert rows(streamed_db, "SELECT external_id, title, status FROM incident ORDER BY id") == [
        ("a0000001-0000-4000-8000-000000000000", "Disk full", "triggered"),
        ("a0000002-0000-4000-8000-000000000000", "DNS outage", "triggered"),
        ("a0000003-0000-4000-8000-000000000000", "Queue backlog", "resolved"),
        ("a0000004-0000-4000-8000-000000000000", "TLS expiry", "triggered"),
        ("a0000005-0000-4000-8000-000000000000", "Login errors", "triggered"),
    ]
    whole.close()
    streamed_db.close()


def test_a_bad_opsgenie_alert_in_the_last_slice_changes_nothing(
    tmp_path: Path, database: Database, slices: list[int]
) -> None:
    good = opsgenie_page(tmp_path / "old.json", FIVE_ALERTS[:2])
    bad = [*FIVE_ALERTS, alert(6, "Cache miss", "the sixth of March")]
    problem = refused_late(database, good, opsgenie_page(tmp_path / "new.json", bad))
    # One slice for the first import; two written by the second before its third met it.
    assert slices == [2, 2, 2]
    assert problem.location == "data[5]"
    assert "createdAt" in str(problem)


# --- Statuspage ---------------------------------------------------------------------------------


def statuspage_list(path: Path, incidents: list[dict[str, Any]]) -> Path:
    page = json.loads(STATUSPAGE_2019.read_text())["page"]
    path.write_text(json.dumps({"page": page, "incidents": incidents}))
    return path


def real_statuspage_incidents() -> list[dict[str, Any]]:
    return [json.loads(path.read_text())["incident"] for path in (STATUSPAGE_2019, STATUSPAGE_2023)]


def test_the_real_statuspage_incidents_import_the_same_streamed_or_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The two real incidents, and a copy of each under another id: four, over two slices.
    real = real_statuspage_incidents()
    copies = [{**incident, "id": incident["id"] + "x"} for incident in real]
    page = statuspage_list(tmp_path / "incidents.json", [*real, *copies])
    report, whole, streamed_db = whole_then_streamed(tmp_path, monkeypatch, page)
    assert report.files[0].streamed == {"statuspage": 4}
    assert rows(streamed_db, "SELECT count(*) FROM incident") == [(4,)]
    assert rows(streamed_db, "SELECT count(*) FROM timeline_event")[0][0] > 4
    whole.close()
    streamed_db.close()


def test_a_bad_statuspage_incident_in_the_last_slice_changes_nothing(
    tmp_path: Path, database: Database, slices: list[int]
) -> None:
    real = real_statuspage_incidents()
    copies = [{**incident, "id": incident["id"] + "x"} for incident in real]
    broken = {**real[0], "id": "broken1", "status": "lost"}
    good = statuspage_list(tmp_path / "old.json", real)
    bad = statuspage_list(tmp_path / "new.json", [*real, *copies, broken])
    problem = refused_late(database, good, bad)
    assert problem.location == "incidents[4].status"
    assert "lost" in str(problem)


def test_a_large_statuspage_list_holding_a_non_object_is_refused_before_any_is_read(
    tmp_path: Path, database: Database, slices: list[int]
) -> None:
    bad = statuspage_list(tmp_path / "new.json", [*real_statuspage_incidents(), "oops"])
    with pytest.raises(ImportProblem) as refused:
        run_import(database, [bad])
    assert refused.value.location == "incidents[2]"
    assert slices == []
    assert rows(database, "SELECT count(*) FROM incident") == [(0,)]


# --- Jira -------------------------------------------------------------------------------------


def test_the_real_jira_page_imports_the_same_streamed_or_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, whole, streamed_db = whole_then_streamed(tmp_path, monkeypatch, JIRA_PAGE)
    assert report.files[0].streamed == {"jira": 25}
    assert rows(streamed_db, "SELECT count(*) FROM incident WHERE source = 'jira'") == [(25,)]
    whole.close()
    streamed_db.close()


def jira_issue(n: int, summary: str, created: str) -> dict[str, Any]:
    return {
        "id": str(10000 + n),
        "key": f"OPS-{n}",
        "fields": {
            "summary": summary,
            "created": created,
            "status": {"id": "1", "name": "Open", "statusCategory": {"key": "new"}},
        },
        "changelog": {"histories": []},
    }


FIVE_ISSUES = [
    jira_issue(1, "Disk full", "2026-03-01T10:00:00.000+0000"),
    jira_issue(2, "DNS outage", "2026-03-02T10:00:00.000+0000"),
    jira_issue(3, "Queue backlog", "2026-03-03T10:00:00.000+0000"),
    jira_issue(4, "TLS expiry", "2026-03-04T10:00:00.000+0000"),
    jira_issue(5, "Login errors", "2026-03-05T10:00:00.000+0000"),
]


def jira_page(path: Path, issues: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"startAt": 0, "total": len(issues), "issues": issues}))
    return path


def test_a_jira_page_longer_than_a_slice_is_written_slice_by_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = jira_page(tmp_path / "issues.json", FIVE_ISSUES)
    report, whole, streamed_db = whole_then_streamed(tmp_path, monkeypatch, page)
    assert report.files[0].streamed == {"jira": 5}
    assert rows(streamed_db, "SELECT external_id, title FROM incident ORDER BY id") == [
        ("OPS-1", "Disk full"),
        ("OPS-2", "DNS outage"),
        ("OPS-3", "Queue backlog"),
        ("OPS-4", "TLS expiry"),
        ("OPS-5", "Login errors"),
    ]
    whole.close()
    streamed_db.close()


def test_a_bad_jira_issue_in_the_last_slice_changes_nothing(
    tmp_path: Path, database: Database, slices: list[int]
) -> None:
    good = jira_page(tmp_path / "old.json", FIVE_ISSUES[:2])
    bad = jira_page(
        tmp_path / "new.json", [*FIVE_ISSUES, jira_issue(6, "Cache miss", "the sixth of March")]
    )
    problem = refused_late(database, good, bad)
    assert slices == [2, 2, 2]
    assert problem.location.startswith("issues[5]")
    assert "created" in str(problem)


# --- generic JSON and CSV --------------------------------------------------------------------

FIVE_ROWS = [
    ("T-1", "Disk full", "2026-03-01T10:00:00Z", "open"),
    ("T-2", "DNS outage", "2026-03-02T10:00:00Z", "resolved"),
    ("T-3", "Queue backlog", "2026-03-03T10:00:00Z", "open"),
    ("T-4", "TLS expiry", "2026-03-04T10:00:00Z", "open"),
    ("T-5", "Login errors", "2026-03-05T10:00:00Z", "on fire"),  # a status irdesk lacks
]
EXPECTED_ROWS = [
    ("T-1", "Disk full", "triggered"),
    ("T-2", "DNS outage", "resolved"),
    ("T-3", "Queue backlog", "triggered"),
    ("T-4", "TLS expiry", "triggered"),
    ("T-5", "Login errors", "triggered"),
]


def csv_file(path: Path, table: list[tuple[str, str, str, str]]) -> Path:
    lines = ["id,title,opened,state", *(",".join(row) for row in table)]
    # A blank line between rows, as spreadsheets leave them: not a row.
    path.write_text("\n".join(lines[:3]) + "\n\n" + "\n".join(lines[3:]) + "\n")
    return path


def json_file(path: Path, table: list[tuple[str, str, str, str]]) -> Path:
    keys = ("id", "title", "opened", "state")
    path.write_text(json.dumps([dict(zip(keys, row, strict=True)) for row in table]))
    return path


@pytest.mark.parametrize("write", [csv_file, json_file], ids=["csv", "json"])
def test_a_mapped_table_longer_than_a_slice_is_written_slice_by_slice(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    write: Callable[[Path, list[tuple[str, str, str, str]]], Path],
) -> None:
    table = write(tmp_path / "tickets", FIVE_ROWS)
    report, whole, streamed_db = whole_then_streamed(tmp_path, monkeypatch, table, BY_MAPPING)
    assert report.files[0].streamed == {"ops-tracker": 5}
    assert rows(streamed_db, "SELECT external_id, title, status FROM incident ORDER BY id") == (
        EXPECTED_ROWS
    )
    # The unknown status is still warned about, though the rows were read after the parse.
    assert any("'on fire' (1 row(s))" in warning for warning in report.warnings)
    whole.close()
    streamed_db.close()


@pytest.mark.parametrize(
    ("write", "where"), [(csv_file, "line 8"), (json_file, "[5]")], ids=["csv", "json"]
)
def test_a_bad_row_of_a_mapped_table_in_the_last_slice_changes_nothing(
    tmp_path: Path,
    database: Database,
    slices: list[int],
    write: Callable[[Path, list[tuple[str, str, str, str]]], Path],
    where: str,
) -> None:
    good = write(tmp_path / "old", FIVE_ROWS[:2])
    bad = write(tmp_path / "new", [*FIVE_ROWS, ("T-6", "Cache miss", "the sixth", "open")])
    problem = refused_late(database, good, bad, BY_MAPPING)
    assert slices == [2, 2, 2]
    assert problem.location == where
    assert "opened" in str(problem)


@pytest.mark.parametrize(
    ("write", "where", "first"),
    [(csv_file, "line 8", "line 2"), (json_file, "[5]", "[0]")],
    ids=["csv", "json"],
)
def test_a_row_listed_twice_in_a_large_table_is_refused_where_it_is_repeated(
    tmp_path: Path,
    database: Database,
    slices: list[int],
    write: Callable[[Path, list[tuple[str, str, str, str]]], Path],
    where: str,
    first: str,
) -> None:
    bad = write(
        tmp_path / "new", [*FIVE_ROWS, ("T-1", "Disk full again", "2026-03-06T10:00:00Z", "open")]
    )
    with pytest.raises(ImportProblem) as refused:
        run_import(database, [bad], BY_MAPPING)
    # Streamed first, until the third slice met T-1 again; then read again whole, which
    # says where the id was first met.
    assert slices == [2, 2, 2]
    assert refused.value.location == where
    assert f"it is already at {first}" in str(refused.value)
    assert rows(database, "SELECT count(*) FROM incident") == [(0,)]


def test_the_command_refuses_a_bad_csv_row_late_in_a_stream_in_one_sentence(
    tmp_path: Path, slices: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "tickets.db"
    columns = [
        "--column",
        "external_id=id",
        "--column",
        "title=title",
        "--column",
        "started_at=opened",
        "--column",
        "status=state",
        "--source-name",
        "ops-tracker",
    ]
    good = csv_file(tmp_path / "old.csv", FIVE_ROWS[:2])
    assert irdesk_main(["import", str(good), "--db", str(target), *columns]) == 0
    capsys.readouterr()
    bad = csv_file(tmp_path / "new.csv", [*FIVE_ROWS, ("T-6", "Cache miss", "the sixth", "open")])
    code = irdesk_main(["import", str(bad), "--db", str(target), *columns])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "Traceback" not in out + err
    [sentence] = [line for line in err.splitlines() if "line 8" in line]
    assert "opened" in sentence
    assert slices == [2, 2, 2]  # the second import wrote two slices, then met the bad row
    with closing(sqlite3.connect(target)) as conn, conn:
        assert conn.execute("SELECT external_id FROM incident ORDER BY id").fetchall() == [
            ("T-1",),
            ("T-2",),
        ]
