"""What the executive and legal packets say about retired figures and validation samples,
read with pdftotext and from the embedded manifest.

The demo organisation's policy version 2 shows every figure; version 3 (saved here)
retires the cost figure. Periods under version 2 still show it.
"""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from packet_fixtures import pdf_text, require_tools
from testdata import CopyDemo

from irdesk.reports.packets.export import PacketRequest, export_packet
from irdesk.reports.signing.verify import verify_packet
from irdesk.storage.database import Database, open_database
from irdesk.storage.records import validation_samples as vs
from irdesk.storage.records.policies import current_policy, save_policy

REASON = "finance reports downtime cost from its own ledger now"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, copy_demo: CopyDemo
) -> tuple[Path, dict[str, Path]]:
    require_tools("pdftotext")
    folder = tmp_path_factory.mktemp("retired")
    db_path = folder / "demo.db"
    copy_demo(db_path, anchor=date(2026, 11, 28))
    db = open_database(db_path)
    try:
        live = current_policy(db)
        assert live.version == 2 and "cost" not in live.policy.retired_figures
        retiring = live.policy.with_changes(retired_figures={"cost": REASON})
        save_policy(db, retiring, note="cost leaves the packets", author="Ana")
        _checked_sample(db)
        requests = {
            "retired": PacketRequest("executive", period="2026-Q4"),
            "live": PacketRequest("executive", period="2026-Q4", policy_version=2),
            "legal": PacketRequest("legal", incident_id=_first_incident(db)),
        }
        paths = {}
        for name, request in requests.items():
            paths[name] = folder / f"{name}.pdf"
            export_packet(db, request, paths[name], created_by="tester", now=NOW)
    finally:
        db.close()
    return db_path, paths


def _first_incident(db: Database) -> int:
    return vs.sample_items(db, vs.sample_info(db).id)[0].incident_id


def _checked_sample(db: Database) -> None:
    """Two sources' first incident checked: one detection five minutes late, the rest confirmed."""
    sample = vs.draw_sample(db, per_source=2, seed=5, actor="Ana")
    for n, item in enumerate(vs.sample_items(db, sample.id)[:2]):
        corrections: dict[str, vs.Value] = {}
        if n == 0 and item.recorded["detected_at"] is not None:
            recorded = datetime.fromisoformat(item.recorded["detected_at"])
            corrections["detected_at"] = recorded + timedelta(minutes=5)
        vs.record_check(db, item.id, item.revision, corrections, apply=False, actor="Ana")


def _manifest(path: Path) -> dict[str, object]:
    report = verify_packet(path)
    assert report.manifest is not None
    return report.manifest


def squash(text: str) -> str:
    return "".join(text.split())


def test_a_retired_figure_is_absent_under_its_version_and_present_under_the_old(
    world: tuple[Path, dict[str, Path]],
) -> None:
    _, paths = world
    retired, live = squash(pdf_text(paths["retired"])), squash(pdf_text(paths["live"]))
    assert "Estimatedcost" in live and "Estimatedcost" not in retired
    # The Cost section: its contents entry and its table's responder columns.
    assert "Cost..." in live and "Cost..." not in retired
    assert "Responder" in live and "Responder" not in retired
    assert "Policyversion2" in live and "Policyversion3" in retired
    assert squash(f"Retired by this policy cost ({REASON})") in retired
    assert "Retiredbythispolicy" not in live
    assert "cost" not in _manifest(paths["retired"])["metric_definitions"]  # type: ignore[operator]
    assert "cost" in _manifest(paths["live"])["metric_definitions"]  # type: ignore[operator]


def test_legal_and_executive_manifests_carry_the_latest_validation_sample(
    world: tuple[Path, dict[str, Path]],
) -> None:
    db_path, paths = world
    db = open_database(db_path)
    try:
        expected = vs.validation_report(db).to_json()
    finally:
        db.close()
    for name in ("legal", "retired"):
        validation = _manifest(paths[name])["validation"]
        assert validation == expected
    assert isinstance(expected["sample"], dict) and expected["sample"]["seed"] == 5
    assert expected["checked"] == 2
