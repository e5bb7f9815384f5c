"""`irdesk org leave` on incidents imported from /work/shared/data
(pagerduty_incidents_page.json, pagerduty_incident_and_log_entry.jsonl) under the directory
of tests/org_samples.py.

Akiko Almeda and Hattie Hendricks make up the Payments Team. Every one of Hattie's
incidents began on 4 May 2021 (UTC, and in her zone, Asia/Hong_Kong, 09:39 to 18:32); 17
count (PS8TBIQ is approved technical debt). With Akiko on leave that day, Hattie was
covering for her: all 17 are her surge, and under "exclude" none is left in her figures.
Akiko herself was paged for none, so her own leave holds no incident.
"""

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from org_samples import import_organisation, irdesk

from irdesk.domain.policy import Policy
from irdesk.storage.database import open_database
from irdesk.storage.records.policies import save_policy

PERIOD = ("--from", "2021-05-01", "--to", "2021-06-30")
HATTIES = {
    "PTVD0IY", "P22QOP7", "PXR5S6B", "P1YLU5N", "PN3CO5D", "P3GABBL", "P49AF1R", "PU5SZGD",
    "PACT48M", "PVQAEN3", "PGL6OCK", "PVVCK93", "P1HFQE9", "PO3U4E3", "P1I97AH", "P0MHP79",
    "PUJY049",
}  # fmt: skip
COVERING = ["covering for Akiko Almeda on leave", "2021-05-04", "2021-05-04", "1 day"]


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    db, _ = import_organisation(tmp_path)
    return db


def shown(*args: str | Path) -> dict[str, Any]:
    done = irdesk(*args, "--format", "json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def section(printed: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in printed["sections"] if s["key"] == key)
    return found


def leave_rows(db: Path) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as connection, connection:
        return connection.execute(
            "SELECT p.name, l.starts_on, l.ends_on, l.note FROM leave l "
            "JOIN person p ON p.id = l.person_id ORDER BY l.id"
        ).fetchall()


def test_leave_typed_at_the_command_line_is_a_surge_for_the_team(
    imported: Path, tmp_path: Path
) -> None:
    # A copy under "exclude", its policy saved before any command runs on it (saving in
    # this process after a command has run on the file fails with SQLite's disk I/O error).
    other = tmp_path / "exclude.db"
    source, copy = sqlite3.connect(imported), sqlite3.connect(other)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    database = open_database(other)
    try:
        save_policy(database, Policy(surge_treatment="exclude"), note="covering", author="lead")
    finally:
        database.close()
    done = irdesk(
        "org", "leave", "add", "Akiko Almeda", "--from", "2021-05-04", "--until",
        "2021-05-04", "--note", "parental leave", "--db", imported,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Akiko Almeda: on leave 2021-05-04 to 2021-05-04.\n"
    assert leave_rows(imported) == [("Akiko Almeda", "2021-05-04", "2021-05-04", "parental leave")]
    assert shown("org", "leave", "list", "--db", imported) == [
        {"person": "Akiko Almeda", "from": "2021-05-04", "until": "2021-05-04",
         "note": "parental leave"}
    ]  # fmt: skip

    hattie = shown("person", "Hattie Hendricks", *PERIOD, "--db", imported)
    (row,) = section(hattie, "surges")["rows"]
    assert row["cells"][:4] == COVERING
    assert set(row["cells"][4].split(", ")) == HATTIES
    assert row["cells"][5] == "marked; counted in their figures"
    team = shown("team", "Payments Team", *PERIOD, "--db", imported)
    assert [r["cells"][:3] for r in section(team, "surges")["rows"]] == [
        ["Akiko Almeda", "on leave", "2021-05-04"],
        ["Hattie Hendricks", *COVERING[:2]],
    ]
    assert section(team, "surges")["rows"][0]["incident_ids"] == []

    done = irdesk("org", "leave", "add", "Akiko Almeda", "--from", "2021-05-04", "--until",
                  "2021-05-04", "--db", other)  # fmt: skip
    assert done.returncode == 0, done.stderr
    excluded = shown("person", "Hattie Hendricks", *PERIOD, "--db", other)
    figures = {r["cells"][0]: r["cells"] for r in section(excluded, "figures")["rows"]}
    assert figures["Incidents taken part in"][1] == "0"
    parts = {i["id"]: i["excluded"] for i in excluded["incidents"]}
    assert parts["PTVD0IY"] == ["surge (covering for Akiko Almeda on leave 2021-05-04)"]

    # The export carries the leave, as `org leave add` would take it back.
    exported = irdesk("org", "export", "--db", imported, "--out", tmp_path / "directory.json")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.rstrip().endswith(", 1 span of leave")
    document = json.loads((tmp_path / "directory.json").read_text(encoding="utf-8"))
    assert document["leave"] == [
        {"person": "Akiko Almeda", "from": "2021-05-04", "until": "2021-05-04",
         "note": "parental leave"}
    ]  # fmt: skip

    removed = irdesk("org", "leave", "remove", "Akiko Almeda", "--from", "2021-05-04",
                     "--db", imported)  # fmt: skip
    assert removed.returncode == 0, removed.stderr
    assert leave_rows(imported) == []
    with closing(sqlite3.connect(imported)) as connection, connection:
        actions = [r[0] for r in connection.execute(
            "SELECT action FROM audit_entry WHERE action LIKE '%leave' ORDER BY id"
        )]  # fmt: skip
    assert actions == ["add_leave", "remove_leave"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("add", "Akiko Almeda", "--from", "2021-05-04", "--until", "2021-05-03"),
            "Until: a day on or after the leave's first day (2021-05-04), found 2021-05-03.",
        ),
        (("add", "Nobody Here", "--from", "2021-05-04"), "name: no person is called"),
        (
            ("add", "Akiko Almeda", "--from", "2021-05-01"),
            "From: Akiko Almeda is already on leave 2021-05-03 to not ended;",
        ),
        (("remove", "Akiko Almeda", "--from", "2021-05-05"), "--from: Akiko Almeda has no leave"),
        (("add", "Akiko Almeda", "--from", "May 4th"), "--from"),
    ],
)
def test_bad_input_is_one_sentence_and_changes_nothing(
    imported: Path, args: tuple[str, ...], said: str
) -> None:
    first = irdesk("org", "leave", "add", "Akiko Almeda", "--from", "2021-05-03", "--db", imported)
    assert first.returncode == 0, first.stderr
    done = irdesk("org", "leave", *args, "--db", imported)
    assert done.returncode != 0
    assert said in done.stderr
    assert "Traceback" not in done.stderr
    assert leave_rows(imported) == [("Akiko Almeda", "2021-05-03", None, None)]
