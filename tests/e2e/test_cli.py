"""The `irdesk` command as a user runs it: a real subprocess, real files, exit codes."""

import contextlib
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from testdata import SHARED_DATA

from irdesk import __version__
from irdesk.storage import schema


def irdesk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env if env is not None else os.environ.copy(),
        check=False,
    )


def listed_commands(help_text: str) -> list[str]:
    """The sub-command names argparse prints under 'positional arguments'."""
    section = help_text.split("positional arguments:")[1].split("options:")[0]
    return re.findall(r"^    ([\w-]+)(?:  |$)", section, flags=re.MULTILINE)


def test_version() -> None:
    result = irdesk("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"irdesk {__version__}"


def test_help_lists_exactly_the_commands_that_work() -> None:
    result = irdesk("--help")
    assert result.returncode == 0
    assert listed_commands(result.stdout) == [
        "demo",
        "import",
        "metrics",
        "classify",
        "validation",
        "roles",
        "escalations",
        "person",
        "team",
        "runbooks",
        "problems",
        "org",
        "register",
        "facilitators",
        "survey",
        "review-health",
        "calibration",
        "themes",
        "db",
        "packet",
        "countersign",
        "verify",
        "identity",
        "notes",
    ]
    for option in ("--db PATH", "--demo", "--version"):
        assert option in result.stdout
    assert listed_commands(irdesk("db", "--help").stdout) == ["upgrade", "check", "roles", "copy"]
    assert listed_commands(irdesk("survey", "--help").stdout) == ["import"]
    assert listed_commands(irdesk("notes", "--help").stdout) == [
        "list",
        "add",
        "export",
        "readers",
        "share",
        "remove-reader",
        "backups",
    ]


def test_an_unknown_command_is_one_sentence_and_exit_1() -> None:
    result = irdesk("frobnicate")
    assert result.returncode == 1
    assert result.stderr.startswith("irdesk: error: unknown command 'frobnicate': expected one of ")
    assert result.stderr.count("\n") == 1 and "usage:" not in result.stderr


def test_a_wrong_command_line_is_one_located_sentence_and_changes_nothing(tmp_path: Path) -> None:
    """Each mistake names the command, the option, what it takes and what was typed, on
    one line, exit 1, the database (made from pagerduty_incidents_page.json) as it was."""
    db = tmp_path / "irdesk.db"
    made = irdesk("import", str(SHARED_DATA / "pagerduty_incidents_page.json"), "--db", str(db))
    assert made.returncode == 0, made.stderr
    before = db.read_bytes()
    mistakes = {
        ("metrics", "--db", str(db), "--by", "colour"): (
            "irdesk metrics: error: --by expected one of service, team, severity, person, "
            "found 'colour'."
        ),
        ("org", "export", "--db", str(db)): (
            "irdesk org export: error: --out FILE.json is required and was not given."
        ),
        ("org", "export", "--db", str(db), "--out", str(tmp_path / "o.json"), "--colour"): (
            "irdesk org export: error: unknown option --colour: expected one of --db, --force, "
            "--on, --out."
        ),
        ("metrics", "--db", str(db), "--from"): (
            "irdesk metrics: error: --from expected DATE, found nothing."
        ),
        ("metrics", "--db", str(db), "--from", "2026-02-30"): (
            "irdesk metrics: error: --from: expected a date like 2026-11-01, got '2026-02-30'."
        ),
    }
    for args, sentence in mistakes.items():
        result = irdesk(*args)
        assert (result.returncode, result.stderr, result.stdout) == (1, sentence + "\n", ""), args
    assert db.read_bytes() == before
    assert not (tmp_path / "o.json").exists()
    # Asking for help is not a mistake: the usage as argparse writes it, exit 0.
    helped = irdesk("org", "export", "--help")
    assert helped.returncode == 0 and helped.stdout.startswith("usage: irdesk org export")


def test_demo_writes_a_database_that_passes_its_check(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    result = irdesk("demo", str(path), "--anchor", "2026-11-01")
    assert result.returncode == 0, result.stderr
    assert "incidents" in result.stdout
    with closing(sqlite3.connect(path)) as conn, conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()

    check = irdesk("db", "check", str(path))
    assert check.returncode == 0, check.stderr
    assert f"schema revision: {schema.head_revision()} (current)" in check.stdout
    assert "integrity:       ok" in check.stdout

    again = irdesk("demo", str(path))
    assert again.returncode == 1
    assert "already exists; add --force" in again.stderr


def test_check_names_the_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id,title\n1,Checkout down\n")
    result = irdesk("db", "check", str(path))
    assert result.returncode == 1
    assert str(path) in result.stderr and "not an SQLite file" in result.stderr
    assert "Traceback" not in result.stderr


def test_upgrade_backs_up_an_older_file_and_reports_where(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.upgrade(conn, schema.known_revisions()[0])
    engine.dispose()

    result = irdesk("db", "upgrade", str(path))
    assert result.returncode == 0, result.stderr
    assert f"to schema revision {schema.head_revision()}" in result.stdout
    backups = list(tmp_path.glob("old.db.backup-*"))
    assert len(backups) == 1 and str(backups[0]) in result.stdout

    again = irdesk("db", "upgrade", str(path))
    assert again.returncode == 0
    assert "already at the current schema revision" in again.stdout


def test_import_into_an_older_file_says_it_upgraded_it_and_a_dry_run_does_not(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.upgrade(conn, schema.known_revisions()[0])
    engine.dispose()
    before = path.read_bytes()

    dry = irdesk(
        "import", str(SHARED_DATA / "pagerduty_incidents_page.json"), "--db", str(path), "--dry-run"
    )
    assert dry.returncode == 1
    assert "older schema revision 0001" in dry.stderr and "irdesk db upgrade" in dry.stderr
    assert path.read_bytes() == before and not list(tmp_path.glob("old.db.backup-*"))

    result = irdesk("import", str(SHARED_DATA / "pagerduty_incidents_page.json"), "--db", str(path))
    assert result.returncode == 0, result.stderr
    (backup,) = tmp_path.glob("old.db.backup-*")
    assert result.stdout.splitlines()[0] == (
        f"Upgraded {path} to this irdesk's schema first; backup: {backup}"
    )
    assert "Incidents: 26 new" in result.stdout


def test_upgrade_of_a_missing_file_fails_clearly(tmp_path: Path) -> None:
    result = irdesk("db", "upgrade", str(tmp_path / "missing.db"))
    assert result.returncode == 1
    assert "missing.db: does not exist." in result.stderr
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="display detection is per platform"
)
def test_without_a_display_the_gui_says_so_instead_of_aborting(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = irdesk("--db", str(tmp_path / "x.db"), env=env)
    assert result.returncode == 1
    assert "no display found" in result.stderr
    assert "irdesk db check" in result.stderr
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_import_reports_and_a_second_import_changes_nothing(tmp_path: Path) -> None:
    sample = SHARED_DATA / "pagerduty_incidents_page.json"
    db = tmp_path / "irdesk.db"
    first = irdesk("import", str(sample), "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "Incidents: 26 new, 0 updated, 0 unchanged" in first.stdout
    again = irdesk("import", str(sample), "--db", str(db))
    assert "Incidents: 0 new, 0 updated, 26 unchanged" in again.stdout


def test_import_of_a_bad_file_exits_non_zero_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "irdesk.db"
    bad = tmp_path / "cut.json"
    bad.write_bytes((SHARED_DATA / "pagerduty_incidents_page.json").read_bytes()[:4000])
    result = irdesk("import", str(bad), "--db", str(db))
    assert result.returncode == 1
    assert str(bad) in result.stderr and "Nothing was imported." in result.stderr
    assert "Traceback" not in result.stderr
    assert not db.exists()  # the database it would have created is not left behind


def test_import_of_a_zoneless_csv_asks_for_tz_and_accepts_it(tmp_path: Path) -> None:
    csv_export = SHARED_DATA / "jira_service_management_export_es.csv"
    db = tmp_path / "irdesk.db"
    refused = irdesk("import", str(csv_export), "--db", str(db))
    assert refused.returncode == 1 and "--tz" in refused.stderr
    bad_zone = irdesk("import", str(csv_export), "--db", str(db), "--tz", "Mars/Olympus")
    assert bad_zone.returncode == 1 and "unknown time zone 'Mars/Olympus'" in bad_zone.stderr
    accepted = irdesk(
        "import", str(csv_export), "--db", str(db), "--tz", "Europe/Madrid", "--dry-run"
    )
    assert accepted.returncode == 0, accepted.stderr
    assert "Would import 1 file(s)" in accepted.stdout and "3 new" in accepted.stdout


def test_import_severity_rules_override_the_defaults(tmp_path: Path) -> None:
    # PH4UE4E in pagerduty_incidents_page.json has priority P4 (SEV4 by default).
    db = tmp_path / "irdesk.db"
    sample = SHARED_DATA / "pagerduty_incidents_page.json"
    result = irdesk("import", str(sample), "--db", str(db), "--severity", "pagerduty:p4=sev2")
    assert result.returncode == 0, result.stderr
    with closing(sqlite3.connect(db)) as conn, conn:
        row = conn.execute(
            "SELECT severity, severity_raw FROM incident WHERE external_id = 'PH4UE4E'"
        ).fetchone()
    conn.close()
    assert row == ("SEV2", "P4")
    bad = irdesk("import", str(sample), "--db", str(db), "--severity", "P4 is bad")
    assert bad.returncode == 1 and "SOURCE:VALUE=SEVn" in bad.stderr


def test_import_of_your_own_csv_with_columns_then_remembered(tmp_path: Path) -> None:
    # tests/fixtures/generic/ops_tracker_export.csv: an in-house tracker with no importer.
    export = Path(__file__).resolve().parents[1] / "fixtures" / "generic" / "ops_tracker_export.csv"
    db = tmp_path / "irdesk.db"
    unknown = irdesk("import", str(export), "--db", str(db))
    assert unknown.returncode == 1 and "an export irdesk reads" in unknown.stderr
    columns = ["external_id=Ticket", "title=Headline", "started_at=Opened", "resolved_at=Resolved"]
    mapped = irdesk(
        "import",
        str(export),
        "--db",
        str(db),
        "--tz",
        "Europe/Madrid",
        "--date-format",
        "%d/%m/%Y %H:%M",
        "--source-name",
        "ops-tracker",
        *(arg for column in columns for arg in ("--column", column)),
    )
    assert mapped.returncode == 0, mapped.stderr
    assert "Incidents: 3 new" in mapped.stdout and "Column mapping remembered" in mapped.stdout
    with closing(sqlite3.connect(db)) as conn, conn:
        row = conn.execute(
            "SELECT title, started_at FROM incident WHERE source = 'ops-tracker' AND external_id = '4711'"
        ).fetchone()
    conn.close()
    assert row == ("Checkout 502s after deploy", "2026-10-14 07:12:00.000000")
    again = irdesk("import", str(export), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert "3 unchanged" in again.stdout


def test_a_dry_run_into_a_new_file_leaves_no_file(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    result = irdesk(
        "import", str(SHARED_DATA / "pagerduty_incidents_page.json"), "--db", str(db), "--dry-run"
    )
    assert result.returncode == 0 and "Would import 1 file(s)" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_check_of_a_missing_file_is_a_message(tmp_path: Path) -> None:
    result = irdesk("db", "check", str(tmp_path / "nothere.db"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"irdesk: error: {tmp_path / 'nothere.db'}: does not exist."


def test_check_lists_the_problems_of_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    assert irdesk("demo", str(path), "--anchor", "2026-11-01").returncode == 0
    with contextlib.closing(sqlite3.connect(path)) as conn:
        leaves = conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'ix_timeline_incident_time' AND pagetype = 'leaf'"
            " ORDER BY pageno LIMIT 2"
        ).fetchall()
    data = bytearray(path.read_bytes())
    page = 4096
    for (number,) in leaves:  # scribble over two page headers of an index
        start = (number - 1) * page
        data[start + 1 : start + 12] = b"\xff" * 11
    path.write_bytes(bytes(data))
    result = irdesk("db", "check", str(path))
    assert result.returncode == 1
    assert "integrity:       DAMAGED" in result.stdout
    problems = [line for line in result.stdout.splitlines() if line.startswith("    ")]
    assert problems and all("\\n" not in line for line in problems)
    assert "failed its check" in result.stderr


def test_check_detects_an_audit_log_edited_behind_irdesks_back(tmp_path: Path) -> None:
    from irdesk.storage.database import open_database
    from irdesk.storage.records.lifecycle_edits import set_override

    path = tmp_path / "demo.db"
    assert irdesk("demo", str(path), "--anchor", "2026-11-01").returncode == 0
    db = open_database(path)
    with db.transaction() as session:
        set_override(session, 1, "started_at", None, reason="no impact after all", actor="Zoë")
    db.close()
    assert "audit log:       ok" in irdesk("db", "check", str(path)).stdout

    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE audit_entry SET actor = 'someone else'")
    conn.close()
    result = irdesk("db", "check", str(path))
    assert result.returncode == 1
    assert "audit log:       TAMPERED: entry 1 does not match its hash" in result.stdout


def test_demo_force_replaces_only_an_irdesk_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# what we said in the review\n")
    result = irdesk("demo", str(notes), "--force")
    assert result.returncode == 1
    assert "--force replaces only an irdesk database" in result.stderr
    assert notes.read_text() == "# what we said in the review\n"
    folder = tmp_path / "folder"
    folder.mkdir()
    result = irdesk("demo", str(folder), "--force")
    assert result.returncode == 1 and "is a folder" in result.stderr
    assert "Traceback" not in result.stderr
