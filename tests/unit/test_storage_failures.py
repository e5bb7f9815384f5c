"""A database that cannot be written: one sentence naming the file, exit 1, nothing changed.

The `irdesk` command in-process, with SQLite failing the way a full disk, a read-only
file or folder, or another writer makes it fail. Tests run as root in CI, which file
permissions do not stop: a real read-only file or folder is made with `chattr +i` there
(skipped where the file system or the container does not allow it), and a simulated one
(SQLite's own query_only) always runs.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from testdata import SHARED_DATA, database_dump

from irdesk.cli.main import main
from irdesk.storage import database as storage_database

PAGERDUTY = SHARED_DATA / "pagerduty_incidents_page.json"
STATUSPAGE = SHARED_DATA / "statuspage_incident_github_2023.json"


@pytest.fixture
def imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "reviews.db"
    assert main(["import", str(PAGERDUTY), "--db", str(path)]) == 0
    capsys.readouterr()
    return path


def engines_with(
    monkeypatch: pytest.MonkeyPatch, on_connect: Callable[[sqlite3.Connection], None], **kw: Any
) -> None:
    """Every engine irdesk makes from now on runs `on_connect` on each new connection."""
    original = storage_database.make_engine

    def make_engine(path: Path, busy_timeout_ms: int = storage_database.BUSY_TIMEOUT_MS) -> Engine:
        engine = original(path, kw.get("busy_timeout_ms", busy_timeout_ms))
        event.listen(engine, "connect", lambda conn, _record: on_connect(conn))
        return engine

    monkeypatch.setattr(storage_database, "make_engine", make_engine)


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def page_count(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])


def test_a_full_disk_during_an_import_rolls_it_back_and_says_so(
    imported: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = database_dump(imported)
    # SQLite's own limit on the file's size fails a write exactly as a full disk does.
    pages = page_count(imported)
    engines_with(monkeypatch, lambda conn: conn.execute(f"PRAGMA max_page_count = {pages}"))

    assert main(["import", str(STATUSPAGE), "--db", str(imported)]) == 1
    assert one_error_line(capsys) == (
        f"irdesk: error: {imported}: could not be written: the disk is full; "
        "free some space and try again (nothing was changed)."
    )
    assert database_dump(imported) == before


def test_a_read_only_database_file_is_a_message(
    imported: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = database_dump(imported)
    engines_with(monkeypatch, lambda conn: conn.execute("PRAGMA query_only = ON"))

    assert main(["import", str(STATUSPAGE), "--db", str(imported)]) == 1
    assert one_error_line(capsys) == (
        f"irdesk: error: {imported}: is read-only; change its permissions or copy it "
        "somewhere you can write to (nothing was changed)."
    )
    assert database_dump(imported) == before


@contextlib.contextmanager
def really_read_only(path: Path) -> Iterator[None]:
    """`path` (a file or a folder) read-only for this process, or the test skipped."""
    mode = path.stat().st_mode
    immutable = os.geteuid() == 0
    if immutable:
        # Root writes through permissions; an immutable file or folder stops it too.
        chattr = shutil.which("chattr")
        done = chattr and subprocess.run(
            [chattr, "+i", str(path)], capture_output=True, check=False
        )
        if not done or done.returncode != 0:
            pytest.skip("chattr +i is not allowed here, and root ignores permissions")
    else:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(mode)


def test_a_really_read_only_file_is_the_same_message(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = database_dump(imported)
    with really_read_only(imported):
        assert main(["import", str(STATUSPAGE), "--db", str(imported)]) == 1
        line = one_error_line(capsys)
    assert line == (
        f"irdesk: error: {imported}: is read-only; change its permissions or copy it "
        "somewhere you can write to (nothing was changed)."
    )
    assert database_dump(imported) == before


def test_a_read_only_folder_where_wal_cannot_start_is_a_message(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file that is not in WAL mode (copied from elsewhere): switching to it needs the folder.
    with contextlib.closing(sqlite3.connect(imported)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    before = database_dump(imported)
    with really_read_only(imported.parent):
        assert main(["import", str(STATUSPAGE), "--db", str(imported)]) == 1
        line = one_error_line(capsys)
    assert line == (
        f"irdesk: error: {imported}: is in a read-only folder ({imported.parent}), where SQLite "
        "must keep its journal; move the file to a folder you can write to (nothing was changed)."
    )
    assert database_dump(imported) == before


@contextlib.contextmanager
def another_writer(path: Path) -> Iterator[None]:
    """Another program holding SQLite's write lock on `path`."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO team (name) VALUES ('not yet committed')")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


BUSY = (
    "irdesk: error: {}: is being written by another irdesk or another program; "
    "try again when it has finished (nothing was changed)."
)


def test_an_import_while_another_program_writes_is_one_sentence(
    imported: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = database_dump(imported)
    engines_with(monkeypatch, lambda _conn: None, busy_timeout_ms=100)
    with another_writer(imported):
        assert main(["import", str(STATUSPAGE), "--db", str(imported)]) == 1
    assert one_error_line(capsys) == BUSY.format(imported)
    assert database_dump(imported) == before


@pytest.mark.slow
def test_a_packet_while_another_program_writes_is_one_sentence_and_no_file(
    imported: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = database_dump(imported)
    out = tmp_path / "packet.pdf"
    engines_with(monkeypatch, lambda _conn: None, busy_timeout_ms=100)
    with another_writer(imported):
        code = main(
            ["packet", "pagerduty:PH4UE4E", "--profile", "postmortem", "--out", str(out),
             "--db", str(imported)]
        )  # fmt: skip
    assert code == 1
    assert one_error_line(capsys) == BUSY.format(imported)
    assert not out.exists() and not list(tmp_path.glob("*.pdf*"))
    assert database_dump(imported) == before


def test_every_expected_failure_has_one_sentence_naming_the_file(tmp_path: Path) -> None:
    from irdesk.storage import errors

    path = tmp_path / "x.db"
    for make in (
        errors.busy,
        errors.read_only_file,
        errors.read_only_folder,
        errors.disk_full,
        errors.io_error,
        errors.cannot_open,
    ):
        text = str(make(path))
        assert text.startswith(f"{path}: ") and text.endswith("(nothing was changed).")
        assert text.count(". ") == 0, text  # one sentence


def test_an_os_error_beside_sqlite_is_named_too(tmp_path: Path) -> None:
    from irdesk.storage.errors import expected_os_error

    full = expected_os_error(OSError(28, "No space left on device"), tmp_path / "x.db")
    assert full is not None and "the disk is full" in str(full)
    assert expected_os_error(OSError(2, "No such file"), tmp_path / "x.db") is None


def test_a_file_in_a_read_only_folder_can_still_be_read(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with contextlib.closing(sqlite3.connect(imported)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    with really_read_only(imported.parent):
        code = main(
            ["metrics", "--db", str(imported), "--from", "2021-05-01", "--to", "2021-06-30"]
        )
        out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("26 incidents from 2021-05-01 to 2021-06-30")
