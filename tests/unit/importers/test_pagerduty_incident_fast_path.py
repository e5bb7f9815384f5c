"""The fast reading of PagerDuty incidents gives what the careful, located one gives.

A page of a million incidents is read by `plain_incident`, which skips locations and
falls back to the careful reader (`incidents.incident`) at anything unusual. These tests
read the same files with the fast path switched off and require the same records, the
same start as stored, the same warnings and the same problems: on the real samples
(/work/shared/data/pagerduty_incidents_page.json and
pagerduty_incident_and_log_entry.jsonl) and on generated incidents holding every value
that sends the fast path back to the careful one.
"""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from testdata import SHARED_DATA

from irdesk.domain.enums import EventKind, IncidentStatus, Severity
from irdesk.domain.lifecycle import joined_flags, lifecycle_problems
from irdesk.importers.formats import pagerduty
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.formats.pagerduty import log_entries, plain_incidents
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import SourceFile
from irdesk.importers.records import IncidentRecord
from irdesk.importers.writing.incidents import _new_incident
from irdesk.storage.bulk.stored_text import db_time

PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
AIRBYTE = SHARED_DATA / "pagerduty_incident_and_log_entry.jsonl"


def _never_plain(_reader: object, _value: object, _location: str) -> IncidentRecord:
    raise log_entries.Unusual


def _read(name: str, data: bytes, options: ImportOptions) -> tuple[Any, ...] | str:
    """Every incident with its start as stored, the warnings and what was left out, or
    the problem's text."""
    content = Content(SourceFile(name, data))
    try:
        parsed = pagerduty.parse(content, options)
    except ImportProblem as problem:
        return str(problem)
    parsed.materialise()
    return (
        [
            (record, record.stored_start or db_time(record.started_at))
            for record in parsed.incidents
        ],
        parsed.warnings,
        parsed.left_out,
    )


def _both_ways(
    name: str, data: bytes, monkeypatch: pytest.MonkeyPatch, options: ImportOptions | None = None
) -> tuple[object, object, int]:
    """(fast reading, careful reading, how many incidents the fast path read itself)."""
    options = options or ImportOptions()
    plain = plain_incidents.plain_incident
    read_fast = 0

    def counting(reader: Any, value: object, location: str) -> IncidentRecord:
        nonlocal read_fast
        record = plain(reader, value, location)
        read_fast += 1
        return record

    with monkeypatch.context() as patched:
        patched.setattr(plain_incidents, "plain_incident", counting)
        fast = _read(name, data, options)
    with monkeypatch.context() as patched:
        patched.setattr(plain_incidents, "plain_incident", _never_plain)
        careful = _read(name, data, options)
    return fast, careful, read_fast


def test_the_real_incidents_page_reads_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    # pagerduty_incidents_page.json: 26 incidents; PH4UE4E, still open, lists an
    # assignment, which only the careful reader reads.
    fast, careful, read_fast = _both_ways(PAGE.name, PAGE.read_bytes(), monkeypatch)
    assert fast == careful
    assert isinstance(fast, tuple) and len(fast[0]) == 26
    assert read_fast == 25


def test_the_real_airbyte_lines_read_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    # pagerduty_incident_and_log_entry.jsonl: one incident record and one log entry; the
    # incident, triggered, lists its assignment, so the careful reader reads it.
    fast, careful, read_fast = _both_ways(AIRBYTE.name, AIRBYTE.read_bytes(), monkeypatch)
    assert fast == careful
    assert isinstance(fast, tuple) and len(fast[0]) == 1
    assert read_fast == 0


def test_a_clock_offset_moves_both_ways_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    options = ImportOptions(clock_offsets={"pagerduty": timedelta(minutes=3)})
    fast, careful, read_fast = _both_ways(PAGE.name, PAGE.read_bytes(), monkeypatch, options)
    assert fast == careful
    assert read_fast == 25


def _page(*incidents: object) -> bytes:
    envelope = {"incidents": list(incidents), "limit": 100, "offset": 0, "more": False}
    return json.dumps(envelope).encode()


