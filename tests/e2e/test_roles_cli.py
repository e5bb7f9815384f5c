"""`irdesk roles` and `irdesk escalations` as a user runs them: subprocesses on a database
imported from /work/shared/data/pagerduty_incidents_page.json with the hand-written log
entries of PGW5XNE (tests/fixtures/pagerduty), and on the hand-built organisation of
tests/escalation_fixture.py."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from escalation_fixture import build
from testdata import FIXTURES, SHARED_DATA, database_dump

from irdesk.storage.database import open_database

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
PD_LOG = FIXTURES / "pagerduty" / "log_entries_PGW5XNE.json"


def irdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.db"
    done = irdesk("import", str(PD_PAGE), str(PD_LOG), "--db", str(path))
    assert done.returncode == 0, done.stderr
    return path


def test_roles_shown_typed_and_kept_through_a_reimport(imported: Path) -> None:
    done = irdesk("roles", "PGW5XNE", "--db", str(imported), "--format", "json")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["incident"] == "pagerduty:PGW5XNE"
    assert [(r["person"], r["role"], r["source"]) for r in shown["roles"]] == [
        ("Giran Moodley", "responder", "import"),
        ("Giran Moodley", "oncall_primary", "import"),
        ("Bryce Blake", "oncall_secondary", "import"),
    ]
    done = irdesk("roles", "PGW5XNE", "--db", str(imported), "--set", "Bryce Blake=commander")
    assert done.returncode == 0, done.stderr
    assert "Bryce Blake: incident commander [typed]" in done.stdout
    again = irdesk("import", str(PD_PAGE), str(PD_LOG), "--db", str(imported))
    assert again.returncode == 0, again.stderr
    done = irdesk("roles", "PGW5XNE", "--db", str(imported), "--format", "json")
    roles = json.loads(done.stdout)["roles"]
    assert (roles[0]["person"], roles[0]["role"], roles[0]["source"]) == (
        "Bryce Blake",
        "commander",
        "typed",
    )
    assert roles[-1]["superseded"] is True


def test_a_refused_role_changes_nothing(imported: Path) -> None:
    before = database_dump(imported)
    done = irdesk(
        "roles",
        "PGW5XNE",
        "--db",
        str(imported),
        "--set",
        "Bryce Blake=scribe",
        "--set",
        "Giran Moodley=hero",
    )
    assert done.returncode == 1
    assert "no role 'hero'" in done.stderr and "Nothing was changed." in done.stderr
    assert database_dump(imported) == before
    done = irdesk("roles", "PGW5XNE", "--db", str(imported), "--set", "Bryce")
    assert done.returncode == 1 and "expected PERSON=ROLE" in done.stderr


def test_escalations_per_team_and_month(tmp_path: Path) -> None:
    path = tmp_path / "org.db"
    db = open_database(path)
    try:
        build(db)
    finally:
        db.close()
    done = irdesk(
        "escalations",
        "--db",
        str(path),
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-30",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [
        (
            r["team"],
            r["period"],
            r["incidents"],
            r["late_levels"],
            r["late_minutes"],
            r["skipped_levels"],
        )
        for r in rows
    ] == [
        ("Payments", "2026-03", 2, 1, 12.0, 1),
        ("Payments", "2026-04", 1, 0, 0.0, 0),
    ]
    table = irdesk("escalations", "--db", str(path), "--from", "2026-03-01", "--to", "2026-03-31")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["team", "period", "incidents"]
    assert lines[1].split()[:8] == ["Payments", "2026-03", "2", "2", "1", "12", "1", "0"]
    bad = irdesk("escalations", "--db", str(path), "--from", "March", "--to", "2026-03-31")
    assert bad.returncode == 1 and "expected a date like" in bad.stderr
