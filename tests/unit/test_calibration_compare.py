"""Calibration's two comparisons on the hand-built reviews of
tests/review_feedback_fixture.py: the spread of feedback-note dimensions per team, as
far as the reader's keys open the notes (locked ones counted, never read), and how the
teams tag contributing factors, with the differences flagged. Every cell by hand."""

import json
from datetime import date
from pathlib import Path

import pytest
from note_keys import HR, MANAGER, OUTSIDER, PASSPHRASE, make_identity
from review_feedback_fixture import (
    AS_OF,
    EXPECTED_FLAGS,
    EXPECTED_NOTES_LOCKED,
    EXPECTED_NOTES_UNLOCKED,
    EXPECTED_TAGGING,
    add_factor_findings,
    add_notes,
    build_reviews,
)

from irdesk.cli.main import main
from irdesk.domain.calibration import (
    NOTE_MEASURES,
    TeamTagging,
    factor_names,
    note_cells,
    notes_reader_text,
    tagging_cells,
    tagging_flags,
    tagging_measures,
)
from irdesk.reports.signing.note_keys import unlock
from irdesk.storage import sealing
from irdesk.storage.database import Database
from irdesk.storage.reads.review_facts import read_calibration
from irdesk.storage.sealing import short_fingerprint

FIRST, LAST = date(2026, 7, 1), date(2026, 12, 7)


def test_note_dimensions_per_team_as_the_reader_opens_them(database: Database) -> None:
    ids = build_reviews(database)
    add_notes(database, ids, MANAGER, HR)
    found = read_calibration(database, FIRST, LAST, AS_OF, MANAGER)
    assert found.notes_reader == f"Morgan Manager ({short_fingerprint(MANAGER.fingerprint)})"
    shown = {n.team: note_cells(n, True) for n in found.notes}
    assert shown == EXPECTED_NOTES_UNLOCKED
    assert notes_reader_text(found.notes_reader, found.notes) == (
        f"Feedback-note dimensions read with the keys of {found.notes_reader}: 4 of 6 notes "
        "opened; 2 locked to other readers, counted and not read."
    )
    # The other reader opens the other two: Cy's note (procedure) and Fay's (technical).
    other = read_calibration(database, FIRST, LAST, AS_OF, HR)
    assert {n.team: note_cells(n, True)["procedure"] for n in other.notes} == {
        "Payments": "1 of 1 (100%)",
        "Search": "0 of 1 (0%)",
    }


