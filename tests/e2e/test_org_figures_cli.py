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

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from testdata import ORG_DATA, SHARED_DATA

from irdesk.storage.database import open_database
from irdesk.storage.records.classifications import classification_of, classify
from irdesk.storage.records.directory_edits import set_value

INCIDENT_SAMPLES = [
    SHARED_DATA / "pagerduty_incidents_page.json",
    SHARED_DATA / "pagerduty_incident_and_log_entry.jsonl",
]
ORG_SAMPLES = [ORG_DATA / "pagerduty_users.json", ORG_DATA / "pagerduty_schedule_rendered.json"]
PAGE = {"limit": 25, "offset": 0, "more": False}


def irdesk(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )


def ref(kind: str, key: str, summary: str) -> dict[str, str]:
    return {"id": key, "type": f"{kind}_reference", "summary": summary}


PAYMENTS = ref("team", "PHZCDPO", "Payments Team")
WAREHOUSE = ref("team", "PT5UAVI", "Warehouse Team")
OPERATIONS = ref("team", "PJ8M4HI", "Operations Team")
TIM = ref("user", "PJOJ0I0", "Tim Teller")
HATTIE = ref("user", "PHE3VOG", "Hattie Hendricks")
GIRAN = ref("user", "PPT6IUJ", "Giran Moodley")
BRYCE = ref("user", "PZ5AJAG", "Bryce Blake")
AKIKO = ref("user", "P8PKMJS", "Akiko Almeda")


def user(who: dict[str, str], team: dict[str, str], zone: str | None) -> dict[str, Any]:
    email = who["summary"].lower().replace(" ", ".") + "@example.com"
    found: dict[str, Any] = {**who, "type": "user", "name": who["summary"], "email": email}
    found["teams"] = [team]
    if zone:
        found["time_zone"] = zone
    return found


def schedule(key: str, name: str, team: dict[str, str], *people: dict[str, str]) -> dict[str, Any]:
    return {
        "id": key,
        "type": "schedule",
        "name": name,
        "time_zone": "UTC",
        "teams": [team],
        "schedule_layers": [
            {
                "name": "Primary",
                "start": "2021-05-01T00:00:00Z",
                "rotation_turn_length_seconds": 604800,
                "users": [{"user": p} for p in people],
            }
        ],
    }


def notify(n: int, incident: str, who: dict[str, str], at: str) -> dict[str, Any]:
    return {
        "id": f"RNOTIFY{n:019d}",
        "type": "notify_log_entry",
        "summary": f"Notified {who['summary']} by SMS.",
        "created_at": at,
        "agent": ref("service", "PVSU9UY", "WD: Payments"),
        "user": who,
        "channel": {"type": "auto"},
        "incident": ref("incident", incident, incident),
    }


def write_directory(folder: Path) -> list[Path]:
    files = {
        "teams.json": {
            "teams": [
                {**t, "type": "team", "name": t["summary"]}
                for t in (PAYMENTS, WAREHOUSE, OPERATIONS)
            ]
        },
        "users.json": {
            "users": [
                user(TIM, WAREHOUSE, "America/New_York"),
                user(HATTIE, PAYMENTS, "Asia/Hong_Kong"),
                user(AKIKO, PAYMENTS, "Asia/Hong_Kong"),
                user(GIRAN, OPERATIONS, "Europe/London"),
                user(BRYCE, OPERATIONS, None),  # no zone: the policy's counts
            ]
        },
        "schedules.json": {
            "schedules": [
                schedule("PSPAY01", "Payments", PAYMENTS, HATTIE, AKIKO),
                schedule("PSWAR01", "Warehouse", WAREHOUSE, TIM),
            ]
        },
        "services.json": {
            "services": [
                {
                    **ref("service", "PVSU9UY", "WD: Payments"),
                    "type": "service",
                    "name": "WD: Payments",
                    "teams": [PAYMENTS],
                },
                # No owner: its incidents' team comes from who was on call.
                {
                    **ref("service", "PWM457M", "WD: Storage"),
                    "type": "service",
                    "name": "WD: Storage",
                    "teams": [],
                },
                {
                    **ref("service", "P6ZOTJ8", "ID: Production"),
                    "type": "service",
                    "name": "ID: Production",
                    "teams": [OPERATIONS],
                },
            ]
        },
    }
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_text(json.dumps({**data, **PAGE}), encoding="utf-8")
        paths.append(path)
    roster = folder / "rates.csv"
    with roster.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "email", "hourly rate", "start date"])
        for who, rate in ((TIM, 110), (HATTIE, 95), (GIRAN, 120)):
            email = who["summary"].lower().replace(" ", ".") + "@example.com"
            writer.writerow([who["summary"], email, rate, "2019-01-07"])
    return [*paths, roster]


def write_pages(folder: Path) -> Path:
    entries = [
        notify(1, "PE8XPNI", TIM, "2021-05-03T19:02:00Z"),  # 15:02 in New York
        notify(2, "PXQYZNB", TIM, "2021-05-03T23:02:30Z"),  # 19:02 in New York: after hours
        notify(3, "PTVD0IY", HATTIE, "2021-05-04T01:39:30Z"),  # 09:39 in Hong Kong
        notify(4, "PS8TBIQ", HATTIE, "2021-05-04T01:50:30Z"),  # 09:50 in Hong Kong
        notify(5, "P22QOP7", HATTIE, "2021-05-04T03:08:00Z"),  # 11:08 in Hong Kong
        notify(6, "PGW5XNE", GIRAN, "2021-05-04T13:48:52Z"),  # 14:48 in London
        notify(7, "PGW5XNE", BRYCE, "2021-05-04T13:52:01Z"),  # 13:52 in UTC, the policy's
    ]
    path = folder / "log_entries.json"
    path.write_text(json.dumps({"log_entries": entries, **PAGE, "total": len(entries)}))
    return path


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("org")
    db = folder / "org.db"
    # The directory first, so the incidents' people and services are found in it.
    directory = irdesk("import", *ORG_SAMPLES, *write_directory(folder), "--db", db)
    assert directory.returncode == 0, directory.stderr
    incidents = irdesk("import", *INCIDENT_SAMPLES, write_pages(folder), "--db", db)
    assert incidents.returncode == 0, incidents.stderr
    with sqlite3.connect(db) as conn:
        ids = dict(conn.execute("SELECT external_id, id FROM incident").fetchall())
        services = dict(conn.execute("SELECT name, id FROM service").fetchall())
    database = open_database(db)
    try:
        with database.transaction() as session:
            for service, field, value in (
                ("WD: Payments", "slo_target", 99.95),
                ("WD: Payments", "slo_window_days", 30),
                ("ID: Production", "cost_per_minute", 100.0),
            ):
                set_value(
                    session, "service", services[service], field, value, reason="SLA", actor="t"
                )
            for external_id, changes in (
                ("PE8XPNI", {"downtime_cost": 2500.0}),
                (
                    "PXQYZNB",
                    {
                        "external_cause": True,
                        "external_vendor": "AWS",
                        "external_evidence": "https://health.aws.amazon.com/event/1",
                    },
                ),
                (
                    "PS8TBIQ",
                    {"approved_tech_debt": True, "debt_approver": "CTO", "debt_decision": "ADR-12"},
                ),
            ):
                _, revision = classification_of(session, ids[external_id])
                classify(session, [(ids[external_id], revision)], changes, actor="t")
    finally:
        database.close()
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
