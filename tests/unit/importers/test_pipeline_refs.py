"""EventBatches that name their incident by reference (incident_ref), and the pipeline's
hook for formats that read a file with the rest of the import in view."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from testdata import SHARED_DATA

from irdesk.domain.enums import EventKind, IncidentStatus
from irdesk.importers import pipeline, registry
from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.parsing import ReadsWithImport, SiblingFiles, parse_files
from irdesk.importers.pipeline import run_import
from irdesk.importers.problems import ImportProblem
from irdesk.importers.records import EventBatch, EventRecord, IncidentRecord, ParsedFile
from irdesk.importers.referrals import stored_incidents_by_reference
from irdesk.storage.bulk.import_transaction import import_transaction
from irdesk.storage.database import Database

pytestmark = pytest.mark.both_backends

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
WINDOW = (timedelta(hours=1), timedelta(hours=24))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


START = utc(2026, 10, 14, 9, 0)


def parsed_file(
    name: str, incidents: Iterable[IncidentRecord] = (), batches: Iterable[EventBatch] = ()
) -> ParsedFile:
    return ParsedFile(
        name=name,
        sha256=hashlib.sha256(name.encode()).hexdigest(),
        size=1,
        format="test",
        incidents=list(incidents),
        event_batches=list(batches),
    )


def note(minute_offset: int, key: str) -> EventRecord:
    """A chat message `minute_offset` minutes after the test incident started."""
    return EventRecord(
        START + timedelta(minutes=minute_offset), EventKind.NOTE, "chat", key, f"note {key}"
    )


def chat(reference: str, *events: EventRecord, **fields: Any) -> EventBatch:
    return EventBatch(
        source="chat",
        incident_external_id="",
        location="channel #inc-1",
        events=list(events),
        incident_ref=reference,
        channel="inc-1",
        **fields,
    )


def incident(**fields: Any) -> IncidentRecord:
    values: dict[str, Any] = {
        "source": "tracker",
        "external_id": "T-1",
        "title": "Checkout down",
        "location": "[0]",
        "status": IncidentStatus.RESOLVED,
        "started_at": utc(2026, 10, 14, 9, 0),
        "resolved_at": utc(2026, 10, 14, 10, 0),
        "aliases": ["#41", "https://tracker.example.com/T-1"],
    }
    values.update(fields)
    return IncidentRecord(**values)


def run_parsed(
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    files: list[ParsedFile],
    **kwargs: Any,
) -> pipeline.ImportReport:
    monkeypatch.setattr(pipeline, "parse_files", lambda *args, **kw: files)
    # A server's import reads them one by one (importers/overlapped).
    monkeypatch.setattr(pipeline, "parsed_one_by_one", lambda *args, **kw: iter(files))
    return run_import(db, [], **kwargs)


def chat_events(db: Database) -> list[tuple[str, str]]:
    with db.engine.connect() as conn:
        return [
            (key, ext)
            for key, ext in conn.exec_driver_sql(
                "SELECT e.external_id, i.external_id FROM timeline_event e"
                " JOIN incident i ON i.id = e.incident_id WHERE e.source = 'chat'"
                " ORDER BY e.occurred_at"
            )
        ]


# --- within one import --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference", ["#41", "tracker:T-1", "T-1", "t-1", "https://tracker.example.com/T-1"]
)
def test_reference_to_an_incident_of_the_same_import(
    database: Database, monkeypatch: pytest.MonkeyPatch, reference: str
) -> None:
    files = [
        parsed_file("tracker.json", [incident()]),
        parsed_file("chat/day.json", batches=[chat(reference, note(5, "a"), note(10, "b"))]),
    ]
    report = run_parsed(database, monkeypatch, files)
    assert chat_events(database) == [("a", "T-1"), ("b", "T-1")]
    assert report.warnings == []
    with database.engine.connect() as conn:
        linked = conn.exec_driver_sql(
            "SELECT f.name FROM incident_source_file l JOIN source_file f ON f.id = l.source_file_id"
            " ORDER BY f.name"
        ).all()
    assert [name for (name,) in linked] == ["chat/day.json", "tracker.json"]


def test_window_bounds(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    events = [
        note(-61, "too-early"),
        note(-60, "an-hour-before"),
        note(30, "during"),
        note(60 + 24 * 60, "a-day-after"),
        note(61 + 24 * 60, "too-late"),
    ]
    files = [
        parsed_file("tracker.json", [incident()]),
        parsed_file("chat.json", batches=[chat("#41", *events, window=WINDOW)]),
    ]
    report = run_parsed(database, monkeypatch, files)
    assert [key for key, _ in chat_events(database)] == ["an-hour-before", "during", "a-day-after"]
    assert report.warnings == [
        "channel #inc-1: 2 event(s) outside the time window of tracker:T-1 "
        "(from 2026-10-14 08:00 UTC to 2026-10-15 10:00 UTC) left out"
    ]


def test_window_uses_verification_and_detection_and_is_open_without_times(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified = incident(
        external_id="T-2",
        aliases=["#42"],
        started_at=None,
        detected_at=utc(2026, 10, 14, 9, 30),
        verified_at=utc(2026, 10, 16, 10, 0),
    )
    unknown = incident(
        external_id="T-3",
        aliases=["#43"],
        started_at=None,
        resolved_at=None,
        status=IncidentStatus.TRIGGERED,
    )
    files = [
        parsed_file("tracker.json", [verified, unknown]),
        parsed_file(
            "chat.json",
            batches=[
                chat(
                    "#42",
                    note(-31, "early"),
                    note(-30, "ok"),
                    note(3 * 24 * 60, "late-ok"),
                    window=WINDOW,
                ),
                chat("#43", note(-10_000, "x"), note(10_000, "y"), window=WINDOW),
            ],
        ),
    ]
    run_parsed(database, monkeypatch, files)
    assert chat_events(database) == [("x", "T-3"), ("ok", "T-2"), ("late-ok", "T-2"), ("y", "T-3")]


def test_referring_events_do_not_move_the_lifecycle(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = incident(started_at=None, resolved_at=None, status=IncidentStatus.TRIGGERED)
    files = [
        parsed_file("tracker.json", [bare]),
        parsed_file("chat.json", batches=[chat("#41", note(0, "a"))]),
    ]
    run_parsed(database, monkeypatch, files)
    with database.engine.connect() as conn:
        started = conn.exec_driver_sql("SELECT started_at FROM incident").scalar()
    assert started is None  # chat is not when impact began


# --- against the database -----------------------------------------------------------------------


def test_stored_incidents_by_reference(database: Database) -> None:
    run_import(database, [PD_PAGE])
    with import_transaction(database, dry_run=True) as tx:
        found = stored_incidents_by_reference(
            tx,
            [
                "pagerduty:PH4UE4E",
                "https://pdt-giran.pagerduty.com/incidents/PE8XPNI",
                "ph4ue4e",
                "#12728",  # PagerDuty's incident number, stored as an alias
                "#99999",  # a number no incident has
                "jira:PH4UE4E",
            ],
        )
    assert sorted(found) == [
        "#12728",
        "https://pdt-giran.pagerduty.com/incidents/PE8XPNI",
        "pagerduty:PH4UE4E",
        "ph4ue4e",
    ]
    assert found["#12728"][0] == found["pagerduty:PH4UE4E"][0]
    _id, target = found["pagerduty:PH4UE4E"]
    assert target.label == "pagerduty:PH4UE4E"
    assert (target.start, target.end) == (utc(2021, 6, 3, 20, 16, 54), None)
    _id, resolved = found["https://pdt-giran.pagerduty.com/incidents/PE8XPNI"]
    assert resolved.end == utc(2021, 5, 3, 19, 10, 47)


def test_number_reference_finds_a_numeric_external_id(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_parsed(database, monkeypatch, [parsed_file("t.json", [incident(external_id="4711")])])
    run_parsed(
        database, monkeypatch, [parsed_file("c.json", batches=[chat("#4711", note(1, "a"))])]
    )
    assert chat_events(database) == [("a", "4711")]


def test_unlinked_references(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    guessed = chat("#999", note(1, "a"), note(2, "b"), required=False)
    report = run_parsed(database, monkeypatch, [parsed_file("c.json", batches=[guessed])])
    assert chat_events(database) == []
    assert report.warnings == [
        "channel #inc-1: no incident known as '#999' in this import or the database; "
        "2 event(s) skipped"
    ]
    assert report.unlinked_channels == ["inc-1"]  # for the import dialog to offer a link
    files = [
        parsed_file("tracker.json", [incident()]),
        parsed_file("c.json", batches=[chat("#999", note(1, "a"))]),
    ]
    with pytest.raises(ImportProblem) as caught:
        run_parsed(database, monkeypatch, files)
    problem = caught.value
    assert (problem.file, problem.location, problem.field, problem.found) == (
        "c.json",
        "channel #inc-1",
        "incident",
        "#999",
    )
    assert problem.channel == "inc-1"
    with database.engine.connect() as conn:  # all or nothing: the tracker incident is not there
        assert conn.exec_driver_sql("SELECT count(*) FROM incident").scalar() == 0


def test_batches_keyed_by_external_id_are_unchanged(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyed = EventBatch("tracker", "T-9", "log", [note(1, "a")])
    with pytest.raises(ImportProblem, match="import the incident list too"):
        run_parsed(database, monkeypatch, [parsed_file("log.json", batches=[keyed])])


# --- formats that read with the import -----------------------------------------------------------


@dataclass(frozen=True)
class _Recorder(SourceFormat):
    def sniff_in_import(
        self, content: Content, options: ImportOptions, siblings: SiblingFiles
    ) -> bool:
        return content.name.endswith(".chat.json")

    def parse_in_import(
        self, content: Content, options: ImportOptions, siblings: SiblingFiles
    ) -> ParsedFile:
        parsed = content.parsed(self.name)
        parsed.warnings.append(",".join(sorted(Path(name).name for name in siblings)))
        return parsed


def _never(content: Content) -> bool:
    return False


def _refuse(content: Content, options: ImportOptions) -> ParsedFile:
    raise AssertionError("parse_in_import is used instead")


def test_formats_reading_with_the_import_get_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = _Recorder("recorder", "test", sniff=_never, parse=_refuse)
    assert isinstance(recorder, ReadsWithImport)
    pagerduty = registry.format_named("pagerduty")
    assert not isinstance(pagerduty, ReadsWithImport)
    monkeypatch.setattr(registry, "formats", lambda: (pagerduty, recorder))
    monkeypatch.setattr(registry, "in_detection_order", lambda: iter((pagerduty, recorder)))
    (tmp_path / "a.chat.json").write_text("x", encoding="utf-8")
    (tmp_path / "b.chat.json").write_text("y", encoding="utf-8")
    (tmp_path / "incidents.json").write_bytes(PD_PAGE.read_bytes())
    parsed = parse_files([tmp_path], ImportOptions())
    assert [p.format for p in parsed] == ["recorder", "recorder", "pagerduty"]
    assert parsed[0].warnings == ["a.chat.json,b.chat.json,incidents.json"]
    # A format the user names is read the same way.
    monkeypatch.setattr(registry, "format_named", lambda name: recorder)
    parsed = parse_files([tmp_path / "incidents.json"], ImportOptions(format="recorder"))
    assert parsed[0].warnings == ["incidents.json"]