def test_without_keys_notes_are_counted_and_nothing_is_unsealed(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = build_reviews(database)
    add_notes(database, ids, MANAGER, HR)
    opened: list[int] = []
    real = sealing.unseal
    monkeypatch.setattr(
        sealing, "unseal", lambda *a, **k: opened.append(k["note_id"]) or real(*a, **k)
    )
    locked = read_calibration(database, FIRST, LAST, AS_OF)
    assert locked.notes_reader is None
    assert {n.team: note_cells(n, False) for n in locked.notes} == EXPECTED_NOTES_LOCKED
    assert opened == []
    assert notes_reader_text(None, locked.notes) == (
        "No reader's keys were used: 6 feedback notes counted, none read. "
        "Unlock the notes to compare what they speak to."
    )
    # A reader of none of them opens none, and counts all six as locked.
    outsider = read_calibration(database, FIRST, LAST, AS_OF, OUTSIDER)
    assert opened == []
    assert [(n.notes, n.locked) for n in outsider.notes] == [(4, 4), (2, 2)]


def test_how_teams_tag_contributing_factors_by_hand(database: Database) -> None:
    build_reviews(database)
    add_factor_findings(database)
    found = read_calibration(database, FIRST, LAST, AS_OF)
    factors = factor_names(found.tagging)
    assert factors == ["change", "coordination", "dependency", "detection"]
    assert [k for k, _ in tagging_measures(found.tagging)] == list(EXPECTED_TAGGING["Payments"])
    assert {t.team: tagging_cells(t, factors) for t in found.tagging} == EXPECTED_TAGGING
    assert tagging_flags(found.tagging) == EXPECTED_FLAGS


def _team(name: str, findings: int, tagged: int, **counts: int) -> TeamTagging:
    return TeamTagging(
        team=name,
        findings=findings,
        tagged=tagged,
        factors=tuple(sorted(counts.items())),
        other=counts.get("other", 0),
        confirmed=0,
        rejected=0,
        added=0,
        pending=0,
    )


def test_flags_compare_each_of_three_teams_with_the_rest_together() -> None:
    """Each team against the other two together; a gap of 25 points or more is flagged.

    Tagged of findings: A 4/5 (80%) against 6/9 (67%): 13 points; B 3/3 against 7/11
    (64%): 36; C 3/6 (50%) against 7/8 (88%): 38. "other" of tagged: A 0/4 against 2/6
    (33%); B 0/3 against 2/7 (29%); C 2/3 (67%) against 0/7. change: A 4/4 against 1/6
    (17%); B 1/3 (33%) against 4/7 (57%): 24 points, not flagged; C 0/3 against 5/7 (71%).
    detection: A 0/4 against 3/6 (50%); B 2/3 (67%) against 1/7 (14%); C 1/3 (33%) against
    2/7 (29%): 5 points. Nothing was suggested, so no rejection rate is compared."""
    teams = [
        _team("A", 5, 4, change=4),
        _team("B", 3, 3, change=1, detection=2),
        _team("C", 6, 3, detection=1, other=2),
    ]
    assert tagging_flags(teams) == [
        "B tags 3 of 3 (100%) findings; the other teams 7 of 11 (64%).",
        "C tags 3 of 6 (50%) findings; the other teams 7 of 8 (88%).",
        "A tags “other” on 0 of 4 (0%) tagged findings; the other teams 2 of 6 (33%).",
        "B tags “other” on 0 of 3 (0%) tagged findings; the other teams 2 of 7 (29%).",
        "C tags “other” on 2 of 3 (67%) tagged findings; the other teams 0 of 7 (0%).",
        "A tags change on 4 of 4 (100%) tagged findings; the other teams 1 of 6 (17%).",
        "C tags change on 0 of 3 (0%) tagged findings; the other teams 5 of 7 (71%).",
        "A tags detection on 0 of 4 (0%) tagged findings; the other teams 3 of 6 (50%).",
        "B tags detection on 2 of 3 (67%) tagged findings; the other teams 1 of 7 (14%).",
    ]


def test_the_command_compares_notes_with_an_identity_and_counts_them_without(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    identity = make_identity(tmp_path / "morgan.p12", "Morgan Manager")
    reader = unlock(identity, PASSPHRASE)
    ids = build_reviews(database)
    add_factor_findings(database)
    add_notes(database, ids, reader, HR)
    path = str(database.path)
    database.close()
    passphrase = tmp_path / "pass.txt"
    passphrase.write_bytes(PASSPHRASE + b"\n")
    period = ["--from", "2026-07-01", "--to", "2026-12-07", "--as-of", "2026-12-07"]
    base = ["calibration", *period, "--format", "json", "--db", path]

    assert main([*base, "--identity", str(identity), "--passphrase-file", str(passphrase)]) == 0
    opened = json.loads(capsys.readouterr().out)
    assert opened["notes_reader"] == f"Morgan Manager ({short_fingerprint(reader.fingerprint)})"
    assert [m["key"] for m in opened["note_measures"]] == [k for k, _ in NOTE_MEASURES]
    assert {
        t["team"]: t["feedback_notes"]["cells"] for t in opened["teams"]
    } == EXPECTED_NOTES_UNLOCKED
    payments = opened["teams"][0]["feedback_notes"]
    assert payments["dimensions"] == {
        "technical_resolution": 1,
        "communication": 1,
        "documentation": 1,
        "procedure": 0,
    }
    assert {t["team"]: t["factor_tagging"]["cells"] for t in opened["teams"]} == EXPECTED_TAGGING
    assert opened["factor_flags"] == EXPECTED_FLAGS

    assert main(base) == 0
    locked = json.loads(capsys.readouterr().out)
    assert locked["notes_reader"] is None
    assert {
        t["team"]: t["feedback_notes"]["cells"] for t in locked["teams"]
    } == EXPECTED_NOTES_LOCKED
    assert locked["teams"][0]["feedback_notes"]["dimensions"] is None

    # A wrong passphrase: one sentence, exit 1, no traceback.
    passphrase.write_text("not it\n")
    code = main([*base, "--identity", str(identity), "--passphrase-file", str(passphrase)])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("irdesk: error: ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
