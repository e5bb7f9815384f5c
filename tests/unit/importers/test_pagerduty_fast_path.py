"""The fast reading of PagerDuty log entries gives what the careful, located one gives.

An export of 200,000 entries is read by `plain_event`, which skips locations and
falls back to the careful reader at anything unusual. These tests import the same
pages with the fast path switched off and require the same events, the same actors,
the same times as stored, and the same problems.
"""

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irdesk.importers.formats import pagerduty
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.formats.pagerduty import log_entries, rules
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import SourceFile
from irdesk.storage.bulk.stored_text import db_time

# Hand-written in the shape GET /incidents/PGW5XNE/log_entries returns.
LOG_ENTRIES_PAGE = (
    Path(__file__).resolve().parents[2] / "fixtures/pagerduty/log_entries_PGW5XNE.json"
)


def _never_plain(_reader: object, _value: object) -> tuple[str, Any]:
    raise log_entries.Unusual


def _read(page: dict[str, Any], options: ImportOptions) -> list[tuple[Any, ...]] | str:
    """Every event with the fields the database gets, or the problem's text."""
    content = Content(SourceFile("log_entries.json", json.dumps(page).encode()))
    try:
        parsed = pagerduty.parse(content, options)
    except ImportProblem as problem:
        return str(problem)
    return [
        # The time as stored: the fast path has its text for free, the writer makes it otherwise.
        (
            batch.incident_external_id,
            event,
            event.stored_at or db_time(event.occurred_at),
            parsed.warnings,
        )
        for batch in parsed.event_batches
        for event in batch.events
    ]


def _both_ways(
    page: dict[str, Any], monkeypatch: pytest.MonkeyPatch, options: ImportOptions | None = None
) -> tuple[object, object]:
    options = options or ImportOptions()
    fast = _read(page, options)
    with monkeypatch.context() as patched:
        patched.setattr(log_entries, "plain_event", _never_plain)
        careful = _read(page, options)
    return fast, careful


def test_the_fixture_page_reads_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    page = json.loads(LOG_ENTRIES_PAGE.read_text())
    fast, careful = _both_ways(page, monkeypatch)
    assert isinstance(fast, list) and len(fast) == len(page["log_entries"])
    assert fast == careful


def test_a_clock_offset_moves_both_ways_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    page = json.loads(LOG_ENTRIES_PAGE.read_text())
    options = ImportOptions(clock_offsets={"pagerduty": timedelta(minutes=3)})
    fast, careful = _both_ways(page, monkeypatch, options)
    assert fast == careful
    assert isinstance(fast, list) and fast[0][2] == db_time(fast[0][1].occurred_at)


TYPES = [*(f"{short}_log_entry" for short in rules.RULES), "odd_log_entry"]
# Values a field may hold: usual ones, blanks, and the wrong types a damaged export has.
TEXTS = st.one_of(
    st.none(),
    st.sampled_from(["", "  ", "Ann Lee", " Note: rolled back ", "<b>&amp;</b>"]),
    st.integers(0, 3),
    st.lists(st.just("x"), max_size=1),
)
REFERENCES = st.one_of(
    st.none(),
    st.just("PXYZ"),
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
CHANNELS = st.one_of(
    st.none(),
    st.just([]),
    st.fixed_dictionaries(
        {"type": st.just("note")},
        optional={"summary": TEXTS, "notes": TEXTS, "content": TEXTS},
    ),
)
ENTRIES = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["R1", " R2 ", "", None, 5]),
        "type": st.sampled_from([*TYPES, 3]),
        "created_at": st.sampled_from(
            [
                "2026-03-01T10:00:00Z",
                "2026-03-01T10:00:00.250Z",
                "2026-03-01T11:00:00+01:00",
                "2026-03-01 10:00:00",
                "yesterday",
                None,
            ]
        ),
        "incident": st.one_of(
            st.fixed_dictionaries({"id": st.sampled_from(["PGW5XNE", " P2 ", "", 9])}),
            st.none(),
            st.just("PGW5XNE"),
        ),
    },
    optional={
        "summary": TEXTS,
        "agent": REFERENCES,
        "user": REFERENCES,
        "channel": CHANNELS,
        "message": TEXTS,
    },
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ENTRIES, min_size=1, max_size=4))
def test_any_entries_read_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch, entries: list[dict[str, Any]]
) -> None:
    page = {"log_entries": entries, "limit": 100, "offset": 0, "more": False}
    fast, careful = _both_ways(page, monkeypatch)
    assert fast == careful
