"""Generic CSV / JSON through a column mapping, with the hand-made ops-tracker fixtures."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from testdata import FIXTURES, SHARED_DATA

from irdesk.domain.enums import IncidentStatus, Severity
from irdesk.importers import registry
from irdesk.importers.formats import generic
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.column_mapping import (
    FIELDS,
    ColumnMapping,
    MappingStore,
    MappingStoreError,
    header_signature,
    suggest_mapping,
)
from irdesk.importers.reading.sources import SourceFile
from irdesk.storage.database import Database
from irdesk.storage.paths import config_dir

CSV_FILE = FIXTURES / "generic" / "ops_tracker_export.csv"
JSON_FILE = FIXTURES / "generic" / "ops_tracker_api.json"
CSV_HEADER = [
    "Ticket",
    "Headline",
    "Opened",
    "Detected",
    "Acknowledged",
    "Mitigated",
    "Resolved",
    "Sev",
    "Affected service",
    "State",
    "Link",
    "Notes",
]
CSV_MAPPING = ColumnMapping(
    source="ops-tracker",
    columns={
        "external_id": "Ticket",
        "title": "Headline",
        "started_at": "Opened",
        "detected_at": "Detected",
        "acknowledged_at": "Acknowledged",
        "mitigated_at": "Mitigated",
        "resolved_at": "Resolved",
        "severity": "Sev",
        "service": "Affected service",
        "status": "State",
        "url": "Link",
        "summary": "Notes",
    },
    date_format="%d/%m/%Y %H:%M",
    zone="Europe/Madrid",
)
JSON_MAPPING = ColumnMapping(
    source="ops-tracker",
    columns={
        "external_id": "id",
        "title": "title",
        "started_at": "startedAt",
        "detected_at": "detectedAt",
        "acknowledged_at": "acknowledgedAt",
        "mitigated_at": "mitigatedAt",
        "resolved_at": "resolvedAt",
        "severity": "severity",
        "service": "service",
        "status": "status",
        "url": "url",
        "summary": "description",
    },
)


def content_of(path: Path, data: bytes | None = None) -> Content:
    return Content(SourceFile(str(path), path.read_bytes() if data is None else data))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def with_cell(line: int, column: str, value: str) -> bytes:
    """The CSV fixture with one cell changed (line as the file numbers it)."""
    rows = list(csv.reader(io.StringIO(CSV_FILE.read_text(encoding="utf-8"))))
    rows[line - 1][CSV_HEADER.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


# --- the mapping and its signature ------------------------------------------------------------


def test_signature_ignores_order_case_and_spacing_but_not_names() -> None:
    signature = header_signature(CSV_HEADER)
    assert signature == header_signature(list(reversed(CSV_HEADER)))
    assert signature == header_signature([f" {c.upper().replace(' ', '_')} " for c in CSV_HEADER])
    assert signature == header_signature(["\ufeffTicket", *CSV_HEADER[1:]])  # a BOM stays out
    assert signature != header_signature([*CSV_HEADER[:-1], "Comments"])  # renamed
    assert signature != header_signature(CSV_HEADER[:-1])  # one fewer
    assert signature != header_signature([*CSV_HEADER, "Owner"])  # one more
    # Stable across runs and machines: a stored key must find its mapping next year.
    assert signature == header_signature(list(CSV_HEADER))
    assert signature.startswith("v1:") and len(signature) == 27


def test_mapping_validation() -> None:
    with pytest.raises(ValueError, match="unknown incident field"):
        ColumnMapping("x", {"owner": "Owner"})
    with pytest.raises(ValueError, match="source name"):
        ColumnMapping(" ", {"external_id": "id"})
    with pytest.raises(ValueError, match="unknown time zone"):
        ColumnMapping("x", {"external_id": "id"}, zone="Mars/Olympus")
    partial = ColumnMapping("x", {"external_id": "id"})
    assert partial.missing() == ["title"] and not partial.is_complete
    assert CSV_MAPPING.fits(list(reversed(CSV_HEADER)))
    assert CSV_MAPPING.absent_columns(CSV_HEADER[:-1]) == ["Notes"]
    assert ColumnMapping.from_json(CSV_MAPPING.to_json()) == CSV_MAPPING


def test_store_round_trips_by_header_signature(irdesk_home: Path) -> None:
    store = MappingStore()
    assert store.path == config_dir() / "column-mappings.json"
    assert store.for_header(CSV_HEADER) is None  # nothing stored, and no file yet
    signature = store.save(CSV_HEADER, CSV_MAPPING)
    assert signature == header_signature(CSV_HEADER)
    # Another store (the next run of irdesk) reads it back, under any column order.
    again = MappingStore()
    assert again.get(signature) == CSV_MAPPING
    assert again.for_header(list(reversed(CSV_HEADER))) == CSV_MAPPING
    assert again.for_header([*CSV_HEADER, "Owner"]) is None
    stored = json.loads(store.path.read_text(encoding="utf-8"))
    assert stored["version"] == 1
    assert stored["mappings"][signature]["header"] == CSV_HEADER
    assert stored["mappings"][signature]["columns"]["external_id"] == "Ticket"
    # A second mapping sits beside the first; saving again replaces, deleting removes.
    json_header = list(json.loads(JSON_FILE.read_bytes())[0])
    store.save(json_header, JSON_MAPPING)
    assert set(store.load_all()) == {signature, header_signature(json_header)}
    store.save(CSV_HEADER, ColumnMapping("renamed", CSV_MAPPING.columns))
    assert store.for_header(CSV_HEADER) == ColumnMapping("renamed", CSV_MAPPING.columns)
    assert store.delete(signature) and not store.delete(signature)
    assert set(store.load_all()) == {header_signature(json_header)}
    # Atomic writes leave no temporary files behind.
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["column-mappings.json"]


def test_store_refuses_incomplete_mappings_and_keeps_an_unreadable_file(tmp_path: Path) -> None:
    store = MappingStore(tmp_path / "mappings.json")
    with pytest.raises(ValueError, match="title"):
        store.save(CSV_HEADER, ColumnMapping("x", {"external_id": "Ticket"}))
    with pytest.raises(ValueError, match="Owner"):
        store.save(CSV_HEADER, ColumnMapping("x", {"external_id": "Ticket", "title": "Owner"}))
    store.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(MappingStoreError):
        store.load_all()
    with pytest.raises(MappingStoreError):
        store.save(CSV_HEADER, CSV_MAPPING)
    assert store.path.read_text(encoding="utf-8") == "{not json"  # nothing overwritten


def test_suggest_mapping_guesses_common_names() -> None:
    suggested = suggest_mapping(CSV_HEADER, source="ops-tracker")
    assert dict(suggested.columns) == dict(CSV_MAPPING.columns)
    assert suggested.is_complete and suggested.date_format is None
    json_header = list(json.loads(JSON_FILE.read_bytes())[0])
    assert dict(suggest_mapping(json_header, "ops-tracker").columns) == dict(JSON_MAPPING.columns)
    guessed = suggest_mapping(["Incident Number", "Summary", "Created", "Closed", "Priority"])
    assert dict(guessed.columns) == {
        "external_id": "Incident Number",
        "title": "Summary",
        "started_at": "Created",
        "resolved_at": "Closed",
        "severity": "Priority",
    }
    assert suggest_mapping(["Case ID", "Subject"]).columns["external_id"] == "Case ID"
    nothing = suggest_mapping(["foo", "bar"])
    assert dict(nothing.columns) == {} and nothing.missing() == ["external_id", "title"]
    assert set(FIELDS) >= set(suggested.columns)


# --- detection ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [CSV_FILE, JSON_FILE], ids=["csv", "json"])
def test_without_a_mapping_the_file_is_not_an_export_irdesk_reads(path: Path) -> None:
    content = content_of(path)
    assert not generic.sniff(content)
    with pytest.raises(ImportProblem) as caught:
        registry.detect(content)
    assert "an export irdesk reads" in str(caught.value)
    assert "CSV or JSON with a column mapping" in str(caught.value)


def test_a_stored_mapping_makes_it_detected_and_generic_comes_last() -> None:
    MappingStore().save(CSV_HEADER, CSV_MAPPING)
    assert registry.detect(content_of(CSV_FILE)).name == "csv"
    assert registry.formats()[-1].name == "csv"
    # Real exports stay with their importers even when a mapping would fit them.
    jira = SHARED_DATA / "jira_service_management_export_es.csv"
    header = generic.read_header(content_of(jira))
    assert header is not None
    MappingStore().save(
        header, ColumnMapping("mine", {"external_id": header[0], "title": header[1]})
    )
    assert generic.sniff(content_of(jira))
    assert registry.detect(content_of(jira)).name == "jira-csv"


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01binary", b"just one line of text\n", b'{"a": 1}', b"[1, 2]", b"[{", b"<html>"],
)
def test_sniff_refuses_other_content_without_raising(data: bytes) -> None:
    options = ImportOptions(column_mapping=ColumnMapping("x", {"external_id": "a", "title": "b"}))
    assert not generic.sniff_with(Content(SourceFile("other.txt", data)), options)


# --- parsing ----------------------------------------------------------------------------------------


def test_csv_with_its_mapping_exactly_as_in_the_file() -> None:
    parsed = generic.parse(content_of(CSV_FILE), ImportOptions(column_mapping=CSV_MAPPING))
    assert parsed.format == "csv"
    first, second, third = parsed.incidents
    assert (first.source, first.external_id, first.location) == ("ops-tracker", "4711", "line 2")
    assert first.title == "Checkout 502s after deploy"
    assert first.summary == 'Rolled back release 2026.10.14-1; see the "deploy freeze" thread'
    assert first.url == "https://ops.example.com/t/4711"
    assert first.service == "checkout"
    assert (first.severity, first.severity_raw) == (Severity.SEV2, "SEV2")
    assert first.status is IncidentStatus.RESOLVED  # "Closed"
    # Madrid is UTC+2 in October 2026 (summer time ends on the 25th).
    assert first.started_at == utc(2026, 10, 14, 7, 12)
    assert first.detected_at == utc(2026, 10, 14, 7, 15)
    assert first.acknowledged_at == utc(2026, 10, 14, 7, 18)
    assert first.mitigated_at == utc(2026, 10, 14, 7, 40)
    assert first.resolved_at == utc(2026, 10, 14, 8, 5)
    assert first.verified_at is None
    assert first.aliases == ["4711", "#4711", "https://ops.example.com/t/4711"]
    assert list(first.events) == []

    assert (second.severity, second.severity_raw) == (Severity.SEV3, "Sev 3")
    assert second.status is IncidentStatus.TRIGGERED  # "Investigating"
    assert second.acknowledged_at is None and second.resolved_at is None
    assert second.summary is None and second.location == "line 3"

    assert (third.severity, third.severity_raw) == (None, "high")  # nobody mapped "high"
    assert third.summary == "Provider-side incident; Jürgen Müller on call"
    # "Pending vendor" is no status irdesk knows: the times say resolved, with a warning.
    assert third.status is IncidentStatus.RESOLVED
    assert parsed.warnings == [
        "status 'Pending vendor' (1 row(s)) is none irdesk knows; "
        "those incidents take their status from their times"
    ]


def test_json_array_variant_gives_the_same_incidents() -> None:
    from_csv = generic.parse(content_of(CSV_FILE), ImportOptions(column_mapping=CSV_MAPPING))
    from_json = generic.parse(content_of(JSON_FILE), ImportOptions(column_mapping=JSON_MAPPING))
    assert [i.location for i in from_json.incidents] == ["[0]", "[1]", "[2]"]
    for a, b in zip(from_csv.incidents, from_json.incidents, strict=True):
        b.location = a.location
        assert a == b


def test_severity_map_and_zone_options() -> None:
    options = ImportOptions(
        column_mapping=CSV_MAPPING, severity_maps={"ops-tracker": {"High": Severity.SEV1}}
    )
    third = generic.parse(content_of(CSV_FILE), options).incidents[2]
    assert third.severity is Severity.SEV1
    # Without a zone in the mapping, the import's zone applies; without either, none is guessed.
    zoneless = ColumnMapping("ops-tracker", CSV_MAPPING.columns, date_format="%d/%m/%Y %H:%M")
    options = ImportOptions(column_mapping=zoneless, zone=ZoneInfo("America/New_York"))
    first = generic.parse(content_of(CSV_FILE), options).incidents[0]
    assert first.started_at == utc(2026, 10, 14, 13, 12)
    with pytest.raises(ImportProblem) as caught:
        generic.parse(content_of(CSV_FILE), ImportOptions(column_mapping=zoneless))
    problem = caught.value
    assert (problem.location, problem.field, problem.found) == (
        "line 2",
        "Opened",
        "14/10/2026 09:12",
    )
    assert "zone" in problem.expected
    # Without a date format, times are ISO 8601; a zone-less one needs a zone just the same.
    iso = ColumnMapping("ops-tracker", CSV_MAPPING.columns)
    with pytest.raises(ImportProblem, match="ISO 8601") as caught:
        generic.parse(content_of(CSV_FILE), ImportOptions(column_mapping=iso))
    assert (caught.value.location, caught.value.field) == ("line 2", "Opened")
    data = b"Ticket,Headline,Opened\n1,Outage,2026-10-14 09:12\n"
    small = ColumnMapping(
        "ops-tracker", {"external_id": "Ticket", "title": "Headline", "started_at": "Opened"}
    )
    with pytest.raises(ImportProblem, match="time zone"):
        generic.parse(content_of(CSV_FILE, data), ImportOptions(column_mapping=small))
    options = ImportOptions(column_mapping=small, zone=ZoneInfo("Europe/Madrid"))
    (incident,) = generic.parse(content_of(CSV_FILE, data), options).incidents
    assert incident.started_at == utc(2026, 10, 14, 7, 12)


def test_clock_offset_of_the_mapping_source() -> None:
    options = ImportOptions(
        column_mapping=CSV_MAPPING, clock_offsets={"ops-tracker": timedelta(minutes=2)}
    )
    first = generic.parse(content_of(CSV_FILE), options).incidents[0]
    assert first.started_at == utc(2026, 10, 14, 7, 10)


# --- bad input ------------------------------------------------------------------------------------


def test_a_row_without_an_id_names_line_and_column() -> None:
    data = with_cell(3, "Ticket", "")
    with pytest.raises(ImportProblem) as caught:
        generic.parse(content_of(CSV_FILE, data), ImportOptions(column_mapping=CSV_MAPPING))
    problem = caught.value
    assert (problem.file, problem.location, problem.field) == (str(CSV_FILE), "line 3", "Ticket")
    assert str(problem).startswith(f"{CSV_FILE}, line 3: field 'Ticket': expected an incident id")


def test_bad_cells_are_located() -> None:
    options = ImportOptions(column_mapping=CSV_MAPPING)
    cases = [
        (
            with_cell(4, "Resolved", "yesterday"),
            "line 4",
            "Resolved",
            "a time like 14/10/2026 09:30",
        ),
        (with_cell(2, "Headline", "  "), "line 2", "Headline", "an incident title"),
        (with_cell(4, "Ticket", "4711"), "line 4", "Ticket", "already at line 2"),
    ]
    for data, location, column, expected in cases:
        with pytest.raises(ImportProblem) as caught:
            generic.parse(content_of(CSV_FILE, data), options)
        assert (caught.value.location, caught.value.field) == (location, column)
        assert expected in str(caught.value)
    items = json.loads(JSON_FILE.read_bytes())
    items[1]["title"] = {"text": "nested"}
    with pytest.raises(ImportProblem) as caught:
        generic.parse(
            content_of(JSON_FILE, json.dumps(items).encode()),
            ImportOptions(column_mapping=JSON_MAPPING),
        )
    assert (caught.value.location, caught.value.field) == ("[1]", "title")
    items[1] = "not an object"
    with pytest.raises(ImportProblem) as caught:
        generic.parse(
            content_of(JSON_FILE, json.dumps(items).encode()),
            ImportOptions(column_mapping=JSON_MAPPING),
        )
    assert caught.value.location == "[1]"


def test_parse_without_a_fitting_mapping() -> None:
    with pytest.raises(ImportProblem) as caught:
        generic.parse(content_of(CSV_FILE), ImportOptions())
    assert caught.value.location == "line 1" and "column mapping" in caught.value.expected
    wrong = ColumnMapping("x", {"external_id": "Ticket", "title": "Owner"})
    with pytest.raises(ImportProblem) as caught:
        generic.parse_with(content_of(CSV_FILE), wrong, ImportOptions())
    assert "'Owner'" in str(caught.value)


def test_a_mapping_naming_columns_the_file_lacks_names_them() -> None:
    """`irdesk import --column title=Headlne …` (a typo): the message says which column."""
    typo = ColumnMapping("x", {"external_id": "Ticket", "title": "Headlne", "started_at": "Open"})
    with pytest.raises(ImportProblem) as caught:
        generic.parse(content_of(CSV_FILE), ImportOptions(column_mapping=typo))
    assert caught.value.location == "line 1"
    assert caught.value.expected == "the columns the mapping names: 'Headlne', 'Open'"
    assert "Ticket, Headline" in str(caught.value.found)


def test_preview_reads_only_the_first_rows() -> None:
    preview = generic.parse_with(content_of(CSV_FILE), CSV_MAPPING, ImportOptions(), limit=1)
    assert [i.external_id for i in preview.incidents] == ["4711"]


# --- through the pipeline ------------------------------------------------------------------------


def test_import_with_a_stored_mapping_then_again(database: Database) -> None:
    MappingStore().save(CSV_HEADER, CSV_MAPPING)
    report = run_import(database, [CSV_FILE])
    assert [f.format for f in report.files] == ["csv"]
    assert report.count("new") == 3
    with database.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT i.source, i.external_id, i.title, i.severity, i.status, i.started_at,"
            " i.resolved_at, s.name FROM incident i LEFT JOIN service s ON s.id = i.service_id"
            " ORDER BY i.external_id"
        ).all()
    assert [tuple(r) for r in rows] == [
        (
            "ops-tracker",
            "4711",
            "Checkout 502s after deploy",
            "SEV2",
            "resolved",
            "2026-10-14 07:12:00.000000",
            "2026-10-14 08:05:00.000000",
            "checkout",
        ),
        (
            "ops-tracker",
            "4712",
            "Search latency above SLO",
            "SEV3",
            "triggered",
            "2026-10-15 20:01:00.000000",
            None,
            "search",
        ),
        (
            "ops-tracker",
            "4713",
            "Payments provider timeouts",
            None,
            "resolved",
            "2026-10-16 05:30:00.000000",
            "2026-10-16 06:50:00.000000",
            "payments",
        ),
    ]
    again = run_import(database, [CSV_FILE])
    assert again.count("unchanged") == 3 and not again.changed_anything


def test_import_with_a_one_off_mapping_beside_real_exports(database: Database) -> None:
    options = ImportOptions(column_mapping=JSON_MAPPING)
    report = run_import(
        database, [SHARED_DATA / "pagerduty_incidents_page.json", JSON_FILE], options
    )
    assert [f.format for f in report.files] == ["pagerduty", "csv"]
    assert report.count("new") == 26 + 3
    assert MappingStore().load_all() == {}  # used for this import, not remembered
