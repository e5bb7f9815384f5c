"""`irdesk db upgrade` says what it is doing while it runs: on a big file the backup copy
and an index rebuilt take minutes, and a terminal that says nothing looks hung.

The file is /work/shared/data/pagerduty_incidents_page.json imported, then taken back to
schema revision 0026 (as an irdesk of that time left it): the migrations to go begin
with 0023 leave, 0030 change notices, 0027 metric read indexes (in the order they chain),
and every later one follows them.
"""

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine
from testdata import SHARED_DATA

from irdesk.storage import schema
from irdesk.storage.database import UpgradeProgress, open_database

pytestmark = pytest.mark.slow

SAMPLE = SHARED_DATA / "pagerduty_incidents_page.json"
OLD = "0026"
# Those after 0026, counted from this irdesk's list, so a migration added later keeps
# the first three as they are written here.
AFTER = schema.known_revisions()[schema.known_revisions().index(OLD) + 1 :]
FIRST = ["leave", "change notices", "metric read indexes"]


def steps(told: list[str]) -> list[str]:
    """The step lines among `told`, checked for their count, first three by name."""
    found = [text for text in told if text.startswith("step ")]
    n = len(AFTER)
    assert found[:3] == [f"step {i} of {n}: {name}" for i, name in enumerate(FIRST, start=1)]
    assert [text.split(":")[0] for text in found] == [f"step {i} of {n}" for i in range(1, n + 1)]
    return found


def irdesk(*args: str | Path, stderr: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONWARNINGS", "IRDESK_DEBUG"}}
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=stderr if stderr is not None else subprocess.PIPE,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def old_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("upgrade") / "sample.db"
    done = irdesk("import", SAMPLE, "--db", path)
    assert done.returncode == 0, done.stderr
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), OLD)
    engine.dispose()
    return path


@pytest.fixture
def old_copy(old_sample: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(old_sample, tmp_path / "incidents.db"))


def test_the_steps_are_told_in_order_with_the_backups_bytes(old_copy: Path) -> None:
    told: list[UpgradeProgress] = []
    size = old_copy.stat().st_size
    open_database(old_copy, on_progress=told.append).close()
    texts = [p.text for p in told]
    assert texts[0] == "checking the file for damage"
    copying = [p for p in told if p.stage == "copying"]
    assert (copying[0].done, copying[0].total) == (0, size)
    assert (copying[-1].done, copying[-1].total) == (size, size)
    mb = f"{size / 1_000_000:.1f} MB"
    assert copying[-1].text == f"backup copy: {mb} of {mb}"
    assert texts[len(copying) + 1 :] == [*steps(texts), "done"]
    n = len(AFTER)
    assert [(p.done, p.total) for p in told if p.stage == "migrating"] == [(i, n) for i in range(n)]


def test_a_terminal_sees_the_progress_on_stderr(old_copy: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        done = irdesk("db", "upgrade", old_copy, stderr=terminal)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal's other end closed: everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert done.returncode == 0
    text = shown.decode().replace("\r\n", "\n")
    lines = [line.split("\r")[-1].removesuffix("\x1b[K") for line in text.split("\n") if line]
    said = [line.removeprefix("Upgrading incidents.db: ") for line in lines]
    assert lines == [
        "Upgrading incidents.db: checking the file for damage",
        lines[1],  # the backup copy's count, its last state
        *(f"Upgrading incidents.db: {step}" for step in steps(said)),
        "Upgrading incidents.db: done",
    ]
    assert lines[1].startswith("Upgrading incidents.db: backup copy: ")
    mb = lines[1].rsplit(" of ", 1)[1]
    assert lines[1].endswith(f"{mb} of {mb}")
    assert done.stdout.splitlines()[0] == (
        f"Upgraded {old_copy} to schema revision {schema.head_revision()}."
    )
    assert "already at the current schema revision" not in done.stdout


def test_a_script_reading_stderr_sees_nothing_there(old_copy: Path) -> None:
    done = irdesk("db", "upgrade", old_copy)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"Upgraded {old_copy} to schema revision")
    again = irdesk("db", "upgrade", old_copy)
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout == (
        f"{old_copy} is already at the current schema revision {schema.head_revision()}.\n"
    )


def read_terminal(*args: str | Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """`irdesk ARGS` with stderr on a terminal: the run, and the lines it showed there
    (each as last rewritten)."""
    controller, terminal = pty.openpty()
    try:
        done = irdesk(*args, stderr=terminal)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    text = shown.decode().replace("\r\n", "\n")
    return done, [line.split("\r")[-1].removesuffix("\x1b[K") for line in text.split("\n") if line]


def test_a_server_tells_its_steps_and_why_there_is_no_backup(postgres_url: str) -> None:
    """An empty team database (revision none, the run's throwaway PostgreSQL cluster; no
    sample needed: the schema is what is upgraded) from a terminal: every migration
    by name, where a file shows its backup copy the reason there is none, and nothing
    more once it is current."""
    from irdesk.storage.server import ServerAddress

    shown = ServerAddress.parse(postgres_url).shown
    done, lines = read_terminal("db", "upgrade", postgres_url)
    assert done.returncode == 0, done.stderr
    prefix = f"Upgrading {shown}: "
    assert all(line.startswith(prefix) for line in lines)
    said = [line.removeprefix(prefix) for line in lines]
    revisions = schema.known_revisions()
    n = len(revisions)
    assert said[:2] == [
        "reading its schema revision",
        "no backup copy is made of a server (pg_dump keeps one); the steps run in one "
        "transaction, so a failed step changes nothing",
    ]
    assert [s.split(":")[0] for s in said[2:-2]] == [f"step {i} of {n}" for i in range(1, n + 1)]
    assert said[2] == f"step 1 of {n}: incident data"  # 0001_incident_data.py
    assert said[-2:] == ["committing the upgrade", "done"]
    assert done.stdout == (
        f"Upgraded {shown} from schema revision none to {schema.head_revision()}.\n"
    )

    again, lines = read_terminal("db", "upgrade", postgres_url)
    assert again.returncode == 0
    assert lines == [f"{prefix}reading its schema revision"]
    assert again.stdout == (
        f"{shown} is already at the current schema revision {schema.head_revision()}.\n"
    )


def test_a_server_upgraded_by_a_script_says_nothing_on_stderr(postgres_url: str) -> None:
    done = irdesk("db", "upgrade", postgres_url)
    assert (done.returncode, done.stderr) == (0, "")
