"""`irdesk runbooks` as a user runs it: subprocesses on a database imported from
/work/shared/data/pagerduty_incidents_page.json with the hand-written log entries of
PGW5XNE (tests/fixtures/pagerduty) and the runbooks of tests/fixtures/runbooks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import FIXTURES, SHARED_DATA, database_dump

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
PD_LOG = FIXTURES / "pagerduty" / "log_entries_PGW5XNE.json"
RUNBOOKS = FIXTURES / "runbooks"


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
    done = irdesk("runbooks", "--db", str(path), "import", str(RUNBOOKS))
    assert done.returncode == 0, done.stderr
    assert "ID: Production: 'Office 365 outage', 4 steps (4 new" in done.stdout
    assert "README.md: no checklist steps" in done.stdout
    return path


def test_record_steps_and_read_adherence_as_json(imported: Path) -> None:
    db = str(imported)
    done = irdesk(
        "runbooks",
        "--db",
        db,
        "record",
        "PGW5XNE",
        "2",
        "skipped",
        "--person",
        "Giran Moodley",
        "--reason",
        "the dashboard was down",
    )
    assert done.returncode == 0, done.stderr
    assert (
        "2. Check the Office 365 health dashboard for known issues: skipped "
        "(Giran Moodley, justified: the dashboard was down)" in done.stdout
    )
    done = irdesk(
        "runbooks", "--db", db, "record", "PGW5XNE", "3", "deviated", "--person", "Bryce Blake"
    )
    assert done.returncode == 0, done.stderr
    done = irdesk(
        "runbooks",
        "--db",
        db,
        "adherence",
        "--from",
        "2021-05-01",
        "--to",
        "2021-05-31",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    rows = {(r["kind"], r["name"]): r for r in json.loads(done.stdout)}
    assert rows[("person", "Giran Moodley")]["adherence"] == 1.0
    assert rows[("person", "Bryce Blake")]["unjustified"] == 1
    incident = rows[("incident", "pagerduty:PGW5XNE")]
    assert (incident["recorded"], incident["not_recorded"], incident["adherence"]) == (2, 2, 0.5)
    steps = irdesk("runbooks", "--db", db, "steps", "PGW5XNE", "--format", "json")
    shown = json.loads(steps.stdout)
    assert [s["outcome"] for s in shown["steps"]] == [None, "skipped", "deviated", None]


def test_bad_input_is_one_sentence_and_changes_nothing(imported: Path, tmp_path: Path) -> None:
    db = str(imported)
    before = database_dump(imported)
    done = irdesk("runbooks", "--db", db, "record", "PGW5XNE", "9", "followed")
    assert done.returncode == 1
    assert "has steps 1 to 4, not 9" in done.stderr and "Traceback" not in done.stderr
    done = irdesk("runbooks", "--db", db, "record", "PGW5XNE", "1", "followed", "--reason", "x")
    assert done.returncode == 1 and "--reason justifies" in done.stderr
    done = irdesk("runbooks", "--db", db, "record", "12728", "1", "followed")
    assert done.returncode == 1 and "no runbook applies" in done.stderr
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "svc.md").write_bytes(b"- [ ] \xff\xfe step\n")
    done = irdesk("runbooks", "--db", db, "import", str(tmp_path / "bad"))
    assert done.returncode == 1
    assert "svc.md, byte 6: expected UTF-8 text" in done.stderr
    assert database_dump(imported) == before
