"""A first import of a big page writes its plain incidents as rows straight from the
decoded JSON (plain_incidents.plain_row, streamed._write_rows), and the rest the record
way: the database must end up as an import that reads the file whole leaves it.

Every JSON file here is read as a stream, two incidents a slice, so that the hand-built
pages below mix slices of plain rows with slices that need records. Samples:
/work/shared/data/pagerduty_incidents_page.json (26 incidents, every one numbered and
with a service, so none is a plain row) must import the same streamed or whole.
"""

import json
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.cli.main import main as irdesk_main
from irdesk.importers import recovery
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.formats.pagerduty import plain_incidents
from irdesk.importers.formats.pagerduty.log_entries import Unusual
from irdesk.importers.formats.pagerduty.reader import Reader
from irdesk.importers.pipeline import run_import
from irdesk.importers.reading import sources
from irdesk.importers.records import PlainRows
from irdesk.importers.writing.incidents import _new_incident
from irdesk.storage.bulk.import_writer import PLAIN_FIELDS
from irdesk.storage.database import Database, open_database

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"

# What the comparison reads: every row an import writes, less the times it was written
# and the services' ids (a streamed import adds them as it meets them, slice by slice).
TABLES = {
    "incident": "source, external_id, title, summary, url,"
    " (SELECT name FROM service WHERE service.id = service_id), severity, severity_raw,"
    " customer_severity, status, started_at, detected_at, acknowledged_at, mitigated_at,"
    " resolved_at, verified_at, users_affected, downtime_cost, external_cause,"
    " approved_tech_debt, regulatory_exposure, consistency_flags",
    "incident_alias": "*",
    "incident_reference": "*",
    "timeline_event": "incident_id, occurred_at, kind, source, external_id, text",
    "incident_source_file": "*",
    "source_file": "id, name, size, sha256, format",
    "service": "name, tier, slo_target",
    "person": "*",
    "incident_role": "id, incident_id, person_id, role, source, how, set_by, revision",
    "incident_search": "rowid, words",
}


def plain(n: int, **more: Any) -> dict[str, Any]:
    """P<n>, created on the n-th of March: a shape plain_row writes as a row."""
    return {
        "id": f"P{n}",
        "title": f"Disk {n}",
        "created_at": f"2026-03-{n:02d}T10:00:00Z",
        "status": "triggered",
        **more,
    }


# Each needs the record path, for the reason its comment gives.
UNUSUAL = [
    plain(3, incident_number=3),  # its number is an alias
    plain(4, service={"id": "PS1", "summary": "checkout"}),  # a service row
    plain(5, first_trigger_log_entry={"id": "R5", "summary": "CPU"}),  # an alert event
    plain(6, resolved_at="2026-03-06T11:00:00Z", status="resolved"),  # a resolve event
    plain(7, status="resolved", last_status_change_at="2026-03-07T12:00:00Z"),  # the same
    plain(
        8,
        acknowledgements=[
            {"at": "2026-03-08T10:05:00Z", "acknowledger": {"id": "U1", "summary": "Ann Lee"}}
        ],
    ),
    plain(9, created_at="2026-03-09T10:00:00+02:00"),  # not plain …Z UTC
    plain(10, created_on="2026-03-10T10:00:00Z"),  # v1's name
    plain(11, incident_number="11"),  # a number as text
    plain(12, assignments=[{"at": "2026-03-12T10:01:00Z", "assignee": {"id": "U2"}}]),
    {"id": " ", "incident_number": 13, "title": "Blank id", "created_at": "2026-03-13T10:00:00Z"},
]
# The shapes plain_row writes itself: every optional field it reads.
PLAIN = [
    plain(1),
    plain(2, status="resolved"),  # resolved, but no time: no event
    plain(14, title=" Disk 14 ", description="Disk 14"),  # the description is the title
    plain(15, title="", description="Full disk on db-15"),  # the description stands in
    plain(16, title=None, summary="From the summary"),
    plain(17, description="Long text", html_url="https://acme.pagerduty.com/incidents/P17"),
    plain(18, html_url="P18"),  # a URL that is its id
    plain(19, priority={"id": "PP1", "summary": "P1"}),
    plain(20, priority={"id": "PP2", "name": "High"}),  # a priority no map knows
    plain(21, status=" Acknowledged ", acknowledgements=[], assignments=None),
    plain(22, last_status_change_at="2026-03-22T11:00:00Z"),  # not resolved: no event
    plain(23, status=None),
    plain(24, created_at="2026-03-24T10:00:00.250Z"),  # fractions: no stored_time
]


