"""Slack exports against the hand-made export in tests/fixtures/slack (incident #12728's
channel) and PagerDuty's real incidents page, where #12728 is PH4UE4E."""

import json
import shutil
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from testdata import FIXTURES, SAMPLE_FILES, SHARED_DATA

from irdesk.domain.enums import EventKind
from irdesk.importers import parsing, registry
from irdesk.importers.formats import slack
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.formats.slack import channels
from irdesk.importers.parsing import SiblingFiles
from irdesk.importers.pipeline import ImportReport, run_import
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import SourceFile, load_sources
from irdesk.importers.records import ParsedFile, PersonRef
from irdesk.storage.database import Database

EXPORT = FIXTURES / "slack" / "export"
PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
DAY_1 = "inc-12728/2021-06-03.json"
DAY_2 = "inc-12728/2021-06-04.json"
# PH4UE4E was triggered at 20:16:54Z: its window opens an hour earlier.
IN_WINDOW = [
    "inc-12728:1622751425.000400",  # PagerDuty bot, 20:17:05
    "inc-12728:1622751670.000600",  # Michael, 20:21:10
    "inc-12728:1622751842.000200",  # Ana, pinned, 20:24:02
    "inc-12728:1622752005.000700",  # Michael, thread reply with :pushpin:, 20:26:45
    "inc-12728:1622752878.000900",  # kenji.w, shares a file, 20:41:18
    "inc-12728:1622753100.000100",  # topic change, 20:45:00
    "inc-12728:1622797953.000200",  # postmortem, 2021-06-04 09:12:33
    "inc-12728:1622798110.000300",  # thread reply, 09:15:10
    "inc-12728:1622845800.000500",  # closing message, 22:30:00
]
BEFORE_WINDOW = "inc-12728:1622745750.000300"  # 18:42:30, when the channel opened


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def export_files(root: Path = EXPORT) -> dict[str, SourceFile]:
    return {file.name: file for file in load_sources([root])}


def parse_in_export(relative: str, options: ImportOptions | None = None) -> ParsedFile:
    files = export_files()
    name = str(EXPORT / relative)
    return slack.FORMAT.parse_in_import(Content(files[name]), options or ImportOptions(), files)


def timeline(db: Database, external_id: str = "PH4UE4E") -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.exec_driver_sql(
                "SELECT e.external_id, e.occurred_at, e.kind, p.name, p.email, e.actor_name,"
                " e.is_key_moment, e.text FROM timeline_event e"
                " JOIN incident i ON i.id = e.incident_id"
                " LEFT JOIN person p ON p.id = e.actor_person_id"
                " WHERE i.external_id = ? AND e.source = 'slack' ORDER BY e.occurred_at",
                (external_id,),
            )
        ]


def zip_export(tmp_path: Path, top: str = "") -> Path:
    archive = tmp_path / "slack-export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(EXPORT.rglob("*")):
            if path.is_file():
                out.write(path, top + path.relative_to(EXPORT).as_posix())
    return archive


def pagerduty_page_with(tmp_path: Path, **changes: Any) -> Path:
    page = json.loads(PD_PAGE.read_bytes())
    (incident,) = (i for i in page["incidents"] if i["id"] == "PH4UE4E")
    incident.update(changes)
    path = tmp_path / "incidents.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    return path


# --- recognising an export's files ----------------------------------------------------------------


def test_every_file_of_the_export_is_recognised_as_slack() -> None:
    for file in load_sources([EXPORT]):
        assert registry.detect(Content(file)).name == "slack", file.name


@pytest.mark.parametrize("name", [p.name for p in SAMPLE_FILES])
def test_sniff_leaves_other_tools_alone(name: str) -> None:
    assert not slack.sniff(Content(SourceFile(name, (SHARED_DATA / name).read_bytes())))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("export/users.json", b'{"users": []}'),  # not Slack's list
        ("export/users.json", b'[{"login": "ana"}]'),
        ("export/channels.json", b'[{"id": "C1"}]'),  # no name
        ("export/inc-1/2021-06-03.json", b'{"messages": []}'),
        ("export/inc-1/2021-06-03.json", b'[{"id": "PH4UE4E", "title": "x"}]'),
        ("export/inc-1/2021-06-03.json", b"[{"),
        ("export/inc-1/2021-06-03.csv", b"ts,text\n1,a\n"),
        ("export/inc-1/messages.json", b'[{"type": "message", "ts": "1.2"}]'),
    ],
)
def test_sniff_needs_slack_names_and_shapes(name: str, data: bytes) -> None:
    assert not slack.sniff(Content(SourceFile(name, data)))


