"""Roles a team database enforces itself: each group connects and is refused what it
must not do, and managers see only the feedback-note rows sealed to them.

The SQL is what `irdesk db roles` prints, run by the database's owner as the README
tells an administrator to.
"""

import subprocess
import sys
from collections.abc import Iterator

import pg_cluster
import pytest
from sqlalchemy import exc as sa_exc

from irdesk.storage import server
from irdesk.storage.server_roles import roles_sql, schema_tables

LOGINS = {
    "vera": "irdesk_viewer",
    "fay": "irdesk_facilitator",
    "cora": "irdesk_compliance",
    "max": "irdesk_manager",
    "mia": "irdesk_manager",
}
NOW = "2026-12-01 10:00:00"


def run(url: str, *statements: str, login: str | None = None) -> list[tuple[object, ...]]:
    if login is not None:
        url = url.replace(f"{pg_cluster.SUPERUSER}@", f"{login}@", 1)
    engine = pg_cluster.engine(url)
    try:
        with engine.connect() as conn:
            rows: list[tuple[object, ...]] = []
            for statement in statements:
                result = conn.exec_driver_sql(statement)
                rows = [tuple(row) for row in result] if result.returns_rows else []
            return rows
    finally:
        engine.dispose()


def refused(url: str, statement: str, login: str) -> bool:
    try:
        run(url, statement, login=login)
    except sa_exc.ProgrammingError as exc:
        return "permission denied" in str(exc.orig)
    return False


def irdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args], capture_output=True, text=True, timeout=180
    )


@pytest.fixture
def team_database(postgres_url: str) -> Iterator[str]:
    """Upgraded, roles applied (twice: the script is safe to repeat), five logins, and
    two notes: one sealed to max, one to mia."""
    server.upgrade(server.ServerAddress.parse(postgres_url))
    script = roles_sql(schema_tables())
    run(postgres_url, script)
    run(postgres_url, script)
    for login, group in LOGINS.items():
        run(
            postgres_url,
            f"DROP ROLE IF EXISTS {login}",
            f"CREATE ROLE {login} LOGIN IN ROLE {group}",
        )
    run(
        postgres_url,
        "INSERT INTO person (id, name) VALUES (1, 'Dana Engineer')",
        "INSERT INTO note_reader (id, name, fingerprint, public_key, recovery, created_at)"
        f" VALUES (1, 'Max', 'fp-max', '\\x01', false, '{NOW}'),"
        f" (2, 'Mia', 'fp-mia', '\\x02', false, '{NOW}')",
        "INSERT INTO irdesk_login_reader VALUES ('max', 'fp-max'), ('mia', 'fp-mia')",
        "INSERT INTO feedback_note (id, person_id, sealed, created_at, updated_at)"
        f" VALUES (1, 1, '\\xaa', '{NOW}', '{NOW}'), (2, 1, '\\xbb', '{NOW}', '{NOW}')",
        "INSERT INTO note_key (note_id, reader_id, wrapped) VALUES (1, 1, '\\x11'), (2, 2, '\\x22')",
        "SELECT setval(pg_get_serial_sequence('feedback_note', 'id'), 2)",
    )
    yield postgres_url
    run(postgres_url, *(f"DROP OWNED BY {login}; DROP ROLE {login}" for login in LOGINS))


def test_a_viewer_reads_the_record_and_no_feedback_note_row(team_database: str) -> None:
    assert run(team_database, "SELECT count(*) FROM person", login="vera") == [(1,)]
    for table in ("feedback_note", "note_key", "note_reader", "feedback_note_pending"):
        assert refused(team_database, f"SELECT * FROM {table}", "vera"), table
    assert refused(team_database, "INSERT INTO team (name) VALUES ('Ops')", "vera")
    assert refused(team_database, "UPDATE review SET id = id", "vera")
    assert refused(team_database, "UPDATE person SET name = 'x'", "vera")


def test_a_facilitator_edits_the_record_but_records_no_packet(team_database: str) -> None:
    run(team_database, "INSERT INTO team (name) VALUES ('Payments')", login="fay")
    assert run(team_database, "SELECT name FROM team", login="vera") == [("Payments",)]
    assert refused(team_database, "UPDATE packet SET id = id", "fay")
    assert refused(team_database, "DELETE FROM regulation_rule", "fay")
    assert refused(team_database, "UPDATE policy_version SET id = id", "fay")
    assert refused(team_database, "SELECT * FROM feedback_note", "fay")


def test_only_compliance_records_packets_and_register_entries(team_database: str) -> None:
    for table in ("packet", "regulation_rule", "incident_notification", "policy_version"):
        rows = run(
            team_database,
            "SELECT pg_has_role('cora', 'irdesk_compliance', 'member'),"
            f" has_table_privilege('cora', '{table}', 'INSERT'),"
            f" has_table_privilege('fay', '{table}', 'INSERT'),"
            f" has_table_privilege('max', '{table}', 'INSERT')",
        )
        assert rows == [(True, True, False, False)], table
    run(team_database, "UPDATE packet SET id = id", login="cora")  # allowed, no rows


@pytest.mark.parametrize("login", sorted(LOGINS))
def test_no_group_can_rewrite_the_audit_log(team_database: str, login: str) -> None:
    assert refused(team_database, "UPDATE audit_entry SET actor = 'someone else'", login)
    assert refused(team_database, "DELETE FROM audit_entry", login)


def test_a_manager_sees_only_the_notes_sealed_to_them(team_database: str) -> None:
    assert run(team_database, "SELECT id FROM feedback_note ORDER BY id", login="max") == [(1,)]
    assert run(team_database, "SELECT id FROM feedback_note ORDER BY id", login="mia") == [(2,)]
    assert run(team_database, "SELECT note_id FROM note_key", login="max") == [(1,)]
    # Someone else's note cannot be changed or deleted: the row is not there for them.
    run(team_database, "UPDATE feedback_note SET sealed = '\\x00' WHERE id = 2", login="max")
    run(team_database, "DELETE FROM note_key WHERE note_id = 2", login="max")
    assert run(
        team_database,
        "SELECT sealed, (SELECT count(*) FROM note_key WHERE note_id = 2)"
        " FROM feedback_note WHERE id = 2",
    ) == [(b"\xbb", 1)]
    # A manager edits no review, and a compliance officer with no reader key sees no note.
    assert refused(team_database, "UPDATE review SET id = id", "max")
    assert run(team_database, "SELECT count(*) FROM feedback_note", login="cora") == [(0,)]


def test_a_manager_writes_a_note_with_its_keys_and_only_its_readers_see_it(
    team_database: str,
) -> None:
    run(
        team_database,
        "BEGIN",
        "INSERT INTO feedback_note (person_id, sealed, created_at, updated_at)"
        f" VALUES (1, '\\xcc', '{NOW}', '{NOW}') RETURNING id",
        "INSERT INTO note_key (note_id, reader_id, wrapped)"
        " SELECT max(id), 1, '\\x33' FROM feedback_note",
        "COMMIT",
        login="max",
    )

    assert run(team_database, "SELECT count(*) FROM feedback_note", login="max") == [(2,)]
    assert run(team_database, "SELECT count(*) FROM feedback_note", login="mia") == [(1,)]


def test_the_printed_roles_are_what_the_administrator_runs() -> None:
    printed = irdesk("db", "roles")
    assert printed.returncode == 0
    assert printed.stdout == roles_sql(schema_tables())


def test_the_check_ignores_what_the_roles_added(team_database: str) -> None:
    checked = irdesk("db", "check", team_database)
    assert checked.returncode == 0, checked.stdout