def write_page(path: Path, incidents: list[Any]) -> Path:
    path.write_text(json.dumps({"incidents": incidents, "limit": 100, "more": False}))
    return path


def table_rows(db: Database | Path, table: str) -> list[tuple[Any, ...]]:
    path = db if isinstance(db, Path) else db.path
    with closing(sqlite3.connect(path)) as conn, conn:
        return conn.execute(
            f"SELECT {TABLES.get(table, '*')} FROM {table} ORDER BY 1, 2"
        ).fetchall()


@pytest.fixture
def row_slices(monkeypatch: pytest.MonkeyPatch, slices: list[int]) -> list[int]:
    """Every file streamed two incidents a slice (conftest's `slices`, the sizes of the
    slices written the record way); the sizes of the slices written as rows."""
    sizes: list[int] = []
    plain_slices = recovery._plain_slices

    def counted(*args: Any) -> Any:
        for chunk in plain_slices(*args):
            if isinstance(chunk, PlainRows):
                sizes.append(len(chunk))
            yield chunk

    monkeypatch.setattr(recovery, "_plain_slices", counted)
    return sizes


def whole_import(tmp_path: Path, export: Path, options: ImportOptions | None = None) -> Path:
    """`export` imported the whole-file way (small files are read whole) into a new file."""
    path = tmp_path / "whole.db"
    db = open_database(path)
    try:
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(sources, "STREAM_JSON_FROM_BYTES", 10**12)
            run_import(db, [export], options)
    finally:
        db.close()
    return path


def test_plain_rows_are_the_rows_the_record_path_inserts() -> None:
    reader = Reader("page.json", ImportOptions(severity_maps={}))
    for item in PLAIN:
        record = plain_incidents.plain_incident(reader, item, "incidents[0]")
        # The rest of the row: detected when started, no later time, service or flag.
        row = _new_incident(record, None)
        assert row[9:] == (row.started_at, None, None, None, None, None, ""), item
        assert plain_incidents.plain_row(reader, item) == row[: len(PLAIN_FIELDS)], item
    no_title = plain(12, title=None, description=None, summary=None)  # the record path refuses it
    for item in [*UNUSUAL, no_title]:
        with pytest.raises(Unusual):
            plain_incidents.plain_row(reader, item)
    # A clock offset moves every time: the record path subtracts it.
    offset = Reader("page.json", ImportOptions(clock_offsets={"pagerduty": timedelta(minutes=3)}))
    with pytest.raises(Unusual):
        plain_incidents.plain_row(offset, plain(1))


def test_a_first_import_writes_plain_slices_as_rows_and_the_rest_as_records(
    tmp_path: Path, database: Database, row_slices: list[int], slices: list[int]
) -> None:
    # Plain pairs between unusual ones: slices of rows and slices of records, in turn.
    mixed = [*PLAIN[:4], UNUSUAL[0], PLAIN[4], *UNUSUAL[1:], *PLAIN[5:]]
    export = write_page(tmp_path / "incidents.json", mixed)
    report = run_import(database, [export])
    assert row_slices == [2, 2, 2, 2, 2, 2]  # PLAIN, less the one beside an unusual one
    assert slices == [2, 2, 2, 2, 2, 2]  # the unusual ones and the plain one beside them
    assert report.count("new") == 24
    assert report.files[0].streamed == {"pagerduty": 24}
    whole = whole_import(tmp_path, export)
    for table in TABLES:
        assert table_rows(database, table) == table_rows(whole, table), table
    again = open_database(tmp_path / "again.db")
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(sources, "STREAM_JSON_FROM_BYTES", 10**12)
        assert report.lines() == run_import(again, [export]).lines()
    again.close()
    # Hand-checked: the search finds a row written straight, and the trigger is back.
    with closing(sqlite3.connect(database.path)) as conn:
        assert conn.execute(
            "SELECT i.external_id FROM incident_search s JOIN incident i ON i.id = s.rowid"
            " WHERE incident_search MATCH 'summary'"
        ).fetchall() == [("P16",)]
        assert conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'incident_search_insert'"
        ).fetchall() == [(1,)]
        assert conn.execute(
            "SELECT external_id, severity, severity_raw, started_at FROM incident"
            " WHERE external_id IN ('P19', 'P20', 'P24') ORDER BY id"
        ).fetchall() == [
            ("P19", "SEV1", "P1", "2026-03-19 10:00:00.000000"),
            ("P20", None, "High", "2026-03-20 10:00:00.000000"),
            ("P24", None, None, "2026-03-24 10:00:00.250000"),
        ]


