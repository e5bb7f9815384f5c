"""Opening a current file reads its header and schema revision only: no damage check,
whose cost grows with the file. `irdesk db check` reads every page, and so does an
upgrade before it rewrites the file.

Sample: pagerduty_incidents_page.json from /work/shared/data, imported.
"""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from testdata import SHARED_DATA

from irdesk.cli.main import main as irdesk_main
from irdesk.importers.pipeline import run_import
from irdesk.storage import schema
from irdesk.storage.database import open_database

DAMAGE_CHECKS = ("quick_check", "integrity_check")


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement any sqlite3 connection made from now on runs."""
    seen: list[str] = []
    real = sqlite3.connect

    def traced(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real(*args, **kwargs)  # type: ignore[arg-type]
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", traced)  # SQLAlchemy's way in
    yield seen


def damage_checks(statements: list[str]) -> list[str]:
    return [s for s in statements if any(check in s for check in DAMAGE_CHECKS)]


def test_opening_a_current_file_runs_no_damage_check_and_db_check_does(
    tmp_path: Path, statements: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "incidents.db"
    db = open_database(path)
    run_import(db, [SHARED_DATA / "pagerduty_incidents_page.json"])
    db.close()
    statements.clear()

    db = open_database(path)
    db.close()
    assert damage_checks(statements) == []

    assert irdesk_main(["db", "check", str(path)]) == 0
    assert "integrity_check" in " ".join(damage_checks(statements))
    assert "ok" in capsys.readouterr().out


def test_an_older_file_is_checked_for_damage_before_it_is_upgraded(
    tmp_path: Path, statements: list[str]
) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.upgrade(conn, "0014")
    engine.dispose()
    statements.clear()

    db = open_database(path)
    db.close()
    checked = next(n for n, s in enumerate(statements) if "quick_check" in s)
    migrated = next(n for n, s in enumerate(statements) if "CREATE VIRTUAL TABLE" in s)
    assert checked < migrated
