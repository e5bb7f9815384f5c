"""Review › Calibration…'s factor-tagging and note-dimension tabs on the hand-built
reviews of tests/review_feedback_fixture.py (every cell by hand, and the same cells
`irdesk calibration --format json` prints), the notes unlocked through the window's
own Unlock Notes…; and undo of what the review-feedback windows record: a calibration
session, a survey answer typed in the dialog, and a survey tool's CSV imported with
Review › Import Survey Answers… — each audited, and refused when the record moved on."""

import json
from pathlib import Path

import pytest
from note_keys import HR, PASSPHRASE, make_identity
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot
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
from sqlmodel import col, select
from test_review_feedback_windows import TIMEOUT_MS, open_calibration
from window_driver import (
    activate,
    choose_from_menu,
    click_row,
    open_and_wait,
    row_of,
    visible_boxes,
)

from irdesk.cli.main import main
from irdesk.domain.models import AuditEntry, CalibrationSession, ReviewSurvey
from irdesk.gui.common.notes_session import UnlockDialog
from irdesk.gui.main_window import MainWindow
from irdesk.gui.review.calibration_window import SideBySideModel
from irdesk.gui.review.survey_dialog import SurveyDialog
from irdesk.reports.signing.note_keys import unlock
from irdesk.storage.database import open_database

PERIOD = ["--from", "2026-07-01", "--to", "2026-12-07", "--as-of", "2026-12-07"]


@pytest.fixture
def identity(tmp_path: Path) -> Path:
    return make_identity(tmp_path / "morgan.p12", "Morgan Manager")


@pytest.fixture
def compared_file(tmp_path: Path, identity: Path) -> Path:
    path = tmp_path / "reviews.db"
    database = open_database(path)
    ids = build_reviews(database)
    add_factor_findings(database)
    add_notes(database, ids, unlock(identity, PASSPHRASE), HR)
    database.close()
    return path


def columns(model: SideBySideModel) -> dict[str, dict[str, str]]:
    """Every cell shown, by team and measure key."""
    return {
        model.headerData(c, Qt.Orientation.Horizontal): {
            key: model.index(r, c).data() for r, (key, _) in enumerate(model.measures)
        }
        for c in range(1, model.columnCount())
    }


