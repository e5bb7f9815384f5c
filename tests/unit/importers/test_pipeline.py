"""Import semantics: idempotent, updates from newer exports, all-or-nothing, edits kept, merged timelines.

Samples: /work/shared/data/pagerduty_incidents_page.json (26 incidents, among them
#12728 = PH4UE4E) and tests/fixtures/jira/jira_cloud_v3_search_adf.json (OPS-7, which
names PagerDuty #12728 and links its URL).
"""

import contextlib
import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select
from testdata import FIXTURES, SAMPLE_FILES, SHARED_DATA
from testdata import database_dump as dump

from irdesk.domain.enums import EventKind
from irdesk.domain.models import (
    Incident,
    IncidentMerge,
    IncidentSourceFile,
    LifecycleOverride,
    SourceFile,
    TimelineEvent,
)
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.importers.problems import ImportProblem
from irdesk.importers.writing import incidents as incidents_writing
from irdesk.storage.database import Database, open_database
from irdesk.storage.reads import queries
from irdesk.storage.records.merges import link_incidents, unlink_incident

pytestmark = pytest.mark.both_backends

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
PD_LOG_ENTRIES = FIXTURES / "pagerduty" / "log_entries_PGW5XNE.json"
JIRA_OPS_7 = FIXTURES / "jira" / "jira_cloud_v3_search_adf.json"


def incident(db: Database, external_id: str) -> Incident:
    with db.session() as session:
        return session.exec(select(Incident).where(Incident.external_id == external_id)).one()


def test_the_pagerduty_page_imports_every_incident_with_its_provenance(database: Database) -> None:
    report = run_import(database, [PD_PAGE])
    assert report.count("new") == 26
    with database.session() as session:
        assert len(session.exec(select(Incident)).all()) == 26
        files = session.exec(select(SourceFile)).all()
        links = session.exec(select(IncidentSourceFile)).all()
    assert [(f.name, f.format) for f in files] == [(str(PD_PAGE), "pagerduty")]
    assert files[0].sha256 == hashlib.sha256(PD_PAGE.read_bytes()).hexdigest()
    assert files[0].size == PD_PAGE.stat().st_size
    assert len(links) == 26
    triggered = incident(database, "PH4UE4E")
    assert triggered.title == "Test"
    assert triggered.started_at == datetime(2021, 6, 3, 20, 16, 54, tzinfo=UTC)
    assert triggered.resolved_at is None


def test_importing_the_same_files_twice_changes_nothing(database: Database) -> None:
    run_import(database, [PD_PAGE, PD_LOG_ENTRIES])
    before = dump(database)
    again = run_import(database, [PD_PAGE, PD_LOG_ENTRIES])
    assert again.count("unchanged") == 26 and again.count("new") == again.count("updated") == 0
    assert again.new_events == 0 and not again.changed_anything
    assert dump(database) == before


def test_a_newer_export_updates_what_changed(database: Database, tmp_path: Path) -> None:
    run_import(database, [PD_PAGE])
    page = json.loads(PD_PAGE.read_text())
    page["incidents"][0]["title"] = "Analytics ingestion stalled"
    page["incidents"][0]["description"] = "Analytics ingestion stalled"
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(page))

    report = run_import(database, [newer])

    assert report.count("updated") == 1 and report.count("unchanged") == 25
    changed = next(o for o in report.result.incidents if o.change == "updated")
    assert changed.changed_fields == ["title"]
    assert incident(database, "PH4UE4E").title == "Analytics ingestion stalled"


def test_a_dry_run_reports_but_writes_nothing(database: Database) -> None:
    before = dump(database)
    report = run_import(database, [PD_PAGE], dry_run=True)
    assert report.dry_run and report.count("new") == 26
    assert "Would import 1 file(s):" in report.lines()[0]
    assert dump(database) == before


def test_one_bad_file_stops_the_whole_import(database: Database, tmp_path: Path) -> None:
    bad = tmp_path / "page-2.json"
    bad.write_text(
        '{"incidents": [{"id": "PX1", "type": "incident", "title": "Search down",'
        ' "created_at": "yesterday"}], "limit": 25, "offset": 25, "more": false}'
    )
    before = dump(database)
    with pytest.raises(ImportProblem) as error:
        run_import(database, [PD_PAGE, bad])
    message = str(error.value)
    assert str(bad) in message and "incidents[0]" in message and "created_at" in message
    assert dump(database) == before


def test_log_entries_for_an_unknown_incident_are_refused_under_strict(database: Database) -> None:
    # By default their incident is made from the entries' reference to it (test_recovery.py).
    before = dump(database)
    with pytest.raises(ImportProblem, match="import the incident list too"):
        run_import(database, [PD_LOG_ENTRIES], ImportOptions(strict=True))
    assert dump(database) == before


