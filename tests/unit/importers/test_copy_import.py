"""An import's events in one COPY on a server (storage/bulk/dialect.insert_slices), and
what an import promises there as on a file: a bad record, or a cancel between two
slices of its events, leaves the database as it was.

Samples: /work/shared/data/pagerduty_incidents_page.json (26 incidents, imported first
so that "unchanged" means something). Hand-built: three PagerDuty incidents, each with a
log-entry page of two entries (trigger, resolve), the middle page's second entry with a
time that is no time; the expected counts and messages are written out below.
"""

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.cli.main import main
from irdesk.importers import overlapped
from irdesk.importers.pipeline import run_import
from irdesk.importers.progress import WRITING_EVENTS
from irdesk.importers.reading.sources import ListedSources, load_sources
from irdesk.storage.bulk import import_writer
from irdesk.storage.bulk.dialect import dialect, stored_time
from irdesk.storage.bulk.import_transaction import import_transaction
from irdesk.storage.database import Database

pytestmark = pytest.mark.both_backends

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"


def _ref(kind: str, ident: str, summary: str) -> dict[str, str]:
    return {"id": ident, "type": f"{kind}_reference", "summary": summary}


def export(folder: Path, bad_time: str | None = None) -> Path:
    """Incidents PX1..PX3 on one page, and a log-entry page each: triggered at 10:0n,
    resolved at 11:0n on 2026-02-0n. `bad_time` replaces PX2's resolve time."""
    folder.mkdir()
    incidents = []
    for n in (1, 2, 3):
        ident = f"PX{n}"
        created, resolved = f"2026-02-0{n}T10:0{n}:00Z", f"2026-02-0{n}T11:0{n}:00Z"
        incidents.append(
            {
                "id": ident,
                "type": "incident",
                "incident_number": 900 + n,
                "title": f"Queue backlog {n}",
                "created_at": created,
                "status": "resolved",
                "resolved_at": resolved,
                "urgency": "high",
                "service": _ref("service", "PSQ", "queue"),
            }
        )
        incident = _ref("incident", ident, f"Queue backlog {n}")
        user = _ref("user", "PUANA", "Ana Ruiz")
        entries = [
            {
                "id": f"R{n}T",
                "type": "trigger_log_entry",
                "summary": "Triggered through the API",
                "created_at": created,
                "incident": incident,
                "agent": _ref("service", "PSQ", "queue"),
            },
            {
                "id": f"R{n}R",
                "type": "resolve_log_entry",
                "summary": "Resolved by Ana Ruiz",
                "created_at": bad_time if bad_time and n == 2 else resolved,
                "incident": incident,
                "agent": user,
            },
        ]
        page = {"log_entries": entries, "limit": 100, "offset": 0, "more": False, "total": 2}
        (folder / f"log_entries-{ident}.json").write_text(json.dumps(page), encoding="utf-8")
    page = {"incidents": incidents, "limit": 100, "offset": 0, "more": False, "total": 3}
    (folder / "incidents-0.json").write_text(json.dumps(page), encoding="utf-8")
    return folder


def address(database: Database) -> str:
    located = getattr(database.path, "address", None)
    return located.url if located is not None else str(database.path)


