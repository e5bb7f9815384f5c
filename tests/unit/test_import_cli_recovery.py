"""`irdesk import` in-process: --skip-bad-records, --strict, remembered severity maps and
a re-import that would empty stored fields, on real samples from /work/shared/data.

pagerduty_incidents_page.json (26 incidents, each with a priority: P1, P3 or P4) gets its
priorities renamed "Urgent" the way an organisation's own scheme names them, which no
default map knows; jira_search_with_changelog.json (25 issues) gets one bad date.
"""

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.cli.main import main
from irdesk.importers.reading.column_mapping import STORE_FILE
from irdesk.storage.paths import config_dir

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
JIRA = SHARED_DATA / "jira_search_with_changelog.json"


def _write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def urgent_page(tmp_path: Path) -> Path:
    page = json.loads(PD_PAGE.read_text(encoding="utf-8"))
    for incident in page["incidents"]:
        if incident.get("priority"):
            incident["priority"]["summary"] = incident["priority"]["name"] = "Urgent"
    return _write(tmp_path, "pagerduty_incidents_page.json", page)


def severities(db: Path) -> dict[str | None, int]:
    with closing(sqlite3.connect(db)) as conn, conn:
        rows = conn.execute("SELECT severity, count(*) FROM incident GROUP BY severity")
        return dict(rows.fetchall())


def test_a_severity_map_is_remembered_and_never_silently_emptied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, db = urgent_page(tmp_path), tmp_path / "irdesk.db"
    args = ["import", str(page), "--db", str(db)]
    assert main([*args, "--severity", "pagerduty:Urgent=SEV1"]) == 0
    assert "Severity map remembered for pagerduty." in capsys.readouterr().out
    assert severities(db) == {"SEV1": 26}

    # Without the option: the remembered map, said so, and nothing changes.
    assert main(args) == 0
    shown = capsys.readouterr().out
    assert "Incidents: 0 new, 0 updated, 26 unchanged" in shown
    assert (
        "Applied from earlier imports:\n  Remembered severity map for pagerduty: Urgent=SEV1"
        in shown
    )
    assert severities(db) == {"SEV1": 26}

    # Forgotten (another machine, a cleared config): the stored severities stay, named.
    (config_dir() / STORE_FILE).unlink()
    assert main(args) == 0
    shown = capsys.readouterr().out
    assert "Incidents: 0 new, 0 updated, 26 unchanged" in shown
    assert (
        "Fields the files no longer give (stored values kept; --allow-emptying empties them):\n"
        "  severity: 26 incident(s) (pagerduty:PH4UE4E, pagerduty:PE8XPNI, "
    ) in shown
    assert severities(db) == {"SEV1": 26}

    # Asked for, they are emptied, and the report says which.
    assert main([*args, "--allow-emptying"]) == 0
    shown = capsys.readouterr().out
    assert "Incidents: 0 new, 26 updated, 0 unchanged" in shown
    assert "Fields emptied because the files no longer give them:\n  severity: 26" in shown
    assert severities(db) == {None: 26}


def _bad_date(tmp_path: Path) -> Path:
    data = json.loads(JIRA.read_text(encoding="utf-8"))
    data["issues"][4]["fields"]["created"] = "yesterday"
    return _write(tmp_path, "jira_search_with_changelog.json", data)


def test_a_bad_record_refuses_the_import_unless_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jira, db = _bad_date(tmp_path), tmp_path / "irdesk.db"
    assert main(["import", str(PD_PAGE), "--db", str(db)]) == 0
    capsys.readouterr()
    before = dump(db)
    assert main(["import", str(jira), "--db", str(db)]) == 1
    error = capsys.readouterr().err
    assert error == (
        f"irdesk: error: {jira}, issues[4].fields.created: field 'created': expected an ISO "
        "8601 timestamp such as 2026-10-14T09:30:00Z, found 'yesterday'\nNothing was imported.\n"
    )
    assert dump(db) == before

    assert main(["import", str(jira), "--db", str(db), "--skip-bad-records"]) == 0
    shown = capsys.readouterr().out
    assert "Incidents: 24 new, 0 updated, 0 unchanged" in shown
    assert (
        "Left out (--skip-bad-records):\n"
        f"  {jira}, issues[4].fields.created: field 'created': expected an ISO 8601 timestamp"
    ) in shown


def test_strict_refuses_what_is_otherwise_recovered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(JIRA.read_text(encoding="utf-8"))
    data["issues"][2]["fields"]["summary"] = ""
    jira, db = _write(tmp_path, "jira.json", data), tmp_path / "irdesk.db"
    assert main(["import", str(jira), "--db", str(db), "--strict"]) == 1
    assert capsys.readouterr().err.startswith(
        f"irdesk: error: {jira}, issues[2].fields.summary: field 'summary'"
    )
    assert not db.exists()  # a failed import into a new file leaves none behind
    assert main(["import", str(jira), "--db", str(db)]) == 0
    assert "its key UT-28 is its title" in capsys.readouterr().out
