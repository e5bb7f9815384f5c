"""`irdesk metrics --by team --format json` on imported incidents and an imported directory.

Samples: /work/shared/data/pagerduty_incidents_page.json and
pagerduty_incident_and_log_entry.jsonl (the incidents), with /work/shared/org-data's
pagerduty_users.json and pagerduty_schedule_rendered.json (a directory of another account,
whose final schedule of November 2015 is outside the period; its layer, from 2015 without
an end, is not).

The real org samples share no ids with the incident samples, so the test writes a small
PagerDuty directory of its own (teams, users, schedules, services), a roster CSV of hourly
rates and a page of notify log entries, made up from the incident sample's own names, user,
team and service ids and times: Tim Teller PJOJ0I0, Hattie Hendricks PHE3VOG, Giran Moodley
PPT6IUJ, Bryce Blake PZ5AJAG, Akiko Almeda P8PKMJS; WD: Payments PVSU9UY, WD: Storage
PWM457M, ID: Production P6ZOTJ8; Payments Team PHZCDPO, Warehouse Team PT5UAVI, Operations
Team PJ8M4HI. The emails, zones, rates, schedules and page times are invented. Then a
facilitator types two services' prices and SLO and classifies three incidents, as the
window would (storage/records).

The period is 3–4 May 2021 (a Monday and a Tuesday), UTC days: the 25 incidents 11860–11884.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from org_samples import import_organisation


def irdesk(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db, ids = import_organisation(tmp_path_factory.mktemp("org"))
    shown = irdesk(
        "metrics",
        "--db",
        db,
        "--from",
        "2021-05-03",
        "--to",
        "2021-05-04",
        "--by",
        "team",
        "--format",
        "json",
    )
    assert shown.returncode == 0, shown.stderr
    result: dict[str, Any] = json.loads(shown.stdout)
    result["ids"] = ids
    return result


def rows(figures: dict[str, Any], table: str, key: str) -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in figures["tables"][table]["rows"]}


def test_incidents_count_under_the_directorys_teams(figures: dict[str, Any]) -> None:
    by_team = rows(figures, "time_to_resolve", "group")
    # WD: Payments (owned by Payments Team): 18 incidents, PS8TBIQ approved technical debt.
    # WD: Storage (no owner): 6, Tim Teller on call and resolving: Warehouse Team; PXQYZNB
    # an external cause. ID: Production (Operations Team): PGW5XNE.
    assert set(by_team) == {"All", "Payments Team", "Warehouse Team", "Operations Team"}
    assert (by_team["Payments Team"]["count"], by_team["Payments Team"]["excluded"]) == (17, 1)
    assert by_team["Payments Team"]["why"] == "approved technical debt: 1"
    assert (by_team["Warehouse Team"]["count"], by_team["Warehouse Team"]["excluded"]) == (5, 1)
    assert by_team["Warehouse Team"]["why"] == "external cause: 1"
    assert by_team["Operations Team"]["count"] == 1


def test_excluded_incidents_are_named_with_their_reasons(figures: dict[str, Any]) -> None:
    ids = figures["ids"]
    assert figures["excluded_incidents"] == sorted(
        [
            {"id": ids["PXQYZNB"], "reasons": ["external cause"]},
            {"id": ids["PS8TBIQ"], "reasons": ["approved technical debt"]},
        ],
        key=lambda e: e["id"],
    )


def test_rotations_spread_from_dated_membership(figures: dict[str, Any]) -> None:
    rotations = rows(figures, "rotations", "rotation")
    # The layers whose members were on call in May 2021: the other account's layer has
    # Regina Phalange from 2015 on (no end), never paged here; its final schedule's one
    # entry (10 November 2015) is no membership of this period.
    assert set(rotations) == {
        "Payments › Primary",
        "Warehouse › Primary",
        "Daily Engineering Rotation › Layer 1",
    }
    other = rotations["Daily Engineering Rotation › Layer 1"]
    assert (other["members"], other["pages"], other["gini"]) == (1, 0, 0.0)
    # Hattie paged 3 times, Akiko never: Gini of [0, 3] = 2·(1·0 + 2·3)/(2·3) − 3/2 = 0.5.
    assert rotations["Payments › Primary"] == {
        "rotation": "Payments › Primary",
        "team": "Payments Team",
        "members": 2,
        "pages": 3,
        "gini": 0.5,
    }
    assert (
        rotations["Warehouse › Primary"]["pages"],
        rotations["Warehouse › Primary"]["gini"],
    ) == (
        2,
        0.0,
    )


def test_after_hours_pages_in_each_persons_zone(figures: dict[str, Any]) -> None:
    load = rows(figures, "load", "person")
    # Hattie's pages at 01:39, 01:50 and 03:08 UTC are mornings in Hong Kong.
    assert (load["Hattie Hendricks"]["pages"], load["Hattie Hendricks"]["after_hours_pages"]) == (
        3,
        0,
    )
    assert load["Hattie Hendricks"]["team"] == "Payments Team"
    # Tim's 19:02 UTC is 15:02 in New York (daylight saving); 23:02 UTC is 19:02 there.
    assert (load["Tim Teller"]["pages"], load["Tim Teller"]["after_hours_pages"]) == (2, 1)
    assert load["Tim Teller"]["time_zone"] == "America/New_York"
    assert load["Giran Moodley"]["after_hours_pages"] == 0
    assert load["Bryce Blake"]["time_zone"] == "UTC (policy default: their zone is unknown)"


def test_costs_from_prices_rates_and_classifications(figures: dict[str, Any]) -> None:
    cost = rows(figures, "cost", "group")
    # ID: Production at 100 a minute: 13:48:51 to 14:00:00 is 11.15 minutes.
    # Giran (120 an hour) from his page at 13:48:52 to the resolution: 668 s; Bryce (no
    # rate: 90) from 13:52:01: 479 s.
    operations = cost["Operations Team"]
    assert operations["downtime_cost"] == pytest.approx(1115.0)
    assert operations["responder_cost"] == pytest.approx(668 / 3600 * 120 + 479 / 3600 * 90)
    # WD: Storage has no price; PE8XPNI was classified as costing 2,500.
    assert cost["Warehouse Team"]["downtime_cost"] == pytest.approx(2500.0)
    assert cost["Payments Team"]["downtime_cost"] == 0.0
    assert cost["Payments Team"]["responder_cost"] > 0


def test_slo_per_service_from_the_directory(figures: dict[str, Any]) -> None:
    slo = rows(figures, "slo", "service")
    payments = slo["WD: Payments"]
    assert (payments["target"], payments["target_from"], payments["window_days"]) == (
        99.95,
        "directory",
        30,
    )
    # The 18 incidents overlap into five outages on 4 May: 01:39:02–02:45:04 (3,962 s),
    # 03:07:28–05:59:18 (10,310 s), 06:10:03–07:42:56 (5,573 s), 07:55:14–08:44:29
    # (2,955 s), 09:36:49–11:07:46 (5,457 s): 28,257 s. 30 days: 43,200 minutes.
    assert payments["impact_minutes"] == pytest.approx(28257 / 60)
    assert payments["budget_minutes"] == pytest.approx(21.6)
    assert payments["availability"] == pytest.approx(100 * (1 - 28257 / 60 / 43200))
    # Services no directory describes keep the import's 99.9 %, and say so: BD: Analytics
    # is in no directory; WD: Storage is, but with neither owner nor SLO.
    assert (slo["BD: Analytics"]["target"], slo["BD: Analytics"]["target_from"]) == (
        99.9,
        "default",
    )
    assert slo["WD: Storage"]["target_from"] == "default"
    assert (slo["ID: Production"]["target"], slo["ID: Production"]["target_from"]) == (
        99.9,
        "directory",
    )