def test_a_bad_log_entry_in_the_middle_changes_nothing_and_says_where(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = address(database)
    assert main(["import", str(PD_PAGE), "--db", url]) == 0
    before = dump(database)
    capsys.readouterr()

    folder = export(tmp_path / "export", bad_time="half past ten")
    assert main(["import", str(folder), "--db", url]) == 1

    located, *rest = capsys.readouterr().err.strip().splitlines()
    assert located == (
        f"irdesk: error: {folder / 'log_entries-PX2.json'}, log_entries[1]: field 'created_at':"
        " expected an ISO 8601 timestamp such as 2026-10-14T09:30:00Z, found 'half past ten'"
    )
    assert rest == ["Nothing was imported."]
    assert dump(database) == before


def test_the_events_go_in_a_slice_at_a_time_with_progress_before_each(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """6 events (each incident's resolution and trigger entry) in slices of 2: told 0, 2
    and 4 rows sent before each slice, 6 at the end. Into a database that holds incidents
    already (the sample page's 26), which a server's import writes after reading."""
    run_import(database, [PD_PAGE])
    monkeypatch.setattr(import_writer, "PROGRESS_ROWS", 2)
    heard: list[tuple[int, int]] = []

    def progress(what: str, done: int, total: int) -> None:
        if what == WRITING_EVENTS:
            heard.append((done, total))

    report = run_import(database, [export(tmp_path / "export")], progress=progress)
    assert heard == [(0, 6), (2, 6), (4, 6), (6, 6)]
    assert "Timeline events: 6 new, 0 updated, 0 unchanged" in report.lines()
    with database.connection() as conn:
        rows = conn.exec_driver_sql(
            "SELECT i.external_id, e.external_id, e.occurred_at FROM timeline_event e"
            " JOIN incident i ON i.id = e.incident_id WHERE i.external_id IN ('PX1', 'PX2', 'PX3')"
            " ORDER BY e.id"
        ).all()
    # In the order written, each incident's events together, as a file gets them: the
    # incident's own resolution first (the resolve entry at the same time is the same
    # moment), then its trigger entry.
    assert [(i, e, stored_time(t)) for i, e, t in rows] == [
        ("PX1", "resolved", "2026-02-01 11:01:00.000000"),
        ("PX1", "R1T", "2026-02-01 10:01:00.000000"),
        ("PX2", "resolved", "2026-02-02 11:02:00.000000"),
        ("PX2", "R2T", "2026-02-02 10:02:00.000000"),
        ("PX3", "resolved", "2026-02-03 11:03:00.000000"),
        ("PX3", "R3T", "2026-02-03 10:03:00.000000"),
    ]


class Cancelled(Exception):
    pass


def test_a_cancel_between_two_slices_of_events_changes_nothing(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelled with 4 of the 6 events sent (on a server, inside the one COPY)."""
    run_import(database, [PD_PAGE])
    before = dump(database)
    monkeypatch.setattr(import_writer, "PROGRESS_ROWS", 2)

    def progress(what: str, done: int, _total: int) -> None:
        if what == WRITING_EVENTS and done == 4:
            raise Cancelled

    with pytest.raises(Cancelled):
        run_import(database, [export(tmp_path / "export")], progress=progress)
    assert dump(database) == before
    # And the connection it used is fit for the next import.
    report = run_import(database, [export(tmp_path / "again")])
    assert "Timeline events: 6 new, 0 updated, 0 unchanged" in report.lines()


def test_insert_slices_counts_the_rows_and_keeps_their_order(database: Database) -> None:
    """Three hand-built slices of 2, 1 and 0 events: told 0, 2 and 3 before each."""
    told: list[int] = []
    with import_transaction(database) as tx:
        (incident,) = import_writer.insert_incidents(
            tx,
            [
                import_writer.NewIncident(
                    *("hand", "H-9", "Cache stampede", None, None, "SEV3", None, "resolved"),
                    *("2026-04-01 09:00:00.000000", None, None, None, None, None),
                    *(None, ""),
                )
            ],
        ).values()

        def event(minute: int, text: str) -> tuple[object, ...]:
            when = f"2026-04-01 09:{minute:02d}:00.000000"
            return (incident, when, "note", "hand", None, None, None, text, 0)

        sent = dialect(tx.conn).insert_slices(
            tx.conn,
            "timeline_event",
            import_writer.EVENT_COLUMNS,
            [[event(1, "first"), event(2, "second")], [event(3, "third")], []],
            import_writer.IMPORTED_EVENT,
            told.append,
        )
    assert sent == 3
    assert told == [0, 2, 3]
    with database.connection() as conn:
        texts = conn.exec_driver_sql("SELECT text FROM timeline_event ORDER BY id").scalars().all()
    assert texts == ["first", "second", "third"]


# --- a server's first import, written while it is read (importers/overlapped) -----------


def written(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """The rows whose ids an import hands out, with what they belong to by name."""
    with database.connection() as conn:

        def rows(sql: str) -> list[tuple[object, ...]]:
            return [tuple(row) for row in conn.exec_driver_sql(sql).all()]

        return {
            "incident": rows("SELECT id, external_id, service_id FROM incident ORDER BY id"),
            "timeline_event": rows(
                "SELECT e.id, i.external_id, e.external_id, e.actor_person_id"
                " FROM timeline_event e JOIN incident i ON i.id = e.incident_id ORDER BY e.id"
            ),
            "person": rows("SELECT id, name FROM person ORDER BY id"),
            "service": rows("SELECT id, name FROM service ORDER BY id"),
            "source_file": [
                (i, Path(str(name)).name)
                for i, name in rows("SELECT id, name FROM source_file ORDER BY id")
            ],
            "incident_source_file": rows(
                "SELECT incident_id, source_file_id FROM incident_source_file ORDER BY 1, 2"
            ),
        }


def slices_written(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """One incident a slice; the slices the overlapped write hands its writer, by key (as
    handed out: the writer may not get to a slice handed out just before a failure)."""
    monkeypatch.setattr(overlapped, "OVERLAP_SLICE", 1)
    seen: list[list[str]] = []
    hand_out = overlapped._Merge._hand_out

    def spy(merge: Any, keys: list[tuple[str, str]]) -> Any:
        seen.append([external for _source, external in keys])
        return hand_out(merge, keys)

    monkeypatch.setattr(overlapped._Merge, "_hand_out", spy)
    return seen


LATE_NOTE = {
    "log_entries": [
        {
            "id": "R1N",
            "type": "annotate_log_entry",
            "summary": "Note added by Ana Ruiz",
            "created_at": "2026-02-01T10:30:00Z",
            "incident": _ref("incident", "PX1", "Queue backlog 1"),
            "agent": _ref("user", "PUANA", "Ana Ruiz"),
            "channel": {"type": "note", "summary": "Drained the queue"},
        }
    ],
    "limit": 100,
    "offset": 0,
    "more": False,
    "total": 1,
}


def test_a_first_import_written_while_read_gives_the_ids_of_one_read_whole(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a server, PX1..PX3 each written once its log-entry page is read; on a file,
    all read first. The same rows with the same ids either way."""
    seen = slices_written(monkeypatch)
    report = run_import(database, [export(tmp_path / "export")])
    assert "Timeline events: 6 new, 0 updated, 0 unchanged" in report.lines()
    on_server = database.engine.dialect.name == "postgresql"
    assert seen == ([["PX1"], ["PX2"], ["PX3"]] if on_server else [])
    assert written(database) == {
        "incident": [(1, "PX1", 1), (2, "PX2", 1), (3, "PX3", 1)],
        "timeline_event": [
            (1, "PX1", "resolved", None),
            (2, "PX1", "R1T", None),
            (3, "PX2", "resolved", None),
            (4, "PX2", "R2T", None),
            (5, "PX3", "resolved", None),
            (6, "PX3", "R3T", None),
        ],
        "person": [],
        "service": [(1, "queue")],
        "source_file": [
            (1, "incidents-0.json"),
            (2, "log_entries-PX1.json"),
            (3, "log_entries-PX2.json"),
            (4, "log_entries-PX3.json"),
        ],
        "incident_source_file": [(1, 1), (1, 2), (2, 1), (2, 3), (3, 1), (3, 4)],
    }


def test_a_file_adding_to_an_incident_written_already_is_read_again_the_usual_way(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """zz-late.json, read last, holds a note of PX1's, which the server was given before:
    rolled back and read whole, the note joins PX1's timeline where one read would put it."""
    seen = slices_written(monkeypatch)
    folder = export(tmp_path / "export")
    (folder / "zz-late.json").write_text(json.dumps(LATE_NOTE), encoding="utf-8")
    report = run_import(database, [folder])
    assert "Timeline events: 7 new, 0 updated, 0 unchanged" in report.lines()
    if database.engine.dialect.name == "postgresql":
        assert seen[0] == ["PX1"]
    # In the order of one read. A server's rolled-back attempt used ids of its own (its
    # sequences do not roll back), so the ids themselves are compared on a file only.
    rows = written(database)
    assert [row[1:3] for row in rows["timeline_event"]] == [
        ("PX1", "resolved"),
        ("PX1", "R1T"),
        ("PX1", "R1N"),
        ("PX2", "resolved"),
        ("PX2", "R2T"),
        ("PX3", "resolved"),
        ("PX3", "R3T"),
    ]
    assert [name for _, name in rows["person"]] == ["Ana Ruiz"]
    assert [name for _, name in rows["source_file"]][-1] == "zz-late.json"
    if database.engine.dialect.name == "sqlite":
        assert [row[0] for row in rows["timeline_event"]] == [1, 2, 3, 4, 5, 6, 7]
        assert (1, 5) in rows["incident_source_file"]


def test_a_bad_log_entry_after_slices_were_written_leaves_the_database_empty(
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """PX3's page, read last, has a bad time: PX1 and PX2 were handed to the server's
    writer already, and the one transaction takes them back."""
    slices_written(monkeypatch)
    before = dump(database)
    folder = export(tmp_path / "export", bad_time="half past ten")
    (folder / "log_entries-PX2.json").rename(folder / "log_entries-PX9.json")
    assert main(["import", str(folder), "--db", address(database)]) == 1
    located, *rest = capsys.readouterr().err.strip().splitlines()
    assert located == (
        f"irdesk: error: {folder / 'log_entries-PX9.json'}, log_entries[1]: field 'created_at':"
        " expected an ISO 8601 timestamp such as 2026-10-14T09:30:00Z, found 'half past ten'"
    )
    assert rest == ["Nothing was imported."]
    assert dump(database) == before


def test_a_cancel_while_reading_after_slices_were_handed_out_changes_nothing(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelled as PX3's page is read: PX1 and PX2 were handed to the server's writer
    (written or not yet, as the threads ran), and nothing of them stays."""
    slices_written(monkeypatch)
    before = dump(database)
    folder = export(tmp_path / "export")

    def progress(what: str, _done: int, _total: int) -> None:
        if what.endswith("log_entries-PX3.json"):
            raise Cancelled

    with pytest.raises(Cancelled):
        run_import(database, [folder], progress=progress)
    assert dump(database) == before
    report = run_import(database, [folder])
    assert "Incidents: 3 new, 0 updated, 0 unchanged" in report.lines()


def test_log_entries_paged_across_incidents_are_written_a_page_behind(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One log-entry list paged by incident: page-1 holds PX1's entries and PX2's first,
    page-2 PX2's second and PX3's. PX2 is written only once page-2 is read, so nothing
    written is added to after (on a server: no second reading)."""
    seen = slices_written(monkeypatch)
    folder = export(tmp_path / "export")
    entries = []
    for n in (1, 2, 3):
        path = folder / f"log_entries-PX{n}.json"
        entries += json.loads(path.read_text(encoding="utf-8"))["log_entries"]
        path.unlink()
    for number, page in enumerate((entries[:3], entries[3:]), start=1):
        envelope = {"log_entries": page, "limit": 3, "offset": 3 * (number - 1)}
        envelope |= {"more": number == 1, "total": 6}
        (folder / f"log_entries-page-{number}.json").write_text(json.dumps(envelope))
    report = run_import(database, [folder])
    assert "Timeline events: 6 new, 0 updated, 0 unchanged" in report.lines()
    if database.engine.dialect.name == "postgresql":
        assert seen == [["PX1"], ["PX2"], ["PX3"]]
    assert [row[:3] for row in written(database)["timeline_event"]] == [
        (1, "PX1", "resolved"),
        (2, "PX1", "R1T"),
        (3, "PX2", "resolved"),
        (4, "PX2", "R2T"),
        (5, "PX3", "resolved"),
        (6, "PX3", "R3T"),
    ]


# --- a folder read file by file as the import reaches it (sources.ListedSources) -----------


def test_a_folder_listed_gives_the_files_a_whole_read_gives_each_read_at_its_turn(
    tmp_path: Path,
) -> None:
    """A folder of the sample page (pagerduty_incidents_page.json), a README, a hidden
    file and a zip of one log-entry page: listed, it names the same files in the same
    order with the same bytes and skips the same entries as load_sources; a file
    rewritten after the listing is read as it is when its turn comes."""
    folder = export(tmp_path / "export")
    (folder / "a-page.json").write_bytes(PD_PAGE.read_bytes())
    (folder / "README.md").write_text("notes", encoding="utf-8")
    (folder / ".hidden.json").write_text("{}", encoding="utf-8")
    with zipfile.ZipFile(folder / "more.zip", "w") as archive:
        archive.writestr("log_entries-PX9.json", json.dumps(LATE_NOTE))
    whole_skipped: list[str] = []
    whole = load_sources([folder], whole_skipped)
    skipped: list[str] = []
    listed = ListedSources([folder], skipped)
    assert [Path(name).name for name in listed.names] == [
        "a-page.json",
        "incidents-0.json",
        "log_entries-PX1.json",
        "log_entries-PX2.json",
        "log_entries-PX3.json",
        "more.zip!log_entries-PX9.json",
    ]
    assert sorted(skipped) == sorted(whole_skipped)
    assert len(skipped) == 2  # the README and the hidden file
    assert [(f.name, f.data) for f in listed.in_order()] == [(f.name, f.data) for f in whole]

    again = ListedSources([folder])
    (folder / "log_entries-PX3.json").write_text(json.dumps(LATE_NOTE), encoding="utf-8")
    assert json.loads(again[str(folder / "log_entries-PX3.json")].data) == LATE_NOTE


def test_a_file_gone_before_its_turn_on_a_server_is_read_again_the_usual_way(
    database: Database, tmp_path: Path
) -> None:
    """log_entries-PX3.json is deleted while PX1's page is read. A file's import read
    every file before that, and imports all three pages. On a server the folder was only
    listed: the import started writing, rolls back, and reads the folder as it is now, as
    a whole read does from the start: 3 incidents, PX3 with only its page's resolution."""
    folder = export(tmp_path / "export")

    def progress(what: str, _done: int, _total: int) -> None:
        if what.endswith("log_entries-PX1.json"):
            (folder / "log_entries-PX3.json").unlink(missing_ok=True)

    report = run_import(database, [folder], progress=progress)
    on_server = database.engine.dialect.name == "postgresql"
    assert "Incidents: 3 new, 0 updated, 0 unchanged" in report.lines()
    events = 5 if on_server else 6
    assert f"Timeline events: {events} new, 0 updated, 0 unchanged" in report.lines()
    files = [name for _, name in written(database)["source_file"]]
    pages = ["log_entries-PX1.json", "log_entries-PX2.json", "log_entries-PX3.json"]
    assert files == ["incidents-0.json", *pages[: 2 if on_server else 3]]


def test_the_process_switch_interval_is_its_own_again_after_an_import_however_it_ends(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The overlapped write shortens the interpreter's switch interval, which the whole
    process (a window's event loop among it) shares: a finished import, a cancelled
    one and one read again the usual way each hand back the interval it found.
    Hand-built: export() and zz-late.json (LATE_NOTE), a note of PX1's read last."""
    import sys

    slices_written(monkeypatch)
    own = 0.0123
    previous = sys.getswitchinterval()
    sys.setswitchinterval(own)
    try:
        folder = export(tmp_path / "export")

        def progress(what: str, _done: int, _total: int) -> None:
            if what.endswith("log_entries-PX3.json"):
                raise Cancelled

        with pytest.raises(Cancelled):
            run_import(database, [folder], progress=progress)
        assert sys.getswitchinterval() == pytest.approx(own)
        late = tmp_path / "late"
        late.mkdir()
        (late / "zz-late.json").write_text(json.dumps(LATE_NOTE), encoding="utf-8")
        report = run_import(database, [folder, late])
        assert "Incidents: 3 new, 0 updated, 0 unchanged" in report.lines()
        assert sys.getswitchinterval() == pytest.approx(own)
    finally:
        sys.setswitchinterval(previous)