def test_log_entries_imported_later_join_their_incident(database: Database) -> None:
    run_import(database, [PD_PAGE])
    report = run_import(database, [PD_LOG_ENTRIES])
    assert report.new_events > 0
    entries = json.loads(PD_LOG_ENTRIES.read_text())["log_entries"]
    incident_id = entries[0]["incident"]["id"]
    with database.session() as session:
        events = queries.timeline(session, incident(database, incident_id).id)
    assert events[0].kind == EventKind.ALERT
    assert {EventKind.PAGE, EventKind.ACKNOWLEDGE, EventKind.RESOLVE} <= {e.kind for e in events}


def test_a_facilitators_lifecycle_override_survives_a_reimport(
    database: Database, tmp_path: Path
) -> None:
    run_import(database, [PD_PAGE])
    target = incident(database, "PH4UE4E")
    corrected = datetime(2021, 6, 3, 20, 10, tzinfo=UTC)
    with database.transaction() as session:
        session.add(
            LifecycleOverride(
                incident_id=target.id,
                field="started_at",
                value=corrected,
                reason="customer reports",
            )
        )
    page = json.loads(PD_PAGE.read_text())
    page["incidents"][0]["created_at"] = "2021-06-03T20:15:00Z"
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(page))

    report = run_import(database, [newer])

    assert any("pagerduty:PH4UE4E" in c and "started_at" in c for c in report.result.conflicts)
    with database.session() as session:
        override = session.get(LifecycleOverride, (target.id, "started_at"))
    assert override is not None and override.value == corrected


def test_hand_added_and_corrected_events_are_never_overwritten(
    database: Database, tmp_path: Path
) -> None:
    run_import(database, [PD_PAGE])
    target = incident(database, "PH4UE4E")
    with database.transaction() as session:
        event = session.exec(
            select(TimelineEvent).where(TimelineEvent.incident_id == target.id)
        ).first()
        event.original_text, event.text = event.text, "Triggered by the synthetic checkout probe"
        event.corrected_at = datetime(2026, 11, 1, tzinfo=UTC)
        session.add(
            TimelineEvent(
                incident_id=target.id,
                occurred_at=datetime(2021, 6, 3, 20, 30, tzinfo=UTC),
                kind=EventKind.ACTION,
                source="facilitator",
                text="Called the database team",
                added_by_facilitator=True,
            )
        )
        corrected_key = event.external_id
    page = json.loads(PD_PAGE.read_text())
    page["incidents"][0]["first_trigger_log_entry"]["summary"] = "Triggered through the API"
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(page))

    report = run_import(database, [newer])

    assert any(corrected_key in c for c in report.result.conflicts)
    with database.session() as session:
        texts = [e.text for e in queries.timeline(session, target.id)]
    assert "Triggered by the synthetic checkout probe" in texts
    assert "Called the database team" in texts


def test_a_jira_ticket_naming_a_pagerduty_incident_joins_its_timeline(database: Database) -> None:
    report = run_import(database, [PD_PAGE, JIRA_OPS_7])
    assert any("jira:OPS-7 joins pagerduty:PH4UE4E" in m for m in report.result.merges)
    pd = incident(database, "PH4UE4E")
    jira = incident(database, "OPS-7")
    with database.session() as session:
        merge = session.get(IncidentMerge, jira.id)
        rows = queries.list_incidents(session)
        events = queries.timeline(session, pd.id)
    assert merge is not None and merge.into_id == pd.id and merge.how == "reference"
    # One outage, one row in the list, one timeline with both tools' events in time order.
    assert jira.id not in {r.id for r in rows} and pd.id in {r.id for r in rows}
    assert {"pagerduty", "jira"} <= {e.source for e in events}
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
    # Importing the pair again neither duplicates the link nor reports it again.
    assert run_import(database, [PD_PAGE, JIRA_OPS_7]).result.merges == []


def test_a_jira_ticket_imported_later_joins_the_pagerduty_incident_it_names(
    database: Database,
) -> None:
    run_import(database, [PD_PAGE])
    # OPS-7 names the incident by its number, "#12728", which only the page gave.
    report = run_import(database, [JIRA_OPS_7])
    assert report.result.merges == ["jira:OPS-7 joins pagerduty:PH4UE4E (#12728)"]
    pd = incident(database, "PH4UE4E")
    with database.session() as session:
        merge = session.get(IncidentMerge, incident(database, "OPS-7").id)
        assert {e.source for e in queries.timeline(session, pd.id)} >= {"pagerduty", "jira"}
    assert merge is not None and merge.into_id == pd.id and merge.how == "reference"
    assert run_import(database, [JIRA_OPS_7]).result.merges == []