def test_a_well_formed_incident_is_read_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    incident = {
        "id": " PQ1 ",
        "incident_number": 41,
        "title": " Checkout down ",
        "description": "Checkout down",
        "html_url": "https://acme.pagerduty.com/incidents/PQ1",
        "created_at": "2026-05-02T10:00:00Z",
        "resolved_at": "2026-05-02T11:30:00Z",
        "status": "Resolved",
        "service": {"id": "PS1", "type": "service_reference", "summary": "checkout"},
        "priority": {"id": "PP1", "summary": "P2"},
        "first_trigger_log_entry": {"id": "RT1", "summary": "Triggered through the API"},
        "last_status_change_by": {"type": "user_reference", "summary": "Ann Lee"},
        "acknowledgements": [],
        "assignments": None,
    }
    fast, careful, read_fast = _both_ways("page.json", _page(incident), monkeypatch)
    assert fast == careful and read_fast == 1
    assert isinstance(fast, tuple)
    ((record, stored_start),) = fast[0]
    assert (record.external_id, record.title, record.summary) == ("PQ1", "Checkout down", None)
    assert (record.service, record.service_key) == ("checkout", "PS1")
    assert (record.severity, record.severity_raw) == (Severity.SEV2, "P2")
    assert record.status is IncidentStatus.RESOLVED
    assert record.started_at == record.detected_at == datetime(2026, 5, 2, 10, 0, tzinfo=UTC)
    assert record.resolved_at == datetime(2026, 5, 2, 11, 30, tzinfo=UTC)
    assert stored_start == "2026-05-02 10:00:00.000000"
    assert record.aliases == ("#41", "41", "https://acme.pagerduty.com/incidents/PQ1", "PQ1")
    assert [(e.kind, e.external_id, e.text) for e in record.events] == [
        (EventKind.ALERT, "RT1", "Triggered through the API"),
        (EventKind.RESOLVE, "resolved", "Resolved by Ann Lee"),
    ]
    assert record.events[1].actor is not None and record.events[1].actor.name == "Ann Lee"


# Values a field may hold: usual ones, blanks, and the wrong types a damaged export has.
TEXTS = st.one_of(
    st.none(),
    st.sampled_from(["", "  ", "Disk full", " Disk full ", "<b>&amp;</b>"]),
    st.integers(0, 3),
    st.lists(st.just("x"), max_size=1),
)
TIMES = st.sampled_from(
    [
        "2026-03-01T10:00:00Z",
        "2026-03-01T09:00:00Z",
        "2026-03-01T10:00:00.250Z",
        "2026-03-01T11:00:00+01:00",
        "2026-03-01 10:00:00",
        "yesterday",
        "",
        None,
        5,
    ]
)
REFERENCES = st.one_of(
    st.none(),
    st.just("PXYZ"),
    st.just([]),
    st.fixed_dictionaries(
        {},
        optional={
            "id": TEXTS,
            "type": st.sampled_from(["user_reference", "service_reference", "user", 4]),
            "summary": TEXTS,
            "name": TEXTS,
            "email": st.sampled_from([None, "ann@example.com", 7]),
        },
    ),
)
LISTS = st.one_of(
    st.none(),
    st.just([]),
    st.just(0),
    st.just(""),
    st.just({}),
    st.just("x"),
    st.just([{"at": "2026-03-01T10:05:00Z", "acknowledger": {"id": "PU1", "summary": "Ann"}}]),
    st.just([{"at": "2026-03-01T10:01:00Z", "assignee": {"id": "PU2", "summary": "Bo"}}]),
)
# Every field an incident may have, each with values the fast path reads itself ...
USUAL: dict[str, st.SearchStrategy[Any]] = {
    "incident_number": st.sampled_from([12, 12, 13, None]),
    "title": st.sampled_from(["Disk full", " Disk full ", None, ""]),
    "description": st.sampled_from(["Disk full", "Disk 3 at 100%", None, " "]),
    "summary": st.sampled_from(["[#12] Disk full", None]),
    "html_url": st.sampled_from(["https://acme.pagerduty.com/incidents/PA1", None]),
    "status": st.sampled_from(["triggered", "acknowledged", "resolved", " Resolved ", None]),
    "last_status_change_at": st.sampled_from(["2026-03-01T10:40:00Z", None, ""]),
    "resolved_at": st.sampled_from(["2026-03-01T10:30:00Z", "2026-03-01T09:00:00Z", None]),
    "service": st.sampled_from(
        [None, {"id": "PS1", "summary": "checkout"}, {"summary": " checkout "}, {}]
    ),
    "priority": st.sampled_from([None, {"summary": "P1"}, {"name": "p3"}, {"summary": "Sev9"}]),
    "first_trigger_log_entry": st.sampled_from(
        [None, {"id": "RT1", "summary": "Triggered"}, {"id": " RT2 "}]
    ),
    "last_status_change_by": st.sampled_from(
        [
            None,
            {"type": "user_reference", "summary": "Ann Lee"},
            {"type": "service_reference", "summary": "checkout"},
            {"summary": "Bo", "email": "bo@example.com"},
        ]
    ),
    "acknowledgements": st.sampled_from([None, []]),
    "assignments": st.sampled_from([None, []]),
}
# ... and values that send it to the careful reader: wrong types, blanks where an id
# belongs, times other than plain UTC, v1's names, numbers as text, people in lists.
UNUSUAL: dict[str, st.SearchStrategy[Any]] = {
    "id": st.sampled_from(["", None, 5, "  "]),
    "created_at": TIMES.filter(lambda time: time != "2026-03-01T10:00:00Z"),
    "incident_number": st.sampled_from(["13", " 14 ", True, 1.5, "x"]),
    "title": TEXTS,
    "description": TEXTS,
    "summary": TEXTS,
    "html_url": TEXTS,
    "status": st.sampled_from(["closed", 1, ["resolved"]]),
    "created_on": TIMES,
    "last_status_change_at": TIMES,
    "last_status_change_on": TIMES,
    "resolved_at": TIMES,
    "service": REFERENCES,
    "priority": st.one_of(
        st.just("P1"), st.fixed_dictionaries({}, optional={"summary": TEXTS, "name": TEXTS})
    ),
    "first_trigger_log_entry": REFERENCES,
    "last_status_change_by": REFERENCES,
    "acknowledgements": LISTS,
    "assignments": LISTS,
}


