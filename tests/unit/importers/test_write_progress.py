"""Progress while writing, and a cancel there: the import's transaction leaves nothing.

Input: /work/shared/data/pagerduty_incidents_page.json (26 incidents) and, generated
here, a log-entries page for each of them in the shape of
tests/fixtures/pagerduty/log_entries_PGW5XNE.json: enough events for many slices once
the slice size is made small.
"""

import gc
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.importers.pipeline import run_import
from irdesk.importers.progress import WRITING_EVENTS
from irdesk.storage.bulk import import_writer
from irdesk.storage.database import Database

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
ENTRIES_PER_INCIDENT = 40
SLICE = 100  # rows per progress report in these tests


class Cancelled(Exception):
    """What the GUI's callback raises once the user presses Cancel."""


def log_entries_pages(folder: Path) -> Path:
    """One log-entries page per incident of the sample page, notes after its trigger."""
    folder.mkdir()
    for incident in json.loads(PD_PAGE.read_bytes())["incidents"]:
        pid = incident["id"]
        created = datetime.fromisoformat(incident["created_at"])
        entries = [
            {
                "id": f"R{pid}{n:03d}",
                "type": "annotate_log_entry",
                "summary": "Note added",
                "created_at": f"{created + timedelta(minutes=n + 1):%Y-%m-%dT%H:%M:%SZ}",
                "incident": {"id": pid, "type": "incident_reference"},
                "agent": {"id": "PZ5AJAG", "type": "user_reference", "summary": "Bryce Blake"},
                "channel": {"type": "note", "summary": f"Step {n} of the runbook"},
            }
            for n in range(ENTRIES_PER_INCIDENT)
        ]
        page = {"log_entries": entries, "limit": 100, "offset": 0, "more": False}
        (folder / f"log_entries_{pid}.json").write_text(json.dumps(page))
    return folder


@pytest.fixture
def small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_writer, "PROGRESS_ROWS", SLICE)


@pytest.mark.usefixtures("small_slices")
def test_progress_arrives_while_writing_with_growing_counts(
    database: Database, tmp_path: Path
) -> None:
    calls: list[tuple[str, int, int]] = []
    report = run_import(
        database,
        [PD_PAGE, log_entries_pages(tmp_path / "logs")],
        progress=lambda what, done, total: calls.append((what, done, total)),
    )
    writing = [(done, total) for what, done, total in calls if what == WRITING_EVENTS]
    total = report.new_events
    assert total > 10 * SLICE
    assert {t for _, t in writing} == {total}
    done = [d for d, _ in writing]
    assert done == sorted(set(done))  # strictly increasing
    assert done[0] == 0
    assert done[-1] == total
    assert len(done) == -(-total // SLICE) + 1  # before each slice, and once at the end
    # After every file is read and the write has begun.
    first = calls.index((WRITING_EVENTS, 0, total))
    assert all(not what.startswith("Reading") for what, _, _ in calls[first:])
    assert calls[first - 1][0] == "Writing to the database"


@pytest.mark.usefixtures("small_slices")
@pytest.mark.parametrize("bulk_rows", [1, 10**9], ids=["indexes-rebuilt", "indexes-kept"])
@pytest.mark.parametrize("stop_at", [0, 5 * SLICE], ids=["first-slice", "mid-write"])
def test_raising_from_progress_while_writing_leaves_the_database_unchanged(
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bulk_rows: int,
    stop_at: int,
) -> None:
    monkeypatch.setattr(import_writer, "BULK_ROWS", bulk_rows)
    run_import(database, [PD_PAGE])
    before = dump(database)
    written: list[int] = []

    def progress(what: str, done: int, total: int) -> None:
        if what == WRITING_EVENTS:
            written.append(done)
            if done >= stop_at:
                raise Cancelled

    with pytest.raises(Cancelled):
        run_import(database, [PD_PAGE, log_entries_pages(tmp_path / "logs")], progress=progress)

    assert written[-1] == stop_at  # it stopped where it was asked to, not at the end
    assert dump(database) == before
    # Nothing of the cancelled write lingers on the pooled connection or in the process.
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
        # The import's larger page cache was its own: SQLite's default of 2,000 KiB again.
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -2000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert gc.isenabled()


@pytest.mark.usefixtures("small_slices")
def test_an_import_cancelled_while_writing_runs_again_in_full(
    database: Database, tmp_path: Path
) -> None:
    logs = log_entries_pages(tmp_path / "logs")

    def cancel_midway(what: str, done: int, total: int) -> None:
        if what == WRITING_EVENTS and done > 0:
            raise Cancelled

    with pytest.raises(Cancelled):
        run_import(database, [PD_PAGE, logs], progress=cancel_midway)
    first = run_import(database, [PD_PAGE, logs])
    assert first.count("new") == 26
    assert first.new_events == first.result.new_events > 26 * ENTRIES_PER_INCIDENT
    again = run_import(database, [PD_PAGE, logs])
    assert again.count("unchanged") == 26
    assert (again.new_events, again.result.updated_events) == (0, 0)
    assert again.result.unchanged_events == first.new_events
