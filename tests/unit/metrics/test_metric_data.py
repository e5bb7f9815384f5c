"""Reading the figures' columns from a database file gives what the domain computes from rows."""

from collections import Counter
from datetime import timedelta

import metric_fixture as fx
import numpy as np
import pytest

from irdesk.domain.enums import (
    MERGE_MANUAL,
    EventKind,
    Severity,
)
from irdesk.domain.metrics.data import ACTION_STATUSES
from irdesk.domain.metrics.figures import compute_figures
from irdesk.domain.metrics.tables import figure_tables
from irdesk.domain.models import (
    IncidentMerge,
)
from irdesk.domain.policy import Policy
from irdesk.storage.bulk import metric_scans
from irdesk.storage.bulk.column_scan import MISSING_INT, Column, read_columns
from irdesk.storage.bulk.metric_data import compute_from_database, incident_rows, load_metric_data
from irdesk.storage.bulk.metric_scans import EVENTS_SOURCE, SCANNED_EVENTS, SCANNED_INCIDENTS
from irdesk.storage.bulk.service_and_flags import packing_sql, unpack
from irdesk.storage.database import Database
from irdesk.storage.records.lifecycle_edits import set_override


def cells(figures: object) -> list[object]:
    return [[r.values for r in t.rows] for t in figure_tables(figures)]  # type: ignore[arg-type]


def test_the_file_gives_the_same_figures_as_the_rows(database: Database) -> None:
    with database.transaction() as session:
        fx.write_to(session)
    for by in ("service", "team", "severity", "person"):
        from_file = compute_from_database(database, fx.PERIOD, by)
        from_rows = compute_figures(fx.metric_data(), Policy(), fx.PERIOD, by)
        assert cells(from_file) == cells(from_rows), by
    assert from_file.policy_version is None  # nothing saved: the built-in defaults


def test_corrections_count_and_linked_incidents_count_once(database: Database) -> None:
    with database.transaction() as session:
        fx.write_to(session)
        # A facilitator corrects incident 4's resolution from 20:50 to 21:20 (80 minutes).
        set_override(
            session, 4, "resolved_at", fx.at(3, 21, 20), reason="ticket closed late", actor="t"
        )
    data = load_metric_data(database)
    assert data.incidents.resolved[3] == fx.at(3, 21, 20).timestamp()
    with database.transaction() as session:
        # Incident 3 is the same outage as 4 seen by another tool.
        session.add(IncidentMerge(incident_id=3, into_id=4, how=MERGE_MANUAL))
    figures = compute_from_database(database, fx.PERIOD, "service")
    web = next(r for r in figures.durations["time_to_resolve"] if r.label == "web")
    assert (web.count, web.median) == (1, 80)
    assert web.excluded == {"merged into another incident": 1}
    # Cy's work on 3 now counts for 4: first event 12:30 on day 2, resolution 21:20 on day 3.
    cy = next(r for r in figures.load if r.person == "Cy")
    assert cy.incident_hours == (fx.at(3, 21, 20) - fx.at(2, 12, 30)) / timedelta(hours=1)


def test_the_incidents_behind_a_figure_are_listed_newest_first(database: Database) -> None:
    with database.transaction() as session:
        fx.write_to(session)
    rows = incident_rows(database, [2, 4, 1, 4])
    assert [r.id for r in rows] == [4, 2, 1]
    assert rows[0].title == "Web checkout errors after config push"
    assert rows[0].service == "web" and rows[0].severity == Severity.SEV3


def test_times_stored_in_another_format_are_read_the_ordinary_way(database: Database) -> None:
    """Another tool may have written a time without microseconds: the fast column read
    cannot cut it at a fixed width, and the ordinary read gives the same figures."""
    with database.transaction() as session:
        fx.write_to(session)
    expected = cells(compute_from_database(database, fx.PERIOD, "team"))
    with database.connection() as conn:
        conn.exec_driver_sql(
            "UPDATE incident SET started_at = substr(started_at, 1, 19) WHERE id = 1"
        )
        conn.exec_driver_sql(
            "UPDATE timeline_event SET occurred_at = substr(occurred_at, 1, 19) WHERE id = 1"
        )
        cur = conn.connection.cursor()
        assert read_columns(cur, SCANNED_INCIDENTS, "FROM incident") is None
        assert read_columns(cur, SCANNED_EVENTS, EVENTS_SOURCE) is None
    assert cells(compute_from_database(database, fx.PERIOD, "team")) == expected


def test_titles_holding_the_separator_are_read_the_ordinary_way(database: Database) -> None:
    with database.transaction() as session:
        fx.write_to(session)
    expected = cells(compute_from_database(database, fx.PERIOD, "service"))
    with database.connection() as conn:
        conn.exec_driver_sql("UPDATE incident SET title = title || char(31) || 'x' WHERE id = 2")
        assert read_columns(conn.connection.cursor(), SCANNED_INCIDENTS, "FROM incident") is None
    figures = compute_from_database(database, fx.PERIOD, "service")
    assert cells(figures) == expected  # the title is not among the table cells...
    assert load_metric_data(database).incidents.title(1).endswith("\x1fx")  # ...but read whole