def test_a_pagerduty_incident_imported_after_the_ticket_naming_it_gathers_the_ticket(
    database: Database,
) -> None:
    run_import(database, [JIRA_OPS_7])  # cites "#12728" before irdesk knows that incident
    report = run_import(database, [PD_PAGE])
    assert report.result.merges == ["jira:OPS-7 joins pagerduty:PH4UE4E (#12728)"]
    with database.session() as session:
        merge = session.get(IncidentMerge, incident(database, "OPS-7").id)
        events = queries.timeline(session, incident(database, "PH4UE4E").id)
    assert merge is not None and merge.into_id == incident(database, "PH4UE4E").id
    assert {"pagerduty", "jira"} <= {e.source for e in events}
    assert run_import(database, [PD_PAGE]).result.merges == []  # once


def test_a_pair_unlinked_by_hand_stays_apart_on_reimport(database: Database) -> None:
    run_import(database, [PD_PAGE, JIRA_OPS_7])
    jira = incident(database, "OPS-7")
    with database.transaction() as session:
        assert unlink_incident(session, jira.id, actor="Zoë Ñúñez")
    report = run_import(database, [PD_PAGE, JIRA_OPS_7])
    assert report.result.merges == []
    assert run_import(database, [JIRA_OPS_7]).result.merges == []  # nor on its own
    assert run_import(database, [PD_PAGE]).result.merges == []  # nor from the other side
    with database.session() as session:
        assert jira.id in {row.id for row in queries.list_incidents(session)}
        assert {e.source for e in queries.timeline(session, incident(database, "PH4UE4E").id)} == {
            "pagerduty"
        }


def test_people_who_may_be_the_same_are_listed_not_merged(
    database: Database, tmp_path: Path
) -> None:
    run_import(database, [PD_PAGE])  # knows "Hattie Hendricks" from the resolve entries
    page = json.loads(PD_PAGE.read_text())
    page["incidents"][0]["acknowledgements"] = [
        {
            "at": "2021-06-03T20:20:00Z",
            "acknowledger": {
                "id": "PXHH01",
                "type": "user_reference",
                "summary": "hattie  hendricks",
                "email": "h.hendricks@example.com",
            },
        }
    ]
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(page))
    report = run_import(database, [newer])
    assert report.result.uncertain_people == [
        "hattie  hendricks <h.hendricks@example.com> may be the same person as Hattie Hendricks"
    ]
    assert any(line.startswith("People to check") for line in report.lines())


def test_a_reference_to_a_merged_incident_links_into_its_target(database: Database) -> None:
    run_import(database, [PD_PAGE])
    target = incident(database, "PGW5XNE")
    with database.transaction() as session:
        link_incidents(session, incident(database, "PH4UE4E").id, target.id, actor="Ελένη")
    report = run_import(database, [PD_PAGE, JIRA_OPS_7])
    assert report.result.merges == ["jira:OPS-7 joins pagerduty:PGW5XNE (#12728)"]
    with database.session() as session:
        assert session.get(IncidentMerge, incident(database, "OPS-7").id).into_id == target.id
        assert {e.source for e in queries.timeline(session, target.id)} >= {"pagerduty", "jira"}


def test_every_sample_imported_together_leaves_no_dangling_reference(database: Database) -> None:
    """The import writes with SQLite's foreign-key checks off (every id it writes came
    from the database), so this asks SQLite to check every reference afterwards.

    Samples: the exports in /work/shared/data (all formats at once), the PagerDuty log
    entries and Jira OPS-7 fixtures, imported twice, the second time as updates.
    """
    samples = sorted(
        p
        for p in SAMPLE_FILES
        # The Opsgenie alert log needs its alert's id in its name (test_opsgenie.py).
        if p.suffix in {".json", ".jsonl", ".csv"} and p.name != "opsgenie_alert_logs.json"
    )
    options = ImportOptions(zone=ZoneInfo("Europe/Madrid"))  # the Jira CSV's dates have none
    run_import(database, [*samples, PD_LOG_ENTRIES, JIRA_OPS_7], options)
    run_import(database, [PD_LOG_ENTRIES, JIRA_OPS_7, *samples], options)
    with database.engine.connect() as conn:
        # A server keeps its foreign keys on during an import: the writes above were
        # checked as they went in.
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        events = conn.exec_driver_sql("SELECT count(*) FROM timeline_event").scalar()
        links = conn.exec_driver_sql("SELECT count(*) FROM incident_source_file").scalar()
    assert events and links


PD_STREAM = SHARED_DATA / "pagerduty_incident_and_log_entry.jsonl"


def events_by_key(session: Session, incident_id: int | None) -> dict[str | None, TimelineEvent]:
    found = session.exec(select(TimelineEvent).where(TimelineEvent.incident_id == incident_id))
    return {event.external_id: event for event in found}


