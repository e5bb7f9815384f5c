"""New files are created from the stored head schema; it must be what the migrations make."""

import contextlib
import sqlite3
from pathlib import Path

from irdesk.storage import head_schema, schema
from irdesk.storage.database import open_database
from irdesk.storage.inspection import inspect_file


def _schema_of(path: Path) -> tuple[list[tuple[str, str, str, str]], int, str]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        objects = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return objects, app_id, revision


def test_the_stored_script_is_what_replaying_the_migrations_gives() -> None:
    assert head_schema.stored_script() == head_schema.migrated_script(), (
        "irdesk/storage/head_schema.sql is out of date: run `python -m irdesk.storage.head_schema`"
    )


def test_a_new_file_has_the_migrated_schema_revision_and_application_id(tmp_path: Path) -> None:
    open_database(tmp_path / "new.db").close()
    replayed = tmp_path / "replayed.db"
    with contextlib.closing(sqlite3.connect(replayed)) as conn:
        conn.executescript(head_schema.migrated_script())
    objects, app_id, revision = _schema_of(tmp_path / "new.db")
    assert (objects, app_id, revision) == _schema_of(replayed)
    assert app_id == schema.APPLICATION_ID
    assert revision == schema.head_revision()
    assert inspect_file(tmp_path / "new.db").is_current