def cli_json(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> dict:
    code = main(["calibration", *PERIOD, "--format", "json", "--db", str(path), *extra])
    out, _ = capsys.readouterr()
    assert code == 0
    return json.loads(out)


def test_factor_tagging_and_note_dimensions_agree_with_the_command_cell_by_cell(
    qtbot: QtBot,
    window: MainWindow,
    compared_file: Path,
    identity: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    calibration = open_calibration(qtbot, window, compared_file)
    # Alt+G: the factor tab.
    qtbot.keyClick(calibration, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    assert calibration.tabs.currentIndex() == 1
    shown = columns(calibration.factor_model)
    assert shown == EXPECTED_TAGGING
    flags = [calibration.flags.item(n).text() for n in range(calibration.flags.count())]
    assert flags == EXPECTED_FLAGS
    printed = cli_json(capsys, compared_file)
    assert {t["team"]: t["factor_tagging"]["cells"] for t in printed["teams"]} == shown
    assert [m["label"] for m in printed["factor_measures"]] == [
        label for _, label in calibration.factor_model.measures
    ]
    assert printed["factor_flags"] == flags

    # Locked: counts only, as the command prints them without an identity.
    qtbot.keyClick(calibration, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert calibration.tabs.currentIndex() == 2
    locked = columns(calibration.notes_model)
    assert locked == EXPECTED_NOTES_LOCKED
    assert {t["team"]: t["feedback_notes"]["cells"] for t in printed["teams"]} == locked
    assert calibration.notes_label.text() == printed["notes_summary"]
    assert calibration.notes_label.text().startswith("No reader's keys were used: 6 feedback")

    # Unlock Notes…: the identity and its passphrase typed, OK clicked.
    assert calibration.unlock_button.isVisible()
    qtbot.mouseClick(calibration.unlock_button, Qt.MouseButton.LeftButton)
    dialog = calibration.unlock_dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT_MS)
    dialog.identity_edit.setFocus()
    qtbot.keyClicks(dialog.identity_edit, str(identity))
    dialog.passphrase_edit.setFocus()
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE.decode())
    with qtbot.waitSignal(calibration.loaded, timeout=TIMEOUT_MS):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
    unlocked = columns(calibration.notes_model)
    assert unlocked == EXPECTED_NOTES_UNLOCKED
    assert not calibration.unlock_button.isVisible()
    passphrase = tmp_path / "pass.txt"
    passphrase.write_bytes(PASSPHRASE + b"\n")
    opened = cli_json(
        capsys, compared_file, "--identity", str(identity), "--passphrase-file", str(passphrase)
    )
    assert {t["team"]: t["feedback_notes"]["cells"] for t in opened["teams"]} == unlocked
    assert calibration.notes_label.text() == opened["notes_summary"]
    assert "read with the keys of Morgan Manager (" in calibration.notes_label.text()
    assert "4 of 6 notes opened; 2 locked to other readers" in calibration.notes_label.text()


def audit_actions(window: MainWindow, entity: str) -> list[tuple[str, str]]:
    database = window.db
    assert database is not None
    with database.session() as session:
        rows = session.exec(
            select(AuditEntry.action, AuditEntry.actor)
            .where(AuditEntry.entity == entity)
            .order_by(col(AuditEntry.id))
        ).all()
    return [(a, b) for a, b in rows]


def test_a_recorded_session_is_undone_and_redone_with_the_keys(
    qtbot: QtBot, window: MainWindow, compared_file: Path
) -> None:
    calibration = open_calibration(qtbot, window, compared_file)
    calibration.decisions.setFocus()
    qtbot.keyClicks(calibration.decisions, "Tag what fits no factor as other")
    # No attendee: refused in the window, with what was typed still there, and no step.
    qtbot.mouseClick(calibration.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: calibration.problem.text() != "", timeout=TIMEOUT_MS)
    assert calibration.problem.text() == "a session needs at least one attendee."
    assert calibration.decisions.toPlainText() == "Tag what fits no factor as other"
    assert window.undo_stack.count() == 0
    calibration.attendees.setFocus()
    qtbot.keyClicks(calibration.attendees, "Ana")
    with qtbot.waitSignal(calibration.loaded, timeout=TIMEOUT_MS):
        qtbot.mouseClick(calibration.record_button, Qt.MouseButton.LeftButton)
    assert calibration.problem.text() == ""
    assert calibration.sessions.item(0).text().startswith(f"{AS_OF} · 2026-07-01 to")
    assert window.undo_stack.undoText() == f"Record the calibration session of {AS_OF}"
    database = window.db
    assert database is not None

    def sessions() -> list[str]:
        with database.session() as session:
            return [s.decisions for s in session.exec(select(CalibrationSession))]

    assert sessions() == ["Tag what fits no factor as other"]
    # Ctrl+Z in the calibration window itself (focus off the text fields).
    calibration.sessions.setFocus()
    with qtbot.waitSignal(calibration.loaded, timeout=TIMEOUT_MS):
        qtbot.keyClick(calibration.sessions, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sessions() == []
    assert calibration.sessions.item(0).text() == "None recorded."
    with qtbot.waitSignal(calibration.loaded, timeout=TIMEOUT_MS):
        # The platform's Redo keys (Ctrl+Shift+Z or Ctrl+Y), as the main window's.
        qtbot.keySequence(calibration.sessions, QKeySequence(QKeySequence.StandardKey.Redo))
    assert sessions() == ["Tag what fits no factor as other"]
    assert [a for a, _ in audit_actions(window, "calibration_session")] == [
        "record_calibration",
        "withdraw_calibration",
        "record_calibration",
    ]

    # Another window changes the session meanwhile: undo is refused, the history goes.
    with database.transaction() as session:
        row = session.exec(select(CalibrationSession)).one()
        row.decisions, row.revision = "changed elsewhere", row.revision + 1
        session.add(row)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: bool(visible_boxes(window)), timeout=TIMEOUT_MS)
    [box] = visible_boxes(window)
    assert "was changed elsewhere" in box.text()
    box.accept()
    assert sessions() == ["changed elsewhere"]
    assert window.undo_stack.count() == 0


def test_a_typed_survey_answer_is_undone_without_naming_anyone(
    qtbot: QtBot, window: MainWindow, compared_file: Path
) -> None:
    open_and_wait(qtbot, window, compared_file)
    window.review_feedback.today = lambda: AS_OF
    click_row(qtbot, window, row_of(window, "S-1"))
    choose_from_menu(qtbot, window, Qt.Key.Key_W, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: window.review_feedback.survey_dialog is not None, timeout=TIMEOUT_MS)
    dialog = window.review_feedback.survey_dialog
    assert isinstance(dialog, SurveyDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT_MS)
    dialog.safe.setFocus()
    qtbot.keyClick(dialog.safe, Qt.Key.Key_Up)  # 3 → 4
    qtbot.keyClick(dialog.anonymous, Qt.Key.Key_Space)
    dialog.comment.setFocus()
    qtbot.keyClicks(dialog.comment, "Quiet room helped")
    with qtbot.waitSignal(window.review_feedback.answers_changed, timeout=TIMEOUT_MS):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
        )
    database = window.db
    assert database is not None

    def s1_answers() -> list[tuple[int, int, bool, str | None]]:
        with database.session() as session:
            rows = session.exec(select(ReviewSurvey).order_by(col(ReviewSurvey.id))).all()
            return [(r.useful, r.safe, r.anonymous, r.comment) for r in rows if r.hours == 1.0]

    before = s1_answers()
    assert before[-1] == (3, 4, True, "Quiet room helped")
    # The step names the review, not who answered.
    assert window.undo_stack.undoText() == "Record a survey answer on demo:S-1"
    with qtbot.waitSignal(window.review_feedback.answers_changed, timeout=TIMEOUT_MS):
        activate(qtbot, window)
        window.table.setFocus()
        qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert s1_answers() == before[:-1]
    with qtbot.waitSignal(window.review_feedback.answers_changed, timeout=TIMEOUT_MS):
        window.redo_action.trigger()
    assert s1_answers() == before
    entries = audit_actions(window, "review")
    # Anonymous: added, withdrawn and added again under no one's name.
    assert entries[-3:] == [
        ("add_survey_answer", "anonymous respondent"),
        ("withdraw_survey_answer", "anonymous respondent"),
        ("add_survey_answer", "anonymous respondent"),
    ]


SURVEY = """Incident,Name,Useful,Safe to speak,Hours spent,Anything else
demo:P-2,,4,4,2,Good facilitation
demo:S-2,Eli,3,4,1.5,
"""


def test_a_survey_file_is_imported_from_the_menu_and_undone(
    qtbot: QtBot,
    window: MainWindow,
    compared_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fixture's reviews have P-1 3 answers of 3 attendees, S-1 1 of 2, P-2 4 of 4 and
    S-2 2 of 2: a file asking P-2 for a fifth is refused at its first row, and nothing is
    stored; a file answering for Fay on S-1 (the one place left) is stored, undone and
    redone."""
    open_and_wait(qtbot, window, compared_file)
    window.review_feedback.today = lambda: AS_OF
    good = tmp_path / "survey.csv"
    good.write_text(
        "Incident,Name,Useful,Safe to speak,Hours spent,Anything else\n"
        'demo:S-1,Fay,4,5,0.5,=HYPERLINK("http://x")\n',
        encoding="utf-8",
    )
    bad = tmp_path / "late.csv"
    bad.write_text(SURVEY, encoding="utf-8")
    database = window.db
    assert database is not None

    def answers() -> int:
        with database.session() as session:
            return len(session.exec(select(ReviewSurvey.id)).all())

    assert answers() == 10
    monkeypatch.setattr(window.review_feedback, "ask_survey_file", lambda: bad)
    choose_from_menu(qtbot, window, Qt.Key.Key_W, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: bool(visible_boxes(window)), timeout=TIMEOUT_MS)
    [box] = visible_boxes(window)
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.text() == (
        "late.csv, row 1 (line 2): every attendee has answered (4 answers); "
        "the review takes no more."
    )
    assert box.informativeText() == "Nothing was changed."
    box.accept()
    assert answers() == 10
    assert window.undo_stack.count() == 0

    monkeypatch.setattr(window.review_feedback, "ask_survey_file", lambda: good)
    with qtbot.waitSignal(window.review_feedback.answers_changed, timeout=TIMEOUT_MS):
        choose_from_menu(qtbot, window, Qt.Key.Key_W, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: bool(visible_boxes(window)), timeout=TIMEOUT_MS)
    [box] = visible_boxes(window)
    assert box.text() == "survey.csv: 1 survey answers stored."
    box.accept()
    assert answers() == 11
    assert window.undo_stack.undoText() == "Import 1 survey answers from survey.csv"
    with qtbot.waitSignal(window.review_feedback.answers_changed, timeout=TIMEOUT_MS):
        window.undo_action.trigger()
    assert answers() == 10
    with qtbot.waitSignal(window.review_feedback.answers_changed, timeout=TIMEOUT_MS):
        window.redo_action.trigger()
    assert answers() == 11
    with database.session() as session:
        newest = session.exec(select(ReviewSurvey).order_by(col(ReviewSurvey.id).desc())).first()
        assert newest is not None
        assert (newest.useful, newest.safe, newest.hours, newest.comment) == (
            4,
            5,
            0.5,
            '=HYPERLINK("http://x")',
        )
    assert [a for a, _ in audit_actions(window, "review")][-3:] == [
        "add_survey_answer",
        "withdraw_survey_answer",
        "add_survey_answer",
    ]