def test_scanned_columns_keep_nulls_and_refuse_what_does_not_parse(database: Database) -> None:
    with database.connection() as conn:
        cur = conn.connection.cursor()
        columns = (
            Column("n", "n", "int"),
            Column("x", "x", "float"),
            Column("t", "t", "time"),
            Column("s", "s", "rank"),
            Column("k", "k", "initial", nullable=False),
            Column("w", "w", "text"),
        )
        source = (
            "FROM (SELECT 7 AS n, 2.5 AS x, '2026-01-05 10:00:00.250000' AS t, 'SEV2' AS s,"
            " 'page' AS k, 'a, b' AS w"
            " UNION ALL SELECT NULL, NULL, NULL, NULL, 'resolve', NULL)"
        )
        read = read_columns(cur, columns, source)
        assert read is not None
        assert read["n"].tolist() == [7, MISSING_INT]
        assert read["x"][0] == 2.5 and np.isnan(read["x"][1])
        assert read["t"][0] == fx.at(0, 10).timestamp() + 0.25 and np.isnan(read["t"][1])
        assert read["s"].tolist() == [2, 0]
        assert bytes(read["k"]) == b"pr"
        assert read["w"] == ["a, b", ""]
        # Text in a number column, a date without a time: not what the columns hold.
        assert read_columns(cur, columns, source.replace("7 AS n", "'seven' AS n")) is None
        assert read_columns(cur, columns, source.replace("10:00:00.250000", "")) is None
        # No rows: empty columns.
        empty = read_columns(
            cur, columns, source.replace("UNION ALL", "WHERE 0 UNION ALL") + " WHERE 0"
        )
        assert empty is not None and len(empty["n"]) == 0 and empty["w"] == []


def test_the_column_scan_reads_what_the_ordinary_row_read_does(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.transaction() as session:
        fx.write_to(session)
        set_override(session, 2, "detected_at", None, reason="alert was a test", actor="t")
    with database.connection() as conn:
        conn.exec_driver_sql("UPDATE incident SET downtime_cost = 1234.56 WHERE id = 1")
    fast = load_metric_data(database)
    assert fast.incidents.downtime_cost[0] == 1234.56
    # Every column scan refused: the rows are read one by one.
    monkeypatch.setattr(metric_scans, "read_columns", lambda *args: None)
    slow = load_metric_data(database)
    fx.assert_same_data(fast, slow)


def test_the_service_and_flags_packed_by_sql_unpack_to_what_the_row_holds(
    database: Database,
) -> None:
    """Every flag combination, no service, and a large service id, through SQLite."""
    rows = [
        (service, external, debt, regulatory)
        for service in (None, 1, 7, 2**40)
        for external in (0, 1, 5)  # any non-zero is true, as in Python
        for debt in (0, 1)
        for regulatory in (0, 1)
    ]
    values = " UNION ALL ".join(
        f"SELECT {'NULL' if s is None else s} AS service_id, {e} AS external_cause,"
        f" {d} AS approved_tech_debt, {r} AS regulatory_exposure"
        for s, e, d, r in rows
    )
    with database.connection() as conn:
        packed = [
            v for (v,) in conn.exec_driver_sql(f"SELECT {packing_sql()} FROM ({values})").all()
        ]
    fields = unpack(np.array(packed, dtype=np.int64))
    assert fields["service"].tolist() == [-1 if s is None else s for s, *_ in rows]
    assert fields["external_cause"].tolist() == [bool(e) for _, e, _, _ in rows]
    assert fields["tech_debt"].tolist() == [bool(d) for _, _, d, _ in rows]
    assert fields["regulatory"].tolist() == [bool(r) for *_, r in rows]


def test_first_bytes_tell_apart_the_event_kinds_and_statuses_the_metrics_need() -> None:
    """An "initial" column keeps only a word's first byte: pages and resolutions must each
    have one no other kind shares, and so must every action status."""
    first_bytes = Counter(kind[0] for kind in EventKind)
    assert ord("p") == metric_scans.PAGE_INITIAL and first_bytes["p"] == 1
    assert ord("r") == metric_scans.RESOLVE_INITIAL and first_bytes["r"] == 1
    # The table holds exactly the kinds whose first byte is theirs alone.
    assert set(metric_scans.EVENT_KIND_INITIALS) == {k for k in EventKind if first_bytes[k[0]] == 1}
    assert len({s[0] for s in ACTION_STATUSES}) == len(ACTION_STATUSES)
    status = metric_scans.STATUS_OF_INITIAL
    assert [int(status[ord(s[0])]) for s in ACTION_STATUSES] == list(range(len(ACTION_STATUSES)))
    assert int((status >= 0).sum()) == len(ACTION_STATUSES)
