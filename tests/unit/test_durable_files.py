"""Backups and new databases exist under their final name only once complete.

An upgrade's backup that a kill, a full disk or a failed check interrupts leaves no
`NAME.backup-…` behind (and no hidden partial copy when the failure can be caught);
an import into a new file that fails or is killed leaves no file at that name.
"""

import hashlib
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import create_engine
from testdata import SHARED_DATA, database_dump

from irdesk.cli.main import main
from irdesk.storage import database as storage_database
from irdesk.storage import schema
from irdesk.storage.database import backup, open_database
from irdesk.storage.errors import DatabaseNotWritable, UpgradeFailed

PAGERDUTY = SHARED_DATA / "pagerduty_incidents_page.json"


def older_file(path: Path) -> Path:
    """A file as an older irdesk left it, with an incident in it."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.upgrade(conn, schema.known_revisions()[0])
    engine.dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO incident (source, external_id, title, status, external_cause,"
            " approved_tech_debt, regulatory_exposure, consistency_flags, created_at, updated_at)"
            " VALUES ('pagerduty', 'Q7', 'Search down', 'resolved', 0, 0, 0, '', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    conn.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_a_backup_is_checked_and_complete_under_its_name(tmp_path: Path) -> None:
    path = older_file(tmp_path / "old.db")
    target = backup(path, tmp_path / "old.db.backup-x")
    assert database_dump(target) == database_dump(path)
    assert names(tmp_path) == {"old.db", "old.db.backup-x"}


def test_a_full_disk_during_the_backup_leaves_no_backup_and_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = older_file(tmp_path / "old.db")
    before, files = digest(path), names(tmp_path)
    connect = sqlite3.connect

    def small_disk(target: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(target, *args, **kwargs)
        if ".partial-" in str(target):  # the backup's copy: room for one page only
            conn.execute("PRAGMA max_page_count = 1")
        return conn

    monkeypatch.setattr(sqlite3, "connect", small_disk)
    with pytest.raises(DatabaseNotWritable) as failure:
        open_database(path)
    assert str(failure.value) == (
        f"{path}: was not upgraded: the disk filled up while its backup was being written in "
        f"{tmp_path}; free some space and try again (nothing was changed)."
    )
    assert digest(path) == before and names(tmp_path) == files


def test_no_room_for_the_backup_is_said_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = older_file(tmp_path / "old.db")
    before, files = digest(path), names(tmp_path)
    monkeypatch.setattr(
        storage_database.shutil, "disk_usage", lambda _p: SimpleNamespace(total=0, used=0, free=0)
    )

    assert main(["db", "upgrade", str(path)]) == 1
    err = capsys.readouterr().err
    size = path.stat().st_size / 1_000_000
    assert err == (
        f"irdesk: error: {path}: was not upgraded: its backup needs {size:.1f} MB and the folder "
        "has 0.0 MB free; free some space and try again (nothing was changed).\n"
    )
    assert digest(path) == before and names(tmp_path) == files


def test_a_copy_that_fails_its_check_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = older_file(tmp_path / "old.db")
    before, files = digest(path), names(tmp_path)
    monkeypatch.setattr(
        storage_database, "quick_check", lambda _conn: ["row 3 missing from index ix_incident"]
    )
    with pytest.raises(UpgradeFailed, match="the copy failed SQLite's check"):
        open_database(path)
    assert digest(path) == before and names(tmp_path) == files


# Killed with the backup's copy written and checked, just before it is renamed into place.
KILLED_BEFORE_THE_RENAME = """
import os, signal, sys
from irdesk.storage import durable_files
def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
durable_files.move_into_place = killed
from irdesk.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def run_killed(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_a_kill_during_an_upgrade_leaves_no_backup_under_its_name(tmp_path: Path) -> None:
    path = older_file(tmp_path / "old.db")
    before = digest(path)
    result = run_killed(KILLED_BEFORE_THE_RENAME, "db", "upgrade", str(path))
    assert result.returncode == -signal.SIGKILL
    assert not list(tmp_path.glob("old.db.backup-*"))
    assert digest(path) == before
    # What the kill left is hidden, and the next upgrade succeeds beside it.
    (hidden,) = (name for name in names(tmp_path) if name != "old.db")
    assert hidden.startswith(".old.db.backup-0001-") and ".partial-" in hidden
    before_dump = database_dump(path)
    assert main(["db", "upgrade", str(path)]) == 0
    (made,) = tmp_path.glob("old.db.backup-*")
    assert database_dump(made) == before_dump


@pytest.mark.slow
def test_a_killed_import_into_a_new_file_leaves_no_file_there(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    script = """
import os, signal, sys
from irdesk.importers import pipeline
real = pipeline._write
def killed(*args, **kwargs):
    real(*args, **kwargs)  # everything written, not yet committed nor moved into place
    os.kill(os.getpid(), signal.SIGKILL)
pipeline._write = killed
from irdesk.cli.main import main
sys.exit(main(sys.argv[1:]))
"""
    result = run_killed(script, "import", str(PAGERDUTY), "--db", str(path))
    assert result.returncode == -signal.SIGKILL
    assert not path.exists()
    assert not [name for name in names(tmp_path) if name.startswith("new.db")]


def test_a_failed_import_into_a_new_file_leaves_nothing_at_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "cut.json"
    bad.write_bytes(PAGERDUTY.read_bytes()[:4000])
    assert main(["import", str(bad), "--db", str(tmp_path / "new.db")]) == 1
    assert "Nothing was imported." in capsys.readouterr().err
    assert names(tmp_path) == {"cut.json"}


def test_an_import_into_a_new_file_makes_it_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.db"
    assert main(["import", str(PAGERDUTY), "--db", str(path)]) == 0
    assert f"Database: {path}" in capsys.readouterr().out
    assert names(tmp_path) == {"new.db"}  # no log or hidden copy beside it
    with closing(sqlite3.connect(path)) as conn, conn:
        assert conn.execute("SELECT count(*) FROM incident").fetchone() == (26,)
    conn.close()


def test_a_failed_upgrade_puts_the_file_back_from_its_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = older_file(tmp_path / "old.db")
    before = database_dump(path)

    def half_then_fail(conn: Any, target: str = "head") -> None:
        conn.exec_driver_sql("DELETE FROM incident")
        conn.commit()  # as a migration that commits part of its work would
        raise RuntimeError("migration 0002 failed")

    monkeypatch.setattr(storage_database.schema, "upgrade", half_then_fail)
    with pytest.raises(UpgradeFailed) as failure:
        open_database(path)
    (saved,) = tmp_path.glob("old.db.backup-*")
    assert str(failure.value) == (
        f"{path}: could not be upgraded from schema revision 0001: migration 0002 failed; "
        f"it was restored from the backup {saved.name}, so nothing was changed."
    )
    assert database_dump(path) == before
    assert names(tmp_path) == {"old.db", saved.name}
