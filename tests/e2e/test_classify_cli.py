"""`irdesk classify` as a user runs it: subprocesses on a database imported from
/work/shared/data/pagerduty_incidents_page.json (26 incidents, May–June 2021; PE8XPNI
is P3, PH4UE4E P4 and still open)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packet_fixtures import pdf_text
from testdata import SHARED_DATA, database_dump

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
EVIDENCE = "https://status.acme.example/incidents/42"
PERIOD = ("--from", "2021-05-01", "--to", "2021-07-01")


def irdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.db"
    done = irdesk("import", str(PD_PAGE), "--db", str(path))
    assert done.returncode == 0, done.stderr
    return path


def metrics(db: Path, by: str = "team") -> dict:
    done = irdesk("metrics", "--db", str(db), *PERIOD, "--by", by, "--format", "json")
    assert done.returncode == 0, done.stderr
    data: dict = json.loads(done.stdout)
    return data


def test_an_external_cause_is_excluded_from_team_figures_with_its_reason(imported: Path) -> None:
    before = metrics(imported)["tables"]["time_to_resolve"]["rows"][0]
    assert (before["count"], before["excluded"]) == (25, 0)

    done = irdesk(
        "classify",
        "pagerduty:PE8XPNI",
        "--db",
        str(imported),
        "--external-cause",
        "Acme Cooling",
        "--evidence",
        EVIDENCE,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"pagerduty:PE8XPNI: External cause: Acme Cooling ({EVIDENCE})\n"

    after = metrics(imported)
    everything = after["tables"]["time_to_resolve"]["rows"][0]
    assert everything["group"] == "All"
    assert (everything["count"], everything["excluded"]) == (24, 1)
    assert everything["why"] == "external cause: 1"
    # Never out of service figures: customers felt it.
    service = metrics(imported, by="service")["tables"]["time_to_resolve"]["rows"][0]
    assert (service["count"], service["excluded"]) == (25, 0)

    shown = irdesk("classify", "PE8XPNI", "--db", str(imported))
    assert shown.returncode == 0
    assert shown.stdout.splitlines() == [
        "pagerduty:PE8XPNI:",
        f"  External cause: Acme Cooling ({EVIDENCE})",
    ]


def test_not_an_incident_drops_it_and_is_an_incident_brings_it_back(imported: Path) -> None:
    assert metrics(imported)["incidents"] == 26
    done = irdesk("classify", "PH4UE4E", "--db", str(imported), "--not-an-incident")
    assert done.returncode == 0, done.stderr
    assert metrics(imported)["incidents"] == 25
    done = irdesk("classify", "PH4UE4E", "--db", str(imported), "--is-an-incident")
    assert done.returncode == 0, done.stderr
    assert metrics(imported)["incidents"] == 26


def test_severities_impact_and_clearing(imported: Path) -> None:
    done = irdesk(
        "classify",
        "PE8XPNI",
        "PXQYZNB",
        "--db",
        str(imported),
        "--severity",
        "SEV2",
        "--customer-severity",
        "1",
        "--users-affected",
        "1,200",
        "--downtime-cost",
        "5000",
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2
    mismatch = metrics(imported, by="severity")["tables"]["severity_mismatch"]["rows"][0]
    assert (mismatch["compared"], mismatch["customer_worse"]) == (2, 2)
    cleared = irdesk("classify", "PE8XPNI", "--db", str(imported), "--clear", "customer-severity")
    assert cleared.returncode == 0, cleared.stderr
    assert (
        "Customers reported" not in cleared.stdout
        and "Severity corrected to SEV2" in cleared.stdout
    )
    again = irdesk("classify", "PE8XPNI", "--db", str(imported), "--severity", "SEV2")
    assert again.stdout == "pagerduty:PE8XPNI: unchanged\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("INC-404", "--users-affected", "3"), "no incident 'INC-404'"),
        (("--users-affected", "lots"), "--users-affected: expected a whole number, got 'lots'"),
        (("--downtime-cost", "-5"), "--downtime-cost: expected an amount of 0 or more"),
        (("--severity", "P1"), "--severity: expected a severity SEV1 … SEV5, got 'P1'"),
        (("--external-cause", "Acme"), "pagerduty:PE8XPNI: an external cause needs evidence"),
        (("--external-cause", "Acme", "--evidence", "acme.example"), "--evidence: expected a web"),
        (("--approved-tech-debt", "--approver", "Kim"), "needs the decision's reference"),
        (
            ("--regulatory-exposure", "GDPR", "--notification-deadline", "2026-12-09T17:00"),
            "has no time zone",
        ),
        (("--clear", "colour"), "--clear: no classification field 'colour'"),
    ],
)
def test_bad_input_is_one_located_sentence_and_changes_nothing(
    imported: Path, arguments: tuple[str, ...], message: str
) -> None:
    before = database_dump(imported)
    # The good incident first: a bad one after it still leaves it as it was.
    names = ["PE8XPNI"] if arguments[0].startswith("--") else ["PE8XPNI", arguments[0]]
    options = arguments if arguments[0].startswith("--") else arguments[1:]
    done = irdesk("classify", *names, "--db", str(imported), *options)
    assert done.returncode == 1
    assert done.stderr.startswith("irdesk: error: ") and message in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.rstrip().endswith("Nothing was changed.")
    assert database_dump(imported) == before


def test_the_insurance_packet_names_the_third_party(imported: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "insurance.pdf"
    done = irdesk(
        "classify",
        "PE8XPNI",
        "--db",
        str(imported),
        "--external-cause",
        "Acme Cooling",
        "--evidence",
        EVIDENCE,
    )
    assert done.returncode == 0, done.stderr
    packet = irdesk(
        "packet", "PE8XPNI", "--profile", "insurance", "--db", str(imported), "--out", str(pdf)
    )
    assert packet.returncode == 0, packet.stderr
    text = re.sub(r"\s+", "", pdf_text(pdf))
    assert "Causedbyathirdpartyyes" in text
    assert "ThirdpartyAcmeCooling" in text
