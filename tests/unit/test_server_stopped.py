"""A team database's server that ends the connection while a command runs: the command
says so in one sentence naming the database, exits 1, and leaves the database as it was.

The connection is ended as an administrator would end it, by pg_terminate_backend from
another connection, at a chosen statement of the command."""

from collections.abc import Iterator

import pg_cluster
import pytest
from sqlalchemy import Engine, event
from testdata import SHARED_DATA

from irdesk.cli.main import main
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import Database
from irdesk.storage.errors import ServerStopped

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"  # 26 incidents, May and June 2021


@pytest.fixture
def end_connection_at(postgres_server: str) -> Iterator[list[str]]:
    """Append a piece of SQL: the first statement holding it, on any engine, finds its
    connection ended by the server's administrator just before it is sent."""
    admin = pg_cluster.engine(postgres_server)
    markers: list[str] = []

    def terminate(conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if not any(marker in statement for marker in markers):
            return
        markers.clear()
        pid = conn.connection.driver_connection.info.backend_pid
        with admin.connect() as other:
            # Waits (up to 10 s) until the backend has gone.
            other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)}, 10000)")

    event.listen(Engine, "before_cursor_execute", terminate)
    yield markers
    event.remove(Engine, "before_cursor_execute", terminate)
    admin.dispose()


def incidents(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM incident").scalar_one())


def one_sentence(err: str, db: Database) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"irdesk: error: {db.path}: the server stopped the command (")
    assert "administrator command" in lines[0]  # what the server said
    assert lines[0].endswith("try again once it answers (nothing was changed).")


def test_an_import_whose_connection_ends_writes_nothing(
    postgres_database: Database, end_connection_at: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """/work/shared/data/pagerduty_incidents_page.json, its write stopped at the lock every
    import takes first."""
    url = postgres_database.path.address.url
    end_connection_at.append("pg_advisory_xact_lock")
    code = main(["import", "--db", url, str(PD_PAGE)])
    _, err = capsys.readouterr()
    assert code == 1
    one_sentence(err, postgres_database)
    assert incidents(postgres_database) == 0
    # The server is back for the next command: the same import now writes everything.
    assert main(["import", "--db", url, str(PD_PAGE)]) == 0
    assert incidents(postgres_database) == 26


def test_a_metrics_read_whose_connection_ends_says_so(
    postgres_database: Database, end_connection_at: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """June 2021 of /work/shared/data/pagerduty_incidents_page.json, the command stopped
    as it reads the stored policy the figures are computed under."""
    run_import(postgres_database, [PD_PAGE])
    url = postgres_database.path.address.url
    end_connection_at.append("FROM policy")
    code = main(["metrics", "--db", url, "--from", "2021-06-01", "--to", "2021-06-30"])
    out, err = capsys.readouterr()
    assert code == 1
    one_sentence(err, postgres_database)
    assert "Time to resolve" not in out
    assert incidents(postgres_database) == 26


def test_a_drivers_own_cursor_whose_connection_ends_is_named_too(
    postgres_database: Database, postgres_server: str
) -> None:
    """The metric reads' aggregates go through psycopg's cursor, not SQLAlchemy's
    statements (`metric_server`): the same sentence."""
    admin = pg_cluster.engine(postgres_server)
    try:
        with pytest.raises(ServerStopped) as stopped, postgres_database.connection() as conn:
            cur = conn.connection.cursor()
            pid = conn.connection.driver_connection.info.backend_pid
            with admin.connect() as other:
                other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)}, 10000)")
            cur.execute("SELECT count(*) FROM incident")
    finally:
        admin.dispose()
    assert str(stopped.value).startswith(f"{postgres_database.path}: the server stopped")
    assert incidents(postgres_database) == 0  # and the next connection works
