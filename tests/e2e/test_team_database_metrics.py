"""`irdesk metrics --db postgresql://…`: a team database's figures, the same as the file's
they were copied from, and a server it cannot read refused in one sentence."""

import json
import os
import subprocess
import sys

from testdata import SHARED_DATA

from irdesk.importers.pipeline import run_import
from irdesk.storage.copy import copy_database
from irdesk.storage.database import Database

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
JUNE = ("--from", "2021-06-01", "--to", "2021-06-30")


def irdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=os.environ.copy(),
        check=False,
    )


def test_the_figures_of_a_team_database_are_those_of_the_file_it_came_from(
    database: Database, postgres_url: str
) -> None:
    """June 2021 of /work/shared/data/pagerduty_incidents_page.json, from both."""
    run_import(database, [PD_PAGE])
    copy_database(str(database.path), postgres_url)  # `irdesk db copy`'s own copier
    from_server = irdesk("metrics", "--db", postgres_url, *JUNE, "--format", "json")
    assert from_server.returncode == 0, from_server.stderr
    from_file = irdesk("metrics", "--db", str(database.path), *JUNE, "--format", "json")
    shown = json.loads(from_server.stdout)
    assert shown == json.loads(from_file.stdout)
    assert shown["incidents"] > 0
    table = irdesk("metrics", "--db", postgres_url, *JUNE)
    assert table.returncode == 0, table.stderr
    assert "Time to resolve" in table.stdout


def test_a_server_database_not_yet_upgraded_is_refused_with_the_command_to_run(
    postgres_url: str,
) -> None:
    done = irdesk("metrics", "--db", postgres_url, *JUNE)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "irdesk db upgrade" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_no_server_at_the_address_is_one_sentence(tmp_path: object) -> None:
    done = irdesk("metrics", "--db", f"postgresql:///irdesk?host={tmp_path}", *JUNE)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("irdesk: error: postgresql:///irdesk: ")
    assert len(done.stderr.strip().splitlines()) == 1
