"""Reading the metrics' columns in parts, on several connections at once, gives exactly
what the ordinary row-by-row read gives, whatever the tables hold."""

import contextlib
import itertools
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import metric_fixture as fx
import numpy as np
import pytest

from irdesk.domain.enums import MERGE_MANUAL, EventKind, Severity
from irdesk.domain.metrics.data import MetricData
from irdesk.domain.models import Incident, IncidentMerge, TimelineEvent
from irdesk.storage.bulk import metric_data, metric_row_reads, metric_scans, snapshot_readers
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import Database
from irdesk.storage.records.lifecycle_edits import set_override

assert_same = fx.assert_same_data


@contextlib.contextmanager
def raw_cursor(database: Database) -> Iterator[Any]:
    with database.connection() as conn:
        cur = conn.connection.cursor()
        try:
            yield cur
        finally:
            cur.close()


def read_row_by_row(database: Database, monkeypatch: pytest.MonkeyPatch) -> MetricData:
    with monkeypatch.context() as patch:
        patch.setattr(metric_scans, "read_columns", lambda *args: None)
        patch.setattr(metric_scans, "joined", lambda *args: None)  # even of no parts
        return load_metric_data(database)


@contextlib.contextmanager
def only_column_scans(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fails the load if it falls back to reading rows one by one."""

    def refuse(*args: object) -> None:
        raise AssertionError("read row by row")

    with monkeypatch.context() as patch:
        patch.setattr(metric_data, "incident_fields_by_rows", refuse)
        patch.setattr(metric_row_reads, "EVENTS", "not SQL: the rows were read one by one")
        yield


def in_small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of two incidents and three events: the fixture's tables in many parts."""
    monkeypatch.setattr(metric_scans, "INCIDENT_PART_ROWS", 2)
    monkeypatch.setattr(metric_scans, "EVENT_PART_ROWS", 3)


def add_awkward_incidents(database: Database) -> None:
    """Ids with gaps (9, 10, 31), a title in Greek with an emoji, every optional value
    missing, all three flags set, an event without an actor, and an incident linked into
    another one."""
    start = fx.at(1, 9)
    with database.transaction() as session:
        fx.write_to(session)
        for id, title in ((9, "Βλάβη στο api 🔥"), (10, "no times at all"), (31, "flags")):
            session.add(
                Incident(
                    id=id,
                    source="test",
                    external_id=f"T-{id}",
                    title=title,
                    service_id=fx.API if id != 10 else None,
                    severity=Severity.SEV2 if id != 10 else None,
                    started_at=start if id != 10 else None,
                    resolved_at=start + timedelta(minutes=id) if id != 10 else None,
                    users_affected=None if id == 10 else 10 * id,
                    downtime_cost=None if id == 10 else 12.5 * id,
                    external_cause=id == 31,
                    approved_tech_debt=id == 31,
                    regulatory_exposure=id == 31,
                )
            )
        session.flush()
        for n, (incident, kind, person) in enumerate(
            (
                (9, EventKind.PAGE, fx.ANN),
                (9, EventKind.NOTE, None),
                (31, EventKind.RESOLVE, fx.BOB),
            )
        ):
            session.add(
                TimelineEvent(
                    incident_id=incident,
                    occurred_at=start + timedelta(minutes=n),
                    kind=kind,
                    source="test",
                    external_id=f"x{n}",
                    actor_person_id=person,
                )
            )
        session.add(IncidentMerge(incident_id=31, into_id=9, how=MERGE_MANUAL))
        set_override(session, 9, "detected_at", start, reason="seen earlier", actor="t")


def test_many_parts_with_gaps_read_what_the_rows_hold(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_awkward_incidents(database)
    in_small_parts(monkeypatch)
    with raw_cursor(database) as cur:
        assert len(metric_scans.id_ranges(cur, "incident", 2)) > 3
    with only_column_scans(monkeypatch):
        fast = load_metric_data(database)
    assert fast.incidents.ids.tolist() == [1, 2, 3, 4, 5, 9, 10, 31]
    assert fast.incidents.title(5) == "Βλάβη στο api 🔥"
    assert fast.incidents.external_cause.tolist()[-3:] == [False, False, True]
    assert fast.incidents.regulatory.tolist()[-3:] == [False, False, True]
    assert np.isnan(fast.incidents.users_affected[6]) and fast.incidents.service[6] == -1
    assert_same(fast, read_row_by_row(database, monkeypatch))


def test_one_part_that_does_not_parse_sends_its_table_to_the_row_read(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_awkward_incidents(database)
    in_small_parts(monkeypatch)
    with database.connection() as conn:
        # Only the last part holds a time another tool wrote without microseconds.
        conn.exec_driver_sql("UPDATE incident SET started_at = '2026-01-06 09:00:00' WHERE id = 31")
    fast = load_metric_data(database)
    assert fast.incidents.started[-1] == fx.at(1, 9).timestamp()
    assert_same(fast, read_row_by_row(database, monkeypatch))


def test_empty_tables_read_as_empty_columns(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = load_metric_data(database)
    assert len(fast.incidents) == 0 and len(fast.events.part_incident) == 0
    assert_same(fast, read_row_by_row(database, monkeypatch))


def test_parts_cover_every_id_once(database: Database) -> None:
    add_awkward_incidents(database)
    with raw_cursor(database) as cur:
        parts = metric_scans.id_ranges(cur, "incident", 7)  # ids 1 … 31: four parts
        assert metric_scans.id_ranges(cur, "finding", 7) == []  # an empty table
    assert parts[0][0] == 1 and parts[-1][1] == 31 and len(parts) == 4
    assert all(hi + 1 == lo for (_, hi), (lo, _) in itertools.pairwise(parts))


def test_readers_begun_while_a_write_commits_begin_again(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process commits just as the second reader begins: without a second try
    the first reader would not see the new team and the second would."""
    with database.transaction() as session:
        fx.write_to(session)
    begin = snapshot_readers._begin
    begun: list[object] = []

    def begin_while_writing(cur: object) -> None:
        begun.append(cur)
        if len(begun) == 2:
            with database.connection() as conn:
                conn.exec_driver_sql("INSERT INTO team (id, name, rotation) VALUES (9, 'New', '')")
        begin(cur)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot_readers, "_begin", begin_while_writing)
    with snapshot_readers.snapshot_cursors(database, 2) as cursors:
        teams = [c.execute("SELECT count(*) FROM team").fetchone()[0] for c in cursors]
    assert len(begun) == 4  # two readers, twice
    assert teams == [3, 3]


def test_readers_that_never_agree_become_one(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    begin = snapshot_readers._begin
    writes = iter(range(100, 200))

    def begin_while_writing(cur: object) -> None:
        with database.connection() as conn:
            n = next(writes)
            conn.exec_driver_sql(f"INSERT INTO team (id, name, rotation) VALUES ({n}, 'T{n}', '')")
        begin(cur)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot_readers, "_begin", begin_while_writing)
    with snapshot_readers.snapshot_cursors(database, 2) as cursors:
        assert len(cursors) == 1  # everything is then read in its one transaction
        connection = cursors[0].connection
        assert connection.in_transaction
    assert not connection.in_transaction  # the read was ended


def test_a_task_can_wait_for_an_earlier_one_and_failures_reach_the_reader() -> None:
    tasks = snapshot_readers.InOrder()
    first = tasks.add(lambda cur: 20)
    second = tasks.add(lambda cur: first.result() + 1)
    broken = tasks.add(lambda cur: 1 // 0)
    tasks.run(["a", "b"])  # type: ignore[list-item]
    assert second.result() == 21
    with pytest.raises(ZeroDivisionError):
        broken.result()


def test_stored_times_of_reviews_read_fast_as_the_ordinary_way() -> None:
    for text in ("2026-01-05 10:00:00.250000", "2026-01-05 10:00:00", "2026-01-05T10:00+02:00"):
        assert metric_data._utc(text) == metric_data._time(text), text
        assert metric_data._utc(text).tzinfo is metric_data._time(text).tzinfo  # type: ignore[union-attr]
    assert metric_data._utc(None) is None


def test_one_reader_reads_the_same_as_two(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The figures do not depend on how many connections read (or cores there are)."""
    add_awkward_incidents(database)
    in_small_parts(monkeypatch)
    two = load_metric_data(database)
    monkeypatch.setattr(metric_data, "READERS", 1)
    assert_same(load_metric_data(database), two)