def test_a_newer_export_moves_and_rewrites_a_changed_event(
    database: Database, tmp_path: Path
) -> None:
    """pagerduty_incident_and_log_entry.jsonl: its note, moved and then reworded in later exports."""
    run_import(database, [PD_STREAM])
    lines = [json.loads(line) for line in PD_STREAM.read_text().splitlines()]
    note = lines[1]["data"]
    target = incident(database, note["incident"]["id"])
    with database.session() as session:
        before = {k: (e.occurred_at, e.text) for k, e in events_by_key(session, target.id).items()}
    assert note["id"] in before

    def reimport(name: str) -> tuple[datetime, str]:
        newer = tmp_path / name
        newer.write_text("".join(json.dumps(line) + "\n" for line in lines))
        report = run_import(database, [newer])
        assert report.result.updated_events == 1 and report.new_events == 0
        outcome = next(o for o in report.result.incidents if o.key.endswith(target.external_id))
        assert outcome.change == "updated" and "timeline" in outcome.changed_fields
        with database.session() as session:
            after = {
                k: (e.occurred_at, e.text) for k, e in events_by_key(session, target.id).items()
            }
        others = {k: v for k, v in after.items() if k != note["id"]}
        assert others == {k: v for k, v in before.items() if k != note["id"]}
        return after[note["id"]]

    note["created_at"] = "2023-10-07T07:31:02Z"
    moved_at, text = reimport("moved.jsonl")
    assert moved_at == datetime(2023, 10, 7, 7, 31, 2, tzinfo=UTC)
    assert text == before[note["id"]][1]

    note["channel"]["summary"] = "Rolled back the admin deploy"
    same_time, reworded = reimport("reworded.jsonl")
    assert same_time == moved_at
    assert "Rolled back the admin deploy" in reworded and "sdgsdf" not in reworded


def written_rows(db: Database) -> tuple[list[tuple[object, ...]], ...]:
    """What an import wrote, without the times and ids of the import itself."""
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        incidents = conn.execute(
            "SELECT id, source, external_id, title, summary, severity, status, started_at,"
            " resolved_at, service_id, consistency_flags FROM incident ORDER BY id"
        ).fetchall()
        files = conn.execute(
            "SELECT i.external_id, f.name FROM incident_source_file l"
            " JOIN incident i ON i.id = l.incident_id JOIN source_file f ON f.id = l.source_file_id"
            " ORDER BY 1, 2"
        ).fetchall()
        events = conn.execute(
            "SELECT i.external_id, e.external_id, e.kind, e.text FROM timeline_event e"
            " JOIN incident i ON i.id = e.incident_id ORDER BY 1, 2, 3, 4"
        ).fetchall()
    return incidents, files, events


def test_incidents_inserted_a_few_at_a_time_keep_their_ids_events_and_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The log entries' incident comes from two files; the rest from the page alone.
    paths = [PD_PAGE, PD_LOG_ENTRIES, JIRA_OPS_7]
    whole = open_database(tmp_path / "whole.db")
    run_import(whole, paths)
    monkeypatch.setattr(incidents_writing, "INSERT_BATCH", 4)
    batched = open_database(tmp_path / "batched.db")
    run_import(batched, paths)

    rows = written_rows(batched)
    assert rows == written_rows(whole)
    incidents, files, events = rows
    assert len(incidents) == 27
    log_incident = json.loads(PD_LOG_ENTRIES.read_text())["log_entries"][0]["incident"]["id"]
    assert [name for key, name in files if key == log_incident] == sorted(
        [str(PD_PAGE), str(PD_LOG_ENTRIES)]
    )
    assert len(files) == 28
    assert {key for key, *_ in events} >= {log_incident}
    whole.close()
    batched.close()


def test_each_incident_is_linked_once_to_each_file_it_came_from(tmp_path: Path) -> None:
    # pagerduty_incidents_page.json holds 26 incidents; the same bytes under another name
    # are another file the user imported, and each incident is linked to both.
    copy = tmp_path / "page_again.json"
    copy.write_bytes(PD_PAGE.read_bytes())
    db = open_database(tmp_path / "links.db")
    run_import(db, [PD_PAGE])
    run_import(db, [PD_PAGE])  # the same file again: no second link
    run_import(db, [copy])
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        links = conn.execute(
            "SELECT f.name, count(*), count(DISTINCT l.incident_id) FROM incident_source_file l"
            " JOIN source_file f ON f.id = l.source_file_id GROUP BY f.name ORDER BY f.name"
        ).fetchall()
    # A file given by itself is named by its path.
    assert sorted((Path(name).name, *counts) for name, *counts in links) == [
        ("page_again.json", 26, 26),
        ("pagerduty_incidents_page.json", 26, 26),
    ]
