"""`irdesk person` as a user runs it, on incidents imported from /work/shared/data
(pagerduty_incidents_page.json, pagerduty_incident_and_log_entry.jsonl) under the
directory of tests/org_samples.py (with /work/shared/org-data's pagerduty_users.json and
pagerduty_schedule_rendered.json)."""

import json
from pathlib import Path

import pytest
from org_samples import import_organisation, irdesk
from packet_fixtures import pdf_text
from testdata import database_dump


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db, _ = import_organisation(tmp_path_factory.mktemp("person-cli"))
    return db


def person(db: Path, name: str, *more: str) -> "tuple[int, str, str]":
    done = irdesk("person", name, "--from", "2021-05-01", "--to", "2021-06-30", "--db", db, *more)
    return done.returncode, done.stdout, done.stderr


def test_json_holds_each_incident_with_their_role(imported: Path) -> None:
    code, out, err = person(imported, "Tim Teller", "--format", "json")
    assert code == 0, err
    shown = json.loads(out)
    incidents = {i["id"]: i for i in shown["incidents"]}
    # Tim was on call for WD: Storage (the notify entries of tests/org_samples.py): paged
    # for PE8XPNI at 15:02 in New York and PXQYZNB at 19:02 (after hours), the latter an
    # external cause (AWS) and so in no figure.
    assert incidents["PE8XPNI"]["role"] == ["on-call primary"]
    assert (incidents["PXQYZNB"]["after_hours_pages"], incidents["PXQYZNB"]["excluded"]) == (
        1,
        ["external cause"],
    )
    figures = next(s for s in shown["sections"] if s["key"] == "figures")
    pages = next(r for r in figures["rows"] if r["cells"][0] == "After-hours pages")
    assert pages["cells"][1] == "0"  # the only after-hours page is the excluded incident's
    assert shown["time_zone"] == "America/New_York" and shown["own_zone"]


def test_table_leads_with_the_facts(imported: Path) -> None:
    code, out, err = person(imported, "Giran Moodley")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Giran Moodley took part in 1 incident between 2021-05-01")
    assert "Incidents and their part in each" in out
    assert "PGW5XNE" in out and "on-call primary" in out
    assert "Feedback notes are shown only with --identity" in out


def test_bad_input_is_one_sentence_and_changes_nothing(imported: Path) -> None:
    before = database_dump(imported)
    code, out, err = person(imported, "Nobody Here")
    assert (code, out) == (1, "")
    assert "no person named 'Nobody Here'" in err and "Traceback" not in err
    done = irdesk(
        "person", "Tim Teller", "--from", "2021-06-30", "--to", "2021-05-01", "--db", imported
    )
    assert done.returncode == 1 and "--to is before --from" in done.stderr
    assert database_dump(imported) == before


def test_the_manager_packet_for_the_period(imported: Path, tmp_path: Path) -> None:
    out = tmp_path / "tim.pdf"
    done = irdesk(
        "packet",
        "--profile",
        "manager",
        "--person",
        "Tim Teller",
        "--from",
        "2021-05-01",
        "--to",
        "2021-06-30",
        "--out",
        out,
        "--db",
        imported,
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(pdf_text(out).split())
    assert "Tim Teller took part in 6 incidents between 2021-05-01 and 2021-06-30" in text
    assert "Load against their rotation and team" in text
    assert "not counted: external cause" in text
    # --from alone is refused before anything is written.
    alone = irdesk(
        "packet",
        "--profile",
        "manager",
        "--person",
        "Tim Teller",
        "--from",
        "2021-05-01",
        "--out",
        tmp_path / "no.pdf",
        "--db",
        imported,
    )
    assert alone.returncode != 0 and "both --from and --to" in alone.stderr
    assert not (tmp_path / "no.pdf").exists()


def test_team_against_its_people(imported: Path) -> None:
    done = irdesk(
        "team",
        "Payments Team",
        "--from",
        "2021-05-01",
        "--to",
        "2021-06-30",
        "--db",
        imported,
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    # WD: Payments (owned by Payments Team): 18 incidents, PS8TBIQ approved technical debt,
    # all resolved by Hattie Hendricks; Akiko Almeda, on the same schedule, took none.
    assert len(shown["incident_ids"]) == 17
    members = next(s for s in shown["sections"] if s["key"] == "members")
    cells = {r["cells"][0]: r["cells"] for r in members["rows"]}
    assert cells["Hattie Hendricks"][2:4] == ["17", "100%"]
    assert cells["Akiko Almeda"][2:4] == ["0", "0%"]
    assert shown["flags"][0].startswith("Hattie Hendricks held 100% of the team's incident hours")
    table = irdesk("team", "Nobody", "--from", "2021-05-01", "--to", "2021-06-30", "--db", imported)
    assert table.returncode == 1 and "no team named 'Nobody'" in table.stderr
