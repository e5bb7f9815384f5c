"""A small PagerDuty directory made up around the incident samples, and a page of notify log
entries, for tests that need real incidents under a directory.

The incidents: /work/shared/data/pagerduty_incidents_page.json and
pagerduty_incident_and_log_entry.jsonl; the directory: /work/shared/org-data's
pagerduty_users.json and pagerduty_schedule_rendered.json (another account's, whose final
schedule of November 2015 is outside the incidents' period), with the teams, users,
schedules, services and (on request) escalation policies written here from the incident
sample's own names, user, team and service ids and times: Tim Teller PJOJ0I0, Hattie Hendricks PHE3VOG, Giran Moodley
PPT6IUJ, Bryce Blake PZ5AJAG, Akiko Almeda P8PKMJS; WD: Payments PVSU9UY, WD: Storage
PWM457M, ID: Production P6ZOTJ8; Payments Team PHZCDPO, Warehouse Team PT5UAVI, Operations
Team PJ8M4HI. The emails, zones, rates, schedules and page times are invented.
"""

import csv
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

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


def rule(delay: int, *targets: dict[str, str]) -> dict[str, Any]:
    return {"escalation_delay_in_minutes": delay, "targets": list(targets)}


def write_escalation_policies(folder: Path) -> Path:
    """Escalation policies for the sample's three services, as PagerDuty's
    /escalation_policies lists them; the levels and delays are made up. ID: Production
    pages Giran Moodley, then after 2 minutes Bryce Blake; WD: Payments its schedule, then
    after 15 minutes Akiko Almeda; WD: Storage its schedule alone."""
    schedule_ref = {"type": "schedule_reference"}
    policies = [
        {
            "id": "PEPOPS1",
            "type": "escalation_policy",
            "name": "ID: Production on call",
            "num_loops": 1,
            "teams": [OPERATIONS],
            "escalation_rules": [rule(2, GIRAN), rule(5, BRYCE)],
            "services": [ref("service", "P6ZOTJ8", "ID: Production")],
        },
        {
            "id": "PEPPAY1",
            "type": "escalation_policy",
            "name": "Payments on call",
            "num_loops": 0,
            "teams": [PAYMENTS],
            "escalation_rules": [
                rule(15, {**schedule_ref, "id": "PSPAY01", "summary": "Payments"}),
                rule(15, AKIKO),
            ],
            "services": [ref("service", "PVSU9UY", "WD: Payments")],
        },
        {
            "id": "PEPWAR1",
            "type": "escalation_policy",
            "name": "Storage on call",
            "num_loops": 0,
            "teams": [WAREHOUSE],
            "escalation_rules": [
                rule(30, {**schedule_ref, "id": "PSWAR01", "summary": "Warehouse"})
            ],
            "services": [ref("service", "PWM457M", "WD: Storage")],
        },
    ]
    path = folder / "escalation_policies.json"
    path.write_text(json.dumps({"escalation_policies": policies, **PAGE}), encoding="utf-8")
    return path


def write_acknowledgement(folder: Path) -> Path:
    """Bryce Blake acknowledging PGW5XNE at 13:54:10, two minutes after his page (made up;
    the sample's incidents lose their acknowledgements on resolution)."""
    entry = {
        "id": "RACK00000000000000000000001",
        "type": "acknowledge_log_entry",
        "summary": "Acknowledged by Bryce Blake.",
        "created_at": "2021-05-04T13:54:10Z",
        "agent": BRYCE,
        "channel": {"type": "sms"},
        "incident": ref("incident", "PGW5XNE", "PGW5XNE"),
    }
    path = folder / "acknowledgements.json"
    path.write_text(json.dumps({"log_entries": [entry], **PAGE, "total": 1}))
    return path


def irdesk(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )


def import_organisation(folder: Path, *, escalations: bool = False) -> tuple[Path, dict[str, int]]:
    """The directory, then the incidents and pages, imported as a user would; then a
    facilitator types two services' prices and SLO and classifies three incidents, as the
    window would (storage/records): PE8XPNI a downtime cost, PXQYZNB an external cause
    (AWS), PS8TBIQ approved technical debt. With `escalations`, the directory holds the
    services' escalation policies and PGW5XNE Bryce Blake's acknowledgement too. Returns
    the file and incident id by source ID."""
    db = folder / "org.db"
    # The directory first, so the incidents' people and services are found in it.
    files = write_directory(folder)
    logs = [write_pages(folder)]
    if escalations:
        files.append(write_escalation_policies(folder))
        logs.append(write_acknowledgement(folder))
    directory = irdesk("import", *ORG_SAMPLES, *files, "--db", db)
    assert directory.returncode == 0, directory.stderr
    incidents = irdesk("import", *INCIDENT_SAMPLES, *logs, "--db", db)
    assert incidents.returncode == 0, incidents.stderr
    with closing(sqlite3.connect(db)) as conn, conn:
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
    return db, ids
