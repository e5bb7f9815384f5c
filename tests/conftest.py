"""Shared fixtures. Every test gets its own irdesk home, so nothing touches the user's files."""

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from packet_fixtures import PacketWorld, Signer

from irdesk.demo.generator import DEFAULT_SEED, DemoSummary, write_demo
from irdesk.storage.database import Database, open_database

# The same examples on every run and machine: a failure found once is found again, and a
# slow shared runner never fails a test on hypothesis's per-example deadline. Derandomized
# runs keep no example database either, so parallel workers share no file of hypothesis's.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def irdesk_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("irdesk-home")
    monkeypatch.setenv("IRDESK_HOME", str(home))
    return home


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A new, empty database: a file, or (in a `both_backends` module's second run) a
    database on the run's PostgreSQL cluster."""
    if getattr(request, "param", "sqlite") == "postgresql":
        yield request.getfixturevalue("postgres_database")
        return
    db = open_database(tmp_path / "test.db")
    yield db
    db.close()


@pytest.fixture(scope="session")
def copy_demo(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., DemoSummary]:
    """`write_demo(path, anchor=…, seed=…)` for tests that only need the demo organisation.

    The same seed and anchor always give the same file (tests/unit/test_demo.py holds
    write_demo to that), so each is generated once per test process and copied after.
    """
    folder = tmp_path_factory.mktemp("demo-cache")
    made: dict[tuple[int, date], tuple[Path, DemoSummary]] = {}

    def copy(path: Path, *, anchor: date, seed: int = DEFAULT_SEED) -> DemoSummary:
        if (seed, anchor) not in made:
            original = folder / f"demo-{seed}-{anchor.isoformat()}.db"
            made[seed, anchor] = (original, write_demo(original, seed=seed, anchor=anchor))
        original, summary = made[seed, anchor]
        if path.exists():
            raise FileExistsError(f"{path} already exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(original, path)
        return summary

    return copy


@pytest.fixture(scope="session")
def packet_world(
    tmp_path_factory: pytest.TempPathFactory, copy_demo: Callable[..., DemoSummary]
) -> "PacketWorld":
    """Five signed packets and what they were made from, made once and only read by tests.

    Here, not imported into each test module: an imported fixture is a fixture of that
    module, and would be made again for each one.
    """
    from packet_fixtures import make_packet_world

    return make_packet_world(tmp_path_factory, copy_demo)


@pytest.fixture
def signer(request: pytest.FixtureRequest, tmp_path: Path) -> "Signer":
    """A signing identity for a packet test: the (name, role) of its module's SIGNER."""
    from packet_fixtures import make_signer

    name, role = request.module.SIGNER
    return make_signer(tmp_path, name, role)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One throwaway PostgreSQL cluster for the test process; its superuser's URL.

    Under `pytest -n` each worker starts its own, in a folder (and so a socket) of its
    own: the workers share no server and no database name.

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


# ---- Both backends: the storage suite and a subset of the import, review and packet
# suites run once on a file and once on PostgreSQL. A module marked `both_backends`
# gets each test that takes `database` twice, [sqlite] and [postgresql]; a test of what
# only a file does is marked `sqlite_only`. The server's databases are copies of one
# template upgraded once per run, so a test pays for CREATE DATABASE, not for the
# migrations.


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_backends: the module's `database` tests run on SQLite and PostgreSQL"
    )
    config.addinivalue_line("markers", "sqlite_only: a test of what only a SQLite file does")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_backends") is None:
        return
    backends = ["sqlite"]
    if metafunc.definition.get_closest_marker("sqlite_only") is None:
        backends.append("postgresql")
    metafunc.parametrize("database", backends, indirect=True)


TEMPLATE = "irdesk_template"


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """A database at this irdesk's head schema, for CREATE DATABASE … TEMPLATE."""
    import pg_cluster

    from irdesk.storage import server

    admin = pg_cluster.engine(postgres_server)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{TEMPLATE}"')
    admin.dispose()
    server.upgrade(server.ServerAddress(postgres_server.replace("/postgres?", f"/{TEMPLATE}?")))
    return TEMPLATE


@pytest.fixture
def postgres_database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """An empty irdesk database at the head schema on the run's cluster; dropped after.

    Skipped, saying why, only where PostgreSQL's server is not installed: CI and
    `make test` install it (tools/debian-packages.txt).
    """
    import pg_cluster

    from irdesk.storage import server

    if pg_cluster.bindir() is None:
        pytest.skip("PostgreSQL's server is not installed (apt-get install postgresql)")
    cluster = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    name = "b_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    admin = pg_cluster.engine(cluster)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    db = server.open_server_database(
        server.ServerAddress(cluster.replace("/postgres?", f"/{name}?"))
    )
    yield db
    db.close()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
