"""`irdesk import` of directory exports and `irdesk org` as a user runs them: subprocesses.

Samples: /work/shared/data/pagerduty_incidents_page.json with /work/shared/org-data's
pagerduty_users.json, pagerduty_schedule_rendered.json, opsgenie_schedule_first_line.json,
pagerduty_escalation_policies.json and backstage_pagerduty_plugin_entities.yaml.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from testdata import ORG_DATA, SHARED_DATA

SAMPLES = [
    SHARED_DATA / "pagerduty_incidents_page.json",
    ORG_DATA / "pagerduty_users.json",
    ORG_DATA / "pagerduty_schedule_rendered.json",
    ORG_DATA / "opsgenie_schedule_first_line.json",
    ORG_DATA / "pagerduty_escalation_policies.json",
    ORG_DATA / "backstage_pagerduty_plugin_entities.yaml",
]


def irdesk(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )


def test_import_then_list_and_export_the_directory(tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    imported = irdesk("import", *SAMPLES, "--db", db)
    assert imported.returncode == 0, imported.stderr
    assert "People: " in imported.stdout
    assert "Escalation policies: 1 new, 0 updated, 0 unchanged" in imported.stdout

    listed = irdesk("org", "list", "people", "--db", db, "--format", "json")
    assert listed.returncode == 0, listed.stderr
    zones = {row["name"]: row["time zone"] for row in json.loads(listed.stdout)}
    assert zones["Earline Greenholt"] == "America/Lima"
    assert zones["Kyler Kuhn"] == "Asia/Hong_Kong"

    on_call = irdesk(
        "org", "list", "rotations", "--on", "2019-09-10", "--db", db, "--format", "json"
    )
    assert on_call.returncode == 0, on_call.stderr
    ops = [row for row in json.loads(on_call.stdout) if row["rotation"] == "Ops minus bob"]
    assert sorted(row["person"] for row in ops) == ["chris@dxw.com", "olivia@dxw.com"]
    assert {row["from"] for row in ops} == {"2019-09-04T07:00:00+00:00"}
    table = irdesk("org", "list", "rotations", "--on", "2019-09-10", "--db", db)
    assert "Ops minus bob" in table.stdout

    policies = irdesk("org", "list", "policies", "--db", db)
    assert "Engineering Escalation Policy" in policies.stdout
    assert " 30 " in policies.stdout

    out = tmp_path / "directory.json"
    exported = irdesk("org", "export", "--db", db, "--out", out)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(out.read_text())
    assert {p["name"] for p in document["policies"]} == {"Engineering Escalation Policy"}
    services = {s["name"]: s for s in document["services"]}
    assert "pagerduty:P6V1UFE" in services["example-website"]["keys"]
    again = irdesk("org", "export", "--db", db, "--out", out)
    assert again.returncode == 1
    assert "already exists; add --force" in again.stderr


def test_a_bad_directory_file_is_one_located_sentence_and_no_database(tmp_path: Path) -> None:
    """pagerduty_users.json with Kyler Kuhn's zone misspelt."""
    bad = tmp_path / "pagerduty_users.json"
    bad.write_text(
        (ORG_DATA / "pagerduty_users.json").read_text().replace("Asia/Hong_Kong", "Asia/HongKong")
    )
    db = tmp_path / "new.db"
    result = irdesk("import", SHARED_DATA / "pagerduty_incidents_page.json", bad, "--db", db)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"irdesk: error: {bad}, users[1].time_zone: field 'time_zone': expected an IANA time "
        "zone such as Europe/Berlin, found 'Asia/HongKong'",
        "Nothing was imported.",
    ]
    assert "Traceback" not in result.stderr
    assert not db.exists()


def test_org_without_a_database_says_so(tmp_path: Path) -> None:
    result = irdesk("org", "list", "teams", "--db", tmp_path / "missing.db")
    assert result.returncode == 1
    assert "does not exist" in result.stderr