def test_a_second_import_of_the_same_page_changes_nothing(
    tmp_path: Path, database: Database, row_slices: list[int]
) -> None:
    export = write_page(tmp_path / "incidents.json", PLAIN)
    run_import(database, [export])
    assert sum(row_slices) == len(PLAIN)
    before = dump(database)
    row_slices.clear()
    again = run_import(database, [export])
    assert row_slices == []  # something is stored: the record way, which compares
    assert (again.count("new"), again.count("unchanged")) == (0, len(PLAIN))
    assert dump(database) == before


def test_the_real_page_imports_the_same_with_rows_on(
    tmp_path: Path, database: Database, row_slices: list[int]
) -> None:
    # pagerduty_incidents_page.json: each incident is numbered and has a service.
    report = run_import(database, [PD_PAGE])
    assert row_slices == []
    assert report.files[0].streamed == {"pagerduty": 26}
    whole = whole_import(tmp_path, PD_PAGE)
    for table in TABLES:
        assert table_rows(database, table) == table_rows(whole, table), table


def test_an_incident_listed_twice_in_plain_slices_is_merged_the_whole_way(
    tmp_path: Path, database: Database, row_slices: list[int]
) -> None:
    # P1 again in the third slice, retitled: the later entry wins, as for any import.
    twice = [*PLAIN[:5], plain(1, title="Disk 1 on db-1")]
    export = write_page(tmp_path / "incidents.json", twice)
    report = run_import(database, [export])
    assert report.count("new") == 5
    assert report.files[0].streamed == {}  # rolled back, written again the whole way
    assert table_rows(database, "incident")[0][:3] == ("pagerduty", "P1", "Disk 1 on db-1")
    whole = whole_import(tmp_path, export)
    for table in TABLES:
        if table != "source_file":
            assert table_rows(database, table) == table_rows(whole, table), table


def test_a_bad_incident_late_in_a_plain_page_changes_nothing(
    tmp_path: Path, row_slices: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "incidents.db"
    open_database(target).close()
    before = dump(target)
    bad = [*PLAIN[:6], plain(25, status="lost")]
    code = irdesk_main(["import", str(write_page(tmp_path / "bad.json", bad)), "--db", str(target)])
    out, err = capsys.readouterr()
    assert code == 1
    assert row_slices == [2, 2, 2]  # three slices written as rows before the bad one
    assert "Traceback" not in out + err
    [sentence] = [line for line in err.splitlines() if "incidents[6]" in line]
    assert "status" in sentence and "lost" in sentence
    assert dump(target) == before  # the rows, the links and the dropped trigger rolled back


def test_skip_bad_records_leaves_the_bad_one_out_of_a_plain_page(
    tmp_path: Path, database: Database, row_slices: list[int]
) -> None:
    bad = [*PLAIN[:3], plain(25, created_at="the sixth of March"), *PLAIN[3:6]]
    export = write_page(tmp_path / "incidents.json", bad)
    report = run_import(database, [export], ImportOptions(skip_bad_records=True))
    assert row_slices == [2, 2, 1]  # the slice with the bad one went the record way
    assert report.count("new") == 6
    assert [(item.location, "created_at" in item.why) for item in report.left_out] == [
        ("incidents[3]", True)
    ]
    assert [row[1] for row in table_rows(database, "incident")] == [
        "P1",
        "P14",
        "P15",
        "P16",
        "P17",
        "P2",
    ]


@pytest.mark.parametrize(
    ("element", "words"),
    [
        (42, ("incident object", "42")),
        (plain(25, title=["Disk", 25]), ("title", "Disk")),
        (plain(25, created_at=20260325), ("created_at", "20260325")),
    ],
)
def test_a_wrong_element_after_plain_slices_is_one_located_sentence(
    tmp_path: Path,
    row_slices: list[int],
    capsys: pytest.CaptureFixture[str],
    element: object,
    words: tuple[str, str],
) -> None:
    target = tmp_path / "incidents.db"
    open_database(target).close()
    before = dump(target)
    page = write_page(tmp_path / "bad.json", [*PLAIN[:4], element])
    assert irdesk_main(["import", str(page), "--db", str(target)]) == 1
    out, err = capsys.readouterr()
    assert row_slices == [2, 2]
    assert "Traceback" not in out + err
    [sentence] = [line for line in err.splitlines() if "incidents[4]" in line]
    assert all(word in sentence for word in words), sentence
    assert dump(target) == before
