"""Two `irdesk import`s of the same large export into one database, at the same moment.

The second waits for the first's write to finish and then reports everything
unchanged (or, if the first held the file longer than the wait, says another irdesk
is writing it): never a UNIQUE-constraint traceback, never a row twice.
"""

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import SHARED_DATA

COPIES = 40  # 1,040 incidents: a write long enough for the two to overlap


def big_pagerduty_export(path: Path) -> int:
    """PagerDuty's demo page, its 26 incidents repeated under new ids and numbers."""
    page = json.loads((SHARED_DATA / "pagerduty_incidents_page.json").read_text())
    incidents = []
    for copy in range(COPIES):
        for incident in page["incidents"]:
            again = json.loads(json.dumps(incident))
            again["id"] = f"{incident['id']}{copy}"
            again["incident_number"] = incident["incident_number"] + 100_000 * (copy + 1)
            again.pop("html_url", None)
            again.pop("self", None)
            incidents.append(again)
    page.update(incidents=incidents, total=len(incidents), limit=len(incidents))
    path.write_text(json.dumps(page))
    return len(incidents)


@pytest.mark.slow
def test_two_identical_imports_at_once_end_with_one_copy_and_a_clear_report(
    tmp_path: Path,
) -> None:
    export = tmp_path / "incidents.json"
    total = big_pagerduty_export(export)
    db = tmp_path / "reviews.db"
    # The file exists first, so neither import is the one that creates it.
    subprocess.run(
        [sys.executable, "-m", "irdesk", "import", str(SHARED_DATA / "opsgenie_alerts_page.json"),
         "--db", str(db)],
        check=True, capture_output=True,
    )  # fmt: skip
    command = [sys.executable, "-m", "irdesk", "import", str(export), "--db", str(db)]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=os.environ.copy())
        for _ in range(2)
    ]  # fmt: skip
    outcomes = [(run.wait(timeout=300), *run.communicate()) for run in runs]

    for code, _out, err in outcomes:
        assert "Traceback" not in err and "UNIQUE" not in err, err
        if code != 0:  # the other held the file for longer than the wait: one sentence
            assert err == (
                f"irdesk: error: {db}: is being written by another irdesk or another program; "
                "try again when it has finished (nothing was changed).\n"
            )
    reports = [out for code, out, _ in outcomes if code == 0]
    new = f"Incidents: {total} new, 0 updated, 0 unchanged"
    unchanged = f"Incidents: 0 new, 0 updated, {total} unchanged"
    assert sum(new in report for report in reports) == 1
    assert sum(unchanged in report for report in reports) == len(reports) - 1
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (incidents,) = conn.execute(
            "SELECT count(*) FROM incident WHERE source = 'pagerduty'"
        ).fetchone()
        (services,) = conn.execute("SELECT count(*) - count(DISTINCT name) FROM service").fetchone()
    assert incidents == total and services == 0