def test_workspace_files_give_no_records() -> None:
    for relative in ("users.json", "integration_logs.json"):
        parsed = parse_in_export(relative)
        assert (parsed.incidents, parsed.event_batches, parsed.warnings) == ([], [], [])


# --- a channel's day file -----------------------------------------------------------------------


def test_day_file_becomes_a_batch_for_the_channels_incident() -> None:
    parsed = parse_in_export(DAY_1)
    assert parsed.format == "slack" and parsed.incidents == [] and parsed.warnings == []
    (batch,) = parsed.event_batches
    assert (batch.source, batch.incident_external_id, batch.incident_ref) == ("slack", "", "#12728")
    assert batch.location == "channel #inc-12728"
    assert batch.required is False  # guessed from the name: a miss only warns
    assert batch.window == (timedelta(hours=1), timedelta(hours=24))
    # Joins and the "pinned a message" notice are left out; the rest in time order.
    assert [e.external_id for e in batch.events] == [BEFORE_WINDOW, *IN_WINDOW[:6]]
    assert {e.kind for e in batch.events} == {EventKind.NOTE}
    opened, bot, michael, pinned, reply, shared, topic = batch.events
    assert opened.occurred_at == utc(2021, 6, 3, 18, 42, 30, 300)
    assert pinned.occurred_at == utc(2021, 6, 3, 20, 24, 2, 200)  # microseconds exact
    assert bot.actor is None
    assert bot.text == (
        "PagerDuty: Triggered #12728 (https://pdt-giran.pagerduty.com/incidents/PH4UE4E) "
        "Test — BD: Analytics (P4)"
    )
    assert michael.actor == PersonRef("Michael Mandy", "michael.mandy@example.com")
    assert michael.text == (
        "I'm on it. Query latency on the analytics replica is at 9s p95 & climbing."
    )
    assert pinned.actor == PersonRef("Ana Pérez", "ana.perez@example.com")
    assert pinned.text == (
        "Replica lag started right after the 20:05 schema migration "
        "PR 311 (https://git.example.com/analytics/pull/311)."
    )
    assert reply.text == "↳ Agreed, @Ana Pérez. Rolling back the migration now."
    # An empty real_name: the display name is what people know them by.
    assert shared.actor == PersonRef("kenji.w", "kenji.watanabe@example.com")
    assert shared.text.endswith("Dashboards load in ~2s again. [shared replica-lag.png]")
    assert topic.text.startswith("@Ana Pérez set the channel topic: Mitigated")
    assert [e.is_key_moment for e in batch.events] == [
        False,
        False,
        False,
        True,
        True,
        False,
        False,
    ]


def test_key_reaction_option() -> None:
    (batch,) = parse_in_export(
        DAY_1, ImportOptions(key_reaction=":white_check_mark:")
    ).event_batches
    keys = {e.external_id for e in batch.events if e.is_key_moment}
    # Pinned stays a key moment; the :pushpin: reply no longer is; the ✅ message now is.
    assert keys == {IN_WINDOW[2], IN_WINDOW[4]}


def test_channel_list_warns_once_about_an_unlinked_channel() -> None:
    parsed = parse_in_export("channels.json")
    assert parsed.event_batches == []
    assert parsed.warnings == [
        "channel #random (1 day file(s)) not linked to any incident; skipped (name it "
        "inc-<number>, put the incident's link in its topic, or link it in the Slack channel "
        "options)"
    ]
    assert parsed.unlinked_channels == ["random"]
    # Its day file is silent: the channel list said it.
    random_day = parse_in_export("random/2021-06-03.json")
    assert (random_day.event_batches, random_day.warnings) == ([], [])
    assert random_day.unlinked_channels == []


