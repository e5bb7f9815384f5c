"""`irdesk facilitators` on incidents imported from the shared PagerDuty page
(pagerduty_incidents_page.json: three responders, one per incident)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import SHARED_DATA


def irdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "pd.db"
    done = irdesk("import", str(SHARED_DATA / "pagerduty_incidents_page.json"), "--db", str(path))
    assert done.returncode == 0, done.stderr
    return path


def test_the_pool_is_built_listed_and_asked_for_a_suggestion(db: Path) -> None:
    for name in ("Tim Teller", "Hattie Hendricks", "Giran Moodley"):
        added = irdesk("facilitators", "add", name, "--trained-on", "2026-01-15", "--db", str(db))
        assert added.returncode == 0, added.stderr
        assert f"{name} is in the facilitator pool." in added.stdout

    listed = json.loads(irdesk("facilitators", "--db", str(db), "--format", "json").stdout)
    assert [f["name"] for f in listed["facilitators"]] == [
        "Giran Moodley",
        "Hattie Hendricks",
        "Tim Teller",
    ]
    assert listed["reviews_that_waited"] == 0
    assert all(f["trained_on"] == "2026-01-15" for f in listed["facilitators"])

    suggested = irdesk("facilitators", "suggest", "PE8XPNI", "--db", str(db), "--format", "json")
    assert suggested.returncode == 0, suggested.stderr
    answer = json.loads(suggested.stdout)
    [passed] = answer["passed_over"]
    assert passed["why"] == "took part in the incident"
    free = sorted({"Tim Teller", "Hattie Hendricks", "Giran Moodley"} - {passed["name"]})
    assert [answer["suggested"], answer["backup"]] == free


def test_a_name_the_directory_does_not_know_is_one_sentence_and_changes_nothing(
    db: Path,
) -> None:
    result = irdesk("facilitators", "add", "Nobody Known", "--db", str(db))
    assert result.returncode == 1
    assert "facilitator 'Nobody Known': expected one person of that name" in result.stderr
    assert "Nothing was changed." in result.stderr
    assert "Traceback" not in result.stderr
    listed = json.loads(irdesk("facilitators", "--db", str(db), "--format", "json").stdout)
    assert listed["facilitators"] == []
