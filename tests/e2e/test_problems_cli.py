"""`irdesk problems` as a user runs it: subprocesses on a database imported from
/work/shared/data/pagerduty_incidents_page.json with the team of
/work/shared/org-data/pagerduty_teams.json ("Engineering")."""

import json
import subprocess
import sys
from pathlib import Path

from testdata import ORG_DATA, SHARED_DATA, database_dump


def irdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_create_and_list_problems_as_json(tmp_path: Path) -> None:
    db = str(tmp_path / "incidents.db")
    done = irdesk(
        "import",
        str(SHARED_DATA / "pagerduty_incidents_page.json"),
        str(ORG_DATA / "pagerduty_teams.json"),
        "--db",
        db,
    )
    assert done.returncode == 0, done.stderr
    before = database_dump(Path(db))
    refused = irdesk("problems", "--db", db, "create", "PGW5XNE", "--team", "Engineering")
    assert refused.returncode == 1
    assert "pagerduty:PGW5XNE does not recur" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert database_dump(Path(db)) == before

    done = irdesk(
        "problems", "--db", db, "create", "12728", "--team", "Engineering", "--format", "json"
    )
    assert done.returncode == 1 and "does not recur" in done.stderr
    done = irdesk(
        "problems", "--db", db, "create", "PUJY049", "--team", "Engineering", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    # "Warning: High Response Time Detected": four on WD: Payments, 09:57:33 to 10:32:09.
    assert [i["incident"] for i in made["incidents"]] == [
        "pagerduty:PO3U4E3",
        "pagerduty:P1I97AH",
        "pagerduty:P0MHP79",
        "pagerduty:PUJY049",
    ]
    assert (made["repeat_incidents"], made["last_incident_at"]) == (3, "2021-05-04T10:32:09+00:00")
    listed = json.loads(irdesk("problems", "--db", db, "list", "--format", "json").stdout)
    assert [(p["id"], p["title"], p["accountable_team"]) for p in listed] == [
        (1, "Warning: High Response Time Detected", "Engineering")
    ]