def test_explicit_channel_link_is_required() -> None:
    options = ImportOptions(slack_channels={"#random": "pagerduty:PE8XPNI"})
    (batch,) = parse_in_export("random/2021-06-03.json", options).event_batches
    assert (batch.incident_ref, batch.required) == ("pagerduty:PE8XPNI", True)
    assert batch.location == "channel #random"
    assert parse_in_export("channels.json", options).warnings == []
    (batch,) = parse_in_export(
        DAY_1, ImportOptions(slack_channels={"INC-12728": "#1"})
    ).event_batches
    assert (batch.incident_ref, batch.required) == ("#1", True)
    missing = ImportOptions(slack_channels={"war-room": "#1"})
    assert parse_in_export("channels.json", missing).warnings[-1] == (
        "the Slack channel options name #war-room, which this export does not have"
    )


def test_a_day_file_alone_has_no_names() -> None:
    file = SourceFile(str(EXPORT / DAY_1), (EXPORT / DAY_1).read_bytes())
    parsed = slack.parse(Content(file), ImportOptions())
    (batch,) = parsed.event_batches
    assert all(e.actor is None for e in batch.events)
    assert "@U01ANAPRZ" in batch.events[4].text
    assert parsed.warnings == [
        "no users.json from this export in the import: messages are shown without their authors "
        "(import the whole export folder or zip)"
    ]


def test_authors_missing_from_users_json() -> None:
    files = export_files()
    day = files[str(EXPORT / DAY_1)]
    messages = json.loads(day.data)
    messages[4]["user"] = "U09GHOST"
    messages[6]["user"] = "U08GUEST"
    messages[6]["user_profile"] = {"real_name": "Guest From Partner", "display_name": "guest"}
    changed = SourceFile(day.name, json.dumps(messages).encode())
    files[day.name] = changed
    parsed = slack.FORMAT.parse_in_import(Content(changed), ImportOptions(), files)
    events = {e.external_id: e for e in parsed.event_batches[0].events}
    assert events[IN_WINDOW[1]].actor is None
    assert events[IN_WINDOW[3]].actor == PersonRef("Guest From Partner")
    assert parsed.warnings == [
        "1 author(s) not in users.json (U09GHOST): their messages have no author"
    ]


@pytest.mark.parametrize(
    ("channel", "reference"),
    [
        ("inc-12728", "#12728"),
        ("inc-12728-checkout", "#12728"),
        ("incident_0042", "#42"),
        ("incident-INC-1042", "INC-1042"),
        ("inc-ops-77-db-failover", "OPS-77"),
        ("inc-2021-06-03-db", None),  # a date, not an incident number
        ("inc-sev-1", None),
        ("random", None),
        ("incidents", None),
        ("checkout-inc-12728", None),
    ],
)
def test_reference_from_channel_name(channel: str, reference: str | None) -> None:
    assert channels.reference_from_name(channel) == reference


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        (
            "Mitigated | <https://pdt-giran.pagerduty.com/incidents/PH4UE4E>",
            "https://pdt-giran.pagerduty.com/incidents/PH4UE4E",
        ),
        (
            "Tracking in <https://jira.example.com/browse/OPS-9|OPS-9>",
            "https://jira.example.com/browse/OPS-9",
        ),
        ("War room for pagerduty:PH4UE4E", "pagerduty:PH4UE4E"),
        ("SEV-1 checkout outage, ticket INC-1042", "INC-1042"),
        ("Status: mitigated, see #12728", "#12728"),
        ("Non-work banter", None),
        ("", None),
    ],
)
def test_reference_from_topic(text: str, reference: str | None) -> None:
    assert channels.reference_from_text(text) == reference


def test_channel_named_by_its_topic_only() -> None:
    files = export_files()
    channels = json.loads(files[str(EXPORT / "channels.json")].data)
    channels[1]["name"] = "analytics-war-room"
    renamed = {
        name.replace("/inc-12728/", "/analytics-war-room/"): file for name, file in files.items()
    }
    renamed[str(EXPORT / "channels.json")] = SourceFile(
        str(EXPORT / "channels.json"), json.dumps(channels).encode()
    )
    name = str(EXPORT / "analytics-war-room" / "2021-06-03.json")
    day = SourceFile(name, files[str(EXPORT / DAY_1)].data)
    (batch,) = slack.FORMAT.parse_in_import(Content(day), ImportOptions(), renamed).event_batches
    assert batch.incident_ref == "https://pdt-giran.pagerduty.com/incidents/PH4UE4E"
    assert batch.events[0].external_id.startswith("analytics-war-room:")


# --- bad input -------------------------------------------------------------------------------------


