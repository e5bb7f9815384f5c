"""Validation samples on the real PagerDuty page (26 incidents): drawing, redrawing by the
seed, checking with compare-and-set and undo, and the report's figures worked out by hand."""

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from testdata import SHARED_DATA

from irdesk.cli.main import main
from irdesk.domain.validation import draw
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import Database, open_database
from irdesk.storage.errors import EditConflict, EditRefused
from irdesk.storage.reads.queries import incident_detail
from irdesk.storage.records import validation_samples as vs

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
DETECTED_SHIFTS = [3.0, -1.0, 10.0, 4.0, 2.0, 7.0, 5.0]  # minutes, on the first seven


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    path = tmp_path / "pd.db"
    db = open_database(path)
    try:
        run_import(db, [PD_PAGE])
    finally:
        db.close()
    return path


def _overrides(db: Database, incident_id: int) -> set[str]:
    with db.session() as session:
        detail = incident_detail(session, incident_id)
        assert detail is not None
        return set(detail.overrides)


def _open(path: Path) -> Database:
    return open_database(path, create=False)


def test_a_seeded_sample_is_stored_and_redrawn_identically(imported: Path) -> None:
    db = _open(imported)
    try:
        first = vs.draw_sample(db, per_source=5, seed=4242, actor="Ana")
        second = vs.draw_sample(db, per_source=5, seed=4242, actor="Ana")
        with db.session() as session:
            redrawn = draw(vs.candidates(session), first.per_source, first.seed)
        stored = vs.sample_info(db, first.id)
    finally:
        db.close()
    assert first.incidents == second.incidents == redrawn == stored.incidents
    assert (stored.seed, stored.per_source, stored.drawn_by) == (4242, 5, "Ana")
    assert list(stored.incidents) == ["pagerduty"] and len(stored.incidents["pagerduty"]) == 5


def _check_twenty(db: Database) -> list[vs.SampleItem]:
    sample = vs.draw_sample(db, per_source=20, seed=7, actor="Ana")
    items = vs.sample_items(db, sample.id)
    assert len(items) == 20
    for n, item in enumerate(items):
        corrections: dict[str, vs.Value] = {}
        if n < len(DETECTED_SHIFTS):
            recorded = datetime.fromisoformat(str(item.recorded["detected_at"]))
            corrections["detected_at"] = recorded + timedelta(minutes=DETECTED_SHIFTS[n])
        if n in (0, 5, 9):
            corrections["severity"] = "SEV1" if item.recorded["severity"] != "SEV1" else "SEV2"
        vs.record_check(db, item.id, item.revision, corrections, apply=n == 0, actor="Ana")
    return items


def test_the_report_json_by_hand(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _open(imported)
    try:
        items = _check_twenty(db)
        overrides = _overrides(db, items[0].incident_id)
    finally:
        db.close()
    # "apply" on the first: its correction became the lifecycle correction.
    assert "detected_at" in overrides
    assert main(["validation", "report", "--db", str(imported), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["incidents"], report["checked"]) == (20, 20)
    fields = {f["field"]: f for f in report["fields"]}
    assert list(fields) == [
        "started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at", "severity"
    ]  # fmt: skip
    detected = fields["detected_at"]
    assert (detected["checked"], detected["corrected"]) == (20, 7)
    assert detected["discrepancy_rate"] == 0.35
    # Wilson, 7 of 20: centre (0.35 + 0.096036) / 1.192073 = 0.374171,
    # half 1.959964 · √(0.011375 + 0.002401) / 1.192073 = 0.192977.
    low, high = detected["discrepancy_rate_ci95"]
    assert (round(low, 4), round(high, 4)) == (0.1812, 0.5671)
    # Sorted shifts: −1, 2, 3, 4, 5, 7, 10 → median 4; n = 7, k = 1 (1/128 ≤ 0.025 < 8/128).
    assert detected["median_correction_minutes"] == 4.0
    assert detected["median_correction_ci95"] == [-1.0, 10.0]
    severity = fields["severity"]
    assert (severity["corrected"], severity["discrepancy_rate"]) == (3, 0.15)
    assert [round(x, 4) for x in severity["discrepancy_rate_ci95"]] == [0.0524, 0.3604]
    assert severity["median_correction_minutes"] is None
    assert fields["started_at"]["corrected"] == 0
    assert [round(x, 4) for x in fields["started_at"]["discrepancy_rate_ci95"]] == [0.0, 0.1611]


def test_a_check_is_compare_and_set_and_undone(imported: Path) -> None:
    db = _open(imported)
    try:
        sample = vs.draw_sample(db, per_source=2, seed=1, actor="Ana")
        item = vs.sample_items(db, sample.id)[0]
        recorded = datetime.fromisoformat(str(item.recorded["started_at"]))
        corrections: dict[str, vs.Value] = {"started_at": recorded - timedelta(minutes=30)}
        revision, before = vs.record_check(db, item.id, 0, corrections, apply=True, actor="Ana")
        with pytest.raises(EditConflict):
            vs.record_check(db, item.id, 0, {}, apply=False, actor="Bo")
        assert "started_at" in _overrides(db, item.incident_id)
        vs.restore_check(db, item.id, revision, before, actor="Ana")
        after = vs.sample_items(db, sample.id)[0]
        assert "started_at" not in _overrides(db, item.incident_id)
    finally:
        db.close()
    assert not after.checked and after.state.findings == ()
    assert after.recorded["started_at"] == item.recorded["started_at"]


def test_a_sample_is_discarded_only_before_any_check(imported: Path) -> None:
    db = _open(imported)
    try:
        kept = vs.draw_sample(db, per_source=2, seed=3, actor="Ana")
        item = vs.sample_items(db, kept.id)[0]
        vs.record_check(db, item.id, item.revision, {}, apply=False, actor="Ana")
        with pytest.raises(EditRefused, match="has checked incidents"):
            vs.discard_sample(db, kept.id, actor="Ana")
        mistaken = vs.draw_sample(db, per_source=2, seed=4, actor="Ana")
        vs.discard_sample(db, mistaken.id, actor="Ana")
        assert vs.sample_info(db).id == kept.id
    finally:
        db.close()


def test_bad_input_is_one_sentence(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validation", "draw", "--db", str(imported), "--per-source", "0"]) == 1
    assert capsys.readouterr().err == (
        "irdesk: error: --per-source 0: draw between 1 and 1000 incidents per source\n"
        "No sample was drawn.\n"
    )
    assert main(["validation", "report", "--db", str(imported)]) == 1
    assert "no validation sample has been drawn yet" in capsys.readouterr().err


def test_draw_and_table_from_the_command_line(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["validation", "draw", "--db", str(imported), "--per-source", "3", "--seed", "99"]
    assert main(args) == 0
    assert "Drew validation sample 1: 3 incidents, seed 99." in capsys.readouterr().out
    assert main(["validation", "report", "--db", str(imported)]) == 0
    assert "0 of 3 incidents checked" in capsys.readouterr().out
