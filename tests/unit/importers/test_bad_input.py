"""Bad input: every case gets a located message and leaves the database exactly as it was.

Starts from real samples in /work/shared/data (pagerduty_incidents_page.json,
statuspage_incident_github_2019.json, jira_service_management_export_es.csv) and
damages them the ways downloads and spreadsheets do.
"""

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import MAX_FILE_BYTES
from irdesk.storage.database import Database, open_database

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
STATUSPAGE = SHARED_DATA / "statuspage_incident_github_2019.json"
JIRA_CSV = SHARED_DATA / "jira_service_management_export_es.csv"


def pd_with(change: Callable[[dict], None]) -> bytes:
    page = json.loads(PD_PAGE.read_text())
    change(page)
    return json.dumps(page).encode()


def _set(path: tuple[object, ...], value: object) -> Callable[[dict], None]:
    def change(page: dict) -> None:
        target = page
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _delete(path: tuple[object, ...]) -> Callable[[dict], None]:
    def change(page: dict) -> None:
        target = page
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


def _both(*changes: Callable[[dict], None]) -> Callable[[dict], None]:
    def change(page: dict) -> None:
        for one in changes:
            one(page)

    return change


CASES: dict[str, tuple[bytes, list[str]]] = {
    "truncated download": (
        PD_PAGE.read_bytes()[:50_000],
        ["line", "column", "valid JSON", "cut short"],
    ),
    "malformed json": (b'{"incidents": [1, 2,, 3]}', ["line 1, column 21", "valid JSON"]),
    "zero bytes": (b"", ["empty file (0 bytes)"]),
    "binary file": (bytes(range(256)) * 64, ["binary data"]),
    "another format": (b"<html><body>Status: all good</body></html>\n", ["an export irdesk reads"]),
    "json of another tool": (b'{"builds": [{"id": 1}]}', ["an export irdesk reads", "keys builds"]),
    # Without its number too: a blank id beside a unique number is recovered
    # (test_recovery.py), one with nothing else to key by is not.
    "missing id": (
        pd_with(
            _both(_delete(("incidents", 3, "id")), _delete(("incidents", 3, "incident_number")))
        ),
        ["incidents[3]", "'id'"],
    ),
    "empty id": (
        pd_with(
            _both(_set(("incidents", 3, "id"), ""), _delete(("incidents", 3, "incident_number")))
        ),
        ["incidents[3]", "'id'", "non-empty"],
    ),
    "impossible date": (
        pd_with(_set(("incidents", 5, "created_at"), "2021-13-45T25:00:00Z")),
        ["incidents[5]", "'created_at'", "ISO 8601", "2021-13-45"],
    ),
    "words for a date": (
        pd_with(_set(("incidents", 0, "created_at"), "yesterday")),
        ["incidents[0]", "'created_at'", "yesterday"],
    ),
    "list expected": (pd_with(_set(("incidents",), "none")), ["'incidents'"]),
    "latin-1 json": ('{"incidents": [{"title": "Caída"}]}'.encode("latin-1"), ["line 1", "UTF-8"]),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_is_located_and_changes_nothing(
    database: Database, tmp_path: Path, case: str
) -> None:
    content, expected_parts = CASES[case]
    run_import(database, [STATUSPAGE])  # something already there that must stay as it is
    before = dump(database)
    bad = tmp_path / "export.json"
    bad.write_bytes(content)
    with pytest.raises(ImportProblem) as error:
        run_import(database, [PD_PAGE, bad])
    message = str(error.value)
    assert message.startswith(str(bad)), message
    for part in expected_parts:
        assert part in message, message
    assert dump(database) == before


def test_a_file_over_the_size_limit_is_refused_before_reading(
    database: Database, tmp_path: Path
) -> None:
    huge = tmp_path / "incidents-200MB.json"
    with huge.open("wb") as handle:  # sparse: costs no disk or time
        handle.truncate(200 * 1024 * 1024)
    assert huge.stat().st_size > MAX_FILE_BYTES
    before = dump(database)
    with pytest.raises(ImportProblem, match=r"at most 100 MB .*found '200 MB'"):
        run_import(database, [huge])
    assert dump(database) == before


def test_a_damaged_zip_is_refused(database: Database, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(PD_PAGE, "incidents.json")
    archive.write_bytes(archive.read_bytes()[:-30])  # lose the central directory's end
    with pytest.raises(ImportProblem, match=r"export\.zip"):
        run_import(database, [archive])


def test_a_zip_and_a_folder_import_like_their_files(database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "incidents.json").write_bytes(PD_PAGE.read_bytes())
    (folder / ".DS_Store").write_bytes(b"\x00\x01junk")  # hidden files are not exports
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(PD_PAGE, "pages/incidents.json")
    assert run_import(database, [folder]).count("new") == 26
    assert run_import(database, [archive]).count("unchanged") == 26


def test_utf8_with_byte_order_mark_imports(database: Database, tmp_path: Path) -> None:
    marked = tmp_path / "incidents.json"
    marked.write_bytes(b"\xef\xbb\xbf" + PD_PAGE.read_bytes())
    assert run_import(database, [marked]).count("new") == 26


def test_a_zoneless_csv_needs_a_zone_and_is_never_guessed(database: Database) -> None:
    before = dump(database)
    with pytest.raises(ImportProblem, match="--tz") as error:
        run_import(database, [JIRA_CSV])
    assert str(JIRA_CSV) in str(error.value)
    assert dump(database) == before
    report = run_import(database, [JIRA_CSV], ImportOptions(zone=ZoneInfo("Europe/Madrid")))
    assert report.count("new") == 3


# --- mutated samples: a clean import or a located error, never anything else ---------

SAMPLE = STATUSPAGE.read_bytes()


def _mutate(data: bytes, position: int, action: str, payload: bytes) -> bytes:
    position %= len(data)
    if action == "truncate":
        return data[:position]
    if action == "delete":
        return data[:position] + data[position + len(payload) :]
    if action == "insert":
        return data[:position] + payload + data[position:]
    return data[:position] + payload + data[position + len(payload) :]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    position=st.integers(min_value=0, max_value=len(SAMPLE)),
    action=st.sampled_from(["truncate", "delete", "insert", "overwrite"]),
    payload=st.binary(min_size=1, max_size=8)
    | st.sampled_from([b'"', b"null", b"{}", b"[]", b"-", b"Z", b"9999", b",", b"\\u0000"]),
)
def test_mutated_exports_import_cleanly_or_fail_located(
    tmp_path_factory: pytest.TempPathFactory, position: int, action: str, payload: bytes
) -> None:
    folder = tmp_path_factory.mktemp("mutant")
    db = open_database(folder / "irdesk.db")
    try:
        run_import(db, [PD_PAGE])
        before = dump(db)
        mutant = folder / "statuspage.json"
        mutant.write_bytes(_mutate(SAMPLE, position, action, payload))
        try:
            report = run_import(db, [mutant])
        except ImportProblem as problem:
            assert problem.file == str(mutant)
            assert problem.expected
            assert dump(db) == before
        else:
            assert report.files[0].name == str(mutant)
    finally:
        db.close()


def test_non_export_files_inside_a_folder_are_skipped_and_reported(
    database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "incidents.json").write_bytes(PD_PAGE.read_bytes())
    (folder / "README.md").write_text("Exported by the on-call bot on 2021-06-04.\n")
    (folder / "dashboard.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    report = run_import(database, [folder])
    assert report.count("new") == 26
    assert [w for w in report.warnings if "skipped" in w] == [
        f"{folder / 'README.md'}: skipped, not an export file",
        f"{folder / 'dashboard.png'}: skipped, not an export file",
    ]
    # Named on its own, the same README is an error: the user asked for that file.
    with pytest.raises(ImportProblem, match=r"README\.md"):
        run_import(database, [folder / "README.md"])


def test_an_export_with_nothing_in_it_is_reported(database: Database, tmp_path: Path) -> None:
    # The header of jira_service_management_export_es.csv and no rows: a cut download.
    header_only = tmp_path / "jira.csv"
    header_only.write_text(JIRA_CSV.read_text(encoding="utf-8-sig").splitlines()[0] + "\n")
    report = run_import(database, [header_only], ImportOptions(zone=ZoneInfo("Europe/Madrid")))
    assert report.count("new") == 0
    assert report.warnings == [
        f"{header_only}: holds no incidents or events (cut short, or an empty export?)"
    ]
