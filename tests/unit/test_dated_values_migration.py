"""Upgrading a file whose directory has values typed before values had dates: each becomes
one value in force from the start, so every figure stays what it was."""

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine

from irdesk.storage import schema
from irdesk.storage.database import open_database
from irdesk.storage.reads.directory import typed_values
from irdesk.storage.records.directory_edits import FROM_THE_START


def test_a_value_typed_before_dates_is_in_force_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "older.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.upgrade(conn, "0014")
    engine.dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO service (id, name, tier, slo_target, cost_per_minute)"
            " VALUES (1, 'api', 'tier1', 99.9, 25.0)"
        )
        conn.execute(
            "INSERT INTO directory_override"
            " (entity, entity_id, field, value_json, imported_json, reason, set_by, set_at)"
            " VALUES ('service', 1, 'cost_per_minute', '25.0', '0.0', 'the SLA', 'ana',"
            " '2026-11-30 09:15:00.000000')"
        )
    db = open_database(path, upgrade=True)
    [row] = typed_values(db, "service")
    assert (row.value, row.imported) == (25.0, 0.0)
    [value] = row.history
    assert (value.value, value.effective_from, value.reason, value.set_by) == (
        25.0,
        FROM_THE_START,
        "the SLA",
        "ana",
    )