@st.composite
def incidents(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed incident (some fields left out), then up to two fields made unusual."""
    incident: dict[str, Any] = {"id": "PA1", "created_at": "2026-03-01T10:00:00Z"}
    for key, values in USUAL.items():
        if draw(st.booleans()):
            incident[key] = draw(values)
    for key in draw(st.lists(st.sampled_from(sorted(UNUSUAL)), max_size=2)):
        incident[key] = draw(UNUSUAL[key])
    return incident


INCIDENTS = incidents()
ITEMS = st.one_of(INCIDENTS, st.sampled_from([None, "PA1", 3, []]))


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(ITEMS, min_size=1, max_size=3),
    st.sampled_from(
        [
            ImportOptions(),
            ImportOptions(strict=True),
            ImportOptions(skip_bad_records=True),
            ImportOptions(clock_offsets={"pagerduty": timedelta(seconds=-90)}),
            ImportOptions(severity_maps={"pagerduty": {"p1": Severity.SEV3}}),
        ]
    ),
)
def test_any_incidents_read_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch, incidents: list[object], options: ImportOptions
) -> None:
    fast, careful, _read_fast = _both_ways("page.json", _page(*incidents), monkeypatch, options)
    assert fast == careful


WHEN = st.one_of(
    st.none(),
    st.datetimes(
        # hypothesis wants naive bounds; the values it makes are aware (timezones=UTC).
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001
        max_value=datetime(2026, 1, 2),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)


@given(WHEN, st.booleans(), WHEN, WHEN, WHEN, WHEN, WHEN, st.booleans())
def test_new_incident_flags_match_the_lifecycle_rules(
    started: datetime | None,
    detected_is_started: bool,
    detected: datetime | None,
    acknowledged: datetime | None,
    mitigated: datetime | None,
    resolved: datetime | None,
    verified: datetime | None,
    partial: bool,
) -> None:
    """The writer's short cut for the common shape flags exactly what the rules flag."""
    record = IncidentRecord(
        "pagerduty",
        "PA1",
        "Disk full",
        "incidents[0]",
        started_at=started,
        detected_at=started if detected_is_started else detected,
        acknowledged_at=acknowledged,
        mitigated_at=mitigated,
        resolved_at=resolved,
        verified_at=verified,
        partial=partial,
    )
    expected = joined_flags(lifecycle_problems(record), partial=partial)
    assert _new_incident(record, None).consistency_flags == expected


def test_a_resolution_before_the_start_is_flagged() -> None:
    start = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    record = IncidentRecord(
        "pagerduty",
        "PA1",
        "Disk full",
        "incidents[0]",
        started_at=start,
        detected_at=start,
        resolved_at=start - timedelta(minutes=5),
    )
    flags = _new_incident(record, None).consistency_flags
    assert flags == "resolved_before_detected,resolved_before_started"