def _problem(relative: str, data: bytes) -> ImportProblem:
    files: SiblingFiles = export_files()
    file = SourceFile(str(EXPORT / relative), data)
    with pytest.raises(ImportProblem) as caught:
        slack.FORMAT.parse_in_import(Content(file), ImportOptions(), {**files, file.name: file})
    return caught.value


def test_bad_messages_are_located() -> None:
    messages = json.loads((EXPORT / DAY_1).read_bytes())
    messages[4]["ts"] = "yesterday"
    problem = _problem(DAY_1, json.dumps(messages).encode())
    assert (problem.location, problem.field, problem.found) == ("[4].ts", "ts", "yesterday")
    messages[4] = "hello"
    assert _problem(DAY_1, json.dumps(messages).encode()).location == "[4]"
    assert _problem(DAY_1, b'{"messages": []}').location == "top level"
    problem = _problem("users.json", b'[{"id": "U1", "name": "a"}, {"name": "no id"}]')
    assert (problem.file, problem.location) == (str(EXPORT / "users.json"), "[1]")
    problem = _problem("channels.json", b'[{"id": "C1", "name": "a"}, {"id": "C2"}]')
    assert problem.location == "[1]"
    assert _problem("integration_logs.json", b"[]").location == "top level"


def test_users_json_broken_stops_the_day_file_too() -> None:
    files = export_files()
    users = SourceFile(str(EXPORT / "users.json"), b'[{"id": "U1", "name": "a"}, 7]')
    files[users.name] = users
    with pytest.raises(ImportProblem) as caught:
        slack.FORMAT.parse_in_import(Content(files[str(EXPORT / DAY_1)]), ImportOptions(), files)
    assert (caught.value.file, caught.value.location) == (users.name, "[1]")


def test_day_file_outside_a_channel_folder() -> None:
    file = SourceFile("slack.zip!2021-06-03.json", (EXPORT / DAY_1).read_bytes())
    with pytest.raises(ImportProblem) as caught:
        slack.parse(Content(file), ImportOptions())
    assert "channel's folder" in caught.value.expected


# --- through the pipeline, with PagerDuty's incident ------------------------------------------------


def assert_channel_on_ph4ue4e(database: Database, report: ImportReport) -> None:
    rows = timeline(database)
    assert [row[0] for row in rows] == IN_WINDOW
    by_id = {row[0]: row for row in rows}
    assert BEFORE_WINDOW not in by_id
    assert by_id[IN_WINDOW[2]][1:] == (
        "2021-06-03 20:24:02.000200",
        "note",
        "Ana Pérez",
        "ana.perez@example.com",
        "Ana Pérez",
        1,
        "Replica lag started right after the 20:05 schema migration "
        "PR 311 (https://git.example.com/analytics/pull/311).",
    )
    assert by_id[IN_WINDOW[3]][3:7] == (
        "Michael Mandy",
        "michael.mandy@example.com",
        "Michael Mandy",
        1,
    )
    assert by_id[IN_WINDOW[4]][3] == "kenji.w"
    assert by_id[IN_WINDOW[0]][3:7] == (None, None, None, 0)  # the bot is no person
    assert [row[0] for row in rows if row[6]] == [IN_WINDOW[2], IN_WINDOW[3]]
    assert any(
        w.endswith(
            "channels.json: channel #random (1 day file(s)) not linked to any incident; "
            "skipped (name it inc-<number>, put the incident's link in its topic, or "
            "link it in the Slack channel options)"
        )
        for w in report.warnings
    )
    assert (
        "channel #inc-12728: 1 event(s) outside the time window of pagerduty:PH4UE4E "
        "(from 2021-06-03 19:16 UTC on, as it has no end time) left out"
    ) in report.warnings


def test_pagerduty_and_slack_folder(database: Database) -> None:
    report = run_import(database, [PD_PAGE, EXPORT])
    assert_channel_on_ph4ue4e(database, report)
    assert {f.format for f in report.files} == {"pagerduty", "slack"}
    assert report.count("new") == 26  # Slack adds events, never incidents
    # The chat did not move the incident's lifecycle.
    with database.engine.connect() as conn:
        started, status = conn.exec_driver_sql(
            "SELECT started_at, status FROM incident WHERE external_id = 'PH4UE4E'"
        ).one()
    assert (started, status) == ("2021-06-03 20:16:54.000000", "triggered")
    # No random-channel lunch anywhere.
    with database.engine.connect() as conn:
        texts = [t for (t,) in conn.exec_driver_sql("SELECT text FROM timeline_event")]
    assert not any("ramen" in text for text in texts)

    again = run_import(database, [PD_PAGE, EXPORT])
    assert again.new_events == 0 and not again.changed_anything
    assert len(timeline(database)) == len(IN_WINDOW)


