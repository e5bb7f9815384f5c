"""Shared fixtures. Every test gets its own irdesk home, so nothing touches the user's files."""

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt's offscreen platform pretends to be an 800×600 screen; windows that fit their
# screen would then open at that size. The window tests run on a desktop-sized one.
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    _screens = Path(tempfile.mkdtemp(prefix="irdesk-test-screens-")) / "screens.json"
    _screens.write_text(
        json.dumps(
            {"screens": [{"name": "desktop", "x": 0, "y": 0, "width": 1920, "height": 1080}]}
        )
    )
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screens}"

from irdesk.storage.database import Database, open_database

# The same examples on every run and machine: a failure found once is found again, and a
# slow shared runner never fails a test on hypothesis's per-example deadline.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def irdesk_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("irdesk-home")
    monkeypatch.setenv("IRDESK_HOME", str(home))
    return home


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "test.db")
    yield db
    db.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One throwaway PostgreSQL cluster for the whole run; its superuser's URL.

    `make test` installs Debian's postgresql package (tools/debian-packages.txt), so a
    missing server is a set-up failure to report, not a reason to skip.
    """
    import pg_cluster

    if pg_cluster.bindir() is None:
        pytest.fail(
            "PostgreSQL's server is not installed: run `make test` (or apt-get install postgresql)"
        )
    # Not under pytest's own folder: that is private to this user, and under root the
    # server runs as the postgres user, who must reach its data folder.
    base = Path(tempfile.mkdtemp(prefix="irdesk-test-postgres-"))
    folder = base / "cluster"
    try:
        yield pg_cluster.start(folder)
    finally:
        pg_cluster.stop(folder)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, empty database on the run's cluster for one test; dropped afterwards."""
    import pg_cluster

    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    admin = pg_cluster.engine(postgres_server)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield postgres_server.replace("/postgres?", f"/{name}?")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
