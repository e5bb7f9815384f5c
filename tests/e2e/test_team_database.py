"""A team database on PostgreSQL: the same schema, upgraded and checked by `irdesk db`.

Each test gets an empty database on the run's throwaway cluster (conftest's
`postgres_url`), addressed as a user would: a socket folder in the query, no password.
"""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pg_cluster
import pytest
from sqlalchemy import exc as sa_exc

from irdesk.storage import schema


def irdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=os.environ.copy(),
        check=False,
    )


def execute(url: str, *statements: str) -> list[tuple[object, ...]]:
    engine = pg_cluster.engine(url)
    try:
        with engine.connect() as conn:
            rows: list[tuple[object, ...]] = []
            for statement in statements:
                result = conn.exec_driver_sql(statement)
                if result.returns_rows:
                    rows = [tuple(row) for row in result]
            return rows
    finally:
        engine.dispose()


def test_an_empty_server_database_is_upgraded_to_the_head_and_checks_clean(
    postgres_url: str,
) -> None:
    before = irdesk("db", "check", postgres_url)
    assert before.returncode == 1
    assert "schema revision: none" in before.stdout
    assert "run `irdesk db upgrade`" in before.stdout

    upgraded = irdesk("db", "upgrade", postgres_url)
    head = schema.head_revision()
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"from schema revision none to {head}" in upgraded.stdout
    assert "?host=" not in upgraded.stdout  # the socket folder is not part of the name shown

    again = irdesk("db", "upgrade", postgres_url)
    assert again.returncode == 0
    assert f"already at the current schema revision {head}" in again.stdout

    checked = irdesk("db", "check", postgres_url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"schema revision: {head} (current)" in checked.stdout
    assert "schema objects:  ok" in checked.stdout
    assert "audit log:       ok" in checked.stdout
    assert "incident 0" in checked.stdout


def test_check_finds_a_server_schema_that_drifted_from_irdesk(postgres_url: str) -> None:
    assert irdesk("db", "upgrade", postgres_url).returncode == 0
    execute(postgres_url, "ALTER TABLE incident DROP COLUMN severity_raw")

    checked = irdesk("db", "check", postgres_url)

    assert checked.returncode == 1
    assert "schema objects:  PROBLEMS" in checked.stdout
    assert "severity_raw" in checked.stdout
    assert "failed its check" in checked.stderr


def test_an_older_server_schema_is_named_and_upgraded_in_place(postgres_url: str) -> None:
    engine = pg_cluster.engine(postgres_url).execution_options(isolation_level="SERIALIZABLE")
    with engine.begin() as conn:
        schema.upgrade(conn, "0013")
    engine.dispose()

    checked = irdesk("db", "check", postgres_url)
    assert checked.returncode == 1
    assert "schema revision: 0013 (older than" in checked.stdout

    upgraded = irdesk("db", "upgrade", postgres_url)
    assert upgraded.returncode == 0
    assert f"from schema revision 0013 to {schema.head_revision()}" in upgraded.stdout
    assert irdesk("db", "check", postgres_url).returncode == 0


def test_a_server_written_by_a_newer_irdesk_is_refused_unchanged(postgres_url: str) -> None:
    assert irdesk("db", "upgrade", postgres_url).returncode == 0
    execute(postgres_url, "UPDATE alembic_version SET version_num = '9999'")

    for command in ("upgrade", "check"):
        result = irdesk("db", command, postgres_url)
        assert result.returncode == 1
        assert "written by a newer irdesk" in result.stderr
        assert "Traceback" not in result.stderr
    assert execute(postgres_url, "SELECT version_num FROM alembic_version") == [("9999",)]


def test_a_password_in_the_address_is_refused_before_any_connection() -> None:
    result = irdesk("db", "check", "postgresql://alice:s3cret-word@db.example.invalid/irdesk")

    assert result.returncode == 1
    assert "~/.pgpass" in result.stderr
    assert "s3cret-word" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_server_at_the_address_is_one_sentence(tmp_path: object) -> None:
    result = irdesk("db", "check", f"postgresql:///irdesk?host={tmp_path}")

    assert result.returncode == 1
    assert "postgresql:///irdesk:" in result.stderr
    assert "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_tampered_audit_entry_on_the_server_is_found(postgres_url: str) -> None:
    assert irdesk("db", "upgrade", postgres_url).returncode == 0
    execute(
        postgres_url,
        "INSERT INTO audit_entry (occurred_at, actor, action, entity, entity_id, detail_json,"
        f" prev_hash, hash) VALUES ('{datetime(2026, 12, 1, tzinfo=UTC):%Y-%m-%d %H:%M:%S}',"
        " 'mallory', 'edit', 'review', 1, '{}', '" + "0" * 64 + "', '" + "f" * 64 + "')",
    )

    checked = irdesk("db", "check", postgres_url)

    assert checked.returncode == 1
    assert "audit log:       TAMPERED: entry 1" in checked.stdout


def test_partial_unique_indexes_keep_their_condition_on_the_server(postgres_url: str) -> None:
    """Events without an external id may repeat; two with the same id may not (as in a file)."""
    assert irdesk("db", "upgrade", postgres_url).returncode == 0
    now = "2026-12-01 10:00:00"
    execute(
        postgres_url,
        "INSERT INTO incident (id, source, external_id, title, status, consistency_flags,"
        " external_cause, approved_tech_debt, regulatory_exposure, created_at, updated_at)"
        f" VALUES (1, 'pagerduty', 'P1', 'Checkout down', 'resolved', '', false, false, false,"
        f" '{now}', '{now}')",
    )
    event = (
        "INSERT INTO timeline_event (incident_id, occurred_at, kind, source, external_id, text,"
        " is_key_moment, added_by_facilitator)"
        f" VALUES (1, '{now}', 'note', 'pagerduty', {{}}, 'x', false, false)"
    )
    execute(postgres_url, event.format("NULL"), event.format("NULL"), event.format("'E1'"))

    with pytest.raises(sa_exc.IntegrityError):
        execute(postgres_url, event.format("'E1'"))


def test_directory_keys_are_case_blind_on_the_server_as_in_a_file(postgres_url: str) -> None:
    assert irdesk("db", "upgrade", postgres_url).returncode == 0
    execute(postgres_url, "INSERT INTO team (id, name) VALUES (1, 'Payments')")
    execute(
        postgres_url,
        "INSERT INTO team_key (source, key, team_id) VALUES ('pagerduty', 'Payments', 1)",
    )

    with pytest.raises(sa_exc.IntegrityError):
        execute(
            postgres_url,
            "INSERT INTO team_key (source, key, team_id) VALUES ('pagerduty', 'payments', 1)",
        )
    found = execute(postgres_url, "SELECT team_id FROM team_key WHERE key = 'PAYMENTS'")
    assert found == [(1,)]