@pytest.mark.parametrize("top", ["", "slack-export/"], ids=["flat", "in-a-folder"])
def test_a_zip_of_the_export_works_the_same(database: Database, tmp_path: Path, top: str) -> None:
    archive = zip_export(tmp_path, top)
    report = run_import(database, [PD_PAGE, archive])
    assert_channel_on_ph4ue4e(database, report)
    assert any(f.name == f"{archive}!{top}users.json" for f in report.files)
    # The same messages from the folder are the same events.
    again = run_import(database, [PD_PAGE, EXPORT])
    assert again.new_events == 0


def test_zip_member_names_find_their_export(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The names sources.py gives zip members, checked without reading a zip.
    archive = tmp_path / "slack-export.zip"
    members = [
        SourceFile(f"{archive}!{path.relative_to(EXPORT).as_posix()}", path.read_bytes())
        for path in sorted(EXPORT.rglob("*"))
        if path.is_file()
    ]
    real = parsing.load_sources
    monkeypatch.setattr(
        parsing, "load_sources", lambda paths, skipped=None: [*real([PD_PAGE]), *members]
    )
    report = run_import(database, [PD_PAGE, archive])
    assert_channel_on_ph4ue4e(database, report)
    assert any(f.name == f"{archive}!users.json" for f in report.files)


def test_window_closes_a_day_after_resolution(database: Database, tmp_path: Path) -> None:
    resolved = pagerduty_page_with(
        tmp_path, status="resolved", resolved_at="2021-06-03T21:00:00Z", acknowledgements=[]
    )
    report = run_import(database, [resolved, EXPORT])
    assert [row[0] for row in timeline(database)] == IN_WINDOW[:-1]  # 22:30 the next day is out
    assert (
        "channel #inc-12728: 2 event(s) outside the time window of pagerduty:PH4UE4E "
        "(from 2021-06-03 19:16 UTC to 2021-06-04 21:00 UTC) left out"
    ) in report.warnings


def test_slack_alone_links_to_incidents_already_in_the_database(database: Database) -> None:
    run_import(database, [PD_PAGE])
    # "#12728" is PagerDuty's incident number, which only the incidents page knows: the
    # earlier import stored it as an alias, so the channel inc-12728 finds its incident.
    report = run_import(database, [EXPORT])
    assert [row[0] for row in timeline(database)] == IN_WINDOW
    assert report.unlinked_channels == ["random"]
    assert not any("no incident known as" in warning for warning in report.warnings)
    # By key and by URL as well, and nothing new.
    options = ImportOptions(slack_channels={"inc-12728": "pagerduty:PH4UE4E"})
    assert run_import(database, [EXPORT], options).new_events == 0
    url = ImportOptions(
        slack_channels={"inc-12728": "https://pdt-giran.pagerduty.com/incidents/PH4UE4E"}
    )
    assert run_import(database, [EXPORT], url).new_events == 0


def test_an_explicit_link_that_finds_nothing_stops_the_import(
    database: Database, tmp_path: Path
) -> None:
    run_import(database, [PD_PAGE])
    options = ImportOptions(slack_channels={"inc-12728": "pagerduty:PNOTHERE"})
    with pytest.raises(ImportProblem) as caught:
        run_import(database, [EXPORT], options)
    problem = caught.value
    assert problem.location == "channel #inc-12728" and problem.found == "pagerduty:PNOTHERE"
    assert "'pagerduty:PNOTHERE'" in str(problem)
    with database.engine.connect() as conn:
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM timeline_event WHERE source = 'slack'"
            ).scalar()
            == 0
        )
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM source_file WHERE format = 'slack'").scalar()
            == 0
        )


def test_a_copy_of_the_export_elsewhere_is_the_same_chat(
    database: Database, tmp_path: Path
) -> None:
    copy = tmp_path / "another-download"
    shutil.copytree(EXPORT, copy)
    run_import(database, [PD_PAGE, EXPORT])
    assert run_import(database, [PD_PAGE, copy]).new_events == 0
