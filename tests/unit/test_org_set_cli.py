"""`irdesk org set | back | history` through `main([...])`, on
/work/shared/data/pagerduty_incidents_page.json (WD: Payments, no cost per minute: 0) and
/work/shared/org-data/pagerduty_users.json (Kyler Kuhn, Asia/Hong_Kong)."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from testdata import ORG_DATA, SHARED_DATA
from testdata import database_dump as dump

from irdesk.cli.main import main
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import open_database
from irdesk.storage.reads.directory import list_people, list_services


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "org.db"
    database = open_database(path)
    try:
        run_import(
            database,
            [SHARED_DATA / "pagerduty_incidents_page.json", ORG_DATA / "pagerduty_users.json"],
        )
    finally:
        database.close()
    return path


def local_midnight(day: str) -> datetime:
    d = datetime.fromisoformat(day)
    return datetime(d.year, d.month, d.day).astimezone().astimezone(UTC)


def test_set_from_a_day_then_history_and_back(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payments = ["service", "WD: Payments", "cost-per-minute"]
    assert (
        main(
            [
                "org",
                "set",
                *payments,
                "12",
                "--from",
                "2021-05-01",
                "--reason",
                "finance",
                "--db",
                str(db),
            ]
        )
        == 0
    )
    assert "WD: Payments: cost-per-minute is 12 from 2021-05-01 (was 0)." in capsys.readouterr().out
    assert (
        main(
            [
                "org",
                "set",
                *payments,
                "20",
                "--from",
                "2021-06-01",
                "--reason",
                "new SLA",
                "--db",
                str(db),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["org", "history", *payments, "--format", "json", "--db", str(db)]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [(r["from"], r["value"], r["why"]) for r in history] == [
        ("as imported", 0.0, None),
        (local_midnight("2021-05-01").isoformat(), 12.0, "finance"),
        (local_midnight("2021-06-01").isoformat(), 20.0, "new SLA"),
    ]
    database = open_database(db, create=False)
    try:
        # The 18 incidents of 4 May 2021 fall under the first typed value, not the latest.
        data = load_metric_data(database)
        services = {s.name: s.id for s in list_services(database)}
        payments_rows = data.incidents.service == services["WD: Payments"]
        assert set(data.cost_per_minute[payments_rows].tolist()) == {12.0}
        assert int(payments_rows.sum()) == 18
    finally:
        database.close()

    assert main(["org", "back", *payments, "--db", str(db)]) == 0
    assert "back to the import's, 0." in capsys.readouterr().out
    assert main(["org", "history", *payments, "--format", "json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"from": "as imported", "value": 0.0, "by": None, "at": None, "why": None}
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["person", "Kyler Kuhn", "time-zone", "Mars/Base"],
            "Time zone: “Mars/Base” is not an IANA time zone, such as Europe/Madrid or UTC.",
        ),
        (
            ["person", "Kyler Kuhn", "hourly-rate", "lots"],
            "Hourly rate: expected a number, found 'lots'.",
        ),
        (
            ["person", "Nobody", "time-zone", "UTC"],
            "name: no person is called 'Nobody'; see `irdesk org list`.",
        ),
        (["person", "Kyler Kuhn", "shoe-size", "9"], "field: a person has no 'shoe-size'; one of"),
    ],
)
def test_bad_input_is_one_sentence_and_nothing_changes(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    before = dump(db)
    assert main(["org", "set", *argv, "--reason", "why", "--db", str(db)]) == 1
    assert message in capsys.readouterr().err
    assert dump(db) == before


def test_a_team_is_named_not_numbered(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pagerduty_users.json's one team, Engineering (PQ9K7I8), given to Kyler Kuhn."""
    argv = ["person", "Kyler Kuhn", "team"]
    assert main(["org", "set", *argv, "engineering", "--reason", "moved", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["org", "history", *argv, "--format", "json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)[-1]["value"] == "Engineering"
    database = open_database(db, create=False)
    try:
        kyler = next(p for p in list_people(database) if p.name == "Kyler Kuhn")
    finally:
        database.close()
    assert kyler.team == "Engineering"
