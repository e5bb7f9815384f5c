"""Surge periods under the policy, as a user meets them on incidents imported from
/work/shared/data (pagerduty_incidents_page.json, pagerduty_incident_and_log_entry.jsonl)
under the directory of tests/org_samples.py.

With the policy's long incident at half an hour, Hattie Hendricks (Payments Team, on call
for WD: Payments) has two surges on 2021-05-04: PTVD0IY took her 0.8 h and P22QOP7 0.7 h
(paged 01:39:30 and 03:08 UTC, resolved by her). PS8TBIQ (0.9 h) would be one too, but it
is approved technical debt and so in no figure. Of her 18 incidents, 17 count; leaving her
surges out leaves 15, with no page (her only counted pages were for those two).
"""

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from org_samples import import_organisation, irdesk
from packet_fixtures import pdf_text

from irdesk.domain.policy import Policy
from irdesk.storage.database import open_database
from irdesk.storage.records.policies import save_policy

HALF_HOUR = Policy(surge_long_incident_hours=0.5)
WHY = "long incident 2021-05-04 (PTVD0IY); long incident 2021-05-04 (P22QOP7)"
PERIOD = ("--from", "2021-05-01", "--to", "2021-06-30")


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    db, _ = import_organisation(tmp_path)
    return db


def use_policy(db: Path, policy: Policy, note: str) -> None:
    database = open_database(db)
    try:
        save_policy(database, policy, note=note, author="lead")
    finally:
        database.close()


def shown(*args: str | Path) -> dict[str, Any]:
    done = irdesk(*args, "--format", "json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def section(printed: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in printed["sections"] if s["key"] == key)
    return found


def test_each_treatment_in_the_person_and_team_views_the_packet_and_the_history(
    imported: Path, tmp_path: Path
) -> None:
    # A copy for "adjust", made before any command runs on the file.
    other = tmp_path / "adjust.db"
    source, copy = sqlite3.connect(imported), sqlite3.connect(other)
    try:
        source.backup(copy)  # with what the write-ahead log holds
    finally:
        source.close()
        copy.close()
    use_policy(imported, HALF_HOUR, "half an hour on one incident is long for us")
    marked = shown("person", "Hattie Hendricks", *PERIOD, "--db", imported)
    figures = {r["cells"][0]: r["cells"] for r in section(marked, "figures")["rows"]}
    assert figures["Incidents taken part in"] == ["Incidents taken part in", "17", "8.5", "8.5"]
    assert [r["cells"][-1] for r in section(marked, "surges")["rows"]] == [
        "marked; counted in their figures"
    ] * 2

    use_policy(imported, HALF_HOUR.with_changes(surge_treatment="exclude"), "leave surges out")
    excluded = shown("person", "Hattie Hendricks", *PERIOD, "--db", imported)
    assert excluded["surge_treatment"] == "exclude"
    figures = {r["cells"][0]: r for r in section(excluded, "figures")["rows"]}
    # Akiko Almeda, on the same rotation and team, took none: each median is half of hers.
    assert figures["Incidents taken part in"]["cells"] == [
        "Incidents taken part in",
        "15",
        "7.5",
        "7.5",
        WHY,
    ]
    assert figures["Pages"]["cells"] == ["Pages", "0", "0", "0", WHY]
    parts = {i["id"]: i for i in excluded["incidents"]}
    assert parts["PTVD0IY"]["excluded"] == ["surge (long incident 2021-05-04)"]
    assert parts["PS8TBIQ"]["excluded"] == ["approved technical debt"]
    # The figure leads to the incidents its surges left out.
    assert {parts["PTVD0IY"]["incident_id"], parts["P22QOP7"]["incident_id"]} <= set(
        figures["Pages"]["incident_ids"]
    )

    team = shown("team", "Payments Team", *PERIOD, "--db", imported)
    members = {r["cells"][0]: r["cells"] for r in section(team, "members")["rows"]}
    # The team keeps its 17 incidents; Hattie's share leaves out her two surges.
    assert len(team["incident_ids"]) == 17
    assert members["Hattie Hendricks"][2:4] == ["15", "88%"]
    assert members["Hattie Hendricks"][-1] == ("long incident 2021-05-04; long incident 2021-05-04")

    out = tmp_path / "hattie.pdf"
    done = irdesk(
        "packet",
        "--profile",
        "manager",
        "--person",
        "Hattie Hendricks",
        *PERIOD,
        "--out",
        out,
        "--db",
        imported,
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(pdf_text(out).split())
    assert "The incidents of their surge periods are left out of their figures." in text
    assert "Surges left out" in text
    assert "not counted: surge (long incident 2021-05-04)" in text

    history = irdesk("metrics", "--policy-history", "--db", imported)
    assert history.returncode == 0, history.stderr
    lines = history.stdout.splitlines()
    assert lines[0].endswith("lead: leave surges out")
    assert lines[1] == "    surge_treatment: mark → exclude"
    assert "    surge_long_incident_hours: 4.0 → 0.5" in lines

    # "adjust": hers as counted, beside them the same without her surges.
    use_policy(other, HALF_HOUR.with_changes(surge_treatment="adjust"), "show both")
    adjusted = shown("person", "Hattie Hendricks", *PERIOD, "--db", other)
    figures = section(adjusted, "figures")
    assert figures["columns"][:3] == ["Figure", "Theirs", "Without their surges"]
    cells = {r["cells"][0]: r["cells"] for r in figures["rows"]}
    assert cells["Incidents taken part in"] == [
        "Incidents taken part in",
        "17",
        "15",
        "8.5",
        "8.5",
        WHY,
    ]
    assert cells["Pages"] == ["Pages", "2", "0", "1", "1", WHY]


def test_a_period_without_a_surge_names_the_thresholds_and_leave(imported: Path) -> None:
    # Under 6 hours and 3 nights Hattie's longest incident (0.9 h) and her nights are no
    # surge, and no leave is typed: the person and the team views say which question
    # they answered, in the policy's numbers.
    use_policy(
        imported,
        Policy(surge_long_incident_hours=6, surge_consecutive_nights=3),
        "six hours, three nights",
    )
    person = irdesk("person", "Hattie Hendricks", *PERIOD, "--db", imported)
    assert person.returncode == 0, person.stderr
    assert (
        "No surge in this period: no incident took 6 h or more of their time, no after-hours "
        "pages on 3 or more nights in a row, no page on their leave and no work covering a "
        "teammate's leave (the policy's thresholds)."
    ) in person.stdout
    team = irdesk("team", "Payments Team", *PERIOD, "--db", imported)
    assert team.returncode == 0, team.stderr
    assert (
        "No member had a surge in this period: no incident took 6 h or more of a member's "
        "time, none was paged after hours on 3 or more nights in a row, and none was paged "
        "on leave or worked covering a teammate's leave (the policy's thresholds)."
    ) in team.stdout
