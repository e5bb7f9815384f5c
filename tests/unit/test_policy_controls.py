"""Policy targets mapped to the controls they satisfy: kept with the policy version,
listed in the executive packet and by `irdesk metrics --policy-history`.

The packet is made from the real PagerDuty page in the shared samples
(pagerduty_incidents_page.json: incidents of April to June 2021).
"""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from packet_fixtures import pdf_text, require_tools
from testdata import SHARED_DATA

from irdesk.domain.policy import CONTROL_LENGTH, Policy, PolicyError
from irdesk.importers.pipeline import run_import
from irdesk.reports.packets.export import PacketRequest, export_packet
from irdesk.storage.database import Database
from irdesk.storage.records.policies import save_policy

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
SOC2 = "SOC 2 CC7.4 — respond to incidents <b>&amp; recover</b>"
ISO = "ISO/IEC 27001:2022 A.5.26"


def test_a_mapping_round_trips_and_an_older_version_reads_as_none() -> None:
    mapped = Policy(controls={"time_to_resolve_target": SOC2, "slo": ISO})
    assert Policy.from_json(mapped.to_json()).controls == mapped.controls
    # A version saved before controls existed is stored, and read, as it was.
    assert "controls" not in json.loads(Policy().to_json())
    assert Policy.from_json(json.dumps({"schema": 1})).controls == {}


@pytest.mark.parametrize(
    ("controls", "message"),
    [
        ({"uptime": ISO}, "controls: 'uptime' is not one of"),
        ({"slo": "   "}, "controls.slo: name the control or clause"),
        ({"slo": 7}, "controls.slo: name the control or clause"),
        ({"slo": "x" * (CONTROL_LENGTH + 1)}, f"at most {CONTROL_LENGTH}"),
        (["slo"], "controls: expected an object"),
    ],
)
def test_a_mapping_that_names_no_figure_or_no_control_is_refused(
    controls: object, message: str
) -> None:
    with pytest.raises(PolicyError, match=message.replace("(", r"\(")):
        Policy(controls=controls)  # type: ignore[arg-type]


@pytest.fixture
def imported(database: Database) -> Database:
    run_import(database, [PD_PAGE])
    return database


def executive(db: Database, folder: Path, name: str) -> str:
    require_tools("pdftotext")
    path = folder / f"{name}.pdf"
    export_packet(db, PacketRequest("executive", period="2021-Q2"), path, created_by="t", now=NOW)
    return " ".join(pdf_text(path).split())


def test_the_executive_packet_lists_the_controls_as_typed(
    imported: Database, tmp_path: Path
) -> None:
    assert "Control or clause it satisfies" not in executive(imported, tmp_path, "unmapped")

    policy = Policy(
        controls={"time_to_resolve_target": SOC2, "slo": ISO},
        retired_figures={"slo": "the SLO report moved to the platform team"},
    )
    save_policy(imported, policy, note="controls for the audit", author="Ana")
    text = executive(imported, tmp_path, "mapped")

    assert "Control or clause it satisfies" in text
    assert f"time to resolve target {SOC2} yes" in text  # markup printed, not interpreted
    assert f"slo {ISO} retired under this version" in text


def test_the_policy_history_names_each_versions_controls(imported: Database) -> None:
    save_policy(imported, Policy(controls={"cost": ISO}), note="cost mapped", author="Ana")
    imported.close()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "irdesk",
            "metrics",
            "--db",
            str(imported.path),
            "--policy-history",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    versions = json.loads(result.stdout)
    assert versions[-1]["controls"] == {"cost": ISO}
    table = subprocess.run(
        [sys.executable, "-m", "irdesk", "metrics", "--db", str(imported.path), "--policy-history"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert f"cost satisfies {ISO}" in table.stdout
